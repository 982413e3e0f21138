"""Independent check of seed 000 (arXiv:2511.11801) Appendix A, Eqs. (A1)-(A9), against
explicit-spinor numerics (mucast.processes.eft.traces).  See docs/appendix_a_check.md.

Run:  PYTHONPATH=src python -m pytest tests/validation/test_appendix_a.py -q -p no:cacheprovider
"""

import numpy as np
import pytest

from mucast.processes.eft import amplitudes as E
from mucast.processes.eft import traces as T

M_MU = 0.1056583755  # GeV
E_MU = 160.0  # GeV
RTOL = 1e-9


def _points(n, seed, mn_max_frac):
    """Random WW points (x, u~, k^2, m_N) inside the physical region; u~ from Eq. (17)."""
    rng = np.random.default_rng(seed)
    pts = []
    while len(pts) < n:
        x = rng.uniform(0.05, 0.97)
        k2 = 10 ** rng.uniform(-2.7, 0.7)  # 0.002 .. 5 GeV^2
        if np.sqrt(k2) > 0.9 * x * E_MU:
            continue
        theta = rng.choice([0.0, 10 ** rng.uniform(-4, -1.3)])
        u = T.u_tilde_from_angle(E_MU, x, theta, k2, M_MU)
        m_n = rng.uniform(0, mn_max_frac) * np.sqrt(k2)
        pts.append((x, u, k2, m_n))
    return pts


PAIR_POINTS = _points(12, 1, 0.49)
SINGLE_POINTS = _points(12, 2, 0.98)


# ------------------------------------------------------------------------------------------
# (a) normalisation: K = F_Zprime / B_ww is a constant (= 4, i.e. B is the spin-averaged |A|^2)
# ------------------------------------------------------------------------------------------
def test_K_constant():
    ratios = [
        T.F_zprime(x, u, k2, M_MU) / T.B_ww(x, u, k2, M_MU)
        for x, u, k2, _ in PAIR_POINTS + SINGLE_POINTS
    ]
    np.testing.assert_allclose(ratios, T.K_NORM, rtol=RTOL)
    assert T.K_NORM == 4.0


def test_ww_invariants_consistent():
    for x, u, k2, _ in PAIR_POINTS:
        kin = T.ww_kinematics(x, u, k2, M_MU)
        p, q, pp, k = kin["p"], kin["q"], kin["pp"], kin["k"]

        def sq(v):
            return v[0] ** 2 - v[1:] @ v[1:]

        s_t, t2 = T.ww_invariants(x, u, k2)
        np.testing.assert_allclose(
            [sq(q), sq(p), sq(pp), sq(k)], [0, M_MU**2, M_MU**2, k2], atol=1e-9 * max(1, -u)
        )
        np.testing.assert_allclose(sq(p - k) - M_MU**2, u, rtol=1e-9)
        np.testing.assert_allclose(sq(p + q) - M_MU**2, s_t, rtol=1e-9)
        np.testing.assert_allclose(sq(p - pp), t2, rtol=1e-8, atol=1e-10 * abs(u))


def test_dirac_algebra_and_fierz():
    g = T.GAMMA
    for a in range(4):
        for b in range(4):
            np.testing.assert_allclose(g[a] @ g[b] + g[b] @ g[a], 2 * T.METRIC[a, b] * np.eye(4))
    # Majorana flip: C gamma^T C^-1 = -gamma, and the Majorana vertex of gamma^mu P_R is gamma^mu g5
    vert = T._majorana_vertex(np.einsum("mij,jk->mik", g, T.PR))
    np.testing.assert_allclose(vert, np.einsum("mij,jk->mik", g, T.GAMMA5), atol=1e-14)
    np.testing.assert_allclose(T._majorana_vertex(g), 0, atol=1e-14)
    # commuting-spinor chiral Fierz identity (+1/2, +1/8)
    assert T.fierz_chiral_scalar_check(np.random.default_rng(3)) < 1e-13


def test_quadrature_is_exact():
    x, u, k2, mn = PAIR_POINTS[3]
    a = T.F_operator("LN", x, u, k2, M_MU, mn, "majorana", n_theta=3, n_phi=4)
    b = T.F_operator("LN", x, u, k2, M_MU, mn, "majorana", n_theta=9, n_phi=13)
    np.testing.assert_allclose(a, b, rtol=1e-12)
    x, u, k2, mn = SINGLE_POINTS[3]
    a = T.F_lnle(x, u, k2, M_MU, mn, n_theta=3, n_phi=4)
    b = T.F_lnle(x, u, k2, M_MU, mn, n_theta=9, n_phi=13)
    np.testing.assert_allclose(a, b, rtol=1e-12)


# ------------------------------------------------------------------------------------------
# (b) verified coefficients vs explicit amplitudes
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", ["V", "A"])
def test_smeft_verified(op):
    for x, u, k2, _ in PAIR_POINTS:
        num = T.sum_C_numeric(T.F_operator(op, x, u, k2, M_MU), k2, 0.0, 0.0)
        np.testing.assert_allclose(E.c_sum(op, x, u, k2, M_MU), num, rtol=RTOL)


