"""Layer 2: σ(μN → μN a) for an ALP coupled to photons, with the WW form where it holds and the
exact 2→3 calculation elsewhere — the entry point for yields and decays in flight.

Domain of the WW form (:mod:`mucast.processes.alp.fusion`), measured against the exact
calculation (:mod:`mucast.processes.alp.exact`; validation/alp_exact_vs_ww.py, docs/alps.md §3)
for σ(x ≥ x_min) on Pb, W, Fe, Cu and C at 15–160 GeV, 1 MeV to the beam's reach, with no cut on
the ALP angle (the default) and with θ_max = 0.1. With E_min = max(x_min, m/E)·E the lowest ALP
energy of the region,

* the ALP must be boosted: WW/exact − 1 = +0.2–0.7%, +0.9–1.2%, +1.4–2.6%, +3.3–6.2%,
  +6–13%, +14–113% at γ_min = E_min/m = 12, 8, 6, 4, 3, 2 (15 GeV on W, 50 and 160 GeV on Pb,
  no angular cut; with θ_max = 0.1 up to +57% at 2): WW over-estimates near the beam's reach;
* and not soft: at m = 1 MeV it is within 0.5% from E_min = 0.3 GeV without an angular cut,
  but with θ_max = 0.1 +1.2% at 1 GeV and +4% at 0.3 GeV (15 GeV on W); the total σ (x from
  m/E) is 1.18–1.32 (no cut) or 1.43–1.70 (θ_max = 0.1) times the exact one at 1 MeV.

:data:`WW_RULE`: γ_min ≥ 12 and E_min ≥ 1.5 GeV (for either angular cut); inside, every
measured |WW/exact − 1| ≤ 0.66% (28 points with each cut; stated doubt 1%). ``approx="auto"`` (default) takes WW inside and the exact calculation
(vegas, ``rtol``) outside; ``"ww"`` forces WW and warns outside with the measured size of the
doubt; ``"etl"`` computes every mass exactly.

The x spectrum for decays in flight (E_a = xE) comes with every result: WW nodes and weights
(:func:`mucast.processes.alp.fusion.x_spectrum`), or, for a mass computed exactly, the exact
σ in bins whose edges lie half-way between those nodes (one vegas run,
:func:`mucast.processes.alp.exact.x_histogram`), on the same x nodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.alp import exact, fusion
from mucast.processes.alp.fusion import THETA_MAX
from mucast.processes.mediators.production import (_check_energy, _check_mass, _check_theta,
                                                   _check_x_min, _conventions, _target)
from mucast.units import GeV, picobarn

__all__ = ["APPROXIMATIONS", "WW_RULE", "ww_domain", "Production", "production",
           "cross_section_per_g2", "ALPCrossSection", "cross_section"]

APPROXIMATIONS = ("auto", "ww", "etl")

#: where WW is used by ``approx="auto"`` (module doc): lowest ALP boost, lowest ALP energy,
#: and the doubt stated inside (largest measured |WW/exact − 1|: 0.66%)
WW_RULE = {"gamma_min": 12.0, "energy_min": 1.5 * GeV, "doubt": 0.01}


def _lowest_energy(masses, energy, x_min):
    m = np.asarray(masses, dtype=float)
    return np.maximum(0.0 if x_min is None else float(x_min), m / energy) * energy


def ww_domain(masses, energy, x_min):
    """True where the WW form is inside its measured domain (:data:`WW_RULE`), per mass."""
    m = np.asarray(masses, dtype=float)
    e_min = _lowest_energy(m, energy, x_min)
    return (e_min >= WW_RULE["gamma_min"] * m) & (e_min >= WW_RULE["energy_min"])


def _ww_doubt_note(m, energy, x_min):
    """The measured size of the WW error outside its domain, for a warning."""
    e_min = float(_lowest_energy(m, energy, x_min))
    gamma = e_min / m
    parts = []
    if gamma < WW_RULE["gamma_min"]:
        parts.append(f"lowest ALP boost E_min/m = {gamma:.3g} < {WW_RULE['gamma_min']:g}"
                     " (measured WW/exact - 1: +0.9-1.2% at 8, +1.4-2.6% at 6, +3.3-6.2% at 4,"
                     " +6-13% at 3, +14-113% at 2)")
    if e_min < WW_RULE["energy_min"]:
        parts.append(f"lowest ALP energy {e_min / GeV:.3g} GeV < 1.5 GeV (measured at 1 MeV:"
                     " within 0.5% from 0.3 GeV without an angular cut, +1.2% at 1 GeV and +4%"
                     " at 0.3 GeV with theta_max = 0.1; +18-70% for the total from x = m/E)")
    return (f"alp-photon WW at m = {m / GeV:.6g} GeV is outside its measured domain: "
            + "; ".join(parts))


@dataclass(frozen=True)
class Production:
    """σ/g² of μN → μN a (x ≥ x_min) per mass, with its error, method and x spectrum.

    ``masses`` [energy]; ``sigma_per_g2``, ``error`` [area × energy²] (σ = value · g², g in
    hepunits); ``method``: "ww" or "etl" per mass; ``x``, ``weights``: shape (n_masses, n_x),
    σ/g² per x node (Σ weights = sigma_per_g2 up to the stated error); ``warnings``: one line
    per doubtful mass; ``inputs``: energies in GeV."""

    masses: np.ndarray
    sigma_per_g2: np.ndarray
    error: np.ndarray
    method: tuple
    x: np.ndarray
    weights: np.ndarray
    inputs: dict
    warnings: tuple = ()
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        """JSON-ready: σ/g² in pb·GeV² (σ in pb for g = 1 GeV⁻¹), the method per mass."""
        unit = picobarn / GeV**2
        return {"mass_GeV": (self.masses / GeV).tolist(),
                "sigma_per_g2_pb_GeV2": (self.sigma_per_g2 / unit).tolist(),
                "sigma_error_pb_GeV2": (self.error / unit).tolist(),
                "method": list(self.method), **self.inputs,
                "warnings": list(self.warnings), "mucast_version": self.version}


def production(masses, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
               t_max="E2", alpha=ALPHA, approx="auto", rtol=0.005, seed=0, orders=None) -> Production:
    """σ/g² (μN → μN a, x ≥ x_min) for an array of masses, WW inside its domain and exact
    outside (module doc). ``rtol``, ``seed``: of the exact calculation (vegas 1σ relative error
    and seed); ``orders``: of the WW rule. ``t_max`` enters the WW form only.

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> r = production([0.01 * GeV, 1 * GeV], x_min=0.5)
    >>> r.method
    ('ww', 'ww')
    """
    energy = _check_energy(energy)
    m = np.atleast_1d(_check_mass(masses, energy)).astype(float).ravel()
    _check_x_min(x_min)
    _check_theta(theta_max)
    _conventions(theta_max, t_max, alpha)
    tgt = _target(target)
    if approx not in APPROXIMATIONS:
        raise UnknownNameError(f"approx must be one of {', '.join(APPROXIMATIONS)}, got {approx!r}")
    if not (isinstance(rtol, (int, float)) and 0 < rtol < 1):
        raise InputError(f"rtol must be in (0, 1), got {rtol!r}")
    inside = ww_domain(m, energy, x_min)
    use_ww = inside if approx == "auto" else np.full(m.shape, approx == "ww")
    value, error = fusion.cross_section_per_g2(m, energy, tgt, x_min, theta_max, t_max, alpha,
                                               orders)
    x, w = fusion.x_spectrum(m, energy, tgt, x_min, theta_max, t_max, alpha, orders)
    value, error, w = value.copy(), error.copy(), w.copy()
    warnings = []
    for i in np.flatnonzero(~use_ww):
        edges = _edges_between(x[i], m[i], energy, x_min)
        vals, _, tot, tot_err = exact.x_histogram(m[i], 1.0, edges, energy, tgt,
                                                  theta_max=theta_max, rtol=rtol, seed=seed,
                                                  alpha=alpha)
        value[i], error[i] = tot, tot_err
        w[i] = vals
        if tot <= 0.0:
            region = "any x" if x_min is None else f"x >= {x_min:g}"
            raise KinematicsError(
                f"alp-photon at m = {m[i] / GeV:.6g} GeV: the exact calculation found no event"
                f" with {region} and an ALP angle <= {theta_max:g} rad (theta_max cuts away"
                " what the beam can still make near its reach); use a larger theta_max")
    for i in np.flatnonzero(use_ww & ~inside):
        warnings.append(_ww_doubt_note(m[i], energy, x_min))
    if t_max != "E2" and np.any(use_ww):
        warnings.append("alp-photon WW with t_max = m_mu^2 + m^2: the nucleus's flux is cut below"
                        " the exact calculation's reach; measured -1.3% (160 GeV, Pb) and -2.6%"
                        " (15 GeV, W) at 1-10 MeV against t_max = E^2, which agrees with the exact"
                        " result (docs/alps.md §3)")
    for i in np.flatnonzero(use_ww & inside):
        error[i] = math.hypot(error[i], WW_RULE["doubt"] * value[i])
    method = tuple("ww" if u else "etl" for u in use_ww)
    inputs = {"process": "alp-photon", "energy_GeV": energy / GeV, "target": tgt.name,
              "x_min": x_min, "theta_max": float(theta_max), "t_max": t_max,
              "alpha": float(alpha), "approx": approx, "rtol": rtol,
              "ww_doubt": WW_RULE["doubt"]}
    return Production(m, value, error, method, x, w, inputs, tuple(warnings))


def _edges_between(x_nodes, m, energy, x_min):
    """Bin edges half-way between the WW x nodes (increasing, :func:`fusion.x_spectrum`),
    closed by the region's ends."""
    lo = max(0.0 if x_min is None else float(x_min), m / energy)
    hi = 1.0 - M_MU / energy
    mid = 0.5 * (x_nodes[1:] + x_nodes[:-1])
    return np.concatenate([[lo * (1 + 1e-12)], mid, [hi]])


