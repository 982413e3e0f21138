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
channel is open at m, Γ_tot/m < NARROW (1%) at the limit and the full pair integral agrees
with it to NARROW there; the off-shell integral otherwise (m_χ > m/2, wide mediators,
the millicharge through the photon, heavy mediators near a beam's reach, where the
continuum below the pole outweighs the suppressed resonance: ×85 at 5 GeV for a 15 GeV beam,
and spin-0 mediators with a light dark sector, whose continuum above the pole adds 3%). Where
the pair integral must be computed is decided by the first-order finite-width estimate of
:mod:`mucast.processes.mediators.policy` (the domain rules live there), so that a curve pays
for pair integrals only where they change the answer. The two agree to ≤ 1e-4 in the
narrow-width limit (tests/validation/test_offshell.py). A pair integral carries its doubt
(quadrature, σ_X table, the part of the resonance beyond the efficiency tables' end): above
0.1% it is a warning, above 10% the result is not used — the narrow-width form takes over where
its own doubt is known and below 10%, else the mass has no limit and says why.
``production="narrow"`` is mucast 0.2's rule (on shell wherever an invisible decay is open),
kept as the default of ``limit zprime`` and of Fig. 4 so that their numbers do not move; it
differs from "auto" only for wide mediators and near the reach (L_μ−L_τ 2022: ≤ 0.9% in g, at
4.2–4.4 GeV), and its results say where the narrow-width form is doubtful.

ε^t(m) (``data/acceptance/zprime_*.csv``) is the trigger × reconstruction × selection efficiency
for signal events inside x ≥ x_min and before the pile-up loss; seed 001's "final" efficiency per
produced X is ε(m)(1 − f)σ(x ≥ x_min)/σ (:func:`final_efficiency`). The same tables serve every
spin: the x spectra of S, P, V, A differ, and that difference enters through σ(x ≥ x_min); what
the tables leave out is the spin dependence of the angles inside the signal region.

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

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.constants import ALPHA
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.experiments.selection import SignalSetup, setup
from mucast.inference import stats
from mucast.inference.notes import warnings_for
from mucast.models.mediator import MediatorModel, get_model
from mucast.processes.mediators import offshell as _off
from mucast.processes.mediators import policy as _pol
from mucast.processes.mediators import production as _prod
from mucast.processes.mediators.policy import NARROW, OFFSHELL_FAIL, OFFSHELL_RTOL
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


def _lum(s):
    """(1 − f_pile-up) n_T L [1/area]: what turns a cross section weighted by the MOT-summed
    efficiency into events."""
    return (1.0 - s.pileup_loss) * s.nuclei_per_area


def _weight(s, model):
    """The pair integral's weight w(k) = Σ_t N_MOT^t ε^t(k) (the efficiency at the pair mass)."""
    return s.mot_efficiency


def _pair_yield(model, m, g, s, theta_max, t_max, alpha, with_error=True, flat_beyond=False):
    """Off-shell N(m, g) [events] as (value, relative doubt). The value counts the signal
    where the efficiency is known (the tables' range); the doubt is the pair integral's stated
    error plus the part of it beyond the tables' end with the efficiency held at its last value,
    relative (:func:`mucast.processes.mediators.offshell.pair_integral`; 0 with
    ``with_error=False``). ``flat_beyond=True`` adds that part to the value: what the
    narrow-width form, which takes ε at the pole for the whole resonance, is compared with."""
    mdl, mx = point_model(model, float(m))
    r = _off.pair_integral(mdl, mx, float(g), s.energy, s.target, _weight(s, model), s.mass_max,
                           s.x_min, theta_max, t_max, alpha, with_error=with_error)
    beyond = r.parts["beyond"]
    value = _lum(s) * (r.value + (beyond if flat_beyond else 0.0))
    doubt = (r.error + beyond) / r.value if r.value > 0 else math.inf
    return value, doubt


def _offshell_yield(model, m, g, s, theta_max, t_max, alpha):
    """Off-shell N(m, g) [events] for arrays m, g of one shape (values only)."""
    out = np.empty(np.shape(m))
    for i, (mi, gi) in enumerate(zip(np.ravel(m), np.ravel(g), strict=True)):
        out.flat[i] = _pair_yield(model, mi, gi, s, theta_max, t_max, alpha)[0]
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
    """Expected signal events for one (m, g) point (module doc), with the same choice of
    calculation as the limits: ``auto`` takes the pair integral where the narrow-width form is
    off by more than NARROW at this coupling.

    >>> from mucast.units import MeV
    >>> signal_yield("lmu-ltau", 100 * MeV, 1e-3).value > 1
    True
    """
    model = get_model(model)
    g = _check_coupling(coupling)
    s = setup(dataset)
    m = float(_masses([mass], s)[0])
    _check_reach(model, [m], s)
    kin = (theta_max, t_max, alpha)
    prod = _choose_production(model, np.array([m]), np.array([g]), production)[0]
    if prod == "on-shell":
        y1, e1 = yield_per_g2(np.array([m]), s, approx, theta_max, t_max, alpha, model.spin)
        br = float(model.branching_invisible(m, g))
        gmu2 = float(model.g_mu(g)) ** 2
        n_on = float(y1[0]) * gmu2 * br
        wide = False
        if production == "auto" and not _declared(model) and n_on > 0:
            wide = bool(_check_narrow(model, np.array([m]), np.array([g]), np.array([True]),
                                      production, approx, s, n_on, [[]], kin)[0][0])
        if not wide:
            return MediatorYield(n_on, float(e1[0]) * gmu2 * br, m, g, br, prod, s.name,
                                 model.name)
        prod = "off-shell"
    if approx != "ww":
        raise InputError("off-shell production is computed in the WW approximation only")
    n, doubt = _pair_yield(model, m, g, s, *kin)
    return MediatorYield(n, n * doubt if math.isfinite(doubt) else 0.0, m, g, None, prod, s.name,
                         model.name)


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
#: the largest coupling the off-shell search considers (beyond it no formula here holds)
G_MAX = 10.0


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
    q2 = float(model.charges["mu"]) ** 2
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


def _solve_offshell_point(model, n_up, m, s, theta_max, t_max, alpha):
    """Off shell, one mass: (g, relative doubt of the yield at g, status, note value).

    N(g) rises with g (the resonance's area is g² Br(g) and the continuum ∝ g² Γ_inv), so g is
    bracketed in ln g from the g = 1 yield's estimate and found by Brent's method (ln g to
    1e-10). status "ok"; "no-efficiency" where N(1) = 0; "no-limit" (value G_MAX) where
    N(G_MAX) < n_up. For ``parameter = "dark"`` (the millicharge) N ∝ g² exactly."""
    from scipy.optimize import brentq
    cache = {}

    def yld(lng):
        if lng not in cache:
            cache[lng] = _pair_yield(model, m, math.exp(lng), s, theta_max, t_max, alpha,
                                     with_error=False)[0]
        return cache[lng]

    def doubt(lng):
        return _pair_yield(model, m, math.exp(lng), s, theta_max, t_max, alpha)[1]

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

    @property
    def y(self) -> float | None:
        if self.g_chi is None or self.m_chi is None or self.coupling is None:
            return None
        return float(thermal_y(self.coupling, self.g_chi, self.m_chi, self.mass))

    def to_dict(self) -> dict:
        d = {"coupling": self.coupling, "mass_GeV": self.mass / GeV, "n_up": self.n_up,
             "yield_at_g1": self.yield_at_g1, "yield_error_at_g1": self.yield_error,
             "branching_invisible": self.branching_invisible, "production": self.production,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "status": self.status, "mucast_version": self.version,
             "warnings": list(self.warnings)}
        if self.g_chi is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": self.m_chi / GeV, "y": self.y})
        if self.inputs is not None:
            d["inputs"] = self.inputs
        return d


@dataclass(frozen=True)
class MediatorLimitScan:
    """Limits for many masses. ``coupling`` is ``inf`` where there is no limit; ``status`` says
    why per mass (mucast.inference.notes.STATUSES) and ``notes`` holds each mass's (code, value)
    pairs, from which ``warnings`` is made; ``valid`` marks the finite entries; ``production``
    per mass."""

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
        if self.g_chi is not None and self.m_chi is not None:
            d.update({"g_chi": self.g_chi, "m_chi_GeV": (self.m_chi[ok] / GeV).tolist(),
                      "y": self.y[ok].tolist()})
        return d


def coupling_limit_scan(model, masses, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                        production="auto", approx="ww", theta_max=0.1, t_max="E2",
                        alpha=ALPHA, label=None, seed=0, etl_rtol=0.005) -> MediatorLimitScan:
    """Upper limits on the model's coupling for an array of masses (module doc): one vectorised
    cross-section pass for the on-shell masses, one k² integral per off-shell mass.
    ``approx="etl"``: the exact σ (vegas, requested relative error ``etl_rtol``, mass i seeded
    with ``seed + i``) for the on-shell masses.

    Every mass ends with a status (:data:`mucast.inference.notes.STATUSES`) and notes that
    become the result's warnings (:func:`mucast.inference.notes.warnings_for`): where the
    efficiency tables end, where no coupling is excluded, where a calculation's doubt is stated.

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
    n = m.shape[0]
    g = np.full(m.shape, np.inf)
    br = np.full(m.shape, np.nan)
    y1 = np.zeros(m.shape)
    y1e = np.zeros(m.shape)
    status = np.full(m.shape, "ok", dtype=object)
    notes = [[] for _ in range(n)]
    kin = (theta_max, t_max, alpha)
    # production decided at a representative coupling (g = 1e-3; refined below for "auto")
    prod = _choose_production(model, m, np.full(m.shape, 1e-3), production)
    on = prod == "on-shell"
    if np.any(on):
        y1[on], y1e[on] = yield_per_g2(m[on], s, approx, theta_max, t_max, alpha, model.spin,
                                       seed, etl_rtol)
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
    if np.any(off) and approx != "ww":
        raise InputError("off-shell production is computed in the WW approximation only;"
                         " use approx='ww' (or production='on-shell' where it applies)")
    for i in np.flatnonzero(off):
        gi, doubt, st, value = _solve_offshell_point(model, n_up, float(m[i]), s, *kin)
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
    for i in np.flatnonzero(np.isfinite(g) & (g > 1.0)):
        notes[i].append(("large-coupling", float(g[i])))
    status[~np.isfinite(g) & (status == "ok")] = "no-efficiency"
    for i in np.flatnonzero(status == "no-efficiency"):
        if not any(c == "no-efficiency" for c, _ in notes[i]):
            notes[i].append(("no-efficiency", None))
    g_chi = None if model.dark is None or model.parameter == "dark" else model.dark.coupling
    m_chi = None if g_chi is None else np.broadcast_to(model.dark.masses(m)[0], m.shape)
    notes = tuple(tuple(p) for p in notes)
    warnings = tuple(lim.warnings) + tuple(limit_warnings(model, s, m, notes, n_up))
    return MediatorLimitScan(m, g, y1, br, n_up, s.name, label or model.name, method, float(cl),
                             prod, g_chi, None if m_chi is None else np.asarray(m_chi, float),
                             warnings=warnings, model_spec=model.to_dict(), yield_error=y1e,
                             status=status, notes=notes)


def limit_warnings(model, dataset, masses, notes, n_up) -> list:
    """The warnings of a set of masses [energy] from their notes (mucast.inference.notes)."""
    s = setup(dataset)
    tables = ", ".join(dict.fromkeys(f"{t.efficiency.x_min / GeV:g}-{t.efficiency.x_max / GeV:g}"
                                     " GeV" for t in s.triggers))
    return warnings_for(np.asarray(masses, float) / GeV, notes, dataset=s.name,
                        tables="efficiency tables cover " + tables, n_up=n_up,
                        coupling=model.coupling_name)


def _check_narrow(model, m, g, solved, production, approx, s, n_up, notes, kin):
    """Where ``solved`` (on-shell limits g): is the narrow-width form within NARROW of the full
    pair integral at g? ``production="auto"``: returns (wide, failed): where it is not (those
    masses go off shell), and where neither it nor the pair integral can be trusted; the estimate of :func:`mucast.processes.mediators.policy.narrow_width_doubt` decides
    where the pair integral must be computed (a millisecond for a whole curve instead of ~2 ms
    per mass). Other productions keep the narrow-width numbers and note the doubt."""
    wide = np.zeros(m.shape, bool)
    failed = np.zeros(m.shape, bool)
    if not np.any(solved):
        return wide, failed
    idx = np.flatnonzero(solved)
    mi, gi = m[idx], g[idx]
    gam = np.asarray(model.total_width(mi, gi), float) / mi
    est = _pol.narrow_width_doubt(model, mi, gi, s.energy, s.target, _weight(s, model),
                                  s.mass_max, s.x_min, *kin)
    for j, i in enumerate(idx):
        doubt = est[j]
        if production != "auto" or approx != "ww":
            if not np.isfinite(doubt):
                notes[i].append(("narrow-unchecked", None))
            elif doubt > NARROW or gam[j] > NARROW:
                notes[i].append(("narrow-doubt", float(max(doubt, gam[j]))))
            continue
        if gam[j] > NARROW:
            wide[i] = True
            continue
        if doubt <= NARROW / _pol.SCREEN_SAFETY:
            continue
        n_pair, pair_doubt = _pair_yield(model, m[i], g[i], s, *kin, flat_beyond=True)
        if pair_doubt <= OFFSHELL_FAIL:
            wide[i] = abs(n_pair / n_up - 1.0) > NARROW
        elif doubt <= OFFSHELL_FAIL:     # the pair integral cannot decide; the estimate can
            if doubt > NARROW:
                notes[i].append(("narrow-fallback", float(doubt)))
        else:
            failed[i] = True
            notes[i].append(("failed", float(min(doubt, pair_doubt))))
    return wide, failed


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
                                        _weight(s, model), s.mass_max, s.x_min, *kin)[0])
    if not est <= OFFSHELL_FAIL:
        return None
    return float(g[0]), float(br[0]), float(y1[0]), float(y1e[0]), est


def coupling_limit(model, mass, dataset="2022", method=DEFAULT_METHOD, cl=0.9,
                   production="auto", approx="ww", theta_max=0.1, t_max="E2", alpha=ALPHA,
                   label=None, seed=0, etl_rtol=0.005) -> MediatorLimit:
    """Upper limit on the coupling at one mass [energy] (module doc). KinematicsError where the
    data set has no efficiency (outside its tables); where no coupling is excluded the result
    has ``coupling`` None, ``status`` "no-limit" and a warning saying why.

    >>> from mucast.units import MeV
    >>> 1e-4 < coupling_limit("lmu-ltau", 100 * MeV).coupling < 2e-3
    True
    """
    model = get_model(model)
    s = setup(dataset)
    m = float(_masses([mass], s)[0])
    r = coupling_limit_scan(model, np.array([m]), s, method, cl, production, approx, theta_max,
                            t_max, alpha, label, seed, etl_rtol)
    status = str(r.status[0])
    if status == "no-efficiency":
        tables = ", ".join(f"{t.efficiency.x_min / GeV:g}-{t.efficiency.x_max / GeV:g} GeV"
                           for t in s.triggers)
        raise KinematicsError(f"no signal efficiency for mass = {m / GeV:g} GeV in data set "
                              f"{s.name} (efficiency tables cover {tables})")
    on = r.production[0] == "on-shell" and status == "ok"
    ye = None
    if on:
        ye = float(r.yield_error[0]) if r.yield_error is not None else None
    return MediatorLimit(float(r.coupling[0]) if r.valid[0] else None, m, r.n_up,
                         float(r.yield_at_g1[0]) if on else None,
                         ye, float(r.branching_invisible[0]) if on else None, s.name, r.model,
                         r.method, float(cl), str(r.production[0]), r.g_chi,
                         None if r.m_chi is None else float(r.m_chi[0]),
                         inputs={"approx": approx, "theta_max": float(theta_max),
                                 "energy_GeV": s.energy / GeV, "target": s.target.name,
                                 "x_min": s.x_min, "model": model.to_dict()},
                         warnings=r.warnings, status=status)


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

