"""The CCFR neutrino-trident bound computed by mucast (issue 13 §5; mucast.processes.trident,
mucast.inference.constraints; docs/ccfr.md)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from mucast.cli import main
from mucast.exceptions import InputError, UnknownNameError
from mucast.inference.constraints import ccfr_coupling_limit
from mucast.models import gm2
from mucast.processes import trident as T
from mucast.units import GeV

sys.path.insert(0, str(Path(__file__).parent / "validation"))
from trident_bruteforce import sigma_bruteforce  # noqa: E402


@pytest.fixture(scope="module")
def base():
    return T.ccfr("broad160")


@pytest.fixture(scope="module")
def mono():
    return T.ccfr("mono160")


# ---------------------------------------------------------------------------- the amplitude
@pytest.mark.parametrize("M2,Q2,c,phi", [(2.0, 0.3, 0.37, 0.7), (0.05, 1e-4, -0.9, 2.0),
                                         (50.0, 80.0, 0.999, 4.0)])
def test_ward_identities(M2, Q2, c, phi):
    """Photon gauge invariance for both currents; the vector current conserved, the axial one
    not (PCAC, ∝ m_μ)."""
    k, q, l1, l2 = T.pair_frame(np.array([M2]), np.array([Q2]), np.array([c]), phi=phi)
    ell = T.muon_currents(l1, l2, k)
    for cur in "VA":
        e = ell[cur]
        assert np.abs(np.einsum("nm,nmast->nast", k * T.LOWER, e)).max() < 1e-12 * np.abs(e).max() * k[0, 0]
    assert np.abs(np.einsum("na,nmast->nmst", q * T.LOWER, ell["V"])).max() \
        < 1e-12 * np.abs(ell["V"]).max() * abs(q).max()
    assert np.abs(np.einsum("na,nmast->nmst", q * T.LOWER, ell["A"])).max() > 1e-3


@pytest.mark.parametrize("s", [0.05, 0.5, 5.0, 500.0])
def test_breit_wheeler(s):
    """At Q² → 0 the transverse vector tensor is γγ → μ⁺μ⁻: the muon line's normalisation, both
    diagrams and their relative sign (1e-6 at 128 angular nodes; measured 1e-8)."""
    Q2 = 1e-9
    tb = T.tau_bar(np.array([s]), np.array([Q2]), nang=128)
    b = math.sqrt(1 - 4 * T.MMU**2 / s)
    sig = (4 * math.pi * T.ALPHA) ** 2 * b * (-tb[("V", 1)][0] / Q2) / (128 * math.pi * s)
    assert sig == pytest.approx(T.breit_wheeler(s), rel=1e-6)


def test_leading_log():
    """σ(νγ) → (G_F²αŝ/9π²)(C_V² + C_A²)[ln(ŝ/m²) + c]: unit slope in ln ŝ, V = A at large ŝ
    (derived: collinear photon splitting × σ(νμ → νμ))."""
    r = {}
    for s in (100.0, 1000.0):
        sv, sa = T.sigma_nugamma(s, parts=True, nM=40, nQ=40, nang=40)
        n = T.GF**2 * T.ALPHA * s / (9 * math.pi**2)
        r[s] = (sv / n, sa / n)
    assert (r[1000.0][0] - r[100.0][0]) / math.log(10) == pytest.approx(1.0, abs=0.02)
    assert r[1000.0][0] / r[1000.0][1] == pytest.approx(1.0, abs=2e-3)


def test_bruteforce_subprocess():
    """The τ decomposition vs the full |M|² with the explicit neutrino tensor (2e-3: the
    brute force's coarse nodes); no imaginary part; V–A interference integrates to zero; the
    mediator inside the amplitude = the C_V(Q²) reweighting."""
    s = 0.3
    CV, CA = T.couplings()
    fast = T.sigma_nugamma(s, nM=32, nQ=32, nang=32)
    bf, im = sigma_bruteforce(s)
    assert bf == pytest.approx(fast, rel=2e-3) and im < 1e-10
    bv, _ = sigma_bruteforce(s, cv=1.0, ca=0.0)
    ba, _ = sigma_bruteforce(s, cv=0.0, ca=1.0)
    assert abs(bf - CV**2 * bv - CA**2 * ba) < 1e-10 * bf
    bz, _ = sigma_bruteforce(s, mz=0.1, g=3e-3)
    fz = T.sigma_nugamma(s, nM=32, nQ=32, nang=32, mz=0.1, g2=9e-6)
    assert bz == pytest.approx(fz, rel=3e-3) and bz > bf        # constructive


def test_shipped_table_is_what_the_script_computes():
    """Spot check of data/trident/muon_tensor.npz against a fresh evaluation at grid points."""
    tab = T.muon_table()
    g = T.TABLE_GRID
    for i, j in ((0, 0), (40, 60), (80, 120), (10, 100)):
        fresh = T.tau_bar(np.array([tab.M2[i]]), np.array([tab.Q2[j]]), nang=g["nang"])
        u = tab.M2[i] + tab.Q2[j]
        for c in "VA":
            a0 = -4.0 * (fresh[(c, 1)][0] - fresh[(c, 2)][0])
            assert tab.A0[c][i, j] == pytest.approx(a0, rel=1e-12, abs=1e-300)
            a1 = 8.0 * (3 * fresh[(c, 2)][0] - fresh[(c, 1)][0]) / u**2
            assert tab.A1[c][i, j] == pytest.approx(a1, rel=1e-12, abs=1e-300)


def test_table_positivity():
    """N·W = A₀ + A₁ŝ(ŝ − u) ≥ 0 for all ŝ ≥ u ⇔ A₀, A₁ ≥ 0 (a cross section)."""
    t = T.muon_table()
    for c in "VA":
        assert np.all(t.A0[c] >= -1e-9 * np.abs(t.A0[c]).max())
        assert np.all(t.A1[c] * t.u**2 >= -1e-9 * np.abs(t.A1[c] * t.u**2).max())


# ------------------------------------------------------------------------------ the nucleus
def test_sm_cross_section(mono):
    """σ_SM(ν_μ Fe, 160 GeV, coherent) = 7.52e-40 cm² (the reference implementation), ∝ Z²."""
    assert mono.sigma_sm * 0.3893793721e-27 == pytest.approx(7.52e-40, rel=2e-3)
    half = T.Trident("mono160", Z=13)
    assert mono.sigma_sm / half.sigma_sm == pytest.approx(4.0, rel=1e-12)


# -------------------------------------------------------------------------------- the bound
def test_contact_limit(base):
    """Heavy mediator: m/g = 545.8 GeV (massless closed form, two-sided; AGPY's ≈ 550 GeV) and
    540.5 GeV with the muon mass (W_A/W_V = 1.10); one-sided 619 GeV."""
    assert T.contact_limit_closed_form(T.r95("two-sided")) == pytest.approx(545.8, abs=0.5)
    assert T.contact_limit_closed_form(T.r95("one-sided")) == pytest.approx(619.0, abs=1.0)
    lam = base.contact_lambda(T.r95())
    assert lam == pytest.approx(540.5, abs=1.0)
    for M in (300.0, 3000.0):
        assert M / math.sqrt(base.bound_g2(M, T.r95())[0]) == pytest.approx(
            lam, rel=3e-3 if M < 1000 else 1e-4)


def test_curve_values_and_shape(base):
    """Pinned from the reference implementation (a denser table agrees to 1e-7): g₉₅ at 1, 10,
    100 MeV, 1, 10 GeV; log saturation below 30 MeV; R = R₉₅ on the curve."""
    ms = np.array([1e-3, 1e-2, 0.1, 1.0, 10.0])
    g = np.sqrt(base.bound_g2(ms, T.r95()))
    np.testing.assert_allclose(g, [7.99e-4, 9.07e-4, 1.20e-3, 2.85e-3, 1.88e-2], rtol=4e-3)
    np.testing.assert_allclose(base.ratio(ms, g**2), T.r95(), rtol=1e-10)
    g1, g2, g3 = np.sqrt(base.bound_g2(np.array([1e-4, 1e-3, 1e-2]), T.r95()))
    assert 1.0 < g2 / g1 < 1.15 and 1.0 < g3 / g2 < 1.2


def test_g_minus_2_excluded_above_about_400_mev(mono, base):
    """AGPY: CCFR rules out the g−2 explanation above ≈ 400 MeV (lower 2σ edge of Δa_μ =
    2.87(80)e-9, the value of that time): 397 MeV for a 160 GeV beam, 454 MeV for the broad
    spectrum (the spectrum is an assumption: the spread is the accuracy of this statement)."""
    da = 2.87e-9 - 2 * 0.80e-9
    from scipy.optimize import brentq

    def crossing(tri):
        def f(lm):
            m = math.exp(lm)
            g_b = math.sqrt(tri.bound_g2(m, T.r95())[0])
            g_gm2 = math.sqrt(da / float(gm2.delta_a_mu(m * GeV, 1.0)))
            return math.log(g_b / g_gm2)
        return math.exp(brentq(f, math.log(1e-3), math.log(10.0), xtol=1e-8))

    assert crossing(mono) == pytest.approx(0.397, abs=0.01)
    assert crossing(base) == pytest.approx(0.454, abs=0.01)


def test_bound_is_finite_over_the_mass_range(base):
    g = base.bound_g2(np.logspace(-3, 1, 100), T.r95())
    assert np.all(np.isfinite(g)) and np.all(g > 0)


# -------------------------------------------------------------------------- models and CLI
def test_model_couplings():
    """ĝ² = g² q_μ q_νμ: a model with q = 2 on both has a bound g/2 of L_μ−L_τ's; destructive
    interference (q_μ q_ν < 0) gives a weaker bound; no ν_μ coupling, no bound."""
    from mucast.models.mediator import MediatorModel
    ms = [0.1 * GeV]
    ref = ccfr_coupling_limit("lmu-ltau", ms).coupling[0]
    two = MediatorModel("x2", "vector", {"mu": 2.0, "nu_mu": 2.0})
    assert ccfr_coupling_limit(two, ms).coupling[0] == pytest.approx(ref / 2, rel=1e-12)
    opp = MediatorModel("opp", "vector", {"mu": 1.0, "nu_mu": -1.0})
    assert ccfr_coupling_limit(opp, ms).coupling[0] > ref
    with pytest.raises(InputError, match="both muons and muon neutrinos"):
        ccfr_coupling_limit("dark-photon", ms)
    with pytest.raises(InputError, match="vector"):
        ccfr_coupling_limit("muon-scalar", ms)
    with pytest.raises(UnknownNameError, match="prescription"):
        ccfr_coupling_limit("lmu-ltau", ms, prescription="bayes")


def test_cli_limit_constraint_ccfr(capsys):
    assert main(["limit", "lmu-ltau", "--constraint", "ccfr", "--mass", "0.1", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["coupling"] == pytest.approx(1.199e-3, rel=4e-3) and d["constraint"] == "ccfr"
    assert main(["limit", "zprime", "--constraint", "ccfr", "--mass", "0.1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["coupling"] == d["coupling"]
    assert main(["limit", "muon-scalar", "--constraint", "ccfr", "--mass", "0.1"]) == 2
    assert "vector" in capsys.readouterr().err
