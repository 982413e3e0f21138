"""Bounds, scans and the SMEFT plane (seed 000, Sec. V)."""

from itertools import pairwise

import numpy as np
import pytest

from mucast import experiments
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.inference.limits import bound, smeft_plane
from mucast.inference.scans import closing_mass, eft_mass_scan
from mucast.units import GeV


def test_bound_scales_with_mot_and_thickness():
    e = experiments.get("2022")
    b1 = bound("LN_22", e).bound
    b4 = bound("LN_22", e.replace(mot=4 * e.mot)).bound
    assert b4 / b1 == pytest.approx(0.5, rel=1e-12)       # ∝ MOT^(-1/2) exactly
    b2 = bound("LN_22", e.replace(thickness=2 * e.thickness)).bound
    assert b2 / b1 == pytest.approx(2**-0.5, rel=1e-12)


def test_lambda_definition():
    b = bound("ll_2233", "future")
    assert b.Lambda == pytest.approx(b.bound ** -0.5, rel=1e-14)


def test_bound_monotonic_in_mot():
    e = experiments.get("2023-24")
    bs = [bound("eN_22", e.replace(mot=m)).bound for m in (1e9, 1e10, 1e11, 1e12)]
    assert all(a > b for a, b in pairwise(bs))


def test_paper_vs_default_nucleus_mass_effect():
    # only the number density differs for the pair operators' β-free pieces at m_N = 0 ... and the
    # amplitudes are identical for eN_22: ratio of bounds = sqrt(193.0/207)
    d = bound("eN_22", "2022").bound
    p = bound("eN_22", "2022", conventions="paper").bound
    assert d / p == pytest.approx((193.00557829 / 207.0) ** 0.5, rel=1e-6)


def test_errors():
    with pytest.raises(UnknownNameError):
        bound("xx_2222", "2022")
    with pytest.raises(UnknownNameError):
        bound("LN_22", "1999")
    with pytest.raises(KinematicsError, match="acceptance table of this data set ends at sqrt\\(k\\^2\\) = 3 GeV"):
        bound("LN_22", "2022", m_N=1.6 * GeV)
    with pytest.raises(KinematicsError, match="kinematic"):
        bound("LNLe_2222", experiments.get("2022"), m_N=200 * GeV)
    with pytest.raises(InputError, match="νSMEFT"):
        bound("ll_2233", "2022", m_N=0.1 * GeV)


def test_scan_matches_direct_bounds():
    # the Chebyshev-tabulated scan reproduces the direct computation; 1e-6 covers the
    # interpolation (~1e-9) and the different k orders (~1e-7)
    ms = np.array([0.0, 0.3, 0.9, 1.3, 1.45]) * GeV
    s = eft_mass_scan("LN_22", "future", ms)
    for m, b in zip(ms, s.bounds, strict=True):
        assert b == pytest.approx(bound("LN_22", "future", m_N=m).bound, rel=1e-6)
    s2 = eft_mass_scan("LNLe_2222", "2022", [2.5 * GeV])
    assert s2.bounds[0] == pytest.approx(bound("LNLe_2222", "2022", m_N=2.5 * GeV).bound, rel=1e-6)


def test_closing_masses():
    assert closing_mass("LN_22", "2022") == pytest.approx(1.5 * GeV)
    assert closing_mass("LNLe_2222", "2022") == pytest.approx(3.0 * GeV)
    with pytest.raises(KinematicsError):
        eft_mass_scan("eN_22", "2022", [1.5 * GeV])
    with pytest.raises(InputError):
        eft_mass_scan("ll_2233", "2022", [0.0])


def test_plane_form_is_exact_and_symmetric():
    f = smeft_plane("tau", "future")
    assert f.fit_residual < 1e-12           # the yield is exactly a quadratic form
    assert f.b == pytest.approx(1.0, rel=1e-12)   # ll_2233 and le_3322 enter symmetrically
    assert -0.2 < f.h < 0                    # σ_A > σ_V slightly (seed: −0.1)
    with pytest.raises(InputError):
        smeft_plane("e", "future")
