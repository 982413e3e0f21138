"""Strict input files (issue 17 §2-3): every user file (experiment, target, model TOML; WCxf YAML/
JSON; CSV tables and overlays) is refused in one line — naming the file, the key and the nearest
known key — when it has an unknown key, a value of the wrong type (never coerced), a number out of
range, a duplicate key, absurd nesting or size; and an experiment file has one MOT."""

import math

import pytest

from mucast import _schema, experiments
from mucast._io import MAX_INPUT_BYTES, read_text, read_toml
from mucast.cli import main
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.experiments import selection
from mucast.experiments.targets import Target
from mucast.models.mediator import MediatorModel, get_model
from mucast.models.wcxf import MAX_WCXF_BYTES, read_wcxf
from mucast.units import GeV

SHIPPED_2022 = experiments.data_path("experiments/2022.toml").read_text(encoding="utf-8")
MODEL_OK = ('[model]\nname = "x"\nspin = "vector"\ninvisible = true\n[model.charges]\nmu = 1.0\n'
            '[dark]\ntype = "dirac"\ng_chi = 0.1\nm_X_over_m_chi = 3.0\n')
TARGET_OK = '[target]\nname = "X"\nZ = 82\nA = 207.2\ndensity_g_cm3 = 11.35\n'


def _exp_file(tmp_path, text):
    # the shipped 2022 file with its package-relative tables, edited
    p = tmp_path / "e.toml"
    p.write_text(text)
    return p


