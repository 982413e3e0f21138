"""The WW-vs-exact tables of docs/alps.md §3 (issue 18 §3): σ(μN → μN a) by photon fusion,
all x and x ≥ 0.5, 1 MeV – 5 GeV, 160 GeV muons on Pb and 15 GeV muons on W, no cut on the
ALP angle (mucast's default for ALPs; ``--theta-max 0.1`` for the mediators' convention);
the exact calculation in both phase spaces (muon variables, and the mediators' emission
variables as a check); the domain scans (lowest ALP boost, lowest ALP energy); the thick-target
secondary ratio of the NA64μ 2022 and M³-like data sets.

    nice python validation/alp_exact_vs_ww.py [--rtol 2e-3] [--theta-max RAD] [--json FILE]  # ~30 s

WW: mucast.processes.alp.fusion. Exact: mucast.processes.alp.exact.cross_section (vegas, seeded,
stated 1σ ≤ rtol). Flags |WW/exact − 1| > 1 %.
"""

from __future__ import annotations

import argparse
import json
import math

import numpy as np

from mucast.processes.alp import exact, fusion, production, secondary
from mucast.units import GeV, picobarn

G = 1e-3 / GeV
SETS = ((160 * GeV, "Pb", (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 5.0)),
        (15 * GeV, "W", (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 2.0, 3.0, 5.0)))


def _cell(ww, ex):
    r, dr = ww / ex.value, ww * ex.uncertainty / ex.value**2
    flag = " **>1%**" if abs(r - 1) > 0.01 else ""
    return r, dr, f"{r:.4f} ± {dr:.4f}{flag}"


def table(rtol, rows, th):
    seed = 0
    for energy, target, masses in SETS:
        print(f"\n{energy / GeV:g} GeV on {target} (σ for g = 1e-3/GeV)\n")
        print("| m [GeV] | σ_WW all x [pb] | σ_exact all x [pb] | WW/exact | σ_WW x≥0.5 [pb] |"
              " σ_exact x≥0.5 [pb] | WW/exact | exact emission/muon (x≥0.5) | WW domain |")
        print("|---|---|---|---|---|---|---|---|---|")
        for m in masses:
            mass = m * GeV
            row = {"energy_GeV": energy / GeV, "target": target, "mass_GeV": m}
            cells = [f"{m:g}"]
            for x_min in (None, 0.5):
                seed += 1
                ww = fusion.cross_section(mass, G, energy, target, x_min=x_min,
                                          theta_max=th).value
                ex = exact.cross_section(mass, G, energy, target, x_min=x_min, rtol=rtol,
                                         seed=seed, max_iterations=200, theta_max=th)
                r, dr, txt = _cell(ww, ex)
                key = "all" if x_min is None else "x05"
                row.update({f"ww_{key}_pb": ww / picobarn, f"exact_{key}_pb": ex.value / picobarn,
                            f"exact_{key}_err_pb": ex.uncertainty / picobarn,
                            f"ratio_{key}": r, f"ratio_{key}_err": dr})
                cells += [f"{ww / picobarn:.5g}",
                          f"{ex.value / picobarn:.5g} ± {ex.uncertainty / picobarn:.2g}", txt]
            seed += 1
            em = exact.cross_section(mass, G, energy, target, x_min=0.5, rtol=rtol, seed=seed,
                                     max_iterations=200, variables="emission", theta_max=th)
            q = em.value / row["exact_x05_pb"] / picobarn
            dq = q * math.hypot(em.uncertainty / em.value,
                                row["exact_x05_err_pb"] / row["exact_x05_pb"])
            row.update({"emission_over_muon_x05": q, "emission_over_muon_x05_err": dq})
            inside = bool(production.ww_domain([mass], energy, 0.5)[0])
            row["ww_domain_x05"] = inside
            cells += [f"{q:.4f} ± {dq:.4f}", "yes" if inside else "no"]
            rows.append(row)
            print("| " + " | ".join(cells) + " |", flush=True)


