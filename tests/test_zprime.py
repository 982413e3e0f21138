"""Unit and property tests of the vector (L_mu-L_tau Z') production of mucast.processes.mediators.production
(the widths and branching fractions are in tests/test_models.py)."""

import sys
from pathlib import Path

import numpy as np
import pytest

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.eft import production as eft
from mucast.processes.eft import amplitudes as coef
from mucast.processes.mediators import production as Z
from mucast.experiments.targets import Target
from mucast.units import GeV, MeV, picobarn

sys.path.insert(0, str(Path(__file__).parent / "validation"))
import zprime_ww_reference as ref  # noqa: E402  (literal DMG4 formula, scipy quad)

E = 160 * GeV
PB = Target.from_name("Pb")


# ---------------------------------------------------------------------------------- decays




# ---------------------------------------------------------------------------------- WW
def test_bracket_equals_eft_vector_coefficients():
    """B = (2/m^2) sum_n C_n^V u^(1-n), with seed 000 Appendix A C^V at k^2 = m^2."""
    rng = np.random.default_rng(1)
    x = rng.uniform(0.05, 0.99, 50)
    m = rng.uniform(0.005, 3.0, 50)                     # GeV
    u = -rng.uniform(0.001, 10.0, 50)                   # GeV^2
    mmu = M_MU / GeV
    B = 2 * (2 - 2 * x + x**2) / (1 - x) + 4 * (m**2 + 2 * mmu**2) * (
        u * x + m**2 * (1 - x) + mmu**2 * x**2) / u**2
    c = coef._cV(x, m**2, mmu)
    assert np.allclose(2 / m**2 * c.evaluate(u), B, rtol=1e-12)


def test_dsigma_dx_through_eft_engine_combination():
    """The hand-written combination of I_n equals the EFT engine's C^V combination."""
    x = np.array([0.3, 0.6, 0.95])
    m = 0.2 * GeV
    conv = Z._conventions(0.1, "E2", ALPHA)
    m2 = np.full(x.shape, m * m)
    I = eft._u_integrals(x, m2, E, PB, conv, 48)
    via_eft = 2 / m**2 * eft._combine(coef._cV, x, m2, I)
    assert np.allclose(Z._ww_u_bracket(x, m2, E, PB, conv, 48), via_eft, rtol=1e-12)


@pytest.mark.parametrize("m", [1 * MeV, 30 * MeV, 300 * MeV, 2 * GeV])
@pytest.mark.parametrize("x_min", [None, 0.5])
def test_sigma_ww_matches_literal_dmg4_quadrature(m, x_min):
    """Validation: vectorised engine vs scipy.quad of the literal DMG4 WW formula, 2e-5."""
    ours = Z.cross_section(m, 1e-3, E, PB, x_min=x_min)
    theirs = ref.sigma_ww(m, 1e-3, E, 82, PB.A, x_min=x_min)
    assert ours.value == pytest.approx(theirs, rel=2e-5)
    assert ours.error < 2e-3 * ours.value


def test_dsigma_dx_matches_reference_pointwise():
    for x in (0.2, 0.7, 0.99):
        ours = Z.dsigma_dx(x, 50 * MeV, 1e-3, E, PB)
        theirs = ref.ww_dsigma_dx(x, 50 * MeV, 1e-3, E, 82, PB.A)
        assert ours == pytest.approx(theirs, rel=1e-5)


def test_coupling_squared_scaling_and_known_value():
    a = Z.cross_section(100 * MeV, 1e-3).value
    b = Z.cross_section(100 * MeV, 3e-3).value
    assert b / a == pytest.approx(9.0, rel=1e-13)
    # ETL of the other helper's module: 10335 pb at full angle; WW(theta<0.1) within 1%
    assert a / picobarn == pytest.approx(10335, rel=0.01)


def test_vectorised_equals_scalar():
    ms = np.array([5, 50, 500]) * MeV
    v, _ = Z.cross_section_per_g2(ms, x_min=0.5)
    for m, vi in zip(ms, v, strict=True):
        assert Z.cross_section(m, 1.0, x_min=0.5).value == pytest.approx(vi, rel=1e-13)


def test_full_range_rule_is_eft_rule():
    ms = np.array([10, 300]) * MeV
    x1, w1 = Z._x_rule(ms, E, None, Z.ORDERS)
    x2, w2 = Z._x_rule(ms, E, 0.0, Z.ORDERS)
    assert np.allclose(x1, x2, rtol=1e-13) and np.allclose(w1, w2, rtol=1e-12)


def test_t_max_choice_below_one_percent():
    for m in (10 * MeV, 100 * MeV, 1 * GeV):
        a = Z.cross_section(m, 1e-3, t_max="E2").value
        b = Z.cross_section(m, 1e-3, t_max="mmu2_plus_k2").value
        assert abs(b / a - 1) < 0.01


def test_iww_matches_reference_and_overestimates():
    """IWW (Liu-Miller Eq. 30) as implemented matches the literal reference; for a 160 GeV muon
    beam it overestimates WW (its t_min = m^4/4E^2 ignores the m_mu and x -> 1 terms): by ~10%
    at m = 1 MeV and by a factor > 2 at 1 GeV (documented in docs/zprime.md)."""
    for m in (1 * MeV, 1 * GeV):
        iww = Z.cross_section(m, 1e-3, approx="iww").value
        assert iww == pytest.approx(ref.sigma_iww(m, 1e-3, E, 82, PB.A), rel=2e-5)
    r1 = Z.cross_section(1 * MeV, 1).value
    assert 1.0 < Z.cross_section(1 * MeV, 1, approx="iww").value / r1 < 1.15
    assert Z.cross_section(1 * GeV, 1, approx="iww").value / Z.cross_section(1 * GeV, 1).value > 2


def test_dsigma_dx_zero_outside_phase_space():
    d = Z.dsigma_dx(np.array([1e-5, 0.5, 0.99999]), 10 * MeV, 1e-3)
    assert d[0] == 0 and d[1] > 0 and d[2] == 0
    assert np.all(np.isfinite(d))


def test_theta_max_monotone():
    a = Z.cross_section(100 * MeV, 1, theta_max=0.05).value
    b = Z.cross_section(100 * MeV, 1, theta_max=0.1).value
    c = Z.cross_section(100 * MeV, 1, theta_max=0.3).value
    assert a < b <= c * (1 + 1e-9)


# ---------------------------------------------------------------------------------- errors
@pytest.mark.parametrize("kw, err", [
    (dict(mass=0.0), InputError), (dict(mass=-1 * MeV), InputError),
    (dict(mass=float("nan")), InputError), (dict(coupling=0.0), InputError),
    (dict(coupling=-1e-3), InputError), (dict(mass=E - M_MU), KinematicsError),
    (dict(mass=200 * GeV), KinematicsError), (dict(approx="exact"), UnknownNameError),
    (dict(target="Xx"), UnknownNameError), (dict(theta_max=0.0), InputError),
    (dict(theta_max=4.0), InputError), (dict(t_max="E3"), UnknownNameError),
    (dict(x_min=1.5), InputError), (dict(energy=0.0), InputError),
])
def test_input_errors(kw, err):
    args = dict(mass=100 * MeV, coupling=1e-3)
    args.update(kw)
    with pytest.raises(err) as exc:
        Z.cross_section(**args)
    assert str(exc.value)




def test_etl_dispatch_small():
    pytest.importorskip("vegas")
    r = Z.cross_section(100 * MeV, 1e-3, approx="etl", neval=2000, seed=1)
    assert r.approx == "etl" and r.value / picobarn == pytest.approx(10335, rel=0.05)
