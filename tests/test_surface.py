"""What a user meets (issue 10): one test per class of surface problem, each of which failed on
mucast 0.2.0 — help texts, bad input, event files, file modes, bad WCxf files, method names,
the --mN rule, output folders, results near the end of the acceptance tables."""

import gc
import json
import os
import stat
import tracemalloc

import pytest

from mucast.events import files as event_io
from mucast import events
from mucast.events import sample as ES
from mucast.inference import stats
from mucast.cli.common import iter_parsers
from mucast.cli import build_parser, main
from mucast.units import GeV


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(code, out, err):
    assert code == 2, err
    assert out == ""
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err, err


# ---- 1. every command's --help works (discovered from the parser: new commands are covered) ---
def _command_paths():
    return [p for p, _ in iter_parsers(build_parser())]


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "mucast")
def test_help_of_every_command(path, capsys):
    with pytest.raises(SystemExit) as e:
        main([*path, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mucast")


def test_every_command_is_discovered():
    paths = {" ".join(p) for p in _command_paths()}
    # a sample across the nesting levels; the parametrisation above covers all of them
    assert {"bound", "table1", "limit zprime", "xsec eft", "generate zprime", "acceptance"} <= paths


# ---- 2. generate: seed, formats, disk space, streaming ------------------------------------------
def test_generate_negative_seed_is_a_one_line_error(capsys, tmp_path):
    one_line_error(*run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
                        "--seed", "-1", "--out", str(tmp_path / "z.lhe")))
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("name", ["events.xyz", "events.root", "events.lhe.bz2", "events"])
def test_generate_refuses_unknown_file_types_before_computing(capsys, tmp_path, name):
    code, out, err = run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
                         "--out", str(tmp_path / name))
    one_line_error(code, out, err)
    assert ".lhe.gz, .lhe, .csv, .parquet" in err
    assert not any(tmp_path.iterdir())


def test_generate_format_must_agree_with_the_name(capsys, tmp_path):
    one_line_error(*run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
                        "--format", "csv", "--out", str(tmp_path / "z.lhe")))


def test_generate_refuses_what_does_not_fit_the_disk(capsys, tmp_path):
    code, out, err = run(capsys, "generate", "zprime", "--mass", "0.1", "--events",
                         str(10**15), "--out", str(tmp_path / "z.lhe"))
    one_line_error(code, out, err)
    assert "need about" in err and "free" in err
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("argv, option, limit", [
    # the audit's hangs (no output for 40 s): 50, 100, 140 GeV at the 160 GeV beam
    (["zprime", "--mass", "50"], "--mass", "[1e-06, 5.815]"),
    (["zprime", "--mass", "100"], "--mass", "[1e-06, 5.815]"),
    (["zprime", "--mass", "140"], "--mass", "[1e-06, 5.815]"),
    (["zprime", "--mass", "5.82"], "--mass", "[1e-06, 5.815]"),       # just beyond the bound
    (["zprime", "--mass", "2", "--energy", "15"], "--mass", "[1e-06, 1.78]"),
    (["eft", "--operator", "ll_2233", "--kmax", "150"], "--kmax", "(0, 5.815]"),
    (["eft", "--operator", "ll_2233", "--k", "60"], "--k", "(0, 5.815]"),
])
def test_generate_refuses_masses_beyond_the_generator_domain(capsys, tmp_path, argv, option,
                                                             limit):
    """m <= sqrt(2 E m_mu) (5.815 GeV at 160 GeV): one line naming the option, its range at this
    --energy and the value, before any computation (no file)."""
    code, out, err = run(capsys, "generate", *argv, "--events", "5", "--seed", "1",
                         "--out", str(tmp_path / "x.csv"), "--json")
    one_line_error(code, out, err)
    assert f"{option} must be in {limit} GeV at --energy" in err, err
    assert not any(tmp_path.iterdir())


def test_generate_at_the_edge_of_the_domain(capsys, tmp_path):
    """5.81 GeV (rho = m^2/(4 E m_mu) = 0.4994) is generated: energy-momentum bookkeeping and the
    envelope are exact there (no violations)."""
    code, o, err = run(capsys, "generate", "zprime", "--mass", "5.81", "--events", "200",
                       "--seed", "1", "--out", str(tmp_path / "z.csv"), "--json")
    assert code == 0, err
    d = json.loads(o)
    assert d["events"] == 200 and d["envelope_violations"] == 0


@pytest.mark.parametrize("suffix", [".lhe", ".lhe.gz", ".csv", ".parquet"])
def test_generate_every_format_round_trips(capsys, tmp_path, suffix):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    out = tmp_path / f"sub/z{suffix}"
    code, o, err = run(capsys, "generate", "eft", "--operator", "LN_22", "--mN", "0.2",
                       "--events", "300", "--seed", "3", "--out", str(out), "--json")
    assert code == 0, err
    assert err == ""                      # no progress bar when stderr is not a terminal
    d = json.loads(o)
    assert d["events"] == 300 and d["totals"]["envelope_violations"] == 0
    if suffix in (".lhe", ".lhe.gz"):
        pylhe = pytest.importorskip("pylhe")
        assert sum(1 for _ in pylhe.LHEFile.fromfile(str(out)).events) == 300
    elif suffix == ".csv":
        assert len(event_io.read_csv(out)["x"]) == 300
    else:
        import pyarrow.parquet as pq
        t = pq.read_table(out)
        assert t.num_rows == 300 and "mucast" in {k.decode() for k in t.schema.metadata}


