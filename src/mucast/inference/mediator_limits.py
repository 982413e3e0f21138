"""Layer 4: Z′ (L_μ−L_τ) signal yields and coupling limits — seed 001, Eq. (1) and Fig. 4.

Signal yield (Eq. 1 of seed 001, with the production written out):

    N_Z′(m, g) = Σ_t N_MOT^t · ε^t(m) · (1 − f_pile-up) · n_T L_eff · σ(x ≥ x_min; m, g) · Br_inv,

t the trigger configurations of the data set's ``[zprime]`` table, n_T L_eff the nuclei per area of
the active target (ρ N_A/A times the effective thickness, as for the EFT yields), σ the WW cross
section of :mod:`mucast.processes.zprime` restricted to the signal region p_out ≤ 80 GeV, i.e.
x = E_Z′/E ≥ x_min = 0.5.

What ε^t contains (and what it does not), so that nothing is counted twice:
    ε^t(m) (the tables ``data/acceptance/zprime_*.csv``) is the trigger × reconstruction ×
    selection efficiency for signal events *inside* the kinematic signal region x ≥ x_min, and
    *before* the pile-up loss. The x cut is applied through σ(x ≥ x_min) and the pile-up loss
    (13%, seed 001) as the explicit factor (1 − f_pile-up). The "final" efficiency per produced
    Z′ quoted by seed 001 (peaks at ~12% for m = 0.1–1 GeV) corresponds to
    ε_final(m) = ε^t(m)(1 − f_pile-up) σ(x ≥ x_min)/σ(all x); the tables are normalised so
    that the MOT-weighted ε_final peaks at 12% (scripts/make_zprime_efficiencies.py).

Statistics (observed events and background from the data set; seed 001: n = 0, b = 0.07 ± 0.03):

``"cls-asymptotic"`` (default, the method of seed 001)
    profile-likelihood CLs in the asymptotic approximation (Cowan et al., EPJC 71 (2011) 1554),
    computed with pyhf (:func:`mucast.inference.stats.cls_upper_limit_asymptotic`) on a one-bin model with
    the data set's signal systematic (8%), MOT uncertainty (1%) and background uncertainty
    (0.07 ± 0.03). For n = 0 the asymptotic formulae give fewer events than the exact answer
    (N_up → Φ⁻¹(0.95)²/2 = 1.35 for b → 0, 1.44 at b = 0.07): the well-known optimistic
    behaviour of asymptotics at zero counts; every such result carries a warning.
``"cls-exact"``
    exact counting CLs with known b (:func:`mucast.inference.stats.cls_upper_limit_counting`; 2.30 for n = 0).
``"fc"``
    Feldman–Cousins with known b (:func:`mucast.inference.stats.feldman_cousins_upper_limit`; 2.39 at
    n = 0, b = 0.07); nuisance parameters are not included.

The default follows seed 001 so that the published curve is reproduced method for method (the
efficiency shape is calibrated with it, see docs/zprime.md); use ``method="cls-exact"`` or
``"fc"`` for limits with correct coverage at zero observed events (couplings weaker by
√(2.30/1.44) = 1.26 or √(2.39/1.44) = 1.29). The name ``"cls"`` of mucast ≤ 0.2 is read as
cls-asymptotic here, with a deprecation warning in the result.

Couplings: σ ∝ g², so one cross-section evaluation per mass suffices. For ``model="vanilla"``
Br_inv depends on the mass only; for ``"dark"`` (Z′ → χχ̄ with g_χ, m_χ) it depends weakly on g
and N(g) = N_up is solved by a vectorised fixed-point iteration, checked to 1e-10.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from mucast import __version__
from mucast import experiments as _exp
from mucast.inference import stats
from mucast.experiments.acceptance import load_table
from mucast.constants import ALPHA
from mucast.exceptions import DataFileError, InputError, KinematicsError, UnknownNameError
from mucast.processes import zprime as _zp
from mucast.units import GeV, picobarn

__all__ = [
    "LIMIT_METHODS",
    "ZprimeLimit",
    "ZprimeLimitScan",
    "ZprimeSetup",
    "coupling_limit",
    "coupling_limit_scan",
    "efficiency",
    "events_upper_limit",
    "final_efficiency",
    "setup",
    "signal_yield",
    "thermal_y",
    "yield_per_g2",
]

LIMIT_METHODS = stats.METHODS
#: seed 001's method (asymptotic CLs); results carry its under-coverage warning
DEFAULT_METHOD = "cls-asymptotic"


# ----------------------------------------------------------------------------------------------
# the data set's Z' settings
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Trigger:
    name: str
    mot: float
    efficiency: object  # AcceptanceTable (m_GeV, efficiency)


@dataclass(frozen=True)
class ZprimeSetup:
    """What Eq. (1) needs from a data set: triggers (MOT, ε(m)), beam, target, statistics inputs."""

    name: str
    energy: float
    target: object
    nuclei_per_area: float
    triggers: tuple
    observed: int
    background: float
    background_uncertainty: float
    signal_systematic: float
    mot_uncertainty: float
    pileup_loss: float
    x_min: float

    @property
    def mot(self) -> float:
        return float(sum(t.mot for t in self.triggers))

    def mot_efficiency(self, masses):
        """Σ_t N_MOT^t ε^t(m) (vectorised over masses, energies in hepunits)."""
        m = np.asarray(masses, dtype=float)
        return sum(t.mot * t.efficiency(m) for t in self.triggers)

    def replace_mot(self, factor: float) -> "ZprimeSetup":
        """A copy with every trigger's MOT multiplied by ``factor`` (for projections/tests)."""
        trig = tuple(Trigger(t.name, t.mot * factor, t.efficiency) for t in self.triggers)
        return ZprimeSetup(**{**self.__dict__, "triggers": trig})


