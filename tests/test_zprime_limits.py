"""Tests of mucast.inference.mediators for seed 001's Z′: Eq. (1), statistics, coupling limits,
scans, and the `limit zprime` CLI (mucast 0.2 interface)."""

import json
import math

import numpy as np
import pytest
from scipy.stats import norm

from mucast.inference import stats
from mucast.inference import mediators as zl
from mucast.experiments.acceptance import EfficiencyTable
from mucast.exceptions import InputError, KinematicsError, UnknownNameError
from mucast.processes.mediators import production as Z
from mucast.units import GeV, MeV


def test_setup_2022_from_data_files():
    s = zl.setup("2022")
    assert [t.mot for t in s.triggers] == [11.7e9, 8.1e9]
    assert s.mot == pytest.approx(1.98e10)
    assert (s.background, s.background_uncertainty, s.pileup_loss, s.x_min) == (0.07, 0.03, 0.13, 0.5)
    for t in s.triggers:
        assert isinstance(t.efficiency, EfficiencyTable)
        assert t.efficiency.spins == ("vector", "axial", "scalar", "pseudoscalar")


def test_efficiency_tables_level_and_ordering():
    ms = np.geomspace(1 * MeV, 3 * GeV, 60)
    t1, t2 = zl.setup("2022").triggers
    # the configuration closer to the zero line (-117 mm) accepts more at every mass
    assert np.all(t2.efficiency(ms) >= t1.efficiency(ms))
    # seed 001: the final efficiency (incl. pile-up and the x >= 0.5 cut) peaks at ~12%
    fe = zl.final_efficiency(ms)
    assert fe.max() == pytest.approx(0.12, rel=0.02)
    assert 0.1 * GeV < ms[np.argmax(fe)] < 1.5 * GeV


def test_yield_formula_eq1():
    m, g = 100 * MeV, 1e-3
    s = zl.setup("2022")
    sig, _ = Z.cross_section_per_g2(np.array([m]), s.energy, s.target, "ww", 0.5)
    expect = sum(t.mot * float(t.efficiency(m)) for t in s.triggers) * (1 - 0.13) \
        * s.nuclei_per_area * sig[0] * g**2
    y = zl.signal_yield("lmu-ltau", m, g)
    assert y.value == pytest.approx(expect, rel=1e-12)
    assert zl.signal_yield("lmu-ltau", m, 2 * g).value / y.value == pytest.approx(4, rel=1e-12)


def test_cls_asymptotic_zero_events():
    """Asymptotic CLs for n = 0: q~ = 2 mu and q_A -> 2 mu as b -> 0, so CLs = 2(1 - Phi(sqrt(2 mu)))
    = 0.1 gives mu = Phi^-1(0.95)^2 / 2 = 1.353 (not the exact 2.30: asymptotics undercover)."""
    tiny = zl.SignalSetup("t", 1.0, None, 1.0, (), 0, 1e-9, 0.0, 0.0, 0.0, 0.0, 0.5)
    n_up = zl.events_upper_limit(tiny, "cls-asymptotic")
    assert n_up == pytest.approx(norm.ppf(0.95) ** 2 / 2, rel=2e-3)
    assert zl.events_upper_limit(tiny, "cls-exact") == pytest.approx(-math.log(0.1), rel=1e-9)


def test_cls_vs_fc_2022():
    cls = zl.events_upper_limit("2022", "cls-asymptotic")
    fc = zl.events_upper_limit("2022", "fc")
    exact = zl.events_upper_limit("2022", "cls-exact")
    assert cls == pytest.approx(1.442, abs=0.005)           # pyhf, b = 0.07 +- 0.03, 8% + 1%
    assert fc == pytest.approx(stats.feldman_cousins_upper_limit(0, 0.07), rel=1e-12)
    assert 2.3 < fc < 2.44 and exact == pytest.approx(2.3026, abs=1e-4)
    g_cls = zl.coupling_limit("lmu-ltau", 50 * MeV, method="cls-asymptotic").coupling
    g_fc = zl.coupling_limit("lmu-ltau", 50 * MeV, method="fc").coupling
    assert g_fc / g_cls == pytest.approx(math.sqrt(fc / cls), rel=1e-10)


def test_pyhf_grows_with_observed_events():
    base = zl.setup("2022")
    one = zl.SignalSetup(**{**base.__dict__, "observed": 2})
    assert zl.events_upper_limit(one, "cls-asymptotic") > zl.events_upper_limit(base, "cls-asymptotic") + 1


def test_coupling_scales_as_inverse_sqrt_mot():
    s = zl.setup("2022")
    g1 = zl.coupling_limit("lmu-ltau", 30 * MeV, s).coupling
    g2 = zl.coupling_limit("lmu-ltau", 30 * MeV, s.replace_mot(16.0)).coupling
    assert g1 / g2 == pytest.approx(4.0, rel=1e-12)


def test_scan_consistency():
    """The vectorised scan and a single limit agree (speed: benchmarks/bench_zprime.py)."""
    ms = np.geomspace(1 * MeV, 3 * GeV, 200)
    r = zl.coupling_limit_scan("lmu-ltau", ms, "2022")
    assert np.all(r.valid)
    single = zl.coupling_limit("lmu-ltau", ms[77], "2022")
    assert single.coupling == pytest.approx(r.coupling[77], rel=1e-12)
    json.dumps(r.to_dict())


