"""Layer 2: the amplitudes of μN → μN X for any Lorentz structure, L ⊃ g X μ̄Γμ with
Γ = γ^α, γ^αγ⁵, 1, iγ⁵ (issue 11; docs/models.md).

The same two diagrams as the 0.2 vector code (:mod:`.reference_02`) with the vertex Γ_λ in place
of ε̸_λ, evaluated component by component with the batch axis last (``engine="fast"``; the
4×4-matrix form ``engine="matrix"`` gives the same numbers, tested). Polarisations: vector — two
transverse and ε_L·M = −(m/|k⃗|)M⁰ (k·M = 0); axial — two transverse and the explicit
ε_L = (|k⃗|, ωk̂)/m (the axial current is not conserved: k·M_A = −2m_μ M_γ5, checked by
:func:`~.checks.check_ward_identities`); scalar, pseudoscalar — none.

    |M̄|² = ½ · e⁴ g² G2(t)/t² · Σ_{s,s',λ} |ū Γ_λ u|²,     e² = 4πα.

Spins are named by letters inside this package: "V", "A", "S", "P".
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import M_MU
from mucast.exceptions import UnknownNameError
from mucast.processes.dirac import GAMMA, GAMMA5
from mucast.processes.dirac import LOWER as _METRIC
from mucast.processes.dirac import slash as _slash
from mucast.processes.flux import form_factor_squared


SPIN_LETTERS = {"vector": "V", "axial": "A", "scalar": "S", "pseudoscalar": "P",
                "V": "V", "A": "A", "S": "S", "P": "P"}
SPINS = ("S", "P", "V", "A")
_GAMMA5 = GAMMA5
_LOWER = _METRIC


def _spin(spin):
    s = SPIN_LETTERS.get(spin, SPIN_LETTERS.get(str(spin).lower()))
    if s is None:
        raise UnknownNameError(f"spin must be one of vector, axial, scalar, pseudoscalar; got"
                               f" {spin!r}")
    return s


_LETTER_NAME = {"V": "vector", "A": "axial", "S": "scalar", "P": "pseudoscalar"}


def _ww_bracket_letter(spin, x, u, m2):
    from mucast.processes.mediators.production import ww_coefficients
    J, a = ww_coefficients(_LETTER_NAME[spin], x, m2)
    w = m2 * (1.0 - x) + M_MU**2 * x * x
    return J + a * (u * x + w) / (u * u)


# =============================================================================================
# Dirac algebra, component by component (Dirac representation), "structure of arrays" layout:
# a 4-vector is an array whose FIRST axis holds the components (a[0..3], each of the batch
# shape B); a set of spinors has shape (4, S, *B) (Dirac component, spin label, batch).  The
# batch axis is last and contiguous, so every operation is a plain elementwise NumPy op.
# =============================================================================================
def _sig_col(a, s0, s1):
    """σ⃗·a⃗ acting on the 2-spinor (s0, s1); a contravariant (a[1], a[2], a[3] used)."""
    a1, a2, a3 = a[1], a[2], a[3]
    return a3 * s0 + (a1 - 1j * a2) * s1, (a1 + 1j * a2) * s0 - a3 * s1


def _sig_row(a, r0, r1):
    """Row 2-spinor (r0, r1) times σ⃗·a⃗."""
    a1, a2, a3 = a[1], a[2], a[3]
    return r0 * a3 + r1 * (a1 + 1j * a2), r0 * (a1 - 1j * a2) - r1 * a3


def slash_col(a, psi, mass=0.0):
    """(a̸ + mass) ψ with a̸ = [[a⁰, −σ⃗·a⃗], [σ⃗·a⃗, −a⁰]] (2×2 blocks); ψ of shape (4, ...)."""
    out = np.empty(psi.shape, dtype=complex)
    ap, am = a[0] + mass, mass - a[0]
    sl0, sl1 = _sig_col(a, psi[2], psi[3])
    su0, su1 = _sig_col(a, psi[0], psi[1])
    out[0] = ap * psi[0] - sl0
    out[1] = ap * psi[1] - sl1
    out[2] = su0 + am * psi[2]
    out[3] = su1 + am * psi[3]
    return out


def slash_row(rho, a, mass=0.0):
    """ρ (a̸ + mass) for row spinors ρ of shape (4, ...)."""
    out = np.empty(rho.shape, dtype=complex)
    ap, am = a[0] + mass, mass - a[0]
    sq0, sq1 = _sig_row(a, rho[2], rho[3])
    sr0, sr1 = _sig_row(a, rho[0], rho[1])
    out[0] = ap * rho[0] + sq0
    out[1] = ap * rho[1] + sq1
    out[2] = am * rho[2] - sr0
    out[3] = am * rho[3] - sr1
    return out


def gamma5(psi):
    """γ⁵ψ (Dirac representation: swaps upper and lower components); also ργ⁵ for rows."""
    return psi[[2, 3, 0, 1]]


def bilinear_scalar(rho, psi):
    """ρ_{s'} ψ_s for rho (4, S', *B), psi (4, S, *B) → (S', S, *B)."""
    r, q = rho[:, :, None], psi[:, None, :]
    return r[0] * q[0] + r[1] * q[1] + r[2] * q[2] + r[3] * q[3]


def bilinear_vector(rho, psi):
    """ρ_{s'} γ^α ψ_s, α = 0..3 (contravariant) → (4, S', S, *B)."""
    r, q = rho[:, :, None], psi[:, None, :]
    r0, r1, q0, q1 = r[0], r[1], r[2], r[3]          # row: upper (r0, r1), lower (q0, q1)
    u0, u1, l0, l1 = q[0], q[1], q[2], q[3]
    out = np.empty((4,) + np.broadcast_shapes(r0.shape, u0.shape), dtype=complex)
    out[0] = r0 * u0 + r1 * u1 - q0 * l0 - q1 * l1
    # ρ_u σⁱ ψ_l − ρ_l σⁱ ψ_u
    out[1] = r0 * l1 + r1 * l0 - q0 * u1 - q1 * u0
    out[2] = 1j * (r1 * l0 - r0 * l1 + q0 * u1 - q1 * u0)
    out[3] = r0 * l0 - r1 * l1 - q0 * u0 + q1 * u1
    return out


def soa_u_spinors(p, mass):
    """u_s(p), s = ↑, ↓ along z (ūu = 2m): shape (4, 2, *B) for p of shape (4, *B)."""
    epm = np.sqrt(p[0] + mass)
    out = np.zeros((4, 2) + np.shape(epm), dtype=complex)
    out[0, 0] = epm
    out[1, 1] = epm
    out[2, 0] = p[3] / epm
    out[3, 0] = (p[1] + 1j * p[2]) / epm
    out[2, 1] = (p[1] - 1j * p[2]) / epm
    out[3, 1] = -p[3] / epm
    return out


def soa_bar(u):
    """ū = u†γ⁰ as row spinors (same shape (4, ...))."""
    c = np.conj(u)
    c[2:] *= -1.0
    return c


def mdot(a, b):
    """Minkowski product a·b over the LAST axis (standard layout (..., 4))."""
    return a[..., 0] * b[..., 0] - a[..., 1] * b[..., 1] - a[..., 2] * b[..., 2] - a[..., 3] * b[..., 3]


# =============================================================================================
# Amplitudes (any Γ) for a lepton line with one photon-like current attached
# =============================================================================================
def _soa(v):
    """(..., 4) → (4, ...) contiguous."""
    return np.ascontiguousarray(np.moveaxis(np.asarray(v, dtype=float), -1, 0))


def _amps_soa(spin, p, k, pout, delta, current, s_t, u_t):
    """The two diagrams in SoA layout: S, P → (S', S, *B); V, A → (4, S', S, *B)."""
    u_in = soa_u_spinors(p, M_MU)
    ub_out = soa_bar(soa_u_spinors(pout, M_MU))
    a = slash_col(p - delta, slash_col(current, u_in), M_MU) / s_t
    b = slash_row(slash_row(ub_out, current), p - k, M_MU) / u_t
    if spin in ("P", "A"):            # G = γ⁵ or γ^αγ⁵: γ⁵ acts on what stands to its right
        a, u_in = gamma5(a), gamma5(u_in)
    bil = bilinear_scalar if spin in ("S", "P") else bilinear_vector
    return bil(ub_out, a), bil(b, u_in)


def lepton_amplitudes(spin, kin, current, split=False):
    """Reduced amplitudes of the muon line ("fast" engine), standard layout.

    For a current c (the nuclear J = P + P', or Δ, or a photon polarisation):

      S, P :  M[s', s]     = ū_s'(p') [ G (p̸−Δ̸+m) c̸ / s̃ + c̸ (p̸−k̸+m) G / ũ ] u_s(p),
              G = 1 (S) or γ⁵ (P: the i of iγ⁵ is a phase), shape (..., 2, 2);
      V, A :  M^α[s', s]   same with G = γ^α (V) or γ^αγ⁵ (A), shape (..., 2, 2, 4) (α last,
              contravariant).
    With ``split`` the two diagrams are returned separately.  ``kin`` needs p, k, p_out, delta,
    s_tilde, u_tilde (as produced by exact._kinematics or :func:`ww_point`).
    """
    spin = _spin(spin)
    d1, d2 = _amps_soa(spin, _soa(kin["p"]), _soa(kin["k"]), _soa(kin["p_out"]), _soa(kin["delta"]),
                       _soa(current), np.asarray(kin["s_tilde"]), np.asarray(kin["u_tilde"]))
    if spin in ("S", "P"):
        d1, d2 = np.moveaxis(d1, (0, 1), (-2, -1)), np.moveaxis(d2, (0, 1), (-2, -1))
    else:
        d1, d2 = np.moveaxis(d1, (0, 1, 2), (-1, -3, -2)), np.moveaxis(d2, (0, 1, 2), (-1, -3, -2))
    return (d1, d2) if split else d1 + d2



def _mslash(a):
    return _slash(a)


def _u_matrix(p, mass):
    """u_s(p) as columns, standard layout (..., 4, 2)."""
    return np.moveaxis(soa_u_spinors(_soa(p), mass), (0, 1), (-2, -1))


def lepton_amplitudes_matrix(spin, kin, current, eps=None):
    """Straightforward engine (the style of sigma_etl): the vertex Γ_λ = ε̸_λ γ⁵ etc. is built as a
    4×4 matrix and the Dirac strings are products of 4×4 matrices.  Returns ε_λ-contracted
    amplitudes (..., L, 2[s'], 2[s]) for V, A (eps (..., L, 4)) and (..., 1, 2, 2) for S, P."""
    spin = _spin(spin)
    p, k, pout, delta = kin["p"], kin["k"], kin["p_out"], kin["delta"]
    u_in = _u_matrix(p, M_MU)                                      # (..., 4, 2)
    ub_out = np.swapaxes(_u_matrix(pout, M_MU).conj(), -1, -2) @ GAMMA[0]   # (..., 2, 4)
    eye = np.eye(4)
    if spin in ("V", "A"):
        G = _mslash(eps)                                           # (..., L, 4, 4)
        if spin == "A":
            G = G @ _GAMMA5
    else:
        G = np.broadcast_to((eye if spin == "S" else _GAMMA5) + 0j, p.shape[:-1] + (1, 4, 4))
    c_sl = _mslash(current)
    prop_s = _mslash(p - delta) + M_MU * eye
    prop_u = _mslash(p - k) + M_MU * eye
    right1 = prop_s @ (c_sl @ u_in)
    left2 = ub_out @ c_sl @ prop_u
    t1 = (ub_out[..., None, :, :] @ G @ right1[..., None, :, :]) / kin["s_tilde"][..., None, None, None]
    t2 = (left2[..., None, :, :] @ G @ u_in[..., None, :, :]) / kin["u_tilde"][..., None, None, None]
    return t1 + t2


def polarisations(k):
    """Physical polarisations of a massive X with momentum k = (ω, k_x, 0, k_z) (k_y = 0),
    standard layout: e₁ = (0, k̂_z, 0, −k̂_x), e₂ = ŷ, ε_L = (|k⃗|, ω k̂)/m.  Returns (..., 3, 4)."""
    kabs = np.sqrt(k[..., 1] ** 2 + k[..., 2] ** 2 + k[..., 3] ** 2)
    kh = k[..., 1:] / kabs[..., None]
    m = np.sqrt(np.maximum(mdot(k, k), 0.0))
    z, o = np.zeros_like(kabs), np.ones_like(kabs)
    e1 = np.stack([z, kh[..., 2], z, -kh[..., 0]], axis=-1)
    e2 = np.stack([z, z, o, z], axis=-1)
    eL = np.concatenate([kabs[..., None], k[..., 0, None] * kh], axis=-1) / m[..., None]
    return np.stack([e1, e2, eL], axis=-2)


def _pol_from_kin(kin, mass):
    """Polarisations (standard layout) from exact's exact cosθ, sinθ, |k⃗| of the X."""
    ct, st, kabs = kin["cos_t"], kin["sin_t"], kin["k_abs"]
    omega = kin["k"][..., 0]
    z, o = np.zeros_like(ct), np.ones_like(ct)
    e1 = np.stack([z, ct, z, -st], axis=-1)
    e2 = np.stack([z, z, o, z], axis=-1)
    eL = np.stack([kabs * o, omega * st, z, omega * ct], axis=-1) / mass
    return np.stack([e1, e2, eL], axis=-2)


def _contract(eps, Malpha):
    """ε*_α M^α for real ε (..., L, 4) and M (..., 2, 2, 4) → (..., L, 2, 2)."""
    e = eps * _LOWER
    return np.einsum("...la,...sra->...lsr", e, Malpha)


def _abs2(z):
    return z.real * z.real + z.imag * z.imag


def spin_pol_sum(spin, kin, mass, engine="fast"):
    """Σ_{s, s', λ} |ū Γ_λ u|² with the nuclear current J (see module doc).

    V: e₁, e₂ and ε_L·M = −(m/|k⃗|)M⁰ (k·M = 0, as sigma_etl).  A: e₁, e₂ and the explicit
    ε_L = (|k⃗|, ω k̂)/m.  S, P: no polarisation.  engine "fast" (SoA component algebra) or
    "matrix" (4×4 matrices, the straightforward generalisation of mucast.processes.mediators.exact)."""
    spin = _spin(spin)
    J = kin["J"]
    if engine == "matrix":
        if spin in ("S", "P"):
            return np.sum(_abs2(lepton_amplitudes_matrix(spin, kin, J)), axis=(-1, -2, -3))
        eps = _pol_from_kin(kin, mass)
        if spin == "V":
            eps[..., 2, :] = np.array([1.0, 0.0, 0.0, 0.0])
            a2 = np.sum(_abs2(lepton_amplitudes_matrix(spin, kin, J, eps)), axis=(-1, -2))
            return a2[..., 0] + a2[..., 1] + (mass / kin["k_abs"]) ** 2 * a2[..., 2]
        return np.sum(_abs2(lepton_amplitudes_matrix(spin, kin, J, eps)), axis=(-1, -2, -3))
    d1, d2 = _amps_soa(spin, _soa(kin["p"]), _soa(kin["k"]), _soa(kin["p_out"]), _soa(kin["delta"]),
                       _soa(J), kin["s_tilde"], kin["u_tilde"])
    M = d1 + d2
    if spin in ("S", "P"):
        return np.sum(_abs2(M), axis=(0, 1))
    ct, st = kin["cos_t"], kin["sin_t"]
    a1 = st * M[3] - ct * M[1]            # e₁·M  (ε*_α M^α with the metric)
    tot = _abs2(a1) + _abs2(M[2])         # e₂·M = −M²
    if spin == "V":
        tot = tot + (mass / kin["k_abs"]) ** 2 * _abs2(M[0])
    else:
        omega = kin["k"][..., 0]
        aL = (kin["k_abs"] * M[0] - omega * (st * M[1] + ct * M[3])) / mass
        tot = tot + _abs2(aL)
    return np.sum(tot, axis=(0, 1))


def _msq_spin(spin, kin, mass, coupling, Z, t_a, t_d, alpha, engine="fast"):
    """Spin-averaged |M̄|² [1/energy²]: ½ e⁴ g² G2(t)/t² Σ|ū Γ u|² (module docstring)."""
    e2 = 4.0 * math.pi * alpha
    t = kin["t"]
    return 0.5 * e2**2 * coupling**2 * form_factor_squared(t, Z, t_a, t_d) / t**2 * \
        spin_pol_sum(spin, kin, mass, engine)
