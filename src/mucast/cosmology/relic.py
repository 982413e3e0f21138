"""Layer 3: thermal freeze-out of dark matter coupled to the SM through a mediator model, and
the thermal targets in the (m_χ, y) plane (issue 12; docs/relic.md).

* ⟨σv⟩: the exact Gondolo–Gelmini single integral over s (Gondolo & Gelmini, NPB 360 (1991)
  145), in the two-mass form of Edsjö & Gondolo, PRD 56 (1997) 1879 (derivation: for
  Maxwell–Boltzmann statistics n_i n_j⟨σv⟩ = g_i g_j T/(32π⁴) ∫ds σ λ K₁(√s/T)/√s, divided by
  n_i^eq = g_i m_i² T K₂(m_i/T)/(2π²)):

      ⟨σv⟩ = ∫_{(m₁+m₂)²} ds σ(s) λ(s, m₁², m₂²) K₁(√s/T)/√s / [8 m₁²m₂² T K₂(m₁/T) K₂(m₂/T)],

  with σ(s) of :mod:`mucast.cosmology.annihilation` (running width in the propagator, so the
  pole and the thermal tail reaching it are resolved). ⟨σv⟩_eff = κ⟨σv⟩: κ = 1 (Majorana,
  n counts the one species), ½ (complex scalar, Dirac: n = n_χ + n_χ̄); pseudo-Dirac
  co-annihilation (Griest & Seckel, PRD 43 (1991) 3191): 2r₁r₂⟨σ₁₂v⟩, r_i the equilibrium
  fractions (χ₁ ↔ χ₂ conversions on the bath keep them). With K_n(z) = kve(n, z)e^{−z} only
  e^{−t}, t = (√s − m₁ − m₂)/T, remains; Gauss–Legendre panels resolve e^{−t}, the √t threshold,
  and (arctan map) the Breit–Wigner pole down to its width (Γ/M ~ 1e-7 tested).
* Boltzmann equation for W = ln Y, Y = n/s, in x = m₁/T:
  dW/dx = −λ(x)(e^W − e^{2W_eq − W}), λ = √(π/45) M_Pl m g_*^{1/2} ⟨σv⟩_eff/x² (from
  dn/dt + 3Hn = −⟨σv⟩_eff(n² − n_eq²) with entropy conservation); Y_eq = (45/4π⁴) Σ g_i
  (m_i/T)² K₂(m_i/T)/h_eff. LSODA with the analytic Jacobian from where the relaxation rate
  drops below 10⁵ (quasi-static start), an analytic late-time tail (λx² = A + B/x) beyond
  x_end. Ωh² = m Y₀ s₀/(ρ_c/h²). x_f: Y(x_f) = 2Y_eq(x_f).
* Targets: the model coupling g with Ωh²(g) = Ω_target (default 0.120, Planck 2018), found in
  ln g (secant with the Ω ∝ g⁻² slope as a guard); y = (g_χ g)²(m_χ/m_X)⁴ (seed 001, g_χ², not
  α_χ; y_alpha = y/4π is the α_χ convention).

Not included (docs/relic.md): kinetic decoupling, Sommerfeld and bound-state effects, the
ν-bath temperature below neutrino decoupling (T_γ used throughout), hadronic channels of the
dark photon (refused above 2m_π±), χχ → XX except for a Dirac fermion with a vector mediator.

Energies in hepunits; ⟨σv⟩ in natural units internally, cm³/s where the name says so.
"""

from __future__ import annotations

import bisect
import functools
import math
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.integrate import odeint
from scipy.interpolate import CubicSpline
from scipy.special import kve

from mucast import __version__
from mucast.constants import M_PLANCK, OMEGA_DM_H2_PLANCK2018, RHO_CRIT_OVER_H2_GEV_CM3
from mucast.cosmology.dof import sm_dof
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.models.mediator import get_model
from mucast.cosmology import annihilation as _ann
from mucast.units import GeV, c_light, cm3, natural_to_area, second

__all__ = ["FreezeOut", "RelicTarget", "omega_h2", "thermal_target", "target_curve",
           "sigmav_eff", "sigmav_for_abundance", "sigmav_to_cm3_s", "DM_TYPES"]

