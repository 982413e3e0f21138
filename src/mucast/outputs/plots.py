"""Layer 5: figures. matplotlib (Agg, object API: no pyplot global state) with the mplhep style
applied inside a style context only.

:func:`plot_zprime` draws Fig. 4 of seed 001: left, 90% CL limits on g_Z′ against m_Z′
(vanilla L_μ−L_τ) for the 2022 data and the 2023-24 / future projections, with the ±2σ
(g−2)_μ band; right, the thermal-DM plane (m_χ, y), y = (g_χ g)²(m_χ/m_Z′)⁴, m_Z′ = 3m_χ,
g_χ = 5·10⁻² ("dark" model). Also Figs. 5-6 of seed 000 and the acceptance figure; the limit
figures of any mediator model are in mucast.outputs.limit_plots, the shared machinery (styles,
legends, footnotes, saving) in mucast.outputs.figures.
"""

from __future__ import annotations

import numpy as np

from mucast.experiments import published
from mucast.exceptions import InputError
from mucast.constants import M_MU
from mucast.units import GeV, MeV
from mucast.outputs.figures import (_STYLE, FigureFiles, _finish, _legend,  # noqa: F401
                                    _outputs, save_figure)
# the limit figures of any mediator model live in limit_plots (re-exported here)
from mucast.outputs.limit_plots import (limit_curves, plot_limit_panels,  # noqa: F401
                                        plot_limits, read_overlay)


def zprime_results(datasets=("2022", "2023-24", "future"), points=200, m_min=1 * MeV,
                   m_max=5 * GeV, method=None):
    """Limit scans (vanilla, and dark for the y plane) for the figure; dict by data set."""
    from mucast.inference import mediators as zl

    if not (isinstance(points, int) and 10 <= points <= 10_000):
        raise InputError(f"points must be an integer in [10, 10000], got {points!r}")
    method = method or zl.DEFAULT_METHOD
    masses = np.geomspace(m_min, m_max, points)
    out = {}
    for d in datasets:
        # production "narrow": seed 001's (and mucast 0.2's) narrow-width treatment
        out[d] = {"vanilla": zl.coupling_limit_scan(zl.legacy_zprime_model("vanilla"), masses, d,
                                                    method, production="narrow", label="vanilla"),
                  "dark": zl.coupling_limit_scan(zl.legacy_zprime_model("dark"), masses, d, method,
                                                 production="narrow", label="dark")}
    return out


#: the thermal targets drawn on Fig. 4 (right): seed 001's three dark-matter types
TARGET_TYPES = ("scalar", "pseudo-dirac", "majorana")
TARGET_SPLITTING = 0.1
_TARGET_STYLE = {"scalar": ("#7f7f7f", "-"), "pseudo-dirac": ("#bcbd22", "--"),
                 "majorana": ("#17becf", "-.")}


def zprime_targets(m_min=1 * MeV / 3, m_max=5 * GeV / 3, points=40, g_chi=0.05,
                   mass_ratio=3.0, splitting=TARGET_SPLITTING):
    """Thermal targets y(m_χ) of the L_μ−L_τ Z′ for the three dark-matter types of seed 001's
    Fig. 4 (right), computed by mucast.cosmology.relic at the seed's g_χ and m_Z′ = 3m_χ:
    {dm: (m_chi [energy] array, y array)} (NaN where no coupling ≤ √4π works). Their warnings:
    :func:`zprime_targets_detailed`."""
    return zprime_targets_detailed(m_min, m_max, points, g_chi, mass_ratio, splitting)[0]


def zprime_targets_detailed(m_min=1 * MeV / 3, m_max=5 * GeV / 3, points=40, g_chi=0.05,
                            mass_ratio=3.0, splitting=TARGET_SPLITTING) -> tuple:
    """(:func:`zprime_targets`, notes): notes[dm][i] is the list of the i-th target's warnings
    (the size of its doubt: a neutrino bath, m_χ below 1 MeV, a broad mediator, ...) or, where
    there is no target, the one-line reason."""
    from mucast.cosmology.relic import target_curve_detailed

    masses = np.geomspace(m_min, m_max, points)
    out, notes = {}, {}
    for dm in TARGET_TYPES:
        rows, why = target_curve_detailed("lmu-ltau", masses, dm=dm, g_chi=g_chi,
                                          mass_ratio=mass_ratio,
                                          splitting=splitting if dm == "pseudo-dirac" else None)
        out[dm] = (masses, np.array([r.y if r else np.nan for r in rows]))
        notes[dm] = [list(r.warnings) if r else [f"no target: {w}"]
                     for r, w in zip(rows, why, strict=True)]
    return out, notes


