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
