"""A fuzz test of the command line (issue 17 §5): random options and values — nan, inf, 1e308,
1e400, -1, 0, empty, unicode, huge integers, bad and good files — over every command's parser,
in process (``mucast.cli.main``, fixed seed), asserting exit code 0 or 2 (1 for a fault outside the input) and no exception
escaping ``main`` (what a user sees as a traceback); a handful through a subprocess.

Bounded for the suite: the parse-only pass is cheap; the run pass executes each command with a
time limit per case (a case that is still computing is stopped and counted, never failed: it
got past every input check). A longer run by hand (minutes; the number of cases is reported)::

    MUCAST_FUZZ_CASES=5000 MUCAST_FUZZ_SEED=7 nice .venv/bin/python -m pytest -q -s \\
        tests/test_cli_fuzz.py -k run_pass

Not fuzzed: --workers and --scheduler (they start or contact Dask clusters; their faults are
tested in tests/test_curves.py).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mucast.cli import build_parser, main
from mucast.cli.common import UsageError, iter_parsers

SEED = int(os.environ.get("MUCAST_FUZZ_SEED", "17"))
RUN_CASES = int(os.environ.get("MUCAST_FUZZ_CASES", "200"))
PARSE_CASES = max(1500, RUN_CASES)
#: per-case limit of the run pass [s]; a case still running then has passed every input check
CASE_SECONDS = float(os.environ.get("MUCAST_FUZZ_CASE_SECONDS", "0.25"))

NUMBERS = ["nan", "NaN", "inf", "-inf", "+Infinity", "1e308", "-1e308", "1e400", "-1e400", "-1",
           "0", "-0", "", " ", "1e-300", "5e-324", "abc", "ü", "名字", "9" * 5000, "-" + "9" * 40,
           "0x10", "1_0", "\u0661\u0662", "3.5", "0.5", "1", "2", "10", "1e10", "0.999", "1e-6",
           "0.1", "0.3", "1.5", "100", "160", "1e-3", "--json", "-", "1e5"]
SKIP_OPTIONS = {"--workers", "--scheduler", "-h", "--help", "--version"}


def _files(root: Path) -> dict:
    """Input files, good and bad, written once into ``root``."""
    from mucast import experiments
    good_exp = experiments.data_path("experiments/2022.toml").read_text(encoding="utf-8")
    model = experiments.data_path("models/example.toml").read_text(encoding="utf-8")
    files = {
        "exp.toml": good_exp,
        "exp_typo.toml": good_exp.replace("pileup_loss", "pileup_los"),
        "exp_mot.toml": good_exp.replace("mot = 1.98e10", "mot = 1e308"),
        "model.toml": model,
        "model_bad.toml": model.replace("g_chi = 0.1", "g_chi = true"),
        "deep.toml": "x = " + "[" * 5000 + "]" * 5000 + "\n",
        "wc.yaml": "eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: 1.0e-3\n",
        "wc_dup.yaml": "eft: WET\nbasis: JMS\nscale: 2\nvalues: {VnueLL_2222: 1, VnueLL_2222: 2}\n",
        "wc_inf.yaml": "eft: WET\nbasis: JMS\nscale: .inf\nvalues: {VnueLL_2222: 1}\n",
        "smeft.yaml": "eft: SMEFT\nbasis: Warsaw\nscale: 1000\nvalues: {ll_2233: 1.0e-3}\n",
        "overlay.csv": "# label: mine\nmass_GeV,coupling\n0.01,1e-3\n0.1,2e-3\n",
        "overlay_bad.csv": "mass_GeV,coupling\n0.01,abc\n",
        "empty.txt": "",
        "名.toml": good_exp,
    }
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "binary.toml").write_bytes(bytes(range(256)))
    return {"in": list(files) + ["binary.toml", "nope.toml", ".", "exp.toml/x"],
            "out": ["out/a.csv", "b.lhe", "c.lhe.gz", "d.parquet", "e.png", "f", "", ".",
                    "g.txt", "ck.jsonl", "exp.toml", "名/x.csv", "-1"]}


def _leaves():
    """(command path, parser) of every command that runs something."""
    return [(path, p) for path, p in iter_parsers(build_parser())
            if path and p._defaults.get("func") is not None]


def _value(rng, action, files):
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        if rng.random() < 0.7:
            return str(rng.choice(list(action.choices)))
        return rng.choice(NUMBERS)
    dest = action.dest
    if dest in ("out", "checkpoint") or (action.metavar or "").upper().startswith("DIR"):
        return rng.choice(files["out"] + NUMBERS[:6])
    if dest in ("experiment", "wcxf", "config", "overlay", "model_file", "model") or \
            (action.metavar or "").upper().startswith("FILE"):
        pool = files["in"] + (["lmu-ltau", "dark-photon", "millicharge", "axion"]
                              if dest == "model" else [])
        return rng.choice(pool + NUMBERS[:4])
    if dest == "coef":
        name = rng.choice(["ll_2233", "LN_22", "VnueLL_3322", "xx", ""])
        return f"{name}={rng.choice(NUMBERS)}" if rng.random() < 0.8 else rng.choice(NUMBERS)
    if dest in ("operator", "for_command", "topic", "target"):
        pool = {"operator": ["ll_2233", "LN_22", "LNLe_2222", "VnueLL_3322", "ll_1122", "eN_22",
                             "ne_1122", "bogus"],
                "for_command": ["limit", "relic", "bound", "xx"],
                "topic": ["methods", "models", "limit", "xx", "datasets"],
                "target": ["Pb", "W", "C", "pb", "../experiments/2022", "Unobtainium"]}[dest]
        return rng.choice(pool + NUMBERS[:3])
    return rng.choice(NUMBERS)


def _argv(rng, path, parser, files):
    argv = list(path)
    acts = [a for a in parser._actions if not isinstance(a, (argparse._HelpAction,
                                                            argparse._VersionAction))]
    for a in acts:
        if not a.option_strings:           # positional
            if a.nargs == "?" and rng.random() < 0.3:
                continue
            argv.append(_value(rng, a, files))
    opts = [a for a in acts if a.option_strings and a.help != argparse.SUPPRESS
            and not set(a.option_strings) & SKIP_OPTIONS]
    hidden = [a for a in acts if a.option_strings and a.help == argparse.SUPPRESS]
    chosen = [a for a in opts if a.required]
    chosen += rng.sample(opts, k=min(len(opts), rng.randint(0, 4)))
    if hidden and rng.random() < 0.2:
        chosen.append(rng.choice(hidden))
    for a in chosen:
        flag = rng.choice(a.option_strings)
        if a.nargs == 0:                   # store_true
            argv.append(flag)
            continue
        argv += [flag, _value(rng, a, files)]
        if rng.random() < 0.05:            # repeated option
            argv += [flag, _value(rng, a, files)]
    if rng.random() < 0.05:
        argv.append(rng.choice(["--bogus", "extra", "--json"]))
    return argv


class _CaseTimeout(BaseException):
    """Raised by the per-case timer (a BaseException: no `except Exception` may swallow it)."""


def _preload():
    """Import everything a command may import lazily, so that the per-case timer never stops
    an import half-way."""
    import importlib
    import pkgutil

    import mucast
    for m in pkgutil.walk_packages(mucast.__path__, "mucast."):
        if not m.name.endswith("__main__"):
            importlib.import_module(m.name)
    for name in ("pyhf", "matplotlib.pyplot", "matplotlib.backends.backend_pdf",
                 "matplotlib.backends.backend_agg", "fontTools.subset", "yaml", "scipy.optimize",
                 "tqdm", "pyarrow.parquet"):
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - optional
            pass
    # wcxf and wilson through mucast, which silences their import-time warnings (with warnings
    # as errors they crash the interpreter: mucast.models.wcxf)
    from mucast.models import wcxf
    wcxf._wcxf_module()
    try:
        wcxf._wilson_module()
    except Exception:  # noqa: BLE001 - optional  # pragma: no cover
        pass


def test_every_command_is_fuzzed():
    """The fuzz covers every command the parser has (new commands are covered automatically)."""
    paths = {p for p, _ in _leaves()}
    for must in [("bound",), ("limit", "zprime"), ("curve", "model"), ("plot", "limits", "lmu-ltau"),
                 ("relic", "target"), ("generate", "eft"), ("export", "likelihood"), ("help",)]:
        assert must in paths


def test_parse_pass(tmp_path, monkeypatch, capsys):
    """Parsing alone, many cases: every value is refused in one line or accepted."""
    monkeypatch.chdir(tmp_path)
    files = _files(tmp_path)
    rng = random.Random(SEED)
    leaves = _leaves()
    parser = build_parser()
    bad = []
    for _ in range(PARSE_CASES):
        path, p = rng.choice(leaves)
        argv = _argv(rng, path, p, files)
        try:
            parser.parse_args(argv)
        except (UsageError, SystemExit):
            pass
        except BaseException as exc:  # noqa: BLE001 - anything else is a traceback
            bad.append((argv, repr(exc)[:200]))
    capsys.readouterr()
    assert not bad, bad[:5]


def test_run_pass(tmp_path, monkeypatch, capsys):
    """Every command run on random input: exit code 0 or 2, no exception out of main()."""
    _preload()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    # one parser for all cases (building it takes ~0.1 s; argparse parsers are reusable)
    import mucast.cli
    parser = build_parser()
    monkeypatch.setattr(mucast.cli, "build_parser", lambda: parser)
    files = _files(tmp_path)
    rng = random.Random(SEED + 1)
    leaves = _leaves()
    # exit 1: a fault outside the input (one line; e.g. a full disk), not an input error
    bad, counts = [], {0: 0, 1: 0, 2: 0, "stopped": 0}

    fired = [False]

    def alarm(signum, frame):
        fired[0] = True
        raise _CaseTimeout

    # the timer repeats: a timeout raised where Python cannot propagate it (a weakref callback,
    # a __del__ during garbage collection) is reported as "unraisable" and dropped; it is not a
    # finding, and the next tick stops the case
    hook = sys.unraisablehook

    def unraisable(u):
        if not isinstance(u.exc_value, _CaseTimeout):
            hook(u)

    monkeypatch.setattr(sys, "unraisablehook", unraisable)
    old = signal.signal(signal.SIGALRM, alarm)
    t0 = time.perf_counter()
    try:
        for _ in range(RUN_CASES):
            path, p = rng.choice(leaves)
            argv = _argv(rng, path, p, files)
            fired[0] = False
            signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS, CASE_SECONDS)
            try:
                code = main(argv)
            except _CaseTimeout:
                code = "stopped"
            except SystemExit as exc:          # --help of a sub-command
                code = 0 if exc.code in (0, None) else exc.code
            except BaseException as exc:  # noqa: BLE001 - a traceback for the user
                if fired[0] and isinstance(exc, Exception):
                    # the timer interrupted a library half-way (zlib inside a gzip write) and
                    # its cleanup failed in turn: an artefact of the timer, not of the input
                    code = "stopped"
                else:
                    code = None
                    bad.append((argv, repr(exc)[:300]))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            if code is not None:
                if code not in counts:
                    bad.append((argv, f"exit code {code}"))
                else:
                    counts[code] += 1
            out, err = capsys.readouterr()
            if "Traceback" in err or "Traceback" in out:
                bad.append((argv, err[-300:]))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    with capsys.disabled():
        print(f"\nCLI fuzz (seed {SEED + 1}): {RUN_CASES} cases in {time.perf_counter() - t0:.1f} s:"
              f" exit 0: {counts[0]}, exit 1: {counts[1]}, exit 2: {counts[2]}, stopped while computing:"
              f" {counts['stopped']}, failures: {len(bad)}")
    assert not bad, "\n".join(f"{' '.join(a)!r}: {e}" for a, e in bad[:20])
    assert counts[2] > 0 and counts[0] > 0      # the fuzz reaches both outcomes


@pytest.mark.parametrize("argv", [
    ["limit", "zprime", "--mass", "0.3", "--cl", "1e-300"],
    ["bound", "LN_22", "--m-N", "1e400"],
])
def test_subprocess_no_traceback(tmp_path, argv):
    """Through the real entry point (python -m mucast): exit 2, one line, no traceback."""
    r = subprocess.run([sys.executable, "-m", "mucast", *argv], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, check=False)
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
