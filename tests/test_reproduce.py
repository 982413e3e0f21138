"""mucast reproduce, WCxf input, user experiments and citations (issue 5)."""

import json

import pytest
import yaml

from mucast import experiments
from mucast.cli import main
from mucast.citations import BIBTEX, for_command
from mucast.exceptions import DataFileError, UnknownNameError
from mucast.reproduce import run
from mucast.units import GeV
from mucast.wcxf_io import read_wcxf


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    out = tmp_path_factory.mktemp("repro")
    return run(out, points=20, zprime_points=40, progress=False)


def test_reproduce_writes_everything(reproduced):
    out = reproduced.out
    for name in ("table1.csv", "table1.json", "eq23.csv", "eq24.json", "fig5_smeft_plane.png",
                 "fig5_smeft_plane.pdf", "fig6_nusmeft.png", "fig6_nusmeft.csv", "fig4_zprime.png",
                 "fig4_zprime.csv", "gm2_band.csv", "report.md", "report.html", "comparison.csv",
                 "hepdata/submission.yaml", "run_info.json", "fig4_acceptance.png",
                 "acceptance.csv", "acceptance.json"):
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not list(out.glob("**/*.tmp"))                 # nothing half-written
    html = (out / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4     # self-contained
    rows = json.loads((out / "comparison.json").read_text())["rows"]
    assert {r["status"].split()[0] for r in rows} <= {"calibration", "capped", "prediction", "input"}
    assert sum(r["source"] == "seed 000 Table I" for r in rows) == 10


def test_hepdata_submission_is_valid_yaml(reproduced):
    sub = list(yaml.safe_load_all((reproduced.out / "hepdata/submission.yaml").read_text()))
    assert "comment" in sub[0]
    for entry in sub[1:]:
        table = yaml.safe_load((reproduced.out / "hepdata" / entry["data_file"]).read_text())
        n = len(table["independent_variables"][0]["values"])
        assert n > 5
        for dep in table["dependent_variables"]:
            assert len(dep["values"]) == n
            assert "units" in dep["header"]


def test_reproduce_is_idempotent(reproduced, tmp_path):
    again = run(tmp_path, points=20, zprime_points=40, progress=False)
    for f in again.files:
        if f == "run_info.json":
            continue
        assert (tmp_path / f).read_bytes() == (reproduced.out / f).read_bytes(), f


def test_reproduce_unwritable_dir(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code = main(["reproduce", "--out", str(blocker / "sub"), "--no-progress"])
    assert code == 2
    assert "output directory" in capsys.readouterr().err


WC_OK = """eft: SMEFT
basis: Warsaw
scale: 91.1876
values:
  ll_2233: 1.0e-2
  le_3322: {Re: 2.0e-3}
  lq1_1111: 1.0e-9
"""


def test_wcxf_read(tmp_path):
    p = tmp_path / "wc.yaml"
    p.write_text(WC_OK)
    r = read_wcxf(p)
    assert r.model.coefficients["ll_2233"] == pytest.approx(1e-2 / GeV**2)
    assert r.ignored == ["lq1_1111"]
    assert "no running" in r.note and r.scale == pytest.approx(91.1876 * GeV)


def test_wcxf_yield_cli_matches_coef(tmp_path, capsys):
    p = tmp_path / "wc.yaml"
    p.write_text(WC_OK)
    assert main(["yield", "--wcxf", str(p), "--dataset", "2023-24", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert main(["yield", "--coef", "ll_2233=1e-2", "--coef", "le_3322=2e-3", "--dataset", "2023-24", "--json"]) == 0
    b = json.loads(capsys.readouterr().out)
    assert a["yield"] == pytest.approx(b["yield"], rel=1e-12)
    assert a["wcxf"]["scale_GeV"] == pytest.approx(91.1876)


@pytest.mark.parametrize("text,msg", [
    ("eft: WET\nbasis: flavio\nscale: 5\nvalues: {}\n", "eft must be 'SMEFT'"),
    ("eft: SMEFT\nbasis: Higgs\nscale: 5\nvalues: {}\n", "basis"),
    ("eft: SMEFT\nbasis: Warsaw\nscale: 91\nvalues:\n  zz_9999: 1.0\n", "do not exist"),
    ("eft: SMEFT\nbasis: Warsaw\nscale: 91\nvalues:\n  lq1_1111: 1.0\n", "nothing to compute"),
    ("eft: SMEFT\nbasis: Warsaw\nscale: -3\nvalues:\n  ll_2233: 1.0\n", "scale must be > 0"),
    ("this: [is not: wcxf\n", "line 2 column 1: YAML/JSON syntax error"),   # issue 10: the line
])
def test_wcxf_bad_files(tmp_path, text, msg):
    p = tmp_path / "bad.yaml"
    p.write_text(text)
    with pytest.raises(DataFileError, match=msg):
        read_wcxf(p)


def test_wcxf_unreadable_cli(capsys):
    assert main(["yield", "--wcxf", "/nonexistent/wc.yaml"]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_user_experiment_with_inline_target(tmp_path, capsys):
    (tmp_path / "acc.csv").write_text("# my acceptance\nk_GeV,kappa\n0,0.3\n2,0.3\n")
    (tmp_path / "exp.toml").write_text(
        '[experiment]\nname = "mine"\nbeam_energy_GeV = 100.0\neffective_thickness_cm = 10.0\n'
        'mot = 1e12\nobserved = 1\nbackground = 0.5\nacceptance = "acc.csv"\n'
        '[target]\nname = "tungsten-ish"\nZ = 74\nA = 183.84\ndensity_g_cm3 = 19.3\n')
    e = experiments.get(str(tmp_path / "exp.toml"))
    assert e.target.Z == 74 and e.observed == 1
    assert main(["bound", "LN_22", "--experiment", str(tmp_path / "exp.toml"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["dataset"] == "mine" and d["n_up"] > 2.44      # n = 1 observed


def test_cite():
    text = for_command("bound")
    assert "2511.11801" in text and "Feldman" in text
    assert for_command().count("@article") == len(BIBTEX)
    with pytest.raises(UnknownNameError):
        for_command("nonsense")
