"""Layer 5: unweighted signal events for μN → μN Z′ and μN → μN χ1χ2 (EFT), with LHE/CSV output.

What is sampled, and from what
------------------------------
Z′ (seed 001; the WW integrand of :mod:`mucast.processes.mediators.production`)::

    dσ/dx dũ ∝ (1−x)/x √(x² − m²/E²) χ(t_min(ũ), t_max) B(x, ũ)/ũ²,

EFT pair (seed 000, Eq. 20 before the ũ integration; coefficients of
:mod:`mucast.processes.eft.production` / :mod:`mucast.processes.eft.amplitudes`)::

    dσ/dx dk² dũ ∝ (1−x)/x √(x² − k²/E²) β Σ_channels w_c Σ_j f_j Σ_n C_n,j(x, k²) χ(ũ) ũ^(−n−1)(−1)^(n+1).

Both are sampled *exactly* (no binning bias) by accept–reject against a piecewise-constant envelope
on a grid in (k,) z, w with x = x_lo + z (x_hi − x_lo) and ln(−ũ) = s_lo(x) + w (s_hi − s_lo):
the envelope of a cell is the largest value at its corners and centre times a margin (1.3). Points
where the density exceeds the envelope are *counted* (``EventSample.info["envelope_violations"]``;
the tests require 0) — a violation would bias the sample, never silently.

Four-vectors (lab frame, beam along +z, energies in hepunits)
-------------------------------------------------------------
* the emitted system X (Z′ or the pair) has energy xE, mass k (= m_Z′), and polar angle from the
  exact relation ũ = k² − 2 p·k (small-angle ũ(θ) of Eq. 17 is used only for the integration
  limits, as in mucast's cross sections); azimuth uniform;
* the photon virtuality t is sampled from the flux integrand (t − t_min)/t² G2(t) of Eq. 18 on
  [t_min(ũ), t_max] and its azimuth uniformly; the momentum transfer q = P_N − P_N′ (q⁰ = −|q|²/2M
  from the elastic nuclear recoil) is fixed by requiring the outgoing muon p′ = p + q − k to be on
  shell (exact solution of a quadratic). So the muon direction includes the recoil kick (√t ≲ √t_d
  ≈ 70 MeV for Pb), and energy–momentum is conserved exactly event by event (tested);
* Z′ → invisible: optional, isotropic in the Z′ rest frame (ν ν̄ or χ χ̄) — an approximation (the Z′
  is polarised); it does not affect the detector response (invisible);
* EFT pair χ1 χ2: the decay angles in the pair rest frame are sampled by accept–reject with the
  exact spin-summed |M(γμ → μχ1χ2)|² (explicit spinors, the algebra of
  :mod:`mucast.processes.eft.traces`, vectorised here) for every operator: ll_*, le_* (the V and A
  muon currents *coherently*, γ^μ(ε_V − ε_A γ5), so V–A interference in the angles is kept),
  eN_22 and LN_22 (Dirac, Dirac_R and Majorana N), and LNLe_2222. For O_LNLℓ = (L̄N)ε(L̄ℓ)
  (seed 000 Eq. (11); its amplitude structure is the one worked out in Appendix A /
  docs/appendix_a_check.md and coded in traces.F_lnle, ``form="direct"``) the amplitude of
  μ⁻ → μ⁻ ν N̄ is the sum of both SU(2) contractions, (ν̄ P_R N)(μ̄ P_R μ) and (μ̄ P_R N)(ν̄ P_R μ),
  with the photon attached to the muon legs in every way; d1 = ν (massless), d2 = N̄ (mass m_N).
  |M|² is evaluated at the WW point (q² = 0, the 2→2 kinematics of traces.ww_kinematics); the
  angles are carried to the lab in the triad defined by the incoming and outgoing muon seen from
  the pair rest frame. The envelope is rigorous: |M|² is a quadratic polynomial in the unit
  direction n of d1 (every amplitude has one k1 and one k2 spinor, and k1, k2 are linear in n;
  checked numerically in the tests), bounded by c0 + |c| + λ_max(Q). Its coefficients are
  computed per event from the same amplitudes with the pair spin sum taken as a trace,
  Σ|ū(k1) W v(k2)|² = Tr[W (k̸2 − m2) W̄ (k̸1 + m1)], bilinear in k1, k2 (:func:`_pair_quadratic`;
  equal to the 9-probe fit of the explicit-spinor |M|² to ~1e-15, tested for every operator
  group), and every proposal is evaluated with this quadratic form — exact up to rounding;
  events with pair angles are generated 7–9× faster (ll_2233) and 5–8× faster (LNLe_2222) than
  with the explicit spinors at every proposal (benchmarks/bench_events.py), and
  :data:`_PAIR_METHOD` = "direct", that reference, gives the same events bit for bit (tested).
  Safety net: at the accepted directions of 64 events per chunk and group the quadratic is
  compared with the explicit-spinor |M|²; a difference above 1e-9 of the envelope raises
  (``info["pair_check_points"]``, ``info["pair_check_max_dev"]``, ~1e-15). The (x, k², ũ)
  distribution is exact for all operators.
  **Not represented for LNLe_2222:** O + h.c. gives two final states of equal rate, μ⁻ ν N̄ (from
  O) and μ⁻ ν̄ N (from O†; σ of :mod:`mucast.processes.eft.production` counts both, n_fs = 2). All events are
  written as μ⁻ ν N̄ (ids 14, −9900012) with the angles of O. The pair four-momentum is right for
  both; the daughters of the O† half are not: there the *N* follows the direction distribution
  of the ν of O (exactly so for m_N = 0; for m_N > 0 the O† |M|² differs), i.e. ids and, for
  m_N > 0, the daughter momenta of half the events are those of O. The daughters are invisible.

Reproducibility: ``seed`` feeds a :class:`numpy.random.SeedSequence`; chunk i uses the i-th spawned
child, so a sample is reproduced exactly by the same (seed, n, chunk_size).
Memory: :func:`iter_zprime` / :func:`iter_eft` yield chunks of at most ``chunk_size`` events.
"""

