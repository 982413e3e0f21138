"""Layer 3: unweighted event generators iter_zprime / iter_eft (chunks) and generate_* (one sample).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mucast import __version__
from mucast.processes import conventions as _conv
from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.eft import production as _eft
from mucast.processes.mediators import production as _mprod
from mucast.units import GeV, natural_to_area, picobarn

from mucast.events.files import PDG_IDS
from mucast.events.densities import _channel_groups, _eft_group_densities, _map_xs, _s_limits, _x_hi, _zprime_density_xs
from mucast.events.kinematics import _build_kinematics, _isotropic, _two_body
from mucast.events.pair_angles import _pair_masses, _pair_structure, _sample_pair_angles
from mucast.events.sample import DEFAULT_CHUNK, EventSample, _GridSampler, _W_NODES, _check_chunk, _check_energy, _check_n, _chunks, _target, _z_nodes


#: the generators' domain: ρ = m²/(4 E m_μ) ≤ RHO_MAX for the emitted system's mass m (the Z′
#: mass, the EFT pair mass k). ρ is the term m⁴/(4E²) that the small-angle limits of ũ (seed 001
#: Eq. 17, the WW integrand's) drop, over the term m² m_μ/E they keep, at the soft-muon end
#: x → 1 − m_μ/E: the larger ρ, the more WW points lie outside the exact phase space. Measured
#: (validation/generator_domain.py, docs/detector_model.md "Domain of the generators"): at
#: ρ = 1/2 the system is put at θ = 0 for 19% (160 GeV) and 35% (15 GeV) of the points and
#: 0.4–0.8% of draws have no on-shell recoil (redrawn, counted); at ρ ≈ 1–2 the redraws reach
#: 5–40%, from ρ ≈ 5–30 the grid envelope is violated, and by ρ ≈ 1 (1.06 GeV), 12 (15 GeV),
#: 32 (160 GeV) the photon-virtuality window closes (the sampler looped there before its
#: guard). At 160 GeV the bound, m ≤ 5.81 GeV, is also where WW holds (docs/validation.md).
RHO_MAX = 0.5


def system_mass_limit(energy):
    """Largest mass of the emitted system (Z′ or EFT pair) the generators accept at beam energy
    ``energy``: √(4 ρ_max E m_μ) = √(2 E m_μ) [energy] (5.81 GeV at 160 GeV; always below the
    kinematic reach E − m_μ). See :data:`RHO_MAX`."""
    return math.sqrt(4.0 * RHO_MAX * float(energy) * M_MU)


def _sample_kinematic(sampler, to_xku, n, energy, tgt, t_max_choice, rng):
    """Sample n points and build their four-vectors; points whose recoil cannot be put on shell
    (a WW-approximation artefact at x → 1 − m_μ/E, ~1e-5 of events) are replaced by new draws
    and counted (info["recoil_resampled"]); any left after 20 redraws raise KinematicsError."""
    pts, viol = sampler.sample(n, rng)
    x, kk, u, extra = to_xku(pts)
    mu, kv, nuc, t, _, good = _build_kinematics(x, kk, u, energy, tgt, t_max_choice, rng)
    redo = 0
    for _ in range(20):
        bad = np.nonzero(~good)[0]
        if not bad.size:
            break
        redo += bad.size
        p2, v2 = sampler.sample(bad.size, rng)
        viol += v2
        pts[bad] = p2
        x2, k2, u2, _e = to_xku(p2)
        out = _build_kinematics(x2, k2, u2, energy, tgt, t_max_choice, rng)
        x[bad], kk[bad], u[bad] = x2, k2, u2
        for arr, new in zip((mu, kv, nuc, t), out[:4], strict=True):
            arr[bad] = new
        good[bad] = out[5]
        for key in extra:
            extra[key][bad] = _e[key]
    bad = np.nonzero(~good)[0]
    if bad.size:        # never silently: these events' muon would be off shell
        raise KinematicsError(
            f"recoil sampling stopped: {bad.size} of {n} events have no on-shell nuclear recoil "
            f"after 20 redraws (on-shell efficiency {1.0 - (redo + bad.size) / (n + redo):.1e} "
            "over all draws): outside the generator's domain")
    return pts, x, kk, u, mu, kv, nuc, t, extra, viol, redo


def iter_zprime(mass, n_events, seed=0, energy=160 * GeV, target="Pb", decay=None,
                m_chi=None, theta_max=0.1, t_max="E2", alpha=ALPHA, chunk_size=DEFAULT_CHUNK,
                x_min=None, spin="vector"):
    """Yield :class:`EventSample` chunks of μN → μN X (WW, seed 001), ``n_events`` in total.

    Parameters: ``mass`` [energy] in (0, √(2 E m_μ)] (:func:`system_mass_limit`, the generator's
    domain: 5.81 GeV at 160 GeV; beyond it KinematicsError); ``decay``: None (X left undecayed),
    ``"nu"`` (ν_μ ν̄_μ, massless) or ``"chi"`` (χ χ̄ with m_χ, default m/3, seed 001); isotropic
    in the X rest frame. ``x_min``: restrict to x ≥ x_min (e.g. 0.5 for the signal region).
    ``spin``: the mediator's spin, "vector" (the Z′, default), "axial", "scalar" or
    "pseudoscalar" (V, A, S, P accepted): events from that spin's WW density in (x, ln|ũ|),
    :func:`mucast.events.densities._zprime_density_xs`, so that both the x spectrum and the
    muon angle (ũ) follow production.dsigma_dx(spin=...). The system keeps the PDG id 32 for
    every spin (a private convention; ``info["spin"]`` names the spin).
    """
    n_events = _check_n(n_events)
    chunk_size = _check_chunk(chunk_size)
    energy = _check_energy(energy)
    tgt = _target(target)
    m_lim = system_mass_limit(energy)
    if not (isinstance(mass, numbers.Real) and math.isfinite(mass) and 0 < mass <= m_lim):
        raise KinematicsError(f"mass must be in (0, sqrt(2 E m_mu)] = (0, {m_lim / GeV:.4g}] GeV at"
                              f" E = {energy / GeV:g} GeV, the generator's domain"
                              " (docs/detector_model.md), got"
                              f" {mass / GeV if isinstance(mass, numbers.Real) else mass!r} GeV")
    spin = _mprod.check_spin(spin)
    if decay not in (None, "nu", "chi"):
        raise UnknownNameError(f"decay must be None, 'nu' or 'chi', got {decay!r}")
    if m_chi is None:
        m_chi = mass / 3.0
    if decay == "chi" and not (0 <= m_chi < mass / 2):
        raise KinematicsError(f"m_chi must be in [0, m/2) = [0, {mass / 2 / GeV:g}) GeV")
    m = float(mass)
    x_lo0 = m / energy
    if x_min is not None:
        if not (isinstance(x_min, numbers.Real) and 0 <= x_min < _x_hi(energy)):
            raise InputError(f"x_min must be in [0, {_x_hi(energy):.5f}), got {x_min!r}")
    xa = max(x_lo0, x_min or 0.0)
    xh = _x_hi(energy)

    def density(pts):
        z, w = pts[:, 0], pts[:, 1]
        x = xa + z * (xh - xa)
        s_lo, s_hi = _s_limits(x, m * m, energy, theta_max)
        s = s_lo + w * (s_hi - s_lo)
        return np.maximum(_zprime_density_xs(x, s, m, energy, tgt, alpha, t_max, spin), 0.0) * (
            (xh - xa) * (s_hi - s_lo))

    sampler = _GridSampler(density, [_z_nodes(), _W_NODES])
    pdg = {"mu": PDG_IDS["mu-"], "system": PDG_IDS["zprime"]}
    if decay == "nu":
        pdg.update(d1=PDG_IDS["numu"], d2=-PDG_IDS["numu"])
    elif decay == "chi":
        pdg.update(d1=PDG_IDS["chi"], d2=-PDG_IDS["chi"])
    info = {"mass_GeV": m / GeV, "spin": spin, "decay": decay, "theta_max": theta_max, "t_max": t_max,
            "alpha": alpha, "x_min": x_min, "seed": seed, "chunk_size": chunk_size,
            "sigma_per_g2_pb_grid": natural_to_area(sampler.integral_estimate) / picobarn,
            "mucast_version": __version__}
    for rng, n in _chunks(seed, n_events, chunk_size):
        def to_xku(pts):
            z, w = pts[:, 0], pts[:, 1]
            x = xa + z * (xh - xa)
            s_lo, s_hi = _s_limits(x, m * m, energy, theta_max)
            return x, np.full(len(x), m), -np.exp(s_lo + w * (s_hi - s_lo)), {}

        pts, x, kk, u, mu, kv, nuc, t, _, viol, redo = _sample_kinematic(
            sampler, to_xku, n, energy, tgt, t_max, rng)
        d1 = d2 = None
        if decay is not None:
            md = 0.0 if decay == "nu" else float(m_chi)
            d1, d2 = _two_body(kv, md, md, _isotropic(n, rng))
        yield EventSample("zprime", energy, tgt.name, mu, kv, nuc, x, kk, u, t, d1, d2,
                          pdg=dict(pdg), info={**info, "envelope_violations": viol,
                                               "recoil_resampled": redo})


def generate_zprime(mass, n_events, seed=0, **kwargs) -> EventSample:
    """All events of :func:`iter_zprime` in one :class:`EventSample`.

    Example
    -------
    >>> from mucast.units import GeV
    >>> ev = generate_zprime(0.1 * GeV, 2000, seed=1)
    >>> len(ev), ev.info["envelope_violations"]
    (2000, 0)
    """
    return EventSample.concatenate(iter_zprime(mass, n_events, seed, **kwargs))


# ----------------------------------------------------------------------------------------------
# EFT pairs
# ----------------------------------------------------------------------------------------------
def _eft_model(model, m_N):
    if isinstance(model, _eft.EFTModel):
        return model
    if isinstance(model, str):
        _eft.check_operator(model)
        return _eft.EFTModel.single(model, 1.0 / GeV**2, m_N=m_N)
    raise InputError(f"model must be an operator name or an EFTModel, got {model!r}")


def iter_eft(model, n_events, seed=0, energy=160 * GeV, target="Pb", m_N=0.0, k=None,
             k_max=None, k_min=None, conventions=None, decay=True,
             chunk_size=DEFAULT_CHUNK):
    """Yield chunks of μN → μN χ1χ2 events for an operator name or :class:`EFTModel`.

    ``k``: if given, the pair mass is fixed (events from dσ/dx dũ at that k²; used for κ(k));
    otherwise k is sampled from dσ/dk² on [max(threshold, k_min), k_max]. ``k_max``: default
    3 GeV (the end of seed 000's simulated acceptance range) or :func:`system_mass_limit`
    (√(2 E m_μ), the generator's domain) where that is lower; ``k`` and ``k_max`` beyond the
    domain raise KinematicsError. ``decay``: sample the two fermions from the
    exact |M|² at the WW point for every operator, including LNLe_2222 (both SU(2) contractions of
    seed 000 Eq. (11), Appendix A / docs/appendix_a_check.md; d1 = ν, d2 = N̄ — the μ⁻ ν̄ N final
    state of the h.c. operator is not represented separately, see module doc); False skips it
    (faster; the detector does not need invisible momenta).
    """
    n_events = _check_n(n_events)
    chunk_size = _check_chunk(chunk_size)
    energy = _check_energy(energy)
    tgt = _target(target)
    if not (isinstance(m_N, numbers.Real) and math.isfinite(m_N) and m_N >= 0):
        raise InputError(f"m_N must be >= 0 GeV, got {m_N!r}")
    mdl = _eft_model(model, m_N)
    conv = _conv.get(conventions)
    thr = mdl.threshold()
    k_lim = system_mass_limit(energy)
    domain = f"sqrt(2 E m_mu) = {k_lim / GeV:.4g} GeV at E = {energy / GeV:g} GeV, the generator's domain"
    groups = _channel_groups(mdl, conv)
    if k is not None:
        if not (isinstance(k, numbers.Real) and math.isfinite(k) and thr < k <= k_lim):
            raise KinematicsError(f"pair mass k must be in (threshold, sqrt(2 E m_mu)] = "
                                  f"({thr / GeV:g}, {k_lim / GeV:.4g}] GeV at E = {energy / GeV:g}"
                                  " GeV (the generator's domain), got"
                                  f" {k / GeV if isinstance(k, numbers.Real) else k!r} GeV")
        k_lo = k_hi = float(k)
    else:
        if k_max is None:
            k_max = min(3 * GeV, k_lim)
        if not (isinstance(k_max, numbers.Real) and math.isfinite(k_max)):
            raise InputError(f"k_max must be a number (GeV), got {k_max!r}")
        if k_max > k_lim:
            raise KinematicsError(f"k_max must be <= {domain}, got {k_max / GeV:g} GeV")
        k_hi = float(k_max)
        k_lo = thr if k_min is None else max(thr, float(k_min))
        if not k_hi > k_lo:
            raise KinematicsError(f"empty pair-mass range: threshold/k_min {k_lo / GeV:g} GeV >= "
                                  f"k_max {k_hi / GeV:g} GeV (at most {domain})")
    def coords(pts):
        if k_lo == k_hi:
            kk = np.full(len(pts), k_lo)
            z, w = pts[:, 0], pts[:, 1]
            jk = 1.0
        else:
            kk, z, w = pts[:, 0], pts[:, 1], pts[:, 2]
            jk = 2.0 * kk
        x, s, jac = _map_xs(kk, z, w, energy, conv.theta_max)
        return kk, x, s, jac * jk

    def density(pts):
        kk, x, s, jac = coords(pts)
        dens = _eft_group_densities(mdl, conv, x, kk, s, energy, tgt)
        return np.maximum(sum(dens.values()), 0.0) * jac

    if k_lo == k_hi:
        edges = [_z_nodes(), _W_NODES]
    else:
        span = k_hi - k_lo
        kn = k_lo + span * np.concatenate([[1e-7], np.geomspace(1e-4, 1.0, 36)])
        kn = kn[kn > 0]
        edges = [kn, _z_nodes(), _W_NODES]
    sampler = _GridSampler(density, edges)
    info = {"coefficients_GeV-2": {kk: v * GeV**2 for kk, v in mdl.coefficients.items()},
            "m_N_GeV": mdl.m_N / GeV, "n_type": mdl.n_type, "k_fixed_GeV": None if k is None
            else k / GeV, "k_range_GeV": [k_lo / GeV, k_hi / GeV], "conventions": conv.name,
            "seed": seed, "chunk_size": chunk_size, "pair_angles": {},
            "sigma_pb_grid": natural_to_area(sampler.integral_estimate) / picobarn,
            "mucast_version": __version__}
    for g in groups:
        info["pair_angles"][g] = "exact |M|^2" if decay else "not sampled"
    for rng, n in _chunks(seed, n_events, chunk_size):
        def to_xku(pts):
            kk_, x_, s_, _j = coords(pts)
            return x_, kk_, -np.exp(s_), {"s": s_}

        pts, x, kk, u, mu, kv, nuc, t, extra, viol, redo = _sample_kinematic(
            sampler, to_xku, n, energy, tgt, conv.t_max, rng)
        s = extra["s"]
        d1 = d2 = None
        pid1 = np.zeros(n, int)
        pid2 = np.zeros(n, int)
        n_chk, dev_chk = 0, 0.0
        if decay:
            d1, d2 = np.empty((n, 4)), np.empty((n, 4))
            keys = list(groups)
            r_group = rng.random(n)          # drawn for one group too: the same random stream
            if len(keys) == 1:
                which = np.zeros(n, int)
            else:
                dens = _eft_group_densities(mdl, conv, x, kk, s, energy, tgt)
                probs = np.stack([np.maximum(dens[g], 0) for g in keys], axis=1)
                probs /= np.maximum(probs.sum(axis=1, keepdims=True), 1e-300)
                which = (r_group[:, None] > np.cumsum(probs, axis=1)).sum(axis=1)
                which = np.minimum(which, len(keys) - 1)
            for gi, g in enumerate(keys):
                sel = np.nonzero(which == gi)[0]
                if not sel.size:
                    continue
                st = _pair_structure(g, mdl, conv)
                nd, v2, chk = _sample_pair_angles(mu[sel], kv[sel], x[sel], kk[sel], u[sel],
                                                  energy, st, rng)
                viol += v2
                n_chk += chk["points"]
                dev_chk = max(dev_chk, chk["max_dev"])
                a, b = _two_body(kv[sel], *_pair_masses(st), nd)     # d1 along nd
                d1[sel], d2[sel] = a, b
                pid1[sel], pid2[sel] = _daughter_pdg(g)
        pdg = {"mu": PDG_IDS["mu-"], "system": 0}
        if decay:
            pdg["d1_array"] = pid1
            pdg["d2_array"] = pid2
        yield EventSample("eft", energy, tgt.name, mu, kv, nuc, x, kk, u, t, d1, d2, pdg=pdg,
                          info={**info, "envelope_violations": viol, "recoil_resampled": redo,
                                "pair_check_points": n_chk, "pair_check_max_dev": dev_chk})


def _daughter_pdg(group):
    if group == "e":
        return PDG_IDS["nue"], -PDG_IDS["nue"]
    if group == "mu":
        return PDG_IDS["numu"], -PDG_IDS["numu"]
    if group == "tau":
        return PDG_IDS["nutau"], -PDG_IDS["nutau"]
    if group == "LNLe_2222":
        return PDG_IDS["numu"], -PDG_IDS["N"]
    return PDG_IDS["N"], -PDG_IDS["N"]


def generate_eft(model, n_events, seed=0, **kwargs) -> EventSample:
    """All events of :func:`iter_eft` in one :class:`EventSample` (see there).

    Example
    -------
    >>> ev = generate_eft("ll_2233", 500, seed=3)
    >>> len(ev), ev.info["envelope_violations"]
    (500, 0)
    """
    chunks = list(iter_eft(model, n_events, seed, **kwargs))
    out = EventSample.concatenate(chunks)
    if "d1_array" in chunks[0].pdg:
        out.pdg = {**chunks[0].pdg,
                   "d1_array": np.concatenate([c.pdg["d1_array"] for c in chunks]),
                   "d2_array": np.concatenate([c.pdg["d2_array"] for c in chunks])}
    return out
