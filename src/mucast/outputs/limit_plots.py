"""Layer 5: limit figures of any mediator model — the 90% CL curves of several data sets, the
g−2 band where the model raises a_μ, users' overlays (CSV), and where the efficiency tables end
(``mucast plot limits``; the report's fig_mediators).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mucast.outputs.figures import _STYLE, FigureFiles, _finish, _legend, _outputs
from mucast.units import GeV


def read_overlay(path) -> dict:
    """A user's curve for a limit figure: a CSV file with the columns ``mass_GeV,coupling``
    (header line required; '#' lines allowed, ``# label: TEXT`` names the curve, else the file
    name). DataFileError (one line) for a missing file, wrong columns or non-positive values."""
    import csv

    from mucast._io import read_text
    from mucast.exceptions import DataFileError

    p = Path(path)
    text = read_text(p)
    label = p.stem
    rows = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            if s[1:].strip().lower().startswith("label:"):
                label = s[1:].strip()[6:].strip() or label
            continue
        if s:
            rows.append(line)
    reader = list(csv.reader(rows))
    if not reader:
        raise DataFileError(f"overlay {p}: no data (expected the columns mass_GeV,coupling)")
    header = [h.strip() for h in reader[0]]
    if header != ["mass_GeV", "coupling"]:
        raise DataFileError(f"overlay {p}: the first line that is not a '#' comment must be the"
                            f" header naming the columns mass_GeV,coupling, got {','.join(header)}")
    widths = {len(r) for r in reader[1:]}
    if widths - {2}:
        raise DataFileError(f"overlay {p}: every row must have two numbers (mass_GeV,coupling),"
                            f" found rows of {', '.join(str(w) for w in sorted(widths - {2}))}")
    try:
        data = np.array([[float(a) for a in r] for r in reader[1:]], dtype=float)
    except ValueError as exc:
        raise DataFileError(f"overlay {p}: not a number ({exc})") from None
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] != 2:
        raise DataFileError(f"overlay {p}: need at least two rows of two numbers")
    if not (np.all(np.isfinite(data)) and np.all(data > 0)):
        raise DataFileError(f"overlay {p}: masses and couplings must be finite and > 0")
    warnings = []
    if np.any(np.diff(data[:, 0]) < 0):
        # drawn in file order, an unsorted curve zig-zags across the figure
        data = data[np.argsort(data[:, 0], kind="stable")]
        warnings.append(f"overlay {p}: the rows were not in increasing mass; drawn sorted by"
                        " mass")
    if np.any(np.diff(data[:, 0]) == 0):
        warnings.append(f"overlay {p}: {int(np.sum(np.diff(data[:, 0]) == 0))} repeated"
                        " mass(es): the curve is vertical there")
    return {"label": label, "mass_GeV": data[:, 0], "coupling": data[:, 1], "file": str(p),
            "warnings": warnings}


def _coupling_label(model):
    """The coupling as the axis names it, with its unit when it has one (the ALPs: GeV^-1)."""
    label = {"epsilon": "$\\varepsilon$", "g_Z'": "$g_{Z'}$", "g_mu": "$g_\\mu$",
             "g_agammagamma": "$g_{a\\gamma\\gamma}$", "g_amumu": "$g_{a\\mu\\mu}$"}.get(
        model.coupling_name, model.coupling_name)
    unit = getattr(model, "coupling_unit", None)
    return f"{label} [{unit.replace('^-1', '$^{-1}$')}]" if unit else label


def _upright_ylabel(ax, text):
    """A one-symbol axis label written upright above the axis' top-left corner: rotated by 90°
    as axis labels are, the ε of the dark photon read as ω."""
    ax.set_ylabel("")
    ax.annotate(text, xy=(0, 1), xycoords="axes fraction", xytext=(-6, 8),
                textcoords="offset points", ha="right", va="bottom")


def _free_band(ax, x, width_pt):
    """The widest vertical interval [lo, hi] (axes fraction, within 0.03-0.97) that no drawn
    line crosses in the strip from ``x`` (data) to ``width_pt`` points right of it."""
    ax.autoscale_view()
    to_axes = ax.transAxes.inverted()
    x0 = to_axes.transform(ax.transData.transform((x, 1.0)))[0]
    x1 = x0 + width_pt * ax.figure.dpi / 72 / ax.bbox.width
    ys = []
    for line in ax.lines:
        xy = to_axes.transform(line.get_transform().transform(line.get_xydata()))
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) > 1:
            t = np.linspace(0, 1, 20)[:, None, None]
            xy = (xy[:-1] + t * (xy[1:] - xy[:-1])).reshape(-1, 2)
        ys += list(xy[(xy[:, 0] >= x0) & (xy[:, 0] <= x1), 1])
    edges = sorted([0.03, 0.97] + [y for y in ys if 0.03 < y < 0.97])
    gaps = [(b - a, a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return max(gaps)[1:]


def _tables_end(ax, model, curves, masses):
    """Where a data set's efficiency tables end inside the drawn range: a dotted line and a
    note on the figure, and the warnings (the curves stop there, which must not look like
    physics)."""
    from mucast.exceptions import MucastError
    from mucast.inference import mediators as M

    top = float(np.max(masses))
    ends = {}
    for ds in curves:
        try:
            end = M.setup(ds).mass_max
        except MucastError:        # not a data set name: no tables to name
            continue
        if end < top:
            ends.setdefault(float(end), []).append(str(ds))
    warnings = []
    renderer = ax.figure.canvas.get_renderer()
    for end, names in sorted(ends.items()):
        # beside the line, in the widest vertical gap the other curves leave there, in the
        # longest wording that fits it
        lo, hi = _free_band(ax, end / GeV, 20)
        ax.axvline(end / GeV, color="0.45", lw=1.0, ls=(0, (2, 2)))
        which = "" if len(names) == len(curves) else ", ".join(names) + ": "
        for text in (f"{which}efficiency tables end at {end / GeV:g} GeV: no limit beyond",
                     f"{which}efficiency tables end at {end / GeV:g} GeV",
                     f"{which}tables end at {end / GeV:g} GeV", "tables end"):
            note = ax.annotate(text, xy=(end / GeV, (lo + hi) / 2),
                               xycoords=("data", "axes fraction"), xytext=(4, 0),
                               textcoords="offset points", rotation=90, ha="left",
                               va="center", fontsize=9, color="0.35")
            if note.get_window_extent(renderer).height < 0.9 * (hi - lo) * ax.bbox.height:
                break
            note.remove()
        else:
            ax.add_artist(note)
        warnings.append(f"{', '.join(names)}: the efficiency tables end at {end / GeV:g} GeV,"
                        f" below the largest mass drawn ({top / GeV:g} GeV); no limit beyond"
                        " (the curves stop there)")
    return warnings


def _room_for_legend(ax, legend):
    """Raise the top of a log y-axis until no curve passes under the legend (a curve at the top
    of the automatic range ran through the legend's text, e.g. the alp-muon 2022 limit)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    ax.autoscale_view()
    box = legend.get_window_extent(renderer)
    frac = (ax.bbox.y1 - box.y0) / ax.bbox.height + 0.02       # top share taken, with a margin
    inv = ax.transData.inverted()
    x_lo, x_hi = inv.transform((box.x0, 0))[0], inv.transform((box.x1, 0))[0]
    ys = [line.get_ydata()[(line.get_xdata() >= x_lo) & (line.get_xdata() <= x_hi)]
          for line in ax.lines if line.get_transform() == ax.transData]
    ys = [y for y in ys if len(y)]
    if not ys or ax.get_yscale() != "log" or frac >= 0.9:
        return
    top = float(np.nanmax(np.concatenate(ys)))
    lo, hi = ax.get_ylim()
    if not (np.isfinite(top) and top > 0 and lo > 0):
        return
    # the curves' highest point must sit at (1 - frac) of the axis height, in log scale
    need = 10 ** (np.log10(lo) + (np.log10(top) - np.log10(lo)) / (1.0 - frac))
    if need > hi:
        ax.set_ylim(lo, need)


def limit_curves(model, datasets, masses, method=None, acceptance="shipped", decays=None):
    """{data set: MediatorLimitScan} of ``model`` over ``masses`` (what the limit figures draw).
    ``decays``: 'computed', 'invisible' or None (the model's default; coupling_limit_scan)."""
    from mucast.experiments import DATASETS, with_tables
    from mucast.inference import mediators as M
    from mucast.models.mediator import get_model

    model = get_model(model)
    method = method or M.DEFAULT_METHOD
    out = {}
    for ds in datasets:
        exp = with_tables(ds, acceptance) if ds in DATASETS and acceptance != "shipped" else ds
        out[str(ds)] = M.coupling_limit_scan(model, np.asarray(masses, float), exp, method,
                                             decays=decays)
    return out


def _draw_limits(ax, model, curves, masses, overlays=(), legend_size=10):
    from mucast.models import gm2

    xs = np.asarray(masses, float) / GeV
    if model.parameter == "sm" and model.spin in ("vector", "scalar"):
        band = gm2.gm2_band(masses, spin=model.spin, muon_charge=model.charges["mu"])
        ax.fill_between(xs, band.g_low, band.g_high, color="0.55", alpha=0.45, lw=0,
                        label="$(g-2)_\\mu$ $\\pm2\\sigma$ (seed 001 inputs)")
    closes, fills = [], []
    for ds, r in curves.items():
        ok = r.valid
        c, ls, lab = _STYLE.get(ds, ("k", "-.", str(ds)))
        ax.plot(xs[ok], r.coupling[ok], color=c, ls=ls, lw=2.2, label=lab)
        # with decays in flight the excluded region can close above: its upper edge too (drawn
        # thinner), or the figure would claim every larger coupling excluded
        up = getattr(r, "coupling_upper", None)
        if up is not None and np.any(ok & np.isfinite(up)):
            top = ok & np.isfinite(up)
            ax.plot(xs[top], up[top], color=c, ls=ls, lw=1.2)
            closes.append(str(ds))
            # where the region ends within the masses drawn, close it with a vertical edge
            for j in np.flatnonzero(top & ~np.r_[top[1:], False] & (np.arange(len(xs)) < len(xs) - 1)):
                ax.plot([xs[j], xs[j]], [r.coupling[j], up[j]], color=c, ls=ls, lw=1.2)
        # the excluded region itself, shaded after the axes are set (below): between the edges
        # where it closes, up to the top of the figure where it does not
        if np.any(ok):
            ceiling = np.where(np.isfinite(up), up, np.inf) if up is not None else np.full(
                xs.shape, np.inf)
            fills.append((np.where(ok, r.coupling, np.nan), np.where(ok, ceiling, np.nan), c))
    if closes:
        ax.plot([], [], color="0.3", lw=1.2, label="thin: upper edge of the excluded region")
    for ov in overlays:
        ax.plot(ov["mass_GeV"], ov["coupling"], lw=1.6, ls="-.",
                label=f"{ov['label']} (user overlay)")
    xlabel = "$m_\\chi$ [GeV]" if model.mass is not None else "$m_X$ [GeV]"
    ax.set(xscale="log", yscale="log", xlabel=xlabel, xlim=(xs[0], xs[-1]))
    _upright_ylabel(ax, _coupling_label(model))
    warnings = _tables_end(ax, model, curves, masses)
    _room_for_legend(ax, _legend(ax, loc="upper left", frameon=False, fontsize=legend_size))
    ax.autoscale(False)                   # the shading must not move the axes the lines set
    y_top = ax.get_ylim()[1]
    for lo, hi, c in fills:
        ax.fill_between(xs, lo, np.minimum(hi, y_top), color=c, alpha=0.10, lw=0, zorder=0.5)
    if closes:
        warnings.append(f"{', '.join(closes)}: the excluded region closes above (visible decays"
                        " inside the set-up); its upper edge is the thinner line of the same style")
    # the curves' own warnings (masses without a limit and why, the method's coverage, ...)
    warnings += [f"{ds}: {w}" for ds, r in curves.items() for w in getattr(r, "warnings", ())]
    return warnings + [w for ov in overlays for w in ov.get("warnings", ())]


def plot_limits(model, datasets, masses, out, overlays=(), method=None, acceptance="shipped",
                decays=None):
    """The limit figure of any mediator model: the 90% CL excluded regions of ``datasets``
    (shaded; closed above where decays in flight close them, ``decays`` as in
    coupling_limit_scan), the ±2σ g−2 band where the model raises a_μ, and user ``overlays``
    (:func:`read_overlay`). Returns the PNG and PDF paths."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    import mplhep

    from mucast.inference import mediators as M
    from mucast.models.mediator import get_model

    model = get_model(model)
    png, pdf = _outputs(out)
    method = method or M.DEFAULT_METHOD
    curves = limit_curves(model, datasets, masses, method, acceptance, decays)
    with matplotlib.style.context(mplhep.style.ROOT), \
            matplotlib.rc_context({"font.size": 15, "legend.fontsize": 11}):
        fig = Figure(figsize=(8.5, 6.6))
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        warnings = _draw_limits(ax, model, curves, masses, overlays)
        ax.set_title(f"{model.name} ({model.spin}): 90% CL excluded", fontsize=14)
        _finish(fig, png, pdf, f"mucast {method}; cross sections WW where it holds (2%), else corrected"
                " to the exact tree level (approx auto); efficiencies of the data sets'"
                " [mediator] tables")
    return FigureFiles(png, pdf, warnings)


def plot_limit_panels(panels, masses, out, method=None, titles=None):
    """Several models side by side: ``panels`` = [(model, {data set: MediatorLimitScan})] (from
    :func:`limit_curves`). ``masses`` is the common mass grid, or None to draw each panel on its
    curves' own grid; ``titles`` one title per panel (default: the model, its spin and
    Br(inv) = 1). Returns the PNG and PDF paths (``mucast reproduce``: the scalar and the dark
    photon, and the ALPs with decays in flight, for NA64μ 2022, 2023-24 and future)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    import mplhep

    from mucast.inference import mediators as M
    from mucast.models.mediator import get_model

    png, pdf = _outputs(out)
    method = method or M.DEFAULT_METHOD
    if titles is not None and len(titles) != len(panels):
        raise ValueError(f"titles: one per panel ({len(panels)}), got {len(titles)}")
    with matplotlib.style.context(mplhep.style.ROOT), \
            matplotlib.rc_context({"font.size": 14, "legend.fontsize": 9}):
        fig = Figure(figsize=(7.0 * len(panels), 6.4))
        FigureCanvasAgg(fig)
        axes = np.atleast_1d(fig.subplots(1, len(panels)))
        warnings = []
        for i, (ax, (model, curves)) in enumerate(zip(axes, panels, strict=True)):
            model = get_model(model)
            grid = masses if masses is not None else next(iter(curves.values())).masses
            # several panels: each warning names its panel's model
            drawn = _draw_limits(ax, model, curves, grid, legend_size=9)
            warnings += [f"{model.name}, {x}" for x in drawn] if len(panels) > 1 else drawn
            ax.set_title(titles[i] if titles is not None else
                         f"{model.name} ({model.spin}, Br(inv) = 1): 90% CL", fontsize=13)
        _finish(fig, png, pdf, f"mucast {method}; cross sections WW where it holds (2%), else"
                " corrected to the exact tree level (approx auto); NA64mu efficiency tables,"
                " one column per spin (docs/models.md)")
    return FigureFiles(png, pdf, warnings)
