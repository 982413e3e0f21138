"""Independent reference formulas and numerical checks for muon-beam missing-energy physics.

Written from first principles (see widths.md, gm2.md, offshell.md in this directory).
Nothing here is taken from the package under test or from any external code.

Conventions
-----------
* Metric (+,-,-,-); gamma matrices in the Dirac representation; gamma5 = i g0 g1 g2 g3.
* Interaction Lagrangians  L > g_f X f-bar Gamma f, Gamma = gamma^a (V), gamma^a gamma5 (A),
  1 (S), i gamma5 (P).  Neutrinos: g_nu X_a nu-bar gamma^a P_L nu (V and A mediators only).
* Dark sector ("DM") couplings, see widths.md section 2:
    V: complex scalar  i g (phi* d phi - phi d phi*) X ;  Dirac g psibar gamma psi X ;
       Majorana (1/2) g chibar gamma gamma5 chi X ;  pseudo-Dirac: vertex g chibar_2 gamma chi_1
       (the Dirac-limit normalisation, see widths.md 2.4).
    A: Dirac g psibar gamma gamma5 psi ; Majorana (1/2) g chibar gamma gamma5 chi ;
       complex scalar current as for V (P-violating, allowed).
    S: Dirac g psibar psi ; Majorana (1/2) g chibar chi ; complex scalar  -mu_chi S phi* phi.
    P: Dirac g psibar i gamma5 psi ; Majorana (1/2) g chibar i gamma5 chi.
* Units: GeV.  Masses PDG 2024.

Run ``python reference.py`` to execute every numerical check; the output is reproduced in
checks_output.txt.
"""
from __future__ import annotations

import math
import numpy as np
import mpmath as mp

# ----------------------------------------------------------------------------------------------
# constants (GeV)  -- PDG 2024 (Review of Particle Physics, PTEP 2024 / PRD 110 030001)
# ----------------------------------------------------------------------------------------------
M_E = 0.51099895000e-3
M_MU = 0.1056583755
M_TAU = 1.77693
ALPHA = 1.0 / 137.035999084          # CODATA 2018, Thomson limit
LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}
PI = math.pi


# ==============================================================================================
# 1. analytic two-body widths
# ==============================================================================================
def kallen(a, b, c):
    return a * a + b * b + c * c - 2 * a * b - 2 * a * c - 2 * b * c


def beta2(M, m1, m2):
    """sqrt(lambda(M^2,m1^2,m2^2))/M^2  (= seed 000 Eq. 21 beta(k,m1,m2)); 0 below threshold."""
    M2 = M * M
    if M <= m1 + m2:
        return 0.0
    return math.sqrt(max(kallen(M2, m1 * m1, m2 * m2), 0.0)) / M2


def width_fermion_pair(M, m1, m2, vertex, g=1.0, identical=False):
    """Gamma(X -> f1 f2) for a vertex g*Gamma between u-bar(f1) and v(f2), arbitrary masses.

    vertex in {"V","A","S","P"}; identical=True multiplies by 1/2 (Majorana pair, the vertex
    factor g already includes the 2 from the two Wick contractions of (1/2) g chibar Gamma chi).
    Spin-1: averaged over the 3 polarisations.  Derivation: widths.md section 1.
    """
    if M <= m1 + m2:
        return 0.0
    M2 = M * M
    s1, s2 = m1 * m1, m2 * m2
    sq = math.sqrt(kallen(M2, s1, s2))        # = 2 M |p*|
    d2 = (s1 - s2) ** 2
    if vertex == "V":
        K = M2 * M2 - 0.5 * M2 * (s1 + s2) - 0.5 * d2 + 3.0 * M2 * m1 * m2
        G = g * g * K * sq / (12 * PI * M2 * M2 * M)
    elif vertex == "A":
        K = M2 * M2 - 0.5 * M2 * (s1 + s2) - 0.5 * d2 - 3.0 * M2 * m1 * m2
        G = g * g * K * sq / (12 * PI * M2 * M2 * M)
    elif vertex == "S":
        G = g * g * sq * (M2 - (m1 + m2) ** 2) / (8 * PI * M2 * M)
    elif vertex == "P":
        G = g * g * sq * (M2 - (m1 - m2) ** 2) / (8 * PI * M2 * M)
    else:
        raise ValueError(vertex)
    return 0.5 * G if identical else G


def width_ff(M, mf, spin, g=1.0):
    """Gamma(X -> f fbar), Dirac fermion f, X coupling g X fbar Gamma f.
    V: g^2 M (1+2r) b /12pi ; A: g^2 M b^3/12pi ; S: g^2 M b^3/8pi ; P: g^2 M b/8pi."""
    return width_fermion_pair(M, mf, mf, spin, g)


def width_nunu(M, spin, g=1.0):
    """Gamma(X -> nu nubar) per left-handed flavour, coupling g X nubar gamma P_L nu
    (V or A mediator) = g^2 M/24pi.  S, P: no nu_R -> 0."""
    if spin in ("V", "A"):
        return g * g * M / (24 * PI)
    return 0.0


def width_dm(M, mchi, spin, dm, g=1.0, delta=0.0, mu_chi=None):
    """Gamma(X -> dark-sector pair).

    dm in {"scalar","dirac","majorana","pseudodirac"}.
    scalar: V/A: g^2 M b^3/48pi ; S: mu_chi^2 b/(16 pi M) (mu_chi dimensionful, default g*mchi);
            P: absent (CP-violating) -> raises.
    pseudodirac: V: off-diagonal chi1 chi2 width with m2 = m1(1+delta) (vertex g gamma);
            S/A/P: the Dirac bilinear becomes diagonal: chi1 chi1 + chi2 chi2, each Majorana-like.
    """
    if dm == "dirac":
        return width_fermion_pair(M, mchi, mchi, spin, g)
    if dm == "majorana":
        v = "A" if spin == "V" else spin          # Majorana vector current vanishes -> axial
        return width_fermion_pair(M, mchi, mchi, v, g, identical=True)
    if dm == "pseudodirac":
        m1, m2 = mchi, mchi * (1 + delta)
        if spin == "V":
            return width_fermion_pair(M, m1, m2, "V", g)
        return (width_fermion_pair(M, m1, m1, spin, g, identical=True)
                + width_fermion_pair(M, m2, m2, spin, g, identical=True))
    if dm == "scalar":
        b = beta2(M, mchi, mchi)
        if spin in ("V", "A"):
            return g * g * M * b ** 3 / (48 * PI)
        if spin == "S":
            mu = g * mchi if mu_chi is None else mu_chi
            return mu * mu * b / (16 * PI * M)
        raise ValueError("pseudoscalar coupling to phi* phi is CP violating: declared absent")
    raise ValueError(dm)


# ==============================================================================================
# 2. Dirac algebra with explicit matrices/spinors (for the numerical checks)
# ==============================================================================================
_sx = np.array([[0, 1], [1, 0]], dtype=complex)
_sy = np.array([[0, -1j], [1j, 0]], dtype=complex)
_sz = np.array([[1, 0], [0, -1]], dtype=complex)
_I2 = np.eye(2, dtype=complex)
_Z2 = np.zeros((2, 2), dtype=complex)
G0 = np.block([[_I2, _Z2], [_Z2, -_I2]])
GAM = [G0] + [np.block([[_Z2, s], [-s, _Z2]]) for s in (_sx, _sy, _sz)]
G5 = 1j * GAM[0] @ GAM[1] @ GAM[2] @ GAM[3]
I4 = np.eye(4, dtype=complex)
CMAT = 1j * GAM[2] @ GAM[0]          # charge conjugation matrix, v = C ubar^T
METRIC = np.diag([1.0, -1.0, -1.0, -1.0])


def mdot(a, b):
    return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]


def slash(p):
    return GAM[0] * p[0] - GAM[1] * p[1] - GAM[2] * p[2] - GAM[3] * p[3]