def plot_zprime(results=None, out="zprime_fig4", points=200, targets=None, overlays=(),
                constraints=()):
    """Fig. 4 of seed 001 from :func:`zprime_results` output (and, on the right, the thermal
    targets of :func:`zprime_targets` if given); writes ``out``.png and .pdf.

    Returns the two paths.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    import mplhep

    from mucast.models import gm2

    png, pdf = _outputs(out)
    results = results or zprime_results(points=points)
    with matplotlib.style.context(mplhep.style.ROOT), \
            matplotlib.rc_context({"font.size": 15, "legend.fontsize": 11.5}):
        # constrained layout: it makes room for the legends below the panels
        fig = Figure(figsize=(15, 8.6), layout="constrained")
        FigureCanvasAgg(fig)
        ax, ay = fig.subplots(1, 2)
        masses = next(iter(results.values()))["vanilla"].masses
        band = gm2.gm2_band(masses)
        ax.fill_between(masses / GeV, band.g_low, band.g_high, color="0.55", alpha=0.45, lw=0,
                        label="$(g-2)_\\mu$ $\\pm2\\sigma$ (seed 001 inputs)")
        ax.plot(masses / GeV, band.g_central, color="0.35", lw=1)
        ax.axvline(2 * M_MU / GeV, color="0.6", lw=0.8, ls="-.")
        # between the future (~3e-6) and 2023-24 (~2e-4) curves: no curve crosses the text
        ax.text(2.15 * M_MU / GeV, 1.2e-5, "$2m_\\mu$: Br(inv) $\\to$ 1/2", fontsize=10,
                color="0.4", rotation=90, va="bottom")
        for name, r in results.items():
            c, ls, lab = _STYLE.get(name, ("k", "-", name))
            v = r["vanilla"]
            ok = v.valid
            ax.plot(v.masses[ok] / GeV, v.coupling[ok], color=c, ls=ls, lw=2.2, label=lab)
            dk = r["dark"]
            ok = dk.valid
            ay.plot(dk.m_chi[ok] / GeV, dk.y[ok], color=c, ls=ls, lw=2.2, label=lab)
        _published_fig4(ax, ay)
        extra_handles = []
        for ov in overlays:
            ax.plot(ov["mass_GeV"], ov["coupling"], lw=1.6, ls="-.",
                    label=f"{ov['label']} (user overlay)")
        for con in constraints:
            # the shaded excluded region and the line share one legend entry
            shade = ax.fill_between(con["mass_GeV"], con["coupling"], 1.0,
                                    color=con.get("color", "#e377c2"), alpha=0.18, lw=0)
            line, = ax.plot(con["mass_GeV"], con["coupling"], color=con.get("color", "#e377c2"),
                            lw=1.8)
            extra_handles.append(((shade, line), con["label"] + "; shaded: excluded"))
            if "y" in con:
                ay.plot(con["m_chi_GeV"], con["y"], color=con.get("color", "#e377c2"), lw=1.8,
                        label=con["label"])
        for dm, (mt, yt) in (targets or {}).items():
            c, ls = _TARGET_STYLE.get(dm, ("0.3", ":"))
            split = f", $\\delta = {TARGET_SPLITTING:g}$" if dm == "pseudo-dirac" else ""
            ay.plot(mt / GeV, yt, color=c, ls=ls, lw=1.8,
                    label=f"thermal target, {dm}{split} (mucast relic)")
        ax.set(xscale="log", yscale="log", xlim=(masses[0] / GeV, masses[-1] / GeV),
               ylim=(1e-6, 1e-1), xlabel="$m_{Z'}$ [GeV]", ylabel="$g_{Z'}$")
        ax.set_title("$L_\\mu-L_\\tau$ vanilla: 90% CL upper limits", fontsize=14)
        # legends below the panels: inside, the thermal targets and the CCFR line crossed them
        from matplotlib.legend_handler import HandlerTuple
        handles, labels = ax.get_legend_handles_labels()
        handles += [h for h, _ in extra_handles]
        labels += [lab for _, lab in extra_handles]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(0.0, -0.12),
                  frameon=False, handler_map={tuple: HandlerTuple(ndivide=None, pad=0)})
        ay.set(xscale="log", yscale="log", xlabel="$m_\\chi$ [GeV]",
               xlim=(masses[0] / 3 / GeV, masses[-1] / 3 / GeV),
               ylabel="$y = (g_\\chi g_{Z'})^2 (m_\\chi/m_{Z'})^4$", ylim=(1e-17, 1e-6))
        ay.set_title("$m_{Z'} = 3m_\\chi$, $g_\\chi = 5\\times10^{-2}$: 90% CL upper limits",
                     fontsize=14)
        ay.legend(loc="upper left", bbox_to_anchor=(0.0, -0.12), frameon=False)
        _finish(fig, png, pdf, "mucast: WW cross section, modelled efficiencies"
                " (scripts/make_zprime_efficiencies.py); not the NA64 result")
    return FigureFiles(png, pdf, [w for ov in overlays for w in ov.get("warnings", ())])


_PUBLISHED = dict(color="black", marker="D", ms=7, mfc="none", mew=1.8, ls="none", zorder=6)


def _published_fig4(ax, ay):
    """Seed 001's numerical statements, drawn as published values (open black diamonds and a
    bar): left, the viable g−2 window 6–7 ≲ m ≲ 40 MeV with g ≲ 6·10⁻⁴ and the exclusion
    'm ≳ 40 MeV, g ≳ 5·10⁻⁴'; right, y ≲ 6·10⁻¹² for m_χ ≲ 40 MeV."""
    from mucast.experiments import published
    st = published.seed001()["statements"]
    lo, hi = st["viable_window_GeV"]
    g6 = st["viable_window_coupling_max"]
    ax.plot([lo, hi], [g6, g6], color="black", lw=2.5, zorder=6,
            label="published: g−2 still viable for 7–40 MeV, $g \\lesssim 6\\times10^{-4}$")
    ax.plot([st["gm2_excluded_above_mass_GeV"]], [st["gm2_excluded_coupling_above"]], **_PUBLISHED,
            label="published: excluded $m \\gtrsim 40$ MeV, $g \\gtrsim 5\\times10^{-4}$")
    ay.plot([1e-3 / 3, st["thermal_m_chi_max_GeV"]], [st["thermal_y_max"]] * 2, color="black",
            lw=2.5, zorder=6,
            label="published: $y \\lesssim 6\\times10^{-12}$ for $m_\\chi \\lesssim 40$ MeV")


def plot_acceptances(out="fig4_acceptance", datasets=("2022", "2023-24", "future")):
    """The analogue of seed 000's Fig. 4: κ(k) of each data set for the three table sets of
    :data:`mucast.experiments.TABLE_SETS` (default: detector-model shape, calibrated level;
    'derived': the model's own level; 'approx': the mucast 0.1 flat tables). Returns the paths."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    import mplhep

    from mucast import experiments

    png, pdf = _outputs(out)
    sets = (("shipped", "-", "default (model shape, calibrated level)", 5.0, 0.35),
            ("derived", "--", "detector model, own level", 2.0, 1.0),
            ("approx", ":", "mucast 0.1 flat approximation", 2.2, 1.0))
    with matplotlib.style.context(mplhep.style.ROOT), \
            matplotlib.rc_context({"font.size": 15, "legend.fontsize": 11}):
        fig = Figure(figsize=(15, 5.6))
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(datasets), sharey=True)
        for ax, ds in zip(np.atleast_1d(axes), datasets, strict=True):
            c = _STYLE.get(ds, ("k",))[0]
            tables = {ts: experiments.with_tables(ds, ts).acceptance for ts, *_ in sets}
            for ts, ls, lab, lw, alpha in sets:
                t = tables[ts]
                k = np.linspace(t.x_min, t.x_max, 400)
                same = ts == "derived" and np.allclose(t(k), tables["shipped"](k), rtol=1e-9)
                # the default is drawn wide and light, so a table equal to it (the 2022 'own
                # level' is the default with factor 1) stays visible on top of it
                ax.plot(k / GeV, t(k), color="0.15" if ts == "derived" else c, ls=ls, lw=lw,
                        alpha=alpha, label=lab + (" (= default here)" if same else ""),
                        zorder=3 if ts == "derived" else 2)
            ax.set(xlabel="√k² of the invisible pair [GeV]", yscale="log",
                   ylim=(5e-3, 1.5), xlim=(0, 3.05))
            ax.set_title(f"NA64$\\mu$ {ds}", fontsize=14)
            _legend(ax, loc="lower left", frameon=False, fontsize=9)
        np.atleast_1d(axes)[0].set_ylabel("$\\kappa(k)$")
        fig.suptitle("$\\kappa(k)$ = probability that a $\\mu N \\to \\mu N \\chi\\chi$ event whose"
                     " invisible pair has mass √k² passes the selection (Eq. 22 of seed"
                     " 000); zero beyond 3 GeV, where the simulated range ends", fontsize=11.5,
                     y=0.995)
        _finish(fig, png, pdf, "mucast fast simulation (docs/detector_model.md); level 2022: seed"
                " 001's 12% peak; 2023-24, future: seed 000 Table I", x=0.99, top=0.95)
    return png, pdf


