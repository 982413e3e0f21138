"""Write tests/regression/pinned.json: numbers that refactors must not move.

The values in pinned.json were produced at mucast 0.2.0 (commit e6b8096), before the issue-10/11
refactors, by this script written against the 0.2.0 API; it has since been ported to the current
API (module moves, the model layer), computing the same quantities, so that
tests/regression/test_pinned.py can recompute each entry. Do not regenerate pinned.json: a
refactor that moves one of these numbers is a bug until explained.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mucast.models import gm2
from mucast.models.mediator import get_model
from mucast.inference import mediators as zl
from mucast.experiments import with_tables
from mucast.inference.limits import bound, smeft_plane, trident_combination
from mucast.processes.eft import production as eft
from mucast.processes.mediators import production as zprime
from mucast.inference.scans import eft_mass_scan
from mucast.experiments.targets import Target
from mucast.units import GeV, picobarn, natural_to_area
from mucast.inference.yields import signal_yield

OPS = ("ll_2222", "ll_2233", "le_2222", "le_3322", "eN_22", "LN_22", "LNLe_2222")


EVENT_ARRAYS = ("mu", "system", "nucleus", "x", "k", "u", "t", "d1", "d2")


def event_summary(e, first=20):
    """Size, the first ``first`` events and the column sums of each array of an event sample."""
    out = {}
    for name in EVENT_ARRAYS:
        a = np.asarray(getattr(e, name), dtype=float)
        out[name] = {"n": int(a.shape[0]), "first": a[:first].ravel().tolist(),
                     "sum": a.reshape(a.shape[0], -1).sum(axis=0).tolist()}
    return out


def compute() -> dict:
    out: dict = {}
    # EFT bounds (GeV^-2) for every operator, data set, table set, convention; nuSMEFT also at m_N
    b = {}
    for ts in ("shipped", "approx", "derived"):
        for ds in ("2022", "2023-24", "future"):
            exp = with_tables(ds, ts)
            for op in OPS:
                for conv in ("default", "paper"):
                    b[f"{ts}|{ds}|{op}|{conv}|0"] = bound(op, exp, conventions=conv).bound * GeV**2
                if op in eft.NUSMEFT_OPERATORS and ts == "shipped":
                    for mN in (0.3, 1.0):
                        b[f"{ts}|{ds}|{op}|default|{mN}"] = bound(op, exp, m_N=mN * GeV).bound * GeV**2
    for nt in ("dirac_R", "majorana"):
        b[f"shipped|2023-24|LN_22|default|0.3|{nt}"] = bound("LN_22", "2023-24", m_N=0.3 * GeV,
                                                            n_type=nt).bound * GeV**2
    out["bound_GeV-2"] = b
    # scans
    sc = {}
    for op in eft.NUSMEFT_OPERATORS:
        for ds in ("2022", "2023-24"):
            r = eft_mass_scan(op, ds, np.array([0.0, 0.2, 0.7]) * GeV)
            sc[f"{op}|{ds}"] = (r.bounds * GeV**2).tolist()
    out["scan_GeV-2"] = sc
    f = smeft_plane("tau", "future")
    out["plane_future_tau"] = [f.a, f.b, f.h, f.R * GeV**4]
    f = smeft_plane("mu", "2023-24", "paper")
    out["plane_2023_mu_paper"] = [f.a, f.b, f.h, f.R * GeV**4]
    t = trident_combination("future")
    out["trident_future"] = [t.c_ll_max * GeV**2, t.c_le_max * GeV**2]
    # cross sections
    pb = Target.from_name("Pb")
    xs = {}
    for op in OPS:
        m = eft.EFTModel({op: 1.0 / GeV**2}, m_N=0.2 * GeV if op in eft.NUSMEFT_OPERATORS else 0.0)
        xs[op] = natural_to_area(eft.cross_section(m, 160 * GeV, pb).value) / picobarn
    out["xsec_eft_pb"] = xs
    ys = {}
    for k, coeffs in {"ll_2233+le_3322": {"ll_2233": 1e-2, "le_3322": -3e-3},
                      "ll_2222+le_2222": {"ll_2222": 2e-3, "le_2222": 5e-3}}.items():
        ys[k] = signal_yield(eft.EFTModel({a: v / GeV**2 for a, v in coeffs.items()}), "2023-24").value
    out["yield_events"] = ys
    masses = np.array([1e-3, 1e-2, 0.04, 0.1, 0.3, 1.0, 3.0]) * GeV
    zx = {}
    for approx in ("ww", "iww"):
        v, _ = zprime.cross_section_per_g2(masses, approx=approx)
        zx[approx] = (v / picobarn).tolist()
        v, _ = zprime.cross_section_per_g2(masses, approx=approx, x_min=0.5)
        zx[approx + "|x>0.5"] = (v / picobarn).tolist()
    out["xsec_zprime_per_g2_pb"] = zx
    out["zprime_width_per_g2_GeV"] = (get_model("lmu-ltau").total_width(masses, 1.0) / GeV).tolist()
    out["zprime_br_inv_dark"] = zl.legacy_zprime_model("dark").branching_invisible(
        masses, 3e-4).tolist()
    out["gm2_delta_a_mu_g1"] = gm2.delta_a_mu(masses, 1.0).tolist()
    # Z' limits
    zm = np.array([0.005, 0.04, 0.1, 0.5, 2.0]) * GeV
    lim = {}
    for ds in ("2022", "2023-24", "future"):
        for model in ("vanilla", "dark"):
            for method in ("cls", "cls_exact", "fc"):
                r = zl.coupling_limit_scan(zl.legacy_zprime_model(model), zm, ds, method)
                lim[f"{ds}|{model}|{method}"] = r.coupling.tolist()
    out["zprime_limit_g"] = lim
    out["zprime_yield_per_g2"] = zl.yield_per_g2(zm, "2022")[0].tolist()
    # events: the sample's size, the first events and the column sums of every array (values,
    # compared within a tolerance: a raw SHA-256 of the float bytes differs between CPUs whose
    # libm rounds the last bit differently, issue 16 §7)
    from mucast import events
    ev = events.generate_zprime(0.1 * GeV, 3000, seed=7, decay="chi", m_chi=0.02 * GeV)
    ev2 = events.generate_eft("LNLe_2222", 2000, seed=5, m_N=0.3 * GeV)
    out["events"] = {name: event_summary(e) for name, e in (("zprime", ev), ("LNLe_2222", ev2))}
    return out


if __name__ == "__main__":
    path = Path(__file__).with_name("pinned.json")
    path.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("wrote", path)