def u_spinor(p, m, s):
    xi = np.array([1, 0], dtype=complex) if s == 0 else np.array([0, 1], dtype=complex)
    E = p[0]
    sp = _sx * p[1] + _sy * p[2] + _sz * p[3]
    n = math.sqrt(E + m)
    return np.concatenate([n * xi, sp @ xi / n])


def bar(sp):
    return sp.conj() @ G0


def v_spinor(p, m, s):
    """v = C ubar^T (Majorana-consistent convention)."""
    return CMAT @ bar(u_spinor(p, m, s))


def boost(vec, bvec):
    """Lorentz boost of 4-vector vec by velocity bvec (3-vector)."""
    b2 = float(np.dot(bvec, bvec))
    if b2 < 1e-30:
        return np.array(vec, dtype=float)
    gam = 1.0 / math.sqrt(1 - b2)
    bp = float(np.dot(bvec, vec[1:]))
    t = gam * (vec[0] + bp)
    sp = vec[1:] + ((gam - 1) * bp / b2 + gam * vec[0]) * np.asarray(bvec)
    return np.concatenate([[t], sp])


def pol_vectors_massive(k, m):
    kv = np.asarray(k[1:], dtype=float)
    kk = float(np.linalg.norm(kv))
    n = kv / kk if kk > 1e-14 else np.array([0.0, 0.0, 1.0])
    a = np.array([1.0, 0, 0]) if abs(n[0]) < 0.9 else np.array([0, 1.0, 0])
    e1 = a - np.dot(a, n) * n
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(n, e1)
    return [np.concatenate([[0.0], e1]), np.concatenate([[0.0], e2]),
            np.concatenate([[kk / m], (k[0] / m) * n])]


def pol_vectors_photon(q):
    return pol_vectors_massive(q, 1.0)[:2]


def vertex_matrix(spin, eps=None):
    if spin == "V":
        return slash(eps)
    if spin == "A":
        return slash(eps) @ G5
    if spin == "S":
        return I4
    if spin == "P":
        return 1j * G5
    raise ValueError(spin)


def vertex_upper(spin, a):
    """Gamma^a (upper index) for spin-1 vertices."""
    return GAM[a] if spin == "V" else GAM[a] @ G5


# ---------------------------------------------------------------------------------------------
# 2a. numerical widths from explicit spin / polarisation sums
# ---------------------------------------------------------------------------------------------
def _decay_momenta(M, m1, m2, n):
    E1 = (M * M + m1 * m1 - m2 * m2) / (2 * M)
    E2 = M - E1
    p = math.sqrt(kallen(M * M, m1 * m1, m2 * m2)) / (2 * M)
    n = np.asarray(n, float) / np.linalg.norm(n)
    return np.concatenate([[E1], p * n]), np.concatenate([[E2], -p * n]), p


def width_numeric(M, m1, m2, spin, kind="dirac", ndir=5, seed=1):
    """Gamma from explicit amplitudes, g = 1.  kind: 'dirac' (u-bar(f1) Gamma v(f2)),
    'majorana' (L = (1/2) chibar Gamma chi, both Wick contractions, 1/2 symmetry factor),
    'scalar' (complex scalar current / trilinear with mu=1).  Also returns the spread of the
    pol-summed |M|^2 over ndir random directions (isotropy check)."""
    rng = np.random.default_rng(seed)
    kX = np.array([M, 0.0, 0.0, 0.0])
    vals = []
    for _ in range(ndir):
        k1, k2, p = _decay_momenta(M, m1, m2, rng.normal(size=3))
        pols = pol_vectors_massive(kX, M) if spin in ("V", "A") else [None]
        tot = 0.0
        for eps in pols:
            if kind == "scalar":
                amp = mdot(k1 - k2, eps) if spin in ("V", "A") else 1.0
                tot += abs(amp) ** 2
                continue
            Gm = vertex_matrix(spin, eps)
            for s1 in (0, 1):
                for s2 in (0, 1):
                    if kind == "dirac":
                        amp = bar(u_spinor(k1, m1, s1)) @ Gm @ v_spinor(k2, m2, s2)
                    else:   # majorana, m1 == m2
                        a1 = bar(u_spinor(k1, m1, s1)) @ Gm @ v_spinor(k2, m2, s2)
                        a2 = bar(u_spinor(k2, m2, s2)) @ Gm @ v_spinor(k1, m1, s1)
                        amp = 0.5 * (a1 - a2)
                    tot += abs(amp) ** 2
        vals.append(tot / len(pols))
    vals = np.array(vals)
    p = math.sqrt(kallen(M * M, m1 * m1, m2 * m2)) / (2 * M)
    phase = p / (4 * PI * M)                   # int dPhi_2
    sym = 0.5 if kind == "majorana" else 1.0
    G = sym * vals.mean() * phase / (2 * M)
    return G, float(np.ptp(vals) / max(abs(vals.mean()), 1e-300))


def majorana_contraction_relation(M, m, spin, seed=3):
    """Returns max |ubar2 G v1 + ubar1 G v2| and max |ubar2 G v1 - ubar1 G v2| (relative):
    C-even bilinears (S,P,A) give ubar2 G v1 = -ubar1 G v2, the vector gives +."""
    rng = np.random.default_rng(seed)
    k1, k2, _ = _decay_momenta(M, m, m, rng.normal(size=3))
    eps = pol_vectors_massive(np.array([M, 0, 0, 0.0]), M)[0] + 0.3 * pol_vectors_massive(
        np.array([M, 0, 0, 0.0]), M)[2]
    Gm = vertex_matrix(spin, eps)
    plus, minus, norm = 0.0, 0.0, 0.0
    for s1 in (0, 1):
        for s2 in (0, 1):
            a1 = bar(u_spinor(k1, m, s1)) @ Gm @ v_spinor(k2, m, s2)
            a2 = bar(u_spinor(k2, m, s2)) @ Gm @ v_spinor(k1, m, s1)
            plus = max(plus, abs(a2 + a1))
            minus = max(minus, abs(a2 - a1))
            norm = max(norm, abs(a1))
    return plus / norm, minus / norm


# ==============================================================================================
# 3. (g-2)_mu at one loop
# ==============================================================================================
def _gm2_Q(x, r, spin):
    """Numerator Q(x) of Delta a = g^2/(8 pi^2) int_0^1 dx Q(x)/(x^2 + (1-x) r), r = M^2/m^2.
    x = Feynman parameter on the muon line.  Leveille NPB 137 (1978) 63; Jegerlehner-Nyffeler
    Phys.Rept. 477 (2009) 1 (internal fermion = muon)."""
    if spin == "V":
        return 2 * x * x * (1 - x)
    if spin == "A":
        return 2 * x * (1 - x) * (x - 4) - 4 * x ** 3 / r
    if spin == "S":
        return x * x * (2 - x)
    if spin == "P":
        return -x ** 3
    raise ValueError(spin)


def delta_amu_over_g2(M, spin, m=M_MU, dps=30):
    """Delta a_mu / g^2 (mpmath, high precision)."""
    with mp.workdps(dps):
        r = mp.mpf(M) ** 2 / mp.mpf(m) ** 2
        f = lambda x: _gm2_Q(x, r, spin) / (x * x + (1 - x) * r)
        pts = [mp.mpf(0)]
        for c in (mp.sqrt(r) / 10, mp.sqrt(r), 10 * mp.sqrt(r)):
            if 0 < c < 1:
                pts.append(c)
        pts.append(mp.mpf(1))
        pts = sorted(set(pts))
        I = mp.quad(f, pts)
        return I / (8 * mp.pi ** 2)


