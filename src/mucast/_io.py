"""Layer 0 helpers: reading package data (importlib.resources) and TOML; writing output files
safely (docs/files.md).

Rules for every file mucast writes (issue 17 §1):

1. **Nothing is written through a path mucast did not create.** A new file is created with
   ``O_CREAT|O_EXCL|O_NOFOLLOW`` under a temporary name of mucast's own in the output folder
   (:data:`OWN_RE`) and put in place by rename, which replaces a directory entry and never writes
   into what it pointed to.
2. **Only mucast's own files are replaced.** An existing final path must be a regular file that
   carries mucast's signature (:func:`is_mucast_output`), or an empty regular file (no data to
   lose). A symbolic link, a directory, a device or FIFO, or a file without the signature is
   refused with one line naming it (:func:`check_output_path`). Folders: :func:`staged_directory`.
3. **One writer per output**: an ``flock`` on a lock file mucast creates beside it
   (``.NAME.mucast-lock``), removed on release; a second writer is refused at once
   (:func:`output_lock`).
4. **Temporary files and staging folders name their owner** (pid and a hash of the host name).
   The next write into the same folder removes those of a dead owner on this host, or those of
   another host untouched for :data:`STALE_AGE_S`, only if they match :data:`OWN_RE` exactly
   and belong to the same user (:func:`sweep_stale`). A live owner's files are never touched.
5. **Errors**: a full medium (ENOSPC, EDQUOT, EFBIG) is a :class:`~mucast.exceptions.RuntimeFault`
   (CLI exit code 1); an unusable path (read-only folder, a directory, a link) is a
   :class:`~mucast.exceptions.DataFileError` (exit code 2). Both are one line.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import sys
import threading
import time
import zlib
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]  # the module or None, tested where used

from mucast.exceptions import DataFileError, RuntimeFault


def data_path(relative: str):
    """A Traversable for a file shipped in ``mucast/data``."""
    return resources.files("mucast").joinpath("data").joinpath(relative)


#: the largest input file read as text (TOML, acceptance/efficiency CSV, overlay curves) [bytes].
#: Generous for real use: the shipped experiment, target and model files are 1-3 kB, the
#: acceptance tables below 2 kB, and a curve of 10^5 points in CSV about 4 MB; a 53 MB overlay
#: took 1.2 GB of memory (issue 17), so larger files are refused before they are parsed.
MAX_INPUT_BYTES = 8_000_000


def _too_large(path, size, max_bytes, what):
    return DataFileError(f"{path} is {'more than ' if size is None else ''}"
                         f"{(max_bytes if size is None else size) / 1e6:.1f} MB; mucast reads"
                         f" {what}s up to {max_bytes / 1e6:g} MB (is it the right file?)")


def read_text(path, max_bytes: int = MAX_INPUT_BYTES, what: str = "input file") -> str:
    """Read a UTF-8 text file given as a path or Traversable (package data); DataFileError if
    it is unreadable, not a regular file, or larger than ``max_bytes`` (:data:`MAX_INPUT_BYTES`;
    at most ``max_bytes + 1`` bytes are ever read, so a device or a growing file cannot exhaust
    the memory)."""
    if hasattr(path, "read_text") and not isinstance(path, Path):
        try:                                   # package data (importlib.resources)
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataFileError(f"cannot read {path}: {exc}") from None
    p = Path(path)
    try:
        st = os.stat(p)
        if not stat.S_ISREG(st.st_mode):
            raise DataFileError(f"cannot read {p}: not a regular file")
        if st.st_size > max_bytes:
            raise _too_large(p, st.st_size, max_bytes, what)
        with open(p, "rb") as fh:
            data = fh.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise _too_large(p, None, max_bytes, what)
        # universal newlines, as a text-mode read gives
        return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read {p}: {getattr(exc, 'strerror', None) or exc}") from None


def read_toml(path) -> dict:
    """Parse a TOML file (path or Traversable); DataFileError if unreadable, too large, invalid
    or nested too deeply for the parser (arrays nested 100000 deep crashed it, issue 17)."""
    text = read_text(path, what="TOML file").lstrip("\ufeff")   # a UTF-8 byte-order mark is not TOML
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise DataFileError(f"{path}: tables or arrays nested too deeply to parse (mucast's"
                            " files nest 2 deep)") from None


def current_umask() -> int:
    """The process's file-mode creation mask (read without changing it where the OS allows)."""
    try:  # Linux: /proc/self/status has "Umask:\t0022"; no race with other threads
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # portable fallback: read by setting and restoring
    os.umask(mask)
    return mask


