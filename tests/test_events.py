"""Tests of mucast.events: distributions against mucast's cross sections, exactness of the
kinematics and of the pair-angle |M|², reproducibility, LHE (pylhe) and CSV round trips."""

import math

import numpy as np
import pytest
from scipy import stats

from mucast import events as E
from mucast.events import densities as ED, kinematics as EK, pair_angles as EP
from mucast.constants import M_MU
from mucast.exceptions import DataFileError, InputError, KinematicsError, UnknownNameError
from mucast.processes.eft import production as eft
from mucast.processes.eft import traces
from mucast.processes.mediators import production as zprime
from mucast.experiments.targets import Target
from mucast.units import GeV

PB = Target.from_name("Pb")
P_MIN = 1e-3      # stated threshold: a binned chi2 test fails only if its p-value is below 1e-3


def _chi2_p(counts, expected):
    ok = expected > 5
    chi2 = float(np.sum((counts[ok] - expected[ok]) ** 2 / expected[ok]))
    return stats.chi2.sf(chi2, int(ok.sum()) - 1)


def _conservation(ev):
    init = ev.beam + np.array([PB.atomic_mass, 0, 0, 0])
    tot = ev.mu + ev.system + ev.nucleus
    return np.max(np.abs(tot - init) / GeV)


def test_zprime_x_distribution_matches_dsigma_dx():
    m = 0.2 * GeV
    ev = E.generate_zprime(m, 40_000, seed=11)
    assert ev.info["envelope_violations"] == 0
    edges = np.linspace(m / ev.energy, 1 - M_MU / ev.energy, 21)
    fine = np.linspace(edges[0], edges[-1], 4001)[1:-1]
    d = zprime.dsigma_dx(fine, m, 1.0)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(fine))])
    expected = np.diff(np.interp(edges, fine, cdf)) / cdf[-1] * len(ev)
    counts, _ = np.histogram(ev.x, edges)
    assert _chi2_p(counts, expected) > P_MIN


def test_eft_k_distribution_matches_dsigma_dk2():
    model = eft.EFTModel({"ll_2233": 1 / GeV**2})
    ev = E.generate_eft(model, 20_000, seed=5, decay=False, k_max=3 * GeV)
    assert ev.info["envelope_violations"] == 0
    edges = np.linspace(0.0, 3.0, 16) * GeV
    kk = np.linspace(1e-4 * GeV, 3 * GeV, 600)
    d = 2 * kk * eft.dsigma_dk2(model, kk, ev.energy, PB)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(kk))])
    expected = np.diff(np.interp(edges, kk, cdf)) / cdf[-1] * len(ev)
    counts, _ = np.histogram(ev.k, edges)
    assert _chi2_p(counts, expected) > P_MIN


def test_eft_fixed_k_x_distribution_matches_eq20():
    model = eft.EFTModel({"LN_22": 1 / GeV**2}, m_N=0.2 * GeV)
    k = 1.0 * GeV
    ev = E.generate_eft(model, 20_000, seed=9, k=k, decay=False)
    x_lo, x_hi = k / ev.energy, 1 - M_MU / ev.energy
    fine = np.linspace(x_lo, x_hi, 3001)[1:-1]
    d = eft.differential_cross_section(model, fine, k * k, ev.energy, PB)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(fine))])
    edges = np.linspace(x_lo, x_hi, 21)
    expected = np.diff(np.interp(edges, fine, cdf)) / cdf[-1] * len(ev)
    counts, _ = np.histogram(ev.x, edges)
    assert _chi2_p(counts, expected) > P_MIN


@pytest.mark.parametrize("gen", [
    lambda: E.generate_zprime(0.01 * GeV, 5000, seed=1, decay="nu"),
    lambda: E.generate_zprime(2 * GeV, 5000, seed=1, decay="chi"),
    lambda: E.generate_eft("ll_2222", 2000, seed=1),
    lambda: E.generate_eft("eN_22", 2000, seed=1, m_N=0.3 * GeV),
    lambda: E.generate_eft("LNLe_2222", 2000, seed=1, m_N=0.3 * GeV),
])
def test_four_momentum_conservation_and_masses(gen):
    ev = gen()
    assert _conservation(ev) < 1e-9
    m_mu = np.sqrt(ev.mu[:, 0] ** 2 - np.sum(ev.mu[:, 1:] ** 2, 1))
    assert np.allclose(m_mu, M_MU, rtol=1e-6)
    if ev.d1 is not None:
        assert np.allclose(ev.d1 + ev.d2, ev.system, atol=1e-6 * GeV)
    assert ev.info["envelope_violations"] == 0
    assert np.all(ev.t > 0)


