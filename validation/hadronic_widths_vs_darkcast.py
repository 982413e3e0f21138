#!/usr/bin/env python3
"""The dark photon's hadronic width in mucast (PDG R ratio, mucast.models.hadrons) against
DarkCast (Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004, arXiv:1801.04847; its vector-meson-
dominance fits below ~1.7 GeV and perturbative quarks above).

DarkCast is GPL: it is *run* outside this repository and only its numbers are read here. To
produce them, with a DarkCast checkout importable as ``darkcast`` (we used the archived
philten/darkcast master, commit d627d13, via the public mirror micha-a-schmidt/darkcast): for each
mass m [GeV] write {"m": m, "e_e": ..., "mu_mu": ..., "hadrons": ..., "c_c": ..., "b_b": ...}
with ``darkcast.Model("dark_photon").width(state, m)`` (widths at ε = 1, GeV) into a JSON list.

Usage:  python validation/hadronic_widths_vs_darkcast.py DARKCAST.json   (markdown table, as in
docs/validation.md)

Prints, per mass: R_mucast ± σ_R (data), Γ_had/Γ_μμ of both, Br(ee), Br(μμ), Br(hadrons) of
both, the relative difference of Γ_had and its size in units of mucast's data uncertainty; and
a summary (median and largest |ΔΓ_had/Γ_had| in mass ranges).
"""
from __future__ import annotations

import argparse
import json

import numpy as np

from mucast.models import hadrons
from mucast.models.mediator import get_model
from mucast.units import GeV


def compare(rows):
    dp = get_model("dark-photon")
    out = []
    for r in rows:
        m = r["m"] * GeV
        w = {k: float(v) / GeV for k, v in dp.widths(m, 1.0).items()}
        had_dc = r["hadrons"] + r.get("c_c", 0.0) + r.get("b_b", 0.0)
        vis_dc = r["e_e"] + r["mu_mu"] + r.get("tau_tau", 0.0) + had_dc
        vis = w["e"] + w["mu"] + w["tau"] + w["hadrons"]
        rr = float(hadrons.r_ratio(m))
        dr = float(hadrons.r_ratio_uncertainty(m))
        out.append({
            "m": r["m"], "R": rr, "dR": dr,
            "had_over_mumu": w["hadrons"] / w["mu"] if w["mu"] > 0 else None,
            "had_over_mumu_dc": had_dc / r["mu_mu"] if r["mu_mu"] > 0 else None,
            "br_ee": w["e"] / vis, "br_ee_dc": r["e_e"] / vis_dc,
            "br_mumu": w["mu"] / vis, "br_mumu_dc": r["mu_mu"] / vis_dc,
            "br_had": w["hadrons"] / vis, "br_had_dc": had_dc / vis_dc,
            "ee_rel": w["e"] / r["e_e"] - 1.0,
            "mumu_rel": (w["mu"] / r["mu_mu"] - 1.0) if r["mu_mu"] > 0 else 0.0,
            "had_rel": (w["hadrons"] / had_dc - 1.0) if had_dc > 0 else None,
            "had_pull": ((w["hadrons"] - had_dc) / (w["hadrons"] * dr / rr)
                         if had_dc > 0 and rr > 0 else None),
        })
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("darkcast_json")
    args = ap.parse_args()
    with open(args.darkcast_json) as fh:
        rows = json.load(fh)
    res = compare(rows)
    show = [0.3, 0.4, 0.5, 0.6, 0.7, 0.775, 0.782, 0.8, 0.9, 1.0, 1.019, 1.2, 1.5, 2.0, 2.5,
            3.0, 3.5, 4.0, 4.5, 5.0]
    print("| m [GeV] | R (mucast) | Γ_had/Γ_μμ mucast | DarkCast | Br(ee) mucast / DarkCast |"
          " Br(μμ) mucast / DarkCast | Br(had) mucast / DarkCast | ΔΓ_had/Γ_had | in σ_R |")
    print("|---|---|---|---|---|---|---|---|---|")
    for x in res:
        if not any(abs(x["m"] - s) < 1e-9 for s in show):
            continue
        hm = "–" if x["had_over_mumu"] is None else f"{x['had_over_mumu']:.3f}"
        hd = "–" if x["had_over_mumu_dc"] is None else f"{x['had_over_mumu_dc']:.3f}"
        rel = "–" if x["had_rel"] is None else f"{x['had_rel']:+.3f}"
        pull = "–" if x["had_pull"] is None else f"{x['had_pull']:+.1f}"
        print(f"| {x['m']:g} | {x['R']:.3f} ± {x['dR']:.3f} | {hm} | {hd} |"
              f" {x['br_ee']:.3f} / {x['br_ee_dc']:.3f} | {x['br_mumu']:.3f} / {x['br_mumu_dc']:.3f}"
              f" | {x['br_had']:.3f} / {x['br_had_dc']:.3f} | {rel} | {pull} |")
    print()
    lep = max(max(abs(x["ee_rel"]), abs(x["mumu_rel"])) for x in res)
    print(f"leptonic widths: largest |mucast/DarkCast - 1| = {lep:.2e} over {len(res)} masses")
    for lo, hi in ((0.3, 0.7), (0.7, 0.86), (0.86, 1.1), (1.1, 1.7), (1.7, 3.7), (3.7, 5.01)):
        sel = [x for x in res if lo <= x["m"] < hi and x["had_rel"] is not None]
        if not sel:
            continue
        rel = np.array([abs(x["had_rel"]) for x in sel])
        pull = np.array([abs(x["had_pull"]) for x in sel])
        dbr = np.array([abs(x["br_had"] - x["br_had_dc"]) for x in sel])
        print(f"{lo:.2f}-{hi:.2f} GeV ({len(sel)} masses): |dGamma_had/Gamma_had| median"
              f" {np.median(rel):.3f}, max {rel.max():.3f} at {sel[int(rel.argmax())]['m']:.4g} GeV;"
              f" |pull| median {np.median(pull):.1f}, max {pull.max():.1f};"
              f" |dBr(had)| max {dbr.max():.3f}")


if __name__ == "__main__":
    main()
