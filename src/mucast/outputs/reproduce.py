"""Layer 5: ``mucast reproduce`` — every table and figure of both seeds from one command.

Writes into one directory (default ``mucast-output``):

* ``table1.{csv,json}`` — Table I of seed 000 beside ours (default and seed conventions);
* ``eq23.{csv,json}``, ``eq24.json`` — the SMEFT quadratic form and the trident combination;
* ``fig5_smeft_plane.{png,pdf}`` + ``fig5_contours.csv`` — Fig. 5 of seed 000;
* ``fig6_nusmeft.{png,pdf}`` + ``fig6_nusmeft.{csv,json}`` — Fig. 6 of seed 000;
* ``fig4_zprime.{png,pdf}`` + ``fig4_zprime.{csv,json}``, ``gm2_band.csv`` — Fig. 4 of seed 001,
  with ``fig4_thermal_targets.csv``: the scalar, pseudo-Dirac and Majorana targets computed by
  mucast.cosmology.relic (issue 12), and ``fig4_ccfr.csv``: the CCFR trident bound computed by
  mucast.processes.trident (issue 13);
* ``fig_mediators.{png,pdf}`` + ``fig_mediators.csv`` — beyond the seeds (issue 11): a muon-philic
  scalar and a dark photon, both invisible, for NA64μ 2022, 2023-24 and future;
* ``fig_alps.{png,pdf}`` + ``fig_alps.csv`` — the ALP presets (alp-photon, alp-muon) with decays
  in flight (issue 18): excluded regions closed above where the ALP decays inside the set-up;
  ``reinterpretations.json``: mucast beside the published recasts of the 2022 data, whose rows
  join the comparison table (mucast.outputs.reinterpretations);
* ``fig4_acceptance.{png,pdf}``, ``acceptance.{csv,json}`` — κ(k) of every data set for the
  default, detector-model and 0.1 table sets (seed 000 Fig. 4 analogue), their provenance, and the
  model's beam-muon trigger rate beside seed 001's measured one;
* ``hepdata/`` — a HEPData submission (submission.yaml + one YAML per table);
* ``comparison.{csv,json}``, ``report.md``, ``report.html`` (figures embedded) — every published
  number beside ours, the ratio, and whether it was calibrated or predicted;
* ``run_info.json`` — timestamp, timings, Python and package versions, and ``warnings``: every
  warning of every computation, "FILE: what" (each file carries its own as well; the report
  lists them grouped). Everything else is byte-identical between runs with the same inputs (no
  dates inside the other files).

The folder is built in a staging folder of mucast's own and put in place at the end
(:func:`mucast._io.staged_directory`): a new folder appears complete or not at all, and Ctrl-C,
SIGTERM or a full disk leave no half-filled folder (the staging folder is removed). ``out`` must
be missing, empty, or the output of an earlier run (its ``run_info.json`` lists mucast's files):
a rerun replaces those files and leaves anything else in the folder alone; a folder with other
content is refused before any computation.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import platform
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mucast import __version__
from mucast.outputs.comparisons import comparison_rows
from mucast.outputs.report import verdict_counts
from mucast.outputs.report_pages import (DATA_FILES, FIGURES, report_html,  # noqa: F401
                                         report_md, run_metadata)
from mucast._io import atomic_write_text, ensure_directory, staged_directory
from mucast.exceptions import InputError
from mucast.units import GeV

DATASETS = ("2022", "2023-24", "future")
NU_OPERATORS = ("eN_22", "LN_22", "LNLe_2222")


# ------------------------------------------------------------------------------------------
# small writers
# ------------------------------------------------------------------------------------------
def _clean(obj):
    """NaN/inf → None (JSON has no NaN; a missing number must be visible as null)."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    return obj


def _json(obj) -> str:
    return json.dumps(_clean(obj), indent=1, sort_keys=False, allow_nan=False) + "\n"


