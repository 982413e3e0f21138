"""Signal efficiencies per mediator spin (issue 16 §4): the tables carry one column per spin, the
vector column is the table of mucast ≤ 0.3, each column is the trigger model averaged over that
spin's own spectrum, the event generator samples each spin's WW density, limits read the right
column, and a single-column user table is used for every spin with a warning."""

import json
import math
import re

import numpy as np
import pytest
from scipy import stats

from mucast import events as E
from mucast._io import data_path
from mucast.constants import ALPHA, M_MU
from mucast.events import densities as ED
from mucast.exceptions import DataFileError
from mucast.experiments.acceptance import SPIN_COLUMNS, AcceptanceTable, EfficiencyTable
from mucast.experiments.selection import SignalSetup, Trigger
from mucast.experiments.targets import Target
from mucast.inference import mediators as M
from mucast.processes.flux import photon_flux
from mucast.processes.kinematics import t_min
from mucast.processes.mediators import exact
from mucast.processes.mediators import production as P
from mucast.units import GeV, MeV

PB = Target.from_name("Pb")
E160 = 160 * GeV
SPINS = ("vector", "axial", "scalar", "pseudoscalar")
P_MIN = 1e-3      # a binned chi2 test fails only if its p-value is below 1e-3 (as tests/test_events.py)

#: the vector columns as shipped by mucast 0.3 (single 'efficiency' column then), fingerprinted
#: as (rows, Σε, Σ i·ε, Σε²) of the printed 6-digit values: the per-spin files must keep them
VECTOR_03 = {
    "approx_zprime_2022_t1": (65, 3.6541201, 164.3257209, 0.333205525),
    "approx_zprime_2022_t2": (65, 4.4563483, 192.4399155, 0.4464596),
    "approx_zprime_2023-24": (65, 3.3889708, 149.6300199, 0.272941664),
    "approx_zprime_future": (65, 19.6677920, 868.3736970, 9.1927574),
    "derived_zprime_2022_t1": (15, 1.4263074, 9.1157548, 0.156191704),
    "derived_zprime_2022_t2": (15, 1.6132609, 10.0372677, 0.200964124),
    "derived_zprime_2023-24": (15, 1.6132609, 10.0372677, 0.200964124),
    "derived_zprime_future": (15, 1.5339839, 9.2158364, 0.180863214),
}


# ----------------------------------------------------------------------------------------------
# the shipped tables
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(VECTOR_03))
def test_vector_column_is_unchanged(name):
    t = EfficiencyTable.from_package(f"acceptance/{name}.csv")
    assert t.spins == SPIN_COLUMNS == SPINS
    v = t.tables["vector"].value
    n, s1, si, s2 = VECTOR_03[name]
    i = np.arange(len(v))
    assert len(v) == n
    # the values are the same printed decimals: sums agree to rounding (1e-12 relative)
    assert float(v.sum()) == pytest.approx(s1, rel=1e-12)
    assert float((i * v).sum()) == pytest.approx(si, rel=1e-12)
    assert float((v * v).sum()) == pytest.approx(s2, rel=1e-8)


def _avg_trigger(spin, m, p_ts, n=160):
    """⟨T⟩ = ∫ T dσ/dx / ∫ dσ/dx over x ≥ 0.5, T = 1/(1 + (p_out/p_t)^4), for each p_t of
    ``p_ts``: Gauss–Legendre in v = ln(1 − x) (the script uses a 400-point trapezoid rule in the
    same variable; 160 nodes agree with 400 to 2e-13)."""
    a, b = math.log(M_MU / E160), math.log(0.5)
    z, w = np.polynomial.legendre.leggauss(n)
    v = 0.5 * (b - a) * z + 0.5 * (b + a)
    w = 0.5 * (b - a) * w
    x = -np.expm1(v)
    d = P.dsigma_dx(x, m, 1.0, E160, PB, spin=spin) * np.exp(v)
    return [float(np.sum(w * d / (1.0 + ((1.0 - x) * E160 / p) ** 4)) / np.sum(w * d))
            for p in p_ts]