def test_seed_reproducibility():
    a = E.generate_zprime(0.1 * GeV, 3000, seed=42, chunk_size=1000)
    b = E.generate_zprime(0.1 * GeV, 3000, seed=42, chunk_size=1000)
    c = E.generate_zprime(0.1 * GeV, 3000, seed=43, chunk_size=1000)
    assert np.array_equal(a.mu, b.mu) and np.array_equal(a.t, b.t)
    assert not np.array_equal(a.mu, c.mu)
    e1 = E.generate_eft("le_3322", 1500, seed=3)
    e2 = E.generate_eft("le_3322", 1500, seed=3)
    assert np.array_equal(e1.d1, e2.d1)


def test_chunks_bound_memory():
    chunks = list(E.iter_zprime(0.1 * GeV, 5500, seed=1, chunk_size=2000))
    assert [len(c) for c in chunks] == [2000, 2000, 1500]


def test_vectorised_amplitude_equals_traces():
    """Pair-integrated Σ|M|² of the vectorised spinor code = traces.F_operator (same point)."""
    x, u, k2, m_mu, mN = 0.7, -0.3, 0.25, M_MU / GeV, 0.1
    kin = traces.ww_kinematics(x, u, k2, m_mu)
    for op, vert_mu, vert_pair, m1 in (
            ("V", traces.GAMMA, np.einsum("mij,jk->mik", traces.GAMMA, traces.PL), 0.0),
            ("LN", np.einsum("mij,jk->mik", traces.GAMMA, traces.PL), traces.GAMMA, mN)):
        k1, kk2, w = traces._pair_momenta(kin["k"], m1, m1, 6, 8)
        n = len(w)
        A = EP._muon_line(vert_mu, *(np.broadcast_to(kin[a], (n, 4)) for a in ("p", "q", "pp")),
                         m_mu)
        ours = float(np.sum(w * EP._amp2(A, vert_pair, k1, kk2, m1, m1, False)))
        ref = traces.F_operator(op, x, u, k2, m_mu, m_N=m1)
        assert ours == pytest.approx(ref, rel=1e-10)


_PAIR_GROUPS = [            # (model coefficients, m_N [GeV], N type) → every pair-angle structure
    ({"ll_2233": 1.0}, 0.0, "dirac"), ({"ll_2222": 1.0}, 0.0, "dirac"),
    ({"le_3322": 1.0}, 0.0, "dirac"), ({"ll_2233": 1.0, "le_3322": 0.7}, 0.0, "dirac"),
    ({"eN_22": 1.0}, 0.3, "dirac"), ({"LN_22": 1.0}, 0.3, "dirac"),
    ({"LN_22": 1.0}, 0.3, "majorana"), ({"LN_22": 1.0}, 0.3, "dirac_R"),
    ({"LNLe_2222": 1.0}, 0.0, "dirac"), ({"LNLe_2222": 1.0}, 0.3, "dirac"),
    # issue 17: the nu_e channel and the WET (JMS) names have the structure of their flavour
    ({"ll_1122": 1.0}, 0.0, "dirac"), ({"VnueLL_3322": 1.0}, 0.0, "dirac"),
    ({"VnueLR_2222": 1.0, "ll_2222": 0.4}, 0.0, "dirac"),
    ({"VnueLL_1122": 0.3, "ll_2233": 1.0}, 0.0, "dirac"),
]


def _group_model(coefs, mN, ntype):
    return eft.EFTModel({k: v / GeV**2 for k, v in coefs.items()}, m_N=mN * GeV, n_type=ntype)


