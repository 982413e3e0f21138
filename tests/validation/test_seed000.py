"""Validation against the numbers published in seed 000 (arXiv:2511.11801).

Published values come from the package's reference file data/published/seed000.toml (Table I,
Eqs. 23–24, Sec. VI). What is calibration and what is prediction is explained in
docs/validation.md; every tolerance below is justified where it is used.
"""

import importlib.util
import math
from pathlib import Path

import pytest

from mucast.experiments import published
from mucast.inference.limits import bound, smeft_plane, trident_combination
from mucast.outputs.report import table1
from mucast.inference.scans import closing_mass
from mucast.units import GeV

PUB = published.seed000()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def rows_paper():
    return {(r["dataset"], r["operator"]): r for r in table1("paper")}


@pytest.fixture(scope="module")
def rows_default():
    return {(r["dataset"], r["operator"]): r for r in table1("default")}


@pytest.fixture(scope="module")
def rows_paper_approx():
    """Table I with the mucast 0.1 flat approximations (``--acceptance approx``)."""
    return {(r["dataset"], r["operator"]): r for r in table1("paper", acceptance="approx")}


def _load_script(name):
    script = ROOT / "scripts" / f"{name}.py"
    if not script.exists():
        pytest.skip("scripts/ not available (installed package only)")
    spec = importlib.util.spec_from_file_location(name, script)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_approx_acceptance_tables_are_what_the_script_writes():
    # the 0.1 calibration is reproducible: re-running the script changes nothing
    mod = _load_script("calibrate_acceptance")
    for ds in ("2022", "2023-24", "future"):
        text, _ = mod.table_text(ds)
        assert (mod.OUT / f"approx_{ds}.csv").read_text() == text


def test_default_acceptance_tables_are_what_the_script_writes():
    # detector-model shape x calibrated factor: re-running scripts/calibrate_derived.py on the
    # shipped derived_*.csv reproduces the default tables byte for byte
    mod = _load_script("calibrate_derived")
    res = mod.calibrate()
    for name, text in mod.tables(res).items():
        assert (mod.OUT / name).read_text(encoding="utf-8") == text
    # 2022 is the model level itself; the future factor is capped at max kappa = 1
    assert res["2022"]["eft"] == 1.0
    assert res["future"]["eft"] == pytest.approx(res["future"]["eft_cap"], rel=1e-12)
    assert res["future"]["eft_median"] > res["future"]["eft_cap"]
    # the Z' tension that kept the Z' efficiencies on the 'approx' model (docs/detector_model.md
    # §5): the published crossing needs ~1/4 of the model's 2022 efficiency level
    assert 0.2 < res["2022"]["zprime_tension"] < 0.3


def test_calibrated_entries_reproduced_exactly(rows_paper, rows_paper_approx):
    # with the seed's conventions, the entry that fixed the level is reproduced to the
    # integration accuracy (1e-4 relative error estimate → bound to 1e-4)
    cal = [r for r in rows_paper.values() if r["status"] == "calibration"]
    assert {r["dataset"] for r in cal} == {"2023-24"}
    for r in cal:
        assert r["ratio_paper_conventions"] == pytest.approx(1.0, abs=1e-4)
    # future: the median factor would need kappa > 1 with the detector-model shape; the capped
    # factor leaves the median entry (nu-SMEFT rows) at (median/cap)^(1/2) = 1.040 of Table I
    capped = [r for r in rows_paper.values() if r["status"] == "capped calibration"]
    assert {(r["dataset"], r["operator"]) for r in capped} == {("future", "eN_22"), ("future", "LN_22")}
    for r in capped:
        assert 1.0 < r["ratio_paper_conventions"] < 1.06
    # the 0.1 flat approximation reproduces both data sets' median entries
    cal = [r for r in rows_paper_approx.values() if r["status"] == "calibration"]
    assert {r["dataset"] for r in cal} == {"2023-24", "future"}
    for r in cal:
        assert r["ratio_paper_conventions"] == pytest.approx(1.0, abs=1e-4)


@pytest.mark.parametrize("key,tol", [
    # predictions under the seed's own formulas (paper conventions), relative to the data set's
    # median (calibration) entry, detector-model shape (default tables):
    (("future", "ll_2233"), 0.05),      # 1.016: the SMEFT/nu-SMEFT ratio follows the shape, 5%
    (("future", "le_3322"), 0.05),
    (("future", "LNLe_2222"), 0.05),    # 0.996
    (("2023-24", "LNLe_2222"), 0.10),   # 0.934: Table I 2023-24 is not fully consistent (below)
])
def test_predicted_entries_paper_conventions(rows_paper, key, tol):
    med = rows_paper[(key[0], "LN_22" if key[0] == "future" else "ll_2233")]
    assert rows_paper[key]["ratio_paper_conventions"] / med["ratio_paper_conventions"] == \
        pytest.approx(1.0, abs=tol)


@pytest.mark.parametrize("key,tol", [
    # the same with the 0.1 flat approximation (--acceptance approx), as documented for 0.1:
    (("future", "ll_2233"), 0.05),      # ours 1.012: shape/level consistent within 5%
    (("future", "le_3322"), 0.05),
    (("future", "LNLe_2222"), 0.05),    # 0.971
    (("2023-24", "LNLe_2222"), 0.10),   # 0.913: a flat shape cannot follow Fig. 4 exactly
])
def test_predicted_entries_paper_conventions_approx(rows_paper_approx, key, tol):
    assert rows_paper_approx[key]["ratio_paper_conventions"] == pytest.approx(1.0, abs=tol)


