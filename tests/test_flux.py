"""Unit tests of mucast.processes.flux (seed 000, Eq. 18)."""

import numpy as np
import pytest

from mucast.processes import flux
from mucast.experiments.targets import Target
from mucast.units import GeV

PB = Target.from_name("Pb")


def test_lead_scales_match_seed():
    # seed 000 quotes sqrt(t_a) ≃ 2.0e-5 GeV and sqrt(t_d) ≃ 6.9e-2 GeV (2 significant digits)
    assert np.sqrt(PB.t_a) / GeV == pytest.approx(2.0e-5, rel=0.01)
    assert np.sqrt(PB.t_d) / GeV == pytest.approx(6.9e-2, rel=0.01)


@pytest.mark.parametrize(
    "tmin,tmax",
    [(1e-12, 0.011), (1e-9, 1.0), (1e-4, 1e-2), (1e-3, 1.1e-3), (1e-10, 1e-9), (2e-3, 25600.0)],
)
def test_closed_form_matches_quadrature(tmin, tmax):
    # closed form (Eq. 26 of arXiv:2107.13297) vs adaptive quadrature of Eq. (18) at 1e-11:
    # agreement to 1e-9 leaves room only for round-off
    a = flux.photon_flux(tmin * GeV**2, tmax * GeV**2, 82, PB.t_a, PB.t_d)
    b = flux.photon_flux_numerical(tmin * GeV**2, tmax * GeV**2, 82, PB.t_a, PB.t_d)
    assert a == pytest.approx(b, rel=1e-9)


def test_near_degenerate_limits_use_series():
    # t_max - t_min = 1e-7 t_min: the closed form cancels; the series must agree with quadrature
    # to O((δ/t)^2) ~ 1e-14 relative, we ask 1e-6 (quadrature itself is at 1e-11 of a tiny number)
    tmin, tmax = 5e-3 * GeV**2, 5e-3 * (1 + 1e-7) * GeV**2
    a = flux.photon_flux(tmin, tmax, 82, PB.t_a, PB.t_d)
    b = flux.photon_flux_numerical(tmin, tmax, 82, PB.t_a, PB.t_d)
    assert a > 0
    assert a == pytest.approx(b, rel=1e-6)


def test_flux_zero_when_empty_and_vectorised():
    out = flux.photon_flux(np.array([1.0, 2.0]) * GeV**2, np.array([0.5, 3.0]) * GeV**2, 82, PB.t_a, PB.t_d)
    assert out[0] == 0.0 and out[1] > 0


def test_flux_scales_as_z_squared():
    a = flux.photon_flux(1e-8 * GeV**2, 1.0 * GeV**2, 82, PB.t_a, PB.t_d)
    b = flux.photon_flux(1e-8 * GeV**2, 1.0 * GeV**2, 41, PB.t_a, PB.t_d)
    assert a / b == pytest.approx(4.0, rel=1e-14)