@pytest.mark.parametrize("coefs, mN, ntype", _PAIR_GROUPS)
def test_quadratic_bound_is_an_upper_bound(coefs, mN, ntype):
    """|M|² is quadratic in the pair direction, for every operator group: (i) the 9-probe fit of
    the explicit-spinor |M|² reproduces it at random directions; (ii) the quadratic form the
    sampler evaluates (_pair_quadratic: the spin sum as a trace bilinear in k1, k2, no spinors for
    the pair) equals the direct |M|² at random directions and the fit coefficient by coefficient —
    to 1e-12 of the envelope (rounding only, ~1e-15 observed; a wrong sign, vertex or mass term
    is an O(1) difference); (iii) the envelope c0 + |c| + λ_max(Q) bounds the direct |M|²."""
    rng = np.random.default_rng(0)
    model = _group_model(coefs, mN, ntype)
    conv = eft._conv.get(None)
    ev = E.generate_eft(model, 300, seed=2, decay=False)
    n = len(ev)
    idx = np.arange(n)
    for g in ED._channel_groups(model, conv):
        st = EP._pair_structure(g, model, conv)
        frame = EP._pair_frame(ev.x, ev.k, ev.u, st)
        vals = np.stack([EP._pair_density(frame, idx, np.broadcast_to(d, (n, 3)))
                         for d in EP._PROBES], 1)
        coef_fit, bound_fit = EP._quadratic_fit(vals)
        coef, bound = EP._pair_quadratic(ev.x, ev.k, ev.u, st, block=128)   # 3 blocks
        assert np.all(np.abs(coef - coef_fit) <= 1e-12 * bound[:, None])
        assert np.allclose(bound, bound_fit, rtol=1e-12, atol=0)
        for _ in range(3):
            d = EK._isotropic(n, rng)
            f = EP._pair_density(frame, idx, d)
            quad = np.sum(EP._basis(d) * coef, 1)
            assert np.allclose(np.sum(EP._basis(d) * coef_fit, 1), f, rtol=1e-8)
            assert np.all(np.abs(quad - f) <= 1e-12 * bound)
            assert np.all(f <= bound)


@pytest.mark.parametrize("coefs", [{"VnueLL_3322": 1.0}, {"ll_1122": 1.0}, {"le_1122": 0.5},
                                   {"VnueLR_2222": 1.0}, {"VnueLL_2222": 0.7, "le_2222": -0.2},
                                   {"VnueLL_1122": 1.0, "VnueLR_1122": 1.0}])
def test_neutrino_pair_groups_integrate_to_their_channels(coefs):
    """Issue 17: every operator with a nu_a nu_a-bar final state (SMEFT ll/le of any flavour, WET
    VnueLL/LR) gets the pair structure (nu-bar g P_L nu)(mu-bar g (eps^V - eps^A g5) mu) of its
    flavour. Check against the exact |M|^2 the cross section uses: the pair-integrated sum
    over spins of the group's amplitude equals sum_channels |eps|^2 F_{V,A} of
    traces.F_operator (V-A interference integrates to zero), to 1e-10 (same 6 x 8 angular rule,
    rounding only; a wrong vertex, sign or factor 2 is an O(1) difference)."""
    x, u, k2, m_mu = 0.7, -0.3, 0.25, M_MU / GeV
    kin = traces.ww_kinematics(x, u, k2, m_mu)
    k1, kk2, w = traces._pair_momenta(kin["k"], 0.0, 0.0, 6, 8)
    n = len(w)
    pqp = [np.broadcast_to(kin[a], (n, 4)) for a in ("p", "q", "pp")]
    model = _group_model(coefs, 0.0, "dirac")
    conv = eft._conv.get(None)
    groups = ED._channel_groups(model, conv)
    assert set(groups) <= {"e", "mu", "tau"} and groups
    f_ref = {s: traces.F_operator(s, x, u, k2, m_mu) for s in ("V", "A")}
    for g, chans in groups.items():
        mv, pv, m1, m2, maj = EP._pair_structure(g, model, conv)
        amp = EP._muon_line(mv * GeV**2, *pqp, m_mu)          # coefficients in GeV^-2
        ours = float(np.sum(w * EP._amp2(amp, pv, k1, kk2, 0.0, 0.0, maj)))
        ref = sum(ch.weight * GeV**4 * f_ref[ch.structure] for ch in chans)
        assert ours == pytest.approx(ref, rel=1e-10)


