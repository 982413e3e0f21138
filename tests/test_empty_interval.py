"""An observation below what the background alone allows (audit: the classical Neyman limit).

The 'poisson' interval is empty where P(N ≤ n | b) ≤ 1 − cl; its upper limit of 0 used to flow
into every command: `upper-limit` printed 0.0, a mediator limit gave coupling 0 with status
'ok', an EFT bound |C| ≤ 0. Now: `upper-limit` and the EFT commands refuse in one line (exit 2),
mediator limits and curves end with status 'failed', coupling and N_up null, and the reason in
the warnings. No tolerances here: the checks are on statuses, nulls and messages.
"""

import json
import math

import numpy as np
import pytest

from mucast import experiments
from mucast.cli import main
from mucast.exceptions import EmptyIntervalError
from mucast.inference import mediators as M
from mucast.inference.curves import limit_curve
from mucast.inference.limits import bound
from mucast.units import GeV


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """2022.toml with b = 5 in [mediator] (mediator limits) and in the top-level table (EFT)."""
    text = experiments.data_path("experiments/2022.toml").read_text(encoding="utf-8")
    d = tmp_path_factory.mktemp("b5")
    med = text.replace("\nbackground = 0.07", "\nbackground = 5.0", 1)
    eft = text.replace("\nbackground = 0.0 ", "\nbackground = 5.0 ", 1)
    assert med != text and eft != text                    # the keys are where they were
    (d / "med.toml").write_text(med, encoding="utf-8")
    (d / "eft.toml").write_text(eft, encoding="utf-8")
    return d / "med.toml", d / "eft.toml"


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_upper_limit_cli_refuses(capsys):
    code, out, err = run(capsys, "upper-limit", "--observed", "0", "--background", "3",
                         "--method", "poisson", "--json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "poisson" in err and "empty" in err and "fc or cls" in err


def test_mediator_limit_is_a_null_limit(files, capsys):
    med, _ = files
    code, out, _ = run(capsys, "limit", "dark-photon", "--mass", "0.1", "--experiment", med,
                       "--method", "poisson", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["coupling"] is None and d["n_up"] is None and d["status"] == "failed"
    assert d["method"] == "poisson"
    assert any("interval is empty" in w and "fc or cls-exact" in w for w in d["warnings"])
    assert any(w.startswith("no limit at m = 0.1 GeV") and "epsilon" in w for w in d["warnings"])
    # the API: the same null limit, and fc gives a number there
    r = M.coupling_limit("lmu-ltau", 0.1 * GeV, experiments.get(str(med)), "poisson")
    assert r.coupling is None and r.status == "failed" and math.isnan(r.n_up)
    fc = M.coupling_limit("lmu-ltau", 0.1 * GeV, experiments.get(str(med)), "fc")
    assert fc.status == "ok" and fc.coupling > 0 and fc.n_up > 0


def test_mediator_curve_is_failed_everywhere(files):
    med, _ = files
    exp = experiments.get(str(med))
    masses = np.geomspace(0.01, 1, 4) * GeV
    for kw in ({}, {"workers": 0}):                    # the vectorised and the point-by-point paths
        r = limit_curve("dark-photon", masses, exp, "poisson", **kw)
        assert r["status"] == ["failed"] * 4 and r["coupling"] == [None] * 4
        assert r["n_up"] is None and r["method"] == "poisson"
        assert any("interval is empty" in w for w in r["warnings"])
        json.dumps(r, allow_nan=False)                  # the --json contract: no NaN


def test_eft_bound_refuses(files, capsys):
    _, eft = files
    with pytest.raises(EmptyIntervalError, match="poisson"):
        bound("ll_2233", experiments.get(str(eft)), method="poisson")
    code, out, err = run(capsys, "bound", "ll_2233", "--experiment", eft, "--method", "poisson",
                         "--json")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "interval is empty" in err
