#!/usr/bin/env python
"""Write mucast's default EFT acceptance tables κ(k): detector-model shape × one calibrated level.

    python scripts/calibrate_derived.py            # writes src/mucast/data/acceptance/{2022,2023-24,future}.csv
    python scripts/calibrate_derived.py --check    # recompute and compare (exit 1 on change)

Issue 4: "EFT and Z′ yields take the derived shapes by default; any remaining overall level that
the model cannot predict stays a documented calibration." The shapes are the fast-simulation
tables ``derived_*.csv`` (``python -m mucast.events.acceptance_model``, docs/detector_model.md), whose
own level ε_cal = 0.816 is fixed by seed 001's "signal efficiency peaks at ~12%". Each default κ
table is such a shape times ONE factor s, a CALIBRATION:

* 2022: s = 1, the model level. No 2022 EFT number is published; the EFT yield comes from
  √k² ≳ 0.3 GeV, the region of seed 001's 12% statement. All 2022 EFT numbers are predictions.
* 2023-24, future: s = median of the factors that reproduce each Table I entry of seed 000 for
  the data set with the seed's literal conventions (conventions="paper", N_up = FC(0, 0) =
  2.4359), as scripts/calibrate_acceptance.py does for the flat approximation. For the future
  data set the median would need κ > 1 at its peak; s is then capped so that max κ = 1 (a
  probability) and the future bounds end up above the Table I entries (ratio in the header).

The Z′ efficiencies are NOT switched (docs/detector_model.md §5): the factor that would put the
2022 Z′ limit on the published g−2 crossing at 40 MeV is computed and printed here as the measure
of the model's tension with seed 001 (0.25: the model's low-mass efficiency relative to its
12% peak is 4× what the published limit implies).

Each table's header carries the shape's provenance, the factor, what fixed it and the residuals.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

from mucast import experiments
from mucast.models import gm2
from mucast.experiments import published
from mucast.inference import stats
from mucast.inference import mediators as zl
from mucast.experiments.selection import Trigger
from mucast._io import atomic_write_text
from mucast.experiments.acceptance import AcceptanceTable, EfficiencyTable
from mucast.models.eft import EFTModel
from mucast.units import GeV, MeV
from mucast.inference.yields import signal_yield

OUT = Path(__file__).resolve().parents[1] / "src" / "mucast" / "data" / "acceptance"
DATASETS = ("2022", "2023-24", "future")
#: Feldman–Cousins 90% CL upper limit for n = 0, b = 0 (the seed's 2.44), as in mucast.inference.limits
N_UP_SEED = stats.feldman_cousins_upper_limit(0, 0.0, 0.9)
TABLE_I = published.seed000()["table1"]
CROSSING_MASS = 40 * MeV
CMD = "python scripts/calibrate_derived.py"


def table1_factors(ds: str, derived_exp) -> dict:
    """Factor on the model κ that reproduces each Table I entry (paper conventions)."""
    out = {}
    for op, b in TABLE_I[ds].items():
        y = signal_yield(EFTModel({op: b / GeV**2}), derived_exp, conventions="paper").value
        out[op] = N_UP_SEED / y
    return out


def zprime_setup_scaled(derived_exp, factor):
    z = zl.setup(derived_exp)
    # the vector column only: the crossing is that of the L_mu-L_tau Z' (a vector)
    trig = tuple(Trigger(t.name, t.mot, EfficiencyTable(
        {"vector": t.efficiency.for_spin("vector").scaled(factor)}, t.efficiency.source))
        for t in z.triggers)
    return zl.SignalSetup(**{**z.__dict__, "triggers": trig})


def crossing_factor(derived_2022):
    """Factor on the 2022 model ε^t that puts the L_μ−L_τ (vector) limit on the g−2 band centre
    at 40 MeV."""
    g_band = float(gm2.gm2_band([CROSSING_MASS]).g_central[0])
    cap = 1.0 / max(float(t.efficiency.for_spin("vector").value.max())
                    for t in zl.setup(derived_2022).triggers)

    def f(log_s):
        s = zprime_setup_scaled(derived_2022, float(np.exp(log_s)))
        return np.log(zl.coupling_limit("lmu-ltau", CROSSING_MASS, s).coupling / g_band)

    s = float(np.exp(brentq(f, np.log(1e-3), np.log(cap), xtol=1e-12)))
    g = zl.coupling_limit("lmu-ltau", CROSSING_MASS, zprime_setup_scaled(derived_2022, s)).coupling
    return s, g_band, g


def calibrate() -> dict:
    """All factors, with the numbers that fixed them."""
    res = {}
    d22 = experiments.with_tables("2022", "derived")
    s_z22, g_band, g_cal = crossing_factor(d22)
    res["2022"] = {"eft": 1.0, "zprime_tension": s_z22, "g_band_40MeV": g_band,
                   "g_limit_40MeV": g_cal}
    for ds in ("2023-24", "future"):
        d = experiments.with_tables(ds, "derived")
        fac = table1_factors(ds, d)
        med = statistics.median(fac.values())
        cap = 1.0 / float(d.acceptance.value.max())
        s = min(med, cap)
        res[ds] = {"eft": s, "eft_median": med, "eft_cap": cap, "table1_factors": fac}
    return res


def _header(shape_table: AcceptanceTable, lines: list[str]) -> str:
    shape = [f"shape: {ln}" for ln in shape_table.provenance.splitlines()
             if not ln.startswith(("calibration:", "(scaled"))]
    return "\n".join([f"provenance: mucast default table = detector-model shape x one calibrated"
                      f" factor, written by `{CMD}` (see its docstring)"] + lines + shape)


def tables(res: dict) -> dict:
    """file name -> CSV text of every default κ table."""
    out = {}
    for ds in DATASETS:
        d = experiments.with_tables(ds, "derived")
        r = res[ds]
        if ds == "2022":
            eft_lines = ["calibration: factor 1 on the model kappa (eps_cal = 0.8156 from seed 001's"
                         " 12% efficiency peak); no 2022 EFT number is published: all 2022 EFT"
                         " bounds are predictions"]
        else:
            eft_lines = [f"calibration: factor {r['eft']:.5g} on the model kappa = median of the"
                         " factors reproducing the Table I entries of seed 000 for this data set"
                         " (conventions='paper', N_up = FC(0,0) = 2.4359)"]
            if r["eft"] < r["eft_median"]:
                eft_lines.append(
                    f"cap: the median {r['eft_median']:.5g} would take kappa above 1 (peak"
                    f" {r['eft_median'] / r['eft_cap']:.3f}); capped at max kappa = 1, so the Table I"
                    f" entries are not reached: bounds x{(r['eft_median'] / r['eft']) ** 0.5:.3f}")
            for op, v in r["table1_factors"].items():
                eft_lines.append(f"residual: {op}: factor {v:.5g}, bound ratio ours/seed"
                                 f" {(v / r['eft']) ** 0.5:.3f}")
        kappa = d.acceptance.scaled(r["eft"])
        kappa = AcceptanceTable(kappa.x, kappa.value, kappa.columns,
                                _header(d.acceptance, eft_lines), f"acceptance/{ds}.csv")
        out[f"{ds}.csv"] = kappa.to_csv()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="compare with the shipped tables")
    args = ap.parse_args(argv)
    res = calibrate()
    for ds in DATASETS:
        r = res[ds]
        print(f"[{ds}] EFT factor {r['eft']:.5g}"
              + (f"  (median {r['eft_median']:.5g}, cap {r['eft_cap']:.5g})" if "eft_median" in r else ""))
    print(f"Z' tension (not applied): factor {res['2022']['zprime_tension']:.4f} on the 2022 model"
          f" efficiencies puts the limit on the g-2 band centre at 40 MeV"
          f" (g = {res['2022']['g_band_40MeV']:.4e})")
    changed = False
    for name, text in tables(res).items():
        path = OUT / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"    differs from shipped {path}")
                changed = True
        else:
            atomic_write_text(path, text)
            AcceptanceTable.from_file(path)          # round trip: the file is valid
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