_EFT_STYLE = {"2022": ("#c2185b", "-", "NA64$\\mu$ 2022 (1.98$\\times10^{10}$ MOT)"),
              "2023-24": ("#e6a800", "--", "NA64$\\mu$ 2023-24 (3.5$\\times10^{11}$ MOT)"),
              "future": ("#6a1b9a", ":", "NA64$\\mu$ future ($10^{14}$ MOT)")}


def _eft_context():
    import matplotlib
    import mplhep

    return matplotlib.style.context(mplhep.style.ROOT), matplotlib.rc_context(
        {"font.size": 14, "legend.fontsize": 11})


def plot_smeft_plane(forms: dict, out, forms_paper: dict | None = None):
    """Fig. 5 of seed 000: the 90% CL region in ([c_LL]_μμαα, [c_Lℓ]_ααμμ)/v² (GeV⁻²), one panel
    per data set (the three differ by two orders of magnitude). ``forms``: data set →
    :class:`mucast.inference.limits.QuadraticForm`; the excluded region (outside the ellipse) is shaded.
    ``forms_paper`` (optional) adds the seed-literal contour dashed."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    png, pdf = _outputs(out)
    c1, c2 = _eft_context()
    with c1, c2:
        fig = Figure(figsize=(15, 5.4))
        FigureCanvasAgg(fig)
        axes = fig.subplots(1, len(forms))
        for ax, (name, f) in zip(np.atleast_1d(axes), forms.items(), strict=True):
            col, ls, lab = _EFT_STYLE.get(name, ("k", "-", name))
            x, y = ellipse_points(f)
            # axis unit 10^e GeV^-2 chosen per panel (no matplotlib offset text)
            e = int(np.floor(np.log10(max(np.max(np.abs(x)), np.max(np.abs(y))))))
            unit = 10.0**e
            x, y = x / unit, y / unit
            # room below the ellipse for the legend (at 1.35 the ellipse ran behind it)
            lim = 1.6 * max(np.max(np.abs(x)), np.max(np.abs(y)))
            ax.fill(np.r_[x, x[0]], np.r_[y, y[0]], color="white", zorder=1)
            ax.set_facecolor(col + "30")
            ax.plot(x, y, color=col, lw=2.2, ls="-", zorder=2, label=lab + " (mucast)")
            if forms_paper and name in forms_paper:
                xp, yp = ellipse_points(forms_paper[name])
                ax.plot(xp / unit, yp / unit, color="0.2", lw=1.2, ls="--", zorder=3,
                        label="seed 000 conventions")
            ax.axhline(0, color="0.6", lw=0.6)
            ax.axvline(0, color="0.6", lw=0.6)
            ax.set(xlim=(-lim, lim), ylim=(-lim, lim), aspect="equal",
                   xlabel=f"$[c_{{LL}}]_{{\\mu\\mu\\tau\\tau}}/v^2$ [$10^{{{e}}}$ GeV$^{{-2}}$]",
                   ylabel=f"$[c_{{L\\ell}}]_{{\\tau\\tau\\mu\\mu}}/v^2$ [$10^{{{e}}}$ GeV$^{{-2}}$]")
            ax.set_title(f"{name}: shaded = excluded at 90% CL", fontsize=12)
            _legend(ax, loc="lower left", frameon=True, fontsize=9)
        fig.tight_layout()
        save_figure(fig, png, pdf)
    return png, pdf


def ellipse_points(form, n=361):
    """Boundary of a c1² + b c2² + h c1 c2 = R (GeV⁻² units) as two arrays."""
    from mucast.units import GeV as _GeV

    phi = np.linspace(0, 2 * np.pi, n)
    c, s = np.cos(phi), np.sin(phi)
    q = form.a * c * c + form.b * s * s + form.h * c * s
    r = np.sqrt(form.R / q) * _GeV**2
    return r * c, r * s


def plot_nusmeft(scans: dict, out):
    """Fig. 6 of seed 000: 90% CL bounds on the νSMEFT coefficients against m_N, one panel per
    operator, one line per data set. ``scans``: operator → data set → :class:`mucast.inference.scans.MassScan`."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from mucast.models.eft import LATEX

    png, pdf = _outputs(out)
    c1, c2 = _eft_context()
    with c1, c2:
        fig = Figure(figsize=(15, 6.2))
        FigureCanvasAgg(fig)
        axes = np.atleast_1d(fig.subplots(1, len(scans), sharey=True))
        table1 = published.seed000()["table1"]
        for ax, (op, per_ds) in zip(axes, scans.items(), strict=True):
            for name, sc in per_ds.items():
                col, ls, lab = _EFT_STYLE.get(name, ("k", "-", name))
                m, b = sc.masses / GeV, sc.bounds * GeV**2
                edge = sc.edge_dominated
                # solid where physics decides, dotted where more than half of the yield comes
                # from the last bin of the acceptance table (the bound then says where the table
                # ends); the two pieces share the boundary point
                i = int(np.argmax(edge)) if np.any(edge) else len(m)
                ax.plot(m[:i + 1], b[:i + 1], color=col, ls=ls, lw=2.2, label=lab)
                if i < len(m):
                    ax.plot(m[i:], b[i:], color=col, ls=":", lw=1.4, alpha=0.8)
                ax.fill_between(m, b, 1.0, color=col, alpha=0.08)
                if name in table1 and op in table1[name]:
                    ax.plot([0.0], [table1[name][op]], marker="D", ms=8, mfc="none", mew=1.8,
                            color=col, ls="none", zorder=6, clip_on=False,
                            label=f"seed 000 Table I, {name} (published)")
            ax.set(yscale="log", xlabel="$m_N$ [GeV]", ylim=(3e-5, 1.0),
                   xlim=(-0.02, 1.05 * max(s.closing_mass for s in per_ds.values()) / GeV))
            ax.set_title(f"{op}: {LATEX[op]}", fontsize=13)
        axes[0].set_ylabel("90% CL upper limit on $|C|/\\Lambda^2$ [GeV$^{-2}$]")
        # below the panels: inside, the 2022 curve crossed the legend's text
        legend = (*axes[0].get_legend_handles_labels(), {"ncol": 3, "fontsize": 10.5})
        _finish(fig, png, pdf, "mucast, verified amplitudes; acceptance: detector-model shape,"
                " calibrated level (scripts/calibrate_derived.py). The curves end where the"
                " acceptance tables end (sqrt(k^2) <= 3 GeV: m_N < 1.5 GeV for pairs, 3 GeV for"
                " LNLe), not at a kinematic limit; dotted: > 50% of the yield from the tables'"
                " last bin",
                legend=legend)
    return png, pdf
