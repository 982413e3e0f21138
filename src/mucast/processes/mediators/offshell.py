"""Layer 2: pair production through a mediator of any mass, μN → μN (X* → χχ̄ or νν̄), as an
integral over the pair mass k² (docs/models.md §3).

Factorisation (derived for docs/models.md from the phase-space split dΦ(μNχχ̄) =
dΦ(μN X_k) dk²/2π dΦ₂(k → χχ̄), the same split as seed 000 Eqs. (13)–(16) that links the EFT engine
to the Z′ bracket):

    dσ/dk² = σ_X(m → k; g_μ) · ρ(k²),      ρ(k²) = k Γ_inv(k) / (π [(k² − M²)² + k² Γ_tot(k)²]),

where σ_X(m → k) is the on-shell production cross section of :mod:`mucast.processes.mediators.production`
with *every* m replaced by k (x range, ũ(θ), t_min), Γ_inv(k) the width of a mediator of mass k
into the invisible channels (ν pairs, the dark pair), and Γ_tot(k) its total width at mass k
(the running width: the imaginary part of the transverse self-energy, which vanishes below every
threshold — with a fixed M Γ(M) the contact limit would be off by 1/(1 + Γ²/M²)). It is exact at
tree level once the pair's angles are integrated (the selection depends on k and the muon only)
for a vector mediator (conserved muon current), for spin 0, and for an axial mediator coupled to a
conserved dark current; for an axial mediator and axial (Dirac or Majorana) dark matter the
longitudinal (Goldstone) part of the Proca propagator adds

    σ_P(m → k; g_μ) (2m_μ/k)² (2m_χ/k)² k Γ_P(k; g_χ)/π · 1/M⁴,

σ_P the pseudoscalar production and Γ_P the pseudoscalar width into the same pair (the −kk/(k²M²)
part of the propagator has no pole, so no width there). Checked, independently of this code,
against γμ → μχχ̄ with explicit spinors and the full propagator to 1e-15 (docs/models.md).

Limits (tests/validation/test_offshell.py): Γ ≪ M gives σ_X(M) Br(X → invisible) (narrow width);
M → ∞ gives the contact operator C = g_μ g_χ/M² of the EFT engine (:mod:`mucast.processes.eft.production`);
M = 0, g_μ = e, g_χ = εe is millicharged pair production through the photon,
dσ/dk² = σ_V(k; e) · ε²α(1 + 2m_χ²/k²)β/(3πk²).

σ_X(k) is smooth in k: :class:`SigmaTable` tabulates ln σ_X on piecewise Chebyshev nodes once
per (spin, set-up), so that every mediator mass of a scan is a one-dimensional k² integral (the
same idea as :class:`mucast.inference.scans.KSpectrumTable`; interpolation error ≤ 1e-7, tested).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mucast.constants import ALPHA, M_E, M_MU, M_TAU
from mucast.exceptions import KinematicsError
from mucast.integrate import Orders, QuadResult, mapped_rule
from mucast.models import widths as _w
from mucast.processes.mediators import production as _prod

#: k²σ_X below this fraction of its maximum is not tabulated (SigmaTable._cut)
CUT_FRACTION = 1e-13
#: k2_rule maps a range by the Breit–Wigner angle when the pole is within this many MΓ of it
POLE_REACH = 1e3
#: quadrature orders of the tables (σ_X to ~2e-5, stated ≤ 3e-4; built once per set-up)
TABLE_ORDERS = Orders(n_u=48, n_xa=48, n_xb=40, n_k=4)

__all__ = ["SigmaTable", "sigma_table", "rho", "dsigma_dk2", "k2_rule", "pair_integral"]


class SigmaTable:
    """σ_X(m → k; g_μ = 1, x ≥ x_min) [area] as a piecewise Chebyshev interpolant of ln σ
    (production in the WW approximation, :func:`mucast.processes.mediators.production.
    cross_section_per_g2`), built from one vectorised pass.

    σ_X(k) is smooth except at its ends: it vanishes at the reach k → k_end = E − m_μ like a
    power of (k_end − k), and with a signal region it has a kink at k = x_min E (the x range
    starts at max(x_min, k/E)). So the table has panels in ln k (decades) up to k_end/2 and in
    ln(k_end − k) above (decades towards the end), with x_min E as an extra edge; degree 16 per
    panel keeps the interpolation error ≤ 1e-7 (tests/validation/test_offshell.py). A single
    global polynomial in ln k (mucast before this fix) oscillated by ±5% because ln σ → −∞ at
    the end. Far out (k ≳ 30 GeV at 160 GeV) σ_X is < 1e-13 of its maximum and its quadrature
    loses its digits: the table stops there (:meth:`_cut`). Above k_hi the table is 0; below
    k_lo it continues ln σ linearly in ln k with the slope at k_lo: σ_X flattens as k → 0 for S,
    P and V (slope → 0: m enters only through m²/m_μ² and k/E) and grows as 1/k² for the axial
    vector (its longitudinal m_μ²/m² term: slope −2), so the power law is exact there to
    O(k²/m_μ²) (tested down to 1e-7 GeV against the direct calculation). Pair integrals through a
    light mediator need it: the pole of a 10 keV Z′ sits below k_lo."""

    def __init__(self, spin, energy, target, x_min=None, theta_max=0.1, t_max="E2", alpha=ALPHA,
                 k_lo=None, k_hi=None, degree=16, correct=False):
        self.spin = _prod.check_spin(spin)
        self.energy = float(energy)
        self.k_end = self.energy - M_MU
        self.k_hi = float(k_hi if k_hi is not None else self.k_end * (1.0 - 1e-6))
        self.k_lo = float(k_lo if k_lo is not None else 1e-4 * M_MU)
        if not self.k_hi > self.k_lo:
            raise KinematicsError("no phase space for the pair masses of the table")
        self.k_hi = self._cut(target, x_min, theta_max, t_max, alpha)
        edges = self._edges(x_min)
        self.edges = np.array(edges)
        nodes = np.polynomial.chebyshev.chebpts1(degree + 1)
        ks, spans = [], []
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            va, vb = self._var(a), self._var(b)
            v = 0.5 * (va + vb) + 0.5 * (vb - va) * nodes
            ks.append(self._inv(v, a))
            spans.append((va, vb))
        vals, err = _prod.cross_section_per_g2(np.concatenate(ks), energy, target, "ww", x_min,
                                               theta_max, t_max, alpha, spin=self.spin,
                                               orders=TABLE_ORDERS)
        if not np.all(vals > 0):
            raise KinematicsError("no phase space for the pair masses of the table")
        extra = np.zeros(vals.shape)
        #: "none" (WW as is), "ww-holds", "applied" or "unavailable" (with correction_note)
        self.correction, self.correction_note = "none", ""
        if correct:
            vals, extra, self.correction, self.correction_note = _exact_correction(
                self.spin, np.concatenate(ks), energy, target, x_min, theta_max, t_max, alpha,
                vals)
        self.series = []
        n = degree + 1
        for i, (va, vb) in enumerate(spans):
            v = 0.5 * (va + vb) + 0.5 * (vb - va) * nodes
            self.series.append(np.polynomial.Chebyshev.fit(
                v, np.log(vals[i * n:(i + 1) * n]), degree, domain=sorted((va, vb))))
        rel = err / vals + extra
        self.max_rel_error = float(np.max(rel))
        #: the stated relative error of σ_X at the nodes (quadrature, and the exact correction's
        #: doubt), for rel_error's interpolation
        k_all = np.concatenate(ks)
        order = np.argsort(k_all)
        self._err_k, self._err_rel = np.log(k_all[order]), rel[order]

    def _cut(self, target, x_min, theta_max, t_max, alpha):
        """The table's upper end: below k_hi, the last k of a coarse grid before k²σ_X falls
        under CUT_FRACTION of its maximum or the stated quadrature error of σ_X exceeds 0.1% (far out,
        t_min ≫ t_d, the closed-form flux loses its digits). Above it the table is 0: a
        truncation of a contribution ≤ CUT_FRACTION relative for any ρ(k²) that grows at most
        like k² (the contact limit; a pole there sits where σ_X is negligible anyway)."""
        k = np.geomspace(self.k_lo, self.k_hi, 64)
        v, e = _prod.cross_section_per_g2(k, self.energy, target, "ww", x_min, theta_max, t_max,
                                          alpha, spin=self.spin, orders=TABLE_ORDERS)
        w = v * k * k                 # what a pair integral weighs (ρ grows like k² or less)
        bad = np.flatnonzero(~(w > CUT_FRACTION * np.max(w)) | ~(e <= 1e-3 * v))
        if bad.size == 0:
            self.truncated = False
            return self.k_hi
        if bad[0] == 0:
            raise KinematicsError("no phase space for the pair masses of the table")
        self.truncated = True
        return float(k[bad[0] - 1])

    def _edges(self, x_min):
        half = 0.5 * self.k_end
        lo, hi = self.k_lo, self.k_hi
        e = {lo, hi}
        d = 10.0 ** math.ceil(math.log10(lo))
        while d < min(half, hi):
            e.add(d)
            d *= 10.0
        if lo < half < hi:
            e.add(half)
        d = 0.1 * self.k_end
        while self.k_end - d < hi:
            if self.k_end - d > max(lo, half):
                e.add(self.k_end - d)
            d *= 0.1
        if x_min is not None and lo < x_min * self.energy < hi:
            e.add(x_min * self.energy)
        e = sorted(e)
        # merge edges closer than 1e-9 relative (panels of zero width)
        out = [e[0]]
        for v in e[1:]:
            if v > out[-1] * (1.0 + 1e-9):
                out.append(v)
        return out

    def _var(self, k):
        """ln k below k_end/2, ln(k_end − k) above (k scalar or array)."""
        k = np.asarray(k, float)
        return np.where(k <= 0.5 * self.k_end, np.log(k),
                        np.log(np.maximum(self.k_end - k, 1e-300)))

    def _inv(self, v, a):
        return np.exp(v) if a < 0.5 * self.k_end * (1.0 - 1e-12) else self.k_end - np.exp(v)

    def rel_error(self, k):
        """The stated relative error of σ_X at k (its quadrature error, and the doubt of the
        exact correction where one is applied), interpolated between the table's nodes."""
        kc = np.clip(np.asarray(k, dtype=float), self.k_lo, self.k_hi)
        return np.interp(np.log(kc), self._err_k, self._err_rel)

    def __call__(self, k):
        k = np.asarray(k, dtype=float)
        kc = np.clip(k, self.k_lo, self.k_hi)
        below = k < self.k_lo
        i = np.clip(np.searchsorted(self.edges, kc, side="right") - 1, 0, len(self.series) - 1)
        out = np.empty(kc.shape)
        v = self._var(kc)
        for j in np.unique(i):
            sel = i == j
            out[sel] = np.exp(self.series[j](v[sel]))
        if np.any(below):
            first = self.series[0]
            lk = math.log(self.k_lo)
            slope = float(first.deriv()(lk))
            out[below] = np.exp(first(lk) + slope * (np.log(k[below]) - lk))
        return np.where(k <= self.k_hi, out, 0.0)


