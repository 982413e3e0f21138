"""Numbers quoted in docs/research/alp_production_muon_beam.md and published_reinterpretations.md.

Run: python docs/research/alp_estimates.py   (numpy + scipy; ~2 s). Research aid, not package code:
every formula is the one written in the memo, with its source there. Natural units (GeV), hbar c
= 1.97327e-16 GeV m.
"""
import itertools

import numpy as np
from scipy.integrate import quad

ALPHA = 1 / 137.035999
M_MU = 0.1056584          # GeV (PDG)
M_E = 0.000510999
HBARC_M = 1.97327e-16     # GeV m
# lead (PDG): Z, A, density g/cm3, X0 g/cm2
Z_PB, A_PB, RHO_PB, X0_PB = 82, 207.2, 11.35, 6.37


def f_loop(tau):
    """f(tau) = arcsin^2(1/sqrt(tau)) for tau >= 1, else -(1/4)[ln((1+b)/(1-b)) - i pi]^2, b = sqrt(1-tau)."""
    tau = complex(tau)
    if tau.real >= 1:
        return np.arcsin(1 / np.sqrt(tau.real)) ** 2 + 0j
    b = np.sqrt(1 - tau)
    return -0.25 * (np.log((1 + b) / (1 - b)) - 1j * np.pi) ** 2


def g_agg_eff(g_p, m_a, coupling):
    """Effective a-gamma-gamma coupling (GeV^-1) induced by the muon loop.

    coupling = "yukawa": L = -i g_p a mu-bar gamma5 mu  -> (alpha/pi)(g_p/m_mu) tau f(tau)
    coupling = "derivative": L = (g_p/(2 m_mu)) d_nu a mu-bar gamma^nu gamma5 mu (same tree level)
                             -> (alpha/pi)(g_p/m_mu) [1 - tau f(tau)]   (B_1 of Bauer-Neubert-Thamm)
    """
    tau = 4 * M_MU**2 / m_a**2
    tf = tau * f_loop(tau)
    core = tf if coupling == "yukawa" else 1 - tf
    return ALPHA / np.pi * g_p / M_MU * abs(core)


def width_total_muon_alp(g_p, m_a, coupling):
    """gamma gamma (loop) + mu mu (tree, pseudoscalar: beta^1) widths, GeV."""
    gam = g_agg_eff(g_p, m_a, coupling) ** 2 * m_a**3 / (64 * np.pi)
    if m_a > 2 * M_MU:
        gam += g_p**2 * m_a * np.sqrt(1 - 4 * M_MU**2 / m_a**2) / (8 * np.pi)
    return gam


def decay_length_m(width, m, energy):
    p = np.sqrt(energy**2 - m**2)
    return p / m * HBARC_M / width


# ---------------------------------------------------------------- mu gamma -> mu a (t-channel photon)
def msq_mugamma(s, t, m_a, g=1.0):
    """Sum over all spins/polarisations of |M|^2 for mu(p) gamma(k) -> mu(p') a, L = -(g/4) a F Ftilde."""
    u = 2 * M_MU**2 + m_a**2 - s - t
    e2 = 4 * np.pi * ALPHA
    return e2 * g**2 / t**2 * (-t * ((s - M_MU**2) ** 2 + (u - M_MU**2) ** 2) - 2 * M_MU**2 * (t - m_a**2) ** 2)


def _gamma_matrices():
    i2, z = np.eye(2), np.zeros((2, 2))
    sig = [np.array([[0, 1], [1, 0]]), np.array([[0, -1j], [1j, 0]]), np.array([[1, 0], [0, -1]])]
    return [np.block([[i2, z], [z, -i2]]).astype(complex)] + [np.block([[z, s], [-s, z]]).astype(complex) for s in sig]


