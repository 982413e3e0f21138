"""Decays in flight (issue 18 §2): the probabilities of the set-up along the beam, the escaping
yield against an independent calculation, and the edges of an exclusion region."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mucast.cli import main
from mucast.exceptions import DataFileError
from mucast.experiments.geometry import Geometry
from mucast.inference import mediators as M
from mucast.inference.mediator_yields import _escape_yields
from mucast.models.mediator import MediatorModel
from mucast.processes.mediators import production as P
from mucast.units import GeV, m as metre, natural_to_length

GEO = {"source": "test", "region": [
    {"name": "target", "start_m": 0.0, "end_m": 0.5, "production": True, "decay": "vetoed",
     "source": "t"},
    {"name": "calorimeter", "start_m": 0.5, "end_m": 3.0, "decay": "vetoed", "source": "t"},
    {"name": "beyond", "start_m": 3.0, "end_m": math.inf, "decay": "unseen", "source": "t"}]}
#: a vector coupled to muons and (weakly) to electrons: below 2 m_mu it decays to e+e- only,
#: nothing invisible; long-lived enough at the NA64mu limit to escape (2022: a closed region
#: from 6.5e-4 to 2.9e-3 at 50 MeV)
VISIBLE = MediatorModel("visible-vector", "vector", {"e": 0.003, "mu": 1.0})


def test_region_probabilities_closed_form_and_monte_carlo():
    """Each region's probability against the closed form written out here, and against a
    Monte Carlo of production depth and decay point (1e6 decays: ±1e-3 at 3σ)."""
    geo = Geometry.from_dict(GEO)
    lam = np.array([0.01, 0.3, 1.0, 5.0, 100.0]) * metre
    p = geo.region_probabilities(lam)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-14)
    L = lam / metre
    T = 0.5
    frac = L / T * (1 - np.exp(-T / L))
    np.testing.assert_allclose(p[:, 0], 1 - frac, rtol=1e-12)
    np.testing.assert_allclose(p[:, 2], frac * np.exp(-2.5 / L), rtol=1e-12, atol=1e-300)
    rng = np.random.default_rng(1)
    for li, row in zip(L, p, strict=True):
        z = rng.uniform(0, T, 1_000_000) + rng.exponential(li, 1_000_000)
        mc = [np.mean(z < 0.5), np.mean((z >= 0.5) & (z < 3.0)), np.mean(z >= 3.0)]
        np.testing.assert_allclose(mc, row, atol=1e-3)


@pytest.mark.parametrize("bad, match", [
    ({"region": [{**GEO["region"][0], "end_m": 0.4}, *GEO["region"][1:]]}, "contiguous"),
    ({"region": [{**GEO["region"][0], "production": False}, *GEO["region"][1:]]}, "exactly one"),
    ({"region": GEO["region"][:2]}, "inf"),
    ({"region": [{**GEO["region"][0], "colour": "red"}, *GEO["region"][1:]]}, "unknown key"),
    ({"region": [{**GEO["region"][0], "decay": "maybe"}, *GEO["region"][1:]]}, "decay"),
    ({"region": [{**GEO["region"][0], "end_m": "1"}, *GEO["region"][1:]]}, "wrong type"),
])
def test_bad_geometry_refused(bad, match):
    with pytest.raises(DataFileError, match=match):
        Geometry.from_dict({"source": "t", **bad})


def _independent_escape(model, mass, g, s):
    """N_esc(g) the long way: dσ/dx on 4000 points of the signal region (trapezoid in
    ln(1 − x)), the decay length from the widths, the escape probability from the closed form
    for the production depth, the efficiency and luminosity as the yield uses them."""
    x_hi = 1 - P.M_MU / s.energy
    v = np.linspace(math.log1p(-s.x_min), math.log1p(-x_hi), 4000)
    x = -np.expm1(v)
    dsdx = P.dsigma_dx(x, mass, 1.0, s.energy, s.target, spin=model.spin) * np.exp(v)
    gam = float(model.total_width(mass, g))
    vis = gam - float(model.invisible_width(mass, g))
    p = np.sqrt((x * s.energy) ** 2 - mass**2)
    lam = p / mass * natural_to_length(1 / gam)
    prod = s.geometry.production_region
    T = prod.end - prod.start
    esc = lam / T * -np.expm1(-T / lam) * np.exp(-(s.geometry.veto_end - prod.end) / lam)
    sig = -np.trapezoid(dsdx * esc, v) / -np.trapezoid(dsdx, v)
    y1, _ = M.yield_per_g2(np.array([mass]), s, spin=model.spin)
    return model.charges["mu"] ** 2 * g * g * y1[0] * (vis / gam) * sig


@pytest.mark.parametrize("mass, g", [(0.05 * GeV, 2e-6), (0.05 * GeV, 1e-5), (0.3 * GeV, 3e-6)])
def test_escape_yield_against_an_independent_calculation(mass, g):
    """The Gauss–Legendre x rule of production.x_spectrum against a 4000-point trapezoid: 1e-4
    (the trapezoid's own error on this smooth integrand is ~1e-6; the escape factor varies by
    e^{-L/λ} across the spectrum, which both resolve)."""
    s = M.setup("2022")
    y1, _ = M.yield_per_g2(np.array([mass]), s, spin="vector")
    esc = _escape_yields(VISIBLE, np.array([mass]), s, y1, [np.array([v]) for v in (
        VISIBLE.invisible_width(mass, 0.0), VISIBLE.invisible_width(mass, 1.0)
        - VISIBLE.invisible_width(mass, 0.0), VISIBLE.total_width(mass, 1.0)
        - VISIBLE.invisible_width(mass, 1.0))], (0.1, "E2", M.ALPHA))[0]
    ref = _independent_escape(VISIBLE, mass, g, s)
    assert ref > 0
    assert float(esc(np.array([g]))[0]) == pytest.approx(ref, rel=1e-4)


def test_exclusion_region_edges_are_roots_and_close_the_region():
    """A visibly decaying vector (e+e-): too few made below the lower edge, all decaying before
    the last veto above the upper edge. Both edges are roots of N(g) = N_up; N is above N_up
    inside and below outside; the invisible-only calculation excludes nothing."""
    s = M.setup("2022")
    mass = 0.05 * GeV
    r = M.coupling_limit(VISIBLE, mass)
    assert r.decays == "computed" and r.status == "ok"
    lo, up = r.coupling, r.coupling_upper
    assert lo is not None and up is not None and lo < up
    y1, _ = M.yield_per_g2(np.array([mass]), s, spin="vector")

    def n(g):
        return _independent_escape(VISIBLE, mass, g, s)

    assert n(lo) == pytest.approx(r.n_up, rel=1e-3)
    assert n(up) == pytest.approx(r.n_up, rel=1e-3)
    assert n(math.sqrt(lo * up)) > r.n_up
    assert n(0.9 * lo) < r.n_up and n(1.1 * up) < r.n_up
    # decays of X per region at the lower edge: those beyond the last veto are the signal
    unseen = sum(v for k, v in r.decays_by_region.items()
                 if k in ("Smu and ST11", "downstream of the set-up"))
    assert unseen == pytest.approx(r.n_up, rel=1e-6)
    assert sum(r.decays_by_region.values()) == pytest.approx(
        y1[0] * lo * lo * VISIBLE.charges["mu"] ** 2, rel=1e-12)
    inv = M.coupling_limit(VISIBLE, mass, decays="invisible")
    assert inv.coupling is None and inv.status == "no-limit"


def test_decays_need_a_geometry(tmp_path):
    """An experiment file without [geometry]: 'computed' refused in one line, 'invisible' works."""
    from mucast._io import data_path
    text = data_path("experiments/2022.toml").read_text(encoding="utf-8")
    text = text[:text.index("[geometry]")]
    f = tmp_path / "nogeo.toml"
    f.write_text(text.replace('acceptance = "acceptance/', f'acceptance = "{data_path("acceptance")}/'))
    assert main(["limit", "muon-scalar", "--experiment", str(f), "--mass", "0.1"]) == 2
    assert main(["limit", "muon-scalar", "--experiment", str(f), "--mass", "0.1", "--decays",
                 "invisible", "--json"]) == 0