#: the relative doubt given to table nodes the WW correction cannot reach (beyond its masses,
#: where WW is off by more than 20x, or the process is closed): the WW value there is not known
#: to be right at all
OUTSIDE_DOUBT = 1.0


def _exact_correction(spin, k, energy, target, x_min, theta_max, t_max, alpha, vals):
    """σ_X(k) at the table's nodes corrected to the exact tree level where WW is off by more
    than its tolerance (:func:`mucast.processes.mediators.ww_domain.ww_correction`): (values,
    extra relative doubt per node, status, note). The correction table was made for θ ≤ 0.1 rad,
    t_max = E² and α(0), so other conventions leave the table uncorrected ("unavailable")."""
    from mucast.processes.mediators import ww_domain as _wd
    if (float(theta_max), t_max, float(alpha)) != (0.1, "E2", float(ALPHA)):
        return vals, np.zeros(vals.shape), "unavailable", (
            "the WW correction table is for theta_max = 0.1 rad, t_max = E^2 and alpha(0)")
    r, u, status = _wd.ww_correction(spin, k, energy, target, x_min)
    if np.all(status == "outside"):
        reason = _wd.ww_correction(spin, k[:1], energy, target, x_min).reason[0]
        return vals, np.zeros(vals.shape), "unavailable", str(reason)
    factor, doubt = _wd.correction_factor(r, u, status)
    extra = np.where(status == "outside", OUTSIDE_DOUBT, doubt)
    return vals * factor, extra, ("applied" if np.any(factor != 1.0) else "ww-holds"), ""


