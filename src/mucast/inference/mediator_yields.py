"""Layer 4: the expected signal of a mediator model (mucast.models.mediator) for a mass and a
coupling, on and off shell — seed 001's Eq. (1) generalised; the limits on the coupling are
:mod:`mucast.inference.mediators`.

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
produced X is ε(m)(1 − f)σ(x ≥ x_min)/σ (:func:`final_efficiency`). The tables have one column
per spin (the efficiency averaged over that spin's own x spectrum in the signal region, and, for
the detector-model tables, its muon angles), and the yield uses the column of ``model.spin``
(off shell: of the mediator's spin, the photon's for the millicharge); a user's table with one
``efficiency`` column serves every spin and the result says so (docs/models.md §3).
"""

from __future__ import annotations

import functools

import math
import numbers
from dataclasses import dataclass, field, replace

import numpy as np

from mucast import __version__
from mucast._validate import real_array, real_number, short_repr
from mucast.constants import ALPHA
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.experiments.selection import setup
from mucast.inference import decays as _dec
from mucast.inference import stats
from mucast.models.mediator import get_model
from mucast.processes.mediators import offshell as _off
from mucast.processes.mediators import policy as _pol
from mucast.processes.mediators import production as _prod
from mucast.processes.mediators import ww_domain as _wd
from mucast.processes.mediators.policy import NARROW, OFFSHELL_FAIL
from mucast.units import GeV

__all__ = ["DEFAULT_METHOD", "PRODUCTIONS", "MediatorYield", "efficiency", "events_limit",
           "events_upper_limit", "final_efficiency", "point_model", "sigma_signal_region",
           "signal_yield", "yield_per_g2"]

#: seed 001's method (asymptotic CLs); results carry its under-coverage warning
DEFAULT_METHOD = "cls-asymptotic"
#: "narrow" = mucast 0.2's treatment (the narrow-width form wherever X decays invisibly, the pair
#: integral elsewhere) — the default of the legacy ``limit zprime`` and of Fig. 4
PRODUCTIONS = ("auto", "on-shell", "off-shell", "narrow")


def _masses(masses, s, name="masses"):
    """The masses [energy] of a scan as a 1-D float array: numbers (a string "0.1" is not read
    as 0.1 MeV), finite, > 0 and below the beam's reach (InputError, KinematicsError)."""
    m = np.atleast_1d(real_array(masses, name, unit_text=" [energy]"))
    if m.size == 0:
        raise InputError(f"{name} must not be empty")
    if not np.all(np.isfinite(m)) or not np.all(m > 0):
        raise InputError(f"mass must be finite and > 0 GeV, got {short_repr(m / GeV)}")
    reach = s.energy - _prod.M_MU
    if np.any(m >= reach):
        raise KinematicsError(f"mass must be below the beam's reach E - m_mu = {reach / GeV:.6g}"
                              f" GeV, got {np.max(m) / GeV:.6g} GeV")
    return m


def _check_coupling(g):
    if isinstance(g, bool) or not isinstance(g, numbers.Real) or not (math.isfinite(g) and g > 0):
        raise InputError(f"coupling must be finite and > 0, got {g!r}")
    return float(g)


def efficiency(masses, dataset="2022"):
    """MOT-weighted ε(m) = Σ_t N_MOT^t ε^t(m) / Σ_t N_MOT^t of the data set."""
    s = setup(dataset)
    return s.mot_efficiency(_masses(masses, s)) / s.mot


def _sigma_signal(spin, m, s, approx, theta_max, t_max, alpha, etl_rtol=0.005, seed=0,
                  notes=None, mechanism="bremsstrahlung"):
    """σ_X(x ≥ x_min; m, g = 1) [area, or area × energy² for photon fusion] and its error for an
    array of masses in the data set's signal region, by the production mechanism:

    * "bremsstrahlung" (X off the muon line):
      :func:`mucast.processes.mediators.ww_domain.cross_section_per_g2` ("auto": WW where it
      holds within 2%, corrected or exact where not; "ww"; "etl");
    * "photon-fusion" (an ALP's γγ → a on the nucleus): :func:`_fusion_sigma`.

    ``notes``: one list per mass, to which what was done is appended."""
    if mechanism == "photon-fusion":
        return _fusion_sigma(m, s, approx, t_max, alpha, etl_rtol, seed, notes)[:2]
    return _wd.cross_section_per_g2(m, s.energy, s.target, approx, s.x_min, theta_max, t_max,
                                    alpha, spin, etl_rtol, seed, notes)


