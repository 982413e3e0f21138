"""Layer 1: SMEFT Wilson coefficients from a WCxf file (Aebischer et al., CPC 232 (2018) 71).

Read with the ``wcxf`` package. Accepted: ``eft: SMEFT`` in the ``Warsaw`` basis (or ``Warsaw up``
/ ``Warsaw mass``, identical for the purely leptonic operators used here). Coefficients are in
GeV⁻² (WCxf convention, L = Σ C_i O_i over the non-redundant operators), taken **at the scale
given in the file: no renormalisation-group running is applied** (the scale is reported). Of the
coefficients in the file, mucast uses ``ll_2222``, ``ll_2233``, ``le_2222``, ``le_3322``; others
valid in the basis are listed as not used (they do not contribute to μN → μN νν̄ at tree level in
the approximation of seed 000, Eq. 8).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

from mucast.exceptions import DataFileError
from mucast.models.eft import SMEFT_OPERATORS, EFTModel
from mucast.units import GeV

ACCEPTED_BASES = ("Warsaw", "Warsaw up", "Warsaw mass")


@dataclass(frozen=True)
class WCxfInput:
    """What was read: the model, the file's scale [energy], and bookkeeping for reports."""

    model: EFTModel
    scale: float
    basis: str
    used: dict
    ignored: list = field(default_factory=list)
    note: str = ""

    def to_dict(self):
        return {"scale_GeV": self.scale / GeV, "basis": self.basis,
                "used_GeV-2": {k: (v.real if not v.imag else [v.real, v.imag]) for k, v in self.used.items()},
                "ignored": self.ignored, "note": self.note}


#: the keys of a WCxf coefficient file (Aebischer et al., CPC 232 (2018) 71, Sec. 3)
_WCXF_KEYS = ("eft", "basis", "scale", "values")


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


def _load_document(p: Path) -> dict:
    """The file's YAML/JSON document as a dict, or DataFileError with one line: the file, the
    line (for a syntax error) and what is wrong."""
    import yaml
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"cannot read WCxf file {p}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or _one_line(exc)
        raise DataFileError(f"{p}{where}: YAML/JSON syntax error: {what}") from None
    if doc is None:
        raise DataFileError(f"{p}: the file is empty (a WCxf file needs {', '.join(_WCXF_KEYS)})")
    if not isinstance(doc, dict):
        raise DataFileError(f"{p}: a WCxf file is a mapping with the keys {', '.join(_WCXF_KEYS)};"
                            f" this one is a {type(doc).__name__}")
    missing = [k for k in _WCXF_KEYS if k not in doc]
    if missing:
        raise DataFileError(f"{p}: missing WCxf key(s) {', '.join(missing)} (required:"
                            f" {', '.join(_WCXF_KEYS)})")
    if not isinstance(doc["values"], dict):
        raise DataFileError(f"{p}: 'values' must be a mapping name: value, got"
                            f" {type(doc['values']).__name__}")
    return doc


def read_wcxf(path) -> WCxfInput:
    """Read a WCxf file (YAML or JSON) into an :class:`EFTModel` (coefficients in 1/energy²)."""
    try:
        # wcxf imports wilson/pandas; some of their import-time warnings crash the interpreter
        # when warnings are turned into errors (seen with -W error), so they are silenced here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import wcxf
    except ImportError:  # pragma: no cover
        raise DataFileError("reading WCxf files needs the 'wcxf' package (pip install wcxf)") from None
    p = Path(path)
    doc = _load_document(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wc = wcxf.WC(**doc)
    except Exception as exc:  # the wcxf constructor raises many kinds
        raise DataFileError(f"{p}: not a valid WCxf file: {_one_line(exc)}") from None
    if getattr(wc, "eft", None) != "SMEFT":
        raise DataFileError(f"{p}: eft must be 'SMEFT', got {getattr(wc, 'eft', None)!r}")
    if wc.basis not in ACCEPTED_BASES:
        raise DataFileError(f"{p}: basis must be one of {ACCEPTED_BASES}, got {wc.basis!r}")
    try:
        scale = float(wc.scale)
    except (TypeError, ValueError):
        raise DataFileError(f"{p}: scale must be a number (GeV), got {wc.scale!r}") from None
    if not scale > 0:
        raise DataFileError(f"{p}: scale must be > 0 GeV, got {scale}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wc.validate()
    except Exception as exc:
        raise DataFileError(f"{p}: {_one_line(exc)}") from None
    values = wc.dict
    used = {k: complex(v) for k, v in values.items() if k in SMEFT_OPERATORS and v != 0}
    ignored = sorted(k for k in values if k not in SMEFT_OPERATORS)
    if not used:
        raise DataFileError(f"{p}: none of {', '.join(SMEFT_OPERATORS)} is non-zero; nothing to compute")
    coeffs = {k: (v.real if v.imag == 0 else v) / GeV**2 for k, v in used.items()}
    note = (f"coefficients taken at the scale of the file, {scale:g} GeV; no running applied"
            + (f"; {len(ignored)} coefficient(s) not used by mucast" if ignored else ""))
    return WCxfInput(EFTModel(coeffs), scale * GeV, wc.basis, used, ignored, note)
