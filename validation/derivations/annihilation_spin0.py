#!/usr/bin/env python
"""
Independent reference for DM annihilation chi chi -> f fbar through an s-channel
spin-0 mediator (scalar S or pseudoscalar P).

Conventions: metric (+,-,-,-), Dirac representation, gamma5 = i g0 g1 g2 g3, GeV.
  L  >  g_f S fbar f                    |  g_f P fbar i g5 f
  Dirac    : g_chi S psibar psi         |  g_chi P psibar i g5 psi
  Majorana : (1/2) g_chi S chibar chi   |  (1/2) g_chi P chibar i g5 chi
  complex scalar: - mu_chi S phi* phi, mu_chi = g_chi m_chi (S only)
Propagator i/(s - M^2 + i sqrt(s) Gamma(sqrt(s))), running width.

Sections
  (a) closed forms: widths, sigma(s), sigma*v, NR coefficients
  (b) explicit-spinor numerical Sum|M|^2 and numerical 2->2 angular phase space
  (c) widths from explicit spinor sums
  (d) tables for numbers.md  (run:  python reference.py)
"""
import numpy as np
import mpmath as mp

PI = np.pi
M_E, M_MU, M_TAU = 0.51099895e-3, 0.1056583755, 1.77686
LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}

CASES = ["S_dirac", "S_majorana", "S_complex", "P_dirac", "P_majorana"]

# =============================================================================
# (a) closed forms
# =============================================================================
def _beta(m, rs, lib=np):
    """velocity beta = sqrt(1 - 4 m^2/s) of each daughter of mass m (0 if closed)."""
    x = 1 - 4 * m * m / (rs * rs)
    if x <= 0:
        return 0 * x
    return lib.sqrt(x)


def width_ff(med, gf, mf, M, lib=np):
    """Gamma(X -> f fbar), X of mass M."""
    b = _beta(mf, M, lib)
    n = 3 if med == "S" else 1
    return gf**2 * M * b**n / (8 * lib.pi)


def width_dm(case, gchi, mchi, M, lib=np):
    """Gamma(X -> DM pair) for a mediator of mass M (mu_chi = gchi*mchi for complex)."""
    b = _beta(mchi, M, lib)
    if case == "S_dirac":
        return gchi**2 * M * b**3 / (8 * lib.pi)
    if case == "S_majorana":
        return gchi**2 * M * b**3 / (16 * lib.pi)
    if case == "S_complex":
        mu = gchi * mchi
        return mu**2 * b / (16 * lib.pi * M)
    if case == "P_dirac":
        return gchi**2 * M * b / (8 * lib.pi)
    if case == "P_majorana":
        return gchi**2 * M * b / (16 * lib.pi)
    raise ValueError(case)


def running_width(case, rs, gchi, mchi, sm_couplings, lib=np):
    """Gamma(sqrt s) = sum over open channels of the width of a mediator of mass sqrt(s).
    sm_couplings: dict lepton -> g_f."""
    med = case[0]
    G = width_dm(case, gchi, mchi, rs, lib)
    for l, g in sm_couplings.items():
        G = G + width_ff(med, g, LEPTON_MASS[l], rs, lib)
    return G


def D2(s, M, Gam):
    """|s - M^2 + i sqrt(s) Gamma|^2"""
    return (s - M * M) ** 2 + s * Gam * Gam


def sumM2_closed(case, s, mchi, mf, gchi, gf, M, Gam):
    """Sum over ALL spins (initial and final) of |M|^2 (not averaged)."""
    d2 = D2(s, M, Gam)
    if case in ("S_dirac", "S_majorana"):
        return 4 * gchi**2 * gf**2 * (s - 4 * mchi**2) * (s - 4 * mf**2) / d2
    if case == "S_complex":
        mu = gchi * mchi
        return 2 * mu**2 * gf**2 * (s - 4 * mf**2) / d2
    if case in ("P_dirac", "P_majorana"):
        return 4 * gchi**2 * gf**2 * s * s / d2
    raise ValueError(case)


def sigma_closed(case, s, mchi, mf, gchi, gf, M, Gam, lib=np):
    """sigma(s) for a given pair of initial particles, averaged over initial spins,
    summed over final spins, full solid angle (f fbar distinct). GeV^-2."""
    rs = lib.sqrt(s)
    bc, bf = _beta(mchi, rs, lib), _beta(mf, rs, lib)
    d2 = D2(s, M, Gam)
    if case in ("S_dirac", "S_majorana"):
        return gchi**2 * gf**2 * s * bc * bf**3 / (16 * lib.pi * d2)
    if case == "S_complex":
        mu = gchi * mchi
        return mu**2 * gf**2 * bf**3 / (8 * lib.pi * bc * d2)
    if case in ("P_dirac", "P_majorana"):
        return gchi**2 * gf**2 * s * bf / (16 * lib.pi * bc * d2)
    raise ValueError(case)


