"""Straightforward reference implementation of the EFT yield integral (seed 000, Eqs. 18, 20, 22)
with nested scipy.integrate.quad: k outer, x middle, ũ inner, the flux by its own quad.

It shares with mucast only the physical inputs (constants, targets, experiments, the coefficient
formulas C_n and β) — not the kinematic maps, the flux closed form or the quadrature engine —
so that agreement checks the engine. Slow by design.
"""

from __future__ import annotations

import math

from scipy.integrate import quad

from mucast.processes import conventions as C
from mucast import experiments
from mucast.constants import M_MU
from mucast.processes.eft import amplitudes as coef
from mucast.units import GeV, natural_to_area

EPS = 1e-9


def _flux_quad(tmin, tmax, Z, ta, td):
    if tmax <= tmin:
        return 0.0
    f = lambda lt: (math.exp(lt) - tmin) / math.exp(lt) * Z**2 * (math.exp(lt) / (ta + math.exp(lt)))**2 * (td / (td + math.exp(lt)))**2
    return quad(f, math.log(tmin), math.log(tmax), epsrel=EPS, limit=200)[0]


def dsigma_dx_dk2(operator, x, k2, m_N, E, target, conv, flux=None):
    """Eq. (20) in GeV units (returns GeV^-4 per unit |C|² GeV^-4 ... i.e. per C = 1 GeV^-2)."""
    m = M_MU / GeV
    Z, ta, td = target.Z, target.t_a / GeV**2, target.t_d / GeV**2
    flux = flux or (lambda a, b: _flux_quad(a, b, Z, ta, td))
    cs = coef.coefficients(operator, x, k2, m, m_N, conv.amplitudes)
    beta = coef.phase_space_factor(operator, k2, m_N, conv.amplitudes)
    umax = -k2 * (1 - x) / x - m * m * x
    umin = umax - E * E * conv.theta_max**2 * x
    tmax = m * m + k2

    def inner(s):
        u = -math.exp(s)
        tmin = u * u / (4 * E * E * (1 - x) ** 2)
        S = cs.C0 * u + cs.C1 + cs.C2 / u + cs.C3 / u**2
        return flux(tmin, tmax) * S / u**2 * (-u)      # dũ = -u ds

    val = quad(inner, math.log(-umax), math.log(-umin), epsrel=EPS, limit=200)[0]
    return conv.alpha**2 / (48 * math.pi**3) * (1 - x) / x * math.sqrt(x * x - k2 / E**2) * beta * val


def yield_reference(operator, dataset, m_N_GeV=0.0, conventions="default", flux=None):
    """N_S of Eq. (22) for C = 1 GeV^-2 by nested quad (events)."""
    conv = C.get(conventions)
    exp = experiments.get(dataset)
    E = exp.beam_energy / GeV
    thr = 2 * m_N_GeV if operator in ("eN_22", "LN_22") else m_N_GeV
    kmax = exp.acceptance.x_max / GeV
    x_hi = 1 - M_MU / exp.beam_energy
    weight = 1.0 if operator not in ("ll_2222", "ll_2233", "le_2222", "le_3322") else None

    def structures():
        if weight is not None:
            return [(operator, 1.0)]
        f = conv.ll_identical_factor if operator == "ll_2222" else 1.0
        cll = 1.0 if operator.startswith("ll") else 0.0
        cle = 0.0 if operator.startswith("ll") else 1.0
        return [("V", (0.5 * (f * cll + cle)) ** 2), ("A", (0.5 * (f * cll - cle)) ** 2)]

    def dk(k):
        k2 = k * k
        kap = float(exp.acceptance(k * GeV))
        tot = 0.0
        for st, w in structures():
            if w == 0:
                continue
            g = lambda x, st=st: dsigma_dx_dk2(st, x, k2, m_N_GeV, E, exp.target, conv, flux)
            tot += w * quad(g, k / E, x_hi, epsrel=EPS, limit=200, points=[0.9])[0]
        return 2 * k * kap * tot

    # the integrand vanishes at threshold like (k-thr)^(>=1/2): integrate in ln(k - thr)
    def dl(ell):
        d = math.exp(ell)
        return dk(thr + d) * d

    w = kmax - thr
    # the acceptance table is piecewise linear: tell quad where its kinks are (in ln(k - thr))
    kinks = [math.log(n / GeV - thr) for n in exp.acceptance.nodes
             if w * 1e-8 < n / GeV - thr < w]
    val = quad(dl, math.log(w * 1e-8), math.log(w), epsrel=EPS, limit=400,
               points=kinks or None)[0]
    lum = exp.luminosity_factor(conv.nucleus_mass)
    return lum * natural_to_area(val / GeV**2)
