"""Malformed inputs at every public entry point (issue 6): each must give a typed
mucast.exceptions error (or, on the command line, exit code 2 with a message on stderr) —
never a traceback, NaN or a silently clipped value.

New cases only (tests/test_data_files.py, test_cli.py, test_stats.py, test_zprime*.py,
test_gm2.py, test_limits.py, test_eft.py cover others). The count is checked at the end.
"""

import math

import numpy as np
import pytest

from mucast import experiments
from mucast.models import gm2
from mucast.inference import scans, stats, yields
from mucast.inference import mediators as zl
from mucast.experiments.acceptance import AcceptanceTable
from mucast.cli import main
from mucast.processes.conventions import Conventions
from mucast.exceptions import (DataFileError, InputError, KinematicsError, MucastError,
                               UnknownNameError)
from mucast.inference.limits import bound
from mucast.processes.eft import production as eft
from mucast.processes.mediators import production as Z
from mucast.models.mediator import MediatorModel, get_model
from mucast.experiments.targets import Target
from mucast.units import GeV, MeV, cm

NAN, INF = float("nan"), float("inf")
PB = Target.from_name("Pb")

# ------------------------------------------------------------------------------ Python API
API_CASES = {
    "bound: m_N = nan": (lambda: bound("LN_22", "2022", m_N=NAN), InputError, "m_N"),
    "bound: cl = 0": (lambda: bound("LN_22", "2022", cl=0.0), InputError, "cl"),
    "bound: cl = 1": (lambda: bound("LN_22", "2022", cl=1.0), InputError, "cl"),
    "bound: cl = 1e-300": (lambda: bound("LN_22", "2022", cl=1e-300), InputError, r"cl must be in \[0.5, 0.999\]"),
    "upper limit: cl = 0.3": (lambda: stats.upper_limit(0, 0.07, cl=0.3), InputError, "cl"),
    "bound: method = bayes": (lambda: bound("LN_22", "2022", method="bayes"), UnknownNameError, "method"),
    "bound: unknown conventions": (lambda: bound("LN_22", conventions="fancy"), UnknownNameError, "conventions"),
    "yield: |C|^2 overflows": (lambda: yields.signal_yield(eft.EFTModel({"ll_2233": 1e200 / GeV**2}), "2022"),
                               InputError, "too large"),
    "EFTModel: m_N a string": (lambda: eft.EFTModel({"LN_22": 1.0}, m_N="1"), InputError, "m_N"),
    "EFTModel: coefficients a list": (lambda: eft.EFTModel([("LN_22", 1.0)]), InputError, "mapping"),
    "EFTModel: coefficient True": (lambda: eft.EFTModel({"LN_22": True}), InputError, "finite number"),
    "eft.cross_section: E = nan": (lambda: eft.cross_section(eft.EFTModel({"LN_22": 1.0}), NAN, PB),
                                   InputError, "beam energy"),
    "eft.cross_section: E < 0": (lambda: eft.cross_section(eft.EFTModel({"LN_22": 1.0}), -160 * GeV, PB),
                                 InputError, "beam energy"),
    "eft.cross_section: E < m_mu": (lambda: eft.cross_section(eft.EFTModel({"LN_22": 1.0}), 50 * MeV, PB),
                                    InputError, "m_mu"),
    "eft.dsigma: x = nan": (lambda: eft.differential_cross_section(eft.EFTModel({"LN_22": 1.0}), NAN, 1.0,
                                                                   160 * GeV, PB), InputError, "finite"),
    "scan: no masses": (lambda: scans.eft_mass_scan("LN_22", "2022", []), InputError, "at least one"),
    "scan: m_N = nan": (lambda: scans.eft_mass_scan("LN_22", "2022", [0.1 * GeV, NAN]), InputError, "finite"),
    "zprime limit: cl = 0": (lambda: zl.coupling_limit("lmu-ltau", 0.1 * GeV, cl=0.0), InputError, "cl"),
    "zprime limit: cl = 1": (lambda: zl.coupling_limit("lmu-ltau", 0.1 * GeV, cl=1), InputError, "cl"),
    "zprime limit: mass = nan": (lambda: zl.coupling_limit("lmu-ltau", NAN), InputError, "mass"),
    "zprime limit: mass < 0": (lambda: zl.coupling_limit("lmu-ltau", -0.1 * GeV), InputError, "mass"),
    "zprime limit: mass beyond the beam": (lambda: zl.coupling_limit("lmu-ltau", 200 * GeV),
                                           KinematicsError, "reach"),
    "zprime limit: dark m_chi = inf": (lambda: zl.legacy_zprime_model("dark", m_chi=INF), InputError, "m_chi"),
    # issue 11: m_chi beyond the beam's reach (m_chi >= m/2 is no longer an error: off shell)
    "zprime limit: dark m_chi beyond the beam": (
        lambda: zl.coupling_limit(zl.legacy_zprime_model("dark", m_chi=90 * GeV), 0.1 * GeV),
        KinematicsError, "m_chi"),
    "zprime limit: vanilla with m_chi": (lambda: zl.legacy_zprime_model("vanilla", m_chi=0.01 * GeV),
                                         InputError, "dark"),
    "zprime limit: dark g_chi < 0": (lambda: zl.legacy_zprime_model("dark", g_chi=-0.05), InputError, "g_chi"),
    "zprime yield: coupling = nan": (lambda: zl.signal_yield("lmu-ltau", 0.1 * GeV, NAN), InputError, "coupling"),
    "zprime yield: coupling < 0": (lambda: zl.signal_yield("lmu-ltau", 0.1 * GeV, -1e-3), InputError, "coupling"),
    "zprime xsec: x_min = 1": (lambda: Z.cross_section(0.1 * GeV, 1e-3, x_min=1.0), InputError, "x_min"),
    "zprime xsec: x_min = nan": (lambda: Z.cross_section(0.1 * GeV, 1e-3, x_min=NAN), InputError, "x_min"),
    "zprime xsec: coupling 1e200": (lambda: Z.cross_section(0.1 * GeV, 1e200), InputError, "too large"),
    "zprime xsec: theta_max = nan": (lambda: Z.cross_section(0.1 * GeV, 1e-3, theta_max=NAN), InputError, "theta_max"),
    "xsec: unknown spin": (lambda: Z.cross_section(0.1 * GeV, 1e-3, spin="tensor"), UnknownNameError, "spin"),
    "model: unknown preset": (lambda: get_model("axion"), UnknownNameError, "presets"),
    "model: coupling to a quark": (lambda: MediatorModel("x", "vector", {"mu": 1.0, "u": 1.0}),
                                   InputError, "u"),
    "model: scalar to neutrinos": (lambda: MediatorModel("x", "scalar", {"mu": 1.0, "nu_mu": 1.0}),
                                   InputError, "neutrinos"),
    "model: axial with scalar DM": (lambda: get_model("muon-axial").with_dark("scalar"), InputError, "axial"),
    "model: pseudoscalar with scalar DM": (lambda: get_model("muon-pseudoscalar").with_dark("scalar"),
                                           InputError, "pseudoscalar"),
    "model: splitting for Dirac": (lambda: get_model("dark-photon").with_dark("dirac", splitting=0.1),
                                   InputError, "splitting"),
    "model: muon coupling nan": (lambda: MediatorModel("x", "vector", {"mu": NAN}), InputError, "mu"),
    "model: width of nan mass": (lambda: get_model("lmu-ltau").total_width(NAN, 1e-3), InputError, "mass"),
    "model: Br at infinite coupling": (lambda: get_model("lmu-ltau").branching_invisible(0.1 * GeV, INF),
                                       InputError, "coupling"),
    "gm2: coupling 1e200": (lambda: gm2.delta_a_mu(0.1 * GeV, 1e200), InputError, "too large"),
    "gm2: mass = inf": (lambda: gm2.delta_a_mu(INF, 1e-3), InputError, "mass"),
    "gm2 band: no masses": (lambda: gm2.gm2_band([]), InputError, "at least one"),
    "conventions: theta_max = 0": (lambda: Conventions(theta_max=0.0), InputError, "theta_max"),
    "conventions: theta_max a string": (lambda: Conventions(theta_max="0.1"), InputError, "theta_max"),
    "conventions: ll factor nan": (lambda: Conventions(ll_identical_factor=NAN), InputError, "ll_identical"),
    "experiment: mot a string": (lambda: experiments.get("2022").replace(mot="1e10"), InputError, "mot"),
    "experiment: thickness 0": (lambda: experiments.get("2022").replace(thickness=0.0 * cm), InputError, "thickness"),
    "experiment: beam e-": (lambda: experiments.get("2022").replace(beam_particle="e-"), InputError, "beam_particle"),
    "acceptance: scaled above 1": (lambda: AcceptanceTable.flat(0.5, 3 * GeV).scaled(3.0), DataFileError, "above 1"),
    "acceptance: flat empty range": (lambda: AcceptanceTable.flat(0.5, 0.0), DataFileError, "x_min < x_max"),
    "target: Z = True": (lambda: Target("x", True, 1.0, 1.0), DataFileError, "Z must"),
    "target: A < Z": (lambda: Target("x", 82, 10.0, 1.0), DataFileError, "below Z"),
    "target: density a string": (lambda: Target("x", 82, 207.2, "11.35"), DataFileError, "density"),
}


