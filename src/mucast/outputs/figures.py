"""Layer 5: what every mucast figure shares — the data sets' line styles, output paths (PNG
and PDF), legends clear of the ticks, a footnote that fits the figure, reproducible saving, and
:class:`FigureFiles`, the paths with the figure's warnings.

The figures themselves: mucast.outputs.plots (the seeds' figures) and
mucast.outputs.limit_plots (limit curves of any mediator model).
"""

from __future__ import annotations

from pathlib import Path

_STYLE = {"2022": ("#d62728", "-", "NA64$\\mu$ 2022 (1.98$\\times10^{10}$ MOT)"),
          "2023-24": ("#1f77b4", "--", "NA64$\\mu$ 2023-24 projection (3.5$\\times10^{11}$ MOT)"),
          "future": ("#2ca02c", ":", "NA64$\\mu$ future projection ($10^{14}$ MOT)"),
          "m3-phase1": ("#9467bd", "-.", "M$^3$-like phase 1 ($10^{10}$ MOT, assumed eff.)"),
          "m3-phase2": ("#8c564b", (0, (5, 1, 1, 1)), "M$^3$-like phase 2 ($10^{13}$ MOT, assumed eff.)")}


def _outputs(out):
    p = Path(out)
    if p.suffix.lower() in (".png", ".pdf"):
        p = p.with_suffix("")
    return p.with_suffix(".png"), p.with_suffix(".pdf")


class FigureFiles(tuple):
    """The (PNG, PDF) paths a figure function wrote, with the ``warnings`` the figure carries
    (curves cut where the efficiency tables end, overlays that had to be sorted): unpacks
    like the pair it was before (``png, pdf = plot_limits(...)``)."""

    def __new__(cls, png, pdf, warnings=()):
        obj = super().__new__(cls, (png, pdf))
        obj.warnings = list(dict.fromkeys(warnings))
        return obj


def _legend(ax, **kw):
    """A legend kept clear of the inward tick marks of the ROOT style (12 pt majors on all
    four sides; matplotlib's default pad of 0.5 font sizes let the top ticks cross the first
    entry): the pad is the major tick length plus 3 pt."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    size = FontProperties(size=kw.get("fontsize", matplotlib.rcParams["legend.fontsize"]))
    tick = max(matplotlib.rcParams["xtick.major.size"], matplotlib.rcParams["ytick.major.size"])
    kw.setdefault("borderaxespad", (tick + 3.0) / size.get_size_in_points())
    return ax.legend(**kw)


def _finish(fig, png, pdf, note, x=0.995, top=1.0, size=9, legend=None):
    """Footnote (where the numbers come from), wrapped to the figure's width (a long one ran
    off the left edge of Fig. 6), a layout leaving room for its lines, and save. ``legend``:
    (handles, labels, options) of a figure legend placed between the panels and the note
    (inside the panels, curves crossed its text)."""
    import textwrap

    renderer = fig.canvas.get_renderer()
    width = x * fig.bbox.width - 4
    per_line = max(30, int(fig.get_figwidth() * 72 / (0.5 * size)))
    while True:
        lines = textwrap.wrap(note, per_line)
        text = fig.text(x, 0.005, "\n".join(lines), ha="right", va="bottom", fontsize=size,
                        color="0.35", multialignment="right")
        if text.get_window_extent(renderer).width <= width or per_line <= 30:
            break
        text.remove()
        per_line = int(per_line * 0.9)
    bottom = (text.get_window_extent(renderer).height + 6) / fig.bbox.height
    if legend is not None:
        handles, labels, options = legend
        leg = fig.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, bottom),
                         frameon=False, **options)
        leg.set_in_layout(False)
        bottom += (leg.get_window_extent(renderer).height + 4) / fig.bbox.height
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set") and "rect" in engine.get():
        engine.set(rect=(0, bottom, 1, top - bottom))
    else:
        fig.tight_layout(rect=(0, bottom, 1, top))
    save_figure(fig, png, pdf)


def save_figure(fig, png, pdf, dpi=130):
    """Write PNG and PDF atomically and reproducibly (no creation date in the metadata, so the
    same figure gives the same bytes). ``Software`` (PNG) and ``Creator`` (PDF) name mucast: the
    signature by which a rerun recognises its own figure and may replace it
    (:func:`mucast._io.is_mucast_output`)."""
    import io

    from mucast import __version__
    from mucast._io import atomic_write_bytes, check_output_path

    for path in (png, pdf):      # both refused before either is written (never half a figure)
        check_output_path(path)
    me = f"mucast {__version__}"
    for path, kw in ((png, {"format": "png", "dpi": dpi, "metadata": {"Software": me}}),
                     (pdf, {"format": "pdf", "metadata": {"CreationDate": None, "Creator": me,
                                                          "Producer": None}})):
        buf = io.BytesIO()
        fig.savefig(buf, **kw)
        atomic_write_bytes(path, buf.getvalue())
