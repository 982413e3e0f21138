"""Layer 3: thermal freeze-out of dark matter coupled to the SM through a mediator model, and
the thermal targets in the (m_χ, y) plane (issue 12; docs/relic.md).

* ⟨σv⟩_eff(x): :mod:`mucast.cosmology.thermal` (Gondolo–Gelmini on fixed nodes, any pole).
* Boltzmann equation for W = ln Y, Y = n/s, in x = m₁/T:
  dW/dx = −λ(x)(e^W − e^{2W_eq − W}), λ = √(π/45) M_Pl m g_*^{1/2} ⟨σv⟩_eff/x² (from
  dn/dt + 3Hn = −⟨σv⟩_eff(n² − n_eq²) with entropy conservation; Gondolo & Gelmini, NPB 360
  (1991) 145, Eq. 3.9 for g_*^{1/2}); Y_eq = (45/4π⁴) Σ g_i (m_i/T)² K₂(m_i/T)/h_eff. LSODA with
  the analytic Jacobian from where the relaxation rate drops below 10⁵ (quasi-static start),
  to x_end (where σ(s)'s smallest structure is e^{−60} away; ≥ 1000, ≤ matter–radiation
  equality), then 1/Y∞ = 1/Y(x_end) + ∫λ dx with ⟨σv⟩ = A + B/x and g_*(T) from the table.
  Ωh² = m Y₀ s₀/(ρ_c/h²). x_f: Y(x_f) = 2Y_eq(x_f). ``stop_sensitivity``: Ωh² stopping at
  x_end/10 over Ωh² − 1, read off the same solution.
* Targets: the model coupling g with Ωh²(g) = Ω_target (default 0.120, Planck 2018), found in
  ln g (secant with the Ω ∝ g⁻² slope as a guard; rtol 1e-4 in Ωh²); y = (g_χ g)²(m_χ/m_X)⁴
  (seed 001, g_χ², not α_χ; y_alpha = y/4π is the α_χ convention).
* The dark sector's parameters: the caller's, else the model's [dark], else the seed's
  (:func:`resolve_dark`); the domain's warnings and refusals: :mod:`mucast.cosmology.domain`.

Not included (docs/relic.md): kinetic decoupling (its effect near a pole is measured and said),
Sommerfeld and bound-state effects, the ν-bath temperature (measured and said), hadronic
channels of the dark photon (refused above 2m_π±), χχ → XX beyond a Dirac fermion with a vector
mediator at rest (the rest is sized and said, or refused).

Energies in hepunits; ⟨σv⟩ in natural units internally, cm³/s where the name says so.
"""

from __future__ import annotations

import functools
import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.interpolate import CubicSpline

from mucast import __version__
from mucast.constants import OMEGA_DM_H2_PLANCK2018, RHO_CRIT_OVER_H2_GEV_CM3, T_EQ
from mucast.cosmology.dof import t_nu_over_t_gamma
from mucast.cosmology.domain import (_T_NU_DEC, bath_warning, domain_warnings, light_warnings,
                                     needs_bath_check, xx_channel, xx_extra)
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.models.mediator import get_model
from mucast.cosmology import annihilation as _ann
from mucast.cosmology.boltzmann import (_K_START, FreezeOut, _fill_underflow,  # noqa: F401
                                        _n_grid_for, _Splines, _x_grid, solve_boltzmann)
from mucast.cosmology.thermal import (ThermalAverage, crossings, g_nodes, half_width_t, pole_offset, species)
from mucast.units import GeV, c_light, cm3, natural_to_area, second

__all__ = ["FreezeOut", "RelicTarget", "omega_h2", "thermal_target", "target_curve",
           "target_curve_detailed", "resolve_dark", "sigmav_eff", "sigmav_for_abundance",
           "sigmav_target", "SigmavTarget", "sigmav_to_cm3_s", "DM_TYPES", "DARK_DEFAULTS"]

DM_TYPES = _ann.DM_TYPES
SQRT4PI = math.sqrt(4.0 * math.pi)
_RHO_CRIT_H2 = RHO_CRIT_OVER_H2_GEV_CM3 * GeV          # [energy/cm³] (per cm³ as a number)


def sigmav_to_cm3_s(sv):
    """⟨σv⟩ from natural units (1/energy²) to cm³/s."""
    return natural_to_area(np.asarray(sv, float)) * c_light / (cm3 / second)


