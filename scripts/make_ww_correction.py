#!/usr/bin/env python
"""Write the exact/WW correction table src/mucast/data/production/ww_correction.csv (issue 16 §5).

For every spin (V, A, S, P), shipped target (C, Fe, Cu, W, Pb), signal-region start
x_min ∈ {0, 0.5, 0.8}, beam energy E ∈ {10 … 300} GeV (10 values) and mediator mass on a fixed
grid of 31 values from 1 MeV to 0.7·E, the ratio

    r = σ_exact(x ≥ x_min) / σ_WW(x ≥ x_min)

of the exact 2→3 tree-level cross section (:func:`mucast.processes.mediators.exact.cross_section`,
vegas, requested relative error ``--rtol``, seeded) to mucast's default WW cross section
(:func:`mucast.processes.mediators.production.cross_section_per_g2`: θ_X ≤ 0.1 rad, t_max = E²),
both at g = 1 (the ratio is independent of g). Both use the same elastic form factor, so r is
the error of the WW approximation alone.

The file stores r per node to 4 decimals (one row per spin, target, x_min and energy; one
column per mass). Every node reached the requested vegas error, so stat(r) ≤ rtol·r (the header
records rtol). The reader (:mod:`mucast.processes.mediators.ww_domain`) derives the
linear-interpolation error from the table's own curvature; validation/ww_domain_table.py checks
the resulting uncertainty against exact runs between the nodes.

Node status: ``ok``; ``below_floor`` (r < 0.05 at this or a lighter mass of the row: WW is wrong by
more than 20×, the coherent cross section is negligible, not run); ``no_phase_space`` (m + M_N +
m_μ ≥ √s: the process is closed for a nucleus of finite mass although WW, which takes the
nucleus infinitely heavy, gives σ > 0); ``not_converged`` (the stated vegas error exceeds
2·rtol after the iteration cap).

Run:  nice python scripts/make_ww_correction.py [--rtol 3e-3] [--quick] [--out FILE]
(≈ 17 min on a shared 2-core machine at rtol = 3e-3; --quick: one spin, one target, for a
smoke test; writes to --out only.)
"""

from __future__ import annotations

import argparse
import datetime
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from mucast import __version__
from mucast._io import atomic_write_text
from mucast.constants import M_MU
from mucast.experiments.targets import Target
from mucast.processes.mediators import exact, production
from mucast.units import GeV

SPINS = ("vector", "axial", "scalar", "pseudoscalar")
TARGETS = ("C", "Fe", "Cu", "W", "Pb")
X_MINS = (0.0, 0.5, 0.8)
#: beam energies (steps of ≈ 1.45) and masses (steps of ≈ 1.3 above 0.7 GeV, where the ratio
#: falls with the loss of coherence; the grid is rectangular in (ln E, ln m))
ENERGIES_GEV = (10.0, 15.0, 22.0, 33.0, 50.0, 75.0, 110.0, 160.0, 230.0, 300.0)
MASSES_GEV = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.35, 0.5, 0.7, 0.9, 1.2, 1.5, 2.0, 2.6, 3.4,
              4.4, 5.7, 7.4, 9.6, 12.5, 16.0, 21.0, 27.0, 35.0, 46.0, 60.0, 78.0, 100.0, 130.0,
              170.0, 210.0)
#: the largest m/E tabulated
REACH_FRACTION = 0.7
#: below this ratio the rest of a row is not run (WW off by > 20×)
FLOOR = 0.05
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "src/mucast/data/production/ww_correction.csv"


def closed(m, E, target):
    """True where μN → μN X is kinematically closed for the finite nucleus mass:
    √s = √(M² + m_μ² + 2ME) ≤ m + M + m_μ (energies in hepunits)."""
    M = target.atomic_mass
    return math.sqrt(M * M + M_MU * M_MU + 2.0 * M * E) <= m + M + M_MU