from __future__ import annotations

from mucast.events import files as _eio
from mucast.events.generators import generate_eft, generate_zprime, iter_eft, iter_zprime
from mucast.events.sample import DEFAULT_CHUNK, EventSample
from mucast.exceptions import InputError

__all__ = ["DEFAULT_CHUNK", "EventSample", "generate_zprime", "generate_eft", "iter_zprime", "iter_eft",
           "write_lhe", "write_csv", "read_csv", "PDG_IDS", "CSV_COLUMNS"]

PDG_IDS = _eio.PDG_IDS
CSV_COLUMNS = _eio.CSV_COLUMNS


# ----------------------------------------------------------------------------------------------
# output (mucast.events.files streams chunks; these write one sample)
# ----------------------------------------------------------------------------------------------
def write_lhe(events: EventSample, path, cross_section_pb=None) -> None:
    """Write a Les Houches Event file (LHEF 3.0, energies in GeV; ``.lhe`` or ``.lhe.gz``),
    atomically: :class:`mucast.events.files.EventWriter` with one chunk (see there for the layout).
    ``cross_section_pb``: the σ written in <init> (default: the sampler's midpoint estimate of the
    sampled region — per g² for the Z′, at the model's coefficients for EFT; a rough number, the
    reference σ is mucast's quadrature). Read back with ``pylhe.LHEFile.fromfile(path)`` /
    ``pylhe.to_awkward`` (pylhe ≥ 1.0; tested)."""
    if not isinstance(events, EventSample) or len(events) == 0:
        raise InputError("write_lhe needs a non-empty EventSample")
    fmt = "lhe.gz" if str(path).lower().endswith(".gz") else "lhe"
    _write_one(events, path, fmt, cross_section_pb)


def write_csv(events: EventSample, path) -> None:
    """One row per event; columns carry their units (``px_mu_GeV``): see :data:`CSV_COLUMNS`
    (X = Z′ or pair, N = recoil nucleus, d1/d2 = invisible daughters, empty if not sampled).
    '#' lines record the process and its parameters (top) and the totals (bottom). Atomic."""
    if not isinstance(events, EventSample) or len(events) == 0:
        raise InputError("write_csv needs a non-empty EventSample")
    _write_one(events, path, "csv", None)


def _write_one(events, path, fmt, cross_section_pb):
    with _eio.EventWriter(path, fmt, cross_section_pb) as w:
        w.write(events)


def read_csv(path) -> dict:
    """Read a file of :func:`write_csv` into a dict of column arrays (GeV units as named)."""
    return _eio.read_csv(path)