@lru_cache(maxsize=32)
def _cached_table(spin, energy, target_name, x_min, theta_max, t_max, alpha, k_hi, correct):
    return SigmaTable(spin, energy, target_name, x_min, theta_max, t_max, alpha, k_hi=k_hi,
                      correct=correct)


@lru_cache(maxsize=16)
def _shipped_target(name):
    """The shipped target of that name, read once (None if there is none)."""
    from mucast.exceptions import UnknownNameError
    from mucast.experiments.targets import Target
    try:
        return Target.from_name(name)
    except UnknownNameError:
        return None


def sigma_table(spin, energy, target, x_min=None, theta_max=0.1, t_max="E2", alpha=ALPHA,
                k_hi=None, correct=False) -> SigmaTable:
    """A cached :class:`SigmaTable` (shipped targets are cached by name; any other target, e.g.
    from a user's experiment file, gets a table of its own). ``correct``: WW corrected to the
    exact tree level where it is off by more than its tolerance (:func:`_exact_correction`)."""
    name = target if isinstance(target, str) else target.name
    if not isinstance(target, str) and target != _shipped_target(name):
        return SigmaTable(spin, energy, target, x_min, theta_max, t_max, alpha, k_hi=k_hi,
                          correct=correct)
    return _cached_table(_prod.check_spin(spin), float(energy), name,
                         None if x_min is None else float(x_min), float(theta_max), t_max,
                         float(alpha), None if k_hi is None else float(k_hi), bool(correct))


