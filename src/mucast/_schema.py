"""Layer 0: strict reading of the tables of a user's input file (TOML experiment, target and model
files; issue 17 §3).

One rule for every file: an unknown key is refused, naming the file, the table, the key and the
nearest known key (difflib); a value of the wrong type is refused, never coerced (``"false"`` is
not a boolean, ``true`` is not a number, a table is not a string); numbers are finite and inside
the stated range. Each error is one line (:class:`mucast.exceptions.DataFileError`).

Example
-------
>>> t = {"mot": 1e10, "pileup_los": 0.1}
>>> try:
...     check_keys(t, ("mot", "pileup_loss"), "my.toml [mediator]")
... except DataFileError as exc:
...     print(exc)
my.toml [mediator]: unknown key 'pileup_los' (did you mean 'pileup_loss'?); allowed: mot, pileup_loss
"""

from __future__ import annotations

import difflib
import math
import numbers

from mucast.exceptions import DataFileError

__all__ = ["nearest", "check_keys", "string", "number", "integer", "boolean", "table",
           "fmt_range"]


def nearest(key, known) -> str | None:
    """The known name closest to ``key`` (difflib ratio ≥ 0.6, ignoring case), or None."""
    names = {str(k).lower(): str(k) for k in known}
    hits = difflib.get_close_matches(str(key).lower(), list(names), n=1, cutoff=0.6)
    return names[hits[0]] if hits else None


def _suggest(key, known) -> str:
    near = nearest(key, known)
    return f" (did you mean {near!r}?)" if near else ""


def check_keys(tbl, allowed, where: str, required=(), what: str = "key") -> None:
    """Refuse keys of ``tbl`` outside ``allowed`` (with the nearest known one) and missing
    ``required`` keys. ``where`` names the file and table, e.g. ``"e.toml [mediator]"``."""
    if not isinstance(tbl, dict):
        raise DataFileError(f"{where} must be a table, got {_kind(tbl)}")
    allowed = list(allowed)
    for key in tbl:
        if key not in allowed:
            raise DataFileError(f"{where}: unknown {what} {key!r}{_suggest(key, allowed)};"
                                f" allowed: {', '.join(allowed)}")
    for key in required:
        if key not in tbl:
            raise DataFileError(f"{where}: missing the required {what} {key!r}")


def _kind(v) -> str:
    if isinstance(v, bool):
        return f"a boolean ({str(v).lower()})"
    if isinstance(v, str):
        return f"a string ({v[:40]!r})"
    if isinstance(v, dict):
        return "a table"
    if isinstance(v, list):
        return "an array"
    if isinstance(v, numbers.Integral):
        return f"an integer ({v})"
    if isinstance(v, numbers.Real):
        return f"a number ({v!r})"
    return type(v).__name__


def fmt_range(lo, hi, lo_open=False, hi_open=False) -> str:
    """An interval as text; a missing bound is ±inf and always open: ``[0, inf)``."""
    left = "(" if (lo_open or lo is None) else "["
    right = ")" if (hi_open or hi is None) else "]"
    return f"{left}{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}{right}"


def string(tbl, key, where: str, default=None):
    """``tbl[key]`` as a string (``default`` if absent); DataFileError for any other type."""
    if key not in tbl:
        return default
    v = tbl[key]
    if not isinstance(v, str):
        raise DataFileError(f"{where}: {key} must be a string, got {_kind(v)}")
    return v


def boolean(tbl, key, where: str, default=None):
    """``tbl[key]`` as a boolean (TOML true/false only: a string "false" is refused)."""
    if key not in tbl:
        return default
    v = tbl[key]
    if not isinstance(v, bool):
        raise DataFileError(f"{where}: {key} must be true or false, got {_kind(v)}")
    return v


def number(tbl, key, where: str, lo=None, hi=None, *, lo_open=False, hi_open=False,
           default=None, unit: str = ""):
    """``tbl[key]`` as a finite float in the range (``default`` if absent; booleans, strings,
    tables refused)."""
    if key not in tbl:
        return default
    v = tbl[key]
    rng = fmt_range(lo, hi, lo_open, hi_open) + (f" {unit}" if unit else "")
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise DataFileError(f"{where}: {key} must be a number in {rng}, got {_kind(v)}")
    x = float(v)
    if not math.isfinite(x):
        raise DataFileError(f"{where}: {key} must be a finite number in {rng}, got {v!r}")
    if (lo is not None and (x < lo or (lo_open and x == lo))) or (
            hi is not None and (x > hi or (hi_open and x == hi))):
        raise DataFileError(f"{where}: {key} must be in {rng}, got {v!r}")
    return x


def integer(tbl, key, where: str, lo=None, hi=None, default=None):
    """``tbl[key]`` as an integer in [lo, hi] (a float such as 1.5 or 1.0 is refused)."""
    if key not in tbl:
        return default
    v = tbl[key]
    rng = fmt_range(lo, hi)
    if isinstance(v, bool) or not isinstance(v, numbers.Integral):
        raise DataFileError(f"{where}: {key} must be an integer in {rng}, got {_kind(v)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise DataFileError(f"{where}: {key} must be an integer in {rng}, got {v}")
    return int(v)


def table(tbl, key, where: str, default=None):
    """``tbl[key]`` as a table (dict)."""
    if key not in tbl:
        return default
    v = tbl[key]
    if not isinstance(v, dict):
        raise DataFileError(f"{where}: {key} must be a table, got {_kind(v)}")
    return v