def delta_amu_light(M, spin, m=M_MU):
    """Leading M << m behaviour (with next term where simple); /g^2."""
    r = (M / m) ** 2
    s = M / m
    if spin == "V":
        return (1 - PI * s) / (8 * PI ** 2)
    if spin == "S":
        return (1.5 - PI * s) / (8 * PI ** 2)
    if spin == "P":
        return -0.5 / (8 * PI ** 2)
    if spin == "A":
        return (-2 / r + 2 * math.log(r) + 5) / (8 * PI ** 2)
    raise ValueError(spin)


def delta_amu_heavy(M, spin, m=M_MU):
    """Leading M >> m behaviour; /g^2."""
    r = (M / m) ** 2
    if spin == "V":
        return (2 / (3 * r)) / (8 * PI ** 2)
    if spin == "A":
        return (-10 / (3 * r)) / (8 * PI ** 2)
    if spin == "S":
        return (math.log(r) - 7 / 6) / r / (8 * PI ** 2)
    if spin == "P":
        return -(math.log(r) - 11 / 6) / r / (8 * PI ** 2)
    raise ValueError(spin)


# ==============================================================================================
# 4. off-shell factorisation: rho(k^2) and the extra longitudinal piece
# ==============================================================================================
def rho(k2, M, Gamma_tot, gamma_chi_of_k, running_width=None):
    """rho(k^2) = k Gamma_{X->chichi}(k) / (pi [(k^2-M^2)^2 + M^2 Gamma_tot^2]).

    gamma_chi_of_k: callable k -> Gamma_{X->DM}(mediator mass k, same couplings).
    running_width: optional callable k -> Gamma_tot(k); then the denominator uses
    (k Gamma_tot(k))^2 instead of (M Gamma_tot)^2.
    """
    k = math.sqrt(k2)
    im = k * running_width(k) if running_width is not None else M * Gamma_tot
    return k * gamma_chi_of_k(k) / (PI * ((k2 - M * M) ** 2 + im * im))


def rho_table(k2, M, Gamma_tot, spin, dm, mchi, g_chi=1.0, delta=0.0, mu_chi=None):
    return rho(k2, M, Gamma_tot,
               lambda k: width_dm(k, mchi, spin, dm, g_chi, delta, mu_chi))


def longitudinal_extra_rho(k2, M, mchi_eff, g_chi=1.0, dm="dirac"):
    """Axial mediator, axial DM current: the k^a k^b/M^2 piece gives in addition
       dsigma/dk^2 += sigma_P(m->k; g_P = g_mu) * (2 m_mu/k)^2 * rho_L(k^2),
       rho_L = (2 m_chi/k)^2 k Gamma_P(k; g_chi) / (pi M^4)   (no Breit-Wigner: no pole).
    """
    k = math.sqrt(k2)
    ident = dm == "majorana"
    GP = width_fermion_pair(k, mchi_eff, mchi_eff, "P", g_chi, identical=ident)
    return (2 * mchi_eff / k) ** 2 * k * GP / (PI * M ** 4)


# ==============================================================================================
# 5. explicit amplitudes gamma mu -> mu X  and  gamma mu -> mu chi chibar
# ==============================================================================================
def kinematics_2to2(sqrt_s, mX, theta, phi, m=M_MU):
    """CM frame of gamma(q) + mu(p): mu along +z.  Returns p, q, p', k with k^2 = mX^2."""
    s = sqrt_s ** 2
    pin = (s - m * m) / (2 * sqrt_s)
    p = np.array([math.sqrt(pin ** 2 + m * m), 0, 0, pin])
    q = np.array([pin, 0, 0, -pin])
    pout = math.sqrt(kallen(s, m * m, mX * mX)) / (2 * sqrt_s)
    n = np.array([math.sin(theta) * math.cos(phi), math.sin(theta) * math.sin(phi),
                  math.cos(theta)])
    k = np.concatenate([[math.sqrt(pout ** 2 + mX * mX)], pout * n])
    pp = np.concatenate([[math.sqrt(pout ** 2 + m * m)], -pout * n])
    return p, q, pp, k


def _props(p, q, k, m=M_MU):
    l1 = p + q
    l2 = p - k
    S1 = (slash(l1) + m * I4) / (mdot(l1, l1) - m * m)
    S2 = (slash(l2) + m * I4) / (mdot(l2, l2) - m * m)
    return S1, S2


def W_current(p, q, pp, k, spin, lam, s, sp, m=M_MU):
    """Muon-side amplitude (couplings e = g_mu = 1), photon pol lam, spins s -> sp.
    spin V/A: returns W^a (upper index, a=0..3); S/P: scalar."""
    eg = pol_vectors_photon(q)[lam]
    S1, S2 = _props(p, q, k, m)
    ub = bar(u_spinor(pp, m, sp))
    u = u_spinor(p, m, s)
    es = slash(eg)
    if spin in ("V", "A"):
        return np.array([ub @ (vertex_upper(spin, a) @ S1 @ es + es @ S2 @ vertex_upper(spin, a))
                         @ u for a in range(4)])
    O = vertex_matrix(spin)
    return ub @ (O @ S1 @ es + es @ S2 @ O) @ u


def sum_M2_2to2(p, q, pp, k, spin, mX, m=M_MU):
    """sum over photon pols, muon spins and X pols of |M(gamma mu -> mu X)|^2 (e=g=1)."""
    tot = 0.0
    pols = pol_vectors_massive(k, mX) if spin in ("V", "A") else None
    for lam in (0, 1):
        for s in (0, 1):
            for sp in (0, 1):
                W = W_current(p, q, pp, k, spin, lam, s, sp, m)
                if pols is None:
                    tot += abs(W) ** 2
                else:
                    for eps in pols:
                        tot += abs(mdot(W, eps)) ** 2
    return tot


def A_X_literature(x, ut, mX, spin, m=M_MU):
    """The 2->2 'A_X(x,u~)' functions as quoted in next-physics.md section 2.1 (DMG4 /
    Liu-Miller 1705.01633) -- tested here against explicit amplitudes."""
    C = (ut * x + mX ** 2 * (1 - x) + m ** 2 * x ** 2) / ut ** 2
    if spin == "V":
        return 2 * (2 - 2 * x + x * x) / (1 - x) + 4 * (mX ** 2 + 2 * m ** 2) * C
    if spin == "A":
        return (4 * m ** 2 * x ** 2 / ((1 - x) * mX ** 2) + 2 * (2 - 2 * x + x * x) / (1 - x)
                + 4 * (mX ** 2 - 4 * m ** 2) * C)
    if spin == "S":
        return x * x / (1 - x) + 2 * (mX ** 2 - 4 * m ** 2) * C
    if spin == "P":
        return x * x / (1 - x) + 2 * mX ** 2 * C
    raise ValueError(spin)


def seed000_Cn(x, ut, k2, op, mN=0.0, m=M_MU):
    """sum_n C_n/u~^(n-1) of seed 000 App. A, exactly as printed (A1, A3-A5)."""
    if op == "V":
        C1 = k2 * ((x - 2) * x + 2) / (1 - x)
        C2 = 2 * k2 * x * (k2 + 2 * m * m)
        C3 = 2 * k2 * (k2 + 2 * m * m) * (k2 * (1 - x) + m * m * x * x)
    elif op == "A":
        C1 = k2 * (2 * m * m * x * x + (x - 2) * x + 2) / (1 - x)     # as printed
        C2 = 2 * k2 * x * (k2 - 4 * m * m)
        C3 = 2 * k2 * (k2 - 4 * m * m) * (k2 * (1 - x) + m * m * x * x)
    elif op == "LN":
        f = k2 * (1 + 2 * mN * mN / k2)
        C1 = f * (((x - 2) * x + 2) / (1 - x) + m * m * x * x / (k2 * (1 - x)))
        C2 = f * 2 * x * (k2 - m * m)
        C3 = f * 2 * (k2 - m * m) * (k2 * (1 - x) + m * m * x * x)
    else:
        raise ValueError(op)
    return C1 + C2 / ut + C3 / ut ** 2


