"""Resumable evaluation of a function over a list of points (nothing lost on interruption).

:func:`resumable_map` applies ``func`` to each point and appends every finished point to a
JSON-lines checkpoint file (one line per point, flushed and fsync'ed at once). After an
interruption (exception, Ctrl-C, a killed job) the same call computes only the points that are
not in the checkpoint yet. Results are returned — and, with ``output``, written atomically
(:func:`mucast._io.atomic_write_text`) — in the order of ``points``.

File format (UTF-8, one JSON object per line)::

    {"mucast_checkpoint": 1, "fingerprint": "<sha256 of the point list>", "n_points": N, "version": "0.1.0"}
    {"index": 0, "point": ..., "result": ...}
    ...

Rules: points and results must be JSON values (numbers, strings, lists, dicts; no NaN/inf —
mucast never returns them). A result is always returned in its JSON round-tripped form
(tuples become lists; floats round-trip exactly), so a resumed run gives results identical to
an uninterrupted one. A checkpoint written for another point list is refused
(:class:`~mucast.exceptions.DataFileError`) rather than mixed in; a last line cut short by a
crash is discarded and that point recomputed.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> resumable_map(lambda m: m * m, [1, 2, 3], d / "scan.jsonl")
[1, 4, 9]
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from mucast import __version__
from mucast._io import atomic_write_text, ensure_directory
from mucast.exceptions import DataFileError, InputError

__all__ = ["resumable_map", "sequential"]

_FORMAT = 1


def _dumps(obj) -> str:
    try:
        return json.dumps(obj, sort_keys=True, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InputError(f"checkpoint entries must be finite JSON values: {exc}") from None


def _fingerprint(points_json: list[str]) -> str:
    h = hashlib.sha256()
    for p in points_json:
        h.update(p.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def _read(path: Path, header: dict, points_json: list[str]) -> dict[int, object]:
    """Finished results {index: result} from an existing checkpoint; truncates a torn last line."""
    raw = path.read_bytes()
    lines = raw.split(b"\n")
    done: dict[int, object] = {}
    good_end = 0           # byte offset after the last complete, valid line
    offset = 0
    for n, line in enumerate(lines):
        end = offset + len(line) + 1
        complete = end <= len(raw)          # the last element has no newline after it
        offset = end
        if not line.strip():
            continue
        try:
            entry = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if not complete:               # torn write at the end: drop and recompute
                break
            raise DataFileError(f"{path}: line {n + 1} is not valid JSON") from None
        if not complete:
            break
        if n == 0:
            if entry != header:
                raise DataFileError(
                    f"{path} is a checkpoint of another computation (header {entry!r}); "
                    "remove it or choose another file")
        else:
            i = entry.get("index") if isinstance(entry, dict) else None
            if not (isinstance(i, int) and 0 <= i < len(points_json)
                    and _dumps(entry.get("point")) == points_json[i] and "result" in entry):
                raise DataFileError(f"{path}: line {n + 1} does not match the point list")
            done[i] = entry["result"]
        good_end = end
    if good_end < len(raw):
        with open(path, "r+b") as fh:
            fh.truncate(good_end)
    return done


def sequential(func, points):
    """The default executor: (position, func(point)) in order."""
    for j, p in enumerate(points):
        yield j, func(p)


def resumable_map(func, points, path, *, output=None, executor=None) -> list:
    """``[func(p) for p in points]``, resumable through the JSON-lines checkpoint ``path``.

    ``executor(func, pending_points)`` yields ``(position in pending_points, result)`` as the
    results become available, in any order (default :func:`sequential`; a Dask executor runs them
    on a cluster, :mod:`mucast.inference.curves`): each result is appended to the checkpoint when
    it arrives, so an interrupted parallel run resumes like a sequential one.

    Parameters
    ----------
    func : callable
        Called once per point not yet in the checkpoint; must return a JSON value.
    points : iterable of JSON values
        The points (e.g. masses in GeV, or dicts of parameters), in output order.
    path : str or Path
        Checkpoint file (created if missing, with its folder).
    output : str or Path, optional
        If given, ``{"points": [...], "results": [...], "mucast_version": ...}`` is written
        there atomically once all points are done.

    Returns
    -------
    list
        The results in the order of ``points`` (JSON round-tripped).
    """
    points = list(points)
    points_json = [_dumps(p) for p in points]
    path = Path(path)
    ensure_directory(path.parent)
    header = {"mucast_checkpoint": _FORMAT, "fingerprint": _fingerprint(points_json),
              "n_points": len(points), "version": __version__}
    done = _read(path, header, points_json) if path.exists() and path.stat().st_size else {}
    with open(path, "a", encoding="utf-8") as fh:
        if not done and fh.tell() == 0:
            fh.write(_dumps(header) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        pending = [i for i in range(len(points)) if i not in done]
        for j, result in (executor or sequential)(func, [points[i] for i in pending]):
            i = pending[j]
            line = _dumps({"index": i, "point": points[i], "result": result})
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
            done[i] = json.loads(line)["result"]
    results = [done[i] for i in range(len(points))]
    if output is not None:
        atomic_write_text(output, json.dumps(
            {"points": [json.loads(pj) for pj in points_json], "results": results,
             "mucast_version": __version__}, allow_nan=False) + "\n")
    return results
