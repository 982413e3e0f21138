"""Signal efficiencies per spin (issue 16 §4): how much the limits move when each spin's own
efficiency column replaces the vector's, and how much of the change comes from the x spectrum
and how much from the muon angles.

    python validation/spin_efficiency.py [--events 200000] [--json FILE]     # ~3 min on one core

1. Limits (90% CL, the default method cls-asymptotic, on shell; the presets muon-axial,
   muon-scalar, muon-pseudoscalar with every decay counted invisible (``decays="invisible"``), so
   that g ∝ ε^(−1/2) exactly and the efficiency is the only change) with each spin's
   column ("new") against the vector column used for every spin ("old", mucast ≤ 0.3), for the
   2022, 2023-24 and future data sets, 0.01–5 GeV, both the default tables (the p_out-step model
   of scripts/make_zprime_efficiencies.py, `--acceptance shipped`/`approx`) and the detector-model
   tables (`--acceptance derived`).
2. Angles versus the x spectrum (detector model, 2022, MOT-weighted over the two triggers): for
   each spin s and mass, ε_s from events of spin s (the table column), ε_s^x from the *vector*
   events reweighted by the ratio of the x spectra (dσ_s/dx)/(dσ_V/dx) only — the efficiency the
   spin would have if only its x spectrum differed — and ε_s^rw from the vector events reweighted
   by the full density ratio in (x, ln|ũ|), which must reproduce ε_s (a check of the generator).
   The x-spectrum effect is ε_s^x/ε_V − 1, the angle effect ε_s/ε_s^x − 1.

The vector events and the spin-s events use the random streams of the shipped tables
(mucast.events.acceptance_model._seeds), so ε_V and ε_s are the table values.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from mucast import experiments
from mucast.constants import ALPHA, M_MU
from mucast.events import acceptance_model as AM
from mucast.events import densities as ED
from mucast.events import detector as D
from mucast.events import generate_zprime
from mucast.experiments.acceptance import EfficiencyTable
from mucast.experiments.selection import SignalSetup, Trigger
from mucast.experiments.targets import Target
from mucast.inference import mediators as M
from mucast.processes.mediators import production as P
from mucast.units import GeV

PRESETS = {"axial": "muon-axial", "scalar": "muon-scalar", "pseudoscalar": "muon-pseudoscalar"}
DATASETS = ("2022", "2023-24", "future")
MASSES = np.geomspace(0.01, 5.0, 61) * GeV
WINDOW = (0.1 * GeV, 0.4 * GeV)      # the 0.1-0.4 GeV


def vector_for_every_spin(s: SignalSetup) -> SignalSetup:
    """mucast ≤ 0.3: the vector column for every spin."""
    trig = tuple(Trigger(t.name, t.mot, EfficiencyTable(
        {"efficiency": t.efficiency.tables["vector"]}, t.efficiency.source)) for t in s.triggers)
    return SignalSetup(**{**s.__dict__, "triggers": trig})


def limit_changes() -> dict:
    out = {}
    for table_set in ("shipped", "derived"):
        for ds in DATASETS:
            new = M.setup(experiments.with_tables(ds, table_set))
            old = vector_for_every_spin(new)
            for spin, preset in PRESETS.items():
                gn = M.coupling_limit_scan(preset, MASSES, new, decays="invisible").coupling
                go = M.coupling_limit_scan(preset, MASSES, old, decays="invisible").coupling
                r = gn / go
                ok = np.isfinite(r)
                i = int(np.nanargmax(np.where(ok, np.abs(r - 1), np.nan)))
                win = ok & (MASSES >= WINDOW[0]) & (MASSES <= WINDOW[1])
                j = int(np.nanargmax(np.where(win, np.abs(r - 1), np.nan)))
                out[f"{table_set}/{ds}/{spin}"] = {
                    "mass_GeV": (MASSES[ok] / GeV).tolist(), "g_new_over_old": r[ok].tolist(),
                    "max_change": float(r[i] - 1), "at_GeV": float(MASSES[i] / GeV),
                    "max_change_0.1-0.4GeV": float(r[j] - 1), "at_GeV_window": float(MASSES[j] / GeV),
                    "range": [float(np.min(r[ok])), float(np.max(r[ok]))]}
    return out


def _weighted_eff(w, passed, cut):
    """ε = Σ w·passed / Σ_cut w and its error (delta method over independent events; ``passed``
    is the MOT-weighted pass indicator of each event, so that the two triggers' correlation —
    the same events — is in the error)."""
    B = float(np.sum(w[cut]))
    eps = float(np.sum(w * passed)) / B
    var = float(np.sum((w * (passed - eps * cut.astype(float))) ** 2)) / B**2
    return eps, var**0.5


def angle_decomposition(n_events: int, seed: int = 0) -> dict:
    cfg = D.DetectorConfig.default()
    cal, _ = AM.calibration_factor(cfg, n_events, seed)
    mots = np.array([t.mot for t in cfg.triggers])
    tgt = Target.from_name("Pb")
    out = {}
    for i, mg in enumerate(AM.MASS_NODES):
        m = mg * GeV
        evs, res = {}, {}
        for spin in ("vector",) + tuple(PRESETS):
            s_gen, s_det = AM._seeds(seed, i, spin)
            ev = generate_zprime(m, n_events, seed=s_gen, chunk_size=n_events, spin=spin)
            r = D.simulate(ev, cfg, np.random.default_rng(s_det))
            evs[spin], res[spin] = ev, r
        v = evs["vector"]
        E = v.energy
        cut_v = v.x >= 0.5
        s_v = np.log(-v.u)
        # x-only weights from the WW x spectra, on a fine grid in ln(1 - x)
        grid = -np.expm1(np.linspace(np.log1p(-m / E * 1.000001), np.log(M_MU / E * 1.000001),
                                     3000))
        dv = P.dsigma_dx(grid, m, 1.0, E, tgt)
        dens_v = ED._zprime_density_xs(v.x, s_v, m, E, tgt, ALPHA, "E2")
        row = {}
        for spin in PRESETS:
            ds = P.dsigma_dx(grid, m, 1.0, E, tgt, spin=spin)
            wx = np.interp(v.x, grid, ds / np.where(dv > 0, dv, np.inf))
            wf = ED._zprime_density_xs(v.x, s_v, m, E, tgt, ALPHA, "E2", spin) / dens_v
            ev_s, r_s = evs[spin], res[spin]
            cut_s = ev_s.x >= 0.5
            vals = {}
            for name, (w, rr, cut) in {"V": (np.ones(len(v)), res["vector"], cut_v),
                                       "s": (np.ones(len(ev_s)), r_s, cut_s),
                                       "x_only": (wx, res["vector"], cut_v),
                                       "full_rw": (wf, res["vector"], cut_v)}.items():
                passed = sum(mt * rr.passed[t.name] for mt, t in zip(mots, cfg.triggers,
                                                                     strict=True)) / mots.sum()
                e, de = _weighted_eff(w, passed, cut)
                vals[name] = (e * cal, de * cal)
            row[spin] = {k: {"eps": a, "err": b} for k, (a, b) in vals.items()}
            rel = {k: v[1] / v[0] for k, v in vals.items()}
            row[spin]["x_effect"] = vals["x_only"][0] / vals["V"][0] - 1
            row[spin]["angle_effect"] = vals["s"][0] / vals["x_only"][0] - 1
            # ε_s and ε_s^x come from independent samples; ε_s^x and ε_V share the vector events
            row[spin]["angle_effect_err"] = float(np.hypot(rel["s"], rel["x_only"]))
            row[spin]["total"] = vals["s"][0] / vals["V"][0] - 1
            row[spin]["total_err"] = float(np.hypot(rel["s"], rel["V"]))
            row[spin]["rw_check_sigma"] = (vals["full_rw"][0] - vals["s"][0]) / float(np.hypot(
                vals["full_rw"][1], vals["s"][1]))
        out[f"{mg:g}"] = row
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000, help="events per mass and spin")
    ap.add_argument("--json", help="write all numbers to this JSON file")
    args = ap.parse_args(argv)
    lim = limit_changes()
    print("## Limit change g_new/g_old - 1 (own column vs the vector's), 0.01-5 GeV\n")
    print("| tables | data set | spin | largest change (mass) | largest in 0.1-0.4 GeV (mass) |")
    print("|---|---|---|---|---|")
    for k, d in lim.items():
        ts, ds, spin = k.split("/")
        print(f"| {ts} | {ds} | {spin} | {100 * d['max_change']:+.1f}% ({d['at_GeV']:.3g} GeV) |"
              f" {100 * d['max_change_0.1-0.4GeV']:+.1f}% ({d['at_GeV_window']:.3g} GeV) |")
    ang = angle_decomposition(args.events)
    print("\n## Detector model, 2022: ε_s/ε_V - 1 = x-spectrum effect and angle effect\n")
    print("| m [GeV] | " + " | ".join(f"{s}: total / x / angle" for s in PRESETS)
          + " | reweighting check [σ] |")
    print("|---" * (len(PRESETS) + 2) + "|")
    for mg, row in ang.items():
        cells = [f"{100 * row[s]['total']:+.1f}% / {100 * row[s]['x_effect']:+.1f}% /"
                 f" {100 * row[s]['angle_effect']:+.1f} ± {100 * row[s]['angle_effect_err']:.1f}%"
                 for s in PRESETS]
        chk = ", ".join(f"{row[s]['rw_check_sigma']:+.1f}" for s in PRESETS)
        print(f"| {mg} | " + " | ".join(cells) + f" | {chk} |")
    z = np.array([row[s]["rw_check_sigma"] for row in ang.values() for s in PRESETS])
    print(f"\nreweighting check: chi2 = {float(np.sum(z**2)):.1f} for {z.size} comparisons"
          f" (max |z| = {float(np.max(np.abs(z))):.1f})")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"limits": lim, "angles": ang, "events_per_point": args.events}, f,
                      indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
