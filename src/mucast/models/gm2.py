"""Layer 1: the one-loop contribution of a mediator of any spin to the muon anomalous magnetic
moment.

A mediator of mass m coupled to the muon as g X μ̄Γμ gives (Leveille, Nucl. Phys. B137 (1978) 63;
Jegerlehner & Nyffeler, Phys. Rep. 477 (2009) 1, Sec. 7; the integrands re-derived from the
one-loop vertex for docs/models.md)

    Δa_μ = g²/(8π²) ∫₀¹ dz Q_X(z) / (z² + (1−z) r),   r = m²/m_μ²,

    Q_V = 2z²(1−z),  Q_S = z²(2−z),  Q_P = −z³,  Q_A = 2z(1−z)(z−4) − 4z³/r,

signs included: vector and scalar positive, pseudoscalar and axial negative. Limits (tested):
m ≪ m_μ: g²/8π² (V), 3g²/16π² (S), −g²/16π² (P), −g²m_μ²/(4π²m²) (A: the longitudinal mode, a
pseudoscalar of coupling 2m_μg/m); m ≫ m_μ: g²m_μ²/(12π²m²) (V), −5g²m_μ²/(12π²m²) (A),
(g²/8π²)(m_μ²/m²)[ln(m²/m_μ²) − 7/6] (S), −(g²/8π²)(m_μ²/m²)[ln(m²/m_μ²) − 11/6] (P).
For the vector, written as g²/(4π²) f(r), f(r) = ∫ z²(1−z)/(z² + r(1−z)) (Pospelov, PRD 80 (2009)
095002, Eq. 3). The integrals are composite Gauss–Legendre, vectorised over m, with panel edges
at the two structures of the integrand (z ~ √r near 0, 1 − z ~ 1/r near 1); accuracy < 1e-9
relative for 1 keV ≤ m ≤ 10 GeV (tested against independent 30-digit values).

The ±2σ band of seed 001 (Fig. 4) uses a_μ(Exp) − a_μ(SM) with the values quoted there
(:data:`mucast.constants.A_MU_EXP_SEED001`, :data:`mucast.constants.A_MU_SM_SEED001`):
Δa_μ = (249 ± 48.3)·10⁻¹¹ (uncertainties added in quadrature). Since Δa_μ ∝ g², the band in
the (m, g) plane is g = √(Δa_μ^target / f̂(m)), f̂ = Δa_μ(g = 1).

Masses are energies in hepunits (MeV = 1); couplings and Δa_μ dimensionless.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.constants import A_MU_EXP_SEED001, A_MU_SM_SEED001, M_MU
from mucast.exceptions import InputError
from mucast.integrate import mapped_rule
from mucast.units import GeV

__all__ = ["G2Band", "SPINS", "delta_a_mu", "delta_a_mu_target", "gm2_band", "loop_function"]

SPINS = ("vector", "axial", "scalar", "pseudoscalar")

_N_PANEL = 16
#: panel edges at these multiples of the two scales (geometric: the integrand varies on
#: the scale of the distance to the structure)
_SCALES = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0, 1000.0)


def _check_mass(mass):
    m = np.asarray(mass, dtype=float)
    if not np.all(np.isfinite(m)) or not np.all(m > 0):
        raise InputError(f"mass must be finite and > 0 (GeV), got {np.asarray(mass) / GeV!r}")
    return m


def loop_function(mass, spin="vector"):
    """f_X(r) = ½ ∫₀¹ dz Q_X(z)/(z² + r(1−z)), r = m²/m_μ² (dimensionless, vectorised), so that
    Δa_μ = g²/(4π²) f_X. For the vector f = ∫ z²(1−z)/(z² + r(1−z)).

    Vector: f → 1/2 for m → 0 and → m_μ²/(3m²) for m ≫ m_μ.

    >>> from mucast.constants import M_MU
    >>> round(float(loop_function(1e-6 * M_MU)), 5)     # 1/2 − π√r/2 + ...
    0.5
    """
    m = _check_mass(mass)
    # issue 6: r underflowed to 0 for m ≲ 1e-150 MeV and gave 0/0; f(r) = 1/2 − O(√r) there, so
    # r = 1e-300 changes nothing representable
    r = np.maximum((m / M_MU) ** 2, 1e-300)
    flat = np.atleast_1d(r).ravel()
    sr = np.sqrt(flat)
    # panel edges: the z² + r scale at small z and the r(1−z) ~ 1 scale near z = 1
    cuts = [0.0, 1.0] + [np.clip(c * sr, 0.0, 1.0) for c in _SCALES] + \
        [np.clip(1.0 - c / flat, 0.0, 1.0) for c in _SCALES]
    if spin != "vector":
        # the scalar and pseudoscalar integrands do not vanish at z = 1: for heavy mediators
        # their 1/(1 + r(1−z)) tail is logarithmic over 1/r ≲ 1 − z ≲ 1, which one panel cannot
        # resolve; decade edges in 1 − z (and in z, for the axial 1/r term at small r) do
        cuts += [np.where(1.0 / flat < 10.0**-j, 1.0 - 10.0**-j, 1.0) for j in range(1, 17)]
        cuts += [np.where(sr < 10.0**-j, 10.0**-j, 0.0) for j in range(1, 17)]
    edges = np.sort(np.stack([np.broadcast_to(c, flat.shape) for c in cuts], axis=-1), axis=-1)
    z, w = mapped_rule(edges[:, :-1], edges[:, 1:], _N_PANEL)      # (n, panels, nodes)
    rr = flat[:, None, None]
    if spin == "vector":
        integrand = z * z * (1.0 - z) / (z * z + rr * (1.0 - z))
    elif spin == "scalar":
        integrand = 0.5 * z * z * (2.0 - z) / (z * z + rr * (1.0 - z))
    elif spin == "pseudoscalar":
        integrand = -0.5 * z**3 / (z * z + rr * (1.0 - z))
    elif spin == "axial":
        # the −4z³/r term is z (z² + r(1−z))/r − z(1−z): its ratio to the denominator is written
        # out so that the small-r cancellation happens analytically: −4z³/(rD) = −4z/r + 4z(1−z)/D
        d = z * z + rr * (1.0 - z)
        integrand = 0.5 * (2.0 * z * (1.0 - z) * (z - 4.0) + 4.0 * z * (1.0 - z)) / d - 2.0 * z / rr
    else:
        raise InputError(f"spin must be one of {', '.join(SPINS)}, got {spin!r}")
    f = np.sum(w * integrand, axis=(-1, -2))
    return f.reshape(np.shape(r)) if np.ndim(r) else float(f[0])


def delta_a_mu(mass, coupling, spin="vector"):
    """Δa_μ of a mediator of mass ``mass`` [energy], coupling g to the muon and Lorentz structure
    ``spin`` (vector: the L_μ−L_τ Z′; vectorised).

    >>> import math
    >>> from mucast.units import MeV
    >>> round(float(delta_a_mu(1e-3 * MeV, 1e-3) * 8 * math.pi**2 / 1e-6), 3)   # g²/(8π²)
    1.0
    """
    g = np.asarray(coupling, dtype=float)
    if not np.all(np.isfinite(g)) or not np.all(g > 0):
        raise InputError(f"coupling must be finite and > 0, got {coupling!r}")
    with np.errstate(over="ignore"):   # issue 6: g = 1e200 gave Δa_μ = inf
        out = g * g / (4.0 * math.pi**2) * loop_function(mass, spin)
    if not np.all(np.isfinite(out)):
        raise InputError(f"coupling = {coupling!r} is too large: Δa_μ overflows a double")
    return out


def delta_a_mu_target(a_exp=A_MU_EXP_SEED001, a_sm=A_MU_SM_SEED001):
    """(central, σ) of Δa_μ = a_μ(Exp) − a_μ(SM); inputs are (value, uncertainty) pairs.

    Default: the values quoted in seed 001 → (2.49e-9, 4.83e-10).
    """
    for name, v in (("a_exp", a_exp), ("a_sm", a_sm)):
        if (len(v) != 2 or not all(isinstance(t, numbers.Real) and math.isfinite(t) for t in v)
                or v[1] < 0):
            raise InputError(f"{name} must be a pair (value, uncertainty >= 0), got {v!r}")
    return a_exp[0] - a_sm[0], math.hypot(a_exp[1], a_sm[1])


@dataclass(frozen=True)
class G2Band:
    """Couplings explaining Δa_μ within ±nσ: ``g_low``, ``g_central``, ``g_high`` for each mass.

    ``masses`` in hepunits; ``delta_a``, ``sigma``: the Δa_μ target and its uncertainty.
    ``g_low`` is 0 where Δa_μ − nσ ≤ 0 (the band then reaches g = 0).
    """

    masses: np.ndarray
    g_low: np.ndarray
    g_central: np.ndarray
    g_high: np.ndarray
    delta_a: float
    sigma: float
    n_sigma: float
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        return {"mass_GeV": (self.masses / GeV).tolist(), "g_low": self.g_low.tolist(),
                "g_central": self.g_central.tolist(), "g_high": self.g_high.tolist(),
                "delta_a_mu": self.delta_a, "sigma": self.sigma, "n_sigma": self.n_sigma,
                "mucast_version": self.version}


def gm2_band(masses, n_sigma=2.0, a_exp=A_MU_EXP_SEED001, a_sm=A_MU_SM_SEED001,
             spin="vector", muon_charge=1.0) -> G2Band:
    """The (m, g) band where the mediator explains Δa_μ within ±n_sigma (seed 001, Fig. 4 left,
    for the L_μ−L_τ Z′). ``spin``, ``muon_charge``: the band of any model whose muon coupling is
    g_μ = muon_charge × g (the dark photon: e, so the band is in ε); only for Δa_μ > 0 (vector,
    scalar), else InputError.

    >>> from mucast.units import MeV
    >>> b = gm2_band([10 * MeV])
    >>> 4e-4 < float(b.g_central[0]) < 6e-4
    True
    """
    if not (isinstance(n_sigma, numbers.Real) and math.isfinite(n_sigma)
            and float(n_sigma) >= 0):
        raise InputError(f"n_sigma must be finite and >= 0, got {n_sigma!r}")
    d, s = delta_a_mu_target(a_exp, a_sm)
    if not d > 0:
        raise InputError(f"a_exp - a_sm = {d:.3e} must be > 0 for a Z' explanation")
    m = np.atleast_1d(_check_mass(masses)).astype(float)
    if m.size == 0:  # issue 6: an empty band was returned silently
        raise InputError("masses must contain at least one value")
    unit = delta_a_mu(m, 1.0, spin) * float(muon_charge) ** 2
    if not np.all(unit > 0):
        raise InputError(f"a {spin} mediator lowers a_mu (Delta a_mu < 0): it has no g-2 band")
    lo = np.sqrt(np.clip(d - n_sigma * s, 0.0, None) / unit)
    return G2Band(m, lo, np.sqrt(d / unit), np.sqrt((d + n_sigma * s) / unit), d, s,
                  float(n_sigma))