def pair_J(k1, k2, m1, m2, dm, spin_chi, s1, s2):
    """DM current (g_chi = 1): spin-1 -> J^b (upper index) ; spin-0 -> scalar.
    dm: 'dirac' (also used for unequal masses = pseudo-Dirac V vertex), 'majorana', 'scalar'."""
    if dm == "scalar":
        if spin_chi in ("V", "A"):
            return (k1 - k2).astype(complex)
        return 1.0 + 0j
    if spin_chi in ("V", "A"):
        mats = [vertex_upper(spin_chi, b) for b in range(4)]
    else:
        mats = [vertex_matrix(spin_chi)]
    out = []
    for G in mats:
        a1 = bar(u_spinor(k1, m1, s1)) @ G @ v_spinor(k2, m2, s2)
        if dm == "majorana":
            a2 = bar(u_spinor(k2, m2, s2)) @ G @ v_spinor(k1, m1, s1)
            a1 = 0.5 * (a1 - a2)
        out.append(a1)
    return np.array(out) if spin_chi in ("V", "A") else out[0]


def lhs_2to3(p, q, pp, k, spin, spin_chi, dm, m1, m2, M, Gam, nth=8, nph=8, m=M_MU,
             longitudinal="proca"):
    """int dPhi_2(k; k1,k2) sum |M(gamma mu -> mu chi chibar)|^2, all spins & photon pols summed,
    e = g_mu = g_chi = 1.  Mediator propagator:
      spin-1, longitudinal='proca':  (g - k k/M^2)/(k^2 - M^2 + i M Gam)
      spin-1, longitudinal='split':  (g - k k/k^2)/(k^2-M^2+iM Gam) - k k/(k^2 M^2)
      spin-0: 1/(k^2 - M^2 + i M Gam)."""
    k2 = mdot(k, k)
    kk = math.sqrt(k2)
    den = k2 - M * M + 1j * M * Gam
    # pair rest-frame quadrature (exact for the quadratic angular dependence)
    xs, ws = np.polynomial.legendre.leggauss(nth)
    phis = np.arange(nph) * 2 * PI / nph
    E1 = (k2 + m1 * m1 - m2 * m2) / (2 * kk)
    E2 = kk - E1
    pst = math.sqrt(kallen(k2, m1 * m1, m2 * m2)) / (2 * kk)
    bvec = k[1:] / k[0]
    # muon-side currents (independent of pair angles)
    Ws = [W_current(p, q, pp, k, spin, lam, s, sp, m)
          for lam in (0, 1) for s in (0, 1) for sp in (0, 1)]
    tot = 0.0
    for c, w in zip(xs, ws):
        st = math.sqrt(1 - c * c)
        for ph in phis:
            n = np.array([st * math.cos(ph), st * math.sin(ph), c])
            k1 = boost(np.concatenate([[E1], pst * n]), bvec)
            k2v = boost(np.concatenate([[E2], -pst * n]), bvec)
            Js = [pair_J(k1, k2v, m1, m2, dm, spin_chi, s1, s2)
                  for s1 in (0, 1) for s2 in (0, 1)] if dm != "scalar" else \
                [pair_J(k1, k2v, m1, m2, dm, spin_chi, 0, 0)]
            sub = 0.0
            for W in Ws:
                for J in Js:
                    if spin in ("V", "A"):
                        WJ = mdot(W, J)
                        kW, kJ = mdot(k, W), mdot(k, J)
                        if longitudinal == "none":      # photon (M = 0), Feynman gauge
                            amp = WJ / den
                        elif longitudinal == "proca":
                            amp = (WJ - kW * kJ / M ** 2) / den
                        else:
                            amp = (WJ - kW * kJ / k2) / den - kW * kJ / (k2 * M ** 2)
                    else:
                        amp = W * J / den
                    sub += abs(amp) ** 2
            tot += w * (2 * PI / nph) * sub
    sym = 0.5 if dm == "majorana" else 1.0
    return sym * tot * pst / (16 * PI ** 2 * kk)


def rhs_factorised(p, q, pp, k, spin, spin_chi, dm, m1, m2, M, Gam, m=M_MU,
                   include_longitudinal=True):
    """Factorised prediction:  sum|M_2to2(m_X=k)|^2 * 2k Gamma(k)/|den|^2
       [+ (axial) (1-k^2/M^2)^2 (2m/k)^2 sum|M_P(m->k)|^2 (k.J)-term/|den|^2 ]."""
    k2 = mdot(k, k)
    kk = math.sqrt(k2)
    den2 = (k2 - M * M) ** 2 + (M * Gam) ** 2
    S2 = sum_M2_2to2(p, q, pp, k, spin, kk, m)
    ident = dm == "majorana"
    if dm == "scalar":
        G = (kk * beta2(kk, m1, m1) ** 3 / (48 * PI)) if spin in ("V", "A") else \
            beta2(kk, m1, m1) / (16 * PI * kk)
    else:
        G = width_fermion_pair(kk, m1, m2, spin_chi, 1.0, identical=ident)
    out = S2 * 2 * kk * G / den2
    if include_longitudinal and spin == "A" and dm != "scalar" and spin_chi in ("V", "A"):
        # k.J for the chi current: A: 2 m_chi * (ubar gamma5 v) (equal masses);
        # V with m1 != m2: (m1 - m2) ubar v   (pseudo-Dirac)
        if spin_chi == "A":
            B = (2 * m1 / kk) ** 2 * 2 * kk * width_fermion_pair(kk, m1, m2, "P", 1.0, ident)
        else:
            B = ((m1 - m2) / kk) ** 2 * 2 * kk * width_fermion_pair(kk, m1, m2, "S", 1.0, ident)
        SP = sum_M2_2to2(p, q, pp, k, "P", kk, m)
        out += (1 - k2 / M ** 2) ** 2 * (2 * m / kk) ** 2 * SP * B / den2
    return out


# ==============================================================================================
# 6. checks
# ==============================================================================================
def run_width_checks(out):
    out.append("=== 1. widths: analytic vs explicit spin/polarisation sums (g=1) ===")
    worst = 0.0
    cases = []
    for M in (0.35, 1.0, 5.0):
        for f, mf in LEPTON_MASS.items():
            if M > 2 * mf:
                for sp in "VASP":
                    cases.append((f"X({sp},M={M})->{f}{f}", M, mf, mf, sp, "dirac",
                                  width_ff(M, mf, sp)))
    for sp in "VASP":
        cases.append((f"Dirac chi {sp}", 0.3, 0.1, 0.1, sp, "dirac",
                      width_dm(0.3, 0.1, sp, "dirac")))
    for sp in "ASP":
        cases.append((f"Majorana (1/2)chibar G chi, G={sp}", 0.3, 0.1, 0.1, sp, "majorana",
                      width_fermion_pair(0.3, 0.1, 0.1, sp, identical=True)))
    for sp in "VA":
        cases.append((f"complex scalar, {sp}", 0.3, 0.1, 0.1, sp, "scalar",
                      width_dm(0.3, 0.1, sp, "scalar")))
    cases.append(("complex scalar, S (mu_chi=1)", 0.3, 0.1, 0.1, "S", "scalar",
                  width_dm(0.3, 0.1, "S", "scalar", mu_chi=1.0)))
    for sp in "VASP":
        cases.append((f"unequal masses m1=0.1,m2=0.13, {sp}", 0.3, 0.1, 0.13, sp, "dirac",
                      width_fermion_pair(0.3, 0.1, 0.13, sp)))
    for name, M, m1, m2, sp, kind, Gan in cases:
        Gn, spread = width_numeric(M, m1, m2, sp, kind)
        rel = abs(Gn / Gan - 1)
        worst = max(worst, rel)
        out.append(f"  {name:42s} analytic={Gan:.10e} numeric={Gn:.10e} rel={rel:.1e} "
                   f"isotropy spread={spread:.1e}")
    # massless left-handed neutrino: nubar gamma^a P_L nu
    M = 1.0
    kX = np.array([M, 0, 0, 0.0])
    tot = 0.0
    k1, k2, _ = _decay_momenta(M, 0.0, 0.0, [0.3, -0.2, 0.9])
    PL = 0.5 * (I4 - G5)
    for eps in pol_vectors_massive(kX, M):
        for s1 in (0, 1):
            for s2 in (0, 1):
                tot += abs(bar(u_spinor(k1, 0, s1)) @ slash(eps) @ PL @ v_spinor(k2, 0, s2)) ** 2
    Gn = tot / 3 * (0.5 / (4 * PI * M)) / (2 * M)
    out.append(f"  nu_L nubar_L (V or A)                      analytic={width_nunu(M, 'V'):.10e}"
               f" numeric={Gn:.10e} rel={abs(Gn / width_nunu(M, 'V') - 1):.1e}")
    worst = max(worst, abs(Gn / width_nunu(M, 'V') - 1))
    # Majorana vector current vanishes; C-parity of bilinears
    for sp in "VASP":
        pl, mi = majorana_contraction_relation(0.5, 0.1, sp)
        out.append(f"  Majorana contractions {sp}: |u2Gv1+u1Gv2|/|u1Gv2|={pl:.1e}  "
                   f"|u2Gv1-u1Gv2|/|u1Gv2|={mi:.1e}")
    Gv, _ = width_numeric(0.3, 0.1, 0.1, "V", "majorana")
    out.append(f"  Majorana with (1/2) chibar gamma chi: Gamma = {Gv:.1e} (vanishes)")
    out.append(f"  worst relative deviation: {worst:.1e}")
    return worst