def ensure_directory(directory) -> Path:
    """Create ``directory`` (and its parents) if missing: the one rule for every output path of
    mucast (files, figures, tables, event files, reports). DataFileError if it cannot be created
    or is not a directory."""
    d = Path(directory) if str(directory) else Path(".")
    if d.exists() and not d.is_dir():
        raise DataFileError(f"output directory {d} exists and is not a directory")
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFileError(f"cannot create output directory {d}: {exc.strerror or exc}") from None
    return d


# ------------------------------------------------------------------------------------------
# rule 4: names of mucast's own temporary entries, and the sweep of stale ones
# ------------------------------------------------------------------------------------------
_HOST = hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
#: ``.NAME.mucast-PID@HOST.RANDOM.tmp`` (a file being written) or ``... .staging`` (a folder
#: being built, :func:`staged_directory`); HOST: 8 hex digits of sha256(host name)
OWN_RE = re.compile(r"^\.(?P<name>.+)\.mucast-(?P<pid>[0-9]{1,10})@(?P<host>[0-9a-f]{8})"
                    r"\.[0-9a-f]{8}\.(?P<kind>tmp|staging)$")
_LOCK_SUFFIX = ".mucast-lock"
#: a temporary entry of another host untouched this long is stale (a live writer updates its
#: file at every chunk; no mucast write pauses for hours)
STALE_AGE_S = 24 * 3600.0
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: errno values of a full medium: a RuntimeFault (exit 1), not an input error
MEDIUM_FULL = frozenset(e for e in (errno.ENOSPC, getattr(errno, "EDQUOT", None), errno.EFBIG)
                        if e is not None)


def _own_name(name: str, kind: str) -> str:
    return f".{name[:120]}.mucast-{os.getpid()}@{_HOST}.{secrets.token_hex(4)}.{kind}"


def _legacy_re(name: str):
    """mucast ≤ 0.3.0's temporary files of ``name`` (tempfile.mkstemp: 8 random characters)."""
    return re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp$")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:            # EPERM: a live process of another user
        return True
    return True


