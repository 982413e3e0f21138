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

from .exceptions import DataFileError


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


@contextmanager
def atomic_open(path, mode: str = "w", newline=None):
    """Open a temporary file next to ``path`` for writing (``mode`` "w" or "wb"); on a clean
    exit it replaces ``path`` (os.replace), on an exception it is removed, so ``path`` is never
    left half-written. DataFileError if the folder is missing or not writable, or ``path`` is a
    directory."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise DataFileError(f"output directory {directory} does not exist")
    if path.is_dir():
        raise DataFileError(f"output path {path} is a directory")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise DataFileError(f"cannot write to {directory}: {exc}") from None
    try:
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
