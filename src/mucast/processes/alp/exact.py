"""Layer 2: exact tree-level σ(μ(p) N(P) → μ(p′) N(P′) a(k)) by photon fusion, the check of the
WW form of :mod:`mucast.processes.alp.fusion`.

Amplitude (docs/research/alp_production_muon_beam.md §3): one diagram, q₁ = p − p′ (muon side),
q₂ = P − P′ = −Δ (nucleus side), k = q₁ + q₂, a spin-0 coherent nucleus with the current
Z e F(t)(P + P′)^ν (the mediators' exact engine, :mod:`mucast.processes.mediators.exact`):

    M = e² Z F g · [ū(p′)γ_μ u(p)] (1/q₁²) ε^μνρσ q₁ρ q₂σ (1/q₂²) (P + P′)_ν.

With H_μ = ε_μνρσ (P+P′)^ν q₁^ρ q₂^σ = −2 ε_μνρσ P^ν q₁^ρ Δ^σ and H·q₁ = 0, the spin sum is
Tr[(p̸′+m_μ)H̸(p̸+m_μ)H̸] = 8(p·H)² + 2q₁²H². In the nucleus rest frame H = 2M(0, q⃗₁ × Δ⃗), so
with Q² = −q₁², t = −q₂² (docs/derivations/alp_fusion.md §5):

    |M̄|² = ½ Σ|M|² = 4 e⁴ g² M² G₂(t) [4 (p⃗·(q⃗₁×Δ⃗))² + Q² |q⃗₁×Δ⃗|²] / (Q⁴ t²),

G₂ = Z²F² of :func:`mucast.processes.flux.form_factor_squared` (checked against explicit
spinors and a full Levi-Civita contraction: :func:`amplitude_squared_spinors`, tests).

Phase space (nucleus rest frame, derived in docs/derivations/alp_fusion.md §5): the outgoing
muon (energy E′ = E − ν, angle θ′; the azimuth gives 2π) fixes q₁; the recoil Δ = (t/2M, Δ⃗),
|Δ⃗|² = t(1 + t/4M²), sits at the angle ψ to q⃗₁ fixed by k² = m²,
cos ψ = (Q² + m² + t(1 + ν/M))/(2|q⃗₁||Δ⃗|), and at the azimuth φ around q⃗₁:

    σ = ∫ dν dQ² dt dφ |M̄|² / (128 (2π)⁴ M² |p⃗|² |q⃗₁|),   |q⃗₁|² = ν² + Q²,

with Q² ∈ [Q²₀, Q²₀ + 4|p⃗||p⃗′|] (θ′ from 0 to π; Q²₀ in closed form, no cancellation) and t
between the roots of (a t + Q² + m²)² = 4|q⃗₁|² t (1 + t/4M²), a = 1 + ν/M, below 2Mν (k⁰ > 0).
vegas samples ln ν, ln Q², ln t and φ: both photon poles (1/Q⁴ and the flux's 1/t²) are in
variables of their own. The mediators' parametrisation (the emitted particle's angle, ln|ũ|,
:func:`mucast.processes.mediators.exact._phase_space_v`) puts the muon-side pole on a curved
ridge in (θ_a, φ_Δ) when the nucleus's transverse kick is comparable with the ALP's (it is, for
Pb); it is kept as ``variables="emission"``, an independent phase space that checks this one
(tests/validation/test_alp.py, validation/alp_exact_vs_ww.py).

Cuts: x = k⁰/E ≥ x_min (and ≤ x_max), ALP polar angle θ_a ≤ θ_max (the WW form's θ_max).

Units: hepunits; ``coupling`` an inverse energy; results as areas
(:class:`mucast.processes.mediators.exact.ExactResult`).
"""

from __future__ import annotations

import math
import numbers
import time

import numpy as np

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError
from mucast.processes.alp.fusion import THETA_MAX
from mucast.processes.dirac import GAMMA, LOWER, spinors_u_z, ubar_z
from mucast.processes.flux import form_factor_squared
from mucast.processes.mediators.exact import ExactResult
from mucast.processes.mediators.production import _target
from mucast.units import GeV, natural_to_area

