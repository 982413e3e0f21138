"""Tests of mucast.inference.stats (layer 4: upper limits on a Poisson signal with known background)."""

import itertools
import math

import numpy as np
import pytest
from scipy.stats import chi2, poisson

from mucast.exceptions import EmptyIntervalError, InputError, UnknownNameError
from mucast.inference.stats import UpperLimit, cls_upper_limit_counting, feldman_cousins_interval, feldman_cousins_upper_limit, poisson_upper_limit, upper_limit

# Feldman & Cousins, PRD 57 (1998) 3873 (arXiv:physics/9711021), Table IV: 90% C.L. intervals
# for the Poisson signal mean μ, total events observed n0, known mean background b.
# The table is rounded to 2 decimals, hence the tolerance 0.005 (+1e-9 for float noise).
FC_TABLE_IV_90 = [
    # (n0, b, mu_lo, mu_up)
    (0, 0.0, 0.00, 2.44),
    (0, 0.5, 0.00, 1.94),
    (0, 1.0, 0.00, 1.61),
    (0, 1.5, 0.00, 1.33),
    (0, 2.5, 0.00, 1.18),
    (0, 3.5, 0.00, 1.06),
    (1, 0.0, 0.11, 4.36),
    (1, 1.0, 0.00, 3.36),
    (1, 3.0, 0.00, 1.88),
    (2, 0.0, 0.53, 5.91),
    (3, 0.0, 1.10, 7.42),
    (3, 0.5, 0.60, 6.92),
    (3, 1.0, 0.10, 6.42),
    (4, 0.0, 1.47, 8.60),
    (5, 0.0, 1.84, 9.99),
]
# Entries where the raw construction is *not* monotone in b and FC list the non-increasing
# envelope sup_{b'≥b} μ_up(b') (raw values: 1.08, 0.95, 0.85, 0.77).  The supremum is a right
# limit at an upward jump in b'; we compute it exactly, a b-grid evaluation (as FC's) lands up
# to ~0.5 × grid step below it, so here the tolerance is 0.005 (rounding) + 0.001.
FC_TABLE_IV_90_ENVELOPE = [(0, 2.0, 1.26), (0, 3.0, 1.08), (0, 4.0, 1.01), (0, 5.0, 0.98)]
# FC Table V (95% C.L.), the two entries checked (same rounding tolerance).
FC_TABLE_V_95 = [(0, 0.0, 0.00, 3.09), (1, 0.0, 0.05, 5.14)]


@pytest.mark.parametrize("n0, b, lo, up", FC_TABLE_IV_90)
def test_fc_table_iv(n0, b, lo, up):
    mu_lo, mu_up = feldman_cousins_interval(n0, b, cl=0.9)
    assert mu_lo == pytest.approx(lo, abs=0.005 + 1e-9)
    assert mu_up == pytest.approx(up, abs=0.005 + 1e-9)


@pytest.mark.parametrize("n0, b, up", FC_TABLE_IV_90_ENVELOPE)
def test_fc_table_iv_monotone_envelope(n0, b, up):
    assert feldman_cousins_upper_limit(n0, b) == pytest.approx(up, abs=0.006)
    raw = feldman_cousins_interval(n0, b, monotone_in_background=False)[1]
    assert raw < up - 0.1  # the raw construction really differs: the envelope matters


@pytest.mark.parametrize("n0, b, lo, up", FC_TABLE_V_95)
def test_fc_table_v_95(n0, b, lo, up):
    mu_lo, mu_up = feldman_cousins_interval(n0, b, cl=0.95)
    assert mu_lo == pytest.approx(lo, abs=0.005 + 1e-9)
    assert mu_up == pytest.approx(up, abs=0.005 + 1e-9)


