"""Layer 3: where the relic solver holds, and what it says outside (docs/relic.md, "Domain";
issue 16 §6). Each rule either warns with the measured or estimated size of its doubt or
refuses in one line (KinematicsError):

* late annihilation near a mediator pole (the measured change of Ωh² when the integration stops
  at x_end/10: kinetic decoupling, not modelled, decides that part);
* a wide mediator, Γ_X/m_X > 0.3 (running-width Breit–Wigner, tree level);
* light dark matter, BBN and N_eff (Sabti, Alvey, Escudero, Fairbairn, Blas, JCAP 01 (2020)
  004, at 2σ): m_χ < 0.4 MeV is excluded by BBN alone for any spin, s- or p-wave and final
  state; 0.4 MeV ≤ m_χ < 3.7 MeV is excluded by BBN + CMB where the dark matter annihilates into
  electrons only or neutrinos only — decided from the model's channels open at freeze-out
  (:func:`final_state`), said as undecided for a mixed or unknown final state; freeze-out below
  the d.o.f. table;
* a neutrino-only bath after ν decoupling (T_ν < T_γ once e± annihilate): Ωh² recomputed with
  T_ν/T_γ from entropy conservation, the change is the stated doubt;
* χχ → XX: for m_X < m_χ (Dirac, vector mediator) the leading s-wave at rest (Pospelov, Ritz,
  Voloshin 2008), whose thermal phase-space change at x_f is the stated doubt; for m_X ≥ m_χ the
  "forbidden" channel, open in the thermal tail (Griest & Seckel, PRD 43 (1991) 3191), is not
  modelled: its size is estimated by detailed balance, ⟨σv⟩ ≈ (πα_χ²/m_χ²)(g_X/g_χ)²(m_X/m_χ)³
  e^{−2(m_X − m_χ)/T} (the natural scale of χχ̄ ↔ XX times the equilibrium ratio (n_X/n_χ)²);
  both are sized by solving again with the unmodelled part added: refused above a 10% change of
  Ωh², said above 0.1%.
"""

from __future__ import annotations

import math

import numpy as np

from mucast.constants import T_EQ
from mucast.cosmology import annihilation as _ann
from mucast.cosmology.dof import sm_dof
from mucast.exceptions import KinematicsError
from mucast.units import MeV, eV, keV

__all__ = ["BBN_ANY", "BBN_CMB", "bath_warning", "domain_warnings", "final_state",
           "light_warnings", "needs_bath_check", "xx_channel", "xx_extra", "forbidden_xx_estimate"]

_T_NU_DEC = 2.0 * MeV           # neutrino decoupling (weak rates ~ H), the usual estimate
#: Sabti, Alvey, Escudero, Fairbairn, Blas, JCAP 01 (2020) 004 (arXiv:1910.01649), 2σ: BBN alone
#: excludes thermal dark matter below 0.4 MeV for any spin, number of states, s- or p-wave and
#: final state; BBN + CMB (Planck) below 3.7 MeV for purely electrophilic and neutrinophilic
#: species (their addendum, arXiv:2107.11232: unchanged for neutrinophilic ones, electrophilic
#: ones "can vary moderately" with the new d(p,γ)³He rate)
BBN_ANY = 0.4 * MeV
BBN_CMB = 3.7 * MeV
_SABTI = "Sabti et al., JCAP 01 (2020) 004"
_WIDE = 0.3                     # Γ_X/m_X above which the mediator is called wide
_STOP_WARN = 1e-3               # a measured doubt above this is said (targets: rtol 1e-4 in Ωh²)
_XX_REFUSE = 0.1                # χχ → XX changing Ωh² by more than this (estimated): refused


def domain_warnings(model, ann, mX, g, res, extra_width=0.0, bath_check=None) -> list:
    """The warnings of one Ωh² (docs/relic.md, "Domain"): late annihilation (the measured
    ``stop_sensitivity``; a pole at threshold followed to matter–radiation equality); no
    freeze-out found; a wide mediator (Γ_X/m_X > 0.3 at this coupling); dark matter below
    1 MeV (BBN/CMB bounds, the d.o.f. table's end); a neutrino-only bath after ν decoupling,
    with the measured change of Ωh² for T_ν = (4/11)^{1/3}T_γ (``bath_check``: that Ωh²)."""
    out = []
    m1 = ann.m1
    S = res.stop_sensitivity
    if abs(S) > _STOP_WARN and res.x_end > 1000.0:
        msg = (f"Omega h^2 depends on where annihilation stops (mediator pole near threshold,"
               f" m_X/(m1 + m2) = {mX / (ann.m1 + ann.m2):.6g}): stopping at x ="
               f" {res.x_early:.3g}"
               f" instead of x = {res.x_end:.3g} changes it by {S:+.2%}; annihilation after"
               " freeze-out near the pole depends on kinetic decoupling, which is not modelled"
               " (kinetic equilibrium assumed)")
        if not res.tail:
            msg += (f"; followed to matter-radiation equality (T = {T_EQ / eV:.2f} eV,"
                    f" x = {res.x_end:.3g}) and stopped there, while <sigma v> still grows")
        out.append(msg)
    if not math.isfinite(res.x_f):
        out.append(f"no freeze-out found: Y stays within 2 Y_eq up to x = {res.x_end:.3g}")
    gam = float(_ann.total_width(mX, ann, g, extra_width))
    if gam > _WIDE * mX:
        out.append(f"wide mediator: Gamma_X/m_X = {gam / mX:.2f} > {_WIDE} at this coupling"
                   f" (g_chi = {ann.g_chi:.4g}): the running-width Breit-Wigner and the"
                   " tree-level (perturbative) treatment are doubtful")
    t_f = m1 / res.x_f if math.isfinite(res.x_f) else None
    out += light_warnings(m1, final_state(ann), t_f)
    d = bath_check / res.omega_h2 - 1.0 if bath_check is not None and res.omega_h2 > 0 else 0.0
    if abs(d) > _STOP_WARN:
        out.append(bath_warning(t_f, d, "into neutrinos only"))
    return out


