"""Layer 1: target materials, loaded from ``data/targets/*.toml``.

A :class:`Target` carries Z, A and the density with units applied once, and derives the
form-factor scales t_a, t_d (:mod:`mucast.processes.flux`) and the number density of nuclei.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mucast._io import data_path, read_toml
from mucast.constants import AMU, M_E, N_AVOGADRO
from mucast.exceptions import DataFileError, UnknownNameError
from mucast.units import GeV, cm3, g


#: Thomas–Fermi screening radius coefficient: a = 111 Z^(-1/3) / m_e (Kim & Tsai 1973)
SCREENING_COEFFICIENT = 111.0
#: nuclear-size scale t_d = 0.164 GeV² A^(-2/3) (Kim & Tsai 1973; Bjorken et al. 2009)
NUCLEAR_SIZE_COEFFICIENT = 0.164 * GeV**2


def screening_scale(Z):
    """t_a = 1/a² with a = 111 Z^(-1/3)/m_e [energy²]. For Pb, sqrt(t_a) ≈ 2.0e-5 GeV."""
    a = SCREENING_COEFFICIENT * np.power(Z, -1.0 / 3.0) / M_E
    return 1.0 / a**2


def nuclear_size_scale(A):
    """t_d = 0.164 GeV² A^(-2/3) [energy²]. For Pb, sqrt(t_d) ≈ 6.9e-2 GeV."""
    return NUCLEAR_SIZE_COEFFICIENT * np.power(A, -2.0 / 3.0)


#: the keys of a [target] table and of a [provenance] table (experiment, target and model files)
_TARGET_KEYS = ("name", "Z", "A", "density_g_cm3")
_PROVENANCE_KEYS = ("source", "notes")
#: the densest element (osmium) is 22.6 g/cm^3: 100 is generous and keeps N_MOT n_T L finite
MAX_DENSITY_G_CM3 = 100.0


@dataclass(frozen=True)
class Target:
    """A target material.

    Attributes
    ----------
    name : str
    Z : int            atomic number
    A : float          atomic weight [g/mol]
    density : float    mass density (hepunits; ``11.35 * g / cm3``)
    provenance : str
    """

    name: str
    Z: int
    A: float
    density: float
    provenance: str = field(default="", compare=False)

    def __post_init__(self):
        # issue 6: bool Z (True == 1) was accepted, A < Z too, and a non-numeric density gave a
        # bare TypeError
        if isinstance(self.Z, bool) or not (isinstance(self.Z, int) and 1 <= self.Z <= 118):
            raise DataFileError(f"target {self.name}: Z must be an integer in [1, 118], got {self.Z!r}")
        if isinstance(self.A, bool) or not (isinstance(self.A, (int, float)) and math.isfinite(self.A)
                                            and self.A >= 1):
            raise DataFileError(f"target {self.name}: A must be a number >= 1, got {self.A!r}")
        if self.A < self.Z:
            raise DataFileError(f"target {self.name}: A = {self.A} g/mol is below Z = {self.Z}"
                                " (no nucleus has fewer nucleons than protons)")
        if isinstance(self.density, bool) or not isinstance(self.density, (int, float)) or not (
                math.isfinite(self.density) and self.density > 0):
            raise DataFileError(f"target {self.name}: density must be > 0, got {self.density!r}")

    # -- derived quantities -------------------------------------------------------------
    @property
    def t_a(self) -> float:
        """Screening scale t_a = (m_e Z^(1/3)/111)² [energy²]."""
        return float(screening_scale(self.Z))

    @property
    def t_d(self) -> float:
        """Nuclear-size scale t_d = 0.164 GeV² A^(-2/3) [energy²]."""
        return float(nuclear_size_scale(self.A))

    @property
    def atomic_mass(self) -> float:
        """Mass of one atom, A·u [energy]; for Pb 193.0 GeV (seed 000 uses 207 GeV)."""
        return self.A * AMU

    def nuclei_per_volume(self, nucleus_mass=None) -> float:
        """Number density of nuclei [1/volume, hepunits].

        Default: ρ N_A / A (physical). If ``nucleus_mass`` (an energy) is given, ρ/m is used
        instead, reproducing seed 000's ρ/m_Pb with m_Pb ≃ 207 GeV (Eq. 22).
        """
        if nucleus_mass is None:
            return self.density / (self.A * g) * N_AVOGADRO
        # ρ/m with m an energy: convert m to grams via the atomic mass unit (1 u = 1 g/N_A)
        mass_in_grams = nucleus_mass / AMU / N_AVOGADRO * g
        return self.density / mass_in_grams

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_dict(cls, d: dict, provenance: str = "", source: str = "target file") -> "Target":
        """A target from a TOML-like dict: a [target] table with name, Z (integer), A [g/mol]
        and density_g_cm3, and an optional [provenance] table (source, notes). Unknown keys and
        wrong types are refused (DataFileError naming ``source``, the key and the nearest known
        one), never coerced."""
        from mucast import _schema as S
        S.check_keys(d, ("target", "provenance"), source, required=("target",), what="table")
        t = d["target"]
        where = f"{source} [target]"
        S.check_keys(t, _TARGET_KEYS, where, required=_TARGET_KEYS)
        prov = S.table(d, "provenance", source, default={})
        S.check_keys(prov, _PROVENANCE_KEYS, f"{source} [provenance]")
        for key in prov:
            S.string(prov, key, f"{source} [provenance]")
        name = S.string(t, "name", where)
        return cls(
            name=name,
            Z=S.integer(t, "Z", where, 1, 118),
            A=S.number(t, "A", where, 1.0, 300.0, unit="g/mol"),
            density=S.number(t, "density_g_cm3", where, 0.0, MAX_DENSITY_G_CM3, lo_open=True,
                             unit="g/cm^3") * g / cm3,
            provenance=provenance or str(prov.get("source", "")),
        )

    @classmethod
    def from_file(cls, path) -> "Target":
        return cls.from_dict(read_toml(Path(path)), source=str(path))

    @classmethod
    def from_name(cls, name: str) -> "Target":
        """Load a shipped target (``Pb``, ``W``, ``Cu``, ``Fe``, ``C``)."""
        if isinstance(name, Target):
            return name
        known = available_targets()
        if name not in known:
            from mucast._schema import nearest
            near = nearest(name, known)
            raise UnknownNameError(f"unknown target {name!r}{f' (did you mean {near!r}?)' if near else ''};"
                                   f" known: {', '.join(known)}")
        return cls.from_dict(read_toml(data_path(f"targets/{name}.toml")),
                             source=f"targets/{name}.toml")


def available_targets() -> list[str]:
    """Names of the shipped target materials."""
    return sorted(p.name[:-5] for p in data_path("targets").iterdir() if p.name.endswith(".toml"))
