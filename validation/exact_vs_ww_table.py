"""The WW-vs-exact table of docs/models.md (issue 11 §2): σ(all x) and σ(x ≥ 0.5) of μN → μN X
for X of spin S, P, V, A, 1 MeV – 3 GeV, 160 GeV muons on Pb, θ_X ≤ 0.1 rad, g = 1.

    python validation/exact_vs_ww_table.py [--rtol 3e-4] [--json FILE]    # ~1 min on one core

WW: mucast.processes.mediators.production (DMG4 / Liu–Miller brackets, t_max = E²). Exact:
mucast.processes.mediators.exact.cross_section (vegas, seeded; stated 1σ error ≤ rtol). Flags
|ETL/WW − 1| > 2 %. Other beams and targets: validation/ww_domain_table.py.
"""

from __future__ import annotations

import argparse
import json
import sys

from mucast.experiments.targets import Target
from mucast.processes.mediators import exact
from mucast.processes.mediators import production
from mucast.units import GeV, MeV, picobarn

E = 160 * GeV
PB = Target.from_name("Pb")
SPINS = ("scalar", "pseudoscalar", "vector", "axial")
MASSES_MEV = (1, 3, 10, 30, 100, 300, 1000, 3000)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtol", type=float, default=3e-4, help="stated relative error of the ETL")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)
    rows = []
    print("| spin | m [MeV] | σ_WW all x [pb] | σ_ETL all x [pb] | ETL/WW | σ_WW x≥0.5 [pb] |"
          " σ_ETL x≥0.5 [pb] | ETL/WW |")
    print("|---|---|---|---|---|---|---|---|")
    seed = 0
    for spin in SPINS:
        for mm in MASSES_MEV:
            cells = [spin, str(mm)]
            row = {"spin": spin, "mass_MeV": mm}
            for xmin in (None, 0.5):
                seed += 1
                ww = production.cross_section(mm * MeV, 1.0, E, PB, x_min=xmin, spin=spin).value
                ex = exact.cross_section(spin, mm * MeV, 1.0, E, PB, x_min=xmin, rtol=args.rtol,
                                         seed=seed, max_iterations=400)
                r, dr = ex.value / ww, ex.uncertainty / ww
                key = "all" if xmin is None else "x05"
                row.update({f"ww_{key}_pb": ww / picobarn, f"etl_{key}_pb": ex.value / picobarn,
                            f"etl_{key}_err_pb": ex.uncertainty / picobarn, f"ratio_{key}": r,
                            f"ratio_{key}_err": dr})
                flag = " **>2%**" if abs(r - 1) > 0.02 else ""
                cells += [f"{ww / picobarn:.5g}",
                          f"{ex.value / picobarn:.5g} ± {ex.uncertainty / picobarn:.2g}",
                          f"{r:.4f} ± {dr:.4f}{flag}"]
            rows.append(row)
            print("| " + " | ".join(cells) + " |", flush=True)
    ratios = [r[k] for r in rows for k in ("ratio_all", "ratio_x05")]
    flagged = sum(abs(x - 1) > 0.02 for x in ratios)
    print(f"\n{len(ratios)} ratios in [{min(ratios):.4f}, {max(ratios):.4f}]; |ETL/WW - 1| > 2%:"
          f" {flagged}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"rtol": args.rtol, "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