def test_2023_24_nusmeft_entries_inconsistent_with_smeft_row(rows_paper):
    # docs/validation.md: with any acceptance common to all operators, the 2023-24 νSMEFT entries
    # (4.8e-3) would need a level 2.2× the SMEFT rows'; in the future column the same rows agree
    # within 3%. The ratio ours/seed ≈ 1.47 is therefore a property of Table I, not of mucast.
    r = rows_paper[("2023-24", "LN_22")]["ratio_paper_conventions"]
    assert 1.3 < r < 1.6
    f = rows_paper[("future", "LN_22")]["ratio_paper_conventions"]
    s = rows_paper[("future", "ll_2233")]["ratio_paper_conventions"]
    assert f / s == pytest.approx(1.0, abs=0.03)


def test_default_vs_paper_differences_are_the_documented_ones(rows_default, rows_paper):
    for key in rows_default:
        ratio = rows_default[key]["ours"] / rows_paper[key]["ours"]
        op = key[1]
        if op in ("eN_22", "LN_22"):
            # identical amplitudes: only the number density (193.0 vs 207 GeV) differs
            assert ratio == pytest.approx(math.sqrt(193.00557829 / 207.0), rel=1e-6)
        elif op in ("ll_2233", "le_3322"):
            # plus the C1^A typo of A1 (a percent-level effect on the yield)
            assert ratio == pytest.approx(math.sqrt(193.00557829 / 207.0), rel=0.02)
        else:
            # O_LNLe: both final states, the 27/32 scalar normalisation, the tensor piece and the
            # β of Eq. (21): the verified rate is ~6× the paper's, the bound ~0.4×
            assert 0.3 < ratio < 0.5


def test_eq23_quadratic_form():
    f = smeft_plane("tau", "future", conventions="paper")
    eq = PUB["eq23"]
    # R = (axis bound)²: 2.19e-8, +4% vs 2.1e-8: the future factor is capped (bounds ×1.040 of
    # the νSMEFT entry) and the SMEFT row sits 1.6% above the νSMEFT one (0.1 flat tables: −4.3%)
    assert f.R * GeV**4 == pytest.approx(eq["R_GeV4"], rel=0.10)
    # cross term: seed −0.1 (one significant digit); ours −0.05 (paper) / −0.07 (verified).
    # Same sign, |h| ≤ 0.1: the cross term changes the bound by < 3% anywhere on the contour.
    assert eq["cross_term"] <= f.h < 0


def test_eq24_trident_combination():
    t = trident_combination("future", conventions="paper")
    eq = PUB["eq24"]
    # 10%: the NA64μ radius enters linearly and is itself 4% off (capped future calibration), the
    # flat direction uses CODATA sin²θ_W and a Gaussian 68→90% scaling of the band
    assert t.c_ll_max * GeV**2 == pytest.approx(eq["c_LL_max"], rel=0.10)
    assert t.c_le_max * GeV**2 == pytest.approx(eq["c_Le_max"], rel=0.10)


def test_scales_lambda(rows_paper, rows_default, rows_paper_approx):
    sc = PUB["scales"]
    # verified physics, default tables: both statements of the seed hold
    assert rows_default[("future", "ll_2233")]["Lambda_GeV"] >= sc["smeft_future_GeV"]
    assert rows_default[("future", "LN_22")]["Lambda_GeV"] == pytest.approx(sc["nusmeft_future_GeV"], rel=0.03)
    # the seed's formulas with the 0.1 flat tables: as in 0.1
    assert rows_paper_approx[("future", "ll_2233")]["Lambda_GeV"] >= sc["smeft_future_GeV"]
    assert rows_paper_approx[("future", "LN_22")]["Lambda_GeV"] == pytest.approx(sc["nusmeft_future_GeV"], rel=0.03)
    # the seed's formulas with the default tables: Lambda ~ bound^(-1/2) is lowered by the
    # future cap (median/cap)^(1/4) = 1.02, which takes the SMEFT scale to 82.2 GeV; without the
    # cap it would satisfy the seed's statement
    r = rows_paper[("future", "LN_22")]["ratio_paper_conventions"]       # = (median/cap)^(1/2)
    lam = rows_paper[("future", "ll_2233")]["Lambda_GeV"]
    assert lam < sc["smeft_future_GeV"] <= lam * r**0.5
    assert rows_paper[("future", "LN_22")]["Lambda_GeV"] == pytest.approx(sc["nusmeft_future_GeV"], rel=0.03)


def test_closing_masses_match_seed():
    c = PUB["closing"]
    for ds in ("2022", "2023-24", "future"):
        assert closing_mass("LN_22", ds) / GeV == pytest.approx(c["pair_GeV"], rel=1e-9)
        assert closing_mass("LNLe_2222", ds) / GeV == pytest.approx(c["single_GeV"], rel=1e-9)
    # and the bound blows up approaching the closing (phase space → 0)
    b0 = bound("LN_22", "future").bound
    b1 = bound("LN_22", "future", m_N=1.49 * GeV).bound
    assert b1 / b0 > 10
