"""Layer 2: the one Dirac algebra of mucast — γ matrices, slash, spinors, metric.

Used by the explicit-spinor checks of Appendix A (:mod:`mucast.processes.eft.traces`), the exact
tree-level calculations (:mod:`mucast.processes.mediators.exact`, :mod:`mucast.processes.eft.exact`) and the
event sampler's pair angles (:mod:`mucast.events.pair_angles`), so that every amplitude in the
package is built from the same matrices.

Conventions: Dirac representation, metric (+, −, −, −), γ⁵ = iγ⁰γ¹γ²γ³, σ^{μν} = (i/2)[γ^μ, γ^ν],
C = iγ²γ⁰ (C γ^{μT} C⁻¹ = −γ^μ). Four-vectors are arrays (..., 4) with upper index; spinor
normalisation ūu = 2m, Σ u ū = p̸ + m, Σ v v̄ = p̸ − m (Peskin & Schroeder, Ch. 3).

Two spinor bases are provided because they serve different needs (spin sums are basis
independent, tested):

* :func:`spinors_u`, :func:`spinors_v` — helicity spinors, shape (..., 2, 4) (index: helicity,
  component), used for explicit 2→2 amplitudes;
* :func:`spinors_u_z`, :func:`spinors_v_z` — spin quantised along z, shape (..., 4, 2) (component,
  spin), used by the vectorised 2→3 amplitudes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["GAMMA", "GAMMA5", "ONE4", "PL", "PR", "SIGMA_MUNU", "CMAT", "CMAT_INV", "METRIC",
           "LOWER", "PAULI", "slash", "dot", "bar", "spinors_u", "spinors_v", "spinors_u_z",
           "spinors_v_z", "ubar_z", "majorana_vertex"]

#: the metric as a matrix and as the diagonal that lowers an index
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])
LOWER = np.array([1.0, -1.0, -1.0, -1.0])

_I2 = np.eye(2, dtype=complex)
_Z2 = np.zeros((2, 2), dtype=complex)
#: Pauli matrices σ¹, σ², σ³, shape (3, 2, 2)
PAULI = np.array([[[0, 1], [1, 0]], [[0, -1j], [1j, 0]], [[1, 0], [0, -1]]], dtype=complex)
#: γ^μ, μ = 0..3, shape (4, 4, 4), Dirac representation
GAMMA = np.array([np.block([[_I2, _Z2], [_Z2, -_I2]])]
                 + [np.block([[_Z2, s], [-s, _Z2]]) for s in PAULI])
GAMMA5 = 1j * GAMMA[0] @ GAMMA[1] @ GAMMA[2] @ GAMMA[3]
ONE4 = np.eye(4, dtype=complex)
PL = 0.5 * (ONE4 - GAMMA5)
PR = 0.5 * (ONE4 + GAMMA5)
#: σ^{μν} = (i/2)[γ^μ, γ^ν], shape (4, 4, 4, 4) = [μ, ν, a, b]
SIGMA_MUNU = 0.5j * (np.einsum("aij,bjk->abik", GAMMA, GAMMA)
                     - np.einsum("bij,ajk->abik", GAMMA, GAMMA))
#: charge conjugation C = iγ²γ⁰
CMAT = 1j * GAMMA[2] @ GAMMA[0]
CMAT_INV = np.linalg.inv(CMAT)


def slash(p) -> np.ndarray:
    """p̸ = γ^μ p_μ for p (..., 4) with upper index → (..., 4, 4)."""
    p = np.asarray(p)
    return np.einsum("...m,mij->...ij", (p * LOWER).astype(complex), GAMMA)


def dot(a, b) -> np.ndarray:
    """Minkowski product a·b of (..., 4) arrays."""
    return a[..., 0] * b[..., 0] - np.sum(a[..., 1:] * b[..., 1:], axis=-1)


def bar(spinor) -> np.ndarray:
    """Dirac adjoint ψ†γ⁰ of row spinors (..., 4) (acts on the last axis)."""
    return np.conj(spinor) @ GAMMA[0]


def majorana_vertex(vertices) -> np.ndarray:
    """Feynman-rule vertex of a Majorana bilinear ψ̄Gψ: G + C Gᵀ C⁻¹, for vertices (m, 4, 4).

    Follows from the Majorana flip ψ̄Gψ = ψ̄(C Gᵀ C⁻¹)ψ (anticommuting fields) and the two Wick
    contractions of ⟨NN|ψ̄Gψ|0⟩ (Denner et al., Nucl. Phys. B387 (1992) 467). For G = γ^μ it
    vanishes; for G = γ^μ P_R it equals γ^μ γ⁵.
    """
    return vertices + np.einsum("ij,mkj,kl->mil", CMAT, vertices, CMAT_INV)


# ----------------------------------------------------------------------------------------------
# helicity spinors, shape (..., 2, 4)
# ----------------------------------------------------------------------------------------------
def _two_spinors(p3: np.ndarray) -> np.ndarray:
    """Helicity 2-spinors χ_{+,−}(p̂) → (..., 2(h), 2)."""
    pabs = np.linalg.norm(p3, axis=-1)
    safe = np.where(pabs > 0, pabs, 1.0)
    cth = np.clip(np.where(pabs > 0, p3[..., 2] / safe, 1.0), -1.0, 1.0)
    th = np.arccos(cth)
    ph = np.arctan2(p3[..., 1], p3[..., 0])
    c, s, e = np.cos(th / 2), np.sin(th / 2), np.exp(1j * ph)
    chi_p = np.stack([c + 0j, e * s], axis=-1)
    chi_m = np.stack([-np.conj(e) * s, c + 0j], axis=-1)
    return np.stack([chi_p, chi_m], axis=-2)


def spinors_u(p, m: float) -> np.ndarray:
    """Positive-energy helicity spinors u(p, h), h = +, −, shape (..., 2, 4); ūu = 2m,
    Σ_h u ū = p̸ + m (massless allowed)."""
    p = np.asarray(p, dtype=float)
    chi = _two_spinors(p[..., 1:])
    epm = np.sqrt(p[..., 0] + m)[..., None, None]
    sp = np.einsum("...k,kij->...ij", p[..., 1:].astype(complex), PAULI)      # σ·p
    lower = np.einsum("...ij,...hj->...hi", sp, chi) / epm
    return np.concatenate([epm * chi, lower], axis=-1)


def spinors_v(p, m: float) -> np.ndarray:
    """Negative-energy spinors v(p, h), shape (..., 2, 4); Σ_h v v̄ = p̸ − m."""
    p = np.asarray(p, dtype=float)
    eta = _two_spinors(p[..., 1:])[..., ::-1, :]
    epm = np.sqrt(p[..., 0] + m)[..., None, None]
    sp = np.einsum("...k,kij->...ij", p[..., 1:].astype(complex), PAULI)
    upper = np.einsum("...ij,...hj->...hi", sp, eta) / epm
    return np.concatenate([upper, epm * eta], axis=-1)


# ----------------------------------------------------------------------------------------------
# spin-z spinors, shape (..., 4, 2)
# ----------------------------------------------------------------------------------------------
def spinors_u_z(p3, energy, mass) -> np.ndarray:
    """u_s(p), s = ↑, ↓ along z: (√(E+m) ξ, σ⃗·p⃗ ξ/√(E+m)), ūu = 2m. Shape (..., 4, 2)."""
    p3 = np.asarray(p3, dtype=float)
    sig_p = np.einsum("...i,ijk->...jk", p3, PAULI)
    epm = np.sqrt(energy + mass)[..., None, None]
    upper = np.broadcast_to(epm * _I2, sig_p.shape)
    return np.concatenate([upper, sig_p / epm], axis=-2)


def spinors_v_z(p3, energy, mass) -> np.ndarray:
    """v_s(p): (σ⃗·p⃗ η/√(E+m), √(E+m) η), Σ_s v v̄ = p̸ − m (v̄v = −2m). Shape (..., 4, 2)."""
    p3 = np.asarray(p3, dtype=float)
    sig_p = np.einsum("...i,ijk->...jk", p3, PAULI)
    epm = np.sqrt(energy + mass)[..., None, None]
    lower = np.broadcast_to(epm * _I2, sig_p.shape)
    return np.concatenate([sig_p / epm, lower], axis=-2)


def ubar_z(u) -> np.ndarray:
    """ū = u†γ⁰ for spin-z spinors (..., 4, 2) → (..., 2, 4)."""
    return np.swapaxes(u.conj(), -1, -2) @ GAMMA[0]
