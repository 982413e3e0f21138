"""Layer 1: what a mediator search needs from a data set — its ``[mediator]`` table (seed 001,
Eq. (1)): trigger configurations with their MOT and efficiency tables ε^t(m), the kinematic
signal region x ≥ x_min, the pile-up loss, the observed events, the background and the
systematic uncertainties. :func:`setup` reads it once per data set (cached by name).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from mucast import experiments as _exp
from mucast._io import data_path
from mucast.exceptions import DataFileError, UnknownNameError
from mucast.units import GeV

if TYPE_CHECKING:
    from mucast.experiments.geometry import Geometry
from mucast.experiments.acceptance import (SPIN_COLUMNS, AcceptanceTable, EfficiencyTable,
                                           load_efficiency)
from mucast.experiments.targets import Target

__all__ = ["SignalSetup", "Trigger", "setup"]


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    """One trigger configuration: its name, N_MOT and ε(m) — an :class:`EfficiencyTable` (one
    column per spin, or one column for every spin); an AcceptanceTable is taken as its one column."""

    name: str
    mot: float
    efficiency: object  # EfficiencyTable

    def __post_init__(self):
        if self.efficiency is not None and not isinstance(self.efficiency, EfficiencyTable):
            object.__setattr__(self, "efficiency", load_efficiency(self.efficiency))


@dataclass(frozen=True)
class SignalSetup:
    """What the yield needs from a data set: triggers (MOT, ε(m)), beam, target, statistics."""

    name: str
    energy: float
    target: Target
    nuclei_per_area: float
    triggers: tuple
    observed: int
    background: float
    background_uncertainty: float
    signal_systematic: float
    mot_uncertainty: float
    pileup_loss: float
    x_min: float
    #: the set-up along the beam (decays in flight); None where the file has no [geometry]
    geometry: Geometry | None = None

    @property
    def mot(self) -> float:
        return float(sum(t.mot for t in self.triggers))

    @property
    def mass_max(self) -> float:
        """The largest mass any efficiency table covers [energy]."""
        return max(t.efficiency.x_max for t in self.triggers)

    def mot_efficiency(self, masses, spin="vector"):
        """Σ_t N_MOT^t ε^t(m) for a mediator of this spin (vectorised over masses, energies in
        hepunits): each trigger's column for the spin, or its single column (then
        :meth:`efficiency_warnings` says so)."""
        m = np.asarray(masses, dtype=float)
        return sum(t.mot * t.efficiency(m, spin) for t in self.triggers)

    def efficiency_warnings(self, spin="vector", masses=None) -> tuple:
        """Warnings on the efficiency of a mediator of this spin at ``masses`` [energy]:

        * a trigger whose table has one ``efficiency`` column (not made per spin) is used for
          every spin; the size of the doubt is that of NA64μ, where each spin's own spectrum
          moves the limit by up to 22% (docs/models.md §3);
        * for NA64μ's shipped tables, the spin dependence ε_s/ε_vector of the two efficiency
          models (the p_out-step model, ``approx_zprime_*``, and the detector model,
          ``derived_zprime_*``) is compared at the masses; where they differ by more than
          :data:`SPIN_DOUBT` in the coupling (g ∝ ε^(−1/2)), the result says by how much.
        """
        single = sorted({t.efficiency.source or t.name for t in self.triggers
                         if t.efficiency.single})
        if single:
            return (f"efficiency table {', '.join(single)} has one 'efficiency' column, used for"
                    f" the {spin} as for every spin: an efficiency depends on the events' x"
                    " spectrum and angles, which differ between spins (at NA64mu each spin's own"
                    " spectrum moves the limits by up to 22%, docs/models.md §3); give one column"
                    f" per spin ({', '.join(SPIN_COLUMNS)}) or name the column after the spin it"
                    " was made for",)
        spread = self._spin_model_spread(spin, masses)
        return tuple(w for w in (self._assumed_range(spin, masses), spread) if w is not None)

    def _assumed_range(self, spin, masses):
        """The warning for masses where a trigger's table is an ASSUMPTION (its ``assumed:``
        provenance lines), with the size of the doubt where the other shipped model exists:
        the MOT-weighted ε of this spin in the two models, and the coupling (g ∝ ε^(−1/2))."""
        if masses is None:
            return None
        m = np.atleast_1d(np.asarray(masses, dtype=float))
        hit = np.zeros(m.shape, bool)
        why = {}
        for t in self.triggers:
            for lo, hi, text in t.efficiency.assumed:
                inside = (m > lo) & (m <= hi)
                if np.any(inside):
                    hit |= inside
                    why.setdefault(text, t.efficiency.source or t.name)
        if not np.any(hit):
            return None
        lo, hi = float(np.min(m[hit])) / GeV, float(np.max(m[hit])) / GeV
        where = f"m = {lo:.3g} GeV" if lo == hi else \
            f"{int(hit.sum())} of the {m.size} masses in {lo:.3g}-{hi:.3g} GeV"
        texts = "; ".join(f"{text} ({src})" for text, src in why.items())
        size = ""
        others = [_other_model(t.efficiency.source) for t in self.triggers]
        if others and all(o is not None for o in others):
            mh = m[hit]
            this = self._mot_weighted([t.efficiency for t in self.triggers], mh, spin)
            other = self._mot_weighted([o[2] for o in others], mh, spin)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = np.where(other > 0, this / other, np.inf)
            i = int(np.argmax(np.abs(np.log(np.where(np.isfinite(r) & (r > 0), r, 1.0)))))
            if np.isfinite(r[i]) and r[i] > 0:
                word = "smaller" if r[i] > 1 else "larger"
                k = max(r[i], 1 / r[i])
                size = (f"; the {others[0][1]} (--acceptance derived) gives an efficiency x{k:.2g}"
                        f" {word} at {mh[i] / GeV:.3g} GeV, a limit x{math.sqrt(k):.2g}"
                        f" {'weaker' if r[i] > 1 else 'stronger'} in the coupling")
        return (f"at {where} the signal efficiency rests on an assumption of its table: {texts}{size}"
                " (docs/models.md §3)")

    def _mot_weighted(self, tables, m, spin):
        """Σ_t MOT_t ε_t(m) for one table per trigger (this data set's or another model's)."""
        return sum(t.mot * e(m, spin) for t, e in zip(self.triggers, tables, strict=True))

    def _spin_model_spread(self, spin, masses):
        if spin == "vector" or masses is None:
            return None
        others = [_other_model(t.efficiency.source) for t in self.triggers]
        if not others or any(o is None for o in others):
            return None
        m = np.atleast_1d(np.asarray(masses, dtype=float))

        def ratio(tables):
            with np.errstate(divide="ignore", invalid="ignore"):
                return self._mot_weighted(tables, m, spin) / self._mot_weighted(tables, m,
                                                                                "vector")

        r_this = ratio([t.efficiency for t in self.triggers])
        r_other = ratio([o[2] for o in others])
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.maximum(np.sqrt(r_this / r_other), np.sqrt(r_other / r_this)) - 1.0
        bad = np.isfinite(d) & (d > SPIN_DOUBT)
        if not np.any(bad):
            return None
        i = int(np.argmax(np.where(bad, d, -1.0)))
        lo, hi = float(np.min(m[bad])) / GeV, float(np.max(m[bad])) / GeV
        where = f"m = {lo:.3g} GeV" if lo == hi else \
            f"{int(bad.sum())} of the {m.size} masses in {lo:.3g}-{hi:.3g} GeV"
        return (f"the spin dependence of NA64mu's signal efficiency is model-dependent at"
                f" {where}: eps_{spin}/eps_vector = {r_this[i]:.2f} in these tables"
                f" ({others[0][0]}) and {r_other[i]:.2f} in the {others[0][1]} at"
                f" {m[i] / GeV:.3g} GeV, so the {spin} limit is uncertain by up to"
                f" {100 * d[i]:.0f}% in the coupling there (docs/models.md §3)")

    def replace_mot(self, factor: float) -> "SignalSetup":
        """A copy with every trigger's MOT multiplied by ``factor`` (projections, tests)."""
        trig = tuple(Trigger(t.name, t.mot * factor, t.efficiency) for t in self.triggers)
        return SignalSetup(**{**self.__dict__, "triggers": trig})


