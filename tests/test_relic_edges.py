"""Relic targets at the edges (issue 16 §6, issue 17): the mediator pole at threshold against an
independent brute-force thermal average, late annihilation, light and wide cases, no traceback
for any input. Each test names the failure it would have caught."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from scipy.integrate import IntegrationWarning, quad
from scipy.special import kve

from mucast.constants import M_MU, M_TAU
from mucast.cosmology import relic, thermal
from mucast.units import GeV

MMU, MTAU = M_MU / GeV, M_TAU / GeV


# ------------------------------------------------------------------ independent brute force
def _sigma_lambda(delta, dm, m1, m2, M, g, gchi, e=None):
    """σ·λ [GeV²] for L_μ−L_τ with a vector mediator at √s = m₁ + m₂ + δ, written from the
    textbook closed forms (test_relic.test_sigma_closed_forms) with every kinematic difference
    formed from δ: ds = s − (m₁+m₂)² = δ(2E₀ + δ), λ = ds(ds + 4m₁m₂), s − M² = ds + E₀² − M².
    Running width: SM g²√sF/12π, dark g_χ²√sβ³/48π (complex scalar), g_χ²√sβ³/24π (Majorana),
    g_χ²K_V√λ/(12πs^{5/2}) (Dirac, pseudo-Dirac). Near the pole ``e`` = √s − M exactly, and
    s − M² = e(√s + M) (a narrow pole's |s − M²| is ~1e-11 of s − (m₁+m₂)²)."""
    E0 = m1 + m2
    ds = delta * (2 * E0 + delta)
    s = E0 * E0 + ds
    lam = ds * (ds + 4 * m1 * m2)
    rs = math.sqrt(s)
    F = 1.0 + sum(math.sqrt(1 - 4 * ml * ml / s) * (1 + 2 * ml * ml / s)
                  for ml in (MMU, MTAU) if 4 * ml * ml < s)
    gsm = g * g * rs * F / (12 * math.pi)
    b2 = ds / s                                   # β² (m₁ = m₂ for these types)
    if dm in ("scalar", "majorana"):
        gdm = gchi**2 * rs * b2**1.5 / (48 * math.pi if dm == "scalar" else 24 * math.pi)
        num = gchi**2 * g * g * F * s * math.sqrt(b2) / (12 * math.pi)
    else:
        kv = s * s - 0.5 * s * (m1 * m1 + m2 * m2) - 0.5 * (m1 * m1 - m2 * m2) ** 2 \
            + 3 * s * m1 * m2
        gdm = gchi**2 * kv * math.sqrt(lam) / (12 * math.pi * s**2.5)
        num = gchi**2 * g * g * F * kv / (12 * math.pi * math.sqrt(lam))
    smm = ds + (E0 - M) * (E0 + M) if e is None else e * (E0 + delta + M)
    return num / (smm * smm + s * (gsm + gdm) ** 2) * lam


def sv_bruteforce(x, dm, m, ratio, g, gchi, split=0.1):
    """⟨σv⟩_eff [GeV⁻²]: Gondolo–Gelmini, scipy quad in ln δ (δ = √s − m₁ − m₂) with a breakpoint
    every decade from 10⁻⁴⁰(m₁+m₂) (so every scale of a pole at threshold is a panel edge within
    a factor 10); a pole above threshold: [δ_p/2, 3δ_p/2] in e = δ − δ_p, 80 breakpoints graded
    geometrically from 1e-14 δ_p on each side."""
    m1 = m
    m2 = m * (1 + split) if dm == "pseudo-dirac" else m
    E0, T, M = m1 + m2, m1 / x, ratio * m
    if abs(M - E0) <= 4 * np.finfo(float).eps * E0:
        M = E0                                     # "exactly at threshold"
    dp = M - E0

    def f(v):
        d = math.exp(v)
        return d * _sigma_lambda(d, dm, m1, m2, M, g, gchi) * kve(1, (E0 + d) / T) \
            * math.exp(-d / T)

    def fe(e):
        d = dp + e
        return _sigma_lambda(d, dm, m1, m2, M, g, gchi, e) * kve(1, (E0 + d) / T) \
            * math.exp(-d / T)

    top = math.log(max(dp, 0.0) + 80 * T)
    pts = {math.log(E0) + k * math.log(10.0) for k in range(-40, 3)}
    I = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IntegrationWarning)   # round-off reports at 1e-11
        if dp > 0:
            ks = [0.0, *np.geomspace(1e-14 * dp, 0.5 * dp, 80)]
            for a, b in zip(ks[:-1], ks[1:], strict=True):
                I += quad(fe, a, b, limit=200, epsrel=1e-11, epsabs=0)[0] \
                    + quad(fe, -b, -a, limit=200, epsrel=1e-11, epsabs=0)[0]
            lo, hi = math.log(0.5 * dp), math.log(1.5 * dp)
            pts = {p for p in pts if not lo < p < hi} | {lo, hi}
        pts = sorted(p for p in pts | {top} if p <= top)
        I += sum(quad(f, a, b, limit=200, epsrel=1e-11, epsabs=0)[0]
                 for a, b in zip(pts[:-1], pts[1:], strict=True)
                 if not (dp > 0 and a >= math.log(0.5 * dp) and b <= math.log(1.5 * dp)))
    k1, k2 = kve(2, m1 / T), kve(2, m2 / T)
    if dm == "pseudo-dirac":
        eD = math.exp(-(m2 - m1) / T)
        den = 2 * m1 * m1 * k1 + 2 * m2 * m2 * k2 * eD
        r1, r2 = 2 * m1 * m1 * k1 / den, 2 * m2 * m2 * k2 * eD / den
        return 2 * r1 * r2 * 2 * I / (8 * m1 * m1 * m2 * m2 * T * k1 * k2)
    return {"scalar": 0.5, "majorana": 1.0, "dirac": 0.5}[dm] * 2 * I / (8 * m1**4 * T * k1 * k2)


