"""Layer 3: from sampled (x, k, ũ, t) to lab four-vectors: the photon virtuality from the flux
integrand, the exact on-shell recoil, boosts and two-body decays (mucast.events).
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import M_MU
from mucast.exceptions import KinematicsError
from mucast.processes.flux import form_factor_squared
from mucast.processes.kinematics import t_min as _t_min


#: proposals per point of the photon-virtuality sampler before it stops with an error: a point
#: not accepted after this many has an acceptance below ~1/_T_MAX_PROPOSALS. Inside the
#: generators' domain the acceptance of a point is >= 0.13 and no point needed more than 63
#: proposals in 20 000 events per mass at 1.06, 15 and 160 GeV (validation/generator_domain.py),
#: so the budget is not reached there (probability 0.87**10000 per point); beyond it a t window
#: of relative width 1e-6 (acceptance ~5e-7) made `generate zprime --mass 50` loop for minutes
_T_MAX_PROPOSALS = 10_000


# ----------------------------------------------------------------------------------------------
# kinematics: from (x, k, ũ, t) to four-vectors
# ----------------------------------------------------------------------------------------------
def _sample_t(t_lo, t_hi, target, rng):
    """t from (t − t_min)/t² G2(t) on [t_lo, t_hi] (vectorised accept–reject in ln t).

    Envelope in r = ln t: Z² for t < t_d, Z² (t_d/t)² above (G2 ≤ Z² min(1, (t_d/t)²) and
    (t − t_min)/t ≤ 1); it is sampled exactly as a two-piece mixture. Its acceptance falls like
    (t_hi − t_lo)/(2 t_hi) in a narrow window: a point not accepted after
    :data:`_T_MAX_PROPOSALS` proposals raises :class:`KinematicsError` stating the efficiency.
    """
    n = len(t_lo)
    td = target.t_d
    Z2 = target.Z**2
    out = np.empty(n)
    todo = np.arange(n)
    budget = _T_MAX_PROPOSALS
    proposed = 0
    for _ in range(budget):
        if not todo.size:
            break
        proposed += todo.size
        lo, hi = t_lo[todo], t_hi[todo]
        a = np.log(np.minimum(np.maximum(td, lo), hi)) - np.log(lo)       # flat piece length
        tb = np.maximum(td, lo)
        b = 0.5 * np.clip(1.0 - (tb / hi) ** 2, 0.0, None) * (td / tb) ** 2
        pa = a / (a + b)
        r1 = rng.random(todo.size)
        r2 = rng.random(todo.size)
        flat = r1 < pa
        t = np.where(flat, lo * np.exp(r2 * a), 0.0)
        # tail: density ∝ t^-2 in ln t on [tb, hi]: 1/t² uniform between 1/tb² and 1/hi²
        inv2 = (1.0 / tb**2) - r2 * ((1.0 / tb**2) - (1.0 / hi**2))
        t = np.where(flat, t, 1.0 / np.sqrt(inv2))
        env = Z2 * np.where(t < td, 1.0, (td / t) ** 2)
        f = (t - lo) / t * form_factor_squared(t, target.Z, target.t_a, td)
        acc = rng.random(todo.size) * env < f
        out[todo[acc]] = t[acc]
        todo = todo[~acc]
    if todo.size:
        width = float(np.min(t_hi[todo] / t_lo[todo] - 1.0))
        raise KinematicsError(
            f"photon-virtuality sampling stopped: {todo.size} of {n} points not accepted after "
            f"{budget} proposals each (acceptance efficiency < {1.0 / budget:.0e} there, "
            f"{(n - todo.size) / proposed:.1e} overall); their t windows are too narrow "
            f"(t_max/t_min - 1 down to {width:.1e}): outside the generator's domain")
    return out


def _rot_z_az(theta, phi, mag):
    st = np.sin(theta)
    return np.stack([mag * st * np.cos(phi), mag * st * np.sin(phi), mag * np.cos(theta)], -1)


def _build_kinematics(x, k, u, energy, target, t_max_choice, rng):
    """Lab four-vectors of (muon, system X, nucleus) and t for sampled (x, k, ũ)."""
    n = len(x)
    E = energy
    P = math.sqrt(E * E - M_MU**2)
    k2 = k * k
    k0 = x * E
    kabs = np.sqrt(np.maximum(k0 * k0 - k2, 0.0))
    cth = np.clip((u - k2 + 2.0 * E * k0) / (2.0 * P * np.maximum(kabs, 1e-300)), -1.0, 1.0)
    th = np.arccos(cth)
    phik = rng.uniform(0.0, 2.0 * math.pi, n)
    kv = np.concatenate([k0[:, None], _rot_z_az(th, phik, kabs)], axis=1)
    # the exact ũ of the built k (differs from the sampled one only where θ was clipped at 0)
    u = k2 - 2.0 * (E * k0 - P * kv[:, 3])
    A = P - kv[:, 3]
    bT = -kv[:, 1:3]                                   # transverse part of p − k
    e_pk = E - k0
    M = target.atomic_mass
    # photon virtuality: t ≥ t_min of Eq. 18 and ≥ the exact on-shell minimum (ũ/2A)²
    t_lo = np.maximum(_t_min(-u, x, E), (u / (2.0 * A)) ** 2 * (1.0 + 1e-6))
    t_hi = np.full(n, E * E) if t_max_choice == "E2" else M_MU**2 + k2
    t_hi = np.maximum(t_hi, t_lo * (1 + 1e-6))
    t = np.empty(n)
    Q = np.empty(n)
    qz = np.empty(n)
    q0 = np.empty(n)
    phiq = np.empty(n)
    todo = np.arange(n)
    for attempt in range(50):
        tl = t_lo[todo] * (1.0 + 0.05 * attempt)
        tt_ = _sample_t(tl, np.maximum(t_hi[todo], tl * (1 + 1e-6 + 0.2 * attempt)), target, rng)
        ph = rng.uniform(0.0, 2.0 * math.pi, todo.size)
        q0_ = -tt_ / (2.0 * M)
        ok = np.ones(todo.size, bool)
        for _ in range(3):
            c = -(bT[todo, 0] * np.cos(ph) + bT[todo, 1] * np.sin(ph)) / A[todo]
            d = (e_pk[todo] * q0_ - 0.5 * (tt_ - u[todo])) / A[todo]
            qq = tt_ + q0_ * q0_                       # |q|² = t + q0²
            disc = c * c * d * d - (1 + c * c) * (d * d - qq)
            ok = disc >= 0
            Q_ = (-c * d + np.sqrt(np.maximum(disc, 0.0))) / (1 + c * c)
            qz_ = c * Q_ + d
            q0_ = M - np.sqrt(M * M + Q_ * Q_ + qz_ * qz_)
        idx = todo[ok]
        t[idx], Q[idx], qz[idx], q0[idx], phiq[idx] = tt_[ok], Q_[ok], qz_[ok], q0_[ok], ph[ok]
        todo = todo[~ok]
        if not todo.size:
            break
    good = np.ones(n, bool)
    good[todo] = False            # no on-shell recoil (only at x → 1 − m_μ/E): caller resamples
    t[todo], Q[todo], qz[todo], q0[todo], phiq[todo] = t_lo[todo], 0.0, 0.0, 0.0, 0.0
    qv = np.stack([q0, Q * np.cos(phiq), Q * np.sin(phiq), qz], axis=1)
    p = np.array([E, 0.0, 0.0, P])
    mu = p[None, :] - kv + qv
    nucleus = np.concatenate([(M - q0)[:, None], -qv[:, 1:]], axis=1)
    return mu, kv, nucleus, t, u, good


def _boost(pstar, kv):
    """Boost (n, 4) momenta from the rest frame of kv (n, 4) to the frame where it moves."""
    m = np.sqrt(np.maximum(kv[:, 0] ** 2 - np.sum(kv[:, 1:] ** 2, axis=1), 1e-300))
    gam = kv[:, 0] / m
    b = kv[:, 1:] / kv[:, :1]
    b2 = np.sum(b * b, axis=1)
    bp = np.sum(pstar[:, 1:] * b, axis=1)
    e = gam * (pstar[:, 0] + bp)
    coef = np.where(b2 > 0, (gam - 1.0) / np.where(b2 > 0, b2, 1.0), 0.0) * bp + gam * pstar[:, 0]
    return np.concatenate([e[:, None], pstar[:, 1:] + coef[:, None] * b], axis=1)


def _to_rest(p, kv):
    inv = kv.copy()
    inv[:, 1:] *= -1.0
    return _boost(p, inv)


def _two_body(kv, m1, m2, n_dir):
    """Daughter momenta for unit directions n_dir (n, 3) in the rest frame of kv."""
    M2 = np.maximum(kv[:, 0] ** 2 - np.sum(kv[:, 1:] ** 2, axis=1), 0.0)
    Mk = np.sqrt(M2)
    lam = np.maximum((M2 - (m1 + m2) ** 2) * (M2 - (m1 - m2) ** 2), 0.0)
    pst = np.sqrt(lam) / (2.0 * np.maximum(Mk, 1e-300))
    e1 = (M2 + m1 * m1 - m2 * m2) / (2.0 * np.maximum(Mk, 1e-300))
    e2 = Mk - e1
    k1 = np.concatenate([e1[:, None], pst[:, None] * n_dir], axis=1)
    k2 = np.concatenate([e2[:, None], -pst[:, None] * n_dir], axis=1)
    return _boost(k1, kv), _boost(k2, kv)


def _isotropic(n, rng):
    c = rng.uniform(-1.0, 1.0, n)
    ph = rng.uniform(0.0, 2.0 * math.pi, n)
    s = np.sqrt(1.0 - c * c)
    return np.stack([s * np.cos(ph), s * np.sin(ph), c], axis=1)


def _triad(p, pp, kv):
    """Orthonormal triad in the rest frame of kv: e3 ∥ p*, e2 ∥ p* × p′*, e1 = e2 × e3."""
    a = _to_rest(p, kv)[:, 1:]
    b = _to_rest(pp, kv)[:, 1:]
    e3 = a / np.linalg.norm(a, axis=1, keepdims=True)
    e2 = np.cross(a, b)
    nrm = np.linalg.norm(e2, axis=1, keepdims=True)
    fallback = np.cross(e3, np.array([1.0, 0.0, 0.0]))
    fallback = np.where(np.linalg.norm(fallback, axis=1, keepdims=True) > 1e-6, fallback,
                        np.cross(e3, np.array([0.0, 1.0, 0.0])))
    e2 = np.where(nrm > 1e-12 * np.linalg.norm(a, axis=1, keepdims=True) ** 2, e2, fallback)
    e2 /= np.linalg.norm(e2, axis=1, keepdims=True)
    e1 = np.cross(e2, e3)
    return e1, e2, e3
