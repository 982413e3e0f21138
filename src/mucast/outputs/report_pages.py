"""Layer 5: the pages of a ``mucast reproduce`` run: report.md and report.html (figures
embedded), from the comparison rows (:mod:`mucast.outputs.comparisons`) and the run's
metadata (date, version, git commit, command)."""

from __future__ import annotations

import base64
import datetime as _dt
import html
import math
import re
from pathlib import Path

from mucast import __version__
from mucast.outputs.report import EXPLANATIONS, VERDICTS, verdict_counts

#: the figures of the report, in order: (file stem, title)
FIGURES = (
    ("fig4_acceptance", "Acceptances κ(k) (the analogue of seed 000 Fig. 4; docs/detector_model.md)"),
    ("fig5_smeft_plane", "Fig. 5 of seed 000: the SMEFT plane"),
    ("fig6_nusmeft", "Fig. 6 of seed 000: νSMEFT bounds against m_N"),
    ("fig4_zprime", "Fig. 4 of seed 001: the L_μ−L_τ Z′"),
    ("fig_mediators", "Beyond the seeds: a muon-philic scalar and a dark photon (both invisible),"
                      " NA64μ 2022 / 2023-24 / future (docs/models.md)"),
    ("fig_alps", "Beyond the seeds: ALPs coupled to photons and to muons, with decays in flight"
                 " (closed regions), NA64μ 2022 / 2023-24 / future (docs/alps.md, docs/decays.md)"),
)

#: the data files of a run, named on the "Data:" line of report.md and report.html
DATA_FILES = ("table1.csv", "eq23.csv", "eq24.json", "fig5_contours.csv", "fig6_nusmeft.csv",
              "fig4_zprime.csv", "fig4_thermal_targets.csv", "fig4_ccfr.csv", "gm2_band.csv",
              "fig_mediators.csv", "fig_alps.csv", "reinterpretations.json", "acceptance.csv", "comparison.csv", "hepdata/submission.yaml")

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


def grouped_warnings(warnings) -> list[tuple[str, int]]:
    """The run's warnings for the report: those that differ only in their numbers (the same
    warning at other masses) are one entry, (the first of them, how many); the full list is
    run_info.json's ``warnings``."""
    groups: dict[str, list] = {}
    for x in warnings:
        key = re.sub(r"[-+]?\d[\d.]*(?:e[-+]?\d+)?", "#", x)
        groups.setdefault(key, [x, 0])[1] += 1
    return [(first, n) for first, n in groups.values()]


def _warning_lines(warnings) -> list[str]:
    return [first + (f" (and {n - 1} more like it at other points: run_info.json)" if n > 1
                     else "") for first, n in grouped_warnings(warnings)]


def report_md(rows: list[dict], meta: dict, warnings=()) -> str:
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
    lines += [f"## Warnings ({len(warnings)})", "",
              "What the computations behind the files said about their own numbers (the size"
              " of a doubt, where a result does not exist and why), by file:", ""]
    lines += [f"- {x}" for x in _warning_lines(warnings)] or ["None."]
    lines += [""]
    lines += ["## Figures", ""]
    for stem, title in FIGURES:
        lines += [f"### {title}", "", f"![{title}]({stem}.png)", ""]
    lines += ["Data: " + ", ".join(DATA_FILES) + ".", ""]
    return "\n".join(lines)


def report_html(rows: list[dict], out: Path, meta: dict, warnings=()) -> str:
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
    warn = "".join(f"<li>{html.escape(x)}</li>" for x in _warning_lines(warnings))
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
<h2>Warnings ({len(warnings)})</h2>
<p>What the computations behind the files said about their own numbers (the size of a doubt,
where a result does not exist and why), by file:</p><ul>{warn or '<li>None.</li>'}</ul>
{figs}
<p>Data: {data}.</p>
</body></html>
"""
