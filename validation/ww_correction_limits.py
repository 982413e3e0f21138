"""How much the default coupling limits move when the exact/WW correction is applied (issue 16 §5).

    nice python validation/ww_correction_limits.py [--points 24] [--json FILE]   # ≈ 5 min

The production policy (inference/mediators.py, the lead's) will ask
:func:`mucast.processes.mediators.ww_domain.ww_correction` for every mass of a curve. This script
measures the effect before that wiring exists: it wraps
:func:`mucast.processes.mediators.production.cross_section_per_g2` — the WW σ_X(m; x ≥ x_min) that
both the on-shell yields and the off-shell σ_X(k) tables are built from — so that it returns

* σ_WW unchanged where the status is "ww-holds" (``--policy corrected``, the default: what the
  status asks for) or σ_WW × r there too (``--policy everywhere``: the exact σ wherever the table
  has it),
* σ_WW × r where it is "corrected",
* the exact σ (vegas, rtol 3e-3) where it is "outside".

The returned error stays the WW quadrature error (scaled by r): the off-shell σ_X(k) table
(:class:`mucast.processes.mediators.offshell.SigmaTable`) stops where the stated error exceeds
1e-3 of σ, so the correction's own uncertainty (≥ 3e-3) must not be passed as a quadrature
error — a point for the wiring (the uncertainty is reported separately).

and compares ``coupling_limit_scan`` (production "auto", the default method) with and without it,
for the five μ-coupled presets on m3-phase1 (15 GeV, W; phase 2 moves by the same factors: zero
background, g ∝ N_up^½) and on NA64μ 2022 (160 GeV, Pb), where WW holds and nothing may move.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from mucast.inference import mediators as med
from mucast.processes.mediators import exact, offshell, production
from mucast.processes.mediators.ww_domain import ww_correction
from mucast.units import GeV

PRESETS = ("lmu-ltau", "muon-scalar", "muon-pseudoscalar", "muon-axial", "dark-photon")
_ORIGINAL = production.cross_section_per_g2


POLICY = {"value": "corrected"}


def corrected_per_g2(masses, energy=160 * GeV, target="Pb", approx="ww", x_min=None,
                     theta_max=0.1, t_max="E2", alpha=production.ALPHA, orders=None,
                     spin="vector"):
    v, e = _ORIGINAL(masses, energy, target, approx, x_min, theta_max, t_max, alpha, orders, spin)
    if approx != "ww":
        return v, e
    m = np.atleast_1d(np.asarray(masses, float))
    r, u, status = ww_correction(spin, m, energy, target, x_min)
    r, u, status = r.ravel(), u.ravel(), status.ravel()
    v, e = np.array(v, float).ravel(), np.array(e, float).ravel()
    for i in range(m.size):
        if status[i] == "corrected" or (status[i] == "ww-holds"
                                        and POLICY["value"] == "everywhere"):
            e[i] = e[i] * r[i]
            v[i] = v[i] * r[i]
        elif status[i] == "outside":
            ex = exact.cross_section(spin, float(m[i]), 1.0, energy, target, x_min=x_min,
                                     theta_max=theta_max, rtol=3e-3, max_iterations=100,
                                     alpha=alpha)
            v[i], e[i] = ex.value, ex.uncertainty
    shape = np.shape(masses)
    return v.reshape(shape), e.reshape(shape)


def scan(preset, masses, dataset):
    r = med.coupling_limit_scan(preset, masses, dataset)
    return r.coupling, r.production


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=24)
    ap.add_argument("--policy", choices=("corrected", "everywhere"), default="corrected")
    ap.add_argument("--json", help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    POLICY["value"] = args.policy
    cases = {"m3-phase1": np.geomspace(0.01, 12.0, args.points) * GeV,
             "2022": np.geomspace(0.01, 10.0, args.points // 2) * GeV}
    base = {}
    for ds, ms in cases.items():
        for p in PRESETS:
            base[(ds, p)] = scan(p, ms, ds)
    production.cross_section_per_g2 = corrected_per_g2          # the wrap (module doc)
    offshell._cached_table.cache_clear()
    out = {}
    for ds, ms in cases.items():
        print(f"\n{ds}: g_corrected / g_WW (production auto, default method)")
        print("| m [GeV] | " + " | ".join(PRESETS) + " |")
        print("|---|" + "---|" * len(PRESETS))
        cols = {}
        for p in PRESETS:
            g1, prod = scan(p, ms, ds)
            g0, prod0 = base[(ds, p)]
            with np.errstate(invalid="ignore"):
                cols[p] = (np.where(np.isfinite(g0), g1 / g0, np.nan), prod, prod0)
        for i, m in enumerate(ms):
            cells = []
            for p in PRESETS:
                q, prod, prod0 = cols[p]
                tag = "" if prod is None else {"on-shell": "", "off-shell": " (off)"}[prod[i]]
                if prod is not None and prod0 is not None and prod[i] != prod0[i]:
                    tag += " (was " + prod0[i] + ")"
                cells.append("–" if not np.isfinite(q[i]) else f"{q[i]:.3f}{tag}")
            print(f"| {m / GeV:.3g} | " + " | ".join(cells) + " |", flush=True)
        worst = {p: float(np.nanmax(np.abs(cols[p][0] - 1.0))) for p in PRESETS}
        print("largest |g_corrected/g_WW - 1|: " + ", ".join(f"{p} {w:.3f}" for p, w in worst.items()))
        out[ds] = {"mass_GeV": (ms / GeV).tolist(),
                   **{p: [float(x) for x in cols[p][0]] for p in PRESETS}}
    production.cross_section_per_g2 = _ORIGINAL
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
