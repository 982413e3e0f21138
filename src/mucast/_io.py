"""Layer 0 helpers: reading package data (importlib.resources) and TOML; atomic writes."""

from __future__ import annotations

import os
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


def read_text(path) -> str:
    """Read a text file given as a path or Traversable; DataFileError if unreadable."""
    try:
        return path.read_text(encoding="utf-8") if hasattr(path, "read_text") else Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read {path}: {exc}") from None


def read_toml(path) -> dict:
    """Parse a TOML file (path or Traversable); DataFileError if unreadable or invalid."""
    text = read_text(path).lstrip("\ufeff")      # a UTF-8 byte-order mark is not TOML
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{path} is not valid TOML: {exc}") from None


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
