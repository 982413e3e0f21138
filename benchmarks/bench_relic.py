"""Speed of the thermal-relic solver (mucast.cosmology.relic) against a fair textbook solver in
the same run, interleaved, and the agreement of the two.

    python benchmarks/bench_relic.py            # one Ωh² and one target, 3 interleaved rounds
    python benchmarks/bench_relic.py --rounds 5
    python benchmarks/bench_relic.py --fig4     # only: the 120 targets of `reproduce`'s Fig. 4,
                                                # CPU and peak RSS of this process
    PYTHONPATH=OTHER/src python benchmarks/bench_relic.py --fig4   # the same for other code

Reference (written the textbook way, sharing only the d.o.f. table and the constants): ⟨σv⟩ is
tabulated once per coupling, 120 points log-spaced in x ∈ [1, 1000], each by
scipy.integrate.quad over √s (the pole as a break point), σ(s) from the closed forms for vector
couplings (scalar math, L_μ−L_τ, complex scalar); the Boltzmann equation for W = ln Y by
solve_ivp(Radau) on a cubic spline of ln⟨σv⟩(ln x); the late tail λx² = A + B/x (g_* is constant
below T = 10 keV, where x = 1000 ends for m = 10 MeV); the coupling by brentq in ln g. mucast:
the Gondolo–Gelmini integral on fixed panels, computed once per (model, masses, node layout)
as a function of g, LSODA on a splined λ(x), a secant in ln g. CPU time (process_time), the
minimum over the rounds, each round running mucast (cold: node cache cleared) and the reference
back to back.
"""

from __future__ import annotations

import argparse
import math
import time

from scipy.integrate import quad, solve_ivp
from scipy.interpolate import CubicSpline
from scipy.optimize import brentq
from scipy.special import kve

import numpy as np

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


def omega_ref(m, g, gchi=0.05, ratio=3.0, x_end=1e3, n_table=120):
    """Ωh² the textbook way (module doc); returns (Ωh², quad thermal averages)."""
    dof = sm_dof()
    mX = ratio * m
    xt = np.geomspace(1.0, x_end, n_table)
    ln_sv = CubicSpline(np.log(xt), np.log([sigmav_ref(x, m, mX, g, gchi) for x in xt]))

    def lam(x):
        sv = math.exp(float(ln_sv(math.log(x))))
        return math.sqrt(math.pi / 45) * M_PL_G * m * float(dof.gstar_half(m / x * GeV)) \
            * sv / x**2

    def weq(x):
        T = m / x
        return math.log(45 / (4 * math.pi**4) * 2 * x * x * kve(2, x)
                        / float(dof.h_eff(T * GeV))) - x

    def rhs(x, W):
        return [-lam(x) * (math.exp(W[0]) - math.exp(min(2 * weq(x) - W[0], 700.0)))]

    def jac(x, W):
        return [[-lam(x) * (math.exp(W[0]) + math.exp(min(2 * weq(x) - W[0], 700.0)))]]

    sol = solve_ivp(rhs, (1.0, x_end), [weq(1.0)], method="Radau", jac=jac, rtol=1e-8,
                    atol=1e-10)
    y_end = math.exp(sol.y[0, -1])
    x1, x2 = 0.9 * x_end, x_end
    A1, A2 = lam(x1) * x1**2, lam(x2) * x2**2
    B = (A1 - A2) / (1 / x1 - 1 / x2)
    A = A2 - B / x2
    y0 = 1 / (1 / y_end + A / x2 + B / (2 * x2**2))
    return m * GeV * y0 * dof.s0_per_cm3 / relic._RHO_CRIT_H2, n_table


def cpu(f, *a, **k):
    t0 = time.process_time()
    r = f(*a, **k)
    return r, time.process_time() - t0


def fig4():
    """The thermal targets of `mucast reproduce`'s Fig. 4 (3 types × 40 masses)."""
    import resource

    from mucast.outputs.plots import zprime_targets
    t0 = time.process_time()
    tg = zprime_targets(points=40)
    dt = time.process_time() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = sum(int(np.sum(np.isfinite(ys))) for _, ys in tg.values())
    print(f"Fig. 4 targets: {n} of {3 * 40} found, CPU {dt:.2f} s, peak RSS {rss:.0f} MB")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    ap.add_argument("--fig4", action="store_true",
                    help="only the Fig. 4 targets: CPU and peak RSS (run it in its own process)")
    args = ap.parse_args(argv)
    if args.fig4:
        return fig4()
    m, gchi = 0.01, 0.05
    print(f"L_mu-L_tau, complex scalar, m_chi = {m} GeV, m_Z' = 3 m_chi, g_chi = {gchi}")
    t_om, t_om_ref, t_tg, t_tg_ref = [], [], [], []
    for k in range(args.rounds):
        relic._averager.cache_clear()
        tgt, dt = cpu(relic.thermal_target, "lmu-ltau", m * GeV, dm="scalar", g_chi=gchi)
        t_tg.append(dt)
        relic._averager.cache_clear()
        r, dt = cpu(relic.omega_h2, "lmu-ltau", m * GeV, tgt.coupling, dm="scalar", g_chi=gchi)
        t_om.append(dt)
        (om_ref, calls), dt = cpu(omega_ref, m, tgt.coupling, gchi)
        t_om_ref.append(dt)
        fn = lambda lg: math.log(omega_ref(m, math.exp(lg), gchi)[0] / 0.12)  # noqa: E731
        lg, dt = cpu(brentq, fn, math.log(tgt.coupling) - 0.5, math.log(tgt.coupling) + 0.5,
                     xtol=1e-6)
        t_tg_ref.append(dt)
        g_ref = math.exp(lg)
        print(f"round {k + 1}: Omega h^2 {t_om[-1] * 1e3:.0f} ms vs {t_om_ref[-1]:.2f} s;"
              f" target {t_tg[-1]:.3f} s vs {t_tg_ref[-1]:.1f} s")
    print(f"mucast target: g = {tgt.coupling:.7e}, Omega h^2 = {tgt.omega_h2:.6f}, x_f ="
          f" {tgt.x_freeze_out:.2f} ({tgt.n_eval} Omega evaluations)")
    print(f"Omega h^2 at that g: mucast {r.omega_h2:.7f}, reference {om_ref:.7f} ({calls} quad"
          f" thermal averages); rel. diff {r.omega_h2 / om_ref - 1:+.1e}")
    print(f"reference target: g = {g_ref:.7e}; rel. diff in g {tgt.coupling / g_ref - 1:+.1e}")
    print(f"CPU, minimum over {args.rounds} interleaved rounds: one Omega h^2 {min(t_om) * 1e3:.0f}"
          f" ms vs {min(t_om_ref):.2f} s, ratio {min(t_om_ref) / min(t_om):.0f}; one target"
          f" {min(t_tg):.3f} s vs {min(t_tg_ref):.1f} s, ratio {min(t_tg_ref) / min(t_tg):.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