def run_gm2_checks(out):
    out.append("=== 2. (g-2)_mu: Delta a_mu / g^2 ===")
    out.append(f"  m_mu = {M_MU} GeV")
    table = {}
    for M in (1e-3, 1e-2, 1e-1, 1.0, 10.0):
        row = []
        for sp in "VASP":
            v = delta_amu_over_g2(M, sp)
            table[(M, sp)] = v
            row.append(f"{sp}: {float(v):+.9e}")
        out.append(f"  M = {M:>6g} GeV  " + "  ".join(row))
    out.append("  limits: ratio exact/asymptotic")
    for sp in "VASP":
        ls = []
        for M in (1e-4, 1e-5, 1e-6):
            ls.append(f"{float(delta_amu_over_g2(M, sp)) / delta_amu_light(M, sp):.8f}")
        hs = []
        for M in (1e2, 1e3, 1e4):
            hs.append(f"{float(delta_amu_over_g2(M, sp)) / delta_amu_heavy(M, sp):.8f}")
        out.append(f"  {sp}: light (M=1e-4,1e-5,1e-6 GeV) {ls}   heavy (M=1e2,1e3,1e4) {hs}")
    out.append("  subleading light-mass terms (x 8 pi^2):")
    for M in (1e-4, 1e-5, 1e-6):
        r = (M / M_MU) ** 2
        aV = float(delta_amu_over_g2(M, "V")) * 8 * PI ** 2
        aS = float(delta_amu_over_g2(M, "S")) * 8 * PI ** 2
        aP = float(delta_amu_over_g2(M, "P")) * 8 * PI ** 2
        aA = float(delta_amu_over_g2(M, "A")) * 8 * PI ** 2
        out.append(f"   M={M:g}: (V-1)/(M/m)={(aV - 1) / math.sqrt(r):.6f} [-pi]  "
                   f"(S-3/2)/(M/m)={(aS - 1.5) / math.sqrt(r):.6f} [-pi]  "
                   f"(P+1/2)/(r ln(1/r))={(aP + 0.5) / (r * math.log(1 / r)):.4f} [->1/2 slowly]  "
                   f"A+2/r-2ln r={aA + 2 / r - 2 * math.log(r):.6f} [5]")
    # Goldstone-equivalence check of the axial light limit
    M = 1e-5
    aA = float(delta_amu_over_g2(M, "A"))
    gP2 = (2 * M_MU / M) ** 2
    aP = float(delta_amu_over_g2(M, "P")) * gP2
    out.append(f"  axial at M=1e-5 GeV: {aA:.6e};  pseudoscalar with g_P=2 m_mu g/M: {aP:.6e}")
    # Schwinger check
    out.append(f"  V, M->0 times 4 pi alpha = {float(delta_amu_over_g2(1e-9, 'V')) * 4 * PI * ALPHA:.10e}"
               f"  vs alpha/2pi = {ALPHA / (2 * PI):.10e}")
    return table


def run_2to2_checks(out):
    out.append("=== 4a. gamma mu -> mu X: explicit |M|^2/4 vs A_X(x,u~) of next-physics.md 2.1 ===")
    worst = {}
    for sp in "VASP":
        for (rs, mX, th, ph) in ((1.3, 0.2, 0.7, 0.3), (3.0, 0.05, 2.2, 1.1), (2.0, 1.0, 1.4, 4.0),
                                 (10.0, 0.01, 0.1, 2.0)):
            p, q, pp, k = kinematics_2to2(rs, mX, th, ph)
            avg = sum_M2_2to2(p, q, pp, k, sp, mX) / 4
            st = mdot(p + q, p + q) - M_MU ** 2
            ut = mdot(p - k, p - k) - M_MU ** 2
            x = 1 + ut / st
            lit = A_X_literature(x, ut, mX, sp)
            rel = abs(avg / lit - 1)
            worst[sp] = max(worst.get(sp, 0), rel)
            out.append(f"  {sp} sqrt(s)={rs} mX={mX}: (1/4)sum|M|^2={avg:.10e} A_X={lit:.10e} "
                       f"rel={rel:.1e}")
    out.append(f"  worst per spin: {worst}")
    # seed 000 App. A coefficients vs (k^2/2) A_V, (k^2/2) A_A, and the chiral LN combination
    out.append("  seed 000 App.A: sum C_n/u^(n-1) vs k^2 * (1/2) A_V, (1/2) A_A, "
               "(1+2mN^2/k^2)(A_V+A_A)/4")
    for (x, ut, k2) in ((0.6, -0.05, 0.04), (0.9, -0.3, 0.25), (0.3, -0.02, 0.01)):
        mX = math.sqrt(k2)
        rV = seed000_Cn(x, ut, k2, "V") / (k2 * 0.5 * A_X_literature(x, ut, mX, "V"))
        rA = seed000_Cn(x, ut, k2, "A") / (k2 * 0.5 * A_X_literature(x, ut, mX, "A"))
        # corrected C1^A: k^2 [2 m^2 x^2/k^2 + (x-2)x + 2]/(1-x)
        C1A_fixed = (2 * M_MU ** 2 * x * x + k2 * ((x - 2) * x + 2)) / (1 - x)
        C1A_print = k2 * (2 * M_MU ** 2 * x * x + (x - 2) * x + 2) / (1 - x)
        rA_fixed = (seed000_Cn(x, ut, k2, "A") - C1A_print + C1A_fixed) / (
            k2 * 0.5 * A_X_literature(x, ut, mX, "A"))
        mN = 0.05
        rLN = seed000_Cn(x, ut, k2, "LN", mN) / (k2 * (1 + 2 * mN ** 2 / k2) * 0.25 * (
            A_X_literature(x, ut, mX, "V") + A_X_literature(x, ut, mX, "A")))
        out.append(f"   x={x} u~={ut} k2={k2}: V ratio={rV:.12f}  A ratio (as printed)={rA:.6f}"
                   f"  A ratio (C1^A fixed)={rA_fixed:.12f}  LN ratio={rLN:.12f}")
    return worst