def _from_cm3_s(sv_cm3_s):
    return sv_cm3_s / sigmav_to_cm3_s(1.0)


@functools.lru_cache(maxsize=4)
def _averager(ann, mX, extra_width, x_end, n_grid, g_nodes):
    return ThermalAverage(ann, mX, _x_grid(1.0, x_end, n_grid), g_nodes, extra_width)


def _x_end_for(ann, mX, g, extra_width):
    """Where annihilation has ended: x = 60 m₁/δ_min (T = δ_min/60, the structure e^{−60}
    away), δ_min the smallest energy scale of σ(s) above threshold — the pole's distance
    |m_X − m₁ − m₂| and the crossings of :func:`_crossings` where the width matters there (a
    pole at threshold: where the dark width overtakes the SM one, or the Breit–Wigner width
    meets |√s − m_X|) — at least 1000, and at most m₁/T_eq (matter–radiation equality: the
    radiation-dominated equation ends there; a pole at threshold, whose ⟨σv⟩ grows as x or
    x^{3/2} until T reaches δ_min ~ Γ_SM²/Γ_χ, reaches it)."""
    m1 = ann.m1
    d = pole_offset(ann, mX)
    T1 = np.array([m1])
    tp = np.array([d / m1])
    cr = crossings(ann, mX, g, extra_width, T1, tp)[0]
    scales = [abs(d) / m1] if d != 0.0 else []
    for c in cr[np.isfinite(cr)]:
        gam = float(half_width_t(ann, g, extra_width, T1, np.array([c]))[0])
        if gam > 1e-3 * abs(c - tp[0]):
            scales.append(float(c))
    x_cap = max(float(m1 / T_EQ), 1000.0)
    if not scales:
        return 1000.0
    t_min = min(scales)
    return float(min(max(1000.0, 60.0 / t_min), x_cap)) if t_min > 0 else x_cap


# ----------------------------------------------------------------------------------------------
# arguments
# ----------------------------------------------------------------------------------------------
def _positive(name, v, unit_name="", unit=1.0, hi=None):
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating)) or not (
            math.isfinite(v) and v > 0 and (hi is None or v <= hi)):
        rng = f"(0, {hi / unit:.4g}]" if hi is not None else "> 0"
        shown = v / unit if isinstance(v, (int, float, np.floating)) and unit != 1.0 else v
        raise InputError(f"{name} must be a finite number {rng}{' ' + unit_name if unit_name else ''},"
                         f" got {shown!r}")
    return float(v)


#: the dark sector's defaults where neither the caller nor the model's [dark] gives a value
#: (seed 001: g_χ = 0.05, m_Z′ = 3m_χ; δ = 0.1 for pseudo-Dirac, docs/relic.md)
DARK_DEFAULTS = {"g_chi": 0.05, "mass_ratio": 3.0, "splitting": 0.1}


def resolve_dark(model, dm=None, g_chi=None, mass_ratio=None, splitting=None):
    """The dark-sector parameters of a relic computation, one meaning per model (issue 17 §3):
    what the caller gives, else the model's [dark] values (kind, g_chi, m_X/m_chi, splitting),
    else :data:`DARK_DEFAULTS`. Returns (values, sources): dicts over dm, g_chi, mass_ratio,
    splitting with the source "argument", "model file" or "default" of each."""
    model = get_model(model)
    dark = model.dark
    given = {"dm": dm, "g_chi": g_chi, "mass_ratio": mass_ratio, "splitting": splitting}
    from_file = {}
    if dark is not None:
        from_file = {"dm": dark.kind, "g_chi": dark.coupling, "mass_ratio": dark.mass_ratio,
                     "splitting": dark.splitting if dark.kind == "pseudo-dirac" else None}
    kind = dm if dm is not None else (dark.kind if dark is not None else None)
    if splitting not in (None, 0, 0.0) and kind is not None and kind != "pseudo-dirac":
        # as the mediator layer refuses it (models.mediator.DarkSector): not dropped silently
        raise InputError(f"a splitting applies to pseudo-Dirac dark matter only, not {kind}")
    values, sources = {}, {}
    for k, v in given.items():
        if v is not None:
            values[k], sources[k] = v, "argument"
        elif from_file.get(k) is not None:
            values[k], sources[k] = from_file[k], "model file"
        elif k in DARK_DEFAULTS:
            values[k], sources[k] = DARK_DEFAULTS[k], "default"
        else:
            values[k], sources[k] = None, None
    if values["dm"] != "pseudo-dirac":       # the default splitting is the pseudo-Dirac's only
        values["splitting"], sources["splitting"] = 0.0, None
    return values, sources


