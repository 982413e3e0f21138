"""Layer 4: coupling limits for any mediator model (mucast.models.mediator), on and off shell,
with decays in flight — the generalisation of seed 001's Eq. (1) and Fig. 4. The expected
signal for (m, g) is :mod:`mucast.inference.mediator_yields`; this module finds the couplings
it excludes.

Statistics: :func:`mucast.inference.stats.upper_limit` with the data set's n, b and
uncertainties (seed 001: n = 0, b = 0.07 ± 0.03, 8% signal and 1% MOT systematics); the default
method is seed 001's, ``cls-asymptotic``, which under-covers at these counts and says so in every
result (use ``fc`` or ``cls-exact``).

Couplings: on shell σ ∝ g_μ² and Br depends on g only through Γ_vis/Γ_χ, so N(g) = N_up is a
quadratic in g² (:func:`_solve_onshell`): one root, or none where the yield saturates below N_up
(a dark sector whose width does not grow with g, while the visible widths do: "no limit"). Off
shell N(g) is monotonic and g is found by Brent's method in ln g; for ``parameter = "dark"`` (the
millicharge) N ∝ g² exactly. Every mass ends with a status and notes (mucast.inference.notes):
the result's warnings name each mass without a limit and why.
"""

from __future__ import annotations

from typing import Any

import math
from dataclasses import dataclass, field, replace

import numpy as np

from mucast import __version__
from mucast._validate import real_number
from mucast.constants import ALPHA
from mucast.exceptions import EmptyIntervalError, InputError, KinematicsError, UnknownNameError
from mucast.experiments.selection import SignalSetup, setup
from mucast.inference import stats
from mucast.inference.mediator_yields import (  # noqa: F401  (re-exported: one API for both)
    DECAYS, DEFAULT_METHOD, PRODUCTIONS, MediatorYield, default_decays, efficiency, events_limit,
    events_upper_limit, final_efficiency, point_model, resolve_decays, sigma_signal_region,
    signal_yield, yield_per_g2)
from mucast.inference.mediator_yields import (_check_narrow, _check_reach, _choose_production,
                                              _declared, _has_invisible_channel, _masses,
                                              _onshell_possible, _pair_yield, _weight)
from mucast.inference import decays as _dec  # noqa: F401  (the decays-in-flight notes' sizes)
from mucast.inference.regions import G_MAX, G_MIN, _regions  # noqa: F401  (G_MIN re-exported)
from mucast.inference.notes import warnings_for
from mucast.models.mediator import MediatorModel, get_model
from mucast.processes.mediators import offshell as _off
from mucast.processes.mediators import policy as _pol
from mucast.processes.mediators.policy import OFFSHELL_FAIL, OFFSHELL_RTOL
from mucast.units import GeV

__all__ = ["DEFAULT_METHOD", "PRODUCTIONS", "MediatorLimit", "MediatorLimitScan", "SignalSetup",
           "coupling_limit", "coupling_limit_scan", "efficiency", "events_limit",
           "final_efficiency", "legacy_zprime_model", "setup", "signal_yield", "thermal_y",
           "yield_per_g2"]

LIMIT_METHODS = stats.METHODS
#: seed 001: g_χ = 5·10⁻² and m_Z′ = 3 m_χ for the thermal-DM benchmark
DEFAULT_G_CHI = 5e-2
DEFAULT_MASS_RATIO = 3.0        # m_X/m_chi


# ----------------------------------------------------------------------------------------------
# models and checks
# ----------------------------------------------------------------------------------------------
def legacy_zprime_model(model="vanilla", g_chi=None, m_chi=None, chi_type="dirac") -> MediatorModel:
    """The L_μ−L_τ models of ``limit zprime`` (mucast ≤ 0.2): "vanilla" (invisible through ν_μ,
    ν_τ) and "dark" (plus χ of type ``chi_type`` with g_χ = 0.05 and m_χ = m_Z′/3 unless given,
    seed 001). ``m_chi`` [energy]."""
    if model not in ("vanilla", "dark"):
        raise UnknownNameError(f"model must be 'vanilla' or 'dark', got {model!r}")
    base = get_model("lmu-ltau")
    if model == "vanilla":
        if g_chi is not None or m_chi is not None:
            raise InputError(f"g_chi and m_chi apply to model='dark' only, not to {model!r}")
        return base
    kind = {"dirac": "dirac", "scalar": "scalar"}.get(chi_type, chi_type)
    gc = DEFAULT_G_CHI if g_chi is None else g_chi
    if m_chi is None:
        return base.with_dark(kind, g_chi=gc, mass_ratio=DEFAULT_MASS_RATIO)
    return base.with_dark(kind, g_chi=gc, m_chi=float(np.asarray(m_chi, float)))


