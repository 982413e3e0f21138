"""Layer 4: limit curves of a mediator model over a mass range — serial, vectorised, or point by
point on a Dask cluster, resumable through a checkpoint (issue 11 §7).

:func:`limit_curve` computes the coupling limit at each mass:

* ``workers=None, scheduler=None``: one vectorised pass (:func:`mucast.inference.mediators.
  coupling_limit_scan`) — the fastest for the WW approximation;
* ``workers=N`` (a ``distributed.LocalCluster`` of N worker processes) or ``scheduler=ADDRESS``
  (an existing cluster): one task per mass (:func:`limit_point`), results gathered in the order of
  the masses. Every task derives everything from its own inputs — the exact (vegas) calculation
  is seeded by the index of its mass, and pyhf's fit runs with single-threaded BLAS wherever it
  runs (:func:`mucast.inference.stats.cls_upper_limit_asymptotic`) — so the curve is identical,
  bit for bit, for any number of workers and with the serial point-by-point path (``workers=0``;
  tested). The vectorised pass agrees with them to ~1e-13 (summation order).

``checkpoint=FILE``: every finished mass is appended to FILE (mucast.inference.checkpoint) as it
arrives from the cluster; an interrupted curve resumes with the missing masses only. Each value
read back is checked (:func:`check_point_result`).

Where the cluster pays (issue 17 §6, measured in benchmarks/bench_dask.py on the shared 2-core
machine): starting a LocalCluster of 2 workers takes 4–5 s and warming its workers up (imports,
tables) as much again or more — 16–25 s before 12 exact points were done, which take 0.6–0.8 s
here; a WW curve costs milliseconds per mass in one vectorised pass (50 masses: 0.4 s, against
20–25 s on 2 workers). ``workers=N`` therefore starts a cluster only for the exact engine
(``approx="etl"``) and only when the time N workers can save, (1 − 1/N) × the points'
estimated cost here (:func:`exact_point_cost_s` per point), exceeds :data:`CLUSTER_COST_S`;
otherwise the curve is computed here — the vectorised
pass, or point by point with a checkpoint — with the same numbers as with a cluster, and its
``warnings`` say that the workers were not used. ``scheduler=ADDRESS`` (a cluster that is already
running) is always used.

Faults (docs/files.md): a ``scheduler`` that is not an address, or that does not answer within
:data:`SCHEDULER_TIMEOUT_S`, is an InputError (exit code 2); a cluster that dies during the run
is a RuntimeFault (exit code 1) — the masses already finished are in the checkpoint, if one is
used. Workers of mucast's LocalCluster run without Dask's ``MALLOC_TRIM_THRESHOLD_=65536``
(glibc's adaptive default instead, as in the main process; an explicit setting in the user's
environment is kept): with it each exact point cost 1.6–2× the CPU here (2.7× in issue 17).
Dask is an optional dependency: ``pip install "mucast[dask]"``.
"""

from __future__ import annotations

from typing import Any

import hashlib
import json
import logging
import math
import re
import socket
from contextlib import contextmanager, nullcontext

import numpy as np

from mucast import __version__
from mucast._validate import real_array
from mucast.exceptions import EmptyIntervalError, InputError, RuntimeFault
from mucast.inference import mediators as _med
from mucast.inference.checkpoint import number_in, resumable_map, sequential
from mucast.models.mediator import get_model
from mucast.units import GeV

__all__ = ["check_point_result", "check_scheduler_address", "exact_point_cost_s", "limit_curve",
           "limit_point"]

#: seconds to wait for an existing scheduler to answer (Dask's own default: 30 s)
SCHEDULER_TIMEOUT_S = 10.0



def limit_point(point: dict, model, dataset, method, cl, production, approx, theta_max,
                seed=0, etl_rtol=0.005, constraint="na64", ccfr_prescription="two-sided",
                decays=None) -> dict:
    """The limit at one mass, as a JSON dict: ``point = {"index": i, "mass_GeV": m}``. The seed
    of the exact calculation is ``seed + index`` (so the result does not depend on where or when
    the point runs). ``coupling`` is None where there is no limit; ``status`` and ``notes`` (the
    (code, value) pairs of mucast.inference.notes) say why, and the curve's warnings are made
    from them the same way on every path."""
    m = float(point["mass_GeV"]) * GeV
    if constraint == "ccfr":
        from mucast.inference.constraints import ccfr_coupling_limit
        c = ccfr_coupling_limit(model, [m], ccfr_prescription)
        g = float(c.coupling[0])
        return {"coupling": g if math.isfinite(g) else None, "coupling_upper": None,
                "production": "ccfr", "status": "ok" if math.isfinite(g) else "failed",
                "notes": []}
    r = _med.coupling_limit_scan(model, np.array([m]), dataset, method, cl, production, approx,
                                 theta_max, seed=int(seed) + int(point["index"]),
                                 etl_rtol=etl_rtol, decays=decays)
    return _row(r, 0)