def cross_section_per_g2(masses, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
                         t_max="E2", alpha=ALPHA, orders=None, approx="auto", rtol=0.005,
                         seed=0):
    """(σ/g², error) [area × energy²], arrays of the shape of ``masses``: :func:`production`
    without the spectrum (the call of the mediators' ``cross_section_per_g2``). The error
    includes the WW doubt (1%) where WW is used inside its domain."""
    r = production(masses, energy, target, x_min, theta_max, t_max, alpha, approx, rtol, seed,
                   orders)
    shape = np.shape(masses)
    return r.sigma_per_g2.reshape(shape), r.error.reshape(shape)


@dataclass(frozen=True)
class ALPCrossSection:
    """σ(μN → μN a; x ≥ x_min) at one mass and coupling: ``value``, ``error`` (areas; the
    error includes the WW doubt where WW is used), ``method`` ("ww" or "etl"), ``inputs``
    (GeV, GeV⁻¹), ``warnings``."""

    value: float
    error: float
    method: str
    inputs: dict
    warnings: tuple = ()
    version: str = field(default=__version__)

    def to_dict(self) -> dict:
        return {"sigma_pb": self.value / picobarn, "sigma_error_pb": self.error / picobarn,
                "method": self.method, **self.inputs, "warnings": list(self.warnings),
                "mucast_version": self.version}


def cross_section(mass, coupling, energy=160 * GeV, target="Pb", x_min=None, theta_max=THETA_MAX,
                  t_max="E2", alpha=ALPHA, approx="auto", rtol=0.005, seed=0) -> ALPCrossSection:
    """σ(μN → μN a; x ≥ x_min) [area] for g_aγγ = ``coupling`` [1/energy]: :func:`production`
    at one mass (WW inside its domain, exact outside, or as ``approx`` says, with warnings).

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> r = cross_section(0.01 * GeV, 1e-3 / GeV)        # all x: soft ALPs, computed exactly
    >>> r.method, 3250 < r.value / picobarn < 3360      # 3305 ± 5 at rtol 2e-3 (WW: 3476)
    ('etl', True)
    """
    g = fusion._coupling(coupling)
    r = production([mass], energy, target, x_min, theta_max, t_max, alpha, approx, rtol, seed)
    inputs = {**r.inputs, "mass_GeV": float(mass) / GeV, "coupling_per_GeV": g * GeV}
    return ALPCrossSection(float(r.sigma_per_g2[0]) * g * g, float(r.error[0]) * g * g,
                           r.method[0], inputs, r.warnings)
