"""Brute-force σ(νγ → νμμ): the full |M|² with explicit neutrino momenta and the complete
neutrino tensor N^{αβ} (ε-terms included), explicit azimuth φ* — independent of the τ₁/τ₂
decomposition of mucast.processes.trident (it shares only the muon-line amplitude, which is
checked on its own by the Ward identities and Breit–Wheeler). GeV units."""

import math

import numpy as np
from numpy.polynomial.legendre import leggauss

from mucast.processes import trident as T
from mucast.processes.dirac import GAMMA, GAMMA5, LOWER, slash

METRIC = LOWER


def neutrino_tensor(p, pp):
    """N^{ab} = Tr[p̸′γ^a(1−γ⁵)p̸γ^b(1−γ⁵)] (complex, incl. the ε part), (N, 4, 4)."""
    P5 = np.eye(4) - GAMMA5
    X = np.einsum("nij,ajk,kl->nail", slash(pp), GAMMA, P5)
    Y = np.einsum("nij,bjk,kl->nbil", slash(p), GAMMA, P5)
    return np.einsum("naij,nbji->nab", X, Y)


def amp2(p, pp, k, l1, l2, cv, ca, m=T.MMU):
    ells = T.muon_currents(l1, l2, k, m)
    ell = np.asarray(cv)[..., None, None, None, None] * ells["V"] - ca * ells["A"]
    N = neutrino_tensor(p, pp)
    Ng = N * METRIC[None, :, None] * METRIC[None, None, :]
    L = np.einsum("m,nmast,nmbst->nab", -METRIC, ell, ell.conj())
    v = np.einsum("nab,nab->n", Ng, L)
    return v.real, v.imag


def sigma_bruteforce(s, m=T.MMU, nM=16, nQ=16, nang=24, nphi=8, cv=None, ca=None, mz=None, g=0.0):
    """σ(νγ → νμμ)(ŝ) [GeV⁻²] and max |Im|/|Re| (must vanish)."""
    CV, CA = T.couplings()
    cv0 = CV if cv is None else cv
    ca = CA if ca is None else ca
    xa, wa = leggauss(nM)
    amax = math.log((s - 4 * m * m) / 1e-9)
    a = 0.5 * (xa + 1) * amax
    M2 = 4 * m * m + (s - 4 * m * m) * np.exp(-a)
    wM = 0.5 * wa * amax * (M2 - 4 * m * m)
    xb, wb = leggauss(nQ)
    phis = (np.arange(nphi) + 0.5) * 2 * math.pi / nphi
    tot, imax = 0.0, 0.0
    for i in range(nM):
        bmax = math.log((s - M2[i]) / 1e-12)
        Q2 = (s - M2[i]) * np.exp(-0.5 * (xb + 1) * bmax)
        wQ = 0.5 * wb * bmax * Q2
        beta = math.sqrt(1 - 4 * m * m / M2[i])
        cth, wc = T.angular_nodes(np.array([beta]), nang)
        cth, wc = cth[0], wc[0]
        QQ, CC, PP = np.meshgrid(Q2, cth, phis, indexing="ij")
        W = (wQ[:, None, None] * wc[None, :, None] * (2 * math.pi / nphi)) * np.ones_like(QQ)
        QQ, CC, PP, W = QQ.ravel(), CC.ravel(), PP.ravel(), W.ravel()
        k, q, l1, l2 = T.pair_frame(np.full_like(QQ, M2[i]), QQ, CC, m, phi=PP)
        Mm = math.sqrt(M2[i])
        om = k[:, 0]
        Ep = (s - QQ) / (2 * Mm)
        pz = Ep - s / (2 * om)
        pT = np.sqrt(np.clip(Ep**2 - pz**2, 0, None))
        p = np.stack([Ep, pT, 0 * Ep, pz], -1)
        pp = p - q
        cvq = cv0 + (0.0 if mz is None else g * g * T.VEV2 / (mz * mz + QQ))
        re, im = amp2(p, pp, k, l1, l2, cvq, ca, m)
        imax = max(imax, np.abs(im).max() / max(np.abs(re).max(), 1e-300))
        # dΦ₃ = dQ²/(8πs) dM²/(2π) β/(32π²) dcos dφ; flux 1/(2s); photon average ½;
        # |M|² = (G_F² e²/2) amp2
        fac = (T.GF**2 * 4 * math.pi * T.ALPHA / 2 / (2 * s) / 2 / (8 * math.pi * s)
               / (2 * math.pi) * beta / (32 * math.pi**2))
        tot += wM[i] * fac * (W * re).sum()
    return tot, imax
