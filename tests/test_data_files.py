"""Targets, experiments and acceptance tables: loading and validation."""

import pytest

from mucast import experiments
from mucast.experiments.acceptance import AcceptanceTable
from mucast.exceptions import DataFileError, InputError, UnknownNameError
from mucast.experiments.targets import Target, available_targets
from mucast.units import GeV, cm, cm3

GOOD = "# provenance: test\nk_GeV,kappa\n0.0,0.1\n1.0,0.2\n3.0,0.0\n"


def test_lead_number_density():
    pb = Target.from_name("Pb")
    # ρ N_A / A = 11.35 * 6.02214e23 / 207.2 = 3.2988e22 cm^-3 (exact arithmetic, 1e-4)
    assert pb.nuclei_per_volume() * cm3 == pytest.approx(3.2988e22, rel=1e-4)
    # seed 000's ρ/m_Pb with m_Pb = 207 GeV is smaller by 193.0/207
    ratio = pb.nuclei_per_volume(207 * GeV) / pb.nuclei_per_volume()
    assert ratio == pytest.approx(pb.atomic_mass / (207 * GeV), rel=1e-12)
    assert pb.atomic_mass / GeV == pytest.approx(193.0, abs=0.1)


def test_shipped_targets_and_unknown():
    assert {"Pb", "W", "Cu", "Fe", "C"} <= set(available_targets())
    with pytest.raises(UnknownNameError, match="unknown target"):
        Target.from_name("Unobtainium")


@pytest.mark.parametrize("name,mot,thick", [("2022", 1.98e10, 22.5), ("2023-24", 3.5e11, 22.5),
                                            ("future", 1e14, 67.5)])
def test_datasets(name, mot, thick):
    e = experiments.get(name)
    assert e.mot == mot
    assert e.thickness / cm == pytest.approx(thick)
    assert e.beam_energy == 160 * GeV
    assert e.acceptance.x_max == pytest.approx(3 * GeV)


def test_unknown_dataset():
    with pytest.raises(UnknownNameError, match="unknown data set"):
        experiments.get("2030")


def test_mot_must_be_positive():
    e = experiments.get("2022")
    with pytest.raises(InputError, match="mot"):
        e.replace(mot=0.0)
    with pytest.raises(InputError, match="mot"):
        e.replace(mot=-1.0)


def test_acceptance_interpolation_and_zero_outside():
    t = AcceptanceTable.from_text(GOOD)
    assert t(0.5 * GeV) == pytest.approx(0.15)
    assert t(3.5 * GeV) == 0.0
    assert t(2.0 * GeV) == pytest.approx(0.1)


@pytest.mark.parametrize("text,msg", [
    ("k_GeV,kappa\n0,0.1\n1,0.1\n", "provenance"),
    ("# p\nk_GeV,kappa\n0,abc\n1,0.1\n", "non-numeric"),
    ("# p\nk_GeV,kappa\n1,0.1\n0,0.1\n", "strictly increasing"),
    ("# p\nk_GeV,kappa\n0,0.1\n1,1.5\n", "outside"),
    ("# p\nk_GeV,kappa\n0,-0.1\n1,0.5\n", "outside"),
    ("# p\nk_GeV\n0\n1\n", "two columns"),
    ("# p\nk_GeV,kappa\n0,0.1,3\n1,0.1\n", "columns"),
    ("# p\nk_GeV,kappa\n0,0.1\n", "at least two"),
    ("# p\nk_GeV,kappa\n0,nan\n1,0.1\n", "non-finite"),
    ("# p\nk_GeV,kappa\n-1,0.1\n1,0.1\n", "negative"),
])
def test_malformed_acceptance(text, msg):
    with pytest.raises(DataFileError, match=msg):
        AcceptanceTable.from_text(text)


def test_user_experiment_file(tmp_path):
    (tmp_path / "acc.csv").write_text(GOOD)
    (tmp_path / "exp.toml").write_text(
        '[experiment]\nname = "mine"\nbeam_energy_GeV = 100.0\ntarget = "W"\n'
        'effective_thickness_cm = 10.0\nmot = 1e12\nacceptance = "acc.csv"\n')
    e = experiments.get(str(tmp_path / "exp.toml"))
    assert e.target.name == "W" and e.beam_energy == 100 * GeV
    assert e.acceptance(0.5 * GeV) == pytest.approx(0.15)


