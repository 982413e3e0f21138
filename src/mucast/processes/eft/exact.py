r"""Layer 2: exact tree-level (ETL) dσ/dx dk² of μ(p) N(P) → μ(p') N(P') χ1(k1) χ2(k2).

The four-fermion operators of :mod:`mucast.processes.eft.production` (seed 000, Eqs. 3, 9–11) are
evaluated *without* the Weizsäcker–Williams (WW) factorisation of seed 000 Eqs. (14)–(20): the
full 2 → 4 amplitude with the photon exchanged with a heavy spin-0 nucleus is summed over spins
numerically, and the phase space is the exact one.  The aim is to measure how accurate WW
(``eft.differential_cross_section``) is, above all for the energy-growing scalar + tensor
structure of O_LNLℓ (``LNLe_2222``), which had never been checked against an exact 2 → 3
calculation (docs/appendix_a_check.md, caveat of the O_LNLe section; docs/eft_etl.md).

Matrix element
--------------
The pair χ1χ2 (momentum K = k1 + k2, invariant mass k) plays the role of the Z' of
:mod:`mucast.processes.mediators.exact` (Kirpichnikov et al., PRD 104 (2021) 076012, Sec. II and
App. A; Liu & Miller, PRD 96 (2017) 016004, Sec. III): the photon, with the nuclear current
e Z F(t) (P + P')^ν and propagator 1/t, attaches to the incoming or to the outgoing muon leg, and
the four-fermion vertex (coefficient c, an inverse energy squared) sits on the muon line.  With

    b̃ = (p̸ − Δ̸ + m_μ) J̸ u(p) / s̃,          ã = ū(p') J̸ (p̸ − K̸ + m_μ) / ũ,

(J = P + P', Δ = P' − P, s̃ = (p − Δ)² − m_μ², ũ = (p − K)² − m_μ²; the two diagrams of
exact (the vector path) with the Z' vertex ε̸ replaced by the operator), the spinor amplitudes are

* vector type (V, A, eN_22, LN_22; seed 000 Eqs. 3, 9, 10; same Dirac structure as
  :func:`mucast.processes.eft.traces.F_operator`):

      A = [ū(p') Γ^α b̃ + ã Γ^α u(p)] · [ū(k1) Γ'_α v(k2)],

  Γ^α = γ^α (V), γ^α γ5 (A), γ^α P_R (eN_22), γ^α P_L (LN_22); Γ'_α = γ_α P_L for the ν pair
  (V, A), γ_α / γ_α P_R / the Majorana vertex Γ + CΓᵀC⁻¹ of γ_α P_R (with ½ for identical
  particles) for the N pair, as ``traces._majorana_vertex``;
* O_LNLℓ = (L̄N)ε(L̄ℓ) (seed 000 Eq. 11), final state μ⁻ ν(k1) N̄(k2), both SU(2)
  contractions exactly as :func:`mucast.processes.eft.traces.F_lnle` (``form="direct"``) writes
  them, with the photon on every muon leg — including the legs that sit in different bilinears
  in the second contraction (incoming μ in (ν̄ P_R μ), outgoing μ in (μ̄ P_R N)):

      A = [ū_ν P_R v_N] [ū(p') P_R b̃ + ã P_R u(p)]
          + [ū(p') P_R v_N] [ū_ν P_R b̃] + [ã P_R v_N] [ū_ν P_R u(p)].

  ``form="fierz"`` evaluates instead (3/2) S + (1/8) T (scalar and tensor currents; the Fierz
  identity of :func:`mucast.processes.eft.traces.fierz_chiral_scalar_check` acts on the four
  (effective) spinors at the vertex, so it holds for the off-shell photon too; equal to the
  direct form to ≤ 1.5e-7 (k = 50 MeV, rounding) and ~1e-11 (k ≥ 1 GeV) in
  tests/validation/test_eft_etl.py).  ``final_state="nubar_N"`` evaluates the hermitian-
  conjugate operator's μ⁻ ν̄ N final state (P_R → P_L, ū_N ... v_ν̄); its rate equals that of
  μ⁻ ν N̄ point by point (tested), so the cross section counts O + h.c. as 2 × (μ⁻ ν N̄), exactly
  as ``eft_coefficients.mass_factor_terms(..., conjugate=True)``, i.e. as eft.py does
  (docs/appendix_a_check.md, correction 3).

The spin-summed, pair-integrated squared amplitude is, with e² = 4πα and the ½ muon-spin
average (exact's |M̄|² with g² Σ_λ |ε_λ·…|² → |c|² ∫dΦ₂ Σ|A|²),

    |M̄|²_pair = ½ e⁴ |c|² G2(t)/t² · n_fs · ∫dΦ₂(K; k1, k2) Σ_{spins} |A|²,

G2 = Z²F² from :func:`mucast.processes.flux.form_factor_squared`, ∫dΦ₂ = β/(8π) (seed 000 Eq. 21), n_fs
the final-state count above.  Everything is evaluated numerically at amplitude level with
explicit Dirac-representation spinors (exact's ``_u_spinors``; v spinors built the same
way, Σ v v̄ = p̸ − m), never with traces.

Pair decay: exact angular quadrature
------------------------------------
Summed over the pair spins, Σ|A|² contains one k̸1 and one (k̸2 ∓ m2) (Σ u ū = k̸ + m,
Σ v v̄ = k̸ − m), so at fixed K it is a polynomial of degree ≤ 2 in the pair direction n̂ of the
K rest frame (k1, k2 are linear in n̂).  The four vertices of a regular tetrahedron (equal
weights) form a spherical 2-design, so this 4-point rule (:func:`tetrahedron_rule`, the default)
integrates it *exactly*; the tests check it against a 12 × 24 Gauss–Legendre × trapezoid product
rule and against the octahedron (a 3-design) to ≤ 1e-7 (observed ≤ 1e-9: rounding in the boost,
γ up to 3·10³).  The nodes are boosted from the K rest frame to the lab with the standard boost
(no (γ−1)/β² cancellation).

Phase space
-----------
dΦ₄ = dΦ₃(p', P', K) dk²/(2π) dΦ₂(K → k1 k2) (standard recursion), so at fixed x = K⁰/E₀ and
k², exact's exact three-body formula with m = k gives (nucleus rest frame)

    dσ/dx dk² = 1/(2π) · E₀ / (64 (2π)⁴ M_N² |p⃗|) ∫ dcosθ dt dφ_Δ |M̄|²_pair |K⃗| / |V⃗|,

θ the polar angle of K, V = p − K, t the photon virtuality, φ_Δ the azimuth of the recoil
around V⃗ (mucast.processes.mediators.exact module docstring; Kirpichnikov et al. App. A).  The kinematics are
exact's (``_Setup`` with mass = k, ``_abs_u_range``, ``_t_limits``, ``_kinematics``).
Integration: :mod:`vegas` in (ln|ũ|, ln t, φ_Δ) [3D, fixed x and k], + ln(1−x) [4D, dσ/dk²],
+ k² [5D, κ-weighted yield ∫dk 2k κ(k) dσ/dk², seed 000 Eq. 22].

Units and normalisation: hepunits (MeV = 1) throughout; results in *natural units* like
``eft.differential_cross_section`` (dσ/dx dk²: 1/energy⁴; dσ/dk²: 1/energy⁴; yield integral:
1/energy² like ``eft.k_integral``); coefficients and channel weights from
``EFTModel.channels`` (same coefficient convention as eft.py).

Example
-------
>>> from mucast.units import GeV
>>> from mucast.experiments.targets import Target
>>> from mucast.models.eft import EFTModel
>>> r = dsigma_dx_dk2_etl(EFTModel({"LNLe_2222": 1 / GeV**2}), 0.7, 1 * GeV, 160 * GeV,
...                       Target.from_name("Pb"), neval=2_000, seed=1, nitn=(3, 2))
>>> r.value > 0 and r.uncertainty < 0.05 * r.value
True
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError
from mucast.processes.flux import form_factor_squared
from mucast.processes.eft import traces as _tr
from mucast.processes.dirac import spinors_v_z as _v_spinors
from mucast.processes.dirac import GAMMA as _GAMMA
from mucast.processes.dirac import slash as _slash
from mucast.processes.dirac import spinors_u_z as _u_spinors
from mucast.processes.dirac import ubar_z as _ubar
from mucast.processes.mediators.exact.phase_space import _phase_space, _Setup
from mucast.processes.mediators.exact.phase_space import _point as _x_point
from mucast.processes.mediators.exact.reference_02 import ETLResult, _run_vegas
from mucast.models.eft import EFTModel
from mucast.processes.eft.production import check_energy

__all__ = [
    "STRUCTURES",
    "tetrahedron_rule",
    "octahedron_rule",
    "product_rule",
    "pair_integrated_sum",
    "squared_matrix_element",
    "ward_identity_residuals",
    "dsigma_dx_dk2_etl",
    "dsigma_dk2_etl",
    "yield_integral_etl",
]

#: channel structures of ``EFTModel.channels`` handled here
STRUCTURES = ("V", "A", "eN_22", "LN_22", "LNLe_2222")

# Dirac representation, shared with processes.mediators.exact and eft.traces (identical matrices; tested)
_G5 = _tr.GAMMA5
_PR = _tr.PR
_PL = _tr.PL
_LOWER = np.array([1.0, -1.0, -1.0, -1.0])
# σ^{ab} P_R, a,b = 0..3 flattened to 16 (traces.SIGMA_MUNU), and the metric factor that lowers
# both indices of the pair tensor current (traces.F_lnle, form "tensor")
_SIG_PR = np.einsum("abij,jk->abik", _tr.SIGMA_MUNU, _PR).reshape(16, 4, 4)
_LOW16 = np.outer(_LOWER, _LOWER).reshape(16)

#: Fierz coefficients of O_LNLℓ: M = (3/2) S + (1/8) T (traces.F_lnle, docs/appendix_a_check.md)
FIERZ_S, FIERZ_T = 1.5, 0.125


# ----------------------------------------------------------------------------------------------
# Pair-direction quadrature (K rest frame)
# ----------------------------------------------------------------------------------------------
def tetrahedron_rule():
    """The 4 vertices of a regular tetrahedron, weights 1/4 (mean over the sphere): a spherical
    2-design, exact for polynomials of degree ≤ 2 in n̂ — the degree of the pair-spin-summed
    |A|² (module doc).  The default rule; exactness is checked against :func:`product_rule`."""
    n = np.array([[1, 1, 1], [1, -1, -1], [-1, 1, -1], [-1, -1, 1]], float) / math.sqrt(3.0)
    return n, np.full(4, 0.25)


def octahedron_rule():
    """Directions ±x̂, ±ŷ, ±ẑ with weights 1/6: a spherical 3-design (exact to degree 3)."""
    n = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], float)
    return n, np.full(6, 1.0 / 6.0)


def product_rule(n_theta=12, n_phi=24, rotation=None):
    """Gauss–Legendre in cosθ* × trapezoid in φ* (as traces._pair_momenta): directions and
    weights of the mean over the sphere; ``rotation`` (3×3) rotates the nodes."""
    ct, wt = np.polynomial.legendre.leggauss(n_theta)
    ph = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    CT, PH = np.meshgrid(ct, ph, indexing="ij")
    ST = np.sqrt(1 - CT**2)
    n = np.stack([ST * np.cos(PH), ST * np.sin(PH), CT], axis=-1).reshape(-1, 3)
    w = (np.repeat(wt[:, None], n_phi, axis=1) / (2.0 * n_phi)).reshape(-1)
    if rotation is not None:
        n = n @ np.asarray(rotation).T
    return n, w


def _pair_momenta(K, k, m1, m2, rule):
    """Lab momenta k1, k2 (..., q, 4) of the pair decay K → k1 k2 at the rule's directions, and
    the weights (q,) of ∫dΦ₂ (sum = β/8π, seed 000 Eq. 21 / traces.pair_beta).

    k: pair mass (array, shape of K[..., 0]).  Boost: E = (K⁰e + K⃗·p⃗)/k,
    p⃗_lab = p⃗ + K⃗ [K⃗·p⃗/(k(K⁰ + k)) + e/k]."""
    n, w = rule
    k = np.asarray(k, dtype=float)
    lam = (k**2 - (m1 + m2) ** 2) * (k**2 - (m1 - m2) ** 2)
    pst = np.sqrt(np.maximum(lam, 0.0)) / (2.0 * k)
    e1 = (k**2 + m1**2 - m2**2) / (2.0 * k)
    e2 = (k**2 + m2**2 - m1**2) / (2.0 * k)
    beta = 2.0 * pst / k
    K0 = K[..., 0][..., None]
    K3 = K[..., None, 1:]                                   # (..., 1, 3)
    kk = k[..., None]

    def boost(e, p3):                                       # e (..., 1), p3 (..., q, 3)
        kp = np.sum(K3 * p3, axis=-1)                       # (..., q)
        E = (K0 * e + kp) / kk
        coef = kp / (kk * (K0 + kk)) + e / kk
        return np.concatenate([E[..., None], p3 + coef[..., None] * K3], axis=-1)

    p3 = pst[..., None, None] * n                            # (..., q, 3)
    k1 = boost(e1[..., None], p3)
    k2 = boost(e2[..., None], -p3)
    weights = w * (beta / (8.0 * math.pi))[..., None]        # (..., q)
    return k1, k2, weights


# ----------------------------------------------------------------------------------------------
# Spinors (Dirac representation, spin along z as exact._u_spinors)
# ----------------------------------------------------------------------------------------------

def _muon_pieces(kin, current):
    """u(p) (…,4,2), ū(p') (…,2,4) and the photon-dressed legs b̃ = (p̸−Δ̸+m)c̸u/s̃ (…,4,2),
    ã = ū(p')c̸(p̸−K̸+m)/ũ (…,2,4) for the nucleus current c (J = P + P', or Δ for the Ward
    identity); exact._amplitudes with the Z' vertex left open."""
    p, K, p_out = kin["p"], kin["k"], kin["p_out"]
    u_in = _u_spinors(p[..., 1:], p[..., 0], M_MU)
    ub_out = _ubar(_u_spinors(p_out[..., 1:], p_out[..., 0], M_MU))
    eye = np.eye(4)
    c_sl = _slash(current)
    prop_s = _slash(p - kin["delta"]) + M_MU * eye
    prop_u = _slash(p - K) + M_MU * eye
    b = _dot(prop_s, _dot(c_sl, u_in)) / kin["s_tilde"][..., None, None]
    a = _dot(_dot(ub_out, c_sl), prop_u) / kin["u_tilde"][..., None, None]
    return u_in, ub_out, b, a


def _pair_spinors(k1, k2, m1, m2):
    """ū(k1) (…,q,2,4) and v(k2) (…,q,4,2)."""
    ub1 = _ubar(_u_spinors(k1[..., 1:], k1[..., 0], m1))
    v2 = _v_spinors(k2[..., 1:], k2[..., 0], m2)
    return ub1, v2


def _sandwich(left, G, right):
    """left (…,2,4) · G (A,4,4) · right (…,4,2) → (…,A,2,2): one GEMM for left·G, then the
    4-term sum over the remaining Dirac index (faster than batched 4×4 matmuls)."""
    sh = left.shape[:-2]
    n_a = G.shape[0]
    lg = (left.reshape(-1, 4) @ np.transpose(G, (1, 0, 2)).reshape(4, n_a * 4)).reshape(
        sh + (2, n_a, 4))
    out = lg[..., 0][..., None] * right[..., None, None, 0, :]
    for j in range(1, 4):
        out = out + lg[..., j][..., None] * right[..., None, None, j, :]
    return np.moveaxis(out, -2, -3)


def _contract(L, Jp):
    """Σ_A L[…, A, s', s] J[…, q, A, h, g] → (…, q, s', s, h, g) (matmul over A)."""
    sh = L.shape
    Lm = np.moveaxis(L, -3, -1).reshape(sh[:-3] + (1, 4, sh[-3]))            # (…,1,ts,A)
    sj = Jp.shape
    Jm = Jp.reshape(sj[:-2] + (4,))                                           # (…,q,A,hg)
    return (Lm @ Jm).reshape(Jm.shape[:-2] + (2, 2, 2, 2))


def _rmul(left, G):
    """left (…, r, 4) · constant G (4, 4) as one GEMM."""
    return (left.reshape(-1, 4) @ G).reshape(left.shape)


def _lmul(G, right):
    """constant G (4, 4) · right (…, 4, c)."""
    return np.swapaxes(_rmul(np.swapaxes(right, -1, -2), G.T), -1, -2)


def _dot(left, right):
    """left (…, r, 4) · right (…, 4, c) → (…, r, c) as a 4-term broadcast sum."""
    out = left[..., :, 0, None] * right[..., None, 0, :]
    for j in range(1, 4):
        out = out + left[..., :, j, None] * right[..., None, j, :]
    return out


def _outer(pair, mu):
    """pair[…, q, h, g] ⊗ mu[…, s', s] → (…, q, s', s, h, g)."""
    return pair[..., :, None, None, :, :] * mu[..., None, :, :, None, None]


# ----------------------------------------------------------------------------------------------
# Amplitudes (spinor structures without e², c, F) — split into the photon-on-incoming (D1) and
# photon-on-outgoing (D2) parts, A = D1 + D2 (``split=False`` returns A only, cheaper)
# ----------------------------------------------------------------------------------------------
def _vector_vertices(structure, n_type):
    """(muon vertex Γ^α, pair vertex Γ'^α (upper index; lowered in the current), Majorana?)."""
    g = _GAMMA
    if structure == "V":
        return g, g @ _PL, False
    if structure == "A":
        return g @ _G5, g @ _PL, False
    muon = g @ (_PR if structure == "eN_22" else _PL)
    if n_type == "dirac":
        return muon, g, False
    gr = g @ _PR
    if n_type == "dirac_R":
        return muon, gr, False
    if n_type == "majorana":
        return muon, _tr._majorana_vertex(gr), True
    raise InputError(f"n_type must be 'dirac', 'dirac_R' or 'majorana', got {n_type!r}")


def _amplitudes_vector(structure, n_type, muon, pair, split):
    """A (or D1, D2) of shape (…, q, s', s, h, g) for the vector-type operators."""
    u_in, ub_out, b, a = muon
    ub1, v2 = pair
    mv, pv, _ = _vector_vertices(structure, n_type)
    Jp = _sandwich(ub1, pv, v2) * _LOWER[:, None, None]        # (…, q, α, h, g), α lowered
    L1 = _sandwich(ub_out, mv, b)                               # (…, α, s', s)
    L2 = _sandwich(a, mv, u_in)
    if not split:
        return _contract(L1 + L2, Jp)
    return _contract(L1, Jp), _contract(L2, Jp)


def _amplitudes_lnle(muon, pair, form="direct", final_state="nu_Nbar", split=False):
    """A (or D1, D2) (…, q, s', s, h, g) for O_LNLℓ (traces.F_lnle); pair = (ū of the fermion,
    v of the antifermion): (ū_ν, v_N) for μ⁻νN̄ with P_R; (ū_N, v_ν) for μ⁻ν̄N (O†) with P_L."""
    u_in, ub_out, b, a = muon
    ub1, v2 = pair
    if final_state == "nu_Nbar":
        P = _PR
    elif final_state == "nubar_N":
        P = _PL
    else:
        raise InputError(f"final_state must be 'nu_Nbar' or 'nubar_N', got {final_state!r}")
    if form == "direct":
        ub1P = _rmul(ub1, P)                                     # (…, q, h, 4)
        pair_s = _dot(ub1P, v2)                                  # [ū1 P v2]   (…, q, h, g)
        ubP, aP = _rmul(ub_out, P), _rmul(a, P)                  # (…, s', 4)
        mu1, mu2 = _dot(ubP, b), _dot(aP, u_in)                  # ū' P b̃, ã P u   (…, s', s)
        x_in = _dot(ub1P, b[..., None, :, :])                    # [ū1 P b̃]   (…, q, h, s)
        x_plain = _dot(ub1P, u_in[..., None, :, :])              # [ū1 P u]   (…, q, h, s)
        y_out = _dot(ubP[..., None, :, :], v2)                   # [ū' P v2]  (…, q, s', g)
        y_ph = _dot(aP[..., None, :, :], v2)                     # [ã P v2]   (…, q, s', g)

        def cross(xq, yq):                                       # (…,q,h,s),(…,q,t,g)
            return (np.swapaxes(xq, -1, -2)[..., None, :, :, None]
                    * yq[..., :, None, None, :])

        d1 = _outer(pair_s, mu1) + cross(x_in, y_out)
        d2 = _outer(pair_s, mu2) + cross(x_plain, y_ph)
        return (d1, d2) if split else d1 + d2
    if form != "fierz":
        raise InputError(f"form must be 'direct' or 'fierz', got {form!r}")
    sig = _SIG_PR if final_state == "nu_Nbar" else np.einsum(
        "abij,jk->abik", _tr.SIGMA_MUNU, _PL).reshape(16, 4, 4)
    pair_s = _dot(_rmul(ub1, P), v2)                             # (…, q, h, g)
    pair_t = _sandwich(ub1, sig, v2) * _LOW16[:, None, None]     # (…, q, 16, h, g)
    out = []
    for left, right in ((ub_out, b), (a, u_in)):
        ls = _dot(_rmul(left, P), right)                         # (…, s', s)
        lt = _sandwich(left, sig, right)                         # (…, 16, s', s)
        out.append(FIERZ_S * _outer(pair_s, ls) + FIERZ_T * _contract(lt, pair_t))
    return (out[0], out[1]) if split else out[0] + out[1]


def _channel_setup(structure, m_N, n_type, final_state):
    """(pair masses (m1 of the ū leg, m2 of the v leg), n_fs · identical-particle factor)."""
    if structure in ("V", "A"):
        return (0.0, 0.0), 1.0
    if structure in ("eN_22", "LN_22"):
        _, _, maj = _vector_vertices(structure, n_type)
        return (m_N, m_N), (0.5 if maj else 1.0)
    if structure == "LNLe_2222":
        masses = (0.0, m_N) if final_state == "nu_Nbar" else (m_N, 0.0)
        return masses, 2.0   # O + h.c.: two final states with equal rates (tested)
    raise InputError(f"structure {structure!r} not handled; known: {STRUCTURES}")


def _amplitudes(structure, kin, current, k, m_N, n_type, rule, form, final_state, split):
    (m1, m2), _ = _channel_setup(structure, m_N, n_type, final_state)
    k1, k2, w = _pair_momenta(kin["k"], k, m1, m2, rule)
    muon = _muon_pieces(kin, current)
    pair = _pair_spinors(k1, k2, m1, m2)
    if structure == "LNLe_2222":
        amp = _amplitudes_lnle(muon, pair, form, final_state, split)
    else:
        amp = _amplitudes_vector(structure, n_type, muon, pair, split)
    return amp, w


def pair_sum(structure, kin, k, m_N=0.0, n_type="dirac", rule=None, form="direct",
             final_state="nu_Nbar"):
    """n_fs · ∫dΦ₂ Σ_{all spins} |A|² at each point of ``kin`` (exact-module kinematics dict)
    [energy⁴]; A is the spinor amplitude without e², c and the nuclear factor Z F(t)/t."""
    rule = tetrahedron_rule() if rule is None else rule
    amp, w = _amplitudes(structure, kin, kin["J"], k, m_N, n_type, rule, form, final_state,
                         False)
    _, nfs = _channel_setup(structure, m_N, n_type, final_state)
    a2 = np.sum(amp.real**2 + amp.imag**2, axis=(-1, -2, -3, -4))   # (…, q)
    return nfs * np.sum(w * a2, axis=-1)


# ----------------------------------------------------------------------------------------------
# Kinematics of one phase-space point and public point functions
# ----------------------------------------------------------------------------------------------
def _check_structure(structure):
    if structure not in STRUCTURES:
        raise InputError(f"unknown structure {structure!r}; known: {', '.join(STRUCTURES)}")


def _point(k, energy, nucleus_mass, x, theta, t, phi):
    """exact._point with the Z' mass replaced by the pair mass k."""
    setup = _Setup(float(k), float(energy), float(nucleus_mass))
    return _x_point(setup, x, theta, t, phi)


def pair_integrated_sum(structure, x, k, theta, t, phi, energy, nucleus_mass, *, m_N=0.0,
                        n_type="dirac", rule=None, form="direct", final_state="nu_Nbar"):
    """n_fs ∫dΦ₂ Σ_spins |A|² [energy⁴] at phase-space points (x, θ, t, φ_Δ) of mucast.processes.mediators.exact
    (θ: polar angle of K; t: photon virtuality; φ_Δ: recoil azimuth around p⃗ − K⃗)."""
    _check_structure(structure)
    kin = _point(k, energy, nucleus_mass, x, theta, t, phi)
    return pair_sum(structure, kin, np.full(kin["t"].shape, float(k)), m_N, n_type, rule, form,
                    final_state)


def squared_matrix_element(structure, x, k, theta, t, phi, energy, target_Z, nucleus_mass,
                           t_a, t_d, *, coefficient=1.0, m_N=0.0, n_type="dirac",
                           alpha=ALPHA, **kw):
    """|M̄|²_pair = ½ e⁴ |c|² G2(t)/t² n_fs ∫dΦ₂ Σ|A|² [1/energy⁴] for one structure.

    Arguments as :func:`pair_integrated_sum`; ``coefficient`` c [1/energy²]; target_Z, t_a, t_d
    as :func:`mucast.processes.flux.form_factor_squared`.  Raises KinematicsError outside phase space."""
    e2 = 4.0 * math.pi * alpha
    s = pair_integrated_sum(structure, x, k, theta, t, phi, energy, nucleus_mass, m_N=m_N,
                            n_type=n_type, **kw)
    g2 = form_factor_squared(np.asarray(t, float), target_Z, t_a, t_d)
    return 0.5 * e2**2 * abs(coefficient) ** 2 * g2 / np.asarray(t, float) ** 2 * s


def ward_identity_residuals(structure, x, k, theta, t, phi, energy, nucleus_mass, *, m_N=0.0,
                            n_type="dirac", form="direct", final_state="nu_Nbar"):
    """Gauge invariance of the photon coupling: with the nuclear current J replaced by the photon
    momentum Δ, the photon-on-incoming (D1) and photon-on-outgoing (D2) parts must cancel.

    Returns r = max over spins and pair nodes of |D1 + D2| / (|D1| + |D2|) at each point
    (one diagram alone gives 1; exact gauge invariance 0), as exact.ward_identity_residuals
    does for its r_photon.  For O_LNLℓ (direct form) D1 and D2 each contain both SU(2)
    contractions.
    """
    _check_structure(structure)
    kin = _point(k, energy, nucleus_mass, x, theta, t, phi)
    kk = np.full(kin["t"].shape, float(k))
    rule = tetrahedron_rule()
    (d1, d2), _ = _amplitudes(structure, kin, kin["delta"], kk, m_N, n_type, rule, form,
                              final_state, True)
    den = np.abs(d1) + np.abs(d2)
    r = np.where(den > 0, np.abs(d1 + d2) / np.where(den > 0, den, 1.0), 0.0)
    n = kin["t"].shape
    return r.reshape(n + (-1,)).max(-1)


# ----------------------------------------------------------------------------------------------
# Integrands
# ----------------------------------------------------------------------------------------------
def _channels(model, conventions=None):
    if not isinstance(model, EFTModel):
        raise InputError(f"model must be an EFTModel, got {type(model).__name__}")
    out = []
    for ch in model.channels(conventions):
        _check_structure(ch.structure)
        out.append(ch)
    return out


def _dsigma_integrand(setup, x, k, y_u, y_t, y_phi, model, channels, Z, t_a, t_d, alpha,
                      theta_max, rule, form):
    """dσ/dx dk² on the unit cube (y_u, y_t, y_phi) [natural units, 1/energy⁴]; x, k arrays.

    Variables and Jacobians are exact's (:func:`exact._phase_space`), with the pair mass
    k in the Z' mass slot and the factor 1/(2π) of dk²/(2π)."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        kin, t, weight, ok = _phase_space(setup, x, y_u, y_t, y_phi, theta_max)
        s = np.zeros_like(t)
        for ch in channels:
            s = s + ch.weight * pair_sum(ch.structure, kin, k, model.m_N, model.n_type, rule,
                                         form)
        e2 = 4.0 * math.pi * alpha
        msq = 0.5 * e2**2 * form_factor_squared(t, Z, t_a, t_d) / t**2 * s
        val = weight * msq / (2.0 * math.pi)
    return np.where(ok & np.isfinite(val), val, 0.0)


def _target_parts(target, nucleus_mass):
    try:
        Z, A = target.Z, target.A
        t_a, t_d = float(target.t_a), float(target.t_d)
    except AttributeError:
        raise InputError("target must be a mucast.experiments.targets.Target (Z, A, t_a, t_d)") from None
    if nucleus_mass is None:
        nucleus_mass = getattr(target, "atomic_mass", None)
        if nucleus_mass is None:
            from mucast.constants import AMU
            nucleus_mass = A * AMU
    if not (math.isfinite(nucleus_mass) and nucleus_mass > 0):
        raise InputError(f"nucleus_mass must be > 0, got {nucleus_mass}")
    return Z, t_a, t_d, float(nucleus_mass)


def _check_common(neval, theta_max, nitn):
    if int(neval) < 1000:
        raise InputError(f"neval must be >= 1000, got {neval}")
    if not (0 < theta_max <= math.pi):
        raise InputError(f"theta_max must be in (0, pi], got {theta_max}")
    if len(nitn) != 2 or min(nitn) < 1:
        raise InputError(f"nitn must be (adaptation iterations, kept iterations), got {nitn}")


def _threshold(channels):
    return min(ch.threshold for ch in channels)


def _prepare(model, energy, target, nucleus_mass, neval, theta_max, nitn, conventions, rule):
    """The checks and inputs shared by the three vegas entry points: (energy, channels, Z, t_a,
    t_d, M_N, threshold, rule); ``rule`` defaults to :func:`tetrahedron_rule`."""
    energy = check_energy(energy)
    _check_common(neval, theta_max, nitn)
    channels = _channels(model, conventions=conventions)
    Z, t_a, t_d, M = _target_parts(target, nucleus_mass)
    rule = tetrahedron_rule() if rule is None else rule
    return energy, channels, Z, t_a, t_d, M, _threshold(channels), rule


def _check_k(k, thr):
    k = float(k)
    if not (k > thr):
        raise KinematicsError(f"k = {k} MeV is not above the threshold {thr} MeV")
    return k


def _result(val, err, q, neval, seed, inputs):
    return ETLResult(float(val), float(err), int(neval), seed, float(q), inputs)


def dsigma_dx_dk2_etl(model, x, k, energy, target, *, nucleus_mass=None, neval=10_000, seed=0,
                      theta_max=math.pi, alpha=ALPHA, nitn=(5, 5), conventions=None, rule=None,
                      form="direct"):
    """ETL dσ/dx dk² at one (x, k) [natural units, 1/energy⁴, as eft.differential_cross_section].

    Parameters
    ----------
    model : EFTModel (coefficients, m_N, n_type; channels as eft.py, ``conventions`` for the
        ll_2222 factor).  x : K⁰/E₀.  k : pair invariant mass [energy].  energy : E₀.
    target : mucast.experiments.targets.Target (Z, A, t_a, t_d);  nucleus_mass : M_N (default A·u).
    neval, seed, nitn : vegas points per iteration, numpy seed, (adapt, kept) iterations.
    theta_max : largest K polar angle (default π: no cut).  rule : pair-direction rule
        (default :func:`tetrahedron_rule`).  form : "direct" or "fierz" (O_LNLℓ only).

    Returns an ``ETLResult`` (value and 1σ vegas uncertainty in 1/energy⁴).
    """
    energy, channels, Z, t_a, t_d, M, thr, rule = _prepare(
        model, energy, target, nucleus_mass, neval, theta_max, nitn, conventions, rule)
    k = _check_k(k, thr)
    x_lo, x_hi = k / energy, 1.0 - M_MU / energy
    if not (x_lo < x < x_hi):
        raise KinematicsError(f"x = {x} outside the allowed range ({x_lo:.6g}, {x_hi:.6g})")
    setup = _Setup(k, energy, M)
    chans = [c for c in channels if k > c.threshold]

    def fn(y):
        n = y.shape[0]
        return _dsigma_integrand(setup, np.full(n, float(x)), np.full(n, k), y[:, 0], y[:, 1],
                                 y[:, 2], model, chans, Z, t_a, t_d, alpha, theta_max, rule, form)

    import vegas

    val, err, q = _run_vegas(vegas.lbatchintegrand(fn), [[0, 1]] * 3, int(neval), seed, *nitn)
    inputs = {"x": float(x), "k": k, "energy": energy, "nucleus_mass": M, "theta_max": theta_max,
              "coefficients": dict(model.coefficients), "m_N": model.m_N, "form": form}
    return _result(val, err, q, neval, seed, inputs)


def dsigma_dk2_etl(model, k, energy, target, *, x_min=None, x_max=None, nucleus_mass=None,
                   neval=10_000, seed=0, theta_max=math.pi, alpha=ALPHA, nitn=(5, 5),
                   conventions=None, rule=None, form="direct"):
    """ETL dσ/dk² = ∫dx dσ/dx dk² over [x_min, x_max] (default [k/E₀, 1 − m_μ/E₀]) at fixed k
    [natural units, 1/energy⁴] (4D vegas; x = 1 − e^v, v uniform, since dσ/dx peaks at x → 1)."""
    energy, channels, Z, t_a, t_d, M, thr, rule = _prepare(
        model, energy, target, nucleus_mass, neval, theta_max, nitn, conventions, rule)
    k = _check_k(k, thr)
    lo, hi = k / energy, 1.0 - M_MU / energy
    x_min = lo if x_min is None else float(x_min)
    x_max = hi if x_max is None else float(x_max)
    if not (lo <= x_min < x_max <= hi):
        raise KinematicsError(f"need {lo:.6g} <= x_min < x_max <= {hi:.6g}")
    # x = 1 − e^v: dσ/dx of these operators peaks at x → 1 (0.98–0.999 at E₀ = 160 GeV)
    v0 = math.log1p(-min(x_max, hi * (1 - 1e-12)))
    v1 = math.log1p(-max(x_min, lo * (1 + 1e-12)))
    setup = _Setup(k, energy, M)
    chans = [c for c in channels if k > c.threshold]

    def fn(y):
        one_m_x = np.exp(v0 + y[:, 0] * (v1 - v0))
        val = _dsigma_integrand(setup, 1.0 - one_m_x, np.full(y.shape[0], k), y[:, 1], y[:, 2],
                                y[:, 3], model, chans, Z, t_a, t_d, alpha, theta_max, rule, form)
        return val * one_m_x * (v1 - v0)

    import vegas

    val, err, q = _run_vegas(vegas.lbatchintegrand(fn), [[0, 1]] * 4, int(neval), seed, *nitn)
    inputs = {"k": k, "x_min": x_min, "x_max": x_max, "energy": energy, "nucleus_mass": M,
              "theta_max": theta_max, "coefficients": dict(model.coefficients), "m_N": model.m_N}
    return _result(val, err, q, neval, seed, inputs)


def yield_integral_etl(model, energy, target, weight_fn=None, *, k_min=None, k_max, nucleus_mass=None,
                       neval=20_000, seed=0, theta_max=math.pi, alpha=ALPHA, nitn=(6, 6),
                       conventions=None, rule=None, form="direct"):
    """ETL ∫dk 2k w(k) ∫dx dσ/dx dk² over k ∈ [k_min, k_max] [natural units, 1/energy²], the
    analogue of ``eft.k_integral`` (seed 000 Eq. 22 without N_MOT ρ L): w = acceptance κ(k)
    (callable on an array of energies; None → 1).  5D vegas in (k², ln(1−x), ln|ũ|, ln t, φ_Δ);
    k_min defaults to the threshold.  One channel threshold at a time (νSMEFT models are)."""
    energy, channels, Z, t_a, t_d, M, thr, rule = _prepare(
        model, energy, target, nucleus_mass, neval, theta_max, nitn, conventions, rule)
    if len({c.threshold for c in channels}) != 1:
        raise InputError("yield_integral_etl needs channels with one common threshold")
    k_lo = thr if k_min is None else max(float(k_min), thr)
    k_hi = min(float(k_max), energy - M_MU)
    if not (k_hi > k_lo):
        raise KinematicsError(f"empty k range [{k_lo}, {k_hi}]")
    q0, q1 = k_lo**2, k_hi**2
    x_hi = 1.0 - M_MU / energy

    def fn(y):
        k2 = q0 + y[:, 0] * (q1 - q0)
        k = np.sqrt(k2)
        k = np.maximum(k, thr * (1 + 1e-12) + 1e-300)
        v0 = math.log1p(-x_hi * (1 - 1e-12))                   # x = 1 − e^v (dsigma_dk2_etl)
        v1 = np.log1p(-k / energy * (1 + 1e-12))
        one_m_x = np.exp(v0 + y[:, 1] * (v1 - v0))
        setup = _Setup(k, energy, M)
        val = _dsigma_integrand(setup, 1.0 - one_m_x, k, y[:, 2], y[:, 3], y[:, 4], model,
                                channels, Z, t_a, t_d, alpha, theta_max, rule, form)
        w = 1.0 if weight_fn is None else weight_fn(k)
        out = val * one_m_x * (v1 - v0) * (q1 - q0) * w
        return np.where(np.isfinite(out), out, 0.0)

    import vegas

    val, err, q = _run_vegas(vegas.lbatchintegrand(fn), [[0, 1]] * 5, int(neval), seed, *nitn)
    inputs = {"k_min": k_lo, "k_max": k_hi, "energy": energy, "nucleus_mass": M,
              "theta_max": theta_max, "coefficients": dict(model.coefficients), "m_N": model.m_N}
    return _result(val, err, q, neval, seed, inputs)
