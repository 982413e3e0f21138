"""Layer 5: mucast beside the published reinterpretations of NA64μ 2022 data (issue 18 §3;
docs/validation.md, "Published reinterpretations of NA64μ data").

Two recasts publish numbers that can be read here (data/published/reinterpretations.toml):

* Li, Liu, Song, arXiv:2501.06294 (abstract only): g_aμμ ≳ 4×10⁻³ GeV⁻¹ excluded for
  m_a ≲ 0.2 GeV — compared with the ``alp-muon`` preset (L ⊃ (g/2)∂_μa μ̄γ^μγ⁵μ, decays in flight);
  their normalisation, efficiency, N_up and decay volume are not readable, so the deviation is
  listed with its candidate factors, each computed (:func:`compute`, ``li_liu_song.factors``).
* Eberhart et al., arXiv:2504.05873, the NA64μ region of an ALP coupled universally to e, μ, τ as
  digitised by a third party: compared with the same model built from
  :func:`leptophilic_model`, once as mucast computes NA64μ (the data set's efficiency,
  pile-up, statistics and geometry) and once in an idealised recast set-up
  (:func:`recast_setup`: 100% efficiency, no pile-up, the Poisson N_up = 2.30, decays unseen
  beyond a length L fitted on one digitised point of the upper edge, :func:`fit_veto_end`) with
  the coupling normalised as (c/Λ)∂_μa ℓ̄γ^μγ⁵ℓ — the reading that reproduces the region.

:func:`comparison_rows` turns the numbers into rows of :func:`mucast.outputs.report.comparison_row`
(published value, mucast's, the ratio, mucast under the recast's reading in the "paper
conventions" columns, a tolerance with its reason, a verdict), for ``mucast reproduce``.
arXiv:2409.10128 (NA64's scalar and vector mediators) has no readable number: no row.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from scipy.optimize import brentq

from mucast.constants import M_E, M_MU, M_TAU
from mucast.exceptions import InputError
from mucast.experiments import published
from mucast.experiments.acceptance import AcceptanceTable, EfficiencyTable
from mucast.experiments.geometry import Geometry, Region
from mucast.experiments.selection import SignalSetup, Trigger, setup
from mucast.inference.mediator_yields import DEFAULT_METHOD
from mucast.inference.mediators import coupling_limit_scan
from mucast.models.mediator import MediatorModel
from mucast.outputs.report import Tolerance, comparison_row
from mucast.units import GeV, MeV
from mucast.units import m as metre

__all__ = ["RECAST_METHOD", "NORMALISATIONS", "leptophilic_model", "recast_setup", "edges",
           "closing_mass", "fit_veto_end", "compute", "comparison_rows"]

#: the statistics of the idealised recast: the classical Poisson limit, 2.30 events at n = b = 0
RECAST_METHOD = "poisson"
#: L ⊃ k (c/Λ) ∂_μa ℓ̄γ^μγ⁵ℓ with k = 1/2 ("half": Bauer–Neubert–Thamm, mucast's alp-muon,
#: g_ℓ = c m_ℓ/Λ in the equivalent Yukawa −i g_ℓ a ℓ̄γ⁵ℓ) or k = 1 ("full": g_ℓ = 2c m_ℓ/Λ)
NORMALISATIONS = {"half": 1.0, "full": 2.0}
_LEPTON_MASS = {"e": M_E, "mu": M_MU, "tau": M_TAU}

_TOL_DIGIT = Tolerance(rel=0.125, reason="one printed digit ('4×10⁻³' stands for 3.5–4.5×10⁻³)")
_TOL_MASS_DIGIT = Tolerance(abs=0.05, reason="one printed digit ('m_a ≲ 0.2 GeV')")
_TOL_DIGITISED = Tolerance(rel=0.10, reason="a third party's digitisation of a log-scale figure of"
                           " a recast: ±5% reading, ±5% the recast's own numerical precision"
                           " (unknown, assumed)")
_TOL_TIP = Tolerance(rel=0.05, reason="the tip of a digitised polygon on a log mass axis: ±3%"
                     " reading, ±2% the mass grid of the recast (unknown, assumed)")


# ----------------------------------------------------------------------------------------------
# models and set-ups
# ----------------------------------------------------------------------------------------------
def leptophilic_model(normalisation="half", form="derivative", leptons=("e", "mu", "tau")
                      ) -> MediatorModel:
    """An ALP with the same coupling c/Λ [GeV⁻¹] to each lepton of ``leptons`` (arXiv:2504.05873's
    universal case: all three): L ⊃ k (c/Λ) ∂_μa Σ_ℓ ℓ̄γ^μγ⁵ℓ, k = 1/2 (``"half"``) or 1
    (``"full"``), :data:`NORMALISATIONS`. ``form``: "derivative" (the γγ loops with the anomaly
    term, B₁ = 1 − τf(τ)) or "yukawa" (−i g_ℓ a ℓ̄γ⁵ℓ, A_P = 2τf(τ)); production and ℓℓ widths are
    the same at tree level (mucast.models.mediator)."""
    if normalisation not in NORMALISATIONS:
        raise InputError(f"normalisation must be one of {', '.join(NORMALISATIONS)}, got"
                         f" {normalisation!r}")
    k = NORMALISATIONS[normalisation]
    return MediatorModel(f"alp-leptons-{normalisation}", "pseudoscalar",
                         {lep: k * _LEPTON_MASS[lep] / GeV for lep in leptons},
                         coupling_form=form, coupling_name="c/Lambda", coupling_unit="GeV^-1",
                         description="ALP with a common coupling to the leptons "
                                     f"{', '.join(leptons)} ({normalisation} normalisation)")


def recast_setup(dataset="2022", efficiency_level=1.0, veto_end=None) -> SignalSetup:
    """The data set as an idealised phenomenological recast sees it: one trigger with all the
    data set's MOT and a flat efficiency ``efficiency_level`` over the mass range of its tables
    (None: the data set's own triggers, efficiency tables and pile-up loss), no pile-up loss, no
    background and no systematics (so that N_up is the classical Poisson 2.30 events with
    :data:`RECAST_METHOD`), the same beam, target and x ≥ x_min, and decays unseen beyond
    ``veto_end`` [length] (vetoed between the production region and it; None: the data set's
    own geometry)."""
    s = setup(dataset)
    if efficiency_level is None:
        triggers, pileup = s.triggers, s.pileup_loss
    elif 0.0 < efficiency_level <= 1.0:
        lo = min(t.efficiency.x_min for t in s.triggers)
        flat = AcceptanceTable(np.array([lo, s.mass_max]), np.full(2, float(efficiency_level)),
                               ("m_GeV", "efficiency"), "flat (recast emulation)", "flat")
        triggers = (Trigger("recast", s.mot, EfficiencyTable({"efficiency": flat}, "flat")),)
        pileup = 0.0
    else:
        raise InputError(f"efficiency_level must be in (0, 1] or None, got {efficiency_level!r}")
    geometry = s.geometry
    if veto_end is not None:
        if geometry is None:
            raise InputError(f"veto_end: the data set {dataset!r} has no [geometry] table")
        prod = geometry.production_region
        if not veto_end > prod.end:
            raise InputError(f"veto_end must lie beyond the production region (z > "
                             f"{prod.end / metre:g} m), got {veto_end / metre:g} m")
        geometry = Geometry((prod, Region("vetoed (recast)", prod.end, veto_end, False, "vetoed",
                                          "recast emulation"),
                             Region("unseen (recast)", veto_end, math.inf, False, "unseen",
                                    "recast emulation")), "recast emulation")
    return replace(s, name=f"{s.name} (recast emulation)", triggers=triggers,
                   pileup_loss=pileup, background=0.0, background_uncertainty=0.0,
                   signal_systematic=0.0, mot_uncertainty=0.0, geometry=geometry)


# ----------------------------------------------------------------------------------------------
# regions
# ----------------------------------------------------------------------------------------------
def edges(model, masses, dataset="2022", method=DEFAULT_METHOD):
    """(lower, upper) edges of the excluded region [the model's coupling units] at ``masses``
    [energy], decays computed; lower = inf where no coupling is excluded, upper = inf where the
    region does not close."""
    r = coupling_limit_scan(model, np.atleast_1d(np.asarray(masses, float)), dataset,
                            method=method, decays="computed")
    return np.asarray(r.coupling, float), np.asarray(r.coupling_upper, float)


def _has_region(model, mass, dataset, method) -> bool:
    return bool(np.isfinite(edges(model, [mass], dataset, method)[0][0]))


def closing_mass(model, dataset="2022", method=DEFAULT_METHOD, m_lo=1 * MeV, m_hi=0.2113 * GeV,
                 rtol=1e-3):
    """The largest mass [energy] with an excluded region, by bisection in ln m between m_lo
    (which must have a region) and m_hi; m_hi itself if it has one (the region reaches it).
    Assumes one transition in [m_lo, m_hi] (checked by the callers on a mass grid)."""
    if not _has_region(model, m_lo, dataset, method):
        raise InputError(f"no excluded region at m_lo = {m_lo / GeV:g} GeV")
    if _has_region(model, m_hi, dataset, method):
        return m_hi
    a, b = math.log(m_lo), math.log(m_hi)
    while b - a > rtol:
        c = 0.5 * (a + b)
        a, b = (c, b) if _has_region(model, math.exp(c), dataset, method) else (a, c)
    return math.exp(a)


def fit_veto_end(model, mass, upper, dataset="2022", efficiency_level=1.0,
                 method=RECAST_METHOD, bracket=(0.5, 100.0)):
    """The length L [length] beyond which decays must be unseen, in :func:`recast_setup`, for the
    region's upper edge at ``mass`` [energy] to be ``upper`` (the upper edge falls as L grows,
    about as L^(−1/2)); Brent's method in ln L on ``bracket`` [m]."""
    def f(ln_l):
        up = edges(model, [mass], recast_setup(dataset, efficiency_level, math.exp(ln_l) * metre),
                   method)[1][0]
        return math.log(up / upper) if np.isfinite(up) else 50.0
    lo, hi = (math.log(v) for v in bracket)
    if f(lo) * f(hi) > 0:
        raise InputError(f"no veto end in {bracket} m gives the upper edge {upper:g} at"
                         f" {mass / GeV:g} GeV")
    return math.exp(brentq(f, lo, hi, xtol=1e-5)) * metre


# ----------------------------------------------------------------------------------------------
# the numbers
# ----------------------------------------------------------------------------------------------
def _li_liu_song(dataset, pub):
    grid = np.geomspace(1e-3, pub["region_mass_max_GeV"], 25) * GeV
    lo, _ = edges("alp-muon", grid, dataset)
    i = int(np.argmin(lo))
    m_min = float(grid[i])
    lo_exact, _ = edges("alp-muon", [m_min], recast_setup(dataset, None), RECAST_METHOD)
    lo_ideal, _ = edges("alp-muon", [m_min], recast_setup(dataset), RECAST_METHOD)
    fin = np.flatnonzero(np.isfinite(lo))
    m_end = closing_mass("alp-muon", dataset, DEFAULT_METHOD, float(grid[fin[-1]]),
                         2.0 * M_MU)
    s = setup(dataset)
    eps = float(s.mot_efficiency(m_min, "pseudoscalar")) / s.mot * (1.0 - s.pileup_loss)
    return {"masses_GeV": (grid / GeV).tolist(), "lower": lo.tolist(), "method": DEFAULT_METHOD,
            "lower_min": float(lo[i]), "lower_min_mass_GeV": m_min / GeV,
            "region_mass_max_GeV": m_end / GeV,
            "n_up": float(coupling_limit_scan("alp-muon", [m_min], dataset).n_up),
            "factors": {"normalisation_full": 0.5,
                        "poisson_n_up": float(lo_exact[0] / lo[i]),
                        "ideal_efficiency_and_poisson": float(lo_ideal[0] / lo[i]),
                        "efficiency_times_pileup": eps},
            "lower_poisson": float(lo_exact[0]), "lower_ideal_poisson": float(lo_ideal[0])}


def _lfc(dataset, pub):
    points = {k: (v[0] * MeV, v[1]) for k, v in pub.items() if isinstance(v, list)}
    half, full = leptophilic_model("half"), leptophilic_model("full")
    m_up10, g_up10 = points["upper_10MeV"]
    length = fit_veto_end(full, m_up10, g_up10, dataset)
    recast = recast_setup(dataset, veto_end=length)
    out = {"veto_end_m": length / metre, "points": {}}
    for key, (m, g) in points.items():
        if key == "tip":
            continue
        col = 0 if key.startswith("lower") else 1
        shipped = float(edges(half, [m], dataset)[col][0])
        emul = float(edges(full, [m], recast, RECAST_METHOD)[col][0])
        out["points"][key] = {"mass_GeV": m / GeV, "published": g,
                              "shipped": shipped if np.isfinite(shipped) else None,
                              "recast": emul if np.isfinite(emul) else None}
    out["closing_mass_shipped_GeV"] = closing_mass(half, dataset, DEFAULT_METHOD, 1 * MeV,
                                                   points["tip"][0]) / GeV
    out["closing_mass_recast_GeV"] = closing_mass(full, recast, RECAST_METHOD, 1 * MeV,
                                                  0.2113 * GeV) / GeV
    out["tip_published_GeV"] = points["tip"][0] / GeV
    return out


def compute(dataset="2022") -> dict:
    """Every mucast number of the comparisons (JSON-able; couplings in GeV⁻¹, masses in GeV,
    lengths in m): ``li_liu_song`` (alp-muon lower edges on a grid up to 0.2 GeV with the data
    set's default method, the lowest one, the largest mass with a region, and the candidate
    factors: the lowest edge with N_up = 2.30 (no background or systematics), then also with
    100% efficiency and no pile-up, and the ε(1 − f_pu) of the data set) and ``lfc`` (the universal leptophilic ALP at each digitised
    point, as shipped and in the recast emulation, the fitted veto end, the closing masses).
    About 5 s."""
    pub = published.reinterpretations()
    return {"dataset": str(dataset), "li_liu_song": _li_liu_song(dataset, pub["li_liu_song"]),
            "lfc": _lfc(dataset, pub["eberhart_lfc"])}


_LFC_LABELS = {"lower_10MeV": "lower edge", "upper_10MeV": "upper edge",
               "upper_3MeV": "upper edge", "lower_95MeV": "lower edge",
               "upper_97MeV": "upper edge"}


def comparison_rows(numbers=None, dataset="2022") -> list[dict]:
    """The comparisons as rows of :func:`mucast.outputs.report.comparison_row` (the format of
    ``mucast reproduce``'s comparison table): published value (``seed``), mucast as shipped
    (``mucast``, the data set's default method), mucast under the recast's reading where one
    reproduces it (``mucast_paper_conventions``), tolerance and verdict. ``numbers``: the
    output of :func:`compute` (computed here if None)."""
    n = compute(dataset) if numbers is None else numbers
    if n["dataset"] != "2022":
        raise InputError("the published reinterpretations are of the 2022 data set, not"
                         f" {n['dataset']!r}")
    pub = published.reinterpretations()
    ls, lfc = n["li_liu_song"], n["lfc"]
    f = ls["factors"]
    rows = [comparison_row(
        "arXiv:2501.06294 (abstract)", "alp-muon: lowest excluded g_aμμ, m_a ≤ 0.2 GeV (2022)",
        pub["li_liu_song"]["g_amumu_lower_per_GeV"], ls["lower_min"], None, "prediction",
        _TOL_DIGIT, "GeV^-1",
        "not readable in the paper, so candidates only, each a factor on mucast's"
        f" {ls['lower_min']:.3g} at {1e3 * ls['lower_min_mass_GeV']:.3g} MeV: normalisation"
        f" g_aμμ ∂a μ̄γγ⁵μ ×{f['normalisation_full']:g}; N_up = 2.30 ×{f['poisson_n_up']:.3f};"
        " 100% efficiency, no pile-up and N_up = 2.30"
        f" ×{f['ideal_efficiency_and_poisson']:.3f} (mucast: ε(1 − f_pu) ="
        f" {f['efficiency_times_pileup']:.4f})",
        quantity_html="alp-muon: lowest excluded g<sub>aμμ</sub>, m<sub>a</sub> ≤ 0.2 GeV (2022)"),
        comparison_row(
        "arXiv:2501.06294 (abstract)", "alp-muon: largest mass with an excluded region (2022)",
        pub["li_liu_song"]["region_mass_max_GeV"], ls["region_mass_max_GeV"], None, "prediction",
        _TOL_MASS_DIGIT, "GeV", "the region closes below 2m_μ: a → μμ opens (cτ ~ μm)")]
    recast_note = ("mucast (paper conv.) = the recast's reading: (c/Λ)∂a ℓ̄γγ⁵ℓ, 100%"
                   " efficiency, no pile-up, N_up = 2.30, decays unseen beyond"
                   f" {lfc['veto_end_m']:.2f} m")
    for key, label in _LFC_LABELS.items():
        p = lfc["points"][key]
        m_mev = 1e3 * p["mass_GeV"]
        fitted = key == "upper_10MeV"
        rows.append(comparison_row(
            "arXiv:2504.05873 (digitised)",
            f"universal leptophilic ALP: {label} at {m_mev:.3g} MeV (2022)", p["published"],
            p["shipped"], p["recast"],
            "prediction" + (" (paper conv.: the veto end is fitted on this point)" if fitted
                            else ""),
            _TOL_DIGITISED, "GeV^-1",
            recast_note + ("" if p["shipped"] is not None else
                           "; mucast as shipped excludes nothing at this mass"),
            explain="recast-lfc"))
    rows.append(comparison_row(
        "arXiv:2504.05873 (digitised)", "universal leptophilic ALP: largest mass of the region"
        " (2022)", lfc["tip_published_GeV"], lfc["closing_mass_shipped_GeV"],
        lfc["closing_mass_recast_GeV"], "prediction", _TOL_TIP, "GeV", recast_note,
        explain="recast-lfc"))
    return rows
