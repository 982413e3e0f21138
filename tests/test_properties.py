"""Property tests (issue 6): no NaN/inf, σ ≥ 0, exact scalings, continuity at thresholds and
monotonicity, over wide parameter domains.

Domains: masses 1 keV – 10 GeV, beam energies 10 – 1000 GeV, Z = 1 – 92 (A = 2.5 Z, A = 1.008
for hydrogen), couplings 1e-8 – 1, every EFT operator, both Z′ models. The numbers of examples
are bounded so that the file runs in a few seconds.
"""

import math
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mucast import experiments
from mucast.inference import yields
from mucast.inference import mediators as zl
from mucast.models.mediator import ALLOWED_DM, PRESETS, get_model
from mucast.exceptions import InputError
from mucast.constants import M_MU
from mucast.integrate import Orders
from mucast.inference.limits import bound
from mucast.processes.eft import production as eft
from mucast.processes.mediators import production as Z
from mucast.inference.scans import closing_mass
from mucast.experiments.targets import Target
from mucast.units import GeV, cm, cm3, g, keV

FAST = settings(max_examples=25, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
#: low orders: the properties below do not depend on the quadrature accuracy
LOW = Orders(8, 8, 6, 8)

log_mass = st.floats(math.log(1 * keV), math.log(10 * GeV))
log_energy = st.floats(math.log(10 * GeV), math.log(1000 * GeV))
log_coupling = st.floats(math.log(1e-8), 0.0)
atomic_number = st.integers(1, 92)
operator = st.sampled_from(eft.OPERATORS)


def target(z: int) -> Target:
    return Target(f"Z{z}", z, 1.008 if z == 1 else 2.5 * z, 5.0 * g / cm3)


def model(op, coeff=1.0 / GeV**2, m_n=0.0):
    return eft.EFTModel({op: coeff}, m_N=m_n if op in eft.NUSMEFT_OPERATORS else 0.0)


def finite(*arrays):
    return all(np.all(np.isfinite(np.asarray(a, dtype=float))) for a in arrays)


# --------------------------------------------------------------------------------- EFT
@FAST
@given(op=operator, lm=log_mass, le=log_energy, z=atomic_number, lc=log_coupling,
       u=st.lists(st.floats(0.0, 1.0), min_size=2, max_size=2))
def test_eft_differential_cross_section_finite_nonnegative(op, lm, le, z, lc, u):
    E = math.exp(le)
    x = np.array([u[0], 0.999 * u[0] + 1e-6, 1 - M_MU / E * (1 - u[1])])
    k2 = (u[1] * x * E) ** 2
    d = eft.differential_cross_section(model(op, math.exp(lc) / GeV**2, math.exp(lm)), x, k2, E,
                                       target(z), n_u=16)
    assert finite(d) and np.all(d >= 0)


@FAST
@given(op=operator, lm=log_mass, le=log_energy, z=atomic_number,
       c=st.floats(1e-8, 1.0), ratio=st.floats(1e-3, 1e3))
def test_eft_cross_section_finite_and_exactly_quadratic(op, lm, le, z, c, ratio):
    E, tgt = math.exp(le), target(z)
    r1 = eft.cross_section(model(op, c / GeV**2, math.exp(lm)), E, tgt, orders=LOW)
    r2 = eft.cross_section(model(op, c * ratio / GeV**2, math.exp(lm)), E, tgt, orders=LOW)
    assert finite(r1.value, r1.error) and r1.value >= 0 and r1.error >= 0
    # σ ∝ |C|²: the weight |C|² multiplies one and the same sum (rounding only)
    assert r2.value == pytest.approx(r1.value * ratio**2, rel=1e-12, abs=0)


@FAST
@given(op=operator, lm=st.floats(math.log(1 * keV), math.log(1.4 * GeV)),
       mot=st.floats(1e6, 1e14), rho=st.floats(0.1, 30.0), thick=st.floats(0.1, 100.0))
def test_yield_scales_exactly_with_mot_density_thickness(op, lm, mot, rho, thick):
    base = experiments.get("2022")
    m = model(op, 1e-2 / GeV**2, math.exp(lm))
    y0 = yields.signal_yield(m, base, orders=LOW)
    pb = base.target
    exp = base.replace(mot=mot, thickness=thick * cm,
                       target=Target(pb.name, pb.Z, pb.A, rho * g / cm3))
    y1 = yields.signal_yield(m, exp, orders=LOW)
    factor = (mot / base.mot) * (rho * g / cm3 / pb.density) * (thick * cm / base.thickness)
    assert finite(y0.value, y0.error, y1.value) and y0.value >= 0
    assert y1.value == pytest.approx(y0.value * factor, rel=1e-12, abs=0)
    assert y1.error == pytest.approx(y0.error * factor, rel=1e-12, abs=0)


@FAST
@given(op=operator, mots=st.lists(st.floats(1e8, 1e14), min_size=2, max_size=4, unique=True))
def test_eft_bound_monotonic_in_mot(op, mots):
    base = experiments.get("2023-24")
    mots = sorted(mots)
    b = [bound(op, base.replace(mot=x), m_N=0.1 * GeV if op in eft.NUSMEFT_OPERATORS else 0.0,
               orders=LOW).bound for x in mots]
    assert finite(b) and all(v > 0 for v in b)
    assert all(b1 < b0 for b0, b1 in pairwise(b))
    # exact scaling |C|_up ∝ MOT^(-1/2)
    assert b[-1] == pytest.approx(b[0] * math.sqrt(mots[0] / mots[-1]), rel=1e-12)


@pytest.mark.parametrize("op", ["LN_22", "eN_22", "LNLe_2222"])
def test_yield_vanishes_continuously_at_acceptance_closing(op):
    """m_N → closing mass (pair: k_max/2, LNLe: k_max): N → 0 continuously and monotonically;
    at and beyond it a KinematicsError (never a silent zero)."""
    exp = experiments.get("2022")
    mc = closing_mass(op, exp)
    eps = [1e-1, 1e-2, 1e-3, 1e-4, 1e-6]
    y = [yields.signal_yield(eft.EFTModel({op: 1 / GeV**2}, m_N=mc * (1 - e)), exp).value
         for e in eps]
    assert finite(y) and all(v > 0 for v in y)
    assert all(b < a for a, b in pairwise(y))
    # the yield vanishes at least like the phase space, (Δm)^(3/2): 5 decades of Δm
    assert y[-1] < 1e-6 * y[0]
    from mucast.exceptions import KinematicsError
    with pytest.raises(KinematicsError):
        yields.signal_yield(eft.EFTModel({op: 1 / GeV**2}, m_N=mc), exp)


def test_yield_vanishes_continuously_at_kinematic_reach():
    """A set-up whose acceptance extends beyond the beam energy: the threshold 2 m_N reaches
    E − m_μ first, and N → 0 there."""
    from mucast.experiments.acceptance import AcceptanceTable
    E = 10 * GeV
    exp = experiments.get("2022").replace(
        beam_energy=E, acceptance=AcceptanceTable.flat(0.5, 50 * GeV))
    reach = (E - M_MU) / 2
    y = [yields.signal_yield(eft.EFTModel({"LN_22": 1 / GeV**2}, m_N=reach * (1 - e)), exp).value
         for e in (1e-1, 1e-2, 1e-3, 1e-5)]
    assert finite(y) and all(v >= 0 for v in y)
    assert all(b < a for a, b in pairwise(y)) and y[-1] < 1e-5 * y[0]


# --------------------------------------------------------------------------------- Z′
@FAST
@given(lm=log_mass, le=log_energy, z=atomic_number, lg=log_coupling,
       xmin=st.one_of(st.none(), st.floats(0.0, 0.99)), approx=st.sampled_from(["ww", "iww"]))
def test_zprime_cross_section_finite_and_exactly_quadratic(lm, le, z, lg, xmin, approx):
    m, E = math.exp(lm), math.exp(le)
    if m >= 0.99 * (E - M_MU):
        m = 0.5 * E
    gz = math.exp(lg)
    r = Z.cross_section(m, gz, E, target(z), approx, x_min=xmin)
    r1 = Z.cross_section(m, 1.0, E, target(z), approx, x_min=xmin)
    assert finite(r.value, r.error) and r.value >= 0 and r.error >= 0
    assert r.value == pytest.approx(r1.value * gz**2, rel=1e-12, abs=0)
    x = np.linspace(0.0, 1.0, 7)
    d = Z.dsigma_dx(x, m, gz, E, target(z), approx, n_u=16)
    assert finite(d) and np.all(d >= 0)


LEGACY = ("vanilla", "dark")
SM_PRESETS = [p for p in PRESETS if p != "millicharge"]


@FAST
@given(lm=log_mass, lg=log_coupling, preset=st.sampled_from(SM_PRESETS), dm=st.integers(0, 4),
       lgc=st.floats(math.log(1e-8), 0.0), ratio=st.floats(0.0, 0.7))
def test_widths_branching_and_g2_finite(lm, lg, preset, dm, lgc, ratio):
    """Every preset, with no dark sector or any allowed one: Γ > 0, 0 < Br ≤ 1, Δa_μ finite with
    the spin's sign, Δa_μ ∝ g² exactly."""
    m, gz = math.exp(lm), math.exp(lg)
    model = get_model(preset)
    allowed = ALLOWED_DM[model.spin]
    if dm < len(allowed):
        model = model.with_dark(allowed[dm], g_chi=math.exp(lgc), mass_ratio=1 / max(ratio, 1e-6),
                                splitting=0.1 if allowed[dm] == "pseudo-dirac" else None)
    gam = float(model.total_width(m, gz))
    br = float(model.branching_invisible(m, gz))
    if model.production == "photon-fusion":      # no muon coupling: no one-loop Δa_μ (refused)
        with pytest.raises(InputError):
            model.delta_a_mu(m, gz)
        da = 0.0
    else:
        da = float(model.delta_a_mu(m, gz))
    assert finite(gam, br, da)
    assert gam >= 0 and 0 <= br <= 1     # Γ = 0 below every open channel
    inv_open = (model.dark is None and model.has_invisible_channel) or (
        model.dark is not None and float(model.dark.threshold(m)) < m) or preset == "lmu-ltau"
    assert (br > 0) == inv_open
    if model.production != "photon-fusion":
        assert np.sign(da) == (1 if model.spin in ("vector", "scalar") else -1)
        assert float(model.delta_a_mu(m, 1.0)) * gz**2 == pytest.approx(da, rel=1e-12)
    if model.dark is None and preset == "lmu-ltau":   # Br independent of g, Γ ∝ g²
        assert br == pytest.approx(float(model.branching_invisible(m, 1.0)), rel=1e-12)
        assert gam == pytest.approx(float(model.total_width(m, 1.0)) * gz**2, rel=1e-12)


@pytest.mark.parametrize("gz", [1e-300, 1e-8, 1.0, 1e100])
def test_dark_branching_extreme_couplings(gz):
    """Br = 1 − Γ_vis/Γ_tot stays finite for couplings far outside the physics range (it was
    inf/inf = NaN for g = 1e200 before issue 6)."""
    br = zl.legacy_zprime_model("dark").branching_invisible(0.5 * GeV, gz)
    assert finite(br) and 0 < br <= 1


@pytest.mark.parametrize("model_", LEGACY)
def test_branching_and_limit_continuous_at_dimuon_threshold(model_):
    """Across m = 2 m_μ (Z′ → μμ opens): Br_inv and the coupling limit are continuous; the
    jump over 2 m_μ (1 ± ε) is O(√ε) (Γ_μμ ∝ √(1 − 4 m_μ²/m²))."""
    m0 = 2 * M_MU
    model = zl.legacy_zprime_model(model_)
    for eps in (1e-6, 1e-10):
        lo, hi = m0 * (1 - eps), m0 * (1 + eps)
        b_lo, b_hi = (float(model.branching_invisible(x, 1e-3)) for x in (lo, hi))
        assert abs(b_lo - b_hi) <= 5 * math.sqrt(eps)
        r = zl.coupling_limit_scan(model, np.array([lo, hi]), "2022")
        assert finite(r.coupling)
        assert r.coupling[1] / r.coupling[0] - 1 == pytest.approx(0, abs=5 * math.sqrt(eps))


@pytest.mark.parametrize("model_", LEGACY)
def test_zprime_limit_monotonic_in_mot(model_):
    s = zl.setup("2022")
    masses = np.geomspace(0.01, 1.0, 5) * GeV
    model = zl.legacy_zprime_model(model_)
    lim = [zl.coupling_limit_scan(model, masses, s.replace_mot(f), "fc").coupling
           for f in (0.1, 1.0, 10.0, 100.0)]
    assert finite(*lim)
    for a, b in pairwise(lim):
        assert np.all(b < a)
    if model_ == "vanilla":   # g_up ∝ MOT^(-1/2) exactly
        np.testing.assert_allclose(lim[-1], lim[0] * math.sqrt(0.1 / 100.0), rtol=1e-12)