# ----------------------------------------------------------------------------------------------
# coupling limits
# ----------------------------------------------------------------------------------------------
#: an off-shell root is accepted from the Newton steps of _solve_offshell_point where
#: |ln(N/N_up)| is below this (Brent's xtol of 1e-9 in ln g is ~2e-9 in ln N)
_NEWTON_FTOL = 2e-10


def _solve_onshell(model, n_up, y1, masses):
    """On shell: g with g_μ(g)² y1 Br(m, g) = n_up, in closed form (vectorised; y1 > 0).

    Every SM width of a model is g² times its value at g = 1 (tree level and loops alike) and
    the dark width does not depend on g (``parameter = "sm"``), so with u = g², V₁ (visible),
    N₁ (invisible SM: neutrinos) the SM widths at g = 1 and C the dark width,

        N(u) = q² y1 u (C + u N₁)/(C + u (N₁ + V₁)),

    monotonic in u, and N(u) = n_up is the quadratic q²y1N₁ u² + (q²y1C − n_up(N₁+V₁)) u −
    n_up C = 0 (one positive root). Without neutrinos (N₁ = 0) N saturates at q²y1C/V₁ as
    g → ∞: below n_up no coupling is excluded. Returns (g, Br at g, n_max): g = inf and n_max
    the saturated yield where no limit exists (n_max = nan elsewhere). Checked against 0.2's
    fixed-point iteration (tests/regression) and brute-force root finding (tests)."""
    q2 = model.production_charge ** 2
    m = np.asarray(masses, float)
    y = q2 * np.asarray(y1, float)
    n_max = np.full(m.shape, np.nan)
    if model.invisible and model.dark is None:                 # declared: Br = 1
        return np.sqrt(n_up / y), np.ones(m.shape), n_max
    C = np.asarray(model.invisible_width(m, 0.0), float)
    inv1 = np.asarray(model.invisible_width(m, 1.0), float)
    N1 = inv1 - C
    V1 = np.asarray(model.total_width(m, 1.0), float) - inv1
    tot2 = np.asarray(model.total_width(m, 2.0), float)
    if not np.allclose(tot2, C + 4.0 * (N1 + V1), rtol=1e-9, atol=0.0):
        raise KinematicsError(f"model {model.name}: its SM widths do not scale as g^2; the"
                              " on-shell limit needs that (give a dark sector and use"
                              " production 'off-shell')")
    a = y * N1
    b = y * C - n_up * (N1 + V1)
    c = -n_up * C
    u = np.full(m.shape, np.inf)
    quad = a > 0
    if np.any(quad):
        disc = np.sqrt(b[quad] ** 2 - 4.0 * a[quad] * c[quad])
        qq = -0.5 * (b[quad] + np.copysign(disc, b[quad]))      # stable roots: qq/a, c/qq
        with np.errstate(divide="ignore", invalid="ignore"):
            r1 = qq / a[quad]
            r2 = np.where(qq != 0, c[quad] / qq, -np.inf)
        u[quad] = np.maximum(r1, r2)
    lin = ~quad
    den = y * C - n_up * V1                                     # N₁ = 0: linear in u
    ok_lin = lin & (den > 0)
    u[ok_lin] = n_up * C[ok_lin] / den[ok_lin]
    sat = lin & ~(den > 0)
    n_max[sat] = np.where(V1[sat] > 0, y[sat] * C[sat] / np.where(V1[sat] > 0, V1[sat], 1.0), 0.0)
    g = np.sqrt(u)
    br = np.full(m.shape, np.nan)
    fin = np.isfinite(g)
    if np.any(fin):
        br[fin] = model.branching_invisible(m[fin], g[fin])
    return g, br, n_max


