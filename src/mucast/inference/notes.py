"""Layer 4: what a limit at one mass needs to say, and one way to say it for a whole curve.

Every mass of a limit computation ends with a *status* (:data:`STATUSES`) and a list of *notes*
``(code, value)`` — JSON-friendly pairs (a code of :data:`NOTES` and a number, the size of the
doubt or the saturated yield). :func:`warnings_for` turns the notes of all masses into the
result's ``warnings`` lines, grouping masses by code (and naming them: "at m = 0.1-0.3, 4.9 GeV").
The serial scan, every Dask worker and every checkpointed point return the same notes for the
same mass, and the curve's warnings are made from them by this one function, so that every path
gives the same warnings (issue 16 §2).
"""

from __future__ import annotations

import math

__all__ = ["STATUSES", "NOTES", "warnings_for"]

#: ok: a finite limit; no-efficiency: outside the data set's efficiency tables; no-limit: no
#: coupling is excluded (the yield saturates below N_up); failed: no calculation holds there
#: (also where the statistical method has no interval: note "empty-interval")
STATUSES = ("ok", "no-efficiency", "no-limit", "failed")

#: code -> text; "{m}" is the mass list, "{v}" the largest value over the masses, formatted
NOTES = {
    "no-efficiency": "no limit at m = {m} GeV: outside the efficiency tables of data set {dataset}"
                     " ({tables})",
    "empty-interval": "no limit at m = {m} GeV: the {method} interval on the signal events is"
                      " empty for data set {dataset} (n = {n_obs}, b = {background:g}: the"
                      " observation is below what the background alone allows), and an upper"
                      " limit of 0 would exclude every {coupling}; use fc or cls-exact",
    "no-limit": "no limit at m = {m} GeV: the expected signal stays below N_up = {n_up:.3g}"
                " events for every {coupling} (it saturates at {v:.3g} events as the visible"
                " widths take over: Br(X -> invisible) falls like 1/{coupling}^2)",
    "no-limit-offshell": "no limit at m = {m} GeV: the expected signal stays below N_up ="
                         " {n_up:.3g} events for every {coupling} <= {v:.3g}",
    "no-limit-decays": "no limit at m = {m} GeV: no coupling is excluded; the expected signal"
                       " (invisible decays, and visible decays beyond the last veto) stays below"
                       " N_up = {n_up:.3g} events at every {coupling} (at most {v:.3g}: the"
                       " larger {coupling}, the more X are made but the more of them decay"
                       " visibly inside the set-up: a shorter lifetime and, with a dark sector,"
                       " a smaller Br(X -> invisible) as the visible widths take over)",
    "region-upper": "at m = {m} GeV the upper edge of the excluded region is set by decays"
                    " inside the set-up and moves roughly as L^-1/2 with the distance L from"
                    " the target to the last vetoing detector (the shipped geometries' lengths"
                    " are ASSUMPTIONS): every length after the target x0.7 (x1.3) moved the"
                    " upper edges by x1.21-1.32 (x0.79-0.87) where measured, the most where the"
                    " region closes, and the lower edges by < 1% except there (x0.95-1.07);"
                    " docs/decays.md",
    "region-gap": "at m = {m} GeV the excluded couplings have a gap (the first region ends at"
                  " {coupling} = {v:.3g}; coupling and coupling_upper give the outer edges)",
    "no-invisible": "no limit at m = {m} GeV: {model} has no invisible decay (no dark sector,"
                    " no neutrinos) and decays are counted as invisible only (decays 'computed'"
                    " counts visible decays beyond the set-up)",
    "ww-corrected": "at m = {m} GeV the WW cross section is corrected to the exact tree level,"
                    " by up to {v:.2g}% (WW holds within 2% only on heavy nuclei at high energy;"
                    " the shipped exact/WW table, docs/models.md §2)",
    "ww-corrected-pair": "at m = {m} GeV the pair integral's sigma_X(k) is corrected to the exact"
                         " tree level where WW is off by more than 2% (docs/models.md §2)",
    "ww-off": "at m = {m} GeV the WW cross section (approx 'ww', as asked) is off from the exact"
              " tree level by up to {v:.2g}%, beyond its stated 2% (the shipped exact/WW table;"
              " approx 'auto' corrects it, docs/models.md §2)",
    "etl-rtol": "at m = {m} GeV the exact engine stopped at a relative error of up to {v:.2g}%,"
                " above the requested rtol (its iteration limit): the error quoted is the one"
                " reached",
    "exact-used": "at m = {m} GeV the exact tree-level cross section (vegas) is used: the exact/WW"
                  " table does not cover this beam, target or mass",
    "ww-unchecked": "at m = {m} GeV the WW cross section is used as is: the exact/WW table does"
                    " not cover this set-up (beams of 10-300 GeV on C, Fe, Cu, W or Pb, x_min <="
                    " 0.8, theta_max = 0.1 rad, t_max = E^2), so WW's error there is not known"
                    " (docs/models.md §2)",
    "fusion-secondary": "at m = {m} GeV the ALP yield includes the thick target's real"
                        " photons converting by Primakoff (+{v:.2g}% at most; docs/alps.md §5)",
    "fusion-ww-outside": "at m = {m} GeV the photon-fusion WW form is used outside its measured"
                         " domain (docs/alps.md §3)",
    "fusion-efficiency": "at m = {m} GeV the signal efficiency of a photon-fusion ALP is the"
                         " pseudoscalar column, made for emission from the muon line (ASSUMPTION:"
                         " the muon's angles differ; docs/alps.md)",
    "large-coupling": "the {coupling} limit exceeds 1 at m = {m} GeV: no meaningful constraint"
                      " there (the tree-level formulas assume a small coupling)",
    "large-coupling-axial": "at m = {m} GeV the axial vector's longitudinal mode couples with"
                            " 2 g m_f/m_X = {v:.3g} > 1 at the limit (the axial current is not"
                            " conserved): perturbation theory, and so the tree-level formulas,"
                            " do not hold there; no meaningful constraint",
    "large-coupling-upper": "at m = {m} GeV the upper edge of the excluded region lies where X's"
                            " effective coupling exceeds 1 (up to {v:.3g}): beyond the tree-level"
                            " formulas, so the upper edge there is not a meaningful number",
    "narrow-doubt": "at m = {m} GeV the narrow-width (on-shell) form differs from the full pair"
                    " integral by up to {v:.2g}% (estimated); production 'auto' computes the"
                    " pair integral where this exceeds 1%",
    "narrow-unchecked": "at m = {m} GeV a threshold lies within 10 widths of the mediator's"
                        " pole: the narrow-width (on-shell) form could not be checked there",
    "offshell-doubt": "at m = {m} GeV the pair integral's yield is uncertain by up to {v:.2g}%"
                      " (quadrature, the sigma_X table, and the part of the resonance beyond the"
                      " end of the efficiency tables, where the efficiency is unknown)",
    "narrow-fallback": "at m = {m} GeV the pair integral is not reliable (most of its doubt"
                       " lies beyond the end of the efficiency tables), so the narrow-width form"
                       " is used; its finite-width doubt is up to {v:.2g}%",
    "failed": "no limit at m = {m} GeV: neither the narrow-width form nor the pair integral"
              " holds there (doubt {v:.2g}%)",
}
#: notes whose value is a fraction, shown in percent
_PERCENT = {"narrow-doubt", "offshell-doubt", "narrow-fallback", "failed", "ww-corrected", "ww-off", "etl-rtol",
            "fusion-secondary"}