def test_dark_model_solves_weak_g_dependence():
    m = 600 * MeV
    dark = zl.legacy_zprime_model("dark")
    r = zl.coupling_limit(dark, m)
    y = zl.signal_yield(dark, m, r.coupling)
    assert y.value == pytest.approx(r.n_up, rel=1e-9)
    assert 0.99 < r.branching_invisible < 1
    rv = zl.coupling_limit("lmu-ltau", m)
    assert rv.coupling > r.coupling                     # vanilla Br_inv ~ 1/2 above 2 m_mu
    assert r.y == pytest.approx(zl.thermal_y(r.coupling), rel=1e-12)
    assert r.y == pytest.approx((0.05 * r.coupling) ** 2 / 81, rel=1e-12)


def test_errors():
    with pytest.raises(UnknownNameError, match="data set"):
        zl.coupling_limit("lmu-ltau", 0.1 * GeV, "2019")
    with pytest.raises(UnknownNameError, match="model"):
        zl.coupling_limit("hidden", 0.1 * GeV)
    with pytest.raises(UnknownNameError, match="model"):
        zl.legacy_zprime_model("hidden")
    with pytest.raises(UnknownNameError, match="method"):
        zl.coupling_limit("lmu-ltau", 0.1 * GeV, method="bayes")
    with pytest.raises(InputError, match="mass"):
        zl.coupling_limit("lmu-ltau", -0.1 * GeV)
    with pytest.raises(KinematicsError, match="no signal efficiency"):
        zl.coupling_limit("lmu-ltau", 10 * GeV)
    with pytest.raises(InputError, match="coupling"):
        zl.signal_yield("lmu-ltau", 0.1 * GeV, 0.0)
    r = zl.coupling_limit_scan("lmu-ltau", np.array([0.1, 10.0]) * GeV)
    assert r.valid.tolist() == [True, False] and np.isinf(r.coupling[1])


# ---------------------------------------------------------------------------------- CLI, plot
def _parser():
    import argparse
    from mucast.cli import mediators as cli_zprime
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command")
    cli_zprime.add_xsec(sub.add_parser("xsec").add_subparsers(dest="process"))
    cli_zprime.register(sub)
    return p


def _run(argv, capsys):
    args = _parser().parse_args(argv)
    args.func(args)
    out = capsys.readouterr().out
    assert out.count("\n") == 1
    return json.loads(out)


def test_cli_commands(capsys):
    d = _run(["xsec", "zprime", "--mass", "0.1", "--coupling", "1e-3", "--json"], capsys)
    assert d["sigma_pb"] == pytest.approx(10382.6, rel=1e-4)
    d = _run(["limit", "zprime", "--dataset", "2022", "--model", "vanilla", "--mass", "0.04",
              "--json"], capsys)
    assert 5e-4 < d["coupling"] < 8e-4 and d["method"] == "cls-asymptotic"
    assert "under-cover" in d["warnings"][0]
    d = _run(["limit", "zprime", "--dataset", "2022", "--model", "dark", "--mass", "0.12",
              "--method", "fc", "--json"], capsys)
    assert d["y"] > 0
    d = _run(["gm2", "--mass", "0.01", "--coupling", "5e-4", "--json"], capsys)
    assert 2e-9 < d["delta_a_mu"] < 3e-9


@pytest.mark.parametrize("argv", [
    ["xsec", "zprime", "--mass", "-1", "--coupling", "1e-3"],
    ["xsec", "zprime", "--mass", "200", "--coupling", "1e-3"],
    ["xsec", "zprime", "--mass", "0.1", "--coupling", "0"],
    ["limit", "zprime", "--mass", "20"],
    ["gm2", "--mass", "0", "--coupling", "1e-3"],
])
def test_cli_bad_input_raises_mucast_error(argv, capsys):
    # refused by the option's type (range) or by the library: exit 2, one line, no traceback
    from mucast.cli import main
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err and "Traceback" not in err


def test_plot_files(tmp_path):
    from mucast.outputs import plots
    res = plots.zprime_results(points=20)
    png, pdf = plots.plot_zprime(res, out=tmp_path / "fig.png")
    assert png.stat().st_size > 10_000 and pdf.stat().st_size > 5_000
    # issue 10: one rule for output paths everywhere: missing folders are created
    png, _ = plots.plot_zprime(res, out=tmp_path / "missing" / "fig")
    assert png.is_file()


def test_plot_zprime_with_overlay(tmp_path, capsys):
    """Issue 13 §6: Fig. 4 takes user curves (BaBar, Borexino, ... cannot be computed here)."""
    from mucast.cli import main
    ov = tmp_path / "babar.csv"
    ov.write_text("# label: BaBar (user)\nmass_GeV,coupling\n0.2,1e-3\n1,1e-3\n5,2e-3\n")
    assert main(["plot", "zprime", "--points", "12", "--overlay", str(ov), "--out",
                 str(tmp_path / "f"), "--json"]) == 0
    assert (tmp_path / "f.png").stat().st_size > 10_000
    bad = tmp_path / "bad.csv"
    bad.write_text("m,g\n0.2,1e-3\n1,1e-3\n")
    capsys.readouterr()
    assert main(["plot", "zprime", "--overlay", str(bad), "--out", str(tmp_path / "g")]) == 2
    assert "columns" in capsys.readouterr().err and not (tmp_path / "g.png").exists()
