"""Layer 4: signal yields and coupling limits for any mediator model (mucast.models.mediator), on
and off shell — the generalisation of seed 001's Eq. (1) and Fig. 4.

Signal yield of a data set (its [mediator] table: trigger configurations t with N_MOT^t and
ε^t(m), the signal region x ≥ x_min, the pile-up loss f):

on shell (X produced, then X → invisible; narrow width):

    N(m, g) = Σ_t N_MOT^t ε^t(m) (1 − f) n_T L_eff · σ_X(x ≥ x_min; m, g_μ) · Br(X → inv; m, g),

off shell (the invisible pair of mass k through X* of any mass, :mod:`mucast.processes.mediators.offshell`):

    N(m, g) = Σ_t N_MOT^t (1 − f) n_T L_eff ∫ dk² ε^t(k) σ_X(x ≥ x_min; m → k, g_μ) ρ(k²; m, g),

with ε^t evaluated at the invisible mass k (the efficiency depends on the invisible system's mass
and the muon, not on how the system was made — the same tables, an approximation stated in
docs/models.md). ``production="auto"`` (default) takes the on-shell form when an invisible
channel is open at m, Γ_tot/m < :data:`NARROW` at the limit and the full pair integral agrees
with it to :data:`NARROW` there; the off-shell integral otherwise (m_χ > m/2, wide mediators,
the millicharge through the photon, and heavy mediators near a beam's reach, where the
continuum below the pole outweighs the suppressed resonance: ×85 at 5 GeV for a 15 GeV beam).
The two agree to ≤ 1e-4 in the narrow-width limit (tests/validation/test_offshell.py).
``production="narrow"`` is mucast 0.2's rule (on shell wherever an invisible decay is open),
kept as the default of ``limit zprime`` and of Fig. 4 so that their numbers do not move; it
differs from "auto" only for wide mediators and near the reach (L_μ−L_τ 2022: ≤ 0.9% in g, at
4.2–4.4 GeV).

ε^t(m) (``data/acceptance/zprime_*.csv``) is the trigger × reconstruction × selection efficiency
for signal events inside x ≥ x_min and before the pile-up loss; seed 001's "final" efficiency per
produced X is ε(m)(1 − f)σ(x ≥ x_min)/σ (:func:`final_efficiency`). The same tables serve every
spin: the x spectra of S, P, V, A differ, and that difference enters through σ(x ≥ x_min); what
the tables leave out is the spin dependence of the angles inside the signal region.

Statistics: :func:`mucast.inference.stats.upper_limit` with the data set's n, b and
uncertainties (seed 001: n = 0, b = 0.07 ± 0.03, 8% signal and 1% MOT systematics); the default
method is seed 001's, ``cls-asymptotic``, which under-covers at these counts and says so in every
result (use ``fc`` or ``cls-exact``).

Couplings: on shell σ ∝ g_μ² and Br depends on g only through Γ_vis/Γ_χ, so g is a fixed point of
g² = N_up/(y₁ Br(g)) (converges in a few steps: Br ≥ Γ_inv/Γ_tot keeps the map contracting); off
shell N(g) is monotonic and g is found by a vectorised bisection in ln g; for ``parameter =
"dark"`` (the millicharge) N ∝ g² exactly.
"""

from __future__ import annotations

from typing import Any

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.constants import ALPHA
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.experiments.selection import SignalSetup, setup
from mucast.inference import stats
from mucast.models.mediator import MediatorModel, get_model
from mucast.processes.mediators import offshell as _off
from mucast.processes.mediators import production as _prod
from mucast.units import GeV

__all__ = ["DEFAULT_METHOD", "PRODUCTIONS", "MediatorLimit", "MediatorLimitScan", "SignalSetup",
           "coupling_limit", "coupling_limit_scan", "efficiency", "events_limit",
           "final_efficiency", "legacy_zprime_model", "setup", "signal_yield", "thermal_y",
           "yield_per_g2"]

#: seed 001's method (asymptotic CLs); results carry its under-coverage warning
DEFAULT_METHOD = "cls-asymptotic"
LIMIT_METHODS = stats.METHODS
#: "narrow" = mucast 0.2's treatment (the narrow-width form wherever X decays invisibly, the pair
#: integral elsewhere) — the default of the legacy ``limit zprime`` and of Fig. 4
PRODUCTIONS = ("auto", "on-shell", "off-shell", "narrow")
#: the largest Γ_tot/m for which ``production="auto"`` uses the narrow-width (on-shell) form
NARROW = 0.01
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