def _row(r, i) -> dict:
    """Mass i of a MediatorLimitScan as a JSON row (the same on every path)."""
    g, up = float(r.coupling[i]), float(r.coupling_upper[i])
    out = {"coupling": g if math.isfinite(g) else None,
           "coupling_upper": up if math.isfinite(up) else None,
           "production": str(r.production[i]), "status": str(r.status[i]),
           "notes": [list(n) for n in r.notes[i]]}
    if r.y is not None:
        out["y"] = float(r.y[i]) if math.isfinite(g) else None
        out["m_chi_GeV"] = float(r.m_chi[i]) / GeV
    return out


def _dataset_digest(dataset):
    """What identifies the data set's numbers: its name, a TOML file's content, or an
    Experiment's full description (incl. its [mediator] table)."""
    if hasattr(dataset, "to_dict"):
        return json.dumps([dataset.to_dict(), getattr(dataset, "mediator", None)],
                          sort_keys=True, default=str)
    if str(dataset).endswith(".toml"):
        from pathlib import Path
        try:
            return hashlib.sha256(Path(dataset).read_bytes()).hexdigest()
        except OSError:
            return str(dataset)
    return str(dataset)


_ADDRESS_RE = re.compile(r"^(?:(?P<proto>tcp|tls|ws|wss|ucx)://)?"
                         r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9._-]*):(?P<port>[0-9]{1,5})/?$")


def check_scheduler_address(scheduler) -> str:
    """The Dask scheduler address ``scheduler`` (``tcp://host:port``, ``tls://``, ``ws://``,
    ``wss://``, ``ucx://`` or ``host:port``), stripped; InputError naming --scheduler otherwise."""
    s = scheduler.strip() if isinstance(scheduler, str) else ""
    m = _ADDRESS_RE.match(s)
    if m is None or not 0 < int(m["port"]) < 65536:
        raise InputError("--scheduler must be a Dask scheduler address such as tcp://host:8786"
                         f" (port 1-65535), got {scheduler!r}")
    return s


def _first_line(exc) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _reachable(address: str) -> None:
    """A plain TCP connection first: "connection refused" or an unknown host is then one line at
    once, not a traceback after Dask's 30 s of retries. On ``tcp://`` a Dask server sends its
    handshake as soon as it accepts; Dask's client waits for it without a time limit, so a
    listener that is not a scheduler (a web server, a stuck process) is refused here after
    :data:`SCHEDULER_TIMEOUT_S`."""
    m = _ADDRESS_RE.match(address)
    assert m is not None                     # check_scheduler_address accepted it
    if m["proto"] == "ucx":
        return
    host, port = m["host"].strip("[]"), int(m["port"])
    try:
        with socket.create_connection((host, port), timeout=min(5.0, SCHEDULER_TIMEOUT_S)) as c:
            if m["proto"] in (None, "tcp"):
                c.settimeout(SCHEDULER_TIMEOUT_S)
                try:
                    greeted = bool(c.recv(1))
                except TimeoutError:
                    greeted = False
                if not greeted:
                    raise InputError(f"--scheduler {address}: something listens there but it is"
                                     " not a Dask scheduler (no handshake within"
                                     f" {SCHEDULER_TIMEOUT_S:g} s)")
    except socket.gaierror:
        raise InputError(f"--scheduler {address}: unknown host {host!r}") from None
    except ConnectionRefusedError:
        raise InputError(f"--scheduler {address}: nothing listens there (connection refused);"
                         " is the scheduler running?") from None
    except OSError as exc:      # timeout, unreachable network
        raise InputError(f"--scheduler {address}: cannot connect ({exc.strerror or 'no answer'}"
                         ")") from None


