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

#: the tables of an experiment file ([zprime] is the mediator table's name in mucast <= 0.2)
_TABLES = ("experiment", "target", "mediator", "zprime", "geometry", "provenance")
_REQUIRED = ("name", "beam_energy_GeV", "effective_thickness_cm", "mot", "acceptance")
_OPTIONAL = ("target", "description", "beam_particle", "observed", "background")
#: the [mediator] table (seed 001, Eq. (1)): every key is required; ranges as read
_MEDIATOR_NUMBERS = {"background": (0.0, 1e3), "background_uncertainty": (0.0, 1e3),
                     "signal_systematic": (0.0, 0.99), "mot_uncertainty": (0.0, 0.99),
                     "pileup_loss": (0.0, 0.99), "signal_x_min": (0.0, 0.999)}
_TRIGGER_KEYS = ("name", "mot", "efficiency")
#: the largest MOT accepted: 10^6 times the largest planned data set (future: 10^14); beyond it
#: N_MOT n_T L sigma overflows long before any physics question is asked (mot = 1e308 crashed)
MAX_MOT = 1e20
#: beam energies and effective thicknesses accepted (generous: a 10 TeV muon collider beam, a
#: kilometre of material)
MAX_BEAM_ENERGY_GEV = 1e5
MAX_THICKNESS_CM = 1e5
#: the trigger MOTs of [[mediator.trigger]] must add up to [experiment] mot to this relative
#: precision (MOTs are quoted to 3 digits: 11.7e9 + 8.1e9 = 1.98e10 for the 2022 run)
MOT_SUM_RTOL = 1e-3


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
        if not (math.isfinite(self.mot) and 0 < self.mot <= MAX_MOT):
            raise InputError(f"experiment {self.name}: mot (muons on target) must be in (0,"
                             f" {MAX_MOT:g}], got {self.mot}")
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
        """A copy with some fields changed, e.g. ``exp.replace(mot=1e12)``.

        ``mot`` is the one MOT of the data set: when it changes (and ``mediator`` is not given
        too) the trigger MOTs of the [mediator] selection are scaled with it, keeping their
        shares, so that EFT bounds and mediator limits see the same muons on target."""
        if "mot" in changes and "mediator" not in changes and self.mediator.get("trigger"):
            new = changes["mot"]
            if not isinstance(new, bool) and isinstance(new, numbers.Real) and \
                    math.isfinite(float(new)) and float(new) > 0:
                f = float(new) / self.mot
                trig = [{**t, "mot": t["mot"] * f} if isinstance(t, dict) and isinstance(
                    t.get("mot"), (int, float)) else t for t in self.mediator["trigger"]]
                changes["mediator"] = {**self.mediator, "trigger": trig}
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
    def from_dict(cls, d: dict, base_dir=None, provenance="", source: str = "experiment file"
                  ) -> "Experiment":
        """An experiment from a TOML-like dict (schema: data/experiments/2022.toml). Strict:
        unknown tables and keys are refused with the nearest known key, wrong types are refused
        (never coerced), numbers must be finite and in range, and the trigger MOTs of
        [[mediator.trigger]] must add up to [experiment] mot (one MOT: EFT bounds use ``mot``,
        mediator limits the triggers). DataFileError names ``source`` and the key."""
        from mucast import _schema as S
        S.check_keys(d, _TABLES, source, required=("experiment",), what="table")
        e = d["experiment"]
        where = f"{source} [experiment]"
        S.check_keys(e, _REQUIRED + _OPTIONAL, where, required=_REQUIRED)
        name = S.string(e, "name", where)
        energy = S.number(e, "beam_energy_GeV", where, 0.0, MAX_BEAM_ENERGY_GEV, lo_open=True,
                          unit="GeV")
        thickness = S.number(e, "effective_thickness_cm", where, 0.0, MAX_THICKNESS_CM,
                             lo_open=True, unit="cm")
        mot = S.number(e, "mot", where, 0.0, MAX_MOT, lo_open=True)
        # the ranges of mucast.inference.stats (MAX_N_OBSERVED, MAX_BACKGROUND; a higher layer)
        observed = S.integer(e, "observed", where, 0, 1000, default=0)
        background = S.number(e, "background", where, 0.0, 1e3, default=0.0)
        beam = S.string(e, "beam_particle", where, default="mu-")
        description = S.string(e, "description", where, default="")
        acc_ref = S.string(e, "acceptance", where)
        target = S.string(e, "target", where)
        prov = S.table(d, "provenance", source, default={})
        S.check_keys(prov, ("source", "notes"), f"{source} [provenance]")
        for key in prov:
            S.string(prov, key, f"{source} [provenance]")
        if "target" in d and target is not None:
            raise DataFileError(f"{source}: give the target either as [experiment] target = NAME"
                                " or as a [target] table, not both")
        if "target" in d:
            tgt = Target.from_dict({"target": S.table(d, "target", source)},
                                   provenance="inline in experiment file", source=source)
        elif target is not None:
            if base_dir is not None and (Path(base_dir) / target).is_file():
                tgt = Target.from_file(Path(base_dir) / target)
            else:
                tgt = Target.from_name(target)
        else:
            raise DataFileError(f"{source}: the experiment needs a target: [experiment] target ="
                                " 'Pb' or a [target] table (name, Z, A, density_g_cm3)")
        mediator = _mediator_table(d, source, mot)
        geometry = (Geometry.from_dict(S.table(d, "geometry", source), where=f"{source} [geometry]")
                    if "geometry" in d else None)
        acceptance = load_table(acc_ref, base=base_dir, columns=("k_GeV", "kappa"))
        try:
            return cls(
                name=name,
                beam_energy=energy * GeV,
                target=tgt,
                thickness=thickness * cm,
                mot=mot,
                acceptance=acceptance,
                observed=observed,
                background=background,
                beam_particle=beam,
                description=description,
                mediator=mediator,
                geometry=geometry,
                provenance=provenance or str(prov.get("source", "")),
                base_dir=str(base_dir) if base_dir else None,
            )
        except InputError as exc:
            raise DataFileError(f"{source}: {exc}") from None

    @classmethod
    def from_file(cls, path) -> "Experiment":
        """Load a user's experiment TOML (schema: see data/experiments/2022.toml)."""
        path = Path(path)
        return cls.from_dict(read_toml(path), base_dir=path.parent, source=str(path))

    @classmethod
    def from_name(cls, name) -> "Experiment":
        """Load a shipped data set: ``2022``, ``2023-24`` or ``future``."""
        if isinstance(name, Experiment):
            return name
        known = available_datasets()
        if not isinstance(name, str) or name not in known:
            from mucast._schema import nearest
            near = nearest(name, known) if isinstance(name, str) else None
            raise UnknownNameError(f"unknown data set {name!r}"
                                   f"{f' (did you mean {near!r}?)' if near else ''}; known:"
                                   f" {', '.join(known)}")
        return cls.from_dict(read_toml(data_path(f"experiments/{name}.toml")),
                             source=f"experiments/{name}.toml")