def _masses(masses, s):
    m = np.atleast_1d(np.asarray(masses, dtype=float))
    if not np.all(np.isfinite(m)) or not np.all(m > 0):
        raise InputError(f"mass must be finite and > 0 GeV, got {m / GeV!r}")
    reach = s.energy - _prod.M_MU
    if np.any(m >= reach):
        raise KinematicsError(f"mass must be below the beam's reach E - m_mu = {reach / GeV:.6g}"
                              f" GeV, got {np.max(m) / GeV:.6g} GeV")
    return m


def _check_coupling(g):
    if isinstance(g, bool) or not isinstance(g, numbers.Real) or not (math.isfinite(g) and g > 0):
        raise InputError(f"coupling must be finite and > 0, got {g!r}")
    return float(g)


# ----------------------------------------------------------------------------------------------
# yields
# ----------------------------------------------------------------------------------------------
def efficiency(masses, dataset="2022"):
    """MOT-weighted ε(m) = Σ_t N_MOT^t ε^t(m) / Σ_t N_MOT^t of the data set."""
    s = setup(dataset)
    return s.mot_efficiency(_masses(masses, s)) / s.mot


def _sigma_signal(spin, m, s, approx, theta_max, t_max, alpha, etl_rtol=0.005, seed=0):
    """σ_X(x ≥ x_min; m, g_μ = 1) [area] and its error for an array of masses."""
    if approx == "etl":
        from mucast.processes.mediators import exact
        vals, errs = [], []
        for i, mi in enumerate(m):
            r = exact.cross_section(spin, float(mi), 1.0, s.energy, s.target, x_min=s.x_min,
                                    theta_max=theta_max, rtol=etl_rtol, seed=seed + i,
                                    alpha=alpha)
            vals.append(r.value)
            errs.append(r.uncertainty)
        return np.array(vals), np.array(errs)
    return _prod.cross_section_per_g2(m, s.energy, s.target, approx, s.x_min, theta_max, t_max,
                                      alpha, spin=spin)


def yield_per_g2(masses, dataset="2022", approx="ww", theta_max=0.1, t_max="E2", alpha=ALPHA,
                 spin="vector", seed=0, etl_rtol=0.005):
    """On-shell N/(g_μ² Br_inv) for an array of masses, and its integration error: event counts
    per unit squared muon coupling, before the branching fraction; zero where the efficiency
    tables are zero."""
    s = setup(dataset)
    m = _masses(masses, s)
    sig, err = _sigma_signal(_prod.check_spin(spin), m, s, approx, theta_max, t_max, alpha,
                             etl_rtol, seed)
    lum = s.mot_efficiency(m) * (1.0 - s.pileup_loss) * s.nuclei_per_area
    shape = np.shape(masses)
    return (lum * sig).reshape(shape), (lum * err).reshape(shape)


def final_efficiency(masses, dataset="2022", theta_max=0.1, spin="vector"):
    """Seed 001's "final" efficiency per produced X: ε(m)(1 − f_pile-up) σ(x ≥ x_min)/σ."""
    s = setup(dataset)
    m = _masses(masses, s)
    cut, _ = _prod.cross_section_per_g2(m, s.energy, s.target, "ww", s.x_min, theta_max,
                                        spin=spin)
    full, _ = _prod.cross_section_per_g2(m, s.energy, s.target, "ww", None, theta_max, spin=spin)
    return (efficiency(m, s) * (1.0 - s.pileup_loss) * cut / full).reshape(np.shape(masses))


def _offshell_yield(model, m, g, s, theta_max, t_max, alpha):
    """Off-shell N(m, g) (module doc) for arrays m, g of one shape."""
    lum = (1.0 - s.pileup_loss) * s.nuclei_per_area
    out = np.empty(np.shape(m))
    for i, (mi, gi) in enumerate(zip(np.ravel(m), np.ravel(g), strict=True)):
        mdl, mx = point_model(model, float(mi))
        out.flat[i] = lum * _off.pair_integral(mdl, mx, float(gi), s.energy, s.target,
                                               s.mot_efficiency, s.mass_max, s.x_min, theta_max,
                                               t_max, alpha)
    return out


def point_model(model, mass):
    """(model, mediator mass) of one scan point: ``mass`` is the mediator's mass, except for a
    model whose mediator mass is fixed (the millicharge's photon, ``model.mass``), where it is
    m_χ."""
    if model.mass is None:
        return model, mass
    return model.with_dark(m_chi=mass), float(model.mass)