def _fusion_sigma(m, s, approx, t_max, alpha, etl_rtol, seed, notes):
    """Photon fusion: (σ/g², error, x nodes, weights) [area·energy²] of the direct process
    (:func:`mucast.processes.alp.production.production`: WW inside its measured domain, exact
    outside; no cut on the ALP's angle — an invisible ALP is missed at any angle) times
    (1 + R), R the thick target's real photons converting by Primakoff
    (:func:`mucast.processes.alp.secondary.secondary_ratio`: 0.6–1.4% at NA64μ, stated ±7%),
    its uncertainty added. The spectrum is the direct one's (the secondary ALPs' is taken to have
    its shape: both are E_a ≥ x_min E, from photons of that energy)."""
    from mucast.processes.alp import production as _alp
    from mucast.processes.alp import secondary as _sec
    r = _alp.production(m, s.energy, s.target, s.x_min, t_max=t_max, alpha=alpha,
                        approx="auto" if approx == "auto" else approx, rtol=etl_rtol, seed=seed)
    thickness = s.nuclei_per_area / s.target.nuclei_per_volume()
    sec = _sec.secondary_ratio(m, s.energy, s.target, thickness, s.x_min, rtol=etl_rtol,
                               seed=seed)
    v = r.sigma_per_g2 * (1.0 + sec.ratio)
    e = r.error * (1.0 + sec.ratio) + r.sigma_per_g2 * sec.uncertainty
    w = r.weights * (1.0 + sec.ratio)[:, None]
    if notes is not None:
        for i in range(len(m)):
            notes[i].append(("fusion-secondary", float(sec.ratio[i])))
            if r.method[i] == "etl":
                notes[i].append(("exact-used", None))
        if r.warnings:
            for i in range(len(m)):
                notes[i].append(("fusion-ww-outside", None))
    return v, e, r.x, w


def yield_per_g2(masses, dataset="2022", approx="auto", theta_max=0.1, t_max="E2",
                 alpha=ALPHA, spin="vector", seed=0, etl_rtol=0.005, notes=None,
                 mechanism="bremsstrahlung"):
    """On-shell N/(g_μ² Br_inv) for an array of masses, and its integration error: event counts
    per unit squared muon coupling, before the branching fraction; zero where the efficiency
    tables are zero. ``approx``: "auto" (default; WW where it holds, corrected or exact where
    not: :func:`_sigma_signal`), "ww" or "etl"; ``notes``: a list of one list per mass, to which
    the calculation's notes are appended (mucast.inference.notes); ``mechanism``:
    "bremsstrahlung" or "photon-fusion" (an ALP coupled to photons: per g_aγγ², with the
    pseudoscalar's efficiency column, an ASSUMPTION said in the notes)."""
    s = setup(dataset)
    m = _masses(masses, s)
    sig, err = _sigma_signal(_prod.check_spin(spin), m, s, approx, theta_max, t_max, alpha,
                             etl_rtol, seed, notes, mechanism)
    if mechanism == "photon-fusion" and notes is not None:
        for n in notes:
            n.append(("fusion-efficiency", None))
    lum = s.mot_efficiency(m, _prod.check_spin(spin)) * (1.0 - s.pileup_loss) * s.nuclei_per_area
    shape = np.shape(masses)
    return (lum * sig).reshape(shape), (lum * err).reshape(shape)


def final_efficiency(masses, dataset="2022", theta_max=0.1, spin="vector"):
    """Seed 001's "final" efficiency per produced X: ε(m)(1 − f_pile-up) σ(x ≥ x_min)/σ."""
    s = setup(dataset)
    m = _masses(masses, s)
    cut, _ = _prod.cross_section_per_g2(m, s.energy, s.target, "ww", s.x_min, theta_max,
                                        spin=spin)
    full, _ = _prod.cross_section_per_g2(m, s.energy, s.target, "ww", None, theta_max, spin=spin)
    eff = s.mot_efficiency(m, _prod.check_spin(spin)) / s.mot
    return (eff * (1.0 - s.pileup_loss) * cut / full).reshape(np.shape(masses))