def test_smeft_V_equals_half_k2_B():
    """C^V sum = k^2 B_ww/2: the nubar gamma P_L nu current is half a vector Z' of mass^2 k^2."""
    for x, u, k2, _ in PAIR_POINTS:
        np.testing.assert_allclose(
            E.c_sum("V", x, u, k2, M_MU), 0.5 * k2 * T.B_ww(x, u, k2, M_MU), rtol=1e-12
        )


def test_V_A_interference_vanishes():
    """mubar gamma P_{L,R} mu give the same rate => no V-A interference after pair integration."""
    for x, u, k2, mn in PAIR_POINTS[:6]:
        for nt in ("dirac", "dirac_R", "majorana"):
            a = T.F_operator("eN", x, u, k2, M_MU, mn, nt)
            b = T.F_operator("LN", x, u, k2, M_MU, mn, nt)
            np.testing.assert_allclose(a, b, rtol=RTOL)


@pytest.mark.parametrize("n_type", ["dirac", "dirac_R", "majorana"])
@pytest.mark.parametrize("op", ["eN_22", "LN_22"])
def test_pair_operators_verified(op, n_type):
    top = op.split("_")[0]
    for x, u, k2, mn in PAIR_POINTS:
        num = T.sum_C_numeric(T.F_operator(top, x, u, k2, M_MU, mn, n_type), k2, mn, mn)
        ver = E.c_sum(op, x, u, k2, M_MU, mn, "verified", n_type)
        np.testing.assert_allclose(ver, num, rtol=RTOL)
        np.testing.assert_allclose(
            E.phase_space_factor(op, k2, mn), T.pair_beta(k2, mn, mn), rtol=1e-12
        )


def test_majorana_literal_vector_current_vanishes():
    x, u, k2, mn = PAIR_POINTS[0]
    assert T.F_operator("LN", x, u, k2, M_MU, mn, "majorana_vector") == 0.0


def test_lnle_direct_equals_fierz():
    """Both SU(2) contractions with the Grassmann sign == (3/2) S + (1/8) T; no S-T interference."""
    for x, u, k2, mn in SINGLE_POINTS[:6]:
        d = T.F_lnle(x, u, k2, M_MU, mn, "direct")
        f = T.F_lnle(x, u, k2, M_MU, mn, "fierz")
        s = T.F_lnle(x, u, k2, M_MU, mn, "scalar")
        t = T.F_lnle(x, u, k2, M_MU, mn, "tensor")
        np.testing.assert_allclose(d, f, rtol=RTOL)
        np.testing.assert_allclose(d, 2.25 * s + t / 64.0, rtol=RTOL)


def test_lnle_verified():
    for x, u, k2, mn in SINGLE_POINTS:
        one_fs = T.sum_C_numeric(T.F_lnle(x, u, k2, M_MU, mn), k2, 0.0, mn)
        ver1 = E.c_sum("LNLe_2222", x, u, k2, M_MU, mn, conjugate=False)
        ver2 = E.c_sum("LNLe_2222", x, u, k2, M_MU, mn)
        np.testing.assert_allclose(ver1, one_fs, rtol=RTOL)
        np.testing.assert_allclose(ver2, 2 * ver1, rtol=1e-14)
        np.testing.assert_allclose(
            E.phase_space_factor("LNLe_2222", k2, mn), T.pair_beta(k2, mn, 0.0), rtol=1e-12
        )


def test_mass_factor_terms_reconstruct():
    for op in E.OPERATORS:
        for variant in ("paper", "verified"):
            for x, u, k2, mn in SINGLE_POINTS[:4]:
                c = E.coefficients(op, x, k2, M_MU, mn, variant)
                tot = sum(
                    g(x, k2, M_MU).scale(f(k2, mn)).evaluate(u)
                    for f, g in E.mass_factor_terms(op, variant)
                )
                np.testing.assert_allclose(c.evaluate(u), tot, rtol=1e-13)
                # the C_nj must not depend on m_N: they do not even receive it
                assert len(c) == 4


def test_vectorised():
    x = np.linspace(0.1, 0.9, 5)
    k2 = np.full(5, 0.5)
    for op in E.OPERATORS:
        c = E.coefficients(op, x, k2, M_MU, 0.2)
        assert all(np.shape(cn) == (5,) for cn in c)
        scalar = E.coefficients(op, x[2], k2[2], M_MU, 0.2)
        np.testing.assert_allclose([cn[2] for cn in c], list(scalar), rtol=1e-14)