def _cli(capsys, argv):
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ---- nesting and size: refused before parsing ---------------------------------------------------
@pytest.mark.parametrize("loader", [experiments.get, Target.from_file, get_model, read_toml])
def test_toml_nested_100000_deep(tmp_path, loader):
    p = tmp_path / "deep.toml"
    p.write_text("x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(DataFileError, match="nested too deeply"):
        loader(str(p))


def test_yaml_nested_100000_deep(tmp_path):
    p = tmp_path / "deep.yaml"
    p.write_text("eft: WET\nbasis: JMS\nscale: 2\nvalues: " + "[" * 100_000 + "]" * 100_000)
    with pytest.raises(DataFileError, match="nested too deeply"):
        read_wcxf(p)


@pytest.mark.parametrize("name, limit, call", [
    ("e.toml", MAX_INPUT_BYTES, experiments.get),
    ("m.toml", MAX_INPUT_BYTES, get_model),
    ("overlay.csv", MAX_INPUT_BYTES, lambda p: __import__("mucast.outputs.plots",
                                                          fromlist=["x"]).read_overlay(p)),
    ("wc.yaml", MAX_WCXF_BYTES, read_wcxf),
])
def test_files_above_the_size_limit_are_refused_unread(tmp_path, name, limit, call):
    """A sparse file one byte above the limit: refused from its size (nothing is read; a 53 MB
    overlay took 1.2 GB and a 45 MB WCxf file 300 s before)."""
    p = tmp_path / name
    with open(p, "wb") as fh:
        fh.truncate(limit + 1)
    with pytest.raises(DataFileError, match=r"MB; mucast reads .* up to"):
        call(str(p))


def test_read_text_refuses_devices_and_reads_bounded():
    with pytest.raises(DataFileError, match="not a regular file"):
        read_text("/dev/zero")


# ---- unknown keys: refused everywhere, with the nearest known key -------------------------------
UNKNOWN_KEY_CASES = {
    "[experiment]": (SHIPPED_2022.replace("observed = 0", "observd = 0"), "'observd'", "'observed'"),
    "[mediator]": (SHIPPED_2022.replace("pileup_loss", "pileup_los"), "'pileup_los'", "'pileup_loss'"),
    "[[mediator.trigger]]": (SHIPPED_2022.replace('name = "Smu at -117 mm"', 'nme = "t2"'),
                             "'nme'", "'name'"),
    "top-level table": (SHIPPED_2022 + "\n[mediatr]\nx = 1\n", "'mediatr'", "'mediator'"),
    "[provenance]": (SHIPPED_2022.replace("source =", "sources ="), "'sources'", "'source'"),
}


@pytest.mark.parametrize("where", list(UNKNOWN_KEY_CASES))
def test_experiment_file_unknown_keys(tmp_path, capsys, where):
    text, key, near = UNKNOWN_KEY_CASES[where]
    p = _exp_file(tmp_path, text)
    with pytest.raises(DataFileError) as exc:
        experiments.get(str(p))
    msg = str(exc.value)
    assert str(p) in msg and key in msg and f"did you mean {near}" in msg
    # the same refusal for an EFT bound and a mediator limit (one file, one meaning)
    for argv in (["bound", "LN_22"], ["limit", "lmu-ltau", "--mass", "0.1"]):
        code, out, err = _cli(capsys, [*argv, "--experiment", str(p)])
        assert code == 2 and out == "" and key in err


@pytest.mark.parametrize("text, key, near", [
    (MODEL_OK.replace("invisible", "invisibel"), "'invisibel'", "'invisible'"),
    (MODEL_OK.replace("mu = 1.0", "muon = 1.0"), "'muon'", "'mu'"),
    (MODEL_OK.replace("g_chi", "gchi"), "'gchi'", "'g_chi'"),
    (MODEL_OK + "[darkk]\nx = 1\n", "'darkk'", "'dark'"),
    (TARGET_OK.replace("density_g_cm3", "density"), "'density'", "'density_g_cm3'"),
])
def test_model_and_target_files_unknown_keys(tmp_path, text, key, near):
    p = tmp_path / "f.toml"
    p.write_text(text)
    with pytest.raises(DataFileError) as exc:
        (Target.from_file if text.startswith("[target]") else get_model)(str(p))
    assert str(p) in str(exc.value) and key in str(exc.value) and near in str(exc.value)


def test_unknown_names_suggest_the_nearest():
    with pytest.raises(UnknownNameError, match="did you mean '2022'"):
        experiments.get("2O22")
    with pytest.raises(UnknownNameError, match="did you mean 'Pb'"):
        Target.from_name("pb")


# ---- wrong types: refused, never coerced -------------------------------------------------------
TYPE_CASES = {
    "model: invisible = 'false'": ("model", MODEL_OK.replace("invisible = true", 'invisible = "false"'),
                                   "invisible must be true or false"),
    "model: m_chi_GeV = true": ("model", MODEL_OK.replace("m_X_over_m_chi = 3.0", "m_chi_GeV = true"),
                                "m_chi_GeV must be a number"),
    "model: name a table": ("model", MODEL_OK.replace('name = "x"', "name = {a = 1}"),
                            "name must be a string"),
    "model: charge 1e308": ("model", MODEL_OK.replace("mu = 1.0", "mu = 1e308"),
                            "mu must be in [-1000, 1000]"),
    "model: charge a string": ("model", MODEL_OK.replace("mu = 1.0", 'mu = "1"'), "mu must be a number"),
    "model: g_chi 1e10": ("model", MODEL_OK.replace("g_chi = 0.1", "g_chi = 1e10"), "g_chi must be in"),
    "model: spin = 1": ("model", MODEL_OK.replace('spin = "vector"', "spin = 1"), "spin must be a string"),
    "target: Z = 82.0": ("target", TARGET_OK.replace("Z = 82", "Z = 82.0"), "Z must be an integer"),
    "target: density 1e308": ("target", TARGET_OK.replace("11.35", "1e308"), "density_g_cm3 must be in"),
    "experiment: mot = 1e308": ("experiment", SHIPPED_2022.replace("mot = 1.98e10", "mot = 1e308"),
                                "mot must be in (0, 1e+20]"),
    "experiment: trigger mot = 1e308": ("experiment", SHIPPED_2022.replace("mot = 8.1e9", "mot = 1e308"),
                                        "mot must be in (0, 1e+20]"),
    "experiment: trigger efficiency = 5": (
        "experiment", SHIPPED_2022.replace('efficiency = "acceptance/approx_zprime_2022_t1.csv"',
                                           "efficiency = 5"), "efficiency must be a string"),
    "experiment: trigger = [1, 2]": (
        "experiment", SHIPPED_2022.split("[[mediator.trigger]]")[0].replace(
            "[mediator]", "[mediator]\ntrigger = [1, 2]"), "trigger must be one or more"),
    "experiment: pileup_loss = 5": ("experiment", SHIPPED_2022.replace("pileup_loss = 0.13",
                                                                      "pileup_loss = 5"),
                                    "pileup_loss must be in [0, 0.99]"),
    "experiment: name a table": ("experiment", SHIPPED_2022.replace('name = "2022"', "name = {a = 1}"),
                                 "name must be a string"),
    "experiment: observed = true": ("experiment", SHIPPED_2022.replace("observed = 0", "observed = true"),
                                    "observed must be an integer"),
    "experiment: beam energy 1e308": ("experiment", SHIPPED_2022.replace("160.0", "1e308"),
                                      "beam_energy_GeV must be in"),
}


@pytest.mark.parametrize("name", list(TYPE_CASES))
def test_wrong_types_and_absurd_numbers_are_refused(tmp_path, capsys, name):
    kind, text, msg = TYPE_CASES[name]
    p = tmp_path / "f.toml"
    p.write_text(text)
    load = {"model": get_model, "target": Target.from_file, "experiment": experiments.get}[kind]
    with pytest.raises(DataFileError) as exc:
        load(str(p))
    assert msg in str(exc.value) and str(p) in str(exc.value)
    argv = {"model": ["limit", "model", str(p), "--mass", "0.1"],
            "target": ["xsec", "eft", "ll_2233", "--target", str(p)],
            "experiment": ["limit", "zprime", "--mass", "0.1", "--experiment", str(p)]}[kind]
    if kind != "target":        # --target takes a shipped name (tested below)
        code, out, err = _cli(capsys, argv)
        assert code == 2 and out == "" and msg in err


def test_target_option_takes_shipped_names(capsys):
    code, out, err = _cli(capsys, ["xsec", "eft", "ll_2233", "--target", "../experiments/2022"])
    assert code == 2 and "unknown target" in err


@pytest.mark.parametrize("cmd", [["limit", "zprime", "--mass", "0.1"], ["bound", "LN_22"]])
@pytest.mark.parametrize("what", ["device", "folder", "not-toml"])
def test_experiment_option_always_reads_a_file(tmp_path, capsys, cmd, what):
    """--experiment names a file whatever its name: a device, a folder or a file not ending in
    .toml gave 'unknown data set' (it was looked up as a shipped name). One line, exit 2."""
    path = {"device": "/dev/zero", "folder": str(tmp_path),
            "not-toml": str(tmp_path / "exp.txt")}[what]
    if what == "not-toml":
        (tmp_path / "exp.txt").write_text("[experiment]\nname = 1\n")
    code, out, err = _cli(capsys, cmd + ["--experiment", path])
    assert code == 2 and out == "" and "unknown data set" not in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ---- one MOT per data set ------------------------------------------------------------------------
def test_trigger_mots_must_add_up_to_mot(tmp_path, capsys):
    """[experiment] mot is used by EFT bounds, the trigger MOTs by mediator limits: a file where
    they differ is refused (it was used with two MOTs)."""
    p = _exp_file(tmp_path, SHIPPED_2022.replace("mot = 1.98e10", "mot = 1e12"))
    with pytest.raises(DataFileError, match="add up to 1.98e"):
        experiments.get(str(p))
    code, out, err = _cli(capsys, ["bound", "LN_22", "--experiment", str(p)])
    assert code == 2 and "mot = 1e+12" in err
    # within the 0.1 % the MOTs are quoted to: accepted
    ok = _exp_file(tmp_path, SHIPPED_2022.replace("mot = 1.98e10", "mot = 1.981e10"))
    assert experiments.get(str(ok)).mot == 1.981e10


def test_every_shipped_data_set_has_one_mot():
    for name in experiments.available_datasets():
        exp = experiments.get(name)
        if exp.mediator:
            assert selection.setup(name).mot == pytest.approx(exp.mot, rel=1e-12)


def test_replace_mot_scales_the_triggers():
    """Experiment.replace(mot=...) (projections) changes the one MOT: the trigger shares follow."""
    exp = experiments.get("2022")
    big = exp.replace(mot=4 * exp.mot)
    s0, s1 = selection.setup(exp), selection.setup(big)
    assert s1.mot == pytest.approx(4 * s0.mot, rel=1e-15)
    assert [t.mot / s1.mot for t in s1.triggers] == pytest.approx(
        [t.mot / s0.mot for t in s0.triggers], rel=1e-15)
    with pytest.raises(InputError, match="mot"):
        exp.replace(mot=1e300)


# ---- WCxf files ------------------------------------------------------------------------------------
WCXF_CASES = {
    "scale .inf": ("eft: WET\nbasis: JMS\nscale: .inf\nvalues:\n  VnueLL_2222: 1.0e-3\n",
                   "scale must be a finite number > 0"),
    "scale 'abc'": ("eft: WET\nbasis: JMS\nscale: abc\nvalues:\n  VnueLL_2222: 1.0e-3\n",
                    "scale must be a finite number > 0"),
    "value 'abc'": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: abc\n",
                    "VnueLL_2222 must be a finite number"),
    "value .nan": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: .nan\n",
                   "VnueLL_2222 must be a finite number"),
    "value a list": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: [1, 2]\n",
                     "VnueLL_2222 must be a finite number"),
    "Im 'x'": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: {Re: 1, Im: x}\n",
               "{Re: x, Im: y}"),
    "Re/Im typo": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: {Re: 1, im: 1}\n",
                   "{Re: x, Im: y}"),
    "duplicate coefficient": ("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: 1.0e-3\n"
                              "  VnueLL_2222: 2.0e-3\n", "duplicate key 'VnueLL_2222' (first given on line 5)"),
    "duplicate top-level key": ("eft: WET\nbasis: JMS\nscale: 2\nscale: 3\nvalues: {VnueLL_2222: 1}\n",
                                "duplicate key 'scale'"),
    "duplicate JSON key": ('{"eft": "WET", "basis": "JMS", "scale": 2, "values": {"VnueLL_2222": 1,'
                           ' "VnueLL_2222": 2}}', "duplicate key"),
    "eft a list": ("eft: [WET]\nbasis: JMS\nscale: 2\nvalues: {VnueLL_2222: 1}\n", "'eft' must be a name"),
    "unknown top-level key": ("eft: WET\nbasis: JMS\nscale: 2\nvalue: {}\nvalues: {VnueLL_2222: 1}\n",
                              "unknown key 'value' (did you mean 'values'?)"),
}