def _runs(indices, masses_GeV):
    runs = []
    for i in sorted(indices):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    parts = [f"{masses_GeV[a]:.4g}" if a == b else f"{masses_GeV[a]:.4g}-{masses_GeV[b]:.4g}"
             for a, b in runs]
    if len(parts) > 6:
        parts = parts[:5] + [f"... ({len(indices)} masses in all)"]
    return ", ".join(parts)


def warnings_for(masses_GeV, notes, **context) -> list:
    """The warning lines of a curve: ``notes[i]`` is the list of (code, value) of mass i (in the
    curve's order, so that neighbours form runs). ``context``: dataset, tables, n_up, coupling
    (the coupling's name), model, method, n_obs, background. Codes in the order of :data:`NOTES`."""
    by_code: dict[str, list] = {}
    for i, point in enumerate(notes):
        for code, value in point:
            by_code.setdefault(code, []).append((i, value))
    out = []
    for code, text in NOTES.items():
        if code not in by_code:
            continue
        idx = [i for i, _ in by_code[code]]
        vals = [v for _, v in by_code[code] if v is not None and math.isfinite(v)]
        v = max(vals) if vals else float("nan")
        if code in _PERCENT:
            v *= 100.0
        out.append(text.format(m=_runs(idx, masses_GeV), v=v, **context))
    return out