def test_event_writing_memory_does_not_grow_with_the_number_of_events(tmp_path):
    """Streaming: the peak Python memory of writing N events is that of one chunk. With the
    garbage collector off (the worst case for reference cycles: np.savetxt's wrapper class kept
    each chunk's text alive) 10 chunks must cost < 1.5× the peak of 2 chunks (measured ≈ 1.0)."""
    def peak(n_chunks):
        gc.collect()
        gc.disable()
        tracemalloc.start()
        try:
            chunks = events.iter_eft("ll_2233", 2000 * n_chunks, seed=1, decay=False,
                                     chunk_size=2000)
            event_io.write_events(chunks, tmp_path / f"m{n_chunks}.csv")
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            gc.enable()
    assert peak(10) < 1.5 * peak(2)


def test_chunk_seeds_are_made_lazily_and_reproduce_spawn():
    # SeedSequence(seed, spawn_key=(i,)) is the i-th child of SeedSequence(seed).spawn: the
    # events of 0.2.0 are reproduced (tests/regression pins their digest) without a list of
    # all children (10^6 chunks for 2e11 events)
    import numpy as np
    kids = np.random.SeedSequence(42).spawn(3)
    lazy = [rng for rng, _ in ES._chunks(42, 3000, 1000)]
    for k, (rng) in zip(kids, lazy, strict=True):
        assert np.random.default_rng(k).random() == rng.random()