def _num(d, key, lo, hi, name):
    v = d.get(key)
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (lo <= v <= hi):
        raise DataFileError(f"[zprime] {key} of data set {name} must be a number in [{lo}, {hi}],"
                            f" got {v!r}")
    return float(v)


def _setup_from_experiment(exp) -> ZprimeSetup:
    z = exp.zprime
    if not z:
        raise DataFileError(f"data set {exp.name} has no [zprime] table (seed 001 inputs)")
    trig = z.get("trigger")
    if not trig:
        raise DataFileError(f"data set {exp.name}: [zprime] needs at least one [[zprime.trigger]]")
    triggers = []
    for t in trig:
        if "efficiency" not in t or "mot" not in t:
            raise DataFileError(f"data set {exp.name}: each [[zprime.trigger]] needs mot and efficiency")
        mot = _num(t, "mot", 0.0, math.inf, exp.name)
        table = load_table(t["efficiency"], base=exp.base_dir, columns=("m_GeV", "efficiency"))
        triggers.append(Trigger(str(t.get("name", t["efficiency"])), mot, table))
    return ZprimeSetup(
        name=exp.name, energy=exp.beam_energy, target=exp.target,
        nuclei_per_area=exp.target.nuclei_per_volume() * exp.thickness,
        triggers=tuple(triggers), observed=exp.observed,
        background=_num(z, "background", 0.0, 1e3, exp.name),
        background_uncertainty=_num(z, "background_uncertainty", 0.0, 1e3, exp.name),
        signal_systematic=_num(z, "signal_systematic", 0.0, 0.99, exp.name),
        mot_uncertainty=_num(z, "mot_uncertainty", 0.0, 0.99, exp.name),
        pileup_loss=_num(z, "pileup_loss", 0.0, 0.99, exp.name),
        x_min=_num(z, "signal_x_min", 0.0, 0.999, exp.name))


@lru_cache(maxsize=16)
def _setup_by_name(name: str) -> ZprimeSetup:
    return _setup_from_experiment(_exp.get(name))