def _setup(model, dm, m_chi, mass_ratio, g_chi, splitting):
    """(model, Annihilation, m_X, values) after resolving (:func:`resolve_dark`) and checking
    every argument."""
    model = get_model(model)
    if model.mass is not None:
        raise InputError(f"model {model.name}: its mediator has a fixed mass (the photon); the"
                         " relic solver needs a massive mediator")
    if model.parameter != "sm":
        raise InputError(f"model {model.name}: its coupling scales the dark sector; not supported"
                         " by the relic solver")
    if getattr(model, "photon_coupling", 0.0):
        raise InputError(f"model {model.name}: its photon coupling (chi chi -> X* -> gamma gamma)"
                         " is not among the relic solver's annihilation channels (leptons only)")
    values, _ = resolve_dark(model, dm, g_chi, mass_ratio, splitting)
    dm, g_chi = values["dm"], values["g_chi"]
    mass_ratio, splitting = values["mass_ratio"], values["splitting"]
    if dm is None:
        raise InputError(f"model {model.name} has no dark-matter particle: give dm (--dm)")
    if dm not in DM_TYPES:
        raise UnknownNameError(f"dm must be one of {', '.join(DM_TYPES)}, got {dm!r}")
    m_chi = _positive("m_chi", m_chi, "GeV", GeV)
    mass_ratio = _positive("mass_ratio (m_X/m_chi)", mass_ratio)
    g_chi = _positive("g_chi", g_chi, hi=SQRT4PI)
    if not (isinstance(splitting, (int, float)) and not isinstance(splitting, bool)
            and math.isfinite(splitting) and 0.0 <= splitting < 1.0):
        raise InputError(f"splitting must be in [0, 1) (m2 = m1 (1 + splitting)), got {splitting!r}")
    ann = _ann.annihilation(model, dm, m_chi, g_chi, splitting)
    if ann.hadronic_threshold is not None and ann.threshold >= ann.hadronic_threshold:
        raise KinematicsError(f"m_chi = {m_chi / GeV:g} GeV: model {model.name}: "
                              + _ann.hadronic_limit_message(ann))
    if mass_ratio < 1.0 and not (dm == "dirac" and model.spin == "vector"):
        raise InputError(f"mass_ratio = {mass_ratio:g} < 1 opens chi chi -> X X, implemented only"
                         " for Dirac dark matter with a vector mediator; use mass_ratio >= 1")
    values.update(dm=dm, g_chi=float(g_chi), mass_ratio=float(mass_ratio),
                  splitting=float(splitting) if dm == "pseudo-dirac" else 0.0)
    return model, ann, mass_ratio * m_chi, values


def omega_h2(model, m_chi, coupling, dm=None, g_chi=None, mass_ratio=None, splitting=None,
             extra_width=0.0, keep_curve=False, n_grid=240) -> FreezeOut:
    """Relic abundance Ωh² of dark matter ``dm`` of mass ``m_chi`` [energy] for the model's
    coupling ``coupling`` (m_X = mass_ratio·m_χ; ``splitting`` δ for pseudo-Dirac only), with
    the ``warnings`` of the solver's domain (:func:`domain_warnings`).

    >>> from mucast.units import GeV
    >>> r = omega_h2("lmu-ltau", 0.01 * GeV, 4.0e-4, dm="scalar")
    >>> 0.11 < r.omega_h2 < 0.13
    True
    """
    model, ann, mX, par = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g = _positive("coupling", coupling)
    extra_width = float(extra_width)
    res = _omega(ann, mX, g, extra_width, keep_curve, n_grid)
    return _with_domain(model, ann, mX, g, res, extra_width, n_grid)


