"""Where WW holds for mediator production, measured (issue 16 §5; docs/models.md §2, "Where WW
holds"), and a check of the shipped exact/WW table against exact runs between its nodes.

    nice python validation/ww_domain_table.py [--points 120] [--json FILE]    # ≈ 2–4 min

Reads src/mucast/data/production/ww_correction.csv (scripts/make_ww_correction.py: exact 2→3
vegas against WW for S, P, V, A; C, Fe, Cu, W, Pb; x_min 0, 0.5, 0.8; 10–300 GeV; 1 MeV–0.7 E) and
prints

1. r = σ_exact/σ_WW against the coherence parameter τ = m⁴/(4E² t_d) (vector, x ≥ 0.5) for
   every target and energy — the variable that organises the fall of r;
2. the low-mass plateau 1 − r (m = 1–30 MeV, median of the four spins) per target, energy and
   x_min — set by t_d/m_μ² (the photon's virtuality ~ t_d against the muon line's scale m_μ²);
3. the domain where WW holds within 2% (all four spins, x_min ≤ 0.5): per target and energy the
   largest tabulated mass below which every |r − 1| ≤ 2%, its τ and m/E;
4. held-out checks: ``--points`` random (spin, target, x_min ∈ [0, 0.8], E ∈ [10, 300] GeV,
   m) inside the table, the exact σ run there (rtol 2e-3, seeds not used by the table) against
   :func:`mucast.processes.mediators.ww_domain.ww_correction`: pulls (r_exact − r_table)/σ with
   σ² = uncertainty² + stat_exact², which tests the stated uncertainty;
5. masses below the first node (0.1 and 0.3 MeV): the table's clamp against exact runs.
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import numpy as np

from mucast.constants import M_MU
from mucast.experiments.targets import Target
from mucast.processes.mediators import exact, production
from mucast.processes.mediators.ww_domain import TOLERANCE, _grid, ww_correction
from mucast.units import GeV

SPINS = ("vector", "axial", "scalar", "pseudoscalar")
TARGETS = ("C", "Fe", "Cu", "W", "Pb")
TAUS = (0.01, 0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0)


def exact_ratio(spin, m, E, target, x_min, seed, rtol=2e-3):
    xm = None if x_min == 0 else x_min
    ex = exact.cross_section(spin, m, 1.0, E, target, x_min=xm, rtol=rtol, seed=seed,
                             max_iterations=100)
    ww, _ = production.cross_section_per_g2(np.array([m]), E, target, "ww", xm, spin=spin)
    return ex.value / float(ww[0]), ex.uncertainty / float(ww[0])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=120, help="held-out exact runs")
    ap.add_argument("--json", help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    g = _grid()
    ms, es = np.exp(g.log_m), np.exp(g.log_e)
    out = {}

    print("1. r = sigma_exact/sigma_WW (vector, x >= 0.5) against tau = m^4/(4 E^2 t_d)")
    print("| target | E [GeV] | " + " | ".join(f"τ = {t:g}" for t in TAUS) + " |")
    print("|---|---|" + "---|" * len(TAUS))
    for tg in TARGETS:
        td = Target.from_name(tg).t_d / GeV**2
        for ie, E in enumerate(es):
            r = g.cube[("vector", tg)]["ratio"][1, ie]
            tau = ms**4 / (4 * E**2 * td)
            ok = np.isfinite(r)
            vals = [np.interp(math.log(t), np.log(tau[ok]), r[ok], left=np.nan, right=np.nan)
                    for t in TAUS]
            if E in (10.0, 15.0, 50.0, 160.0, 300.0):
                print(f"| {tg} | {E:g} | " + " | ".join("–" if not np.isfinite(v) else f"{v:.3f}"
                                                         for v in vals) + " |")
            out.setdefault("r_vs_tau", []).append({"target": tg, "energy_GeV": E,
                                                   "tau": list(TAUS), "r": vals})

    print("\n2. low-mass plateau 1 - r (m = 1-30 MeV, median of S, P, V, A)")
    print("| target | t_d/m_μ² | x_min | " + " | ".join(f"{E:g} GeV" for E in es) + " |")
    print("|---|---|---|" + "---|" * len(es))
    for tg in TARGETS:
        T = Target.from_name(tg)
        for ix, x in enumerate(g.x_min):
            d = [1 - np.median(np.concatenate([g.cube[(s, tg)]["ratio"][ix, ie, :4] for s in SPINS]))
                 for ie in range(len(es))]
            print(f"| {tg} | {T.t_d / M_MU**2:.2f} | {x:g} | " + " | ".join(f"{v:.3f}" for v in d) + " |")
            out.setdefault("plateau", []).append({"target": tg, "x_min": float(x), "delta": d})

    print(f"\n3. WW within {TOLERANCE:.0%} (all four spins, x_min in {{0, 0.5}}): largest mass m_2 below"
          " which every tabulated |r - 1| <= 2%")
    print("| target | " + " | ".join(f"{E:g} GeV" for E in es) + " |")
    print("|---|" + "---|" * len(es))
    for tg in TARGETS:
        td = Target.from_name(tg).t_d / GeV**2
        cells = []
        for ie, E in enumerate(es):
            first = np.inf
            for s in SPINS:
                for ix in (0, 1):
                    r = g.cube[(s, tg)]["ratio"][ix, ie]
                    bad = np.flatnonzero(~(np.abs(r - 1.0) <= TOLERANCE))
                    first = min(first, ms[bad[0]] if bad.size else np.inf)
            good = ms[ms < first]
            if not good.size:
                cells.append("none")
                continue
            m2 = good[-1]
            cells.append(f"{m2:g} GeV (τ {m2**4 / (4 * E**2 * td):.2g})")
            out.setdefault("m2", []).append({"target": tg, "energy_GeV": E, "m2_GeV": m2})
        print(f"| {tg} | " + " | ".join(cells) + " |")

    print(f"\n4. held-out exact runs ({args.points}) against the table")
    rng = np.random.default_rng(2024)
    pulls, diffs, rows = [], [], []
    tries = 0
    while len(pulls) < args.points and tries < 20 * args.points:
        tries += 1
        s = SPINS[rng.integers(4)]
        tg = TARGETS[rng.integers(5)]
        x = float(rng.choice([0.0, 0.5, 0.8, rng.uniform(0.0, 0.8)]))
        E = float(np.exp(rng.uniform(math.log(10.0), math.log(300.0))))
        m = float(np.exp(rng.uniform(math.log(1e-3), math.log(0.7 * E))))
        c = ww_correction(s, m * GeV, E * GeV, tg, x)
        if c.status == "outside":
            continue
        r_ex, st = exact_ratio(s, m * GeV, E * GeV, tg, x, seed=10_000_000 + len(pulls))
        p = (r_ex - float(c.ratio)) / math.hypot(float(c.uncertainty), st)
        pulls.append(p)
        diffs.append(r_ex - float(c.ratio))
        rows.append({"spin": s, "target": tg, "x_min": x, "energy_GeV": E, "mass_GeV": m,
                     "r_exact": r_ex, "stat": st, "r_table": float(c.ratio),
                     "uncertainty": float(c.uncertainty), "status": str(c.status), "pull": p})
    pa = np.abs(pulls)
    print(f"   {len(pulls)} points: |pull| < 1: {np.mean(pa < 1):.0%}, < 2: {np.mean(pa < 2):.0%},"
          f" < 3: {np.mean(pa < 3):.0%}; max |pull| {pa.max():.2f}; rms pull {np.sqrt(np.mean(np.square(pulls))):.2f};"
          f" |r_exact - r_table|: median {np.median(np.abs(diffs)):.4f}, max {np.max(np.abs(diffs)):.4f}")
    worst = sorted(rows, key=lambda q: -abs(q["pull"]))[:5]
    for q in worst:
        print(f"   worst: {q['spin']} {q['target']} x_min={q['x_min']:.2f} E={q['energy_GeV']:.1f} GeV"
              f" m={q['mass_GeV']:.4g} GeV: exact {q['r_exact']:.4f} ± {q['stat']:.4f}, table"
              f" {q['r_table']:.4f} ± {q['uncertainty']:.4f} (pull {q['pull']:.2f})")
    out["held_out"] = rows

    print("\n5. below the first node (1 MeV): the table's clamp against exact runs")
    for k, (s, tg, E, x) in enumerate((("vector", "Pb", 160.0, 0.5), ("axial", "W", 15.0, 0.5),
                                       ("scalar", "C", 50.0, 0.0))):
        for m in (1e-4, 3e-4):
            c = ww_correction(s, m * GeV, E * GeV, tg, x)
            r_ex, st = exact_ratio(s, m * GeV, E * GeV, tg, x, seed=20_000_000 + 10 * k + int(m * 1e4))
            print(f"   {s} {tg} {E:g} GeV x_min={x}: m = {m * 1e3:g} MeV exact {r_ex:.4f} ± {st:.4f},"
                  f" table {float(c.ratio):.4f} ± {float(c.uncertainty):.4f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1, default=float)
    return 0


if __name__ == "__main__":
    sys.exit(main())
