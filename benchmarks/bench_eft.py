#!/usr/bin/env python
"""Benchmark: Table I of seed 000 and a 200-point m_N scan, mucast's engine vs a straightforward
nested scipy.integrate.quad implementation (benchmarks/reference_quad.py), in one run.

Prints, for each quantity, the agreement (relative difference of the yields) and the speed
ratio reference/mucast. The reference is slow (nested adaptive quadrature, tens of seconds per
point), so by default it is run on every ``--ref-stride``-th point of the scan; the per-point
speed ratio is then computed on those points. ``--ref-stride 1`` runs it everywhere (hours).

    python benchmarks/bench_eft.py [--eps 1e-7] [--ref-stride 20] [--skip-reference]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from reference_quad import yield_reference  # noqa: E402

import reference_quad  # noqa: E402
from mucast.experiments import published
from mucast.inference.limits import bound
from mucast.models.eft import EFTModel  # noqa: E402
from mucast.inference.scans import closing_mass, eft_mass_scan
from mucast.units import GeV  # noqa: E402
from mucast.inference.yields import signal_yield


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--eps", type=float, default=1e-7, help="relative tolerance of the reference quad")
    ap.add_argument("--ref-stride", type=int, default=20)
    ap.add_argument("--skip-reference", action="store_true")
    ap.add_argument("--operator", default="LN_22")
    ap.add_argument("--dataset", default="future")
    a = ap.parse_args(argv)
    reference_quad.EPS = a.eps
    entries = [(ds, op) for ds, ops in published.seed000()["table1"].items() for op in ops]

    # warm-up (imports, FC cache, Gauss–Legendre rules), not timed
    bound("LN_22", "2022")

    t0 = time.perf_counter()
    ours = {key: bound(key[1], key[0]).yield_unit for key in entries}
    t_table = time.perf_counter() - t0
    print(f"Table I ({len(entries)} bounds, default conventions): {t_table * 1e3:.1f} ms "
          f"({t_table / len(entries) * 1e3:.2f} ms per entry)")

    masses = np.linspace(0.0, closing_mass(a.operator, a.dataset) * (1 - 1e-3), 200)
    eft_mass_scan.__globals__["_table"].cache_clear()
    t0 = time.perf_counter()
    scan = eft_mass_scan(a.operator, a.dataset, masses)
    t_scan = time.perf_counter() - t0
    print(f"m_N scan ({a.operator}, {a.dataset}, 200 points, incl. tabulation): {t_scan * 1e3:.1f} ms "
          f"({t_scan / 200 * 1e3:.3f} ms per point)")
    t0 = time.perf_counter()
    direct = [signal_yield(EFTModel({a.operator: 1 / GeV**2}, m_N=m), a.dataset).value for m in masses[:: a.ref_stride]]
    t_direct = (time.perf_counter() - t0) / len(direct)
    agree = max(abs(d / s - 1) for d, s in zip(direct, scan.yields[:: a.ref_stride], strict=True))
    print(f"direct engine per point: {t_direct * 1e3:.2f} ms; scan vs direct max |rel diff| = {agree:.1e}")

    if a.skip_reference:
        return 0
    print(f"\nreference: nested scipy.integrate.quad, epsrel = {a.eps:g}")
    worst, ratios = 0.0, []
    for ds, op in entries:
        t0 = time.perf_counter()
        ref = yield_reference(op, ds)
        t_ref = time.perf_counter() - t0
        rel = ours[(ds, op)] / ref - 1
        worst = max(worst, abs(rel))
        ratios.append(t_ref / (t_table / len(entries)))
        print(f"  {ds:8s} {op:10s} ref {ref:.6e}  ours/ref-1 = {rel:+.1e}  t_ref = {t_ref:.1f} s")
    print(f"Table I: max |rel diff| = {worst:.1e}; speed ratio reference/mucast = {statistics.median(ratios):.0f} (median per entry)")
    worst, ratios = 0.0, []
    for m, y in zip(masses[:: a.ref_stride], scan.yields[:: a.ref_stride], strict=True):
        t0 = time.perf_counter()
        ref = yield_reference(a.operator, a.dataset, m / GeV)
        t_ref = time.perf_counter() - t0
        worst = max(worst, abs(y / ref - 1))
        ratios.append(t_ref / (t_scan / 200))
        print(f"  m_N = {m / GeV:.4f} GeV: ours/ref-1 = {y / ref - 1:+.1e}  t_ref = {t_ref:.1f} s")
    print(f"scan: max |rel diff| = {worst:.1e} on {len(ratios)} points; speed ratio reference/mucast ="
          f" {statistics.median(ratios):.0f} per point")
    return 0


if __name__ == "__main__":
    sys.exit(main())
