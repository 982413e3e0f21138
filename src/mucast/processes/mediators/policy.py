"""Layer 2: which calculation of μN → μN + invisible holds where — the narrow-width (on-shell)
form or the full pair integral — stated with each one's domain and checked at run time.

The two forms (docs/models.md §3; :mod:`mucast.processes.mediators.offshell`):

    N_pair   = ∫ ds f(s)/D(s),   f(s) = g_μ² σ_X(k) w(k) k Γ_inv(k)/π,
                                  D(s) = (s − M²)² + s Γ(k)²,   s = k²,
    N_narrow = π f(M²)/(M Γ(M)) = g_μ² σ_X(M) w(M) Br(X → invisible),

with w(k) the signal efficiency (any weight). The narrow-width form is the Γ → 0 limit of the
pair integral. Its first correction, for a smooth f, follows from splitting ∫ f/D into
f(M²)∫1/D and ∫(f − f(M²))/D and letting Γ → 0 in the second (derivation in docs/models.md §3):

    N_pair/N_narrow − 1 = (M Γ(M)/(π f(M²))) · FP∫_{s_lo}^{s_hi} ds f(s)/(s − M²)² + O((Γ/M)²),

FP the Hadamard finite part, s_lo the invisible threshold (or the integral's start), s_hi the
end of the σ_X table (the weight held at its last value beyond the end of its own table). This is what :func:`narrow_width_doubt` evaluates for all masses of a
curve in one vectorised pass (about a millisecond), with the finite part computed exactly as

    FP∫ f/(s − c)² = ∫ [f − f(c) − a(s − c)]/(s − c)² ds − f(c)[1/(s_hi − c) + 1/(c − s_lo)]
                     + a ln((s_hi − c)/(c − s_lo))

for any a (a = f′(c) makes the integrand regular), the regular part by Gauss–Legendre panels in
ln|s − c| on each side of the pole. It is large where the narrow-width form fails for a physical
reason: the continuum below the pole outweighs a suppressed resonance (near a beam's reach), f
grows fast above the pole (a spin-0 mediator with a light dark sector: +3% at Γ/M = 0.4%). It is not applicable (returned as inf) where a
threshold of Γ_inv or Γ_tot lies within :data:`THRESHOLD_REACH`·MΓ of the pole (the hadronic
threshold 2m_π± included), where Γ_tot itself is not smooth on the resonance's scale (its second
difference on a grid of one width, within the same reach, exceeds :data:`WIDTH_KINK` of Γ(M): the
expansion holds Γ at Γ(M) while the pair integral runs it, which is harmless for a smooth width,
Γ ∝ kⁿ giving n(n−1)(Γ/M)² ≲ 3e-3 here, but not for the structures of the measured hadronic
width — e.g. R = 3.4 → 4.5 between 4.00 and 4.02 GeV, where the estimate fell 3× short of a 0.2%
deviation for a dark photon with Γ/M = 0.7%), where no invisible channel is open at M, and where
the pole lies beyond the σ_X table.

Domain constants (checked where they are used, in :mod:`mucast.inference.mediators`):

* :data:`NARROW` = 1%: the largest Γ/M, and the largest |N_pair/N_narrow − 1|, for which the
  narrow-width form is used by ``production="auto"``;
* :data:`SCREEN_SAFETY` = 3: where this module's estimate is below NARROW/3 the full pair integral
  is not computed (the estimate is within a factor 1.5 of the full integral's answer on every
  tested model and mass, tests/validation/test_offshell.py, so a factor 3 leaves a margin of 2);
* :data:`OFFSHELL_RTOL` = 1e-3 and :data:`OFFSHELL_FAIL` = 0.1: a pair-integral yield whose stated
  uncertainty (quadrature, σ_X table, the part beyond the weight's table) exceeds OFFSHELL_RTOL
  carries a warning with its size; beyond OFFSHELL_FAIL it is not used.
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import ALPHA, M_E, M_MU, M_TAU
from mucast.integrate import gauss_legendre
from mucast.processes.mediators import offshell as _off

__all__ = ["NARROW", "SCREEN_SAFETY", "OFFSHELL_RTOL", "OFFSHELL_FAIL", "THRESHOLD_REACH",
           "WIDTH_KINK",
           "narrow_width_doubt"]

NARROW = 0.01
SCREEN_SAFETY = 3.0
OFFSHELL_RTOL = 1e-3
OFFSHELL_FAIL = 0.1
#: a threshold this many MΓ from the pole makes the resonance's shape threshold-dominated
THRESHOLD_REACH = 10.0
#: the largest second difference of Γ_tot(k)/Γ(M) on a grid of one width within
#: ±THRESHOLD_REACH/2 widths of the pole for which the first-order estimate (Γ held at Γ(M)) is
#: used; beyond it the estimate does not apply (inf) and the caller computes the pair integral
#: (module doc). A smooth Γ ∝ kⁿ gives n(n−1)(Γ/M)² ≤ 3e-3 for n ≤ 5, Γ/M ≤ 1.2%
WIDTH_KINK = 0.01
#: the regular part: panels per side of the pole in ln|s − M²|, Gauss–Legendre nodes per panel,
#: and the closest distance to the pole, |s − M²| ≥ CLOSEST·M² (the regular integrand vanishes
#: like |s − M²| there, so what lies closer is ≤ CLOSEST relative)
_PANELS, _NODES, _CLOSEST = 14, 8, 1e-7


def _f(model, k, mass, g, sigma, weight, gmu2):
    """f(s) of the module doc (and the axial's non-resonant longitudinal integrand l(s))."""
    inv = model.invisible_width(k, g, mediator_mass=mass)
    f = gmu2 * sigma(k) * weight(k) * k * inv / math.pi
    return f


def _longitudinal(model, k, mass, g, sigma_p, weight, gmu2):
    """The axial mediator's Goldstone term ∫ds of offshell._longitudinal (no pole)."""
    if model.spin != "axial" or model.dark is None or model.dark.kind not in ("dirac", "majorana"):
        return 0.0 * k
    return gmu2 * sigma_p(k) * weight(k) * _off._longitudinal(model, k, mass, g, None)


def _thresholds(model, mass):
    """Thresholds [energy] of Γ_inv and Γ_tot (the dark pair at this mediator mass; leptons)."""
    out = [np.full(np.shape(mass), 2 * m) for f, m in (("e", M_E), ("mu", M_MU), ("tau", M_TAU))
           if model.charges.get(f, 0)]
    if model.dark is not None:
        out.append(np.broadcast_to(model.dark.threshold(mass), np.shape(mass)))
    if getattr(model, "hadronic_threshold", None):           # Γ(X → hadrons) opens at 2m_π±
        out.append(np.full(np.shape(mass), model.hadronic_threshold))
    return out


def _width_not_smooth(model, M, g, gam):
    """Where the running Γ_tot(k) of the pair integral has a second difference above
    WIDTH_KINK·Γ(M) on the grid k = M + jΓ, |j| ≤ THRESHOLD_REACH/2 (module doc)."""
    half = int(THRESHOLD_REACH // 2)
    steps = np.arange(-half, half + 1, dtype=float)
    k = np.maximum(M[:, None] + steps[None, :] * gam[:, None], 1e-3 * M[:, None])
    w = model.widths(k, np.broadcast_to(g[:, None], k.shape),
                     mediator_mass=np.broadcast_to(M[:, None], k.shape))
    gk = np.asarray(sum(w.values()), float) / gam[:, None]   # the integral's running width
    second = gk[:, 2:] - 2.0 * gk[:, 1:-1] + gk[:, :-2]
    return np.any(np.abs(second) > WIDTH_KINK, axis=1)


def narrow_width_doubt(model, masses, g, energy, target, weight_fn=None, k_max=None, x_min=None,
                       theta_max=0.1, t_max="E2", alpha=ALPHA, correct=False):
    """Estimated |N_pair/N_narrow − 1| (module doc) for each mediator mass [energy] at couplings
    ``g`` (arrays of one shape): the first-order finite-width correction plus 2(Γ/M)² for the
    higher orders, plus the axial mediator's non-resonant longitudinal part. ``inf`` where the
    estimate does not apply (module doc) — the caller then computes the pair integral.
    ``weight_fn``: the efficiency w(k) (None: 1); ``k_max``: where its table ends [energy]
    (beyond it the weight is held at its last value: see the code); ``correct``: σ_X with the
    exact/WW correction (as the pair integral it is compared with).
    """
    M = np.atleast_1d(np.asarray(masses, float))
    g = np.broadcast_to(np.asarray(g, float), M.shape)
    out = np.full(M.shape, np.inf)
    if model.invisible and model.dark is None or model.mass is not None:
        return out
    sx = _off.sigma_table(model.spin, energy, target, x_min, theta_max, t_max, alpha,
                          correct=correct)
    sp = (_off.sigma_table("pseudoscalar", energy, target, x_min, theta_max, t_max, alpha,
                           correct=correct)
          if model.spin == "axial" and model.dark is not None else None)
    k_end = sx.k_hi
    # the weight continues at its last value beyond the end of its table (k_max): the estimate
    # is of the finite-width effect, not of what an efficiency table leaves unknown (the pair
    # integral states that part separately, offshell.pair_integral's "beyond")
    k_w = k_end if k_max is None else min(float(k_max), k_end) * (1.0 - 1e-9)

    def weight(k):
        if weight_fn is None:
            return np.ones_like(k)
        return np.asarray(weight_fn(np.minimum(k, k_w)), float)

    gmu2 = np.asarray(model.g_mu(g), float) ** 2
    c = M * M
    gam = np.asarray(model.total_width(M, g), float)
    nu_open = model.spin in ("vector", "axial") and any(
        model.charges.get(f, 0) for f in ("nu_e", "nu_mu", "nu_tau"))
    thr = np.zeros(M.shape) if nu_open else np.broadcast_to(
        model.dark.threshold(M), M.shape).astype(float)
    s_lo = np.maximum(thr, np.minimum(_off.TABLE_K_LO, _off.K_BELOW_POLE * M)) ** 2
    s_hi = np.full(M.shape, k_end * k_end)
    near_thr = np.zeros(M.shape, bool)
    for t in _thresholds(model, M):
        near_thr |= np.abs(t * t - c) < THRESHOLD_REACH * M * gam
    fM = _f(model, M, M, g, sx, weight, gmu2)
    ok = (fM > 0) & (c > s_lo) & (c < s_hi) & ~near_thr & (gam > 0)
    if np.any(ok):
        ok[ok] = ~_width_not_smooth(model, M[ok], g[ok], gam[ok])
    if not np.any(ok):
        return out
    M, g, c, gam, s_lo, s_hi, fM, gmu2 = (a[ok] for a in (M, g, c, gam, s_lo, s_hi, fM, gmu2))
    h = 1e-4
    fp = _f(model, M * math.sqrt(1 + h), M, g, sx, weight, gmu2)
    fm = _f(model, M * math.sqrt(1 - h), M, g, sx, weight, gmu2)
    a = (fp - fm) / (2 * h * c)                           # df/ds at s = c (any a is exact)
    x, w = gauss_legendre(_NODES)
    reg = np.zeros(M.shape)
    lon = np.zeros(M.shape)
    for side, extent in ((+1.0, s_hi - c), (-1.0, c - s_lo)):
        t0 = np.log(_CLOSEST * c)
        t1 = np.log(extent)
        good = t1 > t0
        t1 = np.where(good, t1, t0 + 1.0)
        edges = t0[:, None] + (t1 - t0)[:, None] * np.linspace(0.0, 1.0, _PANELS + 1)[None, :]
        lo, hi = edges[:, :-1, None], edges[:, 1:, None]
        tt = (lo + 0.5 * (hi - lo) * (x + 1.0)).reshape(len(M), -1)
        wt = (0.5 * (hi - lo) * w).reshape(len(M), -1)
        d = np.exp(tt)                                    # |s − c|
        s = c[:, None] + side * d
        k = np.sqrt(s)
        fs = _f(model, k, M[:, None], g[:, None], sx, weight, gmu2[:, None])
        r = (fs - fM[:, None] - a[:, None] * side * d) / d          # R(s)·|s − c|
        reg += np.where(good, np.sum(wt * r, axis=1), 0.0)
        if sp is not None:
            lon += np.where(good, np.sum(wt * d * _longitudinal(
                model, k, M[:, None], g[:, None], sp, weight, gmu2[:, None]), axis=1), 0.0)
    fp_int = reg - fM * (1.0 / (s_hi - c) + 1.0 / (c - s_lo)) + a * np.log((s_hi - c) / (c - s_lo))
    n_narrow = math.pi * fM / (M * gam)
    est = np.abs(fp_int / n_narrow) + np.abs(lon) / n_narrow + 2.0 * (gam / M) ** 2
    out[ok] = est
    return out