@pytest.mark.parametrize("name", list(WCXF_CASES))
def test_bad_wcxf_values(tmp_path, capsys, name):
    text, msg = WCXF_CASES[name]
    p = tmp_path / "wc.yaml"
    p.write_text(text)
    with pytest.raises(DataFileError) as exc:
        read_wcxf(p)
    assert msg in str(exc.value) and str(p) in str(exc.value)
    code, out, err = _cli(capsys, ["yield", "--wcxf", str(p)])
    assert code == 2 and out == "" and msg in err


def test_wcxf_numbers_written_as_yaml_strings_still_work(tmp_path):
    """YAML 1.1 reads 1e-3 as a string; wcxf converts it, and so does mucast (a common way of
    writing a coefficient must keep working)."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: 1e-3\n")
    b.write_text("eft: WET\nbasis: JMS\nscale: 2.0\nvalues:\n  VnueLL_2222: 1.0e-3\n")
    assert read_wcxf(a).model.coefficients == read_wcxf(b).model.coefficients


def test_complex_wcxf_values_are_echoed_with_their_phase(tmp_path, capsys):
    p = tmp_path / "c.yaml"
    p.write_text("eft: WET\nbasis: JMS\nscale: 2\nvalues:\n  VnueLL_2222: {Re: 1.0e-3, Im: 1.0e-3}\n")
    code, out, _ = _cli(capsys, ["yield", "--wcxf", str(p)])
    assert code == 0 and "0.001 + 0.001i (|C| = 0.001414, phase +0.7854 rad)" in out
    import json
    code, out, _ = _cli(capsys, ["yield", "--wcxf", str(p), "--json"])
    d = json.loads(out)
    assert d["coefficients_GeV-2"]["VnueLL_2222"] == pytest.approx(math.sqrt(2) * 1e-3, rel=1e-12)
    assert d["coefficients_phase_rad"]["VnueLL_2222"] == pytest.approx(math.pi / 4, rel=1e-12)


def test_dropped_feeder_gets_one_true_message(tmp_path, capsys):
    """phil1_22 was reported both as "not used" and as a "dropped feeder"; it is a feeder."""
    p = tmp_path / "s.yaml"
    p.write_text("eft: SMEFT\nbasis: Warsaw\nscale: 1000\nvalues:\n  ll_2233: 1.0e-3\n"
                 "  phil1_22: 1.0e-3\n  lq1_2211: 1.0e-3\n")
    wc = read_wcxf(p)
    assert wc.dropped == ["phil1_22"] and wc.ignored == ["lq1_2211"]
    code, out, err = _cli(capsys, ["yield", "--wcxf", str(p)])
    assert code == 0
    assert err.count("phil1_22") + out.count("phil1_22") == 1
    assert "phil1_22 feed(s) nu-nu-mu-mu" in out and "lq1_2211" in err


# ---- the schema helpers ----------------------------------------------------------------------------
def test_schema_helpers():
    assert _schema.nearest("pileup_los", ["mot", "pileup_loss"]) == "pileup_loss"
    assert _schema.nearest("zzz", ["mot"]) is None
    assert _schema.fmt_range(0, None) == "[0, inf)" and _schema.fmt_range(None, 1, hi_open=True) == "(-inf, 1)"
    with pytest.raises(DataFileError, match="must be a number"):
        _schema.number({"x": True}, "x", "f")
    with pytest.raises(DataFileError, match="finite"):
        _schema.number({"x": math.inf}, "x", "f")
    assert _schema.integer({"n": 3}, "n", "f", 0, 5) == 3
    with pytest.raises(DataFileError, match="integer"):
        _schema.integer({"n": 3.0}, "n", "f")


def test_model_ranges_match_the_python_api():
    """The loader's g_chi range is the perturbative one; MediatorModel in Python keeps its own
    checks (finite, >= 0)."""
    m = MediatorModel.from_dict({"model": {"name": "x", "spin": "vector", "charges": {"mu": 1.0}},
                                 "dark": {"type": "dirac", "g_chi": 3.5, "m_chi_GeV": 0.01}})
    assert m.dark.coupling == 3.5 and m.dark.mass == pytest.approx(0.01 * GeV)
