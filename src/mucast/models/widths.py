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

Loop-induced and ALP widths (docs/derivations/widths.md §7–9; checked in tests/test_widths.py):

* **S, P → γγ** through charged-fermion loops (Djouadi, Phys. Rep. 457 (2008) 1, the h → γγ
  amplitudes; Phys. Rep. 459 (2008) 1 for the pseudoscalar; team notes next-physics.md §5.1), for
  L ⊃ g_f S f̄f or g_f P f̄iγ⁵f:

      Γ(S/P → γγ) = α²m³/(256π³) |Σ_f N_c Q_f² (g_f/m_f) A_{S/P}(τ_f)|²,   τ_f = 4m_f²/m²,

  A_S(τ) = 2τ[1 + (1 − τ)f(τ)], A_P(τ) = 2τf(τ), f(τ) = arcsin²(1/√τ) (τ ≥ 1),
  f(τ) = −¼[ln((1 + √(1−τ))/(1 − √(1−τ))) − iπ]² (τ < 1, complex above threshold).
  Heavy fermion (τ → ∞): A_S → 4/3, A_P → 2; light (τ → 0): A_S, A_P → −(τ/2)[ln(4/τ) − iπ]²
  (∝ τ ln²τ). With g_f/m_f = 1/v this is the SM h → γγ normalisation, G_Fα²m³/(128√2π³).
  Vectors and axial vectors do not decay to γγ (Landau–Yang).