@contextmanager
def _quiet_dask_logs():
    """Dask's own log lines (tracebacks of a lost connection) stay out of mucast's one-line
    messages. The levels are restored after a clean run only: after a failure, Dask's client
    thread goes on logging its reconnection attempts after mucast has reported the fault."""
    try:
        import distributed  # noqa: F401 - its import sets its loggers' levels: silence after
    except ImportError:
        pass
    names = ["distributed"] + [n for n in logging.root.manager.loggerDict
                               if n.startswith("distributed.")]
    old = {n: logging.getLogger(n).level for n in names}
    for n in names:
        logging.getLogger(n).setLevel(logging.CRITICAL + 1)
    yield
    for n, lvl in old.items():
        logging.getLogger(n).setLevel(lvl)


def _dask_client(workers, scheduler):
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--workers/--scheduler need dask: pip install \"mucast[dask]\"") from None
    if scheduler is not None:
        address = check_scheduler_address(scheduler)
        _reachable(address)
        try:
            return Client(address, timeout=SCHEDULER_TIMEOUT_S), None
        except Exception as exc:       # noqa: BLE001 - any failure to connect is one line
            raise InputError(f"--scheduler {address}: no Dask scheduler answered within"
                             f" {SCHEDULER_TIMEOUT_S:g} s ({_first_line(exc)})") from None
    # dashboard on a free port: ":8787" (the default) fails when the user's own cluster has it;
    # MALLOC_TRIM_THRESHOLD_ unset in the workers (module doc), unless the user set it
    with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
        try:
            cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                                   dashboard_address=":0", silence_logs=logging.CRITICAL)
        except Exception as exc:       # noqa: BLE001 - e.g. spawn without a __main__ guard
            raise RuntimeFault(f"--workers {workers}: the Dask cluster did not start"
                               f" ({_first_line(exc)}); in a script, call mucast under"
                               " `if __name__ == \"__main__\":`") from None
    return Client(cluster), cluster


