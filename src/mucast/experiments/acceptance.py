"""Layer 1: acceptance tables κ(k) (EFT, seed 000 Eq. 22) and efficiencies ε(m) (Z′, seed 001
Eq. 1), read from CSV files with a provenance header.

File format (UTF-8 text)::

    # provenance: where the numbers come from (required, at least one '#' line)
    # calibration: ... (optional)
    k_GeV,kappa            <- header naming the columns (x column in GeV, value column)
    0.0,0.12
    3.0,0.12

The x column must be strictly increasing, the value column in [0, 1]. Between rows the table is
linearly interpolated; outside the table's range the value is 0 (no acceptance where nothing
was simulated).

Efficiency tables ε(m) (:class:`EfficiencyTable`) may carry one value column per mediator spin,
because the trigger × selection efficiency depends on the x spectrum and muon angles of the
events, which differ between spins (docs/models.md §3)::

    # provenance: ...
    m_GeV,vector,axial,scalar,pseudoscalar
    0.001,0.0209,0.0263,0.0211,0.0263

or a single ``m_GeV,efficiency`` column, used for every spin (with a warning in the results).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mucast._io import data_path, read_text
from mucast.exceptions import DataFileError
from mucast.models.mediator import SPINS
from mucast.units import GeV


@dataclass(frozen=True)
class AcceptanceTable:
    """A piecewise-linear table value(x) with x an energy (hepunits), 0 outside its range.

    Attributes: ``x`` (energies, hepunits), ``value`` (in [0, 1]), ``columns`` (the header),
    ``provenance`` (header comment lines), ``source`` (file name).
    """

    x: np.ndarray
    value: np.ndarray
    columns: tuple = ("k_GeV", "kappa")
    provenance: str = ""
    source: str = field(default="", compare=False)

    def __call__(self, x):
        x = np.asarray(x, dtype=float)
        inside = (x >= self.x[0]) & (x <= self.x[-1])
        return np.where(inside, np.interp(x, self.x, self.value), 0.0)

    @property
    def x_max(self) -> float:
        return float(self.x[-1])

    @property
    def x_min(self) -> float:
        return float(self.x[0])

    @property
    def nodes(self) -> np.ndarray:
        """The abscissae (hepunits): the integrand has kinks only there."""
        return self.x

    def scaled(self, factor: float) -> "AcceptanceTable":
        # issue 6: values above 1 were clipped silently; now an error
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or not (
                math.isfinite(factor) and factor >= 0):
            raise DataFileError(f"acceptance scale factor must be finite and >= 0, got {factor!r}")
        if np.any(self.value * factor > 1.0):
            raise DataFileError(f"scaling by {factor} takes the acceptance above 1 "
                                f"(max {float(np.max(self.value)) * factor:.3g})")
        return AcceptanceTable(self.x, np.clip(self.value * factor, 0, 1), self.columns,
                               self.provenance + f"\n(scaled by {factor})", self.source)

    @classmethod
    def flat(cls, level: float, x_max: float, x_min: float = 0.0, provenance: str = "flat"):
        """A flat table of value ``level`` on [x_min, x_max] (energies, hepunits)."""
        if not (0 <= level <= 1):
            raise DataFileError(f"acceptance level must be in [0, 1], got {level}")
        if not (math.isfinite(x_min) and math.isfinite(x_max) and 0 <= x_min < x_max):  # issue 6
            raise DataFileError(f"flat acceptance needs 0 <= x_min < x_max, got [{x_min}, {x_max}]")
        return cls(np.array([x_min, x_max], float), np.array([level, level], float),
                   provenance=provenance)

    @classmethod
    def from_text(cls, text: str, source: str = "<string>", columns=None) -> "AcceptanceTable":
        comments, header, xs, vals = _parse_table(text, source, n_values=1 if columns is None else None)
        if columns is not None and header != tuple(columns):
            raise DataFileError(f"{source}: expected columns {','.join(columns)}, got {','.join(header)}")
        return cls(xs, vals[:, 0], header, "\n".join(comments), source)

    @classmethod
    def from_file(cls, path, columns=None) -> "AcceptanceTable":
        return cls.from_text(read_text(path), source=str(path), columns=columns)

    @classmethod
    def from_package(cls, relative: str, columns=None) -> "AcceptanceTable":
        p = data_path(relative)
        if not p.is_file():
            raise DataFileError(f"missing package data file {relative}")
        return cls.from_text(p.read_text(encoding="utf-8"), source=relative, columns=columns)

    def to_csv(self) -> str:
        lines = [f"# {c}" for c in self.provenance.splitlines()] or ["# (no provenance)"]
        lines.append(",".join(self.columns))
        lines += [f"{x / GeV:.6g},{v:.6g}" for x, v in zip(self.x, self.value, strict=True)]
        return "\n".join(lines) + "\n"


def _parse_table(text: str, source: str, n_values=None):
    """(comments, header, x [hepunits], values (rows × columns)) of a table file (module doc).

    ``n_values``: the number of value columns required (1 for κ(k) and single-column ε(m)
    tables); None accepts one or more, with distinct names."""
    comments, rows = [], []
    text = text.removeprefix("\ufeff")   # issue 6: a UTF-8 BOM (spreadsheet export) hid the header
    for line in text.splitlines():
        s = line.strip()
        if not s:
            continue
        if s.startswith("#"):
            comments.append(s.lstrip("#").strip())
        else:
            rows.append(s)
    if not comments:
        raise DataFileError(f"{source}: no provenance header ('# ...' lines) found")
    if len(rows) < 3:
        raise DataFileError(f"{source}: needs a header row and at least two data rows")
    header = tuple(c.strip() for c in rows[0].split(","))
    if n_values == 1 and (len(header) != 2 or not header[0].endswith("_GeV")):
        raise DataFileError(
            f"{source}: header must name two columns, the first in GeV (e.g. 'k_GeV,kappa'),"
            f" got {rows[0]!r}")
    if len(header) < 2 or not header[0].endswith("_GeV") or (
            n_values is not None and len(header) != n_values + 1):
        raise DataFileError(
            f"{source}: header must name the mass column in GeV and "
            f"{n_values if n_values is not None else 'one or more'} value column(s) (e.g."
            f" 'm_GeV,vector,axial,scalar,pseudoscalar'), got {rows[0]!r}")
    if len(set(header)) != len(header) or not all(header):
        raise DataFileError(f"{source}: column names must be distinct and non-empty, got {rows[0]!r}")
    ncol = len(header)
    xs, vs = [], []
    for i, r in enumerate(rows[1:], start=2):
        parts = [p.strip() for p in r.split(",")]
        if len(parts) != ncol:
            raise DataFileError(f"{source}: data row {i} has {len(parts)} columns, expected {ncol}: {r!r}")
        try:
            vals = [float(p) for p in parts]
        except ValueError:
            raise DataFileError(f"{source}: non-numeric value in data row {i}: {r!r}") from None
        if not all(math.isfinite(v) for v in vals):
            raise DataFileError(f"{source}: non-finite value in data row {i}: {r!r}")
        if vals[0] < 0:
            raise DataFileError(f"{source}: negative {header[0]} in data row {i}: {vals[0]}")
        for name, v in zip(header[1:], vals[1:], strict=True):
            if not (0.0 <= v <= 1.0):
                raise DataFileError(f"{source}: {name} = {v} in data row {i} is outside [0, 1]")
        xs.append(vals[0])
        vs.append(vals[1:])
    x = np.array(xs)
    if np.any(np.diff(x) <= 0):
        raise DataFileError(f"{source}: column {header[0]} must be strictly increasing")
    return comments, header, x * GeV, np.array(vs).reshape(len(x), ncol - 1)


def load_table(ref, base: Path | None = None, columns=None) -> AcceptanceTable:
    """Load a table given as a package-relative name (``acceptance/2022.csv``) or a path.

    Relative paths are looked up next to ``base`` (a user's experiment file) first.
    """
    if isinstance(ref, AcceptanceTable):
        return ref
    if base is not None:
        p = (Path(base) / ref)
        if p.is_file():
            return AcceptanceTable.from_file(p, columns=columns)
    p = Path(ref)
    if p.is_absolute() and p.is_file():
        return AcceptanceTable.from_file(p, columns=columns)
    return AcceptanceTable.from_package(str(ref), columns=columns)


#: the value columns an efficiency table may carry: one per mediator spin (each the trigger ×
#: selection efficiency averaged over that spin's own events), or one column for every spin
SPIN_COLUMNS = SPINS
SINGLE_COLUMN = "efficiency"


@dataclass(frozen=True)
class EfficiencyTable:
    """ε(m) of one trigger configuration (seed 001 Eq. 1), per mediator spin.

    The file is a table of the module's format whose header names the mass column and either
    one column per spin it was made for (any of ``vector, axial, scalar, pseudoscalar``: the
    efficiency averaged over that spin's own x spectrum and muon angles), or a single
    ``efficiency`` column, which is then used for every spin (it was made for one spin's events:
    :meth:`made_for` is False, and the yields carry a warning, mucast.experiments.selection).

    ``tables``: column name → :class:`AcceptanceTable` (same mass nodes); ``source``: file name.
    Calling the table, ``table(m, spin)``, gives ε for that spin (DataFileError for a spin the
    per-spin table has no column for).
    """

    tables: dict
    source: str = field(default="", compare=False)

    def __post_init__(self):
        names = tuple(self.tables)
        if not names:
            raise DataFileError(f"{self.source or 'efficiency table'}: no efficiency column")
        if names != (SINGLE_COLUMN,) and not set(names) <= set(SPIN_COLUMNS):
            bad = [n for n in names if n not in SPIN_COLUMNS]
            raise DataFileError(
                f"{self.source or 'efficiency table'}: efficiency columns must be one"
                f" '{SINGLE_COLUMN}' column (used for every spin) or one column per spin among"
                f" {', '.join(SPIN_COLUMNS)}; got {', '.join(bad or names)}")

    @property
    def single(self) -> bool:
        """True for a single ``efficiency`` column (not made per spin)."""
        return tuple(self.tables) == (SINGLE_COLUMN,)

    @property
    def spins(self) -> tuple:
        """The spins the table has its own column for (empty for a single column)."""
        return () if self.single else tuple(self.tables)

    def made_for(self, spin: str) -> bool:
        return spin in self.tables

    def for_spin(self, spin: str = "vector") -> AcceptanceTable:
        """The ε(m) table to use for a mediator of this spin."""
        if self.single:
            return self.tables[SINGLE_COLUMN]
        if spin not in self.tables:
            raise DataFileError(
                f"{self.source}: no efficiency column for spin {spin!r} (columns:"
                f" {', '.join(self.tables)}); add a '{spin}' column, or give one"
                f" '{SINGLE_COLUMN}' column to use for every spin")
        return self.tables[spin]

    def __call__(self, m, spin: str = "vector"):
        return self.for_spin(spin)(m)

    @property
    def x_min(self) -> float:
        return min(t.x_min for t in self.tables.values())

    @property
    def x_max(self) -> float:
        return max(t.x_max for t in self.tables.values())

    @property
    def nodes(self) -> np.ndarray:
        return np.unique(np.concatenate([t.nodes for t in self.tables.values()]))

    @property
    def provenance(self) -> str:
        return next(iter(self.tables.values())).provenance

    @property
    def assumed(self) -> tuple:
        """Mass ranges where the table is an ASSUMPTION, not a model or a measurement: its
        provenance lines ``assumed: LO-HI GeV: why`` → ((lo, hi [energy], why), ...); results at
        these masses carry a warning (mucast.experiments.selection)."""
        out = []
        for line in self.provenance.splitlines():
            m = re.match(r"\s*assumed:\s*([0-9.eE+-]+)\s*-\s*([0-9.eE+-]+)\s*GeV:\s*(.+)", line)
            if m:
                out.append((float(m.group(1)) * GeV, float(m.group(2)) * GeV, m.group(3).strip()))
        return tuple(out)

    def scaled(self, factor: float) -> "EfficiencyTable":
        return EfficiencyTable({k: t.scaled(factor) for k, t in self.tables.items()}, self.source)

    @classmethod
    def from_columns(cls, masses, columns: dict, provenance: str, source: str = "") -> "EfficiencyTable":
        """A table from mass nodes [energy] and ``{column name: values}``."""
        x = np.asarray(masses, float)
        return cls({k: AcceptanceTable(x, np.asarray(v, float), ("m_GeV", k), provenance, source)
                    for k, v in columns.items()}, source)

    @classmethod
    def from_acceptance_table(cls, table: AcceptanceTable) -> "EfficiencyTable":
        """One column: ``efficiency`` (every spin) or a spin's name, as in the table's header."""
        return cls({table.columns[1]: table}, table.source)

    @classmethod
    def from_text(cls, text: str, source: str = "<string>") -> "EfficiencyTable":
        comments, header, xs, vals = _parse_table(text, source)
        if header[0] != "m_GeV":
            raise DataFileError(f"{source}: the first column of an efficiency table must be m_GeV,"
                                f" got {header[0]!r}")
        prov = "\n".join(comments)
        return cls({name: AcceptanceTable(xs, vals[:, j], ("m_GeV", name), prov, source)
                    for j, name in enumerate(header[1:])}, source)

    @classmethod
    def from_file(cls, path) -> "EfficiencyTable":
        return cls.from_text(read_text(path), source=str(path))

    @classmethod
    def from_package(cls, relative: str) -> "EfficiencyTable":
        p = data_path(relative)
        if not p.is_file():
            raise DataFileError(f"missing package data file {relative}")
        return cls.from_text(p.read_text(encoding="utf-8"), source=relative)

    def to_csv(self) -> str:
        """The table as a CSV text of the module's format (one column per entry of ``tables``)."""
        first = next(iter(self.tables.values()))
        if any(not np.array_equal(t.x, first.x) for t in self.tables.values()):
            raise DataFileError(f"{self.source}: columns on different mass nodes cannot share a file")
        lines = [f"# {c}" for c in self.provenance.splitlines()] or ["# (no provenance)"]
        lines.append(",".join(("m_GeV",) + tuple(self.tables)))
        for i, x in enumerate(first.x):
            lines.append(",".join([f"{x / GeV:.6g}"] + [f"{t.value[i]:.6g}"
                                                         for t in self.tables.values()]))
        return "\n".join(lines) + "\n"


def load_efficiency(ref, base: Path | None = None) -> EfficiencyTable:
    """An :class:`EfficiencyTable` given as a package-relative name, a path (relative paths
    next to ``base`` first, as :func:`load_table`), an AcceptanceTable or an EfficiencyTable."""
    if isinstance(ref, EfficiencyTable):
        return ref
    if isinstance(ref, AcceptanceTable):
        return EfficiencyTable.from_acceptance_table(ref)
    if base is not None:
        p = (Path(base) / ref)
        if p.is_file():
            return EfficiencyTable.from_file(p)
    p = Path(ref)
    if p.is_absolute() and p.is_file():
        return EfficiencyTable.from_file(p)
    return EfficiencyTable.from_package(str(ref))
