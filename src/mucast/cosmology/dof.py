"""Layer 1: Standard-Model effective degrees of freedom g_eff(T), h_eff(T), g_*^{1/2}(T).

Data: ``data/cosmology/sm_dof.dat`` — Saikawa & Shirai, JCAP 08 (2020) 011 (arXiv:2005.03544),
lattice-QCD based equation of state with non-instantaneous neutrino decoupling, 10 keV–1.5·10⁶
GeV; written by ``scripts/make_dof_table.py`` from a hash-checked copy (provenance in
data/cosmology/README.md). Linear interpolation in ln T; below 10 keV the first row (e±
suppressed by e^{−m_e/T} < e^{−51}, the table is flat to six digits there), above the last row
the last row.

g_*^{1/2} = h_eff/√g_eff · (1 + ⅓ d ln h_eff/d ln T) (Gondolo & Gelmini, NPB 360 (1991) 145,
Eq. 3.9): the combination that makes dY/dx exact with H = √(4π³g_eff/45) T²/M_Pl and entropy
conservation.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from mucast._io import data_path
from mucast.constants import M_E, T_CMB
from mucast.units import GeV, MeV, cm3, hbarc

__all__ = ["SMDof", "sm_dof", "t_nu_over_t_gamma"]


class SMDof:
    """The table, temperatures in hepunits (energies)."""

    def __init__(self, path=None):
        if path is None:
            with data_path("cosmology/sm_dof.dat").open("r", encoding="utf-8") as fh:
                tab = np.loadtxt(fh)
        else:
            tab = np.loadtxt(path)
        self.T = tab[:, 0] * GeV
        self.lnT = np.log(self.T)
        self.geff = tab[:, 1]
        self.heff = tab[:, 2]
        self.gstar_half_tab = tab[:, 3]

    def g_eff(self, T):
        return np.interp(np.log(T), self.lnT, self.geff)

    def h_eff(self, T):
        return np.interp(np.log(T), self.lnT, self.heff)

    def gstar_half(self, T):
        return np.interp(np.log(T), self.lnT, self.gstar_half_tab)

    def entropy_density(self, T):
        """s = (2π²/45) h_eff T³ [energy³] (Kolb & Turner Eq. 3.73)."""
        return 2.0 * math.pi**2 / 45.0 * self.h_eff(T) * np.asarray(T) ** 3

    @property
    def s0_per_cm3(self) -> float:
        """Entropy density today [1/cm³], with h_eff(T₀) = 3.931 of the same table (2907.5 cm⁻³
        for T₀ = 2.7255 K; the often quoted 2891.2 uses instantaneous ν decoupling, 0.56% apart)."""
        return float(self.entropy_density(T_CMB)) / hbarc**3 * cm3


@lru_cache(maxsize=1)
def sm_dof() -> SMDof:
    """The shipped table (loaded once)."""
    return SMDof()


@lru_cache(maxsize=1)
def _h_electron_table():
    """(ln z, h_e(z)) on z = m_e/T ∈ [1e-3, 80]: the e± entropy density in units of
    (2π²/45)T³, s = (ρ + P)/T = (4/2π²)T³∫du u²(ε + u²/3ε)/(e^ε + 1), ε = √(u² + z²)
    (g = 4; 7/2 at z → 0, checked in tests)."""
    from scipy.integrate import quad
    zs = np.geomspace(1e-3, 80.0, 160)
    h = []
    for z in zs:
        def f(u, z=z):
            e = math.sqrt(u * u + z * z)
            return u * u * (e + u * u / (3.0 * e)) / (math.exp(e) + 1.0) if e < 700 else 0.0
        val = quad(f, 0.0, z + 60.0, limit=200, epsabs=0.0, epsrel=1e-10)[0]
        h.append(4.0 / (2.0 * math.pi**2) * val / (2.0 * math.pi**2 / 45.0))
    return np.log(zs), np.array(h)


def t_nu_over_t_gamma(T, T_dec=2.0 * MeV):
    """T_ν/T_γ at photon temperature T [energy] for neutrinos decoupled instantaneously at
    T_dec (default 2 MeV): 1 above, and (h_γe(T)/h_γe(T_dec))^{1/3} below (entropy of the γe±
    plasma conserved, h_γe = 2 + h_e(m_e/T)), → (4/11)^{1/3} once e± have annihilated (Kolb &
    Turner §3.4). Instantaneous decoupling and no heating of the neutrinos by anything else:
    an estimate of the neutrino-bath temperature, used to size a doubt."""
    T = np.asarray(T, dtype=float)
    lz, h = _h_electron_table()

    def h_ge(t):
        return 2.0 + np.interp(np.log(M_E / t), lz, h, left=h[0], right=0.0)

    r3 = h_ge(np.minimum(T, T_dec)) / h_ge(np.asarray(T_dec, float))
    return np.where(T >= T_dec, 1.0, np.cbrt(r3))