def sweep_stale(directory, legacy_name: str | None = None) -> list[str]:
    """Remove mucast's own stale temporary files and staging folders in ``directory`` (rule 4 of
    the module doc); returns the names removed. ``legacy_name``: also remove mucast ≤ 0.3.0's
    temporary files of that output name (``.NAME.XXXXXXXX.tmp``, no owner recorded) once
    untouched for :data:`STALE_AGE_S`. Never follows a link; never raises."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    legacy = _legacy_re(legacy_name) if legacy_name else None
    now = time.time()
    for e in entries:
        m = OWN_RE.match(e.name)
        if m is None and not (legacy is not None and legacy.match(e.name)):
            continue
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue
        kind = m["kind"] if m else "tmp"
        is_ok_type = stat.S_ISDIR(st.st_mode) if kind == "staging" else stat.S_ISREG(st.st_mode)
        if not is_ok_type or (uid is not None and st.st_uid != uid):
            continue
        if m is not None and m["host"] == _HOST:
            stale = not _pid_alive(int(m["pid"]))
        else:
            stale = now - st.st_mtime > STALE_AGE_S
        if not stale:
            continue
        try:
            if kind == "staging":
                shutil.rmtree(e.path)        # never follows links inside (fd-based on Linux)
            else:
                os.unlink(e.path)
            removed.append(e.name)
        except OSError:
            pass
    return removed


# ------------------------------------------------------------------------------------------
# rule 2: what may be replaced
# ------------------------------------------------------------------------------------------
_HEAD, _TAIL = 8192, 65536


def is_mucast_output(path) -> bool:
    """True if the regular file ``path`` carries mucast's signature: a first line ``# ...mucast``
    (CSV, HEPData YAML), an LHE file with a ``<mucast>`` block (also gzipped), a PNG whose
    ``Software`` is mucast, a PDF whose ``/Creator`` is mucast, or ``"mucast_version"`` near its
    end (JSON results, Parquet metadata). Reads at most 72 kB; never follows a link."""
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return False
        head = os.pread(fd, _HEAD, 0)
        tail = os.pread(fd, _TAIL, max(st.st_size - _TAIL, 0)) if st.st_size > _HEAD else head
    except OSError:
        return False
    finally:
        os.close(fd)
    if head[:2] == b"\x1f\x8b":                  # gzip (.lhe.gz)
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _HEAD)
        except zlib.error:
            return False
        tail = b""
    first = head.split(b"\n", 1)[0]
    return ((first.startswith(b"#") and b"mucast" in first)
            or (head.startswith(b"<LesHouchesEvents") and b"<mucast>" in head)
            or (head.startswith(b"\x89PNG") and b"Software\x00mucast" in head)
            or (head.startswith(b"%PDF") and b"/Creator (mucast" in tail)
            or b'"mucast_version"' in tail)


def _label(path, what=None) -> str:
    return f"{what} {path}" if what else str(path)


def check_output_path(path, what: str | None = None) -> None:
    """Refuse an existing ``path`` that mucast must not replace (rule 2 of the module doc): a
    symbolic link, a directory, a device/FIFO/socket, or a non-empty regular file without
    mucast's signature. DataFileError (one line naming it; ``what``: the option, e.g. "--out")."""
    path = Path(path)
    label = _label(path, what)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise DataFileError(f"{label}: {path.parent} is not a directory") from None
    except OSError as exc:
        raise DataFileError(f"{label}: cannot inspect it ({exc.strerror})") from None
    if stat.S_ISLNK(st.st_mode):
        raise DataFileError(f"{label} is a symbolic link; mucast writes only files it creates"
                            " (remove the link or choose another name)")
    if stat.S_ISDIR(st.st_mode):
        raise DataFileError(f"{label} is a directory; give a file name")
    if not stat.S_ISREG(st.st_mode):
        raise DataFileError(f"{label} is not a regular file (a device, FIFO or socket);"
                            " choose another name")
    if st.st_size and not is_mucast_output(path):
        raise DataFileError(f"{label} exists and is not a mucast output; mucast replaces only its"
                            " own files (docs/files.md): move it away or choose another name")


# ------------------------------------------------------------------------------------------
# rule 3: one writer per output
# ------------------------------------------------------------------------------------------
def lock_path(path) -> Path:
    """The lock file of an output ``path``: ``.NAME.mucast-lock`` beside it."""
    path = Path(path)
    return path.parent / f".{path.name}{_LOCK_SUFFIX}"