def run_factorisation_checks(out):
    out.append("=== 4b. factorisation: int dPhi2 sum|M(gamma mu->mu chi chibar)|^2 vs "
               "sum|M(gamma mu->mu X)|^2(m_X=k) x 2k Gamma(k)/|D|^2 ===")
    res = []
    cases = [
        # (label, spin, spin_chi, dm, m1, m2)
        ("V med, Dirac chi (vector current)", "V", "V", "dirac", 0.08, 0.08),
        ("V med, Majorana chi (axial current)", "V", "A", "majorana", 0.08, 0.08),
        ("V med, complex scalar", "V", "V", "scalar", 0.08, 0.08),
        ("V med, pseudo-Dirac m2=1.2 m1", "V", "V", "dirac", 0.08, 0.096),
        ("A med, Dirac chi (axial current)", "A", "A", "dirac", 0.08, 0.08),
        ("A med, Majorana chi (axial)", "A", "A", "majorana", 0.08, 0.08),
        ("A med, complex scalar (conserved)", "A", "V", "scalar", 0.08, 0.08),
        ("A med, off-diag VECTOR chi1chi2 (m2=1.2m1)", "A", "V", "dirac", 0.08, 0.096),
        ("S med, Dirac chi", "S", "S", "dirac", 0.08, 0.08),
        ("S med, Majorana chi", "S", "S", "majorana", 0.08, 0.08),
        ("S med, complex scalar (mu_chi=1)", "S", "S", "scalar", 0.08, 0.08),
        ("P med, Dirac chi", "P", "P", "dirac", 0.08, 0.08),
        ("P med, Majorana chi", "P", "P", "majorana", 0.08, 0.08),
    ]
    kin = [(1.7, 0.35, 0.8, 0.4), (4.0, 0.6, 2.5, 5.0)]
    for label, sp, spc, dm, m1, m2 in cases:
        for M, Gam in ((0.2, 0.01), (0.5, 0.05), (3.0, 0.3)):
            for (rs, kk, th, ph) in kin:
                p, q, pp, k = kinematics_2to2(rs, kk, th, ph)
                L = lhs_2to3(p, q, pp, k, sp, spc, dm, m1, m2, M, Gam)
                R = rhs_factorised(p, q, pp, k, sp, spc, dm, m1, m2, M, Gam)
                R0 = rhs_factorised(p, q, pp, k, sp, spc, dm, m1, m2, M, Gam,
                                    include_longitudinal=False)
                res.append((label, M, kk, L, R, R0))
                out.append(f"  {label:38s} M={M:4.2f} k={kk:4.2f}: LHS={L:.10e} RHS={R:.10e} "
                           f"rel={abs(L / R - 1):.1e}  (no-longitudinal RHS rel={abs(L / R0 - 1):.1e})")
    out.append("  photon mediator (M=0, Gamma=0, -g propagator), Dirac and scalar chi (millicharge):")
    for dm, spc in (("dirac", "V"), ("scalar", "V")):
        for (rs, kk, th, ph) in kin:
            p, q, pp, k = kinematics_2to2(rs, kk, th, ph)
            L = lhs_2to3(p, q, pp, k, "V", spc, dm, 0.08, 0.08, 0.0, 0.0, longitudinal="none")
            R = rhs_factorised(p, q, pp, k, "V", spc, dm, 0.08, 0.08, 0.0, 0.0)
            out.append(f"    {dm:7s} k={kk}: LHS={L:.10e} RHS={R:.10e} rel={abs(L / R - 1):.1e}")
    # split propagator for axial: extra term then has 1/M^4 exactly (no (1-k^2/M^2)^2)
    out.append("  axial, 'split' propagator (BW on transverse part only), Dirac chi:")
    for M, Gam in ((0.2, 0.01), (0.5, 0.05), (3.0, 0.3)):
        rs, kk, th, ph = kin[0]
        p, q, pp, k = kinematics_2to2(rs, kk, th, ph)
        L = lhs_2to3(p, q, pp, k, "A", "A", "dirac", 0.08, 0.08, M, Gam, longitudinal="split")
        k2 = kk * kk
        den2 = (k2 - M * M) ** 2 + (M * Gam) ** 2
        S2 = sum_M2_2to2(p, q, pp, k, "A", kk)
        SP = sum_M2_2to2(p, q, pp, k, "P", kk)
        B = (2 * 0.08 / kk) ** 2 * 2 * kk * width_fermion_pair(kk, 0.08, 0.08, "P")
        R = S2 * 2 * kk * width_fermion_pair(kk, 0.08, 0.08, "A") / den2 + \
            (2 * M_MU / kk) ** 2 * SP * B / M ** 4
        out.append(f"    M={M}: LHS={L:.10e} RHS(split)={R:.10e} rel={abs(L / R - 1):.1e}")
    # current (non-)conservation
    p, q, pp, k = kinematics_2to2(1.7, 0.35, 0.8, 0.4)
    mx = 0.0
    ra = []
    for lam in (0, 1):
        for s in (0, 1):
            for sp_ in (0, 1):
                WV = W_current(p, q, pp, k, "V", lam, s, sp_)
                WA = W_current(p, q, pp, k, "A", lam, s, sp_)
                WP = W_current(p, q, pp, k, "P", lam, s, sp_)
                mx = max(mx, abs(mdot(k, WV)) / np.max(np.abs(WV)))
                if abs(WP) > 1e-12:
                    ra.append(mdot(k, WA) / (2 * M_MU * WP))
    out.append(f"  max |k.W_V|/|W_V| = {mx:.1e};  k.W_A/(2 m_mu W_P) = "
               f"{sorted(set(np.round(np.array(ra), 10)), key=lambda z: z.real)}")
    return res


def run_rho_checks(out):
    out.append("=== 3. rho(k^2): narrow-width normalisation int rho dk^2 -> Br ===")
    from scipy.integrate import quad
    for spin, dm in (("V", "dirac"), ("V", "scalar"), ("V", "majorana"), ("V", "pseudodirac"),
                     ("A", "dirac"), ("S", "dirac"), ("S", "scalar"), ("P", "dirac"),
                     ("P", "majorana")):
        M, mchi, gchi, gmu = 0.3, 0.1, 0.05, 1e-3
        Gchi = width_dm(M, mchi, spin, dm, gchi, delta=0.1)
        Gvis = width_ff(M, M_MU, spin, gmu) + (2 * width_nunu(M, spin, gmu))
        Gtot = Gchi + Gvis
        f = lambda k2: rho_table(k2, M, Gtot, spin, dm, mchi, gchi, delta=0.1)
        lo = (2.0 * mchi * (1.05 if dm == "pseudodirac" else 1.0)) ** 2
        pts = [M * M - 50 * M * Gtot, M * M, M * M + 50 * M * Gtot]
        I = 0.0
        edges = [lo] + [x for x in pts if x > lo] + [4 * M * M]
        for a, b in zip(edges[:-1], edges[1:]):
            I += quad(f, a, b, limit=400, epsabs=0, epsrel=1e-11)[0]
        out.append(f"  {spin}/{dm:11s} Gamma_tot/M={Gtot / M:.2e}  int_(thr)^(4M^2) rho dk^2 ="
                   f" {I:.6f}   Br = {Gchi / Gtot:.6f}   ratio-1 = {I / (Gchi / Gtot) - 1:+.2e}"
                   f"   (expected O(Gamma/M))")


# ==============================================================================================
# 7. WW-level bookkeeping: on-shell production, seed 000 Eq. (20) map, millicharge
# ==============================================================================================
def flux_chi_closed(tmin, tmax, Z=82, A=207.2):
    """Elastic WW flux chi (Eq. 18 of seed 000) in closed form (Eq. 26 of arXiv:2107.13297, as
    quoted in physics-references.md); verified against direct quadrature in run_ww_checks."""
    ta = (M_E / (111.0 * Z ** (-1.0 / 3.0))) ** 2
    td = 0.164 * A ** (-2.0 / 3.0)
    d = ta - td
    t1 = d * (ta + td + 2 * tmax) * (tmax - tmin) / ((ta + tmax) * (td + tmax))
    t2 = (ta + td + 2 * tmin) * math.log((ta + tmax) * (td + tmin) / ((td + tmax) * (ta + tmin)))
    return -Z * Z * td * td / d ** 3 * (t1 + t2)


