"""Tests of mucast.events.acceptance_model: calibration, table format, and the before/after plumbing."""

import numpy as np
import pytest

from mucast.events import acceptance_model as AM
from mucast.experiments.acceptance import AcceptanceTable, EfficiencyTable
from mucast.exceptions import DataFileError, InputError, UnknownNameError


@pytest.fixture(scope="module")
def res2022():
    return AM.derive("2022", n_events=4000, seed=1)


def test_calibration_reproduces_the_12_percent_peak(res2022):
    m = res2022.masses_GeV
    win = (m >= 0.1) & (m <= 1.0)
    assert np.max(res2022.final_efficiency[win]) == pytest.approx(0.12, rel=1e-12)
    assert 0 < res2022.calibration <= 1.0


def test_kappa_shape(res2022):
    k = res2022.kappa
    assert np.all((k >= 0) & (k <= 1))
    assert k.max() > k[-1] > 0           # falls towards sqrt(k^2) = 3 GeV but stays non-zero
    assert res2022.k_GeV[-1] == 3.0


def test_tables_round_trip(res2022, tmp_path):
    paths = AM.write_tables(res2022, tmp_path, command="pytest")
    names = sorted(p.split("/")[-1] for p in paths)
    assert names == ["derived_2022.csv", "derived_zprime_2022_t1.csv", "derived_zprime_2022_t2.csv"]
    t = AcceptanceTable.from_file(tmp_path / "derived_2022.csv", columns=("k_GeV", "kappa"))
    assert "command: pytest" in t.provenance and "eps_cal" in t.provenance
    z = EfficiencyTable.from_file(tmp_path / "derived_zprime_2022_t1.csv")
    assert z.spins == AM.SPINS == ("vector", "axial", "scalar", "pseudoscalar")
    assert z.x_max > 0 and all(np.all(t.value <= 1) for t in z.tables.values())
    # the binomial errors of every spin are in the header
    assert all(f"binomial errors (abs), {s}," in z.provenance for s in AM.SPINS)


def test_before_after(res2022, tmp_path):
    AM.write_tables(res2022, tmp_path, command="pytest")
    from mucast.outputs.report import before_after
    ba = before_after(tmp_path, datasets=("2022",), zprime_masses_MeV=(100,))
    r = ba["table1"]["2022"]["ll_2233"]
    assert r["ratio_after_before"] > 0
    z = ba["zprime"]["2022"]["100 MeV"]
    assert 1e-5 < z["after"] < 1e-2


def test_bad_input(tmp_path):
    with pytest.raises(UnknownNameError):
        AM.derive("1999", n_events=2000)
    with pytest.raises(InputError):
        AM.derive("2022", n_events=10)
    with pytest.raises(DataFileError):
        AM.derive("2022", config=tmp_path / "nope.toml", n_events=2000)


def test_cli_register_and_errors(tmp_path, capsys):
    import json

    from mucast.cli import main

    out = tmp_path / "z.csv"
    assert main(["generate", "zprime", "--mass", "0.1", "--events", "200", "--out", str(out),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == 200 and out.is_file()
    # bad input: one line on stderr, exit 2, no file (a missing folder is created, not an error:
    # tests/test_surface.py)
    for argv in (["generate", "eft", "--operator", "XX", "--events", "5", "--out", str(out)],
                 ["generate", "zprime", "--mass", "500", "--events", "5", "--out",
                  str(tmp_path / "y.lhe")],
                 ["generate", "zprime", "--mass", "0.1", "--events", "0", "--out",
                  str(tmp_path / "y.lhe")],
                 ["acceptance", "--dataset", "1999", "--json"],
                 ["acceptance", "--dataset", "2022", "--config", str(tmp_path / "bad.toml")]):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "error" in err, err
    assert not (tmp_path / "y.lhe").exists()