* **ALPs.** L ⊃ −(g_aγγ/4) a F F̃: Γ(a → γγ) = g_aγγ² m³/(64π). Derivative coupling to a lepton,
  L ⊃ (c_ℓ/2f_a) ∂_μa ℓ̄γ^μγ⁵ℓ (Bauer, Neubert, Thamm, JHEP 12 (2017) 044, their Λ = f_a):
  at tree level the pseudoscalar with g_ℓ = c_ℓ m_ℓ/f_a (integration by parts and the equations
  of motion), Γ(a → ℓℓ) = c_ℓ² m_ℓ² mβ_ℓ/(8πf_a²); the loop differs from the Yukawa one by the
  anomaly term: Γ(a → γγ) = α²m³/(64π³f_a²) |Σ_ℓ c_ℓ B₁(τ_ℓ)|², B₁ = 1 − A_P/2 (BNT's B₁),
  → 1 for a light lepton (the anomaly), → −m²/(12m_ℓ²) for a heavy one (decoupling), whereas
  the Yukawa coupling gives A_P → 2 (no decoupling).
* **Loop-induced kinetic mixing** of a vector coupled to charged leptons with charges q_ℓ (per
  unit of its coupling g), through the ℓ loops of the photon–X self-energy (Holdom, PLB 166
  (1986) 196; for L_μ−L_τ: Araki, Kaneko, Ota, Sato, PRD 93 (2016) 013014, arXiv:1508.07471;
  Escudero, Hooper, Krnjaic, Pierre, JHEP 03 (2019) 071):

      ε(q²) = (e g/2π²) Σ_ℓ q_ℓQ_ℓ ∫₀¹ dx x(1−x) ln[m_ℓ² − x(1−x)q² − i0]   (Q_ℓ = −1),

  X then couples to e J_em with strength ε (only |ε|² enters a width, so the overall sign
  convention does not matter); finite (scale-free) only if Σ_ℓ q_ℓQ_ℓ = 0. For L_μ−L_τ at
  q² ≪ m_μ²: |ε| = e g ln(m_τ/m_μ)/(6π²) = 0.0144 g; complex above 2m_μ.

All functions are vectorised over the mediator mass ``m`` (hepunits energy; an off-shell pair of
mass k is obtained by passing m = k) and return energies; zero below threshold.
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import ALPHA

__all__ = ["fermion_pair", "neutrino_pair", "dark_pair", "loop_f", "loop_a_scalar",
           "loop_a_pseudoscalar", "spin0_gamma_gamma", "alp_gamma_gamma", "alp_lepton_pair",
           "alp_loop_gamma_gamma", "alp_b1", "loop_mixing"]


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


# ---- loop functions (module doc) ------------------------------------------------------------
def loop_f(tau):
    """f(τ) of the fermion loop (module doc): arcsin²(1/√τ) for τ ≥ 1, complex below."""
    tau = np.asarray(tau, float)
    out = np.empty(tau.shape, complex)
    hi = tau >= 1.0
    out[hi] = np.arcsin(1.0 / np.sqrt(tau[hi])) ** 2
    t = tau[~hi]
    sq = np.sqrt(1.0 - t)
    # ln((1 + √(1−τ))/(1 − √(1−τ))) written without the 1 − √(1−τ) cancellation at small τ
    log = np.log((1.0 + sq) ** 2 / np.where(t > 0, t, 1e-300))
    out[~hi] = -0.25 * (log - 1j * math.pi) ** 2
    return out


def loop_a_scalar(tau):
    """A_S(τ) = 2τ[1 + (1 − τ)f(τ)] (→ 4/3 for τ → ∞)."""
    tau = np.asarray(tau, float)
    big = tau > 1e6          # 2τ[1 + (1−τ)f] cancels to O(1/τ²): series 4/3 + 14/(45τ) + …
    t = np.where(big, 2.0, tau)
    exact = 2.0 * t * (1.0 + (1.0 - t) * loop_f(t))
    return np.where(big, 4.0 / 3.0 + 14.0 / (45.0 * np.where(big, tau, 1.0)), exact)


def loop_a_pseudoscalar(tau):
    """A_P(τ) = 2τ f(τ) (→ 2 for τ → ∞)."""
    tau = np.asarray(tau, float)
    return 2.0 * tau * loop_f(tau)


def spin0_gamma_gamma(spin: str, m, couplings):
    """Γ(S/P → γγ) [energy] through charged-fermion loops (module doc).

    ``couplings``: iterable of (g_f, m_f [energy], N_c, Q_f); ``spin`` scalar or pseudoscalar
    (vectors: 0, Landau–Yang)."""
    m = np.asarray(m, float)
    if spin not in ("scalar", "pseudoscalar"):
        return np.zeros_like(m)
    amp = np.zeros(m.shape, complex)
    mm = np.where(m > 0, m, 1.0)
    loop = loop_a_scalar if spin == "scalar" else loop_a_pseudoscalar
    for gf, mf, nc, q in couplings:
        if np.any(gf):
            amp = amp + nc * q * q * (gf / mf) * loop(4.0 * mf * mf / (mm * mm))
    w = ALPHA**2 * mm**3 / (256.0 * math.pi**3) * np.abs(amp) ** 2
    return np.where(m > 0, w, 0.0)


def alp_gamma_gamma(m, g_agg):
    """Γ(a → γγ) = g_aγγ² m³/(64π) [energy] for L ⊃ −(g_aγγ/4) a F F̃ (g_aγγ in 1/energy)."""
    m = np.asarray(m, float)
    return np.asarray(g_agg, float) ** 2 * m**3 / (64.0 * math.pi)


def alp_lepton_pair(m, c_over_f, m_l):
    """Γ(a → ℓ⁺ℓ⁻) = (c_ℓ/f_a)² m_ℓ² m β_ℓ/(8π) [energy] for the derivative coupling
    (c_ℓ/2f_a)∂_μa ℓ̄γ^μγ⁵ℓ; ``c_over_f`` = c_ℓ/f_a in 1/energy (the pseudoscalar width with
    g_ℓ = c_ℓ m_ℓ/f_a)."""
    return fermion_pair("pseudoscalar", m, np.asarray(c_over_f, float) * m_l, m_l)


def alp_b1(tau):
    """B₁(τ) = 1 − τ f(τ) = 1 − A_P(τ)/2 of the derivative coupling (BNT's B₁ function)."""
    return 1.0 - 0.5 * loop_a_pseudoscalar(tau)


def alp_loop_gamma_gamma(m, leptons, convention="derivative"):
    """Γ(a → γγ) [energy] of an ALP coupled to charged leptons only (no tree-level g_aγγ).

    ``leptons``: iterable of (c_ℓ/f_a [1/energy], m_ℓ [energy]). ``convention``: "derivative"
    (the ALP literature's (c/2f)∂a ℓ̄γγ⁵ℓ: α²m³/(64π³)|Σ c/f B₁|²) or "yukawa" (the pseudoscalar
    g = c m_ℓ/f: α²m³/(256π³)|Σ c/f A_P|²); module doc."""
    m = np.asarray(m, float)
    mm = np.where(m > 0, m, 1.0)
    amp = np.zeros(m.shape, complex)
    for cf, ml in leptons:
        tau = 4.0 * ml * ml / (mm * mm)
        if convention == "derivative":
            amp = amp + cf * alp_b1(tau)
        elif convention == "yukawa":
            amp = amp + 0.5 * cf * loop_a_pseudoscalar(tau)
        else:
            raise ValueError(f"convention must be 'derivative' or 'yukawa', got {convention!r}")
    return np.where(m > 0, ALPHA**2 * mm**3 / (64.0 * math.pi**3) * np.abs(amp) ** 2, 0.0)


def _vp_integral(z):
    """J(z) = ∫₀¹ dx x(1−x) ln[1 − x(1−x)z − i0] for z = q²/m² (closed form, complex above
    z = 4; checked against direct quadrature in tests/test_widths.py)."""
    z = np.asarray(z, float)
    out = np.empty(z.shape, complex)
    small = np.abs(z) < 1e-3              # series: −z/30 − z²/280 − z³/2520
    zs = z[small]
    out[small] = -zs / 30.0 - zs**2 / 280.0 - zs**3 / 2520.0
    zz = z[~small]
    res = np.empty(zz.shape, complex)
    below = zz < 4.0
    # 0 < z < 4 (and z < 0): 1 − 4/z < 0 or the root is complex; use the arctan form
    zb = zz[below]
    neg = zb < 0
    # z < 0: β = √(1 − 4/z) > 1, J = −5/18 − 2/(3z) + (1/6)(1 + 2/z) β ln((β + 1)/(β − 1))
    bn = np.sqrt(1.0 - 4.0 / zb[neg])
    rb = np.empty(zb.shape, complex)
    rb[neg] = -5.0 / 18.0 - 2.0 / (3.0 * zb[neg]) + (1.0 + 2.0 / zb[neg]) * bn / 6.0 * np.log(
        (bn + 1.0) / (bn - 1.0))
    # 0 < z < 4: β → i b, b = √(4/z − 1): β ln((β+1)/(β−1)) = 2b arctan(1/b)·(−1)·(−1) = 2b·arccot b
    zp = zb[~neg]
    b = np.sqrt(4.0 / zp - 1.0)
    rb[~neg] = -5.0 / 18.0 - 2.0 / (3.0 * zp) + (1.0 + 2.0 / zp) * b / 3.0 * np.arctan(1.0 / b)
    res[below] = rb
    # z > 4: β = √(1 − 4/z) < 1, ln((β+1)/(β−1)) = ln((1+β)/(1−β)) − iπ (the −i0 prescription)
    za = zz[~below]
    ba = np.sqrt(1.0 - 4.0 / za)
    res[~below] = -5.0 / 18.0 - 2.0 / (3.0 * za) + (1.0 + 2.0 / za) * ba / 6.0 * (
        np.log((1.0 + ba) / (1.0 - ba)) - 1j * math.pi)
    out[~small] = res
    return out


def loop_mixing(q2, g, leptons):
    """ε(q²) (module doc; complex) of a vector with coupling g and lepton charges
    ``leptons`` = iterable of (q_ℓ, m_ℓ [energy]) (Q_ℓ = −1). ValueError if Σ q_ℓ ≠ 0 (the
    mixing would then depend on an unknown counterterm). ε multiplies e J_em: the induced
    coupling to the electron is ε e Q_e."""
    leptons = list(leptons)
    if abs(sum(q for q, _ in leptons)) > 1e-12 * max(1.0, max(abs(q) for q, _ in leptons)):
        raise ValueError("loop-induced kinetic mixing is finite only if the lepton charges sum"
                         " to zero (Σ q_ℓ Q_ℓ = 0)")
    q2 = np.asarray(q2, float)
    e = math.sqrt(4.0 * math.pi * ALPHA)
    tot = np.zeros(q2.shape, complex)
    for q, ml in leptons:
        # ln[m² − x(1−x)q²] = ln m² + ln[1 − x(1−x)q²/m²]; the ln m² terms give ln m²/6 each
        tot = tot + q * (math.log(ml * ml) / 6.0 + _vp_integral(q2 / (ml * ml)))
    # Q_ℓ = −1 for every charged lepton
    return (e * np.asarray(g, float) / (2.0 * math.pi**2)) * (-1.0) * tot