def _cluster_failures():
    """Exceptions that mean the cluster, not the task, failed."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker
    from distributed.comm import CommClosedError
    return (CancelledError, CommClosedError, KilledWorker, TimeoutError, ConnectionError)


class _ClusterFault(RuntimeFault):
    """The cluster (not a task, not the checkpoint) failed."""


def _dask_executor(client, where: str):
    from distributed import as_completed
    failures = _cluster_failures()

    def run(func, points):
        try:
            futures = client.map(func, points, pure=False)
            index = {f.key: j for j, f in enumerate(futures)}
            for fut in as_completed(futures):
                yield index[fut.key], fut.result()
        except failures as exc:
            raise _ClusterFault(f"the Dask cluster ({where}) failed during the run"
                               f" ({_first_line(exc)})") from None
    return run


def check_point_result(r) -> str | None:
    """None if ``r`` is a valid row of :func:`limit_point` (as read back from a checkpoint),
    else the reason: every value the curve uses, with its type and range."""
    from mucast.inference.notes import NOTES, STATUSES
    if not isinstance(r, dict):
        return f"result must be an object, got {type(r).__name__}"
    need = ["coupling", "coupling_upper", "production", "status", "notes"] + (
        ["m_chi_GeV"] if "y" in r else [])
    missing = [k for k in need if k not in r]
    if missing:
        return f"result lacks {', '.join(missing)}"
    productions = (*_med.PRODUCTIONS, "ccfr")
    for key, ok, rng in (
            ("coupling", number_in(r["coupling"], 0, lo_open=True, none=True), "a number > 0 or null"),
            ("coupling_upper", number_in(r["coupling_upper"], 0, lo_open=True, none=True),
             "a number > 0 or null"),
            ("y", number_in(r.get("y"), 0, lo_open=True, none=True), "a number > 0 or null"),
            ("m_chi_GeV", number_in(r.get("m_chi_GeV", 1.0), 0, lo_open=True), "a number > 0"),
            ("production", r["production"] in productions, f"one of {productions}"),
            ("status", r["status"] in STATUSES, f"one of {STATUSES}")):
        if not ok:
            return f"{key} must be {rng}, got {r.get(key)!r}"
    notes = r["notes"]
    if not isinstance(notes, list) or not all(
            isinstance(n, list) and len(n) == 2 and n[0] in NOTES
            and number_in(n[1], none=True) for n in notes):
        return "notes must be a list of [code, number or null] with known codes"
    return None


#: what a LocalCluster must save to pay (benchmarks/bench_dask.py, shared 2-core machine):
#: starting 2 workers and warming them up (imports, tables) took 5-25 s before the first result
CLUSTER_COST_S = 20.0


def exact_point_cost_s(etl_rtol: float) -> float:
    """Measured CPU time of one exact (vegas) limit point [s] here: ~0.02 s for rtol >= 0.005,
    0.04 s at 0.002, 0.1 s at 0.001 (muon-scalar, dark-photon; 0.01-3 GeV), ~rtol^-2 below."""
    return max(0.02, 0.1 * (0.001 / float(etl_rtol)) ** 2)


def _cluster_unused(workers, approx, n_points, etl_rtol) -> list[str]:
    """[a note] if ``workers`` asks for a LocalCluster that would not pay (module doc); the
    decision depends on the inputs only, so the same call always takes the same path."""
    if not workers:
        return []
    why = "less than starting a Dask cluster (5-25 s measured, benchmarks/bench_dask.py)"
    if approx != "etl":
        return [f"workers={workers} not used: a WW curve costs milliseconds per mass in one"
                f" vectorised pass here, {why}; same numbers as without workers"]
    est = n_points * exact_point_cost_s(etl_rtol)
    save = est * (1 - 1 / int(workers))                   # N workers save at most (1 - 1/N)
    if save < CLUSTER_COST_S:
        return [f"workers={workers} not used: {n_points} exact points at rtol {etl_rtol:g} cost"
                f" ~{est:.2g} s here; {workers} workers would save at most ~{save:.2g} s, {why};"
                " same numbers as without workers"]
    return []


def _run_points(func, points, workers, scheduler, checkpoint) -> list:
    """The results of ``func`` over ``points``: here one by one, or on Dask; through the
    checkpoint if one is given. Cluster faults become one RuntimeFault that says what is kept."""
    client = cluster = None
    dask = bool(workers) or scheduler is not None
    try:
        with _quiet_dask_logs() if dask else nullcontext():
            try:
                if dask:
                    client, cluster = _dask_client(workers, scheduler)
                    where = scheduler or f"LocalCluster of {workers} workers"
                    executor = _dask_executor(client, where)
                else:
                    executor = sequential
                if checkpoint is not None:
                    return resumable_map(func, points, checkpoint, executor=executor,
                                         check=check_point_result)
                rows = [None] * len(points)
                for j, res in executor(func, points):
                    rows[j] = res
                return rows
            finally:
                for obj in (client, cluster):
                    try:
                        if obj is not None:
                            obj.close()
                    except Exception:      # noqa: BLE001 - closing a dead cluster; error above
                        pass
    except _ClusterFault as exc:
        keep = (f"the finished masses are kept in --checkpoint {checkpoint}: run the same command"
                " again to resume" if checkpoint is not None else
                "the finished masses are lost (--checkpoint FILE keeps them)")
        raise RuntimeFault(f"{exc}; {keep}") from None


def limit_curve(model, masses, dataset="2022", method=_med.DEFAULT_METHOD, cl=0.9,
                production="auto", approx="auto", theta_max=0.1, workers=None, scheduler=None,
                checkpoint=None, seed=0, etl_rtol=0.005, constraint="na64",
                ccfr_prescription="two-sided", decays=None) -> dict:
    """Limits on the model's coupling for each mass [energy] (module doc); returns
    ``{"mass_GeV": [...], "coupling": [...], "status": [...], "warnings": [...], ...}`` (None
    where there is no limit, with its reason in ``status`` and in the warnings). ``constraint``:
    "na64" (the data set's missing-energy limit) or "ccfr" (the CCFR trident bound computed for
    the model, mucast.inference.constraints; ``ccfr_prescription`` "two-sided" or "one-sided").
    The same numbers and the same warnings on every path (serial, workers, scheduler,
    checkpoint): each point's notes are kept, and the warnings are made from them at the end."""
    model = get_model(model)
    masses = np.atleast_1d(real_array(masses, "masses", unit_text=" [energy]"))
    if masses.size == 0 or not np.all(np.isfinite(masses)) or not np.all(masses > 0):
        raise InputError("masses must be finite and > 0")
    if workers is not None and (int(workers) < 0 or int(workers) != workers):
        raise InputError(f"workers must be an integer >= 0, got {workers!r}")
    if workers is not None and scheduler is not None:
        raise InputError("give either workers or scheduler, not both")
    if constraint not in ("na64", "ccfr"):
        raise InputError(f"constraint must be na64 or ccfr, got {constraint!r}")
    if scheduler is not None:
        scheduler = check_scheduler_address(scheduler)      # before any computation
    asked, unused = workers, _cluster_unused(workers, approx, masses.size, etl_rtol)
    if unused:
        workers = None if checkpoint is None else 0
    if constraint == "na64":          # resolved once: the same value in every point and row
        decays = _med.resolve_decays(model, decays, _med.setup(dataset))
    base = {"model": model.to_dict(), "dataset": str(getattr(dataset, "name", dataset)),
            "method": method, "cl": cl, "production": production, "approx": approx,
            "theta_max": None if model.production == "photon-fusion" else theta_max,
            "constraint": constraint, "decays": decays,
            "mucast_version": __version__}
    if constraint == "ccfr":
        from mucast.inference.constraints import ccfr_coupling_limit
        from mucast.processes import trident as _tri
        probe = ccfr_coupling_limit(model, masses[:1], ccfr_prescription)   # refuses early
        base.update({"dataset": None, "method": None, "cl": 0.95, "production": None,
                     "approx": None, "prescription": probe.prescription,
                     "r95": _tri.r95(ccfr_prescription), "beam": probe.beam,
                     "notes": list(probe.notes)})
    rows: list[Any]
    if workers is None and scheduler is None and checkpoint is None:
        if constraint == "ccfr":
            c = ccfr_coupling_limit(model, masses, ccfr_prescription)
            rows = [{"coupling": float(v) if math.isfinite(v) else None, "coupling_upper": None,
                     "production": "ccfr", "status": "ok" if math.isfinite(v) else "failed",
                     "notes": []} for v in c.coupling]
        else:
            r = _med.coupling_limit_scan(model, masses, dataset, method, cl, production, approx,
                                         theta_max, seed=seed, etl_rtol=etl_rtol, decays=decays)
            rows = [_row(r, i) for i in range(len(masses))]
        out = _assemble(base, model, dataset, method, cl, constraint, masses / GeV, rows)
        out["warnings"] += unused
        return out
    # every point carries a digest of the settings, so that a checkpoint written for another
    # model, data set or method is refused (its fingerprint differs), never silently reused
    setup = hashlib.sha256(json.dumps({**base, "seed": seed, "etl_rtol": etl_rtol,
                                       "ccfr_prescription": ccfr_prescription,
                                       "experiment": _dataset_digest(dataset)},
                                      sort_keys=True, default=str).encode()).hexdigest()[:16]
    points = [{"index": i, "mass_GeV": float(m / GeV), "setup": setup}
              for i, m in enumerate(masses)]

    def func(p):
        return limit_point(p, model, dataset, method, cl, production, approx, theta_max, seed,
                           etl_rtol, constraint, ccfr_prescription, decays)

    rows = _run_points(func, points, workers, scheduler, checkpoint)
    out = _assemble(base, model, dataset, method, cl, constraint,
                    [p["mass_GeV"] for p in points], rows)
    out["warnings"] += unused
    out.update({"workers": asked, "scheduler": scheduler})
    return out