def test_wet_and_smeft_names_share_the_pair_structure():
    """Names that mean the same coefficients give the same structure (tree level: V_LL = f C_ll +
    C_VnueLL, V_LR = C_le + C_VnueLR, f_mu = 2), and the nu_e channel has the nu_tau one."""
    conv = eft._conv.get(None)
    same = [({"VnueLL_3322": 1.0}, {"ll_2233": 1.0}), ({"VnueLL_2222": 2.0}, {"ll_2222": 1.0}),
            ({"VnueLR_2222": 1.0}, {"le_2222": 1.0}), ({"ll_1122": 1.0}, {"ll_2233": 1.0})]
    for a, b in same:
        ma, mb = _group_model(a, 0.0, "dirac"), _group_model(b, 0.0, "dirac")
        (ga,), (gb,) = ED._channel_groups(ma, conv), ED._channel_groups(mb, conv)
        sa, sb = EP._pair_structure(ga, ma, conv), EP._pair_structure(gb, mb, conv)
        assert np.allclose(sa[0], sb[0], rtol=1e-15, atol=0)
        assert np.array_equal(sa[1], sb[1]) and sa[2:] == sb[2:]


@pytest.mark.parametrize("operator, pdg", [("VnueLL_3322", 16), ("ll_1122", 12),
                                           ("VnueLR_2222", 14)])
def test_generate_neutrino_operators(operator, pdg):
    """Issue 17: these names crashed with "no pair-angle structure for group 'V'"."""
    ev = E.generate_eft(operator, 200, seed=1)
    assert len(ev) == 200 and ev.info["envelope_violations"] == 0
    assert set(ev.pdg["d1_array"]) == {pdg} and set(ev.pdg["d2_array"]) == {-pdg}
    assert list(ev.info["pair_angles"]) == [{12: "e", 14: "mu", 16: "tau"}[pdg]]


def test_sym3_eigmax_matches_lapack():
    """The vectorised Jacobi λ_max of the envelope = np.linalg.eigvalsh to ~1e-15 of max|Q_ij|,
    including degenerate, zero, diagonal, tiny/huge-scale and ill-conditioned matrices."""
    rng = np.random.default_rng(1)
    n = 3000
    Q = rng.normal(size=(n, 3, 3))
    Q = Q + np.swapaxes(Q, 1, 2)
    rot = np.linalg.qr(rng.normal(size=(300, 3, 3)))[0]
    Q[:300] = rot @ np.diag([2.0, 2.0, 1.0]) @ np.swapaxes(rot, 1, 2)     # double eigenvalue
    Q[300:400] = 2 * np.eye(3)
    Q[400:500] = np.diag([1.0, 1.0, 3.0])
    Q[500:510] = 0.0
    Q[600:700] *= 1e-200
    Q[700:800] *= 1e200
    Q[800] = [[1e-30, 1, 0], [1, 1e30, 0], [0, 0, 1]]
    lam = EP._sym3_eigmax(*(Q[:, i, j] for i, j in ((0, 0), (1, 1), (2, 2), (0, 1), (0, 2), (1, 2))))
    ref = np.linalg.eigvalsh(Q)[:, -1]
    scale = np.max(np.abs(Q.reshape(n, 9)), axis=1)
    assert np.all(np.abs(lam - ref) <= 1e-14 * scale)


def _eft_arrays(ev):
    return [getattr(ev, f) for f in ("mu", "system", "nucleus", "x", "k", "u", "t", "d1", "d2")]


@pytest.mark.parametrize("model, kw", [("ll_2233", {}), ("LN_22", {"m_N": 0.3 * GeV}),
                                       (eft.EFTModel({"LN_22": 1 / GeV**2}, m_N=0.3 * GeV,
                                                     n_type="majorana"), {}),
                                       ("LNLe_2222", {}), ("LNLe_2222", {"m_N": 0.3 * GeV})])
def test_quadratic_proposals_reproduce_direct_sampler(model, kw, monkeypatch):
    """Same seed → the same events, bit for bit, whether the accept–reject proposals are evaluated
    with the quadratic form (default) or with the explicit spinors as before (the reference
    method "direct"): the random stream is the same and |M|² agrees to ~1e-15, so no accept
    decision changes. The safety net ran (64 points per chunk) and found only rounding."""
    quad = E.generate_eft(model, 3000, seed=4, chunk_size=1500, **kw)
    monkeypatch.setattr(EP, "_PAIR_METHOD", "direct")
    direct = E.generate_eft(model, 3000, seed=4, chunk_size=1500, **kw)
    for a, b in zip(_eft_arrays(quad), _eft_arrays(direct), strict=True):
        assert np.array_equal(a, b)
    assert quad.info["envelope_violations"] == direct.info["envelope_violations"] == 0
    assert quad.info["pair_check_points"] == 2 * EP._CHECK_EVENTS
    assert quad.info["pair_check_max_dev"] < 1e-12
    assert direct.info["pair_check_points"] == 0