def _mucast_sv(dm, m, ratio, g, gchi, xs, g_nodes=None):
    _, ann, mX, _ = relic._setup("lmu-ltau", dm, m * GeV, ratio, gchi,
                                  0.1 if dm == "pseudo-dirac" else None)
    return relic.ThermalAverage(ann, mX, np.asarray(xs, float), g_nodes or g)(g) * GeV**2


# Tolerance 1e-6: targets are quoted to 1e-4 in Ωh²; measured ≤ 5e-7 over 500 random points
# (ratio 2 ± 1e-9…0.5, g 1e-11–1e-2, g_χ 1e-3–3.5, m 0.3 MeV–1.6 GeV, all four types).
_POLE_CASES = [
    # the cases: Dirac on the pole, g_χ = 2.51 at 0.1 GeV across the old ×640 jump
    ("dirac", 0.1, 2.0, 4.0e-7, 2.51), ("dirac", 0.1, 2.0, 5.0e-7, 2.51),
    # ... and g_χ = 0.05 at 10 MeV (was 11–49× too small)
    ("dirac", 0.01, 2.0, 1e-9, 0.05), ("dirac", 0.01, 2.0, 1e-7, 0.05),
    # pseudo-Dirac at its own threshold m_X = m₁ + m₂ = 2.1 m₁
    ("pseudo-dirac", 0.1, 2.1, 1e-7, 2.51), ("pseudo-dirac", 0.01, 2.1, 1e-9, 0.05),
    # p-wave types on the pole; a pole 1e-9 above threshold, Γ/M ~ 1e-16 (the arctan map lost
    # 0.06 of a panel's weight in θ within an ulp of π/2)
    ("scalar", 0.01, 2.0, 1e-8, 0.05), ("majorana", 0.02312, 2.0 + 1.4e-9, 3.71e-9, 0.448),
    # a broad threshold pole, γ* ≫ the thermal range (g_χ = 3.3: Γ_χ ∝ β dominates)
    ("dirac", 0.157, 2.0 + 1.4e-8, 4.95e-3, 3.29),
    # just below threshold, and 3 half widths above it (arctan panels vs the running width)
    ("dirac", 0.0084, 2.0 - 7.5e-5, 3.9e-8, 2.27), ("dirac", 0.583, 2.0 + 1.5e-8, 6.3e-10, 0.0295),
    # Γ/(M − 2m) = 1e-11: s − M² from √s − M (the difference of two close numbers left 1e-5)
    ("scalar", 0.013282, 2.0 + 4.5713e-7, 8.643e-9, 1.09e-3),
    # a muon threshold 3.7e-4 below a base breakpoint (left 2e-5 on the next panel)
    ("majorana", 0.09605629566280613, 2.0 + 2.29e-9, 1.0739e-5, 2.859),
]