@pytest.mark.parametrize("name", list(API_CASES))
def test_python_api_rejects(name):
    call, err, msg = API_CASES[name]
    with pytest.raises(err, match=msg):
        call()


# ------------------------------------------------------------------------------ data files
TARGET_OK = 'name = "X"\nZ = 82\nA = 207.2\ndensity_g_cm3 = 11.35\n'
TARGET_CASES = {
    "target file: Z = 0": TARGET_OK.replace("Z = 82", "Z = 0"),
    "target file: Z = 200": TARGET_OK.replace("Z = 82", "Z = 200"),
    "target file: Z = 82.0": TARGET_OK.replace("Z = 82", "Z = 82.0"),
    "target file: A < Z": TARGET_OK.replace("A = 207.2", "A = 50.0"),
    "target file: density 0": TARGET_OK.replace("11.35", "0.0"),
    "target file: density nan": TARGET_OK.replace("11.35", "nan"),
    "target file: density a string": TARGET_OK.replace("11.35", '"heavy"'),
    "target file: no Z": TARGET_OK.replace("Z = 82\n", ""),
}


@pytest.mark.parametrize("name", list(TARGET_CASES))
def test_target_file_rejects(tmp_path, name):
    p = tmp_path / "t.toml"
    p.write_text("[target]\n" + TARGET_CASES[name])
    with pytest.raises(DataFileError):
        Target.from_file(p)


