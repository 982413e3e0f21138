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


# ---- figures: nothing clipped, no curve or tick through a legend's text -----------------------
def _figure_problems(fig):
    """What is wrong with a drawn figure: a text outside the figure (the Fig. 6 footnote was
    clipped at the left edge), a legend entry or an annotation crossed by a curve (Fig. 4 right)
    or by a tick mark (fig_mediators: the inward top ticks crossed the first entry). Curves are
    sampled between their points (20 per segment) in display coordinates; a text box is
    shrunk by 1 px so that a curve merely touching it does not count."""
    import matplotlib
    import mplhep

    with matplotlib.style.context(mplhep.style.ROOT):   # font families resolve at draw time
        return _problems(fig)


def _problems(fig):
    import numpy as np

    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    W, H = fig.bbox.width, fig.bbox.height
    problems = []
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    texts = list(fig.texts) + [t for leg in legends for t in leg.get_texts()]
    for ax in fig.axes:
        texts += list(ax.texts) + [ax.title, ax.xaxis.label, ax.yaxis.label]
    for t in texts:
        if t.get_visible() and t.get_text().strip():
            b = t.get_window_extent(r)
            if b.x0 < -1 or b.y0 < -1 or b.x1 > W + 1 or b.y1 > H + 1:
                problems.append(f"outside the figure: {t.get_text()[:50]!r}")
    guarded = [t for leg in legends for t in leg.get_texts()]
    guarded += [t for ax in fig.axes for t in ax.texts]
    for t in guarded:
        if not t.get_text().strip():
            continue
        b = t.get_window_extent(r).padded(-1)
        for ax in fig.axes:
            for line in ax.lines:
                xy = line.get_transform().transform(line.get_xydata())
                xy = xy[np.all(np.isfinite(xy), axis=1)]
                if line.get_linestyle() in ("None", "none", "", " "):
                    pts = xy
                else:
                    s = np.linspace(0, 1, 20)[:, None, None]
                    pts = (xy[:-1] + s * (xy[1:] - xy[:-1])).reshape(-1, 2)
                inside = ((pts[:, 0] > b.x0) & (pts[:, 0] < b.x1) & (pts[:, 1] > b.y0)
                          & (pts[:, 1] < b.y1))
                if np.any(inside):
                    problems.append(f"{line.get_label()!r} crosses {t.get_text()[:40]!r}")
            for axis in (ax.xaxis, ax.yaxis):
                for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                    for mark in (tick.tick1line, tick.tick2line):
                        if not mark.get_visible():
                            continue
                        # the mark's own extent pads by half its length each way; a tick
                        # pointing inwards reaches its full length (taken both ways here)
                        e = mark.get_window_extent(r)
                        L = mark.get_markersize() * fig.dpi / 72
                        cx, cy = (e.x0 + e.x1) / 2, (e.y0 + e.y1) / 2
                        if not ax.bbox.padded(1).contains(cx, cy):
                            continue                # outside the view limits: not drawn
                        x0, x1, y0, y1 = ((e.x0, e.x1, cy - L, cy + L) if axis is ax.xaxis
                                          else (cx - L, cx + L, e.y0, e.y1))
                        if x0 < b.x1 and x1 > b.x0 and y0 < b.y1 and y1 > b.y0:
                            problems.append(f"a tick mark crosses {t.get_text()[:40]!r}")
                            break
    return list(dict.fromkeys(problems))


@pytest.fixture
def drawn(monkeypatch):
    """The figures the plot functions save, kept for inspection."""
    from mucast.outputs import figures as F
    from mucast.outputs import plots
    drawn = []
    real = F.save_figure

    def keep(fig, png, pdf, dpi=130):
        drawn.append(fig)
        real(fig, png, pdf, dpi)

    monkeypatch.setattr(F, "save_figure", keep)
    monkeypatch.setattr(plots, "save_figure", keep)
    return drawn


def test_fig4_and_fig6_have_no_clipped_or_crossed_text(tmp_path, drawn):
    import numpy as np

    from mucast.inference.constraints import ccfr_coupling_limit
    from mucast.inference.scans import closing_mass, eft_mass_scan
    from mucast.outputs import plots
    res = plots.zprime_results(points=12)
    ms = next(iter(res.values()))["vanilla"].masses
    cc = ccfr_coupling_limit("lmu-ltau", ms)
    ccfr = {"label": "CCFR", "mass_GeV": ms / GeV, "coupling": cc.coupling,
            "m_chi_GeV": ms / 3 / GeV, "y": (0.05 * cc.coupling) ** 2 / 81.0}
    targets = plots.zprime_targets(points=6)
    plots.plot_zprime(res, tmp_path / "fig4", targets=targets, constraints=[ccfr])
    # the CCFR excluded region has its legend entry (shade and line together)
    labels = [t.get_text() for t in drawn[-1].axes[0].get_legend().get_texts()]
    assert "CCFR; shaded: excluded" in labels
    scans = {op: {ds: eft_mass_scan(op, ds, np.linspace(0, closing_mass(op, ds) * 0.998, 8))
                  for ds in ("2022", "2023-24", "future")}
             for op in ("eN_22", "LN_22", "LNLe_2222")}
    plots.plot_nusmeft(scans, tmp_path / "fig6")
    plots.plot_acceptances(tmp_path / "acc")
    assert len(drawn) == 3
    for fig in drawn:
        assert _figure_problems(fig) == []