def bath_warning(t_f, d, what, sigmav=False) -> str:
    """The warning of a freeze-out after ν decoupling into neutrinos (``what``: "into
    neutrinos only", or the condition under which it holds) with the measured change ``d`` of
    Ωh² for a bath at T_ν, and what it means for a coupling target (Ω ∝ g⁻²) or, ``sigmav``,
    for the ⟨σv⟩ needed (Ω ∝ 1/⟨σv⟩)."""
    at = f"T = {t_f / MeV:.3g} MeV" if t_f is not None else "an undetermined T"
    means = (f"the <sigma v> needed by about {d:+.1%}" if sigmav else
             f"a coupling target by about {math.sqrt(1.0 / (1.0 + d)) - 1.0:+.1%}")
    return (f"freeze-out at {at}, after neutrino decoupling (~{_T_NU_DEC / MeV:g} MeV), {what}:"
            " the dark matter's bath is the neutrinos, colder than the photons once e+e-"
            " annihilate, while the solver uses T_gamma; with T_nu/T_gamma from entropy"
            f" conservation (-> (4/11)^(1/3)) Omega h^2 changes by {d:+.1%} ({means}): the size"
            " of this doubt; the heating of the neutrinos by the dark matter (N_eff) is not"
            " included")


def final_state(ann) -> tuple:
    """(kind, text): what the dark matter annihilates into at freeze-out, from the model's
    lepton channels open at threshold (2 m_f < m1 + m2); where none is open, the lightest
    channel, reached only in the thermal tail. kind: "neutrinos" or "electrons" (only those:
    the BBN + CMB bound of Sabti et al. applies), "mixed" (electrons and neutrinos), "other"
    (heavier leptons, through the tail only), "none" (no channel at all)."""
    chans = list(ann.channels)
    if not chans:
        return "none", "no final state"
    open_ = [ch for ch in chans if 2.0 * ch.mass < ann.m1 + ann.m2]
    tail = not open_
    if tail:
        lightest = min(ch.mass for ch in chans)
        open_ = [ch for ch in chans if ch.mass == lightest]
    names = sorted({ch.name for ch in open_})
    nu = all(n.startswith("nu") for n in names)
    el = all(n == "e" for n in names)
    kind = ("neutrinos" if nu else "electrons" if el else
            "mixed" if set(names) <= {"e", "nu_e", "nu_mu", "nu_tau"} else "other")
    text = {"neutrinos": "neutrinos only", "electrons": "electrons only"}.get(
        kind, "+".join(names))
    if tail:
        text += " (closed at rest: only in the thermal tail)"
    return kind, text


def light_warnings(m1, final=None, t_f=None) -> list:
    """The BBN / BBN + CMB statement for dark matter of mass ``m1`` [energy] (Sabti et al.,
    module doc) given its final state (:func:`final_state`; None where there is none, a
    constant ⟨σv⟩), and where freeze-out at ``t_f`` lies below the d.o.f. table."""
    if m1 >= BBN_CMB:
        return []
    m = f"m_chi = {m1 / MeV:.3g} MeV"
    kind, text = final if final is not None else (None, "")
    if m1 < BBN_ANY:
        msg = (f"{m} < {BBN_ANY / MeV:g} MeV: thermal dark matter this light is excluded by BBN"
               f" alone (m_chi > {BBN_ANY / MeV:g} MeV at 2 sigma for any spin, s- or p-wave and"
               f" any final state; {_SABTI}); N_eff is not computed here")
    elif kind in ("neutrinos", "electrons"):
        phil = "neutrinophilic" if kind == "neutrinos" else "electrophilic"
        msg = (f"{m} < {BBN_CMB / MeV:g} MeV with annihilation into {text} at freeze-out:"
               f" excluded by BBN + CMB for purely {phil} thermal dark matter (m_chi >"
               f" {BBN_CMB / MeV:g} MeV at 2 sigma; {_SABTI}); BBN alone allows m_chi >"
               f" {BBN_ANY / MeV:g} MeV; N_eff is not computed here")
    else:
        what = (f"this dark matter annihilates into {text}" if kind is not None else
                "a constant <sigma v> has no final state")
        msg = (f"{m} < {BBN_CMB / MeV:g} MeV: BBN + CMB exclude thermal dark matter below"
               f" {BBN_CMB / MeV:g} MeV (2 sigma) where it annihilates into electrons only or"
               f" neutrinos only ({_SABTI}); {what}, and whether a bound applies is not computed"
               f" here (N_eff is not computed); BBN alone allows m_chi > {BBN_ANY / MeV:g} MeV")
    if t_f is not None and t_f < sm_dof().T[0]:
        msg += (f"; freeze-out at T = {t_f / keV:.3g} keV lies below the d.o.f. table"
                f" ({sm_dof().T[0] / keV:.3g} keV), held at its first row (photons and"
                " 3 neutrinos, exact once e+e- have annihilated)")
    return [msg]


