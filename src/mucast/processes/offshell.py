"""Layer 2: pair production through a mediator of any mass, μN → μN (X* → χχ̄ or νν̄), as an
integral over the pair mass k² (docs/models.md §3).

Factorisation (derived for docs/models.md from the phase-space split dΦ(μNχχ̄) =
dΦ(μN X_k) dk²/2π dΦ₂(k → χχ̄), the same split as seed 000 Eqs. (13)–(16) that links the EFT engine
to the Z′ bracket):

    dσ/dk² = σ_X(m → k; g_μ) · ρ(k²),      ρ(k²) = k Γ_inv(k) / (π [(k² − M²)² + k² Γ_tot(k)²]),

where σ_X(m → k) is the on-shell production cross section of :mod:`mucast.processes.production`
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
M → ∞ gives the contact operator C = g_μ g_χ/M² of the EFT engine (:mod:`mucast.processes.eft`);
M = 0, g_μ = e, g_χ = εe is millicharged pair production through the photon,
dσ/dk² = σ_V(k; e) · ε²α(1 + 2m_χ²/k²)β/(3πk²).

σ_X(k) is smooth in k: :class:`SigmaTable` tabulates ln σ_X on Chebyshev nodes in ln k once per
(spin, set-up), so that every mediator mass of a scan is a one-dimensional k² integral (the same
idea as :class:`mucast.inference.scans.KSpectrumTable`; interpolation error < 1e-6, tested).
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import KinematicsError
from mucast.integrate import mapped_rule
from mucast.models import widths as _w
from mucast.processes import production as _prod

__all__ = ["SigmaTable", "sigma_table", "rho", "dsigma_dk2", "k2_rule", "pair_integral"]


class SigmaTable:
    """σ_X(m → k; g_μ = 1, x ≥ x_min) [area] as a Chebyshev interpolant of ln σ in ln k on
    [k_lo, k_hi] (production in the WW approximation, :func:`mucast.processes.production.
    cross_section_per_g2`). Outside the range: 0 above k_hi (beyond the reach), the value at
    k_lo below it (σ_X flattens as k → 0 for every spin but the axial one, which grows as
    1/k²: the axial table starts low enough that this is never used, see k_lo)."""

    def __init__(self, spin, energy, target, x_min=None, theta_max=0.1, t_max="E2", alpha=ALPHA,
                 k_lo=None, k_hi=None, degree=96):
        self.spin = _prod.check_spin(spin)
        self.energy = float(energy)
        self.k_hi = float(k_hi if k_hi is not None else 0.999 * (energy - M_MU))
        self.k_lo = float(k_lo if k_lo is not None else 1e-4 * M_MU)
        dom = (math.log(self.k_lo), math.log(self.k_hi))
        nodes = np.polynomial.chebyshev.chebpts1(degree + 1)
        ell = 0.5 * (dom[0] + dom[1]) + 0.5 * (dom[1] - dom[0]) * nodes
        v, err = _prod.cross_section_per_g2(np.exp(ell), energy, target, "ww", x_min, theta_max,
                                            t_max, alpha, spin=self.spin)
        if not np.all(v > 0):
            raise KinematicsError("no phase space for the pair masses of the table")
        self.series = np.polynomial.Chebyshev.fit(ell, np.log(v), degree, domain=dom)
        self.max_rel_error = float(np.max(err / v))

    def __call__(self, k):
        k = np.asarray(k, dtype=float)
        ell = np.log(np.clip(k, self.k_lo, self.k_hi))
        return np.where(k <= self.k_hi, np.exp(self.series(ell)), 0.0)


@lru_cache(maxsize=32)
def _cached_table(spin, energy, target_name, x_min, theta_max, t_max, alpha, k_hi):
    return SigmaTable(spin, energy, target_name, x_min, theta_max, t_max, alpha, k_hi=k_hi)


def sigma_table(spin, energy, target, x_min=None, theta_max=0.1, t_max="E2", alpha=ALPHA,
                k_hi=None) -> SigmaTable:
    """A cached :class:`SigmaTable` (shipped targets are cached by name)."""
    name = target if isinstance(target, str) else target.name
    from mucast.experiments.targets import Target
    if not isinstance(target, str) and target != Target.from_name(name):
        return SigmaTable(spin, energy, target, x_min, theta_max, t_max, alpha, k_hi=k_hi)
    return _cached_table(_prod.check_spin(spin), float(energy), name,
                         None if x_min is None else float(x_min), float(theta_max), t_max,
                         float(alpha), None if k_hi is None else float(k_hi))


def rho(model, k, mass, g):
    """ρ(k²) = k Γ_inv(k)/(π[(k² − M²)² + k²Γ_tot(k)²]) [1/energy²] (module doc) for the model's
    invisible channels at coupling g; a massless mediator (the photon) has no width term."""
    k = np.asarray(k, dtype=float)
    w = model.widths(k, g, mediator_mass=mass)
    inv = w["chi"] + w["nu_e"] + w["nu_mu"] + w["nu_tau"]
    if model.invisible and model.dark is None:
        inv = sum(w.values())        # declared invisible: every decay is invisible
    tot = sum(w.values())
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

    With the pole inside: k² = M² + MΓ tan φ over the whole range, in φ-panels whose edges sit
    at |k² − M²| = MΓ·{1, 10, 100, …} (the Breit–Wigner is flat in φ, and the rest of the
    integrand changes by a bounded factor across each panel, so every panel is smooth; a fixed
    ±nΓ window with ordinary panels outside it misses the 1/(k² − M²)² tails: 1.6% at ±40Γ).
    Without it: ln(k² − k_lo²) panels at the threshold (10 decades), ln k² above."""
    a2, b2 = k_lo * k_lo, k_hi * k_hi
    ks, ws = [], []
    if mass > k_lo and mass < k_hi and width > 0:
        mg = mass * width
        m2 = mass * mass
        for side, span in ((-1.0, m2 - a2), (1.0, b2 - m2)):
            edges = [0.0]
            d = mg
            while d < span:
                edges.append(d)
                d *= 10.0
            edges.append(span)
            for d0, d1 in zip(edges[:-1], edges[1:], strict=True):
                ph, wp = mapped_rule(math.atan(d0 / mg), math.atan(d1 / mg), max(8, n // 3))
                ks.append(m2 + side * mg * np.tan(ph))
                ws.append(wp * mg / np.cos(ph) ** 2)
        k2 = np.concatenate(ks)
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


def pair_integral(model, mass, g, energy, target, weight_fn=None, k_max=None, x_min=None,
                  theta_max=0.1, t_max="E2", alpha=ALPHA, n=48):
    """∫ dk² w(k) dσ/dk² [area] over the invisible pair mass, from the pair threshold (0 for
    neutrinos, m₁ + m₂ for the dark pair) to ``k_max`` (default: the kinematic reach),
    ``weight_fn`` the signal efficiency ε(k) (None: 1)."""
    thr = 0.0
    if model.dark is not None and not (
            model.spin in ("vector", "axial") and any(model.charges.get(f, 0) for f in
                                                       ("nu_e", "nu_mu", "nu_tau"))):
        thr = float(model.dark.threshold(mass))
    reach = 0.999 * (energy - M_MU)
    k_hi = reach if k_max is None else min(float(k_max), reach)
    k_lo = max(thr, 1e-4 * M_MU)
    if not k_hi > k_lo:
        return 0.0
    gam = float(model.total_width(mass, g)) if mass > 0 else 0.0   # only sets the k² nodes
    k, w = k2_rule(k_lo, k_hi, float(mass), gam, n)
    f = dsigma_dk2(model, k, float(mass), g, energy, target, x_min, theta_max, t_max, alpha)
    if weight_fn is not None:
        f = f * weight_fn(k)
    return float(np.sum(w * f))
