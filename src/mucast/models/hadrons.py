"""Layer 1: Γ(X → hadrons) of a vector X coupled to the quarks' electromagnetic current, from
measured e⁺e⁻ data (the R ratio).

A vector with L ⊃ g_em X_μ Σ_q Q_q q̄γ^μq (the dark photon: g_em = εe) couples to hadrons exactly
as a virtual photon of mass m does, so (e.g. Ilten, Soreq, Williams, Xue, JHEP 06 (2018) 004,
arXiv:1801.04847: Γ_had = Γ_μμ R)

    Γ(X → hadrons) = g_em² m R(m)/(12π),      R(√s) = σ(e⁺e⁻ → hadrons)/σ_μμ(√s),

with σ_μμ = 4πα²/(3s) the point-like cross section (the PDG definition; vacuum polarisation
cancels in the ratio). Γ_had/Γ(X → μμ) = R/[(1 + 2r_μ)β_μ]; for the dark photon R is the visible
hadronic width in units of the massless leptonic one.

R(m) by region (docs/models.md §4 states the precision of each, measured):

=========================== ==============================================================
m < 2m_π±                   0. The only hadronic channel below, π⁰γ (and ηγ above m_η, in
                            the data above 0.3 GeV), has R ≲ 1e-6 there (ω tail; DarkCast
                            gives R = 4e-7 at 0.2 GeV): Br < 1e-6, neglected.
2m_π± ≤ m < 0.300 GeV       π⁺π⁻ in P wave, R = ¼β_π³|F_π|², scaled to the first data point:
                            R(0.300)·(β_π/β_π,0)³·|F(s)/F(s₀)|², F = 1/(1 − s/m_ρ²)
                            (ASSUMPTION; the form predicts the next point, 0.315 GeV, within
                            0.9σ; R ≤ 0.02 here, Br(hadrons) ≤ 1%).
0.300 ≤ m ≤ 10.52 GeV       the PDG 2020 compilation (data/hadrons/r_ratio.csv, built by
                            scripts/make_r_ratio_table.py: the PDG's exclusive-channel sum to
                            1.99 GeV point by point, inclusive data above in bins), linear in
                            m; plus J/ψ, ψ(2S), Υ(1S), Υ(2S), Υ(3S) as Breit–Wigner terms
                            (too narrow for any data grid; data/hadrons/narrow_vectors.toml).
10.52 < m < 11.2 GeV        open-bottom threshold (Υ(4S), Υ(10860), Υ(11020) not resolved):
                            linear from the last data node to perturbative QCD at 11.2 GeV,
                            uncertain by ±10% (a warning from :func:`domain_warnings`).
m ≥ 11.2 GeV                perturbative QCD, five massless flavours,
                            R = 3ΣQ_q²(1 + a + c₂a² + c₃a³), a = α_s(m)/π (PDG 2024 "Quantum
                            chromodynamics", the R expansion to α_s³), α_s from α_s(M_Z) with the 3-loop
                            β function; above 40 GeV the dark photon's Z admixture (not in
                            mucast) exceeds ~20%: :func:`domain_warnings`.
=========================== ==============================================================

Narrow resonance V: R_V = (9/α²)(Γ_ee/Γ)B_had M²Γ²/((s − M²)² + M²Γ²), the spin-1 Breit–Wigner
normalised to σ_peak = 12πB_eeB_had/M²; B_had = 1 − Σ_ℓ Γ_ee β_ℓ(1 + 2r_ℓ)/Γ (lepton
universality; radiative decays count as hadronic: they are visible). Interference with the
continuum is neglected; the terms are cut at ±1000Γ (:data:`NARROW_WINDOW`: a constant-width
tail further out is not physics, and is < 0.1% of the continuum there). Near the peaks the
measured continuum points (e.g. KEDR 20 MeV below the J/ψ) already hold the tail, here ~2% of R,
which is then counted twice (within their errors). α = α(0): whether PDG's Γ_ee includes vacuum
polarisation moves the peak height by ~5%, within ±Γ of M only.

Masses are hepunits energies; functions are vectorised over m.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from particle import Particle

from mucast._io import data_path, read_text, read_toml
from mucast.constants import ALPHA, ALPHA_S_MZ, M_E, M_MU, M_PI_CHARGED, M_RHO, M_TAU, M_Z
from mucast.exceptions import DataFileError
from mucast.units import GeV, MeV, keV

__all__ = ["R_DATA_START", "R_DATA_END", "R_PQCD_START", "r_ratio", "r_ratio_uncertainty",
           "hadronic_width", "domain_warnings", "alpha_s"]

#: first and last √s of the measured table; where perturbative QCD takes over
R_DATA_START = 0.300 * GeV
R_DATA_END = 10.52 * GeV
R_PQCD_START = 11.2 * GeV
#: above this mass the dark photon's Z admixture (not modelled) matters (warning)
Z_MIXING_WARN = 40.0 * GeV


@functools.lru_cache(maxsize=1)
def _table():
    """(√s, R, dR) nodes of data/hadrons/r_ratio.csv [energy, -, -]."""
    path = data_path("hadrons/r_ratio.csv")
    rows = [ln for ln in read_text(path).splitlines() if ln and not ln.startswith("#")]
    if not rows or not rows[0].startswith("sqrt_s_GeV,R,dR"):
        raise DataFileError(f"{path}: expected the header sqrt_s_GeV,R,dR,n_points,kind")
    try:
        vals = np.array([[float(v) for v in ln.split(",")[:3]] for ln in rows[1:]])
    except ValueError as exc:
        raise DataFileError(f"{path}: {exc}") from None
    e = vals[:, 0] * GeV
    if not (np.all(np.diff(e) > 0) and np.all(vals[:, 1] > 0) and np.all(vals[:, 2] > 0)):
        raise DataFileError(f"{path}: energies must increase and R, dR be positive")
    if abs(e[0] - R_DATA_START) > 1e-6 * GeV or e[-1] > R_DATA_END + 1e-6 * GeV:
        raise DataFileError(f"{path}: the table must start at 0.300 GeV and end by 10.52 GeV")
    return e, vals[:, 1], vals[:, 2]


@functools.lru_cache(maxsize=1)
def _narrow():
    """(M, Γ, Γ_ee, B_had) arrays of the narrow resonances [energy, energy, energy, -]."""
    d = read_toml(data_path("hadrons/narrow_vectors.toml"))
    out = []
    for r in d["resonance"]:
        p = Particle.from_pdgid(r["pdgid"])
        mass, width, gee = p.mass * MeV, p.width * MeV, r["gamma_ee_keV"] * keV
        lep = sum(_beta_factor(mass, ml) for ml in (M_E, M_MU, M_TAU)) * gee / width
        out.append((mass, width, gee, 1.0 - lep))
    return tuple(np.array(c) for c in zip(*out, strict=True))


def _beta_factor(m, ml):
    r = ml * ml / (m * m)
    return math.sqrt(1.0 - 4.0 * r) * (1.0 + 2.0 * r) if 4.0 * r < 1.0 else 0.0


#: the narrow Breit–Wigner terms are kept within ±NARROW_WINDOW widths of each peak: beyond, a
#: constant-width tail is not physics (a J/ψ far off shell has no hadronic channels of its own;
#: the measured continuum already contains what there is) and is < 2.5e-7 of the peak, < 0.1%
#: of the continuum R
NARROW_WINDOW = 1000.0


def _narrow_r(m):
    mass, width, gee, bhad = _narrow()
    mm = m[..., None]
    s = mm * mm
    bw = (mass * width) ** 2 / ((s - mass**2) ** 2 + (mass * width) ** 2)
    bw = np.where(np.abs(mm - mass) < NARROW_WINDOW * width, bw, 0.0)
    return np.sum(9.0 / ALPHA**2 * gee / width * bhad * bw, axis=-1)


def _threshold_r(m):
    """π⁺π⁻ between 2m_π and the first data node (module doc), R(R_DATA_START) at its end."""
    e, r, _ = _table()
    beta = np.sqrt(np.clip(1.0 - 4.0 * M_PI_CHARGED**2 / (m * m), 0.0, None))
    b0 = math.sqrt(1.0 - 4.0 * M_PI_CHARGED**2 / e[0] ** 2)
    ff = (1.0 - e[0] ** 2 / M_RHO**2) / (1.0 - m * m / M_RHO**2)
    return r[0] * (beta / b0) ** 3 * ff * ff


def alpha_s(m):
    """α_s(m) (MS-bar, five flavours) from :data:`mucast.constants.ALPHA_S_MZ` with the 3-loop β
    function, μ² dα_s/dμ² = −(b₀α_s² + b₁α_s³ + b₂α_s⁴) (PDG 2024 QCD review, the β function to b₂), by RK4
    in ln μ² (200 steps; 1e-10 relative). Meant for m ≥ 11 GeV (no flavour thresholds)."""
    nf = 5
    b0 = (33.0 - 2.0 * nf) / (12.0 * math.pi)
    b1 = (153.0 - 19.0 * nf) / (24.0 * math.pi**2)
    b2 = (2857.0 - 5033.0 / 9.0 * nf + 325.0 / 27.0 * nf * nf) / (128.0 * math.pi**3)

    def beta(a):
        return -(b0 * a * a + b1 * a**3 + b2 * a**4)

    m = np.asarray(m, float)
    t = 2.0 * np.log(m / M_Z)
    h = t / 200.0
    a = np.full_like(t, ALPHA_S_MZ)
    for _ in range(200):
        k1 = beta(a)
        k2 = beta(a + 0.5 * h * k1)
        k3 = beta(a + 0.5 * h * k2)
        k4 = beta(a + h * k3)
        a = a + h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0
    return a


def _pqcd_r(m):
    """Perturbative R with five massless flavours (module doc)."""
    nf, sq, s1 = 5, 11.0 / 9.0, 1.0 / 3.0          # Σ Q², Σ Q for u, d, s, c, b
    eta = s1 * s1 / (3.0 * sq)
    c2 = 1.9857 - 0.1152 * nf
    c3 = -6.63694 - 1.20013 * nf - 0.00518 * nf * nf - 1.240 * eta
    a = alpha_s(m) / math.pi
    return 3.0 * sq * (1.0 + a + c2 * a * a + c3 * a**3)


def r_ratio(m):
    """R(m) = σ(e⁺e⁻ → hadrons)/σ_μμ at √s = m [energy] (module doc; vectorised)."""
    m = np.asarray(m, float)
    e, r, _ = _table()
    out = np.zeros_like(m)
    lo = (m >= 2.0 * M_PI_CHARGED) & (m < e[0])
    if np.any(lo):
        out[lo] = _threshold_r(m[lo])
    mid = (m >= e[0]) & (m <= e[-1])
    if np.any(mid):
        out[mid] = np.interp(m[mid], e, r)
    blend = (m > e[-1]) & (m < R_PQCD_START)
    if np.any(blend):
        w = (m[blend] - e[-1]) / (R_PQCD_START - e[-1])
        out[blend] = (1.0 - w) * r[-1] + w * _pqcd_r(R_PQCD_START)
    hi = m >= R_PQCD_START
    if np.any(hi):
        out[hi] = _pqcd_r(m[hi])
    above = m >= 2.0 * M_PI_CHARGED
    if np.any(above):
        out[above] += _narrow_r(m[above])
    return out


def r_ratio_uncertainty(m):
    """1σ uncertainty of :func:`r_ratio` from the data (the nodes' dR, linear in m; below the
    first node its relative error; the open-bottom region ±10%, perturbative QCD ±2%: the
    spread of the 12–40 GeV data about it, docs/validation.md). Narrow-resonance terms carry
    their Γ_ee error ⊕ 5% (α convention)."""
    m = np.asarray(m, float)
    e, r, dr = _table()
    rr = r_ratio(m)
    rel = np.where(m < e[0], dr[0] / r[0], 0.0)
    rel = np.where((m >= e[0]) & (m <= e[-1]), np.interp(m, e, dr) / np.maximum(
        np.interp(m, e, r), 1e-300), rel)
    rel = np.where(m > e[-1], np.where(m < R_PQCD_START, 0.10, 0.02), rel)
    base = rr - np.where(m >= 2.0 * M_PI_CHARGED, _narrow_r(np.maximum(m, 1e-300)), 0.0)
    narrow = rr - base
    return np.hypot(rel * base, 0.06 * narrow)


def hadronic_width(m, g_em):
    """Γ(X → hadrons) = g_em² m R(m)/(12π) [energy] for L ⊃ g_em X_μ Σ_q Q_q q̄γ^μq (module doc;
    g_em = εe for the dark photon)."""
    m = np.asarray(m, float)
    return np.asarray(g_em, float) ** 2 * m * r_ratio(m) / (12.0 * math.pi)


def domain_warnings(m) -> list[str]:
    """Warnings (with the size of the doubt) for masses where R is not measured."""
    m = np.atleast_1d(np.asarray(m, float))
    out = []
    if np.any((m > R_DATA_END) & (m < R_PQCD_START)):
        out.append("hadronic width at 10.52-11.2 GeV (open-bottom threshold, no R data used):"
                   " interpolated to perturbative QCD, uncertain by +-10%")
    if np.any(m >= R_PQCD_START):
        out.append("hadronic width above 11.2 GeV from perturbative QCD (5 flavours),"
                   " +-2% against the 12-40 GeV R data")
    if np.any(m > Z_MIXING_WARN):
        out.append("above 40 GeV the dark photon's Z admixture (not included in mucast) changes"
                   " its couplings by more than ~20%")
    return out