DM_TYPES = _ann.DM_TYPES
SQRT4PI = math.sqrt(4.0 * math.pi)
_RHO_CRIT_H2 = RHO_CRIT_OVER_H2_GEV_CM3 * GeV          # [energy/cm³] (per cm³ as a number)


def sigmav_to_cm3_s(sv):
    """⟨σv⟩ from natural units (1/energy²) to cm³/s."""
    return natural_to_area(np.asarray(sv, float)) * c_light / (cm3 / second)


def _from_cm3_s(sv_cm3_s):
    return sv_cm3_s / sigmav_to_cm3_s(1.0)


# ----------------------------------------------------------------------------------------------
# thermal average
# ----------------------------------------------------------------------------------------------
_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
# breakpoints in t = (√s − m₁ − m₂)/T (Boltzmann factor e^{−t})
_T_BASE = np.array([0.0, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 10.5, 13.5, 17.0, 21.0, 26.0, 32.0, 40.0,
                    50.0, 62.0, 75.0])
_T_OFF = _T_BASE[1:]
_N_GEO = 18                  # geometric panels towards the pole on each side
_C_POLE = 3.0                # central panel half-width in Breit–Wigner half widths


def _species(dm, m1, m2):
    """([(g_i, m_i)], κ): the internal d.o.f. tracked in Y and the factor of ⟨σv⟩_eff."""
    if dm == "majorana":
        return [(2.0, m1)], 1.0
    if dm == "scalar":
        return [(2.0, m1)], 0.5
    if dm == "dirac":
        return [(4.0, m1)], 0.5
    return [(2.0, m1), (2.0, m2)], None


def _nodes(x, m1, m2, mX, gamma_pole):
    """Nodes and weights in t for every x (arrays (n_x, n_nodes)): base panels for e^{−t}, a
    √t map at threshold, geometric panels graded to the pole t_p and an arctan map within 0.5
    of it (t = t_p + γ_t tan θ, γ_t = Γ/2T)."""
    x = np.asarray(x, dtype=float)
    T = m1 / x
    E0 = m1 + m2
    nx = x.size
    base = np.broadcast_to(_T_BASE, (nx, _T_BASE.size))
    has_pole = mX > E0 - 20.0 * gamma_pole          # a pole just below threshold sits at t = 0
    if has_pole:
        tp = np.maximum((mX - E0) / T, 0.0)
        gt = np.maximum(gamma_pole / (2.0 * T), 1e-300)
        c = np.minimum(_C_POLE * gt, 0.5)
        dgeo = np.exp(np.linspace(0.0, 1.0, _N_GEO)[None, :] * np.log(0.5 / c)[:, None]) \
            * c[:, None]
        offs = np.concatenate([dgeo, np.broadcast_to(_T_OFF, (nx, _T_OFF.size))], axis=1)
        far = tp > 700.0
        tpc = np.where(far, _T_BASE[-1], tp)[:, None]
        bp = np.concatenate([base, tpc - offs, tpc + offs, tpc], axis=1)
        bp = np.clip(bp, 0.0, np.maximum(_T_BASE[-1], tpc + _T_OFF[-1]))
    else:
        bp = base
        tp = np.full(nx, -1.0)
        gt = np.ones(nx)
        far = np.ones(nx, bool)
    bp = np.sort(bp, axis=1)
    a = bp[:, :-1][:, :, None]
    b = bp[:, 1:][:, :, None]
    xi, wi = _GL_X[None, None, :], _GL_W[None, None, :]
    L = b - a
    t_pl, w_pl = a + 0.5 * L * (xi + 1.0), 0.5 * L * wi
    u = 0.5 * (xi + 1.0)
    t_th, w_th = a + L * u * u, L * u * wi
    tpp, gtt = tp[:, None, None], gt[:, None, None]
    tha, thb = np.arctan((a - tpp) / gtt), np.arctan((b - tpp) / gtt)
    th = tha + 0.5 * (thb - tha) * (xi + 1.0)
    t_at = tpp + gtt * np.tan(th)
    w_at = gtt * (1.0 + np.tan(th) ** 2) * 0.5 * (thb - tha) * wi
    use_at = (np.abs(0.5 * (a + b) - tpp) < 0.5) & (~far)[:, None, None] & has_pole
    use_th = (a == 0.0) & ~use_at
    t = np.where(use_at, t_at, np.where(use_th, t_th, t_pl))
    w = np.where(use_at, w_at, np.where(use_th, w_th, w_pl))
    return np.clip(t, 0.0, None).reshape(nx, -1), w.reshape(nx, -1)


