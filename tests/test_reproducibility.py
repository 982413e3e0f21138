"""Reproducibility (issue 6): byte-identical JSON from the CLI across runs, results that carry
the package version and their inputs, seeded Monte Carlo, and resumable scans
(mucast.inference.checkpoint) that lose nothing on interruption."""

import json

import numpy as np
import pytest

import mucast
from mucast.inference import stats
from mucast.inference import checkpoint, yields
from mucast import experiments
from mucast.inference import mediators as zl
from mucast.cli import main
from mucast.processes.conventions import Conventions
from mucast.exceptions import DataFileError, InputError
from mucast.inference.limits import bound
from mucast.processes.eft import production as eft
from mucast.processes.mediators import production as Z
from mucast.inference.scans import eft_mass_scan
from mucast.units import GeV, MeV


def cli_json(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    json.loads(out)
    return out


@pytest.mark.parametrize("argv", [
    ["bound", "LN_22", "--mN", "0.1", "--json"],
    ["bound", "ll_2233", "--dataset", "2023-24", "--theta-max", "0.2", "--json"],
    ["table1", "--json"],
    ["limit", "zprime", "--mass", "0.1", "--json"],
    ["limit", "zprime", "--model", "dark", "--mass", "0.3", "--method", "fc", "--json"],
    ["xsec", "zprime", "--mass", "0.05", "--coupling", "1e-4", "--json"],
    ["gm2", "--mass", "0.02", "--coupling", "4e-4", "--json"],
    ["limit", "muon-scalar", "--mass", "0.3", "--json"],
    ["limit", "millicharge", "--mass", "0.05", "--json"],
    ["gm2", "--model", "muon-pseudoscalar", "--mass", "0.1", "--coupling", "1e-3", "--json"],
])
def test_cli_json_byte_identical(capsys, argv):
    first = cli_json(capsys, argv)
    stats.cls_upper_limit_asymptotic.cache_clear()      # recompute, not a cached answer
    second = cli_json(capsys, argv)
    assert first == second


def test_results_record_version_and_inputs():
    conv = Conventions(theta_max=0.2)
    b = bound("LN_22", "2022", m_N=0.1 * GeV, conventions=conv).to_dict()
    assert b["mucast_version"] == mucast.__version__
    for key in ("operator", "dataset", "mN", "method", "cl", "conventions", "n_type"):
        assert key in b
    # the convention override and the experiment's numbers are recorded
    assert b["inputs"]["conventions"]["theta_max"] == 0.2
    assert b["inputs"]["experiment"]["mot"] == experiments.get("2022").mot

    y = yields.signal_yield(eft.EFTModel({"ll_2233": 1e-2 / GeV**2}), "2023-24").to_dict()
    assert y["mucast_version"] == mucast.__version__
    assert y["coefficients_GeV-2"] == {"ll_2233": pytest.approx(1e-2)}
    assert y["inputs"]["experiment"]["name"] == "2023-24" and y["inputs"]["n_type"] == "dirac"

    lim = zl.coupling_limit(zl.legacy_zprime_model("dark", g_chi=0.1), 0.2 * GeV, "2022", "fc",
                            theta_max=0.2, label="dark").to_dict()
    assert lim["mucast_version"] == mucast.__version__
    assert lim["inputs"]["theta_max"] == 0.2 and lim["inputs"]["approx"] == "auto"   # the default
    assert lim["g_chi"] == 0.1 and lim["model"] == "dark" and lim["method"] == "fc"

    zc = Z.cross_section(0.1 * GeV, 1e-3, x_min=0.5).to_dict()
    assert zc["mucast_version"] == mucast.__version__
    assert zc["x_min"] == 0.5 and zc["mass_GeV"] == pytest.approx(0.1)

    s = eft_mass_scan("LN_22", "2022", [0.0, 0.5 * GeV]).to_dict()
    assert s["mucast_version"] == mucast.__version__ and s["mN_GeV"] == [0.0, 0.5]
    for d in (b, y, lim, zc, s):
        json.dumps(d, allow_nan=False)


def test_seeded_monte_carlo_identical():
    from mucast.processes.mediators import exact
    kw = dict(rtol=0.05, neval=1000, max_iterations=3)
    r1 = exact.cross_section("scalar", 100 * MeV, 1e-3, 160 * GeV, "Pb", seed=3, **kw)
    r2 = exact.cross_section("scalar", 100 * MeV, 1e-3, 160 * GeV, "Pb", seed=3, **kw)
    assert r1.value == r2.value and r1.uncertainty == r2.uncertainty
    assert r1.to_dict()["seed"] == 3
    r3 = exact.cross_section("scalar", 100 * MeV, 1e-3, 160 * GeV, "Pb", seed=4, **kw)
    assert r3.value != r1.value        # the seed is really used


# ------------------------------------------------------------------------------ checkpoints
class Interrupt(Exception):
    pass


def make_func(calls, fail_at=None):
    def f(m_gev):
        if fail_at is not None and m_gev == fail_at:
            raise Interrupt(f"interrupted at {m_gev}")
        calls.append(m_gev)
        return {"mN_GeV": m_gev, "bound": bound("LN_22", "2022", m_N=m_gev * GeV).bound * GeV**2}
    return f


def test_resumable_map_restart_computes_only_remaining(tmp_path):
    masses = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    ck, out = tmp_path / "scan.jsonl", tmp_path / "scan.json"
    calls = []
    with pytest.raises(Interrupt):
        checkpoint.resumable_map(make_func(calls, fail_at=0.6), masses, ck, output=out)
    assert calls == [0.0, 0.2, 0.4] and not out.exists()
    assert len(ck.read_text().splitlines()) == 1 + 3          # header + 3 finished points

    calls2 = []
    res = checkpoint.resumable_map(make_func(calls2), masses, ck, output=out)
    assert calls2 == [0.6, 0.8, 1.0]                          # only the remaining points

    fresh_calls = []
    ref = checkpoint.resumable_map(make_func(fresh_calls), masses, tmp_path / "ref.jsonl",
                                   output=tmp_path / "ref.json")
    assert res == ref and len(fresh_calls) == len(masses)
    assert out.read_bytes() == (tmp_path / "ref.json").read_bytes()
    saved = json.loads(out.read_text())
    assert saved["points"] == masses and saved["mucast_version"] == mucast.__version__

    calls3 = []                                              # complete: nothing recomputed
    assert checkpoint.resumable_map(make_func(calls3), masses, ck) == ref and calls3 == []


def test_resumable_map_torn_last_line_and_foreign_checkpoint(tmp_path):
    ck = tmp_path / "c.jsonl"
    pts = [1, 2, 3, 4]
    calls = []

    def sq(x):
        calls.append(x)
        return x * x

    checkpoint.resumable_map(sq, pts[:4], ck)
    lines = ck.read_text().splitlines(keepends=True)
    ck.write_text("".join(lines[:3]) + lines[3][:7])          # crash while writing point 3
    calls.clear()
    assert checkpoint.resumable_map(sq, pts, ck) == [1, 4, 9, 16]
    assert calls == [3, 4]                                    # the torn point is recomputed
    assert [json.loads(s)["result"] for s in ck.read_text().splitlines()[1:]] == [1, 4, 9, 16]
    with pytest.raises(DataFileError, match="another computation"):
        checkpoint.resumable_map(sq, [1, 2, 5], ck)
    with pytest.raises(InputError, match="finite JSON"):
        checkpoint.resumable_map(lambda x: float("nan"), [1], tmp_path / "n.jsonl")
    # issue 10: one rule for output paths: the checkpoint's folder is created
    assert checkpoint.resumable_map(sq, pts, tmp_path / "missing" / "c.jsonl") == [1, 4, 9, 16]
    (tmp_path / "f").write_text("")
    with pytest.raises(DataFileError, match="not a directory"):
        checkpoint.resumable_map(sq, pts, tmp_path / "f" / "c.jsonl")


def test_resumable_map_float_results_exact(tmp_path):
    xs = list(np.geomspace(1e-3, 1.0, 7))
    f = lambda x: [x / 3.0, np.sqrt(x).item()]
    a = checkpoint.resumable_map(f, xs, tmp_path / "a.jsonl")
    b = checkpoint.resumable_map(f, xs, tmp_path / "a.jsonl")    # all read back from the file
    assert a == b == [[x / 3.0, float(np.sqrt(x))] for x in xs]