EXP_OK = ('name = "x"\nbeam_energy_GeV = 160.0\ntarget = "Pb"\neffective_thickness_cm = 22.5\n'
          'mot = 1e10\nacceptance = "acceptance/2022.csv"\n')
EXP_CASES = {
    "experiment file: beam e-": (EXP_OK + 'beam_particle = "e-"\n', "beam_particle"),
    "experiment file: mot a string": (EXP_OK.replace("mot = 1e10", 'mot = "1e10"'), "mot must be a number"),
    "experiment file: mot = inf": (EXP_OK.replace("mot = 1e10", "mot = inf"), "mot"),
    "experiment file: mot = nan": (EXP_OK.replace("mot = 1e10", "mot = nan"), "mot"),
    "experiment file: observed = -1": (EXP_OK + "observed = -1\n", "observed"),
    "experiment file: observed = 1.5": (EXP_OK + "observed = 1.5\n", "observed must be an integer"),
    "experiment file: background < 0": (EXP_OK + "background = -0.1\n", "background"),
    "experiment file: thickness 0": (EXP_OK.replace("22.5", "0.0"), "thickness"),
    "experiment file: unknown target": (EXP_OK.replace('"Pb"', '"Unobtainium"'), "unknown target"),
    "experiment file: acceptance missing": (EXP_OK.replace("acceptance/2022.csv", "nope.csv"), "missing"),
    "experiment file: acceptance of the Z'": (EXP_OK.replace("acceptance/2022.csv", "acceptance/approx_zprime_2022_t1.csv"),
                                              "expected columns"),
    "experiment file: inline target Z = 0": (EXP_OK.replace('target = "Pb"\n', "")
                                             + "[target]\n" + TARGET_OK.replace("Z = 82", "Z = 0"), "Z must"),
}