def needs_bath_check(ann, res):
    """Freeze-out after ν decoupling with only neutrino final states open at threshold."""
    if not math.isfinite(res.x_f) or ann.m1 / res.x_f >= _T_NU_DEC:
        return False
    open_ = [ch for ch in ann.channels if 2.0 * ch.mass < ann.m1 + ann.m2]
    return bool(open_) and all(ch.mass == 0.0 for ch in open_)


#: internal states: the mediator (spin 1: 3, spin 0: 1) and one dark-matter particle
_G_X = {"vector": 3.0, "axial": 3.0, "scalar": 1.0, "pseudoscalar": 1.0}
_G_CHI = {"scalar": 1.0, "dirac": 2.0, "majorana": 2.0, "pseudo-dirac": 2.0}


def forbidden_xx_estimate(ann, mX, x):
    """The estimated ⟨σv⟩(χχ → XX) [1/energy²] at x = m_χ/T for m_X ≥ m_χ (module doc)."""
    m = ann.m1
    r = mX / m
    a = ann.g_chi**2 / (4.0 * math.pi)
    boltz = math.exp(-2.0 * (r - 1.0) * x) if (r - 1.0) * x < 350.0 else 0.0
    return math.pi * a * a / (m * m) * (_G_X[ann.spin] / _G_CHI[ann.dm]) ** 2 * r**3 * boltz


def xx_extra(ann, mX):
    """``f(x) -> ⟨σv⟩_eff`` [1/energy²] of the part of χχ → XX that is not modelled, to be added
    in a second solve that measures its effect (None where there is none): for m_X ≥ m_χ the
    forbidden channel (:func:`forbidden_xx_estimate`, times κ of the species count); for
    m_X < m_χ (Dirac, vector) the thermal enlargement of the at-rest s-wave's phase space,
    (p_X²(T)/p_X²(0))^{3/2} − 1 with p_X² = m²(1 − r² + 3/x) (⟨s⟩ ≈ 4m² + 12mT)."""
    m = ann.m1
    r = mX / m
    kappa = 1.0 if ann.dm == "majorana" else 0.5
    if r >= 1.0:
        def f(x):
            return kappa * np.array([forbidden_xx_estimate(ann, mX, float(v)) for v in x])
        return f
    if ann.dm == "dirac" and ann.spin == "vector":
        sv0 = kappa * _ann.sigmav_dirac_to_XX(m, mX, ann.g_chi)

        def f(x):
            return sv0 * ((1.0 + 3.0 / (np.asarray(x) * (1.0 - r * r))) ** 1.5 - 1.0)
        return f
    return None


def xx_channel(ann, mX, res, omega_alt) -> list:
    """Warnings (or a KinematicsError) for χχ → XX from the measured change of Ωh² when the
    unmodelled part (:func:`xx_extra`) is added: refused above 10% (the estimate itself is
    uncertain by a factor of a few), said above 0.1%."""
    if not res.omega_h2 > 0:
        return []
    d = omega_alt / res.omega_h2 - 1.0
    r = mX / ann.m1
    if r >= 1.0:
        what = (f"m_X/m_chi = {r:.4g}: chi chi -> X X, closed at rest, is open in the thermal"
                " tail (forbidden annihilation, Griest-Seckel 1991) and not modelled; with its"
                " estimated rate (detailed balance, natural size pi alpha_chi^2/m_chi^2)"
                f" Omega h^2 changes by {d:+.2%}")
    else:
        what = ("chi chi -> X X is taken at rest (leading s-wave, Pospelov-Ritz-Voloshin); with"
                " the thermal enlargement of its phase space at freeze-out Omega h^2 changes by"
                f" {d:+.2%}")
    if abs(d) > _XX_REFUSE:
        raise KinematicsError(what + f": refused (above {_XX_REFUSE:.0%});"
                              + (" raise m_X/m_chi or lower g_chi" if r >= 1.0 else
                                 " lower m_X/m_chi or g_chi"))
    if abs(d) > _STOP_WARN:
        return [what + ": the size of this doubt"]
    return []
