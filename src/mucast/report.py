"""Layer 5: comparisons of mucast's numbers with the published ones (seed 000 Table I, ...)."""

from __future__ import annotations

import math

from . import conventions as _conv
from . import experiments as _exp
from . import published
from .limits import bound
from .units import GeV


def table1(conventions=None, method="fc", cl=0.9, acceptance="shipped", with_warnings=False):
    """Every entry of Table I of seed 000 beside mucast's bound and their ratio.

    Each row: dataset, operator, label, seed (GeV^-2), ours (GeV^-2), ratio ours/seed,
    Lambda (GeV), status, conventions. Status: "calibration" for the entry at the median of the
    implied acceptance levels (the calibration of scripts/calibrate_derived.py, or of
    scripts/calibrate_acceptance.py for ``acceptance="approx"``) when it is reproduced;
    "capped calibration" when it is the median entry but not reproduced (the calibration factor
    was capped so that κ ≤ 1: the future data set with the detector-model shape); else
    "prediction". ``acceptance``: a table set of :data:`mucast.experiments.TABLE_SETS`.
    ``with_warnings``: return ``(rows, warnings)``, the warnings of the bounds (method coverage)
    collected once.
    """
    conv = _conv.get(conventions)
    pub = published.seed000()
    rows, notes = [], []
    for ds_name, entries in pub["table1"].items():
        ds = _exp.with_tables(ds_name, acceptance)
        # the calibration (scripts/calibrate_derived.py) put the level at the median entry, in
        # the seed's literal conventions with FC at 90% CL: the status is a property of that
        # calibration, whatever method, CL or angle the table is now shown with
        calib = {op: bound(op, ds, conventions=_conv.PAPER, method="fc", cl=0.9).bound * GeV**2
                 for op in entries}
        ratios_calib = {op: calib[op] / v for op, v in entries.items()}
        med = sorted(ratios_calib.values())[len(ratios_calib) // 2]
        paper_conv = _conv.PAPER.replace(theta_max=conv.theta_max, t_max=conv.t_max)
        paper_bounds = {op: bound(op, ds, conventions=paper_conv, method=method, cl=cl)
                        for op in entries}
        paper = {op: b.bound * GeV**2 for op, b in paper_bounds.items()}
        ratios_paper = {op: paper[op] / v for op, v in entries.items()}
        for op, seed_value in entries.items():
            b = paper_bounds[op] if conv == paper_conv else bound(op, ds, conventions=conv,
                                                                   method=method, cl=cl)
            ours = b.bound * GeV**2
            notes += [w for w in b.warnings if w not in notes]
            at_median = math.isclose(ratios_calib[op], med, rel_tol=1e-9)
            status = ("prediction" if not at_median else "calibration"
                      if abs(med - 1.0) < 1e-3 else "capped calibration")
            rows.append({
                "dataset": ds_name,
                "operator": op,
                "label": pub["table1_labels"][op],
                "seed": seed_value,
                "ours": ours,
                "ratio": ours / seed_value,
                "ours_paper_conventions": paper[op],
                "ratio_paper_conventions": ratios_paper[op],
                "Lambda_GeV": b.Lambda / GeV,
                "relative_integration_error": b.yield_unit_error / b.yield_unit,
                "status": status,
                "conventions": conv.name,
                "method": b.method,
            })
    return (rows, notes) if with_warnings else rows


#: the convention switches of mucast.conventions, each flipped alone from the default to the seed's
#: literal choice: (name, description, changes)
CONVENTION_SWITCHES = (
    ("amplitudes", "Appendix A as printed (incl. O_LNLe: one contraction, scalar only, one final"
                   " state, beta = sqrt(1 - m_N^2/k^2)) instead of the verified amplitudes",
     {"amplitudes": "paper"}),
    ("number_density", "rho/m_Pb with m_Pb = 207 GeV (Eq. 22) instead of rho N_A/A",
     {"nucleus_mass": 207.0 * GeV}),
    ("ll_2222_normalisation", "Eq. (8) applied to ll_2222 as to ll_2233 instead of the WCxf"
                              " normalisation (factor 2)", {"ll_identical_factor": 1.0}),
)


def convention_factors(dataset="2023-24", m_N=0.0, operators=None, acceptance="shipped") -> dict:
    """The factor each convention choice makes, measured: for every operator, the bound and the
    yield with one switch of :data:`CONVENTION_SWITCHES` flipped to seed 000's literal choice
    (all others at the verified default), and with all of them flipped ("paper").

    Returns ``{"dataset", "mN_GeV", "switches": {name: description}, "rows": [...]}``; each row
    has ``operator``, ``bound_default`` (GeV^-2), and per switch ``bound_ratio`` (variant/default)
    and ``yield_ratio`` (variant/default = bound_ratio^-2). Printed by ``mucast conventions``.
    """
    from .processes.eft import NUSMEFT_OPERATORS, OPERATORS
    ds = _exp.with_tables(dataset, acceptance)
    ops = operators or OPERATORS
    variants = [(n, c) for n, _, c in CONVENTION_SWITCHES] + [
        ("paper", {"amplitudes": "paper", "nucleus_mass": 207.0 * GeV, "ll_identical_factor": 1.0})]
    rows = []
    for op in ops:
        mN = m_N if op in NUSMEFT_OPERATORS else 0.0
        b0 = bound(op, ds, m_N=mN, conventions=_conv.DEFAULT).bound
        row = {"operator": op, "mN_GeV": mN / GeV, "bound_default_GeV-2": b0 * GeV**2}
        for name, changes in variants:
            b = bound(op, ds, m_N=mN, conventions=_conv.DEFAULT.replace(name=name, **changes)).bound
            row[name] = {"bound_ratio": b / b0, "yield_ratio": (b0 / b) ** 2}
        rows.append(row)
    return {"dataset": ds.name, "mN_GeV": m_N / GeV,
            "switches": {n: d for n, d, _ in CONVENTION_SWITCHES} | {"paper": "all of the above"},
            "rows": rows}
