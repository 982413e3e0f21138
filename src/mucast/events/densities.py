"""Layer 3: the differential cross sections the sampler draws from — dσ/dx dũ (mediator X of any spin) and
dσ/dx dk² dũ (EFT pair), point by point, from the same ũ integrands as the quadrature
(mucast.processes.mediators.production, mucast.processes.eft.production).
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import M_MU
from mucast.processes.flux import photon_flux
from mucast.processes.kinematics import t_min as _t_min
from mucast.processes.eft import production as _eft
from mucast.processes.mediators import production as _mprod



# ----------------------------------------------------------------------------------------------
# the densities (natural units; hepunits energies)
# ----------------------------------------------------------------------------------------------
def _x_hi(energy):
    return 1.0 - M_MU / energy


def _s_limits(x, k2, energy, theta_max):
    u_max = -k2 * (1.0 - x) / x - M_MU**2 * x
    u_min = u_max - energy**2 * theta_max**2 * x
    return np.log(-u_max), np.log(-u_min)


def _pointwise_I(x, k2, au, energy, target, t_max_choice):
    """The ũ-integrands of eft._u_integrals at one point: χ(−1)^(n+1)|ũ|^(−n), n = 0..3."""
    tmn = _t_min(au, x, energy)
    tmx = energy**2 if t_max_choice == "E2" else M_MU**2 + k2
    chi = photon_flux(tmn, tmx, target.Z, target.t_a, target.t_d)
    inv = 1.0 / au
    return np.stack([-chi, chi * inv, -chi * inv**2, chi * inv**3])


def _map_xs(k, z, w, energy, theta_max):
    """(k, z, w) → (x, s = ln|ũ|) and the Jacobian (x_hi − x_lo)(s_hi − s_lo)."""
    x_lo = k / energy
    dx = _x_hi(energy) - x_lo
    x = x_lo + z * dx
    s_lo, s_hi = _s_limits(x, k * k, energy, theta_max)
    return x, s_lo + w * (s_hi - s_lo), dx * (s_hi - s_lo)


def _zprime_density_xs(x, s, m, energy, target, alpha, t_max, spin="vector"):
    """dσ/(g² dx ds) for a mediator of the given spin [natural units, 1/energy²], s = ln(−ũ):
    the integrand of production._ww_u_bracket before the ũ integral, U = J·I₁ + a(x I₂ + w I₃)
    with (J, a) = production.ww_coefficients(spin, x, m²) (DMG4 / Liu & Miller; module doc of
    mucast.processes.mediators.production)."""
    m2 = m * m
    au = np.exp(s)
    I = _pointwise_I(x, m2, au, energy, target, t_max)
    wq = m2 * (1.0 - x) + M_MU**2 * x * x
    if spin == "vector":   # the 0.2 expression, kept literally (tests/regression pins the events)
        a = m2 + 2.0 * M_MU**2
        U = 2.0 * (2.0 - 2.0 * x + x * x) / (1.0 - x) * I[1] + 4.0 * a * (x * I[2] + wq * I[3])
    else:
        J, a = _mprod.ww_coefficients(spin, x, m2)
        U = J * I[1] + a * (x * I[2] + wq * I[3])
    kin = (1.0 - x) / x * np.sqrt(np.maximum(x * x - m2 / energy**2, 0.0))
    return alpha**2 / (4.0 * math.pi) * kin * U


def _eft_group_densities(model, conv, x, k, s, energy, target):
    """dσ/dx dk² ds per incoherent group of channels (dict key → array), natural units."""
    k2 = k * k
    au = np.exp(s)
    I = _pointwise_I(x, k2, au, energy, target, conv.t_max)
    kin = (1.0 - x) / x * np.sqrt(np.maximum(x * x - k2 / energy**2, 0.0))
    out = {}
    for key, chans in _channel_groups(model, conv).items():
        tot = np.zeros_like(x)
        for ch in chans:
            above = k > ch.threshold
            if not np.any(above):
                continue
            kc = np.where(above, k, 2.0 * ch.threshold + 1.0)
            beta = np.where(above, _eft.beta_factor(ch.structure, kc, model.m_N, conv), 0.0)
            csum = np.zeros_like(x)
            for ffun, cfun in _eft._terms(ch.structure, conv, model.n_type):
                csum += _eft.mass_factor(ffun, kc, model.m_N) * _eft._combine(cfun, x, k2, I)
            tot += ch.weight * beta * csum
        out[key] = _eft._prefactor(conv) * kin * tot
    return out


def _channel_groups(model, conv):
    """Channels grouped by final state: per neutrino flavour α = e, μ, τ the V and A channels of
    (ν̄_α γ P_L ν_α)(μ̄ γ (ε^V − ε^A γ⁵) μ) interfere in the angles and share a final state (key
    'e', 'mu' or 'tau'), whatever names carry them (SMEFT ll/le, WET VnueLL/VnueLR: they add in
    :meth:`mucast.models.eft.EFTModel.wet`); a νSMEFT operator is its own group. The order is
    that of :meth:`~mucast.models.eft.EFTModel.channels`."""
    groups: dict = {}
    chans = model.channels(conv)
    i = 0
    from mucast.models.eft import LFV_PAIRS
    for alpha in ("e", "mu", "tau") + tuple(LFV_PAIRS):     # the order of EFTModel.channels
        eps_v, eps_a = _smeft_eps(model, conv, alpha)
        n = int(bool(eps_v)) + int(bool(eps_a))
        if n:
            groups[alpha] = chans[i:i + n]
            i += n
    for ch in chans[i:]:
        groups[ch.structure] = [ch]
    return groups


def _smeft_eps(model, conv, alpha):
    """(ε^V, ε^A) [1/energy²] of the flavour ``alpha`` (e, mu, tau): seed 000 Eq. (3) with
    ε^V = −(V_LL + V_LR)/2, ε^A = −(V_LL − V_LR)/2 from the tree-level JMS coefficients (the
    channels of EFTModel.channels; SMEFT Eq. (8) when only ll/le are given)."""
    vll, vlr = model.wet(alpha, conv)
    return -0.5 * (vll + vlr), -0.5 * (vll - vlr)