def test_pair_safety_check_fires_on_a_wrong_quadratic(monkeypatch):
    """The safety net compares the quadratic with the explicit-spinor |M|²: a quadratic that is
    off by 1e-7 of its envelope in one coefficient (a bias far below any χ² test) raises."""
    good = EP._pair_quadratic

    def wrong(x, k, u, struct, block=2048):
        coef, bound = good(x, k, u, struct, block)
        coef = coef.copy()
        coef[:, 3] += 1e-7 * bound                   # c·n along e3
        return coef, bound

    monkeypatch.setattr(EP, "_pair_quadratic", wrong)
    with pytest.raises(RuntimeError, match="differs from the direct spinor evaluation"):
        E.generate_eft("ll_2233", 1000, seed=1)
    with pytest.raises(RuntimeError, match="differs from the direct spinor evaluation"):
        E.generate_eft("LNLe_2222", 1000, seed=1, m_N=0.3 * GeV)


def test_pair_envelope_violations_still_counted(monkeypatch):
    """A quadratic exceeding its envelope (impossible for the rigorous bound) is counted in
    info["envelope_violations"]: here the bound is halved on purpose."""
    good = EP._pair_quadratic

    def low(x, k, u, struct, block=2048):
        coef, bound = good(x, k, u, struct, block)
        return coef, 0.5 * bound

    monkeypatch.setattr(EP, "_pair_quadratic", low)
    ev = E.generate_eft("ll_2233", 2000, seed=1)
    assert ev.info["envelope_violations"] > 0


def test_lhe_round_trip_with_pylhe(tmp_path):
    pylhe = pytest.importorskip("pylhe")
    ev = E.generate_zprime(0.1 * GeV, 300, seed=4, decay="nu")
    path = tmp_path / "z.lhe"
    E.write_lhe(ev, path)
    f = pylhe.LHEFile.fromfile(path)
    assert f.init.initInfo.beamA == 13 and f.init.initInfo.energyA == pytest.approx(160.0)
    read = list(f.events)
    assert len(read) == 300
    mu = [p for p in read[7].particles if p.id == 13 and p.status == 1][0]
    assert mu.px == pytest.approx(ev.mu[7, 1] / GeV, rel=1e-8, abs=1e-12)
    assert mu.e == pytest.approx(ev.mu[7, 0] / GeV, rel=1e-9)
    arr = pylhe.to_awkward(pylhe.LHEFile.fromfile(path).events)
    assert len(arr) == 300


def test_csv_round_trip(tmp_path):
    ev = E.generate_eft("LN_22", 200, seed=4, m_N=0.2 * GeV)
    path = tmp_path / "e.csv"
    E.write_csv(ev, path)
    d = E.read_csv(path)
    assert "px_mu_GeV" in d and len(d["x"]) == 200
    assert np.allclose(d["E_d1_GeV"], ev.d1[:, 0] / GeV, rtol=1e-9)
    assert set(np.unique(d["pdg_d1"]).astype(int)) == {E.PDG_IDS["N"]}


def test_errors_and_no_partial_file(tmp_path):
    with pytest.raises(InputError):
        E.generate_zprime(0.1 * GeV, 0)
    with pytest.raises(KinematicsError):
        E.generate_zprime(170 * GeV, 10)
    with pytest.raises(UnknownNameError):
        E.generate_eft("nope", 10)
    with pytest.raises(KinematicsError):
        E.generate_eft("LN_22", 10, m_N=2 * GeV)          # threshold 4 GeV > k_max 3 GeV
    ev = E.generate_zprime(0.1 * GeV, 100, seed=1)
    (tmp_path / "d.lhe").mkdir()
    with pytest.raises(DataFileError):
        E.write_lhe(ev, tmp_path / "d.lhe")              # a directory is not an output file
    assert [p.name for p in tmp_path.iterdir()] == ["d.lhe"]
    with pytest.raises(InputError):
        E.generate_zprime(0.1 * GeV, 10, seed=-1)        # issue 10: was a numpy traceback


