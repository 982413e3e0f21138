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
from scipy.special import kve as _scipy_kve

from mucast import __version__
from mucast.constants import M_PLANCK, OMEGA_DM_H2_PLANCK2018, RHO_CRIT_OVER_H2_GEV_CM3, T_EQ
from mucast.cosmology.dof import sm_dof, t_nu_over_t_gamma
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.models.mediator import get_model
from mucast.cosmology import annihilation as _ann
from mucast.units import GeV, MeV, c_light, cm3, eV, keV, natural_to_area, second

__all__ = ["FreezeOut", "RelicTarget", "omega_h2", "thermal_target", "target_curve",
           "sigmav_eff", "sigmav_for_abundance", "sigmav_to_cm3_s", "DM_TYPES"]

DM_TYPES = _ann.DM_TYPES
SQRT4PI = math.sqrt(4.0 * math.pi)
_RHO_CRIT_H2 = RHO_CRIT_OVER_H2_GEV_CM3 * GeV          # [energy/cm³] (per cm³ as a number)


def kve(n, z):
    """K_n(z)e^{z} for n = 1, 2; scipy's kve returns NaN above z ≈ 1.07e9 (reached at x ~ 1e9 in
    the late-time tail of a threshold pole), so there the asymptotic series √(π/2z)Σ_k
    a_k(n)/z^k (Abramowitz & Stegun 9.7.2; four terms, the next one < 1e-24 for z > 1e6)."""
    z = np.asarray(z, dtype=float)
    big = z > 1e6
    if not np.any(big):
        return _scipy_kve(n, z)
    zb = np.where(big, z, 1e6)
    mu = 4.0 * n * n
    w = 1.0 / (8.0 * zb)
    ser = 1.0 + (mu - 1) * w * (1.0 + (mu - 9) * w / 2.0 * (1.0 + (mu - 25) * w / 3.0))
    return np.where(big, np.sqrt(np.pi / (2.0 * zb)) * ser, _scipy_kve(n, np.where(big, 1.0, z)))


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
_N_POLE = 2 * (_N_GEO + _T_OFF.size) + 1     # breakpoints of the pole set (both regimes)
_ABOVE = 30.0                # a pole more than _ABOVE half widths above threshold: arctan map
_S_MAX = 50.0                # threshold regime for a pole within t < 50 of threshold (or broad)
_N_S, _N_CROSS = 16, 9      # threshold regime: the pole's cluster, each of 3 crossings' clusters
_N_SPARSE = _N_POLE - _N_S - 3 * _N_CROSS - 1    # ... and a sparse grid over all t
_T_SCAN = np.geomspace(1e-45, _T_BASE[-1], 48)   # where the threshold regime looks for crossings


def _species(dm, m1, m2):
    """([(g_i, m_i)], κ): the internal d.o.f. tracked in Y and the factor of ⟨σv⟩_eff."""
    if dm == "majorana":
        return [(2.0, m1)], 1.0
    if dm == "scalar":
        return [(2.0, m1)], 0.5
    if dm == "dirac":
        return [(4.0, m1)], 0.5
    return [(2.0, m1), (2.0, m2)], None


def _pole_offset(ann, mX):
    """m_X − (m₁ + m₂) [energy], exactly 0 when it is rounding (|·| ≤ 4 ulp): "m_X = 2m_χ"
    means the pole at threshold, whose integral near t = 0 otherwise depends on the last bit
    of m_X (5% at Γ/M ~ 1e-15, since the region t < t_p²/κ² changes its power law)."""
    E0 = ann.m1 + ann.m2
    d = mX - E0
    return 0.0 if abs(d) <= 4.0 * np.finfo(float).eps * E0 else d


def _half_width_t(ann, g, extra_width, T, t):
    """Γ(√s)/2T at √s = m₁ + m₂ + Tt (the running width, ``s − (m₁+m₂)²`` exact): the
    Breit–Wigner half width in t where the pole sits near t."""
    E0 = ann.m1 + ann.m2
    d = T * t
    return _ann.total_width(E0 + d, ann, g, extra_width, ds=d * (2.0 * E0 + d)) / (2.0 * T)