def _check_reach(model, m, s):
    """KinematicsError when the invisible pair cannot be produced by the beam: m₁ + m₂ ≥ E − m_μ
    (the pair mass reach of μN → μN χχ̄ on a heavy nucleus)."""
    if model.dark is None:
        return
    reach = s.energy - _prod.M_MU
    for mi in np.ravel(m):
        mdl, mx = point_model(model, float(mi))
        thr = float(mdl.dark.threshold(mx))
        if thr >= reach:
            m1, _ = mdl.dark.masses(mx)
            raise KinematicsError(
                f"m_chi = {float(m1) / GeV:.6g} GeV is beyond the beam's reach: the pair needs"
                f" {thr / GeV:.6g} GeV, the {s.energy / GeV:g} GeV beam gives at most E - m_mu ="
                f" {reach / GeV:.6g} GeV")


def _narrow_fails(model, m, g, mask, n_on, s, approx, theta_max, t_max, alpha):
    """Where ``mask``: the narrow-width form does not hold at coupling g — Γ_tot/m > NARROW, or
    (WW) the full pair integral differs from the on-shell yield n_on by more than NARROW (the
    continuum below the pole can dominate when σ_X(m) is suppressed, e.g. near a beam's reach)."""
    wide = mask & (model.total_width(m, np.where(mask, g, 1.0)) / m > NARROW)
    if approx == "ww":
        wide |= _continuum_matters(model, m, g, mask & ~wide, n_on, s, theta_max, t_max, alpha)
    return wide


def _continuum_matters(model, m, g, mask, n_on, s, theta_max, t_max, alpha):
    """Where ``mask``: does the full pair integral at coupling g differ from the on-shell yield
    n_on by more than NARROW? Skipped (False) where the resonance (±50Γ) reaches past the end of
    the efficiency tables — there the off-shell integral would lose the part above the table's
    end, an artefact of the tables, not physics."""
    out = np.zeros(np.shape(m), bool)
    gam = model.total_width(m, np.where(mask, g, 1.0))
    sel = mask & (m + 50.0 * gam < s.mass_max)
    if not np.any(sel):
        return out
    n_off = _offshell_yield(model, m[sel], g[sel], s, theta_max, t_max, alpha)
    out[sel] = np.abs(n_off / np.broadcast_to(n_on, np.shape(m))[sel] - 1.0) > NARROW
    return out


def _onshell_possible(model, m, g):
    if model.mass is not None:          # a fixed mediator (the photon) is never on shell
        return np.zeros(np.shape(m), bool)
    w_inv = model.invisible_width(m, g)
    declared = model.invisible and model.dark is None
    return (w_inv > 0) | declared


@dataclass(frozen=True)
class MediatorYield:
    """Expected signal events N for one (m, g) with its ingredients."""

    value: float
    error: float
    mass: float
    coupling: float
    branching_invisible: float | None
    production: str
    dataset: str
    model: str
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        return {"yield": self.value, "yield_error": self.error, "mass_GeV": self.mass / GeV,
                "coupling": self.coupling, "branching_invisible": self.branching_invisible,
                "production": self.production, "dataset": self.dataset, "model": self.model,
                "mucast_version": self.version}


def signal_yield(model, mass, coupling, dataset="2022", production="auto", approx="ww",
                 theta_max=0.1, t_max="E2", alpha=ALPHA) -> MediatorYield:
    """Expected signal events for one (m, g) point (module doc).

    >>> from mucast.units import MeV
    >>> signal_yield("lmu-ltau", 100 * MeV, 1e-3).value > 1
    True
    """
    model = get_model(model)
    g = _check_coupling(coupling)
    s = setup(dataset)
    m = float(_masses([mass], s)[0])
    _check_reach(model, [m], s)
    prod = _choose_production(model, np.array([m]), np.array([g]), production)[0]
    if prod == "on-shell":
        y1, e1 = yield_per_g2(np.array([m]), s, approx, theta_max, t_max, alpha, model.spin)
        br = float(model.branching_invisible(m, g))
        gmu2 = float(model.g_mu(g)) ** 2
        n_on = float(y1[0]) * gmu2 * br
        wide = production == "auto" and not _declared(model) and bool(_narrow_fails(
            model, np.array([m]), np.array([g]), np.array([True]), n_on, s, approx, theta_max,
            t_max, alpha)[0])
        if not wide:
            return MediatorYield(n_on, float(e1[0]) * gmu2 * br, m, g, br, prod, s.name,
                                 model.name)
        prod = "off-shell"
    if approx != "ww":
        raise InputError("off-shell production is computed in the WW approximation only")
    n = float(_offshell_yield(model, np.array([m]), np.array([g]), s, theta_max, t_max, alpha)[0])
    return MediatorYield(n, 0.0, m, g, None, prod, s.name, model.name)