def _lum(s):
    """(1 − f_pile-up) n_T L [1/area]: what turns a cross section weighted by the MOT-summed
    efficiency into events."""
    return (1.0 - s.pileup_loss) * s.nuclei_per_area


def _weight(s, model):
    """The pair integral's weight w(k) = Σ_t N_MOT^t ε^t(k) (the efficiency at the pair mass,
    in the column of the mediator's spin: the millicharge's photon is a vector)."""
    spin = model.spin
    return lambda k: s.mot_efficiency(k, spin)


def _pair_yield(model, m, g, s, theta_max, t_max, alpha, with_error=True, flat_beyond=False,
                approx="auto"):
    """Off-shell N(m, g) [events] as (value, relative doubt). The value counts the signal
    where the efficiency is known (the tables' range); the doubt is the pair integral's stated
    error plus the part of it beyond the tables' end with the efficiency held at its last value,
    relative (:func:`mucast.processes.mediators.offshell.pair_integral`; 0 with
    ``with_error=False``). ``flat_beyond=True`` adds that part to the value: what the
    narrow-width form, which takes ε at the pole for the whole resonance, is compared with.
    ``approx`` "auto": σ_X(k) with the exact/WW correction where WW is off (else WW as is)."""
    mdl, mx = point_model(model, float(m))
    r = _off.pair_integral(mdl, mx, float(g), s.energy, s.target, _weight(s, model), s.mass_max,
                           s.x_min, theta_max, t_max, alpha, with_error=with_error,
                           correct=approx == "auto")
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
    """Expected signal events N for one (m, g) with its ingredients: ``value`` = the invisible
    part (``invisible``) + the visible decays beyond the last veto (``escaping``, decays in
    flight: 0 with decays "invisible"); ``decays_by_region``: every selected X's decay point,
    per region of the set-up (decays "computed")."""

    value: float
    error: float
    mass: float
    coupling: float
    branching_invisible: float | None
    production: str
    dataset: str
    model: str
    version: str = field(default=__version__)
    invisible: float | None = None
    escaping: float = 0.0
    decays: str = "invisible"
    decays_by_region: dict | None = None

    def to_dict(self) -> dict:
        return {"yield": self.value, "yield_error": self.error, "mass_GeV": self.mass / GeV,
                "coupling": self.coupling, "branching_invisible": self.branching_invisible,
                "production": self.production, "dataset": self.dataset, "model": self.model,
                "yield_invisible": self.value - self.escaping, "yield_escaping": self.escaping,
                "decays": self.decays, "decays_by_region": self.decays_by_region,
                "mucast_version": self.version}


def signal_yield(model, mass, coupling, dataset="2022", production="auto", approx="auto",
                 theta_max=0.1, t_max="E2", alpha=ALPHA, decays=None) -> MediatorYield:
    """Expected signal events for one (m, g) point (module doc), with the same choice of
    calculation as the limits: ``auto`` takes the pair integral where the narrow-width form is
    off by more than NARROW at this coupling; ``decays`` as in the limits (None: the model's
    default, :func:`default_decays`) — "computed" adds the visible decays beyond the last veto.

    >>> from mucast.units import MeV
    >>> signal_yield("lmu-ltau", 100 * MeV, 1e-3).value > 1
    True
    """
    model = get_model(model)
    g = _check_coupling(coupling)
    s = setup(dataset)
    m = float(_masses([real_number(mass, "mass")], s)[0])
    _check_reach(model, [m], s)
    decays = resolve_decays(model, decays, s)
    if decays == "computed" and model.invisible:
        model = replace(model, invisible=False)
    kin = (theta_max, t_max, alpha)
    if decays == "invisible" and not _declared(model) and not _has_invisible_channel(model):
        n_inv, err, br, prod = 0.0, 0.0, 0.0, "on-shell"
    else:
        n_inv, err, br, prod = _invisible_yield(model, m, g, s, production, approx, kin,
                                                decays == "computed")
    esc, by_region = 0.0, None
    if decays == "computed":
        y1, _ = yield_per_g2(np.array([m]), s, approx, theta_max, t_max, alpha, model.spin,
                             mechanism=model.production)
        if y1[0] > 0:
            C = float(model.invisible_width(m, 0.0))
            inv1 = float(model.invisible_width(m, 1.0))
            V1 = float(model.total_width(m, 1.0)) - inv1
            if V1 > 0 or C + inv1 == 0:
                e = _escape_yields(model, np.array([m]), s, y1, (np.array([C]),
                                   np.array([inv1 - C]), np.array([V1])), kin, approx)[0]
                esc = float(e(np.array([g]))[0])
                by_region = e.region_yields(g)
    return MediatorYield(n_inv + esc, err, m, g, br, prod, s.name, model.name,
                         invisible=n_inv, escaping=esc, decays=decays,
                         decays_by_region=by_region)