def _high_mass(m):
    """The script's assumed fall: linear in ln m from 1 at 1 GeV to 0.5 at 5 GeV."""
    f = np.clip(math.log(max(m, 1 * GeV) / GeV) / math.log(5.0), 0.0, 1.0)
    return 1.0 - 0.5 * f


def test_approx_columns_are_the_trigger_step_over_each_spin_spectrum():
    """ε_s^t(m) = ε_sel ⟨T_t⟩_s(m) h(m) with ⟨T⟩ over spin s's own WW dσ/dx (independent
    quadrature), ε_sel and p_t read from the header. Tolerance 5e-4: the script's trapezoid
    rule (≤ 1e-4), p_t and ε_sel printed to 5 digits (≤ 1.3e-4); the effect tested is 1–60%."""
    t1 = EfficiencyTable.from_package("acceptance/approx_zprime_2022_t1.csv")
    t2 = EfficiencyTable.from_package("acceptance/approx_zprime_2022_t2.csv")
    p1 = float(re.search(r"p_t\(Smu at -152 mm\) = ([0-9.]+) GeV", t1.provenance)[1]) * GeV
    eps_sel = float(re.search(r"eps_sel = ([0-9.]+)", t1.provenance)[1])
    x = t1.tables["vector"].x
    differs = 0.0
    for i in (0, 17, 40, 48, 56, 62):           # 0 (0.1 MeV spectrum), 6 MeV ... 3.4 GeV
        m = max(x[i], 0.1 * MeV)
        for s in SPINS:
            avg = _avg_trigger(s, m, (p1, p1 * 152.0 / 117.0))
            for tab, a in zip((t1, t2), avg, strict=True):
                want = eps_sel * a * _high_mass(m)
                assert tab.tables[s].value[i] == pytest.approx(want, rel=5e-4), (i, s)
        for tab in (t1, t2):
            differs = max(differs, abs(tab.tables["pseudoscalar"].value[i]
                                       / tab.tables["vector"].value[i] - 1))
    assert differs > 0.3           # the spins' spectra do differ (P vs V: ×1.6 at 0.1 GeV)


@pytest.mark.parametrize("name", ["2023-24", "future"])
def test_approx_projections_keep_each_spin_shape(name):
    """2023-24, future: the MOT-weighted 2022 shape of each spin × one common ratio."""
    t1, t2 = (EfficiencyTable.from_package(f"acceptance/approx_zprime_2022_{t}.csv")
              for t in ("t1", "t2"))
    pr = EfficiencyTable.from_package(f"acceptance/approx_zprime_{name}.csv")
    for s in SPINS:
        mean = (11.7 * t1.tables[s].value + 8.1 * t2.tables[s].value) / 19.8
        ok = pr.tables[s].value < 1.0
        ratio = pr.tables[s].value[ok] / mean[ok]
        assert np.allclose(ratio, ratio[0], rtol=2e-5)      # 6 printed digits
        vec = pr.tables["vector"].value / ((11.7 * t1.tables["vector"].value
                                            + 8.1 * t2.tables["vector"].value) / 19.8)
        assert ratio[0] == pytest.approx(float(np.median(vec)), rel=2e-5)


