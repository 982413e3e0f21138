"""Start-up cost of the ``mucast`` command: CPU time of short commands, two source trees
interleaved (issue 17 §6).

    python benchmarks/bench_startup.py BEFORE_SRC [AFTER_SRC] [--runs N]

Each command is run as ``python -m mucast ARGS`` with ``PYTHONPATH`` set to one source tree
(e.g. ``git archive <commit> src | tar -x -C /tmp/before`` gives ``/tmp/before/src``; AFTER_SRC
defaults to this checkout's ``src``), alternating between the two trees, ``--runs`` times each.
The measure is the child's CPU time (user + system, from ``os.wait4``), which a shared machine
disturbs less than wall time; the medians and their ratio are printed. The interpreter start-up
itself (``python -c pass``) is measured the same way, for scale.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

COMMANDS = (("--version",), ("--help",), ("limit", "lmu-ltau", "--help"))


def cpu_seconds(argv, env) -> float:
    """CPU time (user + system) of one child process running ``argv``."""
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime


def main(argv=None) -> int:
    here = Path(__file__).resolve().parent.parent / "src"
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("before", help="source tree of the reference (the folder holding mucast/)")
    ap.add_argument("after", nargs="?", default=str(here), help=f"default {here}")
    ap.add_argument("--runs", type=int, default=21, help="runs per command and tree (default 21)")
    a = ap.parse_args(argv)
    trees = {"before": a.before, "after": a.after}
    envs = {k: {**os.environ, "PYTHONPATH": v} for k, v in trees.items()}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {a.runs} runs each,"
          f" interleaved; CPU time (user + sys) in ms, median [min-max]")
    base = [cpu_seconds([sys.executable, "-c", "pass"], envs["after"]) for _ in range(a.runs)]
    print(f"  {'python -c pass':32s} {1e3 * statistics.median(base):7.1f}")
    for cmd in COMMANDS:
        times = {k: [] for k in trees}
        for _ in range(a.runs):
            for k in trees:
                times[k].append(cpu_seconds([sys.executable, "-m", "mucast", *cmd], envs[k]))
        med = {k: statistics.median(v) for k, v in times.items()}
        cells = "  ".join(f"{k} {1e3 * med[k]:7.1f} [{1e3 * min(v):.0f}-{1e3 * max(v):.0f}]"
                          for k, v in times.items())
        print(f"  mucast {' '.join(cmd):25s} {cells}  ratio before/after"
              f" {med['before'] / med['after']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