def rho(model, k, mass, g):
    """ρ(k²) = k Γ_inv(k)/(π[(k² − M²)² + k²Γ_tot(k)²]) [1/energy²] (module doc) for the model's
    invisible channels at coupling g; a massless mediator (the photon) has no width term."""
    k = np.asarray(k, dtype=float)
    w = model.widths(k, g, mediator_mass=mass)
    # visible/invisible by the model layer's one classification (declared invisible: all)
    vis, inv = model.split_widths(w)
    tot = vis + inv
    den = (k * k - mass * mass) ** 2 + (0.0 if mass == 0 else 1.0) * (k * tot) ** 2
    return k * inv / (math.pi * den)


def _longitudinal(model, k, mass, g, sigma_p):
    """The axial mediator's Goldstone term (module doc) divided by σ_P [1/energy²]."""
    if model.spin != "axial" or model.dark is None or model.dark.kind not in ("dirac", "majorana"):
        return 0.0
    m1, _ = model.dark.masses(mass)
    gp = _w.dark_pair("pseudoscalar", model.dark.kind, k, model.g_chi(g), m1)
    return (2 * M_MU / k) ** 2 * (2 * m1 / k) ** 2 * k * gp / math.pi / mass**4


def dsigma_dk2(model, k, mass, g, energy, target, x_min=None, theta_max=0.1, t_max="E2",
               alpha=ALPHA, tables=None):
    """dσ/dk²(μN → μN + invisible pair of mass k) [area/energy²] through the model's mediator of
    mass ``mass`` at coupling g (module doc); vectorised over k."""
    k = np.asarray(k, dtype=float)
    tab = tables or {}
    sx = tab.get(model.spin) or sigma_table(model.spin, energy, target, x_min, theta_max,
                                            t_max, alpha)
    gmu2 = np.asarray(model.g_mu(g), float) ** 2
    out = gmu2 * sx(k) * rho(model, k, mass, g)
    if model.spin == "axial" and model.dark is not None:
        sp = tab.get("pseudoscalar") or sigma_table("pseudoscalar", energy, target, x_min,
                                                    theta_max, t_max, alpha)
        out = out + gmu2 * sp(k) * _longitudinal(model, k, mass, g, None)
    return out