# ----------------------------------------------------------------------------------------------
# the event generator of each spin
# ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("spin", ["axial", "scalar", "pseudoscalar"])
def test_density_is_the_explicit_spinor_amplitude_times_the_flux(spin):
    """The sampled density dσ/(g² dx dln|ũ|) = α²/4π (1−x)/x √(x² − m²/E²) χ(t_min(ũ)) A_X/|ũ|,
    A_X from explicit spinors and polarisations (exact.amplitude_22_bracket): this fixes the
    muon-angle distribution of each spin pointwise. Tolerance 1e-9 (test_exact: ≤ 1e-12 for the
    brackets; the axial's explicit longitudinal mode loses digits at m ≪ m_μ, hence m ≥ 10 MeV)."""
    for m in (10 * MeV, 100 * MeV, 1 * GeV):
        for x in (0.3, 0.7, 0.95):
            u0 = m * m * (1 - x) / x + M_MU**2 * x
            for sc in (1.5, 30.0, 1e3):
                au = sc * u0
                d = ED._zprime_density_xs(np.array([x]), np.array([math.log(au)]), m, E160, PB,
                                          ALPHA, "E2", spin)[0]
                chi = photon_flux(t_min(au, x, E160), E160**2, PB.Z, PB.t_a, PB.t_d)
                kin = (1 - x) / x * math.sqrt(x * x - m * m / E160**2)
                A = exact.amplitude_22_bracket(spin, x, -au, m)
                assert d == pytest.approx(ALPHA**2 / (4 * math.pi) * kin * chi * A / au,
                                          rel=1e-9), (m, x, sc)


def _x_counts(ev, m, spin, bins=20):
    edges = np.linspace(m / E160, 1 - M_MU / E160, bins + 1)
    fine = np.linspace(edges[0], edges[-1], 4001)[1:-1]
    d = P.dsigma_dx(fine, m, 1.0, spin=spin)
    cdf = np.concatenate([[0], np.cumsum(0.5 * (d[1:] + d[:-1]) * np.diff(fine))])
    expected = np.diff(np.interp(edges, fine, cdf)) / cdf[-1] * len(ev)
    counts, _ = np.histogram(ev.x, edges)
    ok = expected > 5
    chi2 = float(np.sum((counts[ok] - expected[ok]) ** 2 / expected[ok]))
    return stats.chi2.sf(chi2, int(ok.sum()) - 1)


@pytest.mark.parametrize("spin", SPINS)
def test_generated_x_spectrum_of_each_spin(spin):
    """x of 20k events at m = 0.1 GeV follows production.dsigma_dx(spin=...) (binned χ², p > 1e-3)
    and is rejected against another spin's spectrum (the spin argument is not ignored)."""
    m = 0.1 * GeV
    ev = E.generate_zprime(m, 20_000, seed=21, spin=spin)
    assert ev.info["spin"] == spin and ev.info["envelope_violations"] == 0
    assert _x_counts(ev, m, spin) > P_MIN
    other = "pseudoscalar" if spin in ("vector", "scalar") else "vector"
    assert _x_counts(ev, m, other) < 1e-6


def test_vector_events_are_those_of_mucast_03():
    """spin='vector' is the default path: the same events, bit for bit, as without the argument."""
    a = E.generate_zprime(0.2 * GeV, 500, seed=3)
    b = E.generate_zprime(0.2 * GeV, 500, seed=3, spin="V")
    assert np.array_equal(a.mu, b.mu) and np.array_equal(a.x, b.x)


# ----------------------------------------------------------------------------------------------
# limits use the spin's column
# ----------------------------------------------------------------------------------------------
def _setup_with(columns_t):
    """The 2022 set-up with flat per-trigger tables {column: level} (energies in hepunits)."""
    s = M.setup("2022")
    x = np.array([0.0, 6.0]) * GeV
    trig = tuple(Trigger(t.name, t.mot, EfficiencyTable.from_columns(
        x, {c: [v, v] for c, v in columns_t.items()}, "test", f"t{i}.csv"))
        for i, t in enumerate(s.triggers))
    return SignalSetup(**{**s.__dict__, "triggers": trig})


def test_on_shell_yield_uses_the_spin_column():
    s = M.setup("2022")
    m = np.array([0.03, 0.1, 0.3, 1.0]) * GeV
    for spin in SPINS:
        y, _ = M.yield_per_g2(m, s, spin=spin)
        sig, _ = P.cross_section_per_g2(m, s.energy, s.target, "ww", s.x_min, spin=spin)
        eff = sum(t.mot * t.efficiency.tables[spin](m) for t in s.triggers)
        assert np.allclose(y, eff * (1 - s.pileup_loss) * s.nuclei_per_area * sig, rtol=1e-12)
    # the per-spin column moves the pseudoscalar limit (×1.6 in ε at 0.1 GeV → ~0.79 in g)
    ps = M.coupling_limit("muon-pseudoscalar", 0.1 * GeV, "2022")
    old = M.coupling_limit("muon-pseudoscalar", 0.1 * GeV, _vector_for_all(s))
    assert 0.7 < ps.coupling / old.coupling < 0.85
    assert not any("one 'efficiency' column" in w for w in ps.warnings)