def _solve_offshell_point(model, n_up, m, s, theta_max, t_max, alpha, approx="auto"):
    """Off shell, one mass: (g, relative doubt of the yield at g, status, note value).

    N(g) rises with g (the resonance's area is g² Br(g) and the continuum ∝ g² Γ_inv), so g is
    bracketed in ln g from the g = 1 yield's estimate and found by Brent's method (ln g to
    1e-10). status "ok"; "no-efficiency" where N(1) = 0; "no-limit" (value G_MAX) where
    N(G_MAX) < n_up. For ``parameter = "dark"`` (the millicharge) N ∝ g² exactly.

    ln N is nearly linear in ln g (∝ g² for a narrow resonance, a little steeper where the
    width grows with g), so secant steps in (ln g, ln N) from g = 1 and the g² guess land on the
    root in three or four yields; a step is accepted only where |ln(N/n_up)| < 2e-10 (the root
    to Brent's precision; N rises with g, so that root is the only one); otherwise the
    bracketing and Brent's method below start from where the steps stopped."""
    from scipy.optimize import brentq
    cache = {}

    def yld(lng):
        if lng not in cache:
            cache[lng] = _pair_yield(model, m, math.exp(lng), s, theta_max, t_max, alpha,
                                     with_error=False, approx=approx)[0]
        return cache[lng]

    def doubt(lng):
        return _pair_yield(model, m, math.exp(lng), s, theta_max, t_max, alpha,
                           approx=approx)[1]

    n1 = yld(0.0)
    if not n1 > 0:
        return math.inf, math.inf, "no-efficiency", None
    if model.parameter == "dark":
        return math.sqrt(n_up / n1), doubt(0.0), "ok", None
    lo = hi = 0.5 * math.log(n_up / n1)
    top = math.log(G_MAX)
    lo = min(lo, top)

    def f(lng):
        v = yld(lng)
        return math.log(v / n_up) if v > 0 else -math.inf

    # secant steps in (ln g, ln N), from g = 1 and the g² guess
    xp, fp, x = 0.0, math.log(n1 / n_up), lo
    for _ in range(6):
        fx = f(x)
        if not math.isfinite(fx):
            break
        if abs(fx) < _NEWTON_FTOL:
            return math.exp(x), doubt(x), "ok", None
        slope = (fx - fp) / (x - xp) if x != xp else 2.0
        if not slope > 0:
            break
        xp, fp, x = x, fx, x - fx / slope
        if not x < top:
            break
    lo = hi = min(x, top)

    while f(lo) > 0:
        lo -= 2.0
        if lo < math.log(1e-12):
            return math.exp(lo), doubt(lo), "ok", None      # pragma: no cover - absurd yields
    hi = min(max(hi, lo) + 1.0, top)
    while f(hi) < 0:
        if hi >= top:
            return math.inf, math.inf, "no-limit", G_MAX
        hi = min(hi + 2.0, top)
    root = brentq(f, lo, hi, xtol=1e-9, rtol=1e-12)
    return math.exp(root), doubt(root), "ok", None