def sigma_running(case, rs, mchi, lepton, gchi, sm_couplings, M, lib=np):
    """sigma with the running width; final state lepton with coupling sm_couplings[lepton]."""
    Gam = running_width(case, rs, gchi, mchi, sm_couplings, lib)
    return sigma_closed(case, rs * rs, mchi, LEPTON_MASS[lepton], gchi,
                        sm_couplings[lepton], M, Gam, lib)


def sigmav_exact_of_v(case, v, mchi, lepton, gchi, sm_couplings, M):
    """sigma * v_Mol(CM) as an explicit function of v = 2 beta_chi (mpmath), with
    beta_chi = v/2 inserted explicitly (so that it is analytic in v at v=0+)."""
    mf = mp.mpf(LEPTON_MASS[lepton])
    gf = sm_couplings[lepton]
    med = case[0]
    b = v / 2
    s = 4 * mchi**2 / (1 - b * b)
    rs = mp.sqrt(s)
    # running width, DM part written with beta=v/2 explicitly
    if case == "S_dirac":
        Gchi = gchi**2 * rs * b**3 / (8 * mp.pi)
    elif case == "S_majorana":
        Gchi = gchi**2 * rs * b**3 / (16 * mp.pi)
    elif case == "S_complex":
        Gchi = (gchi * mchi) ** 2 * b / (16 * mp.pi * rs)
    elif case == "P_dirac":
        Gchi = gchi**2 * rs * b / (8 * mp.pi)
    else:
        Gchi = gchi**2 * rs * b / (16 * mp.pi)
    G = Gchi
    for l, g in sm_couplings.items():
        G += width_ff(med, g, mp.mpf(LEPTON_MASS[l]), rs, mp)
    d2 = (s - M * M) ** 2 + s * G * G
    bf = mp.sqrt(1 - 4 * mf * mf / s)
    if case in ("S_dirac", "S_majorana"):
        return gchi**2 * gf**2 * s * b * b * bf**3 / (8 * mp.pi * d2)
    if case == "S_complex":
        return (gchi * mchi) ** 2 * gf**2 * bf**3 / (4 * mp.pi * d2)
    return gchi**2 * gf**2 * s * bf / (8 * mp.pi * d2)


def nr_coefficients(case, mchi, lepton, gchi, sm_couplings, M, include_width=True):
    """Analytic NR expansion  sigma*v = a + c v + b v^2 + O(v^3),
    v = v_Mol in the CM frame = 2 beta_chi (s = 4 m^2/(1 - v^2/4)).
    c is the (non-analytic, width-induced) linear term from the running DM width.
    include_width=False: Gamma set to zero everywhere."""
    m = mchi
    mf = LEPTON_MASS[lepton]
    gf = sm_couplings[lepton]
    med = case[0]
    n = 3 if med == "S" else 1
    s0 = 4 * m * m
    bf0 = np.sqrt(1 - mf * mf / (m * m))
    # SM part of the width at sqrt(s0)=2m and its s-derivative through G(s)=s Gamma_f(s)^2
    G0, dG = 0.0, 0.0
    Gf0 = 0.0
    if include_width:
        for l, g in sm_couplings.items():
            ml = LEPTON_MASS[l]
            if 2 * ml >= 2 * m:
                continue
            Gl = width_ff(med, g, ml, 2 * m)
            Gf0 += Gl
        # G(s) = s (sum_l Gamma_l(s))^2 ; derivative: d/ds [s F(s)^2] with F=sum Gamma_l
        # dGamma_l/ds = Gamma_l (1/(2s) + 2 n m_l^2/(s (s-4 m_l^2)))
        dF = 0.0
        for l, g in sm_couplings.items():
            ml = LEPTON_MASS[l]
            if 2 * ml >= 2 * m:
                continue
            Gl = width_ff(med, g, ml, 2 * m)
            dF += Gl * (1 / (2 * s0) + 2 * n * ml * ml / (s0 * (s0 - 4 * ml * ml)))
        G0 = s0 * Gf0**2
        dG = Gf0**2 + 2 * s0 * Gf0 * dF
    D0 = (s0 - M * M) ** 2 + G0
    dE = 2 * (s0 - M * M) + dG          # d/ds of the even, s-dependent part of |D|^2
    # DM-channel pieces of |D|^2 = ... + 2 s Gf Gchi + s Gchi^2 ;  d1 v + e2 v^2
    d1, e2 = 0.0, 0.0
    if include_width:
        if case in ("P_dirac", "P_majorana"):
            kap = 1.0 if case == "P_dirac" else 0.5
            # Gchi = kap g^2 sqrt(s) (v/2)/(8 pi)
            d1 = 2 * s0 * Gf0 * kap * gchi**2 * np.sqrt(s0) / (16 * PI)
            e2 = s0 * (kap * gchi**2 * np.sqrt(s0) / (16 * PI)) ** 2
        elif case == "S_complex":
            mu = gchi * m
            # Gchi = mu^2 (v/2)/(16 pi sqrt(s))
            d1 = 2 * s0 * Gf0 * mu**2 / (32 * PI * np.sqrt(s0))
            e2 = s0 * (mu**2 / (32 * PI * np.sqrt(s0))) ** 2
        # S fermions: Gchi ~ v^3 -> O(v^3) in |D|^2 and O(v^5) in sigma v
    if case in ("S_dirac", "S_majorana"):
        a = 0.0
        c = 0.0
        b = gchi**2 * gf**2 * s0 * bf0**3 / (32 * PI * D0)
        return a, b, c
    if case == "S_complex":
        N0 = (gchi * m) ** 2 * gf**2 * bf0**3 / (4 * PI)
        dlnN = 2 * 3 * mf * mf / (s0 * (s0 - 4 * mf * mf))
    else:
        N0 = gchi**2 * gf**2 * s0 * bf0 / (8 * PI)
        dlnN = 1 / s0 + 2 * mf * mf / (s0 * (s0 - 4 * mf * mf))
    a = N0 / D0
    c = -a * d1 / D0
    # ds/d(v^2) = m^2 at v=0
    b = a * (m * m * (dlnN - dE / D0) - e2 / D0 + (d1 / D0) ** 2)
    return a, b, c