def _invisible_yield(model, m, g, s, production, approx, kin, computed):
    """(events, error, Br_inv, production) of the invisible part at one (m, g)."""
    theta_max, t_max, alpha = kin
    prod = _choose_production(model, np.array([m]), np.array([g]), production, computed)[0]
    if prod == "on-shell":
        y1, e1 = yield_per_g2(np.array([m]), s, approx, theta_max, t_max, alpha, model.spin,
                              mechanism=model.production)
        br = float(model.branching_invisible(m, g))
        q2g2 = (model.production_charge * g) ** 2
        n_on = float(y1[0]) * q2g2 * br
        wide = False
        if production == "auto" and not _declared(model) and n_on > 0:
            wide = bool(_check_narrow(model, np.array([m]), np.array([g]), np.array([True]),
                                      production, approx, s, n_on, [[]], kin)[0][0])
        if not wide:
            return n_on, float(e1[0]) * q2g2 * br, br, prod
        prod = "off-shell"
    if approx == "etl":
        raise InputError("off-shell production is computed from WW (approx 'auto' or 'ww')")
    n, doubt = _pair_yield(model, m, g, s, *kin, approx=approx)
    return n, n * doubt if math.isfinite(doubt) else 0.0, None, prod


def _has_invisible_channel(model) -> bool:
    """Can X (or X*) make an invisible pair at any mass: a dark sector, or neutrinos?"""
    return model.dark is not None or (model.spin in ("vector", "axial") and any(
        model.charges.get(f, 0) for f in ("nu_e", "nu_mu", "nu_tau")))


def _choose_production(model, m, g, production, decays_computed=False):
    """The calculation of the invisible yield per mass: "on-shell" or "off-shell". With decays
    computed and no invisible channel at all, X is made on shell and its decays decide
    (mucast.inference.mediators), so every production is on shell."""
    if production not in PRODUCTIONS:
        raise UnknownNameError(f"production must be one of {', '.join(PRODUCTIONS)}, got"
                               f" {production!r}")
    if decays_computed and model.mass is None and not _has_invisible_channel(model):
        return np.full(np.shape(m), "on-shell", dtype=object)
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


def events_limit(dataset="2022", method=DEFAULT_METHOD, cl=0.9) -> stats.UpperLimit:
    """Upper limit on the number of signal events for the data set's n, b and uncertainties
    (:func:`mucast.inference.stats.upper_limit`; the renamed ``"cls"`` is read as cls-asymptotic
    here, as in mucast ≤ 0.2)."""
    s = setup(dataset)
    return _upper_limit_cached(s.observed, float(s.background), method, float(cl),
                               float(s.background_uncertainty), float(s.signal_systematic),
                               float(s.mot_uncertainty))


@functools.lru_cache(maxsize=64)
def _upper_limit_cached(n, b, method, cl, db, ss, dmot) -> stats.UpperLimit:
    """stats.upper_limit for a data set's numbers: a pure function of them, and its result is
    immutable (a frozen dataclass with a tuple of warnings), so a curve asks for it once, not at
    every scan and assembly (0.3 ms each with the exact-CLs comparison of its warnings)."""
    return stats.upper_limit(n, b, method, cl, background_uncertainty=db, signal_systematic=ss,
                             mot_uncertainty=dmot, legacy_cls="cls-asymptotic")


