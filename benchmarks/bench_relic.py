"""Speed of the thermal-relic solver (mucast.cosmology.relic) against a straightforward
reference in the same run, and the agreement of the two.

    python benchmarks/bench_relic.py            # one Ωh² evaluation (~40 s for the reference)
    python benchmarks/bench_relic.py --full     # also one target by root finding (~4 min)

Reference (written the textbook way, sharing only the d.o.f. table and the constants): at every
right-hand-side call of the Boltzmann equation ⟨σv⟩ is computed afresh by scipy.integrate.quad
over √s (the pole passed as a break point), σ(s) from the closed forms for vector couplings
(scalar math, L_μ−L_τ), dY/dx integrated by solve_ivp(Radau), the coupling root-found by brentq.
mucast: the Gondolo–Gelmini integral on fixed panels computed once per (model, masses) as a
function of g, LSODA on a splined λ(x), a secant in ln g.
"""

from __future__ import annotations

import argparse
import math
import time

from scipy.integrate import quad, solve_ivp
from scipy.optimize import brentq
from scipy.special import kve

from mucast.constants import M_MU, M_PLANCK, M_TAU
from mucast.cosmology import relic
from mucast.cosmology.dof import sm_dof
from mucast.units import GeV

M_MU_G, M_TAU_G, M_PL_G = M_MU / GeV, M_TAU / GeV, M_PLANCK / GeV


def _F(s):
    """2πF_T/(g²s) for L_μ−L_τ: μ, τ (vector), ν_μ, ν_τ (½ each)."""
    F = 1.0
    for ml in (M_MU_G, M_TAU_G):
        r = ml * ml / s
        if r < 0.25:
            F += math.sqrt(1 - 4 * r) * (1 + 2 * r)
    return F


def sigma_ref(s, m, mX, g, gchi):
    """Complex scalar through the Z′: g_χ²g²F sβ/(12π|D|²), running width (GeV units)."""
    b = math.sqrt(max(1 - 4 * m * m / s, 0.0))
    rs = math.sqrt(s)
    gam = g * g * rs * _F(s) / (12 * math.pi) + gchi**2 * rs * b**3 / (48 * math.pi)
    d2 = (s - mX * mX) ** 2 + s * gam * gam
    return gchi**2 * g * g * _F(s) * s * b / (12 * math.pi * d2)


def sigmav_ref(x, m, mX, g, gchi):
    T = m / x
    E0 = 2 * m

    def f(E):
        s = E * E
        return sigma_ref(s, m, mX, g, gchi) * s * (s - 4 * m * m) * kve(1, E / T) \
            * math.exp(-(E - E0) / T)

    edges = [E0, E0 + 100 * T]
    if (mX - E0) / T < 700:
        b = math.sqrt(1 - 4 * m * m / (mX * mX))
        gam = g * g * mX * _F(mX * mX) / (12 * math.pi) + gchi**2 * mX * b**3 / (48 * math.pi)
        edges = sorted({E0, max(E0, mX - 50 * gam), mX, mX + 50 * gam, max(E0 + 100 * T,
                                                                            mX + 100 * T)})
    I = sum(quad(f, a, b, limit=500, epsabs=0, epsrel=1e-9)[0]
            for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a)
    k2 = kve(2, m / T)
    return 0.5 * 2 * I / (8 * m**4 * T * k2 * k2)           # κ = ½ (φ and φ*)


def omega_ref(m, g, gchi=0.05, ratio=3.0, x_end=1e3):
    dof = sm_dof()
    mX = ratio * m
    calls = [0]

    def weq(x):
        T = m / x
        return math.log(45 / (4 * math.pi**4) * 2 * x * x * kve(2, x)
                        / float(dof.h_eff(T * GeV))) - x

    def lam(x):
        calls[0] += 1
        return math.sqrt(math.pi / 45) * M_PL_G * m * float(dof.gstar_half(m / x * GeV)) \
            * sigmav_ref(x, m, mX, g, gchi) / x**2

    def rhs(x, W):
        we = weq(x)
        return [-lam(x) * (math.exp(W[0]) - math.exp(min(2 * we - W[0], 700.0)))]

    def jac(x, W):
        we = weq(x)
        return [[-lam(x) * (math.exp(W[0]) + math.exp(min(2 * we - W[0], 700.0)))]]

    sol = solve_ivp(rhs, (1.0, x_end), [weq(1.0)], method="Radau", jac=jac, rtol=1e-7,
                    atol=1e-9)
    y_end = math.exp(sol.y[0, -1])
    x1, x2 = 0.9 * x_end, x_end
    A1, A2 = lam(x1) * x1**2, lam(x2) * x2**2
    B = (A1 - A2) / (1 / x1 - 1 / x2)
    A = A2 - B / x2
    y0 = 1 / (1 / y_end + A / x2 + B / (2 * x2**2))
    return m * GeV * y0 * dof.s0_per_cm3 / relic._RHO_CRIT_H2, calls[0]


def timed(f, *a, **k):
    t0 = time.perf_counter()
    r = f(*a, **k)
    return r, time.perf_counter() - t0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="also one target by root finding")
    args = ap.parse_args(argv)
    m, gchi = 0.01, 0.05
    print(f"L_mu-L_tau, complex scalar, m_chi = {m} GeV, m_Z' = 3 m_chi, g_chi = {gchi}")
    relic._averager.cache_clear()
    tgt, t_tgt = timed(relic.thermal_target, "lmu-ltau", m * GeV, dm="scalar", g_chi=gchi)
    print(f"mucast target: g = {tgt.coupling:.6e}, Omega h^2 = {tgt.omega_h2:.5f}, x_f ="
          f" {tgt.x_freeze_out:.2f} ({tgt.n_eval} Omega evaluations, {t_tgt:.3f} s)")
    relic._averager.cache_clear()
    r, t_cold = timed(relic.omega_h2, "lmu-ltau", m * GeV, tgt.coupling, dm="scalar", g_chi=gchi)
    (om_ref, calls), t_ref = timed(omega_ref, m, tgt.coupling, gchi)
    print(f"Omega h^2 at that g: mucast {r.omega_h2:.6f} ({t_cold * 1e3:.0f} ms), reference"
          f" {om_ref:.6f} ({t_ref:.1f} s, {calls} quad thermal averages); rel. diff"
          f" {r.omega_h2 / om_ref - 1:+.1e}")
    print(f"speed ratio, one Omega h^2 evaluation: {t_ref / t_cold:.0f}")
    if args.full:
        fn = lambda lg: math.log(omega_ref(m, math.exp(lg), gchi)[0] / 0.12)  # noqa: E731
        (lg, t_rt) = timed(brentq, fn, math.log(1e-5), math.log(1e-2), xtol=1e-5)
        g_ref = math.exp(lg)
        print(f"reference target: g = {g_ref:.6e} ({t_rt:.0f} s); rel. diff in g"
              f" {tgt.coupling / g_ref - 1:+.1e}; speed ratio, one target: {t_rt / t_tgt:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
