"""Layer 2: high-precision references (mpmath) of the exact amplitudes, for the tests of numerical
accuracy: own kinematics, own 4×4 gamma matrices and spinors, all three explicit polarisations
of a massive X (no Ward identity). Slow; scalar inputs only.
"""

from __future__ import annotations

from mucast.constants import M_MU
from mucast.processes.mediators.exact.amplitudes import _spin


# =============================================================================================
# High-precision reference (mpmath), for the tests of numerical accuracy
# =============================================================================================
def _mp_line_sum(spin, p, k, pout, D, currents, s_t, u_t, m, mmu, explicit_L=True):
    """Σ_{currents, s, s', λ} |ū(p') [Γ_λ S(p−D) c̸ + c̸ S(p−k) Γ_λ] u(p)|² in mpmath (4×4
    matrices, own spinors; all three explicit physical X polarisations for V and A)."""
    import mpmath as mpm

    I2, Z2 = mpm.eye(2), mpm.zeros(2)
    sig = [mpm.matrix([[0, 1], [1, 0]]), mpm.matrix([[0, -1j], [1j, 0]]), mpm.matrix([[1, 0], [0, -1]])]

    def block(a, b, c, d):
        Mx = mpm.zeros(4)
        for i in range(2):
            for j in range(2):
                Mx[i, j], Mx[i, j + 2], Mx[i + 2, j], Mx[i + 2, j + 2] = a[i, j], b[i, j], c[i, j], d[i, j]
        return Mx

    G = [block(I2, Z2, Z2, -I2)] + [block(Z2, s, -s, Z2) for s in sig]
    G5 = 1j * G[0] * G[1] * G[2] * G[3]
    eye4 = mpm.eye(4)

    def sl(a):
        return G[0] * a[0] - G[1] * a[1] - G[2] * a[2] - G[3] * a[3]

    def uspin(q):
        epm = mpm.sqrt(q[0] + mmu)
        out = []
        for chi in ([1, 0], [0, 1]):
            c = mpm.matrix(chi)
            low = (sig[0] * q[1] + sig[1] * q[2] + sig[2] * q[3]) * c / epm
            out.append(mpm.matrix([epm * c[0], epm * c[1], low[0], low[1]]))
        return out

    u_in = uspin(p)
    ub_out = [(uu.H * G[0]) for uu in uspin(pout)]
    S1 = (sl([p[i] - D[i] for i in range(4)]) + mmu * eye4) / s_t
    S2 = (sl([p[i] - k[i] for i in range(4)]) + mmu * eye4) / u_t
    if spin in ("V", "A"):
        ka = mpm.sqrt(k[1] ** 2 + k[2] ** 2 + k[3] ** 2)
        kh = [k[1] / ka, k[2] / ka, k[3] / ka]
        # e1 ⟂ k̂ in the plane of k̂ and ẑ (k_y = 0 assumed), e2 = ŷ, ε_L = (|k|, ω k̂)/m
        pols = [[0, kh[2], 0, -kh[0]], [0, 0, 1, 0]]
        if explicit_L:
            pols.append([ka / m, k[0] * kh[0] / m, k[0] * kh[1] / m, k[0] * kh[2] / m])
        verts = [sl(e) * (G5 if spin == "A" else eye4) for e in pols]
    else:
        verts = [eye4 if spin == "S" else 1j * G5]
    tot = mpm.mpf(0)
    for c in currents:
        csl = sl(c)
        for Gv in verts:
            op = Gv * S1 * csl + csl * S2 * Gv
            for ub in ub_out:
                for uu in u_in:
                    tot += abs((ub * op * uu)[0, 0]) ** 2
    return tot


def reference_spin_pol_sum_mp(spin, x, theta, t, phi, m, E, nucleus_mass, dps=50):
    """Σ_{s,s',λ} |ū Γ_λ u|² (nuclear current J) at (x, θ_X, t, φ_Δ) in ``dps``-digit arithmetic.

    Independent of the NumPy code: own kinematics (same parametrisation as sigma_etl: k in the
    x–z plane, Δ⃗ at angle ψ to V⃗ = p⃗ − k⃗ fixed by p'² = m_μ², azimuth φ_Δ about V⃗), own 4×4
    gamma matrices, own spinors, all three *explicit* physical polarisations for V and A.
    Scalar inputs only; slow (for tests)."""
    import mpmath as mpm

    spin = _spin(spin)
    with mpm.workdps(dps):
        mf = mpm.mpf
        x, theta, t, phi, m, E, M = (mf(float(v)) for v in (x, theta, t, phi, m, E, nucleus_mass))
        mmu = mf(float(M_MU))
        pa = mpm.sqrt(E**2 - mmu**2)
        w = x * E
        ka = mpm.sqrt(w**2 - m**2)
        p = [E, 0, 0, pa]
        k = [w, ka * mpm.sin(theta), 0, ka * mpm.cos(theta)]
        V = [p[i] - k[i] for i in range(4)]
        Va = mpm.sqrt(V[1] ** 2 + V[3] ** 2)

        def dot(a, b):
            return a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3]

        absu = -(dot(V, V) - mmu**2)
        d0 = t / (2 * M)
        da = mpm.sqrt(t * (1 + t / (4 * M**2)))
        cpsi = (t * (1 + V[0] / M) + absu) / (2 * Va * da)
        spsi = mpm.sqrt(1 - cpsi**2)
        vhx, vhz = V[1] / Va, V[3] / Va
        D = [d0, da * (cpsi * vhx + spsi * mpm.cos(phi) * vhz), da * spsi * mpm.sin(phi),
             da * (cpsi * vhz - spsi * mpm.cos(phi) * vhx)]
        pout = [V[i] - D[i] for i in range(4)]
        J = [2 * M + d0, D[1], D[2], D[3]]
        pd = [p[i] - D[i] for i in range(4)]
        s_t = dot(pd, pd) - mmu**2
        return float(_mp_line_sum(spin, p, k, pout, D, [J], s_t, -absu, m, mmu))


def reference_bracket_22_mp(spin, x, u_tilde, m, dps=40):
    """¼ Σ |M(γμ → μX)|² at the WW point in ``dps``-digit arithmetic, with the three explicit
    X polarisations (no Ward identity).  Kinematics built here in the γμ CM frame (photon
    along +z), as mucast.processes.eft.traces.ww_kinematics: s̃ = −ũ/(1−x), t₂ = m² + ũx/(1−x)."""
    import mpmath as mpm

    spin = _spin(spin)
    with mpm.workdps(dps):
        mf = mpm.mpf
        x, u, m = mf(float(x)), mf(float(u_tilde)), mf(float(m))
        mmu = mf(float(M_MU))
        s_t = -u / (1 - x)
        t2 = m**2 + u * x / (1 - x)
        s = mmu**2 + s_t
        rs = mpm.sqrt(s)
        w = s_t / (2 * rs)
        q = [w, 0, 0, w]
        p = [mpm.sqrt(w * w + mmu**2), 0, 0, -w]
        k0 = (s + m**2 - mmu**2) / (2 * rs)
        ka = mpm.sqrt(k0**2 - m**2)
        qk = (m**2 - t2) / 2
        cth = (k0 - qk / w) / ka
        sth = mpm.sqrt(1 - cth**2)
        k = [k0, ka * sth, 0, ka * cth]
        pout = [p[i] + q[i] - k[i] for i in range(4)]
        D = [-qi for qi in q]
        eps = [[0, 1, 0, 0], [0, 0, 1, 0]]
        return float(_mp_line_sum(spin, p, k, pout, D, eps, s_t, u, m, mmu) / 4)
