"""Layer 5: comparisons of mucast's numbers with the published ones (seed 000 Table I, ...),
each with a stated tolerance and a verdict.

A comparison row (:func:`comparison_row`) carries the published value, mucast's, the ratio, the
tolerance within which the two are said to agree, and the verdict:

* ``agrees`` — within the tolerance;
* ``deviates — explained`` — outside it, and a section of docs/validation.md or
  docs/conventions.md (:data:`EXPLANATIONS`) says why; the report embeds the explanation;
* ``deviates — unexplained`` — outside it with no explanation: a finding, never hidden.

Tolerances (:class:`Tolerance`) state where they come from: the number of digits the seed prints
(a two-digit 1.0e-2 is known to ±5%), plus, where mucast's acceptance is an approximation of a
figure-only curve, the spread that approximation allows (docs/validation.md, "What is
calibrated"). Calibrations agree by construction and are labelled as such in ``status``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from dataclasses import dataclass

from mucast.processes import conventions as _conv
from mucast import experiments as _exp
from mucast.experiments import published
from mucast.inference.limits import bound
from mucast.units import GeV


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
    # Table I is FC at 90% CL with theta_max = 0.1 rad, t_max = m_mu^2 + k^2 (seed 000): at any
    # other setting the ratio compares two different quantities. Shown (a physicist may want
    # the table at 95% CL), but said, once per changed setting (0.4 audit: `table1 --cl 0.95`
    # printed ratio and status "calibration" with no warning)
    seed_settings = (("method", method, "fc", "Feldman-Cousins"), ("cl", cl, 0.9, "90% CL"),
                     ("theta_max", conv.theta_max, 0.1, "theta_max = 0.1 rad"),
                     ("t_max", conv.t_max, "mmu2_plus_k2", "t_max = m_mu^2 + k^2"))
    changed = [(k, v, ref) for k, v, ref, _ in seed_settings
               if not (v == ref if isinstance(ref, str) else math.isclose(v, ref, rel_tol=1e-12))]
    for k, v, ref in changed:
        what = dict((a, d) for a, _, _, d in seed_settings)[k]
        notes.append(f"not like for like: mucast's bounds are at {k} = {v:g}" if not isinstance(v, str)
                     else f"not like for like: mucast's bounds are at {k} = {v}")
        notes[-1] += (f", the seed's Table I at {what} ({k} = {ref}): ratio and status compare"
                      " different quantities (status says how the acceptance was calibrated,"
                      " not that this row reproduces the seed)")
    paper_conv = _conv.PAPER.replace(theta_max=conv.theta_max, t_max=conv.t_max)
    for ds_name, entries in pub["table1"].items():
        ds = _exp.with_tables(ds_name, acceptance)
        # each (operator, conventions, method, CL) bound is computed once: with the default
        # arguments the calibration set below is the seed-convention set (issue 17 §6: 30
        # bound() calls for 20 different bounds)
        cache = {}

        def once(op, cv, meth, c, ds=ds, cache=cache):
            key = (op, cv, meth, c)
            if key not in cache:
                cache[key] = bound(op, ds, conventions=cv, method=meth, cl=c)
            return cache[key]

        # the calibration (scripts/calibrate_derived.py) put the level at the median entry, in
        # the seed's literal conventions with FC at 90% CL: the status is a property of that
        # calibration, whatever method, CL or angle the table is now shown with
        calib = {op: once(op, _conv.PAPER, "fc", 0.9).bound * GeV**2 for op in entries}
        ratios_calib = {op: calib[op] / v for op, v in entries.items()}
        med = sorted(ratios_calib.values())[len(ratios_calib) // 2]
        paper_bounds = {op: once(op, paper_conv, method, cl) for op in entries}
        paper = {op: b.bound * GeV**2 for op, b in paper_bounds.items()}
        ratios_paper = {op: paper[op] / v for op, v in entries.items()}
        for op, seed_value in entries.items():
            b = once(op, conv, method, cl)
            ours = b.bound * GeV**2
            notes += [w for w in b.warnings if w not in notes]
            at_median = math.isclose(ratios_calib[op], med, rel_tol=1e-9)
            status = ("prediction" if not at_median else "calibration"
                      if abs(med - 1.0) < 1e-3 else "capped calibration")
            rows.append({
                "dataset": ds_name,
                "operator": op,
                "label": plain_label(pub["table1_labels"][op]),
                "label_html": html_label(pub["table1_labels"][op]),
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
                # False where a setting differs from the seed's (the warnings say which)
                "like_for_like": not changed,
            })
    return (rows, notes) if with_warnings else rows


#: the convention switches of mucast.processes.conventions, each flipped alone from the default to the seed's
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
    from mucast.models.eft import NUSMEFT_OPERATORS, OPERATORS
    ds = _exp.with_tables(dataset, acceptance)
    ops = operators or OPERATORS
    variants = [(n, c) for n, _, c in CONVENTION_SWITCHES] + [
        ("paper", {"amplitudes": "paper", "nucleus_mass": 207.0 * GeV, "ll_identical_factor": 1.0})]
    from mucast.inference.yields import closing_mass
    rows, skipped, warns = [], [], []
    for op in ops:
        mN = m_N if op in NUSMEFT_OPERATORS else 0.0
        if mN >= closing_mass(op, ds):
            skipped.append(op)
            continue
        r0 = bound(op, ds, m_N=mN, conventions=_conv.DEFAULT)
        b0 = r0.bound
        # what `bound` says at this m_N (edge-dominated last bin, below threshold): 0.4 audit,
        # LN_22 at m_N = 1.49 GeV printed 0.599 GeV^-2 with warnings []
        warns += [f"{op}: {w}" for w in r0.warnings]
        row = {"operator": op, "mN_GeV": mN / GeV, "bound_default_GeV-2": b0 * GeV**2,
               "warnings": list(r0.warnings)}
        for name, changes in variants:
            b = bound(op, ds, m_N=mN, conventions=_conv.DEFAULT.replace(name=name, **changes)).bound
            row[name] = {"bound_ratio": b / b0, "yield_ratio": (b0 / b) ** 2}
        rows.append(row)
    return {"dataset": ds.name, "mN_GeV": m_N / GeV,
            "switches": {n: d for n, d, _ in CONVENTION_SWITCHES} | {"paper": "all of the above"},
            "rows": rows, "skipped_beyond_table_end": skipped, "warnings": warns}



# ------------------------------------------------------------------------------------------
# verdicts
# ------------------------------------------------------------------------------------------
VERDICTS = ("agrees", "deviates — explained", "deviates — unexplained")


@dataclass(frozen=True)
class Tolerance:
    """Where mucast and a published number are said to agree.

    ``rel``: |ours/seed − 1| ≤ rel; ``abs``: |ours − seed| ≤ abs; ``ratio_range``: a one-sided
    prediction (e.g. a lower bound) agrees when lo ≤ ours/seed ≤ hi. ``reason``: where the
    tolerance comes from (printed in the report).
    """

    rel: float | None = None
    abs: float | None = None
    ratio_range: tuple | None = None
    reason: str = ""

    def __post_init__(self):
        given = [k for k in ("rel", "abs", "ratio_range") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"a Tolerance needs exactly one of rel, abs, ratio_range; got {given}")

    def accepts(self, seed, ours) -> bool:
        if ours is None or seed is None:
            return False
        if self.ratio_range is not None:
            lo, hi = self.ratio_range
            return lo <= ours / seed <= hi
        if self.abs is not None:
            return abs(ours - seed) <= self.abs * (1 + 1e-12)
        assert self.rel is not None              # __post_init__: exactly one rule
        return abs(ours / seed - 1.0) <= self.rel * (1 + 1e-12)

    def describe(self, unit: str = "") -> str:
        """The rule as the report prints it: an absolute rule with its unit (or "absolute"), a
        relative one in per cent with its significant digits ("±0.21%", never a rounded "±0%";
        below 0.01% as a plain relative number)."""
        if self.ratio_range is not None:
            return f"ratio in [{self.ratio_range[0]:g}, {self.ratio_range[1]:g}]"
        if self.abs is not None:
            return f"±{self.abs:g} " + (unit if unit else "(absolute)")
        assert self.rel is not None              # __post_init__: exactly one rule
        if self.rel >= 1e-4:
            return f"±{100 * self.rel:.3g}%"
        return f"±{self.rel:.2g} (relative)"


#: explanations of the known deviations: key -> (document#anchor, summary). The anchors are
#: explicit ids in the documents (tests/test_report.py checks that each exists).
EXPLANATIONS = {
    "table1-2023-nusmeft": (
        "docs/validation.md#dev-2023-nusmeft",
        "Table I is internally inconsistent here: under the seed's own formulas the ratio of the"
        " νSMEFT to the SMEFT bound depends only on the shape of κ(k); the future column gives"
        " 0.71, the 2023-24 column 0.48. No common κ(k) reproduces both 2023-24 entries (the"
        " νSMEFT level would have to be 2.1–2.2× the SMEFT one); the median calibration keeps this"
        " pair from dragging the SMEFT rows."),
    "table1-lnle": (
        "docs/conventions.md#dev-lnle-amplitude",
        "The verified O_LNLe amplitude — both SU(2) contractions, (3/2)S + (1/8)T, the two final"
        " states of O + h.c., β = 1 − m_N²/k² — gives 5.0× the yield of Appendix A as printed at"
        " m_N = 0 (bound ×0.45; `mucast conventions`). A correction of the seed, checked by"
        " explicit spinors and an exact 2→4 calculation; with the seed's literal formulas mucast"
        " agrees within 7%."),
    "zprime-g40": (
        "docs/zprime.md#dev-g-at-40-mev",
        "Seed 001 gives two numbers for the same region: g ≲ 6·10⁻⁴ (summary) and 'g ≳ 5·10⁻⁴'"
        " (text). mucast's one calibrated efficiency level puts the 2022 limit on the g−2 band"
        " centre at 40 MeV (6.5·10⁻⁴), which agrees with the first and not with the second."),
    "zprime-y": (
        "docs/zprime.md#dev-thermal-y",
        "y ≲ 6·10⁻¹² needs g ≈ 4.4·10⁻⁴ for m_Z′ ≲ 120 MeV, while the g−2 statement needs ≈ 6.5·10⁻⁴"
        " at 40 MeV: an efficiency rising ×3.5 from 40 to 120 MeV, where mucast's trigger model"
        " gives ×1.5. Without the published ε(m) the two statements cannot both be reproduced;"
        " the g−2 statement is the calibration."),
    "recast-lfc": (
        "docs/validation.md#dev-recast-lfc",
        "arXiv:2504.05873's NA64μ region (as digitised) is mucast's own physics in an idealised"
        " recast: 100% efficiency and no pile-up (mucast's ε(1 − f_pu) for a light pseudoscalar"
        " is 3.5%: ×5.6 in g at 10 MeV), N_up = 2.30 instead of 1.44 (×1.29 the other way), the"
        " coupling normalised as (c/Λ)∂a ℓ̄γγ⁵ℓ (×2 against mucast's (c/2Λ)) and decays unseen"
        " beyond 2.7 m (fitted on the upper edge at 10 MeV). With these the upper edge from 1.1 to"
        " 136 MeV agrees within 4.3% (+7%, +9% at 148, 158 MeV), the lower edge from 60 to 158 MeV"
        " within 5%, and the region ends at 166 MeV (digitised: 163); the lower edge at 1–20 MeV"
        " stays 13–16% above the digitised one (not identified). The same region follows, within"
        " 0.5% on the lower edge and 4–7% on the upper, from mucast's (c/2Λ) with 4× that yield"
        " and 4× the length (≈ 11 m): the region cannot tell the two readings apart."),
}


def verdict(tolerance: Tolerance, seed, ours, explanation: str | None) -> str:
    """The verdict of one comparison (module doc)."""
    if tolerance.accepts(seed, ours):
        return VERDICTS[0]
    return VERDICTS[1] if explanation else VERDICTS[2]


def comparison_row(source, quantity, seed, ours, ours_paper, status, tolerance: Tolerance,
                   unit="", note="", explain: str | None = None, wcxf: str = "",
                   quantity_html: str | None = None) -> dict:
    """One row of the report: the numbers, the tolerance, the verdict and, for an explained
    deviation, the key of :data:`EXPLANATIONS` and the document it points to."""
    if explain is not None and explain not in EXPLANATIONS:
        raise KeyError(f"no explanation {explain!r}")
    v = verdict(tolerance, seed, ours, explain)
    ref = EXPLANATIONS[explain][0] if (explain and v != VERDICTS[0]) else ""
    return {"source": source, "quantity": quantity, "quantity_html": quantity_html or quantity,
            "wcxf": wcxf, "unit": unit, "seed": seed, "mucast": ours,
            "ratio": (ours / seed) if (seed and ours is not None) else None,
            "mucast_paper_conventions": ours_paper,
            "ratio_paper_conventions": (ours_paper / seed) if (seed and ours_paper is not None)
            else None,
            "tolerance": tolerance.describe(unit), "tolerance_reason": tolerance.reason,
            "verdict": v, "explanation": explain if ref else "", "explained_in": ref,
            "status": status, "note": note}


def verdict_counts(rows) -> dict:
    """{verdict: count} over the rows, every verdict present (0 if none), plus how many rows
    agree by construction (calibrations and inputs)."""
    counts = {v: sum(r["verdict"] == v for r in rows) for v in VERDICTS}
    counts["of which calibrations or inputs"] = sum(
        r["verdict"] == VERDICTS[0] and r["status"].split()[0] in ("calibration", "capped", "input")
        for r in rows)
    return counts


def html_label(text: str) -> str:
    """"[O_{LL}]_{μμαα}" → "[O<sub>LL</sub>]<sub>μμαα</sub>" (the labels of published/*.toml)."""
    return re.sub(r"_\{([^}]*)\}", r"<sub>\1</sub>", re.sub(r"\^\{([^}]*)\}", r"<sup>\1</sup>", text))


def plain_label(text: str) -> str:
    """"[O_{LL}]_{μμαα}" → "[O_LL]_μμαα" (CSV, terminals)."""
    return re.sub(r"\^\{([^}]*)\}", r"^\1", re.sub(r"_\{([^}]*)\}", r"_\1", text))


# ----------------------------------------------------------------------------------------------
# before/after a change of acceptance tables (docs/detector_model.md §5)
# ----------------------------------------------------------------------------------------------
def before_after(table_dir, datasets=("2022", "2023-24", "future"), zprime_masses_MeV=(10, 40, 100, 1000)) -> dict:
    """EFT bounds (Table I operators) and Z′ limits with the data sets' default tables ("before")
    and the model tables ``derived_*.csv`` in ``table_dir`` ("after", loaded via
    ``Experiment.replace``). All table sets side by side: scripts/validation_numbers.py."""
    from mucast import experiments as _exp
    from mucast.inference import limits as _lim
    from mucast.inference import mediators as _zl
    from mucast.experiments.acceptance import load_table
    from mucast.units import MeV

    table_dir = Path(table_dir)
    out: dict[str, dict] = {"table1": {}, "zprime": {}}
    ops = ("ll_2233", "le_3322", "eN_22", "LN_22", "LNLe_2222")
    for ds in datasets:
        exp = _exp.get(ds)
        path = table_dir / _exp.table_file_names("derived_", ds, 0)[0]
        if not path.is_file():
            continue
        new = exp.replace(acceptance=load_table(path.resolve(), columns=("k_GeV", "kappa")))
        row: dict[str, dict] = {}
        for op in ops:
            b0 = _lim.bound(op, exp).bound * GeV**2
            b1 = _lim.bound(op, new).bound * GeV**2
            row[op] = {"before_GeV-2": b0, "after_GeV-2": b1, "ratio_after_before": b1 / b0}
        out["table1"][ds] = row
    for ds in datasets:
        exp = _exp.get(ds)
        trig = exp.mediator.get("trigger", [])
        names = [table_dir / n for n in _exp.table_file_names("derived_", ds, len(trig))[1]]
        if not all(p.is_file() for p in names):
            continue
        new_trig = [{**t, "efficiency": str(p.resolve())} for t, p in zip(trig, names, strict=True)]
        new = exp.replace(mediator={**exp.mediator, "trigger": new_trig})
        row = {}
        for mm in zprime_masses_MeV:
            g0 = _zl.coupling_limit("lmu-ltau", mm * MeV, exp).coupling
            g1 = _zl.coupling_limit("lmu-ltau", mm * MeV, new).coupling
            # a coupling is None where there is no limit: no ratio then
            row[f"{mm} MeV"] = {"before": g0, "after": g1, "ratio_after_before":
                                g1 / g0 if g0 is not None and g1 is not None else None}
        out["zprime"][ds] = row
    return out
