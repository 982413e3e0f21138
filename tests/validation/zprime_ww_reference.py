"""Test-side reference: Z' bremsstrahlung μN → μN Z' in the WW and IWW approximations,
written literally as implemented in DMG4 (class DarkZ), independently of mucast's own WW code.

Source: /work/shared/notes/physics-references.md, "Z′ bremsstrahlung in the WW approximation
(as implemented in DMG4)" — Bondi et al., CPC 269 (2021) 108129 (arXiv:2101.12192); the same
expressions are Eqs. (A16)–(A17)-type formulas of Bjorken et al., PRD 80 (2009) 075018 with the
muon-mass terms of Liu & Miller, PRD 96 (2017) 016004 (arXiv:1705.01633, IWW: its Eq. 30), and
Kirpichnikov et al., PRD 104 (2021) 076012 (arXiv:2107.13297).

WW:   dσ/(dx dθ) = 2 ε² α³ E₀² sinθ √(x² − m²/E₀²) (1−x)/ũ²
                   · [ 2(2 − 2x + x²)/(1−x) + 4(m² + 2m_μ²)/ũ² (ũ x + m²(1−x) + m_μ² x²) ]
                   · χ(t_min, t_max),
      ũ = −x E₀² θ² − m²(1−x)/x − m_μ² x,   t_min = ũ²/(4E₀²(1−x)²),
      integrated over θ ∈ [0, θ_max] and x ∈ [m/E₀, 1 − m_μ/E₀].
IWW:  dσ/dx = 2 ε² α³ χ_IWW |k|/E₀ · [G(ũ_max) − G(ũ_min)],
      G(ũ) = (m_μ² x (x² + 2x − 2) − 2ũ(3 − 3x + x²)) / (3 x ũ²),
      ũ_max = ũ(θ=0), ũ_min = ũ(θ_max), χ_IWW = χ(m⁴/(4E₀²), E₀²).

Coupling: DMG4 writes g = ε e, e² = 4πα, hence ε² α³ = g² α²/(4π).  The photon flux χ is
Eq. (18) of seed 000 in the closed form of :func:`mucast.processes.flux.photon_flux` (itself tested
against quadrature in the flux tests); nothing else is taken from mucast but units/constants.

All energies in hepunits (MeV = 1); cross sections returned in natural units (1/MeV²) by the
``*_natural`` functions and as areas by the others.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.integrate import quad

from mucast.constants import ALPHA, M_MU
from mucast.processes.flux import nuclear_size_scale, photon_flux, screening_scale
from mucast.units import natural_to_area


def _eps2_alpha3(coupling, alpha):
    """ε² α³ with g = ε e, e² = 4πα."""
    return coupling**2 / (4.0 * math.pi * alpha) * alpha**3


def _t_max(t_max, mass, energy):
    if t_max == "E2":
        return energy**2
    if t_max == "mmu2_plus_k2":
        return M_MU**2 + mass**2
    return float(t_max)


def u_tilde(x, theta, mass, energy):
    """ũ(θ) in the small-angle form used by DMG4 [MeV²]."""
    return -x * energy**2 * theta**2 - mass**2 * (1.0 - x) / x - M_MU**2 * x


def ww_dsigma_dx_dtheta_natural(x, theta, mass, coupling, energy, Z, A, *, t_max="E2",
                                alpha=ALPHA, t_a=None, t_d=None):
    """dσ/(dx dθ) of the WW formula (natural units, 1/MeV² per rad)."""
    t_a = screening_scale(Z) if t_a is None else t_a
    t_d = nuclear_size_scale(A) if t_d is None else t_d
    u = u_tilde(x, theta, mass, energy)
    tmin = u**2 / (4.0 * energy**2 * (1.0 - x) ** 2)
    chi = float(photon_flux(tmin, _t_max(t_max, mass, energy), Z, t_a, t_d))
    bracket = (2.0 * (2.0 - 2.0 * x + x**2) / (1.0 - x)
               + 4.0 * (mass**2 + 2.0 * M_MU**2) / u**2
               * (u * x + mass**2 * (1.0 - x) + M_MU**2 * x**2))
    return (2.0 * _eps2_alpha3(coupling, alpha) * energy**2 * math.sin(theta)
            * math.sqrt(x**2 - mass**2 / energy**2) * (1.0 - x) / u**2 * bracket * chi)


def ww_dsigma_dx_natural(x, mass, coupling, energy, Z, A, *, theta_max=0.1, t_max="E2", **kw):
    """∫₀^θmax dθ of the WW formula (natural units). Quadrature in ln θ."""
    t_hi = _t_max(t_max, mass, energy)
    # Where t_min > 100 t_d, χ < 1e-5 of its peak (G2 ∝ t⁻² above t_d) and the closed form of
    # χ loses digits (cancellation); the angular integral stops there (neglected part ≲ 1e-6).
    t_d = kw.get("t_d") or nuclear_size_scale(A)
    t_hi = min(t_hi, 1e2 * t_d)
    u0 = -u_tilde(x, 0.0, mass, energy)
    # characteristic angle (ũ doubles its θ=0 value) and the angle where t_min reaches t_hi
    theta_c = math.sqrt(u0 / x) / energy
    u_end = 2.0 * energy * (1.0 - x) * math.sqrt(t_hi)
    if u_end <= u0:
        return 0.0
    theta_end = math.sqrt((u_end - u0) / x) / energy
    lo = math.log(theta_c * 1e-5)  # the region below contributes ~1e-10 (integrand ∝ θ²)
    hi = math.log(min(theta_max, theta_end))
    if hi <= lo:
        return 0.0

    def f(s):
        th = math.exp(s)
        return th * ww_dsigma_dx_dtheta_natural(x, th, mass, coupling, energy, Z, A,
                                                t_max=t_max, **kw)

    pts = [p for p in (math.log(theta_c), math.log(10 * theta_c)) if lo < p < hi]
    # absolute tolerance 1e-9 of the peak: the closed-form flux is noisy where χ → 0
    peak = max(abs(f(s)) for s in np.linspace(lo, hi, 41))
    val, _ = quad(f, lo, hi, points=pts or None, epsabs=1e-9 * peak, epsrel=1e-7, limit=200)
    return val


def ww_dsigma_dx(x, mass, coupling, energy, Z, A, **kw):
    """WW dσ/dx as an area (hepunits)."""
    return natural_to_area(ww_dsigma_dx_natural(x, mass, coupling, energy, Z, A, **kw))


def _x_range(mass, energy, x_min, x_max):
    lo = mass / energy if x_min is None else x_min
    hi = 1.0 - M_MU / energy if x_max is None else x_max
    return lo, hi


def _integrate_x(fn, mass, energy, x_min, x_max):
    """∫ dx fn(x) in ln x, and ln(1−x) near the endpoint (heavy Z' peak at x → 1)."""
    lo, hi = _x_range(mass, energy, x_min, x_max)
    lo = lo * (1 + 1e-9)
    hi = hi * (1 - 1e-12)
    split = min(0.5 * (1 + lo), hi)  # [lo, split] in ln x, [split, hi] in ln(1−x)
    v1, _ = quad(lambda s: math.exp(s) * fn(math.exp(s)), math.log(lo), math.log(split),
                 epsabs=0.0, epsrel=1e-6, limit=200)
    v2 = 0.0
    if hi > split:
        v2, _ = quad(lambda s: math.exp(s) * fn(1.0 - math.exp(s)), math.log(1.0 - hi),
                     math.log(1.0 - split), epsabs=0.0, epsrel=1e-6, limit=200)
    return v1 + v2


def sigma_ww(mass, coupling, energy, Z, A, *, x_min=None, x_max=None, theta_max=0.1,
             t_max="E2", alpha=ALPHA, t_a=None, t_d=None):
    """WW total cross section σ(x_min ≤ x ≤ x_max) as an area (hepunits)."""
    fn = lambda x: ww_dsigma_dx_natural(x, mass, coupling, energy, Z, A, theta_max=theta_max,
                                        t_max=t_max, alpha=alpha, t_a=t_a, t_d=t_d)
    return natural_to_area(_integrate_x(fn, mass, energy, x_min, x_max))


def iww_dsigma_dx_natural(x, mass, coupling, energy, Z, A, *, theta_max=0.1, alpha=ALPHA,
                          t_a=None, t_d=None, t_min=None, t_max="E2"):
    """IWW dσ/dx (natural units), flux χ(m⁴/4E₀², E₀²) taken out of the angular integral.

    t_min: None (m⁴/4E₀², DMG4/Liu–Miller), a number [MeV²], or "theta0" for the x-dependent
    WW value ũ(0)²/(4E₀²(1−x)²) (diagnostic).
    """
    t_a = screening_scale(Z) if t_a is None else t_a
    t_d = nuclear_size_scale(A) if t_d is None else t_d
    if t_min is None:
        tmin = mass**4 / (4.0 * energy**2)
    elif t_min == "theta0":  # diagnostic: the muon-beam t_min of WW at θ = 0 (x dependent)
        tmin = u_tilde(x, 0.0, mass, energy) ** 2 / (4.0 * energy**2 * (1.0 - x) ** 2)
    else:
        tmin = float(t_min)
    chi = float(photon_flux(tmin, _t_max(t_max, mass, energy), Z, t_a, t_d))
    k_abs = math.sqrt(x**2 * energy**2 - mass**2)

    def G(u):
        return (M_MU**2 * x * (x**2 + 2 * x - 2) - 2 * u * (3 - 3 * x + x**2)) / (3 * x * u**2)

    u_max = u_tilde(x, 0.0, mass, energy)
    u_min = u_tilde(x, theta_max, mass, energy)
    return 2.0 * _eps2_alpha3(coupling, alpha) * chi * k_abs / energy * (G(u_max) - G(u_min))


def sigma_iww(mass, coupling, energy, Z, A, *, x_min=None, x_max=None, **kw):
    """IWW total cross section as an area (hepunits)."""
    fn = lambda x: iww_dsigma_dx_natural(x, mass, coupling, energy, Z, A, **kw)
    return natural_to_area(_integrate_x(fn, mass, energy, x_min, x_max))
