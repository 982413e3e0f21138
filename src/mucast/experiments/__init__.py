"""Layer 1: experiments (data sets), loaded from ``data/experiments/*.toml`` or a user's file.

An :class:`Experiment` is everything a yield needs that is not physics: beam energy, target and
its effective thickness, muons on target, observed events and background, and the acceptance
table κ(k). A user describes another set-up by copying a shipped file and editing it:
``Experiment.from_file("my_setup.toml")``.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass, field
from pathlib import Path

from mucast._io import data_path, read_toml
from mucast.experiments.acceptance import AcceptanceTable, load_table
from mucast.experiments.geometry import Geometry
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.experiments.targets import Target
from mucast.units import GeV, cm

_BEAMS = ("mu-", "mu+")

_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "name": str,
    "beam_energy_GeV": (int, float),
    "effective_thickness_cm": (int, float),
    "mot": (int, float),
}
_OPTIONAL: dict[str, type | tuple[type, ...]] = {
    "target": str,              # a shipped material (Pb, W, ...) or a target TOML file;
                                # alternatively a top-level [target] table (Z, A, density_g_cm3)
    "description": str,
    "beam_particle": str,
    "observed": int,
    "background": (int, float),
    "acceptance": str,
}


@dataclass(frozen=True)
class Experiment:
    """A data set.

    Attributes
    ----------
    name : str
    beam_energy : float       [energy, hepunits]
    target : Target
    thickness : float         effective target thickness [length, hepunits]
    mot : float               muons on target
    acceptance : AcceptanceTable   κ(k) for pair production (seed 000, Fig. 4 / Eq. 22)
    observed : int            observed events in the signal region
    background : float        expected background events
    beam_particle : str       "mu-" or "mu+"
    mediator : dict           the selection of bremsstrahlung-produced invisible systems (any
                              mediator model; seed 001's Z′ analysis): trigger configurations with
                              ε(m) tables, x_min, pile-up, systematics (TOML table [mediator];
                              [zprime] is read too, its name in mucast ≤ 0.2)
    geometry : Geometry | None   the set-up along the beam (TOML table [geometry]): where X is
                              produced and which decays are seen (decays in flight, issue 18)
    """

    name: str
    beam_energy: float
    target: Target
    thickness: float
    mot: float
    acceptance: AcceptanceTable
    observed: int = 0
    background: float = 0.0
    beam_particle: str = "mu-"
    description: str = ""
    mediator: dict = field(default_factory=dict, compare=False, repr=False)
    geometry: Geometry | None = field(default=None, compare=False, repr=False)
    provenance: str = field(default="", compare=False, repr=False)
    base_dir: str | None = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        # issue 6: non-numeric values (e.g. replace(mot="1e10")) gave a bare TypeError
        for key in ("mot", "beam_energy", "thickness", "background"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise InputError(f"experiment {self.name}: {key} must be a number, got {v!r}")
        if not (math.isfinite(self.mot) and self.mot > 0):
            raise InputError(f"experiment {self.name}: mot (muons on target) must be > 0, got {self.mot}")
        if not (math.isfinite(self.beam_energy) and self.beam_energy > 0):
            raise InputError(f"experiment {self.name}: beam energy must be > 0, got {self.beam_energy}")
        if not (math.isfinite(self.thickness) and self.thickness > 0):
            raise InputError(f"experiment {self.name}: effective thickness must be > 0, got {self.thickness}")
        if isinstance(self.observed, bool) or not isinstance(self.observed, int) or self.observed < 0:
            raise InputError(f"experiment {self.name}: observed must be an integer >= 0, got {self.observed!r}")
        if not (math.isfinite(self.background) and self.background >= 0):
            raise InputError(f"experiment {self.name}: background must be >= 0, got {self.background}")
        if self.beam_particle not in _BEAMS:
            raise InputError(f"experiment {self.name}: beam_particle must be one of {_BEAMS}, got {self.beam_particle!r}")

    def replace(self, **changes) -> "Experiment":
        """A copy with some fields changed, e.g. ``exp.replace(mot=1e12)``."""
        return dataclasses.replace(self, **changes)

    def luminosity_factor(self, nucleus_mass=None) -> float:
        """N_MOT · n_T · L_eff [1/area, hepunits] (seed 000, Eq. 22)."""
        return self.mot * self.target.nuclei_per_volume(nucleus_mass) * self.thickness

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "beam_particle": self.beam_particle,
            "beam_energy_GeV": self.beam_energy / GeV,
            "target": self.target.name,
            "effective_thickness_cm": self.thickness / cm,
            "mot": self.mot,
            "observed": self.observed,
            "background": self.background,
            "acceptance": self.acceptance.source,
        }

    # -- constructors --------------------------------------------------------------------
    @classmethod
    def from_dict(cls, d: dict, base_dir=None, provenance="") -> "Experiment":
        if "experiment" not in d:
            raise DataFileError("experiment file lacks the [experiment] table")
        e = d["experiment"]
        unknown = set(e) - set(_REQUIRED) - set(_OPTIONAL)
        if unknown:
            raise DataFileError(f"unknown key(s) in [experiment]: {', '.join(sorted(unknown))}; "
                                f"allowed: {', '.join(list(_REQUIRED) + list(_OPTIONAL))}")
        for key in _REQUIRED:
            if key not in e:
                raise DataFileError(f"[experiment] lacks the required key {key!r}")
        for key, typ in {**_REQUIRED, **_OPTIONAL}.items():
            if key in e and (not isinstance(e[key], typ) or isinstance(e[key], bool)):
                raise DataFileError(f"[experiment] {key} has the wrong type ({type(e[key]).__name__})")
        if "target" in d and "target" in e:
            raise DataFileError("give the target either as [experiment] target = NAME or as a"
                                " [target] table, not both")
        if "target" in d:
            if not isinstance(d["target"], dict):
                raise DataFileError("[target] must be a table with name, Z, A, density_g_cm3")
            tgt = Target.from_dict({"target": d["target"]}, provenance="inline in experiment file")
        elif "target" in e:
            target = e["target"]
            if base_dir is not None and (Path(base_dir) / target).is_file():
                tgt = Target.from_file(Path(base_dir) / target)
            else:
                tgt = Target.from_name(target)
        else:
            raise DataFileError("the experiment needs a target: [experiment] target = 'Pb' or a"
                                " [target] table (name, Z, A, density_g_cm3)")
        acc_ref = e.get("acceptance")
        if acc_ref is None:
            raise DataFileError("[experiment] lacks the key 'acceptance' (a k_GeV,kappa CSV table)")
        acceptance = load_table(acc_ref, base=base_dir, columns=("k_GeV", "kappa"))
        try:
            return cls(
                name=e["name"],
                beam_energy=float(e["beam_energy_GeV"]) * GeV,
                target=tgt,
                thickness=float(e["effective_thickness_cm"]) * cm,
                mot=float(e["mot"]),
                acceptance=acceptance,
                observed=e.get("observed", 0),
                background=float(e.get("background", 0.0)),
                beam_particle=e.get("beam_particle", "mu-"),
                description=e.get("description", ""),
                mediator=_mediator_table(d),
                geometry=Geometry.from_dict(d["geometry"]) if "geometry" in d else None,
                provenance=provenance or str(d.get("provenance", {}).get("source", "")),
                base_dir=str(base_dir) if base_dir else None,
            )
        except InputError as exc:
            raise DataFileError(str(exc)) from None

    @classmethod
    def from_file(cls, path) -> "Experiment":
        """Load a user's experiment TOML (schema: see data/experiments/2022.toml)."""
        path = Path(path)
        return cls.from_dict(read_toml(path), base_dir=path.parent)

    @classmethod
    def from_name(cls, name) -> "Experiment":
        """Load a shipped data set: ``2022``, ``2023-24`` or ``future``."""
        if isinstance(name, Experiment):
            return name
        p = data_path(f"experiments/{name}.toml")
        if not isinstance(name, str) or not p.is_file():
            raise UnknownNameError(f"unknown data set {name!r}; known: {', '.join(available_datasets())}")
        return cls.from_dict(read_toml(p))


def _mediator_table(d: dict) -> dict:
    if "mediator" in d and "zprime" in d:
        raise DataFileError("give the mediator selection as [mediator] (or, as in mucast <= 0.2,"
                            " [zprime]), not both")
    return dict(d.get("mediator", d.get("zprime", {})))


DATASETS = ("2022", "2023-24", "future")


def available_datasets() -> list[str]:
    """Names of the shipped data sets (2022, 2023-24, future first)."""
    names = sorted(p.name[:-5] for p in data_path("experiments").iterdir() if p.name.endswith(".toml"))
    return [n for n in DATASETS if n in names] + [n for n in names if n not in DATASETS]


#: the table sets shipped for the data sets (file-name prefix in data/acceptance/, description)
TABLE_SETS = {
    "shipped": ("", "the default: EFT kappa(k) = detector-model shape x one calibrated level per"
                    " data set (scripts/calibrate_derived.py); Z' efficiency = the 'approx' model"
                    " (the detector model contradicts the published 2022 limit,"
                    " docs/detector_model.md)"),
    "derived": ("derived_", "detector-model tables at the model's own level (eps_cal from"
                            " seed 001's 12% peak; python -m mucast.events.acceptance_model)"),
    "approx": ("approx_", "mucast 0.1 approximations: flat kappa (scripts/calibrate_acceptance.py)"
                          " and the p_out-step Z' efficiency calibrated on the published limit"
                          " (scripts/make_zprime_efficiencies.py)"),
}


def table_file_names(prefix: str, name: str, n_triggers: int) -> tuple[str, list[str]]:
    """File names of one table set for a data set: the κ table and one Z′ table per trigger
    configuration (``<prefix>zprime_<name>_t1.csv``/``_t2.csv`` for the two 2022 configurations,
    ``<prefix>zprime_<name>.csv`` for a single one)."""
    z = ([f"{prefix}zprime_{name}_{t}.csv" for t in ("t1", "t2")] if n_triggers == 2
         else [f"{prefix}zprime_{name}.csv"] * n_triggers)
    return f"{prefix}{name}.csv", z


def with_tables(dataset, table_set: str = "shipped", table_dir=None) -> Experiment:
    """The data set with one of the shipped table sets (:data:`TABLE_SETS`) for κ(k) and for the
    Z′ efficiency of every trigger configuration.

    ``table_dir``: a directory holding the tables (``<prefix><name>.csv``,
    ``<prefix>zprime_<name>[_t1|_t2].csv``) instead of the package's data/acceptance.
    Raises UnknownNameError for an unknown set, DataFileError if a table is missing (e.g. for a
    user-defined experiment, which carries its own tables).
    """
    if table_set not in TABLE_SETS:
        raise UnknownNameError(f"unknown acceptance table set {table_set!r}; known: "
                               f"{', '.join(TABLE_SETS)}")
    exp = get(dataset)
    if table_set == "shipped" and table_dir is None:
        return exp
    prefix = TABLE_SETS[table_set][0]

    def ref(name):
        if table_dir is not None:
            p = Path(table_dir) / name
            if not p.is_file():
                raise DataFileError(f"no table {p} for data set {exp.name!r}")
            return str(p.resolve())
        if not data_path(f"acceptance/{name}").is_file():
            raise DataFileError(f"no {table_set} table acceptance/{name} for data set {exp.name!r}")
        return f"acceptance/{name}"

    trig = exp.mediator.get("trigger", [])
    kappa_name, names = table_file_names(prefix, exp.name, len(trig))
    acc = load_table(ref(kappa_name), columns=("k_GeV", "kappa"))
    new_trig = [{**t, "efficiency": ref(n)} for t, n in zip(trig, names, strict=True)]
    label = exp.name if table_set == "shipped" else f"{exp.name} ({table_set} acceptance)"
    return exp.replace(acceptance=acc, mediator={**exp.mediator, "trigger": new_trig}, name=label)


def get(dataset) -> Experiment:
    """An :class:`Experiment` from a name, a path to a TOML file, or an Experiment."""
    if isinstance(dataset, Experiment):
        return dataset
    if isinstance(dataset, (str, Path)) and str(dataset).endswith(".toml"):
        return Experiment.from_file(dataset)
    return Experiment.from_name(dataset)
