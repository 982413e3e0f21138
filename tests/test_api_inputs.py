"""The Python API obeys the CLI's rules (second audit): bad input raises a one-line mucast
exception naming the argument, never a bare TypeError/ValueError/IndexError/AttributeError/
OverflowError from deep inside, and never a silent wrong number."""

import numpy as np
import pytest

from mucast.exceptions import InputError
from mucast.models.mediator import get_model
from mucast.units import GeV


def _one_line(exc_info):
    msg = str(exc_info.value)
    assert "\n" not in msg and msg
    return msg


# -- 1. g-2 and decays of models the CLI's gm2 refuses --------------------------------------
def test_millicharge_has_no_gm2_nor_decays():
    m = get_model("millicharge")
    with pytest.raises(InputError) as e:
        m.delta_a_mu(0.1 * GeV, 1e-3)
    assert _one_line(e) == ("millicharge: the mediator is the photon; mucast has no g-2"
                            " prediction for it")
    for call in (lambda: m.decays(0.1 * GeV, 1e-3), lambda: m.widths(0.1 * GeV, 1e-3),
                 lambda: m.total_width(0.1 * GeV, 1e-3),
                 lambda: m.branching_invisible(0.1 * GeV, 1e-3)):
        with pytest.raises(InputError) as e:
            call()
        assert _one_line(e).startswith("millicharge: the mediator is the photon;")
    # off shell, a virtual photon of mass k (the pair's spectral function) still has widths
    w = m.widths(0.3 * GeV, 1e-3, mediator_mass=0.0)
    assert w["chi"] > 0


def test_alp_photon_has_no_one_loop_gm2():
    with pytest.raises(InputError) as e:
        get_model("alp-photon").delta_a_mu(0.1 * GeV, 1e-3)
    assert "two loops, Barr-Zee" in _one_line(e)


def test_cli_gm2_messages_unchanged(capsys):
    from mucast.cli import main
    for model, text in (("millicharge", "millicharge: the mediator is the photon; mucast has no"
                                        " g-2 prediction for it"),
                        ("alp-photon", "alp-photon: no muon coupling, so no one-loop Delta a_mu")):
        assert main(["gm2", "--model", model, "--mass", "0.1", "--coupling", "1e-3"]) == 2
        assert text in capsys.readouterr().err


# -- 3. inputs that escaped as TypeError/ValueError/IndexError/AttributeError/OverflowError ----
def _refused(call, *words, exc=InputError):
    with pytest.raises(exc) as e:
        call()
    msg = _one_line(e)
    for w in words:
        assert w in msg, msg
    return msg


def test_limit_masses_are_numbers_in_a_1d_array():
    from mucast.inference import mediators as M
    from mucast.inference.curves import limit_curve
    _refused(lambda: M.coupling_limit("lmu-ltau", [0.1]), "mass must be a number")
    # "0.1" was read as 0.1 MeV in hepunits and gave a limit at 1e-4 GeV
    _refused(lambda: M.coupling_limit("lmu-ltau", "0.1"), "mass must be a number")
    _refused(lambda: M.coupling_limit("lmu-ltau", None), "mass must be a number")
    _refused(lambda: M.coupling_limit_scan("lmu-ltau", np.array([[0.1, 0.2]]) * GeV),
             "masses", "1-D", "(1, 2)")
    _refused(lambda: M.coupling_limit_scan("lmu-ltau", "abc"), "masses must be")
    _refused(lambda: M.coupling_limit_scan("lmu-ltau", []), "masses must not be empty")
    _refused(lambda: limit_curve("lmu-ltau", ["a"]), "masses must be")
    _refused(lambda: M.signal_yield("lmu-ltau", "0.1", 1e-3), "mass must be a number")
    _refused(lambda: M.sigma_signal_region("lmu-ltau", "0.1", 1e-3), "mass must be a number")
    _refused(lambda: M.sigma_signal_region("lmu-ltau", 0.1 * GeV, "1e-3"), "coupling must be")


def test_eft_mass_scan_takes_a_1d_array():
    from mucast.inference.scans import eft_mass_scan
    _refused(lambda: eft_mass_scan("LN_22", "2023-24", np.array([[0.1, 0.2]]) * GeV), "masses",
             "1-D")
    _refused(lambda: eft_mass_scan("LN_22", "2023-24", "abc"), "masses")


def test_model_masses_are_numbers():
    m = get_model("lmu-ltau")
    _refused(lambda: m.widths("0.5", 1e-3), "mass must be")       # was 0.5 MeV
    _refused(lambda: m.widths(None, 1e-3), "mass must be")        # was array([nan])
    _refused(lambda: m.branching_invisible(0.1 * GeV, "1e-3"), "coupling must be")
    _refused(lambda: m.delta_a_mu("0.1", 1e-3), "mass must be")


def test_eft_targets_by_name():
    from mucast.experiments.targets import Target
    from mucast.processes.eft import production as eft
    model = eft.EFTModel({"ll_2233": 1 / GeV**2})
    a = eft.differential_cross_section(model, 0.8, 0.25 * GeV**2, 160 * GeV, "Pb")
    b = eft.differential_cross_section(model, 0.8, 0.25 * GeV**2, 160 * GeV,
                                       Target.from_name("Pb"))
    assert float(a) == float(b) > 0
    assert eft.cross_section(model, 160 * GeV, "Pb").value == \
        eft.cross_section(model, 160 * GeV, Target.from_name("Pb")).value
    from mucast.exceptions import UnknownNameError
    _refused(lambda: eft.cross_section(model, 160 * GeV, "Pbx"), "unknown target",
             exc=UnknownNameError)