def _choose_production(model, m, g, production):
    if production not in PRODUCTIONS:
        raise UnknownNameError(f"production must be one of {', '.join(PRODUCTIONS)}, got"
                               f" {production!r}")
    ok = _onshell_possible(model, m, g)
    if production == "on-shell":
        if not np.all(ok):
            bad = m[~ok][0] if np.ndim(m) else m
            raise KinematicsError(f"no invisible decay of the mediator is open at m ="
                                  f" {float(bad) / GeV:g} GeV (dark pair threshold above m):"
                                  " use production 'off-shell' or 'auto'")
        return np.full(np.shape(m), "on-shell", dtype=object)
    if _declared(model):
        if production == "off-shell":
            raise InputError(f"model {model.name} is declared invisible without a dark sector:"
                             " its invisible width is not known, so it is computed on shell"
                             " only; give it a dark sector (--dm) for off-shell production")
        return np.full(np.shape(m), "on-shell", dtype=object)
    if production == "off-shell":
        return np.full(np.shape(m), "off-shell", dtype=object)
    return np.where(ok, "on-shell", "off-shell").astype(object)


def _declared(model):
    """Declared invisible (Br = 1 by assumption, no dark sector): on shell only."""
    return model.invisible and model.dark is None


# ----------------------------------------------------------------------------------------------
# statistics
# ----------------------------------------------------------------------------------------------
def events_limit(dataset="2022", method=DEFAULT_METHOD, cl=0.9) -> stats.UpperLimit:
    """Upper limit on the number of signal events for the data set's n, b and uncertainties
    (:func:`mucast.inference.stats.upper_limit`; the renamed ``"cls"`` is read as cls-asymptotic
    here, as in mucast ≤ 0.2)."""
    s = setup(dataset)
    return stats.upper_limit(s.observed, s.background, method, cl,
                             background_uncertainty=s.background_uncertainty,
                             signal_systematic=s.signal_systematic,
                             mot_uncertainty=s.mot_uncertainty, legacy_cls="cls-asymptotic")


def events_upper_limit(dataset="2022", method=DEFAULT_METHOD, cl=0.9) -> float:
    """N_up of :func:`events_limit`."""
    return events_limit(dataset, method, cl).upper


# ----------------------------------------------------------------------------------------------
# coupling limits
# ----------------------------------------------------------------------------------------------
def _solve_onshell(model, n_up, y1, masses):
    """g with g_μ(g)² y1 Br(m, g) = n_up, vectorised (y1 > 0). Fixed point on g² (Br varies
    slowly with g; mucast 0.2's iteration for the L_μ−L_τ models, unchanged)."""
    q2 = float(model.charges["mu"]) ** 2
    if model.dark is None:
        br = model.branching_invisible(masses, 1.0)
        return np.sqrt(n_up / (q2 * y1 * br)), br
    g = np.sqrt(n_up / (q2 * y1))
    for _ in range(60):
        br = model.branching_invisible(masses, g)
        g_new = np.sqrt(n_up / (q2 * y1 * br))
        if np.all(np.abs(g_new / g - 1.0) < 1e-13):
            g = g_new
            break
        g = g_new
    br = model.branching_invisible(masses, g)
    resid = np.abs(q2 * g * g * y1 * br / n_up - 1.0)
    if np.any(resid > 1e-10):  # pragma: no cover - Br ≥ Γ_ν/Γ_tot keeps the map contracting
        raise KinematicsError("coupling limit did not converge; check g_chi, m_chi")
    return g, br