def _with_domain(model, ann, mX, g, res, extra_width, n_grid=240) -> FreezeOut:
    """``res`` with the warnings of :mod:`mucast.cosmology.domain` (or its refusal)."""
    check = (_omega(ann, mX, g, extra_width, n_grid=n_grid,
                    bath_ratio=t_nu_over_t_gamma).omega_h2
             if needs_bath_check(ann, res) else None)
    res.warnings = domain_warnings(model, ann, mX, g, res, extra_width, check)
    extra = xx_extra(ann, mX)                  # χχ → XX beyond what is modelled, to size it
    if extra is not None:
        xs, sv = _sv_grid(ann, mX, g, extra_width, n_grid)
        if np.max(extra(xs) / np.maximum(sv, 1e-300)) > 1e-7:     # else: Ωh² moves < 1e-7
            alt = _omega(ann, mX, g, extra_width, n_grid=n_grid, sv_extra=extra).omega_h2
            res.warnings += xx_channel(ann, mX, res, alt)
    return res


def _sv_grid(ann, mX, g, extra_width=0.0, n_grid=240):
    """(x grid, ⟨σv⟩_eff on it) as :func:`_omega` uses them (cached node arrays)."""
    gn = g_nodes(g)
    x_end, _ = _x_end_cached(ann, mX, gn, extra_width)
    n = _n_grid_for(x_end, n_grid)
    return _x_grid(1.0, x_end, n), _averager(ann, mX, extra_width, x_end, n, gn)(g)


def _omega(ann, mX, g, extra_width=0.0, keep_curve=False, n_grid=240,
           bath_ratio=None, sv_extra=None) -> FreezeOut:
    """Ωh² on the cached nodes; ``bath_ratio`` T_b/T_γ(T) and ``sv_extra(x)`` (added to
    ⟨σv⟩_eff) only for the domain checks."""
    x_end, capped = _x_end_cached(ann, mX, g_nodes(g), extra_width)
    xs, sv = _sv_grid(ann, mX, g, extra_width, n_grid)
    n = xs.size
    if bath_ratio is None:
        bath_ratio = 1.0
    else:                          # ⟨σv⟩ at x_b = x/r, cubic in ln x (a doubt's size: 1e-5 ok)
        lx = np.log(_x_grid(1.0, x_end, n))
        ln_sv = CubicSpline(lx, np.log(np.maximum(sv, 1e-300)))
        sv = np.exp(ln_sv(lx - np.log(bath_ratio(ann.m1 / np.exp(lx)))))
    if sv_extra is not None:
        sv = sv + sv_extra(_x_grid(1.0, x_end, n))
    sp, _ = species(ann.dm, ann.m1, ann.m2)
    return solve_boltzmann(ann.m1, lambda xs: sv, sp, x_end=x_end, keep_curve=keep_curve,
                           n_grid=n, tail=not capped, bath_ratio=bath_ratio)


@functools.lru_cache(maxsize=256)
def _x_end_cached(ann, mX, g_nodes, extra_width):
    """(x_end, capped at matter–radiation equality) for the node layout's coupling."""
    x_end = _x_end_for(ann, mX, g_nodes, extra_width)
    return x_end, x_end >= max(float(ann.m1 / T_EQ), 1000.0) and x_end > 1000.0


def sigmav_eff(model, m_chi, coupling, x, dm=None, g_chi=None, mass_ratio=None, splitting=None):
    """⟨σv⟩_eff(x) [1/energy²] (``sigmav_to_cm3_s`` to read) for x = m_χ/T (array)."""
    model, ann, mX, par = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g = _positive("coupling", coupling)
    x = np.atleast_1d(np.asarray(x, float))
    return ThermalAverage(ann, mX, x, g)(g)


@dataclass
class RelicTarget:
    """The coupling that gives the relic density, and what comes with it."""

    model: str
    dm: str
    m_chi: float
    mass_ratio: float
    g_chi: float
    splitting: float
    coupling: float
    y: float
    omega_h2: float
    omega_target: float
    x_freeze_out: float
    n_eval: int
    warnings: list = field(default_factory=list)
    version: str = field(default=__version__)

    @property
    def y_alpha(self) -> float:
        """α_χ g² (m_χ/m_X)⁴ = y/4π."""
        return self.y / (4.0 * math.pi)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["m_chi_GeV"] = d.pop("m_chi") / GeV
        d["m_X_GeV"] = d["m_chi_GeV"] * self.mass_ratio
        d["y_alpha"] = self.y_alpha
        if not math.isfinite(self.x_freeze_out):
            d["x_freeze_out"] = None            # JSON has no NaN; the warnings say why
        d["mucast_version"] = d.pop("version")
        return d


