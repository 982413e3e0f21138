"""Outputs (issue 17 §5, §6): Table I's bounds computed once, tolerances that say what they are,
the report's data line, the LHE nucleus mass, figures' notes and overlays, citations."""

import pytest

from mucast.outputs import report
from mucast.units import GeV


# ---- Table I: each bound once --------------------------------------------------------------
def test_table1_computes_each_bound_once(monkeypatch):
    """With the default arguments the calibration set (seed conventions, FC, 90% CL) is the
    seed-convention column: 2 conventions x 10 entries = 20 different bounds, computed 20
    times (it was 30). The numbers are those of direct bound() calls (same code path, so only
    rounding could differ: 1e-12)."""
    from mucast.inference.limits import bound
    from mucast.processes import conventions as C
    calls = []

    def counting(*a, **kw):
        calls.append((a, kw))
        return bound(*a, **kw)

    monkeypatch.setattr(report, "bound", counting)
    rows = report.table1()
    assert len(rows) == 10 and len(calls) == 20
    r = next(r for r in rows if r["dataset"] == "2023-24" and r["operator"] == "LN_22")
    assert r["ours"] == pytest.approx(bound("LN_22", "2023-24").bound * GeV**2, rel=1e-12)
    assert r["ours_paper_conventions"] == pytest.approx(
        bound("LN_22", "2023-24", conventions=C.PAPER).bound * GeV**2, rel=1e-12)
    # another method: the calibration (FC) set is then not the displayed one: 30 bounds
    calls.clear()
    report.table1(method="poisson")
    assert len(calls) == 30


# ---- tolerances read as what they are ------------------------------------------------------
def test_tolerance_descriptions_say_absolute_or_relative():
    T = report.Tolerance
    assert T(abs=0.005).describe() == "±0.005 (absolute)"
    assert T(abs=0.05).describe("GeV") == "±0.05 GeV"
    assert T(rel=0.10).describe() == "±10%"
    assert T(rel=0.0021).describe() == "±0.21%"
    assert T(rel=1e-9).describe() == "±1e-09 (relative)"
    assert T(ratio_range=(0.25, 1.0)).describe() == "ratio in [0.25, 1]"


@pytest.mark.parametrize("rel", [1e-12, 3e-7, 1e-4, 4.9e-3, 0.0021, 0.03, 0.1, 0.5])
def test_relative_tolerances_are_never_rounded_away(rel):
    """The printed rule gives back the rule to its 3 significant digits (0.5% relative:
    rounding of the last digit), never a '±0%'."""
    text = report.Tolerance(rel=rel).describe()
    assert "±0%" not in text
    value = float(text[1:].split("%")[0].split()[0])
    assert (value / 100 if "%" in text else value) == pytest.approx(rel, rel=5e-3)


# ---- LHE: the nucleus its PDG code names -----------------------------------------------------
def test_lead_208_nuclear_mass_against_ame2020():
    """AME2020 (Wang et al., Chin. Phys. C 45 (2021) 030003): mass excess of 208Pb -21748.519(1.148)
    keV, 1 u = 931494.10242 keV; the nucleus is the atom minus 82 electrons plus their binding
    (0.568 MeV). Tolerance 5 keV (2.6e-8): AME's 1.1 keV and the 0.3 keV between the particle
    package's table and AME2020."""
    from mucast.constants import M_E
    from mucast.events.files import electron_binding_energy, nucleus_mass
    from mucast.units import MeV, keV
    atomic = 208 * 931494.10242 * keV - 21748.519 * keV
    expected = atomic - 82 * M_E + electron_binding_energy(82)
    assert nucleus_mass(1000822080) == pytest.approx(expected, abs=5 * keV)
    assert nucleus_mass(1000822080) / GeV == pytest.approx(193.6877, abs=1e-4)
    # the electrons' binding: Thomas-Fermi-like growth ~Z^2.4, 0.57 MeV for lead (a few % fit)
    assert electron_binding_energy(82) / MeV == pytest.approx(0.568, rel=0.01)
    assert electron_binding_energy(1) / MeV == pytest.approx(13.6e-6, rel=0.1)   # hydrogen