def test_orders_must_be_orders():
    from mucast.inference.limits import bound
    _refused(lambda: bound("ll_2233", orders=[1, 2]), "orders must be a mucast.integrate.Orders")


def test_exact_cross_section_arguments():
    from mucast.exceptions import KinematicsError
    from mucast.processes.mediators import exact
    args = ("vector", 0.1 * GeV, 1.0, 160 * GeV, "Pb")
    _refused(lambda: exact.cross_section(*args, theta_max="0.1"), "theta_max must be a number")
    _refused(lambda: exact.cross_section(*args, x_min=0.5, x_max=0.2), "empty x range",
             exc=KinematicsError)
    _refused(lambda: exact.cross_section(*args, x_min=float("nan")), "x_min must be finite")
    _refused(lambda: exact.cross_section(*args, x_max=1e-9), "empty x range",
             exc=KinematicsError)
    _refused(lambda: exact.cross_section("vector", 0.1 * GeV, 1e200, 160 * GeV, "Pb"),
             "coupling must be in (0, 1e+06]")
    _refused(lambda: exact.cross_section(*args, neval=0), "neval must be an integer in")
    _refused(lambda: exact.cross_section(*args, neval=10), "neval must be an integer in")
    _refused(lambda: exact.cross_section(*args, max_iterations=0), "max_iterations")
    _refused(lambda: exact.cross_section(*args, method=["fast"]), "method must be one of")


# -- 2. a scan's JSON keeps every mass and the excluded region's upper edge -------------------
def test_scan_to_dict_keeps_every_mass_and_the_upper_edge():
    import json
    from mucast.inference import mediators as M
    d = M.coupling_limit_scan("muon-scalar", np.array([0.01, 0.05, 0.1]) * GeV).to_dict()
    assert d["status"] == ["ok"] * 3 and d["production"] == ["on-shell"] * 3
    # the regions close (decays in flight): the JSON showed their lower edges only
    assert d["coupling_upper"] == pytest.approx([1.65, 0.046, 0.0081], rel=0.01)
    d = M.coupling_limit_scan("lmu-ltau", np.array([0.1, 50.0]) * GeV).to_dict()
    assert d["mass_GeV"] == [0.1, 50.0] and d["mass_GeV_with_limit"] == [0.1]
    assert d["coupling"][0] > 0 and d["coupling"][1] is None
    assert d["coupling_upper"] == [None, None] and d["status"] == ["ok", "no-efficiency"]
    assert len(d["yield_at_g1"]) == len(d["branching_invisible"]) == 2
    assert any("m = 50 GeV" in w for w in d["warnings"])
    json.loads(json.dumps(d, allow_nan=False))        # strict JSON: null, never NaN
    dark = M.coupling_limit_scan(M.legacy_zprime_model("dark"), np.array([0.1, 50.0]) * GeV)
    d = dark.to_dict()
    assert len(d["m_chi_GeV"]) == 2 and d["y"][0] > 0 and d["y"][1] is None


# -- 4. the exact engine says when it stopped above the requested error -----------------------
def test_exact_result_warns_when_rtol_is_not_reached():
    from mucast.processes.mediators import exact
    r = exact.cross_section("vector", 0.1 * GeV, 1.0, 160 * GeV, "Pb", rtol=1e-6,
                            max_iterations=2)
    rel = r.uncertainty / r.value
    assert rel > 1e-4
    assert r.warnings == (f"the exact engine stopped at a relative error of {rel:.2g}, above the"
                          " requested rtol = 1e-06 (its iteration limit): the error quoted is"
                          " the one reached",)
    assert r.to_dict()["warnings"] == list(r.warnings)
    ok = exact.cross_section("vector", 0.1 * GeV, 1.0, 160 * GeV, "Pb", rtol=0.05)
    assert ok.warnings == () and ok.to_dict()["warnings"] == []


# -- 5. long mass scans: the (masses x x-nodes x u-nodes) arrays are built in chunks -----------
def test_sigma_per_g2_memory_is_bounded_and_chunks_move_no_number(monkeypatch):
    import tracemalloc
    from mucast.processes.mediators import production as P
    m = np.geomspace(0.005, 4.0, 2000) * GeV
    P.cross_section_per_g2(m[:3])
    tracemalloc.start()
    try:
        full = P.cross_section_per_g2(m)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / m.size < 30_000          # bytes per mass: 89 kB in one pass
    x, w = P.x_spectrum(m[:200])
    monkeypatch.setattr(P, "MASS_CHUNK", 7)  # chunk edges inside the arrays: bit-identical
    small = P.cross_section_per_g2(m)
    assert np.array_equal(full[0], small[0]) and np.array_equal(full[1], small[1])
    x7, w7 = P.x_spectrum(m[:200])
    assert np.array_equal(x, x7) and np.array_equal(w, w7)