#: the relative step of m_χ by which the sensitivity of a forbidden-channel target is measured
_FORBIDDEN_STEP = 0.01
#: a target coupling within this factor of the search's cap g_max is said to be near it
_NEAR_CAP = 2.0


def thermal_target(model, m_chi, dm=None, g_chi=None, mass_ratio=None, splitting=None,
                   omega_target=OMEGA_DM_H2_PLANCK2018, g_max=SQRT4PI, rtol=1e-4,
                   extra_width=0.0, _probe=True) -> RelicTarget:
    """The model coupling g with Ωh²(g) = ``omega_target`` (secant in ln g, 4–6 Ωh²
    evaluations). KinematicsError if even g = ``g_max`` (default √4π) leaves too much dark
    matter (with every channel closed at threshold, the message names the lightest). Where every
    channel is closed at threshold and the target comes from the thermal tail alone
    (forbidden annihilation), the warnings give the threshold's Boltzmann factor and the
    measured change of the target for m_χ ∓ 1% (two more searches; ``_probe=False`` inside
    them); a target within a factor 2 of ``g_max`` is said to be near the cap.

    >>> from mucast.units import GeV
    >>> t = thermal_target("lmu-ltau", 0.01 * GeV, dm="scalar")
    >>> round(t.coupling * 1e4, 2), round(t.omega_h2, 3)
    (4.0, 0.12)
    """
    model, ann, mX, par = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g_chi, mass_ratio, splitting = par["g_chi"], par["mass_ratio"], par["splitting"]
    omega_target = _positive("omega_h2", omega_target)
    g_max = _positive("g_max", g_max, hi=SQRT4PI)
    ln_t = math.log(omega_target)
    cache = {}

    extra_width = float(extra_width)

    solved = {}

    def f(lng):
        if lng not in cache:
            solved[lng] = _omega(ann, mX, math.exp(lng), extra_width)
            cache[lng] = math.log(max(solved[lng].omega_h2, 1e-300)) - ln_t
        return cache[lng]

    lg_max = math.log(g_max)
    lg_min = math.log(1e-12)
    # first guess: ⟨σv⟩ ∝ g² away from the pole, ⟨σv⟩ ≈ 2·2.2e-26 cm³/s needed at x ≈ 20
    g0 = 1e-3
    sv0 = float(ThermalAverage(ann, mX, np.array([20.0]), g0)(g0)[0])
    need = _from_cm3_s(4.4e-26) * (OMEGA_DM_H2_PLANCK2018 / omega_target)
    lg = min(math.log(g0) + 0.5 * math.log(max(need / max(sv0, 1e-300), 1e-60)), lg_max)
    pts = [(lg, f(lg))]
    lg1 = min(lg + pts[0][1] / 2.0, lg_max)                  # Ω ∝ g⁻²
    if lg1 == lg:
        lg1 = lg - 0.1
    pts.append((lg1, f(lg1)))
    for _ in range(40):
        (a, fa), (b, fb) = pts[-2], pts[-1]
        if abs(fb) < rtol:
            break
        c = b - fb * (b - a) / (fb - fa) if fb != fa else b + fb / 2.0
        slope = (fb - fa) / (b - a) if b != a else -2.0
        if not (-20.0 < slope < -0.05):
            c = b + fb / 2.0
        c = max(min(c, b + 3.0), b - 3.0)
        if c < lg_min:
            if f(lg_min) < 0:
                raise KinematicsError(
                    f"even g = 1e-12 leaves less dark matter than omega_h2 = {omega_target} for"
                    f" m_chi = {m_chi / GeV:g} GeV ({ann.dm}, {model.name}): annihilation that"
                    " does not need g (chi chi -> X X for m_X < m_chi) is too strong at this"
                    f" g_chi = {g_chi:g}")
            c = lg_min
        if c > lg_max:
            if f(lg_max) > 0:
                raise KinematicsError(
                    f"no coupling g <= g_max = {g_max:.4g} gives omega_h2 = {omega_target} for"
                    f" m_chi = {m_chi / GeV:g} GeV ({ann.dm}, {model.name}): Omega h^2(g_max) ="
                    f" {math.exp(f(lg_max) + ln_t):.3g}" + _closed_channels_note(ann))
            c = lg_max
        pts.append((c, f(c)))
    else:
        raise KinematicsError("the relic coupling search did not converge")
    g = math.exp(pts[-1][0])
    res = _with_domain(model, ann, mX, g, solved[pts[-1][0]], extra_width)
    y = (g_chi * g) ** 2 / mass_ratio**4
    warns = list(res.warnings)
    if _probe:
        def shifted(f):
            try:
                return thermal_target(model, m_chi * f, ann.dm, g_chi, mass_ratio, splitting,
                                      omega_target, g_max, rtol, extra_width,
                                      _probe=False).coupling
            except KinematicsError:
                return None
        warns += _forbidden_target_warnings(ann, g, res.x_f, shifted)
    if g * _NEAR_CAP >= g_max:
        warns.append(f"the target coupling g = {g:.4g} lies within a factor {_NEAR_CAP:g} of the"
                     f" search's cap g_max = {g_max:.4g}"
                     + (" (sqrt(4 pi), the perturbative limit: the tree-level rates are doubtful"
                        " there)" if g_max == SQRT4PI else "")
                     + ": a little less annihilation (a lighter m_chi, a larger omega_h2) leaves"
                     " no coupling below the cap")
    return RelicTarget(model.name, ann.dm, float(m_chi), float(mass_ratio), float(g_chi),
                       splitting, g, y, float(res.omega_h2), float(omega_target),
                       float(res.x_f), len(cache), warns)


