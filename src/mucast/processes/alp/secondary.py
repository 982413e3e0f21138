"""Layer 2: ALPs from the real photons of a thick target — the muon's bremsstrahlung photons
converting on a nucleus (γN → aN, :mod:`mucast.processes.alp.primakoff`) — as a ratio to the
direct photon fusion μN → μN a (:mod:`mucast.processes.alp.production`).

Per muon crossing a target of thickness L (number density n, density ρ), with the signal
region x ≥ x_min (the ALP takes the whole photon energy, k = yE, so y ≥ x_min):

    N_dir = n L σ_dir(x ≥ x_min),
    N_sec = ∫₀^L dz ∫ dk (dN_γ/dk dz) · n σ_γN→aN(k) · λ(1 − e^(−(L−z)/λ)),

λ = (9/7) X₀ the photon's mean free path to pair conversion (high-energy limit, the competitor
of Primakoff conversion; Tsai, Rev. Mod. Phys. 46 (1974) 815), so that

    R = N_sec/N_dir = λ_eff ρ b_brems ∫_{x_min} dy φ̂(y)/y · σ_γN→aN(yE)/σ_dir,
    λ_eff = λ [1 − (λ/L)(1 − e^(−L/λ))],

with dN_γ/(dk dz) = ρ b_brems φ̂(y)/k, ∫₀¹ φ̂ dy = 1 (b_brems the energy-loss coefficient,
data/secondary/muon_bremsstrahlung.toml, Kelner–Kokoulin–Petrukhin as in the PDG tables,
ASSUMPTION stated there), and the shape φ̂(y) = y dσ/dy / ∫ y dσ/dy of mucast's own coherent
muon bremsstrahlung (the WW vector engine of :mod:`mucast.processes.mediators.production` at
m → 0 with coupling e, the same form factor as every other cross section here).

Stated uncertainty (relative, added in quadrature; docs/alps.md §5): the brems normalisation
(mucast's coherent b against the file's nuclear b, plus the atomic electrons' share), the
spectrum shape (mucast's against the Kelner–Kokoulin–Petrukhin one, :func:`kkp_dsigma_dy`), λ (±3%: the pair cross section within ~2% of its asymptote above 10 GeV for Pb) and
the sources not computed (knock-on electrons radiating one hard photon with < 12 GeV left,
estimated at ≈ 0.5% of R; pairs' e± likewise; photonuclear events are vetoed): ±5%.
The secondary events are taken to have the direct events' efficiency (ASSUMPTION).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from mucast import __version__
from mucast._io import data_path, read_toml
from mucast.constants import ALPHA, M_E, M_MU
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.integrate import mapped_rule
from mucast.processes.alp import primakoff
from mucast.processes.alp.fusion import THETA_MAX
from mucast.processes.alp.production import production
from mucast.processes.mediators import production as mediators
from mucast.units import GeV, cm, g as gram, hbarc

__all__ = ["SecondaryRatio", "bremsstrahlung", "kkp_dsigma_dy", "secondary_ratio",
           "secondary_ratio_for",
           "CONVERSION_LENGTH_FACTOR", "OTHER_SOURCES_DOUBT", "LAMBDA_DOUBT"]

#: photon mean free path to pair conversion in units of X₀ (complete screening, Tsai 1974)
CONVERSION_LENGTH_FACTOR = 9.0 / 7.0
#: relative doubt on λ (the asymptotic value vs the pair cross section at 10-160 GeV)
LAMBDA_DOUBT = 0.03
#: relative doubt for the sources not computed (knock-on electrons, pairs; module doc)
OTHER_SOURCES_DOUBT = 0.05
#: photon mass of the bremsstrahlung spectrum taken from the massive-vector WW engine
_PHOTON_MASS = 1e-6 * GeV
_FILE = "secondary/muon_bremsstrahlung.toml"
#: classical electron radius [length] (CODATA via hepunits: α ħc/m_e)
R_ELECTRON = ALPHA * hbarc / M_E


@lru_cache(maxsize=1)
def _table():
    d = read_toml(data_path(_FILE))
    try:
        mats = {m["name"]: m for m in d["material"]}
    except (KeyError, TypeError) as exc:
        raise DataFileError(f"{_FILE}: malformed ({exc})") from None
    return mats, d.get("provenance", {})


def bremsstrahlung(target, energy):
    """(b_brems, b_nucleus, X₀) for a shipped material at beam energy ``energy``: b [area/mass]
    interpolated linearly in ln E from the data file (within its energy range), X₀ [mass/area]."""
    mats, _ = _table()
    name = target.name if hasattr(target, "name") else str(target)
    if name not in mats:
        raise UnknownNameError(f"no bremsstrahlung data for target {name!r} (have "
                               f"{', '.join(sorted(mats))}; {_FILE})")
    m = mats[name]
    e = np.asarray(m["energies_GeV"], float)
    le = math.log(energy / GeV)
    if not (e[0] <= energy / GeV <= e[-1]):
        raise InputError(f"beam energy {energy / GeV:g} GeV outside the bremsstrahlung table "
                         f"[{e[0]:g}, {e[-1]:g}] GeV of {name} ({_FILE})")
    unit = cm**2 / gram
    b = float(np.interp(le, np.log(e), np.asarray(m["b_brems_cm2_g"], float))) * unit
    bn = float(np.interp(le, np.log(e), np.asarray(m["b_brems_nucleus_cm2_g"], float))) * unit
    return b, bn, float(m["radiation_length_g_cm2"]) * gram / cm**2


def _photon_rule(energy, lo, n=24):
    """y nodes/weights on [lo, 1 − m_μ/E]: Gauss–Legendre in ln y below 0.5 and in ln(1 − y)
    above (the spectrum y dσ/dy is smooth in both)."""
    hi = 1.0 - M_MU / energy
    ys, ws = [], []
    if lo < 0.5:
        edges = np.geomspace(lo, 0.5, max(2, int(np.log10(0.5 / lo)) + 2))
        for a, b in zip(edges[:-1], edges[1:], strict=True):
            v, w = mapped_rule(math.log(a), math.log(b), n)
            ys.append(np.exp(v))
            ws.append(w * np.exp(v))
    a = max(lo, 0.5)
    for c0, c1 in ((a, a + 0.9 * (hi - a)), (a + 0.9 * (hi - a), hi)):
        v, w = mapped_rule(math.log1p(-c1), math.log1p(-c0), n)
        ys.append(-np.expm1(v))
        ws.append(w * np.exp(v))
    return np.concatenate(ys), np.concatenate(ws)


#: constants of the Kelner–Kokoulin–Petrukhin formula (Thomas–Fermi radiation logarithms)
KKP_B, KKP_B_PRIME = 183.0, 1429.0


def kkp_dsigma_dy(y, energy, target, electrons=True):
    """Muon bremsstrahlung dσ/dy per atom [area], y = k/E (E the muon's total energy), in the
    Kelner–Kokoulin–Petrukhin form (preprint MEPhI 024-95, 1995; the form of the PDG muon
    tables, Groom et al., ADNDT 78 (2001) 183, and of Geant4's muon bremsstrahlung):

        dσ/dy = (16/3) α (m_e r_e/m_μ)² (1/y) Z (Z Φ_n + Φ_e) (1 − y + ¾y²),
        Φ_n = ln[B Z^(−1/3)(m_μ + δ(D′√e − 2)) / (D′(m_e + δ√e B Z^(−1/3)))],
        Φ_e = ln[B′ Z^(−2/3) m_μ / ((1 + δ m_μ/(m_e²√e))(m_e + δ√e B′ Z^(−2/3)))]
              (0 above k′ = E/(1 + m_μ²/(2 m_e E))),

    δ = m_μ² y/(2E(1 − y)), D′ = (1.54 A^0.27)^(1 − 1/Z), negative logarithms set to 0.
    The independent check of the WW spectrum shape, and what scripts/make_brems_table.py
    integrates into the data file's b_brems."""
    y = np.asarray(y, dtype=float)
    Z, A = target.Z, target.A
    delta = M_MU**2 * y / (2.0 * energy * (1.0 - y))
    z13 = Z ** (-1.0 / 3.0)
    root_e = math.sqrt(math.e)
    d_n = (1.54 * A**0.27) ** (1.0 - 1.0 / Z)
    phi_n = np.maximum(np.log(KKP_B * z13 * (M_MU + delta * (d_n * root_e - 2.0))
                              / (d_n * (M_E + delta * root_e * KKP_B * z13))), 0.0)
    phi_e = np.zeros_like(y)
    if electrons:
        z23 = z13 * z13
        arg = KKP_B_PRIME * z23 * M_MU / ((1.0 + delta * M_MU / (M_E**2 * root_e))
                                          * (M_E + delta * root_e * KKP_B_PRIME * z23))
        k_e = energy / (1.0 + M_MU**2 / (2.0 * M_E * energy))
        phi_e = np.where(y * energy < k_e, np.maximum(np.log(arg), 0.0), 0.0)
    r_mu = R_ELECTRON * M_E / M_MU
    return (16.0 / 3.0 * ALPHA * r_mu**2 / y * Z * (Z * phi_n + phi_e)
            * (1.0 - y + 0.75 * y * y))


def _brems_spectrum(y, energy, target):
    """dσ/dy of coherent muon bremsstrahlung [area] (the WW vector engine, coupling e)."""
    e = math.sqrt(4.0 * math.pi * ALPHA)
    return mediators.dsigma_dx(y, _PHOTON_MASS, e, energy, target, spin="vector")


@dataclass(frozen=True)
class SecondaryRatio:
    """R(m) = secondary/direct ALP yield in the signal region, with its stated uncertainty.

    ``masses`` [energy]; ``ratio``, ``uncertainty`` (absolute, same shape); ``parts``: the
    inputs and the components of the uncertainty (relative); ``inputs``: energies in GeV,
    lengths in cm; ``warnings``."""

    masses: np.ndarray
    ratio: np.ndarray
    uncertainty: np.ndarray
    parts: dict
    inputs: dict
    warnings: tuple = ()
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        return {"mass_GeV": (self.masses / GeV).tolist(), "ratio": self.ratio.tolist(),
                "ratio_uncertainty": self.uncertainty.tolist(),
                **{k: (v.tolist() if isinstance(v, np.ndarray) else v)
                   for k, v in self.parts.items()},
                **self.inputs, "warnings": list(self.warnings), "mucast_version": self.version}


def secondary_ratio(masses, energy=160 * GeV, target="Pb", thickness=22.5 * cm, x_min=0.5,
                    theta_max=THETA_MAX, b_brems=None, conversion_length=None, rtol=0.005,
                    seed=0) -> SecondaryRatio:
    """R(m) for a beam of ``energy`` on ``thickness`` of ``target`` with the signal region
    x ≥ ``x_min`` (module doc). ``b_brems`` [area/mass] and ``conversion_length`` [length]
    override the data file and (9/7)X₀/ρ. σ_dir is :func:`mucast.processes.alp.production`
    (``approx="auto"``; ``rtol``, ``seed`` of its exact part).

    Example
    -------
    >>> from mucast.units import GeV
    >>> r = secondary_ratio([0.01 * GeV])
    >>> 0.005 < float(r.ratio[0]) < 0.05
    True
    """
    tgt = mediators._target(target)
    energy = mediators._check_energy(energy)
    m = np.atleast_1d(mediators._check_mass(masses, energy)).astype(float).ravel()
    if not (isinstance(x_min, (int, float)) and 0 < x_min < 1):
        raise InputError(f"x_min must be in (0, 1) for the secondary ratio, got {x_min!r}")
    if not (isinstance(thickness, (int, float)) and math.isfinite(thickness) and thickness > 0):
        raise InputError(f"thickness must be a length > 0, got {thickness!r}")
    b_file, b_nucleus, x0 = bremsstrahlung(tgt, energy)
    b = b_file if b_brems is None else float(b_brems)
    lam = CONVERSION_LENGTH_FACTOR * x0 / tgt.density if conversion_length is None else float(
        conversion_length)
    lam_eff = lam * (1.0 - lam / thickness * (-math.expm1(-thickness / lam)))

    # the photon spectrum: mucast's coherent bremsstrahlung, its energy-weighted integral
    y_all, w_all = _photon_rule(energy, 1e-7)
    s_all = _brems_spectrum(y_all, energy, tgt)
    b_ww = float(np.sum(w_all * y_all * s_all)) * tgt.nuclei_per_volume() / tgt.density
    direct = production(m, energy, tgt, x_min, theta_max, rtol=rtol, seed=seed)
    y, w = _photon_rule(energy, x_min)
    dsdy = _brems_spectrum(y, energy, tgt)
    # the check: the KKP spectrum (nucleus and electrons) normalised the same way
    b_kkp = float(np.sum(w_all * y_all * kkp_dsigma_dy(y_all, energy, tgt)))
    kkp = kkp_dsigma_dy(y, energy, tgt) / b_kkp                 # φ̂(y)/y
    ratio, shape_alt = np.zeros(m.size), np.zeros(m.size)
    for i, mi in enumerate(m):
        ok = y * energy > mi * (1.0 + 1e-9)
        sig_p = np.zeros_like(y)
        sig_p[ok] = primakoff.cross_section(y[ok] * energy, mi, 1.0, tgt)
        # ρ b φ̂(y)/y with φ̂ = y dσ/dy / ∫ y dσ/dy  →  n dσ/dy (b/b_ww)
        conv = np.sum(w * dsdy * sig_p) * tgt.nuclei_per_volume() * (b / b_ww)
        conv_alt = np.sum(w * kkp * sig_p) * tgt.density * b
        ratio[i] = lam_eff * conv / direct.sigma_per_g2[i]
        shape_alt[i] = lam_eff * conv_alt / direct.sigma_per_g2[i]
    d_b = math.hypot(b_ww / b_nucleus - 1.0, (b_file - b_nucleus) / b_nucleus)
    d_shape = np.abs(shape_alt / ratio - 1.0)
    d_dir = direct.error / direct.sigma_per_g2
    rel = np.sqrt(d_b**2 + d_shape**2 + LAMBDA_DOUBT**2 + OTHER_SOURCES_DOUBT**2 + d_dir**2)
    parts = {"b_brems_cm2_g": b / (cm**2 / gram), "b_mucast_coherent_cm2_g": b_ww / (cm**2 / gram),
             "b_file_nucleus_cm2_g": b_nucleus / (cm**2 / gram),
             "conversion_length_cm": lam / cm, "effective_length_cm": lam_eff / cm,
             "doubt_brems_normalisation": d_b, "doubt_spectrum_shape": d_shape,
             "doubt_conversion_length": LAMBDA_DOUBT, "doubt_other_sources": OTHER_SOURCES_DOUBT,
             "doubt_direct": d_dir, "ratio_kkp_shape": shape_alt,
             "direct_method": list(direct.method)}
    inputs = {"process": "alp-photon secondary photons", "energy_GeV": energy / GeV,
              "target": tgt.name, "thickness_cm": thickness / cm, "x_min": x_min,
              "theta_max": float(theta_max)}
    return SecondaryRatio(m, ratio, ratio * rel, parts, inputs, direct.warnings)


def secondary_ratio_for(dataset, masses, **options) -> SecondaryRatio:
    """:func:`secondary_ratio` for a data set (name or :class:`mucast.experiments.Experiment`):
    its beam energy, target, effective thickness and the signal region x_min of its [mediator]
    selection."""
    from mucast import experiments
    from mucast.experiments import selection

    exp = dataset if isinstance(dataset, experiments.Experiment) else experiments.get(dataset)
    x_min = selection.setup(exp).x_min
    return secondary_ratio(masses, exp.beam_energy, exp.target, exp.thickness, x_min, **options)