def events_upper_limit(dataset="2022", method=DEFAULT_METHOD, cl=0.9) -> float:
    """N_up of :func:`events_limit`."""
    return events_limit(dataset, method, cl).upper


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
                                  s.mass_max, s.x_min, *kin, correct=approx == "auto")
    for j, i in enumerate(idx):
        doubt = est[j]
        if production != "auto" or approx == "etl":
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
        n_pair, pair_doubt = _pair_yield(model, m[i], g[i], s, *kin, flat_beyond=True,
                                         approx=approx)
        if pair_doubt <= OFFSHELL_FAIL:
            wide[i] = abs(n_pair / n_up - 1.0) > NARROW
        elif doubt <= OFFSHELL_FAIL:     # the pair integral cannot decide; the estimate can
            if doubt > NARROW:
                notes[i].append(("narrow-fallback", float(doubt)))
        else:
            failed[i] = True
            notes[i].append(("failed", float(min(doubt, pair_doubt))))
    return wide, failed


def sigma_signal_region(model, mass, coupling, dataset="2022", theta_max=0.1):
    """σ(x ≥ x_min) [area] of the on-shell production at (m, g) (``/ picobarn`` to read)."""
    model = get_model(model)
    s = setup(dataset)
    m = _masses([real_number(mass, "mass")], s)
    v, _ = _prod.cross_section_per_g2(m, s.energy, s.target, "ww", s.x_min, theta_max,
                                      spin=model.spin)
    return float(v[0]) * float(model.g_mu(_check_coupling(coupling))) ** 2


# ----------------------------------------------------------------------------------------------
# decays in flight
# ----------------------------------------------------------------------------------------------
#: what "decays" may be (coupling_limit_scan)
DECAYS = ("computed", "invisible")

def default_decays(model) -> str:
    """The default of ``decays`` for a model (docs/models.md): "invisible" for a model whose
    preset says so and that has no dark sector (the dark photon: NA64's invisible-mode
    convention, A′ → dark sector with Br = 1), "computed" otherwise (every other preset: its
    widths decide, and visible decays beyond the set-up count)."""
    return "invisible" if model.decays_default == "invisible" and model.dark is None \
        else "computed"


def resolve_decays(model, decays, s) -> str:
    """``decays`` checked (None: the model's default); "computed" needs the data set's geometry
    and a mediator of its own (not the millicharge's photon)."""
    d = default_decays(model) if decays is None else decays
    if d not in DECAYS:
        raise UnknownNameError(f"decays must be one of {', '.join(DECAYS)}, got {decays!r}")
    if d == "computed" and (model.mass is not None or model.parameter == "dark"):
        return "invisible"            # a stable pair through a fixed mediator: nothing decays
    if d == "computed" and s.geometry is None:
        raise InputError(f"decays 'computed' needs the set-up along the beam, but data set"
                         f" {s.name} has no [geometry] table (docs/models.md); add one or use"
                         " decays 'invisible'")
    return d


def _escape_yields(model, masses, s, y1, widths1, kin, approx="auto", etl_rtol=0.005, seed=0):
    """The :class:`~mucast.inference.decays.EscapeYield` of each mass: the signal-region
    spectrum of the model's production (bremsstrahlung: the WW spectrum of its spin, one
    vectorised pass; photon fusion: the ALP's), scaled to the on-shell yield per unit coupling
    ``y1`` (so an exact normalisation keeps the spectrum's shape), and the widths at g = 1, 0."""
    theta_max, t_max, alpha = kin
    if model.production == "photon-fusion":
        _, _, x, w = _fusion_sigma(masses, s, approx, t_max, alpha, etl_rtol, seed, None)
    else:
        x, w = _prod.x_spectrum(masses, s.energy, s.target, s.x_min, theta_max, t_max, alpha,
                                model.spin)
    q2 = model.production_charge ** 2
    return [_dec.EscapeYield(x[j], w[j] * (y1[j] / np.sum(w[j])), float(mi), s.energy, q2,
                             [float(v[j]) for v in widths1], s.geometry)
            for j, mi in enumerate(masses)]