def _vector_for_all(s):
    trig = tuple(Trigger(t.name, t.mot, EfficiencyTable(
        {"efficiency": t.efficiency.tables["vector"]}, "vector-for-all.csv")) for t in s.triggers)
    return SignalSetup(**{**s.__dict__, "triggers": trig})


def test_off_shell_yield_uses_the_mediator_spin_column():
    """Off shell, ε(k) is the column of the mediator's spin: doubling only that column doubles
    the yield; the millicharge's photon is a vector."""
    scalar = M.get_model("muon-scalar").with_dark("dirac", g_chi=0.5, m_chi=0.2 * GeV)
    base = _setup_with({s: 0.1 for s in SPINS})
    two = _setup_with({**{s: 0.1 for s in SPINS}, "scalar": 0.2})
    y1 = M.signal_yield(scalar, 0.1 * GeV, 1e-3, base, production="off-shell").value
    y2 = M.signal_yield(scalar, 0.1 * GeV, 1e-3, two, production="off-shell").value
    assert y2 / y1 == pytest.approx(2.0, rel=1e-12)
    mc = M.get_model("millicharge")
    only_v = _setup_with({"vector": 0.1, "axial": 0.0, "scalar": 0.0, "pseudoscalar": 0.0})
    no_v = _setup_with({"vector": 0.0, "axial": 0.1, "scalar": 0.1, "pseudoscalar": 0.1})
    assert M.signal_yield(mc, 0.05 * GeV, 1e-2, only_v).value > 0
    assert M.signal_yield(mc, 0.05 * GeV, 1e-2, no_v).value == 0.0


# ----------------------------------------------------------------------------------------------
# user tables: one column for every spin (with a warning), per-spin columns, strict loader
# ----------------------------------------------------------------------------------------------
def _user_experiment(tmp_path, header, rows):
    csv = tmp_path / "eff.csv"
    csv.write_text("# provenance: test table\n" + header + "\n" + "\n".join(rows) + "\n")
    toml = tmp_path / "exp.toml"
    text = data_path("experiments/2022.toml").read_text(encoding="utf-8")
    text = re.sub(r'efficiency = "acceptance/approx_zprime_2022_t[12].csv"',
                  'efficiency = "eff.csv"', text)
    toml.write_text(text)
    return toml


