"""The ALP presets (issue 18 §3): alp-photon (photon fusion, a -> gamma gamma at tree level) and
alp-muon (the muon-pseudoscalar process with g_P = g m_mu, derivative-coupling gamma gamma loop),
end to end: model layer, yields, closed regions, CLI."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mucast.cli import main
from mucast.constants import ALPHA, M_MU
from mucast.inference import mediators as M
from mucast.inference.mediator_yields import _escape_yields
from mucast.models import widths as W
from mucast.models.mediator import MediatorModel, get_model
from mucast.units import GeV


def test_alp_muon_is_the_pseudoscalar_with_g_P_equal_g_m_mu():
    """Production and the lepton widths are those of muon-pseudoscalar at g_P = g m_mu (the
    derivative and Yukawa couplings agree at tree level); the gamma gamma width is the
    derivative coupling's, |B1|^2/|tau f|^2 times the Yukawa one (the anomaly term)."""
    alp, ps = get_model("alp-muon"), get_model("muon-pseudoscalar")
    g = 1e-2                                            # GeV^-1
    gp = g * M_MU / GeV
    ms = np.array([0.05, 0.15, 0.3, 1.0]) * GeV
    assert float(alp.g_mu(g)) == pytest.approx(gp, rel=1e-15)
    a, b = alp.widths(ms, g), ps.widths(ms, gp)
    np.testing.assert_allclose(a["mu"], b["mu"], rtol=1e-14)
    tau = 4 * M_MU**2 / ms**2
    ratio = np.abs(W.alp_b1(tau)) ** 2 / np.abs(0.5 * W.loop_a_pseudoscalar(tau)) ** 2
    np.testing.assert_allclose(a["gamma_gamma"] / b["gamma_gamma"], ratio, rtol=1e-12)
    # an independent value: below 2 m_mu B1 -> -m^2/(12 m_mu^2) (Bauer, Neubert, Thamm 2017)
    m = 0.02 * GeV
    expect = ALPHA**2 * m**3 / (64 * math.pi**3) * (g / GeV) ** 2 * (m * m / (12 * M_MU**2)) ** 2
    assert float(alp.widths(m, g)["gamma_gamma"]) == pytest.approx(expect, rel=0.02)
    y_alp, _ = M.yield_per_g2(ms, "2022", spin="pseudoscalar")
    # the same process: both declared invisible, the limits agree through g_P = g m_mu
    from dataclasses import replace
    la = M.coupling_limit(replace(alp, invisible=True), 0.01 * GeV, decays="invisible")
    lp = M.coupling_limit(ps, 0.01 * GeV, decays="invisible")
    assert la.coupling * M_MU / GeV == pytest.approx(lp.coupling, rel=1e-12)
    assert np.all(y_alp > 0)


def test_alp_photon_width_and_production():
    """Gamma(a -> gamma gamma) = g^2 m^3/(64 pi) (the ALP literature's normalisation), and the
    yield per g^2 is the photon-fusion sigma times (1 + R), R the thick target's real photons."""
    from mucast.processes.alp import production, secondary
    alp = get_model("alp-photon")
    m, g = 0.05 * GeV, 2e-3
    assert float(alp.widths(m, g)["gamma_gamma"]) == pytest.approx(
        (g / GeV) ** 2 * m**3 / (64 * math.pi), rel=1e-14)
    assert alp.production == "photon-fusion" and float(alp.g_mu(g)) == 0.0
    s = M.setup("2022")
    y1, _ = M.yield_per_g2(np.array([m]), s, spin="pseudoscalar", mechanism="photon-fusion")
    sig = production.production([m], s.energy, s.target, s.x_min).sigma_per_g2[0]
    thickness = s.nuclei_per_area / s.target.nuclei_per_volume()
    r = secondary.secondary_ratio([m], s.energy, s.target, thickness, s.x_min).ratio[0]
    assert 0.005 < r < 0.02
    lum = s.mot_efficiency(np.array([m]), "pseudoscalar")[0] * (1 - s.pileup_loss) * s.nuclei_per_area
    assert y1[0] == pytest.approx(lum * sig * (1 + r), rel=1e-12)


def test_alp_photon_region_closes_and_its_edges_solve_the_yield():
    """2022 at 3 MeV: a closed region; at both edges the expected signal is N_up; 0.01 GeV: no
    coupling is excluded (the abstract of arXiv:2501.06294: no new g_agg space from 2022)."""
    r = M.coupling_limit("alp-photon", 0.003 * GeV)
    assert r.status == "ok" and r.coupling_upper is not None
    assert 3e-3 < r.coupling < 2e-2 and r.coupling < r.coupling_upper
    s = M.setup("2022")
    alp = get_model("alp-photon")
    y1, _ = M.yield_per_g2(np.array([0.003 * GeV]), s, spin="pseudoscalar",
                           mechanism="photon-fusion")
    C, inv1 = 0.0, 0.0
    V1 = float(alp.total_width(0.003 * GeV, 1.0))
    esc = _escape_yields(alp, np.array([0.003 * GeV]), s, y1,
                           (np.array([C]), np.array([inv1]), np.array([V1])), (0.1, "E2", ALPHA))[0]
    for edge in (r.coupling, r.coupling_upper):
        assert float(esc(np.array([edge]))[0]) == pytest.approx(r.n_up, rel=1e-6)
    assert M.coupling_limit("alp-photon", 0.01 * GeV).status == "no-limit"


def test_alp_presets_through_the_cli(capsys):
    for name in ("alp-photon", "alp-muon"):
        assert main(["xsec", name, "--mass", "0.05", "--coupling", "1e-2", "--json"]) == 0
        x = json.loads(capsys.readouterr().out)
        assert x["sigma_pb"] > 0 and x["widths"]["gamma_gamma_GeV"] > 0
        assert main(["limit", name, "--mass", "0.003", "--json"]) == 0
        lim = json.loads(capsys.readouterr().out)
        assert lim["decays"] == "computed" and lim["coupling"] is not None
        assert main(["curve", name, "--mass-min", "0.003", "--mass-max", "0.3", "--points", "3",
                     "--json"]) == 0
        cur = json.loads(capsys.readouterr().out)
        assert len(cur["coupling_upper"]) == 3 and cur["coupling"][0] == pytest.approx(
            lim["coupling"], rel=1e-12)
        # with decays 'invisible' an ALP has no invisible final state: said, not a number
        assert main(["limit", name, "--mass", "0.05", "--decays", "invisible", "--json"]) == 0
        inv = json.loads(capsys.readouterr().out)
        assert inv["coupling"] is None and any("no invisible decay" in w for w in inv["warnings"])


def test_alp_model_constraints():
    from mucast.exceptions import InputError
    with pytest.raises(InputError, match="pseudoscalar"):
        MediatorModel("x", "scalar", {}, photon_coupling=1.0 / GeV)
    with pytest.raises(InputError, match="either lepton or photon"):
        MediatorModel("x", "pseudoscalar", {"mu": 1.0}, photon_coupling=1.0 / GeV)
    with pytest.raises(InputError, match="derivative"):
        MediatorModel("x", "vector", {"mu": 1.0}, coupling_form="derivative")
