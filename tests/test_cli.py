"""The command line: JSON contracts, human output, errors without tracebacks."""

import json
import subprocess
import sys

import pytest

from mucast.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_upper_limit_json(capsys):
    code, out, _ = run(capsys, "upper-limit", "--observed", "0", "--background", "0", "--method", "fc", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["upper"] == pytest.approx(2.44, abs=0.005)       # FC Table IV, 2 decimals
    code, out, _ = run(capsys, "upper-limit", "--observed", "0", "--method", "poisson", "--json")
    assert json.loads(out)["upper"] == pytest.approx(2.302585, rel=1e-6)


def test_bound_json_contract(capsys):
    code, out, _ = run(capsys, "bound", "LN_22", "--dataset", "2022", "--mN", "0.1", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["Lambda"] == pytest.approx(d["bound"] ** -0.5, rel=1e-12)
    assert d["units"]["bound"] == "GeV^-2" and d["mN"] == 0.1


def test_table1_json(capsys):
    code, out, _ = run(capsys, "table1", "--json")
    d = json.loads(out)
    assert len(d["rows"]) == 10
    for r in d["rows"]:
        assert r["ratio"] == pytest.approx(r["ours"] / r["seed"], rel=1e-12)
        assert r["status"] in ("calibration", "capped calibration", "prediction")


def test_human_outputs(capsys):
    for args in (["table1"], ["bound", "ll_2233"], ["upper-limit", "--observed", "1"],
                 ["plane"], ["trident"], ["scan", "LNLe_2222", "--points", "5"],
                 ["xsec", "eft", "LN_22"], ["yield", "--coef", "ll_2233=1e-2"]):
        code, out, err = run(capsys, *args)
        assert code == 0, (args, err)
        assert out.strip()


@pytest.mark.parametrize("args,msg", [
    # issue 10: the real reason (the end of the acceptance tables), not "phase space closes"
    (["bound", "LN_22", "--mN", "2"], "acceptance table of this data set ends at sqrt(k^2) = 3 GeV"),
    (["bound", "LN_22", "--mN", "-1"], "--mN must be in [0, 100000] GeV"),
    (["upper-limit", "--observed", "-1"], "--observed must be an integer in [0, 1000]"),
    (["upper-limit", "--observed", "0", "--cl", "1.5"], "--cl must be in [0.5, 0.999]"),
    (["upper-limit", "--observed", "0", "--background", "-1"], "--background must be in [0, 1000]"),
    (["yield", "--coef", "ll_2233"], "NAME=VALUE"),
    (["yield", "--coef", "zz_2233=1"], "unknown operator"),
    (["yield", "--coef", "ll_2233=abc"], "must be a number"),
    (["bound", "LN_22", "--experiment", "/nonexistent/x.toml"], "cannot read"),
    (["xsec", "eft", "LN_22", "--energy", "-5"], "--energy"),
])
def test_errors_exit_nonzero_without_traceback(capsys, args, msg):
    code, out, err = run(capsys, *args)
    assert code == 2
    assert msg in err and "Traceback" not in err
    assert out == ""


def test_argparse_errors_exit_2(capsys):
    # issue 10: argparse's errors are one line too (no usage block), exit code 2
    for argv in (["bound", "NOPE"], ["bound", "LN_22", "--dataset", "2030"], ["xsec"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("mucast") and "error" in err


def test_console_script_runs():
    # the installed entry point (same interpreter): one JSON object on stdout
    p = subprocess.run([sys.executable, "-m", "mucast.cli", "upper-limit", "--observed", "0", "--json"],
                       capture_output=True, text=True, check=True)
    assert json.loads(p.stdout)["upper"] > 2


def test_acceptance_table_sets(capsys):
    # the three table sets are one flag away (docs/validation.md). The default 2022 kappa IS the
    # detector-model table (calibration factor 1), so 'derived' gives the same EFT bound exactly;
    # the 0.1 flat approximation gives bounds x1/1.31 (5% window: ratio of two tabulated shapes);
    # for the Z' the default is the 'approx' model and the detector model is x0.50 at 40 MeV.
    assert main(["bound", "LN_22", "--json"]) == 0
    b0 = json.loads(capsys.readouterr().out)["bound"]
    assert main(["bound", "LN_22", "--acceptance", "derived", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["bound"] == pytest.approx(b0, rel=1e-12)
    assert "derived" in d["dataset"]
    assert main(["bound", "LN_22", "--acceptance", "approx", "--json"]) == 0
    a = json.loads(capsys.readouterr().out)
    assert a["bound"] / b0 == pytest.approx(1 / 1.31, rel=0.05)
    assert main(["limit", "zprime", "--mass", "0.04", "--json"]) == 0
    g0 = json.loads(capsys.readouterr().out)["coupling"]
    assert main(["limit", "zprime", "--mass", "0.04", "--acceptance", "approx", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["coupling"] == pytest.approx(g0, rel=1e-12)
    assert main(["limit", "zprime", "--mass", "0.04", "--acceptance", "derived", "--json"]) == 0
    g1 = json.loads(capsys.readouterr().out)["coupling"]
    assert g1 / g0 == pytest.approx(0.50, rel=0.05)
