r"""Explicit-spinor evaluation of the 2->2 squared amplitudes behind Appendix A of seed 000.

What this module does
---------------------
Seed 000 (Crivelli et al., arXiv:2511.11801), Sec. V, Eqs. (13)-(20), factorises
``mu N -> mu N chi1 chi2`` in the Weizsaecker-Williams (WW) approximation into the 2->2 process

    gamma(q) + mu(p) -> mu(p') + X(k),      X = (chi1(k1) chi2(k2)),  k^2 = (k1 + k2)^2,

integrated over the two-body phase space of the pair.  Appendix A (Eqs. A1-A9) gives the result
as coefficients ``C_n`` of ``sum_n C_n / u~^(n-1)``.  This module recomputes that quantity *from
first principles*: explicit Dirac matrices (Dirac representation), explicit helicity spinors,
explicit Feynman amplitudes summed over all spins and photon polarisations, and the pair's decay
angles integrated numerically (Gauss-Legendre in cos(theta*) x uniform phi*) in the pair rest frame.
No traces are taken symbolically and nothing here is fitted; :mod:`mucast.processes.eft.amplitudes`
holds the closed forms that are checked against these numbers (tests/validation/test_appendix_a.py).

Conventions
-----------
* Units: GeV (natural units, hbar = c = 1); metric (+,-,-,-); gamma5 = i g0 g1 g2 g3.
* Couplings: photon-muon vertex with e = 1; EFT operators with unit coefficient (the Wilson
  coefficient, 1/v^2 or 1/Lambda^2 and the eps^{V,A} are factored out as in Eqs. A1, A2, A6);
  the reference Z' couples as ``g Z'_mu  mubar gamma^mu mu`` with g = 1.
* Kinematics (WW identification, q^2 = 0): with x = k^0/E_mu and the seed's
  ``u~ = (p - k)^2 - m_mu^2`` (Eq. 17),

      s~ = (p + q)^2 - m_mu^2 = -u~ / (1 - x),     t2 = (p - p')^2 = k^2 + u~ x / (1 - x),

  so that s~ + u~ + t2 = k^2 (exact 2->2 identity for q^2 = 0); these are the relations used by
  Liu & Miller (arXiv:1705.01633) and Kirpichnikov et al. (arXiv:2107.13297) to turn the exact
  2->2 amplitude into the WW integrand.  Real momenta are built in the gamma-mu centre-of-mass
  frame with the photon along +z.
* ``F_op`` below is ``int dPhi_2(k1,k2) sum_{all spins, photon pols} |M(gamma mu -> mu chi1 chi2)|^2``
  with ``int dPhi_2 = beta / (8 pi)`` (standard Lorentz-invariant two-body phase space).

Normalisation (derived in docs/appendix_a_check.md and checked in the tests)
----------------------------------------------------------------------------
``F_Zprime / B = K = 4`` exactly, where ``B`` is the DMG4 / Kirpichnikov et al. WW bracket
(:func:`B_ww`): B is the *spin- and polarisation-averaged* (1/2 x 1/2) squared 2->2 amplitude.
Comparing Eq. (20) with Eqs. (14) and (19) (the same WW prefactor that gives the Z' formula) gives

    int dPhi_2 F_op = K * beta * sum_n C_n / u~^(n-1) / (6 pi),   i.e.   sum_n C_n u~^(1-n) = 6 pi F_op / (K beta).

:func:`sum_C_numeric` applies this conversion.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "K_NORM",
    "METRIC",
    "GAMMA",
    "GAMMA5",
    "ww_invariants",
    "ww_kinematics",
    "u_tilde_from_angle",
    "spinors_u",
    "spinors_v",
    "B_ww",
    "F_zprime",
    "F_operator",
    "F_lnle",
    "sum_C_numeric",
    "pair_beta",
    "fierz_chiral_scalar_check",
    "OPERATORS",
]

# --------------------------------------------------------------------------------------------
# Dirac algebra: the package's one implementation (mucast.processes.dirac)
# --------------------------------------------------------------------------------------------
from mucast.processes.dirac import (CMAT, CMAT_INV, GAMMA, GAMMA5, METRIC, ONE4, PL, PR,  # noqa: E402,F401
                                    SIGMA_MUNU)
from mucast.processes.dirac import bar as _bar  # noqa: E402,F401
from mucast.processes.dirac import dot as _dot  # noqa: E402,F401
from mucast.processes.dirac import slash as _slash  # noqa: E402,F401
from mucast.processes.dirac import spinors_u, spinors_v  # noqa: E402,F401
from mucast.processes.dirac import majorana_vertex as _majorana_vertex  # noqa: E402,F401

#: F_Zprime / B_ww; B is the 1/4 spin/polarisation-averaged |A(gamma mu -> mu Z')|^2.
K_NORM = 4.0

OPERATORS = ("V", "A", "eN", "LN", "LNLe")


# --------------------------------------------------------------------------------------------
# Spinors
# --------------------------------------------------------------------------------------------
# --------------------------------------------------------------------------------------------
# Kinematics
# --------------------------------------------------------------------------------------------
def ww_invariants(x, u_tilde, k2):
    """WW identification of the 2->2 invariants (seed 000 Eq. 17; Liu & Miller 1705.01633).

    Returns (s~, t2) with s~ = (p+q)^2 - m_mu^2 = -u~/(1-x) and t2 = (p-p')^2 = k^2 + u~ x/(1-x).
    """
    x = np.asarray(x, dtype=float)
    s_t = -np.asarray(u_tilde, dtype=float) / (1.0 - x)
    t2 = k2 + np.asarray(u_tilde, dtype=float) * x / (1.0 - x)
    return s_t, t2


def u_tilde_from_angle(E_mu, x, theta, k2, m_mu):
    """Seed 000 Eq. (17): u~ ~= -E_mu^2 theta^2 x - k^2 (1-x)/x - m_mu^2 x   [GeV^2]."""
    return -(E_mu**2) * theta**2 * x - k2 * (1.0 - x) / x - m_mu**2 * x


def ww_kinematics(x: float, u_tilde: float, k2: float, m_mu: float) -> dict:
    """Real 4-momenta (GeV) for gamma(q) mu(p) -> mu(p') X(k) at the WW point (x, u~, k^2).

    Frame: gamma-mu centre of mass, photon along +z, X in the x-z plane.  Raises ValueError if the
    point lies outside the physical 2->2 region.  Returns dict(p, q, pp, k, eps) with ``eps`` the
    two real transverse photon polarisation vectors.
    """
    s_t, t2 = ww_invariants(x, u_tilde, k2)
    s = m_mu**2 + s_t
    if s_t <= 0 or np.sqrt(s) <= m_mu + np.sqrt(k2):
        raise ValueError("below threshold")
    rs = np.sqrt(s)
    w = s_t / (2 * rs)
    q = np.array([w, 0.0, 0.0, w])
    p = np.array([np.sqrt(w * w + m_mu**2), 0.0, 0.0, -w])
    k0 = (s + k2 - m_mu**2) / (2 * rs)
    kabs = np.sqrt(max(k0 * k0 - k2, 0.0))
    qk = 0.5 * (k2 - t2)
    cth = (k0 - qk / w) / kabs
    if abs(cth) > 1 + 1e-12:
        raise ValueError(f"unphysical WW point: cos(theta) = {cth}")
    cth = min(1.0, max(-1.0, cth))
    sth = np.sqrt(1 - cth * cth)
    k = np.array([k0, kabs * sth, 0.0, kabs * cth])
    pp = p + q - k
    eps = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    return dict(p=p, q=q, pp=pp, k=k, eps=eps)


def _boost_from_rest(pstar: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Boost momenta given in the rest frame of k to the frame where k has momentum k."""
    m = np.sqrt(_dot(k, k))
    gam = k[0] / m
    b = k[1:] / k[0]
    b2 = float(b @ b)
    bp = pstar[..., 1:] @ b
    e = gam * (pstar[..., 0] + bp)
    coef = np.where(b2 > 0, (gam - 1) / np.where(b2 > 0, b2, 1.0), 0.0) * bp + gam * pstar[..., 0]
    vec = pstar[..., 1:] + coef[..., None] * b
    return np.concatenate([e[..., None], vec], axis=-1)


def pair_beta(k2: float, m1: float, m2: float) -> float:
    """Seed 000 Eq. (21): beta = 2|p*|/sqrt(k^2); the total two-body phase space is beta/(8 pi)."""
    return float(np.sqrt((1 - (m1**2 + m2**2) / k2) ** 2 - 4 * m1**2 * m2**2 / k2**2))


def _pair_momenta(k: np.ndarray, m1: float, m2: float, n_theta: int, n_phi: int):
    """Quadrature nodes for int dPhi_2: lab-frame k1, k2 [n, 4] and weights [n] (sum = beta/8pi)."""
    k2 = float(_dot(k, k))
    rk = np.sqrt(k2)
    beta = pair_beta(k2, m1, m2)
    pst = 0.5 * rk * beta
    e1 = (k2 + m1**2 - m2**2) / (2 * rk)
    e2 = (k2 + m2**2 - m1**2) / (2 * rk)
    ct, wt = np.polynomial.legendre.leggauss(n_theta)
    ph = (np.arange(n_phi) + 0.5) * 2 * np.pi / n_phi
    CT, PH = np.meshgrid(ct, ph, indexing="ij")
    W = np.repeat(wt[:, None], n_phi, axis=1) * (2 * np.pi / n_phi)
    ST = np.sqrt(1 - CT**2)
    n = np.stack([ST * np.cos(PH), ST * np.sin(PH), CT], axis=-1).reshape(-1, 3)
    k1s = np.concatenate([np.full((n.shape[0], 1), e1), pst * n], axis=-1)
    k2s = np.concatenate([np.full((n.shape[0], 1), e2), -pst * n], axis=-1)
    weights = W.reshape(-1) * pst / (16 * np.pi**2 * rk)
    return _boost_from_rest(k1s, k), _boost_from_rest(k2s, k), weights


# --------------------------------------------------------------------------------------------
# Muon line with one photon attached
# --------------------------------------------------------------------------------------------
def _prop(l: np.ndarray, m: float) -> np.ndarray:
    return (_slash(l) + m * ONE4) / (_dot(l, l) - m * m)


def _muon_line(vertices: np.ndarray, kin: dict, m_mu: float) -> np.ndarray:
    """A[s_in, s_out, pol, I] = ubar(p') [G_I S(p+q) eps + eps S(p'-q) G_I] u(p)   (e = 1).

    ``vertices`` has shape [nI, 4, 4].  Both diagrams carry the same factors of i, hence the
    relative + sign; the overall phase is irrelevant for |M|^2.
    """
    p, q, pp, eps = kin["p"], kin["q"], kin["pp"], kin["eps"]
    u_in = spinors_u(p, m_mu)
    ub_out = _bar(spinors_u(pp, m_mu))
    s1, s2 = _prop(p + q, m_mu), _prop(pp - q, m_mu)
    es = _slash(eps)  # [2, 4, 4]
    op = np.einsum("Iab,bc,lcd->lIad", vertices, s1, es) + np.einsum(
        "lab,bc,Icd->lIad", es, s2, vertices
    )
    return np.einsum("ta,lIab,sb->stlI", ub_out, op, u_in)


def B_ww(x, u_tilde, m2, m_mu):
    """DMG4 / Kirpichnikov et al. (arXiv:2107.13297) WW bracket for a vector coupled vectorially:

        B = 2(2 - 2x + x^2)/(1-x) + 4(m^2 + 2 m_mu^2)/u~^2 (u~ x + m^2 (1-x) + m_mu^2 x^2).
    """
    x = np.asarray(x, dtype=float)
    return 2 * (2 - 2 * x + x * x) / (1 - x) + 4 * (m2 + 2 * m_mu**2) / u_tilde**2 * (
        u_tilde * x + m2 * (1 - x) + m_mu**2 * x * x
    )


def F_zprime(x: float, u_tilde: float, m2: float, m_mu: float) -> float:
    """sum_{all spins, pols} |M(gamma mu -> mu Z')|^2 for a vector Z' (mass^2 m2, g = e = 1).

    Z' polarisation sum -g + k k / m^2.  Dimensionless.  Used to fix K = F_Zprime / B_ww.
    """
    kin = ww_kinematics(x, u_tilde, m2, m_mu)
    A = _muon_line(GAMMA, kin, m_mu)  # [s, s', pol, mu] (upper index)
    k = kin["k"]
    P = -METRIC + np.outer(k, k) / m2  # P^{mu nu}; need P_{mu nu}
    P_low = METRIC @ P @ METRIC
    return float(np.real(np.einsum("stlm,mn,stln->", A, P_low, np.conj(A))))


# --------------------------------------------------------------------------------------------
# EFT operators: contact current-current amplitudes
# --------------------------------------------------------------------------------------------
_LOWER = np.array([1.0, -1.0, -1.0, -1.0])


def _vector_vertices(chiral: np.ndarray | None) -> np.ndarray:
    """gamma^mu times an optional matrix on the right: [4(mu), 4, 4]."""
    return GAMMA if chiral is None else np.einsum("mij,jk->mik", GAMMA, chiral)




def _pair_currents(vertices, k1, k2, m1, m2, majorana=False):
    """J[n, h1, h2, I] = ubar(k1, h1) G_I v(k2, h2), with I lowered by the metric."""
    if majorana:
        vertices = _majorana_vertex(vertices)
    ub = _bar(spinors_u(k1, m1))  # [n, 2, 4]
    v = spinors_v(k2, m2)
    J = np.einsum("nha,Iab,ngb->nhgI", ub, vertices, v)
    return J * _LOWER


_MUON_VERTEX = {
    "V": (None, "gamma^mu"),
    "A": (GAMMA5, "gamma^mu gamma5"),
    "eN": (PR, "gamma^mu P_R  (mubar_R gamma mu_R)"),
    "LN": (PL, "gamma^mu P_L  (mubar_L gamma mu_L)"),
}


def F_operator(
    operator: str,
    x: float,
    u_tilde: float,
    k2: float,
    m_mu: float,
    m_N: float = 0.0,
    n_type: str = "dirac",
    n_theta: int = 6,
    n_phi: int = 8,
) -> float:
    """int dPhi_2 sum_{all spins, pols} |M(gamma mu -> mu chi1 chi2)|^2 for a vector-type operator.

    operator:
      * 'V' : (nubar gamma_mu P_L nu)(mubar gamma^mu mu)        -- seed 000 Eq. (3), eps^V = 1
      * 'A' : (nubar gamma_mu P_L nu)(mubar gamma^mu gamma5 mu) -- Eq. (3), eps^A = 1
      * 'eN': (mubar_R gamma^mu mu_R)(Nbar Gamma_mu N)           -- O_mumu, Eq. (9)
      * 'LN': (mubar_L gamma^mu mu_L)(Nbar Gamma_mu N)           -- O_LN (muon part of Lbar L), Eq. (10)
    n_type (eN, LN only):
      * 'dirac'        : Dirac N, full vector current Nbar gamma N (what Appendix A assumes)
      * 'dirac_R'      : Dirac N, only N_R in the current, Nbar gamma P_R N (nuSMEFT field content)
      * 'majorana'     : Majorana N with N = N_R + N_R^c, current Nbar_R gamma N_R; identical-particle 1/2
      * 'majorana_vector': Majorana N with the literal current Nbar gamma N (vanishes identically)
    Units: GeV^2 (F has mass dimension 2 for unit dimension-6 coefficient).  Seed 000 Eqs. (13)-(20).
    """
    kin = ww_kinematics(x, u_tilde, k2, m_mu)
    if operator in ("V", "A"):
        mvert = _vector_vertices(_MUON_VERTEX[operator][0])
        pvert, m1, m2, maj = _vector_vertices(PL), 0.0, 0.0, False
    elif operator in ("eN", "LN"):
        mvert = _vector_vertices(_MUON_VERTEX[operator][0])
        m1 = m2 = m_N
        maj = n_type.startswith("majorana")
        if n_type == "dirac" or n_type == "majorana_vector":
            pvert = _vector_vertices(None)
        elif n_type in ("dirac_R", "majorana"):
            pvert = _vector_vertices(PR)
        else:
            raise ValueError(n_type)
    else:
        raise ValueError(f"unknown operator {operator!r} (use F_lnle for 'LNLe')")
    A = _muon_line(mvert, kin, m_mu)  # [s, t, l, I]
    k1, kk2, w = _pair_momenta(kin["k"], m1, m2, n_theta, n_phi)
    J = _pair_currents(pvert, k1, kk2, m1, m2, majorana=maj)  # [n, h1, h2, I]
    M = np.einsum("stlI,nhgI->nstlhg", A, J)
    tot = np.einsum("n,nstlhg->", w, np.abs(M) ** 2)
    if maj:
        tot *= 0.5  # identical particles in the final state
    return float(tot)


def F_lnle(
    x: float,
    u_tilde: float,
    k2: float,
    m_mu: float,
    m_N: float = 0.0,
    form: str = "direct",
    n_theta: int = 6,
    n_phi: int = 8,
) -> float:
    """int dPhi_2 sum |M(gamma mu- -> mu- nu Nbar)|^2 for O_LNLe = (Lbar N) eps (Lbar l), Eq. (11).

    With eps_12 = +1, ``O = (nubar_L N)(mubar_L mu_R) - (mubar_L N)(nubar_L mu_R)``.  Both terms give
    the final state mu- nu(k1) Nbar(k2).  Reordering the Grassmann fields of the second term into the
    order (nubar N)(mubar mu) costs a sign -1, so (``form='direct'``)

        M = [ubar_nu P_R v_N] [ubar_mu' P_R ... u_mu] + [ubar_mu' ... P_R v_N] [ubar_nu P_R ... u_mu]

    with the photon attached to the incoming or outgoing muon leg in every way.  ``form`` may also be
    'fierz' (M = (3/2) S + (1/8) T, with S = [ubar_mu' P_R .. u_mu][ubar_nu P_R v_N] and
    T = [ubar_mu' sigma^{ab} P_R .. u_mu][ubar_nu sigma_{ab} P_R v_N]; this follows from the
    commuting-spinor Fierz identity of :func:`fierz_chiral_scalar_check` applied to the second term),
    'scalar' ((mubar P_R mu)(nubar P_R N) alone, unit coefficient) or 'tensor'
    ((mubar sigma P_R mu)(nubar sigma P_R N) alone).  One final state only (the hermitian-conjugate
    operator gives mu- nubar N with the same rate).  Units GeV^2.
    """
    kin = ww_kinematics(x, u_tilde, k2, m_mu)
    p, q, pp, eps = kin["p"], kin["q"], kin["pp"], kin["eps"]
    k1, kk2, w = _pair_momenta(kin["k"], 0.0, m_N, n_theta, n_phi)
    ub_nu = _bar(spinors_u(k1, 0.0))  # [n, h1, 4]
    v_N = spinors_v(kk2, m_N)  # [n, h2, 4]
    u_in = spinors_u(p, m_mu)  # [s, 4]
    ub_out = _bar(spinors_u(pp, m_mu))  # [t, 4]
    es = _slash(eps)
    s1, s2 = _prop(p + q, m_mu), _prop(pp - q, m_mu)
    if form == "direct":
        # contraction 1: (nubar P_R N)(mubar P_R mu), photon on the muon line
        pair_s = np.einsum("nha,ab,ngb->nhg", ub_nu, PR, v_N)
        line = np.einsum("ab,bc,lcd->lad", PR, s1, es) + np.einsum("lab,bc,cd->lad", es, s2, PR)
        mu_s = np.einsum("ta,lab,sb->stl", ub_out, line, u_in)
        M1 = np.einsum("nhg,stl->nstlhg", pair_s, mu_s)
        # contraction 2: (mubar P_R N)(nubar P_R mu); photon on incoming (nu line) or outgoing (N line)
        nu_in = np.einsum("nha,ab,bc,lcd,sd->nhls", ub_nu, PR, s1, es, u_in)
        out_N = np.einsum("ta,ab,ngb->ntg", ub_out, PR, v_N)
        nu_plain = np.einsum("nha,ab,sb->nhs", ub_nu, PR, u_in)
        out_N_ph = np.einsum("ta,lab,bc,cd,ngd->ntlg", ub_out, es, s2, PR, v_N)
        M2 = np.einsum("nhls,ntg->nstlhg", nu_in, out_N) + np.einsum(
            "nhs,ntlg->nstlhg", nu_plain, out_N_ph
        )
        M = M1 + M2
    else:
        cs, ct = {"fierz": (1.5, 0.125), "scalar": (1.0, 0.0), "tensor": (0.0, 1.0)}[form]
        M = 0.0
        if cs:
            pair_s = np.einsum("nha,ab,ngb->nhg", ub_nu, PR, v_N)
            A = _muon_line(PR[None], kin, m_mu)[..., 0]  # [s, t, l]
            M = M + cs * np.einsum("nhg,stl->nstlhg", pair_s, A)
        if ct:
            sig = np.einsum("abij,jk->abik", SIGMA_MUNU, PR).reshape(16, 4, 4)
            low = np.outer(_LOWER, _LOWER).reshape(16)
            pair_t = np.einsum("nha,Iab,ngb->nhgI", ub_nu, sig, v_N) * low
            A = _muon_line(sig, kin, m_mu)  # [s, t, l, I]
            M = M + ct * np.einsum("nhgI,stlI->nstlhg", pair_t, A)
    return float(np.einsum("n,nstlhg->", w, np.abs(M) ** 2))


def sum_C_numeric(F: float, k2: float, m1: float, m2: float) -> float:
    """Convert int dPhi_2 F into the seed's  sum_n C_n / u~^(n-1)  = 6 pi F / (K beta(k, m1, m2))."""
    return 6 * np.pi * F / (K_NORM * pair_beta(k2, m1, m2))


def fierz_chiral_scalar_check(rng: np.random.Generator | None = None) -> float:
    """Max deviation of the commuting-spinor Fierz identity for random spinors a, b, c, d:

        (abar P_R b)(cbar P_R d) = +1/2 (abar P_R d)(cbar P_R b) + 1/8 (abar s^{mn} P_R d)(cbar s_{mn} P_R b).

    (For anticommuting field operators both terms on the right change sign.)
    """
    rng = rng or np.random.default_rng(1)
    a, b, c, d = (rng.normal(size=4) + 1j * rng.normal(size=4) for _ in range(4))
    ab, cb = _bar(a), _bar(c)
    lhs = (ab @ PR @ b) * (cb @ PR @ d)
    sig = np.einsum("abij,jk->abik", SIGMA_MUNU, PR)
    t1 = np.einsum("i,abij,j->ab", ab, sig, d)
    t2 = np.einsum("i,abij,j->ab", cb, sig, b)
    tens = np.einsum("ab,ab,a,b->", t1, t2, _LOWER, _LOWER)
    rhs = 0.5 * (ab @ PR @ d) * (cb @ PR @ b) + 0.125 * tens
    return float(abs(lhs - rhs) / abs(lhs))
