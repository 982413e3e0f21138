"""Layer 2: the L_μ−L_τ Z′ — production μN → μN Z′ and decays (seed 001, PRL 132 (2024) 211803).

Model
-----
L ⊃ g Z′_α (μ̄γ^αμ − τ̄γ^ατ + ν̄_μγ^α P_L ν_μ − ν̄_τγ^α P_L ν_τ) [+ g_χ Z′_α χ̄γ^αχ in the "dark"
extension]. Cross sections scale exactly as g².

Production in the Weizsäcker–Williams (WW) approximation (``approx="ww"``)
---------------------------------------------------------------------------
As implemented in DMG4 (class DarkZ; Bondi et al., CPC 269 (2021) 108129; Kirpichnikov et al.,
PRD 104 (2021) 076012, arXiv:2107.13297), with g = ε e:

    dσ/dx = g²α²/(4π) · (1−x)/x · √(x² − m²/E²) · ∫_{ũ_min}^{ũ_max} dũ/ũ² χ(t_min(ũ), t_max) · B,
    B = 2(2 − 2x + x²)/(1−x) + 4(m² + 2m_μ²)(ũx + m²(1−x) + m_μ²x²)/ũ²,

ũ = −xE²θ² − m²(1−x)/x − m_μ²x (θ ∈ [0, θ_max]), t_min = ũ²/(4E²(1−x)²), χ the photon flux of
:mod:`mucast.processes.flux`. The bracket is (2/m²)·Σ_n C^V_n ũ^(1−n) with the vector coefficients C^V of
seed 000, Appendix A at k² = m² (tested), so the ũ integrals are the EFT engine's
(:func:`mucast.processes.eft._u_integrals`: Gauss–Legendre in s = ln(−ũ)) and the x rule is
its panel rule (x = x_lo cosh τ, then ln(1−x); :func:`mucast.processes.eft._x_nodes`).

t_max of the flux: ``"E2"`` (DMG4, default here) or ``"mmu2_plus_k2"`` (m_μ² + m², seed 000);
the difference is < 1e-3 relative for muon beams because the form factor cuts t at t_d ≪ m_μ²+m²
(tested).

Improved WW (``approx="iww"``): the flux is taken out of the angular integral with
t_min = m⁴/(4E²), t_max = E² (Liu & Miller, PRD 96 (2017) 016004, Eq. 30, as in DMG4):

    dσ/dx = 2 ε²α³ χ_IWW |k|/E · [G(ũ_max) − G(ũ_min)],
    G(ũ) = (m_μ² x(x² + 2x − 2) − 2ũ(3 − 3x + x²))/(3xũ²),  ε²α³ = g²α²/(4π).

For muon beams and m ≲ m_μ this t_min is far below the true one (∝ m_μ⁴ x²/(1−x)²), so IWW
overestimates σ there (it was designed for m ≫ m_lepton); see tests/test_zprime.py.

Exact tree level (``approx="etl"``) is delegated to :mod:`mucast.processes.zprime_etl` (vegas).

Decays (tree level, see /work/shared/notes/physics-references.md)
-----------------------------------------------------------------
Γ(Z′→ν_ℓν̄_ℓ) = g²m/(24π) (ℓ = μ, τ; left-handed), Γ(Z′→ℓ⁺ℓ⁻) = g²m/(12π)(1+2r)√(1−4r),
r = m_ℓ²/m²; Γ(Z′→χχ̄) = g_χ²m/(12π)(1+2r_χ)√(1−4r_χ) (Dirac) or g_χ²m/(48π)(1−4r_χ)^(3/2)
(complex scalar).

Units: hepunits (MeV = 1) for every mass/energy; cross sections returned as areas (hepunits,
divide by ``picobarn``), converted once through :func:`mucast.units.natural_to_area`.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.processes import conventions as _conv
from mucast.constants import ALPHA, M_MU, M_TAU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.flux import photon_flux
from mucast.integrate import Orders, mapped_rule
from mucast.experiments.targets import Target
from mucast.units import GeV, natural_to_area, picobarn
from mucast.processes.eft import _u_integrals, _x_nodes

__all__ = [
    "APPROXIMATIONS",
    "MODELS",
    "ZprimeCrossSection",
    "branching_invisible",
    "cross_section",
    "cross_section_per_g2",
    "dsigma_dx",
    "total_width",
    "width_chi",
    "width_leptons",
    "width_neutrinos",
]

APPROXIMATIONS = ("ww", "iww", "etl")
MODELS = ("vanilla", "dark")
CHI_TYPES = ("dirac", "scalar")
T_MAX_CHOICES = ("E2", "mmu2_plus_k2")

#: seed 001: g_χ = 5·10⁻² and m_Z′ = 3 m_χ for the thermal-DM benchmark
DEFAULT_G_CHI = 5e-2
DEFAULT_M_CHI_RATIO = 1.0 / 3.0

#: quadrature orders of the WW engine for Z′ (checked against scipy.integrate.quad of the
#: literal DMG4 formula to < 1e-5, tests/test_zprime.py); ``coarse()`` gives the error estimate
ORDERS = Orders(n_u=24, n_xa=24, n_xb=20, n_k=4)


# ----------------------------------------------------------------------------------------------
# validation helpers
# ----------------------------------------------------------------------------------------------
def _positive(name, value, unit_name="", unit=1.0):
    arr = np.asarray(value, dtype=float) if not isinstance(value, (str, bytes)) else None
    if arr is None or not np.all(np.isfinite(arr)) or not np.all(arr > 0):
        shown = value if unit == 1.0 else np.asarray(value, dtype=float) / unit
        raise InputError(f"{name} must be finite and > 0{(' ' + unit_name) if unit_name else ''},"
                         f" got {shown!r}")
    return arr


def _coupling(value, name="coupling"):
    """A coupling > 0 whose square is a finite float (issue 6: g = 1e200 gave σ = inf and a
    NaN Br); returns the float array."""
    g = _positive(name, value)
    with np.errstate(over="ignore"):
        big = not np.all(np.isfinite(g * g * 1e8))   # headroom for g² m/(12π), m ≤ 1e6 MeV
    if big:
        raise InputError(f"{name} = {value!r} is too large: g² overflows a double")
    return g


def _check_energy(energy):
    e = float(_positive("energy", energy, "GeV", GeV))
    if e <= 2 * M_MU:
        raise InputError(f"energy must be > 2 m_mu = {2 * M_MU / GeV:.4f} GeV, got {e / GeV} GeV")
    return e


def _check_mass(mass, energy):
    m = _positive("mass", mass, "GeV", GeV)
    top = energy - M_MU
    if np.any(m >= top):
        raise KinematicsError(f"mass must be in (0, E - m_mu) = (0, {top / GeV:.6g}) GeV, got "
                              f"{np.max(m) / GeV:.6g} GeV")
    return m


def _check_theta(theta_max):
    if isinstance(theta_max, bool) or not isinstance(theta_max, numbers.Real) or not (
            math.isfinite(theta_max) and 0 < theta_max <= math.pi):
        raise InputError(f"theta_max must be in (0, pi] rad, got {theta_max!r}")
    return float(theta_max)


def _check_choice(name, value, allowed):
    if value not in allowed:
        raise UnknownNameError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _conventions(theta_max, t_max, alpha):
    _check_choice("t_max", t_max, T_MAX_CHOICES)
    if not (isinstance(alpha, numbers.Real) and 0 < alpha < 1):
        raise InputError(f"alpha must be in (0, 1), got {alpha!r}")
    return _conv.Conventions(name="zprime", alpha=float(alpha), theta_max=_check_theta(theta_max),
                             t_max=t_max)


def _target(target):
    return target if isinstance(target, Target) else Target.from_name(target)


# ----------------------------------------------------------------------------------------------
# the WW integrand
# ----------------------------------------------------------------------------------------------
def _ww_u_bracket(x, m2, energy, target, conv, n_u):
    """U(x) = ∫ dũ/ũ² χ B [dimensionless·1/energy²], vectorised over x, m² (same shape)."""
    I = _u_integrals(x, m2, energy, target, conv, n_u)          # I_n = ∫ dũ χ/ũ^(n+1)
    a = m2 + 2.0 * M_MU**2
    w = m2 * (1.0 - x) + M_MU**2 * x * x
    return 2.0 * (2.0 - 2.0 * x + x * x) / (1.0 - x) * I[1] + 4.0 * a * (x * I[2] + w * I[3])


def _iww_bracket(x, m2, energy, target, conv):
    """IWW: 2 χ_IWW [G(ũ_max) − G(ũ_min)] · x/(1−x) [1/energy²] — the factor that multiplies
    (1−x)/x √(x² − m²/E²) · g²α²/(4π) (so the x rule of the WW engine can be reused)."""
    t_lo = m2**2 / (4.0 * energy**2)
    t_hi = energy**2 if conv.t_max == "E2" else M_MU**2 + m2
    chi = photon_flux(t_lo, t_hi, target.Z, target.t_a, target.t_d)
    u_max = -m2 * (1.0 - x) / x - M_MU**2 * x
    u_min = u_max - energy**2 * conv.theta_max**2 * x

    def G(u):
        return (M_MU**2 * x * (x * x + 2.0 * x - 2.0) - 2.0 * u * (3.0 - 3.0 * x + x * x)) / (
            3.0 * x * u * u)

    return 2.0 * chi * (G(u_max) - G(u_min)) * x / (1.0 - x)


def _x_rule(mass, energy, x_min, orders):
    """x nodes/weights (weights include (1−x)/x √(x² − m²/E²) and the Jacobian), shape
    (len(mass), n_xa + n_xb). With ``x_min`` None this is the EFT engine's
    :func:`~mucast.processes.eft._x_nodes`; otherwise the same two panels start at
    x_a = max(x_min, m/E) (zero weights where x_a ≥ 1 − m_μ/E)."""
    mass = np.asarray(mass, dtype=float)
    if x_min is None:
        return _x_nodes(mass, energy, orders)
    x_lo = mass / energy
    x_hi = 1.0 - M_MU / energy
    x_a = np.minimum(np.maximum(x_min, x_lo), x_hi)
    empty = x_a >= x_hi * (1.0 - 1e-12)
    x_a = np.where(empty, x_hi * 0.5, x_a)      # placeholder, weights zeroed below
    x_mid = np.maximum(0.9, x_a + 0.5 * (x_hi - x_a))
    x_mid = np.minimum(x_mid, x_a + 0.9 * (x_hi - x_a))
    tau, wt = mapped_rule(np.arccosh(x_a / x_lo), np.arccosh(x_mid / x_lo), orders.n_xa)
    xl = x_lo[:, None]
    xa = xl * np.cosh(tau)
    sq_a = xl * np.sinh(tau)
    wa = wt * xl * np.sinh(tau) * sq_a * (1.0 - xa) / xa
    v, wv = mapped_rule(np.log1p(-x_hi) * np.ones_like(mass), np.log1p(-x_mid), orders.n_xb)
    xb = -np.expm1(v)
    sq_b = np.sqrt((xb - xl) * (xb + xl))
    wb = wv * np.exp(v) * sq_b * (1.0 - xb) / xb
    x = np.concatenate([xa, xb], axis=1)
    wx = np.concatenate([wa, wb], axis=1)
    wx[empty] = 0.0
    return x, wx


def _sigma_over_g2_natural(mass, energy, target, conv, x_min, orders, approx):
    """σ/g² in natural units [1/energy²] for an array of masses (one vectorised pass)."""
    x, wx = _x_rule(mass, energy, x_min, orders)
    m2 = np.broadcast_to((np.asarray(mass, float) ** 2)[:, None], x.shape)
    if approx == "ww":
        br = _ww_u_bracket(x, m2, energy, target, conv, orders.n_u)
    else:
        br = _iww_bracket(x, m2, energy, target, conv)
    return conv.alpha**2 / (4.0 * math.pi) * np.sum(wx * br, axis=-1)


# ----------------------------------------------------------------------------------------------
# public API: differential and total cross sections
# ----------------------------------------------------------------------------------------------
def dsigma_dx(x, mass, coupling, energy=160 * GeV, target="Pb", approx="ww", theta_max=0.1,
              t_max="E2", alpha=ALPHA, n_u=48, **etl_options):
    """dσ/dx(μN → μN Z′) [area, hepunits] at energy fraction x = E_Z′/E (vectorised over x).

    Parameters
    ----------
    x : float or array; outside the physical range (m/E, 1 − m_μ/E) the result is 0.
    mass : Z′ mass [energy];  coupling : g (> 0);  energy : beam energy [energy].
    target : Target or name ("Pb");  approx : "ww" (default), "iww" or "etl".
    theta_max : largest Z′ emission angle [rad] (seed 000: 0.1; DMG4: 0.3).
    t_max : "E2" (DMG4, default) or "mmu2_plus_k2" (seed 000).
    alpha : fine-structure constant;  n_u : Gauss–Legendre nodes in ln(−ũ).
    etl_options : passed to :func:`mucast.processes.zprime_etl.dsigma_dx_etl` (neval, seed).

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> d = dsigma_dx([0.5, 0.9], 0.1 * GeV, 1e-3)
    >>> bool((d > 0).all())
    True
    """
    energy = _check_energy(energy)
    m = float(_check_mass(mass, energy))
    g = float(_coupling(coupling))
    _check_choice("approx", approx, APPROXIMATIONS)
    tgt = _target(target)
    conv = _conventions(theta_max, t_max, alpha)
    x = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(x)):
        raise InputError("x must be finite (energy fraction, physical range (m/E, 1 - m_mu/E))")
    if approx == "etl":
        zetl = _etl_module()
        xs = np.atleast_1d(x)
        out = np.array([zetl.dsigma_dx_etl(float(xi), m, g, energy, tgt.Z, tgt.A,
                                           tgt.atomic_mass, theta_max=conv.theta_max,
                                           alpha=conv.alpha,
                                           neval=etl_options.get("neval", 20_000),
                                           seed=etl_options.get("seed", 0))[0]
                        if m / energy < xi < 1 - M_MU / energy else 0.0 for xi in xs])
        return out.reshape(x.shape) if x.ndim else float(out[0])
    ok = (x > m / energy) & (x < 1.0 - M_MU / energy)
    out = np.zeros(x.shape)
    if np.any(ok):
        xs = x[ok]
        m2 = np.full(xs.shape, m * m)
        if approx == "ww":
            br = _ww_u_bracket(xs, m2, energy, tgt, conv, n_u)
        else:
            br = _iww_bracket(xs, m2, energy, tgt, conv)
        kin = (1.0 - xs) / xs * np.sqrt(xs * xs - m2 / energy**2)
        out[ok] = g * g * conv.alpha**2 / (4.0 * math.pi) * kin * br
    out = natural_to_area(out)
    return out if x.ndim else float(out)


@dataclass(frozen=True)
class ZprimeCrossSection:
    """σ(μN → μN Z′; x ≥ x_min) with its numerical error.

    ``value``, ``error``: areas (hepunits; ``value / picobarn``). ``inputs``: the arguments
    (energies in GeV). ``approx``: "ww", "iww" or "etl" (``error`` is the vegas 1σ for etl,
    the difference to a coarser Gauss–Legendre rule otherwise).
    """

    value: float
    error: float
    approx: str
    inputs: dict
    version: str = field(default=__version__)

    @property
    def value_pb(self) -> float:
        return self.value / picobarn

    def to_dict(self) -> dict:
        return {"sigma_pb": self.value / picobarn, "sigma_error_pb": self.error / picobarn,
                "approx": self.approx, **self.inputs, "mucast_version": self.version}


def _etl_module():
    try:
        from mucast.processes import zprime_etl
    except ImportError as exc:  # pragma: no cover - module ships with mucast
        raise UnknownNameError(f"approx='etl' needs mucast.processes.zprime_etl ({exc})") from None
    return zprime_etl


def cross_section_per_g2(masses, energy=160 * GeV, target="Pb", approx="ww", x_min=None,
                         theta_max=0.1, t_max="E2", alpha=ALPHA, orders=None):
    """σ/g² [area] and its error for an array of masses, in one vectorised pass (WW or IWW).

    Returns (value, error), arrays of the shape of ``masses``. This is what mass scans use
    (σ ∝ g² exactly).
    """
    energy = _check_energy(energy)
    m = np.atleast_1d(_check_mass(masses, energy)).astype(float)
    _check_choice("approx", approx, ("ww", "iww"))
    if x_min is not None and not (isinstance(x_min, numbers.Real) and 0 <= x_min < 1):
        raise InputError(f"x_min must be in [0, 1) (energy fraction of the Z'), got {x_min!r}")
    tgt = _target(target)
    conv = _conventions(theta_max, t_max, alpha)
    orders = orders or ORDERS
    flat = m.ravel()
    v = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, orders, approx)
    vc = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, orders.coarse(), approx)
    # issue 6: |v − v(2n/3)| alone under-estimated the error by up to ~270x where the two rules
    # agree by accident (slow convergence of the x rule for m ≲ 10 keV, tests/
    # test_integration_accuracy.py); the max over two coarser rules (2n/3 and n/2) bounds it.
    half = Orders(*(max(4, n // 2) for n in (orders.n_u, orders.n_xa, orders.n_xb, orders.n_k)))
    vh = _sigma_over_g2_natural(flat, energy, tgt, conv, x_min, half, approx)
    err = np.maximum(np.abs(v - vc), np.abs(v - vh))
    shape = np.shape(masses)
    return (natural_to_area(v).reshape(shape), natural_to_area(err).reshape(shape))


def cross_section(mass, coupling, energy=160 * GeV, target="Pb", approx="ww", x_min=None,
                  theta_max=0.1, t_max="E2", alpha=ALPHA, orders=None,
                  **etl_options) -> ZprimeCrossSection:
    """Total σ(μN → μN Z′) with x = E_Z′/E ≥ x_min (default: the whole range m/E … 1 − m_μ/E).

    Parameters as :func:`dsigma_dx`; ``x_min`` in [0, 1) (seed 001's signal region
    p_out ≤ 80 GeV of a 160 GeV beam is x_min = 0.5). For ``approx="etl"`` the keywords
    ``neval`` (default 20 000) and ``seed`` (0) are passed to
    :func:`mucast.processes.zprime_etl.sigma_etl`.

    Example
    -------
    >>> from mucast.units import GeV, picobarn
    >>> r = cross_section(0.1 * GeV, 1e-3)
    >>> 5e3 < r.value / picobarn < 2e4
    True
    """
    energy = _check_energy(energy)
    m = float(_check_mass(mass, energy))
    g = float(_coupling(coupling))
    _check_choice("approx", approx, APPROXIMATIONS)
    tgt = _target(target)
    theta_max = _check_theta(theta_max)
    inputs = {"mass_GeV": m / GeV, "coupling": g, "energy_GeV": energy / GeV,
              "target": tgt.name, "x_min": x_min, "theta_max": theta_max, "t_max": t_max,
              "alpha": float(alpha)}
    if approx == "etl":
        _conventions(theta_max, t_max, alpha)
        if x_min is not None and not (isinstance(x_min, numbers.Real) and 0 <= x_min < 1):
            raise InputError(f"x_min must be in [0, 1), got {x_min!r}")
        zetl = _etl_module()
        xm = None if x_min is None else max(float(x_min), m / energy)
        if xm is not None and xm >= 1 - M_MU / energy:
            raise KinematicsError(f"x_min = {x_min} leaves no phase space (x < 1 - m_mu/E)")
        r = zetl.sigma_etl(m, g, energy, tgt.Z, tgt.A, tgt.atomic_mass, x_min=xm,
                           neval=etl_options.get("neval", 20_000), seed=etl_options.get("seed", 0),
                           theta_max=theta_max, alpha=float(alpha))
        return ZprimeCrossSection(r.value, r.uncertainty, "etl",
                                  {**inputs, "neval": r.neval, "q_value": r.q_value})
    v, e = cross_section_per_g2(np.array([m]), energy, tgt, approx, x_min, theta_max, t_max,
                                alpha, orders)
    return ZprimeCrossSection(float(v[0]) * g * g, float(e[0]) * g * g, approx, inputs)


# ----------------------------------------------------------------------------------------------
# decays
# ----------------------------------------------------------------------------------------------
def width_neutrinos(mass, coupling):
    """Γ(Z′ → ν_μν̄_μ) + Γ(Z′ → ν_τν̄_τ) = 2 · g²m/(24π) [energy] (one left-handed ν per flavour)."""
    return 2.0 * coupling**2 * np.asarray(mass, float) / (24.0 * math.pi)


def _fermion_pair(mass, coupling, m_f):
    m = np.asarray(mass, dtype=float)
    r = np.where(m > 0, m_f**2 / np.maximum(m, 1e-300) ** 2, np.inf)
    above = r < 0.25
    rr = np.where(above, r, 0.0)
    return np.where(above, coupling**2 * m / (12.0 * math.pi) * (1 + 2 * rr) * np.sqrt(1 - 4 * rr),
                    0.0)


def width_leptons(mass, coupling, lepton="mu"):
    """Γ(Z′ → ℓ⁺ℓ⁻) = g²m/(12π)(1+2r)√(1−4r), r = m_ℓ²/m² (0 below threshold) [energy]."""
    m_l = {"mu": M_MU, "tau": M_TAU}.get(lepton)
    if m_l is None:
        raise UnknownNameError(f"lepton must be 'mu' or 'tau', got {lepton!r}")
    return _fermion_pair(mass, coupling, m_l)


def width_chi(mass, g_chi, m_chi, chi_type="dirac"):
    """Γ(Z′ → χχ̄) [energy]: Dirac g_χ²m/(12π)(1+2r)√(1−4r); complex scalar
    g_χ²m/(48π)(1−4r)^(3/2); r = m_χ²/m² (0 below threshold)."""
    _check_choice("chi_type", chi_type, CHI_TYPES)
    if chi_type == "dirac":
        return _fermion_pair(mass, g_chi, m_chi)
    m = np.asarray(mass, dtype=float)
    r = m_chi**2 / m**2
    return np.where(r < 0.25, g_chi**2 * m / (48.0 * math.pi) * np.clip(1 - 4 * r, 0, None) ** 1.5,
                    0.0)


def _dark_params(mass, g_chi, m_chi):
    g_chi = DEFAULT_G_CHI if g_chi is None else g_chi
    if not (isinstance(g_chi, numbers.Real) and math.isfinite(g_chi) and g_chi >= 0):
        raise InputError(f"g_chi must be finite and >= 0, got {g_chi!r}")
    m_chi = DEFAULT_M_CHI_RATIO * np.asarray(mass, float) if m_chi is None else m_chi
    if not np.all(np.asarray(m_chi) >= 0):
        raise InputError(f"m_chi must be >= 0, got {m_chi!r}")
    return g_chi, m_chi


def total_width(mass, coupling, model="vanilla", g_chi=None, m_chi=None, chi_type="dirac"):
    """Γ_tot [energy]: ν_μ, ν_τ, μμ, ττ, plus χχ̄ for ``model="dark"``."""
    _check_choice("model", model, MODELS)
    mass = _positive("mass", mass, "GeV", GeV)
    g = _coupling(coupling)
    tot = (width_neutrinos(mass, g) + width_leptons(mass, g, "mu")
           + width_leptons(mass, g, "tau"))
    if model == "dark":
        gc, mc = _dark_params(mass, g_chi, m_chi)
        tot = tot + width_chi(mass, gc, mc, chi_type)
    return tot


def branching_invisible(mass, coupling=1e-3, model="vanilla", g_chi=None, m_chi=None,
                        chi_type="dirac"):
    """Br(Z′ → invisible) = (Γ_νν [+ Γ_χχ̄])/Γ_tot (vectorised over mass).

    ``"vanilla"``: only SM final states, invisible = neutrinos; independent of g.
    ``"dark"``: Z′ → χχ̄ added with g_χ (default 5·10⁻², seed 001) and m_χ (default m/3);
    depends weakly on g through Γ_μμ/Γ_χχ̄ ∝ g²/g_χ².

    Example
    -------
    >>> from mucast.units import MeV
    >>> float(branching_invisible(100 * MeV))
    1.0
    """
    _check_choice("model", model, MODELS)
    mass = _positive("mass", mass, "GeV", GeV)
    g = _coupling(coupling)
    # issue 6: widths divided by g² (Γ_χχ̄/g² = Γ_χχ̄(g_χ/g)) and Br = 1 − Γ_vis/Γ_tot, so that
    # no width overflows for extreme g, g_χ (Γ_χχ̄ = inf → Br = 1, the correct limit)
    vis = width_leptons(mass, 1.0, "mu") + width_leptons(mass, 1.0, "tau")
    tot = width_neutrinos(mass, 1.0) + vis
    if model == "dark":
        gc, mc = _dark_params(mass, g_chi, m_chi)
        with np.errstate(over="ignore", invalid="ignore"):
            tot = tot + width_chi(mass, gc / g, mc, chi_type)
    return 1.0 - vis / tot
