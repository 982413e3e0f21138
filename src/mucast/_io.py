"""Layer 0 helpers: reading package data (importlib.resources) and TOML; atomic writes."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from mucast.exceptions import DataFileError


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


@contextmanager
def atomic_open(path, mode: str = "w", newline=None):
    """Open a temporary file next to ``path`` for writing (``mode`` "w" or "wb"); on a clean
    exit it replaces ``path`` (os.replace), on an exception it is removed, so ``path`` is never
    left half-written.

    The finished file gets the mode a plain ``open()`` would give it (0666 minus the user's umask,
    e.g. 0644 under umask 022): mkstemp creates 0600, which collaborators and web servers cannot
    read. A missing output directory is created (:func:`ensure_directory`), at the moment the
    file is written, so a computation that fails leaves nothing behind. DataFileError if the
    folder cannot be created or written, or ``path`` is a directory."""
    path = Path(path)
    if path.is_dir():
        raise DataFileError(f"output path {path} is a directory")
    directory = ensure_directory(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise DataFileError(f"cannot write to {directory}: {exc.strerror or exc}") from None
    try:
        mode_bits = 0o666 & ~current_umask()
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode_bits)
        else:  # pragma: no cover - platforms without fchmod
            os.chmod(tmp, mode_bits)
        if "b" in mode:
            fh = os.fdopen(fd, mode)
        else:
            fh = os.fdopen(fd, mode, encoding="utf-8", newline=newline)
        with fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (:func:`atomic_open`)."""
    with atomic_open(path, "w") as fh:
        fh.write(text)


def atomic_write_bytes(path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_open`)."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