def _naive_fc_accepted(mu_grid, n0, b, cl):
    """Literal FC construction: sort n by decreasing R, add until Σ P ≥ cl."""
    n = np.arange(0, 200)
    out = []
    for mu in mu_grid:
        p = poisson.pmf(n, mu + b)
        best = poisson.pmf(n, np.maximum(n, b))
        order = np.argsort(-(p / best), kind="stable")
        cum_before = np.concatenate(([0.0], np.cumsum(p[order])[:-1]))
        accepted = set(order[cum_before < cl].tolist())
        out.append(n0 in accepted)
    return np.array(out)


@pytest.mark.parametrize("n0, b", [(0, 0.0), (2, 0.0), (4, 1.3), (1, 2.7), (6, 3.2)])
def test_fc_raw_matches_naive_construction(n0, b):
    """The exact segment algorithm agrees with a brute-force sort on a 0.002 μ grid."""
    lo, up = feldman_cousins_interval(n0, b, monotone_in_background=False)
    h = 0.002
    grid = np.arange(0.0, up + 3.0, h)
    acc = _naive_fc_accepted(grid, n0, b, 0.9)
    idx = np.flatnonzero(acc)
    assert grid[idx[0]] == pytest.approx(lo, abs=h)
    assert grid[idx[-1]] == pytest.approx(up, abs=h)


@pytest.mark.parametrize("b", [0.0, 0.5, 3.0])
@pytest.mark.parametrize("mu", [0.3, 1.0, 2.5, 5.5])
@pytest.mark.parametrize("monotone", [True, False])
def test_fc_coverage(mu, b, monotone):
    """Σ_n P(n|μ+b)·[μ ∈ interval(n)] ≥ cl: guaranteed by the Neyman construction."""
    n_max = int(mu + b + 10 * math.sqrt(mu + b + 1) + 10)
    cover = 0.0
    for n in range(n_max + 1):
        lo, up = feldman_cousins_interval(n, b, monotone_in_background=monotone)
        if lo <= mu <= up:
            cover += poisson.pmf(n, mu + b)
    assert cover >= 0.9 - 1e-9


def test_fc_upper_limit_n0_decreases_with_background():
    bs = np.arange(0.0, 8.01, 0.25)
    ups = [feldman_cousins_upper_limit(0, float(b)) for b in bs]
    assert all(u2 <= u1 + 1e-9 for u1, u2 in itertools.pairwise(ups))
    assert ups[0] > ups[-1]


def test_fc_upper_limit_increases_with_n():
    for b in (0.0, 2.0, 7.0):
        ups = [feldman_cousins_upper_limit(n, b) for n in range(12)]
        assert all(u2 > u1 for u1, u2 in itertools.pairwise(ups))


def test_fc_interval_properties():
    lo, up = feldman_cousins_interval(10, 3.0)
    assert 0.0 < lo < 10 - 3 < up  # significant excess: two-sided, contains μ_best
    lo, up = feldman_cousins_interval(2, 5.0)
    assert lo == 0.0 and up > 0.0


def test_fc_large_inputs_finite():
    lo, up = feldman_cousins_interval(1000, 0.0)
    # Gaussian regime: roughly n ± 1.645 √n
    assert lo == pytest.approx(1000 - 1.645 * math.sqrt(1000), abs=3)
    assert up == pytest.approx(1000 + 1.645 * math.sqrt(1000), abs=3)
    lo, up = feldman_cousins_interval(0, 1000.0)
    assert lo == 0.0 and 0.0 < up < 2.44


def test_poisson_upper_limit():
    assert poisson_upper_limit(0) == pytest.approx(-math.log(0.1), rel=1e-12)
    assert poisson_upper_limit(0) == pytest.approx(2.3026, abs=5e-5)
    for n in range(10):
        # independent formula: λ_up = ½ χ²_cl(2n+2)
        assert poisson_upper_limit(n, 0.0, 0.9) == pytest.approx(0.5 * chi2.ppf(0.9, 2 * n + 2),
                                                                rel=1e-9)
        # (n = 0, b = 1.5: λ_up = 3.00 > b, every n here has a non-empty interval)
        assert poisson_upper_limit(n, 1.5, 0.95) == pytest.approx(
            0.5 * chi2.ppf(0.95, 2 * n + 2) - 1.5, rel=1e-9)
    ups = [poisson_upper_limit(n, 1.0) for n in range(15)]
    assert all(u2 > u1 for u1, u2 in itertools.pairwise(ups))