def nr_coefficients_numeric(case, mchi, lepton, gchi, sm_couplings, M, dps=40):
    """Taylor coefficients of the exact sigma*v(v) at v=0+ (mpmath, high precision)."""
    with mp.workdps(dps):
        f = lambda v: sigmav_exact_of_v(case, v, mp.mpf(mchi), lepton, mp.mpf(gchi),
                                        {k: mp.mpf(x) for k, x in sm_couplings.items()},
                                        mp.mpf(M))
        co = mp.taylor(f, mp.mpf(0), 2)
        return float(co[0]), float(co[2]), float(co[1])


# =============================================================================
# (b) explicit spinors
# =============================================================================
I2 = np.eye(2, dtype=complex)
Z2 = np.zeros((2, 2), dtype=complex)
SIG = [np.array([[0, 1], [1, 0]], dtype=complex),
       np.array([[0, -1j], [1j, 0]], dtype=complex),
       np.array([[1, 0], [0, -1]], dtype=complex)]
G0 = np.block([[I2, Z2], [Z2, -I2]])
GI = [np.block([[Z2, sk], [-sk, Z2]]) for sk in SIG]
GAM = [G0] + GI
G5 = 1j * G0 @ GI[0] @ GI[1] @ GI[2]
CC = 1j * GAM[2] @ GAM[0]          # charge conjugation matrix C = i g2 g0
ETA = np.diag([1.0, -1.0, -1.0, -1.0])
ONE4 = np.eye(4, dtype=complex)


def slash(p):
    return p[0] * GAM[0] - p[1] * GAM[1] - p[2] * GAM[2] - p[3] * GAM[3]


def mdot(p, q):
    return p[0] * q[0] - p[1] * q[1] - p[2] * q[2] - p[3] * q[3]


def u_spinor(p, m, s):
    """Dirac-rep u(p,s), s=0,1 -> xi = (1,0),(0,1). Normalisation ubar u = 2m."""
    E = p[0]
    xi = np.array([1, 0], dtype=complex) if s == 0 else np.array([0, 1], dtype=complex)
    sp = p[1] * SIG[0] + p[2] * SIG[1] + p[3] * SIG[2]
    return np.concatenate([np.sqrt(E + m) * xi, sp @ xi / np.sqrt(E + m)])


def bar(w):
    return w.conj() @ G0


def v_spinor(p, m, s):
    """v(p,s) = C ubar(p,s)^T (Majorana condition compatible)."""
    return CC @ bar(u_spinor(p, m, s))


def boost_matrix(bvec):
    b = np.asarray(bvec, float)
    b2 = b @ b
    g = 1 / np.sqrt(1 - b2)
    L = np.eye(4)
    L[0, 0] = g
    L[0, 1:] = L[1:, 0] = g * b
    L[1:, 1:] += (g - 1) * np.outer(b, b) / b2
    return L


