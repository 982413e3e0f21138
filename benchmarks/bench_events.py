"""Benchmark: 10^6 Z' events generated AND passed through the detector model, chunked; EFT events
with the exact-|M|² pair angles, before/after the quadratic-form proposals, in the same run.

    python benchmarks/bench_events.py [N] [MASS_GeV] [N_EFT]

Requirement (issue 4): 1e6 events in < 30 s on 2 cores with bounded memory (chunks of 200k; peak
RSS printed).

EFT (N_EFT events, default 30 000, per operator ll_2233 and LNLe_2222 at m_N = 0.3 GeV; best of 3,
repetitions interleaved so that a change of machine load hits all variants alike):
* "before": ``EP._PAIR_METHOD = "direct"`` — the pair angles as before: 9-probe fit and every
  accept–reject proposal from the explicit spinors (the reference implementation kept in
  mucast.events; it gives the same events bit for bit as the code before the change, checked on
  5 × 2 samples of 50 000 events);
* "after": the default — the quadratic form c0 + c·n + nᵀQn computed from the amplitudes,
  evaluated at every proposal, with the explicit-spinor safety check on 64 events per chunk;
* "no decay": ``decay=False`` (no pair angles; the floor of both).
Printed: events/s of each, the speed ratio after/before, and whether the two samples are
identical (every four-vector array bit for bit).
"""

import resource
import sys
import time

import numpy as np

from mucast.events import detector
from mucast import events
from mucast.events import pair_angles as EP
from mucast.units import GeV

EFT_CASES = (("ll_2233", {}), ("LNLe_2222", {"m_N": 0.3 * GeV}))
FIELDS = ("mu", "system", "nucleus", "x", "k", "u", "t", "d1", "d2")


def _zprime(n, mass):
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


def _eft_once(op, kw, n, variant):
    old = EP._PAIR_METHOD
    EP._PAIR_METHOD = "direct" if variant == "before" else "quadratic"
    try:
        t0 = time.perf_counter()
        ev = events.generate_eft(op, n, seed=2, decay=variant != "no decay", **kw)
        return time.perf_counter() - t0, ev
    finally:
        EP._PAIR_METHOD = old


def _eft(n, reps=3):
    for op, kw in EFT_CASES:
        best = {v: float("inf") for v in ("before", "after", "no decay")}
        samples = {}
        for _ in range(reps):
            for v in best:
                dt, ev = _eft_once(op, kw, n, v)
                best[v] = min(best[v], dt)
                samples[v] = ev
        same = all(np.array_equal(getattr(samples["before"], f), getattr(samples["after"], f))
                   for f in FIELDS)
        info = samples["after"].info
        label = op + (f" (m_N = {kw['m_N'] / GeV:g} GeV)" if kw else "")
        rate = {v: n / t for v, t in best.items()}
        print(f"EFT {label}, {n} events, best of {reps}: with pair angles before "
              f"{rate['before']:.3g}/s, after {rate['after']:.3g}/s -> speed ratio "
              f"{best['before'] / best['after']:.1f}; without pair decay {rate['no decay']:.3g}/s; "
              f"samples identical: {same}; envelope violations {info['envelope_violations']}; "
              f"safety check {info['pair_check_points']} points, max dev "
              f"{info['pair_check_max_dev']:.1e} of the envelope")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    mass = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1
    n_eft = int(sys.argv[3]) if len(sys.argv) > 3 else 30_000
    if n > 0:
        _zprime(n, mass)
    _eft(n_eft)


if __name__ == "__main__":
    main()
