"""The event generators' domain, measured: acceptance efficiencies and WW artefacts versus the
emitted system's mass (docs/detector_model.md, "Domain of the generators").

    python validation/generator_domain.py [--energy 160] [--events 20000] [--target Pb]   # ~1 min

For each Z′ mass (vector; inside the domain m ≤ √(2 E m_μ) and, with the domain check lifted,
beyond it) the script generates ``--events`` events with :func:`mucast.events.generate_zprime`
and prints one row:

* ``rho``: m²/(4 E m_μ), the parameter of the domain (ρ ≤ 1/2; generators.RHO_MAX);
* ``grid eff``: acceptance efficiency of the (x, ũ) accept–reject against its grid envelope
  (accepted / proposed, every call of ``_GridSampler.sample`` of the run);
* ``viol/ev``: envelope violations per accepted event (a violation biases the sample; 0 wanted);
* ``t eff``: acceptance efficiency of the photon-virtuality sampler (points / proposals), and
  ``t rounds``: the most proposals any one point needed in the run (the guard stops at
  kinematics._T_MAX_PROPOSALS = 10 000);
* ``theta=0``: fraction of sampled (x, ũ) points whose ũ lies outside the exact phase space
  (|ũ| below its θ = 0 value), where the system is put at θ = 0 (a WW artefact);
* ``redraw``: recoil redraws per event (points with no on-shell recoil, redrawn and counted as
  ``recoil_resampled``);
* ``outcome``: "ok", or the one-line error of the guard that stopped the run (beyond the domain).

The random streams are those of the generator (seed 1): wrapping the samplers does not change
the events.
"""

from __future__ import annotations

import argparse
import math
from contextlib import contextmanager

import numpy as np

from mucast.constants import M_MU
from mucast.events import generators as G
from mucast.events import kinematics as K
from mucast.events import sample as S
from mucast.exceptions import KinematicsError
from mucast.units import GeV

INSIDE = (0.001, 0.01, 0.1, 0.3, 0.6, 0.8, 1.0)        # fractions of the domain's mass limit
BEYOND = (1.5, 2.0, 3.0, 5.0, 8.0, 15.0)                # the same, beyond it (160 GeV: 8.7–87 GeV)


class _Counting:
    """An rng proxy counting the uniform draws (the t sampler draws 3 per proposal)."""

    def __init__(self, rng):
        self.rng, self.draws, self.calls, self.last = rng, 0, 0, 0

    def random(self, size=None):
        self.last = int(np.prod(size)) if size is not None else 1
        self.draws += self.last
        self.calls += 1
        return self.rng.random(size)

    def __getattr__(self, name):
        return getattr(self.rng, name)


@contextmanager
def _instrumented(stats):
    grid_sample, sample_t, build = S._GridSampler.sample, K._sample_t, K._build_kinematics

    def grid_counting(self, n, rng):
        # each round draws m cell numbers, m·d coordinates and m accept numbers; the sampler
        # leaves accepted/proposed of the call in self.efficiency
        c = _Counting(rng)
        pts, viol = grid_sample(self, n, c)
        tried = c.draws // (2 + self.cell_lo.shape[1])
        stats["grid_prop"] += tried
        stats["grid_acc"] += self.efficiency * tried
        stats["viol"] += viol
        return pts, viol

    def t_counting(t_lo, t_hi, target, rng):
        c = _Counting(rng)
        try:
            out = sample_t(t_lo, t_hi, target, c)
            stats["t_pts"] += len(t_lo)
        except KinematicsError:
            stats["t_pts"] += len(t_lo) - c.last      # those left: drawn in its last round
            raise
        finally:
            stats["t_prop"] += c.draws // 3
            stats["t_rounds"] = max(stats["t_rounds"], c.calls // 3)
        return out

    def build_counting(x, k, u, energy, target, t_max_choice, rng):
        p = math.sqrt(energy**2 - M_MU**2)
        k0 = x * energy
        kabs = np.sqrt(np.maximum(k0 * k0 - k * k, 0.0))
        cth = (u - k * k + 2.0 * energy * k0) / (2.0 * p * np.maximum(kabs, 1e-300))
        stats["clip"] += int(np.count_nonzero(cth > 1.0))
        stats["built"] += len(x)
        return build(x, k, u, energy, target, t_max_choice, rng)

    S._GridSampler.sample = grid_counting
    K._sample_t = t_counting
    G._build_kinematics = build_counting
    try:
        yield
    finally:
        S._GridSampler.sample = grid_sample
        K._sample_t = sample_t
        G._build_kinematics = build


def row(mass, energy, target, n):
    stats = dict.fromkeys(("grid_acc", "grid_prop", "viol", "t_pts", "t_prop", "t_rounds",
                           "clip", "built"), 0)
    outcome, redraw = "ok", float("nan")
    with _instrumented(stats):
        try:
            ev = G.generate_zprime(mass, n, seed=1, energy=energy, target=target)
            redraw = ev.info["recoil_resampled"] / n
        except KinematicsError as exc:
            outcome = str(exc).split(":")[0]
    rho = mass**2 / (4 * energy * M_MU)
    frac = lambda a, b: stats[a] / stats[b] if stats[b] else float("nan")   # noqa: E731
    return (f"| {mass / GeV:.4g} | {rho:.3g} | {frac('grid_acc', 'grid_prop'):.3f} | "
            f"{frac('viol', 'grid_acc'):.1e} | {frac('t_pts', 't_prop'):.3f} | "
            f"{stats['t_rounds']} | {frac('clip', 'built'):.3f} | {redraw:.1e} | {outcome} |")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--energy", type=float, default=160.0, help="beam energy [GeV]")
    ap.add_argument("--events", type=int, default=20_000, help="events per mass")
    ap.add_argument("--target", default="Pb")
    a = ap.parse_args(argv)
    energy = a.energy * GeV
    lim = G.system_mass_limit(energy)
    reach = energy - M_MU
    print(f"E = {a.energy:g} GeV, {a.target}, {a.events} events per mass; domain m <= "
          f"{lim / GeV:.4g} GeV")
    print("| m [GeV] | rho | grid eff | viol/ev | t eff | t rounds | theta=0 | redraw | outcome |")
    print("|---|---|---|---|---|---|---|---|---|")
    for f in INSIDE:
        print(row(f * lim, energy, a.target, a.events), flush=True)
    lift = G.system_mass_limit
    G.system_mass_limit = lambda e: e - M_MU              # the domain check lifted
    try:
        for f in BEYOND:
            if f * lim < reach:
                print(row(f * lim, energy, a.target, a.events), flush=True)
    finally:
        G.system_mass_limit = lift


if __name__ == "__main__":
    main()