@dataclass(frozen=True)
class MediatorLimit:
    """Upper limit on the coupling g at one mass (90% CL by default).

    ``coupling``: g_up (None where no coupling is excluded: ``status`` "no-limit", or where no
    calculation holds: "failed"; the warnings say why); ``n_up``: limit on signal events;
    ``yield_at_g1``: N/(g_μ² Br) on shell (None off shell); ``branching_invisible`` at g_up (on
    shell); ``production``: "on-shell" or "off-shell"; ``y``: thermal-DM variable
    (g_χ g)²(m_χ/m)⁴ for models with a dark sector.
    """

    coupling: float | None
    mass: float
    n_up: float
    yield_at_g1: float | None
    yield_error: float | None
    branching_invisible: float | None
    dataset: str
    model: str
    method: str
    cl: float
    production: str = "on-shell"
    g_chi: float | None = None
    m_chi: float | None = None
    version: str = field(default=__version__)
    inputs: dict | None = field(default=None, compare=False)
    warnings: tuple = ()
    status: str = "ok"
    coupling_upper: float | None = None
    decays: str = "invisible"
    decays_by_region: dict | None = field(default=None, compare=False)

    @property
    def y(self) -> float | None:
        if self.g_chi is None or self.m_chi is None or self.coupling is None:
            return None
        return float(thermal_y(self.coupling, self.g_chi, self.m_chi, self.mass))

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"coupling": self.coupling, "coupling_upper": self.coupling_upper,
             "mass_GeV": self.mass / GeV,
             "n_up": self.n_up if math.isfinite(self.n_up) else None, "decays": self.decays,
             "yield_at_g1": self.yield_at_g1, "yield_error_at_g1": self.yield_error,
             "branching_invisible": self.branching_invisible, "production": self.production,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "status": self.status, "mucast_version": self.version,
             "warnings": list(self.warnings)}
        if self.g_chi is not None and self.m_chi is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": self.m_chi / GeV, "y": self.y})
        if self.decays_by_region is not None:
            d["decays_by_region"] = self.decays_by_region
        if self.inputs is not None:
            d["inputs"] = self.inputs
        return d


@dataclass(frozen=True)
class MediatorLimitScan:
    """Limits for many masses. ``coupling`` is ``inf`` where there is no limit; ``status`` says
    why per mass (mucast.inference.notes.STATUSES) and ``notes`` holds each mass's (code, value)
    pairs, from which ``warnings`` is made; ``valid`` marks the finite entries; ``production``
    per mass. With decays in flight the excluded couplings are [coupling, coupling_upper]."""

    masses: np.ndarray
    coupling: np.ndarray
    yield_at_g1: np.ndarray
    branching_invisible: np.ndarray
    n_up: float
    dataset: str
    model: str
    method: str
    cl: float
    production: np.ndarray | None = None
    g_chi: float | None = None
    m_chi: np.ndarray | None = None
    version: str = field(default=__version__)
    warnings: tuple = ()
    model_spec: dict | None = field(default=None, compare=False)
    yield_error: np.ndarray | None = field(default=None, compare=False)
    status: np.ndarray | None = field(default=None, compare=False)
    notes: tuple = field(default=(), compare=False)
    #: the upper edge of the excluded region (decays in flight): inf where it does not close
    #: within the couplings considered (G_MAX), or with decays "invisible"
    coupling_upper: np.ndarray | None = field(default=None, compare=False)
    decays: str = "invisible"
    #: per mass, the expected decays of X in each region at the lower edge (decays "computed")
    decays_by_region: tuple = field(default=(), compare=False)

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.coupling)

    @property
    def y(self) -> np.ndarray | None:
        if self.g_chi is None or self.m_chi is None:
            return None
        return thermal_y(self.coupling, self.g_chi, self.m_chi, self.masses)

    def to_dict(self) -> dict:
        """JSON-ready: one entry per mass, every mass kept (as in the curves' JSON): ``coupling``
        null where no coupling is excluded (``status`` says why, the warnings name the mass),
        ``coupling_upper`` the upper edge of the excluded region (null where it stays open or
        with decays "invisible"); ``mass_GeV_with_limit``: the masses with a limit (what
        ``mass_GeV`` held before this JSON kept every mass)."""
        ok = self.valid
        n = len(self.masses)
        up = self.coupling_upper if self.coupling_upper is not None else np.full(n, np.inf)
        d = {"mass_GeV": (self.masses / GeV).tolist(), "coupling": _nulls(self.coupling),
             "coupling_upper": _nulls(up),
             "status": ([str(v) for v in self.status] if self.status is not None else
                        ["ok" if v else "no-limit" for v in ok]),
             "yield_at_g1": _nulls(self.yield_at_g1),
             "branching_invisible": _nulls(self.branching_invisible),
             "mass_GeV_with_limit": (self.masses[ok] / GeV).tolist(),
             "n_up": self.n_up if math.isfinite(self.n_up) else None, "decays": self.decays,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "mucast_version": self.version, "warnings": list(self.warnings)}
        if self.yield_error is not None:
            d["yield_error_at_g1"] = _nulls(self.yield_error)
        if self.production is not None:
            d["production"] = [str(p) for p in self.production]
        y = self.y
        if self.g_chi is not None and self.m_chi is not None and y is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": (self.m_chi / GeV).tolist(),
                      "y": _nulls(np.where(ok, y, np.nan))})
        return d