class ThermalAverage:
    """⟨σv⟩_eff(x) on a fixed x grid for one (model, dark matter, masses, g_χ), as a fast
    function of the model coupling g: σ = g²A/|D|², |D|² = (s − M²)² + s(g²Γ₁ + Γ₀)², so every
    other factor is computed once (module doc for the formulas)."""

    def __init__(self, ann, mX, xs, gamma_map, extra_width=0.0):
        self.ann, self.mX = ann, mX
        m1, m2 = ann.m1, ann.m2
        self.xs = np.asarray(xs, dtype=float)
        T = m1 / self.xs
        t, w = _nodes(self.xs, m1, m2, mX, gamma_map)
        E = (m1 + m2) + T[:, None] * t
        s = np.maximum(E * E, (m1 + m2) ** 2 * (1 + 1e-13))
        lam = np.maximum(_ann.kallen(s, m1 * m1, m2 * m2), 0.0)
        num = _ann.numerator(s, ann, mX, 1.0)
        self.A = num * np.sqrt(lam) / 2.0 * kve(1, E / T[:, None]) * np.exp(-t) * w
        self.sm2 = (s - mX * mX) ** 2
        self.s = s
        self.G1 = _ann.width_sm(E, ann, 1.0)
        self.G0 = _ann.width_dm(E, ann) + extra_width
        k1, k2 = kve(2, m1 / T), kve(2, m2 / T)
        if ann.dm == "pseudo-dirac":
            eD = np.exp(-(m2 - m1) / T)
            self.norm = 16.0 * eD / (8.0 * (2.0 * m1 * m1 * k1 + 2.0 * m2 * m2 * k2 * eD) ** 2)
            self.const = 0.0
        else:
            _, kappa = _species(ann.dm, m1, m2)
            self.norm = kappa / (4.0 * m1 * m1 * m2 * m2 * k1 * k2)
            self.const = (kappa * _ann.sigmav_dirac_to_XX(m1, mX, ann.g_chi)
                          if ann.current == "vector" else 0.0)

    def __call__(self, g):
        gam = g * g * self.G1 + self.G0
        return self.norm * g * g * np.sum(self.A / (self.sm2 + self.s * gam * gam), axis=1) \
            + self.const


def _gamma_map(ann, mX, g, extra_width):
    """The pole width the nodes are built for, quantised to factors √2 (so nearby couplings
    share the node arrays; the arctan map stays accurate)."""
    G = float(_ann.total_width(mX, ann, g, extra_width))
    return 2.0 ** (round(2.0 * math.log2(max(G, 1e-300))) / 2.0)


def _x_grid(x0, x1, n):
    return np.exp(np.linspace(math.log(x0), math.log(x1), n))


@functools.lru_cache(maxsize=64)
def _averager(ann, mX, extra_width, x_end, n_grid, gmap):
    return ThermalAverage(ann, mX, _x_grid(1.0, x_end, n_grid), gmap, extra_width)


# ----------------------------------------------------------------------------------------------
# Boltzmann equation
# ----------------------------------------------------------------------------------------------
_K_START = 1.0e5


class _Spline1:
    """Scalar evaluation of a cubic spline through Python floats (~1 µs; inside the ODE)."""

    def __init__(self, xk, yk):
        c = CubicSpline(xk, yk).c
        self.x = [float(v) for v in xk]
        self.c = [tuple(col) for col in c.T.tolist()]
        self.n = len(xk) - 2

    def __call__(self, xv):
        i = bisect.bisect_right(self.x, xv) - 1
        i = 0 if i < 0 else (self.n if i > self.n else i)
        d = xv - self.x[i]
        c0, c1, c2, c3 = self.c[i]
        return ((c0 * d + c1) * d + c2) * d + c3


