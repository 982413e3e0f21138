"""Layer 2: dark-matter annihilation through an s-channel mediator, σ(χχ̄ → f f̄)(s), for the
thermal-relic targets (mucast.cosmology; issue 12; docs/relic.md).

Spin-1 mediator X of mass M (the model's spin: vector or axial), couplings per unit g to each
lepton, g X_α f̄γ^α(g_V + g_Aγ⁵)f — a vector model has g_V = charge, an axial one g_A = charge;
a left-handed neutrino g_L X ν̄γ^αP_Lν is g_V = −g_A = g_L/2. The dark current (the conventions
of mucast.models.mediator, docs/models.md §1):

============== ============================ ======================== ==========================
mediator, χ    current J^α (coupling g_χ)   G_T = ΣJJ*·Π^T, G_L = Σ|J·k|²/s           S
============== ============================ ======================== ==========================
V, scalar φ    g_χ(p₁ − p₂)^α                g_χ²(s − 4m²), 0                           1
V, Dirac       g_χ ψ̄γ^αψ                     4g_χ²(s + 2m²), 0                          1/4
V, Majorana    ½g_χ χ̄γ^αγ⁵χ (vertex g_χγγ⁵)  4g_χ²(s − 4m²), 8g_χ²m²                    1/4
V, pseudo-D.   g_χ χ̄₂γ^αχ₁ (off-diagonal)    4g_χ²K_V/s, 2g_χ²(m₁−m₂)²(s−(m₁+m₂)²)/s    1/4
A, Dirac       g_χ ψ̄γ^αγ⁵ψ                   4g_χ²(s − 4m²), 8g_χ²m²                    1/4
A, Majorana    ½g_χ χ̄γ^αγ⁵χ                  4g_χ²(s − 4m²), 8g_χ²m²                    1/4
============== ============================ ======================== ==========================

(K_V = s² − s(m₁² + m₂²)/2 − (m₁² − m₂²)²/2 + 3s m₁m₂; S the initial spin average.) With the
unitary-gauge numerator −g + kk/M² = Π^T + (s/M² − 1)Π^L and ∫dΦ₂ J_f J_f* = (F_T/3)Π^T + F_L Π^L,

    σ(s) = S/(2√λ(s, m₁², m₂²)) · [G_T F_T/3 + ((s − M²)/M²)² G_L F_L] / |D|²,
    |D|² = (s − M²)² + sΓ(√s)²,

F_T = Σ_f g² β_f[g_V²(s + 2m_f²) + g_A²(s − 4m_f²)]/(2π), F_L = Σ_f g² g_A² m_f² β_f/π, and Γ(√s)
the running width (every open lepton channel and the dark one; Im Π_T(s) = √s Γ(√s)). Derived
and checked (tests/test_relic.py) against brute-force Dirac traces with the full propagator to
1e-10 (incl. axial couplings to massive fermions and m₁ ≠ m₂), the widths of
mucast.models.widths, the non-relativistic limits and the Izaguirre–Krnjaic–Schuster–Toro
dark-photon formulas. The thermal tail that reaches the mediator pole is why the targets depend
on g_χ (docs/relic.md).

Spin-0 mediators (scalar S, pseudoscalar P): a propagator without indices, so σ factorises,

    σ(s) = S·Σ|dark vertex|²·Σ_f∫dΦ₂Σ|ū(g_S + ig_Pγ⁵)v|² / (2√λ|D|²),

Σ|dark|² = 2g_χ²(s − 4m²) (S: Dirac, Majorana), 2g_χ²s (P: Dirac, Majorana), μ_χ² = g_χ²m_χ²
(S: complex scalar, trilinear −μ_χ Sφ*φ); Σ∫dΦ₂|SM|² = 2g²[g_S²(s − 4m_f²) + g_P² s]β_f/(8π).
The Majorana vertex ½g_χ χ̄Γχ has two Wick contractions: effective vertex g_χΓ, as for Dirac.

Hadrons: the models couple to leptons only. For the dark photon (which couples to quarks as
well) the hadronic channels are not included; ``hadronic_threshold`` (2m_π±) tells where that
matters, and the relic solver refuses annihilation thresholds above it.

χχ → XX (M < m_χ) is included for a Dirac fermion coupled to a vector only (leading s-wave,
:func:`sigmav_dirac_to_XX`).

All energies in hepunits; σ in natural units (1/energy²).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mucast.constants import M_E, M_MU, M_TAU
from mucast.exceptions import InputError, UnknownNameError
from mucast.models.mediator import ALLOWED_DM
from mucast.units import GeV

__all__ = ["Channel", "Annihilation", "annihilation", "sigma", "kallen", "kallen_above",
           "numerator_with_width", "sigmav_nr", "sigmav_dirac_to_XX", "DM_TYPES"]

DM_TYPES = ("scalar", "majorana", "dirac", "pseudo-dirac")
_LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
_NEUTRINOS = ("nu_e", "nu_mu", "nu_tau")


def kallen(a, b, c):
    """λ(a, b, c) = a² + b² + c² − 2ab − 2ac − 2bc."""
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


@dataclass(frozen=True)
class Channel:
    """One SM fermion coupled as g X f̄Γ(g_V + g_Aγ⁵)f (spin 1) or g X f̄(g_S + g_P iγ⁵)f (spin 0);
    ``mass`` [energy]."""

    name: str
    mass: float
    gV: float = 0.0
    gA: float = 0.0


@dataclass(frozen=True)
class Annihilation:
    """Everything σ(s) needs for one (model, dark-matter type): the mediator spin, the SM
    channels, the dark current, the symmetry factor of the dark width (½ for Majorana), the
    masses m₁ ≤ m₂ [energy], g_χ, and the threshold above which missing hadronic channels
    would open (None: no hadrons in the model)."""

    spin: str
    channels: tuple
    dm: str
    current: str
    m1: float
    m2: float
    g_chi: float
    hadronic_threshold: float | None = None

    @property
    def threshold(self) -> float:
        return self.m1 + self.m2


def _channels(model):
    out = []
    for f, m in _LEPTON_MASS.items():
        q = float(model.charges.get(f, 0.0))
        if q:
            if model.spin in ("vector", "scalar"):
                out.append(Channel(f, m, gV=q))
            else:
                out.append(Channel(f, m, gA=q))
    if model.spin in ("vector", "axial"):
        for n in _NEUTRINOS:
            q = float(model.charges.get(n, 0.0))
            if q:
                out.append(Channel(n, 0.0, gV=0.5 * q, gA=-0.5 * q))
    return tuple(out)


#: the dark current of each (mediator spin, dark-matter type) (module doc)
_CURRENTS = {("vector", "scalar"): "scalar-current", ("vector", "dirac"): "vector",
             ("vector", "majorana"): "axial", ("vector", "pseudo-dirac"): "offdiagonal",
             ("axial", "dirac"): "axial", ("axial", "majorana"): "axial",
             ("scalar", "dirac"): "scalar", ("scalar", "majorana"): "scalar",
             ("scalar", "scalar"): "trilinear", ("pseudoscalar", "dirac"): "pseudoscalar",
             ("pseudoscalar", "majorana"): "pseudoscalar"}


def annihilation(model, dm: str, m_chi: float, g_chi: float, splitting: float = 0.0):
    """The :class:`Annihilation` of a :class:`~mucast.models.mediator.MediatorModel` (its spin
    and lepton charges) with dark matter ``dm`` of mass ``m_chi`` [energy] (the lighter state)
    and coupling ``g_chi``; ``splitting`` δ for pseudo-Dirac (m₂ = m₁(1 + δ))."""
    if dm not in DM_TYPES:
        raise UnknownNameError(f"dark-matter type must be one of {', '.join(DM_TYPES)}, got {dm!r}")
    if dm not in ALLOWED_DM[model.spin]:      # the model layer's pairings: one source
        raise InputError(f"{'an' if model.spin[0] in 'aeiou' else 'a'} {model.spin} mediator"
                         f" cannot couple to {dm} dark matter; allowed:"
                         f" {', '.join(ALLOWED_DM[model.spin])}")
    key = (model.spin, dm)
    d = float(splitting) if dm == "pseudo-dirac" else 0.0
    thr = getattr(model, "hadronic_threshold", None)
    return Annihilation(model.spin, _channels(model), dm, _CURRENTS[key], float(m_chi),
                        float(m_chi) * (1.0 + d), float(g_chi), thr)


# ----------------------------------------------------------------------------------------------
# spin 1
# ----------------------------------------------------------------------------------------------
def _beta(s, m):
    b2 = 1.0 - 4.0 * m * m / s
    op = b2 > 0.0
    return op, np.sqrt(np.where(op, b2, 0.0))


def fermion_tensor_T(s, channels, g):
    """F_T(s) = Σ_f ∫dΦ₂ Σ_spins J_f^α J_f^β* Π^T_αβ = Σ g²β[g_V²(s + 2m²) + g_A²(s − 4m²)]/(2π)
    (so that Γ(X → f f̄) at mass √s is F_T/(6√s))."""
    s = np.asarray(s, dtype=float)
    out = np.zeros_like(s)
    for ch in channels:
        m2 = ch.mass * ch.mass
        op, b = _beta(s, ch.mass)
        out += np.where(op, g * g * b * (ch.gV**2 * (s + 2 * m2) + ch.gA**2 * (s - 4 * m2))
                        / (2 * math.pi), 0.0)
    return out


def fermion_tensor_L(s, channels, g):
    """F_L(s) = Σ_f ∫dΦ₂ Σ|J_f·k|²/s = Σ g² g_A² m_f² β/π (k·J = 2m g_A f̄γ⁵f; 0 for vectors and
    massless neutrinos)."""
    s = np.asarray(s, dtype=float)
    out = np.zeros_like(s)
    for ch in channels:
        if ch.gA == 0.0 or ch.mass == 0.0:
            continue
        op, b = _beta(s, ch.mass)
        out += np.where(op, g * g * ch.gA**2 * ch.mass**2 * b / math.pi, 0.0)
    return out


def _above_threshold(s, m1, m2, ds=None):
    """s − (m₁ + m₂)², from ``ds`` when given (exact near threshold, where the difference of
    two close numbers loses every digit: the relic integrals reach ds/s ~ 1e-30)."""
    return np.asarray(s, dtype=float) - (m1 + m2) ** 2 if ds is None else np.asarray(ds, float)


def _s_minus_4m1sq(s, m1, m2, ds=None):
    """s − 4m₁² (the p-wave factor), exact near threshold when m₁ = m₂ and ``ds`` is given."""
    if ds is None:
        return np.asarray(s, dtype=float) - 4 * m1 * m1
    return np.asarray(ds, float) + ((m1 + m2) ** 2 - 4 * m1 * m1)


def dm_tensors(s, current, m1, m2, gchi, ds=None):
    """(G_T, G_L, S) of the dark current (module table); ``ds`` = s − (m₁ + m₂)² if known
    exactly (near threshold)."""
    s = np.asarray(s, dtype=float)
    g2 = gchi * gchi
    if current == "scalar-current":
        return g2 * _s_minus_4m1sq(s, m1, m2, ds), np.zeros_like(s), 1.0
    if current == "vector":
        return 4 * g2 * (s + 2 * m1 * m1), np.zeros_like(s), 0.25
    if current == "axial":
        return 4 * g2 * _s_minus_4m1sq(s, m1, m2, ds), np.full_like(s, 8 * g2 * m1 * m1), 0.25
    if current == "offdiagonal":
        a, b = m1 * m1, m2 * m2
        kv = s * s - 0.5 * s * (a + b) - 0.5 * (a - b) ** 2 + 3 * s * m1 * m2
        gl = 2 * g2 * (m1 - m2) ** 2 * _above_threshold(s, m1, m2, ds) / s
        return 4 * g2 * kv / s, gl, 0.25
    raise UnknownNameError(f"not a spin-1 dark current: {current!r}")


def kallen_above(ds, m1, m2):
    """λ(s, m₁², m₂²) = ds·(ds + 4m₁m₂) with ds = s − (m₁ + m₂)²: the factorised Källén
    function, free of the cancellation of :func:`kallen` near threshold."""
    ds = np.asarray(ds, dtype=float)
    return ds * (ds + 4.0 * m1 * m2)


def width_dm(sqrt_s, ann: Annihilation, ds=None):
    """Γ(X* → dark pair) of a mediator of mass √s [energy] (0 below threshold): spin 1,
    sym·G_T·Φ₂/(6√s) with Φ₂ = √λ/(8πs) and sym = ½ for Majorana; spin 0, :func:`_width_dm0`.
    ``ds`` = s − (m₁ + m₂)² when known exactly (the relic integrals near threshold)."""
    if ann.spin in ("scalar", "pseudoscalar"):
        return _width_dm0(sqrt_s, ann, ds)
    sqrt_s = np.asarray(sqrt_s, dtype=float)
    s = sqrt_s * sqrt_s
    m1, m2 = ann.m1, ann.m2
    if ds is None:
        lam = kallen(s, m1 * m1, m2 * m2)
        op = (sqrt_s > m1 + m2) & (lam > 0)
    else:
        lam = kallen_above(ds, m1, m2)
        op = np.asarray(ds) > 0
    ss = np.where(op, s, (m1 + m2) ** 2 * 1.0001 + 1e-300)
    dss = None if ds is None else np.where(op, ds, 1e-4 * (m1 + m2) ** 2)
    gt, _, _ = dm_tensors(ss, ann.current, m1, m2, ann.g_chi, dss)
    sym = 0.5 if ann.dm == "majorana" else 1.0
    phi2 = np.sqrt(np.where(op, lam, 0.0)) / (8 * math.pi * ss)
    return np.where(op, sym * gt * phi2 / (6 * sqrt_s), 0.0)


def width_sm(sqrt_s, ann: Annihilation, g):
    """Γ(X* → SM leptons) of a mediator of mass √s at coupling g."""
    sqrt_s = np.asarray(sqrt_s, dtype=float)
    if ann.spin in ("scalar", "pseudoscalar"):
        return _fermion0(sqrt_s * sqrt_s, ann.channels, g) / (2 * sqrt_s)
    return fermion_tensor_T(sqrt_s**2, ann.channels, g) / (6 * sqrt_s)


def total_width(sqrt_s, ann: Annihilation, g, extra_width=0.0, ds=None):
    """The running width Γ(√s): every open lepton channel + the dark pair (+ ``extra_width``);
    ``ds`` as in :func:`width_dm`."""
    return width_sm(sqrt_s, ann, g) + width_dm(sqrt_s, ann, ds) + extra_width


def _kinematics(s, ann):
    m1, m2 = ann.m1, ann.m2
    s = np.asarray(s, dtype=float)
    thr = (m1 + m2) ** 2
    op = s > thr
    ss = np.where(op, s, thr * (1 + 1e-12) + 1e-300)
    return op, ss, kallen(ss, m1 * m1, m2 * m2)


def numerator(s, ann: Annihilation, mediator_mass, g=1.0, ds=None):
    """σ(s)·2√λ·|D|² (the part of σ that does not depend on the propagator), spin 1 or 0;
    ``ds`` = s − (m₁ + m₂)² when known exactly."""
    if ann.spin in ("scalar", "pseudoscalar"):
        return _numerator0(s, ann, g, ds)
    gt, gl, S = dm_tensors(s, ann.current, ann.m1, ann.m2, ann.g_chi, ds)
    ft = fermion_tensor_T(s, ann.channels, g)
    fl = fermion_tensor_L(s, ann.channels, g)
    m2 = mediator_mass * mediator_mass
    return S * (gt * ft / 3.0 + ((s - m2) / m2) ** 2 * gl * fl)


def numerator_with_width(s, ann: Annihilation, mediator_mass, ds=None):
    """(:func:`numerator` at g = 1, Γ(X* → SM leptons) at √s and g = 1): the lepton tensor
    F_T (spin 1) or the spin-0 sum is computed once for both (the thermal average's nodes)."""
    s = np.asarray(s, dtype=float)
    rs = np.sqrt(s)
    if ann.spin in ("scalar", "pseudoscalar"):
        f0 = _fermion0(s, ann.channels, 1.0)
        d, S = _dm0(s, ann, ds)
        return S * d * f0, f0 / (2 * rs)
    gt, gl, S = dm_tensors(s, ann.current, ann.m1, ann.m2, ann.g_chi, ds)
    ft = fermion_tensor_T(s, ann.channels, 1.0)
    fl = fermion_tensor_L(s, ann.channels, 1.0)
    m2 = mediator_mass * mediator_mass
    return S * (gt * ft / 3.0 + ((s - m2) / m2) ** 2 * gl * fl), ft / (6 * rs)


def sigma(s, ann: Annihilation, mediator_mass, g, extra_width=0.0):
    """σ(χχ̄ → leptons)(s) [1/energy²] (module doc) for the mediator of mass ``mediator_mass``
    [energy] at coupling g; 0 below threshold."""
    op, ss, lam = _kinematics(s, ann)
    gam = total_width(np.sqrt(ss), ann, g, extra_width)
    m2 = mediator_mass * mediator_mass
    d2 = (ss - m2) ** 2 + ss * gam * gam
    out = numerator(ss, ann, mediator_mass, g) / (2.0 * np.sqrt(np.maximum(lam, 1e-300)) * d2)
    return np.where(op, out, 0.0)


def sigmav_nr(ann: Annihilation, mediator_mass, g, v):
    """Leading non-relativistic σv_rel (v_rel = 2β_cm, equal masses, width neglected), spin-1
    vector currents: scalar and Majorana (p-wave) g_χ²g²m²v²F/(6π(4m² − M²)²); Dirac and
    pseudo-Dirac (s-wave) g_χ²g²m²F/(π(4m² − M²)²), F = 2πF_T(4m²)/(g²·4m²)."""
    m = ann.m1
    s = 4 * m * m
    F = float(2 * math.pi * fermion_tensor_T(s * (1 + 1e-12), ann.channels, 1.0) / s)
    v = np.asarray(v, dtype=float)
    den = (4 * m * m - mediator_mass**2) ** 2
    if ann.current in ("scalar-current", "axial"):
        return ann.g_chi**2 * g**2 * m * m * v * v * F / (6 * math.pi * den)
    if ann.current in ("vector", "offdiagonal"):
        return ann.g_chi**2 * g**2 * m * m * F / (math.pi * den) * np.ones_like(v)
    raise InputError(f"sigmav_nr is written for spin-1 vector currents, not {ann.current!r}")


def sigmav_dirac_to_XX(m, mediator_mass, g_chi):
    """s-wave σv(ψψ̄ → XX) of a Dirac fermion with a vector coupling, m_X < m:
    (πα_χ²/m²)(1 − r)^{3/2}/(1 − r/2)², r = m_X²/m², α_χ = g_χ²/4π (Pospelov, Ritz, Voloshin,
    PLB 662 (2008) 53; its m_X → 0 limit πα²/m² is e⁺e⁻ → γγ at threshold) [1/energy²]."""
    if mediator_mass >= m:
        return 0.0
    r = (mediator_mass / m) ** 2
    a = g_chi * g_chi / (4 * math.pi)
    return math.pi * a * a / (m * m) * (1 - r) ** 1.5 / (1 - r / 2) ** 2


# ----------------------------------------------------------------------------------------------
# spin 0
# ----------------------------------------------------------------------------------------------
def _fermion0(s, channels, g):
    """Σ_f Σ_spins |ū(g_S + i g_P γ⁵)v|² ∫dΦ₂: scalar coupling 2g²(s − 4m²)β/(8π), pseudoscalar
    2g² s β/(8π) (so that Γ(X → f f̄) at mass √s is this/(2√s))."""
    s = np.asarray(s, dtype=float)
    out = np.zeros_like(s)
    for ch in channels:
        op, b = _beta(s, ch.mass)
        out += np.where(op, 2 * g * g * (ch.gV**2 * (s - 4 * ch.mass**2) + ch.gA**2 * s) * b
                        / (8 * math.pi), 0.0)
    return out


def _dm0(s, ann, ds=None):
    """(Σ|dark vertex|², S): scalar Dirac 2g_χ²(s − 4m²); pseudoscalar Dirac 2g_χ²s; Majorana
    the same (the two Wick contractions double the ½g_χ vertex); complex scalar μ_χ² with
    μ_χ = g_χ m_χ. S = 1/4 for fermions, 1 for the scalar."""
    m, g2 = ann.m1, ann.g_chi**2
    if ann.current == "scalar":
        return 2 * g2 * _s_minus_4m1sq(s, m, ann.m2, ds), 0.25
    if ann.current == "pseudoscalar":
        return 2 * g2 * s, 0.25
    if ann.current == "trilinear":
        return g2 * m * m * np.ones_like(s), 1.0
    raise UnknownNameError(f"not a spin-0 dark vertex: {ann.current!r}")


def _numerator0(s, ann, g, ds=None):
    d, S = _dm0(np.asarray(s, float), ann, ds)
    return S * d * _fermion0(s, ann.channels, g)


def _width_dm0(sqrt_s, ann, ds=None):
    """Γ(S/P* → dark pair) at mass √s: Σ|vertex|²·sym·β/(16π√s) (sym = ½ for Majorana);
    ``ds`` = s − 4m² when known exactly (then β² = ds/s without cancellation)."""
    sqrt_s = np.asarray(sqrt_s, dtype=float)
    s = sqrt_s * sqrt_s
    if ds is None:
        op, b = _beta(s, ann.m1)
    else:
        op = np.asarray(ds) > 0
        b = np.sqrt(np.where(op, ds, 0.0) / s)
    dss = None if ds is None else np.where(op, ds, 1e-4 * 4 * ann.m1**2)
    d, _ = _dm0(np.where(op, s, 4 * ann.m1**2 * 1.0001 + 1e-300), ann, dss)
    sym = 0.5 if ann.dm == "majorana" else 1.0
    return np.where(op, sym * d * b / (16 * math.pi * sqrt_s), 0.0)


def hadronic_limit_message(ann: Annihilation):
    """The refusal text when the annihilation threshold lies above the missing hadrons."""
    thr = ann.hadronic_threshold
    if thr is None:
        raise ValueError(f"{ann!r} has no hadronic threshold")
    return (f"the model's hadronic final states are not included: the annihilation threshold"
            f" m1 + m2 must be below {thr / GeV:.4f} GeV (m_chi < {thr / 2 / GeV:.4f} GeV)")