# ------------------------------------------------------------------------------------------
# (c) where the paper is right, and where its literal form differs
# ------------------------------------------------------------------------------------------
def test_paper_correct_for_V_and_dirac_pair_operators():
    for x, u, k2, mn in PAIR_POINTS:
        for op in ("V", "eN_22", "LN_22"):
            np.testing.assert_allclose(
                E.c_sum(op, x, u, k2, M_MU, mn, "paper"),
                E.c_sum(op, x, u, k2, M_MU, mn, "verified", "dirac"),
                rtol=1e-12,
            )
            np.testing.assert_allclose(
                E.phase_space_factor(op, k2, mn, "paper"), E.phase_space_factor(op, k2, mn)
            )


def test_paper_C1A_typo():
    """A1 prints C1^A = k^2(2 m_mu^2 x^2 + (x-2)x + 2)/(1-x); correct is 2 m_mu^2 x^2 / k^2 inside."""
    x, k2 = 0.9, 0.01
    u = T.u_tilde_from_angle(E_MU, x, 0.0, k2, M_MU)
    num = T.sum_C_numeric(T.F_operator("A", x, u, k2, M_MU), k2, 0, 0)
    paper = E.c_sum("A", x, u, k2, M_MU, 0, "paper")
    assert abs(paper / num - 1) > 0.5  # factor ~2.5 at this point
    cp = E.coefficients("A", x, k2, M_MU, variant="paper")
    cv = E.coefficients("A", x, k2, M_MU)
    np.testing.assert_allclose(cp.C1 - cv.C1, 2 * M_MU**2 * x * x * (k2 - 1) / (1 - x), rtol=1e-12)
    np.testing.assert_allclose(cp[2:], cv[2:], rtol=1e-14)  # C2, C3 correct
    # the corrected C1^A is what the paper itself uses inside A3 (C^LN = (1/2)(1+2q)(C^V + C^A))


def test_paper_lnle_is_single_contraction_scalar():
    """A7-A9 = one contraction (nubar P_R N)(mubar P_R mu) with unit coefficient, one final state.

    Verified = (3/2) S + (1/8) T (both contractions), x2 for the conjugate final state, and beta
    = 1 - m_N^2/k^2 (Eq. 21) instead of A6's sqrt(1 - m_N^2/k^2).
    """
    for x, u, k2, mn in SINGLE_POINTS:
        scal = T.sum_C_numeric(T.F_lnle(x, u, k2, M_MU, mn, "scalar"), k2, 0.0, mn)
        np.testing.assert_allclose(E.c_sum("LNLe_2222", x, u, k2, M_MU, mn, "paper"), scal, rtol=RTOL)
        ratio = E.c_sum("LNLe_2222", x, u, k2, M_MU, mn) / scal
        assert ratio > 2 * 2.25  # at least the scalar part (3/2)^2, times 2 final states
    q = 0.5
    assert E.phase_space_factor("LNLe_2222", 1.0, np.sqrt(q), "paper") == pytest.approx(np.sqrt(q))
    assert E.phase_space_factor("LNLe_2222", 1.0, np.sqrt(q)) == pytest.approx(q)


def test_lnle_tensor_has_linear_u_term():
    """The tensor piece needs C0 u~ (absent from Eq. 20's n = 1..3 sum)."""
    c = E.coefficients("LNLe_2222", 0.6, 0.7, M_MU, 0.0)
    np.testing.assert_allclose(c.C0, 2 * (1.0 / 32.0) * (-4 * 0.6 / 0.4), rtol=1e-14)
    assert np.all(E.coefficients("LNLe_2222", 0.6, 0.7, M_MU, 0.0, "paper").C0 == 0)


# ------------------------------------------------------------------------------------------
# (d) dimensions: masses -> lam*masses, (k^2, u~) -> lam^2 (k^2, u~)  =>  C_n -> lam^(2n) C_n
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("op", E.OPERATORS)
def test_dimensions_verified(op):
    lam = 3.7
    x, k2, mn = 0.7, 0.4, 0.25
    c = E.coefficients(op, x, k2, M_MU, mn, n_type="dirac_R")
    cl = E.coefficients(op, x, lam**2 * k2, lam * M_MU, lam * mn, n_type="dirac_R")
    for n in range(4):
        np.testing.assert_allclose(cl[n], lam ** (2 * n) * c[n], rtol=1e-12, atol=1e-300)
    assert E.phase_space_factor(op, lam**2 * k2, lam * mn) == pytest.approx(
        E.phase_space_factor(op, k2, mn)
    )


def test_dimensions_numeric_and_paper_typo():
    lam = 2.3
    x, k2 = 0.6, 0.3
    u = T.u_tilde_from_angle(E_MU, x, 0.002, k2, M_MU)
    f = T.F_operator("A", x, u, k2, M_MU)
    fl = T.F_operator("A", x, lam**2 * u, lam**2 * k2, lam * M_MU)
    np.testing.assert_allclose(fl, lam**2 * f, rtol=1e-10)
    cp = E.coefficients("A", x, k2, M_MU, variant="paper")
    cpl = E.coefficients("A", x, lam**2 * k2, lam * M_MU, variant="paper")
    assert abs(cpl.C1 / (lam**2 * cp.C1) - 1) > 1e-3  # literal C1^A is not homogeneous