@pytest.mark.parametrize("body,msg", [
    ('name = "x"\n', "required key"),
    ('name = "x"\nbeam_energy_GeV = 1.0\ntarget = "Pb"\neffective_thickness_cm = 1.0\nmot = -5.0\nacceptance = "acceptance/2022.csv"\n', "mot"),
    ('name = "x"\nbeam_energy_GeV = "a"\ntarget = "Pb"\neffective_thickness_cm = 1.0\nmot = 5.0\nacceptance = "acceptance/2022.csv"\n', "must be a number"),
    ('name = "x"\nbeam_energy_GeV = 1.0\ntarget = "Pb"\neffective_thickness_cm = 1.0\nmot = 5.0\nacceptance = "acceptance/2022.csv"\ncolour = 1\n', "unknown key"),
])
def test_malformed_experiment(tmp_path, body, msg):
    p = tmp_path / "e.toml"
    p.write_text("[experiment]\n" + body)
    with pytest.raises((DataFileError, UnknownNameError), match=msg):
        experiments.get(str(p))


def test_invalid_toml(tmp_path):
    p = tmp_path / "e.toml"
    p.write_text("[experiment\nname=")
    with pytest.raises(DataFileError, match="not valid TOML"):
        experiments.get(str(p))


def test_license_file_matches_the_declared_license():
    # issue 10: pyproject declared MIT and the repository had no LICENSE file
    from mucast._io import tomllib  # tomli on Python 3.10
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    meta = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["license"] == "MIT" and meta["license-files"] == ["LICENSE"]
    assert (root / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


# -- the [geometry] tables of the experiment files (issue 18; the loader does not read them yet) --
GEOMETRY_FILES = ["2022", "2023-24", "future", "m3-phase1", "m3-phase2"]


def _geometry(name):
    from mucast._io import data_path, read_toml
    return read_toml(data_path(f"experiments/{name}.toml"))


@pytest.mark.parametrize("name", GEOMETRY_FILES)
def test_geometry_table_is_ordered_and_sourced(name):
    import math
    d = _geometry(name)
    geo = d["geometry"]
    assert geo["source"].strip()
    regions = geo["region"]
    # z = 0 is the upstream face of the production target: the first region starts there and
    # is the one (and only) production region
    assert regions[0]["start_m"] == 0.0
    assert [r["production"] for r in regions] == [True] + [False] * (len(regions) - 1)
    for r in regions:
        assert r["name"].strip() and r["source"].strip() and r["material"].strip(), r
        assert r["decay"] in ("vetoed", "unseen"), r
        assert 0.0 <= r["start_m"] < r["end_m"], r
    # contiguous: every decay point has exactly one verdict (no gaps, no overlaps)
    for a, b in zip(regions[:-1], regions[1:], strict=True):
        assert a["end_m"] == b["start_m"], (a["name"], b["name"])
    # the active target sees decays inside it; once a decay is unseen, nothing later vetoes it;
    # the last region reaches infinity, so P(unseen) = exp(-(L_last - z0)/lambda) is well defined
    assert regions[0]["decay"] == "vetoed"
    verdicts = [r["decay"] for r in regions]
    assert "unseen" in verdicts
    first_unseen = verdicts.index("unseen")
    assert set(verdicts[first_unseen:]) == {"unseen"}
    assert math.isinf(regions[-1]["end_m"])
    # the lead of the production region cannot be longer than the region itself
    lead_m = d["experiment"]["effective_thickness_cm"] / 100.0
    assert lead_m <= regions[0]["end_m"] - regions[0]["start_m"]


def test_geometry_future_target_three_times_2022():
    # seed 000 Sec. V: after the upgrade the effective target length is three times longer; the
    # future file keeps the 2022 sampling, so its active target is three times the 2022 one and
    # every later boundary moves by the difference (experiments/future.toml header)
    g22 = _geometry("2022")["geometry"]["region"]
    gfu = _geometry("future")["geometry"]["region"]
    assert gfu[0]["end_m"] == pytest.approx(3 * g22[0]["end_m"], abs=1e-9)
    shift = gfu[0]["end_m"] - g22[0]["end_m"]
    assert [r["name"] for r in gfu] == [r["name"] for r in g22]
    for a, b in zip(g22[1:], gfu[1:], strict=True):
        assert b["start_m"] == pytest.approx(a["start_m"] + shift, abs=1e-9)
        assert b["decay"] == a["decay"]