def setup(dataset) -> ZprimeSetup:
    """The :class:`ZprimeSetup` of a data set (name "2022", "2023-24", "future", a TOML path,
    an :class:`~mucast.experiments.Experiment` or a ZprimeSetup)."""
    if isinstance(dataset, ZprimeSetup):
        return dataset
    if isinstance(dataset, str) and not dataset.endswith(".toml"):
        if dataset not in _exp.available_datasets():
            raise UnknownNameError(f"unknown data set {dataset!r}; known: "
                                   f"{', '.join(_exp.available_datasets())}")
        return _setup_by_name(dataset)
    return _setup_from_experiment(_exp.get(dataset))


# ----------------------------------------------------------------------------------------------
# yields
# ----------------------------------------------------------------------------------------------
def _masses(masses, energy):
    m = np.asarray(masses, dtype=float)
    if not np.all(np.isfinite(m)) or not np.all(m > 0):
        raise InputError(f"mass must be finite and > 0 GeV, got {m / GeV!r}")
    return m


def efficiency(masses, dataset="2022"):
    """MOT-weighted ε(m) = Σ_t N_MOT^t ε^t(m) / Σ_t N_MOT^t of the data set (see module doc)."""
    s = setup(dataset)
    return s.mot_efficiency(_masses(masses, s.energy)) / s.mot


def yield_per_g2(masses, dataset="2022", approx="ww", theta_max=0.1, t_max="E2", alpha=ALPHA):
    """N_Z′/(g² Br_inv) of Eq. (1) for an array of masses, and its integration error.

    Returns (value, error), dimensionless event counts per unit g², before the branching
    fraction; zero where the efficiency tables are zero.
    """
    s = setup(dataset)
    m = np.atleast_1d(_masses(masses, s.energy))
    sig, err = _zp.cross_section_per_g2(m, s.energy, s.target, approx, s.x_min, theta_max,
                                        t_max, alpha)
    lum = s.mot_efficiency(m) * (1.0 - s.pileup_loss) * s.nuclei_per_area
    shape = np.shape(masses)
    return (lum * sig).reshape(shape), (lum * err).reshape(shape)


def final_efficiency(masses, dataset="2022", theta_max=0.1):
    """The seed-001 "final" efficiency per produced Z′: ε(m)(1 − f_pile-up) σ(x ≥ x_min)/σ."""
    s = setup(dataset)
    m = np.atleast_1d(_masses(masses, s.energy))
    cut, _ = _zp.cross_section_per_g2(m, s.energy, s.target, "ww", s.x_min, theta_max)
    full, _ = _zp.cross_section_per_g2(m, s.energy, s.target, "ww", None, theta_max)
    return (efficiency(m, s) * (1.0 - s.pileup_loss) * cut / full).reshape(np.shape(masses))


@dataclass(frozen=True)
class ZprimeYield:
    """Expected signal events N (Eq. 1 of seed 001) with its ingredients."""

    value: float
    error: float
    mass: float
    coupling: float
    branching_invisible: float
    sigma_signal_region: float
    dataset: str
    model: str
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        return {"yield": self.value, "yield_error": self.error, "mass_GeV": self.mass / GeV,
                "coupling": self.coupling, "branching_invisible": self.branching_invisible,
                "sigma_signal_region_pb": self.sigma_signal_region / picobarn,
                "dataset": self.dataset, "model": self.model, "mucast_version": self.version}