def flux_chi_numeric(tmin, tmax, Z=82, A=207.2):
    from scipy.integrate import quad
    ta = (M_E / (111.0 * Z ** (-1.0 / 3.0))) ** 2
    td = 0.164 * A ** (-2.0 / 3.0)
    f = lambda lt: (lambda t: t * Z * Z * (t - tmin) / t ** 2 * (t / (ta + t)) ** 2
                    * (td / (td + t)) ** 2)(math.exp(lt))
    return quad(f, math.log(tmin), math.log(tmax), epsabs=0, epsrel=1e-11, limit=400)[0]


def ww_dsigma_dx_onshell(x, mX, E0, spin, g=1.0, theta_max=0.1, m=M_MU, use_u=True):
    """On-shell WW dsigma/dx for mu N -> mu N X (GeV^-2):
       use_u=True :  (g^2 alpha^2/4pi) (1-x)/x sqrt(x^2-mX^2/E0^2) int du~/u~^2 A_X chi
       use_u=False:  DMG4 form  2 eps^2 alpha^3 E0^2 int dtheta sin(theta) ... (g = eps e)
       t_max = m^2 + mX^2 (seed 000)."""
    from scipy.integrate import quad
    tmax = m * m + mX * mX
    uf = lambda th: -x * E0 ** 2 * th ** 2 - mX ** 2 * (1 - x) / x - m * m * x

    def integrand_u(u):
        tmin = u * u / (4 * E0 ** 2 * (1 - x) ** 2)
        if tmin >= tmax:
            return 0.0
        return A_X_literature(x, u, mX, spin, m) * flux_chi_closed(tmin, tmax) / u ** 2

    root = math.sqrt(max(x * x - mX * mX / E0 ** 2, 0.0))
    if use_u:
        umin, umax = uf(theta_max), uf(0.0)
        # integrate in log(-u)
        f = lambda l: integrand_u(-math.exp(l)) * math.exp(l)
        I = quad(f, math.log(-umax), math.log(-umin), epsabs=0, epsrel=1e-10, limit=400)[0]
        return g * g * ALPHA ** 2 / (4 * PI) * (1 - x) / x * root * I
    f = lambda th: math.sin(th) * integrand_u(uf(th)) * uf(th) ** 2 / uf(th) ** 2
    brk = [math.sqrt(abs(uf(0.0)) / (x * E0 ** 2))]
    I = quad(f, 0.0, theta_max, points=[b for b in brk if b < theta_max], epsabs=0,
             epsrel=1e-10, limit=400)[0]
    return 2 * (g * g / (4 * PI * ALPHA)) * ALPHA ** 3 * E0 ** 2 * root * (1 - x) * I


def seed_eq20_VV_dirac(x, k2, E0, c, mchi, theta_max=0.1, m=M_MU):
    """Seed 000 Eq. (20) with |c/Lambda^2| -> c for the operator c (mubar g mu)(chibar g chi),
    Dirac chi, using sum C_n/u^(n-1) = k^2 (1 + 2 m_chi^2/k^2) A_V(x, u~; m_X = k)."""
    from scipy.integrate import quad
    k = math.sqrt(k2)
    tmax = m * m + k2
    uf = lambda th: -x * E0 ** 2 * th ** 2 - k2 * (1 - x) / x - m * m * x

    def f(l):
        u = -math.exp(l)
        tmin = u * u / (4 * E0 ** 2 * (1 - x) ** 2)
        if tmin >= tmax:
            return 0.0
        Cn = k2 * (1 + 2 * mchi ** 2 / k2) * A_X_literature(x, u, k, "V", m)
        return flux_chi_closed(tmin, tmax) * Cn / u ** 2 * math.exp(l)

    I = quad(f, math.log(-uf(0.0)), math.log(-uf(theta_max)), epsabs=0, epsrel=1e-10,
             limit=400)[0]
    return (ALPHA ** 2 / (48 * PI ** 3) * c * c * (1 - x) / x
            * math.sqrt(x * x - k2 / E0 ** 2) * beta2(k, mchi, mchi) * I)


def dsigma_dxdk2_factorised(x, k2, E0, spin, dm, mchi, g_mu, g_chi, M, Gam_tot,
                            theta_max=0.1):
    """dsigma/dx dk^2 = dsigma_X/dx (m_X -> k; g_mu) * rho(k^2)  (transverse part; exact for
    V, S, P and for A with conserved DM current)."""
    k = math.sqrt(k2)
    return (ww_dsigma_dx_onshell(x, k, E0, spin, g_mu, theta_max)
            * rho_table(k2, M, Gam_tot, spin, dm, mchi, g_chi))


def dsigma_dxdk2_millicharge(x, k2, E0, eps, mchi, dm="dirac", theta_max=0.1):
    """Millicharged chi (charge eps*e) pair-produced via the photon (M = 0, g_mu = e):
       dirac : eps^2 alpha^4/(3 pi k^2) (1+2m^2/k^2) beta (1-x)/x sqrt(x^2-k^2/E0^2) int du/u^2 chi A_V
       scalar: same with (1+2m^2/k^2) beta -> beta^3/4."""
    k = math.sqrt(k2)
    e = math.sqrt(4 * PI * ALPHA)
    G = width_dm(k, mchi, "V", dm, eps * e)
    rho_ph = k * G / (PI * k2 * k2)
    return ww_dsigma_dx_onshell(x, k, E0, "V", e, theta_max) * rho_ph


