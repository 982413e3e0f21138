"""Every preset end to end, from the CLI and from Python (issue 11, "Done when"): xsec, gm2 (where
defined), limit and curve, with the JSON keys the issue names; the user's model file; the
relations between presets that must hold exactly."""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest

from mucast.cli import main
from mucast.constants import ALPHA
from mucast.inference import mediators as med
from mucast.inference.curves import limit_curve
from mucast.models.mediator import PRESETS, get_model
from mucast.processes.mediators import production
from mucast.units import GeV, picobarn

ALL = list(PRESETS) + ["zprime"]
EXAMPLE = str(resources.files("mucast") / "data" / "models" / "example.toml")


def run(capsys, argv):
    code = main(argv + ["--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.count("\n") == 1
    return json.loads(out)


#: a mass where each preset has a limit in 2022 with its default decays (a photon-coupled ALP
#: excludes couplings only below ~5 MeV: it decays inside the set-up above)
MASS = {"alp-photon": 0.003}


@pytest.mark.parametrize("name", ALL)
def test_cli_every_command_of_every_preset(capsys, name):
    mass = MASS.get(name, 0.1)
    x = run(capsys, ["xsec", name, "--mass", str(mass), "--coupling", "1e-3"])
    assert x["sigma_pb"] > 0 and math.isfinite(x["sigma_pb"])
    lim = run(capsys, ["limit", name, "--mass", str(mass)])
    assert 0 < lim["coupling"] < 1
    cur = run(capsys, ["curve", name, "--mass-min", str(mass / 10), "--mass-max", str(mass * 10),
                       "--points", "3"])
    assert set(cur) >= {"mass_GeV", "coupling", "coupling_upper"} and len(cur["coupling"]) == 3
    # the middle mass: a vectorised pass and a single mass sum in another order; an edge found by
    # Brent's method (ln g to 1e-10) can move by that much
    assert cur["coupling"][1] == pytest.approx(lim["coupling"], rel=1e-9)
    assert (cur["coupling_upper"][1] is None) == (lim["coupling_upper"] is None)
    if lim["coupling_upper"] is not None:
        assert cur["coupling_upper"][1] == pytest.approx(lim["coupling_upper"], rel=1e-9)
    model = get_model(name)
    if model.mass is not None or model.production == "photon-fusion":
        # the photon (millicharge) and a photon-coupled ALP: no one-loop g-2 from a muon
        # coupling -> one-line error, exit 2
        assert main(["gm2", "--model", name, "--mass", "0.1", "--coupling", "1e-3"]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    else:
        g = run(capsys, ["gm2", "--model", name, "--mass", "0.1", "--coupling", "1e-3"])
        sign = 1 if model.spin in ("vector", "scalar") else -1
        assert np.sign(g["delta_a_mu"]) == sign


@pytest.mark.parametrize("name", PRESETS)
def test_python_every_preset(name):
    """The limit solves N(g) = N_up with the same yield signal_yield computes (decays in flight
    included, each preset's default), at both edges of a closed region."""
    model = get_model(name)
    mass = MASS.get(name, 0.1) * GeV
    r = med.coupling_limit(model, mass)
    for edge in (r.coupling, r.coupling_upper):
        if edge is None:
            continue
        n = med.signal_yield(model, mass, edge, production=r.production).value
        assert n == pytest.approx(r.n_up, rel=1e-6)
    c = limit_curve(model, np.array([mass]))
    assert c["coupling"][0] == pytest.approx(r.coupling, rel=1e-9)


def test_model_file_cli_and_python(capsys):
    lim = run(capsys, ["limit", "model", EXAMPLE, "--mass", "0.1"])
    py = med.coupling_limit(EXAMPLE, 0.1 * GeV)
    assert lim["coupling"] == pytest.approx(py.coupling, rel=1e-12)
    x = run(capsys, ["xsec", "model", EXAMPLE, "--mass", "0.1", "--coupling", "1e-3"])
    assert x["model"]["name"] == "b-l-like-muon-electron"


def test_dark_photon_is_the_zprime_with_g_mu_equal_eps_e():
    """Both are vectors with Br(inv) = 1 at 0.1 GeV (below 2m_μ: the Z′ decays to νν only, the
    dark photon is declared invisible): σ(ε) = σ_Z′(g = εe) and the limits obey ε_up e = g_up."""
    e = math.sqrt(4 * math.pi * ALPHA)
    dp, zp = get_model("dark-photon"), get_model("lmu-ltau")
    s_dp = production.cross_section(0.1 * GeV, float(abs(dp.g_mu(1e-3))), spin="vector").value
    s_zp = production.cross_section(0.1 * GeV, 1e-3 * e).value
    assert s_dp == pytest.approx(s_zp, rel=1e-14)
    eps = med.coupling_limit(dp, 0.1 * GeV).coupling
    g = med.coupling_limit(zp, 0.1 * GeV).coupling
    assert eps * e == pytest.approx(g, rel=1e-9)


def test_g_minus_2_band_only_where_delta_a_positive(capsys):
    out = run(capsys, ["gm2", "--model", "muon-scalar", "--mass", "0.1", "--coupling", "1e-3"])
    assert out["band_2sigma_g_low"] < out["band_g_central"] < out["band_2sigma_g_high"]
    out = run(capsys, ["gm2", "--model", "muon-axial", "--mass", "0.1", "--coupling", "1e-3"])
    assert out["band_2sigma_g_low"] is None


def test_xsec_exact_for_every_spin(capsys):
    """--approx etl for every spin: within 2% of WW (the table in docs/models.md: 0.986–0.997)."""
    for name in ("muon-scalar", "muon-pseudoscalar", "muon-axial", "dark-photon"):
        ww = run(capsys, ["xsec", name, "--mass", "0.3", "--coupling", "1e-3", "--xmin", "0.5"])
        ex = run(capsys, ["xsec", name, "--mass", "0.3", "--coupling", "1e-3", "--xmin", "0.5",
                          "--approx", "etl", "--rtol", "0.003"])
        assert ex["sigma_pb"] / ww["sigma_pb"] == pytest.approx(0.993, abs=0.015)
        assert ex["sigma_error_pb"] / ex["sigma_pb"] <= 0.003
    assert picobarn > 0


def test_limit_warns_when_coupling_exceeds_one(capsys):
    out = run(capsys, ["limit", "millicharge", "--mass", "1"])
    assert out["coupling"] > 1
    assert any("exceeds 1" in w for w in out["warnings"])


def test_xsec_reports_widths_and_both_branching_ratios(capsys):
    """Issue 11 §4: widths to ee, μμ, ττ, νν, χχ and the invisible and visible Br. L_μ−L_τ at
    1 GeV: Γ_μμ = g²M(1 + 2r)β/(12π), Γ_νν = 2 × g²M/(24π) (ν_μ, ν_τ), no ee."""
    d = run(capsys, ["xsec", "lmu-ltau", "--mass", "1", "--coupling", "1e-3"])
    w = d["widths"]
    r = (0.1056583755 / 1.0) ** 2
    assert w["mu_GeV"] == pytest.approx(1e-6 * (1 + 2 * r) * math.sqrt(1 - 4 * r) / (12 * math.pi),
                                        rel=1e-6)
    assert w["nu_mu_GeV"] + w["nu_tau_GeV"] == pytest.approx(2e-6 / (24 * math.pi), rel=1e-12)
    assert w["e_GeV"] == 0 and w["tau_GeV"] == 0
    assert d["branching_invisible"] + d["branching_visible"] == pytest.approx(1.0, abs=1e-15)
    assert d["branching_invisible"] == pytest.approx(
        (w["nu_mu_GeV"] + w["nu_tau_GeV"]) / d["total_width_GeV"], rel=1e-12)


def test_plot_limits_with_overlay(tmp_path, capsys):
    ov = tmp_path / "mine.csv"
    ov.write_text("# label: my curve\nmass_GeV,coupling\n0.01,1e-3\n1,1e-2\n")
    out = tmp_path / "figs" / "scalar"
    d = run(capsys, ["plot", "limits", "muon-scalar", "--dataset", "2022", "--dataset",
                     "m3-phase1", "--points", "12", "--overlay", str(ov), "--out", str(out)])
    files = [tmp_path / "figs" / "scalar.png", tmp_path / "figs" / "scalar.pdf"]
    assert sorted(d["files"]) == sorted(str(f) for f in files)
    assert all(f.stat().st_size > 5000 for f in files)


@pytest.mark.parametrize("content,msg", [
    ("mass,coupling\n0.1,1e-3\n1,1e-2\n", "columns"),
    ("mass_GeV,coupling\n0.1,-1e-3\n1,1e-2\n", "> 0"),
    ("mass_GeV,coupling\n0.1,1e-3\n", "two rows"),
])
def test_plot_limits_bad_overlay_leaves_nothing(tmp_path, capsys, content, msg):
    ov = tmp_path / "bad.csv"
    ov.write_text(content)
    code = main(["plot", "limits", "muon-scalar", "--points", "10", "--overlay", str(ov),
                 "--out", str(tmp_path / "fig")])
    err = capsys.readouterr().err
    assert code == 2 and msg in err and "Traceback" not in err
    assert not list(tmp_path.glob("fig*"))