__all__ = ["VARIABLES", "cross_section", "x_histogram", "phase_space", "amplitude_squared",
           "amplitude_squared_spinors"]

VARIABLES = ("muon", "emission")


# ----------------------------------------------------------------------------------------------
# amplitude
# ----------------------------------------------------------------------------------------------
def amplitude_squared(triple, cross2, q2, t, coupling, nucleus_mass, target, alpha=ALPHA):
    """|M̄|² (spin-averaged, dimension 1/energy²; module doc) from the rest-frame invariants:
    ``triple`` = p⃗·(q⃗₁×Δ⃗) [energy³], ``cross2`` = |q⃗₁×Δ⃗|² [energy⁴], ``q2`` = Q² = −q₁²,
    ``t`` = −q₂² [energy²]; vectorised."""
    e2 = 4.0 * math.pi * alpha
    g2 = form_factor_squared(t, target.Z, target.t_a, target.t_d)
    return (4.0 * e2**2 * coupling**2 * nucleus_mass**2 * g2
            * (4.0 * triple**2 + q2 * cross2) / (q2**2 * t**2))


def _levi_civita():
    eps = np.zeros((4, 4, 4, 4))
    for a in range(4):
        for b in range(4):
            for c in range(4):
                for d in range(4):
                    idx = [a, b, c, d]
                    if len(set(idx)) == 4:
                        eps[a, b, c, d] = np.linalg.det(np.eye(4)[idx])
    return eps


def amplitude_squared_spinors(p, p_out, P, P_out, coupling, target, alpha=ALPHA):
    """Reference |M̄|²: ½ Σ_{s,s′} |ū(p′)γ^μ u(p) H_μ|² e⁴ g² G₂(t)/(q₁⁴ t²) with explicit
    spin-z spinors (:mod:`mucast.processes.dirac`) and the full ε^μνρσ J_ν q₁ρ q₂σ (ε⁰¹²³ = +1);
    four-vectors (n, 4) with upper index. For the tests of :func:`amplitude_squared`."""
    p, p_out, P, P_out = (np.atleast_2d(np.asarray(a, dtype=float)) for a in (p, p_out, P, P_out))
    q1 = p - p_out
    q2 = P - P_out
    J = P + P_out
    eps = _levi_civita()
    low = lambda v: v * LOWER  # noqa: E731
    H_up = np.einsum("mnrs,...n,...r,...s->...m", eps, low(J), low(q1), low(q2))
    u_in = spinors_u_z(p[:, 1:], p[:, 0], M_MU)                    # (n, 4, 2)
    ub_out = ubar_z(spinors_u_z(p_out[:, 1:], p_out[:, 0], M_MU))  # (n, 2, 4)
    hs = np.einsum("nm,mij->nij", low(H_up).astype(complex), GAMMA)  # H̸ = γ^μ H_μ
    amp = ub_out @ hs @ u_in                                         # (n, 2, 2)
    s2 = np.sum(np.abs(amp) ** 2, axis=(-1, -2))
    t = -(q2[:, 0] ** 2 - np.sum(q2[:, 1:] ** 2, axis=-1))
    q1sq = q1[:, 0] ** 2 - np.sum(q1[:, 1:] ** 2, axis=-1)
    e2 = 4.0 * math.pi * alpha
    g2 = form_factor_squared(t, target.Z, target.t_a, target.t_d)
    return 0.5 * e2**2 * coupling**2 * g2 * s2 / (q1sq**2 * t**2)


# ----------------------------------------------------------------------------------------------
# phase space in the muon's variables
# ----------------------------------------------------------------------------------------------
def _nu_range(mass, energy, x_min, x_max, nucleus_mass):
    lo = mass * (1.0 + 1e-12) if x_min is None else max(float(x_min) * energy, mass * (1 + 1e-12))
    hi = energy - M_MU * (1.0 + 1e-12)
    if x_max is not None:
        # ν = xE + t/2M: the margin keeps every t ≤ 1 GeV² (G₂ < 1e-4 of its peak beyond)
        hi = min(hi, float(x_max) * energy + GeV**2 / (2.0 * nucleus_mass))
    if not lo < hi:
        raise KinematicsError(f"no phase space for x in [{x_min}, {x_max}] at this mass")
    return lo, hi