def run_row(spin, tgt, x_min, E_GeV, rtol, seed0):
    E = E_GeV * GeV
    masses = [m for m in MASSES_GEV if m <= REACH_FRACTION * E_GeV]
    xm = None if x_min == 0.0 else x_min
    ww, _ = production.cross_section_per_g2(np.array(masses) * GeV, E, tgt, "ww", xm, spin=spin)
    rows, dead = [], False
    for i, m in enumerate(masses):
        row = {"mass_GeV": m, "ratio": float("nan"), "stat": float("nan")}
        if closed(m * GeV, E, tgt):
            row["status"] = "no_phase_space"
        elif dead:
            row["status"] = "below_floor"
        else:
            r = exact.cross_section(spin, m * GeV, 1.0, E, tgt, x_min=xm, rtol=rtol,
                                    seed=seed0 + i, max_iterations=60)
            ratio, stat = r.value / ww[i], r.uncertainty / ww[i]
            row.update(ratio=ratio, stat=stat)
            if not (math.isfinite(ratio) and r.uncertainty <= 2.0 * rtol * abs(r.value)):
                row["status"] = "not_converged"
            elif ratio < FLOOR:
                row["status"] = "below_floor"
            else:
                row["status"] = "ok"
            dead = ratio < FLOOR
        rows.append(row)
    return rows


def git_commit():
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, cwd=Path(__file__).parent, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtol", type=float, default=3e-3, help="requested relative error of each exact σ")
    ap.add_argument("--quick", action="store_true", help="vector on W only (smoke test)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    spins = ("vector",) if args.quick else SPINS
    targets = ("W",) if args.quick else TARGETS
    t0 = time.perf_counter()
    table = []
    seed = 0
    for spin in spins:
        for tname in targets:
            tgt = Target.from_name(tname)
            for x_min in X_MINS:
                for E in ENERGIES_GEV:
                    for row in run_row(spin, tgt, x_min, E, args.rtol, seed):
                        table.append({"spin": spin, "target": tname, "x_min": x_min,
                                      "energy_GeV": E, **row})
                    seed += 100
                    print(f"{spin:12s} {tname:2s} x_min={x_min} E={E:g} GeV  "
                          f"{time.perf_counter() - t0:6.0f} s", flush=True)
    head = [
        "# exact/WW ratio r = sigma_exact(x >= x_min) / sigma_WW(x >= x_min) of mu N -> mu N X at g = 1, one row per"
        " (spin, target, x_min, beam energy), one column per mediator mass [GeV]",
        "# written by scripts/make_ww_correction.py; read by mucast.processes.mediators.ww_domain. DERIVED (exact engine), not measured",
        f"# mucast {__version__}, git {git_commit()}, {datetime.date.today().isoformat()}; "
        "exact: mucast.processes.mediators.exact.cross_section (vegas, method 'fast', seeded); "
        "WW: production.cross_section_per_g2 defaults (theta_X <= 0.1 rad, t_max = E^2); both with the elastic form factor",
        f"# rtol: {args.rtol:g}   (requested relative vegas error of each exact sigma; every node reached it: stat(r) <= rtol * r)",
        "# cells: r | empty (m > 0.7 E, not tabulated) | f (below floor: r < 0.05 here or at a lighter mass) "
        "| p (no phase space: m + M_N + m_mu >= sqrt(s)) | n (not converged)",
        "# x_min = 0 means the whole range x > m/E",
        "spin,target,x_min,energy_GeV," + ",".join(f"{m:g}" for m in MASSES_GEV),
    ]
    code = {"below_floor": "f", "no_phase_space": "p", "not_converged": "n"}
    by_line = {}
    for r in table:
        key = (r["spin"], r["target"], r["x_min"], r["energy_GeV"])
        by_line.setdefault(key, {})[r["mass_GeV"]] = (
            f"{r['ratio']:.4f}" if r["status"] == "ok" else code[r["status"]])
    lines = [f"{s},{t},{x:g},{E:g}," + ",".join(cells.get(m, "") for m in MASSES_GEV)
             for (s, t, x, E), cells in by_line.items()]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, "\n".join(head + lines) + "\n")
    ok = [r for r in table if r["status"] == "ok"]
    print(f"{len(table)} nodes ({len(ok)} ok) in {time.perf_counter() - t0:.0f} s -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
