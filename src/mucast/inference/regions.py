"""Layer 4: closed exclusion regions — decays in flight (issue 18 §2; docs/decays.md).

Where X can decay visibly (or not at all), the couplings a data set excludes are those with
N_inv(g) + N_esc(g) ≥ N_up: X decaying invisibly, plus X decaying visibly beyond the last
vetoing detector (mucast.inference.decays). :func:`_regions` finds them on a log grid of g in
[G_MIN, G_MAX] refined by Brent's method and updates the arrays of
:func:`mucast.inference.mediators.coupling_limit_scan` in place: the lower edge ``g``, the upper
edge ``g_up`` (inf where the region does not close below G_MAX), the notes that become warnings.
Moved out of mucast.inference.mediators (which had passed 700 lines), unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from mucast.inference import decays as _dec
from mucast.inference.mediator_yields import (_escape_yields, _has_invisible_channel, _pair_yield,
                                              yield_per_g2)
from mucast.processes.mediators import production as _prod
from mucast.units import natural_to_length

#: the largest coupling the searches consider (beyond it no formula here holds)
G_MAX = 10.0
#: the smallest coupling an exclusion region is searched from
G_MIN = 1e-12


def _regions(model, m, s, n_up, g, g_up, br, y1, y1e, status, prod, notes, by_region, approx,
             seed, etl_rtol, kin):
    """Decays in flight (module doc, mucast.inference.decays): where X can decay visibly (or
    not at all), the excluded couplings N_inv(g) + N_esc(g) ≥ N_up, found on a log grid and by
    Brent's method; updates the arrays of coupling_limit_scan in place. Masses where an upper
    bound on the escaping yield stays below NEGLIGIBLE·N_up at every coupling keep their
    invisible-only limit exactly (the lower edge; the region does not close)."""
    tot1 = np.asarray(model.total_width(m, 1.0), float)
    inv1 = np.asarray(model.invisible_width(m, 1.0), float)
    C = np.asarray(model.invisible_width(m, 0.0), float) * np.ones(m.shape)
    vis1 = tot1 - inv1
    stable = tot1 == 0
    todo = np.flatnonzero((vis1 > 0) | stable)
    if todo.size == 0:
        return
    need = [i for i in todo if not y1[i] > 0]
    if need:
        idx = np.array(need)
        y1[idx], y1e[idx] = yield_per_g2(m[idx], s, approx, *kin[:1], kin[1], kin[2], model.spin,
                                         seed, etl_rtol, mechanism=model.production)
    todo = np.array([i for i in todo if y1[i] > 0], dtype=int)   # the rest: no efficiency
    if todo.size == 0:
        return
    q2 = model.production_charge ** 2
    grid = np.geomspace(G_MIN, G_MAX, 13 * _dec.G_GRID + 1)
    # the bound of EscapeYield.bound for all masses at once: every X as fast as the fastest
    mt = m[todo][:, None]
    x_hi = 1.0 - _prod.M_MU / s.energy
    p_over_m = np.sqrt(np.maximum((x_hi * s.energy) ** 2 - mt**2, 0.0)) / mt
    gam = C[todo][:, None] + grid**2 * (inv1 - C + vis1)[todo][:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        br_vis = np.where(gam > 0, grid**2 * vis1[todo][:, None] / np.where(gam > 0, gam, 1.0),
                          1.0)
        lam = np.where(gam > 0, p_over_m * natural_to_length(1.0 / np.where(gam > 0, gam, 1.0)),
                       1e300)
    bound = q2 * grid**2 * y1[todo][:, None] * br_vis * s.geometry.unseen_probability(lam)
    matters = (np.max(bound, axis=1) >= _dec.NEGLIGIBLE * n_up) | (status[todo] == "no-limit")
    todo = todo[matters]
    if todo.size == 0:
        return
    escs = _escape_yields(model, m[todo], s, y1[todo], (C[todo], (inv1 - C)[todo], vis1[todo]),
                          kin, approx, etl_rtol, seed)
    for i, esc in zip(todo, escs, strict=True):
        mi = float(m[i])
        C_i, N1, V1 = esc.C, esc.N1, esc.V1
        g_inv = g[i] if np.isfinite(g[i]) else None
        n_inv: Callable[[Any], Any]
        approx_inv: Callable[[Any], Any]
        if prod[i] == "on-shell" or not _has_invisible_channel(model):
            def inv_on_shell(gg, yi=float(y1[i]), C=C_i, N1=N1, V1=V1):
                gg = np.asarray(gg, float)
                den = C + gg * gg * (N1 + V1)
                with np.errstate(invalid="ignore", divide="ignore"):
                    return np.where(den > 0, q2 * gg * gg * yi * (C + gg * gg * N1)
                                    / np.where(den > 0, den, 1.0), 0.0)
            n_inv = approx_inv = inv_on_shell
        else:                                     # the invisible part is a pair integral
            g_ref = g_inv if g_inv is not None else 1e-3
            n_ref = _pair_yield(model, mi, g_ref, s, *kin, with_error=False, approx=approx)[0]

            def inv_pair(gg, mi=mi):
                return np.asarray(_pair_yield(model, mi, float(gg), s, *kin,
                                              with_error=False, approx=approx)[0])

            def inv_scaled(gg, n_ref=n_ref, g_ref=g_ref):
                return n_ref * (np.asarray(gg, float) / g_ref) ** 2
            n_inv, approx_inv = inv_pair, inv_scaled
        intervals, n_max = _dec.exclusion_region(
            lambda gg, f=n_inv, e=esc: float(f(gg)) + float(e(np.array([gg]))[0]), n_up, G_MIN,
            G_MAX, approx=lambda ga, f=approx_inv, e=esc: f(ga) + e(ga))
        keep = [n for n in notes[i] if n[0] not in ("no-limit", "no-limit-offshell",
                                                       "no-efficiency", "failed")]
        notes[i] = keep
        if not intervals:
            g[i], g_up[i], br[i] = np.inf, np.inf, np.nan
            status[i] = "no-limit"
            notes[i].append(("no-limit-decays", float(n_max)))
            continue
        lo = intervals[0][0]
        if g_inv is not None and abs(lo / g_inv - 1.0) < 1e-6 and \
                float(esc(np.array([g_inv]))[0]) < _dec.NEGLIGIBLE * n_up:
            lo = g_inv                            # the invisible-only limit, exactly
        g[i] = lo
        g_up[i] = np.inf if intervals[-1][1] is None else intervals[-1][1]
        status[i] = "ok"
        if intervals[-1][1] is not None:
            notes[i].append(("region-upper", None))
        if len(intervals) > 1:
            notes[i].append(("region-gap", float(intervals[0][1])))
        n_esc = float(esc(np.array([lo]))[0])
        if n_esc > 0.5 * n_up:
            prod[i] = "on-shell"
        br[i] = float(model.branching_invisible(mi, lo)) if not stable[i] else 1.0
        by_region[i] = esc.region_yields(lo)


