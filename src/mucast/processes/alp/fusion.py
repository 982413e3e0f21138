"""Layer 2: ALP production by photon fusion, μ(p) N → μ(p′) N a, in the Weizsäcker–Williams form.

Interaction L ⊃ −(g/4) a F_μν F̃^μν, g = g_aγγ an inverse energy (vertex g ε^μνρσ k₁ρ k₂σ,
Γ(a → γγ) = g² m³/(64π)); cross sections scale exactly as g².

The 2→2 process μ(p) γ(k) → μ(p′) a has one diagram, a t-channel photon, t = (p − p′)²
(docs/research/alp_production_muon_beam.md §2, derived there and checked against explicit traces
to 1e-15; re-checked here against explicit spinors, tests/validation/test_alp.py):

    Σ|M|² = (e² g²/t²) { −t [(s − m_μ²)² + (u − m_μ²)²] − 2 m_μ² (t − m²)² },   s + t + u = 2m_μ² + m²,

summed over all spins and polarisations (:func:`amplitude_squared`). For m_μ → 0 it is the
massless e γ → e a form e²g²(s² + u²)/(−t).

WW (the mediators' master formula, :mod:`mucast.processes.mediators.production`, with
A_X = ¼Σ|M|²/(e²g²)): dσ/dx = α/(16π²) · (1−x)/x · β · ∫dũ χ(t_min(ũ), t_max) ¼Σ|M|²/ũ², with
β = √(x² − m²/E²), and the WW kinematics s − m_μ² = −ũ/(1−x), u − m_μ² = ũ, t = m² + ũx/(1−x).
For this amplitude the bracket is not a polynomial in 1/ũ; in the muon-side photon virtuality
Q² ≡ |t| (dũ = (1−x)/x dQ²) it becomes (docs/derivations/alp_fusion.md §2)

    dσ/dx = (α² g²/16π) · β/x² · ∫ dQ² χ(t_min, t_max) [ (1 + (1−x)²)/Q² − 2m_μ² x²/Q⁴ ],

    t_min = ((Q² + m²)/(2Ex))²,   Q² ∈ [m_μ²x²/(1−x), x²(m_μ² + E²θ_max²)/(1−x)],

the lepton's equivalent-photon spectrum (Budnev et al., Phys. Rep. 15 (1975) 181) times the
nucleus's flux, with the muon side kept exact (no Q²_max is chosen: the nucleus's coherence,
t_min ≲ t_d, cuts Q² at ≈ 2Ex√t_d). The Q² integral runs in ln Q² on panels split where χ
changes regime (Q² = m², t_min = t_a, t_min = t_d), Gauss–Legendre in each; the x rule is
the mediators' (:func:`mucast.processes.mediators.production._x_rule`) with its weights
divided by x(1−x).

Where it holds (measured against the exact 2→3 calculation, :mod:`mucast.processes.alp.exact`,
validation/alp_exact_vs_ww.py; docs/alps.md §3): for ALPs of energy ≥ 12 m and ≥ 1.5 GeV, to
≤ 0.66%; near the beam's reach and for soft ALPs it over-estimates (×1.28 at 15 GeV for
5 GeV, ×2.1 at E_min/m = 2, x ≥ 0.5).
:mod:`mucast.processes.alp.production` applies the rule (``WW_RULE``) and computes the rest
exactly; this module is the WW engine alone.

Units: hepunits (MeV = 1); ``coupling`` is an inverse energy (``1e-3 / GeV``); cross sections
are areas (divide by ``picobarn``), converted once through :func:`mucast.units.natural_to_area`.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError
from mucast.integrate import Orders, mapped_rule
from mucast.processes.flux import photon_flux
from mucast.processes.mediators.production import (CrossSection, _check_energy, _check_mass,
                                                   _check_theta, _check_x_min, _conventions,
                                                   _target, _x_rule)
from mucast.units import GeV, natural_to_area

__all__ = [
    "ORDERS",
    "THETA_MAX",
    "amplitude_squared",
    "sigma_mugamma",
    "dsigma_dx",
    "x_spectrum",
    "cross_section_per_g2",
    "cross_section",
]

#: quadrature orders: ``n_u`` Gauss–Legendre nodes per ln Q² panel (four panels), ``n_xa``,
#: ``n_xb`` the two x panels (``n_k`` unused). Checked against scipy.integrate.quad of the
#: formula above (tests/validation/test_alp.py); ``coarse()`` and n/2 give the error estimate
ORDERS = Orders(n_u=24, n_xa=32, n_xb=24, n_k=4)

#: default largest ALP angle [rad]: none (π). An invisible ALP is missed at any angle, so the
#: physical σ has no angular cut; the mediators keep seed 000's 0.1 rad as a convention. For
#: x ≥ 0.5 the cut moves σ by ≤ 0.35% (±0.25%) up to 5 GeV at 160 GeV, but near the reach it
#: removes most ALPs (15 GeV on W, x ≥ 0.5: σ(π)/σ(0.1) = 1.03, 1.15, 1.47, 2.2 at 2, 3, 4,
#: 5 GeV; exact), and for soft ALPs (the total σ at 1 MeV, 160 GeV: ×1.41). Pass 0.1 to compare
#: with the mediators' convention
THETA_MAX = math.pi


# ----------------------------------------------------------------------------------------------
# 2 → 2: μ γ → μ a
# ----------------------------------------------------------------------------------------------
def amplitude_squared(s, t, mass, coupling=1.0, alpha=ALPHA, m_lepton=M_MU):
    """Σ|M|²(μγ → μa) summed over all spins and polarisations (not averaged), dimensionless ×
    (coupling·energy)²: memo §2 (module doc). s, t [energy²] (t < 0), mass [energy], coupling
    [1/energy]. Vectorised over s, t, mass."""
    s = np.asarray(s, dtype=float)
    t = np.asarray(t, dtype=float)
    m2 = np.asarray(mass, dtype=float) ** 2
    ml2 = m_lepton**2
    u = 2.0 * ml2 + m2 - s - t
    e2 = 4.0 * math.pi * alpha
    return e2 * coupling**2 / t**2 * (-t * ((s - ml2) ** 2 + (u - ml2) ** 2)
                                      - 2.0 * ml2 * (t - m2) ** 2)


def _t_range_22(s, m2, ml2=M_MU**2):
    """(|t|_min, |t|_max) of μγ → μa at s, without cancellation [energy²]."""
    rs = np.sqrt(s)
    p1 = (s - ml2) / (2.0 * rs)
    e1 = (s + ml2) / (2.0 * rs)
    e3 = (s + ml2 - m2) / (2.0 * rs)
    lam = (s - (math.sqrt(ml2) + np.sqrt(m2)) ** 2) * (s - (math.sqrt(ml2) - np.sqrt(m2)) ** 2)
    p3 = np.sqrt(np.maximum(lam, 0.0)) / (2.0 * rs)
    de = m2 / (2.0 * rs)                                   # E1 − E3
    # |t|_min = (E1−E3)² [(E1+E3)² − (p1+p3)²]/(p1+p3)²,  E − p = m_μ²/(E + p)
    spread = (ml2 / (e1 + p1) + ml2 / (e3 + p3)) * (e1 + p1 + e3 + p3)
    t_lo = de**2 * spread / (p1 + p3) ** 2
    t_hi = 2.0 * (e1 * e3 + p1 * p3) - 2.0 * ml2
    return t_lo, t_hi


def sigma_mugamma(s, mass, coupling=1.0, alpha=ALPHA, n=48):
    """σ(μγ → μa) [area] at centre-of-mass energy² s, spin-averaged (÷4): ∫dt Σ|M|²/(4·16π
    (s − m_μ²)²) in ln|t| (Gauss–Legendre, ``n`` nodes on each of two panels split at |t| = m²).
    Vectorised over s. Used by the checks: the high-energy growth dσ/d ln s → 3αg²/8 (memo §2)
    and the Fermi form of WW (docs/derivations/alp_fusion.md §3)."""
    s = np.atleast_1d(np.asarray(s, dtype=float))
    m2 = float(mass) ** 2
    if np.any(s <= (M_MU + float(mass)) ** 2):
        raise KinematicsError("s must exceed (m_mu + m)^2")
    lo, hi = _t_range_22(s, m2)
    a, b = np.log(lo), np.log(hi)
    mid = np.clip(np.log(m2), a, b)
    total = np.zeros_like(s)
    for c0, c1 in ((a, mid), (mid, b)):
        v, w = mapped_rule(c0, c1, n)
        q2 = np.exp(v)
        f = amplitude_squared(s[:, None], -q2, float(mass), coupling, alpha) * q2
        total += np.sum(w * f, axis=-1)
    out = natural_to_area(total / (4.0 * 16.0 * math.pi * (s - M_MU**2) ** 2))
    return out


# ----------------------------------------------------------------------------------------------
# WW: the Q² (muon-side virtuality) integral at fixed x
# ----------------------------------------------------------------------------------------------
def _t_max_value(conv, m2, energy):
    return energy**2 if conv.t_max == "E2" else M_MU**2 + m2


def _q2_rule(x, m2, energy, target, conv, n):
    """ln Q² nodes and weights on four panels (edges at Q² = m², t_min = t_a, t_min = t_d),
    shape S + (4n,), and Q², for x, m² of shape S."""
    x = np.asarray(x, dtype=float)
    lo = M_MU**2 * x * x / (1.0 - x)
    hi = x * x * (M_MU**2 + energy**2 * conv.theta_max**2) / (1.0 - x)
    two_ex = 2.0 * energy * x
    cap = two_ex * np.sqrt(_t_max_value(conv, m2, energy)) - m2   # t_min = t_max beyond
    hi = np.maximum(np.minimum(hi, cap), lo)
    l_lo, l_hi = np.log(lo), np.log(hi)
    knees = [m2, two_ex * math.sqrt(target.t_a) - m2, two_ex * math.sqrt(target.t_d) - m2]
    inner = [np.clip(np.log(np.maximum(k, 1e-300)), l_lo, l_hi) for k in knees]
    edges = np.sort(np.stack([l_lo] + inner + [l_hi]), axis=0)
    nodes, weights = [], []
    for i in range(4):
        v, w = mapped_rule(edges[i], edges[i + 1], n)
        nodes.append(v)
        weights.append(w)
    v = np.concatenate(nodes, axis=-1)
    w = np.concatenate(weights, axis=-1)
    return np.exp(v), w


def _q2_integral(x, m2, energy, target, conv, n):
    """I(x) = ∫ dQ² χ [(1 + (1−x)²)/Q² − 2m_μ²x²/Q⁴] (dimensionless), vectorised over x, m²."""
    x = np.asarray(x, dtype=float)
    m2 = np.broadcast_to(np.asarray(m2, dtype=float), x.shape)
    q2, w = _q2_rule(x, m2, energy, target, conv, n)
    xx = x[..., None]
    t_min = ((q2 + m2[..., None]) / (2.0 * energy * xx)) ** 2
    t_max = energy**2 if conv.t_max == "E2" else (M_MU**2 + m2)[..., None]
    chi = photon_flux(t_min, t_max, target.Z, target.t_a, target.t_d)
    bracket = (1.0 + (1.0 - xx) ** 2) - 2.0 * M_MU**2 * xx * xx / q2
    return np.sum(w * chi * bracket, axis=-1)


def _sigma_over_g2_natural(mass, energy, target, conv, x_min, orders):
    """σ/g² (dimensionless in natural units) for an array of masses, and the x nodes and the
    per-node contributions (shape (n_m, n_x))."""
    x, wx = _x_rule(mass, energy, x_min, orders)
    m2 = np.broadcast_to((np.asarray(mass, float) ** 2)[:, None], x.shape)
    # the mediators' weights carry (1−x)/x·β; this integrand needs β/x²
    w = wx / (x * (1.0 - x))
    contrib = conv.alpha**2 / (16.0 * math.pi) * w * _q2_integral(x, m2, energy, target, conv,
                                                                 orders.n_u)
    return np.sum(contrib, axis=-1), x, contrib


# ----------------------------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------------------------
def _coupling(value):
    """g_aγγ > 0, an inverse energy whose square is a finite double."""
    if isinstance(value, (bool, str, bytes)) or not isinstance(value, numbers.Real) or not (
            math.isfinite(value) and value > 0):
        raise InputError(f"coupling g_agg must be finite and > 0 (an inverse energy, e.g."
                         f" 1e-3 / GeV), got {value!r}")
    g = float(value)
    if not math.isfinite(g * g * GeV**2):
        raise InputError(f"coupling g_agg = {value!r} is too large: g^2 overflows a double")
    return g


def _check_orders(orders):
    return Orders.check(orders, ORDERS)


# ----------------------------------------------------------------------------------------------
# public API
# ----------------------------------------------------------------------------------------------
def dsigma_dx(x, mass, coupling, energy=160 * GeV, target="Pb", theta_max=THETA_MAX,
              t_max="E2", alpha=ALPHA, n_u=None):
    """dσ/dx(μN → μN a) [area] at ALP energy fraction x = E_a/E (WW form, module doc);
    vectorised over x, 0 outside (m/E, 1 − m_μ/E).

    Parameters
    ----------
    x : float or array;  mass : ALP mass [energy];  coupling : g_aγγ [1/energy];
    energy : beam energy [energy];  target : Target or name;  theta_max : largest ALP angle
    [rad] (the mediators' 0.1);  t_max : "E2" (default) or "mmu2_plus_k2" (upper t of the
    nucleus's flux);  alpha : fine-structure constant;  n_u : nodes per ln Q² panel.

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> d = dsigma_dx([0.5, 0.9], 0.01 * GeV, 1e-3 / GeV)
    >>> bool((d > 0).all())
    True
    """
    energy = _check_energy(energy)
    m = float(_check_mass(mass, energy))
    g = _coupling(coupling)
    tgt = _target(target)
    conv = _conventions(theta_max, t_max, alpha)
    n_u = ORDERS.n_u if n_u is None else int(n_u)
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise InputError("x must be finite (energy fraction, physical range (m/E, 1 - m_mu/E))")
    ok = (x > m / energy) & (x < 1.0 - M_MU / energy)
    out = np.zeros(x.shape)
    if np.any(ok):
        xs = x[ok]
        beta = np.sqrt((xs - m / energy) * (xs + m / energy))
        out[ok] = (g * g * conv.alpha**2 / (16.0 * math.pi) * beta / xs**2
                   * _q2_integral(xs, np.full(xs.shape, m * m), energy, tgt, conv, n_u))
    out = natural_to_area(out)
    return out if x.ndim else float(out)


def x_spectrum(masses, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
               t_max="E2", alpha=ALPHA, orders=None):
    """The x rule of σ/g² for each mass: ``(x, w)``, arrays of shape (len(masses), n_x), x
    increasing along each row, with
    Σ_j w_ij f(x_ij) = ∫_{x ≥ x_min} dx (dσ/dx)/g² f(x) for smooth f (the rule integrates
    polynomials in the panel variables exactly). ``w`` is an area × energy² (σ/g² per node:
    multiply by g² with g in hepunits). For decays in flight: E_a = x E, and
    Σ_j w_ij P_unseen(x_ij E) is σ/g² of ALPs that escape."""
    energy = _check_energy(energy)
    m = np.atleast_1d(_check_mass(masses, energy)).astype(float).ravel()
    _check_x_min(x_min)
    tgt = _target(target)
    conv = _conventions(theta_max, t_max, alpha)
    orders = _check_orders(orders)
    _, x, contrib = _sigma_over_g2_natural(m, energy, tgt, conv, x_min, orders)
    order = np.argsort(x, axis=-1)                     # the x rule's second panel runs down
    return (np.take_along_axis(x, order, axis=-1),
            natural_to_area(np.take_along_axis(contrib, order, axis=-1)))


def cross_section_per_g2(masses, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
                         t_max="E2", alpha=ALPHA, orders=None):
    """σ/g² [area × energy²] and its error for an array of masses, one vectorised pass (WW).

    Same call as :func:`mucast.processes.mediators.production.cross_section_per_g2` (without
    ``approx`` and ``spin``). Returns (value, error), arrays of the shape of ``masses``; the
    error is the largest difference to two coarser rules (2n/3 and n/2), as for the mediators.
    σ = value · g² with g in hepunits (``g = 1e-3 / GeV``).

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> v, e = cross_section_per_g2([0.01 * GeV, 0.1 * GeV], x_min=0.5)
    >>> bool(((v * (1e-3 / GeV) ** 2 / picobarn) > 0).all())
    True
    """
    energy = _check_energy(energy)
    m = np.atleast_1d(_check_mass(masses, energy)).astype(float)
    _check_x_min(x_min)
    tgt = _target(target)
    conv = _conventions(theta_max, t_max, alpha)
    orders = _check_orders(orders)
    flat = m.ravel()
    v, _, _ = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, orders)
    vc, _, _ = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, orders.coarse())
    half = Orders(*(max(4, n // 2) for n in (orders.n_u, orders.n_xa, orders.n_xb, orders.n_k)))
    vh, _, _ = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, half)
    err = np.maximum(np.abs(v - vc), np.abs(v - vh))
    shape = np.shape(masses)
    return natural_to_area(v).reshape(shape), natural_to_area(err).reshape(shape)


def cross_section(mass, coupling, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
                  t_max="E2", alpha=ALPHA, orders=None) -> CrossSection:
    """σ(μN → μN a; x ≥ x_min) in the WW form, as a
    :class:`~mucast.processes.mediators.production.CrossSection` (value, error as areas;
    ``approx`` "ww"; inputs with ``process`` "alp-photon" and ``coupling_per_GeV``).

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> r = cross_section(0.01 * GeV, 1e-3 / GeV, x_min=0.5)
    >>> r.value > 0 and r.error < 1e-4 * r.value
    True
    """
    g = _coupling(coupling)
    _check_theta(theta_max)
    v, e = cross_section_per_g2(np.array([mass]), energy, target, x_min, theta_max, t_max,
                                alpha, orders)
    tgt = _target(target)
    inputs = {"process": "alp-photon", "mass_GeV": float(mass) / GeV,
              "coupling_per_GeV": g * GeV, "energy_GeV": float(energy) / GeV,
              "target": tgt.name, "x_min": x_min, "theta_max": float(theta_max),
              "t_max": t_max, "alpha": float(alpha)}
    return CrossSection(float(v[0]) * g * g, float(e[0]) * g * g, "ww", inputs)