@dataclass
class FreezeOut:
    """Ωh², the asymptotic yield Y₀ = n/s, x_f (Y = 2Y_eq); with ``keep_curve`` Y(x), Y_eq(x)."""

    omega_h2: float
    Y0: float
    x_f: float
    x: np.ndarray | None = field(repr=False, default=None)
    Y: np.ndarray | None = field(repr=False, default=None)
    Yeq: np.ndarray | None = field(repr=False, default=None)


def solve_boltzmann(m, sigmav_fn, species, x0=1.0, x_end=1000.0, n_grid=240, rtol=1e-8,
                    atol=1e-8, keep_curve=False) -> FreezeOut:
    """Solve the Boltzmann equation (module doc) for ``sigmav_fn(x) -> ⟨σv⟩_eff`` [1/energy²]
    and ``species`` [(g_i, m_i)], m the lightest mass [energy]."""
    dof = sm_dof()
    xs = _x_grid(x0, x_end, n_grid)
    T = m / xs
    sv = np.asarray(sigmav_fn(xs), dtype=float)
    if np.any(~np.isfinite(sv)) or np.any(sv < 0):
        raise FloatingPointError("non-finite or negative <sigma v>")
    sv = np.maximum(sv, 1e-300)
    lam = math.sqrt(math.pi / 45.0) * M_PLANCK * m * dof.gstar_half(T) * sv / xs**2
    acc = np.zeros_like(xs)
    for gi, mi in species:
        xi = mi / T
        acc += gi * xi * xi * kve(2, xi) * np.exp(-(xi - xs))
    weq_px = math.log(45.0 / (4 * math.pi**4)) + np.log(acc) - np.log(dof.h_eff(T))
    lx = np.log(xs)
    sp_l, sp_w = _Spline1(lx, np.log(lam)), _Spline1(lx, weq_px)
    exp, log = math.exp, math.log

    def rhs(W, x):
        lxv = log(x)
        lv = exp(sp_l(lxv))
        we = sp_w(lxv) - x
        return -lv * (exp(min(W[0], 700.0)) - exp(min(2 * we - W[0], 700.0)))

    def jac(W, x):
        lxv = log(x)
        lv = exp(sp_l(lxv))
        we = sp_w(lxv) - x
        return [[-lv * (exp(min(W[0], 700.0)) + exp(min(2 * we - W[0], 700.0)))]]

    Weq = weq_px - xs
    k = 2.0 * lam * np.exp(Weq)                 # relaxation rate
    dWeq = np.gradient(Weq, xs)
    i0 = int(np.argmax(k < _K_START)) if np.any(k < _K_START) else len(xs) - 1
    i0 = min(i0, len(xs) - 3)
    W = np.empty_like(xs)
    W[:i0] = Weq[:i0] - dWeq[:i0] / k[:i0]
    sol = odeint(rhs, [Weq[i0] - dWeq[i0] / k[i0]], xs[i0:], Dfun=jac, rtol=rtol, atol=atol,
                 mxstep=50000)
    W[i0:] = sol[:, 0]
    # late-time tail: 1/Y_inf = 1/Y(x_end) + ∫ λ dx with λx² = A + B/x
    A1, A2 = lam[-2] * xs[-2] ** 2, lam[-1] * xs[-1] ** 2
    Bc = (A1 - A2) / (1 / xs[-2] - 1 / xs[-1])
    Ac = A2 - Bc / xs[-1]
    tail = Ac / xs[-1] + Bc / (2 * xs[-1] ** 2)
    Y0 = 1.0 / (1.0 / math.exp(W[-1]) + max(tail, 0.0))
    dd = W - Weq - math.log(2.0)
    idx = np.nonzero(dd > 0)[0]
    x_f = float("nan")
    if idx.size and idx[0] > 0:
        i = idx[0]
        x_f = float(np.exp(np.interp(0.0, [dd[i - 1], dd[i]], [lx[i - 1], lx[i]])))
    om = float(m * Y0 * dof.s0_per_cm3 / _RHO_CRIT_H2)
    if keep_curve:
        return FreezeOut(om, Y0, x_f, xs, np.exp(W), np.exp(Weq))
    return FreezeOut(om, Y0, x_f)


def _x_end_for(m1, m2, mX):
    """1000, extended to 60/d (≤ 1e5) when the pole is within d = |M − m₁ − m₂|/m₁ < 0.06 of
    threshold (resonant annihilation continues until T ~ |M − m₁ − m₂|/few)."""
    d = abs(mX - m1 - m2) / m1
    return 1e5 if d == 0.0 else float(min(max(1000.0, 60.0 / d), 1e5))


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


