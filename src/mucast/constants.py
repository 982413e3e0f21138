"""Layer 0: physical constants, each with its source. Physics modules import them from here
and never retype a number.

All dimensionful values are in hepunits (MeV = 1). Sources:

* masses of leptons: the ``particle`` package (PDG tables shipped with it; the PDG edition
  is recorded in :data:`PDG_SOURCE`);
* α, G_F, sin²θ_W, atomic mass unit, Avogadro: ``scipy.constants`` (CODATA, edition in
  :data:`CODATA_SOURCE`).
"""

from __future__ import annotations

import math

import scipy as _scipy
import scipy.constants as _sc
from particle import Particle as _Particle
import particle as _particle

from mucast.units import GeV, MeV

#: where the lepton masses come from
PDG_SOURCE = f"PDG tables of the particle package {_particle.__version__}"
#: where alpha, G_F, sin^2 theta_W and u come from
CODATA_SOURCE = f"CODATA values shipped with scipy.constants (SciPy {_scipy.__version__})"

#: fine-structure constant at Q^2 = 0 (CODATA) [dimensionless]
ALPHA = _sc.fine_structure
#: value used by the seed papers' tools (DMG4 uses 1/137) -- kept for the "paper" conventions
ALPHA_1_OVER_137 = 1.0 / 137.0

#: Fermi constant G_F [1/energy^2] (CODATA "Fermi coupling constant" in GeV^-2)
G_F = _sc.physical_constants["Fermi coupling constant"][0] / GeV**2
#: v^2 = 1/(sqrt(2) G_F), the normalisation of seed 000, Eq. (2) [energy^2]; v = 246.22 GeV
V2 = 1.0 / (math.sqrt(2.0) * G_F)

#: weak mixing angle sin^2(theta_W), CODATA (on-shell definition 1 - m_W^2/m_Z^2)
SIN2_THETA_W = _sc.physical_constants["weak mixing angle"][0]


def _pdg_mass(pdgid: int) -> float:
    """The PDG mass of a particle [energy] from the particle package (which gives None for a
    particle without a measured mass: refused here rather than passed on)."""
    mass = _Particle.from_pdgid(pdgid).mass
    if mass is None:
        raise RuntimeError(f"the particle package has no mass for PDG id {pdgid}")
    return mass * MeV


#: lepton masses [energy], PDG via the particle package
M_E = _pdg_mass(11)
M_MU = _pdg_mass(13)
M_TAU = _pdg_mass(15)
#: proton mass [energy], PDG via the particle package (per-nucleon √s of fixed-target beams)
M_PROTON = _pdg_mass(2212)
#: charged-pion mass [energy], PDG via the particle package (the hadronic threshold 2m_π±)
M_PI_CHARGED = _pdg_mass(211)
#: ρ(770)⁰ mass [energy], PDG via the particle package (the pion form factor's pole, used only
#: between 2m_π± and the first R-ratio point; mucast.models.hadrons)
M_RHO = _pdg_mass(113)
#: Z mass [energy], PDG via the particle package (where α_s is given)
M_Z = _pdg_mass(23)
#: strong coupling α_s(M_Z) in the MS-bar scheme, 5 flavours: 0.1180 ± 0.0009 (PDG 2024, RPP
#: "Quantum chromodynamics", world average); the perturbative R ratio above the data
#: (mucast.models.hadrons)
ALPHA_S_MZ = 0.1180

# -- cosmology (mucast.cosmology) -------------------------------------------------------------
#: Planck mass M_Pl = √(ħc/G) as an energy (CODATA "Planck mass energy equivalent in GeV")
M_PLANCK = _sc.physical_constants["Planck mass energy equivalent in GeV"][0] * GeV
#: CMB temperature today [K] (Fixsen, ApJ 707 (2009) 916), and as an energy
T_CMB_KELVIN = 2.7255
T_CMB = T_CMB_KELVIN * _sc.physical_constants["Boltzmann constant in eV/K"][0] * 1e-6 * MeV
#: critical density over h², ρ_c/h² = 3 H₁₀₀²/(8πG) with H₁₀₀ = 100 km/s/Mpc (CODATA G, IAU
#: parsec), as an energy density in GeV/cm³ (a plain number: 1.0537e-5)
RHO_CRIT_OVER_H2_GEV_CM3 = (3.0 * (100e3 / (_sc.parsec * 1e6)) ** 2 / (8.0 * math.pi * _sc.G)
                            * _sc.c**2 / _sc.electron_volt / 1e9 / 1e6)
#: dark-matter density Ω_c h² = 0.120 (Planck 2018 VI, A&A 641 (2020) A6, TT,TE,EE+lowE+lensing)
OMEGA_DM_H2_PLANCK2018 = 0.120
#: redshift of matter–radiation equality z_eq = 3387 (Planck 2018 VI, Table 2,
#: TT,TE,EE+lowE+lensing); T_eq = T_CMB(1 + z_eq) ≈ 0.796 eV, where a radiation-dominated
#: Boltzmann equation stops holding
Z_EQ_PLANCK2018 = 3387.0
T_EQ = T_CMB * (1.0 + Z_EQ_PLANCK2018)

#: atomic mass unit u, as an energy (CODATA)
AMU = _sc.physical_constants["atomic mass constant energy equivalent in MeV"][0] * MeV
#: Avogadro's number [1/mol]
N_AVOGADRO = _sc.N_A

#: anomalous magnetic moment inputs quoted in seed 001 (units of 1e-11):
#: a_mu(Exp) = 116 592 059(22) [Muon g-2, PRL 131 (2023) 161802],
#: a_mu(SM) = 116 591 810(43) [Theory Initiative, Phys. Rept. 887 (2020) 1]
A_MU_EXP_SEED001 = (116592059e-11, 22e-11)
A_MU_SM_SEED001 = (116591810e-11, 43e-11)