def _csv(rows: list[dict], columns: list[str] | None = None) -> str:
    if not rows:
        return ""
    columns = columns or list(rows[0])
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: _fmt(r.get(k)) for k in columns})
    return buf.getvalue()


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.6g}"
    return v


@dataclass
class ReproduceResult:
    """What a run produced: the output directory, the files, the comparison rows, timings."""

    out: Path
    files: list = field(default_factory=list)
    comparison: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    #: every warning of every computation of the run, "FILE: what", in the order of the steps
    #: (the same text the file itself carries: a `# warning:` line, a column or its JSON)
    warnings: list = field(default_factory=list)


class _Writer:
    def __init__(self, out: Path):
        self.out = out
        self.files: list[str] = []
        self.warnings: list[str] = []

    def warn(self, source: str, messages):
        """Collect the warnings of the computation behind output file ``source``."""
        for m in messages:
            line = f"{source}: {m}"
            if line not in self.warnings:
                self.warnings.append(line)

    def text(self, name: str, text: str):
        atomic_write_text(self.out / name, text, lock=False)    # the folder is locked
        self.files.append(name)

    def add(self, *names):
        self.files.extend(str(n) for n in names)


# ------------------------------------------------------------------------------------------
# the steps
# ------------------------------------------------------------------------------------------
def _step_table1(w: _Writer, ctx: dict):
    from mucast.outputs.report import table1

    rows = table1("default")          # each row also carries the seed-convention bound
    ctx["table1"] = rows
    cols = ["dataset", "operator", "label", "seed", "ours", "ratio", "ours_paper_conventions",
            "ratio_paper_conventions", "Lambda_GeV", "relative_integration_error", "status"]
    w.text("table1.csv", "# Table I of seed 000 (90% CL, GeV^-2) beside mucast; 'ours' = default "
           "(verified) conventions, 'ours_paper_conventions' = seed 000 literal\n" + _csv(rows, cols))
    w.text("table1.json", _json({"units": "GeV^-2", "rows": rows, "mucast_version": __version__}))


def _step_planes(w: _Writer, ctx: dict):
    from mucast.inference.limits import smeft_plane, trident_combination

    forms, rows = {}, []
    for conv in ("default", "paper"):
        for alpha in ("tau", "mu"):
            for ds in DATASETS:
                f = smeft_plane(alpha, ds, conv)
                forms[(conv, alpha, ds)] = f
                rows.append({"conventions": conv, "alpha": alpha, "dataset": ds,
                             "c1": f.operators[0], "c2": f.operators[1], "a": f.a, "b": f.b,
                             "h": f.h, "R_GeV-4": f.R * GeV**4,
                             "fit_relative_residual": f.fit_residual})
    ctx["forms"] = forms
    w.text("eq23.csv", "# Eq. (23): a c1^2 + b c2^2 + h c1 c2 <= R (c in GeV^-2, R in GeV^-4), "
           "fitted to the 90% CL contour\n" + _csv(rows))
    w.text("eq23.json", _json({"rows": rows, "mucast_version": __version__}))
    tri = {c: trident_combination("future", conventions=c).to_dict() for c in ("default", "paper")}
    ctx["eq24"] = tri
    w.text("eq24.json", _json({"dataset": "future", "c_hat_max": 0.21, "z_scale": 1.645,
                               "results": tri, "mucast_version": __version__}))


def _step_fig5(w: _Writer, ctx: dict):
    from mucast.outputs.plots import ellipse_points, plot_smeft_plane

    forms = ctx["forms"]
    d = {ds: forms[("default", "tau", ds)] for ds in DATASETS}
    p = {ds: forms[("paper", "tau", ds)] for ds in DATASETS}
    png, pdf = plot_smeft_plane(d, w.out / "fig5_smeft_plane", p)
    w.add(png.name, pdf.name)
    rows = []
    for conv, fs in (("default", d), ("paper", p)):
        for ds, f in fs.items():
            x, y = ellipse_points(f, n=181)
            rows += [{"conventions": conv, "dataset": ds, "c_LL_mumutautau_GeV-2": a,
                      "c_Le_tautaumumu_GeV-2": b} for a, b in zip(x, y, strict=True)]
    ctx["fig5_rows"] = rows
    w.text("fig5_contours.csv", "# Fig. 5 of seed 000: 90% CL contours ([c_LL]_mumutautau, "
           "[c_Le]_tautaumumu)/v^2 in GeV^-2\n" + _csv(rows))


