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
arrives from the cluster; an interrupted curve resumes with the missing masses only.
Dask is an optional dependency: ``pip install "mucast[dask]"``.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from mucast import __version__
from mucast.exceptions import InputError
from mucast.inference import mediators as _med
from mucast.inference.checkpoint import resumable_map, sequential
from mucast.models.mediator import get_model
from mucast.units import GeV

__all__ = ["limit_curve", "limit_point"]


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


def _dask_client(workers, scheduler):
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--workers/--scheduler need dask: pip install \"mucast[dask]\"") from None
    if scheduler is not None:
        return Client(scheduler), None
    # dashboard on a free port: ":8787" (the default) fails when the user's own cluster has it
    cluster = LocalCluster(n_workers=int(workers), threads_per_worker=1, processes=True,
                           dashboard_address=":0")
    return Client(cluster), cluster


def _dask_executor(client):
    from distributed import as_completed

    def run(func, points):
        futures = client.map(func, points, pure=False)
        index = {f.key: j for j, f in enumerate(futures)}
        for fut in as_completed(futures):
            yield index[fut.key], fut.result()
    return run


def limit_curve(model, masses, dataset="2022", method=_med.DEFAULT_METHOD, cl=0.9,
                production="auto", approx="ww", theta_max=0.1, workers=None, scheduler=None,
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
    masses = np.atleast_1d(np.asarray(masses, dtype=float))
    if masses.size == 0 or not np.all(np.isfinite(masses)) or not np.all(masses > 0):
        raise InputError("masses must be finite and > 0")
    if workers is not None and (int(workers) < 0 or int(workers) != workers):
        raise InputError(f"workers must be an integer >= 0, got {workers!r}")
    if workers is not None and scheduler is not None:
        raise InputError("give either workers or scheduler, not both")
    if constraint not in ("na64", "ccfr"):
        raise InputError(f"constraint must be na64 or ccfr, got {constraint!r}")
    if constraint == "na64":          # resolved once: the same value in every point and row
        decays = _med.resolve_decays(model, decays, _med.setup(dataset))
    base = {"model": model.to_dict(), "dataset": str(getattr(dataset, "name", dataset)),
            "method": method, "cl": cl, "production": production, "approx": approx,
            "theta_max": theta_max, "constraint": constraint, "decays": decays,
            "mucast_version": __version__}
    if constraint == "ccfr":
        from mucast.inference.constraints import ccfr_coupling_limit
        from mucast.processes import trident as _tri
        probe = ccfr_coupling_limit(model, masses[:1], ccfr_prescription)   # refuses early
        base.update({"dataset": None, "method": None, "cl": 0.95, "production": None,
                     "approx": None, "prescription": probe.prescription,
                     "r95": _tri.r95(ccfr_prescription), "beam": probe.beam,
                     "notes": list(probe.notes)})
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
        return _assemble(base, model, dataset, method, cl, constraint, masses / GeV, rows)
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

    client = cluster = None
    try:
        if workers or scheduler is not None:
            client, cluster = _dask_client(workers, scheduler)
            executor = _dask_executor(client)
        else:
            executor = sequential
        if checkpoint is not None:
            rows = resumable_map(func, points, checkpoint, executor=executor)
        else:
            rows = [None] * len(points)
            for j, res in executor(func, points):
                rows[j] = res
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    out = _assemble(base, model, dataset, method, cl, constraint,
                    [p["mass_GeV"] for p in points], rows)
    out.update({"workers": workers, "scheduler": scheduler})
    return out


def _assemble(base, model, dataset, method, cl, constraint, masses_GeV, rows) -> dict:
    """The curve's JSON from its points' rows (the same function on every path)."""
    out = {**base, "mass_GeV": [float(m) for m in masses_GeV],
           "coupling": [r["coupling"] for r in rows],
           "coupling_upper": [r["coupling_upper"] for r in rows],
           "production": [r["production"] for r in rows], "status": [r["status"] for r in rows]}
    notes = [[tuple(n) for n in r["notes"]] for r in rows]
    if constraint == "ccfr":
        out["warnings"] = [f"no CCFR bound at m = {m:.4g} GeV" for m, r in
                           zip(masses_GeV, rows, strict=True) if r["coupling"] is None]
        return out
    lim = _med.events_limit(dataset, method, cl)
    out.update({"n_up": lim.upper, "method": lim.method,
                "warnings": list(lim.warnings) + _med.limit_warnings(
                    model, dataset, np.asarray(masses_GeV, float) * GeV, notes, lim.upper)})
    if rows and "y" in rows[0]:
        out["y"] = [r["y"] for r in rows]
        out["m_chi_GeV"] = [r["m_chi_GeV"] for r in rows]
    return out
