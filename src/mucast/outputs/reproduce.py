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
* ``fig4_acceptance.{png,pdf}``, ``acceptance.{csv,json}`` — κ(k) of every data set for the
  default, detector-model and 0.1 table sets (seed 000 Fig. 4 analogue), their provenance, and the
  model's beam-muon trigger rate beside seed 001's measured one;
* ``hepdata/`` — a HEPData submission (submission.yaml + one YAML per table);
* ``comparison.{csv,json}``, ``report.md``, ``report.html`` (figures embedded) — every published
  number beside ours, the ratio, and whether it was calibrated or predicted;
* ``run_info.json`` — timestamp, timings, Python and package versions. Everything else is
  byte-identical between runs with the same inputs (no dates inside the other files).

The folder is built in a staging folder of mucast's own and put in place at the end
(:func:`mucast._io.staged_directory`): a new folder appears complete or not at all, and Ctrl-C,
SIGTERM or a full disk leave no half-filled folder (the staging folder is removed). ``out`` must
be missing, empty, or the output of an earlier run (its ``run_info.json`` lists mucast's files):
a rerun replaces those files and leaves anything else in the folder alone; a folder with other
content is refused before any computation.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import html
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
from mucast.experiments import published
from mucast.outputs.report import EXPLANATIONS, VERDICTS, Tolerance, comparison_row, verdict_counts
from mucast._io import atomic_write_text, ensure_directory, staged_directory
from mucast.exceptions import InputError
from mucast.units import GeV, MeV

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


class _Writer:
    def __init__(self, out: Path):
        self.out = out
        self.files: list[str] = []

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
    png, pdf = plot_nusmeft(scans, w.out / "fig6_nusmeft")
    w.add(png.name, pdf.name)
    w.text("fig6_nusmeft.csv", "# Fig. 6 of seed 000: 90% CL bounds (GeV^-2) against m_N (GeV), "
           "verified amplitudes, FC N_up = 2.4359\n" + _csv(rows))
    w.text("fig6_nusmeft.json", _json({op: {ds: s.to_dict() for ds, s in v.items()}
                                       for op, v in scans.items()}))


def _step_fig4(w: _Writer, ctx: dict, points: int):
    from mucast.models import gm2
    from mucast.outputs.plots import plot_zprime, zprime_results, zprime_targets

    res = zprime_results(points=points)
    ctx["zprime"] = res
    targets = zprime_targets(points=max(20, points // 5))
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
    trows = [{"dm": dm, "m_chi_GeV": m / GeV, "y_target": y}
             for dm, (ms, ys) in targets.items() for m, y in zip(ms, ys, strict=True)]
    w.text("fig4_thermal_targets.csv", "# thermal targets of the L_mu-L_tau Z' (mucast.cosmology"
           ".relic): Omega h^2 = 0.120, m_Z' = 3 m_chi, g_chi = 0.05, pseudo-Dirac splitting 0.1;"
           " y = (g_chi g)^2 (m_chi/m_Z')^4\n" + _csv(trows, ["dm", "m_chi_GeV", "y_target"]))
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
    png, pdf = plot_limit_panels(panels, masses, w.out / "fig_mediators")
    w.add(png.name, pdf.name)
    rows = []
    for name, curves in panels:
        for ds, r in curves.items():
            for i in np.flatnonzero(r.valid):
                rows.append({"model": name, "dataset": ds, "mass_GeV": r.masses[i] / GeV,
                             "coupling_limit": r.coupling[i], "production": r.production[i]})
    w.text("fig_mediators.csv", "# 90% CL limits (asymptotic CLs, as seed 001) on g_mu"
           " (muon-scalar) and epsilon (dark-photon), both declared invisible (Br = 1); WW"
           " cross sections (approx auto: WW holds at these masses); NA64mu efficiency tables,"
           " one column per spin\n"
           + _csv(rows, ["model", "dataset", "mass_GeV", "coupling_limit", "production"]))


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
# comparison with the published numbers
# ------------------------------------------------------------------------------------------
#: tolerances of the comparisons (mucast.outputs.report.Tolerance), with where they come from
_TOL_TABLE1 = Tolerance(rel=0.10, reason="two printed digits (±5%) plus the approximated"
                        " acceptance shape (±5%; docs/validation.md, 'What is calibrated')")
_TOL_R = Tolerance(rel=0.20, reason="R scales as the square of a Table-I-like bound (2 × 10%)")
_TOL_H = Tolerance(abs=0.05, reason="one printed digit (-0.1 means -0.15 to -0.05)")
_TOL_LAMBDA = Tolerance(rel=0.05, reason="Lambda ~ bound^(-1/2): half the Table I tolerance")
_TOL_NUP = Tolerance(abs=0.005, reason="two printed decimals (2.44 ± 0.005)")
_TOL_INPUT = Tolerance(rel=1e-9, reason="an input or a calibration target: equal by construction"
                       " (1e-9: rounding)")
_TOL_CALIB_GM2 = Tolerance(rel=0.03, reason="calibration target; the crossing is read off a"
                           " 200-point curve (spacing 3.2% in mass)")
_TOL_ONE_DIGIT = Tolerance(rel=0.10, reason="one printed digit (6·10⁻⁴ means 5.5–6.5·10⁻⁴) and"
                           " the approximated efficiency shape")
_TOL_LEVEL = Tolerance(rel=0.05, reason="'~12%': the level of the efficiency tables is set from"
                       " it (scripts/make_zprime_efficiencies.py)")
_TOL_LOWER_BOUND = Tolerance(ratio_range=(0.25, 1.0), reason="the model has radiative losses and"
                             " scattering only (no δ-rays, halo): a lower bound of the measured"
                             " rate, expected within a factor 4")


def _comparison(ctx: dict) -> list[dict]:
    pub0 = published.seed000()
    pub1 = published.seed001()
    rows = []

    def add(*args, **kw):
        rows.append(comparison_row(*args, **kw))

    for r in ctx["table1"]:
        op = r["operator"]
        explain = ("table1-lnle" if op == "LNLe_2222" else "table1-2023-nusmeft"
                   if (op in ("eN_22", "LN_22") and r["dataset"] == "2023-24") else None)
        add("seed 000 Table I", f"{r['label']} ({r['dataset']})", r["seed"], r["ours"],
            r["ours_paper_conventions"], r["status"], _TOL_TABLE1, "GeV^-2", explain=explain,
            wcxf=op, quantity_html=f"{r['label_html']} ({r['dataset']})")
    f_d = ctx["forms"][("default", "tau", "future")]
    f_p = ctx["forms"][("paper", "tau", "future")]
    add("seed 000 Eq. (23)", "cross-term coefficient h (future)", pub0["eq23"]["cross_term"],
        f_d.h, f_p.h, "prediction", _TOL_H, wcxf="ll_2233, le_3322")
    add("seed 000 Eq. (23)", "R (future)", pub0["eq23"]["R_GeV4"], f_d.R * GeV**4, f_p.R * GeV**4,
        "prediction", _TOL_R, "GeV^-4", wcxf="ll_2233, le_3322")
    e24 = ctx["eq24"]
    add("seed 000 Eq. (24)", "|[c_LL]_μμμμ|/v² (future + trident)", pub0["eq24"]["c_LL_max"],
        e24["default"]["c_LL_mumumumu_max_GeV-2"], e24["paper"]["c_LL_mumumumu_max_GeV-2"],
        "prediction", _TOL_TABLE1, "GeV^-2", "trident band scaled 68%->90% by 1.645",
        wcxf="ll_2222 (×2)", quantity_html="|[c<sub>LL</sub>]<sub>μμμμ</sub>|/v² (future + trident)")
    add("seed 000 Eq. (24)", "|[c_Lℓ]_μμμμ|/v² (future + trident)", pub0["eq24"]["c_Le_max"],
        e24["default"]["c_Le_mumumumu_max_GeV-2"], e24["paper"]["c_Le_mumumumu_max_GeV-2"],
        "prediction", _TOL_TABLE1, "GeV^-2", wcxf="le_2222",
        quantity_html="|[c<sub>Lℓ</sub>]<sub>μμμμ</sub>|/v² (future + trident)")
    t1 = {(r["dataset"], r["operator"]): r for r in ctx["table1"]}
    lam = lambda b: b ** -0.5  # noqa: E731
    add("seed 000 Sec. VI", "Λ, SMEFT (future)", pub0["scales"]["smeft_future_GeV"],
        lam(t1[("future", "ll_2233")]["ours"]), lam(t1[("future", "ll_2233")]["ours_paper_conventions"]),
        "prediction", _TOL_LAMBDA, "GeV", "seed: 'Λ ≳ 83 GeV'", wcxf="ll_2233")
    add("seed 000 Sec. VI", "Λ, νSMEFT C_LN (future)", pub0["scales"]["nusmeft_future_GeV"],
        lam(t1[("future", "LN_22")]["ours"]), lam(t1[("future", "LN_22")]["ours_paper_conventions"]),
        t1[("future", "LN_22")]["status"], _TOL_LAMBDA, "GeV", "seed: 'Λ ≳ 100 GeV'",
        wcxf="LN_22")
    sc = ctx["scans"]
    add("seed 000 Sec. V", "end of the m_N range, pair operators (acceptance tables end at √k² = 3 GeV)",
        pub0["closing"]["pair_GeV"], sc["LN_22"]["future"].closing_mass / GeV,
        sc["LN_22"]["future"].closing_mass / GeV, "input (acceptance range)", _TOL_INPUT, "GeV",
        wcxf="eN_22, LN_22")
    add("seed 000 Sec. V", "end of the m_N range, O_LNLℓ (acceptance tables end at √k² = 3 GeV)",
        pub0["closing"]["single_GeV"], sc["LNLe_2222"]["future"].closing_mass / GeV,
        sc["LNLe_2222"]["future"].closing_mass / GeV, "input (acceptance range)", _TOL_INPUT,
        "GeV", wcxf="LNLe_2222")
    add("seed 000 Sec. V", "N_up (FC, n = 0, b = 0)", 2.44, sc["LN_22"]["future"].n_up,
        sc["LN_22"]["future"].n_up, "prediction", _TOL_NUP)
    # seed 001
    z = ctx["zprime"]["2022"]
    v, dk = z["vanilla"], z["dark"]
    band = ctx["band"]
    cross = _first_crossing(v.masses, v.coupling, band.g_central)
    st = pub1["statements"]
    add("seed 001", "m_Z′ above which the g−2 band centre is excluded (2022)",
        st["gm2_excluded_above_mass_GeV"], cross / GeV if cross else None, None, "calibration",
        _TOL_CALIB_GM2, "GeV")
    i40 = int(np.argmin(np.abs(v.masses - 40 * MeV)))
    add("seed 001", "g_Z′ limit at m_Z′ = 40 MeV (2022; seed text: excluded for g ≳ 5·10⁻⁴)",
        st["gm2_excluded_coupling_above"], float(v.coupling[i40]), None, "prediction",
        _TOL_ONE_DIGIT, explain="zprime-g40")
    win = (v.masses >= st["viable_window_GeV"][0] * GeV) & (v.masses <= st["viable_window_GeV"][1] * GeV)
    add("seed 001", "largest g_Z′ limit for 7–40 MeV (2022; seed summary: g ≲ 6·10⁻⁴)",
        st["viable_window_coupling_max"], float(np.max(v.coupling[win])), None, "prediction",
        _TOL_ONE_DIGIT)
    sel = dk.valid & (dk.m_chi <= st["thermal_m_chi_max_GeV"] * GeV)
    add("seed 001", "max y for m_χ ≲ 40 MeV (2022)", st["thermal_y_max"], float(np.max(dk.y[sel])),
        None, "prediction", _TOL_ONE_DIGIT, explain="zprime-y")
    from mucast.inference.mediators import final_efficiency

    mm = np.geomspace(0.1, 1.0, 30) * GeV
    add("seed 001", "maximal signal efficiency, 0.1–1 GeV (2022)", st["max_signal_efficiency"],
        float(np.max(final_efficiency(mm, "2022"))), None, "input (level)", _TOL_LEVEL)
    rate = ctx.get("trigger_rate")
    if rate:
        for (t, name), meas in zip((("t1", "Sμ at −152 mm"), ("t2", "Sμ at −117 mm")),
                                   pub1["dataset2022"]["trigger_rate"], strict=True):
            add("seed 001", f"physics-trigger rate per beam muon, {name} (2022)", meas,
                rate[t]["rate"], None, "prediction (lower bound)", _TOL_LOWER_BOUND, "",
                "detector model: radiative losses and scattering only; no δ-rays, halo")
    return rows


def _first_crossing(m, g, band):
    ok = np.isfinite(g)
    below = ok & (g < band)
    idx = np.flatnonzero(below)
    if idx.size == 0 or idx[0] == 0:
        return None
    i = idx[0]
    # log-linear interpolation of ln(g/band) between i-1 and i
    a, b = math.log(g[i - 1] / band[i - 1]), math.log(g[i] / band[i])
    t = a / (a - b)
    return math.exp(math.log(m[i - 1]) + t * (math.log(m[i]) - math.log(m[i - 1])))


#: the figures of the report, in order: (file stem, title)
FIGURES = (
    ("fig4_acceptance", "Acceptances κ(k) (the analogue of seed 000 Fig. 4; docs/detector_model.md)"),
    ("fig5_smeft_plane", "Fig. 5 of seed 000: the SMEFT plane"),
    ("fig6_nusmeft", "Fig. 6 of seed 000: νSMEFT bounds against m_N"),
    ("fig4_zprime", "Fig. 4 of seed 001: the L_μ−L_τ Z′"),
    ("fig_mediators", "Beyond the seeds: a muon-philic scalar and a dark photon (both invisible),"
                      " NA64μ 2022 / 2023-24 / future (docs/models.md)"),
)

#: the data files of a run, named on the "Data:" line of report.md and report.html
DATA_FILES = ("table1.csv", "eq23.csv", "eq24.json", "fig5_contours.csv", "fig6_nusmeft.csv",
              "fig4_zprime.csv", "fig4_thermal_targets.csv", "fig4_ccfr.csv", "gm2_band.csv",
              "fig_mediators.csv", "acceptance.csv", "comparison.csv", "hepdata/submission.yaml")

_STATUS_TEXT = ("Status: *calibration* = used to fix an approximation (agrees by construction, not"
                " a test); *capped calibration* = its target could not be reached with an acceptance"
                " ≤ 1; *prediction* = computed; *input* = taken from the seed. Verdict: *agrees* ="
                " within the stated tolerance; *deviates — explained* = outside it, for the reason"
                " given below (and in the document named); *deviates — unexplained* = outside it,"
                " reason unknown.")


def run_metadata(command: str | None = None) -> dict:
    """Date, version, git commit and command of a run (for the report header).

    The date is ``SOURCE_DATE_EPOCH`` when set (reproducible builds convention: two runs with the
    same value give byte-identical reports), else now (UTC). The git commit is that of the
    checkout mucast is imported from, when it is one (``+dirty`` with uncommitted changes)."""
    import os
    import subprocess
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = (_dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc) if epoch and epoch.isdigit()
            else _dt.datetime.now(_dt.timezone.utc))
    commit = None
    src = Path(__file__).resolve().parent
    try:
        top = subprocess.run(["git", "-C", str(src), "rev-parse", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        if top.returncode == 0:
            commit = top.stdout.strip()[:12]
            dirty = subprocess.run(["git", "-C", str(src), "status", "--porcelain", "--", "."],
                                   capture_output=True, text=True, timeout=5).stdout.strip()
            commit += "+dirty" if dirty else ""
    except (OSError, subprocess.SubprocessError):
        commit = None
    return {"date_utc": when.strftime("%Y-%m-%d %H:%M UTC"), "mucast_version": __version__,
            "git_commit": commit or "not a git checkout",
            "command": command or "mucast.outputs.reproduce.run(...)"}


def _fmt_num(x):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.4g}"


_COLUMNS = ("source", "quantity", "WCxf", "seed", "mucast", "mucast/seed", "mucast (seed conv.)",
            "ratio (seed conv.)", "tolerance", "verdict", "status")


def _cells(r, html_mode=False):
    q = r["quantity_html"] if html_mode else r["quantity"].replace("|", "\\|")
    unit = f" [{r['unit']}]" if r["unit"] else ""
    verdict = r["verdict"]
    if r["explained_in"]:
        verdict += (f' (<a href="#{r["explanation"]}">why</a>)' if html_mode
                    else f" ([why](#{r['explanation']}))")
    return [r["source"], q + unit, r["wcxf"] or "—", _fmt_num(r["seed"]), _fmt_num(r["mucast"]),
            _fmt_num(r["ratio"]), _fmt_num(r["mucast_paper_conventions"]),
            _fmt_num(r["ratio_paper_conventions"]), r["tolerance"], verdict, r["status"]]


def _summary_line(rows) -> str:
    c = verdict_counts(rows)
    return (f"{c[VERDICTS[0]]} agree ({c['of which calibrations or inputs']} of them calibrations"
            f" or inputs, equal by construction), {c[VERDICTS[1]]} deviate — explained,"
            f" {c[VERDICTS[2]]} deviate — unexplained; {len(rows)} comparisons")


def _explanations(rows):
    used = []
    for r in rows:
        if r["explanation"] and r["explanation"] not in used:
            used.append(r["explanation"])
    return [(k, *EXPLANATIONS[k]) for k in used]


def _report_md(rows: list[dict], meta: dict) -> str:
    lines = [f"# mucast {__version__}: reproduction of seed 000 and seed 001", "",
             f"**Verdicts: {_summary_line(rows)}.**", "",
             f"Made {meta['date_utc']} by mucast {meta['mucast_version']} (git commit"
             f" {meta['git_commit']}) with `{meta['command']}`.", "",
             "Every published number beside mucast's. 'mucast' = verified physics (default"
             " conventions); 'mucast (seed conv.)' = the seed's formulas taken literally. "
             + _STATUS_TEXT, "",
             "| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    lines += ["", "Tolerances:", ""]
    seen: dict[str, str] = {}
    for r in rows:
        seen.setdefault(r["tolerance_reason"], r["tolerance"])
    lines += [f"- {t}: {reason}" for reason, t in seen.items()]
    expl = _explanations(rows)
    if expl:
        lines += ["", "## Why these deviate", ""]
        for key, ref, text in expl:
            lines += [f'<a id="{key}"></a>', f"**{key}** ({ref}): {text}", ""]
    lines += ["## Figures", ""]
    for stem, title in FIGURES:
        lines += [f"### {title}", "", f"![{title}]({stem}.png)", ""]
    lines += ["Data: " + ", ".join(DATA_FILES) + ".", ""]
    return "\n".join(lines)


def _report_html(rows: list[dict], out: Path, meta: dict) -> str:
    def img(name):
        data = base64.b64encode((out / f"{name}.png").read_bytes()).decode("ascii")
        return f'<img alt="{name}" src="data:image/png;base64,{data}" style="max-width:100%">'

    def cls(r):
        return {"agrees": "ok", "deviates — explained": "expl"}.get(r["verdict"], "bad")

    head = "".join(f"<th>{html.escape(c)}</th>" for c in _COLUMNS)
    trs = "\n".join(
        "<tr>" + "".join(
            f"<td class='{cls(r) if i == 9 else ''}'>{c if i in (1, 9) else html.escape(c)}</td>"
            for i, c in enumerate(_cells(r, html_mode=True))) + "</tr>"
        for r in rows)
    tol: dict[str, str] = {}
    for r in rows:
        tol.setdefault(r["tolerance_reason"], r["tolerance"])
    tol_html = "".join(f"<li>{html.escape(t)}: {html.escape(reason)}</li>" for reason, t in tol.items())
    expl = "".join(f'<p id="{k}"><b>{html.escape(k)}</b> ({html.escape(ref)}): {html.escape(text)}</p>'
                   for k, ref, text in _explanations(rows))
    figs = "".join(f"<h2>{html.escape(title)}</h2>{img(stem)}" for stem, title in FIGURES)
    data = ", ".join(f'<a href="{html.escape(f)}">{html.escape(f)}</a>' for f in DATA_FILES)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>mucast {__version__} reproduction</title>
<style>body{{font-family:sans-serif;max-width:1250px;margin:auto;padding:1em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;font-size:88%}}
.ok{{background:#e8f5e9}}.expl{{background:#fff3cd}}.bad{{background:#f8d7da}}
.summary{{font-size:110%;padding:.5em;border:1px solid #999;background:#f7f7f7}}</style>
</head><body>
<h1>mucast {__version__}: reproduction of seed 000 and seed 001</h1>
<p class="summary"><b>Verdicts:</b> {html.escape(_summary_line(rows))}.</p>
<p>Made {html.escape(meta['date_utc'])} by mucast {html.escape(meta['mucast_version'])} (git commit
{html.escape(meta['git_commit'])}) with <code>{html.escape(meta['command'])}</code>.</p>
<p>mucast = verified physics (default conventions); mucast (seed conv.) = the seed's formulas taken
literally. {html.escape(_STATUS_TEXT).replace('*', '')}</p>
<table><tr>{head}</tr>
{trs}
</table>
<p>Tolerances:</p><ul>{tol_html}</ul>
<h2>Why these deviate</h2>{expl or '<p>No deviations.</p>'}
{figs}
<p>Data: {data}.</p>
</body></html>
"""


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
        files, rows, timings = _build(stage, points, zprime_points, progress, command)
    return ReproduceResult(outp, files, rows, timings)


def _build(stage: Path, points: int, zprime_points: int, progress, command):
    """Every step of :func:`run`, written into ``stage``; returns (files, comparison rows,
    timings). ``run_info.json`` comes last."""
    from tqdm import tqdm

    w = _Writer(stage)
    ctx: dict = {}
    steps = [("Table I", lambda: _step_table1(w, ctx)),
             ("Eqs. (23)-(24)", lambda: _step_planes(w, ctx)),
             ("Fig. 5", lambda: _step_fig5(w, ctx)),
             ("Fig. 6 (m_N scans)", lambda: _step_fig6(w, ctx, points)),
             ("Fig. 4 (Z')", lambda: _step_fig4(w, ctx, zprime_points)),
             ("scalar and dark photon", lambda: _step_mediators(w, ctx, min(zprime_points, 120))),
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
    rows = _comparison(ctx)
    meta = run_metadata(command or f"mucast.outputs.reproduce.run(out, points={points},"
                                   f" zprime_points={zprime_points})")
    ccols = ["source", "quantity", "wcxf", "unit", "seed", "mucast", "ratio",
             "mucast_paper_conventions", "ratio_paper_conventions", "tolerance", "verdict",
             "explained_in", "status", "note"]
    w.text("comparison.csv", _csv(rows, ccols))
    w.text("comparison.json", _json({"verdicts": verdict_counts(rows), "rows": rows,
                                     "mucast_version": __version__}))
    w.text("report.md", _report_md(rows, meta))
    w.text("report.html", _report_html(rows, stage, meta))
    timings["total"] = round(time.perf_counter() - t_all, 3)
    w.add("run_info.json")
    info = {"mucast_version": __version__, "python": platform.python_version(),
            "numpy": np.__version__, "finished_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(),
            "timings_s": timings, "files": sorted(w.files), "run": meta}
    atomic_write_text(stage / "run_info.json", _json(info), lock=False)
    return sorted(w.files), rows, timings
