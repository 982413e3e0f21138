"""The pair production through a mediator of any mass (mucast.processes.mediators.offshell, issue 11 §3):
the three limits one formula must reproduce, and the σ_X(k) table it rests on.

    dσ/dk² = σ_X(m → k; g_μ) ρ(k²),   ρ = k Γ_inv(k)/(π[(k² − M²)² + k²Γ_tot(k)²])

1. narrow width (Γ ≪ M): ∫ dk² dσ/dk² = σ_X(M) Br(X → invisible)      (issue: ≤ 1%)
2. contact (M → ∞): the EFT engine with C = g_μ g_χ/M²                   (issue: ≤ 1e-3)
3. M = 0: millicharged pair production through the photon, closed form
   dσ/dk² = σ_V(k; e) ε²α(1 + 2m²/k²)β/(3πk²) (Dirac), ε²αβ³/(12πk²) (complex scalar).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mucast.constants import ALPHA
from mucast.experiments.targets import Target
from mucast.inference import mediators as med
from mucast.models.eft import EFTModel
from mucast.models.mediator import MediatorModel, get_model
from mucast.processes.eft import production as eft
from mucast.processes.mediators import offshell as O
from mucast.processes.mediators import production as P
from mucast.units import GeV, MeV, natural_to_area

E = 160 * GeV
PB = Target.from_name("Pb")
E_CHARGE = math.sqrt(4 * math.pi * ALPHA)


# ------------------------------------------------------------------------------ σ_X(k) table
@pytest.mark.parametrize("spin", P.SPINS)
@pytest.mark.parametrize("energy,x_min,t_max", [(160 * GeV, None, "E2"), (160 * GeV, 0.5, "E2"),
                                                 (160 * GeV, None, "mmu2_plus_k2"),
                                                 (15 * GeV, 0.5, "E2")])
def test_sigma_table_against_direct(spin, energy, x_min, t_max):
    """The piecewise table against the direct quadrature (same orders), 1000 points in k.
    What a pair integral feels is |Δσ| k² relative to max(k²σ): ≤ 1e-6 (measured ≤ 5e-7). Where
    k²σ > 1e-6 of its maximum the relative error is ≤ 1e-3 (measured ≤ 2e-4: the direct
    quadrature's own noise at k ~ 10 GeV, t_min ≫ t_d)."""
    tab = O.SigmaTable(spin, energy, PB, x_min=x_min, t_max=t_max)
    k = np.geomspace(tab.k_lo, tab.k_hi, 1000)
    d, _ = P.cross_section_per_g2(k, energy, PB, "ww", x_min, 0.1, t_max, spin=spin,
                                  orders=O.TABLE_ORDERS)
    w = d * k * k
    assert np.max(np.abs(tab(k) - d) * k * k) <= 1e-6 * w.max()
    rel = w > 1e-6 * w.max()
    assert np.max(np.abs(tab(k[rel]) / d[rel] - 1)) <= 1e-3
    assert np.all(tab(np.array([tab.k_hi * 1.01])) == 0)


def test_sigma_table_is_no_global_polynomial():
    """Regression: a single polynomial in ln k over the whole reach (the first version) was off
    by ±5% in the middle because ln σ → −∞ at k → E − m_μ."""
    tab = O.SigmaTable("vector", E, PB, t_max="mmu2_plus_k2")
    k = np.geomspace(1 * MeV, 3 * GeV, 9)
    d, _ = P.cross_section_per_g2(k, E, PB, "ww", None, 0.1, "mmu2_plus_k2",
                                  orders=O.TABLE_ORDERS)
    np.testing.assert_allclose(tab(k), d, rtol=1e-4)


# ---------------------------------------------------------------------------- 1. narrow width
NARROW_CASES = [("lmu-ltau", None), ("lmu-ltau", "dirac"), ("dark-photon", "dirac"),
                ("dark-photon", "scalar"), ("dark-photon", "majorana"),
                ("dark-photon", "pseudo-dirac"), ("muon-scalar", "dirac"),
                ("muon-scalar", "scalar"), ("muon-pseudoscalar", "majorana"),
                ("muon-axial", "dirac"), ("muon-axial", "majorana")]


@pytest.mark.parametrize("name,dm", NARROW_CASES)
@pytest.mark.parametrize("mass", [0.02 * GeV, 0.3 * GeV, 2 * GeV])
def test_narrow_width_limit(name, dm, mass):
    """Γ/M ~ 1e-5–1e-4 at g = 1e-4, g_χ = 0.05: off shell / (σ_X(M) Br) − 1 is O(Γ/M) plus the
    k² rule's error; the issue asks ≤ 1%, we hold 1e-3 (measured ≤ 6e-5)."""
    model = get_model(name)
    if dm:
        model = model.with_dark(dm, g_chi=0.05, mass_ratio=5.0,
                                splitting=0.1 if dm == "pseudo-dirac" else None)
    g = 1e-4
    assert model.total_width(mass, g) / mass < 1e-3
    on = P.cross_section(mass, float(abs(model.g_mu(g))), E, PB, spin=model.spin).value \
        * float(model.branching_invisible(mass, g))
    off = O.pair_integral(model, mass, g, E, PB).value
    assert off / on == pytest.approx(1.0, abs=1e-3)


def test_narrow_width_limit_of_the_yield_and_the_limit():
    """The same at the level of the 2022 yield (ε(k) inside the integral) and of the coupling
    limit: production='off-shell' and 'on-shell' agree to ≤ 1% (measured ~1e-4)."""
    model = get_model("dark-photon").with_dark("dirac", g_chi=0.05, mass_ratio=5.0)
    for m in (0.05 * GeV, 0.5 * GeV):
        on = med.signal_yield(model, m, 1e-4, production="on-shell").value
        off = med.signal_yield(model, m, 1e-4, production="off-shell").value
        assert off / on == pytest.approx(1.0, abs=0.01)
        g_on = med.coupling_limit(model, m, production="on-shell").coupling
        g_off = med.coupling_limit(model, m, production="off-shell").coupling
        assert g_off / g_on == pytest.approx(1.0, abs=0.01)


# ------------------------------------------------------------------------------- 2. contact
def _contact_pair():
    """A vector X with g_μ = 1 (vector) and g = 1 to left-handed ν_τ, and the operators it
    leaves at M → ∞: C (μ̄γ^αμ)(ν̄_τ γ_α P_L ν_τ) = ll_2233 + le_3322 with equal C = g_μ g_ν/M²."""
    M = 1e6 * GeV
    model = MediatorModel("contact", "vector", {"mu": 1.0, "nu_tau": 1.0})
    C = 1.0 / M**2
    return model, M, EFTModel({"ll_2233": C, "le_3322": C})


def test_contact_limit_point_by_point():
    """dσ/dk² against the EFT engine (seed 000's conventions: t_max = m_μ² + k², θ_max = 0.1):
    ≤ 1e-4 up to 3 GeV (measured ≤ 5e-6: the two quadratures), the issue's 1e-3 at 10 and
    20 GeV, where k²σ is < 1e-6 of its peak and both quadratures lose digits (t_min ≫ t_d)."""
    model, M, em = _contact_pair()
    k = np.geomspace(1 * MeV, 3 * GeV, 12)
    a = natural_to_area(eft.dsigma_dk2(em, k, E, PB))
    b = O.dsigma_dk2(model, k, M, 1.0, E, PB, t_max="mmu2_plus_k2")
    np.testing.assert_allclose(b, a, rtol=1e-4)
    k20 = np.array([10 * GeV, 20 * GeV])
    np.testing.assert_allclose(O.dsigma_dk2(model, k20, M, 1.0, E, PB, t_max="mmu2_plus_k2"),
                               natural_to_area(eft.dsigma_dk2(em, k20, E, PB)), rtol=1e-3)


def test_contact_limit_total():
    """σ(M → ∞) = σ_EFT: issue ≤ 1e-3 (measured 1e-6)."""
    model, M, em = _contact_pair()
    a = natural_to_area(eft.cross_section(em, E, PB).value)
    b = O.pair_integral(model, M, 1.0, E, PB, t_max="mmu2_plus_k2").value
    assert b / a == pytest.approx(1.0, abs=1e-4)
    # and σ ∝ 1/M⁴ in between (M = 50 and 100 GeV are already contact-like at 160 GeV)
    r = (O.pair_integral(model, 50 * GeV, 1.0, E, PB).value
         / O.pair_integral(model, 100 * GeV, 1.0, E, PB).value)
    assert r == pytest.approx(16.0, rel=1e-2)


# ---------------------------------------------------------------------------- 3. millicharge
@pytest.mark.parametrize("kind", ["dirac", "scalar"])
@pytest.mark.parametrize("m_chi", [1 * MeV, 50 * MeV, 1 * GeV])
def test_millicharge_closed_form(kind, m_chi):
    """Through the photon (M = 0, no width term): dσ/dk² = σ_V(k; g = e) × the QED spectral
    function of a pair of charge εe. Independent of the model layer: σ_V from production, ρ
    written out here. 1e-6: the σ_X table."""
    eps = 1e-3
    model = get_model("millicharge").with_dark(kind, m_chi=m_chi)
    k = np.geomspace(2 * m_chi * 1.0001, 3 * GeV, 40)
    sv, _ = P.cross_section_per_g2(k, E, PB, "ww", None, 0.1, "E2", orders=O.TABLE_ORDERS)
    beta = np.sqrt(1 - 4 * m_chi**2 / k**2)
    if kind == "dirac":
        rho = eps**2 * ALPHA * (1 + 2 * m_chi**2 / k**2) * beta / (3 * math.pi * k**2)
    else:
        rho = eps**2 * ALPHA * beta**3 / (12 * math.pi * k**2)
    expect = E_CHARGE**2 * sv * rho
    got = O.dsigma_dk2(model, k, 0.0, eps, E, PB)
    np.testing.assert_allclose(got, expect, rtol=1e-6)


def test_millicharge_scaling_and_limit():
    """σ ∝ ε² exactly, the limit solves N(ε) = N_up, the mass argument is m_χ."""
    model = get_model("millicharge")
    s1 = med.signal_yield(model, 0.05 * GeV, 1e-3).value
    s2 = med.signal_yield(model, 0.05 * GeV, 2e-3).value
    assert s2 / s1 == pytest.approx(4.0, rel=1e-12)
    r = med.coupling_limit(model, 0.05 * GeV)
    assert r.production == "off-shell"
    assert med.signal_yield(model, 0.05 * GeV, r.coupling).value == pytest.approx(r.n_up,
                                                                                 rel=1e-9)
    # heavier χ: less phase space, weaker limit
    assert med.coupling_limit(model, 0.5 * GeV).coupling > r.coupling


def test_offshell_opens_mchi_above_half_the_mediator():
    """m_χ > m/2 (refused by mucast 0.2): only the off-shell tail k > 2m_χ produces the pair;
    the limit exists and weakens as m_χ grows past m/2 (a dark photon, no other invisible
    channel)."""
    base = get_model("dark-photon")
    m = 0.1 * GeV
    g = [med.coupling_limit(base.with_dark("dirac", g_chi=0.5, m_chi=r * m), m).coupling
         for r in (0.3, 0.6, 1.0)]
    assert np.all(np.isfinite(g))
    assert g[0] < g[1] < g[2]
    lim = med.coupling_limit(base.with_dark("dirac", g_chi=0.5, m_chi=0.6 * m), m)
    assert lim.production == "off-shell"


# ------------------------------------------------------------- the factorisation, independently
def test_factorisation_against_explicit_2to3_amplitudes():
    """validation/derivations/reference.py (written without reading mucast): γμ → μχχ̄ with
    explicit spinors, the full mediator propagator and the pair's phase space integrated,
    against Σ|M(γμ → μX)|²(m_X = k) × 2kΓ(k)/|D|² (+ the axial longitudinal term) — the
    formula offshell.dsigma_dk2 implements — for every spin × dark-matter type: equal to
    double precision (1e-13; measured 1.4e-15)."""
    import sys
    from pathlib import Path
    here = Path(__file__).resolve().parents[2] / "validation" / "derivations"
    sys.path.insert(0, str(here))
    try:
        import reference
    finally:
        sys.path.remove(str(here))
    res = reference.run_factorisation_checks([])
    assert len(res) == 78
    worst = max(abs(lhs / rhs - 1) for *_, lhs, rhs, _ in res)
    assert worst < 1e-13
    # the axial longitudinal term matters: without it the axial Dirac case is off by up to 18%
    axial = [abs(lhs / r0 - 1) for label, _, _, lhs, _, r0 in res if label.startswith("A med, Dirac")]
    assert max(axial) > 0.1


@pytest.mark.parametrize("f", [1 - 1e-10, 1 + 1e-10, 1 + 1e-8])
def test_threshold_on_the_resonance(f):
    """A threshold (here μ⁺μ⁻ at 2m_μ) that falls inside the Breit–Wigner splits the k² range at
    the pole; both halves must keep their part of the resonance (before the fix: off/on = 0.50).
    1e-3: measured ≤ 7e-5 (the running width changes across the threshold)."""
    from mucast.constants import M_MU
    model = get_model("lmu-ltau")
    m, g = 2 * M_MU * f, 8e-4
    on = P.cross_section(m, g, E, PB).value * float(model.branching_invisible(m, g))
    assert O.pair_integral(model, m, g, E, PB).value / on == pytest.approx(1.0, abs=1e-3)


def test_user_target_gets_its_own_table():
    """A target that is not a shipped one (a user's experiment file) works and, with the numbers
    of a shipped one, gives the same integral (it raised UnknownNameError before)."""
    from mucast.experiments.targets import Target
    mine = Target.from_dict({"target": {"name": "MyW", "Z": 74, "A": 183.84,
                                        "density_g_cm3": 19.3}})
    model = get_model("dark-photon").with_dark("dirac", g_chi=0.5, mass_ratio=1 / 0.3)
    a = O.pair_integral(model, 0.1 * GeV, 1e-3, E, mine).value
    b = O.pair_integral(model, 0.1 * GeV, 1e-3, E, "W").value
    assert a == pytest.approx(b, rel=1e-12)
