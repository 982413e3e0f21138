"""Layer 3: the event container, exact accept–reject sampling against a grid envelope, and
reproducible chunk seeds (mucast.events).
"""

from __future__ import annotations

from typing import Any

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast.constants import M_MU
from mucast.exceptions import InputError, KinematicsError
from mucast.experiments.targets import Target
from mucast.units import GeV



DEFAULT_CHUNK = 200_000
_MARGIN = 1.3
#: proposal budget of the grid accept–reject, per event requested (plus a fixed 1e5): an
#: acceptance efficiency below ~1/_MAX_PROPOSALS_PER_EVENT stops it with an error instead of
#: looping. Inside the generators' domain the efficiency is 0.34–0.73 (Z′, 1.06–160 GeV;
#: validation/generator_domain.py), 300 times above the floor
_MAX_PROPOSALS_PER_EVENT = 1000


# ----------------------------------------------------------------------------------------------
# the event container
# ----------------------------------------------------------------------------------------------
@dataclass
class EventSample:
    """Unweighted events. Four-vectors are arrays (n, 4) = (E, px, py, pz) in hepunits.

    ``mu``: outgoing muon; ``system``: Z′ or the pair (k = k1 + k2); ``d1``, ``d2``: invisible
    daughters (or None); ``nucleus``: recoiling nucleus; ``x``, ``k`` (mass of the system),
    ``u`` (ũ, energy²), ``t`` (photon virtuality, energy²). ``pdg``: ids of (mu, system, d1, d2).
    ``sigma``: the total cross section of the sampled region (area, hepunits) as integrated by
    the sampler's grid (for the LHE header; the reference σ is mucast's quadrature).
    """

    process: str
    energy: float
    target: str
    mu: np.ndarray
    system: np.ndarray
    nucleus: np.ndarray
    x: np.ndarray
    k: np.ndarray
    u: np.ndarray
    t: np.ndarray
    d1: np.ndarray | None = None
    d2: np.ndarray | None = None
    pdg: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def __len__(self):
        return len(self.x)

    @property
    def beam(self) -> np.ndarray:
        p = math.sqrt(self.energy**2 - M_MU**2)
        return np.array([self.energy, 0.0, 0.0, p])

    @staticmethod
    def concatenate(chunks) -> "EventSample":
        chunks = list(chunks)
        c0 = chunks[0]
        cat: dict[str, Any] = {}
        for name in ("mu", "system", "nucleus", "x", "k", "u", "t", "d1", "d2"):
            vals = [getattr(c, name) for c in chunks]
            cat[name] = None if vals[0] is None else np.concatenate(vals)
        info = dict(c0.info)
        for key in ("envelope_violations", "recoil_resampled", "pair_check_points"):
            if key in info:
                info[key] = sum(c.info.get(key, 0) for c in chunks)
        if "pair_check_max_dev" in info:
            info["pair_check_max_dev"] = max(c.info["pair_check_max_dev"] for c in chunks)
        return EventSample(c0.process, c0.energy, c0.target, pdg=c0.pdg, info=info, **cat)


# ----------------------------------------------------------------------------------------------
# input checks
# ----------------------------------------------------------------------------------------------
def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n <= 0:
        raise InputError(f"number of events must be an integer >= 1, got {n!r}")
    return int(n)


def _check_chunk(c):
    if isinstance(c, bool) or not isinstance(c, numbers.Integral) or c < 1000:
        raise InputError(f"chunk_size must be an integer >= 1000, got {c!r}")
    return int(c)


def _check_energy(energy):
    if not (isinstance(energy, numbers.Real) and math.isfinite(energy) and energy > 10 * M_MU):
        raise InputError(f"energy must be > {10 * M_MU / GeV:.3f} GeV, got {energy!r}")
    return float(energy)


def _target(target):
    return target if isinstance(target, Target) else Target.from_name(target)