def rand_unit(rng):
    c = rng.uniform(-1, 1)
    ph = rng.uniform(0, 2 * PI)
    s = np.sqrt(1 - c * c)
    return np.array([s * np.cos(ph), s * np.sin(ph), c])


def two_body(rs, m1, m2, nhat):
    """momenta of a 2-body state with total (rs,0,0,0), particle 1 along nhat."""
    s = rs * rs
    p = np.sqrt((s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)) / (2 * rs)
    E1 = np.sqrt(p * p + m1 * m1)
    E2 = np.sqrt(p * p + m2 * m2)
    return np.concatenate([[E1], p * nhat]), np.concatenate([[E2], -p * nhat])


def check_spinors(rng, npts=20):
    """Dirac eqs, completeness, gamma algebra. Returns max abs deviation."""
    worst = 0.0
    for mu in range(4):
        for nu in range(4):
            a = GAM[mu] @ GAM[nu] + GAM[nu] @ GAM[mu]
            worst = max(worst, np.abs(a - 2 * ETA[mu, nu] * ONE4).max())
    worst = max(worst, np.abs(G5 @ G5 - ONE4).max())
    for mu in range(4):
        worst = max(worst, np.abs(G5 @ GAM[mu] + GAM[mu] @ G5).max())
    for _ in range(npts):
        m = rng.uniform(0.01, 2.0)
        pv = rng.normal(size=3) * rng.uniform(0.01, 5.0)
        p = np.concatenate([[np.sqrt(pv @ pv + m * m)], pv])
        su = np.zeros((4, 4), complex)
        sv = np.zeros((4, 4), complex)
        for s in (0, 1):
            u = u_spinor(p, m, s)
            v = v_spinor(p, m, s)
            worst = max(worst, np.abs((slash(p) - m * ONE4) @ u).max() / p[0])
            worst = max(worst, np.abs((slash(p) + m * ONE4) @ v).max() / p[0])
            su += np.outer(u, bar(u))
            sv += np.outer(v, bar(v))
        worst = max(worst, np.abs(su - (slash(p) + m * ONE4)).max() / p[0])
        worst = max(worst, np.abs(sv - (slash(p) - m * ONE4)).max() / p[0])
    return worst


def vertex_matrix(med):
    """Dirac structure of the vertex with the factor i from i*L:
    S: i*g*1,  P: i*g*(i g5) -> returns the matrix multiplying g."""
    return 1j * ONE4 if med == "S" else 1j * (1j * G5)


def amp_initial(case, p1, s1, p2, s2, mchi, gchi):
    """DM side of the amplitude (incl. i from the vertex).
    Dirac: psi(p1,s1) psibar(p2,s2) -> vbar(p2) V u(p1).
    Majorana: chi(p1,s1) chi(p2,s2): both Wick contractions of (1/2) chibar V chi,
      <0| (1/2) chibar V chi |p1 p2> = (1/2)[vbar(p2) V u(p1) - vbar(p1) V u(p2)]
      (relative minus from a(k)a(q) a^+(p1) a^+(p2)|0>).
    complex scalar: -i mu."""
    med = case[0]
    if case == "S_complex":
        return -1j * gchi * mchi
    V = vertex_matrix(med)
    u1 = u_spinor(p1, mchi, s1)
    u2 = u_spinor(p2, mchi, s2)
    v1 = v_spinor(p1, mchi, s1)
    v2 = v_spinor(p2, mchi, s2)
    A1 = bar(v2) @ V @ u1
    if case.endswith("dirac"):
        return gchi * A1
    A2 = bar(v1) @ V @ u2
    return gchi * 0.5 * (A1 - A2)


def amp_final(med, k1, r1, k2, r2, mf, gf):
    """f(k1,r1) fbar(k2,r2) side: ubar(k1) V v(k2)."""
    V = vertex_matrix(med)
    return gf * (bar(u_spinor(k1, mf, r1)) @ V @ v_spinor(k2, mf, r2))


def sumM2_spinor(case, p1, p2, k1, k2, mchi, mf, gchi, gf, M, Gam):
    """Sum over all spins of |M|^2, explicit spinors; iM = A_i * i/(s-M^2+i rs Gam) * A_f."""
    P = p1 + p2
    s = mdot(P, P)
    prop = 1j / (s - M * M + 1j * np.sqrt(s) * Gam)
    med = case[0]
    Af = np.array([[amp_final(med, k1, r1, k2, r2, mf, gf) for r2 in (0, 1)] for r1 in (0, 1)])
    if case == "S_complex":
        Ai = np.array([[amp_initial(case, p1, 0, p2, 0, mchi, gchi)]])
    else:
        Ai = np.array([[amp_initial(case, p1, s1, p2, s2, mchi, gchi) for s2 in (0, 1)]
                       for s1 in (0, 1)])
    tot = 0.0
    for ai in Ai.ravel():
        for af in Af.ravel():
            tot += abs(ai * prop * af) ** 2
    return tot