def test_single_column_table_is_used_for_every_spin_with_a_warning(tmp_path, capsys):
    toml = _user_experiment(tmp_path, "m_GeV,efficiency", ["0,0.1", "5,0.1"])
    for model in ("muon-scalar", "lmu-ltau"):
        r = M.coupling_limit(model, 0.1 * GeV, str(toml))
        w = [w for w in r.warnings if "one 'efficiency' column" in w]
        assert len(w) == 1 and "eff.csv" in w[0] and "22%" in w[0]
    from mucast.cli import main
    assert main(["limit", "muon-pseudoscalar", "--experiment", str(toml), "--mass", "0.1",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any("one 'efficiency' column" in w for w in out["warnings"])


def test_per_spin_user_columns(tmp_path, capsys):
    toml = _user_experiment(tmp_path, "m_GeV,vector,scalar", ["0,0.1,0.2", "5,0.1,0.2"])
    rv = M.coupling_limit("lmu-ltau", 0.1 * GeV, str(toml))
    rs = M.coupling_limit("muon-scalar", 0.1 * GeV, str(toml))
    assert not any("efficiency" in w and "column" in w for w in rv.warnings + rs.warnings)
    s = M.setup(str(toml))
    assert s.mot_efficiency(0.1 * GeV, "scalar") == pytest.approx(
        2 * s.mot_efficiency(0.1 * GeV, "vector"), rel=1e-12)
    # a spin the table has no column for is refused, naming the file and the column to add
    with pytest.raises(DataFileError, match="no efficiency column for spin 'axial'"):
        M.coupling_limit("muon-axial", 0.1 * GeV, str(toml))
    from mucast.cli import main
    assert main(["limit", "muon-axial", "--experiment", str(toml), "--mass", "0.1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "axial" in err


@pytest.mark.parametrize("header,rows,match", [
    ("m_GeV,vector,efficiency", ["0,0.1,0.1", "5,0.1,0.1"], "one 'efficiency' column"),
    ("m_GeV,vectr", ["0,0.1", "5,0.1"], "vectr"),
    ("m_GeV,vector,vector", ["0,0.1,0.1", "5,0.1,0.1"], "distinct"),
    ("m_GeV,vector,scalar", ["0,0.1", "5,0.1,0.1"], "data row 2 has 2 columns"),
    ("m_GeV,vector,scalar", ["0,0.1,1.5", "5,0.1,0.1"], "scalar = 1.5"),
    ("k_GeV,vector", ["0,0.1", "5,0.1"], "m_GeV"),
])
def test_bad_efficiency_tables_are_refused(tmp_path, header, rows, match):
    p = tmp_path / "bad.csv"
    p.write_text("# provenance: test\n" + header + "\n" + "\n".join(rows) + "\n")
    with pytest.raises(DataFileError, match=match):
        EfficiencyTable.from_file(p)


def test_efficiency_table_round_trip():
    t = EfficiencyTable.from_package("acceptance/derived_zprime_2022_t1.csv")
    back = EfficiencyTable.from_text(t.to_csv(), "round-trip")
    for s in SPINS:
        assert np.array_equal(back.tables[s].value, t.tables[s].value)
    # an AcceptanceTable given as a trigger's table keeps its one column's meaning
    one = AcceptanceTable.flat(0.5, 5 * GeV)
    assert Trigger("t", 1.0, AcceptanceTable(one.x, one.value, ("m_GeV", "efficiency"))
                   ).efficiency.single


def test_generate_cli_spin(tmp_path, capsys):
    from mucast.cli import main
    out = tmp_path / "p.csv"
    assert main(["generate", "zprime", "--mass", "0.1", "--spin", "pseudoscalar", "--events",
                 "200", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["events"] == 200
    assert "# spin: pseudoscalar" in out.read_text(encoding="utf-8")
    assert main(["generate", "zprime", "--mass", "0.1", "--spin", "tensor", "--events", "5",
                 "--out", str(tmp_path / "q.csv")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_model_dependence_of_the_spin_correction_is_stated():
    """Where the two shipped efficiency models (p_out step, detector) disagree on ε_s/ε_V by
    more than 10% in g, the limit says so with the size; the vector never gets it, nor masses
    where the models agree (scalar at 0.1 GeV: 1.26 vs 1.20, 2% in g)."""
    from mucast import experiments
    m = np.array([0.1, 2.0]) * GeV

    def spread(model, masses, d, **kw):
        return [x for x in M.coupling_limit_scan(model, masses, d, **kw).warnings
                if "model-dependent" in x]

    for ts in ("shipped", "derived"):
        d = experiments.with_tables("2022", ts)
        w = spread("muon-scalar", m, d, decays="invisible")
        assert len(w) == 1 and "m = 2 GeV" in w[0]
        pct = float(re.search(r"uncertain by up to (\d+)%", w[0])[1])
        assert 15 <= pct <= 35            # 0.75 (detector) vs 1.15 (p_out step): 24%
        assert not spread("muon-scalar", m[:1], d, decays="invisible")
        assert not spread("lmu-ltau", m, d)
        # with its visible decays counted, the scalar has no limit at 2 GeV: nothing to doubt
        assert not spread("muon-scalar", m, d)