@pytest.mark.parametrize("name", list(EXP_CASES))
def test_experiment_file_rejects(tmp_path, name):
    body, msg = EXP_CASES[name]
    head, _, tail = body.partition("[target]")
    text = "[experiment]\n" + head + (("[target]" + tail) if tail else "")
    p = tmp_path / "e.toml"
    p.write_text(text)
    with pytest.raises((DataFileError, UnknownNameError), match=msg):
        experiments.get(str(p))


@pytest.mark.parametrize("content,msg", [
    (b"", "cannot read|not valid|missing the required table"),
    (bytes(range(256)) * 4, "cannot read|not valid"),
])
def test_experiment_file_empty_or_binary(tmp_path, content, msg):
    p = tmp_path / "e.toml"
    p.write_bytes(content)
    with pytest.raises(DataFileError, match=msg):
        experiments.get(str(p))


GOOD_CSV = "# provenance: test\nk_GeV,kappa\n0.0,0.2\n1.0,0.1\n3.0,0.1\n"
CSV_CASES = {
    "acceptance: duplicate k": ("# p\nk_GeV,kappa\n0,0.1\n1,0.1\n1,0.2\n", "strictly increasing"),
    "acceptance: k = inf": ("# p\nk_GeV,kappa\n0,0.1\ninf,0.1\n", "non-finite"),
    "acceptance: header in MeV": ("# p\nk_MeV,kappa\n0,0.1\n1,0.1\n", "GeV"),
    "acceptance: only comments": ("# p\n# q\n", "header row"),
}


@pytest.mark.parametrize("name", list(CSV_CASES))
def test_acceptance_text_rejects(name):
    text, msg = CSV_CASES[name]
    with pytest.raises(DataFileError, match=msg):
        AcceptanceTable.from_text(text)


@pytest.mark.parametrize("content,msg", [(b"", "provenance"), (b"\xff\xfe\x00k_GeV\x00", "cannot read")])
def test_acceptance_file_empty_or_binary(tmp_path, content, msg):
    p = tmp_path / "a.csv"
    p.write_bytes(content)
    with pytest.raises(DataFileError, match=msg):
        AcceptanceTable.from_file(p)


@pytest.mark.parametrize("encode", [
    lambda s: s.replace("\n", "\r\n").encode(),          # CRLF (Windows)
    lambda s: b"\xef\xbb\xbf" + s.encode(),                # UTF-8 BOM (spreadsheet export)
])
def test_acceptance_crlf_and_bom_work(tmp_path, encode):
    p = tmp_path / "a.csv"
    p.write_bytes(encode(GOOD_CSV))
    t = AcceptanceTable.from_file(p, columns=("k_GeV", "kappa"))
    ref = AcceptanceTable.from_text(GOOD_CSV)
    assert np.array_equal(t.x, ref.x) and np.array_equal(t.value, ref.value)
    assert t.provenance == ref.provenance


# ------------------------------------------------------------------------------ command line
def run_cli(capsys, argv):
    try:
        code = main(argv)
    except SystemExit as exc:       # argparse: usage message on stderr, exit 2
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