def test_atomic_write_leaves_nothing_on_error(tmp_path, monkeypatch):
    ev = E.generate_zprime(0.1 * GeV, 100, seed=1)
    target = tmp_path / "z.csv"

    def boom(*a, **k):
        raise RuntimeError("disk full")

    from mucast.events import files as event_io
    monkeypatch.setattr(event_io.EventWriter, "_csv", boom)
    with pytest.raises(RuntimeError):
        E.write_csv(ev, target)
    assert list(tmp_path.iterdir()) == []
    assert math.isfinite(float(ev.x.mean()))


# ---- LNLe_2222: exact pair angles (seed 000 Eq. 11; docs/appendix_a_check.md) ----------------
_LNLE_POINTS = [(0.7, -0.3, 0.25, 0.0), (0.5, -1.2, 1.0, 0.3), (0.9, -0.2, 0.49, 0.3)]


def test_lnle_vectorised_amplitude_equals_traces_F_lnle():
    """Pair-integrated Σ|M|² of the vectorised O_LNLe code (the closure the sampler calls) =
    traces.F_lnle(form="direct") at three WW points, m_N = 0 and 0.3 GeV (x, ũ, k² in GeV units).
    Tolerance 1e-10: the same spinor algebra summed in a different order, so only rounding
    (~1e-15) may differ; dropping a contraction, a sign or a photon attachment changes it by O(1)."""
    m_mu = M_MU / GeV
    for x, u, k2, mN in _LNLE_POINTS:
        kin = traces.ww_kinematics(x, u, k2, m_mu)
        k1, kk2, w = traces._pair_momenta(kin["k"], 0.0, mN, 6, 8)    # k1 = ν, kk2 = N̄
        n = len(w)
        f = EP._pair_amp2(EP._LNLeStructure(mN * GeV),
                         *(np.broadcast_to(kin[a], (n, 4)) for a in ("p", "q", "pp")), m_mu)
        ours = float(np.sum(w * f(np.arange(n), k1, kk2)))
        ref = traces.F_lnle(x, u, k2, m_mu, m_N=mN, form="direct")
        assert ours == pytest.approx(ref, rel=1e-10)


def test_lnle_quadratic_fit_and_bound():
    """O_LNLe |M|² is quadratic in the ν direction: the 9-probe fit reproduces random directions
    (rtol 1e-8: exact up to rounding, ~1e-15 observed; a non-quadratic |M|² would miss by O(1)),
    the bound c0 + |c| + λ_max(Q) is never exceeded, and the sphere integral of the fit times the
    two-body phase-space factor equals traces.F_lnle (rel 1e-9, rounding only) — which also fixes
    the daughter assignment d1 = ν (massless), d2 = N̄ (m_N) used by the sampler."""
    rng = np.random.default_rng(0)
    mN = 0.3 * GeV
    ev = E.generate_eft("LNLe_2222", 200, seed=2, decay=False, m_N=mN)
    st = EP._pair_structure("LNLe_2222", eft.EFTModel({"LNLe_2222": 1 / GeV**2}, m_N=mN),
                           eft._conv.get(None))
    assert EP._pair_masses(st) == (0.0, mN)
    frame = EP._pair_frame(ev.x, ev.k, ev.u, st)
    idx = np.arange(len(ev))
    vals = np.stack([EP._pair_density(frame, idx, np.broadcast_to(d, (len(ev), 3)))
                     for d in EP._PROBES], 1)
    coef, bound = EP._quadratic_fit(vals)
    for _ in range(5):
        d = EK._isotropic(len(ev), rng)
        f = EP._pair_density(frame, idx, d)
        assert np.allclose(np.sum(EP._basis(d) * coef, 1), f, rtol=1e-8, atol=0)
        assert np.all(f <= bound)
    # ∫dΩ (c0 + c·n + q_aa a² + q_bb b² + …) = 4π (c0 + (q_aa + q_bb)/3); ∫dΦ₂ = p*/(16π² √k²) ∫dΩ
    k2 = (ev.k / GeV) ** 2
    pst = 0.5 * (k2 - (mN / GeV) ** 2) / np.sqrt(k2)
    integral = 4 * np.pi * (coef[:, 0] + (coef[:, 4] + coef[:, 5]) / 3) * pst / (
        16 * np.pi**2 * np.sqrt(k2))
    for i in range(20):
        ref = traces.F_lnle(ev.x[i], ev.u[i] / GeV**2, k2[i], M_MU / GeV, m_N=mN / GeV)
        assert integral[i] == pytest.approx(ref, rel=1e-9)