def _nulls(a) -> list:
    """A float array as a JSON list with null where it is not finite (no limit, not computed)."""
    return [float(v) if math.isfinite(v) else None for v in np.asarray(a, float)]


def coupling_limit_scan(model, masses, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                        production="auto", approx="auto", theta_max=0.1, t_max="E2",
                        alpha=ALPHA, label=None, seed=0, etl_rtol=0.005,
                        decays=None) -> MediatorLimitScan:
    """Upper limits on the model's coupling for an array of masses (module doc): one vectorised
    cross-section pass for the on-shell masses, one k² integral per off-shell mass.
    ``approx``: "auto" (default: WW where it holds within its stated 2% of the exact tree
    level, the shipped exact/WW correction or the exact engine where not — NA64μ's data sets are
    inside the 2% everywhere; :func:`mucast.inference.mediator_yields._sigma_signal`), "ww" (WW as
    is) or "etl" (the exact σ for the on-shell masses: vegas, requested relative error
    ``etl_rtol``, mass i seeded with ``seed + i``).

    Every mass ends with a status (:data:`mucast.inference.notes.STATUSES`) and notes that
    become the result's warnings (:func:`mucast.inference.notes.warnings_for`): where the
    efficiency tables end, where no coupling is excluded, where a calculation's doubt is stated.

    ``decays``: "computed" (the model's complete widths; a visible decay counts as signal where
    it happens beyond the last vetoing detector, mucast.inference.decays: the excluded couplings
    become a region [coupling, coupling_upper]), "invisible" (X counted as decaying invisibly
    with Br from the widths, or 1 for a model declared invisible; visible decays are prompt and
    vetoed) or None: the model's default (:func:`default_decays`).

    Example
    -------
    >>> import numpy as np
    >>> from mucast.units import GeV
    >>> r = coupling_limit_scan("lmu-ltau", np.geomspace(0.01, 1, 5) * GeV, "2022")
    >>> bool(np.all(r.coupling < 1e-2))
    True
    """
    model = get_model(model)
    s = setup(dataset)
    m = _masses(masses, s)
    _check_reach(model, m, s)
    if model.production == "photon-fusion" and float(theta_max) != 0.1:
        raise InputError(f"theta_max does not apply to {model.name}: photon fusion on the"
                         " nucleus is integrated over every ALP angle (docs/alps.md)")
    decays = resolve_decays(model, decays, s)
    if decays == "computed" and model.invisible:
        model = replace(model, invisible=False)        # the widths decide, not a declaration
    try:
        lim = events_limit(s, method, cl)
    except EmptyIntervalError as e:      # no interval, so no limit at any mass (notes.py)
        return _empty_interval_scan(model, s, m, e, label, decays, production)
    n_up, method = lim.upper, lim.method
    n = m.shape[0]
    g = np.full(m.shape, np.inf)
    br = np.full(m.shape, np.nan)
    y1 = np.zeros(m.shape)
    y1e = np.zeros(m.shape)
    status = np.full(m.shape, "ok", dtype=object)
    notes: list[list[tuple]] = [[] for _ in range(n)]
    kin = (theta_max, t_max, alpha)
    # production decided at a representative coupling (g = 1e-3; refined below for "auto")
    prod = _choose_production(model, m, np.full(m.shape, 1e-3), production,
                              decays == "computed")
    if decays == "invisible" and not _declared(model) and not _has_invisible_channel(model):
        prod[:] = "on-shell"                   # nothing to compute: no invisible final state
        status[:] = "no-limit"
        for point in notes:
            point.append(("no-invisible", None))
    on = (prod == "on-shell") & (status == "ok")
    if np.any(on):
        idx = np.flatnonzero(on)
        sub: list[list] = [[] for _ in idx]
        y1[on], y1e[on] = yield_per_g2(m[on], s, approx, theta_max, t_max, alpha, model.spin,
                                       seed, etl_rtol, notes=sub, mechanism=model.production)
        for i, nts in zip(idx, sub, strict=True):
            notes[i].extend(nts)
        ok = on & (y1 > 0)
        if np.any(ok):
            g[ok], br[ok], n_max = _solve_onshell(model, n_up, y1[ok], m[ok])
            for i, v in zip(np.flatnonzero(ok), n_max, strict=True):
                if np.isfinite(v):
                    status[i] = "no-limit"
                    notes[i].append(("no-limit", float(v)))
        if not _declared(model):
            wide, failed = _check_narrow(model, m, g, on & np.isfinite(g), production, approx,
                                         s, n_up, notes, kin)
            status[failed] = "failed"
            g[failed], br[failed] = np.inf, np.nan
            if np.any(wide):
                prod = prod.copy()
                prod[wide] = "off-shell"
                g[wide], br[wide] = np.inf, np.nan
                for i in np.flatnonzero(wide):
                    notes[i] = []
    off = prod == "off-shell"
    if np.any(off) and approx == "etl":
        raise InputError("off-shell production is computed from WW (approx 'auto', with the"
                         " exact/WW correction, or 'ww'); use production='on-shell' where it"
                         " applies")
    if np.any(off) and approx == "auto":
        sx = _off.sigma_table(model.spin, s.energy, s.target, s.x_min, *kin, correct=True)
        for i in np.flatnonzero(off):
            if sx.correction == "applied":
                notes[i].append(("ww-corrected-pair", None))
            elif sx.correction == "unavailable":
                notes[i].append(("ww-unchecked", None))
    for i in np.flatnonzero(off):
        gi, doubt, st, value = _solve_offshell_point(model, n_up, float(m[i]), s, *kin, approx)
        if st != "ok":
            status[i] = st
            if st == "no-limit":
                notes[i].append(("no-limit-offshell", value))
            continue
        if doubt <= OFFSHELL_FAIL:
            g[i] = gi
            if doubt > OFFSHELL_RTOL:
                notes[i].append(("offshell-doubt", float(doubt)))
            continue
        # the pair integral cannot be trusted here (its doubt lies mostly beyond the end of the
        # efficiency tables): the narrow-width form, if its own doubt is known and small
        fall = None if production != "auto" else _narrow_fallback(model, float(m[i]), s, n_up,
                                                                  approx, seed, etl_rtol, kin)
        if fall is None:
            status[i] = "failed"
            notes[i].append(("failed", float(doubt)))
            continue
        g[i], br[i], y1[i], y1e[i], est = fall
        prod[i] = "on-shell"
        notes[i].append(("narrow-fallback", float(est)))
    g_up = np.full(m.shape, np.inf)
    by_region = [None] * n
    if decays == "computed":
        _regions(model, m, s, n_up, g, g_up, br, y1, y1e, status, prod, notes, by_region,
                 approx, seed, etl_rtol, kin)
    for i in np.flatnonzero(np.isfinite(g) & (g > 1.0)):
        notes[i].append(("large-coupling", float(g[i])))
    # where the coupling itself is small but X's effective coupling is not (a light axial
    # vector's longitudinal mode: 2 g m_f/m_X), and where the upper edge lies beyond where the
    # tree-level formulas hold (models.mediator.MediatorModel.perturbative_coupling)
    small = np.isfinite(g) & (g <= 1.0)
    y_lo = model.perturbative_coupling(m, np.where(small, g, 0.0))
    for i in np.flatnonzero(small & (y_lo > 1.0)):
        notes[i].append(("large-coupling-axial", float(y_lo[i])))
    closed = np.isfinite(g_up)
    y_up = model.perturbative_coupling(m, np.where(closed, g_up, 0.0))
    for i in np.flatnonzero(closed & (y_up > 1.0)):
        notes[i].append(("large-coupling-upper", float(y_up[i])))
    status[~np.isfinite(g) & (status == "ok")] = "no-efficiency"
    for i in np.flatnonzero(status == "no-efficiency"):
        if not any(c == "no-efficiency" for c, _ in notes[i]):
            notes[i].append(("no-efficiency", None))
    g_chi = None if model.dark is None or model.parameter == "dark" else model.dark.coupling
    m_chi = None if g_chi is None else np.broadcast_to(model.dark.masses(m)[0], m.shape)
    frozen = tuple(tuple(p) for p in notes)
    warnings = tuple(lim.warnings) + tuple(limit_warnings(model, s, m, frozen, n_up))
    return MediatorLimitScan(m, g, y1, br, n_up, s.name, label or model.name, method, float(cl),
                             prod, g_chi, None if m_chi is None else np.asarray(m_chi, float),
                             warnings=warnings, model_spec=model.to_dict(), yield_error=y1e,
                             status=status, notes=frozen, coupling_upper=g_up, decays=decays,
                             decays_by_region=tuple(by_region))