def scans(rtol, rows, th):
    print("\nlowest ALP boost, x ≥ 0.5 (m = 0.5 E/γ_min)\n")
    print("| E [GeV] | target | γ_min | m [GeV] | WW/exact |")
    print("|---|---|---|---|---|")
    seed = 1000
    for energy, target in ((15 * GeV, "W"), (50 * GeV, "Pb"), (160 * GeV, "Pb")):
        for gam in (40, 20, 12, 8, 6, 4, 3, 2):
            seed += 1
            mass = 0.5 * energy / gam
            ww = fusion.cross_section(mass, G, energy, target, x_min=0.5, theta_max=th).value
            ex = exact.cross_section(mass, G, energy, target, x_min=0.5, rtol=rtol, seed=seed,
                                     theta_max=th)
            r, dr, txt = _cell(ww, ex)
            rows.append({"scan": "gamma_min", "energy_GeV": energy / GeV, "target": target,
                         "gamma_min": gam, "mass_GeV": mass / GeV, "ratio": r, "ratio_err": dr})
            print(f"| {energy / GeV:g} | {target} | {gam} | {mass / GeV:.4g} | {txt} |", flush=True)
    print("\nlowest ALP energy, m = 1 MeV, x ≥ E_min/E\n")
    print("| E [GeV] | target | E_min [GeV] | WW/exact |")
    print("|---|---|---|---|")
    for energy, target in ((15 * GeV, "W"), (160 * GeV, "Pb")):
        for e_min in (0.3, 0.6, 1.0, 1.5, 3.0):
            seed += 1
            x_min = e_min * GeV / energy
            ww = fusion.cross_section(0.001 * GeV, G, energy, target, x_min=x_min,
                                      theta_max=th).value
            ex = exact.cross_section(0.001 * GeV, G, energy, target, x_min=x_min, rtol=rtol,
                                     seed=seed, theta_max=th)
            r, dr, txt = _cell(ww, ex)
            rows.append({"scan": "energy_min", "energy_GeV": energy / GeV, "target": target,
                         "energy_min_GeV": e_min, "ratio": r, "ratio_err": dr})
            print(f"| {energy / GeV:g} | {target} | {e_min:g} | {txt} |", flush=True)


def secondaries(rows, th):
    print("\nthick-target secondary photons: R = secondary/direct (x >= x_min of the data set)\n")
    print("| data set | m [GeV] | R | ± | R (KKP spectrum shape) | direct |")
    print("|---|---|---|---|---|---|")
    for ds, masses in (("2022", (0.001, 0.01, 0.1, 0.3, 1.0, 3.0, 5.0)),
                       ("m3-phase1", (0.001, 0.01, 0.1, 0.3, 1.0, 3.0))):
        r = secondary.secondary_ratio_for(ds, np.array(masses) * GeV, theta_max=th)
        for i, m in enumerate(masses):
            rows.append({"secondary": ds, "mass_GeV": m, "ratio": float(r.ratio[i]),
                         "ratio_err": float(r.uncertainty[i]),
                         "ratio_kkp_shape": float(r.parts["ratio_kkp_shape"][i]),
                         "direct": r.parts["direct_method"][i]})
            print(f"| {ds} | {m:g} | {r.ratio[i]:.4f} | {r.uncertainty[i]:.4f} |"
                  f" {r.parts['ratio_kkp_shape'][i]:.4f} | {r.parts['direct_method'][i]} |")
        print(f"| {ds} | b_brems = {r.parts['b_brems_cm2_g']:.3e} cm²/g (file), mucast coherent"
              f" {r.parts['b_mucast_coherent_cm2_g']:.3e}, file nucleus"
              f" {r.parts['b_file_nucleus_cm2_g']:.3e}; λ_eff = {r.parts['effective_length_cm']:.3f}"
              " cm | | | |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rtol", type=float, default=2e-3, help="stated relative error of the exact")
    ap.add_argument("--theta-max", type=float, default=fusion.THETA_MAX,
                    help="largest ALP angle [rad] (default: none, pi)")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)
    rows = []
    print(f"theta_max = {args.theta_max:g} rad")
    table(args.rtol, rows, args.theta_max)
    scans(args.rtol, rows, args.theta_max)
    secondaries(rows, args.theta_max)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump({"rtol": args.rtol, "theta_max": args.theta_max, "rows": rows}, fh,
                      indent=1)


if __name__ == "__main__":
    main()
