"""Tests of mucast.events.detector: the config loader, the facts of seed 001 built into the model,
and the physics pieces (Highland, energy loss, largest radiative loss)."""

import copy

import numpy as np
import pytest

from mucast.events import detector as D
from mucast._io import data_path, read_toml
from mucast.events import generate_zprime
from mucast.exceptions import DataFileError, UnknownNameError
from mucast.units import GeV, MeV, cm, m, mm, mrad


@pytest.fixture(scope="module")
def cfg():
    return D.DetectorConfig.default()


def test_every_number_has_a_source(cfg):
    s = cfg.summary()
    for entry in s.values():
        if isinstance(entry, dict):
            assert entry["source"].strip()
    assert "ASSUMPTION" in cfg.sources["s4_to_smu"]
    assert "FIT" in cfg.sources["ecal_to_magnet"]
    assert "seed 001" in cfg.sources["bending_power"]


def test_lever_arm_reproduces_mean_deflection_at_s4(cfg):
    # seed 001: 160 GeV mean deflected position at S4 = -12.0 mm
    assert cfg.kick(160 * GeV) * cfg.magnet_to_s4 == pytest.approx(-12.0 * mm)
    assert cfg.magnet_to_s4 == pytest.approx(4.575 * m, rel=1e-3)
    assert cfg.target_length == pytest.approx(22.4 * cm)


def test_unscattered_beam_rarely_triggers(cfg):
    # seed 001: 'by design, most unscattered beam muons do not pass through S4 and Smu'
    n = 20000
    pv = np.tile([0.0, 0.0, 160 * GeV], (n, 1))
    r = D.simulate_muons(pv, 160 * GeV, cfg, np.random.default_rng(1), geometry_only=True)
    for t in ("t1", "t2"):
        assert r.passed[t].mean() < 1e-3


def test_trigger_closer_to_zero_line_accepts_more(cfg):
    r = D.simulate(generate_zprime(0.1 * GeV, 20000, seed=3), cfg, np.random.default_rng(2))
    assert r.passed["t2"].sum() > r.passed["t1"].sum() > 0
    flow = r.cutflow("t1")
    assert flow["generated"] == 20000 and flow["trigger t1"] == int(r.passed["t1"].sum())


def test_highland_formula():
    # 10 GeV muon through 1 X0: 13.6 MeV / 10 GeV = 1.36 mrad
    assert float(D.highland(1.0, 10 * GeV)) == pytest.approx(1.36 * mrad)
    assert float(D.highland(0.0, 10 * GeV)) == 0.0


def test_mean_energy_loss_in_target(cfg):
    c = cfg.replace(b_radiative=1e-30 * cm**2 / (1.0), resolution=1e-9)
    n = 40000
    pv = np.tile([0.0, 0.0, 50 * GeV], (n, 1))
    r = D.simulate_muons(pv, 160 * GeV, c, np.random.default_rng(3))
    # uniform vertex: mean path L/2 -> mean loss 12.73 MeV/cm x 11.2 cm = 0.1426 GeV
    assert np.mean(50 * GeV - r.p_out) == pytest.approx(12.73 * MeV / cm * 11.2 * cm, rel=0.02)


def test_largest_loss_model():
    rng = np.random.default_rng(4)
    bX = 0.02
    v = D._largest_loss(bX, rng, 200000)
    for vc in (0.01, 0.1, 0.5):
        assert np.mean(v > vc) == pytest.approx(1 - vc**bX, rel=0.05)


def _doc():
    return read_toml(data_path("detector/na64mu_2022.toml"))


@pytest.mark.parametrize("edit, match", [
    (lambda d: d["beam"]["sigma_x"].pop("source"), "source"),
    (lambda d: d["beam"]["sigma_x"].update(unit="cm"), "unit"),
    (lambda d: d["beam"].update(colour={"value": 1, "unit": "", "source": "x"}), "unknown key"),
    (lambda d: d["spectrometer"].pop("bending_power"), "missing the required key 'bending_power'"),
    (lambda d: d["selection"]["pileup_loss"].update(value=1.5), "< 1"),
    (lambda d: d["target"]["dedx"].update(value=-1.0), "> 0"),
    (lambda d: d.pop("trigger"), "trigger"),
    # strict as every input file (issue 17 §3): these were silently ignored or coerced
    (lambda d: d.update(calibraton={}), "unknown table 'calibraton' .*'calibration'"),
    (lambda d: d["trigger"][0].update(smu_y={"value": 1, "unit": "mm", "source": "x"}),
     r"\[\[trigger\]\] t1: unknown key 'smu_y'"),
    (lambda d: d["setup"].update(nmae="x"), "unknown key 'nmae' .*'name'"),
    (lambda d: d["setup"].update(name={"a": 1}), "name must be a string"),
    (lambda d: d["beam"]["sigma_x"].update(soruce="y"), "unknown key 'soruce'"),
    (lambda d: d["beam"]["sigma_x"].update(value=True), "finite number"),
])
def test_malformed_config(edit, match):
    d = copy.deepcopy(_doc())
    edit(d)
    with pytest.raises(DataFileError, match=match):
        D.DetectorConfig.from_dict(d, "bad.toml")


def test_config_file_errors(tmp_path):
    with pytest.raises(DataFileError):
        D.DetectorConfig.from_file(tmp_path / "missing.toml")
    p = tmp_path / "bad.toml"
    p.write_text("[setup\n")
    with pytest.raises(DataFileError):
        D.DetectorConfig.from_file(p)
    with pytest.raises(UnknownNameError):
        D.variant("1999")
    with pytest.raises(UnknownNameError):
        D.DetectorConfig.default().replace(warp_drive=1.0)


def test_variants():
    fut = D.variant("future")
    base = D.DetectorConfig.default()
    assert fut.target_length == pytest.approx(3 * base.target_length)
    assert len(fut.triggers) == 1 and "ASSUMPTION" in D.VARIANTS["future"][1]


def test_angular_acceptance_peak_moves_with_distance(cfg):
    # the fit of the ECAL-MS2 distance relies on this monotonic behaviour
    d, rows = D.fit_ecal_to_magnet(cfg, grid=[2.0 * m, 3.0 * m])
    assert rows[0, 1] > 1e-2 > rows[1, 1]
    assert 2.0 * m < d < 3.0 * m
