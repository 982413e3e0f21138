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

import numpy as np

from mucast import experiments as _exp
from mucast.exceptions import DataFileError, UnknownNameError
from mucast.experiments.acceptance import load_table

__all__ = ["SignalSetup", "Trigger", "setup"]


# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    name: str
    mot: float
    efficiency: object  # AcceptanceTable (m_GeV, efficiency)


@dataclass(frozen=True)
class SignalSetup:
    """What the yield needs from a data set: triggers (MOT, ε(m)), beam, target, statistics."""

    name: str
    energy: float
    target: object
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
    geometry: object = None

    @property
    def mot(self) -> float:
        return float(sum(t.mot for t in self.triggers))

    @property
    def mass_max(self) -> float:
        """The largest mass any efficiency table covers [energy]."""
        return max(t.efficiency.x_max for t in self.triggers)

    def mot_efficiency(self, masses):
        """Σ_t N_MOT^t ε^t(m) (vectorised over masses, energies in hepunits)."""
        m = np.asarray(masses, dtype=float)
        return sum(t.mot * t.efficiency(m) for t in self.triggers)

    def replace_mot(self, factor: float) -> "SignalSetup":
        """A copy with every trigger's MOT multiplied by ``factor`` (projections, tests)."""
        trig = tuple(Trigger(t.name, t.mot * factor, t.efficiency) for t in self.triggers)
        return SignalSetup(**{**self.__dict__, "triggers": trig})


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
    for t in trig:
        if "efficiency" not in t or "mot" not in t:
            raise DataFileError(f"data set {exp.name}: each [[mediator.trigger]] needs mot and"
                                " efficiency")
        mot = _num(t, "mot", 0.0, math.inf, exp.name)
        table = load_table(t["efficiency"], base=exp.base_dir, columns=("m_GeV", "efficiency"))
        triggers.append(Trigger(str(t.get("name", t["efficiency"])), mot, table))
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