def _check_dark_point(model, mass, g_chi, m_chi):
    """Issue 6: g_χ, m_χ given for "vanilla" were ignored silently, and a "dark" point with
    m_χ ≥ m_Z′/2 (no Z′ → χχ̄, so no dark-matter signal and a meaningless y) returned the
    vanilla-like limit without a word. Single-point entry points reject both."""
    if model != "dark":
        if g_chi is not None or m_chi is not None:
            raise InputError(f"g_chi and m_chi apply to model='dark' only, not to {model!r}")
        return
    if m_chi is not None:
        mc = float(np.asarray(m_chi, dtype=float))
        if not (math.isfinite(mc) and 0 <= mc < 0.5 * mass):
            raise KinematicsError(
                f"dark model: m_chi = {mc / GeV:g} GeV must be finite and below m_Z'/2 ="
                f" {0.5 * mass / GeV:g} GeV (Z' -> chi chi-bar closed otherwise)")


def _check_coupling(g):
    if isinstance(g, bool) or not isinstance(g, numbers.Real) or not (math.isfinite(g) and g > 0):
        raise InputError(f"coupling must be finite and > 0, got {g!r}")
    return float(g)


def signal_yield(mass, coupling, dataset="2022", model="vanilla", g_chi=None, m_chi=None,
                 chi_type="dirac", approx="ww", theta_max=0.1) -> ZprimeYield:
    """Expected signal events for one (m, g) point (Eq. 1 of seed 001).

    >>> from mucast.units import MeV
    >>> signal_yield(100 * MeV, 1e-3).value > 1
    True
    """
    g = _check_coupling(coupling)
    _zp._check_choice("model", model, _zp.MODELS)
    s = setup(dataset)
    m = float(_zp._check_mass(mass, s.energy))
    _check_dark_point(model, m, g_chi, m_chi)
    y1, e1 = yield_per_g2(np.array([m]), s, approx, theta_max)
    br = float(_zp.branching_invisible(m, g, model, g_chi, m_chi, chi_type))
    sig, _ = _zp.cross_section_per_g2(np.array([m]), s.energy, s.target, approx, s.x_min,
                                      theta_max)
    return ZprimeYield(float(y1[0]) * g * g * br, float(e1[0]) * g * g * br, m, g, br,
                       float(sig[0]) * g * g, s.name, model)


# ----------------------------------------------------------------------------------------------
# statistics
# ----------------------------------------------------------------------------------------------
def events_limit(dataset="2022", method=DEFAULT_METHOD, cl=0.9) -> stats.UpperLimit:
    """Upper limit on the number of signal events for the data set's n, b and uncertainties
    (:func:`mucast.inference.stats.upper_limit`; the renamed ``"cls"`` is read as cls-asymptotic here, as
    in mucast <= 0.2)."""
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
def _solve_coupling(n_up, y1, masses, model, g_chi, m_chi, chi_type):
    """g with g² y1 Br(m, g) = n_up, vectorised (y1 > 0). Fixed point on g² (Br varies slowly)."""
    if model == "vanilla":
        br = _zp.branching_invisible(masses, 1.0, "vanilla")
        return np.sqrt(n_up / (y1 * br)), br
    g = np.sqrt(n_up / y1)
    for _ in range(60):
        br = _zp.branching_invisible(masses, g, model, g_chi, m_chi, chi_type)
        g_new = np.sqrt(n_up / (y1 * br))
        if np.all(np.abs(g_new / g - 1.0) < 1e-13):
            g = g_new
            break
        g = g_new
    br = _zp.branching_invisible(masses, g, model, g_chi, m_chi, chi_type)
    resid = np.abs(g * g * y1 * br / n_up - 1.0)
    if np.any(resid > 1e-10):  # pragma: no cover - Br ≥ Γ_ν/Γ_tot keeps the map contracting
        raise KinematicsError("coupling limit did not converge (dark model); check g_chi, m_chi")
    return g, br


