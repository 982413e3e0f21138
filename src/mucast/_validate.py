"""Layer 0: the Python API's checks of argument kinds, one per kind, with the CLI's rule: bad
input raises a one-line :class:`~mucast.exceptions.InputError` naming the argument — never a
TypeError, IndexError or a silent conversion from deep inside (a string "0.1" read as 0.1 MeV in
hepunits, None as NaN, a 2-D array indexed as 1-D). Ranges are the caller's (they differ per
argument); these only fix the kind.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from mucast.exceptions import InputError

__all__ = ["real_array", "real_number", "short_repr"]


def short_repr(value, limit: int = 60) -> str:
    """repr(value) on one line, cut to ``limit`` characters."""
    r = " ".join(repr(value).split())
    return r if len(r) <= limit else r[:limit - 3] + "..."


def real_array(value, name: str, *, max_ndim: int | None = 1,
               unit_text: str = "") -> np.ndarray:
    """``value`` as a float array of at most ``max_ndim`` dimensions (None: any): a real number or a
    sequence/array of real numbers; strings, bytes, None, booleans and objects are refused (an
    InputError naming ``name``). ``unit_text``: e.g. " [energy]" for the message. Finiteness
    and ranges are left to the caller."""
    kind = ("a number or an array of numbers" if max_ndim is None else "a number"
            if max_ndim == 0 else "a number or a 1-D array of numbers" if max_ndim == 1 else
            f"a number or an array of at most {max_ndim} dimensions")

    def bad():
        # built only when raised: repr() of a large array costs more than the check itself
        # (it was 60% of a warm 50-mass curve when built on every call)
        return InputError(f"{name} must be {kind}{unit_text}, got {short_repr(value)}")

    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        raise bad()
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError):         # ragged sequences
        raise bad() from None
    if arr.dtype.kind not in "iuf":
        raise bad()
    if max_ndim is not None and arr.ndim > max_ndim:
        raise InputError(f"{name} must be {kind}{unit_text}, got an array of shape {arr.shape}")
    try:
        return arr.astype(float)
    except OverflowError:                   # integers beyond a double
        raise InputError(f"{name} must be finite, got {short_repr(value)}") from None


def real_number(value, name: str, *, finite: bool = True) -> float:
    """``value`` as a float: a real number (not a string, None or a boolean); finite unless
    ``finite`` is False. InputError naming ``name`` otherwise."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InputError(f"{name} must be a number, got {short_repr(value)}")
    try:
        v = float(value)
    except OverflowError:
        raise InputError(f"{name} must be finite, got {short_repr(value)}") from None
    if finite and not math.isfinite(v):
        raise InputError(f"{name} must be finite, got {short_repr(value)}")
    return v