def _assemble(base, model, dataset, method, cl, constraint, masses_GeV, rows) -> dict:
    """The curve's JSON from its points' rows (the same function on every path)."""
    out = {**base, "mass_GeV": [float(m) for m in masses_GeV],
           "coupling": [r["coupling"] for r in rows],
           "coupling_upper": [r["coupling_upper"] for r in rows],
           "production": [r["production"] for r in rows], "status": [r["status"] for r in rows]}
    notes = [[tuple(n) for n in r["notes"]] for r in rows]
    if constraint == "ccfr":
        from mucast.inference.constraints import CCFR_DOUBT
        out["warnings"] = [CCFR_DOUBT] + [f"no CCFR bound at m = {m:.4g} GeV" for m, r in
                                          zip(masses_GeV, rows, strict=True)
                                          if r["coupling"] is None]
        return out
    try:
        lim = _med.events_limit(dataset, method, cl)
    except EmptyIntervalError as e:  # no interval: every row is "failed" (coupling_limit_scan)
        out.update({"n_up": None, "method": e.method, "warnings": [str(e)] + _med.limit_warnings(
            model, dataset, np.asarray(masses_GeV, float) * GeV, notes, math.nan,
            method=e.method)})
    else:
        out.update({"n_up": lim.upper, "method": lim.method,
                    "warnings": list(lim.warnings) + _med.limit_warnings(
                        model, dataset, np.asarray(masses_GeV, float) * GeV, notes, lim.upper,
                        method=lim.method)})
    if rows and "y" in rows[0]:
        out["y"] = [r["y"] for r in rows]
        out["m_chi_GeV"] = [r["m_chi_GeV"] for r in rows]
    return out