def _forbidden_target_warnings(ann, g, x_f, shifted) -> list:
    """Where every lepton channel is closed at threshold (2 m_f ≥ m1 + m2): the target comes
    from the thermal tail alone (forbidden annihilation, Griest & Seckel, PRD 43 (1991) 3191),
    suppressed at least by the threshold's Boltzmann factor e^{−x_f(2m_f − m1 − m2)/m1}; the
    measured change of the target for m_χ ∓ 1% (``shifted(f)``: the coupling at m_χ·f, m_X/m_χ
    fixed, or None where no coupling ≤ g_max works) is the size of its sensitivity."""
    thr = [(2.0 * ch.mass, ch.name) for ch in ann.channels]
    e0 = ann.m1 + ann.m2
    if not thr or min(t for t, _ in thr) <= e0:
        return []
    t, name = min(thr)
    boltz = (f"{math.exp(-x_f * (t - e0) / ann.m1):.2g} at x_f = {x_f:.3g}"
             if math.isfinite(x_f) else "unknown (no freeze-out found)")
    moves = []
    for f in (1.0 - _FORBIDDEN_STEP, 1.0 + _FORBIDDEN_STEP):
        gs = shifted(f)
        moves.append(f"{gs / g - 1.0:+.1%}" if gs is not None else "no coupling <= g_max")
    return [f"every annihilation channel is closed at rest (the lightest, {name} pairs, opens"
            f" at sqrt(s) = {t / GeV:.4g} GeV = {t / e0:.4g} (m1 + m2)): the target comes only"
            " from the thermal tail above that threshold (forbidden annihilation, Griest-Seckel"
            " 1991), suppressed at least by its Boltzmann factor"
            f" exp(-x_f (2 m_f - m1 - m2)/m1) = {boltz}; its sensitivity to the masses:"
            f" m_chi {_FORBIDDEN_STEP:.0%} lower / higher (m_X/m_chi fixed) moves the coupling by"
            f" {moves[0]} / {moves[1]} (measured); loop-induced final states open at rest"
            " (photons through a lepton loop) are not included and not estimated here"]


def _closed_channels_note(ann):
    """Why no coupling works when every lepton channel is closed at threshold."""
    thr = [(2.0 * ch.mass, ch.name) for ch in ann.channels]
    if not thr or min(t for t, _ in thr) <= ann.m1 + ann.m2:
        return ""
    t, name = min(thr)
    return (f": every final state is closed at threshold (the lightest, {name} pairs, opens at"
            f" sqrt(s) = {t / GeV:.4g} GeV, {t / (ann.m1 + ann.m2):.3g} x (m1 + m2)), reached"
            " only in the Boltzmann tail")


def target_curve(model, masses, **kw) -> list:
    """:func:`thermal_target` for each mass [energy] (None where no coupling ≤ g_max works)."""
    return target_curve_detailed(model, masses, **kw)[0]