# ----------------------------------------------------------------------------------------------
# exact accept–reject against a piecewise-constant grid envelope
# ----------------------------------------------------------------------------------------------
class _GridSampler:
    """Sample points from a non-negative density f on a box given by per-axis node arrays."""

    def __init__(self, density, edges, margin=_MARGIN):
        self.density = density
        self.edges = [np.asarray(e, float) for e in edges]
        d = len(self.edges)
        mesh = np.meshgrid(*self.edges, indexing="ij")
        pts = np.stack([m.ravel() for m in mesh], axis=-1)
        fc = density(pts).reshape(mesh[0].shape)
        cells = tuple(len(e) - 1 for e in self.edges)
        cmax = np.zeros(cells)
        for corner in np.ndindex(*(2,) * d):
            sl = tuple(slice(c, c + n) for c, n in zip(corner, cells, strict=True))
            cmax = np.maximum(cmax, fc[sl])
        cen = [0.5 * (e[1:] + e[:-1]) for e in self.edges]
        cm = np.meshgrid(*cen, indexing="ij")
        fcen = density(np.stack([m.ravel() for m in cm], axis=-1)).reshape(cells)
        cmax = np.maximum(cmax, fcen) * margin
        widths = np.meshgrid(*[np.diff(e) for e in self.edges], indexing="ij")
        vol = np.prod(np.stack(widths), axis=0)
        self.cell_max = cmax.ravel()
        self.cell_lo = np.stack([m.ravel() for m in np.meshgrid(*[e[:-1] for e in self.edges],
                                                                 indexing="ij")], axis=-1)
        self.cell_w = np.stack([w.ravel() for w in widths], axis=-1)
        wt = self.cell_max * vol.ravel()
        self.envelope_integral = float(wt.sum())
        if not self.envelope_integral > 0:
            raise KinematicsError("the differential cross section vanishes on the whole sampling "
                                  "region (check masses against the beam energy)")
        # crude estimate of ∫f (midpoint of cells), for the LHE header only
        self.integral_estimate = float(np.sum(fcen.ravel() * vol.ravel()))
        self.cdf = np.cumsum(wt) / self.envelope_integral
        self.efficiency = 0.5

    def sample(self, n, rng):
        """n points and the number of envelope violations met; raises KinematicsError (stating
        the efficiency) once more than _MAX_PROPOSALS_PER_EVENT·n + 1e5 proposals were made."""
        out, have, viol, tried = [], 0, 0, 0
        budget = _MAX_PROPOSALS_PER_EVENT * n + 100_000
        while have < n:
            if tried >= budget:
                raise KinematicsError(
                    f"accept-reject sampling stopped: {have} of {n} events after {tried} "
                    f"proposals (acceptance efficiency {have / tried:.1e}, below the floor "
                    f"{1.0 / _MAX_PROPOSALS_PER_EVENT:.0e}): outside the generator's domain")
            m = int(min(4 * n, (n - have) / max(self.efficiency, 0.05) * 1.15)) + 64
            cell = np.minimum(np.searchsorted(self.cdf, rng.random(m)), len(self.cdf) - 1)
            pts = self.cell_lo[cell] + self.cell_w[cell] * rng.random((m, self.cell_lo.shape[1]))
            f = self.density(pts)
            env = self.cell_max[cell]
            viol += int(np.count_nonzero(f > env))
            acc = rng.random(m) * env < f
            out.append(pts[acc])
            have += int(acc.sum())
            tried += m
            self.efficiency = max(have / tried, 1e-3)
        return np.concatenate(out)[:n], viol


# ----------------------------------------------------------------------------------------------
# grids
# ----------------------------------------------------------------------------------------------
def _z_nodes():
    return np.unique(np.concatenate([np.linspace(0, 1, 41), np.geomspace(1e-6, 0.05, 12),
                                     1 - np.geomspace(1e-6, 0.05, 12), [0.0, 1.0]]))


_W_NODES = np.linspace(0.0, 1.0, 33)


# ----------------------------------------------------------------------------------------------
# Z′
# ----------------------------------------------------------------------------------------------
def _check_seed(seed):
    """An integer >= 0, or a sequence of them (numpy.random.SeedSequence entropy)."""
    items = list(seed) if isinstance(seed, (list, tuple)) else [seed]
    if not items or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0
                        for v in items):
        raise InputError(f"seed must be an integer >= 0 (or a sequence of them), got {seed!r}")
    return [int(v) for v in items] if isinstance(seed, (list, tuple)) else int(seed)


def _chunks(seed, n_events, chunk_size):
    """(rng, n) per chunk: chunk i draws from the i-th child of SeedSequence(seed), so a sample is
    reproduced exactly by the same (seed, n_events, chunk_size) (module doc). The children are
    made one at a time (``SeedSequence(seed, spawn_key=(i,))`` is the i-th child of
    ``SeedSequence(seed).spawn``), so memory does not grow with the number of chunks."""
    seed = _check_seed(seed)
    n_chunks = (n_events + chunk_size - 1) // chunk_size
    for i in range(n_chunks):
        ss = np.random.SeedSequence(seed, spawn_key=(i,))
        yield np.random.default_rng(ss), min(chunk_size, n_events - i * chunk_size)