@pytest.mark.parametrize("dm,m,ratio,g,gchi", _POLE_CASES)
def test_thermal_average_at_threshold_pole_vs_bruteforce(dm, m, ratio, g, gchi):
    xs = [2.0, 20.0, 100.0, 1e3, 1e4]
    a = _mucast_sv(dm, m, ratio, g, gchi, xs)
    b = np.array([sv_bruteforce(x, dm, m, ratio, g, gchi) for x in xs])
    ok = b > 1e-300                       # pseudo-Dirac: 2r₁r₂ underflows to 0 at x ≳ 1e4
    assert np.all(a[~ok] == 0.0)
    assert np.max(np.abs(a[ok] / b[ok] - 1)) < 1e-6


def test_threshold_pole_no_jump_in_g():
    """The old rule jumped ×640 between g = 4e-7 and 5e-7 (Dirac, m_χ = 0.1 GeV, g_χ = 2.51, on
    the pole): the dark width Γ_χ ∝ β sets the pole's shape there, so ⟨σv⟩ ∝ g² to < 1%."""
    xs = [20.0, 1e3]
    lo, hi = (_mucast_sv("dirac", 0.1, 2.0, g, 2.51, xs) for g in (4e-7, 5e-7))
    assert np.allclose(hi / lo, (5 / 4) ** 2, rtol=1e-2)


def test_node_layout_shared_by_nearby_couplings():
    """Nodes laid out for g_nodes integrate any g within the rounding (to a power of 2: √2
    either side) as accurately: both against the brute force to 1e-6."""
    for dm, m, ratio, g, gchi in (_POLE_CASES[0], _POLE_CASES[3], _POLE_CASES[7]):
        for f in (2**0.5, 2**-0.5):
            a = _mucast_sv(dm, m, ratio, g, gchi, [20.0], g_nodes=g * f)
            assert a[0] == pytest.approx(sv_bruteforce(20.0, dm, m, ratio, g, gchi), rel=1e-6)


def test_late_time_average_is_finite():
    """scipy's kve is NaN above z ≈ 1.07e9 (reached at x ~ 5e8 on a threshold pole, E/T ≈ 2x):
    the asymptotic series takes over above z = 1e6. Against the brute force at x = 5e8 (its
    scipy K₁ is still finite there), finite up to x = 1e11, and the series = scipy to 1e-14."""
    a = _mucast_sv("dirac", 0.01, 2.0, 1e-8, 0.05, [5e8, 1e9, 1e11])
    assert np.all(np.isfinite(a)) and np.all(a > 0)
    assert a[0] == pytest.approx(sv_bruteforce(5e8, "dirac", 0.01, 2.0, 1e-8, 0.05), rel=1e-6)
    z = np.array([1e6 * (1 + 1e-9), 3e6, 1e8])
    for n in (1, 2):
        from scipy.special import kve as scipy_kve
        assert np.allclose(thermal.kve(n, z), scipy_kve(n, z), rtol=1e-14, atol=0)