def target_curve_detailed(model, masses, **kw) -> tuple:
    """(targets, reasons): :func:`target_curve` and, for each None, the one-line reason."""
    out: list[RelicTarget | None] = []
    why: list[str | None] = []
    for m in np.atleast_1d(np.asarray(masses, float)):
        try:
            out.append(thermal_target(model, float(m), **kw))
            why.append(None)
        except KinematicsError as e:
            out.append(None)
            why.append(str(e))
    return out, why


@dataclass
class SigmavTarget:
    """The constant s-wave ⟨σv⟩ [cm³/s] giving Ωh² (:func:`sigmav_target`), its freeze-out
    x_f = m/T_f (Y = 2Y_eq; NaN if not found) and the domain's ``warnings``."""

    sigmav_cm3_s: float
    omega_h2: float
    x_freeze_out: float
    warnings: list = field(default_factory=list)


def sigmav_for_abundance(mass, omega_h2=OMEGA_DM_H2_PLANCK2018, self_conjugate=True,
                         g_dof=2.0, rtol=1e-5) -> float:
    """The constant s-wave ⟨σv⟩ [cm³/s] that gives ``omega_h2`` for dark matter of mass
    ``mass`` [energy] — the canonical check of Steigman, Dasgupta & Beacom, PRD 86 (2012)
    023506 (their conventions: self-conjugate, g = 2; non-self-conjugate: n = n_χ + n_χ̄ with
    g_dof states each and ⟨σv⟩/2 in the equation, so ≈ 2.08× the self-conjugate value).
    :func:`sigmav_target` gives it with the domain's warnings.

    >>> from mucast.units import GeV
    >>> 2.2e-26 < sigmav_for_abundance(100 * GeV, 0.11) < 2.4e-26
    True
    """
    return sigmav_target(mass, omega_h2, self_conjugate, g_dof, rtol).sigmav_cm3_s


def sigmav_target(mass, omega_h2=OMEGA_DM_H2_PLANCK2018, self_conjugate=True, g_dof=2.0,
                  rtol=1e-5) -> SigmavTarget:
    """:func:`sigmav_for_abundance` with x_f and the warnings of its domain
    (:mod:`mucast.cosmology.domain`): light dark matter (BBN; BBN + CMB where it annihilates into
    electrons or neutrinos only — a constant ⟨σv⟩ has no final state, so that is said as
    undecided), freeze-out below the d.o.f. table, no freeze-out found, and a freeze-out after
    ν decoupling, with the measured change of Ωh² were the bath the neutrinos (T_ν)."""
    m = _positive("mass", mass, "GeV", GeV)
    om = _positive("omega_h2", omega_h2)
    g_dof = _positive("g_dof", g_dof)
    species, kappa = ([(g_dof, m)], 1.0) if self_conjugate else ([(2 * g_dof, m)], 0.5)
    lt = math.log(om)
    solved = {}

    def f(lsv, bath=1.0):
        sv = _from_cm3_s(math.exp(lsv))
        r = solve_boltzmann(m, lambda xs: np.full_like(xs, kappa * sv), species,
                            bath_ratio=bath)
        if bath == 1.0:
            solved[lsv] = r
        return math.log(r.omega_h2) - lt

    a = math.log(2.2e-26 if self_conjugate else 4.4e-26)
    fa = f(a)
    b = a + fa
    fb = f(b)
    for _ in range(30):
        if abs(fb) < rtol:
            res = solved[b]
            t_f = m / res.x_f if math.isfinite(res.x_f) else None
            warns = light_warnings(m, None, t_f)
            if not math.isfinite(res.x_f):
                warns.append(f"no freeze-out found: Y stays within 2 Y_eq up to x ="
                             f" {res.x_end:.3g}")
            elif t_f is not None and t_f < _T_NU_DEC:
                d = math.expm1(f(b, t_nu_over_t_gamma) - fb)
                if abs(d) > 1e-3:
                    warns.append(bath_warning(t_f, d, "if it annihilates into neutrinos only",
                                              sigmav=True))
            return SigmavTarget(math.exp(b), float(res.omega_h2), float(res.x_f), warns)
        c = b - fb * (b - a) / (fb - fa) if fb != fa else b + fb
        a, fa, b, fb = b, fb, c, f(c)
    raise KinematicsError("sigmav_for_abundance did not converge")
