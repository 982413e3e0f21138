#!/usr/bin/env python
"""Every number of both seeds beside mucast's, for each acceptance table set (docs/validation.md).

    python scripts/validation_numbers.py            # markdown tables on stdout
    python scripts/validation_numbers.py --json     # the same numbers as one JSON object

Table sets (mucast.experiments.TABLE_SETS): ``approx`` = the mucast 0.1 approximations ("before"),
``shipped`` = the default since 0.2, detector-model shapes with calibrated levels ("after"),
``derived`` = the detector-model tables at the model's own level (for reference).
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from mucast import experiments
from mucast.models import gm2
from mucast.experiments import published
from mucast.inference import mediators as zl
from mucast.inference.limits import bound, smeft_plane, trident_combination
from mucast.outputs.report import table1
from mucast.units import GeV, MeV

SETS = ("approx", "shipped", "derived")
S0 = published.seed000()
S1 = published.seed001()["statements"]


def eft_numbers(ts: str) -> dict:
    fut = experiments.with_tables("future", ts)
    out = {"table1": {}}
    for conv in ("paper", "default"):
        for r in table1(conv, acceptance=ts):
            key = f"{r['dataset']} {r['operator']}"
            e = out["table1"].setdefault(key, {"seed": r["seed"], "status": None})
            e[f"ours_{conv}"] = r["ours"]
            e[f"Lambda_{conv}_GeV"] = r["Lambda_GeV"]
            if conv == "paper":
                e["status"] = r["status"]
        q = smeft_plane("tau", fut, conventions=conv)
        t = trident_combination(fut, conventions=conv)
        out[f"eq23_{conv}"] = {"R_GeV4": q.R * GeV**4, "cross_term": q.h}
        out[f"eq24_{conv}"] = {"c_LL_max": t.c_ll_max * GeV**2, "c_Le_max": t.c_le_max * GeV**2}
    e22 = experiments.with_tables("2022", ts)
    out["eft_2022_default"] = {op: bound(op, e22).bound * GeV**2
                               for op in ("ll_2233", "le_3322", "eN_22", "LN_22", "LNLe_2222")}
    return out


def zprime_numbers(ts: str) -> dict:
    d = experiments.with_tables("2022", ts)
    out = {}
    g40 = zl.coupling_limit("lmu-ltau", 40 * MeV, d).coupling
    out["g_40MeV"] = g40
    out["g_band_40MeV"] = float(gm2.gm2_band([40 * MeV]).g_central[0])
    win = np.geomspace(7 * MeV, 38 * MeV, 8)
    gw = zl.coupling_limit_scan("lmu-ltau", win, d).coupling
    out["window_7_38MeV"] = [float(gw.min()), float(gw.max())]
    out["window_above_band"] = bool(np.all(gw > gm2.gm2_band(win).g_central))
    ms = np.geomspace(41 * MeV, 3 * GeV, 240)
    g = zl.coupling_limit_scan("lmu-ltau", ms, d).coupling
    below = g < gm2.gm2_band(ms).g_central
    out["below_band_from_GeV"] = float(ms[np.argmax(below)] / GeV) if below.any() else None
    out["below_band_to_GeV"] = (float(ms[len(below) - 1 - np.argmax(below[::-1])] / GeV)
                                if below.any() else None)
    out["below_band_contiguous"] = bool(below.any() and below[np.argmax(below):
                                        len(below) - np.argmax(below[::-1])].all())
    for mm in (10, 100, 1000):
        out[f"g_{mm}MeV"] = zl.coupling_limit("lmu-ltau", mm * MeV, d).coupling
    mchi = np.array([5, 10, 20, 40]) * MeV
    out["y_mchi_5_10_20_40MeV"] = zl.coupling_limit_scan(zl.legacy_zprime_model("dark"), 3 * mchi, d).y.tolist()
    mf = np.geomspace(1 * MeV, 3 * GeV, 300)
    fe = zl.final_efficiency(mf, d)
    out["final_eff_peak"] = float(fe.max())
    out["final_eff_peak_at_GeV"] = float(mf[np.argmax(fe)] / GeV)
    out["final_eff_10MeV"] = float(zl.final_efficiency(np.array([10 * MeV]), d)[0])
    return out


def collect() -> dict:
    return {ts: {"eft": eft_numbers(ts), "zprime": zprime_numbers(ts)} for ts in SETS}


def _f(v, fmt=".3g"):
    return "—" if v is None else format(v, fmt)


def markdown(res: dict) -> str:
    a, s, dv = (res[k] for k in SETS)
    L = ["### Table I (90% CL, GeV⁻²; ratio ours/seed; paper conventions | default)", "",
         "| entry | seed | before (approx) | after (shipped) | status after | derived (model level) |",
         "|---|---|---|---|---|---|"]
    for key, e in s["eft"]["table1"].items():
        cells = []
        for r in (a, s, dv):
            x = r["eft"]["table1"][key]
            cells.append(f"{x['ours_paper'] / x['seed']:.3f} \\| {x['ours_default'] / x['seed']:.3f}")
        L.append(f"| {key} | {e['seed']:.2g} | {cells[0]} | {cells[1]} | {e['status']} | {cells[2]} |")
    L += ["", "### Eqs. (23), (24), Λ (future; paper conventions | default)", "",
          "| quantity | seed | before (approx) | after (shipped) | derived |", "|---|---|---|---|---|"]

    def pair(r, sec, k, fmt=".3g"):
        return f"{_f(r['eft'][f'{sec}_paper'][k], fmt)} \\| {_f(r['eft'][f'{sec}_default'][k], fmt)}"

    L.append(f"| R [GeV⁻⁴] | {S0['eq23']['R_GeV4']:.2g} | " + " | ".join(pair(r, "eq23", "R_GeV4") for r in (a, s, dv)) + " |")
    L.append(f"| cross term | {S0['eq23']['cross_term']:.2g} | " + " | ".join(pair(r, "eq23", "cross_term", ".2f") for r in (a, s, dv)) + " |")
    L.append(f"| c_LL max [GeV⁻²] | {S0['eq24']['c_LL_max']:.2g} | " + " | ".join(pair(r, "eq24", "c_LL_max") for r in (a, s, dv)) + " |")
    L.append(f"| c_Lℓ max [GeV⁻²] | {S0['eq24']['c_Le_max']:.2g} | " + " | ".join(pair(r, "eq24", "c_Le_max") for r in (a, s, dv)) + " |")
    for key, lab, seedv in (("future ll_2233", "Λ SMEFT [GeV]", f"≳ {S0['scales']['smeft_future_GeV']:g}"),
                            ("future LN_22", "Λ νSMEFT [GeV]", f"≳ {S0['scales']['nusmeft_future_GeV']:g}")):
        cells = [f"{r['eft']['table1'][key]['Lambda_paper_GeV']:.1f} \\| {r['eft']['table1'][key]['Lambda_default_GeV']:.1f}"
                 for r in (a, s, dv)]
        L.append(f"| {lab} | {seedv} | " + " | ".join(cells) + " |")
    L += ["", "### 2022 EFT bounds (default conventions, m_N → 0; no published number)", "",
          "| operator | before (approx) | after (shipped) | derived |", "|---|---|---|---|"]
    for op in s["eft"]["eft_2022_default"]:
        L.append(f"| {op} | " + " | ".join(f"{r['eft']['eft_2022_default'][op]:.3g}" for r in (a, s, dv)) + " |")
    L += ["", "### Seed 001 (2022 Z′, asymptotic CLs)", "",
          "| statement | seed | before (approx) | after (shipped) | derived |", "|---|---|---|---|---|"]
    z = [r["zprime"] for r in (a, s, dv)]
    L.append(f"| g limit at 40 MeV (band centre {z[1]['g_band_40MeV']:.3g}) | crossing at ≈ 40 MeV | " + " | ".join(_f(x["g_40MeV"]) for x in z) + " |")
    L.append("| g limit 7–38 MeV, above the band | ≲ 6e-4, viable | " + " | ".join(f"{_f(x['window_7_38MeV'][0])}–{_f(x['window_7_38MeV'][1])}, {'yes' if x['window_above_band'] else 'no'}" for x in z) + " |")
    L.append("| limit below the band centre | above ≈ 40 MeV | " + " | ".join(
        f"{_f(x['below_band_from_GeV'] and x['below_band_from_GeV'] * 1e3, '.0f')} MeV – {_f(x['below_band_to_GeV'], '.2g')} GeV" for x in z) + " |")
    for mm in (10, 100, 1000):
        L.append(f"| g limit at {mm} MeV | — | " + " | ".join(_f(x[f'g_{mm}MeV']) for x in z) + " |")
    L.append(f"| y at m_χ = 5/10/20/40 MeV | ≲ {S1['thermal_y_max']:g} | " + " | ".join(
        "/".join(f"{v:.2g}" for v in x["y_mchi_5_10_20_40MeV"]) for x in z) + " |")
    L.append(f"| final efficiency peak (position) | ~{S1['max_signal_efficiency']:g} for 0.1–1 GeV | " + " | ".join(
        f"{x['final_eff_peak']:.3f} ({x['final_eff_peak_at_GeV']:.2g} GeV)" for x in z) + " |")
    L.append("| final efficiency at 10 MeV | — | " + " | ".join(f"{x['final_eff_10MeV']:.4f}" for x in z) + " |")
    return "\n".join(L) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    res = collect()
    print(json.dumps(res, indent=1) if args.json else markdown(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