def _setup(model, dm, m_chi, mass_ratio, g_chi, splitting):
    """(model, Annihilation, m_X) after checking every argument."""
    model = get_model(model)
    if model.mass is not None:
        raise InputError(f"model {model.name}: its mediator has a fixed mass (the photon); the"
                         " relic solver needs a massive mediator")
    if model.parameter != "sm":
        raise InputError(f"model {model.name}: its coupling scales the dark sector; not supported"
                         " by the relic solver")
    if dm is None:
        if model.dark is None:
            raise InputError(f"model {model.name} has no dark-matter particle: give dm (--dm)")
        dm = model.dark.kind
    if dm not in DM_TYPES:
        raise UnknownNameError(f"dm must be one of {', '.join(DM_TYPES)}, got {dm!r}")
    m_chi = _positive("m_chi", m_chi, "GeV", GeV)
    mass_ratio = _positive("mass_ratio (m_X/m_chi)", mass_ratio)
    g_chi = _positive("g_chi", g_chi, hi=SQRT4PI)
    if not (isinstance(splitting, (int, float)) and math.isfinite(splitting)
            and 0.0 <= splitting < 1.0):
        raise InputError(f"splitting must be in [0, 1) (m2 = m1 (1 + splitting)), got {splitting!r}")
    ann = _ann.annihilation(model, dm, m_chi, g_chi, splitting)
    if ann.hadronic_threshold is not None and ann.threshold >= ann.hadronic_threshold:
        raise KinematicsError(f"m_chi = {m_chi / GeV:g} GeV: model {model.name}: "
                              + _ann.hadronic_limit_message(ann))
    if mass_ratio < 1.0 and not (dm == "dirac" and model.spin == "vector"):
        raise InputError(f"mass_ratio = {mass_ratio:g} < 1 opens chi chi -> X X, implemented only"
                         " for Dirac dark matter with a vector mediator; use mass_ratio >= 1")
    return model, ann, mass_ratio * m_chi


def omega_h2(model, m_chi, coupling, dm=None, g_chi=0.05, mass_ratio=3.0, splitting=0.1,
             extra_width=0.0, keep_curve=False, n_grid=240) -> FreezeOut:
    """Relic abundance Ωh² of dark matter ``dm`` of mass ``m_chi`` [energy] for the model's
    coupling ``coupling`` (m_X = mass_ratio·m_χ; ``splitting`` δ for pseudo-Dirac only).

    >>> from mucast.units import GeV
    >>> r = omega_h2("lmu-ltau", 0.01 * GeV, 4.0e-4, dm="scalar")
    >>> 0.11 < r.omega_h2 < 0.13
    True
    """
    model, ann, mX = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g = _positive("coupling", coupling)
    gmap = _gamma_map(ann, mX, g, extra_width)
    x_end = _x_end_for(ann.m1, ann.m2, mX)
    sv = _averager(ann, mX, float(extra_width), x_end, n_grid, gmap)(g)
    species, _ = _species(ann.dm, ann.m1, ann.m2)
    return solve_boltzmann(ann.m1, lambda xs: sv, species, x_end=x_end, keep_curve=keep_curve,
                           n_grid=n_grid)


def sigmav_eff(model, m_chi, coupling, x, dm=None, g_chi=0.05, mass_ratio=3.0, splitting=0.1):
    """⟨σv⟩_eff(x) [1/energy²] (``sigmav_to_cm3_s`` to read) for x = m_χ/T (array)."""
    model, ann, mX = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g = _positive("coupling", coupling)
    x = np.atleast_1d(np.asarray(x, float))
    return ThermalAverage(ann, mX, x, float(_ann.total_width(mX, ann, g)))(g)


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
        d["mucast_version"] = d.pop("version")
        return d