def phase_space(y, mass, energy, nucleus_mass, x_min=None, x_max=None,
                theta_max=THETA_MAX):
    """Unit cube y (n, 4) → dict of the point (four-vectors p, p_out, P, P_out, k; Q², t, x,
    θ_a; the invariants of :func:`amplitude_squared`) and ``weight`` (σ = ∫ weight·|M̄|² dy),
    ``ok`` (physical and inside the cuts). Module doc; all energies hepunits."""
    y = np.atleast_2d(np.asarray(y, dtype=float))
    E, M, m = float(energy), float(nucleus_mass), float(mass)
    p = math.sqrt((E - M_MU) * (E + M_MU))
    nu_lo, nu_hi = _nu_range(m, E, x_min, x_max, M)
    l_nu = math.log(nu_hi / nu_lo)
    nu = nu_lo * np.exp(y[:, 0] * l_nu)
    e_out = E - nu
    p_out = np.sqrt(np.maximum((e_out - M_MU) * (e_out + M_MU), 0.0))
    # Q²₀ = (p − p′)² − ν², p − p′ = ν(E + E′)/(p + p′), E − p = m_μ²/(E + p)
    q0 = nu**2 * (M_MU**2 / (E + p) + M_MU**2 / (e_out + p_out)) * (E + p + e_out + p_out) / (
        p + p_out) ** 2
    l_q = np.log1p(4.0 * p * p_out / q0)
    q2 = q0 * np.exp(y[:, 1] * l_q)
    omc = (q2 - q0) / (2.0 * p * p_out)                         # 1 − cos θ′
    sin_mu = np.sqrt(np.maximum(omc * (2.0 - omc), 0.0))
    qx = -p_out * sin_mu
    qz = nu * (E + e_out) / (p + p_out) + p_out * omc
    q_abs = np.sqrt(nu**2 + q2)
    # recoil: roots of A t² + B t + C = 0
    a = 1.0 + nu / M
    b0 = q2 + m * m
    A = 1.0 + 2.0 * nu / M - q2 / M**2
    B = 2.0 * a * b0 - 4.0 * q_abs**2
    C = b0**2
    disc = B * B - 4.0 * A * C
    ok = (disc > 0) & (B < 0) & (A > 0)
    big = np.where(ok, -B + np.sqrt(np.where(ok, disc, 0.0)), 1.0)
    t_lo = 2.0 * C / big
    t_hi = np.minimum(big / (2.0 * A), 2.0 * M * nu * (1.0 - 1e-12))
    ok &= t_hi > t_lo
    t_lo = np.where(ok, t_lo, 1.0)
    t_hi = np.where(ok, t_hi, 2.0)
    l_t = np.log(t_hi / t_lo)
    t = t_lo * np.exp(y[:, 2] * l_t)
    phi = 2.0 * math.pi * y[:, 3]
    d0 = t / (2.0 * M)
    d_abs = np.sqrt(t * (1.0 + t / (4.0 * M**2)))
    cos_psi = np.clip((b0 + a * t) / (2.0 * q_abs * d_abs), -1.0, 1.0)
    # sin²ψ = A (t − t_lo)(t_hi − t)/(4|q|²|Δ|²), no cancellation near the limits
    t_m_lo = t_lo * np.expm1(y[:, 2] * l_t)
    sin2_psi = np.clip(A * t_m_lo * (t_hi - t) / (4.0 * q_abs**2 * d_abs**2), 0.0, 1.0)
    sin_psi = np.sqrt(sin2_psi)
    qhx, qhz = qx / q_abs, qz / q_abs                  # q̂ = (qhx, 0, qhz); ê_a = (qhz, 0, −qhx)
    dx = d_abs * (cos_psi * qhx + sin_psi * np.cos(phi) * qhz)
    dy = d_abs * sin_psi * np.sin(phi)
    dz = d_abs * (cos_psi * qhz - sin_psi * np.cos(phi) * qhx)
    k0 = nu - d0
    kx, ky, kz = qx - dx, -dy, qz - dz
    x = k0 / E
    theta_a = np.arctan2(np.hypot(kx, ky), kz)
    ok &= (k0 > 0) & (theta_a <= theta_max)
    if x_min is not None:
        ok &= x >= x_min
    if x_max is not None:
        ok &= x <= x_max
    jac = (l_nu * nu) * (l_q * q2) * (l_t * t) * (2.0 * math.pi)
    weight = jac / (128.0 * (2.0 * math.pi) ** 4 * M**2 * p**2 * q_abs)
    n = y.shape[0]
    zeros = np.zeros(n)
    four = lambda a0, a1, a2, a3: np.stack(np.broadcast_arrays(a0, a1, a2, a3), axis=-1)  # noqa: E731
    return {
        "p": four(E, 0.0, 0.0, p) * np.ones((n, 1)),
        "p_out": four(e_out, -qx, zeros, p - qz),
        "P": four(M, 0.0, 0.0, 0.0) * np.ones((n, 1)),
        "P_out": four(M + d0, dx, dy, dz),
        "k": four(k0, kx, ky, kz),
        "q2": q2, "t": t, "x": x, "theta_a": theta_a,
        "triple": p * qx * dy,                              # p⃗·(q⃗₁×Δ⃗) = |p| q_x Δ_y
        "cross2": q_abs**2 * d_abs**2 * sin2_psi,           # |q⃗₁×Δ⃗|²
        "weight": weight, "ok": ok,
    }


