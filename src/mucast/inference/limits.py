"""Layer 4: bounds on EFT coefficients from the absence of a signal (seed 000, Sec. V).

The yield is quadratic in the coefficients, N = C² N(C = 1), so a single-operator bound is
|C| ≤ sqrt(N_up / N(1)), with N_up the upper limit on the signal mean (Feldman–Cousins, 2.44
for n = 0, b = 0, as in seed 000; or another method of mucast.inference.stats). Λ = |C|^(-1/2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.processes import conventions as _conv
from mucast import experiments as _exp
from mucast.inference import stats
from mucast.constants import SIN2_THETA_W, V2
from mucast.exceptions import InputError
from mucast.processes.eft import production as eft
from mucast.units import GeV
from mucast.inference.yields import signal_yield


def events_limit(experiment, method: str = "fc", cl: float = 0.9) -> stats.UpperLimit:
    """Upper limit on the signal mean for the experiment's observed events and background
    (:func:`mucast.inference.stats.upper_limit`; no background uncertainty or signal systematic enters the
    EFT bounds, as in seed 000)."""
    return stats.upper_limit(experiment.observed, experiment.background, method=method, cl=cl)


def events_upper_limit(experiment, method: str = "fc", cl: float = 0.9) -> float:
    """N_up of :func:`events_limit`."""
    return events_limit(experiment, method, cl).upper


def edge_warning(edge_fraction: float, experiment) -> list[str]:
    """The warning of a result dominated by the last bin of the acceptance table."""
    from mucast.inference.yields import EDGE_DOMINATED, edge_window
    if edge_fraction <= EDGE_DOMINATED:
        return []
    acc = experiment.acceptance
    return [f"{edge_fraction:.0%} of the signal yield comes from the last bin of the acceptance "
            f"table (sqrt(k^2) = {edge_window(acc) / GeV:g}-{acc.x_max / GeV:g} GeV): the bound "
            "depends on where the simulated acceptance range ends, not on physics"]


def pair_threshold(operator: str, m_N) -> np.ndarray:
    """The lightest invisible final state of an operator [energy]: 2 m_N for eN_22/LN_22 (N N̄),
    m_N for LNLe_2222 (N ν̄), 0 for the SM-neutrino operators (vectorised in m_N)."""
    if operator in ("eN_22", "LN_22"):
        return 2.0 * np.asarray(m_N, float)
    if operator == "LNLe_2222":
        return np.asarray(m_N, float)
    return 0.0 * np.asarray(m_N, float)


def threshold_warning(operator: str, Lambda: float, m_N: float,
                      what: str = "this is not a physical bound") -> list[str]:
    """The warning of a bound whose scale Λ = |C|^(-1/2) is below the mass of the lightest final
    state the operator makes (:func:`pair_threshold`): a contact interaction of scale Λ cannot
    describe the production of a state heavier than Λ (the momentum through the operator is at
    least that mass), so the number is not a physical bound. One rule for `bound` and `scan`
    (issue 17: scan printed Λ = 47 MeV at m_N = 1.5 GeV), and, with ``what`` naming the number,
    for `yield` and `xsec eft` (:func:`model_threshold_warnings`)."""
    thr = float(pair_threshold(operator, m_N))
    if not (thr > 0 and Lambda < thr):
        return []
    return [f"Lambda = {Lambda / GeV:.4g} GeV is below the mass of the invisible final state"
            f" ({thr / GeV:g} GeV): a contact operator cannot describe its production, so"
            f" {what} (the EFT does not hold here)"]


def model_threshold_warnings(model, what: str) -> list[str]:
    """:func:`threshold_warning` for every operator of an EFTModel, Λ = |C|^(-1/2) of its own
    coefficient (a yield or cross section at a point; 0.4 audit: `yield --coef LN_22=10
    --m-N 0.5` gave 2.2e6 events at Λ = 0.32 GeV < 2 m_N with warnings [])."""
    out = []
    for op, c in model.coefficients.items():
        if c:
            out += [f"{op}: {w}" for w in threshold_warning(op, abs(c) ** -0.5, model.m_N, what)]
    return out


@dataclass(frozen=True)
class BoundResult:
    """A 90% CL bound on one operator coefficient.

    ``bound``: |C| upper limit [1/energy², hepunits]; ``Lambda``: |C|^(-1/2) [energy];
    ``n_up``: upper limit on the signal events; ``yield_unit``: N at C = 1/GeV².
    """

    operator: str
    bound: float
    Lambda: float
    n_up: float
    yield_unit: float
    yield_unit_error: float
    dataset: str
    m_N: float
    method: str
    cl: float
    conventions: str
    n_type: str = "dirac"
    version: str = field(default=__version__)
    #: issue 6: the full inputs (every convention setting, the experiment's numbers), so that a
    #: result made with --theta-max or a user's TOML can be reproduced from its JSON
    inputs: dict | None = field(default=None, compare=False)
    #: fraction of the yield from the last acceptance-table bin (mucast.inference.yields.edge_window)
    last_bin_fraction: float = 0.0
    #: statements a user must see (method coverage, dominance of the table's last bin)
    warnings: tuple = ()

    def to_dict(self) -> dict:
        return {
            "operator": self.operator,
            "n_type": self.n_type,
            "bound": self.bound * GeV**2,
            "Lambda": self.Lambda / GeV,
            "units": {"bound": "GeV^-2", "Lambda": "GeV", "mN": "GeV"},
            "n_up": self.n_up,
            "yield_at_unit_coefficient": self.yield_unit,
            "yield_at_unit_coefficient_error": self.yield_unit_error,
            "relative_integration_error": self.yield_unit_error / self.yield_unit,
            "dataset": self.dataset,
            "mN": self.m_N / GeV,
            "method": self.method,
            "cl": self.cl,
            "conventions": self.conventions,
            "last_bin_fraction": self.last_bin_fraction,
            "warnings": list(self.warnings),
            "mucast_version": self.version,
            **({"inputs": self.inputs} if self.inputs is not None else {}),
        }


def bound(operator: str, dataset="2022", m_N: float = 0.0, conventions=None, method="fc",
          cl=0.9, orders=None, n_type: str = "dirac") -> BoundResult:
    """90% CL (by default) bound on one operator's coefficient.

    Parameters
    ----------
    operator : one of mucast.processes.eft.production.OPERATORS (WCxf names)
    dataset : data-set name, TOML path or Experiment
    m_N : HNL mass [energy] (νSMEFT operators only)
    n_type : nature of N for eN_22/LN_22: "dirac" (seed 000), "dirac_R" or "majorana"

    Example
    -------
    >>> from mucast.units import GeV
    >>> b = bound("LN_22", "2023-24", m_N=0.1 * GeV)
    >>> b.bound * GeV**2 < 1       # GeV^-2
    True
    """
    eft.check_operator(operator)
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    model = eft.EFTModel({operator: 1.0 / GeV**2}, m_N=m_N, n_type=n_type)
    y = signal_yield(model, exp, conv, orders)
    lim = events_limit(exp, method, cl)
    if not y.value > 0:
        raise InputError(f"zero signal yield for {operator} in {exp.name}: no bound")
    c = math.sqrt(lim.upper / y.value) / GeV**2
    notes = (tuple(lim.warnings) + tuple(edge_warning(y.edge_fraction, exp))
             + tuple(threshold_warning(eft.check_operator(operator), c ** -0.5, m_N)))
    return BoundResult(operator, c, c ** -0.5, lim.upper, y.value, y.error, exp.name, m_N,
                       lim.method, cl, conv.name, n_type, inputs=y.inputs,
                       last_bin_fraction=y.edge_fraction, warnings=notes)


# ----------------------------------------------------------------------------------------
# the SMEFT two-operator plane (Eq. 23) and the trident combination (Eq. 24)
# ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuadraticForm:
    """The bound region a c1² + b c2² + h c1 c2 ≤ R in (c1, c2) [1/energy² each].

    Normalised as Eq. (23) of seed 000: a = 1, so the fitted numbers are
    ``b`` (≈ 1), ``h`` (seed: −0.1) and ``R`` (seed: 2.1e-8 GeV^-4 for the future set-up).
    """

    operators: tuple
    a: float
    b: float
    h: float
    R: float
    dataset: str
    conventions: str
    fit_residual: float = 0.0
    method: str = "fc"
    warnings: tuple = ()

    def contains(self, c1, c2):
        return self.a * c1**2 + self.b * c2**2 + self.h * c1 * c2 <= self.R

    def single_bounds(self):
        """(|c1|max, |c2|max) along the axes [1/energy²]."""
        return math.sqrt(self.R / self.a), math.sqrt(self.R / self.b)

    def to_dict(self):
        return {"operators": list(self.operators), "a": self.a, "b": self.b, "h": self.h,
                "R_GeV-4": self.R * GeV**4, "dataset": self.dataset,
                "conventions": self.conventions, "fit_relative_residual": self.fit_residual,
                "axis_bounds_GeV-2": [x * GeV**2 for x in self.single_bounds()],
                "method": self.method, "warnings": list(self.warnings)}


def smeft_plane(alpha: str = "tau", dataset="future", conventions=None, method="fc", cl=0.9,
                n_fit: int = 6) -> QuadraticForm:
    """Fit the quadratic form of Eq. (23) to the bound contour in the plane
    ([c_LL]_μμαα, [c_Lℓ]_ααμμ)/v² (WCxf ``ll_22αα``, ``le_αα22``), α = "mu" or "tau".

    The yield is evaluated at ``n_fit`` directions (c1, c2) = (cos φ, sin φ); N(φ) is a quadratic
    form in (cos φ, sin φ), fitted by least squares (residual reported: ~1e-15 shows the form is
    exact), then normalised to a = 1 as in Eq. (23). Three directions determine the form; the
    default 6 keeps three for the residual check (0.1 used 24: 4× the cost for the same numbers).
    """
    if isinstance(n_fit, bool) or not isinstance(n_fit, int) or n_fit < 3:
        raise InputError(f"n_fit must be an integer >= 3 (directions in the plane), got {n_fit!r}")
    ops = {"tau": ("ll_2233", "le_3322"), "mu": ("ll_2222", "le_2222")}.get(alpha)
    if ops is None:
        raise InputError(f"alpha must be 'mu' or 'tau', got {alpha!r}")
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    lim = events_limit(exp, method, cl)
    n_up = lim.upper
    phis = np.linspace(0, math.pi, n_fit, endpoint=False)
    yields = []
    for p in phis:
        c1, c2 = math.cos(p), math.sin(p)
        coeffs = {ops[0]: c1 / GeV**2, ops[1]: c2 / GeV**2}
        coeffs = {k: v for k, v in coeffs.items() if v != 0.0}
        yields.append(signal_yield(eft.EFTModel(coeffs), exp, conv).value)
    N = np.array(yields)
    M = np.stack([np.cos(phis) ** 2, np.sin(phis) ** 2, np.cos(phis) * np.sin(phis)], axis=1)
    sol, *_ = np.linalg.lstsq(M, N, rcond=None)
    resid = float(np.max(np.abs(M @ sol - N)) / np.max(N))
    A, B, H = sol
    # N(c) = (A c1² + B c2² + H c1 c2) GeV⁴ for c in GeV^-2; bound N ≤ n_up
    return QuadraticForm(ops, 1.0, B / A, H / A, n_up / A / GeV**4, exp.name, conv.name, resid,
                         lim.method, tuple(lim.warnings))


def flat_direction_ratio(sin2_theta_w: float = SIN2_THETA_W) -> float:
    """r = 2 g_Y²/(g_L² + 3 g_Y²) of Eq. (7) of seed 000, with g_Y²/g_L² = tan²θ_W."""
    t2 = sin2_theta_w / (1.0 - sin2_theta_w)
    return 2.0 * t2 / (1.0 + 3.0 * t2)


@dataclass(frozen=True)
class TridentCombination:
    """Eq. (24): NA64μ region ∩ trident band |c_LL + r c_Lℓ| ≤ ĉ_max z / v² (α = μ).

    ``c_ll_max``, ``c_le_max`` [1/energy²] are in the seed's normalisation of [c_LL]_μμμμ (the
    coefficient of (ν̄_μ γ P_L ν_μ)(μ̄ γ P_L μ)); ``c_ll_max_wcxf`` is the WCxf ``ll_2222``
    (half of it, see docs/conventions.md).
    """

    c_ll_max: float
    c_le_max: float
    c_ll_max_wcxf: float
    r: float
    band: float
    form: QuadraticForm

    def to_dict(self):
        return {"c_LL_mumumumu_max_GeV-2": self.c_ll_max * GeV**2,
                "c_Le_mumumumu_max_GeV-2": self.c_le_max * GeV**2,
                "ll_2222_max_GeV-2 (WCxf)": self.c_ll_max_wcxf * GeV**2,
                "flat_direction_r": self.r, "trident_band_GeV-2": self.band * GeV**2,
                "plane": self.form.to_dict(), "warnings": list(self.form.warnings)}


def trident_combination(dataset="future", c_hat_max: float = 0.21, z_scale: float = 1.645,
                        conventions=None, method="fc", cl=0.9) -> TridentCombination:
    """Combine the NA64μ (c_LL, c_Lℓ)_μμμμ region with the trident bound on the flat direction
    [ĉ_LL]_μμμμ = c_LL + r c_Lℓ ≤ 0.21 (68% CL, Falkowski et al. via seed 000 Eq. 7).

    The 68% CL half-width is scaled by ``z_scale`` = 1.645 to 90% CL (Gaussian; a choice that
    reproduces Eq. 24 of seed 000, see docs/validation.md). The plane is computed in the seed's
    normalisation of c_LL (ll_identical_factor = 1), so that Eq. (7) applies as written.
    """
    conv = _conv.get(conventions).replace(ll_identical_factor=1.0)
    form = smeft_plane("mu", dataset, conv, method, cl)
    r = flat_direction_ratio()
    band = c_hat_max * z_scale / V2
    # maximise |c1| and |c2| over {form ≤ R} ∩ {|c1 + r c2| ≤ band}: scan the band's
    # parametrisation c1 = -r c2 + d, d ∈ [-band, band], analytically in c2 for each d.
    a, b, h, R = form.a, form.b, form.h, form.R
    c1_best = c2_best = 0.0
    for d in np.linspace(-band, band, 401):
        # a(-r c2 + d)² + b c2² + h(-r c2 + d) c2 ≤ R  →  A2 c2² + B1 c2 + C0 ≤ 0
        A2 = a * r * r + b - h * r
        B1 = -2 * a * r * d + h * d
        C0 = a * d * d - R
        disc = B1 * B1 - 4 * A2 * C0
        if disc < 0:
            continue
        roots = ((-B1 - math.sqrt(disc)) / (2 * A2), (-B1 + math.sqrt(disc)) / (2 * A2))
        for c2 in roots:
            c2_best = max(c2_best, abs(c2))
            c1_best = max(c1_best, abs(-r * c2 + d))
    return TridentCombination(c1_best, c2_best, c1_best / 2.0, r, band, form)
