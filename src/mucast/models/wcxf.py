"""Layer 1: Wilson coefficients from a WCxf file (Aebischer et al., CPC 232 (2018) 71), read with
the ``wcxf`` package, optionally run and matched with ``wilson`` (issue 13; docs/wet.md).

Accepted:

* ``eft: WET``, ``basis: JMS`` — the operators of μN → μN ν_iν̄_j, ``VnueLL_ij22`` and
  ``VnueLR_ij22`` (i ≤ j = 1, 2, 3; the ν_e channel and the lepton-flavour-violating pairs
  included); every other coefficient is listed as ignored (a one-line note on stderr from the
  CLI).
* ``eft: SMEFT`` in the ``Warsaw`` basis (or ``Warsaw up`` / ``Warsaw mass``, identical for the
  leptonic operators used here):

  - ``run=False`` (default): the tree-level map of seed 000 Eq. (8) at the file's scale —
    ``ll_2222`` (×2 in the WCxf normalisation), ``ll_2233``, ``le_2222``, ``le_3322`` and the
    ν_e channel ``ll_1122``, ``le_1122``. Coefficients that feed ν̄νμ̄μ at tree level through
    the Z couplings or G_F (``phil1``, ``phil3``, ``phie``, ``ll_1221``, ``phiWB``; seed 000
    Eq. (4)) are *not* included, and the result says which ones the file has (``dropped``), as
    it says when the file's scale is below M_Z (SMEFT is not the EFT there).
  - ``run=True``: ``wilson`` runs the file from its scale to M_Z, matches onto WET (JMS) and runs
    down to ``scale`` (default 2 GeV; WET-4 between m_c and m_b, WET-3 below m_c, down to the
    lowest scale this supports, 1 GeV), so the feeders enter; needs ``pip install "mucast[wilson]"``.
* a WET file with ``run=True`` is run from its scale to ``scale`` the same way.

Coefficients are in GeV⁻² (WCxf: L = Σ C_i O_i over the non-redundant operators).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from mucast.exceptions import DataFileError, InputError
from mucast.models.eft import (SMEFT_LFV, SMEFT_NU_E, SMEFT_OPERATORS, WET_LFV, WET_OPERATORS,
                               EFTModel)
from mucast.units import GeV

ACCEPTED_BASES = ("Warsaw", "Warsaw up", "Warsaw mass")
#: what mucast reads per EFT: {eft: (bases)}
ACCEPTED = {"SMEFT": ACCEPTED_BASES, "WET": ("JMS",)}
#: the tree-level SMEFT operators mucast maps (seed 000 Eq. 8 and the ν_e channel)
SMEFT_TREE = SMEFT_OPERATORS + SMEFT_NU_E + tuple(SMEFT_LFV)
#: the WET (JMS) names mucast reads: flavour-diagonal and LFV ν_i ν̄_j μ̄μ vector operators
WET_READ = WET_OPERATORS + WET_LFV
#: SMEFT coefficients (name prefixes) that feed ν̄νμ̄μ at tree level through Z couplings or G_F
#: (seed 000 Eq. 4) and are dropped without running
FEEDERS = ("phil1_", "phil3_", "phie_", "ll_1221", "phiWB")
#: default low scale of the running [GeV], and the lowest one supported
DEFAULT_SCALE_GEV = 2.0
LOWEST_SCALE_GEV = 1.0
#: above this low scale of the running a warning: the process's scale is sqrt(k^2) <= 3 GeV
#: (the acceptance tables), and m_b (WET-5 above it) is the next threshold
PROCESS_SCALE_MAX_GEV = 5.0
M_Z_GEV = 91.1876
_M_B_GEV, _M_C_GEV = 4.18, 1.27


@dataclass(frozen=True)
class WCxfInput:
    """What was read: the model, the scale the coefficients refer to [energy], and bookkeeping
    for reports: the file's EFT, basis and scale, whether wilson ran it, what was used, what was
    ignored, which SMEFT feeders were dropped (no running)."""

    model: EFTModel
    scale: float
    basis: str
    used: dict
    ignored: list = field(default_factory=list)
    note: str = ""
    eft: str = "SMEFT"
    file_scale: float | None = None
    running: bool = False
    dropped: list = field(default_factory=list)
    warnings: list = field(default_factory=list)

    def to_dict(self):
        return {"eft": self.eft, "basis": self.basis,
                "file_scale_GeV": (self.file_scale or self.scale) / GeV,
                "scale_GeV": self.scale / GeV, "running_applied": self.running,
                "used_GeV-2": {k: (v.real if not v.imag else [v.real, v.imag])
                               for k, v in self.used.items()},
                "ignored": self.ignored, "dropped_feeders": self.dropped, "note": self.note,
                "warnings": list(self.warnings)}


#: the keys of a WCxf coefficient file (Aebischer et al., CPC 232 (2018) 71, Sec. 3)
_WCXF_KEYS = ("eft", "basis", "scale", "values")
#: optional keys (free-form metadata)
_WCXF_OPTIONAL = ("metadata",)
#: the largest WCxf file read [bytes] and the most coefficients: the largest basis mucast reads
#: (WET JMS) has 2257 names, a file with all of them complex ({Re: ..., Im: ...}) is ~0.2 MB;
#: a 45 MB file ran for > 300 s at 1.3 GB (issue 17), so larger ones are refused before parsing
MAX_WCXF_BYTES = 2_000_000
MAX_WCXF_VALUES = 10_000


def _one_line(exc) -> str:
    return " ".join(str(exc).split())


def _strict_yaml_loader():
    """yaml.SafeLoader that refuses a key given twice in one mapping (YAML and JSON would keep
    the last value silently; TOML refuses it too)."""
    import yaml

    class StrictSafeLoader(yaml.SafeLoader):
        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=deep)
                    try:
                        first = seen.get(key)
                    except TypeError:           # unhashable: SafeLoader says so itself
                        continue
                    if first is not None:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {key!r} (first given on line {first + 1})",
                            key_node.start_mark)
                    seen[key] = key_node.start_mark.line
            return super().construct_mapping(node, deep)

    return StrictSafeLoader


def _number(v):
    """A finite float from a YAML/JSON scalar, else None. Strings that read as numbers are
    accepted: YAML 1.1 (PyYAML) reads ``1e-3`` as a string, and the wcxf package converts it."""
    if isinstance(v, bool):
        return None
    if isinstance(v, str):
        try:
            v = float(v.strip())
        except ValueError:
            return None
    if not isinstance(v, (int, float)):
        return None
    try:
        x = float(v)
    except OverflowError:           # an integer beyond the range of a double
        return None
    return x if math.isfinite(x) else None


def _check_values(p: Path, values: dict) -> None:
    """Every coefficient is named by a string and is a finite number or {Re: x, Im: y}."""
    if len(values) > MAX_WCXF_VALUES:
        raise DataFileError(f"{p}: {len(values)} coefficients; mucast reads WCxf files with up to"
                            f" {MAX_WCXF_VALUES} (the largest basis it reads has 2257)")
    for name, v in values.items():
        if not isinstance(name, str):
            raise DataFileError(f"{p}: coefficient names must be strings, got {name!r}")
        if isinstance(v, dict):
            bad = [k for k in v if k not in ("Re", "Im")]
            if bad or not v or any(_number(x) is None for x in v.values()):
                raise DataFileError(f"{p}: {name} must be a finite number or {{Re: x, Im: y}} with"
                                    f" finite numbers, got {v!r}"[:300])
        elif _number(v) is None:
            raise DataFileError(f"{p}: {name} must be a finite number (GeV^-2) or {{Re: x, Im: y}},"
                                f" got {v!r}"[:300])


def _load_document(p: Path) -> dict:
    """The file's YAML/JSON document as a dict, or DataFileError with one line: the file, the
    line (for a syntax error or a duplicate key) and what is wrong. Refused before any physics:
    files above :data:`MAX_WCXF_BYTES`, nesting too deep to parse, duplicate keys, unknown
    top-level keys, a scale that is not a finite number > 0, coefficients that are not finite
    numbers."""
    import yaml

    from mucast._io import read_text
    text = read_text(p, MAX_WCXF_BYTES, "WCxf file")
    try:
        doc = yaml.load(text, Loader=_strict_yaml_loader())  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1} column {mark.column + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or _one_line(exc)
        raise DataFileError(f"{p}{where}: YAML/JSON syntax error: {what}") from None
    except RecursionError:
        raise DataFileError(f"{p}: nested too deeply to parse (a WCxf file nests 2 deep)") from None
    if doc is None:
        raise DataFileError(f"{p}: the file is empty (a WCxf file needs {', '.join(_WCXF_KEYS)})")
    if not isinstance(doc, dict):
        raise DataFileError(f"{p}: a WCxf file is a mapping with the keys {', '.join(_WCXF_KEYS)};"
                            f" this one is a {type(doc).__name__}")
    missing = [k for k in _WCXF_KEYS if k not in doc]
    if missing:
        raise DataFileError(f"{p}: missing WCxf key(s) {', '.join(missing)} (required:"
                            f" {', '.join(_WCXF_KEYS)})")
    from mucast._schema import check_keys
    check_keys(doc, _WCXF_KEYS + _WCXF_OPTIONAL, str(p))
    for key in ("eft", "basis"):
        if not isinstance(doc[key], str):
            raise DataFileError(f"{p}: '{key}' must be a name (a string), got {doc[key]!r}"[:300])
    scale = _number(doc["scale"])
    if scale is None or not scale > 0:
        raise DataFileError(f"{p}: scale must be a finite number > 0 (GeV), got"
                            f" {doc['scale']!r}"[:300])
    if not isinstance(doc["values"], dict):
        raise DataFileError(f"{p}: 'values' must be a mapping name: value, got"
                            f" {type(doc['values']).__name__}")
    _check_values(p, doc["values"])
    return doc


def _wcxf_module():
    try:
        # wcxf imports wilson/pandas; some of their import-time warnings crash the interpreter
        # when warnings are turned into errors (seen with -W error), so they are silenced here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import wcxf
    except ImportError:  # pragma: no cover
        raise DataFileError("reading WCxf files needs the 'wcxf' package (pip install wcxf)") from None
    return wcxf


def _wilson_module():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import wilson
    except ImportError:
        raise InputError("--run needs the 'wilson' package: pip install \"mucast[wilson]\"") from None
    return wilson


def _target_eft(scale_gev):
    if scale_gev >= _M_B_GEV:
        return "WET"
    if scale_gev >= _M_C_GEV:
        return "WET-4"
    return "WET-3"


def run_to_wet(values: dict, eft: str, basis: str, file_scale_gev: float, scale_gev: float):
    """Run and match with wilson: the JMS coefficients {name: complex} [GeV⁻²] at ``scale_gev``
    of a WCxf point (values in GeV⁻²) given at ``file_scale_gev`` in ``eft``/``basis``."""
    if not (scale_gev >= LOWEST_SCALE_GEV):
        raise InputError(f"the running supports scales down to {LOWEST_SCALE_GEV:g} GeV, got"
                         f" {scale_gev:g} GeV")
    wilson = _wilson_module()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            w = wilson.Wilson(dict(values), scale=file_scale_gev, eft=eft, basis=basis)
            out = w.match_run(scale=scale_gev, eft=_target_eft(scale_gev), basis="JMS").dict
        except Exception as exc:            # wilson raises many kinds
            raise InputError(f"wilson could not run this point to {scale_gev:g} GeV:"
                             f" {_one_line(exc)}") from None
    return {k: complex(out.get(k, 0.0)) for k in WET_READ}


def read_wcxf(path, run: bool = False, scale=DEFAULT_SCALE_GEV * GeV) -> WCxfInput:
    """Read a WCxf file (YAML or JSON) into an :class:`EFTModel` (module doc for what is
    accepted); ``run``: run and match with wilson to ``scale`` [energy]."""
    wcxf = _wcxf_module()
    p = Path(path)
    doc = _load_document(p)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wc = wcxf.WC(**doc)
    except Exception as exc:  # the wcxf constructor raises many kinds
        raise DataFileError(f"{p}: not a valid WCxf file: {_one_line(exc)}") from None
    eft = getattr(wc, "eft", None)
    if eft not in ACCEPTED:
        raise DataFileError(f"{p}: eft must be one of {', '.join(ACCEPTED)}, got {eft!r}")
    if wc.basis not in ACCEPTED[eft]:
        raise DataFileError(f"{p}: for eft {eft} the basis must be one of {ACCEPTED[eft]}, got"
                            f" {wc.basis!r}")
    file_scale = float(wc.scale)              # a finite number > 0 (_load_document)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wc.validate()
    except Exception as exc:
        raise DataFileError(f"{p}: {_one_line(exc)}") from None
    values = {k: complex(v) for k, v in wc.dict.items()}
    scale_gev = float(scale) / GeV
    notes, warns, dropped = [], [], []
    if run and not (LOWEST_SCALE_GEV <= scale_gev <= M_Z_GEV):
        # the low scale of the running is where WET describes the process (0.4 audit: 1e6 GeV
        # was run to without a word)
        raise InputError(f"the running's low scale must be in [{LOWEST_SCALE_GEV:g}, {M_Z_GEV:g}]"
                         f" GeV (WET, below M_Z), got {scale_gev:g} GeV; the process's scale is"
                         f" ~{DEFAULT_SCALE_GEV:g} GeV")
    if run and scale_gev > PROCESS_SCALE_MAX_GEV:
        warns.append(f"--scale {scale_gev:g} GeV is above the process's scale (sqrt(k^2) <= 3 GeV"
                     f" in the acceptance tables; default {DEFAULT_SCALE_GEV:g} GeV): the running"
                     f" from {scale_gev:g} GeV down to it is not applied")
    # the file's own scale, the same words with and without --run (0.4 audit)
    if eft == "WET" and file_scale > M_Z_GEV:
        warns.append(f"the file's scale {file_scale:g} GeV is above M_Z: WET (W, Z, t, h"
                     " integrated out) is not the EFT there; give SMEFT coefficients at that"
                     " scale" + (" (wilson ran WET from there as given)" if run else
                                 ", or WET ones below M_Z"))
    if eft == "WET" and file_scale < LOWEST_SCALE_GEV:
        warns.append(f"the file's scale {file_scale:g} GeV is below {LOWEST_SCALE_GEV:g} GeV, the"
                     " lowest scale mucast's running supports"
                     + (": wilson ran it up from there, outside the supported range"
                        if run else ": the coefficients are used as they are")
                     + " (the QED running of these operators is small: ~0.3% in the yield of"
                       " VnueLL_3322 between 0.5 and 2 GeV)")
    if eft == "SMEFT" and file_scale < M_Z_GEV and run:
        warns.append(f"the file's scale {file_scale:g} GeV is below M_Z: SMEFT is not the EFT"
                     " there, and wilson ran it up to M_Z as if it were; give WET (JMS)"
                     " coefficients")
    if run:
        wet = run_to_wet(values, eft, wc.basis, file_scale, scale_gev)
        used = {k: v for k, v in wet.items() if v != 0}
        ignored = []
        out_scale = scale_gev
        notes.append(f"run and matched with wilson from {file_scale:g} GeV ({eft}) to"
                     f" {scale_gev:g} GeV ({_target_eft(scale_gev)}, JMS)")
    elif eft == "WET":
        used = {k: v for k, v in values.items() if k in WET_READ and v != 0}
        ignored = sorted(k for k in values if k not in WET_READ)
        out_scale = file_scale
        notes.append(f"WET (JMS) coefficients taken at the scale of the file, {file_scale:g} GeV;"
                     " no running applied")
    else:
        used = {k: v for k, v in values.items() if k in SMEFT_TREE and v != 0}
        dropped = sorted(k for k in values if values[k] != 0 and k.startswith(FEEDERS))
        # a dropped feeder gets one message (the warning below), not also "not used"
        ignored = sorted(k for k in values if k not in SMEFT_TREE and k not in dropped)
        out_scale = file_scale
        notes.append(f"SMEFT coefficients mapped at tree level at the scale of the file,"
                     f" {file_scale:g} GeV; no running applied")
        if dropped:
            warns.append(f"{', '.join(dropped)} feed(s) nu-nu-mu-mu at tree level (through the Z"
                         " couplings or G_F) and are dropped without running: use --run (wilson)")
        if file_scale < M_Z_GEV:
            warns.append(f"the file's scale {file_scale:g} GeV is below M_Z: SMEFT is not the EFT"
                         " there; give WET (JMS) coefficients, or use --run")
    if not used:
        names = ", ".join(WET_READ if (run or eft == "WET") else SMEFT_TREE)
        raise DataFileError(f"{p}: none of {names} is non-zero{' after running' if run else ''};"
                            " nothing to compute")
    if ignored:
        notes.append(f"{len(ignored)} coefficient(s) not used by mucast")
    coeffs = {k: (v.real if v.imag == 0 else v) / GeV**2 for k, v in used.items()}
    return WCxfInput(EFTModel(coeffs), out_scale * GeV, wc.basis, used, ignored,
                     "; ".join(notes), eft, file_scale * GeV, bool(run), dropped, warns)