def pole_half_width(ann, mX, g, extra_width, T):
    """The pole's half width γ* in t = (√s − m₁ − m₂)/T, self-consistent with the running
    width: γ* = Γ(√s at t = max(t_p, 0) + γ*)/2T. Away from threshold it is Γ(m_X)/2T; for a
    pole at threshold the dark width grows as β^{2L+1} and sets the scale (a Dirac fermion's
    s-wave Γ_χ ∝ √t gives γ* = κ², while Γ(m_X) alone, the SM part, can be 10¹³ times
    smaller). Fixed-point iteration (converges for Γ ∝ √t; for Γ ∝ t^{3/2} it stays at the SM
    width unless that is already broad), capped at 10⁶."""
    T = np.asarray(T, dtype=float)
    tp0 = np.maximum(_pole_offset(ann, mX) / T, 0.0)
    gam = np.maximum(float(_ann.total_width(mX, ann, g, extra_width)) / (2.0 * T), 1e-300)
    for _ in range(60):
        new = np.minimum(np.maximum(_half_width_t(ann, g, extra_width, T, tp0 + gam), 1e-300),
                         1e6)
        done = np.all(np.abs(new / gam - 1.0) < 1e-3)
        gam = new
        if done:
            break
    return gam


def _geom(a, b, n):
    """n points from a to b (arrays (n_x,)) evenly in ln t: array (n_x, n)."""
    lin = np.linspace(0.0, 1.0, n)[None, :]
    return np.exp(np.log(a)[:, None] + lin * np.log(b / a)[:, None])


def _crossings(ann, mX, g, extra_width, T, tp, n_max=3):
    """The scales in t where the near-threshold integrand changes its power law (array (n_x,
    n_max), NaN where fewer): where the dark width Γ_χ(t) crosses the SM one, and where the
    Breit–Wigner half width γ(t) crosses |t − t_p|, located on the grid _T_SCAN and refined by
    bisection in ln t."""
    tt = np.broadcast_to(_T_SCAN, (T.size, _T_SCAN.size))
    Tc = T[:, None]
    E0 = ann.m1 + ann.m2

    def parts(t):
        d = Tc * t
        gsm = _ann.width_sm(E0 + d, ann, g) + extra_width
        gdm = _ann.width_dm(E0 + d, ann, ds=d * (2.0 * E0 + d))
        return gsm, gdm, np.abs(t - tp[:, None]) * 2.0 * Tc

    def fns(t):
        gsm, gdm, dist = parts(t)
        tiny = 1e-300
        return [np.log(gdm + tiny) - np.log(gsm + tiny),
                np.log(gsm + gdm + tiny) - np.log(dist + tiny)]

    out = []
    for k, fk in enumerate(fns(tt)):
        sgn = np.sign(fk)
        ch = (sgn[:, :-1] != sgn[:, 1:]) & (sgn[:, :-1] != 0)
        # at most the first two changes of each kind
        for _ in range(2 if k == 1 else 1):
            i = np.argmax(ch, axis=1)
            has = ch[np.arange(T.size), i]
            lo, hi = np.log(_T_SCAN[i]), np.log(_T_SCAN[np.minimum(i + 1, _T_SCAN.size - 1)])
            flo = np.take_along_axis(fk, i[:, None], axis=1)[:, 0]
            for _ in range(10):                 # a grid cell is a factor 10: to 0.3%
                mid = 0.5 * (lo + hi)
                fm = fns(np.exp(mid)[:, None])[k][:, 0]
                left = np.sign(fm) == np.sign(flo)
                lo, hi = np.where(left, mid, lo), np.where(left, hi, mid)
            out.append(np.where(has, np.exp(0.5 * (lo + hi)), np.nan))
            ch[np.arange(T.size), i] = False
    return np.stack(out[:n_max], axis=1)