def _emission_point(y, mass, energy, target, nucleus_mass, x_min, x_max, theta_max):
    """The mediators' phase space (x in ln x, ln|ũ| for the ALP angle, ln t, φ_Δ) with this
    amplitude's invariants: an independent parametrisation for the checks."""
    from mucast.processes.mediators import exact as mx

    setup = mx._setup(mass, energy, nucleus_mass)
    lx0, lx1 = mx._x_bounds(mass, energy, x_min, x_max)
    x = np.exp(lx0 + y[:, 0] * (lx1 - lx0))
    kin, w, ok = mx._phase_space_v(setup, x, y[:, 1], y[:, 2], y[:, 3], theta_max, "log")
    k3, d3 = kin["k"][:, 1:], kin["delta"][:, 1:]
    cross = np.cross(k3, d3)                          # q⃗₁ × Δ⃗ = (k⃗ + Δ⃗) × Δ⃗
    q1 = kin["k"] + kin["delta"]
    q2 = -(q1[:, 0] ** 2 - np.sum(q1[:, 1:] ** 2, axis=-1))
    ok = ok & (q2 > 0)
    return {"triple": kin["p"][:, 3] * cross[:, 2], "cross2": np.sum(cross**2, axis=-1),
            "q2": np.where(ok, q2, 1.0), "t": kin["t"], "weight": w * x * (lx1 - lx0), "ok": ok}


# ----------------------------------------------------------------------------------------------
# vegas
# ----------------------------------------------------------------------------------------------
def _check(name, value, lo=0.0, hi=math.inf, closed_hi=False):
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or not (lo < value < hi or (closed_hi and value == hi)):
        raise InputError(f"{name} must be in ({lo}, {hi}{']' if closed_hi else ')'}, got {value!r}")
    return float(value)


def _integrand(mass, coupling, energy, tgt, M, x_min, x_max, theta_max, variables, alpha,
               count):
    """The vegas integrand (batch, unit cube → weight·|M̄|²) and the x of each point."""

    def point(y):
        count[0] += y.shape[0]
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            if variables == "muon":
                pt = phase_space(y, mass, energy, M, x_min, x_max, theta_max)
            else:
                pt = _emission_point(y, mass, energy, tgt, M, x_min, x_max, theta_max)
            val = pt["weight"] * amplitude_squared(pt["triple"], pt["cross2"], pt["q2"], pt["t"],
                                                   coupling, M, tgt, alpha)
        return np.where(pt["ok"] & np.isfinite(val), val, 0.0), pt.get("x")

    return point