def test_lhe_nucleus_carries_its_isotope_mass(tmp_path):
    """Issue 17 §5: the 208Pb nucleus (1000822080) carried natural lead's A u = 193.0056 GeV.
    In the file: beam 2, the incoming and the outgoing nucleus have 193.6877 GeV; each event
    conserves energy and momentum to the printed digits (1e-8 relative of 193 GeV plus the
    muon's 160 GeV: 1e-6 GeV), and the outgoing nucleus is on its mass shell to T dM/M (its
    recoil T was computed with A u; dM/M = 0.35%, module files._lhe_nucleus) plus the printed
    digits (2e-8 GeV)."""
    pylhe = pytest.importorskip("pylhe")
    import numpy as np

    from mucast import events as E
    ev = E.generate_zprime(0.1 * GeV, 50, seed=3, decay="nu")
    path = tmp_path / "z.lhe"
    E.write_lhe(ev, path)
    f = pylhe.LHEFile.fromfile(path)
    assert f.init.initInfo.beamB == 1000822080
    assert f.init.initInfo.energyB == pytest.approx(193.6877, abs=1e-4)
    for event in f.events:
        nuc = [p for p in event.particles if p.id == 1000822080]
        assert [p.status for p in nuc] == [-1, 1]
        for p in nuc:
            assert p.m == pytest.approx(193.6877, abs=1e-4)
            recoil = (p.e - p.m) * (193.6877 - 193.0056) / 193.6877
            mass = np.sqrt(p.e**2 - p.px**2 - p.py**2 - p.pz**2)
            assert mass == pytest.approx(p.m, abs=1.01 * recoil + 2e-8)
        total = np.zeros(4)
        for p in event.particles:
            if p.status in (-1, 1):
                total += np.sign(p.status) * np.array([p.e, p.px, p.py, p.pz])
        assert np.all(np.abs(total) < 1e-6)


# ---- citations: every command and sub-command has its sources ----------------------------------
def test_every_command_and_subcommand_maps_to_its_sources():
    from mucast.citations import BIBTEX, COMMANDS, MODELS, keys_for
    from mucast.cli import build_parser
    from mucast.cli.common import iter_parsers
    paths = [p for p, _ in iter_parsers(build_parser()) if p]
    assert ("relic", "target") in paths and ("limit", "dark-photon") in paths
    for path in paths:
        keys = keys_for(" ".join(path))
        assert keys and set(keys) <= set(BIBTEX), path
        if path[0] != "cite":
            assert path[0] in COMMANDS, path      # listed, not found by accident
    # every entry is used by some command, every model sub-command has its own list
    used = {k for path in paths for k in keys_for(" ".join(path))}
    assert used == set(BIBTEX)
    assert {p[-1] for p in paths if p[0] == "limit" and len(p) == 2} == set(MODELS)
    # the papers of the physics each command computes
    assert {"Gondolo:1990dk", "Saikawa:2020swg", "Planck:2018vyg", "Steigman:2012nb",
            "Edsjo:1997bg", "Griest:1990kh"} <= set(keys_for("relic target"))
    assert {"CCFR:1991lpl", "Altmannshofer:2014pba"} <= set(keys_for("limit lmu-ltau"))
    assert {"ParticleDataGroup:2024cfk", "Ilten:2018crw"} <= set(keys_for("limit dark-photon"))
    assert {"Bauer:2017ris", "Djouadi:2005gi"} <= set(keys_for("curve muon-pseudoscalar"))
    assert "Ilten:2018crw" not in keys_for("limit lmu-ltau")


def test_bibtex_entries_are_well_formed():
    import re

    from mucast.citations import BIBTEX, UNVERIFIED, for_command
    for key, text in BIBTEX.items():
        assert text.startswith(f"@article{{{key},") and text.endswith("}"), key
        assert text.count("{") == text.count("}"), key
        assert re.search(r"\btitle = \{", text) and re.search(r"\byear = \{\d{4}\}", text), key
    assert set(UNVERIFIED) <= set(BIBTEX)
    assert "Shedding light on Dark Sectors with high-energy muons at the {NA64} experiment" in \
        BIBTEX["NA64:2024prd"]
    assert "% CCFR:1991lpl: not checked" in for_command("limit")


def test_cite_cli_takes_sub_commands(capsys):
    from mucast.cli import main
    assert main(["cite", "relic", "target"]) == 0
    out = capsys.readouterr().out
    assert "Gondolo:1990dk" in out and "Crivelli:2025seed000" not in out
    assert main(["cite", "relic"]) == 0 and "Planck:2018vyg" in capsys.readouterr().out
    assert main(["cite", "nonsense"]) == 2
    assert "unknown command 'nonsense'" in capsys.readouterr().err