def _solve_offshell(model, n_up, masses, s, theta_max, t_max, alpha):
    """g with N_offshell(m, g) = n_up (vectorised bisection in ln g, 1e-9 relative)."""
    n1 = _offshell_yield(model, masses, np.ones_like(masses), s, theta_max, t_max, alpha)
    g = np.full(masses.shape, np.inf)
    ok = n1 > 0
    if not np.any(ok):
        return g
    if model.parameter == "dark":
        g[ok] = np.sqrt(n_up / n1[ok])          # N ∝ g_χ² = (g q_χ)² exactly (no width term)
        return g
    lo = np.full(masses.shape, -40.0)
    hi = np.full(masses.shape, 10.0)
    guess = np.log(np.sqrt(n_up / np.where(ok, n1, 1.0)))
    lo = np.where(ok, np.maximum(lo, guess - 15.0), lo)
    hi = np.where(ok, np.minimum(hi, guess + 15.0), hi)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        n = _offshell_yield(model, masses[ok], np.exp(mid[ok]), s, theta_max, t_max, alpha)
        above = np.zeros(masses.shape, bool)
        above[ok] = n > n_up
        hi = np.where(above, mid, hi)
        lo = np.where(above | ~ok, lo, mid)
        if np.all((hi - lo)[ok] < 1e-9):
            break
    g[ok] = np.exp(0.5 * (lo + hi))[ok]
    return g


@dataclass(frozen=True)
class MediatorLimit:
    """Upper limit on the coupling g at one mass (90% CL by default).

    ``coupling``: g_up; ``n_up``: limit on signal events; ``yield_at_g1``: N/(g_μ² Br) on shell
    (None off shell); ``branching_invisible`` at g_up (on shell); ``production``: "on-shell" or
    "off-shell"; ``y``: thermal-DM variable (g_χ g)²(m_χ/m)⁴ for models with a dark sector.
    """

    coupling: float
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

    @property
    def y(self) -> float | None:
        if self.g_chi is None or self.m_chi is None:
            return None
        return thermal_y(self.coupling, self.g_chi, self.m_chi, self.mass)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"coupling": self.coupling, "mass_GeV": self.mass / GeV, "n_up": self.n_up,
             "yield_at_g1": self.yield_at_g1, "yield_error_at_g1": self.yield_error,
             "branching_invisible": self.branching_invisible, "production": self.production,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "mucast_version": self.version, "warnings": list(self.warnings)}
        if self.g_chi is not None and self.m_chi is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": self.m_chi / GeV, "y": self.y})
        if self.inputs is not None:
            d["inputs"] = self.inputs
        return d


@dataclass(frozen=True)
class MediatorLimitScan:
    """Limits for many masses. ``coupling`` is ``inf`` where the yield vanishes (no efficiency
    there); ``valid`` marks the finite entries; ``production`` per mass."""

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

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.coupling)

    @property
    def y(self) -> np.ndarray | None:
        if self.g_chi is None or self.m_chi is None:
            return None
        return thermal_y(self.coupling, self.g_chi, self.m_chi, self.masses)

    def to_dict(self) -> dict:
        ok = self.valid
        d = {"mass_GeV": (self.masses[ok] / GeV).tolist(), "coupling": self.coupling[ok].tolist(),
             "yield_at_g1": self.yield_at_g1[ok].tolist(),
             "branching_invisible": self.branching_invisible[ok].tolist(), "n_up": self.n_up,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "mucast_version": self.version, "warnings": list(self.warnings)}
        if self.production is not None:
            d["production"] = [str(p) for p in self.production[ok]]
        y = self.y
        if self.g_chi is not None and self.m_chi is not None and y is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": (self.m_chi[ok] / GeV).tolist(),
                      "y": y[ok].tolist()})
        return d


