"""Seed 001 (NA64, PRL 132 (2024) 211803, arXiv:2401.01708) against mucast.

Which numbers are calibration and which are predictions
-------------------------------------------------------
* taken from seed 001: MOT per trigger configuration, background 0.07 ± 0.03, systematics 8% and
  1%, pile-up loss 13%, p_out ≤ 80 GeV (x ≥ 0.5), a_μ(Exp), a_μ(SM), "final efficiency peaks at
  ~12%" (sets the efficiency plateau);
* calibrated on seed 001: ONE number, the trigger momentum scale of the efficiency model
  (scripts/make_zprime_efficiencies.py), chosen so that the 2022 limit crosses the centre of the
  g−2 band at m_Z′ = 40 MeV ("excluding ... m_Z′ ≳ 40 MeV"). test_crossing_at_40_mev is therefore
  a consistency check of the calibration, not a prediction;
* predictions: the shape of the limit curve (flat below ~50 MeV, below the band up to ~1.5 GeV),
  the g ≲ 6e-4 statement for 7–40 MeV, the thermal-DM y limit, the projections.
"""

import numpy as np
import pytest

from mucast.models import gm2
from mucast.inference import mediators as zl
from mucast.units import GeV, MeV


def test_crossing_at_40_mev():  # calibration check (exact by construction, tolerance 1%)
    g = zl.coupling_limit("lmu-ltau", 40 * MeV).coupling
    band = gm2.gm2_band([40 * MeV])
    assert g == pytest.approx(band.g_central[0], rel=0.01)


def test_limit_near_band_centre_40_to_100_mev():
    """Prediction: within a factor 1.5 of the band centre at 40-100 MeV, and below it (the band
    is excluded) from 40 MeV up to ~1 GeV."""
    ms = np.geomspace(40 * MeV, 100 * MeV, 8)
    g = zl.coupling_limit_scan("lmu-ltau", ms).coupling
    c = gm2.gm2_band(ms).g_central
    assert np.all(g / c < 1.5) and np.all(c / g < 1.5)
    ms2 = np.geomspace(45 * MeV, 1 * GeV, 30)
    assert np.all(zl.coupling_limit_scan("lmu-ltau", ms2).coupling < gm2.gm2_band(ms2).g_central)


def test_viable_window_below_40_mev():
    """Prediction, seed 001: 'constraining viable mass values ... to 6-7 MeV < m < 40 MeV with
    g < 6e-4' — our limit in 7-40 MeV lies at 6.5e-4 ± 10% and above the band centre."""
    ms = np.geomspace(7 * MeV, 38 * MeV, 8)
    g = zl.coupling_limit_scan("lmu-ltau", ms).coupling
    assert np.all(np.abs(g / 6e-4 - 1) < 0.12)
    assert np.all(g > gm2.gm2_band(ms).g_central)


def test_thermal_y_limit():
    """Prediction vs seed 001 'y < 6e-12 for m_chi < 40 MeV'. mucast gives 1.3-1.5e-11 (factor
    2.2-2.6 in y, 1.5-1.6 in g): a known deviation (docs/zprime.md) — the seed's statement needs
    an efficiency rising ~3.5x between m_Z' = 40 and 120 MeV, steeper than the hardening of the
    WW x spectrum allows in our efficiency model. Tolerance: factor 3 in y."""
    mchi = np.array([5, 10, 20, 40]) * MeV
    r = zl.coupling_limit_scan(zl.legacy_zprime_model("dark"), 3 * mchi)
    assert np.all(r.y < 3 * 6e-12) and np.all(r.y > 6e-12 / 3)


def test_total_mot_and_cross_section_level():
    """Inputs: 1.98e10 MOT; sigma(100 MeV, g = 1e-3) of WW within 1% of the ETL value."""
    assert zl.setup("2022").mot == pytest.approx(1.98e10, rel=1e-12)
    from mucast.processes.mediators import production as zprime
    from mucast.units import picobarn
    assert zprime.cross_section(100 * MeV, 1e-3).value / picobarn == pytest.approx(10335, rel=0.01)