@contextmanager
def output_lock(path, what: str | None = None):
    """Hold an exclusive ``flock`` on :func:`lock_path` of ``path`` (created by mucast,
    O_EXCL|O_NOFOLLOW, never written into) for the block; a second writer gets a DataFileError
    at once. The lock file is removed on release; an acquirer checks that the file it locked is
    still the one in the folder, so removal never lets two writers in. Works across hosts
    where the file system supports flock (local disks; NFSv4)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    lock = lock_path(path)
    fd = None
    try:
        with signals_deferred():          # no lock file left behind by a signal in between
            fd = _acquire(lock, _label(path, what))
        yield
    finally:
        if fd is not None:
            try:
                os.unlink(lock)                # still ours: we hold it and checked the inode
            except OSError:
                pass
            os.close(fd)


def _acquire(lock: Path, label: str) -> int:
    while True:
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, 0o666)
        except FileExistsError:
            try:
                fd = os.open(lock, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | os.O_NONBLOCK)
            except FileNotFoundError:
                continue                           # released meanwhile: try again
            except OSError as exc:
                raise DataFileError(f"{label}: cannot open its lock file {lock}"
                                    f" ({exc.strerror}); remove it if it is not mucast's") from None
        except OSError as exc:
            raise DataFileError(f"{label}: cannot write in {lock.parent} ({exc.strerror})") from None
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise DataFileError(f"{label}: its lock file {lock} is not a regular file")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise DataFileError(f"{label} is being written by another mucast process"
                                    " (it holds the lock); wait for it or choose another name"
                                    ) from None
            raise DataFileError(f"{label}: cannot lock {lock} ({exc.strerror})") from None
        try:
            cur = os.lstat(lock)
        except FileNotFoundError:
            cur = None
        if cur is None or (cur.st_ino, cur.st_dev) != (st.st_ino, st.st_dev):
            os.close(fd)                           # a released, removed lock: take the new one
            continue
        return fd


# ------------------------------------------------------------------------------------------
# rule 1: atomic files
# ------------------------------------------------------------------------------------------
def _write_error(label: str, exc: OSError, verb: str = "cannot write"):
    if exc.errno in MEDIUM_FULL:
        return RuntimeFault(f"{verb} {label}: {exc.strerror or exc}; nothing was put in its place")
    return DataFileError(f"{verb} {label}: {exc.strerror or exc}")


def _create_temp(directory: Path, name: str, label: str):
    for _ in range(64):
        tmp = directory / _own_name(name, "tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC,
                           0o666), tmp              # 0666 minus the umask, as open() gives
        except FileExistsError:
            continue
        except OSError as exc:
            raise _write_error(f"{label} (in {directory})", exc) from None
    raise DataFileError(f"cannot create a temporary file in {directory}")  # pragma: no cover


@contextmanager
def atomic_open(path, mode: str = "w", newline=None, *, what: str | None = None,
                lock: bool = True):
    """Open a new temporary file of mucast's own beside ``path`` for writing (``mode`` "w" or
    "wb"); on a clean exit it is flushed to disk and renamed to ``path``, on any exception
    (also KeyboardInterrupt and the CLI's SIGTERM) it is removed, so ``path`` is never
    half-written and never written through (rules 1–5 of the module doc).

    ``path`` is checked first (:func:`check_output_path`), the folder is created if missing
    (:func:`ensure_directory`) and swept of stale temporary files (:func:`sweep_stale`), and
    with ``lock`` the output is locked for the duration (:func:`output_lock`). The finished file
    gets the mode a plain ``open()`` gives (0666 minus the umask)."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open mode must be 'w' or 'wb', got {mode!r}")
    path = Path(path)
    label = _label(path, what)
    check_output_path(path, what)
    directory = ensure_directory(path.parent)
    sweep_stale(directory, legacy_name=path.name)
    with output_lock(path, what) if lock else nullcontext():
        tmp = None
        try:
            with signals_deferred():       # a signal cannot fall between creation and cleanup
                fd, tmp = _create_temp(directory, path.name, label)
            try:
                fh = (os.fdopen(fd, "wb") if "b" in mode
                      else os.fdopen(fd, "w", encoding="utf-8", newline=newline))
            except BaseException:
                os.close(fd)
                raise
            with fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            check_output_path(path, what)          # nothing planted there meanwhile
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise _write_error(label, exc, "cannot put in place") from None
        except BaseException as exc:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            if isinstance(exc, OSError) and exc.errno in MEDIUM_FULL:
                raise _write_error(label, exc) from None
            raise


def atomic_write_text(path, text: str, **kw) -> None:
    """Write ``text`` to ``path`` atomically (:func:`atomic_open`)."""
    with atomic_open(path, "w", **kw) as fh:
        fh.write(text)


