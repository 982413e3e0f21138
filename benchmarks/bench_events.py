"""Benchmark: 10^6 Z' events generated AND passed through the detector model, chunked.

    python benchmarks/bench_events.py [N] [MASS_GeV]

Requirement (issue 4): 1e6 events in < 30 s on 2 cores with bounded memory (chunks of 200k; peak
RSS printed). Also times EFT generation with the exact-|M|² pair angles.
"""

import resource
import sys
import time

import numpy as np

from mucast import detector, events
from mucast.units import GeV


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    mass = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    cfg = detector.DetectorConfig.default()
    t0 = time.perf_counter()
    passed = {t.name: 0 for t in cfg.triggers}
    done = 0
    for i, chunk in enumerate(events.iter_zprime(mass * GeV, n, seed=1, chunk_size=200_000)):
        r = detector.simulate(chunk, cfg, np.random.default_rng([1, i]))
        for t in passed:
            passed[t] += int(r.passed[t].sum())
        done += len(chunk)
    dt = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Z' m = {mass} GeV: {done} events generated + simulated in {dt:.2f} s "
          f"({done / dt:.3g} events/s); passed {passed}; peak RSS {rss:.0f} MB")
    t0 = time.perf_counter()
    ne = 100_000
    events.generate_eft("ll_2233", ne, seed=2)
    dt = time.perf_counter() - t0
    print(f"EFT ll_2233 with exact |M|^2 pair angles: {ne} events in {dt:.2f} s ({ne / dt:.3g}/s)")
    t0 = time.perf_counter()
    events.generate_eft("ll_2233", ne, seed=2, decay=False)
    dt = time.perf_counter() - t0
    print(f"EFT ll_2233 without pair decay: {ne} events in {dt:.2f} s ({ne / dt:.3g}/s)")


if __name__ == "__main__":
    main()