@dataclass(frozen=True)
class ZprimeLimit:
    """90% CL (default) upper limit on g for one mass.

    ``coupling``: g_up; ``n_up``: limit on signal events; ``yield_at_g1``: N/(g² Br) of Eq. (1);
    ``branching_invisible`` at g_up; ``y``: thermal-DM variable (g_χ g)²(m_χ/m)⁴ for "dark".
    """

    coupling: float
    mass: float
    n_up: float
    yield_at_g1: float
    yield_error: float
    branching_invisible: float
    dataset: str
    model: str
    method: str
    cl: float
    g_chi: float | None = None
    m_chi: float | None = None
    version: str = field(default=__version__)
    #: issue 6: the remaining inputs (approx, theta_max, chi_type) for reproduction
    inputs: dict | None = field(default=None, compare=False)
    #: statements a user must see (e.g. the under-coverage of cls-asymptotic at low counts)
    warnings: tuple = ()

    @property
    def y(self) -> float | None:
        if self.model != "dark":
            return None
        return thermal_y(self.coupling, self.g_chi, self.m_chi, self.mass)

    def to_dict(self) -> dict:
        d = {"coupling": self.coupling, "mass_GeV": self.mass / GeV, "n_up": self.n_up,
             "yield_at_g1": self.yield_at_g1, "yield_error_at_g1": self.yield_error,
             "branching_invisible": self.branching_invisible, "dataset": self.dataset,
             "model": self.model, "method": self.method, "cl": self.cl,
             "mucast_version": self.version, "warnings": list(self.warnings)}
        if self.model == "dark":
            d.update({"g_chi": self.g_chi, "m_chi_GeV": self.m_chi / GeV, "y": self.y})
        if self.inputs is not None:
            d["inputs"] = self.inputs
        return d


@dataclass(frozen=True)
class ZprimeLimitScan:
    """Limits for many masses. ``coupling`` is ``inf`` where the yield vanishes (no efficiency
    table there, or σ = 0); ``valid`` marks the finite entries."""

    masses: np.ndarray
    coupling: np.ndarray
    yield_at_g1: np.ndarray
    branching_invisible: np.ndarray
    n_up: float
    dataset: str
    model: str
    method: str
    cl: float
    g_chi: float | None = None
    m_chi: np.ndarray | None = None
    version: str = field(default=__version__)
    warnings: tuple = ()

    @property
    def valid(self) -> np.ndarray:
        return np.isfinite(self.coupling)

    @property
    def y(self) -> np.ndarray | None:
        if self.model != "dark":
            return None
        return thermal_y(self.coupling, self.g_chi, self.m_chi, self.masses)

    def to_dict(self) -> dict:
        ok = self.valid
        d = {"mass_GeV": (self.masses[ok] / GeV).tolist(), "coupling": self.coupling[ok].tolist(),
             "yield_at_g1": self.yield_at_g1[ok].tolist(),
             "branching_invisible": self.branching_invisible[ok].tolist(), "n_up": self.n_up,
             "dataset": self.dataset, "model": self.model, "method": self.method, "cl": self.cl,
             "mucast_version": self.version, "warnings": list(self.warnings)}
        if self.model == "dark":
            d.update({"g_chi": self.g_chi, "m_chi_GeV": (self.m_chi[ok] / GeV).tolist(),
                      "y": self.y[ok].tolist()})
        return d


def _dark_inputs(model, masses, g_chi, m_chi):
    if model != "dark":
        return None, None
    g_chi = _zp.DEFAULT_G_CHI if g_chi is None else g_chi
    m_chi = _zp.DEFAULT_M_CHI_RATIO * np.asarray(masses, float) if m_chi is None else \
        np.broadcast_to(np.asarray(m_chi, float), np.shape(masses))
    return g_chi, m_chi