# ------------------------------------------------------------------------------ targets
def test_targets_on_the_pole_converge_and_say_where_annihilation_stops():
    """Targets on the pole failed to converge at 10 of 25 masses (the ⟨σv⟩ jumps): now each
    converges to Ωh² = 0.120 within the search's 1e-4, and says how much Ωh² moves when
    annihilation stops a decade earlier (kinetic decoupling, not modelled, decides that)."""
    for dm, ratio, gchi in (("dirac", 2.0, 0.05), ("pseudo-dirac", 2.1, 2.51)):
        for m in (0.003, 0.3):
            t = relic.thermal_target("lmu-ltau", m * GeV, dm=dm, mass_ratio=ratio, g_chi=gchi)
            assert t.omega_h2 == pytest.approx(0.12, rel=1.5e-4)   # rtol 1e-4 in ln Ωh²
            if dm == "dirac":
                assert any("where annihilation stops" in w for w in t.warnings), t.warnings


def test_stop_sensitivity_is_what_an_earlier_stop_gives():
    """The stated sensitivity (Ωh² stopping at x_end/10, read off the same solution) against
    a separate solve that ends at x_end/10 without a tail (the capped case: annihilation is
    taken to stop there): same to 1e-3 of the sensitivity (different ODE grids)."""
    _, ann, mX, _ = relic._setup("lmu-ltau", "dirac", 0.1 * GeV, 2.0, 2.51, None)
    g = 3.09e-7
    full = relic._omega(ann, mX, g)
    assert not full.tail and full.stop_sensitivity > 0.05        # on the pole: followed to T_eq
    x1 = full.x_early                        # the grid point at x_end/10
    n = relic._n_grid_for(x1)
    sv = relic.ThermalAverage(ann, mX, relic._x_grid(1.0, x1, n), g)(g)
    early = relic.solve_boltzmann(ann.m1, lambda xs: sv, [(4.0, ann.m1)], x_end=x1, n_grid=n,
                                  tail=False)
    assert early.omega_h2 / full.omega_h2 - 1 == pytest.approx(full.stop_sensitivity, rel=1e-3)


def test_ordinary_targets_do_not_depend_on_x_end():
    """Off the pole, Ωh² with x_end = 1e3 and 1e5 agree to 1e-5 (the tail integrates g_*(T)
    through e± annihilation; before, s-wave at 0.1–1 GeV moved by 5.6–6.8e-4)."""
    for dm, m in (("dirac", 1.0), ("dirac", 0.1), ("scalar", 0.01)):
        _, ann, mX, _ = relic._setup("lmu-ltau", dm, m * GeV, 3.0, 0.05, None)
        g = 1e-3
        sp, _ = relic.species(dm, ann.m1, ann.m2)
        om = []
        for xe in (1e3, 1e5):
            n = relic._n_grid_for(xe)
            sv = relic.ThermalAverage(ann, mX, relic._x_grid(1.0, xe, n), g)(g)
            om.append(relic.solve_boltzmann(ann.m1, lambda xs, sv=sv: sv, sp, x_end=xe,
                                            n_grid=n).omega_h2)
        assert om[0] == pytest.approx(om[1], rel=1e-5), (dm, m)


# --------------------------------------------------------------------------- the domain
def test_xx_channel_consistent_on_both_sides_of_one():
    """m_X/m_χ = 0.99 was refused (χχ → XX too strong) while 1.0 gave a coupling although the
    forbidden channel is open in the thermal tail. Now both are refused with that reason at
    g_χ = 0.05, and at g_χ = 1e-4 (XX negligible) both give a coupling, continuous across 1."""
    from mucast.exceptions import KinematicsError
    for r in (0.99, 1.0, 1.1):
        with pytest.raises(KinematicsError, match="X X"):
            relic.thermal_target("lmu-ltau", 0.1 * GeV, dm="dirac", mass_ratio=r, g_chi=0.05)
    lo, hi = (relic.thermal_target("lmu-ltau", 0.1 * GeV, dm="dirac", mass_ratio=r,
                                   g_chi=1e-4).coupling for r in (0.99, 1.0))
    assert hi == pytest.approx(lo, rel=0.02)       # m_X moves by 1%, the coupling by 0.6%
    far = relic.thermal_target("lmu-ltau", 0.1 * GeV, dm="dirac", mass_ratio=1.4, g_chi=0.05)
    assert not any("X X" in w for w in far.warnings)        # e^{-2(r-1)x_f}: negligible


