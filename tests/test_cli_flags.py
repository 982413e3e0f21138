"""One meaning per flag, short help, messages that name what the user typed (issue 17 §3-4)."""

import argparse
import json

import pytest

from mucast.cli import build_parser, main
from mucast.cli.common import iter_parsers
from mucast.cli.topics import TOPICS


def run(capsys, *argv):
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ---- names ----------------------------------------------------------------------------------------
def test_every_converter_names_its_own_option():
    """A converter built by number()/integer() carries the option name it puts in its errors:
    it must be one of the option strings it is attached to (--mass-min said --mass)."""
    checked = 0
    for path, p in iter_parsers(build_parser()):
        for a in p._actions:
            name = getattr(a.type, "option", None)
            if name is not None:
                assert name in a.option_strings, (path, a.option_strings, name)
                checked += 1
    assert checked > 100


def test_m_N_and_its_hidden_alias(capsys):
    """--m-N is the name (as --m-chi); --mN, the 0.2 spelling, still works, is not shown, and is
    named in its own errors."""
    a = json.loads(run(capsys, "bound", "LN_22", "--m-N", "0.1", "--json")[1])
    b = json.loads(run(capsys, "bound", "LN_22", "--mN", "0.1", "--json")[1])
    assert a == b and a["mN"] == 0.1
    code, out, _ = run(capsys, "bound", "--help")
    assert "--m-N" in out and "--mN" not in out
    assert "--m-N must be in [0, 100000] GeV" in run(capsys, "bound", "LN_22", "--m-N", "-1")[2]
    assert "--mN must be in [0, 100000] GeV" in run(capsys, "bound", "LN_22", "--mN", "-1")[2]
    for path, p in iter_parsers(build_parser()):
        opts = {o for act in p._actions for o in act.option_strings}
        assert ("--mN" in opts) == ("--m-N" in opts), path


@pytest.mark.parametrize("argv, msg", [
    (["curve", "lmu-ltau", "--mass-min", "0"], "--mass-min must be in [1e-06, 100000] GeV"),
    (["plot", "limits", "lmu-ltau", "--mass-max", "-1", "--out", "x"], "--mass-max must be in"),
    (["bound", "LN_22", "--m-N", "1e400"], "--m-N: 1e400 overflows a double"),
    (["xsec", "lmu-ltau", "--mass", "0.1", "--coupling", "1" + "0" * 400], "overflows a double"),
    (["xsec", "lmu-ltau", "--mass", "0.1", "--coupling", "inf"], "--coupling must be finite"),
    (["scan", "LN_22", "--points", "9" * 5000], "--points must be an integer in [2, 100000]"),
    (["curve", "lmu-ltau", "--points", "1" + "0" * 50], "got 1e+50"),
    (["limit", "lmu-ltau", "--mass", "0.1", "--m-chi", "0"], "--m-chi must be in (0, inf) GeV"),
    (["conventions", "--m-N", "10"], "no nuSMEFT row can be computed"),
    (["trident", "--z-scale", "1e308"], "--z-scale must be in (0, 10]"),
    (["limit", "lmu-ltau", "--mass", "0.1", "--g-chi", "0"], "--g-chi must be in (0, 3.54491]"),
    (["limit", "zprime", "--mass", "0.3", "--cl", "1e-300"], "--cl must be in [0.5, 0.999]"),
    (["limit", "lmu-ltau", "--mass", "0.1", "--mass-ratio", "1e-300"], "--mass-ratio must be in"),
    (["gm2", "--mass", "0.1", "--coupling", "1e200"], "--coupling must be in (0, 3.54491]"),
    (["plot", "limits", "lmu-ltau", "--out", "."], "--out must name a file"),
    (["help", "methds"], "did you mean 'methods'"),
])
def test_messages_name_the_option_typed(capsys, argv, msg):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and msg in err


# ---- help -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", [("limit", "lmu-ltau"), ("curve", "dark-photon"),
                                  ("plot", "limits", "muon-scalar"), ("limit", "zprime"),
                                  ("bound",), ("scan",)])
def test_help_is_short(capsys, path, monkeypatch):
    """One line of text per option (wrapped at most once at 80 columns) and a pointer to the
    long texts: the help of limit, curve and plot was 84-99 lines."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = run(capsys, *path, "--help")
    assert code == 0 and len(out.splitlines()) <= 50
    assert "mucast help" in out


@pytest.mark.parametrize("topic", list(TOPICS))
def test_help_topics(capsys, topic):
    code, out, _ = run(capsys, "help", topic)
    assert code == 0 and len(out.splitlines()) >= 3
    if topic == "methods":
        from mucast.inference.stats import METHODS
        assert all(m in out for m in METHODS)
    if topic == "datasets":
        from mucast.experiments import available_datasets
        assert all(d in out for d in available_datasets())


def test_help_lists_topics_and_commands(capsys):
    code, out, _ = run(capsys, "help")
    assert code == 0 and all(t in out for t in TOPICS)
    code, out, _ = run(capsys, "help", "bound")
    assert code == 0 and out.startswith("usage: mucast bound")


def test_zprime_is_described_truly(capsys):
    """zprime is lmu-ltau with mucast 0.2's options and production narrow: said so, per command."""
    _, out, _ = run(capsys, "limit", "zprime", "--help")
    assert "alias of lmu-ltau" not in out and "narrow" in out and "--model" in out
    _, out, _ = run(capsys, "limit", "--help")
    assert "alias of lmu-ltau" not in out
    parsers = dict(iter_parsers(build_parser()))
    for cmd in ("limit", "curve"):
        p = parsers[(cmd, "zprime")]
        prod = next(a for a in p._actions if a.dest == "production")
        assert prod.default == "narrow"
        assert next(a for a in parsers[(cmd, "lmu-ltau")]._actions
                    if a.dest == "production").default == "auto"


