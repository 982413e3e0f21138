"""Layer 1: two-body decay widths of a mediator X of spin 0 or 1 (tree level).

Couplings (docs/models.md): L ⊃ g_f X f̄ Γ f with Γ = γ^α (vector), γ^αγ⁵ (axial), 1 (scalar),
iγ⁵ (pseudoscalar) for a Dirac fermion f; left-handed neutrinos only, g_ν X_α ν̄γ^α P_L ν (vector
and axial alike; no scalar or pseudoscalar coupling to ν_L without a ν_R).

General masses (derived from the spin sums Σuū = k̸₁ + m₁, Σvv̄ = k̸₂ − m₂, Σεε* = −g + kk/M²;
checked against explicit spinors in tests/test_models.py and, independently, in the derivation
of docs/models.md):

    Γ_V = g² K_V √λ/(12π M⁵),   K_V = M⁴ − ½M²(m₁²+m₂²) − ½(m₁²−m₂²)² + 3M²m₁m₂,
    Γ_A = g² K_A √λ/(12π M⁵),   K_A = the same with −3M²m₁m₂,
    Γ_S = g² √λ [M² − (m₁+m₂)²]/(8π M³),
    Γ_P = g² √λ [M² − (m₁−m₂)²]/(8π M³),

λ = λ(M², m₁², m₂²). Equal masses: Γ_V = g²M(1+2r)β/12π, Γ_A = g²Mβ³/12π, Γ_S = g²Mβ³/8π,
Γ_P = g²Mβ/8π (r = m²/M², β = √(1−4r)); Γ(V, A → ν_ℓ ν̄_ℓ) = g²M/24π per flavour (the P_L halves
the massless Dirac width). The L_μ−L_τ entries are those of seed 001's references
(physics-references.md; DMG4 DarkZ).

Dark matter (:data:`mucast.models.mediator.DM_TYPES`):

* complex scalar φ: vector/axial mediator through the current i g_χ(φ*∂φ − φ∂φ*),
  Γ = g_χ²Mβ³/48π; scalar mediator through μ_χ Sφ*φ with μ_χ = g_χ m_χ (the convention keeps the
  trilinear fixed when X is off shell), Γ = μ_χ²β/(16πM);
* Dirac ψ: the mediator's own Γ, the Dirac formulas above;
* Majorana χ: ½ g_χ X χ̄Γχ; the vector current vanishes, so a vector mediator couples through
  γ^αγ⁵; Γ = ½ × (Dirac width with the same Γ) (identical particles);
* pseudo-Dirac χ₁, χ₂ (m₂ = m₁(1 + δ)): vector mediator, off-diagonal X χ̄₂γ^αχ₁ with Feynman
  rule g_χγ^α (the normalisation whose δ → 0 limit is a Dirac fermion of coupling g_χ):
  Γ = Γ_V(m₁, m₂).

All functions are vectorised over the mediator mass ``m`` (hepunits energy; an off-shell pair of
mass k is obtained by passing m = k) and return energies; zero below threshold.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["fermion_pair", "neutrino_pair", "dark_pair"]


def _kallen(a, b, c):
    return a * a + b * b + c * c - 2.0 * (a * b + a * c + b * c)


def fermion_pair(spin: str, m, g, m1, m2=None):
    """Γ(X → f₁ f̄₂) for a Dirac vertex g ū(k₁)Γv(k₂) of the mediator's Lorentz structure
    (module doc), general masses [energy]; ``m2`` defaults to ``m1``. Zero below threshold."""
    m = np.asarray(m, dtype=float)
    m2 = m1 if m2 is None else m2
    M2 = m * m
    lam = _kallen(M2, m1 * m1, m2 * m2)
    above = (m > m1 + m2) & (lam > 0)
    mm = np.where(above, m, 1.0)
    sq = np.sqrt(np.where(above, lam, 0.0))
    if spin in ("vector", "axial"):
        sgn = 3.0 if spin == "vector" else -3.0
        K = mm**4 - 0.5 * mm**2 * (m1 * m1 + m2 * m2) - 0.5 * (m1 * m1 - m2 * m2) ** 2 \
            + sgn * mm**2 * m1 * m2
        w = g * g * K * sq / (12.0 * math.pi * mm**5)
    elif spin == "scalar":
        w = g * g * sq * (mm**2 - (m1 + m2) ** 2) / (8.0 * math.pi * mm**3)
    elif spin == "pseudoscalar":
        w = g * g * sq * (mm**2 - (m1 - m2) ** 2) / (8.0 * math.pi * mm**3)
    else:
        raise ValueError(f"unknown spin {spin!r}")
    return np.where(above, np.maximum(w, 0.0), 0.0)


def neutrino_pair(spin: str, m, g):
    """Γ(X → ν_ℓ ν̄_ℓ) for one left-handed flavour: g²m/24π (vector, axial); 0 for spin 0."""
    m = np.asarray(m, dtype=float)
    if spin in ("vector", "axial"):
        return g * g * m / (24.0 * math.pi)
    return np.zeros_like(m)


def dark_pair(spin: str, kind: str, m, g_chi, m_chi, splitting: float = 0.0):
    """Γ(X → dark pair) (module doc) [energy]; ``m_chi`` the (lighter) dark mass, ``splitting``
    δ for pseudo-Dirac (m₂ = m₁(1 + δ))."""
    m = np.asarray(m, dtype=float)
    if kind == "dirac":
        return fermion_pair(spin, m, g_chi, m_chi)
    if kind == "majorana":
        s = "axial" if spin == "vector" else spin
        return 0.5 * fermion_pair(s, m, g_chi, m_chi)
    if kind == "pseudo-dirac":
        return fermion_pair("vector", m, g_chi, m_chi, m_chi * (1.0 + splitting))
    if kind == "scalar":
        above = m > 2.0 * m_chi
        mm = np.where(above, m, 1.0)
        beta = np.sqrt(np.clip(1.0 - 4.0 * m_chi**2 / mm**2, 0.0, None))
        if spin in ("vector", "axial"):
            w = g_chi**2 * mm * beta**3 / (48.0 * math.pi)
        elif spin == "scalar":
            mu = g_chi * m_chi
            w = mu * mu * beta / (16.0 * math.pi * mm)
        else:
            raise ValueError("a pseudoscalar mediator does not couple to a complex scalar (CP)")
        return np.where(above, w, 0.0)
    raise ValueError(f"unknown dark-matter type {kind!r}")