def test_light_dark_matter_warns_with_what_applies():
    t = relic.thermal_target("lmu-ltau", 0.5e-3 * GeV, dm="majorana")
    text = " ".join(t.warnings)
    assert "BBN" in text and "Sabti" in text and "0.4 MeV" in text
    # L_mu-L_tau below 2 m_mu annihilates into neutrinos only: the bath doubt is measured
    assert "T_nu" in text and "Omega h^2 changes by" in text
    heavy = relic.thermal_target("lmu-ltau", 0.3 * GeV, dm="majorana")
    assert not any("BBN" in w or "T_nu" in w for w in heavy.warnings)


def _bbn(warnings):
    return [w for w in warnings if "BBN" in w]


def test_bbn_statement_holds_at_its_mass():
    """At m_chi = 0.5 MeV the warning said "< 1 MeV: excluded by BBN (m_chi > 0.4 MeV ...)":
    0.5 > 0.4, a contradiction. Now each side of 0.4 MeV says what holds there (Sabti et al.,
    JCAP 01 (2020) 004: BBN alone 0.4 MeV for any final state; BBN + CMB 3.7 MeV for purely
    electro- or neutrinophilic species)."""
    w = _bbn(relic.thermal_target("lmu-ltau", 0.5e-3 * GeV, dm="scalar").warnings)
    assert len(w) == 1 and "1 MeV" not in w[0] and "excluded by BBN alone" not in w[0]
    assert "0.5 MeV < 3.7 MeV" in w[0] and "neutrinos only" in w[0] and "neutrinophilic" in w[0]
    w = _bbn(relic.thermal_target("dark-photon", 0.3e-3 * GeV, dm="scalar").warnings)
    assert len(w) == 1 and "0.3 MeV < 0.4 MeV" in w[0] and "BBN alone" in w[0]
    assert "any final state" in w[0] and "Sabti" in w[0]


def test_bbn_cmb_bound_by_final_state():
    """L_mu-L_tau at m_chi = 2 MeV annihilates into neutrinos only (2 m_chi < 2 m_mu) and had no
    BBN warning (the rule was m_chi < 1 MeV for every model); the dark photon at 3 MeV into
    electrons only; above 3.7 MeV nothing is said."""
    for model, m, phil in (("lmu-ltau", 2e-3, "neutrinophilic"),
                           ("dark-photon", 3e-3, "electrophilic")):
        w = _bbn(relic.thermal_target(model, m * GeV, dm="scalar").warnings)
        assert len(w) == 1 and phil in w[0] and "3.7 MeV" in w[0] and "Sabti" in w[0], w
    assert not _bbn(relic.thermal_target("lmu-ltau", 4e-3 * GeV, dm="scalar").warnings)


def test_final_state_rule():
    """The rule of domain.final_state on the channels open at threshold: electrons and
    neutrinos together are "mixed" (the 3.7 MeV bound is for purely electro- or neutrinophilic
    species: said as not computed), and with no channel open the lightest one, reached in the
    thermal tail."""
    from types import SimpleNamespace as NS

    from mucast.cosmology import domain
    from mucast.units import MeV
    e, nu, mu = NS(name="e", mass=0.511 * MeV), NS(name="nu_e", mass=0.0), NS(name="mu",
                                                                             mass=105.7 * MeV)
    def ann(m, *chans):
        return NS(m1=m * MeV, m2=m * MeV, channels=list(chans))
    assert domain.final_state(ann(2.0, e, nu, mu))[0] == "mixed"
    assert domain.final_state(ann(2.0, nu, mu))[0] == "neutrinos"
    assert domain.final_state(ann(2.0, e, mu))[0] == "electrons"
    kind, text = domain.final_state(ann(0.3, e, mu))            # e closed at rest
    assert kind == "electrons" and "thermal tail" in text
    assert domain.final_state(ann(2.0, mu))[0] == "other"
    w = domain.light_warnings(2.0 * MeV, domain.final_state(ann(2.0, e, nu)))
    assert "not computed" in w[0] and "e+nu_e" in w[0]


