"""Layer 3: the Boltzmann equation of thermal freeze-out, for any ⟨σv⟩_eff(x) (docs/relic.md).

W = ln Y, Y = n/s, in x = m₁/T: dW/dx = −λ(x)(e^W − e^{2W_eq − W}), λ = √(π/45) M_Pl m
g_*^{1/2} ⟨σv⟩_eff/x² (from dn/dt + 3Hn = −⟨σv⟩_eff(n² − n_eq²) with entropy conservation;
Gondolo & Gelmini, NPB 360 (1991) 145, Eq. 3.9 for g_*^{1/2}); Y_eq = (45/4π⁴) Σ g_i (m_i/T)²
K₂(m_i/T)/h_eff. LSODA with the analytic Jacobian from where the relaxation rate drops below 10⁵
(quasi-static start), to x_end, then 1/Y∞ = 1/Y(x_end) + ∫λ dx with ⟨σv⟩ = A + B/x and g_*(T)
from the table. Ωh² = m Y₀ s₀/(ρ_c/h²); x_f: Y(x_f) = 2Y_eq(x_f).

The solver knows nothing of models: :mod:`mucast.cosmology.relic` gives it ⟨σv⟩_eff of a
mediator model and the species, and finds the targets. Moved out of relic.py (which had passed
700 lines), unchanged.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

import numpy as np
from scipy.integrate import odeint
from scipy.interpolate import CubicSpline

from mucast.constants import M_PLANCK, RHO_CRIT_OVER_H2_GEV_CM3
from mucast.cosmology.dof import sm_dof
from mucast.cosmology.thermal import kve
from mucast.units import GeV

__all__ = ["FreezeOut", "solve_boltzmann"]

_RHO_CRIT_H2 = RHO_CRIT_OVER_H2_GEV_CM3 * GeV          # [energy/cm³] (per cm³ as a number)


def _x_grid(x0, x1, n):
    return np.exp(np.linspace(math.log(x0), math.log(x1), n))

_K_START = 1.0e5


class _Splines:
    """Scalar evaluation of cubic splines on shared knots through Python floats (one bisection
    for all; ~1.5 µs; inside the ODE)."""

    def __init__(self, xk, *ys):
        cs = [CubicSpline(xk, y).c.T.tolist() for y in ys]
        self.x = [float(v) for v in xk]
        self.c = [tuple(v for c in cs for v in c[i]) for i in range(len(xk) - 1)]
        self.n = len(xk) - 2

    def __call__(self, xv):
        i = bisect.bisect_right(self.x, xv) - 1
        i = 0 if i < 0 else (self.n if i > self.n else i)
        d = xv - self.x[i]
        c = self.c[i]
        return tuple(((c[k] * d + c[k + 1]) * d + c[k + 2]) * d + c[k + 3]
                     for k in range(0, len(c), 4))


@dataclass
class FreezeOut:
    """Ωh², the asymptotic yield Y₀ = n/s, x_f (Y = 2Y_eq; NaN if Y never leaves 2Y_eq after
    x = 1), x_end (where the ODE stops and the analytic tail takes over), ``stop_sensitivity``
    = Ωh²(stopped at x_early)/Ωh² − 1, x_early the grid point at x_end/10 (measured on the same
    solution, each with its tail: it
    is ≲ 1e-6 when annihilation has ended, and measures how much still happens late when it
    has not), ``tail`` (False when x_end was capped at matter–radiation equality and no tail
    was added), and ``warnings``; with ``keep_curve`` Y(x), Y_eq(x)."""

    omega_h2: float
    Y0: float
    x_f: float
    x_end: float = float("nan")
    stop_sensitivity: float = 0.0
    tail: bool = True
    x_early: float = float("nan")
    warnings: list = field(default_factory=list)
    x: np.ndarray | None = field(repr=False, default=None)
    Y: np.ndarray | None = field(repr=False, default=None)
    Yeq: np.ndarray | None = field(repr=False, default=None)


def _fill_underflow(xs, sv):
    """⟨σv⟩ with its zeros (underflows of a Boltzmann-suppressed thermal average: a channel
    closed at threshold, reached only in the tail, gave 8e-46 then exactly 0 at x = 817 for
    muon-axial Dirac dark matter at 0.101 GeV) replaced by a continuation that is linear in x
    in ln ⟨σv⟩ — the e^{−Δx} shape of the tail — from the last two positive points (interior
    zeros: log-linear between neighbours; leading ones 1e-300). A jump from 1e-46 to the
    1e-300 floor made the cubic spline of ln λ overshoot past e^709 (OverflowError in the ODE).
    Every value concerned is far below any rate that matters (λ ≪ 1)."""
    pos = sv > 0
    if pos.all() or not pos.any():
        return np.maximum(sv, 1e-300)
    ip = np.flatnonzero(pos)
    ln = np.log(sv[ip])
    out = np.interp(xs, xs[ip], ln)
    out[:ip[0]] = math.log(1e-300)
    last = ip[-1]
    if last < xs.size - 1:
        slope = (min((ln[-1] - ln[-2]) / (xs[last] - xs[ip[-2]]), 0.0) if ip.size >= 2
                 else 0.0)
        out[last + 1:] = ln[-1] + slope * (xs[last + 1:] - xs[last])
    return np.exp(np.maximum(out, math.log(1e-300)))


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
    sv = _fill_underflow(xs, sv)
    lam = math.sqrt(math.pi / 45.0) * M_PLANCK * m * dof.gstar_half(T) * sv / xs**2
    acc = np.zeros_like(xs)
    for gi, mi in species:
        xi = mi / T
        acc += gi * xi * xi * r * kve(2, xi / r) * np.exp(-(xi - xs) / r)
    xb = xs / r
    weq_px = math.log(45.0 / (4 * math.pi**4)) + np.log(acc) - np.log(dof.h_eff(T))
    lx = np.log(xs)
    # ln λ, and W_eq = weq_px − x/r(x) (1/r smooth in ln x; 1 but in the bath check)
    sp = _Splines(lx, np.log(lam), weq_px, 1.0 / r)
    exp, log = math.exp, math.log

    def rhs(W, x):
        ll, wp, ir = sp(log(x))
        we = wp - x * ir
        return -exp(ll) * (exp(min(W[0], 700.0)) - exp(min(2 * we - W[0], 700.0)))

    def jac(W, x):
        ll, wp, ir = sp(log(x))
        we = wp - x * ir
        return [[-exp(ll) * (exp(min(W[0], 700.0)) + exp(min(2 * we - W[0], 700.0)))]]

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
    out = FreezeOut(om, math.exp(lnY0), x_f, float(xs[-1]), sens, bool(tail),
                    x_early=float(xs[i_early]) if 1 <= i_early < len(xs) - 1 else float("nan"))
    if keep_curve:
        out.x, out.Y, out.Yeq = xs, np.exp(W), np.exp(Weq)
    return out