# ---- 3. file modes follow the umask, writes stay atomic ----------------------------------------
@pytest.mark.parametrize("mask,mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_outputs_follow_the_umask(tmp_path, mask, mode):
    from mucast._io import atomic_write_text
    old = os.umask(mask)
    try:
        atomic_write_text(tmp_path / "a" / "report.md", "x")
        ev = events.generate_zprime(0.1 * GeV, 50, seed=1)
        events.write_lhe(ev, tmp_path / "z.lhe")
        events.write_csv(ev, tmp_path / "z.csv")
    finally:
        os.umask(old)
    for p in (tmp_path / "a" / "report.md", tmp_path / "z.lhe", tmp_path / "z.csv"):
        assert stat.S_IMODE(p.stat().st_mode) == mode, p


# ---- 4. bad WCxf files: one line each -------------------------------------------------------------
@pytest.mark.parametrize("text,msg", [
    ("", "the file is empty"),
    ("eft: SMEFT\nbasis: [Warsaw\nvalues: {a: 1}\n", "line 3 column 7: YAML/JSON syntax error"),
    ("- 1\n- 2\n", "is a mapping"),
    ("eft: SMEFT\nbasis: Warsaw\nvalues: {ll_2233: 1e-2}\n", "missing WCxf key(s) scale"),
    ("eft: SMEFT\nbasis: Warsaw\nscale: 100\nvalues: 3\n", "'values' must be a mapping"),
])
def test_bad_wcxf_files_give_one_line(capsys, tmp_path, text, msg):
    f = tmp_path / "wc.yaml"
    f.write_text(text)
    code, out, err = run(capsys, "yield", "--wcxf", str(f))
    one_line_error(code, out, err)
    assert str(f) in err and msg in err


# ---- 5. one name per method, warnings for under-covering methods ---------------------------------
def test_method_names_are_the_same_in_every_command(capsys):
    code, out, _ = run(capsys, "upper-limit", "--observed", "0", "--method", "cls-exact", "--json")
    assert json.loads(out)["upper"] == pytest.approx(2.302585, rel=1e-6)
    code, out, _ = run(capsys, "upper-limit", "--observed", "0", "--background", "0.07",
                       "--background-uncertainty", "0.03", "--method", "cls-asymptotic", "--json")
    asym = json.loads(out)
    code, out, _ = run(capsys, "limit", "zprime", "--mass", "0.1", "--method", "cls-exact", "--json")
    z = json.loads(out)
    assert z["method"] == "cls-exact" and z["n_up"] == pytest.approx(2.302585, rel=1e-6)
    assert z["warnings"] == []
    code, out, _ = run(capsys, "bound", "LN_22", "--method", "cls-asymptotic", "--json")
    b = json.loads(out)
    assert b["method"] == "cls-asymptotic" and b["n_up"] < 2
    for d in (asym, b):
        assert any("under-cover" in w for w in d["warnings"])


def test_under_coverage_is_said_in_text_too(capsys):
    code, out, _ = run(capsys, "limit", "zprime", "--mass", "0.1")
    assert code == 0 and "warning: cls-asymptotic" in out and "under-cover" in out


def test_old_cls_name_keeps_its_meaning_per_command_with_a_warning(capsys):
    _, out, _ = run(capsys, "upper-limit", "--observed", "0", "--method", "cls", "--json")
    d = json.loads(out)
    assert d["method"] == "cls-exact" and "deprecated" in d["warnings"][0]
    _, out, _ = run(capsys, "limit", "zprime", "--mass", "0.1", "--method", "cls", "--json")
    d = json.loads(out)
    assert d["method"] == "cls-asymptotic" and any("deprecated" in w for w in d["warnings"])


def test_every_method_is_known_to_stats():
    assert stats.METHODS == ("fc", "poisson", "cls-exact", "cls-asymptotic")
    assert set(stats.METHOD_DESCRIPTIONS) == set(stats.METHODS)


# ---- 6. --mN: the same rule everywhere ------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["xsec", "eft", "ll_2233", "--mN", "0.5"],
    ["bound", "ll_2233", "--mN", "0.5"],
    ["yield", "--coef", "ll_2233=1e-2", "--mN", "0.5"],
    ["generate", "eft", "--operator", "le_3322", "--mN", "0.5", "--events", "5", "--out", "x.csv"],
])
def test_mN_for_an_operator_without_N_is_refused_everywhere(capsys, argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    one_line_error(code, out, err)
    assert "applies to the νSMEFT operators" in err
    assert not any(tmp_path.iterdir())


# ---- 7. output folders: one rule (created) --------------------------------------------------------
def test_output_folders_are_created_by_every_command(capsys, tmp_path):
    code, out, err = run(capsys, "plot", "zprime", "--points", "10", "--out",
                         str(tmp_path / "new" / "deeper" / "fig4"), "--json")
    assert code == 0, err
    assert all(os.path.isfile(f) for f in json.loads(out)["files"])
    code, out, err = run(capsys, "scan", "LN_22", "--points", "3", "--checkpoint",
                         str(tmp_path / "ck" / "scan.jsonl"), "--json")
    assert code == 0, err
    assert (tmp_path / "ck" / "scan.jsonl").is_file()


# ---- 8. results at the end of the acceptance tables -----------------------------------------------
def test_bound_at_the_table_end_prints_significant_digits_and_says_why(capsys):
    code, out, err = run(capsys, "bound", "LN_22", "--dataset", "2022", "--mN", "1.49999")
    assert code == 0, err
    assert "Lambda > 0.0 GeV" not in out
    lam = float(out.split("Lambda > ")[1].split()[0])
    assert 0 < lam < 0.1
    assert "warning:" in out and "last bin of the acceptance table" in out


def test_scan_marks_edge_dominated_points(capsys):
    code, out, _ = run(capsys, "scan", "LNLe_2222", "--dataset", "2023-24", "--points", "12",
                       "--json")
    d = json.loads(out)
    dom = d["edge_dominated"]
    assert dom[0] is False and dom[-1] is True
    # once dominated, dominated up to the end (the threshold only moves up)
    first = dom.index(True)
    assert all(dom[first:])
    assert all(f > 0.5 for f in d["last_bin_fraction"][first:])
    assert any("edge_dominated" in w for w in d["warnings"])


def test_edge_fraction_equals_the_yield_of_the_last_bin_alone():
    """Independent check of the split: the yield with κ set to zero below the last bin, over
    the full yield (1e-6: two quadratures of the same integrand on different panels)."""
    from mucast.experiments.acceptance import AcceptanceTable
    from mucast.experiments import get, with_tables
    from mucast.models.eft import EFTModel
    from mucast.inference.yields import edge_window, signal_yield
    import numpy as np
    for ts in ("shipped", "approx"):
        exp = with_tables("2022", ts)
        m = EFTModel({"LN_22": 1 / GeV**2}, m_N=0.9 * GeV)
        full = signal_yield(m, exp)
        lo = edge_window(exp.acceptance)
        a = exp.acceptance
        x = np.unique(np.concatenate([a.x, [lo * (1 - 1e-12), lo]]))
        v = np.where(x >= lo, a(x), 0.0)
        cut = exp.replace(acceptance=AcceptanceTable(x, v, a.columns, "test", "test"))
        tail = signal_yield(m, cut).value
        assert full.edge_fraction == pytest.approx(tail / full.value, rel=1e-6), ts
    assert get("2022").acceptance.x_max == 3 * GeV


def test_an_error_while_finishing_an_event_file_propagates_and_leaves_nothing(tmp_path,
                                                                              monkeypatch):
    # found by ruff's bugbear (B012): a `return` in `finally` swallowed this error and kept the
    # half-finished file
    def boom(self):
        raise OSError("disk full")

    monkeypatch.setattr(event_io.EventWriter, "_finish", boom)
    ev = events.generate_zprime(0.1 * GeV, 20, seed=1)
    with pytest.raises(OSError, match="disk full"):
        events.write_lhe(ev, tmp_path / "z.lhe")
    assert not any(tmp_path.iterdir())
