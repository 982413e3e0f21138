"""Layer 3: the thermal average ⟨σv⟩_eff(x) of χχ̄ → SM through the mediator, on fixed nodes
reused for every coupling (docs/relic.md; used by mucast.cosmology.relic).

The exact Gondolo–Gelmini single integral over s (Gondolo & Gelmini, NPB 360 (1991) 145), in
the two-mass form of Edsjö & Gondolo, PRD 56 (1997) 1879 (for Maxwell–Boltzmann statistics
n_i n_j⟨σv⟩ = g_i g_j T/(32π⁴) ∫ds σ λ K₁(√s/T)/√s, divided by n_i^eq = g_i m_i² T K₂(m_i/T)/2π²):

    ⟨σv⟩ = ∫_{(m₁+m₂)²} ds σ(s) λ(s, m₁², m₂²) K₁(√s/T)/√s / [8 m₁²m₂² T K₂(m₁/T) K₂(m₂/T)],

σ(s) of :mod:`mucast.cosmology.annihilation` (running width in the propagator). ⟨σv⟩_eff = κ⟨σv⟩:
κ = 1 (Majorana, n counts the one species), ½ (complex scalar, Dirac: n = n_χ + n_χ̄);
pseudo-Dirac co-annihilation (Griest & Seckel, PRD 43 (1991) 3191): 2r₁r₂⟨σ₁₂v⟩, r_i the
equilibrium fractions. With K_n(z) = kve(n, z)e^{−z} only e^{−t}, t = (√s − m₁ − m₂)/T, remains.

Quadrature (measured against independent adaptive quadrature, tests/test_relic*.py): Gauss–
Legendre panels in t: e^{−t} panels, a √t map at threshold and at each open channel's threshold;
a pole more than 30 half widths above threshold: geometric panels graded to it and a
Breit–Wigner map across it, down to Γ/M ~ 1e-16; a pole at, just above or below threshold:
panels geometric in t about every scale where the integrand changes its power law (the running
dark width Γ_χ ∝ β^{2L+1} shapes a pole at threshold). Near threshold every kinematic
difference is formed from ds = s − (m₁+m₂)², never as the difference of two close numbers.
σ = g²A/|D|², |D|² = (s − M²)² + s(g²Γ₁ + Γ₀)²: all but the propagator is computed once, so a
target's Ωh² evaluations reuse the node arrays for every coupling near the one they were laid
out for.

Energies in hepunits; ⟨σv⟩ in natural units (1/energy²).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import kve as _scipy_kve

from mucast.cosmology import annihilation as _ann

__all__ = ["ThermalAverage", "kve", "pole_half_width", "species", "g_nodes", "pole_offset",
           "crossings", "half_width_t"]


def kve(n, z):
    """K_n(z)e^{z} for n = 1, 2: for z ≥ 20 the asymptotic series √(π/2z)Σ_{k≤14} a_k(n)/z^k
    (Abramowitz & Stegun 9.7.2; measured against scipy: ≤ 2e-14 at z = 20, ≤ 9e-16 above 30),
    3.4× cheaper than scipy's kve and finite where scipy returns NaN (z > 1.07e9, reached at
    x ~ 5e8 in the late tail of a threshold pole); scipy below 20."""
    z = np.asarray(z, dtype=float)
    big = z >= 20.0
    out = np.empty_like(z)
    if np.any(~big):
        out[~big] = _scipy_kve(n, z[~big])
    if np.any(big):
        zb = z[big]
        mu = 4.0 * n * n
        w = 1.0 / (8.0 * zb)
        term = np.ones_like(zb)
        ser = np.ones_like(zb)
        for k in range(1, 15):
            term *= (mu - (2 * k - 1) ** 2) * w / k
            ser += term
        out[big] = np.sqrt(np.pi / (2.0 * zb)) * ser
    return out


_GL_X, _GL_W = np.polynomial.legendre.leggauss(8)
# breakpoints in t = (√s − m₁ − m₂)/T (Boltzmann factor e^{−t})
_T_BASE = np.array([0.0, 1.0, 2.0, 3.0, 4.5, 6.0, 8.0, 10.5, 13.5, 17.0, 21.0, 26.0, 32.0, 40.0,
                    50.0, 62.0, 75.0])
_T_OFF = _T_BASE[1:]
_N_GEO = 18                  # geometric panels towards the pole on each side
_C_POLE = 3.0                # central panel half-width in Breit–Wigner half widths
_D_GEO = 4.0                 # ... graded in ln|t − t_p| out to this distance
_N_POLE = 2 * (_N_GEO + _T_OFF.size) + 1     # breakpoints of the pole set (both regimes)
_ABOVE = 30.0                # a pole more than _ABOVE half widths above threshold: arctan map
_S_MAX = 50.0                # threshold regime for a pole within t < 50 of threshold (or broad)
_N_S, _N_CROSS = 16, 9      # threshold regime: the pole's cluster, each of 3 crossings' clusters
_N_SPARSE = _N_POLE - _N_S - 3 * _N_CROSS - 1    # ... and a sparse grid over all t
_T_SCAN = np.geomspace(1e-45, _T_BASE[-1], 48)   # where the threshold regime looks for crossings


def species(dm, m1, m2):
    """([(g_i, m_i)], κ): the internal d.o.f. tracked in Y and the factor of ⟨σv⟩_eff."""
    if dm == "majorana":
        return [(2.0, m1)], 1.0
    if dm == "scalar":
        return [(2.0, m1)], 0.5
    if dm == "dirac":
        return [(4.0, m1)], 0.5
    return [(2.0, m1), (2.0, m2)], None


def pole_offset(ann, mX):
    """m_X − (m₁ + m₂) [energy], exactly 0 when it is rounding (|·| ≤ 4 ulp): "m_X = 2m_χ"
    means the pole at threshold, whose integral near t = 0 otherwise depends on the last bit
    of m_X (5% at Γ/M ~ 1e-15, since the region t < t_p²/κ² changes its power law)."""
    E0 = ann.m1 + ann.m2
    d = mX - E0
    return 0.0 if abs(d) <= 4.0 * np.finfo(float).eps * E0 else d


def half_width_t(ann, g, extra_width, T, t):
    """Γ(√s)/2T at √s = m₁ + m₂ + Tt (the running width, ``s − (m₁+m₂)²`` exact): the
    Breit–Wigner half width in t where the pole sits near t."""
    E0 = ann.m1 + ann.m2
    d = T * t
    return _ann.total_width(E0 + d, ann, g, extra_width, ds=d * (2.0 * E0 + d)) / (2.0 * T)


def pole_half_width(ann, mX, g, extra_width, T):
    """The pole's half width γ* in t = (√s − m₁ − m₂)/T, self-consistent with the running
    width: γ* = Γ(√s at t = max(t_p, 0) + γ*)/2T. Away from threshold it is Γ(m_X)/2T; for a
    pole at threshold the dark width grows as β^{2L+1} and sets the scale (a Dirac fermion's
    s-wave Γ_χ ∝ √t gives γ* = κ², while Γ(m_X) alone, the SM part, can be 10¹³ times
    smaller). Fixed-point iteration (converges for Γ ∝ √t; for Γ ∝ t^{3/2} it stays at the SM
    width unless that is already broad), capped at 10⁶."""
    T = np.asarray(T, dtype=float)
    tp0 = np.maximum(pole_offset(ann, mX) / T, 0.0)
    gam = np.maximum(float(_ann.total_width(mX, ann, g, extra_width)) / (2.0 * T), 1e-300)
    for _ in range(60):
        new = np.minimum(np.maximum(half_width_t(ann, g, extra_width, T, tp0 + gam), 1e-300),
                         1e6)
        done = np.all(np.abs(new / gam - 1.0) < 1e-3)
        gam = new
        if done:
            break
    return gam


def _geom(a, b, n):
    """n points from a to b (arrays (n_x,)) evenly in ln t: array (n_x, n)."""
    lin = np.linspace(0.0, 1.0, n)[None, :]
    return np.exp(np.log(a)[:, None] + lin * np.log(b / a)[:, None])


def crossings(ann, mX, g, extra_width, T, tp, n_max=3):
    """The scales in t where the near-threshold integrand changes its power law (array (n_x,
    n_max), NaN where fewer): where the dark width Γ_χ(t) crosses the SM one, and where the
    Breit–Wigner half width γ(t) crosses |t − t_p|, located on the grid _T_SCAN and refined by
    bisection in ln t."""
    tt = np.broadcast_to(_T_SCAN, (T.size, _T_SCAN.size))
    Tc = T[:, None]
    E0 = ann.m1 + ann.m2

    def parts(t):
        d = Tc * t
        gsm = _ann.width_sm(E0 + d, ann, g) + extra_width
        gdm = _ann.width_dm(E0 + d, ann, ds=d * (2.0 * E0 + d))
        return gsm, gdm, np.abs(t - tp[:, None]) * 2.0 * Tc

    def fns(t):
        gsm, gdm, dist = parts(t)
        tiny = 1e-300
        return [np.log(gdm + tiny) - np.log(gsm + tiny),
                np.log(gsm + gdm + tiny) - np.log(dist + tiny)]

    out = []
    for k, fk in enumerate(fns(tt)):
        sgn = np.sign(fk)
        ch = (sgn[:, :-1] != sgn[:, 1:]) & (sgn[:, :-1] != 0)
        # at most the first two changes of each kind
        for _ in range(2 if k == 1 else 1):
            i = np.argmax(ch, axis=1)
            has = ch[np.arange(T.size), i]
            lo, hi = np.log(_T_SCAN[i]), np.log(_T_SCAN[np.minimum(i + 1, _T_SCAN.size - 1)])
            flo = np.take_along_axis(fk, i[:, None], axis=1)[:, 0]
            for _ in range(10):                 # a grid cell is a factor 10: to 0.3%
                mid = 0.5 * (lo + hi)
                fm = fns(np.exp(mid)[:, None])[k][:, 0]
                left = np.sign(fm) == np.sign(flo)
                lo, hi = np.where(left, mid, lo), np.where(left, hi, mid)
            out.append(np.where(has, np.exp(0.5 * (lo + hi)), np.nan))
            ch[np.arange(T.size), i] = False
    return np.stack(out[:n_max], axis=1)


def _nodes(x, ann, mX, g, extra_width=0.0):
    """Nodes and weights in t for every x (arrays (n_x, n_nodes)) for the mediator pole at
    coupling g: base panels for e^{−t}; a √t map on every panel that starts at threshold or at
    an open lepton channel's threshold (a breakpoint, √s = 2m_f); for a
    pole more than 30 half widths above threshold (t_p > 30γ*), panels graded geometrically to
    t_p out to ±4 (Gauss–Legendre in ln|t − t_p|, the Breit–Wigner map t = t_p + γ* tan θ
    within a half width), and e^{−t} panels about t_p where the base panels do not reach; for
    a pole whose Breit–Wigner area is below e^{−45} of the continuum, none; for a pole at, just
    above or
    below threshold (|t_p| < 50, or γ* > |t_p|), panels geometric in t from 10⁻³ of the smallest scale
    of the integrand to 75, graded to t_p ± γ*·2^k (t_p > 0; else dense about the pole's
    scale) and dense about each crossing of
    :func:`crossings`, with a map in ln t (the integrand there is a chain of power laws,
    √t·((t − t_p)² + (γ_SM + κ√t)²)⁻¹ for an s-wave dark width)."""
    x = np.asarray(x, dtype=float)
    m1 = ann.m1
    T = m1 / x
    E0 = ann.m1 + ann.m2
    nx = x.size
    base = np.broadcast_to(_T_BASE, (nx, _T_BASE.size))
    tp = pole_offset(ann, mX) / T
    gt = pole_half_width(ann, mX, g, extra_width, T)
    # a pole so far above threshold that its whole Breit–Wigner area, ~ e^{−t_p}t_p²/γ* of the
    # continuum, is below e^{−45} needs no panels of its own
    with np.errstate(divide="ignore"):
        far = tp - 2.0 * np.log(np.maximum(tp, 1.0)) + np.log(gt) > 45.0
    above = (tp > _ABOVE * gt) & ~far
    scale = np.maximum(np.abs(tp), gt)
    thr = ~above & ((np.abs(tp) < _S_MAX) | (gt > np.abs(tp)))
    # pole above threshold: geometric panels on both sides out to ±4, the central one ±3γ*
    c = np.minimum(_C_POLE * gt, 0.5)
    dgeo = np.exp(np.linspace(0.0, 1.0, _N_GEO)[None, :] * np.log(_D_GEO / c)[:, None]) \
        * c[:, None]
    # ... and e^{−t} panels about a pole beyond the base panels' reach (within it, the base
    # panels serve: the shifted copies only doubled their density)
    toff = np.where((tp > _T_BASE[-1] - 1.0)[:, None], _T_OFF[None, :], np.inf)
    offs = np.concatenate([dgeo, toff], axis=1)
    tpc = np.where(above, tp, _T_BASE[-1])[:, None]
    bp_above = np.clip(np.concatenate([tpc - offs, tpc + offs, tpc], axis=1), 0.0,
                       np.maximum(_T_BASE[-1], tpc + _T_OFF[-1]))
    bp_above = np.where(above[:, None], bp_above, _T_BASE[-1])    # no pole: empty panels
    # pole at threshold: a sparse geometric grid from below every scale of the integrand to 75,
    # dense clusters (a decade either side) at the pole's scale and at each crossing
    sc = np.where(thr, scale, 1.0)
    if np.any(thr):
        cross = np.full((nx, 3), np.nan)
        cross[thr] = crossings(ann, mX, g, extra_width, T[thr], tp[thr])
    else:
        cross = np.full((nx, 3), np.nan)
    low = np.fmin(np.nanmin(np.concatenate([cross, sc[:, None]], axis=1), axis=1), 1.0)
    t_lo = np.maximum(1e-3 * low, 1e-60)        # nothing below (a zero width would give 0)
    sc = np.maximum(sc, 1e-57)
    # the pole's cluster: t_p ± γ*·2^k (k = −2…5) above threshold, else a decade either side
    steps = gt[:, None] * 2.0 ** np.arange(-2, _N_S // 2 - 2)[None, :]
    around = np.concatenate([tp[:, None] - steps, tp[:, None] + steps], axis=1)
    around = np.where(around > 0, around, sc[:, None])
    bp_thr = [_geom(t_lo, np.full(nx, _T_BASE[-1]), _N_SPARSE),
              np.where((tp > 0)[:, None], around, _geom(sc / 10, sc * 10, _N_S))]
    for k in range(cross.shape[1]):
        ck = np.where(np.isfinite(cross[:, k]), cross[:, k], sc)
        bp_thr.append(_geom(ck / 10, ck * 10, _N_CROSS))
    bp_thr.append(np.where(tp > 0, tp, sc)[:, None])
    bp_thr = np.clip(np.concatenate(bp_thr, axis=1), 0.0, _T_BASE[-1])
    bp = np.where(thr[:, None], bp_thr, bp_above)
    # open-channel thresholds √s = 2m_f inside the thermal range: a √ kink of the width and of σ
    chan = sorted({2.0 * ch.mass for ch in ann.channels if 2.0 * ch.mass > E0})
    tf = np.array([(c2 - E0) / T for c2 in chan]).reshape(len(chan), nx).T
    tf = np.where(tf < _T_BASE[-1], tf, _T_BASE[-1])
    bp = np.sort(np.concatenate([base, bp, tf], axis=1), axis=1)
    a = bp[:, :-1][:, :, None]
    b = bp[:, 1:][:, :, None]
    xi, wi = _GL_X[None, None, :], _GL_W[None, None, :]
    L = b - a
    u = 0.5 * (xi + 1.0)
    t_pl, w_pl = a + L * u, L * 0.5 * wi
    ratio = np.where(a > 0, b / np.where(a > 0, a, 1.0), 1.0)
    t_lg = a * ratio**u
    w_lg = t_lg * np.log(ratio) * 0.5 * wi
    # √ map anchored at the nearest threshold t_f ≤ a (m₁ + m₂, or an open channel's 2m_f):
    # t = t_f + (√(a − t_f) + (√(b − t_f) − √(a − t_f))u)², on every panel that starts at a
    # threshold or close enough to one to feel its √ kink ((a − t_f) < 2(b − a): a base
    # breakpoint 3.7e-4 above the muon threshold left 2e-5 on the next panel)
    anchor = np.zeros_like(a)
    for k in range(tf.shape[1]):
        tk = tf[:, k, None, None]
        anchor = np.where((tk <= a) & (tk < _T_BASE[-1]), np.maximum(anchor, tk), anchor)
    sa, sb = np.sqrt(a - anchor), np.sqrt(b - anchor)
    v = sa + (sb - sa) * u
    t_th, w_th = anchor + v * v, 2.0 * v * (sb - sa) * 0.5 * wi
    near = (a - anchor) < 2.0 * L
    tpp = tp[:, None, None]
    at_ok = (np.abs(0.5 * (a + b) - tpp) < _D_GEO) & above[:, None, None]   # the pole's panels
    use_th = near & ((anchor > 0) | (a == 0.0) | ~thr[:, None, None]) & (~at_ok | (a == anchor))
    use_lg = ~use_th & thr[:, None, None]
    use_at = ~use_th & ~use_lg & at_ok
    t = np.where(use_th, t_th, np.where(use_lg, t_lg, t_pl))
    w = np.where(use_th, w_th, np.where(use_lg, w_lg, w_pl))
    tau = t - tpp                              # t − t_p, exact where it matters (below)
    ia = np.nonzero(use_at[:, :, 0])           # the Breit–Wigner map, on its panels only
    if ia[0].size:
        t[ia], w[ia], tau[ia] = _bw_map(a[ia], b[ia], tp[ia[0]][:, None], gt[ia[0]][:, None],
                                        u[0], wi[0])
    return (np.clip(t, 0.0, None).reshape(nx, -1), w.reshape(nx, -1),
            np.where(t > 0.0, tau, -tpp).reshape(nx, -1))


def _bw_map(a, b, tpp, gtt, u, wi):
    """Nodes, weights and t − t_p (exact: t itself cannot carry a distance of 1e-17 from
    t_p ~ 1e-6) on the pole's panels [a, b] (arrays (k, 1); u, wi the Gauss–Legendre
    nodes on [0, 1] and weights): the Breit–Wigner map t = t_p + γ* tan θ on the panels that
    touch t_p ± γ*; on a panel further to one side, Gauss–Legendre in ln|t − t_p| (the Lorentzian's
    tail |t − t_p|⁻² and any change of power law there, e.g. a p-wave dark width ∝ t^{3/2}
    taking over the propagator: the cot form of the map, exact for a constant width only, was
    2e-5 off there; θ itself lost 0.06 of a panel's weight within an ulp of ±π/2)."""
    side = np.where(a >= tpp, 1.0, np.where(b <= tpp, -1.0, 0.0))
    tha, thb = np.arctan((a - tpp) / gtt), np.arctan((b - tpp) / gtt)
    th = tha + (thb - tha) * u
    tau_c = gtt * np.tan(th)
    t_c = tpp + tau_c
    w_c = gtt * (1.0 + np.tan(th) ** 2) * 0.5 * (thb - tha) * wi
    da, db = np.abs(a - tpp), np.abs(b - tpp)
    one = (side != 0.0) & (np.minimum(da, db) >= gtt)     # θ within a half width of the pole
    lr = np.log(np.where(one, db, 2.0) / np.where(one, da, 1.0))
    dd = np.where(one, da, 1.0) * np.exp(lr * u)
    t_s = tpp + side * dd
    w_s = dd * np.abs(lr) * 0.5 * wi
    return (np.where(one, t_s, t_c), np.where(one, w_s, w_c),
            np.where(one, side * dd, tau_c))


class ThermalAverage:
    """⟨σv⟩_eff(x) on a fixed x grid for one (model, dark matter, masses, g_χ), as a fast
    function of the model coupling g: σ = g²A/|D|², |D|² = (s − M²)² + s(g²Γ₁ + Γ₀)², so every
    other factor is computed once (module doc for the formulas). The nodes are laid out for the
    pole at coupling ``g_nodes``; any g whose width is within a factor ~1.2 of it is integrated
    as accurately. Near threshold every kinematic difference is formed from ds = s − (m₁+m₂)²
    = Tt(2(m₁+m₂) + Tt), never as a difference of two close numbers."""

    def __init__(self, ann, mX, xs, g_nodes, extra_width=0.0):
        self.ann, self.mX = ann, mX
        m1, m2 = ann.m1, ann.m2
        self.xs = np.asarray(xs, dtype=float)
        T = m1 / self.xs
        t, w, tau = _nodes(self.xs, ann, mX, g_nodes, extra_width)
        # zero-width panels (duplicate breakpoints) carry no weight: move them last in each row;
        # rows are kept in two blocks (with and without a pole's panels), each cut to its
        # longest row (memory and time, not numbers)
        order = np.argsort(w == 0.0, axis=1, kind="stable")
        t, w, tau = (np.take_along_axis(v, order, axis=1) for v in (t, w, tau))
        count = np.maximum(np.sum(w != 0.0, axis=1), 1)
        short = count <= 2 * _GL_X.size * (_T_BASE.size + 4)
        self.blocks = []
        for rows in (np.nonzero(short)[0], np.nonzero(~short)[0]):
            if rows.size:
                keep = int(np.max(count[rows]))
                self.blocks.append((rows,) + self._arrays(t[rows, :keep], w[rows, :keep],
                                                          tau[rows, :keep], T[rows],
                                                          extra_width))
        k1, k2 = kve(2, m1 / T), kve(2, m2 / T)
        if ann.dm == "pseudo-dirac":
            eD = np.exp(-(m2 - m1) / T)
            self.norm = 16.0 * eD / (8.0 * (2.0 * m1 * m1 * k1 + 2.0 * m2 * m2 * k2 * eD) ** 2)
            self.const = 0.0
        else:
            _, kappa = species(ann.dm, m1, m2)
            self.norm = kappa / (4.0 * m1 * m1 * m2 * m2 * k1 * k2)
            self.const = (kappa * _ann.sigmav_dirac_to_XX(m1, mX, ann.g_chi)
                          if ann.current == "vector" else 0.0)

    def _arrays(self, t, w, tau, T, extra_width):
        """(A, (s − M²)², √sΓ₁, √sΓ₀) on nodes t (tau = t − t_p), weights w of rows at
        temperatures T; s − M² = (√s − M)(√s + M) with √s − M = T·tau (the difference ds −
        (M² − (m₁+m₂)²) lost 1e-16/(Γ/|M − m₁ − m₂|) of itself: 1e-5 at Γ/(M − m₁ − m₂) = 1e-11)."""
        ann, mX = self.ann, self.mX
        m1, m2 = ann.m1, ann.m2
        E0 = m1 + m2
        d = T[:, None] * t
        E = E0 + d
        ds = d * (2.0 * E0 + d)
        s = E0 * E0 + ds
        lam = _ann.kallen_above(ds, m1, m2)
        num, gsm = _ann.numerator_with_width(s, ann, mX, ds=ds)
        A = num * np.sqrt(lam) / 2.0 * kve(1, E / T[:, None]) * np.exp(-t) * w
        sm2 = np.maximum((T[:, None] * tau * (E + mX)) ** 2, 1e-300)
        rs = np.sqrt(s)                  # s Γ² = (√s Γ)²: one product less per coupling
        return A, sm2, rs * gsm, rs * (_ann.width_dm(E, ann, ds=ds) + extra_width)

    def __call__(self, g):
        out = np.empty(self.xs.size)
        for rows, A, sm2, W1, W0 in self.blocks:
            wg = g * g * W1 + W0
            out[rows] = np.sum(A / (sm2 + wg * wg), axis=1)
        return self.norm * g * g * out + self.const


def g_nodes(g):
    """The coupling the nodes are laid out for: g rounded to a power of 2 (the SM width ∝ g² to
    within a factor 2 of the layout's), so that the couplings of one target search share node
    arrays. Measured against the brute force with the layout's g off by √2 either way (the
    worst case): ≤ 3e-7 over random points, as with the exact g (off by 2: 4e-5)."""
    return 2.0 ** round(math.log2(g))
