"""Tests of mucast.models.gm2: one-loop Δa_μ of a vector (Leveille 1978) and the seed-001 band."""

import math

import numpy as np
import pytest
from scipy.integrate import quad

from mucast.models import gm2
from mucast.constants import A_MU_EXP_SEED001, A_MU_SM_SEED001, M_MU
from mucast.exceptions import InputError
from mucast.units import GeV, MeV


@pytest.mark.parametrize("m", [0.5 * MeV, 10 * MeV, 105 * MeV, 400 * MeV, 3 * GeV])
def test_loop_function_against_quad(m):
    r = (m / M_MU) ** 2
    pts = [p for p in (math.sqrt(r), 1 - 1 / r) if 0 < p < 1]
    refv = quad(lambda z: z * z * (1 - z) / (z * z + r * (1 - z)), 0, 1, points=pts or None,
                epsabs=0, epsrel=1e-12, limit=400)[0]
    assert gm2.loop_function(m) == pytest.approx(refv, rel=1e-9)


def test_limits():
    g = 1e-3
    assert gm2.delta_a_mu(1e-4 * MeV, g) == pytest.approx(g**2 / (8 * math.pi**2), rel=1e-5)
    big = 100 * GeV
    assert gm2.delta_a_mu(big, g) == pytest.approx(g**2 * M_MU**2 / (12 * math.pi**2 * big**2),
                                                   rel=1e-3)


def test_vectorised_and_scaling():
    ms = np.geomspace(1 * MeV, 10 * GeV, 50)
    d = gm2.delta_a_mu(ms, 2e-3)
    assert d.shape == ms.shape and np.all(np.diff(d) < 0)
    assert np.allclose(gm2.delta_a_mu(ms, 4e-3) / d, 4.0, rtol=1e-14)
    assert gm2.delta_a_mu(ms[3], 2e-3) == pytest.approx(d[3], rel=1e-14)


def test_band_seed001_values():
    d, s = gm2.delta_a_mu_target()
    assert d == pytest.approx(249e-11, rel=1e-9)
    assert s == pytest.approx(math.hypot(22e-11, 43e-11), rel=1e-12)
    b = gm2.gm2_band(np.array([1e-3, 10, 100]) * MeV)
    assert np.all(b.g_low < b.g_central) and np.all(b.g_central < b.g_high)
    assert np.allclose(gm2.delta_a_mu(b.masses, b.g_central), d, rtol=1e-12)
    assert np.allclose(gm2.delta_a_mu(b.masses, b.g_high), d + 2 * s, rtol=1e-12)
    # m -> 0: g = sqrt(8 pi^2 Δa) = 4.43e-4 (the flat low-mass end of Fig. 4 of seed 001)
    assert b.g_central[0] == pytest.approx(math.sqrt(8 * math.pi**2 * d), rel=1e-4)


def test_band_other_inputs_and_errors():
    b = gm2.gm2_band([10 * MeV], a_exp=(116592059e-11, 22e-11), a_sm=(116592033e-11, 62e-11))
    assert b.delta_a == pytest.approx(26e-11, rel=1e-6) and b.g_low[0] == 0.0
    with pytest.raises(InputError, match="mass"):
        gm2.delta_a_mu(0.0, 1e-3)
    with pytest.raises(InputError, match="coupling"):
        gm2.delta_a_mu(10 * MeV, -1.0)
    with pytest.raises(InputError, match="a_exp"):
        gm2.delta_a_mu_target(a_exp=(1.0,))
    with pytest.raises(InputError, match="must be > 0"):
        gm2.gm2_band([10 * MeV], a_exp=A_MU_SM_SEED001, a_sm=A_MU_EXP_SEED001)
