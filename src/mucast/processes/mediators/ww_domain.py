"""Layer 2: where the WW approximation of μN → μN X holds, and the exact/WW correction outside it
(issue 16 §5; docs/models.md §2, "Where WW holds").

:func:`ww_correction` returns, for an array of mediator masses, the ratio

    r = σ_exact(x ≥ x_min) / σ_WW(x ≥ x_min)

of the exact 2→3 tree-level cross section (:mod:`mucast.processes.mediators.exact`) to mucast's
default WW cross section (:mod:`mucast.processes.mediators.production`: θ_X ≤ 0.1 rad,
t_max = E², the same elastic form factor), its uncertainty, and a status:

* ``"ww-holds"`` — |r − 1| + uncertainty ≤ :data:`TOLERANCE` (2%, the tolerance docs/models.md
  states for WW): use WW unchanged (r is returned for information);
* ``"corrected"`` — inside the table but WW is off by more than the tolerance: multiply the WW
  cross section (or yield) by r, and carry the uncertainty;
* ``"outside"`` — the table does not cover the point (beam energy outside 10–300 GeV, x_min > 0.8,
  a target that is not tabulated, a mass beyond the tabulated reach, or r < 0.05 there): the caller
  must use the exact engine or refuse. r and its uncertainty are NaN; :attr:`WWCorrection.reason`
  says why in one line.

The table (data/production/ww_correction.csv) is written by scripts/make_ww_correction.py, which
runs the exact engine on a grid: spins V, A, S, P; targets C, Fe, Cu, W, Pb; x_min ∈ {0, 0.5,
0.8}; E ∈ {10 … 300} GeV; m from 1 MeV to 0.7·E. Evaluation is trilinear in (x_min, ln E, ln m)
on the cell whose eight corners were all measured; below 1 MeV the 1 MeV column is used (r is
flat in m for m ≪ m_μ: 1–10 MeV agree within the vegas errors). The uncertainty is the
interpolated vegas error ⊕ the linear-interpolation error of each axis, estimated from the
table's curvature (h²|r''|/4 per axis, scaled by 4s(1 − s) with s the position inside the cell: zero
on a node); validation/ww_domain_table.py checks it against exact runs between the nodes.

What organises r (docs/models.md §2, "Where WW holds"): the loss of nuclear coherence,
τ = t_min/t_d with t_min = m⁴/(4E²) the smallest momentum transfer that makes X and
t_d = 0.164 GeV² A^(−2/3) the nuclear-size scale (:func:`coherence_parameter`) — r is flat up to
τ ≈ 1 and falls beyond, at the same τ for every target and energy, with a residual dependence on
m/E — and, on the plateau, the nuclear momentum scale against the muon mass, t_d/m_μ² (1 − r =
0.4–1.8% on W and Pb, 1–5% on Fe and Cu, 2–9% on C), growing with x_min (the soft-muon end x → 1)
and falling slowly with E. WW is within 2% for W and Pb up to τ ≈ 1.5–3 at E ≥ 110 GeV.

Example
-------
>>> import numpy as np
>>> from mucast.units import GeV
>>> r, u, status = ww_correction("vector", np.array([0.1, 3.0]) * GeV, 15 * GeV, "W", 0.5)
>>> list(status)
['ww-holds', 'corrected']
>>> bool(0.70 < r[1] < 0.90)
True
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np

from mucast._io import data_path, read_text
from mucast.exceptions import DataFileError, InputError
from mucast.experiments.targets import Target
from mucast.processes.mediators.production import check_spin
from mucast.units import GeV

__all__ = ["TOLERANCE", "STATUSES", "TABLE", "WWCorrection", "coherence_parameter",
           "correction_factor", "cross_section_per_g2", "ww_correction"]

#: the stated tolerance of the WW approximation (docs/models.md): |σ_exact/σ_WW − 1| ≤ 2%
TOLERANCE = 0.02
STATUSES = ("ww-holds", "corrected", "outside")
#: the shipped table (relative to mucast/data)
TABLE = "production/ww_correction.csv"
_X_MIN_MAX = 0.8


@dataclass(frozen=True)
class WWCorrection:
    """exact/WW ratio, its 1σ uncertainty and status per mass (arrays of the masses' shape);
    ``reason``: one line per mass ("" unless status is "outside"). Unpacks as
    ``ratio, uncertainty, status = ww_correction(...)``."""

    ratio: np.ndarray
    uncertainty: np.ndarray
    status: np.ndarray
    reason: np.ndarray

    def __iter__(self):
        return iter((self.ratio, self.uncertainty, self.status))

    def to_dict(self) -> dict:
        return {"ratio": [None if not math.isfinite(v) else float(v) for v in np.ravel(self.ratio)],
                "uncertainty": [None if not math.isfinite(v) else float(v)
                                for v in np.ravel(self.uncertainty)],
                "status": [str(s) for s in np.ravel(self.status)],
                "reason": [str(s) for s in np.ravel(self.reason)]}


def coherence_parameter(mass, energy, target):
    """τ = t_min/t_d = m⁴/(4E² t_d) (dimensionless, vectorised over mass): the smallest momentum
    transfer that produces X (a heavy nucleus at rest, x → 1) over the nuclear-size scale of the
    elastic form factor (:attr:`mucast.experiments.targets.Target.t_d`). τ ≪ 1: the nucleus
    scatters coherently over the whole t range that makes X; τ ≳ 1: G2(t_min) is suppressed by
    (1 + τ)⁻² and the WW flux, which takes t_min from the q² = 0 kinematics, overestimates."""
    tgt = target if isinstance(target, Target) else Target.from_name(target)
    m = np.asarray(mass, dtype=float)
    return m**4 / (4.0 * float(energy) ** 2 * tgt.t_d)


# ----------------------------------------------------------------------------------------------
# the table
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Grid:
    x_min: np.ndarray              # (nx,)
    log_e: np.ndarray              # (ne,)  ln(E/GeV)
    log_m: np.ndarray              # (nm,)  ln(m/GeV)
    targets: dict                  # name -> (Z, A)
    cube: dict                     # (spin, target) -> dict of (nx, ne, nm) arrays


def _curvature(r, ok, axis_values):
    """h²|r''|/4 along the last axis (twice the linear-interpolation error at a cell midpoint):
    r'' from three consecutive measured nodes around each node (the nearest such triple at the
    ends of a line), h the larger of their two spacings; 0 where a line has < 3 measured nodes."""
    out = np.zeros(r.shape)
    x = np.asarray(axis_values, float)
    for idx in np.ndindex(r.shape[:-1]):
        good = np.flatnonzero(ok[idx])
        if good.size < 3:
            continue
        v, xs = r[idx][good], x[good]
        for k, j in enumerate(good):
            c = min(max(k, 1), good.size - 2)
            h1, h2 = xs[c] - xs[c - 1], xs[c + 1] - xs[c]
            f2 = 2.0 * ((v[c + 1] - v[c]) / h2 - (v[c] - v[c - 1]) / h1) / (h1 + h2)
            out[idx + (j,)] = max(h1, h2) ** 2 * abs(f2) / 4.0
    return out


@functools.lru_cache(maxsize=1)
def _grid() -> _Grid:
    text = read_text(data_path(TABLE))
    lines = [ln for ln in text.splitlines() if ln.strip()]
    rtol_lines = [ln for ln in lines if ln.startswith("# rtol:")]
    rows = [ln.split(",") for ln in lines if not ln.startswith("#")]
    try:
        rtol = float(rtol_lines[0].split(":")[1].split()[0])
        head = rows[0]
        if head[:4] != ["spin", "target", "x_min", "energy_GeV"]:
            raise ValueError(f"header {','.join(head[:4])}")
        ms = [float(v) for v in head[4:]]
        xs = sorted({float(r[2]) for r in rows[1:]})
        es = sorted({float(r[3]) for r in rows[1:]})
    except (IndexError, ValueError) as exc:
        raise DataFileError(f"{TABLE}: malformed ({exc})") from None
    ix = {v: i for i, v in enumerate(xs)}
    ie = {v: i for i, v in enumerate(es)}
    shape = (len(xs), len(es), len(ms))
    ratio, codes = {}, {}
    for r in rows[1:]:
        if len(r) != 4 + len(ms):
            raise DataFileError(f"{TABLE}: row {','.join(r[:4])} has {len(r)} fields, not {4 + len(ms)}")
        key = (r[0], r[1])
        if key not in ratio:
            ratio[key] = np.full(shape, np.nan)
            codes[key] = np.full(shape, "", dtype=object)
        at = (ix[float(r[2])], ie[float(r[3])])
        ratio[key][at] = [float(v) if v not in ("", "f", "p", "n") else np.nan for v in r[4:]]
        codes[key][at] = [v if v in ("", "f", "p", "n") else "ok" for v in r[4:]]
    cube = {}
    lm, le = np.log(ms), np.log(es)
    for key, rr in ratio.items():
        ok = np.isfinite(rr)
        curv_m = _curvature(rr, ok, lm)
        curv_e = np.moveaxis(_curvature(np.moveaxis(rr, 1, -1), np.moveaxis(ok, 1, -1), le), -1, 1)
        cube[key] = {"ratio": rr, "ok": ok, "stat": rtol * np.nan_to_num(rr),
                     "curv_m": curv_m, "curv_E": curv_e, "code": codes[key]}
    targets = {}
    for name in sorted({k[1] for k in ratio}):
        t = Target.from_name(name)
        targets[name] = (t.Z, t.A)
    return _Grid(np.array(xs), le, lm, targets, cube)


def _cell(nodes, v):
    """(lower index, fraction s in [0, 1]) of v on sorted nodes; index −1 where outside."""
    i = np.searchsorted(nodes, v, side="right") - 1
    i = np.where(v == nodes[-1], len(nodes) - 2, i)
    inside = (i >= 0) & (i <= len(nodes) - 2)
    ic = np.clip(i, 0, len(nodes) - 2)
    s = (v - nodes[ic]) / (nodes[ic + 1] - nodes[ic])
    return np.where(inside, ic, -1), np.clip(s, 0.0, 1.0)


def _target_name(target, grid):
    tgt = target if isinstance(target, Target) else Target.from_name(target)
    for name, (Z, A) in grid.targets.items():
        if tgt.Z == Z and abs(tgt.A - A) <= 1e-6 * A:
            return name, tgt
    return None, tgt


def ww_correction(spin, mass, energy, target, x_min=None) -> WWCorrection:
    """exact/WW ratio of σ(μN → μN X; x ≥ x_min), its 1σ uncertainty and status, vectorised
    over ``mass`` (module doc).

    Parameters
    ----------
    spin : "vector", "axial", "scalar", "pseudoscalar" (or V, A, S, P);
    mass : mediator mass(es) [energy, hepunits], scalar or array;
    energy : beam energy [energy];  target : name or :class:`~mucast.experiments.targets.Target`
        (matched to a tabulated target by Z and A);
    x_min : start of the signal region in x = E_X/E (None or 0: the whole range).

    Returns :class:`WWCorrection` (unpacks as ``ratio, uncertainty, status``), arrays of the
    shape of ``mass``; NaN ratio and uncertainty where the status is "outside".
    """
    spin = check_spin(spin)
    m = np.asarray(mass, dtype=float)
    if not np.all(np.isfinite(m)) or not np.all(m > 0):
        raise InputError(f"mass must be finite and > 0 GeV, got {m / GeV!r}")
    if isinstance(energy, bool) or not isinstance(energy, numbers.Real) or not (
            math.isfinite(energy) and float(energy) > 0):
        raise InputError(f"energy must be finite and > 0 GeV, got {energy!r}")
    xm = 0.0 if x_min is None else x_min
    if isinstance(xm, bool) or not isinstance(xm, numbers.Real) or not 0 <= float(xm) < 1:
        raise InputError(f"x_min must be in [0, 1) (energy fraction of X), got {x_min!r}")
    grid = _grid()
    shape = m.shape
    flat = np.atleast_1d(m).ravel()
    n = flat.size
    ratio = np.full(n, np.nan)
    unc = np.full(n, np.nan)
    status = np.full(n, "outside", dtype=object)
    reason = np.full(n, "", dtype=object)

    def done(why):
        reason[:] = why
        return WWCorrection(ratio.reshape(shape), unc.reshape(shape), status.reshape(shape),
                            reason.reshape(shape))

    name, tgt = _target_name(target, grid)
    if name is None or (spin, name) not in grid.cube:
        return done(f"WW correction table has no target with Z = {tgt.Z}, A = {tgt.A:g}"
                    f" (tabulated: {', '.join(grid.targets)})")
    e_gev = float(energy) / GeV
    le = math.log(e_gev)
    if not grid.log_e[0] - 1e-12 <= le <= grid.log_e[-1] + 1e-12:
        return done(f"WW correction table covers beam energies {math.exp(grid.log_e[0]):g}–"
                    f"{math.exp(grid.log_e[-1]):g} GeV, not {e_gev:g} GeV")
    xm = float(xm)
    if xm > _X_MIN_MAX:
        return done(f"WW correction table covers x_min <= {_X_MIN_MAX}, not {xm:g}")
    c = grid.cube[(spin, name)]
    # x_min and ln E: scalar cells
    jx, sx = _cell(grid.x_min, np.array([float(xm)]))
    je, se = _cell(grid.log_e, np.array([min(max(le, grid.log_e[0]), grid.log_e[-1])]))
    jx, sx, je, se = int(jx[0]), float(sx[0]), int(je[0]), float(se[0])
    # ln m (clamped below the first node: r is flat for m << m_mu)
    lm = np.log(np.maximum(flat / GeV, math.exp(grid.log_m[0])))
    jm, sm = _cell(grid.log_m, lm)
    inside_m = jm >= 0
    jmc = np.where(inside_m, jm, 0)
    acc = {k: np.zeros(n) for k in ("ratio", "stat", "curv_m", "curv_E")}
    ok = inside_m.copy()
    for dx, wx in ((0, 1.0 - sx), (1, sx)):
        for de, we in ((0, 1.0 - se), (1, se)):
            for dm in (0, 1):
                wm = np.where(dm == 0, 1.0 - sm, sm)
                idx = (jx + dx, je + de, jmc + dm)
                w = wx * we * wm
                ok &= c["ok"][idx] | (w == 0.0)      # corners of zero weight need not exist
                for k in acc:
                    acc[k] = acc[k] + w * np.nan_to_num(c[k][idx])
    # curvature along x_min from the three x_min nodes at the same (E, m) corners (h²|r''|/4)
    rx = np.stack([(1.0 - se) * ((1.0 - sm) * c["ratio"][(i, je, jmc)]
                                 + sm * c["ratio"][(i, je, jmc + 1)])
                   + se * ((1.0 - sm) * c["ratio"][(i, je + 1, jmc)]
                           + sm * c["ratio"][(i, je + 1, jmc + 1)])
                   for i in range(len(grid.x_min))])
    xs = grid.x_min
    if len(xs) >= 3:
        h1, h2 = xs[1] - xs[0], xs[2] - xs[1]
        f2 = 2.0 * ((rx[2] - rx[1]) / h2 - (rx[1] - rx[0]) / h1) / (h1 + h2)
        curv_x = max(h1, h2) ** 2 * np.abs(np.nan_to_num(f2)) / 4.0
    else:  # pragma: no cover - the shipped table has three x_min nodes
        curv_x = np.zeros(n)
    u = np.sqrt(acc["stat"] ** 2 + (4.0 * sm * (1.0 - sm) * acc["curv_m"]) ** 2
                + (4.0 * se * (1.0 - se) * acc["curv_E"]) ** 2
                + (4.0 * sx * (1.0 - sx) * curv_x) ** 2)
    ratio[ok] = acc["ratio"][ok]
    unc[ok] = u[ok]
    holds = ok & (np.abs(acc["ratio"] - 1.0) + u <= TOLERANCE)
    status[ok] = "corrected"
    status[holds] = "ww-holds"
    top = math.exp(grid.log_m[-1])
    why = {"f": "the exact/WW ratio falls below 0.05 there (WW off by more than 20x)",
           "p": (f"the process is closed there for a nucleus of mass {tgt.atomic_mass / GeV:.4g} GeV"
                 " (m + M_N + m_mu >= sqrt(s); WW takes the nucleus infinitely heavy)"),
           "n": "the exact integration did not converge there",
           "": f"masses above 0.7 E = {0.7 * e_gev:g} GeV are not tabulated"}
    for i in np.flatnonzero(~ok):
        mi = flat[i] / GeV
        if not inside_m[i]:
            reason[i] = (f"m = {mi:.6g} GeV is above the WW correction table's last mass"
                         f" ({top:g} GeV): use the exact engine")
            continue
        corner = set()
        for dx in (0, 1):
            for de in (0, 1):
                for dm in (0, 1):
                    code = c["code"][(jx + dx, je + de, jm[i] + dm)]
                    if code != "ok":
                        corner.add(code)
        first = sorted(corner, key=lambda k: "fpn".find(k) if k else 9)[0] if corner else ""
        reason[i] = (f"m = {mi:.6g} GeV at {e_gev:g} GeV on {name} is outside the WW correction"
                     f" table: {why.get(first, why[''])}; use the exact engine")
    return WWCorrection(ratio.reshape(shape), unc.reshape(shape), status.reshape(shape),
                        reason.reshape(shape))


def correction_factor(ratio, uncertainty, status):
    """The factor mucast multiplies a WW cross section by, and its relative doubt (arrays).

    With e = |r − 1| + uncertainty (the bound on WW's error that decides "ww-holds"), WW is
    kept as is where e ≤ TOLERANCE — exactly where the status is "ww-holds", so the NA64μ data
    sets' numbers do not move —, fully corrected where e ≥ 2·TOLERANCE, and the correction
    phases in between with a smoothstep in e, so that σ stays continuous in the mass (a step of
    up to 2% inside a Chebyshev-tabulated σ_X(k) would ring through its panel). The doubt is the
    correction's uncertainty where it is applied plus what the blend leaves out, |factor − r|
    (≤ 2·TOLERANCE). "outside": factor 1 and doubt NaN (the caller decides).
    """
    r = np.nan_to_num(np.asarray(ratio, dtype=float), nan=1.0)
    u = np.nan_to_num(np.asarray(uncertainty, dtype=float))
    out = np.asarray(status) == "outside"
    e = np.abs(r - 1.0) + u
    s = np.clip((e - TOLERANCE) / TOLERANCE, 0.0, 1.0)
    blend = s * s * (3.0 - 2.0 * s)
    factor = np.where(out, 1.0, 1.0 + (r - 1.0) * blend)
    doubt = np.where(out, np.nan, u * blend + np.abs(factor - r) * (blend > 0))
    return factor, doubt


def _exact_sigma(spin, m, energy, target, x_min, theta_max, alpha, etl_rtol, seed, index,
                 notes=None):
    """σ(x ≥ x_min)/g² [area] and its error for masses ``m`` by the exact engine (vegas, mass
    ``index[i]`` seeded with ``seed + index[i]``); 0 where the process is closed. Where the
    engine says it stopped above ``etl_rtol`` (its result's warnings), notes[index[i]] gets
    ("etl-rtol", the relative error reached)."""
    from mucast.exceptions import KinematicsError
    from mucast.processes.mediators import exact
    vals, errs = [], []
    for i, mi in zip(index, m, strict=True):
        try:
            r = exact.cross_section(spin, float(mi), 1.0, energy, target, x_min=x_min,
                                    theta_max=theta_max, rtol=etl_rtol, seed=seed + int(i),
                                    alpha=alpha)
            vals.append(r.value)
            errs.append(r.uncertainty)
            if notes is not None and r.warnings:
                notes[int(i)].append(("etl-rtol", float(r.uncertainty / r.value)))
        except KinematicsError:
            vals.append(0.0)
            errs.append(0.0)
    return np.array(vals), np.array(errs)


def cross_section_per_g2(masses, energy, target, approx="auto", x_min=None, theta_max=0.1,
                         t_max="E2", alpha=None, spin="vector", etl_rtol=0.005, seed=0,
                         notes=None):
    """σ(μN → μN X; x ≥ x_min)/g² [area] and its error for an array of masses, by ``approx``:

    * "auto": WW (:func:`mucast.processes.mediators.production.cross_section_per_g2`) where it
      is within its stated 2% of the exact tree level; WW × :func:`correction_factor` where the
      table has the point and WW is off by more; the exact engine (vegas, ``etl_rtol``) where
      the table cannot say ("outside": a beam, target or mass it does not have). Conventions other
      than θ ≤ 0.1 rad, t_max = E², α(0) leave WW unchecked (the table was made with those);
    * "ww" (or "iww"): WW as is (with "ww" and the table's conventions, a ("ww-off", |WW/exact
      − 1| + its error) note where that exceeds the stated 2%, ("ww-unchecked", None) where the
      table cannot say);  "etl": the exact engine for every mass.

    ``notes``: one list per mass, to which ("ww-corrected", |factor − 1|), ("exact-used", None)
    or ("ww-unchecked", None) is appended (mucast.inference.notes)."""
    from mucast.constants import ALPHA
    from mucast.processes.mediators import production as _prod
    alpha = ALPHA if alpha is None else alpha
    m = np.atleast_1d(np.asarray(masses, dtype=float))
    if approx == "etl":
        return _exact_sigma(spin, m, energy, target, x_min, theta_max, alpha, etl_rtol, seed,
                            range(len(m)), notes)
    v, e = _prod.cross_section_per_g2(m, energy, target, "ww" if approx == "auto" else approx,
                                      x_min, theta_max, t_max, alpha, spin=spin)
    table_conventions = (float(theta_max), t_max, float(alpha)) == (0.1, "E2", float(ALPHA))
    if approx == "ww" and notes is not None and table_conventions:
        # WW as asked: the number stays WW's, but where the table knows it is off by more than
        # its stated 2%, the user is told by how much (never a silent doubt)
        corr = ww_correction(spin, m, energy, target, x_min)
        off = np.abs(np.nan_to_num(corr.ratio, nan=1.0) - 1.0) + np.nan_to_num(corr.uncertainty)
        for i in range(len(m)):
            if corr.status[i] == "outside":
                notes[i].append(("ww-unchecked", None))
            elif off[i] > TOLERANCE:
                notes[i].append(("ww-off", float(off[i])))
    if approx != "auto":
        return v, e
    if not table_conventions:
        for i in range(len(m)):
            if notes is not None:
                notes[i].append(("ww-unchecked", None))
        return v, e
    corr = ww_correction(spin, m, energy, target, x_min)
    factor, doubt = correction_factor(*corr)
    out = np.flatnonzero(corr.status == "outside")
    v = v * factor
    e = e * factor + v * np.nan_to_num(doubt)
    if notes is not None:
        for i in np.flatnonzero(factor != 1.0):
            notes[i].append(("ww-corrected", float(abs(factor[i] - 1.0))))
        for i in out:
            notes[i].append(("exact-used", None))
    if out.size:
        v[out], e[out] = _exact_sigma(spin, m[out], energy, target, x_min, theta_max, alpha,
                                      etl_rtol, seed, out, notes)
    return v, e
