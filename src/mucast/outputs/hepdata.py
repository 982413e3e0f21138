"""Layer 5: HEPData submission files (the YAML format read by hepdata.net and written by
hepdata_lib): a ``submission.yaml`` listing the tables, one YAML file per table with independent
and dependent variables, units and qualifiers (CL, data set, model).

Format reference: https://hepdata-submission.readthedocs.io (submission.yaml is a multi-document
YAML file: a first document with the record's comment, then one document per table).
"""

from __future__ import annotations

from typing import Any

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mucast._io import atomic_write_text, ensure_directory
from mucast.exceptions import DataFileError


@dataclass
class HEPDataTable:
    """One table: x values (independent) and one or more y columns (dependent)."""

    name: str
    description: str
    x_header: str              # e.g. "$m_{Z'}$"
    x_units: str               # e.g. "GeV"
    x: np.ndarray
    columns: list = field(default_factory=list)   # (header, units, values, qualifiers dict)
    keywords: dict = field(default_factory=dict)
    location: str = ""

    def add_column(self, header, units, values, **qualifiers):
        values = np.asarray(values, float)
        if values.shape != np.shape(self.x):
            raise DataFileError(f"HEPData column {header!r}: {values.shape} values for {np.shape(self.x)} x values")
        if not np.all(np.isfinite(values)):
            raise DataFileError(f"HEPData column {header!r} contains non-finite values")
        self.columns.append((header, units, values, qualifiers))

    def to_dict(self) -> dict:
        return {
            "independent_variables": [{
                "header": {"name": self.x_header, "units": self.x_units},
                "values": [{"value": _num(v)} for v in self.x]}],
            "dependent_variables": [{
                "header": {"name": h, "units": u},
                "qualifiers": [{"name": k, "value": str(v)} for k, v in q.items()],
                "values": [{"value": _num(v)} for v in vals]} for h, u, vals, q in self.columns],
        }

    @property
    def file_name(self) -> str:
        return "".join(c if c.isalnum() else "_" for c in self.name).strip("_").lower() + ".yaml"


def _num(v):
    return float(f"{float(v):.6g}")


def write_submission(directory, tables: list[HEPDataTable], comment: str) -> Path:
    """Write ``submission.yaml`` and one YAML per table into ``directory`` (atomically)."""
    import yaml

    from mucast import __version__

    d = ensure_directory(directory)
    # the first line is mucast's signature: a rerun recognises its own files and may replace
    # them (mucast._io.is_mucast_output); YAML readers skip it
    sig = f"# HEPData record written by mucast {__version__}\n"
    docs: list[dict[str, Any]] = [{"comment": comment}]
    for t in tables:
        atomic_write_text(d / t.file_name, sig + yaml.safe_dump(t.to_dict(), sort_keys=False))
        entry = {"name": t.name, "description": t.description, "data_file": t.file_name,
                 "keywords": [{"name": k, "values": list(v)} for k, v in t.keywords.items()]}
        if t.location:
            entry["location"] = t.location
        docs.append(entry)
    text = sig + yaml.safe_dump_all(docs, sort_keys=False, explicit_start=True)
    atomic_write_text(d / "submission.yaml", text)
    return d / "submission.yaml"