def _tables_text(model, s) -> str:
    """Where the data set's efficiency tables reach, in the variable the model's mass is: for
    the millicharge the tables are in the pair's mass 2 m_chi, so --mass (m_chi) reaches half."""
    lo = min(t.efficiency.x_min for t in s.triggers)
    hi = min(t.efficiency.x_max for t in s.triggers)
    tables = ", ".join(dict.fromkeys(f"{t.efficiency.x_min / GeV:g}-{t.efficiency.x_max / GeV:g}"
                                     " GeV" for t in s.triggers))
    if model.parameter == "dark":
        return (f"efficiency tables cover the invisible pair's mass 2 m_chi = {tables}, so m_chi"
                f" in {lo / 2 / GeV:g}-{hi / 2 / GeV:g} GeV")
    return "efficiency tables cover " + tables


def _empty_interval_scan(model, s, m, err, label, decays, production) -> MediatorLimitScan:
    """The scan where the statistical method has no interval for the data set's n and b
    (:class:`~mucast.exceptions.EmptyIntervalError`): every mass "failed" with the note
    "empty-interval", N_up NaN (null in JSON), the reason first in the warnings."""
    n = m.shape[0]
    notes = tuple(((("empty-interval", None),),) * n)
    g_chi = None if model.dark is None or model.parameter == "dark" else model.dark.coupling
    m_chi = None if g_chi is None else np.broadcast_to(model.dark.masses(m)[0], m.shape)
    warnings = (str(err),) + tuple(limit_warnings(model, s, m, notes, math.nan,
                                                  method=err.method))
    return MediatorLimitScan(m, np.full(m.shape, np.inf), np.zeros(m.shape),
                             np.full(m.shape, np.nan), math.nan, s.name, label or model.name,
                             err.method, float(err.cl),
                             _choose_production(model, m, np.full(m.shape, 1e-3), production,
                                                decays == "computed"),
                             g_chi, None if m_chi is None else np.asarray(m_chi, float),
                             warnings=warnings, model_spec=model.to_dict(),
                             yield_error=np.zeros(m.shape),
                             status=np.full(m.shape, "failed", dtype=object), notes=notes,
                             coupling_upper=np.full(m.shape, np.inf),
                             decays=decays,
                             decays_by_region=(None,) * n)


