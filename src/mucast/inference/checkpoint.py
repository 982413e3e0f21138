"""Resumable evaluation of a function over a list of points (nothing lost on interruption).

:func:`resumable_map` applies ``func`` to each point and appends every finished point to a
JSON-lines checkpoint file (one line per point, written with one ``write`` and fsync'ed at
once). After an interruption (exception, Ctrl-C, a killed job, a dead Dask scheduler, a full
disk) the same call computes only the points that are not in the checkpoint yet. Results are
returned — and, with ``output``, written atomically (:func:`mucast._io.atomic_write_text`) — in
the order of ``points``.

File format 2 (UTF-8, one canonical JSON object per line: sorted keys, no spaces)::

    {"fingerprint":"<sha256 of the point list>","mucast_checkpoint":2,"n_points":N,"sha":"…","version":"0.3.0"}
    {"index":0,"point":…,"result":…,"sha":"…"}
    ...

``sha``: the first 16 hex digits of the SHA-256 of the line's canonical JSON without ``sha``.

Rules (issue 17 §1):

* **Only mucast's checkpoints are touched.** An existing file is read (its first line, then the
  rest) and must be a format-2 header for the same point list before anything is written or
  truncated; anything else — another file, a checkpoint of another computation, a format-1 file
  of mucast ≤ 0.3.0 (no checksums) — is refused in one line (DataFileError, exit code 2). A
  symbolic link, a directory or a device is refused unopened. An empty regular file holds no
  data and is replaced. A new checkpoint appears with its header (temporary file + rename).
* **Every value is verified.** Each line's checksum must match, its index and point must be
  those of the point list, and its result must pass the caller's ``check`` (type and range of
  every value used). A bad line is named: ``FILE line N: …`` (DataFileError). Only a last line
  without its newline (a write cut short) is dropped and recomputed.
* **One writer**: the file is locked (:func:`mucast._io.output_lock`) while it is read and
  appended to; a second run on it is refused at once.
* **Faults**: a read-only or unwritable checkpoint is a one-line DataFileError — or no error at
  all if every point is already in it (it is then only read); a full disk while appending is a
  RuntimeFault (exit code 1) that says how many points are kept.

A result is always returned in its JSON round-tripped form (tuples become lists; floats
round-trip exactly), so a resumed run gives results identical to an uninterrupted one.

Example
-------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> resumable_map(lambda m: m * m, [1, 2, 3], d / "scan.jsonl")
[1, 4, 9]
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import stat
from contextlib import ExitStack
from pathlib import Path

from mucast import __version__
from mucast._io import MEDIUM_FULL, atomic_write_text, ensure_directory, output_lock
from mucast.exceptions import DataFileError, InputError, RuntimeFault

__all__ = ["resumable_map", "sequential", "number_in"]

_FORMAT = 2
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: the header must sit in the file's first bytes (it is ~200 bytes long)
_HEADER_MAX = 4096


def _dumps(obj) -> str:
    try:
        return json.dumps(obj, sort_keys=True, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InputError(f"checkpoint entries must be finite JSON values: {exc}") from None


def _sha(entry: dict) -> str:
    return hashlib.sha256(_dumps(entry).encode("utf-8")).hexdigest()[:16]


def _signed(entry: dict) -> str:
    return _dumps({**entry, "sha": _sha(entry)})


def _fingerprint(points_json: list[str]) -> str:
    h = hashlib.sha256()
    for p in points_json:
        h.update(p.encode("utf-8"))
        h.update(b"\n")
    return h.hexdigest()


def number_in(value, lo=None, hi=None, *, lo_open=False, none=False) -> bool:
    """For ``check`` functions: ``value`` is a finite real number (not a bool) in the range
    (or None when ``none``)."""
    if value is None:
        return none
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return False
    if lo is not None and (value < lo or (lo_open and value == lo)):
        return False
    return hi is None or value <= hi


def _not_a_checkpoint(path, why):
    return DataFileError(f"--checkpoint {path} is not a mucast checkpoint ({why}); mucast writes"
                         " only checkpoints it created: choose another file")


def _no_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _loads(b: bytes):
    """Strict JSON: NaN and Infinity (which Python's json accepts) are damage."""
    return json.loads(b.decode("utf-8"), parse_constant=_no_constant)


def _verify(entry, expect_keys, n, path) -> dict:
    if not isinstance(entry, dict) or set(entry) != expect_keys:
        keys = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise DataFileError(f"--checkpoint {path} line {n}: not a checkpoint entry (has {keys});"
                            " remove the line to recompute its point")
    body = {k: v for k, v in entry.items() if k != "sha"}
    if entry["sha"] != _sha(body):
        raise DataFileError(f"--checkpoint {path} line {n}: checksum mismatch (the line was edited"
                            " or damaged); remove the line to recompute its point")
    return body


def _parse_header(first: bytes, header: dict, path) -> None:
    try:
        entry = _loads(first)
    except (UnicodeDecodeError, ValueError):
        raise _not_a_checkpoint(path, "its first line is not JSON") from None
    if not isinstance(entry, dict) or "mucast_checkpoint" not in entry:
        raise _not_a_checkpoint(path, "no checkpoint header")
    if entry["mucast_checkpoint"] != _FORMAT:
        raise DataFileError(
            f"--checkpoint {path} has format {entry['mucast_checkpoint']!r} (this mucast reads"
            f" {_FORMAT}; format 1 of mucast <= 0.3.0 has no checksums, so its values cannot be"
            " verified): move it away to start afresh")
    body = _verify(entry, set(header) | {"sha"}, 1, path)
    if body["fingerprint"] != header["fingerprint"] or body["n_points"] != header["n_points"]:
        raise DataFileError(f"--checkpoint {path} is a checkpoint of another computation (other"
                            " points or settings); remove it or choose another file")
    if body["version"] != header["version"]:
        raise DataFileError(f"--checkpoint {path} was written by mucast {body['version']!r}, this"
                            f" is {header['version']} (results may differ): move it away to"
                            " start afresh")


def _parse(raw: bytes, header: dict, points_json: list[str], check, path):
    """({index: result}, byte offset after the last complete line) of a checkpoint's bytes."""
    done: dict[int, object] = {}
    end = raw.find(b"\n")
    _parse_header(raw[:end], header, path)
    good_end = end + 1
    keys = {"index", "point", "result", "sha"}
    n = 1
    while good_end < len(raw):
        nl = raw.find(b"\n", good_end)
        if nl < 0:                         # a last line cut short by a crash: recomputed
            break
        line, n = raw[good_end:nl], n + 1
        good_end = nl + 1
        if not line.strip():
            continue
        try:
            entry = _loads(line)
        except (UnicodeDecodeError, ValueError):
            raise DataFileError(f"--checkpoint {path} line {n}: not valid JSON (damaged); remove"
                                " the line to recompute its point") from None
        body = _verify(entry, keys, n, path)
        i = body["index"]
        if not (type(i) is int and 0 <= i < len(points_json)) or \
                _dumps(body["point"]) != points_json[i]:
            raise DataFileError(f"--checkpoint {path} line {n}: index or point does not match the"
                                " point list")
        why = check(body["result"]) if check is not None else None
        if why:
            raise DataFileError(f"--checkpoint {path} line {n}: {why}; remove the line to"
                                " recompute its point")
        if i in done and _dumps(done[i]) != _dumps(body["result"]):
            raise DataFileError(f"--checkpoint {path} line {n}: a second, different result for"
                                f" point {i}")
        done[i] = body["result"]
    return done, good_end


def _lstat(path: Path):
    """The lstat of ``path`` (None if missing) if it may be a checkpoint: not a link, a folder or
    a device (refused unopened)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise DataFileError(f"--checkpoint {path}: {path.parent} is not a directory") from None
    except OSError as exc:
        raise DataFileError(f"--checkpoint {path}: cannot inspect it ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise DataFileError(f"--checkpoint {path} is a symbolic link; mucast writes only files it"
                            " creates (remove the link or choose another name)")
    if stat.S_ISDIR(st.st_mode):
        raise DataFileError(f"--checkpoint {path} is a directory; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise DataFileError(f"--checkpoint {path} is not a regular file (a device, FIFO or"
                            " socket); choose another name")
    return st


def _open_existing(path: Path):
    """(fd, writable, size) of an existing non-empty regular file, or None if missing/empty."""
    st = _lstat(path)
    if st is None or st.st_size == 0:
        return None
    writable = True
    try:
        fd = os.open(path, os.O_RDWR | _NOFOLLOW | _CLOEXEC)
    except PermissionError:
        fd, writable = None, False
    except OSError as exc:
        if exc.errno != errno.EROFS:
            raise DataFileError(f"--checkpoint {path}: cannot open it ({exc.strerror})") from None
        fd, writable = None, False
    if fd is None:
        try:
            fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC)
        except OSError as exc:
            raise DataFileError(f"--checkpoint {path}: cannot read it ({exc.strerror})") from None
    fst = os.fstat(fd)
    if (fst.st_ino, fst.st_dev) != (st.st_ino, st.st_dev) or not stat.S_ISREG(fst.st_mode):
        os.close(fd)
        raise DataFileError(f"--checkpoint {path} changed while it was opened; try again")
    return fd, writable, fst.st_size


def _read_all(fd, size: int, header: dict, path) -> bytes:
    first = os.pread(fd, min(size, _HEADER_MAX), 0)
    end = first.find(b"\n")
    if end < 0:
        raise _not_a_checkpoint(path, "no complete first line")
    _parse_header(first[:end], header, path)       # before reading (or touching) the rest
    chunks, off = [], 0
    while off < size:
        b = os.pread(fd, min(size - off, 1 << 24), off)
        if not b:
            break
        chunks.append(b)
        off += len(b)
    return b"".join(chunks)


def _write_all(fd, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def sequential(func, points):
    """The default executor: (position, func(point)) in order."""
    for j, p in enumerate(points):
        yield j, func(p)


def resumable_map(func, points, path, *, output=None, executor=None, check=None) -> list:
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
        Checkpoint file (created if missing, with its folder; rules in the module doc).
    output : str or Path, optional
        If given, ``{"points": [...], "results": [...], "mucast_version": ...}`` is written
        there atomically once all points are done.
    check : callable, optional
        ``check(result)`` returns None for a valid result read from the file, else a short
        reason ("coupling must be a number > 0, got 'abc'"); use :func:`number_in`.

    Returns
    -------
    list
        The results in the order of ``points`` (JSON round-tripped).
    """
    points = list(points)
    points_json = [_dumps(p) for p in points]
    path = Path(path)
    header = {"fingerprint": _fingerprint(points_json), "mucast_checkpoint": _FORMAT,
              "n_points": len(points), "version": __version__}
    _lstat(path)                       # a link, folder or device: refused before any lock
    ensure_directory(path.parent)
    with ExitStack() as stack:
        try:
            stack.enter_context(output_lock(path, "--checkpoint"))
            locked = True
        except DataFileError as exc:
            if "another mucast process" in str(exc):
                raise
            locked = False         # a folder we cannot write in: enough to read a finished file
        opened = _open_existing(path)
        done: dict[int, object] = {}
        fd = None
        if opened is not None:
            fd, writable, size = opened
            stack.callback(os.close, fd)
            raw = _read_all(fd, size, header, path)
            done, good_end = _parse(raw, header, points_json, check, path)
            pending = [i for i in range(len(points)) if i not in done]
            if (pending or good_end < len(raw)) and not (writable and locked):
                raise DataFileError(f"--checkpoint {path} cannot be written (read-only file or"
                                    f" folder); it holds {len(done)} of {len(points)} points")
            if good_end < len(raw):
                os.ftruncate(fd, good_end)
            os.lseek(fd, 0, os.SEEK_END)
        else:
            if not locked:
                raise DataFileError(f"--checkpoint {path}: cannot write in {path.parent}")
            atomic_write_text(path, _signed(header) + "\n", what="--checkpoint", lock=False)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | _NOFOLLOW | _CLOEXEC)
            stack.callback(os.close, fd)
        pending = [i for i in range(len(points)) if i not in done]
        if pending:
            for j, result in (executor or sequential)(func, [points[i] for i in pending]):
                i = pending[j]
                line = _signed({"index": i, "point": points[i], "result": result})
                try:
                    _write_all(fd, (line + "\n").encode("utf-8"))
                    os.fsync(fd)
                except OSError as exc:
                    msg = (f"cannot append to --checkpoint {path} ({exc.strerror}); the"
                           f" {len(done)} points before it are kept: rerun to resume")
                    raise (RuntimeFault(msg) if exc.errno in MEDIUM_FULL
                           else DataFileError(msg)) from None
                done[i] = json.loads(line)["result"]
    results = [done[i] for i in range(len(points))]
    if output is not None:
        atomic_write_text(output, json.dumps(
            {"points": [json.loads(pj) for pj in points_json], "results": results,
             "mucast_version": __version__}, allow_nan=False) + "\n")
    return results
