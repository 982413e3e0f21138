"""mucast beside the published reinterpretations of NA64μ 2022 data (issue 18 §3; docs/validation.md,
"Published reinterpretations of NA64μ data").

    nice python validation/reinterpretations.py [--json FILE]     # ≈ 30 s on one core

Writes validation/reinterpretations.json (default) with every mucast number of the comparison:

* ``rows``: the report rows of :func:`mucast.outputs.reinterpretations.comparison_rows` (what
  ``mucast reproduce`` shows), and ``numbers`` (:func:`~mucast.outputs.reinterpretations.compute`);
* ``li_liu_song``: arXiv:2501.06294 (abstract: g_aμμ ≳ 4×10⁻³ GeV⁻¹ for m_a ≲ 0.2 GeV; 2022 data
  reach no new g_aγγ space). ``alp_muon``: the region's edges on a mass grid for the variants
  that could explain the gap — as shipped (cls-asymptotic), N_up = 2.30, 100% efficiency without
  pile-up, the normalisation g ∂a μ̄γγ⁵μ (÷2), and decays in the set-up's gaps counted as unseen
  (the v1 abstract's "decay between them"); ``alp_photon``: the same for the photon coupling,
  and the 2023-24 data set;
* ``lfc``: arXiv:2504.05873's NA64μ region for a universal lepton coupling, digitised
  (validation/reference/NA64mu_LFC_2504.05873.dat): every digitised point on the lower and upper
  edge beside mucast as shipped and in the recast emulation (100% efficiency, no pile-up,
  N_up = 2.30, (c/Λ)∂a ℓ̄γγ⁵ℓ, decays unseen beyond the L fitted on the 10 MeV upper edge),
  the factor-by-factor path at 10 MeV, and the degenerate reading ((c/2Λ), 4× the yield, 4L);
* ``tauphilic``: why the τ-philic region cannot be computed by mucast (its production needs the
  momentum-dependent aγγ* vertex of the τ loop): the decay lengths that tell the coupling form.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from mucast.constants import M_TAU
from mucast.experiments.geometry import Geometry
from mucast.experiments.selection import setup
from mucast.models import widths as _w
from mucast.outputs import reinterpretations as rt
from mucast.units import GeV, MeV, natural_to_length
from mucast.units import m as metre

HERE = Path(__file__).resolve().parent


def _clean(x):
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, np.ndarray)):
        return [_clean(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    return x


def digitised_lfc():
    """(lower, upper, tip) of the digitised universal region: (m [MeV], g/Λ [GeV⁻¹]) arrays sorted
    in mass. The file's points are unordered; the left frame of the plot (m ≈ 0.1 MeV) is dropped,
    the tip is the largest mass, lower-edge points are those below 2.5×10⁻³ GeV⁻¹ (the lower
    edge never exceeds 2.41×10⁻³, the upper one never falls below 2.98×10⁻³ at the tip)."""
    d = np.loadtxt(HERE / "reference" / "NA64mu_LFC_2504.05873.dat")
    d = d[d[:, 0] > 0.105]
    tip = d[np.argmax(d[:, 0])]
    rest = d[d[:, 0] < tip[0]]
    low = rest[rest[:, 1] < 2.5e-3]
    up = rest[rest[:, 1] >= 2.5e-3]
    return low[np.argsort(low[:, 0])], up[np.argsort(up[:, 0])], tip


def gaps_unseen(dataset="2022"):
    """The data set with every region named '… gap' counted as unseen (a literal reading of 'escape
    the downstream detectors or decay between them')."""
    s = setup(dataset)
    g = Geometry(tuple(replace(r, decay="unseen") if "gap" in r.name else r
                       for r in s.geometry.regions), "gaps unseen")
    return replace(s, name=f"{s.name} (gaps unseen)", geometry=g)


def li_liu_song():
    m = np.array([1, 3, 10, 30, 50, 100, 130, 150, 170, 180, 190, 200, 205, 210]) * MeV
    variants = {
        "shipped (cls-asymptotic)": ("2022", "cls-asymptotic"),
        "N_up = 2.30": (rt.recast_setup("2022", None), rt.RECAST_METHOD),
        "100% efficiency, no pile-up, N_up = 2.30": (rt.recast_setup("2022"), rt.RECAST_METHOD),
        "gaps between detectors unseen": (gaps_unseen(), "cls-asymptotic"),
    }
    out = {"masses_GeV": m / GeV, "alp_muon": {}, "alp_photon": {}}
    for name, (ds, meth) in variants.items():
        lo, up = rt.edges("alp-muon", m, ds, meth)
        out["alp_muon"][name] = {"lower": lo, "upper": up}
    mp = np.array([1, 2, 3, 5, 7, 10]) * MeV
    out["alp_photon"]["masses_GeV"] = mp / GeV
    for name, ds, meth in (("2022 shipped", "2022", "cls-asymptotic"),
                           ("2022 gaps between detectors unseen", gaps_unseen(), "cls-asymptotic"),
                           ("2023-24 shipped", "2023-24", "cls-asymptotic")):
        lo, up = rt.edges("alp-photon", mp, ds, meth)
        out["alp_photon"][name] = {"lower": lo, "upper": up}
    return out


def lfc(numbers):
    low, up, tip = digitised_lfc()
    length = numbers["lfc"]["veto_end_m"] * metre
    half, full = rt.leptophilic_model("half"), rt.leptophilic_model("full")
    recast = rt.recast_setup("2022", veto_end=length)
    out = {"veto_end_m": length / metre, "tip_MeV": tip[0], "edges": {}}
    for name, pts, col in (("lower", low, 0), ("upper", up, 1)):
        m = pts[:, 0] * MeV
        shipped = rt.edges(half, m, "2022")[col]
        emul = rt.edges(full, m, recast, rt.RECAST_METHOD)[col]
        out["edges"][name] = {"mass_MeV": pts[:, 0], "digitised": pts[:, 1], "shipped": shipped,
                              "recast": emul, "recast_over_digitised": emul / pts[:, 1]}
    # the path from mucast as shipped to the recast's reading, one factor at a time (10 MeV)
    m10 = np.array([10.0]) * MeV
    steps = [("shipped: (c/2Λ), ε·(1 − f_pu) of the data set, cls-asymptotic, 13.7 m", half,
              "2022", "cls-asymptotic"),
             ("+ N_up = 2.30 (no background or systematics)", half,
              rt.recast_setup("2022", None), rt.RECAST_METHOD),
             ("+ 100% efficiency, no pile-up", half, rt.recast_setup("2022"), rt.RECAST_METHOD),
             ("+ normalisation (c/Λ)", full, rt.recast_setup("2022"), rt.RECAST_METHOD),
             (f"+ decays unseen beyond {length / metre:.2f} m", full, recast, rt.RECAST_METHOD)]
    out["path_10MeV"] = []
    for label, model, ds, meth in steps:
        lo, hi = rt.edges(model, m10, ds, meth)
        out["path_10MeV"].append({"step": label, "lower": lo[0], "upper": hi[0]})
    # the degenerate reading: (c/2Λ) with 4x the yield and 4x the length
    deg = rt.recast_setup("2022", veto_end=4.0 * length).replace_mot(4.0)
    mm = np.array([3, 10, 30, 100, 150]) * MeV
    lo_d, up_d = rt.edges(half, mm, deg, rt.RECAST_METHOD)
    lo_r, up_r = rt.edges(full, mm, recast, rt.RECAST_METHOD)
    out["degenerate_reading"] = {"masses_MeV": mm / MeV, "half_4x_yield_4L": {"lower": lo_d,
                                                                             "upper": up_d},
                                 "full": {"lower": lo_r, "upper": up_r},
                                 "closing_mass_half_4x_yield_4L_GeV":
                                     rt.closing_mass(half, deg, rt.RECAST_METHOD) / GeV}
    return out


def tauphilic():
    """Decay length at E = 100 GeV of an ALP coupled to the τ only, c/Λ = 2×10⁴ GeV⁻¹ (the top of
    the digitised region below 40 MeV), in the derivative and Yukawa forms (mucast.models.widths)."""
    d = np.loadtxt(HERE / "reference" / "NA64mu_tauphilic_2504.05873.dat")
    out = {"digitised_lower_edge_1_15MeV": [float(np.min(d[(d[:, 0] > 1) & (d[:, 0] < 15), 1])),
                                            float(np.max(d[(d[:, 0] > 1) & (d[:, 0] < 15), 1]))],
           "decay_length_m_at_100GeV_c_over_Lambda_2e4": {}}
    for m_mev in (10.0, 40.0):
        m = m_mev * MeV
        row = {}
        for form in ("derivative", "yukawa"):
            gam = float(_w.alp_loop_gamma_gamma(m, [(2e4 / GeV, M_TAU)], form))
            row[form] = float(100 * GeV / m * natural_to_length(1.0 / gam) / metre)
        out["decay_length_m_at_100GeV_c_over_Lambda_2e4"][f"{m_mev:g} MeV"] = row
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", default=str(HERE / "reinterpretations.json"))
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    numbers = rt.compute("2022")
    rows = rt.comparison_rows(numbers)
    out = {"numbers": numbers, "rows": rows, "li_liu_song": li_liu_song(), "lfc": lfc(numbers),
           "tauphilic": tauphilic()}
    Path(args.json).write_text(json.dumps(_clean(out), indent=1, ensure_ascii=False) + "\n",
                               encoding="utf-8")
    for r in rows:
        print(f"{r['quantity']}: published {r['seed']:.4g}, mucast {r['mucast'] or float('nan'):.4g}"
              f" (paper conv. {r['mucast_paper_conventions'] or float('nan'):.4g}) -> {r['verdict']}")
    e = out["lfc"]["edges"]
    for name in ("lower", "upper"):
        m, r = np.asarray(e[name]["mass_MeV"]), np.asarray(e[name]["recast_over_digitised"])
        for a, b in ((1, 31), (31, 170)):
            sel = (m >= a) & (m < b) & np.isfinite(r)
            if sel.any():
                print(f"recast emulation / digitised, {name} edge, {a}-{b} MeV:"
                      f" {r[sel].min():.3f}-{r[sel].max():.3f} ({sel.sum()} points)")
    for s in out["lfc"]["path_10MeV"]:
        print(f"10 MeV {s['step']}: lower {s['lower']:.4g}, upper {s['upper']:.4g}")
    print(f"done in {time.perf_counter() - t0:.1f} s -> {args.json}", file=sys.stderr)


if __name__ == "__main__":
    main()