def thermal_target(model, m_chi, dm=None, g_chi=0.05, mass_ratio=3.0, splitting=0.1,
                   omega_target=OMEGA_DM_H2_PLANCK2018, g_max=SQRT4PI, rtol=1e-4,
                   extra_width=0.0) -> RelicTarget:
    """The model coupling g with Ωh²(g) = ``omega_target`` (secant in ln g, 4–6 Ωh²
    evaluations). KinematicsError if even g = ``g_max`` (default √4π) leaves too much dark
    matter.

    >>> from mucast.units import GeV
    >>> t = thermal_target("lmu-ltau", 0.01 * GeV, dm="scalar")
    >>> round(t.coupling * 1e4, 2), round(t.omega_h2, 3)
    (4.0, 0.12)
    """
    model, ann, mX = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    omega_target = _positive("omega_h2", omega_target)
    g_max = _positive("g_max", g_max, hi=SQRT4PI)
    ln_t = math.log(omega_target)
    cache = {}

    def f(lng):
        if lng not in cache:
            cache[lng] = math.log(omega_h2(model, m_chi, math.exp(lng), ann.dm, g_chi, mass_ratio,
                                           splitting, extra_width).omega_h2) - ln_t
        return cache[lng]

    lg_max = math.log(g_max)
    lg_min = math.log(1e-12)
    # first guess: ⟨σv⟩ ∝ g² away from the pole, ⟨σv⟩ ≈ 2·2.2e-26 cm³/s needed at x ≈ 20
    g0 = 1e-3
    sv0 = float(ThermalAverage(ann, mX, np.array([20.0]),
                               float(_ann.total_width(mX, ann, g0)))(g0)[0])
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
                    f" {math.exp(f(lg_max) + ln_t):.3g}")
            c = lg_max
        pts.append((c, f(c)))
    else:
        raise KinematicsError("the relic coupling search did not converge")
    g = math.exp(pts[-1][0])
    res = omega_h2(model, m_chi, g, ann.dm, g_chi, mass_ratio, splitting, extra_width)
    y = (g_chi * g) ** 2 / mass_ratio**4
    return RelicTarget(model.name, ann.dm, float(m_chi), float(mass_ratio), float(g_chi),
                       float(splitting) if ann.dm == "pseudo-dirac" else 0.0, g, y,
                       float(res.omega_h2), float(omega_target), float(res.x_f), len(cache) + 1)


def target_curve(model, masses, **kw) -> list:
    """:func:`thermal_target` for each mass [energy] (None where no coupling ≤ g_max works)."""
    out: list[RelicTarget | None] = []
    for m in np.atleast_1d(np.asarray(masses, float)):
        try:
            out.append(thermal_target(model, float(m), **kw))
        except KinematicsError:
            out.append(None)
    return out


def sigmav_for_abundance(mass, omega_h2=OMEGA_DM_H2_PLANCK2018, self_conjugate=True,
                         g_dof=2.0, rtol=1e-5) -> float:
    """The constant s-wave ⟨σv⟩ [cm³/s] that gives ``omega_h2`` for dark matter of mass
    ``mass`` [energy] — the canonical check of Steigman, Dasgupta & Beacom, PRD 86 (2012)
    023506 (their conventions: self-conjugate, g = 2; non-self-conjugate: n = n_χ + n_χ̄ with
    g_dof states each and ⟨σv⟩/2 in the equation, so ≈ 2.08× the self-conjugate value).

    >>> from mucast.units import GeV
    >>> 2.2e-26 < sigmav_for_abundance(100 * GeV, 0.11) < 2.4e-26
    True
    """
    m = _positive("mass", mass, "GeV", GeV)
    om = _positive("omega_h2", omega_h2)
    g_dof = _positive("g_dof", g_dof)
    species, kappa = ([(g_dof, m)], 1.0) if self_conjugate else ([(2 * g_dof, m)], 0.5)
    lt = math.log(om)

    def f(lsv):
        sv = _from_cm3_s(math.exp(lsv))
        r = solve_boltzmann(m, lambda xs: np.full_like(xs, kappa * sv), species)
        return math.log(r.omega_h2) - lt

    a = math.log(2.2e-26 if self_conjugate else 4.4e-26)
    fa = f(a)
    b = a + fa
    fb = f(b)
    for _ in range(30):
        if abs(fb) < rtol:
            return math.exp(b)
        c = b - fb * (b - a) / (fb - fa) if fb != fa else b + fb
        a, fa, b, fb = b, fb, c, f(c)
    raise KinematicsError("sigmav_for_abundance did not converge")
