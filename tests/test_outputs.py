"""Outputs (issue 17 §5, §6): Table I's bounds computed once, tolerances that say what they are,
the report's data line, the LHE nucleus mass, figures' notes and overlays, citations."""

import pytest

from mucast.outputs import report
from mucast.units import GeV


# ---- Table I: each bound once --------------------------------------------------------------
def test_table1_computes_each_bound_once(monkeypatch):
    """With the default arguments the calibration set (seed conventions, FC, 90% CL) is the
    seed-convention column: 2 conventions x 10 entries = 20 different bounds, computed 20
    times (it was 30). The numbers are those of direct bound() calls (same code path, so only
    rounding could differ: 1e-12)."""
    from mucast.inference.limits import bound
    from mucast.processes import conventions as C
    calls = []

    def counting(*a, **kw):
        calls.append((a, kw))
        return bound(*a, **kw)

    monkeypatch.setattr(report, "bound", counting)
    rows = report.table1()
    assert len(rows) == 10 and len(calls) == 20
    r = next(r for r in rows if r["dataset"] == "2023-24" and r["operator"] == "LN_22")
    assert r["ours"] == pytest.approx(bound("LN_22", "2023-24").bound * GeV**2, rel=1e-12)
    assert r["ours_paper_conventions"] == pytest.approx(
        bound("LN_22", "2023-24", conventions=C.PAPER).bound * GeV**2, rel=1e-12)
    # another method: the calibration (FC) set is then not the displayed one: 30 bounds
    calls.clear()
    report.table1(method="poisson")
    assert len(calls) == 30


# ---- tolerances read as what they are ------------------------------------------------------
def test_tolerance_descriptions_say_absolute_or_relative():
    T = report.Tolerance
    assert T(abs=0.005).describe() == "±0.005 (absolute)"
    assert T(abs=0.05).describe("GeV") == "±0.05 GeV"
    assert T(rel=0.10).describe() == "±10%"
    assert T(rel=0.0021).describe() == "±0.21%"
    assert T(rel=1e-9).describe() == "±1e-09 (relative)"
    assert T(ratio_range=(0.25, 1.0)).describe() == "ratio in [0.25, 1]"


@pytest.mark.parametrize("rel", [1e-12, 3e-7, 1e-4, 4.9e-3, 0.0021, 0.03, 0.1, 0.5])
def test_relative_tolerances_are_never_rounded_away(rel):
    """The printed rule gives back the rule to its 3 significant digits (0.5% relative:
    rounding of the last digit), never a '±0%'."""
    text = report.Tolerance(rel=rel).describe()
    assert "±0%" not in text
    value = float(text[1:].split("%")[0].split()[0])
    assert (value / 100 if "%" in text else value) == pytest.approx(rel, rel=5e-3)