CLI_CASES = {
    # issue 10: the CLI names the option and its allowed range
    "cli: xsec eft --energy nan": (["xsec", "eft", "LN_22", "--energy", "nan", "--json"], "--energy must be finite"),
    "cli: xsec eft --energy inf": (["xsec", "eft", "LN_22", "--energy", "inf", "--json"], "--energy must be finite"),
    "cli: xsec eft --coefficient 1e200": (["xsec", "eft", "ll_2233", "--coefficient", "1e200"], "too large"),
    "cli: bound --cl 0": (["bound", "LN_22", "--cl", "0"], "cl"),
    "cli: bound --cl 1": (["bound", "LN_22", "--cl", "1"], "cl"),
    "cli: bound --theta-max 0": (["bound", "LN_22", "--theta-max", "0"], "--theta-max must be in [1e-06, 3.14159] rad"),
    "cli: bound --theta-max nan": (["bound", "LN_22", "--theta-max", "nan"], "--theta-max must be finite"),
    "cli: bound --method bayes": (["bound", "LN_22", "--method", "bayes"], "invalid choice"),
    "cli: bound --mN nan": (["bound", "LN_22", "--mN", "nan"], "finite"),
    "cli: scan --points 0": (["scan", "LN_22", "--points", "0"], "--points must be"),
    "cli: limit zprime --cl 0": (["limit", "zprime", "--mass", "0.1", "--cl", "0"], "cl"),
    "cli: limit zprime dark --m-chi 90": (["limit", "zprime", "--model", "dark", "--mass", "0.1",
                                           "--m-chi", "90"], "m_chi"),
    "cli: limit unknown model": (["limit", "axion", "--mass", "0.1"], "invalid choice"),
    "cli: limit muon-axial --dm scalar": (["limit", "muon-axial", "--mass", "0.1", "--dm", "scalar"],
                                          "axial"),
    "cli: limit dark-photon --mass -1": (["limit", "dark-photon", "--mass", "-1"], "--mass"),
    "cli: xsec muon-scalar --coupling inf": (["xsec", "muon-scalar", "--mass", "0.1", "--coupling", "inf"],
                                             "--coupling must be finite"),
    "cli: curve millicharge --mass-max 90": (["curve", "millicharge", "--mass-min", "0.01",
                                             "--mass-max", "90", "--points", "3"], "m_chi"),
    "cli: limit zprime --mass nan": (["limit", "zprime", "--mass", "nan"], "finite"),
    "cli: xsec zprime --xmin 1": (["xsec", "zprime", "--mass", "0.1", "--coupling", "1e-3", "--xmin", "1"],
                                  "xmin"),
    "cli: xsec zprime --theta-max 0": (["xsec", "zprime", "--mass", "0.1", "--coupling", "1e-3",
                                        "--theta-max", "0"], "--theta-max must be in"),
    "cli: xsec zprime --energy 0.1": (["xsec", "zprime", "--mass", "0.01", "--coupling", "1e-3",
                                       "--energy", "0.1"], "energy"),
    "cli: gm2 --coupling 1e200": (["gm2", "--mass", "0.1", "--coupling", "1e200"], "--coupling must be in (0, 3.54491]"),
}


@pytest.mark.parametrize("name", list(CLI_CASES))
def test_cli_exit_2_without_traceback(capsys, name):
    argv, msg = CLI_CASES[name]
    code, out, err = run_cli(capsys, argv)
    assert code == 2
    assert msg in err and "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize("content,msg", [
    ('[experiment]\nname = "x"\nbeam_particle = "e-"\nbeam_energy_GeV = 160.0\ntarget = "Pb"\n'
     'effective_thickness_cm = 22.5\nmot = 1e10\nacceptance = "acceptance/2022.csv"\n', "beam_particle"),
    ("", "missing the required table 'experiment'"),
    (bytes(range(256)), "cannot read"),
])
def test_cli_bad_experiment_file(tmp_path, capsys, content, msg):
    p = tmp_path / "e.toml"
    p.write_bytes(content.encode() if isinstance(content, str) else content)
    code, out, err = run_cli(capsys, ["bound", "LN_22", "--experiment", str(p), "--json"])
    assert code == 2 and msg in err and "Traceback" not in err and out == ""


def test_number_of_malformed_inputs():
    """Issue 6 asks for at least 30 distinct malformed inputs; count them (the CRLF/BOM cases
    are valid inputs that must work and are not counted)."""
    n = (len(API_CASES) + len(TARGET_CASES) + len(EXP_CASES) + 2 + len(CSV_CASES) + 2
         + len(CLI_CASES) + 3)
    assert n >= 30
    assert n == 109


def test_errors_are_value_errors():
    # generic callers catching ValueError still catch every mucast input error
    for err in (InputError, DataFileError, KinematicsError, UnknownNameError):
        assert issubclass(err, MucastError) and issubclass(err, ValueError)
    assert math.isfinite(float(zl.legacy_zprime_model("dark").branching_invisible(0.3 * GeV, 1e-3)))
