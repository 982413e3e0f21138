"""Layer 2: phase space of μ(p) N(P) → μ(p') N(P') X(k) in the nucleus rest frame, exact (the
kinematics of every spin and of the 0.2 vector reference).

With V = p − k (so ũ = V² − m_μ²) and the nucleus recoil Δ = (t/2M_N, Δ⃗),
|Δ⃗|² = t(1 + t/4M_N²), the muon on-shell condition fixes the angle ψ between Δ⃗ and V⃗,

    cos ψ = [t (1 + V⁰/M_N) − ũ] / (2 |V⃗| |Δ⃗|),

and the three-body phase space reduces exactly to

    dσ/dx = E₀ / (64 (2π)⁴ M_N² |p⃗|) ∫ dcosθ dt dφ_Δ |M̄|² |k⃗| / |V⃗|,

θ the X polar angle, φ_Δ the azimuth of Δ⃗ around V⃗ (the X azimuth gives 2π).  The
t range [t_min, t_max] is where |cos ψ| ≤ 1 (roots of a quadratic; t_min ≈ ũ²/4|V⃗|²); the
spin-generic map (:func:`_phase_space_v`) adds the physical condition p′⁰ > 0.
This is the organisation of the ETL calculation of Kirpichnikov et al., PRD 104 (2021)
076012 (arXiv:2107.13297), Sec. II and App. A, and of Liu & Miller, PRD 96 (2017) 016004
(arXiv:1705.01633), Sec. III, re-derived here.

Unit-cube maps: ln|ũ| (0.2, :func:`_phase_space`) or 1/|ũ| (``variables="fast"``) for the X
angle, ln t between the exact limits, φ_Δ uniform. All energies hepunits (MeV = 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mucast.constants import M_MU
from mucast.exceptions import KinematicsError


# ----------------------------------------------------------------------------------------------
# Kinematics
# ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Setup:
    """Scalars of one configuration (all hepunits)."""

    mass: float
    energy: float
    nucleus_mass: float
    p_abs: float = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "p_abs", math.sqrt((self.energy - M_MU) * (self.energy + M_MU)))


def _omega_k(setup, x):
    omega = x * setup.energy
    k_abs = np.sqrt(np.maximum((omega - setup.mass) * (omega + setup.mass), 0.0))
    return omega, k_abs


def _abs_u_range(setup, x, theta_max=math.pi):
    """|ũ| at θ = 0 and at θ_max, computed without cancellation [energy²]."""
    omega, k_abs = _omega_k(setup, x)
    E, m = setup.energy, setup.mass
    # E ω − |p||k| = (E² m² + ω² m_μ² − m_μ² m²) / (E ω + |p||k|)
    e_dot = (E**2 * m**2 + omega**2 * M_MU**2 - M_MU**2 * m**2) / (E * omega + setup.p_abs * k_abs)
    u0 = 2.0 * e_dot - m**2
    u1 = u0 + 4.0 * setup.p_abs * k_abs * math.sin(0.5 * theta_max) ** 2
    return u0, u1, omega, k_abs


def _t_limits(setup, v0, v_abs, abs_u):
    """Roots of (a t + |ũ|)² = 4|V|² t (1 + t/4M²), a = 1 + V⁰/M: allowed t in [t_lo, t_hi].

    Returns (t_lo, t_hi, ok)."""
    M = setup.nucleus_mass
    a = 1.0 + v0 / M
    A = 1.0 + 2.0 * v0 / M + (M_MU**2 - abs_u) / M**2  # = (P + V)²/M² > 0
    B = 2.0 * a * abs_u - 4.0 * v_abs**2
    C = abs_u**2
    disc = B * B - 4.0 * A * C
    ok = (disc > 0) & (B < 0)
    sq = np.sqrt(np.where(ok, disc, 0.0))
    big = np.where(ok, -B + sq, 1.0)
    t_lo = 2.0 * C / big
    t_hi = big / (2.0 * A)
    return t_lo, t_hi, ok


def _kinematics(setup, x, abs_u, t, phi):
    """Four-vectors of a phase-space point given (x, |ũ|, t, φ_Δ) (arrays of equal shape).

    The Z' is in the x–z plane (φ_k = 0); the beam is along +z.
    """
    E, M = setup.energy, setup.nucleus_mass
    u0, _, omega, k_abs = _abs_u_range(setup, x)
    one_m_cos = np.maximum(abs_u - u0, 0.0) / (2.0 * setup.p_abs * k_abs)
    cos_t = 1.0 - one_m_cos
    sin_t = np.sqrt(np.maximum(one_m_cos * (2.0 - one_m_cos), 0.0))
    n = np.shape(x)
    zeros = np.zeros(n)
    p = np.stack([np.full(n, E), zeros, zeros, np.full(n, setup.p_abs)], axis=-1)
    k = np.stack([omega, k_abs * sin_t, zeros, k_abs * cos_t], axis=-1)
    # V = p − k; |V|² = (|p| − |k|)² + 2|p||k|(1 − cosθ)
    v0 = E - omega
    vx = -k_abs * sin_t
    vz = setup.p_abs - k_abs * cos_t
    v_abs = np.sqrt((setup.p_abs - k_abs) ** 2 + 2.0 * setup.p_abs * k_abs * one_m_cos)
    # recoil Δ
    d0 = t / (2.0 * M)
    d_abs = np.sqrt(t * (1.0 + t / (4.0 * M**2)))
    cos_psi = (t * (1.0 + v0 / M) + abs_u) / (2.0 * v_abs * d_abs)
    cos_psi = np.clip(cos_psi, -1.0, 1.0)
    sin_psi = np.sqrt((1.0 - cos_psi) * (1.0 + cos_psi))
    vhx, vhz = vx / v_abs, vz / v_abs  # V̂ = (vhx, 0, vhz); e_a = (vhz, 0, −vhx); e_b = ŷ
    c_phi, s_phi = np.cos(phi), np.sin(phi)
    dx_ = d_abs * (cos_psi * vhx + sin_psi * c_phi * vhz)
    dy_ = d_abs * (sin_psi * s_phi)
    dz_ = d_abs * (cos_psi * vhz - sin_psi * c_phi * vhx)
    delta = np.stack([d0, dx_, dy_, dz_], axis=-1)
    # outgoing muon p' = V − Δ
    p_out = np.stack([v0 - d0, vx - dx_, -dy_, vz - dz_], axis=-1)
    s_tilde = -2.0 * (E * d0 - setup.p_abs * dz_) - t  # (p − Δ)² − m_μ²
    u_tilde = -abs_u
    J = np.stack([2.0 * M + d0, dx_, dy_, dz_], axis=-1)  # P + P'
    return {"p": p, "k": k, "p_out": p_out, "delta": delta, "J": J, "s_tilde": s_tilde, "u_tilde": u_tilde,
                "k_abs": k_abs, "v_abs": v_abs, "sin_t": sin_t, "cos_t": cos_t, "t": t}


def _abs_u_from_theta(setup, x, theta):
    u0, _, _, k_abs = _abs_u_range(setup, x)
    return u0 + 4.0 * setup.p_abs * k_abs * np.sin(0.5 * np.asarray(theta, dtype=float)) ** 2


def _point(setup, x, theta, t, phi):
    x, theta, t, phi = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (x, theta, t, phi)))
    abs_u = _abs_u_from_theta(setup, x, theta)
    _, _, omega, k_abs = _abs_u_range(setup, x)
    v_abs = np.sqrt((setup.p_abs - k_abs) ** 2 + 4.0 * setup.p_abs * k_abs * np.sin(0.5 * theta) ** 2)
    t_lo, t_hi, ok = _t_limits(setup, setup.energy - omega, v_abs, abs_u)
    if not np.all(ok & (t >= t_lo) & (t <= t_hi)):
        raise KinematicsError("phase-space point outside the allowed t range")
    return _kinematics(setup, x, abs_u, t, phi)


def _phase_space(setup, x, y_u, y_t, y_phi, theta_max):
    """Map the unit cube (y_u, y_t, y_phi) at fixed x to a phase-space point (module doc: ln|ũ| ↔
    cosθ, ln t, φ_Δ). Returns (kin, t, weight, ok): dσ/dx = weight · |M̄|² where ok, with weight
    = E₀/(64(2π)⁴ M_N² |p⃗|) · Jacobian · |k⃗|/|V⃗|. Shared with :mod:`.eft_etl` (pair mass in
    the Z′ mass slot). Call inside ``np.errstate`` (points outside the t range give NaN)."""
    u0, u1, omega, k_abs = _abs_u_range(setup, x, theta_max)
    lu0, lu1 = np.log(u0), np.log(u1)
    abs_u = np.exp(lu0 + y_u * (lu1 - lu0))
    jac = (lu1 - lu0) * abs_u / (2.0 * setup.p_abs * k_abs)  # dcosθ
    one_m_cos = (abs_u - u0) / (2.0 * setup.p_abs * k_abs)
    v_abs = np.sqrt((setup.p_abs - k_abs) ** 2 + 2.0 * setup.p_abs * k_abs * one_m_cos)
    v0 = setup.energy - omega
    t_lo, t_hi, ok = _t_limits(setup, v0, v_abs, abs_u)
    ok = ok & (k_abs > 0)
    t_lo = np.where(ok, t_lo, 1.0)
    t_hi = np.where(ok, t_hi, 2.0)
    lt0, lt1 = np.log(t_lo), np.log(t_hi)
    t = np.exp(lt0 + y_t * (lt1 - lt0))
    jac = jac * (lt1 - lt0) * t * (2.0 * math.pi)
    phi = 2.0 * math.pi * y_phi
    kin = _kinematics(setup, x, abs_u, t, phi)
    M = setup.nucleus_mass
    pref = setup.energy / (64.0 * (2.0 * math.pi) ** 4 * M**2 * setup.p_abs)
    return kin, t, pref * jac * k_abs / v_abs, ok


def _setup(m, E, nucleus_mass):
    return _Setup(float(m), float(E), float(nucleus_mass))


def random_points(m, E, nucleus_mass, n, seed=0, theta_max=0.1, x_range=None):
    """n random physical phase-space points (x, θ_X, t, φ_Δ): ln x, ln|ũ| (hence θ), ln t
    uniform inside the exact limits (exact-module kinematics).  For the Ward-identity checks."""
    rng = np.random.default_rng(seed)
    setup = _setup(m, E, nucleus_mass)
    x_lo, x_hi = (m / E * 1.0001, 1 - M_MU / E * 1.0001) if x_range is None else x_range
    x = np.exp(rng.uniform(math.log(x_lo), math.log(x_hi), n))
    u0, u1, omega, k_abs = _abs_u_range(setup, x, theta_max)
    au = np.exp(np.log(u0) + rng.random(n) * np.log(u1 / u0))
    theta = 2 * np.arcsin(np.sqrt(np.maximum(au - u0, 0) / (4 * setup.p_abs * k_abs)))
    au = u0 + 4 * setup.p_abs * k_abs * np.sin(theta / 2) ** 2
    v_abs = np.sqrt((setup.p_abs - k_abs) ** 2 + 4 * setup.p_abs * k_abs * np.sin(theta / 2) ** 2)
    t_lo, t_hi, ok = _t_limits(setup, E - omega, v_abs, au)
    t_hi = np.minimum(t_hi, 2.0 * nucleus_mass * (E - omega) * (1 - 1e-9))
    ok = ok & (t_hi > t_lo)
    t = np.exp(np.log(t_lo) + rng.uniform(1e-9, 1 - 1e-9, n) * np.log(t_hi / t_lo))
    phi = rng.uniform(0, 2 * np.pi, n)
    return x[ok], theta[ok], t[ok], phi[ok]



def _phase_space_v(setup, x, y_u, y_t, y_phi, theta_max, variables="fast"):
    """Unit cube (y_u, y_t, y_phi) at fixed x → phase-space point (kin, weight, ok) with
    dσ/dx = weight·|M̄|².  ``variables``: "log" (ln|ũ|, as sigma_etl) or "fast" (1/|ũ|)."""
    u0, u1, omega, k_abs = _abs_u_range(setup, x, theta_max)
    if variables == "log":
        lu0, lu1 = np.log(u0), np.log(u1)
        abs_u = np.exp(lu0 + y_u * (lu1 - lu0))
        jac_u = (lu1 - lu0) * abs_u
    else:
        iu0, iu1 = 1.0 / u0, 1.0 / u1
        abs_u = 1.0 / (iu0 - y_u * (iu0 - iu1))
        jac_u = (iu0 - iu1) * abs_u * abs_u
    jac = jac_u / (2.0 * setup.p_abs * k_abs)          # dcosθ = d|ũ|/(2|p⃗||k⃗|)
    one_m_cos = (abs_u - u0) / (2.0 * setup.p_abs * k_abs)
    v_abs = np.sqrt((setup.p_abs - k_abs) ** 2 + 2.0 * setup.p_abs * k_abs * one_m_cos)
    v0 = setup.energy - omega
    t_lo, t_hi, ok = _t_limits(setup, v0, v_abs, abs_u)
    # the quadratic of _t_limits only imposes |cos ψ| ≤ 1 (p'² = m_μ²); a physical outgoing
    # muon also needs p'⁰ = V⁰ − t/2M_N > 0, i.e. t < 2 M_N V⁰ (the excluded part lies at
    # t ≳ 40 GeV² where G2 ~ (t_d/t)² < 1e-8: numerically irrelevant, removed for hygiene)
    t_hi = np.minimum(t_hi, 2.0 * setup.nucleus_mass * v0)
    ok = ok & (k_abs > 0) & (t_hi > t_lo)
    t_lo = np.where(ok, t_lo, 1.0)
    t_hi = np.where(ok, t_hi, 2.0)
    lt0, lt1 = np.log(t_lo), np.log(t_hi)
    t = np.exp(lt0 + y_t * (lt1 - lt0))
    jac = jac * (lt1 - lt0) * t * (2.0 * math.pi)        # ln t, and 2π from the X azimuth
    phi = 2.0 * math.pi * y_phi
    kin = _kinematics(setup, x, abs_u, t, phi)
    ok = ok & (kin["p_out"][..., 0] > 0)
    M = setup.nucleus_mass
    pref = setup.energy / (64.0 * (2.0 * math.pi) ** 4 * M**2 * setup.p_abs)
    return kin, pref * jac * k_abs / v_abs, ok


def phase_space_point(x, theta, t, phi, m, E, nucleus_mass):
    """Exact kinematics (as sigma_etl) at given (x, θ_X, t, φ_Δ), for the checks."""
    setup = _setup(m, E, nucleus_mass)
    return _point(setup, x, theta, t, phi)