def limit_warnings(model, dataset, masses, notes, n_up, method=None) -> list:
    """The warnings of a set of masses [energy] from their notes (mucast.inference.notes);
    ``method``: the statistical method's name (said where its interval is empty)."""
    s = setup(dataset)
    return warnings_for(np.asarray(masses, float) / GeV, notes, dataset=s.name,
                        tables=_tables_text(model, s), n_up=n_up,
                        coupling=model.coupling_name, model=model.name,
                        method=method or "chosen", n_obs=s.observed,
                        background=float(s.background)) + list(
        s.efficiency_warnings(model.spin, np.asarray(masses, float)[_has_limit(notes)]))


def _has_limit(notes):
    """Which masses have a limit (no 'no-…' or 'failed' note): the efficiency's doubt concerns
    those only."""
    return np.array([not any(c.startswith("no-") or c == "failed" for c, _ in n) for n in notes],
                    dtype=bool)


def _narrow_fallback(model, m, s, n_up, approx, seed, etl_rtol, kin):
    """The on-shell limit at one mass and its finite-width doubt where that doubt is known and
    below OFFSHELL_FAIL: (g, Br, y1, y1 error, doubt), or None."""
    if not _onshell_possible(model, np.array([m]), np.array([1e-3]))[0]:
        return None
    theta_max, t_max, alpha = kin
    y1, y1e = yield_per_g2(np.array([m]), s, approx, theta_max, t_max, alpha, model.spin, seed,
                           etl_rtol)
    if not y1[0] > 0:
        return None
    g, br, _ = _solve_onshell(model, n_up, y1, np.array([m]))
    if not np.isfinite(g[0]):
        return None
    est = float(_pol.narrow_width_doubt(model, np.array([m]), g, s.energy, s.target,
                                        _weight(s, model), s.mass_max, s.x_min, *kin,
                                        correct=approx == "auto")[0])
    if not est <= OFFSHELL_FAIL:
        return None
    return float(g[0]), float(br[0]), float(y1[0]), float(y1e[0]), est


