"""Layer 2: real photons on a nucleus, γ(k) N → a N (Primakoff), and the muon's equivalent
photons folded with it (the factorisation (a) of docs/research/alp_production_muon_beam.md §2).

Primakoff, nucleus at rest and infinitely heavy (recoil neglected), spin-0 coherent current
Z e F(t)(P + P′) with Tsai's elastic atomic × nuclear form factor — the G₂(t) = Z²F² of
:func:`mucast.processes.flux.form_factor_squared`, the one of the WW flux:

    dσ/dθ = (g² α/4) · G₂(t) · ω p_a³ sin³θ / t²,   t = m⁴/(ω + p_a)² + 4ω p_a sin²(θ/2),

ω the photon energy, p_a = √(ω² − m²) (derived in docs/derivations/alp_fusion.md §4 from
the same vertex as the 2→2 amplitude; it is Primakoff's β³E⁴ form, e.g. the π⁰
Primakoff formula with Γ_γγ = g²m³/64π). Tsai, Phys. Rev. D 34 (1986) 1326, and Döbrich,
Jaeckel, Kahlhoefer, Ringwald, Schmidt-Hoberg, JHEP 02 (2016) 018, Sec. 3, write p_a⁴ in place
of ω p_a³ (their high-energy form; the two differ by β_a = p_a/ω, < 1e-4 for m/ω < 0.014).
In t (dt = 2ω p_a sinθ dθ) it is the WW flux integrand:

    σ = (g²α/8) · (p_a/ω) · ∫_{t₀}^{t₀ + 4ωp_a} dt G₂(t) (t − t₀)/t² · [1 − (t − t₀)/(4ω p_a)],

so that σ → (g²α/8) χ(0, ∞) = (g²αZ²/8)[ln(t_d/t_a) − 2 + O(t_a/t_d)] for m → 0, ω → ∞
(complete screening; memo §1: ln(a²d) − 2 = 14.28 for Pb).

Equivalent photons of the muon (factorisation (a), a cross-check only):
σ ≈ ∫ dy f_γ/μ(y) σ_γN→aN(yE),

    f_γ/μ(y) = (α/2π) [ (1 + (1−y)²)/y · ln(Q²_max/Q²_min) − 2 m_μ² y (1/Q²_min − 1/Q²_max) ],
    Q²_min = m_μ² y²/(1 − y)

(Budnev, Ginzburg, Meledin, Serbo, Phys. Rep. 15 (1975) 181; Frixione, Mangano, Nason, Ridolfi,
Phys. Lett. B 319 (1993) 339 for the mass term). Q²_max is not fixed by the process (the
γ*γ → a vertex does not cut the muon side; the nucleus's coherence does, Q² ≲ 2yE√t_d), so
this form is not a precision prediction: mucast uses the WW form of
:mod:`mucast.processes.alp.fusion`, which needs no Q²_max, and checks it against this one in its
leading-log regime (tests/validation/test_alp.py).

Units: hepunits; ``coupling`` an inverse energy; cross sections as areas.
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError
from mucast.integrate import mapped_rule
from mucast.processes.flux import form_factor_squared, photon_flux
from mucast.processes.mediators.production import _target
from mucast.units import natural_to_area

__all__ = [
    "momentum_transfer",
    "dsigma_dtheta",
    "cross_section",
    "screening_limit",
    "muon_photon_spectrum",
    "epa_cross_section",
]


def _momentum(omega, m):
    return np.sqrt(np.maximum((omega - m) * (omega + m), 0.0))


def momentum_transfer(theta, omega, mass):
    """t = |q²| [energy²] at ALP angle θ, without cancellation (module doc)."""
    omega = np.asarray(omega, dtype=float)
    p = _momentum(omega, mass)
    return mass**4 / (omega + p) ** 2 + 4.0 * omega * p * np.sin(0.5 * np.asarray(theta)) ** 2


def dsigma_dtheta(theta, omega, mass, coupling, target="Pb", alpha=ALPHA):
    """dσ/dθ(γN → aN) [area/rad] (module doc); vectorised over θ and ω."""
    tgt = _target(target)
    omega = np.asarray(omega, dtype=float)
    if np.any(omega <= mass):
        raise KinematicsError("photon energy must exceed the ALP mass")
    theta = np.asarray(theta, dtype=float)
    p = _momentum(omega, mass)
    t = momentum_transfer(theta, omega, mass)
    g2 = form_factor_squared(t, tgt.Z, tgt.t_a, tgt.t_d)
    return natural_to_area(coupling**2 * alpha / 4.0 * g2 * omega * p**3
                           * np.sin(theta) ** 3 / t**2)


def cross_section(omega, mass, coupling, target="Pb", alpha=ALPHA, n=32):
    """σ(γN → aN) [area] at photon energy ω (vectorised over ω): the t form of the module doc,
    Gauss–Legendre in ln t on panels split at t_a and t_d (``n`` nodes each).

    Example
    -------
    >>> from mucast.units import GeV, cm2
    >>> s = cross_section(100 * GeV, 0.01 * GeV, 1e-3 / GeV)
    >>> 3.3e-32 < s / cm2 < 3.5e-32          # memo §1: 3.4e-32 cm² (14.27 g²αZ²/8)
    True
    """
    tgt = _target(target)
    omega = np.atleast_1d(np.asarray(omega, dtype=float))
    if not np.all(np.isfinite(omega)) or np.any(omega <= mass) or not mass > 0:
        raise KinematicsError("need 0 < mass < photon energy (omega)")
    p = _momentum(omega, mass)
    t0 = mass**4 / (omega + p) ** 2
    span = 4.0 * omega * p
    l0, l1 = np.log(t0), np.log(t0 + span)
    cuts = [np.clip(np.log(c), l0, l1) for c in (tgt.t_a, tgt.t_d, 100.0 * tgt.t_d)]
    edges = np.sort(np.stack([l0] + cuts + [l1]), axis=0)
    total = np.zeros_like(omega)
    for i in range(len(edges) - 1):
        v, w = mapped_rule(edges[i], edges[i + 1], n)
        t = np.exp(v)
        d = t - t0[:, None]
        f = (form_factor_squared(t, tgt.Z, tgt.t_a, tgt.t_d) * d / t
             * (1.0 - d / span[:, None]))
        total += np.sum(w * f, axis=-1)
    out = natural_to_area(coupling**2 * alpha / 8.0 * (p / omega) * total)
    return out if out.size > 1 else float(out[0])


def screening_limit(coupling, target="Pb", alpha=ALPHA):
    """σ(γN → aN) for m → 0, ω → ∞ [area]: (g²α/8) χ(0, ∞), the closed-form flux of
    :func:`mucast.processes.flux.photon_flux` (= (g²αZ²/8)[ln(t_d/t_a) − 2 + O(t_a/t_d)])."""
    tgt = _target(target)
    chi = float(photon_flux(0.0, 1e6 * tgt.t_d, tgt.Z, tgt.t_a, tgt.t_d))
    return natural_to_area(coupling**2 * alpha / 8.0 * chi)


def muon_photon_spectrum(y, energy, q2_max, alpha=ALPHA):
    """f_γ/μ(y) (dimensionless, per unit y): the muon's equivalent photons with virtuality up
    to ``q2_max`` [energy², scalar or array like y]; 0 where Q²_max ≤ Q²_min (module doc)."""
    y = np.asarray(y, dtype=float)
    if np.any((y <= 0) | (y >= 1)):
        raise InputError("y must be in (0, 1)")
    q2_min = M_MU**2 * y * y / (1.0 - y)
    q2_max = np.maximum(np.asarray(q2_max, dtype=float), q2_min)
    return alpha / (2.0 * math.pi) * ((1.0 + (1.0 - y) ** 2) / y * np.log(q2_max / q2_min)
                                      - 2.0 * M_MU**2 * y * (1.0 / q2_min - 1.0 / q2_max))


def epa_cross_section(mass, coupling, energy, target="Pb", x_min=0.5, q2_max="coherence",
                      alpha=ALPHA, n=48):
    """σ(μN → μN a; y ≥ x_min) [area] in the factorisation (a): ∫ dy f_γ/μ(y) σ_γN→aN(yE).

    ``q2_max``: an energy² (fixed cut), or "coherence" — Q²_max = 2yE√t_d, where the nucleus's
    minimal momentum transfer (Q² + m²)²/(2yE)² reaches t_d (memo §2a). A cross-check, not a
    prediction (module doc). Gauss–Legendre in ln(1 − y)."""
    tgt = _target(target)
    y_lo = max(float(x_min), mass / energy * (1.0 + 1e-9))
    y_hi = 1.0 - M_MU / energy
    if not y_lo < y_hi:
        raise KinematicsError("no phase space for y >= x_min")
    v, w = mapped_rule(math.log1p(-y_hi), math.log1p(-y_lo), n)
    y = -np.expm1(v)
    jac = w * np.exp(v)
    if isinstance(q2_max, str):
        if q2_max != "coherence":
            raise InputError("q2_max must be an energy^2 or 'coherence'")
        q2 = 2.0 * y * energy * math.sqrt(tgt.t_d)
    else:
        q2 = float(q2_max)
    f = muon_photon_spectrum(y, energy, q2, alpha)
    sig = np.atleast_1d(cross_section(y * energy, mass, coupling, tgt, alpha))
    return float(np.sum(jac * f * sig))