def _step_fig6(w: _Writer, ctx: dict, points: int):
    from mucast.outputs.plots import plot_nusmeft
    from mucast.inference.scans import closing_mass, eft_mass_scan

    scans: dict[str, dict] = {}
    rows: list[dict] = []
    for op in NU_OPERATORS:
        scans[op] = {}
        for ds in DATASETS:
            top = closing_mass(op, ds) * (1 - 2e-3)
            sc = eft_mass_scan(op, ds, np.linspace(0.0, top, points))
            scans[op][ds] = sc
            rows += [{"operator": op, "dataset": ds, "mN_GeV": m / GeV, "bound_GeV-2": b * GeV**2,
                      "Lambda_GeV": b ** -0.5 / GeV} for m, b in zip(sc.masses, sc.bounds, strict=True)]
    ctx["scans"] = scans
    for op, per in scans.items():
        w.warn("fig6_nusmeft.json", [f"{op} ({ds}): {x}" for ds, sc in per.items()
                                     for x in sc.warnings])
    png, pdf = plot_nusmeft(scans, w.out / "fig6_nusmeft")
    w.add(png.name, pdf.name)
    w.text("fig6_nusmeft.csv", "# Fig. 6 of seed 000: 90% CL bounds (GeV^-2) against m_N (GeV), "
           "verified amplitudes, FC N_up = 2.4359\n" + _csv(rows))
    w.text("fig6_nusmeft.json", _json({op: {ds: s.to_dict() for ds, s in v.items()}
                                       for op, v in scans.items()}))