def _lab_triad_coords(ev):
    """Direction of d1 in the pair rest frame, in the triad the sampler uses (e3 ∥ beam muon,
    e2 ∥ p × p′, seen from the pair rest frame)."""
    nd = EK._to_rest(ev.d1, ev.system)[:, 1:]
    nd /= np.linalg.norm(nd, axis=1, keepdims=True)
    e1, e2, e3 = EK._triad(np.broadcast_to(ev.beam, (len(ev), 4)), ev.mu, ev.system)
    return np.stack([np.sum(nd * e, 1) for e in (e1, e2, e3)], 1)


def test_lnle_pair_angles_follow_exact_amplitude():
    """LNLe_2222 events (k = 1 GeV, m_N = 0.5 GeV: ν strongly backward to the beam muon in the
    pair rest frame): cos θ* of the ν (and its e1 component) follow the |M|²-predicted marginals
    (binned χ², p > P_MIN, fixed seed) and cos θ* is *incompatible* with isotropy (p < P_MIN, so
    the old isotropic sampler fails the first check). Expected counts are the sums over events of
    the per-event probabilities from the exact quadratic |M|² at the event's (x, k, ũ)."""
    mN, k = 0.5 * GeV, 1.0 * GeV
    ev = E.generate_eft("LNLe_2222", 20_000, seed=7, k=k, m_N=mN, decay=True)
    assert ev.info["pair_angles"]["LNLe_2222"] == "exact |M|^2"
    assert ev.info["envelope_violations"] == 0
    assert _conservation(ev) < 1e-9
    assert np.allclose(ev.d1 + ev.d2, ev.system, atol=1e-6 * GeV)
    mass = [np.sqrt(np.maximum(d[:, 0] ** 2 - np.sum(d[:, 1:] ** 2, 1), 0)) for d in (ev.d1, ev.d2)]
    assert np.allclose(mass[0], 0.0, atol=1e-3 * GeV) and np.allclose(mass[1], mN, rtol=1e-6)
    assert set(ev.pdg["d1_array"]) == {E.PDG_IDS["numu"]}
    assert set(ev.pdg["d2_array"]) == {-E.PDG_IDS["N"]}

    st = EP._pair_structure("LNLe_2222", eft.EFTModel({"LNLe_2222": 1 / GeV**2}, m_N=mN),
                           eft._conv.get(None))
    frame = EP._pair_frame(ev.x, ev.k, ev.u, st)
    idx = np.arange(len(ev))
    coef, _ = EP._quadratic_fit(np.stack(
        [EP._pair_density(frame, idx, np.broadcast_to(d, (len(ev), 3))) for d in EP._PROBES], 1))
    c0, ca, cc, qaa, qbb = coef[:, 0], coef[:, 1], coef[:, 3], coef[:, 4], coef[:, 5]
    obs = _lab_triad_coords(ev)
    edges = np.linspace(-1.0, 1.0, 21)
    # φ-averaged marginals (on the sphere c² = 1 − a² − b²): along e3: c0 + cc·z + (qaa + qbb)(1 − z²)/2;
    # along e1: c0 + ca·z + qaa·z² + qbb(1 − z²)/2. Antiderivative of A + B z + C z² + D(1 − z²):
    for col, (A, B, C, D) in ((2, (c0, cc, 0 * c0, 0.5 * (qaa + qbb))), (0, (c0, ca, qaa, 0.5 * qbb))):
        prim = (A[:, None] * edges + B[:, None] * edges**2 / 2 + C[:, None] * edges**3 / 3
                + D[:, None] * (edges - edges**3 / 3))
        prob = np.diff(prim, axis=1) / (prim[:, -1] - prim[:, 0])[:, None]
        expected = prob.sum(axis=0)
        counts, _ = np.histogram(obs[:, col], edges)
        assert _chi2_p(counts, expected) > P_MIN
        if col == 2:
            iso = np.full(len(counts), len(ev) / len(counts))
            assert _chi2_p(counts, iso) < P_MIN