def test_sigmav_carries_the_light_mass_warnings():
    """`relic sigmav --m-chi 1e-5` gave warnings [] while docs/relic.md says light freeze-out is
    flagged: now BBN, the d.o.f. table's end and the measured neutrino-bath change."""
    r = relic.sigmav_target(1e-5 * GeV)
    text = " ".join(r.warnings)
    assert "BBN alone" in text and "d.o.f. table" in text and "neutrinos only" in text
    r = relic.sigmav_target(2e-3 * GeV)
    assert "3.7 MeV" in r.warnings[0] and "no final state" in r.warnings[0]
    assert relic.sigmav_target(10 * GeV).warnings == []
    # the bath change is measured: Omega h^2 with T_nu/T_gamma at the <sigma v> found (the same
    # solve as the target's, so it agrees to the solver's rtol 1e-8; 1e-6 leaves room)
    import re

    from mucast.cosmology.dof import t_nu_over_t_gamma
    m = 2e-3 * GeV
    sv = relic._from_cm3_s(r.sigmav_cm3_s)
    alt = relic.solve_boltzmann(m, lambda xs: np.full_like(xs, sv), [(2.0, m)],
                                bath_ratio=t_nu_over_t_gamma).omega_h2
    said = float(re.search(r"changes by ([-+0-9.]+)%", r.warnings[1]).group(1)) / 100
    assert said == pytest.approx(alt / r.omega_h2 - 1, abs=5e-4)     # printed to 0.1%


def test_underflowing_tail_average_does_not_overflow_the_solver():
    """muon-axial Dirac at 0.101 GeV (mu+mu- closed at rest): <sigma v> fell from 8e-46 to an
    exact 0 at x = 817 and the spline of ln(lambda) over that jump overflowed (OverflowError,
    a traceback from `relic target`). Now a target, and Omega h^2 smooth in g around it: the
    neighbours at g(1 -+ 10%) bracket it and the power law through them gives the target's
    Omega h^2 to 1% (measured 7e-4: curvature of ln Omega in ln g; a jump of the old kind
    moved Omega h^2 by orders of magnitude)."""
    t = relic.thermal_target("muon-axial", 0.101 * GeV, dm="dirac")
    assert t.omega_h2 == pytest.approx(0.12, rel=1.5e-4)              # search rtol 1e-4
    _, ann, mX, _ = relic._setup("muon-axial", "dirac", 0.101 * GeV, 3.0, 0.05, 0.0)
    lo, hi = (relic._omega(ann, mX, t.coupling * f).omega_h2 for f in (0.9, 1.1))
    assert lo > 0.12 > hi
    w = math.log(1 / 0.9) / math.log(1.1 / 0.9)                       # ln g of the target
    assert math.exp((1 - w) * math.log(lo) + w * math.log(hi)) == pytest.approx(t.omega_h2,
                                                                               rel=0.01)


