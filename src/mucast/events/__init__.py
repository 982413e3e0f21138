"""Layer 5: unweighted signal events for μN → μN Z′ and μN → μN χ1χ2 (EFT), with LHE/CSV output.

What is sampled, and from what
------------------------------
Z′ (seed 001; the WW integrand of :mod:`mucast.processes.zprime`)::

    dσ/dx dũ ∝ (1−x)/x √(x² − m²/E²) χ(t_min(ũ), t_max) B(x, ũ)/ũ²,

EFT pair (seed 000, Eq. 20 before the ũ integration; coefficients of
:mod:`mucast.processes.eft` / :mod:`mucast.processes.eft_coefficients`)::

    dσ/dx dk² dũ ∝ (1−x)/x √(x² − k²/E²) β Σ_channels w_c Σ_j f_j Σ_n C_n,j(x, k²) χ(ũ) ũ^(−n−1)(−1)^(n+1).

Both are sampled *exactly* (no binning bias) by accept–reject against a piecewise-constant envelope
on a grid in (k,) z, w with x = x_lo + z (x_hi − x_lo) and ln(−ũ) = s_lo(x) + w (s_hi − s_lo):
the envelope of a cell is the largest value at its corners and centre times a margin (1.3). Points
where the density exceeds the envelope are *counted* (``EventSample.info["envelope_violations"]``;
the tests require 0) — a violation would bias the sample, never silently.

Four-vectors (lab frame, beam along +z, energies in hepunits)
-------------------------------------------------------------
* the emitted system X (Z′ or the pair) has energy xE, mass k (= m_Z′), and polar angle from the
  exact relation ũ = k² − 2 p·k (small-angle ũ(θ) of Eq. 17 is used only for the integration
  limits, as in mucast's cross sections); azimuth uniform;
* the photon virtuality t is sampled from the flux integrand (t − t_min)/t² G2(t) of Eq. 18 on
  [t_min(ũ), t_max] and its azimuth uniformly; the momentum transfer q = P_N − P_N′ (q⁰ = −|q|²/2M
  from the elastic nuclear recoil) is fixed by requiring the outgoing muon p′ = p + q − k to be on
  shell (exact solution of a quadratic). So the muon direction includes the recoil kick (√t ≲ √t_d
  ≈ 70 MeV for Pb), and energy–momentum is conserved exactly event by event (tested);
* Z′ → invisible: optional, isotropic in the Z′ rest frame (ν ν̄ or χ χ̄) — an approximation (the Z′
  is polarised); it does not affect the detector response (invisible);
* EFT pair χ1 χ2: the decay angles in the pair rest frame are sampled by accept–reject with the
  exact spin-summed |M(γμ → μχ1χ2)|² (explicit spinors, the algebra of
  :mod:`mucast.processes.traces`, vectorised here) for every operator: ll_*, le_* (the V and A
  muon currents *coherently*, γ^μ(ε_V − ε_A γ5), so V–A interference in the angles is kept),
  eN_22 and LN_22 (Dirac, Dirac_R and Majorana N), and LNLe_2222. For O_LNLℓ = (L̄N)ε(L̄ℓ)
  (seed 000 Eq. (11); its amplitude structure is the one worked out in Appendix A /
  docs/appendix_a_check.md and coded in traces.F_lnle, ``form="direct"``) the amplitude of
  μ⁻ → μ⁻ ν N̄ is the sum of both SU(2) contractions, (ν̄ P_R N)(μ̄ P_R μ) and (μ̄ P_R N)(ν̄ P_R μ),
  with the photon attached to the muon legs in every way; d1 = ν (massless), d2 = N̄ (mass m_N).
  |M|² is evaluated at the WW point (q² = 0, the 2→2 kinematics of traces.ww_kinematics); the
  angles are carried to the lab in the triad defined by the incoming and outgoing muon seen from
  the pair rest frame. The envelope is rigorous: |M|² is a quadratic polynomial in the unit
  direction n of d1 (every amplitude has one k1 and one k2 spinor, and k1, k2 are linear in n;
  checked numerically in the tests), bounded by c0 + |c| + λ_max(Q). Its coefficients are
  computed per event from the same amplitudes with the pair spin sum taken as a trace,
  Σ|ū(k1) W v(k2)|² = Tr[W (k̸2 − m2) W̄ (k̸1 + m1)], bilinear in k1, k2 (:func:`_pair_quadratic`;
  equal to the 9-probe fit of the explicit-spinor |M|² to ~1e-15, tested for every operator
  group), and every proposal is evaluated with this quadratic form — exact up to rounding;
  events with pair angles are generated 7–9× faster (ll_2233) and 5–8× faster (LNLe_2222) than
  with the explicit spinors at every proposal (benchmarks/bench_events.py), and
  :data:`_PAIR_METHOD` = "direct", that reference, gives the same events bit for bit (tested).
  Safety net: at the accepted directions of 64 events per chunk and group the quadratic is
  compared with the explicit-spinor |M|²; a difference above 1e-9 of the envelope raises
  (``info["pair_check_points"]``, ``info["pair_check_max_dev"]``, ~1e-15). The (x, k², ũ)
  distribution is exact for all operators.
  **Not represented for LNLe_2222:** O + h.c. gives two final states of equal rate, μ⁻ ν N̄ (from
  O) and μ⁻ ν̄ N (from O†; σ of :mod:`mucast.processes.eft` counts both, n_fs = 2). All events are
  written as μ⁻ ν N̄ (ids 14, −9900012) with the angles of O. The pair four-momentum is right for
  both; the daughters of the O† half are not: there the *N* follows the direction distribution
  of the ν of O (exactly so for m_N = 0; for m_N > 0 the O† |M|² differs), i.e. ids and, for
  m_N > 0, the daughter momenta of half the events are those of O. The daughters are invisible.

Reproducibility: ``seed`` feeds a :class:`numpy.random.SeedSequence`; chunk i uses the i-th spawned
child, so a sample is reproduced exactly by the same (seed, n, chunk_size).
Memory: :func:`iter_zprime` / :func:`iter_eft` yield chunks of at most ``chunk_size`` events.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.events import files as _eio
from mucast.processes import conventions as _conv
from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.flux import form_factor_squared, photon_flux
from mucast.processes.kinematics import t_min as _t_min
from mucast.processes import eft as _eft
from mucast.processes import traces as _tr
from mucast.experiments.targets import Target
from mucast.units import GeV, natural_to_area, picobarn

__all__ = ["EventSample", "generate_zprime", "generate_eft", "iter_zprime", "iter_eft",
           "write_lhe", "write_csv", "read_csv", "PDG_IDS", "CSV_COLUMNS"]

PDG_IDS = _eio.PDG_IDS
CSV_COLUMNS = _eio.CSV_COLUMNS

DEFAULT_CHUNK = 200_000
_MARGIN = 1.3


# ----------------------------------------------------------------------------------------------
# the event container
# ----------------------------------------------------------------------------------------------
@dataclass
class EventSample:
    """Unweighted events. Four-vectors are arrays (n, 4) = (E, px, py, pz) in hepunits.

    ``mu``: outgoing muon; ``system``: Z′ or the pair (k = k1 + k2); ``d1``, ``d2``: invisible
    daughters (or None); ``nucleus``: recoiling nucleus; ``x``, ``k`` (mass of the system),
    ``u`` (ũ, energy²), ``t`` (photon virtuality, energy²). ``pdg``: ids of (mu, system, d1, d2).
    ``sigma``: the total cross section of the sampled region (area, hepunits) as integrated by
    the sampler's grid (for the LHE header; the reference σ is mucast's quadrature).
    """

    process: str
    energy: float
    target: str
    mu: np.ndarray
    system: np.ndarray
    nucleus: np.ndarray
    x: np.ndarray
    k: np.ndarray
    u: np.ndarray
    t: np.ndarray
    d1: np.ndarray | None = None
    d2: np.ndarray | None = None
    pdg: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.x)

    @property
    def beam(self) -> np.ndarray:
        p = math.sqrt(self.energy**2 - M_MU**2)
        return np.array([self.energy, 0.0, 0.0, p])

    @staticmethod
    def concatenate(chunks) -> "EventSample":
        chunks = list(chunks)
        c0 = chunks[0]
        cat = {}
        for name in ("mu", "system", "nucleus", "x", "k", "u", "t", "d1", "d2"):
            vals = [getattr(c, name) for c in chunks]
            cat[name] = None if vals[0] is None else np.concatenate(vals)
        info = dict(c0.info)
        for key in ("envelope_violations", "recoil_resampled", "pair_check_points"):
            if key in info:
                info[key] = sum(c.info.get(key, 0) for c in chunks)
        if "pair_check_max_dev" in info:
            info["pair_check_max_dev"] = max(c.info["pair_check_max_dev"] for c in chunks)
        return EventSample(c0.process, c0.energy, c0.target, pdg=c0.pdg, info=info, **cat)


# ----------------------------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------------------------
def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
        raise InputError(f"number of events must be an integer >= 1, got {n!r}")
    return int(n)


def _check_chunk(c):
    if isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 1000:
        raise InputError(f"chunk_size must be an integer >= 1000, got {c!r}")
    return int(c)


def _check_energy(energy):
    if not (isinstance(energy, numbers.Real) and math.isfinite(energy) and energy > 10 * M_MU):
        raise InputError(f"energy must be > {10 * M_MU / GeV:.3f} GeV, got {energy!r}")
    return float(energy)


def _target(target):
    return target if isinstance(target, Target) else Target.from_name(target)


# ----------------------------------------------------------------------------------------------
# exact accept–reject against a piecewise-constant grid envelope
# ----------------------------------------------------------------------------------------------
class _GridSampler:
    """Sample points from a non-negative density f on a box given by per-axis node arrays."""

    def __init__(self, density, edges, margin=_MARGIN):
        self.density = density
        self.edges = [np.asarray(e, float) for e in edges]
        d = len(self.edges)
        mesh = np.meshgrid(*self.edges, indexing="ij")
        pts = np.stack([m.ravel() for m in mesh], axis=-1)
        fc = density(pts).reshape(mesh[0].shape)
        cells = tuple(len(e) - 1 for e in self.edges)
        cmax = np.zeros(cells)
        for corner in np.ndindex(*(2,) * d):
            sl = tuple(slice(c, c + n) for c, n in zip(corner, cells, strict=True))
            cmax = np.maximum(cmax, fc[sl])
        cen = [0.5 * (e[1:] + e[:-1]) for e in self.edges]
        cm = np.meshgrid(*cen, indexing="ij")
        fcen = density(np.stack([m.ravel() for m in cm], axis=-1)).reshape(cells)
        cmax = np.maximum(cmax, fcen) * margin
        widths = np.meshgrid(*[np.diff(e) for e in self.edges], indexing="ij")
        vol = np.prod(np.stack(widths), axis=0)
        self.cell_max = cmax.ravel()
        self.cell_lo = np.stack([m.ravel() for m in np.meshgrid(*[e[:-1] for e in self.edges],
                                                                 indexing="ij")], axis=-1)
        self.cell_w = np.stack([w.ravel() for w in widths], axis=-1)
        wt = self.cell_max * vol.ravel()
        self.envelope_integral = float(wt.sum())
        if not self.envelope_integral > 0:
            raise KinematicsError("the differential cross section vanishes on the whole sampling "
                                  "region (check masses against the beam energy)")
        # crude estimate of ∫f (midpoint of cells), for the LHE header only
        self.integral_estimate = float(np.sum(fcen.ravel() * vol.ravel()))
        self.cdf = np.cumsum(wt) / self.envelope_integral
        self.efficiency = 0.5

    def sample(self, n, rng):
        out, have, viol, tried = [], 0, 0, 0
        while have < n:
            m = int(min(4 * n, (n - have) / max(self.efficiency, 0.05) * 1.15)) + 64
            cell = np.minimum(np.searchsorted(self.cdf, rng.random(m)), len(self.cdf) - 1)
            pts = self.cell_lo[cell] + self.cell_w[cell] * rng.random((m, self.cell_lo.shape[1]))
            f = self.density(pts)
            env = self.cell_max[cell]
            viol += int(np.count_nonzero(f > env))
            acc = rng.random(m) * env < f
            out.append(pts[acc])
            have += int(acc.sum())
            tried += m
            self.efficiency = max(have / tried, 1e-3)
        return np.concatenate(out)[:n], viol


# ----------------------------------------------------------------------------------------------
# the densities (natural units; hepunits energies)
# ----------------------------------------------------------------------------------------------
def _x_hi(energy):
    return 1.0 - M_MU / energy


def _s_limits(x, k2, energy, theta_max):
    u_max = -k2 * (1.0 - x) / x - M_MU**2 * x
    u_min = u_max - energy**2 * theta_max**2 * x
    return np.log(-u_max), np.log(-u_min)


def _pointwise_I(x, k2, au, energy, target, t_max_choice):
    """The ũ-integrands of eft._u_integrals at one point: χ(−1)^(n+1)|ũ|^(−n), n = 0..3."""
    tmn = _t_min(au, x, energy)
    tmx = energy**2 if t_max_choice == "E2" else M_MU**2 + k2
    chi = photon_flux(tmn, tmx, target.Z, target.t_a, target.t_d)
    inv = 1.0 / au
    return np.stack([-chi, chi * inv, -chi * inv**2, chi * inv**3])


def _map_xs(k, z, w, energy, theta_max):
    """(k, z, w) → (x, s = ln|ũ|) and the Jacobian (x_hi − x_lo)(s_hi − s_lo)."""
    x_lo = k / energy
    dx = _x_hi(energy) - x_lo
    x = x_lo + z * dx
    s_lo, s_hi = _s_limits(x, k * k, energy, theta_max)
    return x, s_lo + w * (s_hi - s_lo), dx * (s_hi - s_lo)


def _zprime_density_xs(x, s, m, energy, target, alpha, t_max):
    """dσ/(g² dx ds) for the Z′ [natural units, 1/energy²], s = ln(−ũ)."""
    m2 = m * m
    au = np.exp(s)
    I = _pointwise_I(x, m2, au, energy, target, t_max)
    a = m2 + 2.0 * M_MU**2
    wq = m2 * (1.0 - x) + M_MU**2 * x * x
    U = 2.0 * (2.0 - 2.0 * x + x * x) / (1.0 - x) * I[1] + 4.0 * a * (x * I[2] + wq * I[3])
    kin = (1.0 - x) / x * np.sqrt(np.maximum(x * x - m2 / energy**2, 0.0))
    return alpha**2 / (4.0 * math.pi) * kin * U


def _eft_group_densities(model, conv, x, k, s, energy, target):
    """dσ/dx dk² ds per incoherent group of channels (dict key → array), natural units."""
    k2 = k * k
    au = np.exp(s)
    I = _pointwise_I(x, k2, au, energy, target, conv.t_max)
    kin = (1.0 - x) / x * np.sqrt(np.maximum(x * x - k2 / energy**2, 0.0))
    out = {}
    for key, chans in _channel_groups(model, conv).items():
        tot = np.zeros_like(x)
        for ch in chans:
            above = k > ch.threshold
            if not np.any(above):
                continue
            kc = np.where(above, k, 2.0 * ch.threshold + 1.0)
            beta = np.where(above, _eft.beta_factor(ch.structure, kc, model.m_N, conv), 0.0)
            csum = np.zeros_like(x)
            for ffun, cfun in _eft._terms(ch.structure, conv, model.n_type):
                csum += _eft.mass_factor(ffun, kc, model.m_N) * _eft._combine(cfun, x, k2, I)
            tot += ch.weight * beta * csum
        out[key] = _eft._prefactor(conv) * kin * tot
    return out


def _channel_groups(model, conv):
    """Channels grouped by final state: SMEFT V and A of one neutrino flavour interfere in the
    angles and share a final state (key 'mu' or 'tau'); a νSMEFT operator is its own group."""
    groups: dict = {}
    c = model.coefficients
    chans = model.channels(conv)
    i = 0
    for alpha, ll, le in (("mu", "ll_2222", "le_2222"), ("tau", "ll_2233", "le_3322")):
        if c.get(ll, 0.0) == 0.0 and c.get(le, 0.0) == 0.0:
            continue
        f = conv.ll_identical_factor if alpha == "mu" else 1.0
        n = int(bool(-0.5 * (f * c.get(ll, 0.0) + c.get(le, 0.0)))) + int(
            bool(-0.5 * (f * c.get(ll, 0.0) - c.get(le, 0.0))))
        groups[alpha] = chans[i:i + n]
        i += n
    for ch in chans[i:]:
        groups[ch.structure] = [ch]
    return groups


def _smeft_eps(model, conv, alpha):
    c = model.coefficients
    ll, le = ("ll_2222", "le_2222") if alpha == "mu" else ("ll_2233", "le_3322")
    f = conv.ll_identical_factor if alpha == "mu" else 1.0
    cll, cle = c.get(ll, 0.0), c.get(le, 0.0)
    return -0.5 * (f * cll + cle), -0.5 * (f * cll - cle)


# ----------------------------------------------------------------------------------------------
# kinematics: from (x, k, ũ, t) to four-vectors
# ----------------------------------------------------------------------------------------------
def _sample_t(t_lo, t_hi, target, rng):
    """t from (t − t_min)/t² G2(t) on [t_lo, t_hi] (vectorised accept–reject in ln t).

    Envelope in r = ln t: Z² for t < t_d, Z² (t_d/t)² above (G2 ≤ Z² min(1, (t_d/t)²) and
    (t − t_min)/t ≤ 1); it is sampled exactly as a two-piece mixture.
    """
    n = len(t_lo)
    td = target.t_d
    Z2 = target.Z**2
    out = np.empty(n)
    todo = np.arange(n)
    while todo.size:
        lo, hi = t_lo[todo], t_hi[todo]
        a = np.log(np.minimum(np.maximum(td, lo), hi)) - np.log(lo)       # flat piece length
        tb = np.maximum(td, lo)
        b = 0.5 * np.clip(1.0 - (tb / hi) ** 2, 0.0, None) * (td / tb) ** 2
        pa = a / (a + b)
        r1 = rng.random(todo.size)
        r2 = rng.random(todo.size)
        flat = r1 < pa
        t = np.where(flat, lo * np.exp(r2 * a), 0.0)
        # tail: density ∝ t^-2 in ln t on [tb, hi]: 1/t² uniform between 1/tb² and 1/hi²
        inv2 = (1.0 / tb**2) - r2 * ((1.0 / tb**2) - (1.0 / hi**2))
        t = np.where(flat, t, 1.0 / np.sqrt(inv2))
        env = Z2 * np.where(t < td, 1.0, (td / t) ** 2)
        f = (t - lo) / t * form_factor_squared(t, target.Z, target.t_a, td)
        acc = rng.random(todo.size) * env < f
        out[todo[acc]] = t[acc]
        todo = todo[~acc]
    return out


def _rot_z_az(theta, phi, mag):
    st = np.sin(theta)
    return np.stack([mag * st * np.cos(phi), mag * st * np.sin(phi), mag * np.cos(theta)], -1)


def _build_kinematics(x, k, u, energy, target, t_max_choice, rng):
    """Lab four-vectors of (muon, system X, nucleus) and t for sampled (x, k, ũ)."""
    n = len(x)
    E = energy
    P = math.sqrt(E * E - M_MU**2)
    k2 = k * k
    k0 = x * E
    kabs = np.sqrt(np.maximum(k0 * k0 - k2, 0.0))
    cth = np.clip((u - k2 + 2.0 * E * k0) / (2.0 * P * np.maximum(kabs, 1e-300)), -1.0, 1.0)
    th = np.arccos(cth)
    phik = rng.uniform(0.0, 2.0 * math.pi, n)
    kv = np.concatenate([k0[:, None], _rot_z_az(th, phik, kabs)], axis=1)
    # the exact ũ of the built k (differs from the sampled one only where θ was clipped at 0)
    u = k2 - 2.0 * (E * k0 - P * kv[:, 3])
    A = P - kv[:, 3]
    bT = -kv[:, 1:3]                                   # transverse part of p − k
    e_pk = E - k0
    M = target.atomic_mass
    # photon virtuality: t ≥ t_min of Eq. 18 and ≥ the exact on-shell minimum (ũ/2A)²
    t_lo = np.maximum(_t_min(-u, x, E), (u / (2.0 * A)) ** 2 * (1.0 + 1e-6))
    t_hi = np.full(n, E * E) if t_max_choice == "E2" else M_MU**2 + k2
    t_hi = np.maximum(t_hi, t_lo * (1 + 1e-6))
    t = np.empty(n)
    Q = np.empty(n)
    qz = np.empty(n)
    q0 = np.empty(n)
    phiq = np.empty(n)
    todo = np.arange(n)
    for attempt in range(50):
        tl = t_lo[todo] * (1.0 + 0.05 * attempt)
        tt_ = _sample_t(tl, np.maximum(t_hi[todo], tl * (1 + 1e-6 + 0.2 * attempt)), target, rng)
        ph = rng.uniform(0.0, 2.0 * math.pi, todo.size)
        q0_ = -tt_ / (2.0 * M)
        ok = np.ones(todo.size, bool)
        for _ in range(3):
            c = -(bT[todo, 0] * np.cos(ph) + bT[todo, 1] * np.sin(ph)) / A[todo]
            d = (e_pk[todo] * q0_ - 0.5 * (tt_ - u[todo])) / A[todo]
            qq = tt_ + q0_ * q0_                       # |q|² = t + q0²
            disc = c * c * d * d - (1 + c * c) * (d * d - qq)
            ok = disc >= 0
            Q_ = (-c * d + np.sqrt(np.maximum(disc, 0.0))) / (1 + c * c)
            qz_ = c * Q_ + d
            q0_ = M - np.sqrt(M * M + Q_ * Q_ + qz_ * qz_)
        idx = todo[ok]
        t[idx], Q[idx], qz[idx], q0[idx], phiq[idx] = tt_[ok], Q_[ok], qz_[ok], q0_[ok], ph[ok]
        todo = todo[~ok]
        if not todo.size:
            break
    good = np.ones(n, bool)
    good[todo] = False            # no on-shell recoil (only at x → 1 − m_μ/E): caller resamples
    t[todo], Q[todo], qz[todo], q0[todo], phiq[todo] = t_lo[todo], 0.0, 0.0, 0.0, 0.0
    qv = np.stack([q0, Q * np.cos(phiq), Q * np.sin(phiq), qz], axis=1)
    p = np.array([E, 0.0, 0.0, P])
    mu = p[None, :] - kv + qv
    nucleus = np.concatenate([(M - q0)[:, None], -qv[:, 1:]], axis=1)
    return mu, kv, nucleus, t, u, good


def _boost(pstar, kv):
    """Boost (n, 4) momenta from the rest frame of kv (n, 4) to the frame where it moves."""
    m = np.sqrt(np.maximum(kv[:, 0] ** 2 - np.sum(kv[:, 1:] ** 2, axis=1), 1e-300))
    gam = kv[:, 0] / m
    b = kv[:, 1:] / kv[:, :1]
    b2 = np.sum(b * b, axis=1)
    bp = np.sum(pstar[:, 1:] * b, axis=1)
    e = gam * (pstar[:, 0] + bp)
    coef = np.where(b2 > 0, (gam - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0) * bp + gam * pstar[:, 0]
    return np.concatenate([e[:, None], pstar[:, 1:] + coef[:, None] * b], axis=1)


def _to_rest(p, kv):
    inv = kv.copy()
    inv[:, 1:] *= -1.0
    return _boost(p, inv)


def _two_body(kv, m1, m2, n_dir):
    """Daughter momenta for unit directions n_dir (n, 3) in the rest frame of kv."""
    M2 = np.maximum(kv[:, 0] ** 2 - np.sum(kv[:, 1:] ** 2, axis=1), 0.0)
    Mk = np.sqrt(M2)
    lam = np.maximum((M2 - (m1 + m2) ** 2) * (M2 - (m1 - m2) ** 2), 0.0)
    pst = np.sqrt(lam) / (2.0 * np.maximum(Mk, 1e-300))
    e1 = (M2 + m1 * m1 - m2 * m2) / (2.0 * np.maximum(Mk, 1e-300))
    e2 = Mk - e1
    k1 = np.concatenate([e1[:, None], pst[:, None] * n_dir], axis=1)
    k2 = np.concatenate([e2[:, None], -pst[:, None] * n_dir], axis=1)
    return _boost(k1, kv), _boost(k2, kv)


def _isotropic(n, rng):
    c = rng.uniform(-1.0, 1.0, n)
    ph = rng.uniform(0.0, 2.0 * math.pi, n)
    s = np.sqrt(1.0 - c * c)
    return np.stack([s * np.cos(ph), s * np.sin(ph), c], axis=1)


def _triad(p, pp, kv):
    """Orthonormal triad in the rest frame of kv: e3 ∥ p*, e2 ∥ p* × p′*, e1 = e2 × e3."""
    a = _to_rest(p, kv)[:, 1:]
    b = _to_rest(pp, kv)[:, 1:]
    e3 = a / np.linalg.norm(a, axis=1, keepdims=True)
    e2 = np.cross(a, b)
    nrm = np.linalg.norm(e2, axis=1, keepdims=True)
    fallback = np.cross(e3, np.array([1.0, 0.0, 0.0]))
    fallback = np.where(np.linalg.norm(fallback, axis=1, keepdims=True) > 1e-6, fallback,
                        np.cross(e3, np.array([0.0, 1.0, 0.0])))
    e2 = np.where(nrm > 1e-12 * np.linalg.norm(a, axis=1, keepdims=True) ** 2, e2, fallback)
    e2 /= np.linalg.norm(e2, axis=1, keepdims=True)
    e1 = np.cross(e2, e3)
    return e1, e2, e3


# ----------------------------------------------------------------------------------------------
# exact |M|² for the pair angles (vectorised explicit spinors, algebra of processes.traces)
# ----------------------------------------------------------------------------------------------
def _slash(p):
    pl = p * np.array([1.0, -1.0, -1.0, -1.0])
    return np.einsum("...m,mij->...ij", pl.astype(complex), _tr.GAMMA)


def _prop(l, m):
    den = l[..., 0] ** 2 - np.sum(l[..., 1:] ** 2, axis=-1) - m * m
    return (_slash(l) + m * _tr.ONE4) / den[..., None, None]


def _ww_frame(x, u, k2, m):
    """Vectorised traces.ww_kinematics (GeV): p, q, pp, k in the γμ CM frame (photon along +z)."""
    s_t = -u / (1.0 - x)
    t2 = k2 + u * x / (1.0 - x)
    s = m * m + s_t
    rs = np.sqrt(s)
    w = s_t / (2 * rs)
    z = np.zeros_like(w)
    q = np.stack([w, z, z, w], 1)
    p = np.stack([np.sqrt(w * w + m * m), z, z, -w], 1)
    k0 = (s + k2 - m * m) / (2 * rs)
    kabs = np.sqrt(np.maximum(k0 * k0 - k2, 0.0))
    qk = 0.5 * (k2 - t2)
    cth = np.clip((k0 - qk / w) / np.maximum(kabs, 1e-300), -1.0, 1.0)
    sth = np.sqrt(1 - cth * cth)
    kv = np.stack([k0, kabs * sth, z, kabs * cth], 1)
    return p, q, p + q - kv, kv


_EPS = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])


def _muon_line(vertices, p, q, pp, m):
    """A[n, s, t, pol, I] = ū(p′)[Γ_I S(p+q) ε̸ + ε̸ S(p′−q) Γ_I]u(p) for n events."""
    u_in = _tr.spinors_u(p, m)                      # [n, 2, 4]
    ub = np.conj(_tr.spinors_u(pp, m)) @ _tr.GAMMA[0]
    s1, s2 = _prop(p + q, m), _prop(pp - q, m)      # [n, 4, 4]
    es = _slash(_EPS)                               # [2, 4, 4]
    op = np.einsum("Iab,nbc,lcd->nlIad", vertices, s1, es) + np.einsum(
        "lab,nbc,Icd->nlIad", es, s2, vertices)
    return np.einsum("nta,nlIab,nsb->nstlI", ub, op, u_in)


def _pair_current(vertices, k1, k2, m1, m2, majorana):
    if majorana:
        vertices = _tr._majorana_vertex(vertices)
    ub = np.conj(_tr.spinors_u(k1, m1)) @ _tr.GAMMA[0]
    v = _tr.spinors_v(k2, m2)
    return np.einsum("nha,Iab,ngb->nhgI", ub, vertices, v) * np.array([1.0, -1.0, -1.0, -1.0])


def _amp2(A, vert, k1, k2, m1, m2, majorana):
    J = _pair_current(vert, k1, k2, m1, m2, majorana)
    M = np.einsum("nstlI,nhgI->nstlhg", A, J)
    return np.sum(np.abs(M) ** 2, axis=(1, 2, 3, 4, 5))


def _lnle_muon_side(p, q, pp, m):
    """Muon-side factors of the O_LNLe amplitude at n WW points (GeV), both SU(2) contractions.

    O = (ν̄_L N)(μ̄_L μ_R) − (μ̄_L N)(ν̄_L μ_R) (seed 000 Eq. 11, ε_12 = +1; docs/appendix_a_check.md),
    final state μ⁻(p′) ν(k1) N̄(k2), photon attached to the muon legs in every way — the ``direct``
    form of :func:`mucast.processes.traces.F_lnle`, vectorised over events. Returns
    ``(A1, X1, X0, Y0, Y1)``: A1[n,s,t,l] = ū′[P_R S(p+q) ε̸ + ε̸ S(p′−q) P_R]u (contraction 1, times
    the pair scalar ū_ν P_R v_N); for contraction 2 (ν̄ … μ and μ̄′ … N̄ lines) the 4-spinors
    X1 = P_R S(p+q) ε̸ u, X0 = P_R u, Y0 = ū′ P_R, Y1 = ū′ ε̸ S(p′−q) P_R.
    """
    PR = _tr.PR
    u_in = _tr.spinors_u(p, m)                                       # [n, s, 4]
    ub = np.conj(_tr.spinors_u(pp, m)) @ _tr.GAMMA[0]                # [n, t, 4]
    s1, s2 = _prop(p + q, m), _prop(pp - q, m)                       # [n, 4, 4]
    es = _slash(_EPS)                                                # [l, 4, 4]
    Z1 = np.einsum("nac,nlsc->nlsa", s1, np.einsum("lcd,nsd->nlsc", es, u_in))  # S1 ε̸ u
    X1 = Z1 @ PR.T                                                   # P_R S1 ε̸ u  [n, l, s, 4]
    X0 = u_in @ PR.T                                                 # P_R u        [n, s, 4]
    Y0 = ub @ PR                                                     # ū′ P_R       [n, t, 4]
    Y1 = np.einsum("ntlb,nbd->ntld", np.einsum("nta,lab->ntlb", ub, es), s2 @ PR)  # ū′ ε̸ S2 P_R
    A1 = np.einsum("ntb,nlsb->nstl", Y0, Z1) + np.einsum("ntlb,nsb->nstl", Y1, u_in)
    return A1, X1, X0, Y0, Y1


def _lnle_amp2(side, k1, k2, m_N):
    """Σ_{spins, pols} |M(γμ⁻ → μ⁻ ν(k1) N̄(k2))|² of O_LNLe for n events (``side`` indexed alike)."""
    A1, X1, X0, Y0, Y1 = side
    ub_nu = np.conj(_tr.spinors_u(k1, 0.0)) @ _tr.GAMMA[0]          # [n, h, 4]
    v_N = _tr.spinors_v(k2, m_N)                                     # [n, g, 4]
    pair_s = np.einsum("nha,nga->nhg", ub_nu @ _tr.PR, v_N)          # ū_ν P_R v_N
    M = pair_s[:, None, None, None, :, :] * A1[:, :, :, :, None, None]
    nu_in = np.einsum("nha,nlsa->nslh", ub_nu, X1)                   # ū_ν P_R S1 ε̸ u
    out_n = np.einsum("nta,nga->ntg", Y0, v_N)                       # ū′ P_R v_N
    M = M + nu_in[:, :, None, :, :, None] * out_n[:, None, :, None, None, :]
    nu_pl = np.einsum("nha,nsa->nsh", ub_nu, X0)                     # ū_ν P_R u
    out_ph = np.einsum("ntla,nga->ntlg", Y1, v_N)                    # ū′ ε̸ S2 P_R v_N
    M = M + nu_pl[:, :, None, None, :, None] * out_ph[:, None, :, :, None, :]
    return np.sum(M.real ** 2 + M.imag ** 2, axis=(1, 2, 3, 4, 5))


@dataclass(frozen=True)
class _LNLeStructure:
    """Pair structure of O_LNLe: d1 = ν (massless, k1 of traces.F_lnle), d2 = N̄ (mass m_N)."""

    m_N: float


def _pair_masses(struct):
    """(m1, m2) of the daughters d1, d2 for a pair structure (hepunits)."""
    if isinstance(struct, _LNLeStructure):
        return 0.0, struct.m_N
    return struct[2], struct[3]


def _pair_amp2(struct, p, q, pp, m_mu):
    """f(idx, k1, k2) → Σ|M|² at the WW points (p, q, pp) [GeV] for the events idx, with
    k1, k2 [GeV] the momenta of d1, d2 (see :func:`_pair_masses`)."""
    g = GeV
    if isinstance(struct, _LNLeStructure):
        side = _lnle_muon_side(p, q, pp, m_mu)
        mN = struct.m_N / g

        def f(idx, k1, k2):
            return _lnle_amp2(tuple(a[idx] for a in side), k1, k2, mN)
        return f
    mv, pv, m1, m2, maj = struct
    A = _muon_line(mv, p, q, pp, m_mu)

    def f(idx, k1, k2):
        return _amp2(A[idx], pv, k1, k2, m1 / g, m2 / g, maj)
    return f


# 9 probe directions that fix the quadratic c0 + c·n + nᵀQn on the sphere exactly
_PROBES = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1],
                    [1, 1, 0], [1, 0, 1], [0, 1, 1]], float)
_PROBES /= np.linalg.norm(_PROBES, axis=1, keepdims=True)


def _basis(n):
    a, b, c = n[..., 0], n[..., 1], n[..., 2]
    return np.stack([np.ones_like(a), a, b, c, a * a, b * b, a * b, a * c, b * c], -1)


_PROBE_INV = np.linalg.inv(_basis(_PROBES))


def _quadratic_fit(vals):
    """Coefficients [n, 9] of c0 + c·n + nᵀQn (basis :func:`_basis`) from the values at _PROBES,
    and the rigorous bound c0 + |c| + λ_max(Q) (× (1 + 1e-9)) of the quadratic on the sphere."""
    coef = vals @ _PROBE_INV.T                           # [n, 9]
    return coef, _quadratic_bound(coef)


def _quadratic_bound(coef):
    """The rigorous bound c0 + |c| + λ_max(Q) (× (1 + 1e-9)) on the unit sphere of the quadratics
    with coefficients ``coef`` [n, 9] (basis :func:`_basis`). It does not depend on how the
    constant is split between c0 and Q (c0 − μ with Q + μ·1 gives the same bound)."""
    c0, cv = coef[:, 0], coef[:, 1:4]
    lam = _sym3_eigmax(coef[:, 4], coef[:, 5], np.zeros(len(coef)), 0.5 * coef[:, 6],
                       0.5 * coef[:, 7], 0.5 * coef[:, 8])
    bound = (c0 + np.linalg.norm(cv, axis=1) + lam) * (1 + 1e-9) + 1e-300
    return bound


def _sym3_eigmax(a00, a11, a22, a01, a02, a12, sweeps=4):
    """Largest eigenvalue of n symmetric 3×3 matrices: vectorised cyclic Jacobi rotations
    (4 sweeps reach machine precision, |Δλ| ~ 1e-15 ‖Q‖ like LAPACK; ~4× faster than
    np.linalg.eigvalsh on stacks of 3×3); rows not converged fall back to eigvalsh."""
    d = [np.array(a00, float), np.array(a11, float), np.array(a22, float)]
    off = {(0, 1): np.array(a01, float), (0, 2): np.array(a02, float),
           (1, 2): np.array(a12, float)}
    scale = np.abs(d[0]) + np.abs(d[1]) + np.abs(d[2]) + 2 * sum(np.abs(v) for v in off.values())
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(sweeps):
            for p, q in ((0, 1), (0, 2), (1, 2)):
                r = 3 - p - q
                apq = off[(p, q)]
                nz = apq != 0
                theta = np.where(nz, (d[q] - d[p]) / (2.0 * apq), 0.0)
                t = np.where(nz, np.copysign(1.0, theta)
                             / (np.abs(theta) + np.sqrt(theta * theta + 1.0)), 0.0)
                t = np.where(np.isfinite(t), t, 0.0)
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                d[p] = d[p] - t * apq
                d[q] = d[q] + t * apq
                off[(p, q)] = np.zeros_like(apq)
                krp, krq = (min(r, p), max(r, p)), (min(r, q), max(r, q))
                arp, arq = off[krp], off[krq]
                off[krp], off[krq] = c * arp - s * arq, s * arp + c * arq
    lam = np.maximum(np.maximum(d[0], d[1]), d[2])
    bad = ~(sum(np.abs(v) for v in off.values()) <= 1e-15 * scale) | ~np.isfinite(lam)
    if np.any(bad):
        Q = np.zeros((int(bad.sum()), 3, 3))
        for (i, j), v in zip(((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)),
                             (a00, a11, a22, a01, a02, a12), strict=True):
            Q[:, i, j] = Q[:, j, i] = np.asarray(v, float)[bad]
        lam[bad] = np.linalg.eigvalsh(Q)[:, -1]
    return lam


def _pair_structure(group, model, conv):
    """The |M|² structure of a group: for ll/le/eN/LN the tuple (muon vertices [4,4,4], pair
    vertices, m1, m2, majorana); for LNLe_2222 an :class:`_LNLeStructure`."""
    G = _tr.GAMMA
    if group in ("mu", "tau"):
        ev, ea = _smeft_eps(model, conv, group)
        mv = np.einsum("mij,jk->mik", G, ev * _tr.ONE4 - ea * _tr.GAMMA5)
        return mv, np.einsum("mij,jk->mik", G, _tr.PL), 0.0, 0.0, False
    if group in ("eN_22", "LN_22"):
        mv = np.einsum("mij,jk->mik", G, _tr.PR if group == "eN_22" else _tr.PL)
        nt = model.n_type
        pv = G if nt == "dirac" else np.einsum("mij,jk->mik", G, _tr.PR)
        return mv, pv, model.m_N, model.m_N, nt == "majorana"
    if group == "LNLe_2222":
        return _LNLeStructure(float(model.m_N))
    raise ValueError(f"no pair-angle structure for group {group!r}")   # pragma: no cover


def _pair_frame(x, k, u, struct):
    """WW-point frame quantities for the pair-angle density of n events: (k_c [GeV], triad
    e1, e2, e3 of the γμ CM frame seen from the pair rest frame, f(idx, k1, k2), m1, m2 [GeV])."""
    g = GeV
    p_c, q_c, pp_c, k_c = _ww_frame(x, u / g**2, (k / g) ** 2, M_MU / g)
    f = _pair_amp2(struct, p_c, q_c, pp_c, M_MU / g)
    m1, m2 = _pair_masses(struct)
    return k_c, _triad(p_c, pp_c, k_c), f, m1 / g, m2 / g


def _pair_density(frame, idx, coords):
    """Σ|M|² for the events idx at unit directions ``coords`` (triad coordinates) of d1."""
    k_c, (e1, e2, e3), f, m1, m2 = frame
    nd = coords[:, :1] * e1[idx] + coords[:, 1:2] * e2[idx] + coords[:, 2:] * e3[idx]
    k1, k2 = _two_body(k_c[idx], m1, m2, nd)
    return f(idx, k1, k2)


# ---- the quadratic form of |M|² in the direction, directly from the amplitude (fast path) ----
# Σ_spins |ū(k1) W v(k2)|² = Tr[W (k̸2 − m2) W̄ (k̸1 + m1)] (Σ u ū = k̸ + m, Σ v v̄ = k̸ − m; W̄ = γ⁰W†γ⁰)
# is bilinear in K1 = (k1^μ, m1) and K2 = (k2^μ, −m2) with k̸ ± m = Σ_α K_α G_α, G_α = g_αα γ^α
# (α = 0..3), G_4 = 1. Each amplitude is M_r = ū(k1) W_r v(k2) with W_r = Σ_I a_rI Γ_I over a
# fixed basis Γ_I of four 4×4 matrices, so Σ|M|² = K1ᵀ H K2 with
# H_αβ = Σ_IK (Σ_r a_rI a*_rK) Tr[Γ_I G_β Γ̄_K G_α]; k1, k2 are linear in the direction n.
_LOWER = np.array([1.0, -1.0, -1.0, -1.0])
_G_LOW = _tr.GAMMA * _LOWER[:, None, None]                    # k̸ = Σ_μ k^μ _G_LOW[μ]
_G5 = np.concatenate([_G_LOW, _tr.ONE4[None]])                # G_α, α = 0..4


def _bar_matrix(m):
    """Dirac conjugate γ⁰ m† γ⁰ of 4×4 matrices m[..., 4, 4]."""
    return _tr.GAMMA[0] @ np.conj(np.swapaxes(m, -1, -2)) @ _tr.GAMMA[0]


def _trace_map(basis):
    """T[(I, K), (α, β)] = Tr[Γ_I G_β Γ̄_K G_α] for a basis Γ [4, 4, 4] (constant, 16 × 25)."""
    return np.einsum("Iab,ybc,Kcd,xda->IKxy", basis, _G5, _bar_matrix(basis), _G5).reshape(16, 25)


def _pr_basis():
    """Γ_(ij) = F_i F_jᵀ with F (4 × 2, real) an orthonormal basis of the image of P_R, so that
    P_R W P_R = Σ_ij (F_iᵀ W F_j) Γ_(ij)."""
    w, v = np.linalg.eigh(_tr.PR)
    F = v[:, w > 0.5]
    assert np.allclose(F.imag, 0.0)
    F = np.ascontiguousarray(F.real)
    return F, np.einsum("ai,bj->ijab", F, F).reshape(4, 4, 4).astype(complex)


_F_R, _LNLE_BASIS = _pr_basis()
_LNLE_TRACE_MAP = _trace_map(_LNLE_BASIS)
#: O_LNLe in the form of the other operators, M = Σ_(ij) ū_ν Γ_(ij) v_N · ū′[V_(ij) S(p+q) ε̸ +
#: ε̸ S(p′−q) V_(ij)]u: with W = A1 P_R + X1 Y0 + X0 Y1 of :func:`_lnle_muon_side` (all terms in
#: P_R W P_R), F_iᵀ W F_j = ū′ V_(ij) S ε̸ u + ū′ ε̸ S V_(ij) u with V_(ij) = F_j F_iᵀ + δ_ij P_R
_LNLE_MUON_VERTICES = (np.einsum("aj,bi->ijab", _F_R, _F_R)
                       + np.einsum("ij,ab->ijab", np.eye(2), _tr.PR)).reshape(4, 4, 4)


# Real form of the spinor algebra (numpy's products of small complex matrices are several times
# slower than the real ones): a complex 4-spinor v is stored as [Re v, Im v] (8 reals), and a
# complex 4×4 matrix M acts on it as _emb(M) = [[Re M, −Im M], [Im M, Re M]]; arrays of spinors
# are rows [..., 8], so M is applied as ``v @ _emb(M).T``.
def _emb(m):
    r, i = m.real, m.imag
    return np.concatenate([np.concatenate([r, -i], -1), np.concatenate([i, r], -1)], -2)


def _right(ms):
    """[8, 8k] matrix applying the complex matrices ms [k, 4, 4] to rows: v @ _right(ms) =
    [v @ _emb(ms[0]).T, v @ _emb(ms[1]).T, …]."""
    return np.ascontiguousarray(np.concatenate([e.T for e in _emb(ms)], 1))


#: (v @ emb-of-l̸ᵀ-rows): Σ_μ l^μ _SLASH_R[μ] = _emb(l̸).T, and _SLASH_RT the same for l̸ᵀ
_SLASH_R = np.ascontiguousarray(np.swapaxes(_emb(_G_LOW), 1, 2)).reshape(4, 64)
_SLASH_RT = np.ascontiguousarray(np.swapaxes(_emb(np.swapaxes(_G_LOW, 1, 2)), 1, 2)).reshape(4, 64)
_G0D = np.concatenate([np.diag(_tr.GAMMA[0]).real] * 2)     # γ⁰ = diag(1, 1, −1, −1), twice
_EPS_R = _right(_slash(_EPS))                               # ε̸_l on rows       [8, 16]
_EPS_RT = _right(np.swapaxes(_slash(_EPS), 1, 2))           # ε̸_lᵀ on rows      [8, 16]


def _prop_rows(l, m, transpose=False):
    """[n, 8, 8] matrices X with v @ X = real form of S v, S = (l̸ + m)/(l² − m²) (or Sᵀ v)."""
    den = l[:, 0] ** 2 - np.sum(l[:, 1:] ** 2, axis=1) - m * m
    e = (l[:, None, :] @ (_SLASH_RT if transpose else _SLASH_R)).reshape(len(l), 8, 8)
    e += m * np.eye(8)
    e /= den[:, None, None]
    return e


def _spinors_re(p, m):
    """Dirac-basis spinors u(p, s) = (√(E+m) χ_s, σ·p χ_s/√(E+m)), χ_s = (1, 0), (0, 1), in real
    form [n, s, 8]. Σ_s u ū = p̸ + m, as for the helicity spinors of traces.spinors_u; only spin
    sums are taken from them, which do not depend on the spin basis."""
    a = np.sqrt(p[:, 0] + m)
    px, py, pz = (p[:, i] / a for i in (1, 2, 3))
    out = np.zeros((len(p), 2, 8))
    out[:, 0, 0], out[:, 0, 2], out[:, 0, 3], out[:, 0, 7] = a, pz, px, py
    out[:, 1, 1], out[:, 1, 2], out[:, 1, 6], out[:, 1, 3] = a, px, -py, -pz
    return out


_SGN_IM = np.array([1.0] * 4 + [-1.0] * 4)
_SWAP_RE_IM = np.array([4, 5, 6, 7, 0, 1, 2, 3])


def _dot_cols(x):
    """x [n, k, 8] (real forms of complex 4-vectors x_j) → [n, 8, 2k] such that v @ result gives
    the complex dot products Σ_a v_a x_j,a for v in real form: columns (Re, j), then (Im, j)."""
    return np.swapaxes(np.concatenate([x * _SGN_IM, x[..., _SWAP_RE_IM]], 1), 1, 2)


def _muon_side_re(p, q, pp, m):
    """The muon-line spinors at n WW points, real form: u_s = u(p, s) [n, s, 8]; b_t with
    ū(p′, t) M v = Σ_a b_t,a (M v)_a [n, t, 8]; R_ls = S(p+q) ε̸_l u_s [n, (l, s), 8];
    Y_tl with ū′_t ε̸_l S(p′−q) M v = Σ_a Y_tl,a (M v)_a [n, (t, l), 8]."""
    n = len(p)
    U = _spinors_re(p, m)
    B = _spinors_re(pp, m)
    B[..., 4:] *= -1.0
    B *= _G0D                                                            # conj(u′) γ⁰
    eu = (U @ _EPS_R).reshape(n, 2, 2, 8).transpose(0, 2, 1, 3).reshape(n, 4, 8)
    R = eu @ _prop_rows(p + q, m)
    Y = (B @ _EPS_RT).reshape(n, 4, 8) @ _prop_rows(pp - q, m, transpose=True)
    return U, B, R, Y


def _pair_vertices(struct):
    """(V_I [4, 4, 4], T [32, 25]) of a pair structure: the amplitudes are
    M_r = Σ_I a_rI ū(k1) Γ_I v(k2) with a_rI = ū′_t [V_I S(p+q) ε̸_l + ε̸_l S(p′−q) V_I] u_s
    (r = pol l, muon spins s, t), and H = (Re L, Im L) · T with L_IK = Σ_r a_rI a*_rK."""
    if isinstance(struct, _LNLeStructure):
        mv, tmap = _LNLE_MUON_VERTICES, _LNLE_TRACE_MAP
    else:
        mv, pv, _m1, _m2, maj = struct
        if maj:
            pv = _tr._majorana_vertex(pv)
        tmap = _trace_map(pv * _LOWER[:, None, None])  # J_I = ū Γ_I v: lowered index
    return mv, np.concatenate([tmap.real, -tmap.imag])


def _pair_hadron_tensor(vertices, p, q, pp, m_mu):
    """H [n, 5, 5] with Σ_{spins, pols}|M|² = K1ᵀ H K2 (see above) at n WW points [GeV], for
    ``vertices`` = :func:`_pair_vertices` (the same amplitudes as :func:`_pair_amp2`; the muon
    spins in the Dirac basis of :func:`_spinors_re`)."""
    mv, T = vertices
    n = len(p)
    U, B, R, Y = _muon_side_re(p, q, pp, m_mu)
    ev = _right(mv)                                                      # V_I on rows [8, 32]
    vr = (R @ ev).reshape(n, 16, 8)                                      # V_I R_ls [n, (l,s,I), 8]
    vu = (U @ ev).reshape(n, 1, 8, 8)                                    # V_I u_s  [n, 1, (s,I), 8]
    dy = _dot_cols(Y.reshape(n, 2, 2, 8).transpose(0, 2, 1, 3).reshape(2 * n, 2, 8))
    a = (vr @ _dot_cols(B)).reshape(n, 2, 8, 4) + vu @ dy.reshape(n, 2, 8, 4)
    # a [n, l, (s, I), (c = Re/Im, t)] → X [n, I, (c, l, s, t)]
    X = a.reshape(n, 2, 2, 4, 2, 2).transpose(0, 3, 4, 1, 2, 5).reshape(n, 4, 16)
    Xt = np.swapaxes(X, 1, 2)
    P = X[:, :, 8:] @ Xt[:, :8, :]                                       # Σ_r ai_I ar_K
    L = np.concatenate([X @ Xt, P - np.swapaxes(P, 1, 2)], 1)            # (Re L, Im L)
    return (L.reshape(n, 1, 32) @ T).reshape(n, 5, 5)


def _pair_quadratic(x, k, u, struct, block=2048):
    """:func:`_pair_quadratic_block` in blocks of ``block`` events (the intermediate arrays of a
    block stay in the cache, which is faster than one pass over a chunk of 10⁵ events)."""
    vertices = _pair_vertices(struct)
    parts = [_pair_quadratic_block(x[i:i + block], k[i:i + block], u[i:i + block], struct,
                                   vertices) for i in range(0, len(x), block)]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([c for c, _ in parts]), np.concatenate([b for _, b in parts])


def _pair_quadratic_block(x, k, u, struct, vertices):
    """Coefficients [n, 9] (basis :func:`_basis`, triad coordinates of the d1 direction) of the
    exact quadratic Σ|M|² of n events, and its bound (:func:`_quadratic_bound`).

    The same |M|² as :func:`_pair_density` (the same spinor amplitudes, spin-summed as a trace),
    written as c0 + c·n + nᵀQn from K1(n)ᵀ H K2(n) with K1, K2 linear in n; equal to the
    9-probe fit (:func:`_quadratic_fit`) up to rounding (tested)."""
    g = GeV
    p_c, q_c, pp_c, kc = _ww_frame(x, u / g**2, (k / g) ** 2, M_MU / g)
    e1, e2, e3 = _triad(p_c, pp_c, kc)
    m1, m2 = (m / g for m in _pair_masses(struct))
    n = len(x)
    H = _pair_hadron_tensor(vertices, p_c, q_c, pp_c, M_MU / g)
    # k1 = E1 b0 + p* Σ_j n_j b_j, k2 = E2 b0 − p* Σ_j n_j b_j (b: boosted rest-frame unit vectors)
    M2 = np.maximum(kc[:, 0] ** 2 - np.sum(kc[:, 1:] ** 2, axis=1), 0.0)
    Mk = np.maximum(np.sqrt(M2), 1e-300)
    lam = np.maximum((M2 - (m1 + m2) ** 2) * (M2 - (m1 - m2) ** 2), 0.0)
    pst = np.sqrt(lam) / (2.0 * Mk)
    E1 = (M2 + m1 * m1 - m2 * m2) / (2.0 * Mk)
    E2 = Mk - E1
    # boosts by kc of the rest-frame (1, 0) and (0, e_j): b0 = kc/M, b_j = (γ β·e_j, e_j + c_j β)
    b0 = kc / Mk[:, None]
    beta = kc[:, 1:] / kc[:, :1]
    gam = kc[:, 0] / Mk
    b2 = np.sum(beta * beta, axis=1)
    E3 = np.stack([e1, e2, e3], 2)                                   # [n, xyz, j]
    be = np.sum(beta[:, :, None] * E3, axis=1)                       # β·e_j  [n, j]
    cj = np.where(b2 > 0, (gam - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0)[:, None] * be
    B = np.zeros((n, 5, 3))
    B[:, 0] = gam[:, None] * be
    B[:, 1:4] = E3 + beta[:, :, None] * cj[:, None, :]
    B *= pst[:, None, None]                                          # [n, 5, 3]
    # K1 = K1₀ + B n, K2 = K2₀ − B n:  K1ᵀ H K2 = K1₀ᵀHK2₀ + (BᵀHK2₀ − BᵀHᵀK1₀)·n − nᵀ BᵀHB n
    K1 = np.concatenate([E1[:, None] * b0, np.full((n, 1), m1)], 1)[:, None, :]        # [n,1,5]
    K2 = np.concatenate([E2[:, None] * b0, np.full((n, 1), -m2)], 1)[:, :, None]       # [n,5,1]
    HK2, K1H = H @ K2, K1 @ H
    Bt = np.swapaxes(B, 1, 2)
    const = (K1H @ K2)[:, 0, 0]
    lin = (Bt @ HK2)[:, :, 0] - (K1H @ B)[:, 0, :]
    Qm = -(Bt @ (H @ B))
    Q = 0.5 * (Qm + np.swapaxes(Qm, 1, 2))
    # on the sphere n_c² = 1 − n_a² − n_b²: fold Q_cc into the constant (the basis of _basis)
    coef = np.stack([const + Q[:, 2, 2], lin[:, 0], lin[:, 1], lin[:, 2],
                     Q[:, 0, 0] - Q[:, 2, 2], Q[:, 1, 1] - Q[:, 2, 2],
                     2.0 * Q[:, 0, 1], 2.0 * Q[:, 0, 2], 2.0 * Q[:, 1, 2]], axis=1)
    return coef, _quadratic_bound(coef)


#: how the proposals of the pair-angle accept–reject are evaluated: "quadratic" (the exact
#: quadratic form of :func:`_pair_quadratic`, with the check below) or "direct" (the reference,
#: the method used before: 9-probe fit and every proposal from the explicit spinors — the same
#: samples bit for bit, 5–9× slower in events/s; kept for tests and benchmarks/bench_events.py)
_PAIR_METHOD = "quadratic"
#: safety net of the "quadratic" method: at the accepted directions of (at most) _CHECK_EVENTS
#: events per call, evenly spaced in the chunk (a fixed set: it draws no random numbers, so the
#: random stream — and the sample — is the one of the direct method), the quadratic must equal
#: the direct spinor |M|² to _CHECK_TOL relative to the event's envelope (the scale on which the
#: accept–reject decision is taken; a pointwise relative difference is ill-defined where |M|² → 0).
_CHECK_EVENTS = 64
_CHECK_TOL = 1e-9


def _check_quadratic(x, k, u, struct, coef, bound, dirs, idx):
    """Direct spinor |M|² vs the quadratic at directions ``dirs`` of the events ``idx``: returns
    (max |Δ|/bound, number of direct values above the bound); raises if Δ > _CHECK_TOL·bound."""
    frame = _pair_frame(x[idx], k[idx], u[idx], struct)
    direct = _pair_density(frame, np.arange(len(idx)), dirs)
    quad = np.einsum("nk,nk->n", _basis(dirs), coef[idx])
    dev = float(np.max(np.abs(quad - direct) / bound[idx]))
    if not dev <= _CHECK_TOL:
        raise RuntimeError(f"pair-angle |M|²: the quadratic form differs from the direct spinor "
                           f"evaluation by {dev:.3g} of the envelope (> {_CHECK_TOL:g}); the sample"
                           " would be biased")
    return dev, int(np.count_nonzero(direct > bound[idx]))


def _sample_pair_angles(mu_lab, kv_lab, x, k, u, energy, struct, rng, max_rounds=200,
                        method=None):
    """Unit directions of d1 in the lab pair rest frame from the exact |M|²; returns
    (nd, viol, check) with check = {"points": …, "max_dev": …} of the safety net (0 points for
    ``method="direct"``). ``method``: see :data:`_PAIR_METHOD` (the default)."""
    method = _PAIR_METHOD if method is None else method
    n = len(x)
    allidx = np.arange(n)
    if method == "direct":
        frame = _pair_frame(x, k, u, struct)
        vals = np.stack([_pair_density(frame, allidx, np.broadcast_to(d, (n, 3)))
                         for d in _PROBES], axis=1)
        _, bound = _quadratic_fit(vals)

        def density(idx, d):
            return _pair_density(frame, idx, d)
    elif method == "quadratic":
        coef, bound = _pair_quadratic(x, k, u, struct)

        def density(idx, d):
            return np.einsum("nk,nk->n", _basis(d), coef[idx])
    else:
        raise ValueError(f"unknown pair-angle method {method!r}")   # pragma: no cover
    out = np.empty((n, 3))
    todo = allidx
    viol = 0
    for _ in range(max_rounds):
        if not todo.size:
            break
        d = _isotropic(todo.size, rng)
        f = density(todo, d)
        viol += int(np.count_nonzero(f > bound[todo]))
        acc = rng.random(todo.size) * bound[todo] < f
        out[todo[acc]] = d[acc]
        todo = todo[~acc]
    if todo.size:   # pragma: no cover - acceptance per round is ≥ ~1/3 for these |M|²
        raise KinematicsError(f"pair-angle sampling did not converge for {todo.size} events")
    check = {"points": 0, "max_dev": 0.0}
    if method == "quadratic":
        chk = np.unique(np.linspace(0, n - 1, min(n, _CHECK_EVENTS)).astype(int))
        dev, v2 = _check_quadratic(x, k, u, struct, coef, bound, out[chk], chk)
        viol += v2
        check = {"points": len(chk), "max_dev": dev}
    # carry the triad coordinates to the lab pair rest frame
    p_lab = np.broadcast_to(np.array([energy, 0, 0, math.sqrt(energy**2 - M_MU**2)]), (n, 4))
    l1, l2, l3 = _triad(p_lab, mu_lab, kv_lab)
    nd = out[:, :1] * l1 + out[:, 1:2] * l2 + out[:, 2:] * l3
    return nd, viol, check


# ----------------------------------------------------------------------------------------------
# grids
# ----------------------------------------------------------------------------------------------
def _z_nodes():
    return np.unique(np.concatenate([np.linspace(0, 1, 41), np.geomspace(1e-6, 0.05, 12),
                                     1 - np.geomspace(1e-6, 0.05, 12), [0.0, 1.0]]))


_W_NODES = np.linspace(0.0, 1.0, 33)


def _sample_kinematic(sampler, to_xku, n, energy, tgt, t_max_choice, rng):
    """Sample n points and build their four-vectors; points whose recoil cannot be put on shell
    (a WW-approximation artefact at x → 1 − m_μ/E, ~1e-5 of events) are replaced by new draws
    and counted (info["recoil_resampled"])."""
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
    return pts, x, kk, u, mu, kv, nuc, t, extra, viol, redo


# ----------------------------------------------------------------------------------------------
# Z′
# ----------------------------------------------------------------------------------------------
def _check_seed(seed):
    """An integer >= 0, or a sequence of them (numpy.random.SeedSequence entropy)."""
    items = list(seed) if isinstance(seed, (list, tuple)) else [seed]
    if not items or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0
                        for v in items):
        raise InputError(f"seed must be an integer >= 0 (or a sequence of them), got {seed!r}")
    return [int(v) for v in items] if isinstance(seed, (list, tuple)) else int(seed)


def _chunks(seed, n_events, chunk_size):
    """(rng, n) per chunk: chunk i draws from the i-th child of SeedSequence(seed), so a sample is
    reproduced exactly by the same (seed, n_events, chunk_size) (module doc). The children are
    made one at a time (``SeedSequence(seed, spawn_key=(i,))`` is the i-th child of
    ``SeedSequence(seed).spawn``), so memory does not grow with the number of chunks."""
    seed = _check_seed(seed)
    n_chunks = (n_events + chunk_size - 1) // chunk_size
    for i in range(n_chunks):
        ss = np.random.SeedSequence(seed, spawn_key=(i,))
        yield np.random.default_rng(ss), min(chunk_size, n_events - i * chunk_size)


def iter_zprime(mass, n_events, seed=0, energy=160 * GeV, target="Pb", decay=None,
                m_chi=None, theta_max=0.1, t_max="E2", alpha=ALPHA, chunk_size=DEFAULT_CHUNK,
                x_min=None):
    """Yield :class:`EventSample` chunks of μN → μN Z′ (WW, seed 001), ``n_events`` in total.

    Parameters: ``mass`` [energy] in (0, E − m_μ); ``decay``: None (Z′ left undecayed),
    ``"nu"`` (ν_μ ν̄_μ, massless) or ``"chi"`` (χ χ̄ with m_χ, default m/3, seed 001); isotropic
    in the Z′ rest frame. ``x_min``: restrict to x ≥ x_min (e.g. 0.5 for the signal region).
    """
    n_events = _check_n(n_events)
    chunk_size = _check_chunk(chunk_size)
    energy = _check_energy(energy)
    tgt = _target(target)
    if not (isinstance(mass, numbers.Real) and math.isfinite(mass) and 0 < mass < energy - M_MU):
        raise KinematicsError(f"mass must be in (0, E - m_mu) = (0, {(energy - M_MU) / GeV:.6g})"
                              f" GeV, got {mass / GeV if isinstance(mass, numbers.Real) else mass!r}"
                              " GeV")
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
        return np.maximum(_zprime_density_xs(x, s, m, energy, tgt, alpha, t_max), 0.0) * (
            (xh - xa) * (s_hi - s_lo))

    sampler = _GridSampler(density, [_z_nodes(), _W_NODES])
    pdg = {"mu": PDG_IDS["mu-"], "system": PDG_IDS["zprime"]}
    if decay == "nu":
        pdg.update(d1=PDG_IDS["numu"], d2=-PDG_IDS["numu"])
    elif decay == "chi":
        pdg.update(d1=PDG_IDS["chi"], d2=-PDG_IDS["chi"])
    info = {"mass_GeV": m / GeV, "decay": decay, "theta_max": theta_max, "t_max": t_max,
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
             k_max=3 * GeV, k_min=None, conventions=None, decay=True,
             chunk_size=DEFAULT_CHUNK):
    """Yield chunks of μN → μN χ1χ2 events for an operator name or :class:`EFTModel`.

    ``k``: if given, the pair mass is fixed (events from dσ/dx dũ at that k²; used for κ(k));
    otherwise k is sampled from dσ/dk² on [max(threshold, k_min), k_max] (default up to 3 GeV,
    the end of seed 000's simulated acceptance range). ``decay``: sample the two fermions from the
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
    reach = energy - M_MU
    groups = _channel_groups(mdl, conv)
    if k is not None:
        if not (isinstance(k, numbers.Real) and math.isfinite(k) and thr < k < reach):
            raise KinematicsError(f"pair mass k must be in (threshold, E - m_mu) = ({thr / GeV:g},"
                                  f" {reach / GeV:.6g}) GeV, got {k / GeV if isinstance(k, numbers.Real) else k!r} GeV")
        k_lo = k_hi = float(k)
    else:
        if not (isinstance(k_max, numbers.Real) and math.isfinite(k_max)):
            raise InputError(f"k_max must be a number (GeV), got {k_max!r}")
        k_hi = min(float(k_max), reach * (1 - 1e-6))
        k_lo = thr if k_min is None else max(thr, float(k_min))
        if not k_hi > k_lo:
            raise KinematicsError(f"empty pair-mass range: threshold/k_min {k_lo / GeV:g} GeV >= "
                                  f"k_max {k_hi / GeV:g} GeV (kinematic reach {reach / GeV:.6g} GeV)")
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


# ----------------------------------------------------------------------------------------------
# output (mucast.events.files streams chunks; these write one sample)
# ----------------------------------------------------------------------------------------------
def write_lhe(events: EventSample, path, cross_section_pb=None) -> None:
    """Write a Les Houches Event file (LHEF 3.0, energies in GeV; ``.lhe`` or ``.lhe.gz``),
    atomically: :class:`mucast.events.files.EventWriter` with one chunk (see there for the layout).
    ``cross_section_pb``: the σ written in <init> (default: the sampler's midpoint estimate of the
    sampled region — per g² for the Z′, at the model's coefficients for EFT; a rough number, the
    reference σ is mucast's quadrature). Read back with ``pylhe.LHEFile.fromfile(path)`` /
    ``pylhe.to_awkward`` (pylhe ≥ 1.0; tested)."""
    if not isinstance(events, EventSample) or len(events) == 0:
        raise InputError("write_lhe needs a non-empty EventSample")
    fmt = "lhe.gz" if str(path).lower().endswith(".gz") else "lhe"
    _write_one(events, path, fmt, cross_section_pb)


def write_csv(events: EventSample, path) -> None:
    """One row per event; columns carry their units (``px_mu_GeV``): see :data:`CSV_COLUMNS`
    (X = Z′ or pair, N = recoil nucleus, d1/d2 = invisible daughters, empty if not sampled).
    '#' lines record the process and its parameters (top) and the totals (bottom). Atomic."""
    if not isinstance(events, EventSample) or len(events) == 0:
        raise InputError("write_csv needs a non-empty EventSample")
    _write_one(events, path, "csv", None)


def _write_one(events, path, fmt, cross_section_pb):
    with _eio.EventWriter(path, fmt, cross_section_pb) as w:
        w.write(events)


def read_csv(path) -> dict:
    """Read a file of :func:`write_csv` into a dict of column arrays (GeV units as named)."""
    return _eio.read_csv(path)
