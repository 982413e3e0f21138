"""Users' data are sacred; any interruption is safe (issue 17 §1, §2 faults, §6 Dask): one test
per class of fault — a link, folder, device or foreign file planted at every path mucast writes;
files that are not checkpoints; damaged checkpoint lines; SIGTERM, SIGINT and SIGKILL during a
write; an interrupted or failing `reproduce`; read-only paths; a full disk; two writers; bad
and dying Dask schedulers. Each test runs in seconds (no full computation is needed to reach the
fault)."""

from __future__ import annotations

import errno
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from mucast import _io
from mucast import events
from mucast.cli import main
from mucast.exceptions import DataFileError, RuntimeFault
from mucast.inference import checkpoint
from mucast.units import GeV

SECRET = b"the user's own data\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(code, err, expect_code=2):
    assert code == expect_code, err
    assert err.count("\n") == 1 and "Traceback" not in err, err


def leftovers(folder: Path) -> list[str]:
    """mucast's temporary entries (files, staging folders, locks) left in ``folder``."""
    return sorted(n for n in os.listdir(folder) if "mucast-" in n or n.endswith(".tmp"))


# ------------------------------------------------------------------------------------------
# 1. every writer: a planted link, folder, FIFO or foreign file is refused and left untouched;
#    its own output of a previous run is replaced
# ------------------------------------------------------------------------------------------
def _figure(path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mucast.outputs.plots import save_figure
    fig, ax = plt.subplots()
    ax.plot([0, 1], [0, 1])
    save_figure(fig, path, path.with_suffix(".pdf"))
    plt.close(fig)


def _hepdata(path):
    from mucast.outputs.hepdata import HEPDataTable, write_submission
    t = HEPDataTable("T", "d", "x", "GeV", np.array([1.0, 2.0]))
    t.add_column("y", "GeV", [3.0, 4.0])
    write_submission(path.parent, [t], "c")


WRITERS = {
    "atomic_write_text": (lambda p: _io.atomic_write_text(p, "# mucast table\n1\n"), "t.csv"),
    "events csv": (lambda p: events.write_csv(events.generate_zprime(0.1 * GeV, 20, seed=1), p),
                   "z.csv"),
    "events lhe.gz": (lambda p: events.write_lhe(events.generate_zprime(0.1 * GeV, 20, seed=1), p),
                      "z.lhe.gz"),
    "figure png": (_figure, "fig.png"),
    "hepdata": (_hepdata, "submission.yaml"),
    "resumable_map output": (lambda p: checkpoint.resumable_map(
        lambda x: x + 1, [1, 2], p.parent / "ck.jsonl", output=p), "out.json"),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_refuses_what_is_not_its_own(tmp_path, writer):
    write, name = WRITERS[writer]
    target = tmp_path / name
    write(target)                                     # a first run: mucast's own output
    assert _io.is_mucast_output(target), writer
    write(target)                                     # a rerun replaces it
    assert leftovers(tmp_path) == []
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    target.unlink()
    target.symlink_to(secret)                         # the planted link of issue 17
    with pytest.raises(DataFileError, match="symbolic link"):
        write(target)
    assert secret.read_bytes() == SECRET and target.is_symlink()
    target.unlink()
    target.write_bytes(SECRET)                        # the user's own file under that name
    with pytest.raises(DataFileError, match="not a mucast output"):
        write(target)
    assert target.read_bytes() == SECRET
    target.unlink()
    target.mkdir()
    with pytest.raises(DataFileError, match="directory"):
        write(target)
    target.rmdir()
    os.mkfifo(target)
    with pytest.raises(DataFileError, match="not a regular file"):
        write(target)
    assert leftovers(tmp_path) == []


def test_an_empty_file_holds_no_data_and_is_replaced(tmp_path):
    (tmp_path / "a.csv").write_text("")
    events.write_csv(events.generate_zprime(0.1 * GeV, 5, seed=1), tmp_path / "a.csv")
    assert (tmp_path / "a.csv").read_text().startswith("# mucast")


def test_a_planted_lock_link_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    (tmp_path / ".r.md.mucast-lock").symlink_to(secret)
    with pytest.raises(DataFileError, match="lock file"):
        _io.atomic_write_text(tmp_path / "r.md", "x")
    assert secret.read_bytes() == SECRET and not (tmp_path / "r.md").exists()


def test_cli_generate_refuses_a_link_before_computing(capsys, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(SECRET)
    (tmp_path / "z.lhe").symlink_to(secret)
    code, out, err = run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
                         "--out", tmp_path / "z.lhe")
    one_line(code, err)
    assert "symbolic link" in err and str(tmp_path / "z.lhe") in err
    assert secret.read_bytes() == SECRET


def test_cli_acceptance_refuses_a_foreign_table_before_the_simulation(capsys, tmp_path):
    (tmp_path / "derived_2022.csv").write_bytes(SECRET)
    code, out, err = run(capsys, "acceptance", "--dataset", "2022", "--out", tmp_path)
    one_line(code, err)
    assert "not a mucast output" in err
    assert (tmp_path / "derived_2022.csv").read_bytes() == SECRET


# ------------------------------------------------------------------------------------------
# 2. checkpoints: files that are not mucast checkpoints are refused unchanged
# ------------------------------------------------------------------------------------------
def sq(x):
    return {"coupling": x * 1e-3}


def check(r):
    ok = isinstance(r, dict) and checkpoint.number_in(r.get("coupling"), 0, lo_open=True)
    return None if ok else f"coupling must be a number > 0, got {r!r}"


@pytest.mark.parametrize("content", [
    b'{"a": 1}',                                          # a one-line JSON file, no newline
    b'{"a": 1}\n',
    bytes(range(256)) * 4,                                # a binary file
    b"notes without a newline",
    b'{"mucast_checkpoint": 1, "fingerprint": "x", "n_points": 2, "version": "0.3.0"}\n',
])
def test_a_file_that_is_not_a_checkpoint_is_refused_unchanged(tmp_path, content):
    ck = tmp_path / "ck.jsonl"
    ck.write_bytes(content)
    with pytest.raises(DataFileError, match="not a mucast checkpoint|format 1"):
        checkpoint.resumable_map(sq, [1, 2], ck, check=check)
    assert ck.read_bytes() == content
    assert leftovers(tmp_path) == []


def test_checkpoint_paths_that_are_links_folders_or_fifos(tmp_path):
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    (tmp_path / "l.jsonl").symlink_to(secret)
    (tmp_path / "d.jsonl").mkdir()
    os.mkfifo(tmp_path / "f.jsonl")
    for name, msg in (("l.jsonl", "symbolic link"), ("d.jsonl", "directory"),
                      ("f.jsonl", "not a regular file")):
        with pytest.raises(DataFileError, match=msg):
            checkpoint.resumable_map(sq, [1, 2], tmp_path / name)
    assert secret.read_bytes() == SECRET


def _lines(ck):
    return ck.read_text().splitlines()


def _resign(entry):
    body = {k: v for k, v in entry.items() if k != "sha"}
    return json.dumps({**body, "sha": checkpoint._sha(body)}, sort_keys=True,
                      separators=(",", ":"))


@pytest.mark.parametrize("edit,msg", [
    (lambda e: e.replace('"coupling":0.002', '"coupling":0.003'), "line 3: checksum mismatch"),
    (lambda e: e.replace('"index":1', '"index":' + chr(ord("1") ^ 1)), "line 3: checksum mismatch"),
    (lambda e: e.replace('"coupling":0.002', '"coupling":NaN'), "line 3: not valid JSON"),
    (lambda e: e[:-3] + "}", "line 3: not valid JSON"),
    (lambda e: _resign({**json.loads(e), "result": {"coupling": "abc"}}),
     "line 3: coupling must be a number > 0, got"),
    (lambda e: _resign({**json.loads(e), "result": {"coupling": -1.0}}), "line 3: coupling"),
    (lambda e: _resign({**json.loads(e), "result": [0.002]}), "line 3: coupling"),
    (lambda e: _resign({k: v for k, v in json.loads(e).items() if k != "point"}),
     "line 3: not a checkpoint entry"),
    (lambda e: _resign({**json.loads(e), "index": 0}), "line 3: index or point"),
])
def test_a_damaged_or_edited_line_is_named(tmp_path, edit, msg):
    ck = tmp_path / "ck.jsonl"
    checkpoint.resumable_map(sq, [1, 2, 3], ck, check=check)
    lines = _lines(ck)
    lines[2] = edit(lines[2])
    ck.write_text("\n".join(lines) + "\n")
    before = ck.read_bytes()
    with pytest.raises(DataFileError) as e:
        checkpoint.resumable_map(sq, [1, 2, 3], ck, check=check)
    assert msg in str(e.value) and str(ck) in str(e.value)
    assert ck.read_bytes() == before                 # nothing truncated or appended


def test_a_curve_checkpoint_checks_every_value_through_the_cli(capsys, tmp_path):
    ck = tmp_path / "c.jsonl"
    argv = ["curve", "lmu-ltau", "--mass-min", "0.01", "--mass-max", "0.1", "--points", "3",
            "--production", "narrow", "--checkpoint", ck, "--json"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    ref = json.loads(out)["coupling"]
    lines = _lines(ck)
    e = json.loads(lines[2])
    for bad, msg in ((dict(e["result"], coupling="abc"), "coupling must be"),
                     ({k: v for k, v in e["result"].items() if k != "status"},
                      "result lacks status"),
                     (dict(e["result"], status="guess"), "status must be one of"),
                     (dict(e["result"], notes=[["bogus", 1.0]]), "notes must be a list")):
        ck.write_text("\n".join(lines[:2] + [_resign({**e, "result": bad})] + lines[3:]) + "\n")
        code, out, err = run(capsys, *argv)
        one_line(code, err)
        assert f"{ck} line 3: {msg}" in err, err
    ck.write_text("\n".join(lines[:2]) + "\n" + lines[2][:10])          # a torn last line
    code, out, err = run(capsys, *argv)
    assert code == 0 and json.loads(out)["coupling"] == ref             # resumed, identical


def test_a_scan_checkpoint_checks_its_values_through_the_cli(capsys, tmp_path):
    ck = tmp_path / "s.jsonl"
    argv = ["scan", "LN_22", "--points", "3", "--checkpoint", ck, "--json"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    ref = json.loads(out)["bound_GeV-2"]
    lines = _lines(ck)
    e = json.loads(lines[3])
    for bad, msg in ((dict(e["result"], bound=-1.0), "bound must be a number in (0, inf)"),
                     (dict(e["result"], last_bin_fraction=2.0), "last_bin_fraction must be")):
        ck.write_text("\n".join(lines[:3] + [_resign({**e, "result": bad})]) + "\n")
        code, out, err = run(capsys, *argv)
        one_line(code, err)
        assert f"{ck} line 4: {msg}" in err, err
    ck.write_text("\n".join(lines[:3]) + "\n")
    code, out, err = run(capsys, *argv)
    assert code == 0 and json.loads(out)["bound_GeV-2"] == ref


# ------------------------------------------------------------------------------------------
# 3. signals: SIGTERM and SIGINT clean up; SIGKILL's leftovers are swept by the next run
# ------------------------------------------------------------------------------------------
def _start_generate(folder: Path, name="z.lhe.gz", events_n=500_000):
    return subprocess.Popen(
        [sys.executable, "-m", "mucast", "generate", "zprime", "--mass", "0.1", "--events",
         str(events_n), "--out", str(folder / name), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_temp(proc, folder: Path, timeout=60.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if any(n.endswith(".tmp") for n in os.listdir(folder)):
            return
        if proc.poll() is not None:
            pytest.fail(f"generate ended before writing: {proc.communicate()}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail("no temporary file appeared")


@pytest.mark.parametrize("sig,code,line", [(signal.SIGTERM, 143, "mucast: terminated"),
                                           (signal.SIGINT, 130, "mucast: interrupted")])
def test_a_signal_during_a_write_leaves_nothing(tmp_path, sig, code, line):
    # on a loaded machine this process can be descheduled between seeing the temporary file
    # and sending the signal, long enough for the child to finish the file (exit 0, the output
    # in place): then the signal came after the write, not during it, and the case is retried
    for attempt in range(3):
        folder = tmp_path / str(attempt)
        folder.mkdir()
        proc = _start_generate(folder)
        _wait_for_temp(proc, folder)
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=60)
        if not (proc.returncode == 0 and os.listdir(folder) == ["z.lhe.gz"]):
            break
    assert proc.returncode == code, err
    assert err == line + "\n"
    assert os.listdir(folder) == []                  # no temporary file, no lock, no output


def test_sigkill_leftovers_are_swept_by_the_next_run(tmp_path, capsys):
    proc = _start_generate(tmp_path)
    _wait_for_temp(proc, tmp_path)
    proc.kill()
    proc.communicate(timeout=30)
    dead = [n for n in os.listdir(tmp_path) if n.endswith(".tmp")]
    assert len(dead) == 1 and _io.OWN_RE.match(dead[0])
    # entries the sweep must leave alone: a live writer's (this process), another user's
    # look-alike names, a file of mucast 0.3 younger than a day, a link with the pattern
    live = tmp_path / f".x.csv.mucast-{os.getpid()}@{_io._HOST}.0123abcd.tmp"
    live.write_text("live")
    keep = [live.name, ".z.lhe.gz.mucast-123.tmp", "z.lhe.gz.mucast-1@00000000.0123abcd.tmp",
            ".z.lhe.gz.abcd1234.tmp"]
    for n in keep[1:]:
        (tmp_path / n).write_text("x")
    link = f".y.mucast-999999999@{_io._HOST}.0123abcd.tmp"
    (tmp_path / link).symlink_to(tmp_path / "z.lhe.gz.mucast-1@00000000.0123abcd.tmp")
    old = tmp_path / ".z.lhe.gz.zzzz1111.tmp"        # mucast 0.3's pattern, two days old
    old.write_text("x")
    os.utime(old, (time.time() - 2 * 86400,) * 2)
    code, out, err = run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "20",
                         "--out", tmp_path / "z.lhe.gz")
    assert code == 0, err
    names = set(os.listdir(tmp_path))
    assert dead[0] not in names and old.name not in names
    assert set(keep) | {link, "z.lhe.gz"} <= names


# ------------------------------------------------------------------------------------------
# 4. reproduce: staged, put in place at the end; never a half folder, never the user's files
# ------------------------------------------------------------------------------------------
def fake_build(files=("table1.csv", "hepdata/submission.yaml"), fail=None):
    """A stand-in for reproduce's 30 s of computation: writes ``files`` (+ run_info.json) into
    the staging folder, or raises ``fail`` half-way."""
    def build(stage, points, zprime_points, progress, command):
        for i, f in enumerate(files):
            _io.atomic_write_text(stage / f, f"# mucast {f}\n", lock=False)
            if fail is not None and i == 0:
                raise fail
        _io.atomic_write_text(stage / "run_info.json", json.dumps(
            {"mucast_version": "t", "files": sorted([*files, "run_info.json"])}))
        return sorted([*files, "run_info.json"]), [], {"total": 0.0}, []
    return build


@pytest.mark.parametrize("fail,code,msg", [
    (KeyboardInterrupt(), 130, "mucast: interrupted"),
    (OSError(errno.ENOSPC, "No space left on device"), 1, "No space left on device"),
])
def test_reproduce_interrupted_leaves_no_half_folder(capsys, tmp_path, monkeypatch, fail, code,
                                                     msg):
    from mucast.outputs import reproduce
    monkeypatch.setattr(reproduce, "_build", fake_build(fail=fail))
    c, out, err = run(capsys, "reproduce", "--out", tmp_path / "o", "--no-progress")
    one_line(c, err, code)
    assert msg in err and os.listdir(tmp_path) == []
    # into an earlier output: that one stays as it was
    monkeypatch.setattr(reproduce, "_build", fake_build())
    assert run(capsys, "reproduce", "--out", tmp_path / "o", "--no-progress")[0] == 0
    before = {p: p.read_bytes() for p in (tmp_path / "o").rglob("*") if p.is_file()}
    monkeypatch.setattr(reproduce, "_build", fake_build(fail=fail))
    c, out, err = run(capsys, "reproduce", "--out", tmp_path / "o", "--no-progress")
    assert c == code
    assert {p: p.read_bytes() for p in (tmp_path / "o").rglob("*") if p.is_file()} == before


def test_reproduce_keeps_the_users_files_and_refuses_foreign_folders(capsys, tmp_path,
                                                                    monkeypatch):
    from mucast.outputs import reproduce
    monkeypatch.setattr(reproduce, "_build", fake_build())
    out = tmp_path / "o"
    assert run(capsys, "reproduce", "--out", out, "--no-progress")[0] == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "hepdata/submission.yaml", "run_info.json", "table1.csv"]
    (out / "notes.txt").write_bytes(SECRET)                   # the user's own file
    assert run(capsys, "reproduce", "--out", out, "--no-progress")[0] == 0   # a rerun
    assert (out / "notes.txt").read_bytes() == SECRET
    secret = tmp_path / "secret"
    secret.write_bytes(SECRET)
    (out / "table1.csv").unlink()
    (out / "table1.csv").symlink_to(secret)                   # a link planted at an output
    code, o, err = run(capsys, "reproduce", "--out", out, "--no-progress")
    one_line(code, err)
    assert "table1.csv is not one of mucast's files" in err and secret.read_bytes() == SECRET
    (out / "table1.csv").unlink()
    (out / "hepdata").rename(tmp_path / "h")
    (out / "hepdata").symlink_to(tmp_path / "h")              # a link planted at a folder
    code, o, err = run(capsys, "reproduce", "--out", out, "--no-progress")
    one_line(code, err)
    assert "hepdata is not a folder of mucast's" in err
    # issue 17: the probe .mucast-write-test truncated a link's target; a folder with other
    # content is now refused before anything is written
    d = tmp_path / "d"
    d.mkdir()
    (d / ".mucast-write-test").symlink_to(secret)
    code, o, err = run(capsys, "reproduce", "--out", d, "--no-progress")
    one_line(code, err)
    assert "neither empty nor a mucast output" in err and secret.read_bytes() == SECRET
    assert leftovers(tmp_path) == [] and leftovers(out) == []


def test_reproduce_sigterm_in_a_real_run_leaves_nothing(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "mucast", "reproduce", "--out",
                             str(tmp_path / "o"), "--no-progress", "--points", "10",
                             "--zprime-points", "10"], stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while not any(n.endswith(".staging") for n in os.listdir(tmp_path)):
        assert proc.poll() is None and time.monotonic() - t0 < 60
        time.sleep(0.05)
    time.sleep(0.5)
    proc.terminate()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and err == "mucast: terminated\n", err
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------------
# 5. read-only paths and a full disk (simulated: root ignores permissions)
# ------------------------------------------------------------------------------------------
def _deny(monkeypatch, path: Path, flags_mask, err=errno.EROFS):
    real = os.open

    def fake(p, flags, *a, **k):
        if Path(p) == path and flags & flags_mask:
            raise OSError(err, os.strerror(err), str(p))
        return real(p, flags, *a, **k)
    monkeypatch.setattr(os, "open", fake)


def test_read_only_checkpoint(tmp_path, monkeypatch):
    ck = tmp_path / "ck.jsonl"
    ref = checkpoint.resumable_map(sq, [1, 2, 3], ck, check=check)
    _deny(monkeypatch, ck, os.O_RDWR | os.O_WRONLY)
    assert checkpoint.resumable_map(sq, [1, 2, 3], ck, check=check) == ref   # complete: read
    lines = _lines(ck)
    monkeypatch.undo()
    ck.write_text("\n".join(lines[:2]) + "\n")
    _deny(monkeypatch, ck, os.O_RDWR | os.O_WRONLY)
    with pytest.raises(DataFileError, match="cannot be written .* holds 1 of 3 points"):
        checkpoint.resumable_map(sq, [1, 2, 3], ck, check=check)


def test_read_only_folder(tmp_path, monkeypatch):
    real = os.open

    def fake(p, flags, *a, **k):
        if Path(p).parent == tmp_path and flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(p))
        return real(p, flags, *a, **k)
    monkeypatch.setattr(os, "open", fake)
    with pytest.raises(DataFileError, match="Read-only file system"):
        _io.atomic_write_text(tmp_path / "a.csv", "x")
    with pytest.raises(DataFileError, match="cannot write in"):
        checkpoint.resumable_map(sq, [1], tmp_path / "ck.jsonl")
    assert os.listdir(tmp_path) == []


def test_full_disk_while_appending_to_a_checkpoint_keeps_the_finished_points(tmp_path,
                                                                            monkeypatch):
    ck = tmp_path / "ck.jsonl"
    real = os.write
    n = {"lines": 0}

    def full(fd, data):
        if bytes(data[:9]) == b'{"index":':
            n["lines"] += 1
            if n["lines"] == 3:                      # the third point: the disk is full
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)
    monkeypatch.setattr(os, "write", full)
    with pytest.raises(RuntimeFault, match="No space left on device.*2 points before it are kept"):
        checkpoint.resumable_map(sq, [1, 2, 3, 4], ck, check=check)
    monkeypatch.undo()
    assert len(_lines(ck)) == 3
    calls = []
    res = checkpoint.resumable_map(lambda x: calls.append(x) or sq(x), [1, 2, 3, 4], ck,
                                   check=check)
    assert calls == [3, 4] and res == [sq(x) for x in (1, 2, 3, 4)]


def test_full_disk_in_an_atomic_write_is_one_fault_and_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeFault, match="No space left"):
        with _io.atomic_open(tmp_path / "a.csv") as fh:
            fh.write("x")
            raise OSError(errno.ENOSPC, "No space left on device")
    assert os.listdir(tmp_path) == []


def test_a_file_size_limit_in_a_real_process_is_one_line(tmp_path):
    """EFBIG from RLIMIT_FSIZE: a real write failure of the medium, no root needed."""
    import resource

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
    p = subprocess.run([sys.executable, "-m", "mucast", "generate", "zprime", "--mass", "0.1",
                        "--events", "2000", "--out", str(tmp_path / "z.csv")],
                       capture_output=True, text=True, preexec_fn=limit, timeout=120)
    assert p.returncode == 1, p.stderr
    assert p.stderr.count("\n") == 1 and "File too large" in p.stderr
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------------
# 6. two writers, and Ctrl-C / SIGTERM on any command
# ------------------------------------------------------------------------------------------
def test_a_second_writer_is_refused(capsys, tmp_path):
    out = tmp_path / "z.csv"
    with _io.output_lock(out):
        code, o, err = run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
                           "--out", out)
        one_line(code, err)
        assert "being written by another mucast process" in err
        with pytest.raises(DataFileError, match="another mucast process"):
            checkpoint.resumable_map(sq, [1], out)
    assert run(capsys, "generate", "zprime", "--mass", "0.1", "--events", "10",
               "--out", out)[0] == 0                  # released: the lock file is gone
    assert sorted(os.listdir(tmp_path)) == ["z.csv"]


@pytest.mark.parametrize("exc,code,line", [
    (KeyboardInterrupt(), 130, "mucast: interrupted\n"),
    (__import__("mucast.exceptions").exceptions.Terminated(signal.SIGTERM), 143,
     "mucast: terminated\n"),
    (RuntimeFault("the cluster died"), 1, "mucast: error: the cluster died\n")])
def test_any_command_ends_with_one_line(capsys, monkeypatch, exc, code, line):
    from mucast.inference import stats

    def boom(*a, **k):
        raise exc
    monkeypatch.setattr(stats, "upper_limit", boom)
    assert run(capsys, "upper-limit", "--observed", "0") == (code, "", line)
    import mucast.cli as cli
    monkeypatch.setattr(cli, "build_parser", boom)     # also while the parser is being built
    # (--version is answered without building the parser, issue 17 §6: --help builds it)
    assert run(capsys, "--help") == (code, "", line)


def test_sigterm_handler_is_installed_only_while_a_command_runs(capsys):
    before = signal.getsignal(signal.SIGTERM)
    seen = {}
    from mucast.inference import stats
    real = stats.upper_limit

    def spy(*a, **k):
        seen["h"] = signal.getsignal(signal.SIGTERM)
        return real(*a, **k)
    stats.upper_limit = spy
    try:
        assert run(capsys, "upper-limit", "--observed", "0")[0] == 0
    finally:
        stats.upper_limit = real
    assert seen["h"] is not before and signal.getsignal(signal.SIGTERM) is before


# ------------------------------------------------------------------------------------------
# 7. Dask: bad, unreachable and dying schedulers; the workers' malloc; where the cluster pays
# ------------------------------------------------------------------------------------------
CURVE = ["curve", "lmu-ltau", "--mass-min", "0.01", "--mass-max", "0.1", "--points", "3"]


@pytest.mark.parametrize("address", ["foo", "tcp://", "tcp://host", "http://h:8786",
                                     "tcp://h:99999", "", "tcp://h:87 86"])
def test_a_scheduler_that_is_not_an_address(capsys, address):
    t0 = time.monotonic()
    code, out, err = run(capsys, *CURVE, "--scheduler", address)
    one_line(code, err)
    assert "--scheduler must be a Dask scheduler address" in err
    assert time.monotonic() - t0 < 5        # refused before anything is computed (~0.1 s)


def test_an_unreachable_scheduler_is_one_line_at_once(capsys):
    pytest.importorskip("distributed")
    with socket.socket() as s:              # a port that was free a moment ago: refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code, out, err = run(capsys, *CURVE, "--scheduler", f"tcp://127.0.0.1:{port}")
    one_line(code, err)
    assert "connection refused" in err


def test_a_silent_listener_is_not_a_scheduler(capsys, monkeypatch):
    pytest.importorskip("distributed")
    from mucast.inference import curves
    monkeypatch.setattr(curves, "SCHEDULER_TIMEOUT_S", 1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        code, out, err = run(capsys, *CURVE, "--scheduler",
                             f"tcp://127.0.0.1:{s.getsockname()[1]}")
    one_line(code, err)
    assert "not a Dask scheduler (no handshake within 1 s)" in err


def test_a_ww_curve_does_not_start_a_cluster(monkeypatch):
    from mucast.inference import curves

    def no(*a, **k):
        raise AssertionError("a cluster was started")
    monkeypatch.setattr(curves, "_dask_client", no)
    m = np.array([0.01, 0.05, 0.1]) * GeV
    ref = curves.limit_curve("lmu-ltau", m)
    r = curves.limit_curve("lmu-ltau", m, workers=2)
    assert r["coupling"] == ref["coupling"]                    # the same vectorised pass
    assert any("workers=2 not used" in w for w in r["warnings"])
    assert not any("not used" in w for w in ref["warnings"])
    # the exact engine: a cluster only where the points' estimated cost exceeds its start-up
    assert curves._cluster_unused(2, "etl", 12, 0.005)                       # ~0.24 s here
    assert curves._cluster_unused(2, "etl", 3000, 0.005) == []       # ~60 s here, saves ~30
    assert curves._cluster_unused(2, "etl", 300, 0.001)              # ~30 s here, saves ~15
    assert curves._cluster_unused(4, "etl", 300, 0.001) == []        # saves ~22
    assert curves._cluster_unused(1, "etl", 10**5, 0.001)            # one worker saves nothing
    e = curves.limit_curve("muon-scalar", m[:2], workers=2, approx="etl", etl_rtol=0.02)
    assert e["coupling"] == curves.limit_curve("muon-scalar", m[:2], approx="etl",
                                               etl_rtol=0.02)["coupling"]
    assert any("2 exact points at rtol 0.02" in w for w in e["warnings"])


def test_a_scheduler_killed_mid_run_keeps_the_finished_points(tmp_path, monkeypatch):
    """A real scheduler (tcp, in this process, one worker thread) is closed after the first
    mass arrives: one RuntimeFault that says what is kept, the finished masses stay in the
    checkpoint, and the resumed curve equals the uninterrupted one bit for bit. (The same with
    `dask scheduler` and `dask worker` processes and SIGKILL was checked by hand: the fault
    comes 0.2 s after the kill; it needs ~20 s of process start-up, too slow for the suite.)"""
    pytest.importorskip("distributed")
    import dask
    from distributed import LocalCluster

    from mucast.inference import curves
    m = np.geomspace(0.01, 1.0, 8) * GeV
    ref = curves.limit_curve("lmu-ltau", m, workers=0)
    cluster = LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp",
                           dashboard_address=":0")
    real = curves._dask_executor

    def killing(client, where):
        run_ = real(client, where)

        def gen(func, points):
            for k, item in enumerate(run_(func, points)):
                yield item
                if k == 0:
                    cluster.sync(cluster.scheduler.close)
        return gen
    monkeypatch.setattr(curves, "_dask_executor", killing)
    ck = tmp_path / "ck.jsonl"
    try:
        with pytest.raises(RuntimeFault, match="failed during the run.*kept in --checkpoint"):
            curves.limit_curve("lmu-ltau", m, scheduler=cluster.scheduler_address,
                               checkpoint=ck)
    finally:
        with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
            for w in list(cluster.workers.values()):
                cluster.sync(w.close)
            cluster.close()
    kept = len(_lines(ck)) - 1
    assert 1 <= kept < len(m)
    monkeypatch.undo()
    resumed = curves.limit_curve("lmu-ltau", m, workers=0, checkpoint=ck)
    assert resumed["coupling"] == ref["coupling"]
