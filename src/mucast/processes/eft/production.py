"""Layer 2: μN → μN χ1 χ2 through four-fermion operators (seed 000, Sec. V and Appendix A).

The operators, their names and channels are those of :mod:`mucast.models.eft` (the table
there, including the WET and ν_e names).

The SMEFT operators act through the WEFT couplings ε^{μ,V}_{αα}, ε^{μ,A}_{αα} of Eq. (3), mapped
by Eq. (8); they can be switched on together and interfere in ε. The cross section is Eq. (20):

    dσ/dx dk² = α²/(48π³) |c|² (1−x)/x √(x² − k²/E²) β(k, m1, m2) ∫ dũ/ũ² χ(ũ) Σ_n C_n/ũ^(n−1),

with χ the WW photon flux (mucast.processes.flux, Eq. 18) and C_n from
:mod:`mucast.processes.eft.amplitudes` (Appendix A; "verified" or "paper" variant).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mucast.processes import conventions as _conv
from mucast.constants import M_MU
from mucast.exceptions import InputError
from mucast.experiments.targets import Target
from mucast.processes.flux import photon_flux
from mucast.integrate import Orders, QuadResult, mapped_rule
from mucast.processes.kinematics import t_min as _t_min
from mucast.units import GeV
from mucast.processes.eft import amplitudes as _coef
from mucast.models.eft import (LATEX, N_TYPES, NUSMEFT_OPERATORS, OPERATORS,  # noqa: F401
                               SMEFT_OPERATORS, Channel, EFTModel, check_operator)

def check_energy(energy) -> float:
    """Beam energy [energy]: finite and > m_μ (issue 6: NaN, inf or E ≤ m_μ returned σ = 0 or
    NaN without a word)."""
    if isinstance(energy, bool) or not isinstance(energy, numbers.Real) or not (
            math.isfinite(energy) and float(energy) > M_MU):
        shown = energy / GeV if isinstance(energy, numbers.Real) else energy
        raise InputError(f"beam energy must be finite and > m_mu = {M_MU / GeV:.4f} GeV, got {shown!r} GeV")
    return float(energy)


# --------------------------------------------------------------------------------------
# the inner integrals and the k spectrum
# --------------------------------------------------------------------------------------

def _u_integrals(x, k2, energy, target, conv, n_u):
    """I_n(x, k²) = ∫_{ũmin}^{ũmax} dũ χ(t_min(ũ), t_max)/ũ^(n+1), n = 0, 1, 2, 3 (Eq. 20;
    n = 0 serves the C0 ũ term of the verified O_LNLe coefficients).

    Vectorised over x, k2 (same shape S); returns an array of shape (4,) + S.
    Variable s = ln(−ũ); dũ/ũ^(n+1) → (−1)^(n+1) e^(−n s) ds.
    """
    u_max = -k2 * (1.0 - x) / x - M_MU**2 * x
    u_min = u_max - energy**2 * conv.theta_max**2 * x
    s, w = mapped_rule(np.log(-u_max), np.log(-u_min), n_u)       # shape S + (n_u,)
    au = np.exp(s)                                                 # |ũ|
    xx = np.asarray(x)[..., None]
    tmn = _t_min(au, xx, energy)
    if conv.t_max == "E2":
        tmx = energy**2
    else:
        tmx = (M_MU**2 + np.asarray(k2))[..., None]
    chi = photon_flux(tmn, tmx, target.Z, target.t_a, target.t_d)
    wchi = w * chi
    inv = 1.0 / au
    i0 = -np.sum(wchi, axis=-1)
    i1 = np.sum(wchi * inv, axis=-1)
    i2 = -np.sum(wchi * inv**2, axis=-1)
    i3 = np.sum(wchi * inv**3, axis=-1)
    return np.stack([i0, i1, i2, i3])


# The coefficient functions of eft_coefficients are written in GeV (the paper's literal C1^A is
# not homogeneous in mass dimension, so its value depends on the unit). These wrappers call them
# in GeV and return hepunits: C_n carries energy^(2n) (n = 0..3), f_j and β are dimensionless.
_C_UNITS = np.array([1.0, GeV**2, GeV**4, GeV**6])


def _coefficients_hep(cfun, x, k2):
    c = cfun(x, k2 / GeV**2, M_MU / GeV)
    return [ci * u for ci, u in zip(c, _C_UNITS, strict=True)]


def mass_factor(ffun, k, m_N):
    """f_j(k², m_N) evaluated in GeV (dimensionless)."""
    return ffun((np.asarray(k) / GeV) ** 2, m_N / GeV)


def beta_factor(structure, k, m_N, conventions):
    """β(k, m1, m2) of Eq. (21) (variant-dependent for LNLe), dimensionless."""
    conv = _conv.get(conventions)
    return _coef.phase_space_factor(structure, (np.asarray(k) / GeV) ** 2, m_N / GeV, conv.amplitudes)


def _terms(structure, conv, n_type="dirac"):
    if structure in ("eN_22", "LN_22"):
        return _coef.mass_factor_terms(structure, conv.amplitudes, n_type=n_type)
    return _coef.mass_factor_terms(structure, conv.amplitudes)


def _combine(cfun, x, k2, I):
    c = _coefficients_hep(cfun, x, k2)
    return c[0] * I[0] + c[1] * I[1] + c[2] * I[2] + c[3] * I[3]


def _x_nodes(k, energy, orders: Orders):
    """x nodes and weights (including the Jacobian and √(x² − k²/E²)(1−x)/x) for each k.

    Returns x, wx of shape (len(k), n_xa + n_xb).
    """
    k = np.asarray(k, dtype=float)
    x_lo = k / energy
    x_hi = 1.0 - M_MU / energy
    x_mid = np.maximum(0.9, x_lo + 0.5 * (x_hi - x_lo))
    x_mid = np.minimum(x_mid, x_lo + 0.9 * (x_hi - x_lo))
    # panel A: x = x_lo cosh(tau)
    tau_hi = np.arccosh(x_mid / x_lo)
    tau, wt = mapped_rule(np.zeros_like(k), tau_hi, orders.n_xa)
    xl = x_lo[:, None]
    xa = xl * np.cosh(tau)
    sq_a = xl * np.sinh(tau)                     # √(x² − x_lo²), no cancellation
    wa = wt * xl * np.sinh(tau) * sq_a * (1.0 - xa) / xa
    # panel B: x = 1 − e^v
    v, wv = mapped_rule(np.log1p(-x_hi) * np.ones_like(k), np.log1p(-x_mid), orders.n_xb)
    xb = -np.expm1(v)
    sq_b = np.sqrt((xb - xl) * (xb + xl))
    wb = wv * np.exp(v) * sq_b * (1.0 - xb) / xb
    return np.concatenate([xa, xb], axis=1), np.concatenate([wa, wb], axis=1)


def k_spectrum_terms(structure: str, k, energy, target, conventions=None, orders=None,
                     n_type="dirac"):
    """G_j(k) = ∫ dx (1−x)/x √(x² − k²/E²) Σ_n C_n,j(x, k²) I_n(x, k²), for each m_N-independent
    term j of the structure's coefficients (see eft_coefficients.mass_factor_terms).

    Shape (n_terms, len(k)); units: energy^(2·dim) as the C_n,j (hepunits).
    """
    conv = _conv.get(conventions)
    target = Target.from_name(target)      # a name or a Target
    orders = Orders.check(orders)
    k = np.atleast_1d(np.asarray(k, dtype=float))
    x, wx = _x_nodes(k, energy, orders)
    k2 = np.broadcast_to((k**2)[:, None], x.shape)
    I = _u_integrals(x, k2, energy, target, conv, orders.n_u)      # (4, nk, nx)
    return np.array([np.sum(wx * _combine(cfun, x, k2, I), axis=-1)
                     for _, cfun in _terms(structure, conv, n_type)])


def _prefactor(conv):
    """α²/(48π³) of Eq. (20)."""
    return conv.alpha**2 / (48.0 * math.pi**3)


def _channel_k_spectrum(model, channels, k, energy, target, conv, orders):
    """Σ_channels weight · β · Σ_j f_j G_j(k) for channels sharing a threshold; the ũ integrals
    are computed once and shared by all structures."""
    x, wx = _x_nodes(k, energy, orders)
    k2 = np.broadcast_to((k**2)[:, None], x.shape)
    I = _u_integrals(x, k2, energy, target, conv, orders.n_u)
    total = np.zeros_like(k)
    for ch in channels:
        beta = beta_factor(ch.structure, k, model.m_N, conv)
        acc = np.zeros_like(k)
        for ffun, cfun in _terms(ch.structure, conv, model.n_type):
            g = np.sum(wx * _combine(cfun, x, k2, I), axis=-1)
            acc += mass_factor(ffun, k, model.m_N) * g
        total += ch.weight * beta * acc
    return _prefactor(conv) * total


def dsigma_dk2(model: EFTModel, k, energy, target, conventions=None, orders=None):
    """dσ/dk² of the model, integrated over x (Eqs. 20 and 22 of seed 000, κ = 1).

    k (invariant mass of the invisible pair) and energy in hepunits; returns natural units
    (1/energy⁴; use ``natural_to_area(·)`` for area/energy²). Zero below threshold.
    """
    conv = _conv.get(conventions)
    target = Target.from_name(target)      # a name or a Target
    orders = Orders.check(orders)
    energy = check_energy(energy)
    k = np.atleast_1d(np.asarray(k, dtype=float))
    total = np.zeros_like(k)
    for ch in model.channels(conv):
        above = (k > ch.threshold) & (k < energy - M_MU)
        if np.any(above):
            total[above] += _channel_k_spectrum(model, [ch], k[above], energy, target, conv, orders)
    return total


def differential_cross_section(model: EFTModel, x, k2, energy, target, conventions=None, n_u=48):
    """dσ/dx dk² of Eq. (20) of seed 000 [natural units, 1/energy⁴], vectorised over x, k².

    Zero outside k² ∈ [(m1+m2)², x²E²], x < 1 − m_μ/E.

    Example
    -------
    >>> from mucast.units import GeV
    >>> from mucast.experiments.targets import Target
    >>> m = EFTModel({"ll_2233": 1 / GeV**2})
    >>> d = differential_cross_section(m, 0.8, 0.25 * GeV**2, 160 * GeV, Target.from_name("Pb"))
    >>> float(d) > 0
    True
    """
    conv = _conv.get(conventions)
    target = Target.from_name(target)      # a name or a Target
    energy = check_energy(energy)
    x = np.asarray(x, dtype=float)
    k2 = np.asarray(k2, dtype=float)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(k2))):  # issue 6
        raise InputError("x and k2 must be finite")
    x, k2 = np.broadcast_arrays(x, k2)
    out = np.zeros(x.shape)
    ok = (x > 0) & (x < 1.0 - M_MU / energy) & (k2 > 0) & (k2 < x**2 * energy**2)
    if not np.any(ok):
        return out
    xs, ks = x[ok], k2[ok]
    I = _u_integrals(xs, ks, energy, target, conv, n_u)
    kin = (1.0 - xs) / xs * np.sqrt(xs**2 - ks / energy**2)
    res = np.zeros_like(xs)
    kk = np.sqrt(ks)
    for ch in model.channels(conv):
        above = kk > ch.threshold
        if not np.any(above):
            continue
        kc = np.where(above, kk, 2.0 * ch.threshold + 1.0)   # placeholder where below threshold
        beta = np.where(above, beta_factor(ch.structure, kc, model.m_N, conv), 0.0)
        csum = np.zeros_like(xs)
        for ffun, cfun in _terms(ch.structure, conv, model.n_type):
            csum += mass_factor(ffun, kc, model.m_N) * _combine(cfun, xs, ks, I)
        res += ch.weight * beta * csum
    out[ok] = _prefactor(conv) * kin * res
    return out


# --------------------------------------------------------------------------------------
# k integration (yields and total cross sections)
# --------------------------------------------------------------------------------------

def _k_panels(k_thr, k_hi, breakpoints, n_k):
    """Nodes/weights in k on [k_thr, k_hi], split at the breakpoints (acceptance nodes).

    The panel that starts at the threshold uses ln(k − k_thr) over 8 decades below its width
    (the integrand vanishes at threshold at least like (k − k_thr)^(3/2), so the part below is
    < 1e-12 relative), split in two sub-panels. The other panels get
    max(n_k/4, n_k·√(width/range)) points: an acceptance table with many nodes (the detector-model
    κ has 14) splits the range into many short panels on which the integrand is a smooth
    spectrum times a linear κ, so 8–12 Gauss points each suffice (benchmarks/bench_eft.py checks
    1e-6 against nested adaptive quadrature) instead of n_k each.
    """
    edges = [k_thr] + [b for b in sorted(breakpoints) if k_thr < b < k_hi] + [k_hi]
    span = k_hi - k_thr
    n_min = max(4, n_k // 4)
    ks, ws = [], []
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        if i == 0:
            width = b - a
            lo, hi = math.log(width * 1e-8), math.log(width)
            mid = 0.5 * (lo + hi)
            for l0, l1 in ((lo, mid), (mid, hi)):
                ell, wl = mapped_rule(l0, l1, max(4, n_k // 2))
                d = np.exp(ell)
                ks.append(a + d)
                ws.append(wl * d)
        else:
            n = min(n_k, max(n_min, math.ceil(n_k * math.sqrt((b - a) / span))))
            kk, ww = mapped_rule(a, b, n)
            ks.append(kk)
            ws.append(ww)
    return np.concatenate(ks), np.concatenate(ws)


def k_integral(model: EFTModel, energy, target, weight_fn=None, k_max=None, breakpoints=(),
               conventions=None, orders=None, tail_from=None) -> QuadResult:
    """∫ dk 2k w(k) dσ/dk² over [threshold, k_max] [natural units, 1/energy²], with error.

    ``weight_fn`` is the acceptance κ(k) (None: 1). ``k_max`` defaults to E − m_μ. The error is
    the difference between the default orders and the coarser rule (Orders.coarse()).
    ``tail_from`` (an energy): also return the part of the integral from k ≥ tail_from in
    ``result.parts["tail"]`` (the k panels are split there, so it costs nothing extra).
    """
    conv = _conv.get(conventions)
    target = Target.from_name(target)      # a name or a Target
    orders = Orders.check(orders)
    energy = check_energy(energy)
    k_reach = energy - M_MU
    k_hi = k_reach if k_max is None else min(k_max, k_reach)
    groups: dict = {}
    for ch in model.channels(conv):
        if ch.threshold < k_hi:
            groups.setdefault(ch.threshold, []).append(ch)
    # the tail k ≥ tail_from is read off the panels when tail_from is one of their edges (the
    # acceptance nodes); otherwise it is integrated separately, so that asking for it never
    # moves the total
    split = tail_from is not None and any(math.isclose(tail_from, b, rel_tol=1e-12)
                                          for b in breakpoints)
    results, tails = [], []
    for o in (orders, orders.coarse()):
        total = tail = 0.0
        for thr, chans in groups.items():
            kk, wk = _k_panels(thr, k_hi, breakpoints, o.n_k)
            dsk = _channel_k_spectrum(model, chans, kk, energy, target, conv, o)
            wf = 1.0 if weight_fn is None else weight_fn(kk)
            contrib = wk * 2.0 * kk * wf * dsk
            total += float(np.sum(contrib))
            if tail_from is None:
                continue
            if split or thr >= tail_from:
                tail += float(np.sum(contrib[kk >= tail_from * (1 - 1e-12)]))
            elif tail_from < k_hi:
                kt, wt = mapped_rule(tail_from, k_hi, o.n_k)
                ft = 1.0 if weight_fn is None else weight_fn(kt)
                tail += float(np.sum(wt * 2.0 * kt * ft *
                                     _channel_k_spectrum(model, chans, kt, energy, target, conv, o)))
        results.append(total)
        tails.append(tail)
    if not all(math.isfinite(r) for r in results):  # issue 6: never return inf/NaN
        raise InputError("the cross section overflows a double: coefficients too large")
    parts = {"tail": tails[0]} if tail_from is not None else {}
    return QuadResult(results[0], abs(results[0] - results[1]), (orders, orders.coarse()), parts)


def cross_section(model: EFTModel, energy, target, conventions=None, orders=None) -> QuadResult:
    """Total σ(μN → μNχ1χ2) over the full phase space [natural units 1/energy²] (κ = 1).

    The k range is split at 1, 3, 10, 30, 100 GeV so that the default orders resolve it.
    Note: for k² up to (E − m_μ)² the four-fermion description must hold at that scale.
    """
    bps = tuple(b * GeV for b in (0.3, 1.0, 3.0, 10.0, 30.0, 100.0))
    return k_integral(model, energy, target, None, None, bps, conventions, orders)