def check_msq_by_traces(n=50, seed=1):
    """Largest relative difference between msq_mugamma and an explicit trace evaluation."""
    rng = np.random.default_rng(seed)
    g = np.diag([1.0, -1, -1, -1])
    G = _gamma_matrices()
    eps = np.zeros((4, 4, 4, 4))
    for perm in itertools.permutations(range(4)):
        eps[perm] = np.linalg.det(np.eye(4)[list(perm)])
    worst = 0.0
    for _ in range(n):
        m_a = rng.uniform(0.0, 0.5)
        s = (M_MU + m_a) ** 2 + rng.uniform(0.1, 5.0)
        rs = np.sqrt(s)
        pin = (s - M_MU**2) / (2 * rs)
        p = np.array([np.hypot(pin, M_MU), 0, 0, pin])
        k = np.array([pin, 0, 0, -pin])
        pout = np.sqrt((s - (M_MU + m_a) ** 2) * (s - (M_MU - m_a) ** 2)) / (2 * rs)
        c, ph = rng.uniform(-1, 1), rng.uniform(0, 2 * np.pi)
        sn = np.sqrt(1 - c * c)
        pp = np.array([np.hypot(pout, M_MU), pout * sn * np.cos(ph), pout * sn * np.sin(ph), pout * c])
        q = p - pp
        V = np.einsum("abrs,r,s->ab", eps, g @ q, g @ k)           # eps^{al be rho sig} q_rho k_sig
        sl = lambda v: sum(g[i, i] * v[i] * G[i] for i in range(4))  # noqa: E731
        A, B = sl(pp) + M_MU * np.eye(4), sl(p) + M_MU * np.eye(4)
        L = np.array([[np.trace(A @ G[a] @ B @ G[b]) for b in range(4)] for a in range(4)])
        W = -np.einsum("ab,cd,bd->ac", V, V, g)                      # photon polarisation sum -g
        t = q @ g @ q
        val = 4 * np.pi * ALPHA * np.real(np.einsum("ac,ac->", g @ L @ g, W)) / t**2
        worst = max(worst, abs(val / msq_mugamma(s, t, m_a) - 1))
    return worst


def sigma_mugamma(s, m_a, g=1.0):
    """sigma(mu gamma -> mu a), GeV^-2, spin-averaged (1/4)."""
    rs = np.sqrt(s)
    p1 = (s - M_MU**2) / (2 * rs)
    e3 = (s + M_MU**2 - m_a**2) / (2 * rs)
    p3 = np.sqrt(e3**2 - M_MU**2)
    e1 = (s + M_MU**2) / (2 * rs)
    tlo, thi = 2 * M_MU**2 - 2 * (e1 * e3 + p1 * p3), 2 * M_MU**2 - 2 * (e1 * e3 - p1 * p3)
    f = lambda lt: msq_mugamma(s, -np.exp(lt), m_a, g) / 4 / (16 * np.pi * (s - M_MU**2) ** 2) * np.exp(lt)  # noqa: E731
    return quad(f, np.log(-thi), np.log(-tlo), limit=400)[0]


# ---------------------------------------------------------------- Primakoff on lead, real photon
def tsai_ff2(t):
    """Tsai (RMP 46 (1974) 815) elastic atomic x nuclear form factor squared / Z^2, t = |q^2| GeV^2."""
    a = 111 * Z_PB ** (-1 / 3) / M_E
    d = 0.164 * A_PB ** (-2 / 3)
    return (a * a * t / (1 + a * a * t)) ** 2 / (1 + t / d) ** 2


def sigma_primakoff(omega, m_a, g=1.0):
    """sigma(gamma Pb -> a Pb), GeV^-2: (g^2 alpha Z^2/4) F^2 p^4 sin^3(th)/t^2 dth, recoil neglected."""
    p = np.sqrt(omega**2 - m_a**2)

    def integrand(lth):
        th = np.exp(lth)
        t = 2 * omega * (omega - p * np.cos(th)) - m_a**2
        return g * g * ALPHA * Z_PB**2 / 4 * tsai_ff2(t) * p**4 * np.sin(th) ** 3 / t**2 * th
    return quad(integrand, np.log(1e-12), np.log(0.5), limit=400, points=None)[0]