def _step_fig4(w: _Writer, ctx: dict, points: int):
    from mucast.models import gm2
    from mucast.outputs.plots import plot_zprime, zprime_results, zprime_targets_detailed

    res = zprime_results(points=points)
    ctx["zprime"] = res
    for ds, r in res.items():
        for model in ("vanilla", "dark"):
            w.warn("fig4_zprime.json", [f"{ds} {model}: {x}" for x in r[model].warnings])
    targets, target_notes = zprime_targets_detailed(points=max(20, points // 5))
    from mucast.inference.constraints import ccfr_coupling_limit
    ms = next(iter(res.values()))["vanilla"].masses
    cc = ccfr_coupling_limit("lmu-ltau", ms)
    ccfr = {"label": "CCFR trident, 95% CL (computed by mucast)", "mass_GeV": ms / GeV,
            "coupling": cc.coupling, "m_chi_GeV": ms / 3 / GeV,
            "y": (0.05 * cc.coupling) ** 2 / 81.0}
    ctx["ccfr"] = cc
    png, pdf = plot_zprime(res, w.out / "fig4_zprime", targets=targets, constraints=[ccfr])
    w.text("fig4_ccfr.csv", "# CCFR neutrino-trident bound on the L_mu-L_tau Z' computed by mucast"
           " (mucast.processes.trident; docs/ccfr.md): coherent EPA on Fe, assumed beam spectrum,"
           " two-sided 95% CL R < 1.369; y for m_Z' = 3 m_chi, g_chi = 0.05\n"
           + _csv([{"m_Zprime_GeV": m / GeV, "g_Zprime_limit": g, "y_limit": (0.05 * g) ** 2 / 81}
                   for m, g in zip(ms, cc.coupling, strict=True)],
                  ["m_Zprime_GeV", "g_Zprime_limit", "y_limit"]))
    # each target's warnings (the size of its doubt) or the reason it has none, beside it
    trows = [{"dm": dm, "m_chi_GeV": m / GeV, "y_target": y, "warnings": " | ".join(n)}
             for dm, (ms, ys) in targets.items()
             for m, y, n in zip(ms, ys, target_notes[dm], strict=True)]
    for dm, (ms, _) in targets.items():
        w.warn("fig4_thermal_targets.csv", [f"{dm}, m_chi = {m / GeV:.4g} GeV: {x}"
                                            for m, n in zip(ms, target_notes[dm], strict=True)
                                            for x in n])
    w.text("fig4_thermal_targets.csv", "# thermal targets of the L_mu-L_tau Z' (mucast.cosmology"
           ".relic): Omega h^2 = 0.120, m_Z' = 3 m_chi, g_chi = 0.05, pseudo-Dirac splitting 0.1;"
           " y = (g_chi g)^2 (m_chi/m_Z')^4; 'warnings': the target's own (the size of its doubt)"
           " or why it has none\n" + _csv(trows, ["dm", "m_chi_GeV", "y_target", "warnings"]))
    w.add(png.name, pdf.name)
    rows = []
    for ds, r in res.items():
        for model in ("vanilla", "dark"):
            sc = r[model]
            ok = sc.valid
            for i in np.flatnonzero(ok):
                row = {"dataset": ds, "model": model, "m_Zprime_GeV": sc.masses[i] / GeV,
                       "g_Zprime_limit": sc.coupling[i], "br_invisible": sc.branching_invisible[i]}
                if model == "dark":
                    row.update({"m_chi_GeV": sc.m_chi[i] / GeV, "y_limit": sc.y[i]})
                rows.append(row)
    cols = ["dataset", "model", "m_Zprime_GeV", "g_Zprime_limit", "br_invisible", "m_chi_GeV", "y_limit"]
    w.text("fig4_zprime.csv", "# Fig. 4 of seed 001: 90% CL limits (default method: asymptotic CLs); "
           "dark model: m_Z' = 3 m_chi, g_chi = 0.05\n" + _csv(rows, cols))
    w.text("fig4_zprime.json", _json({ds: {m: r[m].to_dict() for m in r} for ds, r in res.items()}))
    masses = next(iter(res.values()))["vanilla"].masses
    band = gm2.gm2_band(masses)
    ctx["band"] = band
    brows = [{"m_Zprime_GeV": m / GeV, "g_low": lo, "g_central": c, "g_high": hi}
             for m, lo, c, hi in zip(band.masses, band.g_low, band.g_central, band.g_high, strict=True)]
    w.text("gm2_band.csv", "# (g-2)_mu +-2 sigma band of the L_mu-L_tau Z' (seed 001 inputs)\n" + _csv(brows))


def _step_mediators(w: _Writer, ctx: dict, points: int):
    """Issue 11: the scalar and the dark photon (declared invisible, Br = 1) for the NA64μ 2022,
    2023-24 and future data sets, with the g−2 band where the model raises a_μ."""
    from mucast.outputs.plots import limit_curves, plot_limit_panels

    masses = np.geomspace(1e-3, 5.0, points) * GeV
    # both declared invisible (Br = 1), as the figure and the CSV say: the scalar's default is
    # now decays computed, under which it decays to mu mu inside the set-up above 2 m_mu
    panels = [(name, limit_curves(name, ("2022", "2023-24", "future"), masses,
                                  decays="invisible"))
              for name in ("muon-scalar", "dark-photon")]
    ctx["mediators"] = dict(panels)
    fig = plot_limit_panels(panels, masses, w.out / "fig_mediators")
    png, pdf = fig
    w.add(png.name, pdf.name)
    w.warn("fig_mediators.csv", fig.warnings)
    rows = []
    for name, curves in panels:
        for ds, r in curves.items():
            for i in np.flatnonzero(r.valid):
                rows.append({"model": name, "dataset": ds, "mass_GeV": r.masses[i] / GeV,
                             "coupling_limit": r.coupling[i], "production": r.production[i]})
    w.text("fig_mediators.csv", "# 90% CL limits (asymptotic CLs, as seed 001) on g_mu"
           " (muon-scalar) and epsilon (dark-photon), both declared invisible (Br = 1); WW"
           " cross sections (approx auto: WW holds at these masses); NA64mu efficiency tables,"
           " one column per spin\n" + "".join(f"# warning: {x}\n" for x in fig.warnings)
           + _csv(rows, ["model", "dataset", "mass_GeV", "coupling_limit", "production"]))


def _step_alps(w: _Writer, ctx: dict, points: int):
    """Issue 18: the ALPs coupled to photons and to muons, with decays in flight (closed
    regions), for the NA64μ data sets; and mucast beside the published recasts of the 2022 data
    (mucast.outputs.reinterpretations; their rows join the report's comparisons)."""
    from mucast.outputs import reinterpretations
    from mucast.outputs.plots import limit_curves, plot_limit_panels

    ranges = {"alp-photon": (3e-4, 0.05), "alp-muon": (1e-3, 0.3)}
    panels, rows = [], []
    for name, (lo, hi) in ranges.items():
        masses = np.geomspace(lo, hi, points) * GeV
        curves = limit_curves(name, ("2022", "2023-24", "future"), masses, decays="computed")
        panels.append((name, curves))
        for ds, r in curves.items():
            for i in np.flatnonzero(r.valid):
                up = r.coupling_upper[i]
                rows.append({"model": name, "dataset": ds, "mass_GeV": r.masses[i] / GeV,
                             "coupling_lower_GeV-1": r.coupling[i],
                             "coupling_upper_GeV-1": up if np.isfinite(up) else ""})
    fig = plot_limit_panels(panels, None, w.out / "fig_alps",
                            titles=[f"{n}: 90% CL excluded (decays in flight)" for n in ranges])
    png, pdf = fig
    w.add(png.name, pdf.name)
    # the figure's warnings (regions that close, masses without a limit and why) travel with
    # its numbers
    notes = "".join(f"# warning: {x}\n" for x in fig.warnings)
    w.warn("fig_alps.csv", fig.warnings)
    w.text("fig_alps.csv", "# 90% CL excluded regions (asymptotic CLs) of the ALP presets with"
           " decays in flight: coupling_lower < g < coupling_upper (GeV^-1; empty upper: the"
           " region does not close below g = 10 GeV^-1); docs/decays.md, docs/alps.md\n"
           + notes + _csv(rows, ["model", "dataset", "mass_GeV", "coupling_lower_GeV-1",
                         "coupling_upper_GeV-1"]))
    numbers = reinterpretations.compute("2022")
    ctx["reinterpretations"] = numbers
    w.text("reinterpretations.json", _json(numbers))


def _step_acceptance(w: _Writer, ctx: dict):
    """κ(k) of every data set and table set (seed 000 Fig. 4 analogue), their provenance, and
    the beam-muon trigger rate of the detector model against seed 001's measured rates."""
    from mucast.events import detector
    from mucast import experiments
    from mucast.outputs.plots import plot_acceptances

    png, pdf = plot_acceptances(w.out / "fig4_acceptance")
    w.add(png.name, pdf.name)
    rows, prov = [], {}
    for ds in experiments.DATASETS:
        for ts in experiments.TABLE_SETS:
            t = experiments.with_tables(ds, ts).acceptance
            prov[f"{ds} {ts}"] = {"file": t.source, "provenance": t.provenance.splitlines()}
            rows += [{"dataset": ds, "table_set": ts, "k_GeV": x / GeV, "kappa": v}
                     for x, v in zip(t.x, t.value, strict=True)]
    w.text("acceptance.csv", "# kappa(k) tables of each data set and table set"
           " (mucast.experiments.TABLE_SETS; 'shipped' = the default)\n"
           + _csv(rows, ["dataset", "table_set", "k_GeV", "kappa"]))
    rate = detector.trigger_rate(n=1_000_000, seed=0)
    ctx["trigger_rate"] = rate
    w.text("acceptance.json", _json({"tables": prov, "trigger_rate_model": rate,
                                     "mucast_version": __version__}))


def _step_hepdata(w: _Writer, ctx: dict):
    from mucast.outputs.hepdata import HEPDataTable, write_submission

    tables = []
    for op in NU_OPERATORS:
        per = ctx["scans"][op]
        m = next(iter(per.values())).masses / GeV
        t = HEPDataTable(f"Bounds on {op} vs m_N", f"90% CL upper limits on the nuSMEFT operator {op} "
                         "(mucast, verified amplitudes, Feldman-Cousins).", "$m_N$", "GeV", m,
                         keywords={"observables": ["C/Lambda^2"], "reactions": ["MU N --> MU N N NBAR"],
                                   "cmenergies": [_cm_energy("2022")]}, location="Fig. 6 (seed 000)")
        for ds, sc in per.items():
            if np.allclose(sc.masses / GeV, m):
                t.add_column(f"|C|/Lambda^2 upper limit ({ds})", "GeV$^{-2}$", sc.bounds * GeV**2,
                             CL="90%", dataset=ds, MOT=_mot(ds), **{"beam energy": _beam(ds)})
        tables.append(t)
    res = ctx["zprime"]
    for model, what in (("vanilla", "g"), ("dark", "y")):
        first = next(iter(res.values()))[model]
        if what == "g":
            x, xh = first.masses / GeV, "$m_{Z'}$"
        else:
            x, xh = first.m_chi / GeV, "$m_\\chi$"
        ok = np.all([r[model].valid for r in res.values()], axis=0)
        t = HEPDataTable(f"Z' {model} limits", f"90% CL upper limits, L_mu-L_tau Z' ({model} model; "
                         "mucast modelled efficiencies).", xh, "GeV", x[ok],
                         keywords={"reactions": ["MU N --> MU N Z'"],
                                   "cmenergies": [_cm_energy("2022")]},
                         location="Fig. 4 (seed 001)")
        for ds, r in res.items():
            sc = r[model]
            vals = sc.coupling[ok] if what == "g" else sc.y[ok]
            t.add_column(("$g_{Z'}$" if what == "g" else "$y$") + f" upper limit ({ds})", "",
                         vals, CL="90%", dataset=ds, MOT=_mot(ds), method=sc.method,
                         **{"beam energy": _beam(ds)})
        tables.append(t)
    band = ctx["band"]
    t = HEPDataTable("g-2 band", "Couplings explaining Delta a_mu within +-2 sigma (seed 001 inputs).",
                     "$m_{Z'}$", "GeV", band.masses / GeV)
    for name, vals in (("g low", band.g_low), ("g central", band.g_central), ("g high", band.g_high)):
        t.add_column(name, "", vals, n_sigma=2)
    tables.append(t)
    write_submission(w.out / "hepdata", tables,
                     f"Limits computed with mucast {__version__} reproducing seed 000 (arXiv:2511.11801)"
                     " and seed 001 (arXiv:2401.01708). Not an official NA64 record.")
    w.add("hepdata/submission.yaml", *[f"hepdata/{t.file_name}" for t in tables])


def _cm_energy(ds) -> str:
    """HEPData's ``cmenergies``: the centre-of-mass energy in GeV of the beam muon on one nucleon
    at rest, √s = (m_μ² + m_p² + 2 E m_p)^½ (17.3 GeV at E = 160 GeV); the beam energy is given
    as its own qualifier."""
    from mucast import experiments
    from mucast.constants import M_MU, M_PROTON
    e = experiments.get(ds).beam_energy
    return f"{math.sqrt(M_MU**2 + M_PROTON**2 + 2 * e * M_PROTON) / GeV:.2f}"


def _beam(ds) -> str:
    from mucast import experiments
    return f"{experiments.get(ds).beam_energy / GeV:g} GeV mu-"


def _mot(ds):
    from mucast import experiments

    return f"{experiments.get(ds).mot:.3g}"


# ------------------------------------------------------------------------------------------
def run(out="mucast-output", points: int = 100, zprime_points: int = 200,
        progress: bool | None = None, command: str | None = None) -> ReproduceResult:
    """Regenerate every table and figure of both seeds into ``out`` (see the module docstring).

    ``points``: masses per νSMEFT curve; ``zprime_points``: masses per Z′ curve.
    ``progress``: show a progress bar on stderr (None: only on a terminal).
    ``command``: how the run was started, for the report (the CLI passes its command line).
    """

    if not (isinstance(points, int) and 10 <= points <= 2000):
        raise InputError(f"points must be an integer in [10, 2000], got {points!r}")
    if not (isinstance(zprime_points, int) and 10 <= zprime_points <= 5000):
        raise InputError(f"zprime_points must be an integer in [10, 5000], got {zprime_points!r}")
    outp = Path(out)
    ensure_directory(outp.parent)
    with staged_directory(outp, "run_info.json") as stage:
        files, rows, timings, warnings = _build(stage, points, zprime_points, progress, command)
    return ReproduceResult(outp, files, rows, timings, warnings)


def _build(stage: Path, points: int, zprime_points: int, progress, command):
    """Every step of :func:`run`, written into ``stage``; returns (files, comparison rows,
    timings, warnings). ``run_info.json`` comes last."""
    from tqdm import tqdm

    w = _Writer(stage)
    ctx: dict = {}
    steps = [("Table I", lambda: _step_table1(w, ctx)),
             ("Eqs. (23)-(24)", lambda: _step_planes(w, ctx)),
             ("Fig. 5", lambda: _step_fig5(w, ctx)),
             ("Fig. 6 (m_N scans)", lambda: _step_fig6(w, ctx, points)),
             ("Fig. 4 (Z')", lambda: _step_fig4(w, ctx, zprime_points)),
             ("scalar and dark photon", lambda: _step_mediators(w, ctx, min(zprime_points, 120))),
             ("ALPs and published recasts", lambda: _step_alps(w, ctx, min(zprime_points, 60))),
             ("acceptances", lambda: _step_acceptance(w, ctx)),
             ("HEPData", lambda: _step_hepdata(w, ctx))]
    timings = {}
    bar = tqdm(steps, desc="mucast reproduce", unit="step", file=sys.stderr,
               disable=(not sys.stderr.isatty()) if progress is None else (not progress))
    t_all = time.perf_counter()
    for name, fn in bar:
        bar.set_postfix_str(name)
        t0 = time.perf_counter()
        fn()
        timings[name] = round(time.perf_counter() - t0, 3)
    rows = comparison_rows(ctx)
    meta = run_metadata(command or f"mucast.outputs.reproduce.run(out, points={points},"
                                   f" zprime_points={zprime_points})")
    ccols = ["source", "quantity", "wcxf", "unit", "seed", "mucast", "ratio",
             "mucast_paper_conventions", "ratio_paper_conventions", "tolerance", "verdict",
             "explained_in", "status", "note"]
    w.text("comparison.csv", _csv(rows, ccols))
    w.text("comparison.json", _json({"verdicts": verdict_counts(rows), "rows": rows,
                                     "mucast_version": __version__}))
    w.text("report.md", report_md(rows, meta, w.warnings))
    w.text("report.html", report_html(rows, stage, meta, w.warnings))
    timings["total"] = round(time.perf_counter() - t_all, 3)
    w.add("run_info.json")
    info = {"mucast_version": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "finished_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(),
            "timings_s": timings, "files": sorted(w.files), "run": meta, "warnings": w.warnings}
    atomic_write_text(stage / "run_info.json", _json(info), lock=False)
    return sorted(w.files), rows, timings, w.warnings