def _checked(mass, coupling, energy, theta_max, x_min, x_max, rtol, variables, target,
             nucleus_mass):
    energy = _check("energy", energy)
    mass = _check("mass", mass, 0.0, energy - M_MU)
    coupling = _check("coupling", coupling)
    theta_max = _check("theta_max", theta_max, 0.0, math.pi, closed_hi=True)
    if x_min is not None:
        x_min = _check("x_min", x_min, -1e-300, 1.0)
    if x_max is not None:
        x_max = _check("x_max", x_max, 0.0, 1.0, closed_hi=True)
    rtol = _check("rtol", rtol, 0.0, 1.0)
    if variables not in VARIABLES:
        raise InputError(f"variables must be one of {', '.join(VARIABLES)}, got {variables!r}")
    tgt = _target(target)
    M = tgt.atomic_mass if nucleus_mass is None else _check("nucleus_mass", nucleus_mass)
    # the 2→3 threshold: √s ≥ M + m_μ + m, s = M² + m_μ² + 2EM (tighter than the WW's m < E − m_μ)
    top = math.sqrt(M * M + M_MU**2 + 2.0 * energy * M) - M - M_MU
    if mass >= top:
        raise KinematicsError(f"mass must be below the mu N -> mu N a threshold sqrt(s) - M - m_mu"
                              f" = {top / GeV:.6g} GeV (target {tgt.name}, beam"
                              f" {energy / GeV:.6g} GeV), got {mass / GeV:.6g} GeV")
    _nu_range(mass, energy, x_min, x_max, M)
    return mass, coupling, energy, theta_max, x_min, x_max, rtol, tgt, M


def x_histogram(mass, coupling, edges, energy=160 * GeV, target="Pb", *,
                theta_max=THETA_MAX, rtol=0.005, neval=20_000, nitn_adapt=6, max_iterations=40, seed=0,
                alpha=ALPHA, nucleus_mass=None):
    """σ in bins of x = E_a/E [areas], one vegas run (muon variables): ``edges`` increasing in
    (0, 1]; the first edge is x_min, the last x_max. The grid adapts to the total; each kept
    iteration (which goes on adapting) gives every bin an estimate, combined with 1/σ² weights,
    until the total's relative error is ≤ ``rtol`` (or ``max_iterations``).

    Returns (values, errors, total, total_error): arrays of len(edges) − 1 and two floats; all
    zero when no sampled point passes the cuts (the caller decides what that means)."""
    import vegas

    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.diff(edges) > 0) or edges[0] <= 0 \
            or edges[-1] > 1:
        raise InputError("edges must increase within (0, 1], at least two of them")
    x_max = float(edges[-1]) if edges[-1] < 1.0 - M_MU / energy else None
    mass, coupling, energy, theta_max, x_min, x_max, rtol, tgt, M = _checked(
        mass, coupling, energy, theta_max, float(edges[0]), x_max, rtol, "muon", target,
        nucleus_mass)
    count = [0]
    point = _integrand(mass, coupling, energy, tgt, M, x_min, x_max, theta_max, "muon", alpha,
                       count)
    nb = edges.size - 1

    def scalar(y):
        return point(y)[0]

    def binned(y):
        val, x = point(y)
        idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, nb - 1)
        out = np.zeros((y.shape[0], nb + 1))
        out[:, 0] = val
        out[np.arange(y.shape[0]), 1 + idx] = val
        return out

    rng = np.random.default_rng(seed)
    integ = vegas.Integrator([[0.0, 1.0]] * 4, ran_array_generator=rng.random)
    if nitn_adapt > 0:
        integ(vegas.lbatchintegrand(scalar), nitn=int(nitn_adapt), neval=int(neval))
    fn = vegas.lbatchintegrand(binned)
    # every iteration is weighted by 1/var of its total (vegas's rule for the total), the bins
    # with the same weights: they then add up to the total exactly, and a bin that happens to
    # be empty in one iteration is averaged as the zero it is, not dropped
    means, variances, weights = [], [], []
    for _ in range(int(max_iterations)):
        r = integ(fn, nitn=1, neval=int(neval))
        # the iteration's own estimate: vegas's running average of array integrands inverts the
        # covariance matrix (singular here: the bins add up to the total), which moved the bins'
        # sum by up to ×400 for σ ~ 1e-40 in natural units
        it = np.asarray(r.itn_results[0]).ravel()
        mean = np.array([c.mean for c in it])
        var = np.array([c.var for c in it])
        if not (var[0] > 0 and mean[0] > 0):
            break                                    # no event inside the cuts: σ = 0
        means.append(mean)
        variances.append(var)
        weights.append(1.0 / var[0])
        w = np.array(weights) / np.sum(weights)
        avg = w @ np.array(means)
        err = np.sqrt((w**2) @ np.array(variances))
        if err[0] <= rtol * avg[0]:
            break
    if not means:
        zero = np.zeros(nb)
        return zero, zero, 0.0, 0.0
    area = natural_to_area
    return area(avg[1:]), area(err[1:]), float(area(avg[0])), float(area(err[0]))


