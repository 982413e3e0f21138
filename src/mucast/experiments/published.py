"""Layer 1: numbers published by the seed papers, for comparison only (data/published/*.toml).

Nothing in mucast's physics reads these; they are compared with, in reports, tests and the
documented calibration of the acceptance levels (scripts/calibrate_derived.py,
scripts/calibrate_acceptance.py).
"""

from __future__ import annotations

from functools import lru_cache

from mucast._io import data_path, read_toml


@lru_cache(maxsize=None)
def seed000() -> dict:
    """Table I, Eqs. (23)-(24), scales and closing masses of seed 000 (arXiv:2511.11801)."""
    return read_toml(data_path("published/seed000.toml"))


@lru_cache(maxsize=None)
def seed001() -> dict:
    """Statements of seed 001 (PRL 132 (2024) 211803)."""
    return read_toml(data_path("published/seed001.toml"))


@lru_cache(maxsize=None)
def reinterpretations() -> dict:
    """Numbers of published reinterpretations of NA64μ data: arXiv:2501.06294 (abstract) and
    arXiv:2504.05873 (digitised points of its NA64μ region) — comparison only
    (mucast.outputs.reinterpretations)."""
    return read_toml(data_path("published/reinterpretations.toml"))
