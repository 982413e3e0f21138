"""Cost of one exact tree-level (ETL) cross-section point at the same stated error: mucast 0.2's
recipe against the spin-generic engine of mucast 0.3 (issue 11 §7), in the same run.

    python benchmarks/bench_exact.py            # ~1 min on one core
    python benchmarks/bench_exact.py --quick    # 2 points

today (0.2)  ``sigma_etl`` as ``limit zprime --approx etl`` called it: 4×4-matrix Dirac strings,
             variables (ln x, ln|ũ|, ln t, φ), a fresh uniform vegas map, 6 adaptation + 6 kept
             (adapting) iterations of 2·10⁴ points;
new (0.3)    ``exact.cross_section(..., rtol)``: Dirac strings component by component with the
             batch axis last, 1/|ũ| for the angle, the vegas map built from the WW distribution
             (no adaptation iterations), kept iterations not adapting, stopped as soon as the
             stated (1σ) relative error is ≤ rtol.

"Same stated error": rtol of the new engine = the relative error the 0.2 recipe reported at that
point, so the new point is at least as precise. The two results must agree within their errors
(pull printed). The ratio of wall times is the speed-up; the per-evaluation cost of the two
Dirac engines is printed as well. Vector mediator only (the 0.2 code has no other spin).
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import numpy as np

from mucast.experiments.targets import Target
from mucast.processes.mediators import exact
from mucast.units import GeV, MeV, picobarn

E = 160 * GeV
PB = Target.from_name("Pb")
POINTS = [(10 * MeV, None), (100 * MeV, None), (100 * MeV, 0.5), (1 * GeV, 0.5), (3 * GeV, None),
          (30 * MeV, 0.5)]


def per_evaluation_us(n=20_000):
    setup = exact._setup(100 * MeV, E, PB.atomic_mass)
    lx0, lx1 = exact._x_bounds(100 * MeV, E, None, None)
    y = np.random.default_rng(1).random((n, 4))
    out = {}
    for eng in ("matrix", "fast"):
        fn = exact._integrand_factory("V", setup, 1.0, PB, exact.ALPHA, 0.1, lx0, lx1, "log", eng)
        fn(y)
        t0 = time.perf_counter()
        for _ in range(3):
            fn(y)
        out[eng] = (time.perf_counter() - t0) / 3 / n * 1e6
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    pts = POINTS[1:3] if args.quick else POINTS
    # warm-up: imports, caches
    exact.cross_section("vector", 100 * MeV, 1.0, E, PB, rtol=0.05)
    exact.sigma_etl(100 * MeV, 1.0, E, PB.Z, PB.A, PB.atomic_mass, neval=1000, nitn=(1, 1),
                    theta_max=0.1)
    pe = per_evaluation_us()
    print(f"per evaluation: matrix engine {pe['matrix']:.2f} us, component engine"
          f" {pe['fast']:.2f} us (x{pe['matrix'] / pe['fast']:.1f})")
    print(f"{'m [GeV]':>8} {'x_min':>6} {'0.2 s':>7} {'0.2 err':>8} {'0.3 s':>7} {'0.3 err':>8}"
          f" {'ratio':>6} {'pull':>6}")
    ratios = []
    t_old_sum = t_new_sum = 0.0
    for i, (m, xmin) in enumerate(pts):
        t0 = time.perf_counter()
        old = exact.sigma_etl(m, 1.0, E, PB.Z, PB.A, PB.atomic_mass, x_min=xmin, neval=20_000,
                              seed=i + 1, theta_max=0.1)
        t_old = time.perf_counter() - t0
        rel = old.uncertainty / old.value
        t0 = time.perf_counter()
        new = exact.cross_section("vector", m, 1.0, E, PB, x_min=xmin, rtol=rel, seed=i + 1,
                                  max_iterations=200)
        t_new = time.perf_counter() - t0
        rel_new = new.uncertainty / new.value
        pull = (new.value - old.value) / math.hypot(new.uncertainty, old.uncertainty)
        ratios.append(t_old / t_new)
        t_old_sum += t_old
        t_new_sum += t_new
        print(f"{m / GeV:8.3g} {str(xmin):>6} {t_old:7.2f} {rel:8.1e} {t_new:7.3f} {rel_new:8.1e}"
              f" {t_old / t_new:6.1f} {pull:6.2f}")
        if rel_new > rel * 1.0001:
            print(f"  warning: the new engine stopped at {rel_new:.2e} > {rel:.2e}", file=sys.stderr)
    print(f"speed-up per point at the same stated error: median x{np.median(ratios):.1f},"
          f" min x{min(ratios):.1f}; total x{t_old_sum / t_new_sum:.1f}")
    print(f"(sigma at 100 MeV, x >= 0.5: {new.value / picobarn:.5g} pb)" if args.quick else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
