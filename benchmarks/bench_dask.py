"""Where a Dask cluster pays for a limit curve (issue 17 §6), measured in one run, interleaved.

1. Starting and closing mucast's LocalCluster of 2 worker processes.
2. A 50-point WW curve of the L_mu-L_tau Z' (default production): one vectorised pass (what
   ``--workers`` now does for WW), point by point here (``workers=0``), and point by point on a
   2-worker cluster (what ``--workers 2`` did before; forced here).
3. An exact-engine curve (``approx="etl"``, vegas, rtol 0.005; muon-scalar): point by point
   here and on 2 workers (forced: mucast now starts the cluster only when the points' estimated
   cost exceeds ``curves.CLUSTER_COST_S``).
4. CPU per exact point in a fresh process with glibc's default malloc and with Dask's worker
   setting ``MALLOC_TRIM_THRESHOLD_=65536`` (mucast's workers now run without it).

The numbers must be the same on every path: checked (bit for bit between the point-by-point
paths, to 1e-12 against the vectorised pass).

Run: ``python benchmarks/bench_dask.py [--exact-points 12] [--repeat 2]``; writes nothing,
prints a table (results_bench_dask.txt holds the last run).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import numpy as np

_MALLOC_PROBE = r"""
import time, numpy as np
from mucast.inference.curves import limit_curve
from mucast.units import GeV
m = np.geomspace(0.01, 3, 16) * GeV
limit_curve("muon-scalar", m[:1], approx="etl", workers=0)
t = time.process_time()
limit_curve("muon-scalar", m, approx="etl", workers=0)
print((time.process_time() - t) / len(m))
"""


def _cpu_per_exact_point(trim):
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_TRIM_THRESHOLD_"}
    env["OMP_NUM_THREADS"] = "1"
    if trim is not None:
        env["MALLOC_TRIM_THRESHOLD_"] = str(trim)
    out = subprocess.run([sys.executable, "-c", _MALLOC_PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return float(out.stdout.split()[-1])


def main():
    import mucast.inference.curves as curves
    from mucast.units import GeV

    ap = argparse.ArgumentParser()
    ap.add_argument("--exact-points", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()

    def timed(f):
        t = time.perf_counter()
        r = f()
        return time.perf_counter() - t, r

    ww = np.geomspace(0.001, 5.0, 50) * GeV
    ex = np.geomspace(0.01, 3.0, a.exact_points) * GeV
    curves.limit_curve("lmu-ltau", ww)                            # warm the tables
    curves.limit_curve("muon-scalar", ex[:1], approx="etl", workers=0)
    rows = {}
    for _ in range(a.repeat):
        t, pair = timed(lambda: curves._dask_client(2, None))
        t_close, _ = timed(lambda p=pair: (p[0].close(), p[1].close()))
        rows.setdefault("cluster start (2 workers)", []).append(t)
        rows.setdefault("cluster close", []).append(t_close)
        t, vec = timed(lambda: curves.limit_curve("lmu-ltau", ww))
        rows.setdefault("WW 50 pts: vectorised (default; --workers now)", []).append(t)
        t, ser = timed(lambda: curves.limit_curve("lmu-ltau", ww, workers=0))
        rows.setdefault("WW 50 pts: point by point here", []).append(t)
        orig = curves._cluster_unused
        curves._cluster_unused = lambda *x: []                    # the old behaviour
        try:
            t, par = timed(lambda: curves.limit_curve("lmu-ltau", ww, workers=2))
        finally:
            curves._cluster_unused = orig
        rows.setdefault("WW 50 pts: 2 workers incl. start (before)", []).append(t)
        assert par["coupling"] == ser["coupling"]
        np.testing.assert_allclose(vec["coupling"], ser["coupling"], rtol=1e-12)
        t, es = timed(lambda: curves.limit_curve("muon-scalar", ex, workers=0, approx="etl"))
        rows.setdefault(f"exact {len(ex)} pts: here", []).append(t)
        curves._cluster_unused = lambda *x: []                    # forced: it would not pay
        try:
            t, ep = timed(lambda: curves.limit_curve("muon-scalar", ex, workers=2, approx="etl"))
        finally:
            curves._cluster_unused = orig
        rows.setdefault(f"exact {len(ex)} pts: 2 workers incl. start", []).append(t)
        assert es["coupling"] == ep["coupling"]
        rows.setdefault("CPU per exact point, malloc default (mucast's workers)", []).append(
            _cpu_per_exact_point(None))
        rows.setdefault("CPU per exact point, MALLOC_TRIM_THRESHOLD_=65536 (Dask)", []).append(
            _cpu_per_exact_point(65536))
    width = max(map(len, rows))
    for k, v in rows.items():
        print(f"{k:{width}s}  " + "  ".join(f"{x:7.3f} s" for x in v))
    r = rows
    print(f"ratio WW 2 workers / vectorised: {np.mean(r['WW 50 pts: 2 workers incl. start (before)']) / np.mean(r['WW 50 pts: vectorised (default; --workers now)']):.0f}")
    k_here, k_par = (f"exact {len(ex)} pts: here", f"exact {len(ex)} pts: 2 workers incl. start")
    print(f"ratio exact here / 2 workers: {np.mean(r[k_here]) / np.mean(r[k_par]):.2f}")
    print("ratio CPU malloc 65536 / default: "
          f"{np.mean(r['CPU per exact point, MALLOC_TRIM_THRESHOLD_=65536 (Dask)']) / np.mean(r['CPU per exact point, malloc default (mucast' + chr(39) + 's workers)']):.2f}")
    print("numbers identical on every path: yes (asserted)")


if __name__ == "__main__":
    main()
