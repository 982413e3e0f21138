"""Brute-force σ(χχ̄ → f f̄) for the relic tests: spin sums as explicit numerical Dirac traces
(the γ matrices of mucast.processes.dirac), contracted with the full unitary-gauge (spin 1) or
scalar (spin 0) propagator, and the final-state angle integrated numerically. Independent of
the tensor decomposition (F_T, F_L, G_T, G_L) of mucast.cosmology.annihilation."""

import math

import numpy as np

from mucast.processes.dirac import GAMMA, GAMMA5, LOWER as METRIC_DIAG

METRIC = np.diag(METRIC_DIAG)
ONE = np.eye(4, dtype=complex)
G0 = GAMMA[0]


def slash(p):
    return sum(METRIC[m, m] * p[m] * GAMMA[m] for m in range(4))


def bar(M):
    return G0 @ M.conj().T @ G0


def pair_tensor(pa, ma, pb, mb, vertices):
    """Σ_spins [v̄(pb) V^a u(pa)][...]^b* = Tr[(p̸b − mb) V^a (p̸a + ma) V̄^b]."""
    A = slash(pb) - mb * ONE
    B = slash(pa) + ma * ONE
    n = len(vertices)
    out = np.empty((n, n), complex)
    for a in range(n):
        for b in range(n):
            out[a, b] = np.trace(A @ vertices[a] @ B @ bar(vertices[b]))
    return out


def sigma_bruteforce(s, spin, dm_vertex, m1, m2, M, gam, gchi, fermions, ncos=16):
    """fermions: [(m_f, g_V or g_S, g_A or g_P)] including the model coupling; dm_vertex:
    'scalar-current', 'vector', 'axial' (spin 1), 'scalar', 'pseudoscalar', 'trilinear'
    (spin 0); Majorana enters through its effective vertex (two Wick contractions)."""
    rs = math.sqrt(s)
    E1 = (s + m1 * m1 - m2 * m2) / (2 * rs)
    p = math.sqrt(max(E1 * E1 - m1 * m1, 0.0))
    p1 = np.array([E1, 0, 0, p])
    p2 = np.array([rs - E1, 0, 0, -p])
    k = p1 + p2
    if spin in ("vector", "axial"):
        if dm_vertex == "scalar-current":
            q = p1 - p2
            LD = gchi**2 * np.outer(q, q).astype(complex)
            S = 1.0
        else:
            V = [gchi * (GAMMA[m] if dm_vertex == "vector" else GAMMA[m] @ GAMMA5)
                 for m in range(4)]
            LD = pair_tensor(p1, m1, p2, m2, V)
            S = 0.25
        klow = METRIC @ k
        P = (-METRIC + np.outer(klow, klow) / M**2) / complex(s - M * M, rs * gam)
    else:
        if dm_vertex == "trilinear":
            LD = np.array([[gchi**2 * m1**2]], complex)
            S = 1.0
        else:
            V = [gchi * (ONE if dm_vertex == "scalar" else 1j * GAMMA5)]
            LD = pair_tensor(p1, m1, p2, m2, V)
            S = 0.25
        P = np.array([[1.0 / complex(s - M * M, rs * gam)]])
    lam = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2)
    xs, ws = np.polynomial.legendre.leggauss(ncos)
    tot = 0.0
    for mf, ga, gb in fermions:
        if s <= 4 * mf * mf:
            continue
        kf = math.sqrt(s / 4 - mf * mf)
        beta = 2 * kf / rs
        if spin in ("vector", "axial"):
            Vf = [GAMMA[m] @ (ga * ONE + gb * GAMMA5) for m in range(4)]
        else:
            Vf = [ga * ONE + 1j * gb * GAMMA5]
        acc = 0.0
        for c, w in zip(xs, ws, strict=True):
            sn = math.sqrt(1 - c * c)
            k1 = np.array([rs / 2, kf * sn, 0, kf * c])
            k2 = np.array([rs / 2, -kf * sn, 0, -kf * c])
            A = slash(k1) + mf * ONE
            B = slash(k2) - mf * ONE
            n = len(Vf)
            LF = np.empty((n, n), complex)
            for a in range(n):
                for b in range(n):
                    LF[a, b] = np.trace(A @ Vf[a] @ B @ bar(Vf[b]))
            acc += w * np.einsum("mn,ma,nb,ab->", LD, P, P.conj(), LF).real
        tot += beta / (16 * math.pi) * acc
    return S * tot / (2 * math.sqrt(lam))