def test_gm2_does_not_offer_millicharge(capsys):
    _, out, _ = run(capsys, "gm2", "--help")
    text = " ".join(out.split())
    listed = text.split("a preset (")[1].split(")")[0]
    assert "not millicharge" in text and "millicharge" not in listed and "lmu-ltau" in listed
    code, _, err = run(capsys, "gm2", "--model", "millicharge", "--mass", "0.1", "--coupling", "0.1")
    assert code == 2 and "photon" in err


def test_cli_copies_of_the_model_ranges():
    """cli.choices copies the ranges of model files (the parser imports no physics)."""
    from mucast.cli import choices
    from mucast.models import mediator
    assert choices.MAX_G_CHI == mediator.MAX_G_CHI
    assert choices.MASS_RATIO_RANGE == mediator.MASS_RATIO_RANGE


def test_every_option_has_a_help_line():
    for path, p in iter_parsers(build_parser()):
        for a in p._actions:
            if a.option_strings and a.help != argparse.SUPPRESS:
                assert a.help, (path, a.option_strings)


# ---- numbers printed as they are ------------------------------------------------------------------
def test_cl_printed_with_its_digits(capsys):
    code, out, _ = run(capsys, "upper-limit", "--observed", "0", "--cl", "0.999")
    assert code == 0 and "99.9% CL" in out


def test_limit_prints_a_positive_y(capsys):
    code, out, _ = run(capsys, "limit", "lmu-ltau", "--mass", "0.3", "--dm", "dirac", "--m-chi",
                       "0.05", "--production", "narrow")
    assert code == 0
    y = float(out.split("y < ")[1].split(")")[0])
    assert y > 0


# ---- one rule for bound, scan and export likelihood ------------------------------------------------
def test_export_likelihood_follows_the_rule_of_bound(capsys):
    code, out, err = run(capsys, "export", "likelihood", "--m-N", "10")
    assert code == 2 and out == "" and "no nuSMEFT entry can be computed" in err
    assert run(capsys, "bound", "LN_22", "--m-N", "10")[0] == 2
    code, out, _ = run(capsys, "export", "likelihood", "--m-N", "2", "--json")
    d = json.loads(out)
    diag = dict(zip(d["names"], (d["matrix"][i][i] for i in range(len(d["names"]))), strict=True))
    assert diag["ne_1122"] == 0.0 and diag["ln_2211"] == 0.0 and diag["lnle_2122"] > 0
    assert sum("is 0 in the matrix" in w for w in d["warnings"]) == 2
    d0 = json.loads(run(capsys, "export", "likelihood", "--json")[1])
    assert d0["warnings"] == [] and all(d0["matrix"][i][i] > 0 for i in range(len(d0["names"])))


def test_scan_and_bound_share_the_threshold_rule(capsys):
    """The scan's last mass is below the end of the tables (where bound refuses), printed with
    its digits; where Lambda is below the final state's mass both mark it."""
    code, out, _ = run(capsys, "scan", "LN_22", "--dataset", "2023-24", "--points", "6", "--json")
    d = json.loads(out)
    assert d["mN_GeV"][:5] == pytest.approx([0.0, 0.3, 0.6, 0.9, 1.2], abs=1e-12)
    assert d["mN_GeV"][-1] < d["closing_mass_GeV"]
    assert d["below_threshold"] == [False] * 5 + [True]
    assert any("below_threshold" in w for w in d["warnings"])
    last = d["mN_GeV"][-1]
    lam = d["Lambda_GeV"][-1]
    assert lam < 2 * last
    code, out, _ = run(capsys, "bound", "LN_22", "--dataset", "2023-24", "--m-N", repr(last),
                       "--json")
    b = json.loads(out)
    assert code == 0 and b["Lambda"] == pytest.approx(lam, rel=1e-6)
    assert any("below the mass of the invisible final state" in w for w in b["warnings"])
    assert run(capsys, "bound", "LN_22", "--dataset", "2023-24", "--m-N", "1.5")[0] == 2
    code, out, _ = run(capsys, "scan", "LN_22", "--dataset", "2023-24", "--points", "6")
    assert out.splitlines()[-3].split()[0] == f"{last:.7g}" and out.splitlines()[-3].endswith("* !")


# ---- relic below a lepton threshold (OverflowError before) -----------------------------------------
@pytest.mark.parametrize("argv, code, msg", [
    (["--model", "dark-photon", "--dm", "majorana", "--m-chi", "1e-6"], 2, "no coupling"),
    (["--model", "muon-scalar", "--dm", "dirac", "--m-chi", "1e-5"], 2, "no coupling"),
    (["--model", "dark-photon", "--dm", "majorana", "--m-chi", "5e-4"], 0, "Omega h^2 = 0.1200"),
])
def test_relic_target_at_tiny_masses(capsys, argv, code, msg):
    c, out, err = run(capsys, "relic", "target", *argv)
    assert c == code and msg in (out + err)