def test_forbidden_channel_target_says_so_with_its_sensitivity():
    """docs/relic.md said the search refuses where every channel is closed at threshold, but
    muon-scalar Dirac at 90 MeV (mu+mu- closed at rest, m_chi < m_mu) returned 0.528 with no
    warning. Now the warning names the channel, its threshold factor and the measured change of
    the target for m_chi -+ 1%; checked here against the searches at 0.99 and 1.01 m_chi made
    independently (the same search: equal to the printed 0.1%)."""
    import re
    m = 0.09 * GeV
    t = relic.thermal_target("muon-scalar", m, dm="dirac")
    w = [x for x in t.warnings if "closed at rest" in x]
    assert len(w) == 1 and "mu pairs" in w[0] and "Griest-Seckel" in w[0], t.warnings
    lo, hi = (relic.thermal_target("muon-scalar", m * f, dm="dirac", _probe=False).coupling
              for f in (0.99, 1.01))
    said = [float(v) / 100 for v in re.findall(r"coupling by ([-+0-9.]+)% / ([-+0-9.]+)%",
                                               w[0])[0]]
    assert said[0] == pytest.approx(lo / t.coupling - 1, abs=5e-4)
    assert said[1] == pytest.approx(hi / t.coupling - 1, abs=5e-4)
    assert said[0] > 0.1 and said[1] < -0.1                # steep: exp(-x_f 0.35) at x_f = 21
    factor = math.exp(-t.x_freeze_out * (2 * MMU * GeV - 2 * m) / m)
    assert f"= {factor:.2g} at x_f" in w[0]
    # an open channel (L_mu-L_tau: neutrinos) says nothing of the kind
    assert not any("closed at rest" in x
                   for x in relic.thermal_target("lmu-ltau", m, dm="dirac").warnings)


def test_target_near_the_cap_says_so():
    """The dark photon's scalar at 0.3 MeV gives eps = 0.4999: a genuine root (Omega h^2 falls
    through 0.12 there, about as eps^-0.75), far from the default cap sqrt(4 pi), so no cap
    warning; with a cap of 0.9 it lies within a factor 2 of it and says so."""
    t = relic.thermal_target("dark-photon", 0.3e-3 * GeV, dm="scalar")
    assert t.coupling == pytest.approx(0.5, rel=1e-3)       # the audit's 0.4999 (search rtol)
    assert not any("cap" in w for w in t.warnings)
    near = relic.thermal_target("dark-photon", 0.3e-3 * GeV, dm="scalar", g_max=0.9)
    assert any("within a factor 2 of the search's cap g_max = 0.9" in w for w in near.warnings)


def test_neutrino_bath_ratio():
    """T_ν/T_γ: 1 above decoupling, → (4/11)^{1/3} (to 0.15%: decoupling at 2 MeV, where e± are
    not quite massless) once e± have annihilated; h_e → 7/2 for massless e±."""
    from mucast.cosmology.dof import _h_electron_table, t_nu_over_t_gamma
    from mucast.units import MeV
    assert t_nu_over_t_gamma(3 * MeV) == 1.0
    assert t_nu_over_t_gamma(1e-3 * MeV) == pytest.approx((4 / 11) ** (1 / 3), rel=2e-3)
    assert _h_electron_table()[1][0] == pytest.approx(3.5, rel=1e-5)


def test_wide_mediator_warns():
    """Γ_X/m_X > 0.3 is said: √4π-ish g_χ and a Dirac pair far above threshold."""
    from mucast.cosmology import annihilation as A
    t = relic.thermal_target("lmu-ltau", 0.05 * GeV, dm="dirac", g_chi=3.5, mass_ratio=10.0)
    _, ann, mX, _ = relic._setup("lmu-ltau", "dirac", 0.05 * GeV, 10.0, 3.5, None)
    ratio = float(A.total_width(mX, ann, t.coupling)) / mX
    assert ratio > 0.3 and any("wide mediator" in w for w in t.warnings)
    t = relic.thermal_target("lmu-ltau", 0.05 * GeV, dm="dirac", g_chi=0.05, mass_ratio=10.0)
    assert not any("wide mediator" in w for w in t.warnings)


