"""Layer 2: elastic nuclear form factor and the Weizsäcker–Williams photon flux.

Implements Eq. (18) of seed 000 (Crivelli et al., arXiv:2511.11801) in closed form, the
closed form being Eq. (26) of Kirpichnikov et al., PRD 104 (2021) 076012 (arXiv:2107.13297),
as also used by DMG4.  The elastic form factor with Thomas–Fermi screening and a nuclear
size cut-off is

    G2(t) = Z² [t/(t_a + t)]² [t_d/(t_d + t)]²,

with sqrt(t_a) = 1/a, a = 111 Z^(-1/3)/m_e and t_d = 0.164 GeV² A^(-2/3)
(Kim & Tsai, PRD 8 (1973) 3109; Bjorken et al., PRD 80 (2009) 075018).

All energies are hepunits (MeV = 1); t is a (positive) energy squared.
"""

from __future__ import annotations

import numpy as np


# the nucleus's two scales live with the target (layer 1); re-exported here for the flux formulas
from mucast.experiments.targets import (NUCLEAR_SIZE_COEFFICIENT, SCREENING_COEFFICIENT,  # noqa: F401
                                       nuclear_size_scale, screening_scale)


def form_factor_squared(t, Z, t_a, t_d):
    """Elastic form factor G2(t) = Z² (t/(t_a+t))² (t_d/(t_d+t))² (dimensionless).

    Parameters: t, t_a, t_d in energy² (hepunits); Z the atomic number.
    """
    t = np.asarray(t, dtype=float)
    return Z**2 * (t / (t_a + t)) ** 2 * (t_d / (t_d + t)) ** 2


def photon_flux(t_min, t_max, Z, t_a, t_d):
    """Weizsäcker–Williams effective photon flux χ (dimensionless), Eq. (18) of seed 000:

        χ = ∫_{t_min}^{t_max} dt (t − t_min)/t² G2(t),

    evaluated in closed form (Eq. 26 of arXiv:2107.13297). Vectorised over t_min, t_max;
    returns 0 where t_min ≥ t_max.

    Example
    -------
    >>> from mucast.units import GeV
    >>> chi = photon_flux(1e-8 * GeV**2, 1.0 * GeV**2, 82, (2.0e-5*GeV)**2, (6.9e-2*GeV)**2)
    >>> 2.0e4 < chi < 1.0e5    # ~ Z² (ln(t_d/t_a) - ...) for Pb
    True
    """
    t_min = np.asarray(t_min, dtype=float)
    t_max = np.asarray(t_max, dtype=float)
    ta, td = t_a, t_d
    dt = ta - td
    with np.errstate(divide="ignore", invalid="ignore"):
        term1 = dt * (ta + td + 2.0 * t_max) * (t_max - t_min) / ((ta + t_max) * (td + t_max))
        # the t_max logarithms first (one value when t_max is one number, as on every WW
        # path: t_max = E²), in the order the closed form adds them
        logs_max = np.log1p(t_max / ta) - np.log1p(t_max / td)
        term2 = (ta + td + 2.0 * t_min) * (
            logs_max + np.log1p(t_min / td) - np.log1p(t_min / ta))
        chi = -(Z**2) * td**2 / dt**3 * (term1 + term2)
        # When t_max - t_min << t_min the two terms cancel to ~eps/(delta/t)^2 relative
        # precision; there the integrand is (t - t_min) g(t) with g smooth, and
        # ∫ s g(t_min + s) ds = g(t_min + 2δ/3) δ²/2 + O(δ⁴) (midpoint-of-weight rule),
        # evaluated only where it is used
        delta = t_max - t_min
        near = delta < 1e-4 * np.abs(t_min)
        if np.any(near):
            d_n = np.broadcast_to(delta, near.shape)[near]
            tc = np.broadcast_to(t_min, near.shape)[near] + 2.0 * d_n / 3.0
            chi = np.array(np.broadcast_to(chi, near.shape), dtype=float)
            chi[near] = form_factor_squared(tc, Z, ta, td) / tc**2 * d_n**2 / 2.0
    return np.where(t_max > t_min, np.maximum(chi, 0.0), 0.0)


def photon_flux_numerical(t_min, t_max, Z, t_a, t_d, n=2000):
    """Reference: Eq. (18) by direct quadrature (scipy.integrate.quad in log t). Scalar only.

    Used by the tests to check :func:`photon_flux`; slow.
    """
    from scipy.integrate import quad

    if t_max <= t_min:
        return 0.0

    def integrand(logt):
        t = np.exp(logt)
        return (t - t_min) / t * form_factor_squared(t, Z, t_a, t_d)

    val, _ = quad(integrand, np.log(t_min), np.log(t_max), limit=n, epsabs=0, epsrel=1e-11)
    return val
