"""Layer 2: numerical checks of the exact amplitudes (:mod:`.amplitudes`) and of the WW brackets
they must reproduce: the 2→2 amplitude γμ → μX at the WW point against A_X(x, ũ) of
:func:`mucast.processes.mediators.production.ww_coefficients`; photon-side gauge invariance
(Δ_ν A^ν = 0) for every Γ; the Ward identities k·M_V = 0 and k·M_A = −2m_μ M_γ5.
"""

from __future__ import annotations

import numpy as np

from mucast.constants import M_MU
from mucast.processes.mediators.exact.amplitudes import (
    _LOWER,
    SPINS,
    _contract,
    _pol_from_kin,
    _spin,
    _ww_bracket_letter,
    lepton_amplitudes,
    mdot,
    polarisations,
)
from mucast.processes.mediators.exact.phase_space import phase_space_point


def ww_point(x, u_tilde, m, m_mu=M_MU):
    """γ(q) μ(p) → μ(p') X(k) at the WW point (q² = 0, s̃ = −ũ/(1−x), t₂ = m² + ũx/(1−x)),
    momenta from :func:`mucast.processes.eft.traces.ww_kinematics` (γμ CM frame, energies in the
    unit of the inputs).  Returned in the ``kin`` layout of :func:`lepton_amplitudes` with
    Δ = −q (so p − Δ = p + q) and the two real transverse photon polarisations."""
    from mucast.processes.eft.traces import ww_kinematics

    kk = ww_kinematics(float(x), float(u_tilde), float(m) ** 2, m_mu)
    p, q, pp, k = kk["p"], kk["q"], kk["pp"], kk["k"]
    kin = {"p": p, "k": k, "p_out": pp, "delta": -q,
           "s_tilde": np.asarray(mdot(p + q, p + q) - m_mu**2), "u_tilde": np.asarray(mdot(p - k, p - k) - m_mu**2)}
    # exact invariants (avoid the rounding of the momenta in s̃, ũ)
    kin["s_tilde"] = np.asarray(-u_tilde / (1.0 - x))
    kin["u_tilde"] = np.asarray(float(u_tilde))
    return kin, kk["eps"]


def amplitude_22_bracket(spin, x, u_tilde, m, m_mu=M_MU, minus_g_only=False):
    """¼ Σ_{s, s', photon pol, X pol} |M(γμ → μX)|² at the WW point, e = g = 1 (dimensionless).

    X polarisations: the three physical ones, explicitly (no Ward identity), for V and A;
    none for S, P.  ``minus_g_only`` (V, A): replace the X polarisation sum by −g_αβ.
    This is the independent numerical evaluation that :func:`ww_bracket` must reproduce."""
    spin = _spin(spin)
    kin, eps_gamma = ww_point(x, u_tilde, m, m_mu)
    tot = 0.0
    for eg in eps_gamma:
        M = lepton_amplitudes(spin, kin, eg)
        if spin in ("S", "P"):
            tot += float(np.sum(np.abs(M) ** 2))
        elif minus_g_only:
            tot += float(np.real(-np.sum(M * np.conj(M) * _LOWER)))
        else:
            eps = polarisations(kin["k"])
            tot += float(np.sum(np.abs(_contract(eps, M)) ** 2))
    return 0.25 * tot


def check_ww_brackets(spins=SPINS, masses=(1.0, 10.0, 100.0, 1000.0, 3000.0),
                      xs=(0.05, 0.3, 0.7, 0.95, 0.999), u_scale=(1.001, 3.0, 30.0, 1e3, 1e5)):
    """Check (d): the 2→2 amplitude at the WW point against the WW bracket A_X(x, ũ).

    Grid: m [MeV], x, ũ = −scale·ũ₀ with ũ₀ = m²(1−x)/x + m_μ²x (θ = 0).  Returns
    {spin: max |A_num/A_formula − 1|} with A_num = :func:`amplitude_22_bracket` (double
    precision, three explicit X polarisations), and for A also "A_minus_g+goldstone": the same
    with the X polarisation sum written as −g_αβ plus (4m_μ²/m²)·A_P, i.e. using the verified
    axial Ward identity (free of the ε_L ~ ω/m cancellation of the explicit form)."""
    out = {}
    for spin in spins:
        worst = worst_w = 0.0
        for m in masses:
            for x in xs:
                u0 = m * m * (1 - x) / x + M_MU**2 * x
                for sc in u_scale:
                    u = -sc * u0
                    try:
                        num = amplitude_22_bracket(spin, x, u, m)
                    except ValueError:
                        continue
                    ana = float(_ww_bracket_letter(_spin(spin), x, u, m * m))
                    worst = max(worst, abs(num / ana - 1.0))
                    if spin == "A":
                        alt = amplitude_22_bracket("A", x, u, m, minus_g_only=True) + \
                            4.0 * M_MU**2 / m**2 * amplitude_22_bracket("P", x, u, m)
                        worst_w = max(worst_w, abs(alt / ana - 1.0))
        out[spin] = worst
        if spin == "A":
            out["A_minus_g+goldstone"] = worst_w
    return out


def check_gauge_invariance(spin, x, theta, t, phi, m, E, nucleus_mass):
    """Photon side: the nuclear current J replaced by Δ must give Δ_ν A^ν = 0.
    Returns max over spins/components of |D₁ + D₂|/(|D₁| + |D₂|) (D_i the two diagrams)."""
    kin = phase_space_point(x, theta, t, phi, m, E, nucleus_mass)
    d1, d2 = lepton_amplitudes(spin, kin, kin["delta"], split=True)
    if spin in ("V", "A"):
        eps = _pol_from_kin(kin, m)
        d1, d2 = _contract(eps, d1), _contract(eps, d2)
    r = np.abs(d1 + d2) / (np.abs(d1) + np.abs(d2))
    return r.reshape(r.shape[: np.ndim(kin["t"])] + (-1,)).max(-1)


def check_ward_identities(x, theta, t, phi, m, E, nucleus_mass):
    """X side.  Returns (r_V, r_A):

    r_V = |k·M_V| / (|k·D₁| + |k·D₂|)                (k_α M_V^α = 0),
    r_A = |k·M_A + 2m_μ M_{γ⁵}| / (|k·D₁^A| + |k·D₂^A|)   (k_α M_A^α = −2m_μ M_{γ⁵}),

    max over the spins (s, s'), with the nuclear current J.  M_{γ⁵} is the amplitude with vertex
    γ⁵ (the "P" amplitude of :func:`lepton_amplitudes`, i.e. M_P = i M_{γ⁵})."""
    kin = phase_space_point(x, theta, t, phi, m, E, nucleus_mass)
    J, k = kin["J"], kin["k"][..., None, None, :]
    v1, v2 = lepton_amplitudes("V", kin, J, split=True)
    kv1, kv2 = mdot(k, v1), mdot(k, v2)
    rV = np.abs(kv1 + kv2) / (np.abs(kv1) + np.abs(kv2))
    a1, a2 = lepton_amplitudes("A", kin, J, split=True)
    ka1, ka2 = mdot(k, a1), mdot(k, a2)
    mp = lepton_amplitudes("P", kin, J)
    rA = np.abs(ka1 + ka2 + 2.0 * M_MU * mp) / (np.abs(ka1) + np.abs(ka2))
    nd = np.ndim(kin["t"])
    return (rV.reshape(rV.shape[:nd] + (-1,)).max(-1), rA.reshape(rA.shape[:nd] + (-1,)).max(-1))