def coupling_limit(model, mass, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                   production="auto", approx="auto", theta_max=0.1, t_max="E2", alpha=ALPHA,
                   label=None, seed=0, etl_rtol=0.005, decays=None) -> MediatorLimit:
    """Upper limit on the coupling at one mass [energy] (module doc). KinematicsError where the
    data set has no efficiency (outside its tables); where no coupling is excluded the result
    has ``coupling`` None, ``status`` "no-limit" and a warning saying why.

    >>> from mucast.units import MeV
    >>> 1e-4 < coupling_limit("lmu-ltau", 100 * MeV).coupling < 2e-3
    True
    """
    model = get_model(model)
    s = setup(dataset)
    m = float(_masses([real_number(mass, "mass")], s)[0])
    r = coupling_limit_scan(model, np.array([m]), s, method, cl, production, approx, theta_max,
                            t_max, alpha, label, seed, etl_rtol, decays)
    # every scan records its production, status and upper edge per mass
    assert r.production is not None and r.status is not None and r.coupling_upper is not None
    status = str(r.status[0])
    if status == "no-efficiency":
        raise KinematicsError(f"no signal efficiency for mass = {m / GeV:g} GeV in data set "
                              f"{s.name} ({_tables_text(model, s)})")
    on = r.production[0] == "on-shell" and status == "ok"
    ye = None
    if on:
        ye = float(r.yield_error[0]) if r.yield_error is not None else None
    return MediatorLimit(float(r.coupling[0]) if r.valid[0] else None, m, r.n_up,
                         float(r.yield_at_g1[0]) if on else None,
                         ye, float(r.branching_invisible[0]) if on else None, s.name, r.model,
                         r.method, float(cl), str(r.production[0]), r.g_chi,
                         None if r.m_chi is None else float(r.m_chi[0]),
                         # photon fusion integrates every ALP angle: no cut to echo
                         inputs={"approx": approx, "theta_max": None
                                 if model.production == "photon-fusion" else float(theta_max),
                                 "energy_GeV": s.energy / GeV, "target": s.target.name,
                                 "x_min": s.x_min, "model": model.to_dict()},
                         warnings=r.warnings, status=status,
                         coupling_upper=(float(r.coupling_upper[0])
                                         if np.isfinite(r.coupling_upper[0]) else None),
                         decays=r.decays, decays_by_region=r.decays_by_region[0])


# ----------------------------------------------------------------------------------------------
# thermal dark matter plane
# ----------------------------------------------------------------------------------------------
def thermal_y(coupling, g_chi=None, m_chi=None, mass=None):
    """y = (g_χ g)² (m_χ/m_X)⁴ (seed 001; Berlin et al., PRD 99 (2019) 075001), with g_χ² (not
    α_χ = g_χ²/4π: the two conventions differ by 4π). Default g_χ = 5·10⁻² and m_X = 3 m_χ
    (then y = g_χ² g²/81).

    >>> round(float(thermal_y(1e-3)) * 1e12, 4)
    30.8642
    """
    g_chi = DEFAULT_G_CHI if g_chi is None else g_chi
    if m_chi is None or mass is None:
        ratio = 1.0 / DEFAULT_MASS_RATIO
    else:
        ratio = np.asarray(m_chi, float) / np.asarray(mass, float)
    return (g_chi * np.asarray(coupling, float)) ** 2 * ratio**4