def k2_rule(k_lo, k_hi, mass, width, n=48):
    """Nodes and weights in k² on [k_lo², k_hi²] for an integrand with a Breit–Wigner pole at
    ``mass`` (width ``width``) and a threshold at k_lo. Returns (k, w) with Σ w f(k) ≈ ∫ dk² f.

    With the pole inside (or within POLE_REACH·MΓ of an end and closer than the range's length,
    as when a threshold falls on the resonance): k² = M² + MΓ tan φ over the whole range, in φ-panels whose edges sit
    at |k² − M²| = MΓ·{1, 10, 100, …} (the Breit–Wigner is flat in φ, and the rest of the
    integrand changes by a bounded factor across each panel, so every panel is smooth; a fixed
    ±nΓ window with ordinary panels outside it misses the 1/(k² − M²)² tails: 1.6% at ±40Γ).
    Without it: ln(k² − k_lo²) panels at the threshold (10 decades), ln k² above."""
    a2, b2 = k_lo * k_lo, k_hi * k_hi
    ks, ws = [], []
    mg = mass * width
    m2 = mass * mass
    dist = min(abs(a2 - m2), abs(b2 - m2))
    if mg > 0 and (a2 < m2 < b2 or dist < min(POLE_REACH * mg, b2 - a2)):
        # the pole inside, or just outside (a threshold splitting a resonance): panels in the
        # signed d = k² − M² at ±MΓ·10ⁿ, each mapped by φ = atan(d/MΓ)
        lo, hi = a2 - m2, b2 - m2
        edges = {lo, hi}
        if lo < 0.0 < hi:
            edges.add(0.0)
        d = mg
        while d < max(abs(lo), abs(hi)):
            for e in (-d, d):
                if lo < e < hi:
                    edges.add(e)
            d *= 10.0
        edges = sorted(edges)
        for d0, d1 in zip(edges[:-1], edges[1:], strict=True):
            ph, wp = mapped_rule(math.atan(d0 / mg), math.atan(d1 / mg), max(8, n // 3))
            ks.append(m2 + mg * np.tan(ph))
            ws.append(wp * mg / np.cos(ph) ** 2)
        k2 = np.maximum(np.concatenate(ks), a2)
        return np.sqrt(k2), np.concatenate(ws)
    # threshold panel: ln(k² − k_lo²) over 10 decades below the range (the integrand vanishes at
    # threshold at least like β), then the rest in ln k²
    mid = min(b2, max(4.0 * a2, a2 + 1e-6 * b2)) if a2 > 0 else None
    if a2 > 0 and mid < b2:
        width_ = mid - a2
        l0, l1 = math.log(width_ * 1e-10), math.log(width_)
        for u0, u1 in ((l0, 0.5 * (l0 + l1)), (0.5 * (l0 + l1), l1)):
            ell, wl = mapped_rule(u0, u1, n // 2)
            d = np.exp(ell)
            ks.append(a2 + d)
            ws.append(wl * d)
        lo = mid
    else:
        lo = a2 if a2 > 0 else 1e-12 * b2
    ell, wl = mapped_rule(math.log(lo), math.log(b2), n)
    d = np.exp(ell)
    ks.append(d)
    ws.append(wl * d)
    k2 = np.concatenate(ks)
    return np.sqrt(k2), np.concatenate(ws)


#: the pair integral's lower end when a massless invisible channel (ν) opens at k = 0: it starts
#: at min(TABLE_K_LO, K_BELOW_POLE·M) — below the pole by 10³, where the integrand (∝ k² for
#: neutrinos, flat σ_X) leaves out ≤ 1e-12 of the resonance
TABLE_K_LO = 1e-4 * M_MU
K_BELOW_POLE = 1e-3
#: nodes per panel of the estimate of what lies beyond the weight's end (pair_integral)
N_BEYOND = 16
#: pair_integral doubles its nodes per panel while its two orders differ by more than this,
#: up to N_MAX
REFINE_RTOL, N_MAX = 1e-4, 192


def _pieces(model, mass, g, energy, target, k_lo, k_hi, thresholds, x_min, theta_max, t_max,
            alpha, weight_fn, n, tables):
    """Σ over threshold-split pieces of [k_lo, k_hi] of ∫ dk² w dσ/dk² with k2_rule(n), and
    the same integral weighted by the σ_X table's stated relative error at each node."""
    gam = float(model.total_width(mass, g)) if mass > 0 else 0.0   # only sets the k² nodes
    edges = [k_lo] + sorted(t for t in set(thresholds) if k_lo * (1 + 1e-9) < t < k_hi) + [k_hi]
    total = table_err = 0.0
    sx = tables[model.spin]
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        k, w = k2_rule(a, b, float(mass), gam, n)
        f = dsigma_dk2(model, k, float(mass), g, energy, target, x_min, theta_max, t_max, alpha,
                       tables)
        if weight_fn is not None:
            f = f * weight_fn(k)
        total += float(np.sum(w * f))
        table_err += float(np.sum(w * np.abs(f) * sx.rel_error(k)))
    return total, table_err


def pair_integral(model, mass, g, energy, target, weight_fn=None, k_max=None, x_min=None,
                  theta_max=0.1, t_max="E2", alpha=ALPHA, n=48, with_error=True,
                  correct=False) -> QuadResult:
    """∫ dk² w(k) dσ/dk² [area] over the invisible pair mass, from the pair threshold (0 for
    neutrinos, m₁ + m₂ for the dark pair) to ``k_max`` (default: the end of the σ_X table,
    :meth:`SigmaTable._cut`), ``weight_fn`` the signal efficiency ε(k) (None: 1).

    The range is split at every threshold inside it (the dark pair when neutrinos open first;
    e⁺e⁻, μ⁺μ⁻, τ⁺τ⁻ in the running width), each piece with :func:`k2_rule` (threshold panel
    at its lower end, the Breit–Wigner pole where it falls). With a massless invisible channel
    the range starts below the pole (:data:`K_BELOW_POLE`), so a mediator lighter than the σ_X
    table's first node is integrated through its resonance.

    Returns a :class:`~mucast.integrate.QuadResult`: ``value``; ``error`` = |I(n) − I(n′)|
    (the same panels at two orders: n′ = 2n/3, or n/2 after the rule was doubled because the two
    differed by more than REFINE_RTOL, up to N_MAX nodes per panel) + the integral weighted by the σ_X table's stated
    quadrature error where it is used (:meth:`SigmaTable.rel_error`) + value × its interpolation
    error 1e-7; ``parts["beyond"]``: when ``k_max`` ends the integral before the
    σ_X table does (an efficiency table's last node), the integral over [k_max, table end] with
    the weight held at its last value w(k_max) — what the result would lack if the efficiency
    did not vanish there, i.e. the doubt that the end of the weight's table brings;
    ``parts["k_lo"]``, ``parts["k_hi"]``: the range [energy]. ``with_error=False`` skips the
    error estimate and the part beyond (error and beyond 0: for root finding, where only the
    value is needed until the root is found). ``correct``: σ_X corrected to the exact tree level
    where WW is off by more than its tolerance (:func:`sigma_table`); ``parts["correction"]``
    says whether it could be ("unavailable": the set-up is outside the correction table).
    """
    nu_open = model.spin in ("vector", "axial") and any(
        model.charges.get(f, 0) for f in ("nu_e", "nu_mu", "nu_tau"))
    declared = model.invisible and model.dark is None
    thresholds = []
    if model.dark is not None:
        thresholds.append(float(model.dark.threshold(mass)))
    thresholds += [2 * m for f, m in (("e", M_E), ("mu", M_MU), ("tau", M_TAU))
                   if model.charges.get(f, 0)]
    if nu_open:
        thr = 0.0
    elif declared:
        thr = min(thresholds) if thresholds else 0.0
    else:
        thr = float(model.dark.threshold(mass)) if model.dark is not None else math.inf
    sx = sigma_table(model.spin, energy, target, x_min, theta_max, t_max, alpha, correct=correct)
    k_end = sx.k_hi
    k_hi = k_end if k_max is None else min(float(k_max), k_end)
    floor = TABLE_K_LO if mass <= 0 else min(TABLE_K_LO, K_BELOW_POLE * float(mass))
    k_lo = max(thr, floor)
    if not k_hi > k_lo:
        return QuadResult(0.0, 0.0, (n,), {"beyond": 0.0, "k_lo": k_lo, "k_hi": k_hi,
                                           "correction": sx.correction})
    tables = {model.spin: sx}
    if model.spin == "axial" and model.dark is not None:
        tables["pseudoscalar"] = sigma_table("pseudoscalar", energy, target, x_min, theta_max,
                                             t_max, alpha, correct=correct)
    args = (model, mass, g, energy, target)
    kin = (x_min, theta_max, t_max, alpha)
    value, table_err = _pieces(*args, k_lo, k_hi, thresholds, *kin, weight_fn, n, tables)
    if not with_error:
        return QuadResult(value, 0.0, (n,), {"beyond": 0.0, "k_lo": k_lo, "k_hi": k_hi,
                                             "correction": sx.correction})
    n_c = max(8, 2 * n // 3)
    coarse, _ = _pieces(*args, k_lo, k_hi, thresholds, *kin, weight_fn, n_c, tables)
    # refine where the two orders disagree (wide resonances, a threshold inside one: Γ/M ~ 0.2
    # needs ~4x the nodes of a narrow one); |I(n) − I(n_c)| bounds the error of I(n_c), so it
    # overstates that of I(n): doubling n until it is below REFINE_RTOL keeps the stated error
    # honest without paying for it where the integrand is smooth
    while abs(value - coarse) > REFINE_RTOL * abs(value) and n < N_MAX:
        n_c, n, coarse = n, 2 * n, value
        value, table_err = _pieces(*args, k_lo, k_hi, thresholds, *kin, weight_fn, n, tables)
    error = abs(value - coarse) + table_err + abs(value) * 1e-7
    beyond = 0.0
    if weight_fn is not None and k_hi < k_end * (1 - 1e-9):
        last = float(np.asarray(weight_fn(np.array([k_hi * (1 - 1e-9)])), float).ravel()[0])
        if last > 0:
            beyond = last * _pieces(*args, k_hi, k_end, thresholds, *kin, None, N_BEYOND,
                                    tables)[0]
    return QuadResult(value, error, (n, n_c),
                      {"beyond": beyond, "k_lo": k_lo, "k_hi": k_hi,
                       "correction": sx.correction})