def cross_section(mass, coupling, energy=160 * GeV, target="Pb", *, x_min=None, x_max=None,
                  theta_max=THETA_MAX, rtol=0.005, neval=20_000, nitn_adapt=6, max_iterations=40,
                  seed=0, variables="muon", alpha=ALPHA, nucleus_mass=None) -> ExactResult:
    """Exact tree-level σ(μN → μN a; x_min ≤ x ≤ x_max, θ_a ≤ θ_max) [area] by vegas (4D).

    ``rtol``: requested relative (1σ) error: after ``nitn_adapt`` adaptation iterations the kept
    iterations (which go on adapting) stop when vegas reaches it, or after ``max_iterations``.
    ``variables``: "muon" (default; module doc) or "emission" (the mediators' phase space, a
    check). ``nucleus_mass`` defaults to A·u (as the mediators). ``coupling`` [1/energy].
    Returns :class:`mucast.processes.mediators.exact.ExactResult` (value, uncertainty, Q, number
    of evaluations, seconds).

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> r = cross_section(0.1 * GeV, 1e-3 / GeV, x_min=0.5, rtol=0.02, neval=4000, nitn_adapt=3)
    >>> 50 < r.value / picobarn < 60          # WW: 54.9 pb
    True
    """
    import vegas

    mass, coupling, energy, theta_max, x_min, x_max, rtol, tgt, M = _checked(
        mass, coupling, energy, theta_max, x_min, x_max, rtol, variables, target, nucleus_mass)
    count = [0]
    point = _integrand(mass, coupling, energy, tgt, M, x_min, x_max, theta_max, variables, alpha,
                       count)

    def integrand(y):
        return point(y)[0]

    rng = np.random.default_rng(seed)
    integ = vegas.Integrator([[0.0, 1.0]] * 4, ran_array_generator=rng.random)
    fn = vegas.lbatchintegrand(integrand)
    t0 = time.perf_counter()
    if nitn_adapt > 0:
        integ(fn, nitn=int(nitn_adapt), neval=int(neval))
    res = integ(fn, nitn=int(max_iterations), neval=int(neval), rtol=rtol)
    secs = time.perf_counter() - t0
    inputs = {"process": "alp-photon", "mass": mass, "coupling_per_GeV": coupling * GeV,
              "energy": energy, "target": tgt.name, "x_min": x_min, "x_max": x_max,
              "theta_max": theta_max, "rtol": rtol, "neval": int(neval),
              "nitn_adapt": int(nitn_adapt), "n_itn_kept": len(res.itn_results), "seed": seed,
              "variables": variables, "nucleus_mass": M, "alpha": float(alpha)}
    return ExactResult(natural_to_area(float(res.mean)), natural_to_area(float(res.sdev)),
                       float(getattr(res, "Q", float("nan"))), count[0], secs, inputs, integ)