@pytest.mark.parametrize(("n", "b", "cl"), [(0, 5.0, 0.9), (0, 3.0, 0.9), (0, 2.31, 0.9),
                                            (0, 1000.0, 0.9), (3, 12.0, 0.95), (10, 30.0, 0.9)])
def test_poisson_empty_interval_is_refused(n, b, cl):
    """b ≥ λ_up (P(N ≤ n | b) ≤ 1 − cl): the Neyman interval is empty; 0 was returned, an upper
    limit that excluded every signal (audit: `upper-limit --observed 0 --background 3 --method
    poisson` printed 0.0 without a warning). Refused, naming the method and the alternatives."""
    assert poisson.cdf(n, b) <= 1 - cl                        # the case really is empty
    for call in (lambda: poisson_upper_limit(n, b, cl),
                 lambda: upper_limit(n, b, method="poisson", cl=cl)):
        with pytest.raises(EmptyIntervalError, match=r"poisson .* interval is empty.*fc or cls") as e:
            call()
        assert "\n" not in str(e.value)
        assert e.value.method == "poisson" and e.value.n_observed == n
        # the probability stated is P(N ≤ n | b) (rel 1e-9: logsumexp against scipy's cdf;
        # at b = 1000 both underflow to 0)
        assert e.value.p_background == pytest.approx(poisson.cdf(n, b), rel=1e-9, abs=1e-300)
    # an InputError (CLI exit 2) that survives a trip to a Dask worker and back
    import pickle
    back = pickle.loads(pickle.dumps(e.value))
    assert isinstance(back, InputError) and back.method == "poisson" and str(back) == str(e.value)


def test_poisson_just_inside_is_a_number_with_a_warning():
    """b just below λ_up = 2.3026 (n = 0): μ_up = 0.10, a valid Neyman limit that profits from n
    lying below b: said with its ratio to cls-exact (0.10/2.30 = 0.045; rel 1e-9: closed forms)."""
    r = upper_limit(0, 2.2, method="poisson")
    assert r.upper == pytest.approx(-math.log(0.1) - 2.2, rel=1e-9)
    assert len(r.warnings) == 1 and "downward fluctuation" in r.warnings[0]
    assert f"{r.upper / -math.log(0.1):.2g}" in r.warnings[0]
    assert upper_limit(0, 0.07, method="poisson").warnings == ()   # seed 001's b: nothing to say


@pytest.mark.parametrize("b", [3.0, 5.0, 30.0, 1000.0])
def test_other_methods_at_large_background_and_n0(b):
    """The degenerate case of the audit (n = 0, b large) for fc, cls-exact and cls-asymptotic:
    a positive number, never 0, and a warning that the background-only hypothesis is rejected
    (P(N = 0 | b) = e^-b < 0.1 for b > 2.30)."""
    for method in ("fc", "cls-exact", "cls-asymptotic"):
        r = upper_limit(0, b, method=method)
        assert math.isfinite(r.upper) and r.upper > 0.5, (method, r.upper)
        said = [w for w in r.warnings if "background-only hypothesis is itself rejected" in w]
        assert len(said) == 1, (method, r.warnings)
    # FC decreases with b (FC Sec. VI; 0.89 at b = 30) and says how far below cls-exact it is
    fc = upper_limit(0, b, method="fc")
    assert f"{fc.upper / -math.log(0.1):.2g} of the cls-exact one" in fc.warnings[0]
    # cls-exact: b cancels at n = 0 (closed form −ln 0.1, rel 1e-9)
    assert upper_limit(0, b, method="cls-exact").upper == pytest.approx(-math.log(0.1), rel=1e-9)


