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
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mucast._io import data_path, read_text
from mucast.exceptions import DataFileError
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
        if len(header) != 2 or not header[0].endswith("_GeV"):
            raise DataFileError(
                f"{source}: header must name two columns, the first in GeV (e.g. 'k_GeV,kappa'),"
                f" got {rows[0]!r}")
        if columns is not None and header != tuple(columns):
            raise DataFileError(f"{source}: expected columns {','.join(columns)}, got {','.join(header)}")
        xs, vs = [], []
        for i, r in enumerate(rows[1:], start=2):
            parts = [p.strip() for p in r.split(",")]
            if len(parts) != 2:
                raise DataFileError(f"{source}: data row {i} has {len(parts)} columns, expected 2: {r!r}")
            try:
                xv, vv = float(parts[0]), float(parts[1])
            except ValueError:
                raise DataFileError(f"{source}: non-numeric value in data row {i}: {r!r}") from None
            if not (math.isfinite(xv) and math.isfinite(vv)):
                raise DataFileError(f"{source}: non-finite value in data row {i}: {r!r}")
            if xv < 0:
                raise DataFileError(f"{source}: negative {header[0]} in data row {i}: {xv}")
            if not (0.0 <= vv <= 1.0):
                raise DataFileError(f"{source}: {header[1]} = {vv} in data row {i} is outside [0, 1]")
            xs.append(xv)
            vs.append(vv)
        x = np.array(xs)
        if np.any(np.diff(x) <= 0):
            raise DataFileError(f"{source}: column {header[0]} must be strictly increasing")
        return cls(x * GeV, np.array(vs), header, "\n".join(comments), source)

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