def run_ww_checks(out):
    out.append("=== 5. WW bookkeeping ===")
    for (tmin, tmax) in ((1e-9, 0.02), (1e-6, 0.3), (3e-4, 1.0)):
        a, b = flux_chi_closed(tmin, tmax), flux_chi_numeric(tmin, tmax)
        out.append(f"  flux chi(tmin={tmin},tmax={tmax}): closed={a:.10e} quad={b:.10e} "
                   f"rel={abs(a / b - 1):.1e}")
    E0 = 160.0
    for (x, mX) in ((0.5, 0.1), (0.8, 0.5)):
        a = ww_dsigma_dx_onshell(x, mX, E0, "V", 1.0, use_u=True)
        b = ww_dsigma_dx_onshell(x, mX, E0, "V", 1.0, use_u=False)
        out.append(f"  on-shell V dsigma/dx (g=1) x={x} mX={mX}: u~-form={a:.8e} "
                   f"DMG4 theta-form={b:.8e} rel={abs(a / b - 1):.1e} (sin(theta)/theta effect)")
    out.append("  contact limit: factorised (M = 1e4 GeV) x M^4/(g_mu g_chi)^2  vs  seed Eq.(20)"
               " with c = 1 (VV operator, Dirac chi); g_chi = 1 so Gamma/M = 1/(12 pi):")
    for (x, k2, mchi) in ((0.5, 0.04, 0.05), (0.8, 0.25, 0.1), (0.3, 0.01, 0.0)):
        M = 1.0e4
        gmu, gchi = 1e-2, 1.0
        Gt = width_dm(M, mchi, "V", "dirac", gchi)
        k = math.sqrt(k2)
        sig = ww_dsigma_dx_onshell(x, k, E0, "V", gmu) * M ** 4 / (gmu * gchi) ** 2
        Gk = lambda kk: width_dm(kk, mchi, "V", "dirac", gchi)
        fixed = sig * rho(k2, M, Gt, Gk)
        running = sig * rho(k2, M, Gt, Gk, running_width=Gk)
        seed = seed_eq20_VV_dirac(x, k2, E0, 1.0, mchi)
        out.append(f"    x={x} k2={k2} mchi={mchi}: seed(20)={seed:.10e}  running-width "
                   f"ratio-1={running / seed - 1:+.1e}  fixed-width ratio-1={fixed / seed - 1:+.2e}"
                   f" [-(Gamma/M)^2={-(Gt / M) ** 2:+.2e}]")
    out.append("  on-shell vector WW sigma(m_X) (g=1, E0=160 GeV, x-integrated) vs m_X:")
    from scipy.integrate import quad

    def sig_onshell(mX):
        f = lambda lx: (lambda xx: xx * ww_dsigma_dx_onshell(xx, mX, E0, "V", 1.0))(math.exp(lx))
        return quad(f, math.log(mX / E0 * 1.0001), math.log(1 - M_MU / E0), epsabs=0,
                    epsrel=1e-6, limit=200)[0]

    for mX in (0.002, 0.01, 0.05, 0.2, 1.0, 3.0):
        s = sig_onshell(mX)
        out.append(f"    m_X={mX:6.3f}: sigma={s:.4e} GeV^-2   m_X^2 sigma={s * mX * mX:.4e}")
    out.append("  axial production at m_X << m_mu: sigma_A vs Goldstone-equivalent (2 m_mu/m)^2 sigma_P:")
    for mX in (0.5e-3, 2e-3, 1e-2):
        sA = (lambda f: quad(f, math.log(mX / E0 * 1.0001), math.log(1 - M_MU / E0), epsabs=0,
                             epsrel=1e-6, limit=200)[0])(
            lambda lx: (lambda xx: xx * ww_dsigma_dx_onshell(xx, mX, E0, "A", 1.0))(math.exp(lx)))
        sP = (lambda f: quad(f, math.log(mX / E0 * 1.0001), math.log(1 - M_MU / E0), epsabs=0,
                             epsrel=1e-6, limit=200)[0])(
            lambda lx: (lambda xx: xx * ww_dsigma_dx_onshell(xx, mX, E0, "P", 1.0))(math.exp(lx)))
        out.append(f"    m_X={mX:.4f}: sigma_A={sA:.4e}  m_X^2 sigma_A={sA * mX * mX:.4e}  "
                   f"sigma_P={sP:.4e}  sigma_A/[(2m_mu/m_X)^2 sigma_P]={sA / (sP * (2 * M_MU / mX) ** 2):.4f}")
    out.append("  millicharge (Dirac, eps=1e-3, m_chi=1 MeV): x-integrated dsigma/dk^2:")
    for k in (0.005, 0.02, 0.05, 0.1, 0.3, 1.0, 3.0):
        k2 = k * k
        f = lambda lx: (lambda xx: xx * dsigma_dxdk2_millicharge(xx, k2, E0, 1e-3, 0.001))(
            math.exp(lx))
        lo, hi = math.log(k / E0 * 1.0001), math.log(1 - M_MU / E0)
        val = quad(f, lo, hi, epsabs=0, epsrel=1e-6, limit=200)[0]
        out.append(f"    k={k:6.3f} GeV: dsigma/dk^2 = {val:.4e} GeV^-4,  k^2 dsigma/dk^2 = "
                   f"{val * k2:.4e},  k^4 dsigma/dk^2 = {val * k2 * k2:.4e}")



# ==============================================================================================
# 8. independent check of the g-2 Feynman-parameter numerators: explicit one-loop vertex
# ==============================================================================================
def amu_vertex_projection(M, spin, m=M_MU, n=48, Q2_rel=1e-10):
    """Delta a_mu/g^2 from the one-loop vertex, computed independently of the Leveille formula:
    N0^mu = Gamma_L (p'-P+m) gamma^mu (p-P+m) Gamma_R with P = y p + z p' (after the loop-momentum
    shift; the L^2 terms only feed F1), Delta = x M^2 + (1-x)^2 m^2 + y z Q^2,
    dGamma^mu = g^2/(16 pi^2) int dF N0/Delta, and F2 = -2m * [coefficient of (p+p')^mu]
    (Gordon identity).  spin 'S','P': scalar propagator; 'V','A': -g_ab (Feynman-like) numerator
    only, i.e. WITHOUT the k_a k_b/M^2 piece (for 'A' that piece is the Goldstone/pseudoscalar
    term -4 x^3/r, checked separately).  Breit frame, Q^2 = Q2_rel m^2 (F2(0) up to O(Q^2))."""
    Q = math.sqrt(Q2_rel) * m
    E = math.sqrt(m * m + Q * Q / 4)
    p = np.array([E, 0, 0, -Q / 2])
    pp = np.array([E, 0, 0, Q / 2])
    if spin in ("S", "P"):
        pairs = [(vertex_matrix(spin), vertex_matrix(spin), 1.0)]
    else:
        pairs = [(METRIC[a, a] * vertex_upper(spin, a), vertex_upper(spin, a), -1.0)
                 for a in range(4)]
    xs, ws = np.polynomial.legendre.leggauss(n)
    xs = 0.5 * (xs + 1)
    ws = 0.5 * ws
    acc = [np.zeros((4, 4), dtype=complex) for _ in range(4)]
    for xi, wx in zip(xs, ws):          # x = X Feynman parameter
        for ti, wt in zip(xs, ws):      # y = (1-x) t, z = (1-x)(1-t)
            y, z = (1 - xi) * ti, (1 - xi) * (1 - ti)
            jac = (1 - xi)
            P = y * p + z * pp
            Delta = xi * M * M + (1 - xi) ** 2 * m * m + y * z * Q * Q
            A1 = slash(pp - P) + m * I4
            A2 = slash(p - P) + m * I4
            for mu in range(4):
                N = sum(sg * GL @ A1 @ GAM[mu] @ A2 @ GR for GL, GR, sg in pairs)
                acc[mu] += wx * wt * jac * N / Delta
    # sandwich and decompose into gamma^mu, (p+p')^mu, q^mu structures
    rows, rhs = [], []
    for s in (0, 1):
        for sp in (0, 1):
            ub = bar(u_spinor(pp, m, sp))
            u = u_spinor(p, m, s)
            uu = ub @ u
            for mu in range(4):
                rows.append([ub @ GAM[mu] @ u, (p + pp)[mu] * uu, (pp - p)[mu] * uu])
                rhs.append(ub @ acc[mu] @ u)
    coef, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    B = coef[1]
    F2 = -2 * m * B / (16 * PI ** 2)
    return F2


def run_gm2_projection_checks(out):
    out.append("=== 2b. g-2 numerators from an explicit one-loop vertex projection ===")
    for M in (0.3 * M_MU, M_MU, 3 * M_MU):
        r = (M / M_MU) ** 2
        for sp in "VSPA":
            proj = amu_vertex_projection(M, sp)
            if sp == "A":      # Leveille minus the Goldstone term
                with mp.workdps(20):
                    ref = mp.quad(lambda x: 2 * x * (1 - x) * (x - 4) / (x * x + (1 - x) * r),
                                  [0, 1]) / (8 * mp.pi ** 2)
            else:
                ref = delta_amu_over_g2(M, sp)
            out.append(f"  M/m={M / M_MU:4.2f} {sp}{'(-g part)' if sp == 'A' else '         '}: "
                       f"projection={proj.real:+.10e} (imag {abs(proj.imag):.0e})  "
                       f"Leveille={float(ref):+.10e}  rel={abs(proj.real / float(ref) - 1):.1e}")


if __name__ == "__main__":
    lines: list[str] = []
    run_width_checks(lines)
    run_gm2_checks(lines)
    run_gm2_projection_checks(lines)
    run_rho_checks(lines)
    run_2to2_checks(lines)
    run_factorisation_checks(lines)
    run_ww_checks(lines)
    print("\n".join(lines))