def majorana_contraction_ratio(case, p1, s1, p2, s2, mchi):
    """returns vbar(p1)Vu(p2) / vbar(p2)Vu(p1) (expected -1)."""
    V = vertex_matrix(case[0])
    A1 = bar(v_spinor(p2, mchi, s2)) @ V @ u_spinor(p1, mchi, s1)
    A2 = bar(v_spinor(p1, mchi, s1)) @ V @ u_spinor(p2, mchi, s2)
    return A2 / A1 if abs(A1) > 1e-12 * (p1[0] + p2[0]) else None


def gauss_sphere(ncos=12, nphi=12):
    x, w = np.polynomial.legendre.leggauss(ncos)
    phis = (np.arange(nphi) + 0.5) * 2 * PI / nphi
    pts = []
    for c, wc in zip(x, w):
        sn = np.sqrt(1 - c * c)
        for ph in phis:
            pts.append((np.array([sn * np.cos(ph), sn * np.sin(ph), c]), wc * 2 * PI / nphi))
    return pts


def sigma_numeric(case, rs, mchi, mf, gchi, gf, M, Gam, rng, ncos=12, nphi=12):
    """sigma = 1/(4F) int dPhi_2 <|M|^2>, CM frame, angular quadrature.
    F = sqrt((p1.p2)^2 - m^4); dPhi_2 = |k|/(16 pi^2 rs) dOmega; initial-spin average
    1/4 for fermions, 1 for the complex scalar. Beam along a random axis."""
    nin = rand_unit(rng)
    p1, p2 = two_body(rs, mchi, mchi, nin)
    F = np.sqrt(mdot(p1, p2) ** 2 - mchi**4)
    kf = np.sqrt(rs * rs / 4 - mf * mf)
    avg = 1.0 if case == "S_complex" else 0.25
    tot = 0.0
    for nh, w in gauss_sphere(ncos, nphi):
        k1, k2 = two_body(rs, mf, mf, nh)
        tot += w * avg * sumM2_spinor(case, p1, p2, k1, k2, mchi, mf, gchi, gf, M, Gam)
    return tot * kf / (16 * PI**2 * rs) / (4 * F)


# =============================================================================
# (c) widths from explicit spinor sums
# =============================================================================
def width_numeric(med, final, M, m, g, ncos=8, nphi=8):
    """Gamma(X -> pair) = S/(2M) int dPhi_2 Sum|M|^2, S = 1/2 for identical Majorana.
    final in {'dirac','majorana','complex'}; for 'complex' g is mu."""
    kf = np.sqrt(M * M / 4 - m * m)
    tot = 0.0
    V = vertex_matrix(med)
    for nh, w in gauss_sphere(ncos, nphi):
        k1, k2 = two_body(M, m, m, nh)
        if final == "complex":
            tot += w * abs(-1j * g) ** 2
            continue
        for r1 in (0, 1):
            for r2 in (0, 1):
                B1 = bar(u_spinor(k1, m, r1)) @ V @ v_spinor(k2, m, r2)
                if final == "dirac":
                    amp = g * B1
                else:
                    # <k1 r1, k2 r2| (1/2) chibar V chi |0>: both contractions
                    B2 = bar(u_spinor(k2, m, r2)) @ V @ v_spinor(k1, m, r1)
                    amp = g * 0.5 * (B1 - B2)
                tot += w * abs(amp) ** 2
    S = 0.5 if final == "majorana" else 1.0
    return S / (2 * M) * tot * kf / (16 * PI**2 * M)