def test_no_fluctuation_warning_where_none_is_due():
    """n ≥ b, or n below b but not far: no warning (fc at n = 0, b = 2: 1.27 = 0.55 of cls-exact,
    P(0 | 2) = 0.135 > 0.1)."""
    for method in ("fc", "poisson", "cls-exact"):
        assert upper_limit(3, 0.0, method=method).warnings == ()
        assert upper_limit(5, 2.0, method=method).warnings == ()
    assert upper_limit(0, 2.0, method="fc").warnings == ()


@pytest.mark.parametrize("b", [0.0, 0.5, 3.0, 17.0, 500.0])
def test_cls_n0_is_background_independent(b):
    assert cls_upper_limit_counting(0, b) == pytest.approx(-math.log(0.1), rel=1e-9)


def test_cls_properties():
    for n in range(6):
        # b = 0: CLs = CL_{s+b}, identical to the classical Poisson limit
        assert cls_upper_limit_counting(n, 0.0) == pytest.approx(poisson_upper_limit(n), rel=1e-9)
        # b > 0: CLs is more conservative than the classical limit and never negative
        assert cls_upper_limit_counting(n, 2.0) >= poisson_upper_limit(n, 2.0)
    mu = cls_upper_limit_counting(3, 1.2, cl=0.95)
    ratio = poisson.cdf(3, mu + 1.2) / poisson.cdf(3, 1.2)
    assert ratio == pytest.approx(0.05, rel=1e-9)


def test_upper_limit_dispatch_and_result():
    r = upper_limit(0, 0.0)
    assert isinstance(r, UpperLimit)
    assert r.method == "fc" and r.upper == pytest.approx(2.44, abs=0.005) and r.lower == 0.0
    d = r.to_dict()
    assert d == {"upper": r.upper, "lower": 0.0, "method": "fc", "cl": 0.9, "n_observed": 0,
                 "background": 0.0, "background_uncertainty": 0.0, "signal_systematic": 0.0,
                 "mot_uncertainty": 0.0, "warnings": []}
    with pytest.raises(EmptyIntervalError, match="poisson"):   # empty interval (see above)
        upper_limit(0, 3.0, method="poisson")
    assert upper_limit(0, 3.0, method="cls-exact").upper == pytest.approx(2.302585, abs=1e-6)
    # the name of mucast <= 0.2 still works here, with a warning saying what it was read as
    old = upper_limit(0, 3.0, method="cls")
    assert old.method == "cls-exact" and old.upper == pytest.approx(2.302585, abs=1e-6)
    assert "deprecated" in old.warnings[0] and "cls-exact" in old.warnings[0]
    assert upper_limit(3, 0.0, method="fc").lower == pytest.approx(1.10, abs=0.005)
    with pytest.raises(AttributeError):
        r.upper = 1.0  # frozen


@pytest.mark.parametrize("bad", [1.5, -1, float("nan"), float("inf"), True, "3", None, 1001])
def test_bad_n_observed(bad):
    with pytest.raises(InputError, match="n_observed"):
        feldman_cousins_interval(bad, 0.0)
    with pytest.raises(InputError, match="n_observed"):
        upper_limit(bad, 0.0, method="poisson")


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), 1000.5, "1", False])
def test_bad_background(bad):
    for f in (feldman_cousins_interval, poisson_upper_limit, cls_upper_limit_counting):
        with pytest.raises(InputError, match="background"):
            f(0, bad)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.2, float("nan"), "0.9"])
def test_bad_cl(bad):
    for f in (feldman_cousins_interval, poisson_upper_limit, cls_upper_limit_counting):
        with pytest.raises(InputError, match="cl"):
            f(0, 0.0, bad)


def test_unknown_method():
    with pytest.raises(UnknownNameError, match="method"):
        upper_limit(0, 0.0, method="bayesian")


def test_integral_float_n_accepted():
    assert feldman_cousins_interval(3.0, 0.0) == feldman_cousins_interval(3, 0.0)
    assert feldman_cousins_interval(np.int64(3), 0.0) == feldman_cousins_interval(3, 0.0)
