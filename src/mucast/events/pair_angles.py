"""Layer 3: decay angles of the invisible pair from the exact spin-summed |M(γμ → μχ1χ2)|², evaluated
with the package's Dirac algebra (mucast.processes.dirac) as an exact quadratic form in the
direction of χ1 (see the module doc of mucast.events).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from mucast.constants import M_MU
from mucast.exceptions import KinematicsError
from mucast.processes import dirac as _D
from mucast.processes.dirac import majorana_vertex as _majorana_vertex
from mucast.processes.dirac import slash as _slash
from mucast.units import GeV
from mucast.events.densities import _smeft_eps
from mucast.events.kinematics import _isotropic, _triad, _two_body


# ----------------------------------------------------------------------------------------------
# exact |M|² for the pair angles (vectorised explicit spinors, algebra of processes.eft.traces)
# ----------------------------------------------------------------------------------------------

def _prop(l, m):
    den = l[..., 0] ** 2 - np.sum(l[..., 1:] ** 2, axis=-1) - m * m
    return (_slash(l) + m * _D.ONE4) / den[..., None, None]


def _ww_frame(x, u, k2, m):
    """Vectorised traces.ww_kinematics (GeV): p, q, pp, k in the γμ CM frame (photon along +z)."""
    s_t = -u / (1.0 - x)
    t2 = k2 + u * x / (1.0 - x)
    s = m * m + s_t
    rs = np.sqrt(s)
    w = s_t / (2 * rs)
    z = np.zeros_like(w)
    q = np.stack([w, z, z, w], 1)
    p = np.stack([np.sqrt(w * w + m * m), z, z, -w], 1)
    k0 = (s + k2 - m * m) / (2 * rs)
    kabs = np.sqrt(np.maximum(k0 * k0 - k2, 0.0))
    qk = 0.5 * (k2 - t2)
    cth = np.clip((k0 - qk / w) / np.maximum(kabs, 1e-300), -1.0, 1.0)
    sth = np.sqrt(1 - cth * cth)
    kv = np.stack([k0, kabs * sth, z, kabs * cth], 1)
    return p, q, p + q - kv, kv


_EPS = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])


def _muon_line(vertices, p, q, pp, m):
    """A[n, s, t, pol, I] = ū(p′)[Γ_I S(p+q) ε̸ + ε̸ S(p′−q) Γ_I]u(p) for n events."""
    u_in = _D.spinors_u(p, m)                      # [n, 2, 4]
    ub = np.conj(_D.spinors_u(pp, m)) @ _D.GAMMA[0]
    s1, s2 = _prop(p + q, m), _prop(pp - q, m)      # [n, 4, 4]
    es = _slash(_EPS)                               # [2, 4, 4]
    op = np.einsum("Iab,nbc,lcd->nlIad", vertices, s1, es) + np.einsum(
        "lab,nbc,Icd->nlIad", es, s2, vertices)
    return np.einsum("nta,nlIab,nsb->nstlI", ub, op, u_in)


def _pair_current(vertices, k1, k2, m1, m2, majorana):
    if majorana:
        vertices = _majorana_vertex(vertices)
    ub = np.conj(_D.spinors_u(k1, m1)) @ _D.GAMMA[0]
    v = _D.spinors_v(k2, m2)
    return np.einsum("nha,Iab,ngb->nhgI", ub, vertices, v) * np.array([1.0, -1.0, -1.0, -1.0])


def _amp2(A, vert, k1, k2, m1, m2, majorana):
    J = _pair_current(vert, k1, k2, m1, m2, majorana)
    M = np.einsum("nstlI,nhgI->nstlhg", A, J)
    return np.sum(np.abs(M) ** 2, axis=(1, 2, 3, 4, 5))


def _lnle_muon_side(p, q, pp, m):
    """Muon-side factors of the O_LNLe amplitude at n WW points (GeV), both SU(2) contractions.

    O = (ν̄_L N)(μ̄_L μ_R) − (μ̄_L N)(ν̄_L μ_R) (seed 000 Eq. 11, ε_12 = +1; docs/appendix_a_check.md),
    final state μ⁻(p′) ν(k1) N̄(k2), photon attached to the muon legs in every way — the ``direct``
    form of :func:`mucast.processes.eft.traces.F_lnle`, vectorised over events. Returns
    ``(A1, X1, X0, Y0, Y1)``: A1[n,s,t,l] = ū′[P_R S(p+q) ε̸ + ε̸ S(p′−q) P_R]u (contraction 1, times
    the pair scalar ū_ν P_R v_N); for contraction 2 (ν̄ … μ and μ̄′ … N̄ lines) the 4-spinors
    X1 = P_R S(p+q) ε̸ u, X0 = P_R u, Y0 = ū′ P_R, Y1 = ū′ ε̸ S(p′−q) P_R.
    """
    PR = _D.PR
    u_in = _D.spinors_u(p, m)                                       # [n, s, 4]
    ub = np.conj(_D.spinors_u(pp, m)) @ _D.GAMMA[0]                # [n, t, 4]
    s1, s2 = _prop(p + q, m), _prop(pp - q, m)                       # [n, 4, 4]
    es = _slash(_EPS)                                                # [l, 4, 4]
    Z1 = np.einsum("nac,nlsc->nlsa", s1, np.einsum("lcd,nsd->nlsc", es, u_in))  # S1 ε̸ u
    X1 = Z1 @ PR.T                                                   # P_R S1 ε̸ u  [n, l, s, 4]
    X0 = u_in @ PR.T                                                 # P_R u        [n, s, 4]
    Y0 = ub @ PR                                                     # ū′ P_R       [n, t, 4]
    Y1 = np.einsum("ntlb,nbd->ntld", np.einsum("nta,lab->ntlb", ub, es), s2 @ PR)  # ū′ ε̸ S2 P_R
    A1 = np.einsum("ntb,nlsb->nstl", Y0, Z1) + np.einsum("ntlb,nsb->nstl", Y1, u_in)
    return A1, X1, X0, Y0, Y1


def _lnle_amp2(side, k1, k2, m_N):
    """Σ_{spins, pols} |M(γμ⁻ → μ⁻ ν(k1) N̄(k2))|² of O_LNLe for n events (``side`` indexed alike)."""
    A1, X1, X0, Y0, Y1 = side
    ub_nu = np.conj(_D.spinors_u(k1, 0.0)) @ _D.GAMMA[0]          # [n, h, 4]
    v_N = _D.spinors_v(k2, m_N)                                     # [n, g, 4]
    pair_s = np.einsum("nha,nga->nhg", ub_nu @ _D.PR, v_N)          # ū_ν P_R v_N
    M = pair_s[:, None, None, None, :, :] * A1[:, :, :, :, None, None]
    nu_in = np.einsum("nha,nlsa->nslh", ub_nu, X1)                   # ū_ν P_R S1 ε̸ u
    out_n = np.einsum("nta,nga->ntg", Y0, v_N)                       # ū′ P_R v_N
    M = M + nu_in[:, :, None, :, :, None] * out_n[:, None, :, None, None, :]
    nu_pl = np.einsum("nha,nsa->nsh", ub_nu, X0)                     # ū_ν P_R u
    out_ph = np.einsum("ntla,nga->ntlg", Y1, v_N)                    # ū′ ε̸ S2 P_R v_N
    M = M + nu_pl[:, :, None, None, :, None] * out_ph[:, None, :, :, None, :]
    return np.sum(M.real ** 2 + M.imag ** 2, axis=(1, 2, 3, 4, 5))


@dataclass(frozen=True)
class _LNLeStructure:
    """Pair structure of O_LNLe: d1 = ν (massless, k1 of traces.F_lnle), d2 = N̄ (mass m_N)."""

    m_N: float


def _pair_masses(struct):
    """(m1, m2) of the daughters d1, d2 for a pair structure (hepunits)."""
    if isinstance(struct, _LNLeStructure):
        return 0.0, struct.m_N
    return struct[2], struct[3]


def _pair_amp2(struct, p, q, pp, m_mu):
    """f(idx, k1, k2) → Σ|M|² at the WW points (p, q, pp) [GeV] for the events idx, with
    k1, k2 [GeV] the momenta of d1, d2 (see :func:`_pair_masses`)."""
    g = GeV
    if isinstance(struct, _LNLeStructure):
        side = _lnle_muon_side(p, q, pp, m_mu)
        mN = struct.m_N / g

        def f(idx, k1, k2):
            return _lnle_amp2(tuple(a[idx] for a in side), k1, k2, mN)
        return f
    mv, pv, m1, m2, maj = struct
    A = _muon_line(mv, p, q, pp, m_mu)

    def f(idx, k1, k2):
        return _amp2(A[idx], pv, k1, k2, m1 / g, m2 / g, maj)
    return f


# 9 probe directions that fix the quadratic c0 + c·n + nᵀQn on the sphere exactly
_PROBES = np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1],
                    [1, 1, 0], [1, 0, 1], [0, 1, 1]], float)
_PROBES /= np.linalg.norm(_PROBES, axis=1, keepdims=True)


def _basis(n):
    a, b, c = n[..., 0], n[..., 1], n[..., 2]
    return np.stack([np.ones_like(a), a, b, c, a * a, b * b, a * b, a * c, b * c], -1)


_PROBE_INV = np.linalg.inv(_basis(_PROBES))


def _quadratic_fit(vals):
    """Coefficients [n, 9] of c0 + c·n + nᵀQn (basis :func:`_basis`) from the values at _PROBES,
    and the rigorous bound c0 + |c| + λ_max(Q) (× (1 + 1e-9)) of the quadratic on the sphere."""
    coef = vals @ _PROBE_INV.T                           # [n, 9]
    return coef, _quadratic_bound(coef)


def _quadratic_bound(coef):
    """The rigorous bound c0 + |c| + λ_max(Q) (× (1 + 1e-9)) on the unit sphere of the quadratics
    with coefficients ``coef`` [n, 9] (basis :func:`_basis`). It does not depend on how the
    constant is split between c0 and Q (c0 − μ with Q + μ·1 gives the same bound)."""
    c0, cv = coef[:, 0], coef[:, 1:4]
    lam = _sym3_eigmax(coef[:, 4], coef[:, 5], np.zeros(len(coef)), 0.5 * coef[:, 6],
                       0.5 * coef[:, 7], 0.5 * coef[:, 8])
    bound = (c0 + np.linalg.norm(cv, axis=1) + lam) * (1 + 1e-9) + 1e-300
    return bound


def _sym3_eigmax(a00, a11, a22, a01, a02, a12, sweeps=4):
    """Largest eigenvalue of n symmetric 3×3 matrices: vectorised cyclic Jacobi rotations
    (4 sweeps reach machine precision, |Δλ| ~ 1e-15 ‖Q‖ like LAPACK; ~4× faster than
    np.linalg.eigvalsh on stacks of 3×3); rows not converged fall back to eigvalsh."""
    d = [np.array(a00, float), np.array(a11, float), np.array(a22, float)]
    off = {(0, 1): np.array(a01, float), (0, 2): np.array(a02, float),
           (1, 2): np.array(a12, float)}
    scale = np.abs(d[0]) + np.abs(d[1]) + np.abs(d[2]) + 2 * sum(np.abs(v) for v in off.values())
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        for _ in range(sweeps):
            for p, q in ((0, 1), (0, 2), (1, 2)):
                r = 3 - p - q
                apq = off[(p, q)]
                nz = apq != 0
                theta = np.where(nz, (d[q] - d[p]) / (2.0 * apq), 0.0)
                t = np.where(nz, np.copysign(1.0, theta)
                             / (np.abs(theta) + np.sqrt(theta * theta + 1.0)), 0.0)
                t = np.where(np.isfinite(t), t, 0.0)
                c = 1.0 / np.sqrt(t * t + 1.0)
                s = t * c
                d[p] = d[p] - t * apq
                d[q] = d[q] + t * apq
                off[(p, q)] = np.zeros_like(apq)
                krp, krq = (min(r, p), max(r, p)), (min(r, q), max(r, q))
                arp, arq = off[krp], off[krq]
                off[krp], off[krq] = c * arp - s * arq, s * arp + c * arq
    lam = np.maximum(np.maximum(d[0], d[1]), d[2])
    bad = ~(sum(np.abs(v) for v in off.values()) <= 1e-15 * scale) | ~np.isfinite(lam)
    if np.any(bad):
        Q = np.zeros((int(bad.sum()), 3, 3))
        for (i, j), v in zip(((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2)),
                             (a00, a11, a22, a01, a02, a12), strict=True):
            Q[:, i, j] = Q[:, j, i] = np.asarray(v, float)[bad]
        lam[bad] = np.linalg.eigvalsh(Q)[:, -1]
    return lam


def _pair_structure(group, model, conv):
    """The |M|² structure of a group (:func:`mucast.events.densities._channel_groups`): for the
    neutrino flavours e/mu/tau (ll, le, VnueLL, VnueLR) and eN/LN the tuple (muon vertices [4,4,4], pair
    vertices, m1, m2, majorana); for LNLe_2222 an :class:`_LNLeStructure`."""
    G = _D.GAMMA
    if group in ("e", "mu", "tau", "e-mu", "e-tau", "mu-tau"):
        # (ν̄_α γ^ρ P_L ν_α)(μ̄ γ_ρ (ε^V − ε^A γ⁵) μ): SMEFT ll/le and WET VnueLL/LR alike; an
        # LFV pair (ν̄_i ... ν_j) has the same structure (massless neutrinos)
        ev, ea = _smeft_eps(model, conv, group)
        mv = np.einsum("mij,jk->mik", G, ev * _D.ONE4 - ea * _D.GAMMA5)
        return mv, np.einsum("mij,jk->mik", G, _D.PL), 0.0, 0.0, False
    if group in ("eN_22", "LN_22"):
        mv = np.einsum("mij,jk->mik", G, _D.PR if group == "eN_22" else _D.PL)
        nt = model.n_type
        pv = G if nt == "dirac" else np.einsum("mij,jk->mik", G, _D.PR)
        return mv, pv, model.m_N, model.m_N, nt == "majorana"
    if group == "LNLe_2222":
        return _LNLeStructure(float(model.m_N))
    raise ValueError(f"no pair-angle structure for group {group!r}")   # pragma: no cover


def _pair_frame(x, k, u, struct):
    """WW-point frame quantities for the pair-angle density of n events: (k_c [GeV], triad
    e1, e2, e3 of the γμ CM frame seen from the pair rest frame, f(idx, k1, k2), m1, m2 [GeV])."""
    g = GeV
    p_c, q_c, pp_c, k_c = _ww_frame(x, u / g**2, (k / g) ** 2, M_MU / g)
    f = _pair_amp2(struct, p_c, q_c, pp_c, M_MU / g)
    m1, m2 = _pair_masses(struct)
    return k_c, _triad(p_c, pp_c, k_c), f, m1 / g, m2 / g


def _pair_density(frame, idx, coords):
    """Σ|M|² for the events idx at unit directions ``coords`` (triad coordinates) of d1."""
    k_c, (e1, e2, e3), f, m1, m2 = frame
    nd = coords[:, :1] * e1[idx] + coords[:, 1:2] * e2[idx] + coords[:, 2:] * e3[idx]
    k1, k2 = _two_body(k_c[idx], m1, m2, nd)
    return f(idx, k1, k2)


# ---- the quadratic form of |M|² in the direction, directly from the amplitude (fast path) ----
# Σ_spins |ū(k1) W v(k2)|² = Tr[W (k̸2 − m2) W̄ (k̸1 + m1)] (Σ u ū = k̸ + m, Σ v v̄ = k̸ − m; W̄ = γ⁰W†γ⁰)
# is bilinear in K1 = (k1^μ, m1) and K2 = (k2^μ, −m2) with k̸ ± m = Σ_α K_α G_α, G_α = g_αα γ^α
# (α = 0..3), G_4 = 1. Each amplitude is M_r = ū(k1) W_r v(k2) with W_r = Σ_I a_rI Γ_I over a
# fixed basis Γ_I of four 4×4 matrices, so Σ|M|² = K1ᵀ H K2 with
# H_αβ = Σ_IK (Σ_r a_rI a*_rK) Tr[Γ_I G_β Γ̄_K G_α]; k1, k2 are linear in the direction n.
_LOWER = np.array([1.0, -1.0, -1.0, -1.0])
_G_LOW = _D.GAMMA * _LOWER[:, None, None]                    # k̸ = Σ_μ k^μ _G_LOW[μ]
_G5 = np.concatenate([_G_LOW, _D.ONE4[None]])                # G_α, α = 0..4


def _bar_matrix(m):
    """Dirac conjugate γ⁰ m† γ⁰ of 4×4 matrices m[..., 4, 4]."""
    return _D.GAMMA[0] @ np.conj(np.swapaxes(m, -1, -2)) @ _D.GAMMA[0]


def _trace_map(basis):
    """T[(I, K), (α, β)] = Tr[Γ_I G_β Γ̄_K G_α] for a basis Γ [4, 4, 4] (constant, 16 × 25)."""
    return np.einsum("Iab,ybc,Kcd,xda->IKxy", basis, _G5, _bar_matrix(basis), _G5).reshape(16, 25)


def _pr_basis():
    """Γ_(ij) = F_i F_jᵀ with F (4 × 2, real) an orthonormal basis of the image of P_R, so that
    P_R W P_R = Σ_ij (F_iᵀ W F_j) Γ_(ij)."""
    w, v = np.linalg.eigh(_D.PR)
    F = v[:, w > 0.5]
    assert np.allclose(F.imag, 0.0)
    F = np.ascontiguousarray(F.real)
    return F, np.einsum("ai,bj->ijab", F, F).reshape(4, 4, 4).astype(complex)


_F_R, _LNLE_BASIS = _pr_basis()
_LNLE_TRACE_MAP = _trace_map(_LNLE_BASIS)
#: O_LNLe in the form of the other operators, M = Σ_(ij) ū_ν Γ_(ij) v_N · ū′[V_(ij) S(p+q) ε̸ +
#: ε̸ S(p′−q) V_(ij)]u: with W = A1 P_R + X1 Y0 + X0 Y1 of :func:`_lnle_muon_side` (all terms in
#: P_R W P_R), F_iᵀ W F_j = ū′ V_(ij) S ε̸ u + ū′ ε̸ S V_(ij) u with V_(ij) = F_j F_iᵀ + δ_ij P_R
_LNLE_MUON_VERTICES = (np.einsum("aj,bi->ijab", _F_R, _F_R)
                       + np.einsum("ij,ab->ijab", np.eye(2), _D.PR)).reshape(4, 4, 4)


# Real form of the spinor algebra (numpy's products of small complex matrices are several times
# slower than the real ones): a complex 4-spinor v is stored as [Re v, Im v] (8 reals), and a
# complex 4×4 matrix M acts on it as _emb(M) = [[Re M, −Im M], [Im M, Re M]]; arrays of spinors
# are rows [..., 8], so M is applied as ``v @ _emb(M).T``.
def _emb(m):
    r, i = m.real, m.imag
    return np.concatenate([np.concatenate([r, -i], -1), np.concatenate([i, r], -1)], -2)


def _right(ms):
    """[8, 8k] matrix applying the complex matrices ms [k, 4, 4] to rows: v @ _right(ms) =
    [v @ _emb(ms[0]).T, v @ _emb(ms[1]).T, …]."""
    return np.ascontiguousarray(np.concatenate([e.T for e in _emb(ms)], 1))


#: (v @ emb-of-l̸ᵀ-rows): Σ_μ l^μ _SLASH_R[μ] = _emb(l̸).T, and _SLASH_RT the same for l̸ᵀ
_SLASH_R = np.ascontiguousarray(np.swapaxes(_emb(_G_LOW), 1, 2)).reshape(4, 64)
_SLASH_RT = np.ascontiguousarray(np.swapaxes(_emb(np.swapaxes(_G_LOW, 1, 2)), 1, 2)).reshape(4, 64)
_G0D = np.concatenate([np.diag(_D.GAMMA[0]).real] * 2)     # γ⁰ = diag(1, 1, −1, −1), twice
_EPS_R = _right(_slash(_EPS))                               # ε̸_l on rows       [8, 16]
_EPS_RT = _right(np.swapaxes(_slash(_EPS), 1, 2))           # ε̸_lᵀ on rows      [8, 16]


def _prop_rows(l, m, transpose=False):
    """[n, 8, 8] matrices X with v @ X = real form of S v, S = (l̸ + m)/(l² − m²) (or Sᵀ v)."""
    den = l[:, 0] ** 2 - np.sum(l[:, 1:] ** 2, axis=1) - m * m
    e = (l[:, None, :] @ (_SLASH_RT if transpose else _SLASH_R)).reshape(len(l), 8, 8)
    e += m * np.eye(8)
    e /= den[:, None, None]
    return e


def _spinors_re(p, m):
    """Dirac-basis spinors u(p, s) = (√(E+m) χ_s, σ·p χ_s/√(E+m)), χ_s = (1, 0), (0, 1), in real
    form [n, s, 8]. Σ_s u ū = p̸ + m, as for the helicity spinors of traces.spinors_u; only spin
    sums are taken from them, which do not depend on the spin basis."""
    a = np.sqrt(p[:, 0] + m)
    px, py, pz = (p[:, i] / a for i in (1, 2, 3))
    out = np.zeros((len(p), 2, 8))
    out[:, 0, 0], out[:, 0, 2], out[:, 0, 3], out[:, 0, 7] = a, pz, px, py
    out[:, 1, 1], out[:, 1, 2], out[:, 1, 6], out[:, 1, 3] = a, px, -py, -pz
    return out


_SGN_IM = np.array([1.0] * 4 + [-1.0] * 4)
_SWAP_RE_IM = np.array([4, 5, 6, 7, 0, 1, 2, 3])


def _dot_cols(x):
    """x [n, k, 8] (real forms of complex 4-vectors x_j) → [n, 8, 2k] such that v @ result gives
    the complex dot products Σ_a v_a x_j,a for v in real form: columns (Re, j), then (Im, j)."""
    return np.swapaxes(np.concatenate([x * _SGN_IM, x[..., _SWAP_RE_IM]], 1), 1, 2)


def _muon_side_re(p, q, pp, m):
    """The muon-line spinors at n WW points, real form: u_s = u(p, s) [n, s, 8]; b_t with
    ū(p′, t) M v = Σ_a b_t,a (M v)_a [n, t, 8]; R_ls = S(p+q) ε̸_l u_s [n, (l, s), 8];
    Y_tl with ū′_t ε̸_l S(p′−q) M v = Σ_a Y_tl,a (M v)_a [n, (t, l), 8]."""
    n = len(p)
    U = _spinors_re(p, m)
    B = _spinors_re(pp, m)
    B[..., 4:] *= -1.0
    B *= _G0D                                                            # conj(u′) γ⁰
    eu = (U @ _EPS_R).reshape(n, 2, 2, 8).transpose(0, 2, 1, 3).reshape(n, 4, 8)
    R = eu @ _prop_rows(p + q, m)
    Y = (B @ _EPS_RT).reshape(n, 4, 8) @ _prop_rows(pp - q, m, transpose=True)
    return U, B, R, Y


def _pair_vertices(struct):
    """(V_I [4, 4, 4], T [32, 25]) of a pair structure: the amplitudes are
    M_r = Σ_I a_rI ū(k1) Γ_I v(k2) with a_rI = ū′_t [V_I S(p+q) ε̸_l + ε̸_l S(p′−q) V_I] u_s
    (r = pol l, muon spins s, t), and H = (Re L, Im L) · T with L_IK = Σ_r a_rI a*_rK."""
    if isinstance(struct, _LNLeStructure):
        mv, tmap = _LNLE_MUON_VERTICES, _LNLE_TRACE_MAP
    else:
        mv, pv, _m1, _m2, maj = struct
        if maj:
            pv = _majorana_vertex(pv)
        tmap = _trace_map(pv * _LOWER[:, None, None])  # J_I = ū Γ_I v: lowered index
    return mv, np.concatenate([tmap.real, -tmap.imag])


def _pair_hadron_tensor(vertices, p, q, pp, m_mu):
    """H [n, 5, 5] with Σ_{spins, pols}|M|² = K1ᵀ H K2 (see above) at n WW points [GeV], for
    ``vertices`` = :func:`_pair_vertices` (the same amplitudes as :func:`_pair_amp2`; the muon
    spins in the Dirac basis of :func:`_spinors_re`)."""
    mv, T = vertices
    n = len(p)
    U, B, R, Y = _muon_side_re(p, q, pp, m_mu)
    ev = _right(mv)                                                      # V_I on rows [8, 32]
    vr = (R @ ev).reshape(n, 16, 8)                                      # V_I R_ls [n, (l,s,I), 8]
    vu = (U @ ev).reshape(n, 1, 8, 8)                                    # V_I u_s  [n, 1, (s,I), 8]
    dy = _dot_cols(Y.reshape(n, 2, 2, 8).transpose(0, 2, 1, 3).reshape(2 * n, 2, 8))
    a = (vr @ _dot_cols(B)).reshape(n, 2, 8, 4) + vu @ dy.reshape(n, 2, 8, 4)
    # a [n, l, (s, I), (c = Re/Im, t)] → X [n, I, (c, l, s, t)]
    X = a.reshape(n, 2, 2, 4, 2, 2).transpose(0, 3, 4, 1, 2, 5).reshape(n, 4, 16)
    Xt = np.swapaxes(X, 1, 2)
    P = X[:, :, 8:] @ Xt[:, :8, :]                                       # Σ_r ai_I ar_K
    L = np.concatenate([X @ Xt, P - np.swapaxes(P, 1, 2)], 1)            # (Re L, Im L)
    return (L.reshape(n, 1, 32) @ T).reshape(n, 5, 5)


def _pair_quadratic(x, k, u, struct, block=2048):
    """:func:`_pair_quadratic_block` in blocks of ``block`` events (the intermediate arrays of a
    block stay in the cache, which is faster than one pass over a chunk of 10⁵ events)."""
    vertices = _pair_vertices(struct)
    parts = [_pair_quadratic_block(x[i:i + block], k[i:i + block], u[i:i + block], struct,
                                   vertices) for i in range(0, len(x), block)]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate([c for c, _ in parts]), np.concatenate([b for _, b in parts])


def _pair_quadratic_block(x, k, u, struct, vertices):
    """Coefficients [n, 9] (basis :func:`_basis`, triad coordinates of the d1 direction) of the
    exact quadratic Σ|M|² of n events, and its bound (:func:`_quadratic_bound`).

    The same |M|² as :func:`_pair_density` (the same spinor amplitudes, spin-summed as a trace),
    written as c0 + c·n + nᵀQn from K1(n)ᵀ H K2(n) with K1, K2 linear in n; equal to the
    9-probe fit (:func:`_quadratic_fit`) up to rounding (tested)."""
    g = GeV
    p_c, q_c, pp_c, kc = _ww_frame(x, u / g**2, (k / g) ** 2, M_MU / g)
    e1, e2, e3 = _triad(p_c, pp_c, kc)
    m1, m2 = (m / g for m in _pair_masses(struct))
    n = len(x)
    H = _pair_hadron_tensor(vertices, p_c, q_c, pp_c, M_MU / g)
    # k1 = E1 b0 + p* Σ_j n_j b_j, k2 = E2 b0 − p* Σ_j n_j b_j (b: boosted rest-frame unit vectors)
    M2 = np.maximum(kc[:, 0] ** 2 - np.sum(kc[:, 1:] ** 2, axis=1), 0.0)
    Mk = np.maximum(np.sqrt(M2), 1e-300)
    lam = np.maximum((M2 - (m1 + m2) ** 2) * (M2 - (m1 - m2) ** 2), 0.0)
    pst = np.sqrt(lam) / (2.0 * Mk)
    E1 = (M2 + m1 * m1 - m2 * m2) / (2.0 * Mk)
    E2 = Mk - E1
    # boosts by kc of the rest-frame (1, 0) and (0, e_j): b0 = kc/M, b_j = (γ β·e_j, e_j + c_j β)
    b0 = kc / Mk[:, None]
    beta = kc[:, 1:] / kc[:, :1]
    gam = kc[:, 0] / Mk
    b2 = np.sum(beta * beta, axis=1)
    E3 = np.stack([e1, e2, e3], 2)                                   # [n, xyz, j]
    be = np.sum(beta[:, :, None] * E3, axis=1)                       # β·e_j  [n, j]
    cj = np.where(b2 > 0, (gam - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0)[:, None] * be
    B = np.zeros((n, 5, 3))
    B[:, 0] = gam[:, None] * be
    B[:, 1:4] = E3 + beta[:, :, None] * cj[:, None, :]
    B *= pst[:, None, None]                                          # [n, 5, 3]
    # K1 = K1₀ + B n, K2 = K2₀ − B n:  K1ᵀ H K2 = K1₀ᵀHK2₀ + (BᵀHK2₀ − BᵀHᵀK1₀)·n − nᵀ BᵀHB n
    K1 = np.concatenate([E1[:, None] * b0, np.full((n, 1), m1)], 1)[:, None, :]        # [n,1,5]
    K2 = np.concatenate([E2[:, None] * b0, np.full((n, 1), -m2)], 1)[:, :, None]       # [n,5,1]
    HK2, K1H = H @ K2, K1 @ H
    Bt = np.swapaxes(B, 1, 2)
    const = (K1H @ K2)[:, 0, 0]
    lin = (Bt @ HK2)[:, :, 0] - (K1H @ B)[:, 0, :]
    Qm = -(Bt @ (H @ B))
    Q = 0.5 * (Qm + np.swapaxes(Qm, 1, 2))
    # on the sphere n_c² = 1 − n_a² − n_b²: fold Q_cc into the constant (the basis of _basis)
    coef = np.stack([const + Q[:, 2, 2], lin[:, 0], lin[:, 1], lin[:, 2],
                     Q[:, 0, 0] - Q[:, 2, 2], Q[:, 1, 1] - Q[:, 2, 2],
                     2.0 * Q[:, 0, 1], 2.0 * Q[:, 0, 2], 2.0 * Q[:, 1, 2]], axis=1)
    return coef, _quadratic_bound(coef)


#: how the proposals of the pair-angle accept–reject are evaluated: "quadratic" (the exact
#: quadratic form of :func:`_pair_quadratic`, with the check below) or "direct" (the reference,
#: the method used before: 9-probe fit and every proposal from the explicit spinors — the same
#: samples bit for bit, 5–9× slower in events/s; kept for tests and benchmarks/bench_events.py)
_PAIR_METHOD = "quadratic"
#: safety net of the "quadratic" method: at the accepted directions of (at most) _CHECK_EVENTS
#: events per call, evenly spaced in the chunk (a fixed set: it draws no random numbers, so the
#: random stream — and the sample — is the one of the direct method), the quadratic must equal
#: the direct spinor |M|² to _CHECK_TOL relative to the event's envelope (the scale on which the
#: accept–reject decision is taken; a pointwise relative difference is ill-defined where |M|² → 0).
_CHECK_EVENTS = 64
_CHECK_TOL = 1e-9


def _check_quadratic(x, k, u, struct, coef, bound, dirs, idx):
    """Direct spinor |M|² vs the quadratic at directions ``dirs`` of the events ``idx``: returns
    (max |Δ|/bound, number of direct values above the bound); raises if Δ > _CHECK_TOL·bound."""
    frame = _pair_frame(x[idx], k[idx], u[idx], struct)
    direct = _pair_density(frame, np.arange(len(idx)), dirs)
    quad = np.einsum("nk,nk->n", _basis(dirs), coef[idx])
    dev = float(np.max(np.abs(quad - direct) / bound[idx]))
    if not dev <= _CHECK_TOL:
        raise RuntimeError(f"pair-angle |M|²: the quadratic form differs from the direct spinor "
                           f"evaluation by {dev:.3g} of the envelope (> {_CHECK_TOL:g}); the sample"
                           " would be biased")
    return dev, int(np.count_nonzero(direct > bound[idx]))


def _sample_pair_angles(mu_lab, kv_lab, x, k, u, energy, struct, rng, max_rounds=200,
                        method=None):
    """Unit directions of d1 in the lab pair rest frame from the exact |M|²; returns
    (nd, viol, check) with check = {"points": …, "max_dev": …} of the safety net (0 points for
    ``method="direct"``). ``method``: see :data:`_PAIR_METHOD` (the default)."""
    method = _PAIR_METHOD if method is None else method
    n = len(x)
    allidx = np.arange(n)
    if method == "direct":
        frame = _pair_frame(x, k, u, struct)
        vals = np.stack([_pair_density(frame, allidx, np.broadcast_to(d, (n, 3)))
                         for d in _PROBES], axis=1)
        _, bound = _quadratic_fit(vals)

        def density(idx, d):
            return _pair_density(frame, idx, d)
    elif method == "quadratic":
        coef, bound = _pair_quadratic(x, k, u, struct)

        def density(idx, d):
            return np.einsum("nk,nk->n", _basis(d), coef[idx])
    else:
        raise ValueError(f"unknown pair-angle method {method!r}")   # pragma: no cover
    out = np.empty((n, 3))
    todo = allidx
    viol = 0
    for _ in range(max_rounds):
        if not todo.size:
            break
        d = _isotropic(todo.size, rng)
        f = density(todo, d)
        viol += int(np.count_nonzero(f > bound[todo]))
        acc = rng.random(todo.size) * bound[todo] < f
        out[todo[acc]] = d[acc]
        todo = todo[~acc]
    if todo.size:   # pragma: no cover - acceptance per round is ≥ ~1/3 for these |M|²
        raise KinematicsError(f"pair-angle sampling stopped: {todo.size} of {n} events not "
                              f"accepted after {max_rounds} proposals each (acceptance "
                              f"efficiency < {1.0 / max_rounds:.0e} there)")
    check = {"points": 0, "max_dev": 0.0}
    if method == "quadratic":
        chk = np.unique(np.linspace(0, n - 1, min(n, _CHECK_EVENTS)).astype(int))
        dev, v2 = _check_quadratic(x, k, u, struct, coef, bound, out[chk], chk)
        viol += v2
        check = {"points": len(chk), "max_dev": dev}
    # carry the triad coordinates to the lab pair rest frame
    p_lab = np.broadcast_to(np.array([energy, 0, 0, math.sqrt(energy**2 - M_MU**2)]), (n, 4))
    l1, l2, l3 = _triad(p_lab, mu_lab, kv_lab)
    nd = out[:, :1] * l1 + out[:, 1:2] * l2 + out[:, 2:] * l3
    return nd, viol, check