# ---- the samplers never loop without bound (audit: `generate zprime --mass 50` hung) ----------
def test_t_sampler_stops_with_its_efficiency_instead_of_looping(monkeypatch):
    """A t window of relative width 1e-6 (what a WW point at m = 50 GeV, 160 GeV met) has an
    acceptance ~(t_hi − t_lo)/(2 t_hi) = 5e-7 per proposal: the sampler looped for minutes. With
    a budget of 300 proposals a point is accepted with probability ~1.5e-4, so all three are
    left and the error names the efficiency; an ordinary window passes the same budget."""
    monkeypatch.setattr(EK, "_T_MAX_PROPOSALS", 300)
    lo = np.full(3, 4.1e4 * GeV**2)
    with pytest.raises(KinematicsError, match=r"3 of 3 points not accepted after 300 proposals "
                                              r"each \(acceptance efficiency < 3e-03"):
        EK._sample_t(lo, lo * (1 + 1e-6), PB, np.random.default_rng(1))
    # a window [t_min, E²] of a 0.1 GeV Z′ at 160 GeV: acceptance ~0.8 per proposal
    t = EK._sample_t(np.full(1000, 1e-6 * GeV**2), np.full(1000, (160 * GeV) ** 2), PB,
                     np.random.default_rng(1))
    assert np.all(t >= 1e-6 * GeV**2)


def test_grid_sampler_stops_with_its_efficiency_instead_of_looping(monkeypatch):
    """A density far below its grid envelope (here 0 off the grid's nodes) is refused once the
    proposal budget (per event, plus 1e5) is spent, with the efficiency reached."""
    from mucast.events import sample as ES
    smp = ES._GridSampler(lambda p: np.ones(len(p)), [np.linspace(0.0, 1.0, 5)] * 2)
    smp.density = lambda p: np.zeros(len(p))
    monkeypatch.setattr(ES, "_MAX_PROPOSALS_PER_EVENT", 10)
    with pytest.raises(KinematicsError, match=r"0 of 5 events after \d+ proposals \(acceptance "
                                              r"efficiency 0\.0e\+00, below the floor 1e-01"):
        smp.sample(5, np.random.default_rng(1))


def test_generators_domain(monkeypatch):
    """The generators accept a system mass up to sqrt(2 E m_mu) (5.81 GeV at 160 GeV); beyond
    it KinematicsError. Lifting that check reproduces the audit's hang (m = 50 GeV at 160 GeV,
    an EFT pair at k = 60 GeV): with a small proposal budget the guard stops both in well under
    a second with the efficiency, instead of looping."""
    from mucast.events import generators as G
    E0 = 160 * GeV
    lim = G.system_mass_limit(E0)
    assert lim / GeV == pytest.approx(math.sqrt(2 * 160 * M_MU / GeV))       # 5.8147
    ev = E.generate_zprime(lim, 300, seed=1)                   # on the bound: exact bookkeeping
    assert ev.info["envelope_violations"] == 0 and _conservation(ev) < 1e-9
    for bad in (np.nextafter(lim, np.inf), 50 * GeV, 140 * GeV):
        with pytest.raises(KinematicsError, match=r"mass must be in \(0, sqrt\(2 E m_mu\)\] = "
                                                  r"\(0, 5\.815\] GeV at E = 160 GeV"):
            E.generate_zprime(bad, 5, seed=1)
    with pytest.raises(KinematicsError, match="pair mass k must be in"):
        E.generate_eft("ll_2233", 5, seed=1, k=6 * GeV)
    with pytest.raises(KinematicsError, match=r"k_max must be <= sqrt\(2 E m_mu\) = 5\.815 GeV"):
        E.generate_eft("ll_2233", 5, seed=1, k_max=150 * GeV)
    with pytest.raises(KinematicsError, match="empty pair-mass range"):
        E.generate_eft("LN_22", 5, seed=1, m_N=20 * GeV)          # threshold 40 GeV
    # the default k_max is 3 GeV, or the bound where lower (1.78 GeV at 15 GeV)
    low = E.generate_eft("ll_2233", 20, seed=1, energy=15 * GeV, decay=False)
    assert low.info["k_range_GeV"][1] == pytest.approx(G.system_mass_limit(15 * GeV) / GeV)
    assert E.generate_eft("ll_2233", 20, seed=1, decay=False).info["k_range_GeV"][1] == 3.0

    monkeypatch.setattr(G, "system_mass_limit", lambda e: e - M_MU)      # the domain lifted
    monkeypatch.setattr(EK, "_T_MAX_PROPOSALS", 300)
    with pytest.raises(KinematicsError, match="efficiency"):
        E.generate_zprime(50 * GeV, 5, seed=1)
    with pytest.raises(KinematicsError, match="efficiency"):
        E.generate_eft("ll_2233", 5, seed=1, k=60 * GeV)
