"""Layer 4: the mediator after production — decays in flight, and exclusion regions (issue 18 §2).

A mediator X produced in the active target is a missing-energy signal if it decays invisibly, or
if it decays visibly where nothing sees it (beyond the last detector that would veto it,
:class:`mucast.experiments.geometry.Geometry`). With the model's complete widths,

    N(g) = N_inv(g) + N_esc(g),
    N_esc(g) = q_μ² g² Σ_j w_j Br_vis(g) P_unseen(λ_j(g)),   λ_j = (p_j/m) ħc/Γ_tot(g),

w_j the signal-region spectrum of X (:func:`mucast.processes.mediators.production.x_spectrum`:
x nodes, E_X = x E) times the efficiency and luminosity (Σ_j w_j = the on-shell yield per g_μ²),
P_unseen averaged over the production depth (Geometry.region_probabilities). The efficiency
multiplies the spectrum as one number per mass: the boost and the selection are taken as
uncorrelated inside the signal region (E_X varies by at most 2× there; stated in docs/models.md).
N_inv(g) is the invisible yield of mucast.inference.mediators (narrow width or pair integral).

Every SM width is g² times its value at g = 1 and the dark width does not depend on g, so with
C (dark), N₁ (invisible SM) and V₁ (visible) at g = 1: Γ(g) = C + g²(N₁ + V₁),
Br_vis(g) = g²V₁/Γ(g). N_esc rises like g² while X escapes and falls exponentially once its decay
length is shorter than the set-up: the excluded couplings form an interval [g_lo, g_up]
(:func:`exclusion_region`), closed above where the invisible yield alone stays below N_up.
"""

from __future__ import annotations

import math

import numpy as np

from mucast.units import natural_to_length

__all__ = ["EscapeYield", "exclusion_region", "G_GRID"]

#: couplings scanned (log-spaced) to bracket the edges of an exclusion region, per decade
G_GRID = 24
#: an escaping yield below this fraction of N_up at every coupling is neglected: it cannot make
#: a region of its own and moves an edge set by the invisible yield by < 1e-6 in N (< 5e-7 in g)
NEGLIGIBLE = 1e-6


class EscapeYield:
    """N_esc(g) [events] of one mediator mass (module doc), vectorised over g.

    ``x``, ``w``: the signal-region spectrum nodes and weights [events per g_μ²] (the
    efficiency and luminosity included); ``mass``, ``energy`` [energy]; ``q2`` = q_μ²;
    ``widths1`` = (C, N₁, V₁) [energy]; ``geometry``."""

    def __init__(self, x, w, mass, energy, q2, widths1, geometry):
        self.w = np.asarray(w, float)
        self.q2 = float(q2)
        self.mass = float(mass)
        e_x = np.asarray(x, float) * energy
        self.p_over_m = np.sqrt(np.maximum(e_x * e_x - self.mass**2, 0.0)) / self.mass
        self.C, self.N1, self.V1 = (float(v) for v in widths1)
        self.geometry = geometry

    def total_width(self, g):
        g = np.asarray(g, float)
        return self.C + g * g * (self.N1 + self.V1)

    def decay_length(self, g, x_index=None):
        """λ [length] per coupling (…, node)."""
        gam = self.total_width(g)[..., None]
        with np.errstate(divide="ignore"):
            return np.where(gam > 0, self.p_over_m * natural_to_length(1.0 / np.where(
                gam > 0, gam, 1.0)), np.inf)

    def unseen(self, g):
        """P_unseen folded over the spectrum (weights w), per coupling."""
        lam = self.decay_length(g)
        p = self.geometry.unseen_probability(np.where(np.isfinite(lam), lam, 1e300))
        return np.sum(p * self.w, axis=-1) / np.sum(self.w)

    def __call__(self, g):
        g = np.asarray(g, float)
        gam = self.total_width(g)
        with np.errstate(invalid="ignore", divide="ignore"):
            # a stable X (no channel open, Γ = 0) escapes whole: it counts as Br_vis·1 = 1
            br_vis = np.where(gam > 0, g * g * self.V1 / np.where(gam > 0, gam, 1.0), 1.0)
        return self.q2 * g * g * np.sum(self.w) * br_vis * self.unseen(g)

    def bound(self, g):
        """An upper bound on N_esc(g) that costs no spectrum: every X as fast as the fastest
        (P_unseen grows with the decay length)."""
        g = np.asarray(g, float)
        gam = self.total_width(g)
        with np.errstate(invalid="ignore", divide="ignore"):
            br_vis = np.where(gam > 0, g * g * self.V1 / np.where(gam > 0, gam, 1.0), 1.0)
            lam = np.where(gam > 0, np.max(self.p_over_m) * natural_to_length(
                1.0 / np.where(gam > 0, gam, 1.0)), 1e300)
        return self.q2 * g * g * np.sum(self.w) * br_vis * self.geometry.unseen_probability(lam)

    def region_yields(self, g):
        """Expected decays of X in each region of the geometry at coupling g (a number):
        {region name: events}, all decays (visible and invisible), after the selection."""
        lam = self.decay_length(np.array([g]))[0]
        p = self.geometry.region_probabilities(np.where(np.isfinite(lam), lam, 1e300))
        n = self.q2 * g * g * (p * self.w[:, None]).sum(axis=0)
        return {r.name: float(v) for r, v in zip(self.geometry.regions, n, strict=True)}


def exclusion_region(total, n_up, g_min, g_max, approx=None, known_lo=None):
    """The couplings with N(g) ≥ n_up: (intervals, n_max) with intervals a list of [g_lo, g_up]
    (g_up None where N(g_max) ≥ n_up: the region does not close within the model's range),
    empty where N < n_up on the whole grid (no coupling is excluded); n_max the largest yield
    seen.

    ``total(g)``: the exact expected yield (a float function); ``approx(g_array)``: a cheap
    vectorised estimate used only to bracket the edges on a log grid (:data:`G_GRID` points per
    decade; default: ``total``); ``known_lo``: the lowest edge already solved elsewhere (the
    invisible-only limit, where the escaping yield is negligible below it), used as is. Edges
    are found by Brent's method on ``total`` in ln g (1e-10)."""
    from scipy.optimize import brentq
    lo, hi = math.log(g_min), math.log(g_max)
    grid = np.linspace(lo, hi, max(int((hi - lo) / math.log(10) * G_GRID), 8) + 1)
    f_grid = np.asarray((approx or np.vectorize(total))(np.exp(grid)), float)
    above = f_grid >= n_up
    n_max = float(np.max(f_grid))

    def f(lg):
        return math.log(max(total(math.exp(lg)), 1e-300) / n_up)

    def edge(i):                       # the crossing between grid points i and i + 1
        return math.exp(brentq(f, grid[i], grid[i + 1], xtol=1e-10, rtol=1e-13))

    intervals = []
    i, n = 0, len(above)
    while i < n:
        if not above[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and above[j + 1]:
            j += 1
        start = g_min if i == 0 else edge(i - 1)
        if not intervals and known_lo is not None:
            start = known_lo
        intervals.append([start, None if j == n - 1 else edge(j)])
        i = j + 1
    return intervals, n_max
