"""Validation of the spin-generic exact tree-level (ETL) μN → μN X engine (mucast.processes.mediators.exact,
issue 11 §2) and of the WW formulas it checks (mucast.processes.mediators.production).

* the WW brackets A_X(x, ũ) for S, P, V, A against the 2 → 2 amplitude μγ → μX (double precision
  with the Ward identity, and 40-digit mpmath with the three explicit X polarisations, which
  checks the axial 4m_μ²x²/((1−x)m²) term independently of the Ward identity);
* gauge invariance (photon) and the Ward identities of the 2 → 3 amplitude (vector: k·M = 0;
  axial: k·M_A = −2m_μ M_{γ⁵});
* the fast (structure-of-arrays) engine against the 4×4-matrix engine and against 50 digits;
* the vector engine against the 0.2 reference (sigma_etl: same |M|², same vegas recipe → same
  number), and quick ETL/WW ratios for every spin (the full table: docs/models.md).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mucast.constants import ALPHA, M_MU
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.experiments.targets import Target
from mucast.processes.mediators import exact as X
from mucast.processes.mediators import production as P
from mucast.units import GeV, MeV

E = 160 * GeV
PB = Target.from_name("Pb")
MN = PB.atomic_mass
SPINS = ("S", "P", "V", "A")
NAMES = {"S": "scalar", "P": "pseudoscalar", "V": "vector", "A": "axial"}


# ------------------------------------------------------------------------ WW brackets vs 2 → 2
def test_ww_brackets_double_precision():
    r = X.check_ww_brackets(masses=(1.0, 100.0, 3000.0), xs=(0.05, 0.7, 0.999),
                            u_scale=(1.001, 30.0, 1e3))
    # with the Ward identity (−g for the polarisation sum; Goldstone term for A) the bracket is
    # exact up to rounding: 1e-10 leaves a factor 1e5 to double precision
    for s in ("S", "P", "V", "A_minus_g+goldstone"):
        assert r[s] < 1e-10, (s, r[s])
    # explicit ε_L in double precision: the (ω/m)² cancellation in ε_L·M costs ~ 8 digits
    assert r["A"] < 1e-6


@pytest.mark.parametrize("spin", SPINS)
def test_ww_brackets_mpmath_explicit_polarisations(spin):
    """40 digits, the three explicit polarisations of a massive X (no Ward identity used): the
    brackets of production.ww_coefficients are exact (1e-12: far above 40-digit rounding, far
    below any missing term, which would be O(m_μ²/m²) or O(x))."""
    for m, x, sc in ((1.0, 0.3, 1.001), (1.0, 0.999, 1e5), (100.0, 0.7, 30.0),
                     (3000.0, 0.05, 3.0)):
        u = -sc * (m * m * (1 - x) / x + M_MU**2 * x)
        ref = X.reference_bracket_22_mp(spin, x, u, m)
        assert ref == pytest.approx(float(X._ww_bracket_letter(spin, x, u, m * m)), rel=1e-12)


def test_axial_bracket_is_minus_g_part_plus_goldstone():
    """A_A = A_A^(−g) + (4m_μ²/m²) A_P with A_A^(−g) = 2(2−2x+x²)/(1−x) + 4(m² − 6m_μ²)(ũx + w)/ũ²:
    the (4m_μ²/m²)x²/(1−x) term of Liu–Miller is the Goldstone (longitudinal) part."""
    for x, m, sc in ((0.3, 1.0, 2.0), (0.9, 1000.0, 10.0)):
        u = -sc * (m * m * (1 - x) / x + M_MU**2 * x)
        w = m * m * (1 - x) + M_MU**2 * x * x
        minus_g = X.amplitude_22_bracket("A", x, u, m, minus_g_only=True)
        expect = 2 * (2 - 2 * x + x * x) / (1 - x) + 4 * (m * m - 6 * M_MU**2) * (u * x + w) / u**2
        assert float(minus_g) == pytest.approx(expect, rel=1e-9)
        full = X._ww_bracket_letter("A", x, u, m * m)
        goldstone = 4 * M_MU**2 / m**2 * X._ww_bracket_letter("P", x, u, m * m)
        assert float(full) == pytest.approx(expect + goldstone, rel=1e-9)


# ----------------------------------------------------------------- gauge and Ward identities
@pytest.mark.parametrize("m", [1.0, 100.0, 3000.0])
def test_ward_identities_and_gauge_invariance(m):
    """Residuals relative to the single diagrams (one diagram alone: O(1)); 1e-6 worst point,
    1e-10 median: double-precision cancellation between the two diagrams."""
    x, th, t, ph = X.random_points(m * MeV, E, MN, 400, seed=3)
    rv, ra = X.check_ward_identities(x, th, t, ph, m * MeV, E, MN)
    assert rv.max() < 1e-6 and np.median(rv) < 1e-10
    assert ra.max() < 1e-6 and np.median(ra) < 1e-10
    for s in SPINS:
        g = X.check_gauge_invariance(s, x, th, t, ph, m * MeV, E, MN)
        assert g.max() < 1e-6 and np.median(g) < 1e-9, s


def test_axial_ward_identity_sign():
    """k_α M_A^α = −2 m_μ M_{γ⁵} (not +): the + sign fails at O(1)."""
    x, th, t, ph = X.random_points(10.0, E, MN, 50, seed=4)
    kin = X.phase_space_point(x, th, t, ph, 10.0, E, MN)
    kA = X.mdot(kin["k"][:, None, None, :], X.lepton_amplitudes("A", kin, kin["J"]))
    g5 = X.lepton_amplitudes("P", kin, kin["J"])
    np.testing.assert_allclose(kA, -2 * M_MU * g5, rtol=1e-4)
    assert np.abs(kA - 2 * M_MU * g5).max() > 0.5 * np.abs(kA).max()


def test_polarisations_physical():
    k = np.array([5000.0, 300.0, 0.0, math.sqrt(5000.0**2 - 300.0**2 - 30.0**2)])
    eps = X.polarisations(k)
    for e in eps:
        assert abs(X.mdot(e, k)) < 1e-9 * k[0]
        assert X.mdot(e, e) == pytest.approx(-1.0, rel=1e-9)
    assert abs(X.mdot(eps[0], eps[2])) < 1e-9


# ------------------------------------------------------------------------- engines, precision
@pytest.mark.parametrize("spin", SPINS)
def test_fast_engine_equals_matrix_engine(spin):
    x, th, t, ph = X.random_points(30.0, E, MN, 200, seed=5)
    kin = X.phase_space_point(x, th, t, ph, 30.0, E, MN)
    a = X.spin_pol_sum(spin, kin, 30.0, engine="fast")
    b = X.spin_pol_sum(spin, kin, 30.0, engine="matrix")
    np.testing.assert_allclose(a, b, rtol=1e-6)
    assert np.median(np.abs(a / b - 1)) < 1e-11


@pytest.mark.parametrize("spin", SPINS)
def test_double_precision_against_50_digits(spin):
    """m = 1 MeV, where the ε_L ~ ω/m cancellation (A) and the photon-side cancellation are
    worst: 1e-6 is what double precision keeps there (measured ~1e-8)."""
    x, th, t, ph = X.random_points(1.0, E, MN, 3, seed=6)
    kin = X.phase_space_point(x, th, t, ph, 1.0, E, MN)
    f = X.spin_pol_sum(spin, kin, 1.0)
    for i in range(len(x)):
        ref = X.reference_spin_pol_sum_mp(spin, x[i], th[i], t[i], ph[i], 1.0, E, MN)
        assert f[i] == pytest.approx(ref, rel=1e-6)


def test_vector_matrix_element_equals_the_reference():
    x, th, t, ph = X.random_points(100.0, E, MN, 300, seed=7)
    kin = X.phase_space_point(x, th, t, ph, 100.0, E, MN)
    mine = X._msq_spin("V", kin, 100.0, 1.0, PB.Z, PB.t_a, PB.t_d, ALPHA)
    ref = X.squared_matrix_element(x, th, t, ph, 100.0, 1.0, E, PB.Z, PB.A, MN)
    np.testing.assert_allclose(mine, ref, rtol=1e-8)


def test_vector_engine_reproduces_the_reference_recipe_exactly():
    """The 0.2 variables, engine and vegas recipe with the same seed: the same number (1e-10:
    only the summation order differs)."""
    a = X.etl_sigma("V", 1000 * MeV, 1.0, E, PB, neval=4000, seed=1, nitn=(3, 3),
                    variables="log", engine="matrix", init_map="uniform", adapt_final=True)
    b = X.sigma_etl(1000 * MeV, 1.0, E, PB.Z, PB.A, MN, neval=4000, seed=1, theta_max=0.1,
                    nitn=(3, 3))
    assert a.value == pytest.approx(b.value, rel=1e-10)


# ----------------------------------------------------------------------------------- WW side
def test_axial_light_mass_is_goldstone():
    """σ_A → (4m_μ²/m²) σ_P(m → 0) for m ≪ m_μ: σ_A ∝ 1/m², not 1/m⁴ (the longitudinal mode
    couples like a pseudoscalar of coupling 2m_μ g/m). Tolerance: the O(m²/m_μ²) corrections."""
    sp0 = P.cross_section(1e-3 * MeV, 1.0, E, PB, spin="pseudoscalar").value
    for m, tol in ((1.0, 2e-3), (3.0, 6e-3)):
        sa = P.cross_section(m * MeV, 1.0, E, PB, spin="axial").value
        assert sa * (m * MeV) ** 2 / (4 * M_MU**2) / sp0 == pytest.approx(1.0, abs=tol)


@pytest.mark.parametrize("spin", ["scalar", "pseudoscalar", "axial"])
def test_ww_sigma_equals_integral_of_dsigma_dx(spin):
    """The vectorised x rule of cross_section against scipy.quad of dsigma_dx (1e-5: the rule's
    stated error is ≲1e-6, quad's 1e-8)."""
    from scipy.integrate import quad
    m = 300 * MeV
    f = lambda lx: math.exp(lx) * float(P.dsigma_dx(math.exp(lx), m, 1.0, E, PB, spin=spin))  # noqa: E731
    val, _ = quad(f, math.log(0.5), math.log(1 - M_MU / E), epsrel=1e-8, limit=200)
    assert P.cross_section(m, 1.0, E, PB, x_min=0.5, spin=spin).value == pytest.approx(val, rel=1e-5)


def test_scalar_and_pseudoscalar_heavy_mass_agree():
    """For m ≫ m_μ the S and P brackets differ only by the 8m_μ² in a: σ_S/σ_P → 1."""
    s = P.cross_section(3 * GeV, 1.0, E, PB, spin="scalar").value
    p = P.cross_section(3 * GeV, 1.0, E, PB, spin="pseudoscalar").value
    assert s / p == pytest.approx(1.0, abs=0.01)


# -------------------------------------------------------------------------- ETL quick ratios
@pytest.mark.parametrize("spin", SPINS)
def test_etl_close_to_ww(spin):
    """ETL/WW at 100 MeV, all x: 0.986–0.997 in the full table (docs/models.md); here a 1%
    vegas run must land in [0.98, 1.005]."""
    r = X.cross_section(NAMES[spin], 100 * MeV, 1.0, E, PB, rtol=0.005, seed=1)
    w = P.cross_section(100 * MeV, 1.0, E, PB, spin=NAMES[spin]).value
    assert r.uncertainty / r.value <= 0.0051
    assert 0.98 < r.value / w < 1.005


def test_etl_dsigma_dx_threshold_deficit():
    """Near threshold (x → m/E) for a heavy X the WW overestimates dσ/dx about twice (the
    approximation neglects the muon recoil there); documented in docs/models.md. σ is not
    affected at the % level (that x region is a small part of the total)."""
    v, _e, _q = X.etl_dsigma_dx("V", 0.03, 3 * GeV, 1.0, E, PB, neval=3000, nitn=(3, 3), seed=4)
    w = float(P.dsigma_dx(0.03, 3 * GeV, 1.0, E, PB))
    assert 0.45 < v / w < 0.55


def test_cross_section_input_errors():
    with pytest.raises(UnknownNameError, match="spin"):
        X.cross_section("tensor", 0.1 * GeV, 1.0, E, PB)
    with pytest.raises(InputError, match="mass"):
        X.cross_section("scalar", -0.1 * GeV, 1.0, E, PB)
    with pytest.raises(KinematicsError, match="E - m_mu"):
        X.cross_section("scalar", 200 * GeV, 1.0, E, PB)
    with pytest.raises(InputError, match="method"):
        X.cross_section("scalar", 0.1 * GeV, 1.0, E, PB, method="slow")