def _mediator_table(d: dict, source: str, mot: float) -> dict:
    """The [mediator] table (or [zprime], its mucast <= 0.2 name) checked: keys, types, ranges,
    and the trigger MOTs adding up to ``mot``. The efficiency tables are read when a mediator
    computation asks for them (mucast.experiments.selection)."""
    from mucast import _schema as S
    if "mediator" in d and "zprime" in d:
        raise DataFileError(f"{source}: give the mediator selection as [mediator] (or, as in"
                            " mucast <= 0.2, [zprime]), not both")
    key = "mediator" if "mediator" in d else "zprime"
    z = S.table(d, key, source)
    if z is None:
        return {}
    where = f"{source} [{key}]"
    S.check_keys(z, tuple(_MEDIATOR_NUMBERS) + ("trigger",), where,
                 required=tuple(_MEDIATOR_NUMBERS) + ("trigger",))
    for k, (lo, hi) in _MEDIATOR_NUMBERS.items():
        S.number(z, k, where, lo, hi)
    trig = z["trigger"]
    if not isinstance(trig, list) or not trig or not all(isinstance(t, dict) for t in trig):
        raise DataFileError(f"{where}: trigger must be one or more [[{key}.trigger]] tables"
                            " (name, mot, efficiency)")
    total = 0.0
    for i, t in enumerate(trig, start=1):
        tw = f"{source} [[{key}.trigger]] #{i}"
        S.check_keys(t, _TRIGGER_KEYS, tw, required=("mot", "efficiency"))
        S.string(t, "name", tw)
        total += S.number(t, "mot", tw, 0.0, MAX_MOT, lo_open=True)
        S.string(t, "efficiency", tw)
    if not abs(total - mot) <= MOT_SUM_RTOL * mot:
        raise DataFileError(
            f"{source}: the trigger MOTs of [[{key}.trigger]] add up to {total:.6g}, but"
            f" [experiment] mot = {mot:.6g}; they must agree (to {MOT_SUM_RTOL:.1%}): EFT bounds"
            " use mot, mediator limits the trigger MOTs")
    return dict(z)


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
