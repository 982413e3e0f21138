"""Cost of one exact tree-level (ETL) cross-section point at the same stated error: the real
mucast 0.2.0 and 0.3.0 code (from their git tags) against this checkout, in the same run
(issue 11 §7, issue 17 §6).

    python benchmarks/bench_exact.py            # ~2 min on one core
    python benchmarks/bench_exact.py --quick    # 2 points

v0.2.0   ``processes.zprime_etl.sigma_etl`` as ``limit zprime --approx etl`` called it (neval
         2·10⁴, a fresh uniform vegas map, 6 adaptation + 6 kept iterations, 4×4-matrix Dirac
         strings), from ``git archive v0.2.0 src``;
v0.3.0   ``processes.exact.cross_section("vector", ..., rtol)`` from ``git archive v0.3.0 src``;
now      ``processes.mediators.exact.cross_section("vector", ..., rtol)`` of this checkout.

Every point of every tree runs in a fresh interpreter (``PYTHONPATH`` = that tree; this venv's
packages serve all three) after one small warm-up call; the trees alternate point by point. The
measure is the CPU time (user + system) of the call. "Same stated error": the 0.3.0 and current
engines get rtol = the relative error 0.2.0 reported at that point, so they are at least as
precise; their results must agree with 0.2.0's within the errors (pull printed). Note that the
default rtol of ``cross_section`` (0.005) is ~7× looser than the 0.2 recipe's ~7e-4: the
ratios here are for equal precision, not for the defaults. The per-evaluation cost of the two
Dirac engines of this checkout (4×4 matrices, as 0.2 had, and component by component) is
printed as well. Vector mediator only (0.2.0 has no other spin).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_releases import trees  # the same git-archive trees (this folder is on sys.path)
from mucast.experiments.targets import Target
from mucast.processes.mediators import exact
from mucast.units import GeV, MeV

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


HERE = Path(__file__).resolve().parent.parent

# one point in a fresh interpreter; prints {"value", "err", "cpu"} (areas in hepunits, seconds)
_POINT = r"""
import json, sys, time
from mucast.units import GeV
tree, m, xmin, rtol, seed = sys.argv[1], float(sys.argv[2]), sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
xmin = None if xmin == "None" else float(xmin)
E = 160 * GeV
if tree == "v0.2.0":
    from mucast.processes.zprime_etl import sigma_etl
    from mucast.targets import Target
    pb = Target.from_name("Pb")
    f = lambda m, x, neval, nitn, s: sigma_etl(m, 1.0, E, pb.Z, pb.A, pb.atomic_mass, x_min=x,
                                               neval=neval, nitn=nitn, seed=s, theta_max=0.1)
    f(0.1 * GeV, None, 1000, (1, 1), 99)
    t0 = time.process_time(); r = f(m * GeV, xmin, 20_000, (6, 6), seed)
else:
    if tree == "v0.3.0":
        from mucast.processes.exact import cross_section
    else:
        from mucast.processes.mediators.exact import cross_section
    f = lambda m, x, rt, s: cross_section("vector", m, 1.0, E, "Pb", x_min=x, rtol=rt, seed=s,
                                          max_iterations=200)
    f(0.1 * GeV, None, 0.05, 99)
    t0 = time.process_time(); r = f(m * GeV, xmin, rtol, seed)
print(json.dumps({"value": r.value, "err": r.uncertainty, "cpu": time.process_time() - t0}))
"""


def _point(tree, src, m, xmin, rtol, seed):
    env = {**os.environ, "PYTHONPATH": str(src), "OMP_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    p = subprocess.run([sys.executable, "-c", _POINT, tree, repr(m / GeV), str(xmin), repr(rtol),
                        str(seed)], env=env, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{tree} at {m / GeV} GeV: {p.stderr.strip()[-300:]}")
    return json.loads(p.stdout)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    pts = POINTS[1:3] if args.quick else POINTS
    pe = per_evaluation_us()
    print(f"per evaluation (this checkout): matrix engine {pe['matrix']:.2f} us, component engine"
          f" {pe['fast']:.2f} us (x{pe['matrix'] / pe['fast']:.1f})")
    print(f"{'m [GeV]':>8} {'x_min':>6} {'0.2 s':>7} {'0.2 err':>8} {'0.3 s':>7} {'now s':>7}"
          f" {'now err':>8} {'0.2/now':>8} {'0.3/now':>8} {'pull':>6}")
    tmp = Path(tempfile.mkdtemp(prefix="mucast-bench-exact-"))
    r02, r03 = [], []
    try:
        src = trees(tmp, {})
        for i, (m, xmin) in enumerate(pts):
            old = _point("v0.2.0", src["v0.2.0"], m, xmin, 0.0, i + 1)
            rel = old["err"] / old["value"]
            mid = _point("v0.3.0", src["v0.3.0"], m, xmin, rel, i + 1)
            new = _point("now", src["now"], m, xmin, rel, i + 1)
            rel_new = new["err"] / new["value"]
            pull = (new["value"] - old["value"]) / math.hypot(new["err"], old["err"])
            r02.append(old["cpu"] / new["cpu"])
            r03.append(mid["cpu"] / new["cpu"])
            print(f"{m / GeV:8.3g} {str(xmin):>6} {old['cpu']:7.2f} {rel:8.1e} {mid['cpu']:7.3f}"
                  f" {new['cpu']:7.3f} {rel_new:8.1e} {r02[-1]:8.1f} {r03[-1]:8.2f} {pull:6.2f}")
            if rel_new > rel * 1.0001:
                print(f"  warning: the new engine stopped at {rel_new:.2e} > {rel:.2e}",
                      file=sys.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"CPU per point at the same stated error: 0.2.0/now median x{np.median(r02):.1f}"
          f" (min x{min(r02):.1f}); 0.3.0/now median x{np.median(r03):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