def test_limit_figures_say_where_the_tables_end(tmp_path, drawn, capsys):
    """`plot limits ... --mass-max 10` stopped the NA64mu curves at 5 GeV with no note: the
    figure marks the end of the efficiency tables, the JSON carries a warning; the coupling
    reads upright (a rotated epsilon read as omega)."""
    import json

    from mucast.cli import main
    assert main(["plot", "limits", "dark-photon", "--mass-max", "10", "--points", "12",
                 "--out", str(tmp_path / "dp"), "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    ends = [w for w in d["warnings"] if "efficiency tables end at 5 GeV" in w]
    assert len(ends) == 1
    # the curves' own warnings come along (here: the method's coverage, no limit beyond 5 GeV)
    assert any("under-cover" in w for w in d["warnings"])
    fig = drawn[-1]
    ax = fig.axes[0]
    assert any("tables end at 5 GeV" in t.get_text() for t in ax.texts)
    label = next(t for t in ax.texts if "varepsilon" in t.get_text())
    assert label.get_rotation() == 0 and ax.yaxis.label.get_text() == ""
    assert _figure_problems(fig) == []
    # with a data set whose tables go on (M3-like: 15 GeV beam), the note names the others and
    # finds room between the curves that continue
    assert main(["plot", "limits", "muon-scalar", "--dataset", "2022", "--dataset", "m3-phase2",
                 "--mass-max", "10", "--points", "12", "--out", str(tmp_path / "m3"),
                 "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["warnings"][0].startswith("2022: ")
    assert any(t.get_text().startswith("2022: ") for t in drawn[-1].axes[0].texts)
    assert _figure_problems(drawn[-1]) == []
    # inside the tables: no note, no warning
    assert main(["plot", "limits", "muon-scalar", "--points", "10", "--out",
                 str(tmp_path / "s"), "--json"]) == 0
    assert not any("tables end" in w for w in json.loads(capsys.readouterr().out)["warnings"])
    assert not any("tables end" in t.get_text() for t in drawn[-1].axes[0].texts)
    assert _figure_problems(drawn[-1]) == []
    # fig_mediators of the report: the same panels side by side
    import numpy as np

    from mucast.outputs import plots
    masses = np.geomspace(1e-3, 5.0, 10) * GeV
    panels = [(m, plots.limit_curves(m, ("2022", "future"), masses))
              for m in ("muon-scalar", "dark-photon")]
    assert not any("tables end" in w
                   for w in plots.plot_limit_panels(panels, masses, tmp_path / "med").warnings)
    assert _figure_problems(drawn[-1]) == []


def test_unsorted_overlay_is_sorted_with_a_warning(tmp_path):
    import numpy as np

    from mucast.outputs.plots import read_overlay
    f = tmp_path / "zigzag.csv"
    f.write_text("mass_GeV,coupling\n1,1e-2\n0.01,1e-3\n0.1,3e-3\n0.1,4e-3\n")
    ov = read_overlay(f)
    assert np.all(np.diff(ov["mass_GeV"]) >= 0)
    # the pairs travel together
    assert dict(zip(ov["mass_GeV"][[0, 3]], ov["coupling"][[0, 3]], strict=True)) == {0.01: 1e-3, 1.0: 1e-2}
    assert any("not in increasing mass" in w for w in ov["warnings"])
    assert any("repeated" in w for w in ov["warnings"])
    f.write_text("mass_GeV,coupling\n0.01,1e-3\n1,1e-2\n")
    assert read_overlay(f)["warnings"] == []


def test_fig5_has_no_clipped_or_crossed_text(tmp_path, drawn):
    from mucast.inference.limits import smeft_plane
    from mucast.outputs import plots
    forms = {ds: smeft_plane("tau", ds) for ds in ("2022", "2023-24", "future")}
    plots.plot_smeft_plane(forms, tmp_path / "fig5", forms)
    assert _figure_problems(drawn[-1]) == []


def test_a_tolerance_states_exactly_one_rule():
    for kw in ({}, {"rel": 0.1, "abs": 0.1}, {"abs": 0.1, "ratio_range": (0.5, 1.0)}):
        with pytest.raises(ValueError, match="exactly one"):
            report.Tolerance(**kw)


def test_a_region_that_closes_above_shows_its_upper_edge(tmp_path, drawn, capsys):
    """With decays in flight a limit can be a region [coupling, coupling_upper]: the figure draws
    the upper edge too (a figure with the lower edge alone claims every larger coupling
    excluded), says so, and keeps the legend clear of the curves (a curve at the top of the
    automatic range ran through it)."""
    import json

    import numpy as np

    from mucast.cli import main
    assert main(["plot", "limits", "alp-muon", "--dataset", "2022", "--points", "12",
                 "--mass-max", "1", "--out", str(tmp_path / "alp"), "--json"]) == 0
    warnings = json.loads(capsys.readouterr().out)["warnings"]
    assert any("closes above" in w for w in warnings)
    ax = drawn[-1].axes[0]
    tops = [line for line in ax.lines if line.get_linewidth() == 1.2 and len(line.get_ydata())]
    assert tops and all(np.all(np.asarray(t.get_ydata()) > 0.05) for t in tops)
    assert _figure_problems(drawn[-1]) == []