#: the two shipped models of NA64μ's ε^t(m) (file-name prefix in data/acceptance/, name)
_MODELS = (("approx_zprime_", "p_out-step model"), ("derived_zprime_", "detector model"))
#: the largest spread of the two models' spin dependence, in the coupling, passed without a warning
SPIN_DOUBT = 0.10


@lru_cache(maxsize=32)
def _shipped_table(name: str) -> EfficiencyTable:
    return EfficiencyTable.from_package(name)


def _other_model(source):
    """(this model, other model, the other model's table) for a shipped NA64μ efficiency table
    (``acceptance/approx_zprime_*.csv`` or ``acceptance/derived_zprime_*.csv``), else None."""
    src = str(source)
    for (this, this_name), (other, other_name) in (_MODELS, _MODELS[::-1]):
        if src.startswith(f"acceptance/{this}"):
            name = f"acceptance/{other}" + src[len(f"acceptance/{this}"):]
            if data_path(name).is_file():
                return this_name, other_name, _shipped_table(name)
    return None


def _num(d, key, lo, hi, name):
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (lo <= v <= hi):
        raise DataFileError(f"[mediator] {key} of data set {name} must be a number in"
                            f" [{lo}, {hi}], got {v!r}")
    return float(v)


def _setup_from_experiment(exp) -> SignalSetup:
    z = exp.mediator
    if not z:
        raise DataFileError(f"data set {exp.name} has no [mediator] table (the selection of"
                            " invisible systems: triggers with efficiency tables)")
    trig = z.get("trigger")
    if not trig:
        raise DataFileError(f"data set {exp.name}: [mediator] needs at least one"
                            " [[mediator.trigger]]")
    triggers = []
    if not isinstance(trig, (list, tuple)):
        raise DataFileError(f"data set {exp.name}: [mediator] trigger must be a list of tables")
    for t in trig:
        # files are checked when read (mucast.experiments._mediator_table); this guards the
        # Python API (Experiment.replace(mediator=...))
        if not isinstance(t, dict) or "efficiency" not in t or "mot" not in t:
            raise DataFileError(f"data set {exp.name}: each [[mediator.trigger]] needs mot and"
                                " efficiency")
        mot = _num(t, "mot", 0.0, _exp.MAX_MOT, exp.name)
        eff, name = t["efficiency"], t.get("name", t["efficiency"])
        tables = (str, AcceptanceTable, EfficiencyTable)
        if not isinstance(eff, tables) or not isinstance(name, tables):
            raise DataFileError(f"data set {exp.name}: [[mediator.trigger]] efficiency (a CSV"
                                f" file name) and name must be strings, got {eff!r}, {name!r}")
        table = load_efficiency(eff, base=exp.base_dir)
        triggers.append(Trigger(str(name), mot, table))
    return SignalSetup(
        name=exp.name, energy=exp.beam_energy, target=exp.target,
        nuclei_per_area=exp.target.nuclei_per_volume() * exp.thickness,
        triggers=tuple(triggers), observed=exp.observed,
        background=_num(z, "background", 0.0, 1e3, exp.name),
        background_uncertainty=_num(z, "background_uncertainty", 0.0, 1e3, exp.name),
        signal_systematic=_num(z, "signal_systematic", 0.0, 0.99, exp.name),
        mot_uncertainty=_num(z, "mot_uncertainty", 0.0, 0.99, exp.name),
        pileup_loss=_num(z, "pileup_loss", 0.0, 0.99, exp.name),
        x_min=_num(z, "signal_x_min", 0.0, 0.999, exp.name), geometry=exp.geometry)


@lru_cache(maxsize=16)
def _setup_by_name(name: str) -> SignalSetup:
    return _setup_from_experiment(_exp.get(name))


def setup(dataset) -> SignalSetup:
    """The :class:`SignalSetup` of a data set (name, TOML path, Experiment or SignalSetup)."""
    if isinstance(dataset, SignalSetup):
        return dataset
    if isinstance(dataset, str) and not dataset.endswith(".toml"):
        if dataset not in _exp.available_datasets():
            raise UnknownNameError(f"unknown data set {dataset!r}; known: "
                                   f"{', '.join(_exp.available_datasets())}")
        return _setup_by_name(dataset)
    return _setup_from_experiment(_exp.get(dataset))