# ---------------------------------------------------------------- no traceback, the CLI
def _run(argv):
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from mucast.cli import main
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("args", [
    # the OverflowError cases (1/exp(W) of a run that started at W'eq/k with k ~ 0)
    "--model dark-photon --dm majorana --m-chi 1e-6", "--model dark-photon --dm majorana"
    " --m-chi 1e-5", "--model muon-scalar --dm dirac --m-chi 1e-6",
    # the x_f = NaN crash, and the class: tiny and huge masses, couplings and ratios
    "--dm dirac --m-chi 0.001 --mass-ratio 2", "--dm scalar --m-chi 1e-12",
    "--dm dirac --m-chi 1e6", "--dm majorana --m-chi 0.01 --g-chi 1e-12",
    "--dm pseudo-dirac --m-chi 0.01 --g-chi 3.5449 --splitting 0.999999",
    "--dm dirac --m-chi 0.01 --mass-ratio 1e-6", "--dm dirac --m-chi 0.01 --mass-ratio 1e6",
    "--model muon-axial --dm dirac --m-chi 0.01 --mass-ratio 1 --g-chi 1e-12",
    # a model whose channel the solver lacks (a -> gamma gamma): refused, not "no coupling"
    "--model alp-photon --dm dirac --m-chi 0.05",
])
def test_cli_every_input_gives_a_number_a_warning_or_one_line(args):
    import json
    code, out, err = _run(["relic", "target", *args.split(), "--json"])
    assert code in (0, 2) and "Traceback" not in err
    if code == 0:
        d = json.loads(out)
        assert isinstance(d["warnings"], list) and math.isfinite(d["coupling"])
    else:
        assert out == "" and len(err.strip().splitlines()) == 1


def test_cli_model_file_values_are_the_defaults():
    """The file's [dark] (Dirac, g_χ = 0.1, m_X/m_χ = 4) is used, as `limit` uses it; options
    override; parameters_from says which."""
    import json
    from importlib.resources import files
    path = str(files("mucast") / "data" / "models" / "example.toml")
    code, out, _ = _run(["relic", "target", "--model", path, "--m-chi", "0.05", "--json"])
    d = json.loads(out)
    assert code == 0 and (d["dm"], d["g_chi"], d["mass_ratio"]) == ("dirac", 0.1, 4.0)
    assert d["parameters_from"] == {"dm": "model file", "g_chi": "model file",
                                    "mass_ratio": "model file", "m_chi": "--m-chi"}
    code, out, _ = _run(["relic", "target", "--model", path, "--m-chi", "0.05", "--g-chi",
                         "0.5", "--json"])
    d2 = json.loads(out)
    assert d2["g_chi"] == 0.5 and d2["parameters_from"]["g_chi"] == "--g-chi"
    # y depends on g_chi only through the pole region here: the two targets are one y to 1e-4
    assert d2["y"] == pytest.approx(d["y"], rel=1e-4)


def test_cli_omega_inverts_the_target():
    import json
    code, out, _ = _run(["relic", "target", "--dm", "dirac", "--m-chi", "0.05", "--json"])
    t = json.loads(out)
    code, out, _ = _run(["relic", "omega", "--dm", "dirac", "--m-chi", "0.05", "--coupling",
                         repr(t["coupling"]), "--json"])
    d = json.loads(out)
    assert code == 0 and d["omega_h2"] == pytest.approx(t["omega_h2"], rel=1e-9)
    assert d["x_freeze_out"] == pytest.approx(t["x_freeze_out"], rel=1e-9)
    assert d["Y0"] > 0 and "n_chi + n_chibar" in d["abundance_counts"]
    assert {"warnings", "x_end", "stop_sensitivity", "parameters_from"} <= set(d)


def test_cli_sigmav_one_name_for_the_mass():
    import json
    c1, o1, _ = _run(["relic", "sigmav", "--m-chi", "10", "--json"])
    c2, o2, _ = _run(["relic", "sigmav", "--mass", "10", "--json"])
    a, b = json.loads(o1), json.loads(o2)
    assert c1 == c2 == 0 and a["sigmav_cm3_s"] == b["sigmav_cm3_s"]
    assert a["warnings"] == [] and "deprecated" in b["warnings"][0]
    code, out, err = _run(["relic", "sigmav", "--m-chi", "10", "--mass", "10"])
    assert code == 2 and out == "" and "--m-chi" in err