def _nodes(x, ann, mX, g, extra_width=0.0):
    """Nodes and weights in t for every x (arrays (n_x, n_nodes)) for the mediator pole at
    coupling g: base panels for e^{−t}; a √t map on every panel that starts at threshold or at
    an open lepton channel's threshold (a breakpoint, √s = 2m_f); for a
    pole more than 30 half widths above threshold (t_p > 30γ*), geometric panels graded to t_p
    and an arctan map within 0.5 of it (t = t_p + γ* tan θ); for a pole at, just above or
    below threshold (|t_p| < 50, or γ* > |t_p|), panels geometric in t from 10⁻³ of the smallest scale
    of the integrand to 75, graded to t_p ± γ*·2^k (t_p > 0; else dense about the pole's
    scale) and dense about each crossing of
    :func:`_crossings`, with a map in ln t (the integrand there is a chain of power laws,
    √t·((t − t_p)² + (γ_SM + κ√t)²)⁻¹ for an s-wave dark width)."""
    x = np.asarray(x, dtype=float)
    m1 = ann.m1
    T = m1 / x
    E0 = ann.m1 + ann.m2
    nx = x.size
    base = np.broadcast_to(_T_BASE, (nx, _T_BASE.size))
    tp = _pole_offset(ann, mX) / T
    gt = pole_half_width(ann, mX, g, extra_width, T)
    above = (tp > _ABOVE * gt) & (tp <= 700.0)
    scale = np.maximum(np.abs(tp), gt)
    thr = ~above & ((np.abs(tp) < _S_MAX) | (gt > np.abs(tp)))
    # pole above threshold: geometric panels on both sides, the central one ±3γ*
    c = np.minimum(_C_POLE * gt, 0.5)
    dgeo = np.exp(np.linspace(0.0, 1.0, _N_GEO)[None, :] * np.log(0.5 / c)[:, None]) * c[:, None]
    offs = np.concatenate([dgeo, np.broadcast_to(_T_OFF, (nx, _T_OFF.size))], axis=1)
    tpc = np.where(above, tp, _T_BASE[-1])[:, None]
    bp_above = np.clip(np.concatenate([tpc - offs, tpc + offs, tpc], axis=1), 0.0,
                       np.maximum(_T_BASE[-1], tpc + _T_OFF[-1]))
    # pole at threshold: a sparse geometric grid from below every scale of the integrand to 75,
    # dense clusters (a decade either side) at the pole's scale and at each crossing
    sc = np.where(thr, scale, 1.0)
    if np.any(thr):
        cross = np.full((nx, 3), np.nan)
        cross[thr] = _crossings(ann, mX, g, extra_width, T[thr], tp[thr])
    else:
        cross = np.full((nx, 3), np.nan)
    low = np.fmin(np.nanmin(np.concatenate([cross, sc[:, None]], axis=1), axis=1), 1.0)
    t_lo = 1e-3 * low
    # the pole's cluster: t_p ± γ*·2^k (k = −2…5) above threshold, else a decade either side
    steps = gt[:, None] * 2.0 ** np.arange(-2, _N_S // 2 - 2)[None, :]
    around = np.concatenate([tp[:, None] - steps, tp[:, None] + steps], axis=1)
    around = np.where(around > 0, around, sc[:, None])
    bp_thr = [_geom(t_lo, np.full(nx, _T_BASE[-1]), _N_SPARSE),
              np.where((tp > 0)[:, None], around, _geom(sc / 10, sc * 10, _N_S))]
    for k in range(cross.shape[1]):
        ck = np.where(np.isfinite(cross[:, k]), cross[:, k], sc)
        bp_thr.append(_geom(ck / 10, ck * 10, _N_CROSS))
    bp_thr.append(np.where(tp > 0, tp, sc)[:, None])
    bp_thr = np.clip(np.concatenate(bp_thr, axis=1), 0.0, _T_BASE[-1])
    bp = np.where(thr[:, None], bp_thr, bp_above)
    # open-channel thresholds √s = 2m_f inside the thermal range: a √ kink of the width and of σ
    chan = sorted({2.0 * ch.mass for ch in ann.channels if 2.0 * ch.mass > E0})
    tf = np.array([(c2 - E0) / T for c2 in chan]).reshape(len(chan), nx).T
    tf = np.where(tf < _T_BASE[-1], tf, _T_BASE[-1])
    bp = np.sort(np.concatenate([base, bp, tf], axis=1), axis=1)
    a = bp[:, :-1][:, :, None]
    b = bp[:, 1:][:, :, None]
    xi, wi = _GL_X[None, None, :], _GL_W[None, None, :]
    L = b - a
    u = 0.5 * (xi + 1.0)
    t_pl, w_pl = a + L * u, L * 0.5 * wi
    t_th, w_th = a + L * u * u, L * u * wi
    ratio = np.where(a > 0, b / np.where(a > 0, a, 1.0), 1.0)
    t_lg = a * ratio**u
    w_lg = t_lg * np.log(ratio) * 0.5 * wi
    # Breit–Wigner map t = t_p + γ* tan θ. On a panel that straddles t_p, θ itself; on a panel
    # to one side, φ = arctan(γ*/|t − t_p|) (t = t_p ± γ* cot φ), which stays exact where θ
    # would sit within an ulp of ±π/2 (|t − t_p| ≫ γ*: a panel at 0.5 from a pole of γ* = 1e-16
    # lost 0.06 of its weight)
    tpp, gtt = tp[:, None, None], gt[:, None, None]
    side = np.where(a >= tpp, 1.0, np.where(b <= tpp, -1.0, 0.0))
    tha, thb = np.arctan((a - tpp) / gtt), np.arctan((b - tpp) / gtt)
    th = tha + (thb - tha) * u
    t_c = tpp + gtt * np.tan(th)
    w_c = gtt * (1.0 + np.tan(th) ** 2) * 0.5 * (thb - tha) * wi
    pa = np.arctan2(gtt, np.abs(a - tpp))
    pb = np.arctan2(gtt, np.abs(b - tpp))
    ph = pa + (pb - pa) * u
    sph = np.sin(ph)
    t_s = tpp + side * gtt * np.cos(ph) / sph
    w_s = gtt / (sph * sph) * 0.5 * np.abs(pb - pa) * wi
    t_at = np.where(side == 0.0, t_c, t_s)
    w_at = np.where(side == 0.0, w_c, w_s)
    use_th = a == 0.0                      # √t map from threshold and from a channel's
    for k in range(tf.shape[1]):
        use_th |= (a == tf[:, k, None, None]) & (a < _T_BASE[-1])
    use_lg = ~use_th & thr[:, None, None]
    use_at = ~use_th & ~use_lg & (np.abs(0.5 * (a + b) - tpp) < 0.5) & above[:, None, None]
    t = np.where(use_th, t_th, np.where(use_lg, t_lg, np.where(use_at, t_at, t_pl)))
    w = np.where(use_th, w_th, np.where(use_lg, w_lg, np.where(use_at, w_at, w_pl)))
    return np.clip(t, 0.0, None).reshape(nx, -1), w.reshape(nx, -1)


class ThermalAverage:
    """⟨σv⟩_eff(x) on a fixed x grid for one (model, dark matter, masses, g_χ), as a fast
    function of the model coupling g: σ = g²A/|D|², |D|² = (s − M²)² + s(g²Γ₁ + Γ₀)², so every
    other factor is computed once (module doc for the formulas). The nodes are laid out for the
    pole at coupling ``g_nodes``; any g whose width is within a factor ~1.2 of it is integrated
    as accurately. Near threshold every kinematic difference is formed from ds = s − (m₁+m₂)²
    = Tt(2(m₁+m₂) + Tt), never as a difference of two close numbers."""

    def __init__(self, ann, mX, xs, g_nodes, extra_width=0.0):
        self.ann, self.mX = ann, mX
        m1, m2 = ann.m1, ann.m2
        self.xs = np.asarray(xs, dtype=float)
        T = m1 / self.xs
        t, w = _nodes(self.xs, ann, mX, g_nodes, extra_width)
        E0 = m1 + m2
        d = T[:, None] * t
        E = E0 + d
        ds = d * (2.0 * E0 + d)
        s = E0 * E0 + ds
        lam = _ann.kallen_above(ds, m1, m2)
        num = _ann.numerator(s, ann, mX, 1.0, ds=ds)
        self.A = num * np.sqrt(lam) / 2.0 * kve(1, E / T[:, None]) * np.exp(-t) * w
        self.sm2 = (-_pole_offset(ann, mX) * (E0 + mX) + ds) ** 2
        self.s = s
        self.G1 = _ann.width_sm(E, ann, 1.0)
        self.G0 = _ann.width_dm(E, ann, ds=ds) + extra_width
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


def _g_nodes(g):
    """The coupling the nodes are laid out for: g quantised to factors 2^{1/4} (the SM width
    ∝ g² to factors √2), so that the couplings of one target search share node arrays."""
    return 2.0 ** (round(4.0 * math.log2(g)) / 4.0)


def _x_grid(x0, x1, n):
    return np.exp(np.linspace(math.log(x0), math.log(x1), n))


@functools.lru_cache(maxsize=64)
def _averager(ann, mX, extra_width, x_end, n_grid, g_nodes):
    return ThermalAverage(ann, mX, _x_grid(1.0, x_end, n_grid), g_nodes, extra_width)


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
    """Ωh², the asymptotic yield Y₀ = n/s, x_f (Y = 2Y_eq; NaN if Y never leaves 2Y_eq after
    x = 1), x_end (where the ODE stops and the analytic tail takes over), ``stop_sensitivity``
    = Ωh²(stopped at x_end/10)/Ωh² − 1 (measured on the same solution, each with its tail: it
    is ≲ 1e-6 when annihilation has ended, and measures how much still happens late when it
    has not), ``tail`` (False when x_end was capped at matter–radiation equality and no tail
    was added), and ``warnings``; with ``keep_curve`` Y(x), Y_eq(x)."""

    omega_h2: float
    Y0: float
    x_f: float
    x_end: float = float("nan")
    stop_sensitivity: float = 0.0
    tail: bool = True
    warnings: list = field(default_factory=list)
    x: np.ndarray = field(repr=False, default=None)
    Y: np.ndarray = field(repr=False, default=None)
    Yeq: np.ndarray = field(repr=False, default=None)


def _n_grid_for(x_end, n_grid=240):
    """n_grid points up to x = 1000, and as densely in ln x beyond (35 per e-fold)."""
    return int(max(n_grid, math.ceil(n_grid * math.log(x_end) / math.log(1000.0))))


def solve_boltzmann(m, sigmav_fn, species, x0=1.0, x_end=1000.0, n_grid=240, rtol=1e-8,
                    atol=1e-8, keep_curve=False, tail=True, bath_ratio=1.0) -> FreezeOut:
    """Solve the Boltzmann equation (module doc) for ``sigmav_fn(x_b) -> ⟨σv⟩_eff`` [1/energy²]
    and ``species`` [(g_i, m_i)], m the lightest mass [energy]; ``tail``: add the analytic
    late-time tail beyond x_end (else annihilation is taken to stop there). x = m/T_γ; the
    dark matter's bath has T_b = ``bath_ratio``·T_γ (x_b = x/bath_ratio; 1 but in the check of
    a neutrino bath after e± annihilation): Y_eq = (45/4π⁴)Σg_i(m_i/T_γ)²(T_b/T_γ)K₂(m_i/T_b)/h_eff
    (n_eq at T_b over s at T_γ), ⟨σv⟩ at T_b, H and s at T_γ."""
    dof = sm_dof()
    xs = _x_grid(x0, x_end, n_grid)
    T = m / xs
    r = np.asarray(bath_ratio(T) if callable(bath_ratio) else np.full_like(xs, bath_ratio), float)
    sv = np.asarray(sigmav_fn(xs / r), dtype=float)
    if np.any(~np.isfinite(sv)) or np.any(sv < 0):
        raise FloatingPointError("non-finite or negative <sigma v>")
    sv = np.maximum(sv, 1e-300)
    lam = math.sqrt(math.pi / 45.0) * M_PLANCK * m * dof.gstar_half(T) * sv / xs**2
    acc = np.zeros_like(xs)
    for gi, mi in species:
        xi = mi / T
        acc += gi * xi * xi * r * kve(2, xi / r) * np.exp(-(xi - xs) / r)
    xb = xs / r
    weq_px = math.log(45.0 / (4 * math.pi**4)) + np.log(acc) - np.log(dof.h_eff(T))
    lx = np.log(xs)
    sp_l, sp_w = _Spline1(lx, np.log(lam)), _Spline1(lx, weq_px)
    exp, log = math.exp, math.log
    if np.all(r == 1.0):
        def inv_r(lxv):
            return 1.0
    else:                                       # W_eq = weq_px − x/r(x), 1/r smooth in ln x
        inv_r = _Spline1(lx, 1.0 / r)

    def rhs(W, x):
        lxv = log(x)
        lv = exp(sp_l(lxv))
        we = sp_w(lxv) - x * inv_r(lxv)
        return -lv * (exp(min(W[0], 700.0)) - exp(min(2 * we - W[0], 700.0)))

    def jac(W, x):
        lxv = log(x)
        lv = exp(sp_l(lxv))
        we = sp_w(lxv) - x * inv_r(lxv)
        return [[-lv * (exp(min(W[0], 700.0)) + exp(min(2 * we - W[0], 700.0)))]]

    Weq = weq_px - xb
    k = 2.0 * lam * np.exp(Weq)                 # relaxation rate
    dWeq = np.gradient(Weq, xs)
    i0 = int(np.argmax(k < _K_START)) if np.any(k < _K_START) else len(xs) - 1
    i0 = min(i0, len(xs) - 3)
    W = np.empty_like(xs)
    W[:i0] = Weq[:i0] - dWeq[:i0] / k[:i0]
    # quasi-static start where the relaxation rate is large; at x0 itself (i0 = 0: rate already
    # small at T = m) the species starts in equilibrium: W'eq/k would be a huge "correction"
    # (it overflowed exp for k ~ 1e-300, a model with no open channel)
    w_start = Weq[i0] - dWeq[i0] / k[i0] if i0 > 0 else Weq[0]
    sol = odeint(rhs, [w_start], xs[i0:], Dfun=jac, rtol=rtol, atol=atol, mxstep=50000)
    W[i0:] = sol[:, 0]

    c_lam = math.sqrt(math.pi / 45.0) * M_PLANCK * m
    T_flat = float(dof.T[0])                  # below the table's first row g_*^{1/2} is constant

    def tail_integral(i):
        """∫_{x_i}^∞ λ dx with ⟨σv⟩ = A + B/x (s- and p-wave, fitted at x_{i−1}, x_i) and
        g_*^{1/2}(T) from the table: numerically (trapezoid in ln x, 400 points) down to
        T = T_table/10, analytically below, where g_*^{1/2} is constant. (λx² = A + B/x with a
        constant g_* left 5–7e-4 of Ωh² at x_end = 1000 for s-wave at 0.1–1 GeV: e± annihilation
        changes g_*^{1/2} by 35% after T = 1 MeV.)"""
        x1, x2 = xs[i - 1], xs[i]
        Bs = (sv[i - 1] - sv[i]) / (1.0 / x1 - 1.0 / x2)
        As = sv[i] - Bs / x2
        x_flat = max(x2, 10.0 * m / T_flat)
        out = 0.0
        if x_flat > x2:
            xg = np.geomspace(x2, x_flat, 400)
            f = c_lam * dof.gstar_half(m / xg) * np.maximum(As + Bs / xg, 0.0) / xg
            out += float(np.sum(0.5 * (f[1:] + f[:-1]) * np.diff(np.log(xg))))
        g0 = float(dof.gstar_half(m / x_flat))
        return out + c_lam * g0 * max(As / x_flat + Bs / (2.0 * x_flat**2), 0.0)

    def ln_y_inf(i):
        """ln Y∞ stopping the ODE at xs[i]: 1/Y∞ = 1/Y(x_i) + ∫ λ dx (in logs: Y and 1/Y can
        leave the floating-point range)."""
        if not tail:
            return float(W[i])
        tl = tail_integral(i)
        return float(W[i] - math.log1p(tl * math.exp(min(W[i], 700.0))))

    lnY0 = ln_y_inf(len(xs) - 1)
    i_early = int(np.searchsorted(xs, xs[-1] / 10.0))
    sens = math.expm1(ln_y_inf(i_early) - lnY0) if 1 <= i_early < len(xs) - 1 else 0.0
    dd = W - Weq - math.log(2.0)
    idx = np.nonzero(dd > 0)[0]
    x_f = float("nan")
    if idx.size and idx[0] > 0:
        i = idx[0]
        x_f = float(np.exp(np.interp(0.0, [dd[i - 1], dd[i]], [lx[i - 1], lx[i]])))
    ln_om = math.log(m) + lnY0 + math.log(dof.s0_per_cm3 / _RHO_CRIT_H2)
    om = math.exp(min(ln_om, 700.0))
    out = FreezeOut(om, math.exp(lnY0), x_f, float(xs[-1]), sens, bool(tail))
    if keep_curve:
        out.x, out.Y, out.Yeq = xs, np.exp(W), np.exp(Weq)
    return out


def _x_end_for(ann, mX, g, extra_width):
    """Where annihilation has ended: x = 60 m₁/δ_min (T = δ_min/60, the structure e^{−60}
    away), δ_min the smallest energy scale of σ(s) above threshold — the pole's distance
    |m_X − m₁ − m₂| and the crossings of :func:`_crossings` where the width matters there (a
    pole at threshold: where the dark width overtakes the SM one, or the Breit–Wigner width
    meets |√s − m_X|) — at least 1000, and at most m₁/T_eq (matter–radiation equality: the
    radiation-dominated equation ends there; a pole at threshold, whose ⟨σv⟩ grows as x or
    x^{3/2} until T reaches δ_min ~ Γ_SM²/Γ_χ, reaches it)."""
    m1 = ann.m1
    d = _pole_offset(ann, mX)
    T1 = np.array([m1])
    tp = np.array([d / m1])
    cr = _crossings(ann, mX, g, extra_width, T1, tp)[0]
    scales = [abs(d) / m1] if d != 0.0 else []
    for c in cr[np.isfinite(cr)]:
        gam = float(_half_width_t(ann, g, extra_width, T1, np.array([c]))[0])
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
    coupling ``coupling`` (m_X = mass_ratio·m_χ; ``splitting`` δ for pseudo-Dirac only), with
    the ``warnings`` of the solver's domain (:func:`domain_warnings`).

    >>> from mucast.units import GeV
    >>> r = omega_h2("lmu-ltau", 0.01 * GeV, 4.0e-4, dm="scalar")
    >>> 0.11 < r.omega_h2 < 0.13
    True
    """
    model, ann, mX = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
    g = _positive("coupling", coupling)
    extra_width = float(extra_width)
    res = _omega(ann, mX, g, extra_width, keep_curve, n_grid)
    check = (_omega(ann, mX, g, extra_width, n_grid=n_grid,
                    bath_ratio=t_nu_over_t_gamma).omega_h2
             if _needs_bath_check(ann, res) else None)
    res.warnings = domain_warnings(model, ann, mX, g, res, extra_width, check)
    return res


def _omega(ann, mX, g, extra_width=0.0, keep_curve=False, n_grid=240,
           bath_ratio=None) -> FreezeOut:
    gn = _g_nodes(g)
    x_end, capped = _x_end_cached(ann, mX, gn, extra_width)
    n = _n_grid_for(x_end, n_grid)
    if bath_ratio is None:
        sv = _averager(ann, mX, extra_width, x_end, n, gn)(g)
        bath_ratio = 1.0
    else:
        xs = _x_grid(1.0, x_end, n)
        sv = ThermalAverage(ann, mX, xs / bath_ratio(ann.m1 / xs), gn, extra_width)(g)
    species, _ = _species(ann.dm, ann.m1, ann.m2)
    return solve_boltzmann(ann.m1, lambda xs: sv, species, x_end=x_end, keep_curve=keep_curve,
                           n_grid=n, tail=not capped, bath_ratio=bath_ratio)


_T_NU_DEC = 2.0 * MeV           # neutrino decoupling (weak rates ~ H), the usual estimate
_LIGHT = 1.0 * MeV              # below this m_χ, the BBN / N_eff statement
_WIDE = 0.3                     # Γ_X/m_X above which the mediator is called wide
_STOP_WARN = 1e-3               # |Ωh²(x_end/10)/Ωh²(x_end) − 1| above which late annihilation is said


def domain_warnings(model, ann, mX, g, res, extra_width=0.0, bath_check=None) -> list:
    """The warnings of one Ωh² (docs/relic.md, "Domain"): late annihilation (the measured
    ``stop_sensitivity``; a pole at threshold followed to matter–radiation equality); no
    freeze-out found; a wide mediator (Γ_X/m_X > 0.3 at this coupling); dark matter below
    1 MeV (BBN/CMB bounds, the d.o.f. table's end); a neutrino-only bath after ν decoupling,
    with the measured change of Ωh² for T_ν = (4/11)^{1/3}T_γ (``bath_check``: that Ωh²)."""
    out = []
    m1 = ann.m1
    S = res.stop_sensitivity
    if abs(S) > _STOP_WARN:
        msg = (f"Omega h^2 depends on where annihilation stops (mediator pole near threshold,"
               f" m_X/(m1 + m2) = {mX / (ann.m1 + ann.m2):.6g}): stopping at x ="
               f" {res.x_end / 10:.3g}"
               f" instead of x = {res.x_end:.3g} changes it by {S:+.2%}; annihilation after"
               " freeze-out near the pole depends on kinetic decoupling, which is not modelled"
               " (kinetic equilibrium assumed)")
        if not res.tail:
            msg += (f"; followed to matter-radiation equality (T = {T_EQ / eV:.2f} eV,"
                    f" x = {res.x_end:.3g}) and stopped there, while <sigma v> still grows")
        out.append(msg)
    if not math.isfinite(res.x_f):
        out.append(f"no freeze-out found: Y stays within 2 Y_eq up to x = {res.x_end:.3g}")
    gam = float(_ann.total_width(mX, ann, g, extra_width))
    if gam > _WIDE * mX:
        out.append(f"wide mediator: Gamma_X/m_X = {gam / mX:.2f} > {_WIDE} at this coupling"
                   f" (g_chi = {ann.g_chi:.4g}): the running-width Breit-Wigner and the"
                   " tree-level (perturbative) treatment are doubtful")
    t_f = m1 / res.x_f if math.isfinite(res.x_f) else None
    if m1 < _LIGHT:
        msg = (f"m_chi = {m1 / MeV:.3g} MeV < 1 MeV: thermal dark matter this light is excluded"
               " by BBN (m_chi > 0.4 MeV at 2 sigma for any spin and final state) and, coupled"
               " only to electrons or only to neutrinos, by BBN + CMB (m_chi > 3.7 MeV):"
               " Sabti et al., JCAP 01 (2020) 004; N_eff is not computed here")
        if t_f is not None and t_f < sm_dof().T[0]:
            msg += (f"; freeze-out at T = {t_f / keV:.3g} keV lies below the d.o.f. table"
                    f" ({sm_dof().T[0] / keV:.3g} keV), held at its first row (photons and"
                    " 3 neutrinos, exact once e+e- have annihilated)")
        out.append(msg)
    d = bath_check / res.omega_h2 - 1.0 if bath_check is not None and res.omega_h2 > 0 else 0.0
    if abs(d) > _STOP_WARN:
        out.append(f"freeze-out at T = {t_f / MeV:.3g} MeV, after neutrino decoupling"
                   f" (~{_T_NU_DEC / MeV:g} MeV), into neutrinos only: the dark matter's bath is"
                   " the neutrinos, colder than the photons once e+e- annihilate, while the"
                   " solver uses T_gamma; with T_nu/T_gamma from entropy conservation"
                   f" (-> (4/11)^(1/3)) Omega h^2 changes by {d:+.1%} (a coupling target by"
                   f" about {math.sqrt(1.0 / (1.0 + d)) - 1.0:+.1%}): the size of this doubt;"
                   " the heating of the neutrinos by the dark matter (N_eff) is not included")
    return out


def _needs_bath_check(ann, res):
    """Freeze-out after ν decoupling with only neutrino final states open at threshold."""
    if not math.isfinite(res.x_f) or ann.m1 / res.x_f >= _T_NU_DEC:
        return False
    open_ = [ch for ch in ann.channels if 2.0 * ch.mass < ann.m1 + ann.m2]
    return bool(open_) and all(ch.mass == 0.0 for ch in open_)


@functools.lru_cache(maxsize=256)
def _x_end_cached(ann, mX, g_nodes, extra_width):
    """(x_end, capped at matter–radiation equality) for the node layout's coupling."""
    x_end = _x_end_for(ann, mX, g_nodes, extra_width)
    return x_end, x_end >= max(float(ann.m1 / T_EQ), 1000.0) and x_end > 1000.0


def sigmav_eff(model, m_chi, coupling, x, dm=None, g_chi=0.05, mass_ratio=3.0, splitting=0.1):
    """⟨σv⟩_eff(x) [1/energy²] (``sigmav_to_cm3_s`` to read) for x = m_χ/T (array)."""
    model, ann, mX = _setup(model, dm, m_chi, mass_ratio, g_chi, splitting)
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

    extra_width = float(extra_width)

    def f(lng):
        if lng not in cache:
            om = _omega(ann, mX, math.exp(lng), extra_width).omega_h2
            cache[lng] = math.log(max(om, 1e-300)) - ln_t
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
                       float(res.omega_h2), float(omega_target), float(res.x_f), len(cache) + 1,
                       list(res.warnings))


def target_curve(model, masses, **kw) -> list:
    """:func:`thermal_target` for each mass [energy] (None where no coupling ≤ g_max works)."""
    out = []
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


