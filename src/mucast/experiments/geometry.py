"""Layer 1: the set-up along the beam — where a mediator X is produced and what sees its decay
(issue 18 §2; the ``[geometry]`` table of an experiment file, docs/models.md).

A :class:`Geometry` is a list of regions along z (z = 0 at the upstream face of the active
target), each with its extent, whether X is produced in it (the thick active target: exactly one
region, X produced uniformly in depth over it), and whether a decay of X inside it is *vetoed*
(its products are seen: the event is rejected) or *unseen* (after the last detector that would
veto it: the event looks invisible). The regions are contiguous, in order, and the last one ends
at infinity, so that every decay point has a verdict.

Decay probabilities (:meth:`Geometry.region_probabilities`): X of decay length λ = (p/m)ħc/Γ
produced at depth z₀ decays in [a, b] ⊂ [z₀, ∞) with probability e^{−(a−z₀)/λ} − e^{−(b−z₀)/λ};
averaged over z₀ uniform in the production region [A, B] (T = B − A),

    ⟨e^{−(c−z₀)/λ}⟩ = (λ/T) e^{−(c−B)/λ} (1 − e^{−T/λ})      (c ≥ B),
    P(production region) = 1 − (λ/T)(1 − e^{−T/λ}),

(regions upstream of the production region get 0). The probabilities of all regions add up to 1
(tested). Uniform in depth: the thin-target rate is proportional to the length traversed and the
160 GeV muon loses ~0.3 GeV in 22.5 cm of lead, so the rate does not vary along the target.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from mucast.exceptions import DataFileError
from mucast.units import m as metre

__all__ = ["DECAY_VERDICTS", "Geometry", "Region"]

DECAY_VERDICTS = ("vetoed", "unseen")
_REGION_KEYS = {"name": str, "start_m": numbers.Real, "end_m": numbers.Real, "production": bool,
                "decay": str, "source": str, "material": str, "note": str}
_REQUIRED = ("name", "start_m", "end_m", "decay", "source")


@dataclass(frozen=True)
class Region:
    """One region along the beam: [start, end) [length, hepunits]; ``production``: X is produced
    here; ``decay``: "vetoed" or "unseen"; ``source``: where the numbers come from."""

    name: str
    start: float
    end: float
    production: bool
    decay: str
    source: str
    material: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "start_m": self.start / metre,
                "end_m": None if math.isinf(self.end) else self.end / metre,
                "production": self.production, "decay": self.decay}


@dataclass(frozen=True)
class Geometry:
    """Regions along the beam (module doc). Construct with :meth:`from_dict`."""

    regions: tuple
    source: str = ""

    @property
    def production_region(self) -> Region:
        return next(r for r in self.regions if r.production)

    @property
    def veto_end(self) -> float:
        """Where the last vetoed region ends [length]: a decay beyond it is unseen."""
        return max(r.end for r in self.regions if r.decay == "vetoed")

    def region_probabilities(self, decay_length):
        """P(X decays in region i) [array (..., n_regions)] for decay lengths λ [length]
        (any shape), averaged over the production depth (module doc)."""
        lam = np.asarray(decay_length, dtype=float)[..., None]
        return np.concatenate(self._probabilities(lam, self.regions), axis=-1)

    def _probabilities(self, lam, regions):
        """P(X decays in each of ``regions``) for decay lengths ``lam`` (shape (..., 1))."""
        prod = self.production_region
        T = prod.end - prod.start
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            # (λ/T)(1 − e^{−T/λ}), stable for λ ≪ T and λ ≫ T
            frac = np.where(lam > 0, -(lam / T) * np.expm1(-T / np.maximum(lam, 1e-300)), 0.0)
            out = []
            for r in regions:
                if r.end <= prod.start:
                    out.append(np.zeros(lam.shape))
                elif r is prod:
                    out.append(1.0 - frac)
                else:
                    ea = frac * np.exp(-(r.start - prod.end) / lam)
                    eb = (frac * np.exp(-(r.end - prod.end) / lam) if math.isfinite(r.end)
                          else np.zeros(lam.shape))
                    out.append(np.where(lam > 0, ea - eb, 0.0))
        return out

    def unseen_probability(self, decay_length):
        """P(X decays where nothing sees it) [same shape as ``decay_length``]: the same terms
        as :meth:`region_probabilities`, for the unseen regions only (the escape bound of a
        curve evaluates it on a grid of couplings per mass)."""
        lam = np.asarray(decay_length, dtype=float)[..., None]
        unseen = [r for r in self.regions if r.decay == "unseen"]
        return np.sum(np.concatenate(self._probabilities(lam, unseen), axis=-1), axis=-1)

    def to_dict(self) -> dict:
        return {"regions": [r.to_dict() for r in self.regions], "source": self.source}

    @classmethod
    def from_dict(cls, g: dict, where: str = "[geometry]") -> "Geometry":
        """From an experiment file's ``[geometry]`` table (schema: data/experiments/2022.toml):
        ``source`` and ``[[geometry.region]]`` entries with name, start_m, end_m, decay
        ("vetoed" | "unseen"), source, optional production (bool), material, note. Unknown keys,
        wrong types, gaps, overlaps, a missing or second production region refused
        (DataFileError naming the key)."""
        if not isinstance(g, dict):
            raise DataFileError(f"{where} must be a table")
        extra = set(g) - {"source", "region"}
        if extra:
            raise DataFileError(f"{where}: unknown key(s) {', '.join(sorted(extra))}; allowed:"
                                " source, region")
        regs = g.get("region")
        if not isinstance(regs, list) or not regs:
            raise DataFileError(f"{where} needs at least one [[geometry.region]]")
        out = []
        for i, r in enumerate(regs):
            here = f"{where} region {i + 1}"
            if not isinstance(r, dict):
                raise DataFileError(f"{here} must be a table")
            unknown = set(r) - set(_REGION_KEYS)
            if unknown:
                raise DataFileError(f"{here}: unknown key(s) {', '.join(sorted(unknown))};"
                                    f" allowed: {', '.join(_REGION_KEYS)}")
            for k in _REQUIRED:
                if k not in r:
                    raise DataFileError(f"{here}: missing key {k}")
            for k, typ in _REGION_KEYS.items():
                if k in r and (not isinstance(r[k], typ) or (typ is not bool
                                                            and isinstance(r[k], bool))):
                    raise DataFileError(f"{here}: {k} has the wrong type"
                                        f" ({type(r[k]).__name__})")
            a, b = float(r["start_m"]), float(r["end_m"])
            if not (math.isfinite(a) and a >= 0 and b > a) or math.isnan(b):
                raise DataFileError(f"{here} ({r['name']}): need 0 <= start_m < end_m, got"
                                    f" {a!r}, {b!r}")
            if r["decay"] not in DECAY_VERDICTS:
                raise DataFileError(f"{here} ({r['name']}): decay must be one of"
                                    f" {', '.join(DECAY_VERDICTS)}, got {r['decay']!r}")
            out.append(Region(r["name"], a * metre, b * metre, bool(r.get("production", False)),
                              r["decay"], r["source"], r.get("material", ""), r.get("note", "")))
        if out[0].start != 0.0:
            raise DataFileError(f"{where}: the first region must start at z = 0")
        for prev, nxt in zip(out[:-1], out[1:], strict=True):
            if not math.isclose(prev.end, nxt.start, rel_tol=1e-12, abs_tol=1e-9):
                raise DataFileError(f"{where}: regions {prev.name!r} and {nxt.name!r} must be"
                                    " contiguous (end_m of one = start_m of the next)")
        if not math.isinf(out[-1].end):
            raise DataFileError(f"{where}: the last region must end at end_m = inf (every decay"
                                " point needs a verdict)")
        prods = [r for r in out if r.production]
        if len(prods) != 1:
            raise DataFileError(f"{where}: exactly one region must have production = true,"
                                f" got {len(prods)}")
        if prods[0].decay != "vetoed" or math.isinf(prods[0].end):
            raise DataFileError(f"{where}: the production region must be finite and vetoed")
        return cls(tuple(out), str(g.get("source", "")))