def main():
    print("== mu gamma -> mu a: |M|^2 formula vs explicit traces, max rel. diff:", f"{check_msq_by_traces():.1e}")
    for m_a in (0.01, 0.1):
        s1, s2 = 10.0, 100.0
        slope = (sigma_mugamma(s2, m_a) - sigma_mugamma(s1, m_a)) / np.log(s2 / s1) / (ALPHA / 8)
        print(f"   m_a={m_a}: d sigma / d ln s = {slope:.3f} x alpha g^2/8  (EPA with sigma(gg->a) = pi g^2 m_a^2/8 delta(s-m_a^2)"
              " and Q2max/Q2min ~ s^3/(m^2 m_a^4) predicts 3)")

    print("== Primakoff gamma Pb -> a Pb (g = 1e-3 /GeV, omega = 100 GeV), Tsai form factors:")
    for m_a in (0.001, 0.01, 0.1, 0.5):
        sig = sigma_primakoff(100.0, m_a, 1e-3)
        norm = 1e-6 * ALPHA * Z_PB**2 / 8
        print(f"   m_a={m_a:6.3f} GeV: sigma = {sig * 0.3894e-27:.3e} cm2 = (g^2 alpha Z^2/8) x {sig / norm:.2f}")

    a_s = 111 * Z_PB ** (-1 / 3) / M_E
    d_n = 0.164 * A_PB ** (-2 / 3)
    print(f"   light-ALP limit, analytic: ln(a^2 d) - 2 = {np.log(a_s**2 * d_n) - 2:.2f} (complete screening, q_L -> 0)")

    print("== muon-coupled ALP: loop factors and decay lengths at E_a = 100 GeV")
    for m_a in (0.01, 0.1, 0.2, 0.25):
        tau = 4 * M_MU**2 / m_a**2
        tf = tau * f_loop(tau)
        print(f"   m_a={m_a:5.3f}: tau f = {abs(tf):.4f}, |1 - tau f| = {abs(1 - tf):.4f}")
    for g_p, m_a in ((1.24e-3, 0.01), (1.32e-3, 0.1), (1.47e-3, 0.2)):
        for c in ("yukawa", "derivative"):
            lam = decay_length_m(width_total_muon_alp(g_p, m_a, c), m_a, 100.0)
            print(f"   g_P={g_p:.2e} m_a={m_a}: {c:10s} decay length {lam:.3e} m, P(beyond 13.7 m) = {np.exp(-13.7 / lam):.3f}")
    g_p = 1.3e-3
    lam = decay_length_m(width_total_muon_alp(g_p, 0.25, "yukawa"), 0.25, 100.0)
    print(f"   above 2 m_mu: g_P={g_p} m_a=0.25: decay length {lam:.3e} m (mu mu open)")

    print("== secondary real photons / direct photon fusion, E_a >= 80 GeV, Pb target")
    y = np.linspace(0.5, 1, 20001)[:-1]
    phi_brem = np.trapezoid(((4 / 3) * (1 - y) + y**2) / y, y)   # energy-normalised brems shape
    phi_epa = np.trapezoid((1 + (1 - y) ** 2) / y, y)
    ell = 9 / 7 * X0_PB                                       # g/cm2: mean free path for pair conversion
    for b_brems in (2e-6, 3e-6, 4e-6):                       # g^-1 cm2, muon bremsstrahlung in Pb (see memo)
        num = b_brems * ell * phi_brem
        for ln_eff in (2.0, 7.0):
            print(f"   b_brems={b_brems:.0e}, ln_eff={ln_eff}: ratio = {num / (ALPHA / (2 * np.pi) * ln_eff * phi_epa):.2e}")

    print("== order of magnitude: alp-photon signal in NA64mu 2022 (direct process only, E_a >= 80 GeV)")
    n_pb = RHO_PB * 6.02214e23 / A_PB                        # nuclei / cm3
    sig_p = sigma_primakoff(100.0, 0.01, 1e-3) * 0.3894e-27  # cm2 at g = 1e-3 /GeV
    for ln_eff in (2.0, 7.0):
        sig_dir = ALPHA / (2 * np.pi) * ln_eff * phi_epa * sig_p
        n_ev = 1.98e10 * n_pb * 22.5 * sig_dir * 0.1      # efficiency 0.1: ASSUMPTION (seed 001: <= 12 %)
        print(f"   ln_eff={ln_eff}: N = {n_ev:.2f} (g/1e-3 GeV^-1)^2 -> N = 2.3 at g = {1e-3 * np.sqrt(2.3 / n_ev):.1e} /GeV (if it escapes)")


if __name__ == "__main__":
    main()