def coupling_limit_scan(model, masses, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                        production="auto", approx="ww", theta_max=0.1, t_max="E2",
                        alpha=ALPHA, label=None, seed=0, etl_rtol=0.005) -> MediatorLimitScan:
    """Upper limits on the model's coupling for an array of masses (module doc): one vectorised
    cross-section pass for the on-shell masses, one k² integral per off-shell mass.
    ``approx="etl"``: the exact σ (vegas, requested relative error ``etl_rtol``, mass i seeded
    with ``seed + i``) for the on-shell masses.

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
    lim = events_limit(s, method, cl)
    n_up, method = lim.upper, lim.method
    g = np.full(m.shape, np.inf)
    br = np.full(m.shape, np.nan)
    y1 = np.zeros(m.shape)
    y1e = np.zeros(m.shape)
    # production decided at a representative coupling (g = 1e-3; refined below for "auto")
    prod = _choose_production(model, m, np.full(m.shape, 1e-3), production)
    on = prod == "on-shell"
    if np.any(on):
        y1[on], y1e[on] = yield_per_g2(m[on], s, approx, theta_max, t_max, alpha, model.spin,
                                       seed, etl_rtol)
        ok = on & (y1 > 0)
        if np.any(ok):
            g[ok], br[ok] = _solve_onshell(model, n_up, y1[ok], m[ok])
        if production == "auto" and not _declared(model):
            wide = _narrow_fails(model, m, g, ok, n_up, s, approx, theta_max, t_max, alpha)
            if np.any(wide):
                prod = prod.copy()
                prod[wide] = "off-shell"
                on = prod == "on-shell"
                g[wide] = np.inf
    off = prod == "off-shell"
    if np.any(off):
        if approx != "ww":
            raise InputError("off-shell production is computed in the WW approximation only;"
                             " use approx='ww' (or production='on-shell' where it applies)")
        g[off] = _solve_offshell(model, n_up, m[off], s, theta_max, t_max, alpha)
    g_chi = None if model.dark is None or model.parameter == "dark" else model.dark.coupling
    m_chi = None if g_chi is None else np.broadcast_to(model.dark.masses(m)[0], m.shape)
    return MediatorLimitScan(m, g, y1, br, n_up, s.name, label or model.name, method, float(cl),
                             prod, g_chi, None if m_chi is None else np.asarray(m_chi, float),
                             warnings=tuple(lim.warnings) + _coupling_warnings(model, m, g),
                             model_spec=model.to_dict(), yield_error=y1e)


def _coupling_warnings(model, m, g):
    """A limit above 1 constrains nothing physical (ε > 1 is no small mixing; g_μ > 1 is
    beyond the perturbative treatment of every formula here)."""
    big = np.isfinite(g) & (g > 1.0)
    if not np.any(big):
        return ()
    lo, hi = np.min(m[big]) / GeV, np.max(m[big]) / GeV
    where = f"m = {lo:.4g} GeV" if lo == hi else f"m = {lo:.4g}-{hi:.4g} GeV"
    return (f"the {model.coupling_name} limit exceeds 1 at {where}: no meaningful constraint"
            " there (the tree-level formulas assume a small coupling)",)


def coupling_limit(model, mass, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                   production="auto", approx="ww", theta_max=0.1, t_max="E2", alpha=ALPHA,
                   label=None, seed=0, etl_rtol=0.005) -> MediatorLimit:
    """Upper limit on the coupling at one mass [energy] (module doc). KinematicsError where the
    data set has no efficiency (outside its tables).

    >>> from mucast.units import MeV
    >>> 1e-4 < coupling_limit("lmu-ltau", 100 * MeV).coupling < 2e-3
    True
    """
    model = get_model(model)
    s = setup(dataset)
    m = float(_masses([mass], s)[0])
    r = coupling_limit_scan(model, np.array([m]), s, method, cl, production, approx, theta_max,
                            t_max, alpha, label, seed, etl_rtol)
    if not r.valid[0]:
        tables = ", ".join(f"{t.efficiency.x_min / GeV:g}-{t.efficiency.x_max / GeV:g} GeV"
                           for t in s.triggers)
        raise KinematicsError(f"no signal efficiency for mass = {m / GeV:g} GeV in data set "
                              f"{s.name} (efficiency tables cover {tables})")
    assert r.production is not None          # every scan records its production per mass
    on = r.production[0] == "on-shell"
    ye = None
    if on:
        ye = float(r.yield_error[0]) if r.yield_error is not None else None
    return MediatorLimit(float(r.coupling[0]), m, r.n_up, float(r.yield_at_g1[0]) if on else None,
                         ye, float(r.branching_invisible[0]) if on else None, s.name, r.model,
                         r.method, float(cl), str(r.production[0]), r.g_chi,
                         None if r.m_chi is None else float(r.m_chi[0]),
                         inputs={"approx": approx, "theta_max": float(theta_max),
                                 "energy_GeV": s.energy / GeV, "target": s.target.name,
                                 "x_min": s.x_min, "model": model.to_dict()},
                         warnings=r.warnings)


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


def sigma_signal_region(model, mass, coupling, dataset="2022", theta_max=0.1):
    """σ(x ≥ x_min) [area] of the on-shell production at (m, g) (``/ picobarn`` to read)."""
    model = get_model(model)
    s = setup(dataset)
    v, _ = _prod.cross_section_per_g2(np.array([float(mass)]), s.energy, s.target, "ww", s.x_min,
                                      theta_max, spin=model.spin)
    return float(v[0]) * float(model.g_mu(coupling)) ** 2