def coupling_limit_scan(masses, dataset="2022", model="vanilla", method=DEFAULT_METHOD, cl=0.9,
                        g_chi=None, m_chi=None, chi_type="dirac", approx="ww",
                        theta_max=0.1) -> ZprimeLimitScan:
    """Upper limits on g for an array of masses (one vectorised cross-section pass).

    Example
    -------
    >>> import numpy as np
    >>> from mucast.units import GeV
    >>> r = coupling_limit_scan(np.geomspace(0.01, 1, 5) * GeV, "2022")
    >>> bool(np.all(r.coupling < 1e-2))
    True
    """
    _zp._check_choice("model", model, _zp.MODELS)
    s = setup(dataset)
    m = np.atleast_1d(_zp._check_mass(masses, s.energy)).astype(float)
    lim = events_limit(s, method, cl)
    n_up, method = lim.upper, lim.method
    y1, _ = yield_per_g2(m, s, approx, theta_max)
    g_chi, m_chi = _dark_inputs(model, m, g_chi, m_chi)
    g = np.full(m.shape, np.inf)
    br = np.asarray(_zp.branching_invisible(m, 1.0, model, g_chi, m_chi, chi_type), float)
    ok = y1 > 0
    if np.any(ok):
        g[ok], br[ok] = _solve_coupling(n_up, y1[ok], m[ok], model, g_chi,
                                        None if m_chi is None else m_chi[ok], chi_type)
    return ZprimeLimitScan(m, g, y1, br, n_up, s.name, model, method, float(cl), g_chi, m_chi,
                           warnings=lim.warnings)


def coupling_limit(mass, dataset="2022", model="vanilla", method=DEFAULT_METHOD, cl=0.9,
                   g_chi=None, m_chi=None, chi_type="dirac", approx="ww",
                   theta_max=0.1) -> ZprimeLimit:
    """Upper limit on g_Z′ at one mass [energy] (Eq. 1 of seed 001; module doc for methods).

    Raises KinematicsError where the data set has no efficiency (outside its tables).

    >>> from mucast.units import MeV
    >>> 1e-4 < coupling_limit(100 * MeV).coupling < 2e-3
    True
    """
    _zp._check_choice("model", model, _zp.MODELS)
    s = setup(dataset)
    m = float(_zp._check_mass(mass, s.energy))
    _check_dark_point(model, m, g_chi, m_chi)
    r = coupling_limit_scan(np.array([m]), s, model, method, cl, g_chi,
                            None if m_chi is None else np.array([float(m_chi)]), chi_type,
                            approx, theta_max)
    if not r.valid[0]:
        tables = ", ".join(f"{t.efficiency.x_min / GeV:g}-{t.efficiency.x_max / GeV:g} GeV"
                           for t in s.triggers)
        raise KinematicsError(f"no signal efficiency for mass = {m / GeV:g} GeV in data set "
                              f"{s.name} (efficiency tables cover {tables})")
    yv, ye = yield_per_g2(np.array([m]), s, approx, theta_max)
    return ZprimeLimit(float(r.coupling[0]), m, r.n_up, float(yv[0]), float(ye[0]),
                       float(r.branching_invisible[0]), s.name, model, r.method, float(cl),
                       r.g_chi, None if r.m_chi is None else float(r.m_chi[0]),
                       inputs={"approx": approx, "theta_max": float(theta_max),
                               "chi_type": chi_type, "energy_GeV": s.energy / GeV,
                               "target": s.target.name, "x_min": s.x_min},
                       warnings=r.warnings)


# ----------------------------------------------------------------------------------------------
# thermal dark matter plane
# ----------------------------------------------------------------------------------------------
def thermal_y(coupling, g_chi=None, m_chi=None, mass=None):
    """y = (g_χ g)² (m_χ/m_Z′)⁴ (seed 001; Berlin et al., PRD 99 (2019) 075001).

    Default g_χ = 5·10⁻² and m_Z′ = 3 m_χ (then y = g_χ² g²/81).

    >>> round(float(thermal_y(1e-3)) * 1e12, 4)
    30.8642
    """
    g_chi = _zp.DEFAULT_G_CHI if g_chi is None else g_chi
    if m_chi is None or mass is None:
        ratio = _zp.DEFAULT_M_CHI_RATIO
    else:
        ratio = np.asarray(m_chi, float) / np.asarray(mass, float)
    return (g_chi * np.asarray(coupling, float)) ** 2 * ratio**4