# =============================================================================
# checks
# =============================================================================
def run_checks(seed=12345, npts=40, verbose=True):
    rng = np.random.default_rng(seed)
    res = {}
    res["spinor_algebra"] = check_spinors(rng)

    # Majorana contraction relation vbar(p1)Vu(p2) = - vbar(p2)Vu(p1)
    w = 0.0
    for _ in range(npts):
        m = rng.uniform(0.05, 1.0)
        rs = 2 * m * rng.uniform(1.01, 3.0)
        p1, p2 = two_body(rs, m, m, rand_unit(rng))
        L = boost_matrix(rand_unit(rng) * rng.uniform(0, 0.9))
        p1, p2 = L @ p1, L @ p2
        for case in ("S_majorana", "P_majorana"):
            for s1 in (0, 1):
                for s2 in (0, 1):
                    r = majorana_contraction_ratio(case, p1, s1, p2, s2, m)
                    if r is not None:
                        w = max(w, abs(r + 1))
    res["majorana_A2/A1+1"] = w

    # Sum|M|^2 : spinors (random boosted frames) vs closed form
    w = 0.0
    for _ in range(npts):
        for case in CASES:
            mchi = rng.uniform(0.01, 2.0)
            mf = LEPTON_MASS[rng.choice(["e", "mu", "tau"])]
            rs = max(2 * mchi, 2 * mf) * rng.uniform(1.001, 4.0)
            M = rng.uniform(0.1, 5.0)
            Gam = rng.uniform(0, 0.5) * M
            gchi, gf = rng.uniform(0.1, 2.0), rng.uniform(0.1, 2.0)
            p1, p2 = two_body(rs, mchi, mchi, rand_unit(rng))
            k1, k2 = two_body(rs, mf, mf, rand_unit(rng))
            L = boost_matrix(rand_unit(rng) * rng.uniform(0, 0.95))
            p1, p2, k1, k2 = L @ p1, L @ p2, L @ k1, L @ k2
            num = sumM2_spinor(case, p1, p2, k1, k2, mchi, mf, gchi, gf, M, Gam)
            cl = sumM2_closed(case, rs * rs, mchi, mf, gchi, gf, M, Gam)
            w = max(w, abs(num / cl - 1))
    res["sumM2_rel"] = w

    # sigma: numerical phase space vs closed form
    w = 0.0
    for _ in range(max(4, npts // 4)):
        for case in CASES:
            mchi = rng.uniform(0.01, 2.0)
            mf = LEPTON_MASS[rng.choice(["e", "mu", "tau"])]
            rs = max(2 * mchi, 2 * mf) * rng.uniform(1.001, 4.0)
            M = rng.uniform(0.1, 5.0)
            Gam = rng.uniform(0, 0.5) * M
            gchi, gf = rng.uniform(0.1, 2.0), rng.uniform(0.1, 2.0)
            num = sigma_numeric(case, rs, mchi, mf, gchi, gf, M, Gam, rng, 6, 6)
            cl = sigma_closed(case, rs * rs, mchi, mf, gchi, gf, M, Gam)
            w = max(w, abs(num / cl - 1))
    # plus the benchmark points of numbers.md with the running width
    for case in CASES:
        for rs in (0.25, 0.29, 0.31, 0.5):
            Gam = running_width(case, rs, 1.0, 0.1, {"mu": 1.0})
            num = sigma_numeric(case, rs, 0.1, M_MU, 1.0, 1.0, 0.3, Gam, rng, 6, 6)
            cl = sigma_running(case, rs, 0.1, "mu", 1.0, {"mu": 1.0}, 0.3)
            w = max(w, abs(num / cl - 1))
    res["sigma_rel"] = w

    # widths
    w = 0.0
    for _ in range(npts // 4):
        M = rng.uniform(0.5, 10.0)
        m = 0.5 * M * rng.uniform(0.01, 0.99)
        g = rng.uniform(0.1, 2.0)
        checks = [
            (width_numeric("S", "dirac", M, m, g), g**2 * M * _beta(m, M) ** 3 / (8 * PI)),
            (width_numeric("S", "majorana", M, m, g), g**2 * M * _beta(m, M) ** 3 / (16 * PI)),
            (width_numeric("P", "dirac", M, m, g), g**2 * M * _beta(m, M) / (8 * PI)),
            (width_numeric("P", "majorana", M, m, g), g**2 * M * _beta(m, M) / (16 * PI)),
            (width_numeric("S", "complex", M, m, g * m), (g * m) ** 2 * _beta(m, M) / (16 * PI * M)),
            # code functions themselves
            (width_numeric("S", "dirac", M, m, g), width_ff("S", g, m, M)),
            (width_numeric("P", "dirac", M, m, g), width_ff("P", g, m, M)),
            (width_numeric("S", "dirac", M, m, g), width_dm("S_dirac", g, m, M)),
            (width_numeric("S", "majorana", M, m, g), width_dm("S_majorana", g, m, M)),
            (width_numeric("S", "complex", M, m, g * m), width_dm("S_complex", g, m, M)),
            (width_numeric("P", "dirac", M, m, g), width_dm("P_dirac", g, m, M)),
            (width_numeric("P", "majorana", M, m, g), width_dm("P_majorana", g, m, M)),
        ]
        for a, b in checks:
            w = max(w, abs(a / b - 1))
    res["width_rel"] = w

    # NR coefficients: analytic vs Taylor of exact sigma v (mpmath)
    w_a = w_b = w_c = 0.0
    for case in CASES:
        for cpl in ({"mu": 1.0}, {"mu": 1.0, "e": 0.7}):
            for (mchi, M) in ((0.15, 0.5), (0.2, 0.3), (1.0, 0.4)):
                A = nr_coefficients(case, mchi, "mu", 1.0, cpl, M)
                N = nr_coefficients_numeric(case, mchi, "mu", 1.0, cpl, M)
                sc = max(abs(N[0]), abs(N[1]))
                w_a = max(w_a, abs(A[0] - N[0]) / sc)
                w_b = max(w_b, abs(A[1] - N[1]) / sc)
                w_c = max(w_c, abs(A[2] - N[2]) / sc)
    res["NR_a"] = w_a
    res["NR_b"] = w_b
    res["NR_c"] = w_c
    if verbose:
        for k, v in res.items():
            print(f"  {k:22s} worst residual = {v:.3e}")
    return res


def table_sigma(dps=30):
    """sigma(s) table for numbers.md (mpmath, 30 digits)."""
    out = {}
    with mp.workdps(dps):
        for case in CASES:
            for rs in ("0.25", "0.29", "0.31", "0.5"):
                r = mp.mpf(rs)
                G = running_width(case, r, mp.mpf(1), mp.mpf("0.1"), {"mu": mp.mpf(1)}, mp)
                sig = sigma_running(case, r, mp.mpf("0.1"), "mu", mp.mpf(1), {"mu": mp.mpf(1)},
                                    mp.mpf("0.3"), mp)
                out[(case, rs)] = (sig, G)
    return out


# =============================================================================
# (e) thermal average (Gondolo-Gelmini) -- extra, for relic-code cross checks
# =============================================================================
def thermal_average_GG(sigma_of_s, m, x, extra_points=(), dps=30):
    """<sigma v_Mol> = 1/(8 m^4 T K2(x)^2) int_{4m^2}^inf sigma(s) (s-4m^2) sqrt(s) K1(sqrt(s)/T) ds,
    T = m/x, with sigma the per-pair cross section of derivation.md.  Integration variable
    t = beta*sqrt(x), s = 4 m^2/(1-beta^2); exponentials factored analytically.
    extra_points: sqrt(s) values (e.g. resonance M +- k Gamma) used as break points."""
    with mp.workdps(dps):
        m = mp.mpf(m); x = mp.mpf(x); sx = mp.sqrt(x)
        def integrand(t):
            b = t / sx
            if b >= 1 or b < mp.mpf(10) ** (-(dps // 3)):   # integrand ~ beta^2 there
                return mp.mpf(0)
            s = 4 * m * m / (1 - b * b)
            ds = 8 * m * m * b / (1 - b * b) ** 2 / sx
            z = mp.sqrt(s) * x / m
            # K1(z) / K2(x)^2 = [K1(z) e^z] e^{-(z-2x)} / [K2(x) e^x]^2
            return sigma_of_s(s) * (s - 4 * m * m) * mp.sqrt(s) * mp.besselk(1, z) * mp.exp(2 * x) * ds
        pts = [mp.mpf(0)] + [mp.mpf(k) / 2 for k in range(1, 25)]
        for rs in extra_points:
            rs = mp.mpf(rs)
            if rs > 2 * m:
                pts.append(mp.sqrt(1 - 4 * m * m / (rs * rs)) * sx)
        tmax = min(sx * (1 - mp.mpf(10) ** -12), mp.mpf(60))
        pts = sorted(set(p for p in pts if p < tmax)) + [tmax]
        I = mp.quad(integrand, pts)
        T = m / x
        return I / (8 * m**4 * T * (mp.besselk(2, x) * mp.exp(x)) ** 2)


def thermal_average_GG_scipy(sigma_of_s, m, x, extra_points=()):
    """Double-precision version of thermal_average_GG (scipy quad, exponentially scaled
    Bessel functions).  Independent implementation used to cross-check the mpmath one."""
    from scipy.integrate import quad
    from scipy.special import kve
    sx = np.sqrt(x)
    def integrand(t):
        b = t / sx
        if b <= 0 or b >= 1:
            return 0.0
        s = 4 * m * m / (1 - b * b)
        ds = 8 * m * m * b / (1 - b * b) ** 2 / sx
        z = np.sqrt(s) * x / m
        return sigma_of_s(s) * (s - 4 * m * m) * np.sqrt(s) * kve(1, z) * np.exp(-(z - 2 * x)) * ds
    pts = [k / 2 for k in range(1, 25)]
    for rs in extra_points:
        if rs > 2 * m:
            pts.append(np.sqrt(1 - 4 * m * m / (rs * rs)) * sx)
    tmax = min(sx * (1 - 1e-12), 60.0)
    pts = sorted(set(q for q in pts if q < tmax))
    edges = [0.0] + pts + [tmax]
    I = sum(quad(integrand, lo, hi, epsabs=0, epsrel=1e-13, limit=400)[0]
            for lo, hi in zip(edges[:-1], edges[1:]))
    T = m / x
    return I / (8 * m**4 * T * kve(2, x) ** 2)


def check_thermal_nr(xs=(1e3, 1e4), dps=20):
    """Numerically establishes <sigma v>_GG = a(1-3/(2x)) + 6b/x + c 4/sqrt(pi x) + ...
    for sigma v_Mol(CM) = a + c v + b v^2 (v = 2 beta). Returns the extracted coefficients
    at the largest x: ( (r_a-1)x , r_b x , r_c sqrt(pi x)/4 )."""
    out = []
    for x in xs:
        ra = thermal_average_GG(lambda s: 1 / (2 * mp.sqrt(1 - 4 / s)), 1, x, dps=dps)
        rb = thermal_average_GG(lambda s: 4 * (1 - 4 / s) / (2 * mp.sqrt(1 - 4 / s)), 1, x, dps=dps)
        rc = thermal_average_GG(lambda s: mp.mpf(1), 1, x, dps=dps)
        out.append((float((ra - 1) * x), float(rb * x), float(rc * mp.sqrt(mp.pi * x) / 4)))
    return out


if __name__ == "__main__":
    print("== checks ==")
    run_checks()
    print("\n== sigma(s) [GeV^-2], M=0.3, m_chi=0.1, f=mu, g_mu=g_chi=1, g_e=0 ==")
    T = table_sigma()
    for case in CASES:
        for rs in ("0.25", "0.29", "0.31", "0.5"):
            sig, G = T[(case, rs)]
            print(f"  {case:11s} rs={rs:5s} Gamma={mp.nstr(G, 15):>22s}  sigma={mp.nstr(sig, 15)}")
    print("\n== NR: sigma v = a + c v + b v^2, v = 2 beta (CM Moller), M=0.5, m_chi=0.15, f=mu ==")
    for case in CASES:
        a, b, c = nr_coefficients(case, 0.15, "mu", 1.0, {"mu": 1.0}, 0.5)
        a0, b0, c0 = nr_coefficients(case, 0.15, "mu", 1.0, {"mu": 1.0}, 0.5, include_width=False)
        an, bn, cn = nr_coefficients_numeric(case, 0.15, "mu", 1.0, {"mu": 1.0}, 0.5)
        print(f"  {case:11s} a={a:.15e} b={b:.15e} c={c:.6e} | Gamma=0: a={a0:.15e} b={b0:.15e}"
              f" | taylor a={an:.15e} b={bn:.15e} c={cn:.6e}")

    print("\n== GG thermal average of pure a, b, c terms (m=1) ==")
    for x, r in zip((1e3, 1e4), check_thermal_nr()):
        print(f"  x={x:.0e}: (<a>-1)x = {r[0]:.8f} (-> -3/2),  <b v^2> x = {r[1]:.8f} (-> 6),"
              f"  <c v> sqrt(pi x)/4 = {r[2]:.8f} (-> 1)")
    print("\n== <sigma v>_GG exact sigma(s), running width, M=0.5, m_chi=0.15, f=mu [GeV^-2] ==")
    with mp.workdps(40):   # build constants ONCE so the same binary m_chi is used everywhere
        mc, one, Mm = mp.mpf("0.15"), mp.mpf(1), mp.mpf("0.5")
    for case in CASES:
        G_M = running_width(case, 0.5, 1.0, 0.15, {"mu": 1.0})
        ep = [0.5 + k * G_M for k in (-20, -5, -2, -1, -0.5, 0, 0.5, 1, 2, 5, 20)]
        fs = lambda s, case=case: sigma_running(case, np.sqrt(s), 0.15, "mu", 1.0, {"mu": 1.0}, 0.5)
        fm = lambda s, case=case: sigma_running(case, mp.sqrt(s), mc, "mu", one, {"mu": one}, Mm, mp)
        a, b, c = nr_coefficients(case, 0.15, "mu", 1.0, {"mu": 1.0}, 0.5)
        for x in (10, 20, 25):
            r_sp = thermal_average_GG_scipy(fs, 0.15, x, ep)
            r_mp = thermal_average_GG(fm, mc, x, ep, dps=18) if x == 20 else None
            nr = a * (1 - 1.5 / x) + 6 * b / x + c * 4 / np.sqrt(PI * x)
            extra = f"  mpmath={mp.nstr(r_mp, 14)} (rel diff {abs(float(r_mp)/r_sp-1):.1e})" if r_mp is not None else ""
            print(f"  {case:11s} x={x:2d}: scipy={r_sp:.12e}  NR(a,b,c)={nr:.6e}{extra}")
