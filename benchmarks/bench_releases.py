"""mucast against its previous releases, same machine, one run, interleaved (issue 17 §6).

    python benchmarks/bench_releases.py [--rounds N] [--reproduce] [--trees NAME=SRC ...]

Each release's source tree is taken from its git tag (``git archive v0.2.0 src``, ``v0.3.0``)
into a temporary folder, and this checkout's ``src`` is the third; every workload runs in a
fresh interpreter with ``PYTHONPATH`` set to one tree (the packages of this venv serve all
three), the trees alternating round by round. The measure is CPU time (user + system), which a
shared machine disturbs less than wall time; peak RSS where the whole process is the workload.

Workloads (the same work in every release; where the releases' defaults differ, both are run):

* ``curve50``/``curve200`` — a warm L_μ−L_τ limit curve (2022, cls-asymptotic, 1 MeV–5 GeV):
  0.2's ``zprime_limits.coupling_limit_scan`` (narrow width only: 0.2's physics); 0.3's and this
  release's ``inference.curves.limit_curve`` with their default production ``auto`` (the
  continuum check, 0.3's new physics) and with ``narrow`` (0.2's work); CPU of the call in
  process after one warm-up call, median of 5;
* ``version`` — ``mucast --version``, the whole process;
* ``table1`` — ``mucast table1``, the whole process;
* ``reproduce`` (``--reproduce``: ~1 min per tree) — ``mucast reproduce``, the whole process,
  CPU and peak RSS; each release writes what it wrote (this one also the relic targets, the
  scalar and dark-photon panels, the ALPs and the published recasts: new physics, not the same
  work — the per-step timings of run_info.json say where the time goes).

Prints a table of medians and the ratios (previous / now: > 1 means now is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
TAGS = ("v0.2.0", "v0.3.0")

# warm curve in process: prints {"cpu": [...]} (seconds per call, after one warm-up call)
_CURVE = r"""
import json, sys, time
import numpy as np
from mucast.units import GeV
n, kind = int(sys.argv[1]), sys.argv[2]
ms = np.geomspace(1e-3, 5.0, n) * GeV
if kind == "zprime_limits":
    from mucast.zprime_limits import coupling_limit_scan
    f = lambda: coupling_limit_scan(ms, "2022")
else:
    from mucast.inference.curves import limit_curve
    f = lambda: limit_curve("lmu-ltau", ms, "2022", production=kind)
f()
out = []
for _ in range(5):
    t0 = time.process_time(); f(); out.append(time.process_time() - t0)
print(json.dumps({"cpu": out}))
"""

_CLI = "import sys; from mucast.cli import main; sys.argv = ['mucast'] + sys.argv[1:]; " \
       "sys.exit(main())"


def measured(argv, env, capture=False):
    """(CPU seconds, user + system, of one child process; its stdout)."""
    import resource
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE if capture else
                            subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()          # reaps the child: its usage joins RUSAGE_CHILDREN
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:4])} ... exited with {proc.returncode}:"
                           f" {err.strip()[-300:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), out


def _ms(x):
    return "—" if x is None else f"{1e3 * x:.1f} ms"


def _ratio(a, b):
    return "—" if not (a and b) else f"×{a / b:.2f}"


def trees(tmp: Path, extra: dict[str, str]) -> dict[str, Path]:
    out = {}
    for tag in TAGS:
        dest = tmp / tag
        dest.mkdir()
        arch = subprocess.run(["git", "-C", str(HERE), "archive", tag, "src"], check=True,
                              capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=arch, check=True)
        out[tag] = dest / "src"
    out.update({k: Path(v) for k, v in extra.items()})
    out["now"] = HERE / "src"
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--reproduce", action="store_true", help="also time mucast reproduce")
    ap.add_argument("--trees", nargs="*", default=[], metavar="NAME=SRC",
                    help="further source trees to compare")
    a = ap.parse_args(argv)
    extra = dict(t.split("=", 1) for t in a.trees)
    tmp = Path(tempfile.mkdtemp(prefix="mucast-bench-"))
    try:
        src = trees(tmp, extra)
        env = {k: {**os.environ, "PYTHONPATH": str(v), "OMP_NUM_THREADS": "1",
                   "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"} for k, v in src.items()}
        for k in src:
            v = subprocess.run([sys.executable, "-c", "import mucast; print(mucast.__version__,"
                                " mucast.__file__)"], env=env[k], capture_output=True,
                               text=True, check=True).stdout.strip()
            print(f"{k:8s} {v}")
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {a.rounds} rounds,"
              " interleaved; CPU time (user + sys)")
        res: dict[tuple[str, str], list[float]] = {}
        rss: dict[tuple[str, str], float] = {}

        def add(work, tree, value):
            res.setdefault((work, tree), []).append(value)

        for _ in range(a.rounds):
            for k in src:
                for n in (50, 200):
                    kinds = ("zprime_limits",) if k == "v0.2.0" else ("auto", "narrow")
                    for kind in kinds:
                        _, out = measured([sys.executable, "-c", _CURVE, str(n), kind],
                                             env[k], capture=True)
                        add(f"curve{n} ({'narrow' if kind != 'auto' else 'auto'})", k,
                            statistics.median(json.loads(out)["cpu"]))
                cpu, _ = measured([sys.executable, "-c", _CLI, "--version"], env[k])
                add("mucast --version", k, cpu)
                cpu, _ = measured([sys.executable, "-c", _CLI, "table1"], env[k])
                add("mucast table1", k, cpu)
        if a.reproduce:
            for k in src:
                out_dir = tmp / f"repro-{k}"
                # a fresh child whose RSS is measured alone: run through /usr/bin/time -v
                argv = ["/usr/bin/time", "-f", "%U %S %M", sys.executable, "-c", _CLI,
                        "reproduce", "--out", str(out_dir)]
                p = subprocess.run(argv, env=env[k], capture_output=True, text=True)
                if p.returncode != 0:
                    raise RuntimeError(f"reproduce ({k}) exited with {p.returncode}: "
                                       f"{p.stderr.strip()[-300:]}")
                u, s_, m = p.stderr.strip().splitlines()[-1].split()
                add("mucast reproduce", k, float(u) + float(s_))
                rss[("mucast reproduce", k)] = float(m) / 1024.0
        # each release's default against each other's: 0.2 had the narrow width only
        for n in (50, 200):
            for k in src:
                kind = "narrow" if k == "v0.2.0" else "auto"
                res[(f"curve{n} (default)", k)] = res[(f"curve{n} ({kind})", k)]
        works = list(dict.fromkeys(w for w, _ in res))
        names = list(src)
        print(f"\n{'workload':26s}" + "".join(f"{n:>12s}" for n in names)
              + "".join(f"{n + '/now':>14s}" for n in names if n != "now"))
        for w in works:
            med = {n: statistics.median(res[(w, n)]) if (w, n) in res else None for n in names}
            now = med["now"]
            cells = "".join(f"{_ms(med[n]):>12s}" for n in names)
            ratios = "".join(f"{_ratio(med[n], now):>14s}" for n in names if n != "now")
            print(f"{w:26s}{cells}{ratios}")
        for (w, n), m in rss.items():
            print(f"peak RSS {w} ({n}): {m:.0f} MB")
        print("\nv0.2.0's curve is its only production (narrow width), listed as narrow and"
              " default; ratio = previous / now (> 1: now is faster)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
