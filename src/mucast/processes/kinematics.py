"""Layer 2: kinematics of bremsstrahlung-like emission μN → μN X in the WW approximation.

Seed 000, Eq. (17) (following Liu & Miller, PRD 96 (2017) 016004 and Kirpichnikov et al.,
PRD 104 (2021) 076012): with x = E_X/E_μ the energy fraction of the emitted system of
invariant mass² k², θ its emission angle,

    ũ(θ) = (p − k)² − m_μ² ≃ −E² θ² x − k² (1 − x)/x − m_μ² x,
    t_min = ũ² / (4 E² (1 − x)²),

and ũ runs from ũ_min = ũ(θ_max) to ũ_max = ũ(0). Energies in hepunits.
"""

from __future__ import annotations


from mucast.constants import M_MU


def u_tilde(x, theta, k2, energy, m_lepton=M_MU):
    """ũ(θ) of Eq. (17) of seed 000 [energy²] (small-angle form)."""
    return -(energy**2) * theta**2 * x - k2 * (1.0 - x) / x - m_lepton**2 * x


def u_tilde_limits(x, k2, energy, theta_max, m_lepton=M_MU):
    """(ũ_min, ũ_max) = (ũ(θ_max), ũ(0)) [energy²]; both negative, ũ_min < ũ_max."""
    u_max = -k2 * (1.0 - x) / x - m_lepton**2 * x
    u_min = u_max - energy**2 * theta_max**2 * x
    return u_min, u_max


def t_min(u, x, energy):
    """Minimal photon virtuality t_min = ũ²/(4E²(1−x)²) [energy²], Eq. (18) of seed 000."""
    return u**2 / (4.0 * energy**2 * (1.0 - x) ** 2)


def x_range(k, energy, m_lepton=M_MU):
    """Energy-fraction range (x_lo, x_hi) = (k/E, 1 − m_μ/E) for a system of mass k (Eq. 22)."""
    return k / energy, 1.0 - m_lepton / energy