def atomic_write_bytes(path, data: bytes, **kw) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_open`)."""
    with atomic_open(path, "wb", **kw) as fh:
        fh.write(data)


# ------------------------------------------------------------------------------------------
# a whole folder: staged, then put in place
# ------------------------------------------------------------------------------------------
@contextmanager
def signals_deferred():
    """SIGINT, SIGTERM and SIGHUP are held for the block and delivered after it (main thread
    only): a few renames that must not be cut in the middle."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    sigs = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {s: signal.getsignal(s) for s in sigs}
    for s in sigs:
        signal.signal(s, lambda n, _f: pending.append(n))
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)
        for n in pending:
            signal.raise_signal(n)


def _manifest_files(out: Path, manifest: str):
    """The files listed by a previous run's ``manifest`` in ``out`` (None if there is none or it
    is not mucast's: a JSON object with ``mucast_version`` and a list ``files``)."""
    mf = out / manifest
    try:
        st = os.lstat(mf)
        if not stat.S_ISREG(st.st_mode) or st.st_size > 16_000_000:
            return None
        data = json.loads(mf.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    files = data.get("files")
    if "mucast_version" not in data or not isinstance(files, list) or \
            not all(isinstance(f, str) for f in files):
        return None
    return set(files) | {manifest}


def _is_aux(name: str) -> bool:
    return OWN_RE.match(name) is not None or name.endswith(_LOCK_SUFFIX)


def _previous_files(out: Path, manifest: str, label: str):
    """None if ``out`` is missing, else the names mucast may replace in it (empty for an empty
    folder); DataFileError for anything else (rule 2 for folders)."""
    try:
        st = os.stat(out)                  # a link to a folder: the user's chosen folder
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFileError(f"{label}: cannot inspect it ({exc.strerror})") from None
    if not stat.S_ISDIR(st.st_mode):
        raise DataFileError(f"{label} exists and is not a directory")
    try:
        names = [n for n in os.listdir(out) if not _is_aux(n)]
    except OSError as exc:
        raise DataFileError(f"{label}: cannot list it ({exc.strerror})") from None
    if not names:
        return set()
    files = _manifest_files(out, manifest)
    if files is None:
        raise DataFileError(f"{label} is a folder that is neither empty nor a mucast output (no"
                            f" {manifest} of mucast's); choose a new or empty folder")
    return files


def _staged_files(staging: Path) -> list[str]:
    out = []
    for root, _dirs, files in os.walk(staging):
        for f in files:
            out.append(Path(root, f).relative_to(staging).as_posix())
    return sorted(out)


def _move_into(staging: Path, out: Path, previous: set, manifest: str, label: str) -> None:
    new = _staged_files(staging)
    if manifest not in new:
        raise DataFileError(f"{label}: the staged output has no {manifest}")  # pragma: no cover
    for rel in new:                        # check everything before moving anything
        target = out / rel
        for anc in list(Path(rel).parents)[:-1]:
            try:
                st = os.lstat(out / anc)
            except FileNotFoundError:
                continue
            if not stat.S_ISDIR(st.st_mode):
                raise DataFileError(f"{label}: {out / anc} is not a folder of mucast's (a link or"
                                    " a file); move it away")
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            continue
        if not stat.S_ISREG(st.st_mode) or (rel not in previous and st.st_size):
            raise DataFileError(f"{label}: {target} is not one of mucast's files in this folder;"
                                " move it away or choose another folder")
    interim = {"mucast_version": _version(), "status": "incomplete: a new run's files were being"
               " moved into place; run the command again", "files": sorted(previous | set(new))}
    with signals_deferred():
        atomic_write_text(out / manifest, json.dumps(interim, indent=1) + "\n", lock=False)
        for rel in new:
            if rel != manifest:
                (out / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staging / rel, out / rel)
        os.replace(staging / manifest, out / manifest)


def _version() -> str:
    from mucast import __version__
    return __version__


@contextmanager
def staged_directory(out, manifest: str = "run_info.json", what: str = "--out"):
    """Build a folder's content in a staging folder of mucast's own and put it in place at the
    end; yields the staging folder, which must receive ``manifest`` (a JSON object with
    ``mucast_version`` and ``files``, the relative paths written).

    ``out`` may be missing (the staging folder, beside it, is renamed to it: it appears complete
    or not at all), an empty folder, or a previous output of the same kind (its manifest lists
    mucast's files: only those are replaced, other entries are left alone; the files are moved
    in with signals held, under an interim manifest marked incomplete). Anything else is
    refused before the computation. On any exception (Ctrl-C, SIGTERM, a full disk) the staging
    folder is removed and ``out`` is untouched. One run at a time per folder
    (:func:`output_lock`)."""
    out = Path(out)
    label = _label(out, what)
    _previous_files(out, manifest, label)                # refuse early, before any work
    ensure_directory(out.parent)
    with output_lock(out, what):
        previous = _previous_files(out, manifest, label)
        home = out.parent if previous is None else out
        sweep_stale(home)
        staging = home / _own_name(out.name, "staging")
        try:
            try:
                staging.mkdir(mode=0o700)
            except OSError as exc:
                raise _write_error(f"{label} (in {home})", exc) from None
            yield staging
            if previous is None:
                os.chmod(staging, 0o777 & ~current_umask())
                try:
                    os.rename(staging, out)
                    return
                except OSError as exc:
                    raise DataFileError(f"{label}: cannot put the folder in place"
                                        f" ({exc.strerror}); was it created meanwhile?") from None
            _move_into(staging, out, previous, manifest, label)
        except OSError as exc:
            if exc.errno in MEDIUM_FULL:
                raise _write_error(label, exc) from None
            raise
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
