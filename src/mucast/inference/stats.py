"""Layer 4: upper limits (and intervals) on the mean of a Poisson signal with known background.

A counting experiment observes ``n`` events; the background expectation ``b`` is known and the
signal expectation ``μ ≥ 0`` is the parameter of interest, ``n ~ Poisson(μ + b)``.  Methods — one
name each, the same in every command, function and JSON output of mucast (:data:`METHODS`):

``"fc"``
    Feldman & Cousins, "A unified approach to the classical statistical analysis of small
    signals", PRD 57 (1998) 3873, arXiv:physics/9711021 — Neyman construction with the
    likelihood-ratio ordering R = P(n|μ+b)/P(n|μ_best+b), μ_best = max(0, n−b).  Computed
    exactly (no μ grid, see :func:`feldman_cousins_interval`) and made non-increasing in b as
    in the published tables (Table IV, 90% CL).
``"poisson"``
    Classical one-sided Neyman upper limit: the smallest μ with P(N ≤ n | μ+b) ≤ 1−cl.
``"cls-exact"``
    Exact (non-asymptotic) CLs for one bin with known b (Read, J.Phys.G 28 (2002) 2693;
    the same formula as Helene, NIM 212 (1983) 319 / Zech, NIM A277 (1989) 608):
    CLs(μ) = P(N ≤ n | μ+b) / P(N ≤ n | b), upper limit where CLs = 1−cl.
``"cls-asymptotic"``
    Profile-likelihood CLs with the test statistic q̃_μ in the asymptotic approximation (Cowan,
    Cranmer, Gross, Vitells, EPJC 71 (2011) 1554), computed with pyhf on a one-bin HistFactory
    model (signal with free normalisation and optional normsys nuisance parameters for the signal
    systematic and the MOT uncertainty; background with a Poisson-constrained uncertainty). This
    is the method of seed 001 (RooStats there). The asymptotic formulae are derived for large
    counts and **under-cover at low counts**: for n = 0 they give N_up → Φ⁻¹(0.95)²/2 = 1.35 as
    b → 0 (1.44 at b = 0.07) where the exact answer is 2.30. Every result computed with it at
    n + b < :data:`LOW_COUNT_LIMIT` carries a warning saying so.

Renamed: ``"cls"`` (mucast ≤ 0.2) meant cls-exact in ``upper-limit``/``bound`` and cls-asymptotic
in ``limit zprime``; ``"cls_exact"`` was cls-exact. They are accepted for one more release, mapped
to what they meant where they were used, with a warning in the result (:func:`resolve_method`).

All numbers are dimensionless event counts.  Arguments are validated; bad values raise
:class:`~mucast.exceptions.InputError`, unknown method names
:class:`~mucast.exceptions.UnknownNameError`.

Example
-------
>>> round(feldman_cousins_upper_limit(0, 0.0), 2)
2.44
>>> round(poisson_upper_limit(0), 4)
2.3026
>>> upper_limit(0, 3.0, method="cls-exact").upper == upper_limit(0, 0.0, method="cls-exact").upper
True
"""

from __future__ import annotations

import contextlib
import math
import numbers
from dataclasses import asdict, dataclass
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import gammainccinv, gammaln, logsumexp, pdtr, xlogy

from mucast.exceptions import EmptyIntervalError, InputError, UnknownNameError

__all__ = [
    "MAX_BACKGROUND",
    "MAX_N_OBSERVED",
    "METHODS",
    "UpperLimit",
    "cls_upper_limit_asymptotic",
    "cls_upper_limit_counting",
    "coverage_warnings",
    "fluctuation_warnings",
    "resolve_method",
    "feldman_cousins_interval",
    "feldman_cousins_upper_limit",
    "poisson_upper_limit",
    "upper_limit",
]

#: largest accepted number of observed events (beyond it use a Gaussian / asymptotic method)
MAX_N_OBSERVED = 1000
#: largest accepted background expectation
MAX_BACKGROUND = 1000.0
#: the method names understood by :func:`upper_limit` (module doc); one name per method everywhere
METHODS = ("fc", "poisson", "cls-exact", "cls-asymptotic")
#: one-line descriptions (CLI help, reports)
METHOD_DESCRIPTIONS = {
    "fc": "Feldman-Cousins, known background (PRD 57 (1998) 3873)",
    "poisson": "classical one-sided Neyman limit, known background",
    "cls-exact": "exact counting CLs, known background (Read, J.Phys.G 28 (2002) 2693)",
    "cls-asymptotic": "profile-likelihood CLs, asymptotic formulae (Cowan et al. 2011) via pyhf,"
                      " with nuisance parameters; under-covers at low counts",
}
#: methods known to under-cover when n + b is below :data:`LOW_COUNT_LIMIT`
UNDER_COVERING = frozenset({"cls-asymptotic"})
#: below this n + b the asymptotic formulae are not trusted (they assume large counts)
LOW_COUNT_LIMIT = 10.0
#: names of mucast <= 0.2: old name -> canonical name, or None where the meaning depended on the
#: command ("cls": cls-exact in upper-limit/bound/scan, cls-asymptotic in limit zprime)
RENAMED = {"cls": None, "cls_exact": "cls-exact"}

#: width in b of the look-ahead used to make the FC upper limit non-increasing in b (the
#: saw-tooth of the raw construction has a period ≲ 1 in b and decreasing peaks; the maximum
#: was found ≤ 0.84 above b for n, b ≤ 20 against a brute-force 8-unit look-ahead)
_FC_B_LOOKAHEAD = 2.0
_FC_B_STEP = 0.05
_XTOL = 1e-12


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------
def _check_n(n_observed) -> int:
    if isinstance(n_observed, (bool, np.bool_)) or not isinstance(n_observed, numbers.Real):
        raise InputError(f"n_observed must be a non-negative integer (0 ≤ n_observed ≤ "
                         f"{MAX_N_OBSERVED}), got {n_observed!r}")
    x = float(n_observed)
    if not math.isfinite(x) or x != math.floor(x) or x < 0:
        raise InputError(f"n_observed must be a non-negative integer (0 ≤ n_observed ≤ "
                         f"{MAX_N_OBSERVED}), got {n_observed!r}")
    if x > MAX_N_OBSERVED:
        raise InputError(f"n_observed = {n_observed!r} is above the supported limit "
                         f"n_observed ≤ {MAX_N_OBSERVED}; use a Gaussian/asymptotic method")
    return int(x)


def _check_b(background) -> float:
    if isinstance(background, (bool, np.bool_)) or not isinstance(background, numbers.Real):
        raise InputError(f"background must be a finite real number with 0 ≤ background ≤ "
                         f"{MAX_BACKGROUND:g}, got {background!r}")
    b = float(background)
    if not math.isfinite(b) or b < 0:
        raise InputError(f"background must be finite and 0 ≤ background ≤ {MAX_BACKGROUND:g}, "
                         f"got {background!r}")
    if b > MAX_BACKGROUND:
        raise InputError(f"background = {background!r} is above the supported limit "
                         f"background ≤ {MAX_BACKGROUND:g}")
    return b


#: the confidence levels accepted (the CLI's --cl too: mucast.cli.common.CL_RANGE, checked equal
#: by the tests): upper limits are quoted at 68-99.9% CL; below 0.5 an "upper limit" lies below
#: the median expectation, and the methods' root finders are bracketed for this range (cl =
#: 1e-300 failed inside the asymptotic CLs solver)
CL_RANGE = (0.5, 0.999)


def _check_cl(cl) -> float:
    lo, hi = CL_RANGE
    if isinstance(cl, (bool, np.bool_)) or not isinstance(cl, numbers.Real):
        raise InputError(f"cl must be a real number in [{lo}, {hi}], got {cl!r}")
    c = float(cl)
    if not (math.isfinite(c) and lo <= c <= hi):
        raise InputError(f"cl must be in [{lo}, {hi}], got {cl!r}")
    return c


# --------------------------------------------------------------------------------------------
# Feldman-Cousins: exact acceptance set of a given n in λ = μ + b
# --------------------------------------------------------------------------------------------
def _poisson_logpmf(m, lam):
    """log P(m|λ) without warnings at λ = 0 (xlogy(0, 0) = 0, xlogy(m>0, 0) = −inf)."""
    return xlogy(m, lam) - lam - gammaln(m + 1.0)


@lru_cache(maxsize=64)
def _m_table(big_m: int):
    m = np.arange(big_m + 1, dtype=float)
    return m, gammaln(m + 1.0)


class _FCAcceptance:
    """The set A_n = {λ ≥ b : n is in the FC acceptance region of μ = λ − b}, exactly.

    With c_m = m ln max(m, b) − max(m, b) the ordering variable is
    ln R(m; λ) = m ln λ − λ − c_m (the m! cancel).  Since ln R(m) − ln R(n) =
    (m − n) ln λ − (c_m − c_n) is linear in ln λ, event m outranks n exactly for λ > λ_m
    (m > n) or λ < λ_m (m < n), with λ_m = exp[(c_m − c_n)/(m − n)].  c is convex in m, so
    λ_m is non-decreasing in m on each side and the set of events ranked above n is
    K(λ) = {j..n−1} ∪ {n+1..k}, constant between consecutive λ_m ("segments").  n is accepted
    iff S(λ) = P(j ≤ N ≤ k | λ) − P(n | λ) < cl (the probability summed before n is added is
    still short of cl — FC's "add until ≥ cl" rule).  With only one side present S is
    unimodal in λ (dS/dλ is a difference of two Poisson terms whose ratio is monotone), so on
    such a segment {S < cl} is decided by the end points and the root is bracketed by the
    analytic maximum λ*; the rare two-sided segments (small λ only) are sampled densely.
    """

    _DENSE = 257

    def __init__(self, n: int, b: float, cl: float):
        self.n, self.b, self.cl = n, b, cl
        lam_hat = float(max(n, b))  # μ = μ_best: R(n) = 1 is maximal, n is always accepted
        self.lam_hat = lam_hat
        lam_max = lam_hat + 12.0 * math.sqrt(lam_hat + 1.0) + 25.0
        self.lam_max = lam_max
        big_m = math.ceil(3.0 * lam_max + 60.0)  # λ_m ≈ m/e for large m
        m, self.gl = _m_table(big_m)
        lb = np.maximum(m, b)
        c = xlogy(m, lb) - lb
        self.lam_right = np.exp((c[n + 1:] - c[n]) / (m[n + 1:] - n))  # m = n+1, n+2, ...
        self.lam_left = np.exp((c[n] - c[:n]) / (n - m[:n]))  # m = 0..n-1
        inner = np.concatenate((self.lam_right, self.lam_left))
        inner = inner[(inner > b) & (inner < lam_max)]
        self.edges = np.unique(np.concatenate(([b, lam_hat, lam_max], inner)))

    def _jk(self, lam):
        """(j, k) of K(λ) for λ not at a break point (vectorised)."""
        n = self.n
        k = n + np.searchsorted(self.lam_right, lam, side="left")
        j = n - (self.lam_left.size - np.searchsorted(self.lam_left, lam, side="right"))
        return j, k

    def _s(self, lam, j, k):
        """S(λ) = P(j ≤ N ≤ k | λ) − P(n | λ) (= 0 when K is empty)."""
        lam = np.asarray(lam, dtype=float)
        s = pdtr(k, lam) - np.where(j > 0, pdtr(np.maximum(j - 1, 0), lam), 0.0)
        s = s - np.exp(_poisson_logpmf(float(self.n), lam))
        return np.where((j == self.n) & (k == self.n), 0.0, np.maximum(s, 0.0))

    def _lam_star(self, j, k):
        """Maximum of the unimodal S on one-sided segments (nan if S is monotone there)."""
        n, gl = self.n, self.gl
        out = np.full(np.shape(j), np.nan)
        right = (j == n) & (k > n)
        out[right] = np.exp((gl[k[right]] - gl[n]) / (k[right] - n))
        left = (k == n) & (j < n) & (j >= 1)
        out[left] = np.exp((gl[n - 1] - gl[j[left] - 1]) / (n - j[left]))
        return out

    def _root(self, a, c, j, k):
        def g(t):
            return float(self._s(t, j, k)) - self.cl
        return brentq(g, a, c, xtol=_XTOL * max(1.0, c), rtol=1e-15)

    def _scan(self, lo, hi, j, k, from_top):
        """Extreme accepted point of one segment via dense sampling (two-sided K)."""
        x = np.linspace(lo, hi, self._DENSE)
        acc = self._s(x, j, k) < self.cl
        if not acc.any():
            return None
        if from_top:
            i = np.flatnonzero(acc)[-1]
            return hi if i == x.size - 1 else self._root(x[i], x[i + 1], j, k)
        i = np.flatnonzero(acc)[0]
        return lo if i == 0 else self._root(x[i - 1], x[i], j, k)

    def _segments(self, lo, hi):
        j, k = self._jk(0.5 * (lo + hi))
        s_lo, s_hi = self._s(lo, j, k), self._s(hi, j, k)
        return j, k, s_lo, s_hi, self._lam_star(j, k)

    def sup(self) -> float:
        """Largest λ at which n is accepted (upper end of the hull)."""
        e = self.edges
        e = e[e >= self.lam_hat]
        lo, hi = e[:-1], e[1:]
        j, k, s_lo, s_hi, star = self._segments(lo, hi)
        if not s_hi[-1] >= self.cl:  # pragma: no cover - guarded by the choice of lam_max
            raise RuntimeError("FC construction: search range too small")
        two_sided = (j < self.n) & (k > self.n)
        hit = (s_lo < self.cl) | (s_hi < self.cl) | two_sided
        for i in np.flatnonzero(hit)[::-1]:
            if two_sided[i]:
                r = self._scan(lo[i], hi[i], j[i], k[i], from_top=True)
                if r is None:
                    continue
                return r
            if s_hi[i] < self.cl:
                return float(hi[i])
            top = star[i] if lo[i] < star[i] < hi[i] else hi[i]
            return self._root(lo[i], top, j[i], k[i])
        return self.lam_hat

    def inf(self) -> float:
        """Smallest λ ≥ b at which n is accepted (lower end of the hull)."""
        e = self.edges
        e = e[e <= self.lam_hat]
        if e.size < 2:
            return self.lam_hat
        lo, hi = e[:-1], e[1:]
        j, k, s_lo, s_hi, star = self._segments(lo, hi)
        if self.b >= self.n:
            return float(e[0])  # R(n) = 1 at μ = 0: accepted (ties resolved in favour of n)
        two_sided = (j < self.n) & (k > self.n)
        hit = (s_lo < self.cl) | (s_hi < self.cl) | two_sided
        for i in np.flatnonzero(hit):
            if two_sided[i]:
                r = self._scan(lo[i], hi[i], j[i], k[i], from_top=False)
                if r is None:
                    continue
                return r
            if s_lo[i] < self.cl:
                return float(lo[i])
            bottom = star[i] if lo[i] < star[i] < hi[i] else lo[i]
            return self._root(bottom, hi[i], j[i], k[i])
        return self.lam_hat


@lru_cache(maxsize=4096)
def _fc_raw(n: int, b: float, cl: float) -> tuple[float, float]:
    acc = _FCAcceptance(n, b, cl)
    return max(acc.inf() - b, 0.0), max(acc.sup() - b, 0.0)


@lru_cache(maxsize=4096)
def _fc_upper_monotone(n: int, b: float, cl: float) -> float:
    """sup_{b' ≥ b} of the raw FC upper limit (restricted to b' ≤ b + _FC_B_LOOKAHEAD).

    The raw upper end μ_up(b') is piecewise smooth with slope ≥ −1 (μ_up = λ_up − b' with
    λ_up non-decreasing in b') and jumps up at isolated b'.  Its sup is the right limit at a
    jump, located by bisection in b' to 1e-9; a jump whose right-hand grid value plus the
    largest possible decrease over one grid step cannot beat the current maximum is skipped.
    """
    step = _FC_B_STEP
    grid = b + step * np.arange(round(_FC_B_LOOKAHEAD / step) + 1)
    vals = np.array([_fc_raw(n, float(x), cl)[1] for x in grid])
    best = float(vals.max())
    jumps = np.flatnonzero(vals[1:] > vals[:-1])
    for i in jumps[np.argsort(-vals[jumps + 1])]:
        if vals[i + 1] + 1.5 * step <= best:
            continue
        lo, hi, v_lo, v_hi = float(grid[i]), float(grid[i + 1]), vals[i], vals[i + 1]
        while hi - lo > 1e-9 * max(1.0, hi):
            mid = 0.5 * (lo + hi)
            v = _FCAcceptance(n, mid, cl).sup() - mid
            if v > v_lo:  # already on the upper branch: the jump is in (lo, mid]
                hi, v_hi = mid, v
            else:
                lo = mid
        best = max(best, v_hi)
    return best


def feldman_cousins_interval(n_observed: int, background: float, cl: float = 0.9, *,
                             monotone_in_background: bool = True) -> tuple[float, float]:
    """Feldman–Cousins confidence interval [μ_lo, μ_up] for a Poisson signal mean.

    Construction (FC, PRD 57 (1998) 3873, Sec. IV.B, Eq. 4.1): for each μ ≥ 0 the values of n
    are ranked by R = P(n|μ+b)/P(n|μ_best+b), μ_best = max(0, n−b), and added to the
    acceptance region in order of decreasing R until Σ P(n|μ+b) ≥ cl (the discreteness of n
    gives the usual over-coverage).  The interval for n_obs is the set of μ whose acceptance
    region contains n_obs.  The end points are found *exactly* (to ~1e-12, no μ grid): the
    ranking of each n relative to n_obs changes at closed-form values of μ, and between them
    the acceptance condition is a root of a smooth unimodal function (see
    :class:`_FCAcceptance`).

    Non-monotonic artefacts.  Because n is discrete, n_obs can leave the acceptance region and
    re-enter it at slightly larger μ; we report the hull [first μ, last μ] (the belt is filled
    in, as ROOT's TFeldmanCousins also does).  Moreover the raw upper end, as a function of b,
    is a saw-tooth: it jumps *up* at some b, so that a larger background would sometimes give
    a weaker limit.  The published tables list the non-increasing envelope
    μ_up(n, b) = sup_{b' ≥ b} μ_up^raw(n, b'); with ``monotone_in_background=True`` (default)
    we do the same — this is what reproduces Table IV (e.g. n=0, b=2: 1.26 instead of the raw
    1.08; n=0, b=3: 1.08 instead of 0.95).  We compute the supremum exactly (right limit at the
    jump), which can lie up to ~0.001 above a b-grid evaluation such as the tables' (n=0, b=2:
    1.2652).  The lower end needs no such treatment (it is already non-increasing in b).
    Both variants cover at least cl (the envelope only widens intervals).

    Returns (μ_lo, μ_up) with 0 ≤ μ_lo < μ_up.

    Example
    -------
    >>> [round(x, 2) for x in feldman_cousins_interval(3, 0.0)]
    [1.1, 7.42]
    >>> [round(x, 2) for x in feldman_cousins_interval(0, 3.0)]
    [0.0, 1.08]
    """
    n = _check_n(n_observed)
    b = _check_b(background)
    c = _check_cl(cl)
    lo, up = _fc_raw(n, b, c)
    if monotone_in_background:
        up = max(up, _fc_upper_monotone(n, b, c))
    return lo, up


def feldman_cousins_upper_limit(n_observed: int, background: float, cl: float = 0.9) -> float:
    """Upper end μ_up of :func:`feldman_cousins_interval` (FC, PRD 57 (1998) 3873).

    >>> round(feldman_cousins_upper_limit(1, 0.0), 2)
    4.36
    """
    return feldman_cousins_interval(n_observed, background, cl)[1]


# --------------------------------------------------------------------------------------------
# classical Poisson and CLs limits
# --------------------------------------------------------------------------------------------
def poisson_upper_limit(n_observed: int, background: float = 0.0, cl: float = 0.9) -> float:
    """Classical (Neyman, one-sided) Poisson upper limit on the signal mean.

    μ_up = λ_up − b with λ_up the smallest λ such that P(N ≤ n | λ) ≤ 1 − cl, i.e.
    Q(n+1, λ_up) = 1 − cl (regularised upper incomplete gamma; equivalently
    λ_up = ½ χ²_{cl}(2n+2); see the PDG review "Statistics", section on Poisson limits).

    For b ≥ λ_up, i.e. P(N ≤ n | b) ≤ 1 − cl, the interval is empty: the observation lies below
    what the background alone allows and μ_up = λ_up − b ≤ 0 would exclude every signal (the
    well-known unphysical result of this method, FC Sec. II). That case is refused with
    :class:`~mucast.exceptions.EmptyIntervalError` (0 was returned up to mucast 0.4, a limit that
    excluded every coupling); fc and cls-exact always give an interval.

    >>> round(poisson_upper_limit(0, 0.0), 4)   # −ln(0.1)
    2.3026
    >>> poisson_upper_limit(0, 5.0)
    Traceback (most recent call last):
    ...
    mucast.exceptions.EmptyIntervalError: the poisson (classical Neyman) 90% CL interval is empty for n = 0, b = 5: P(N <= n | b) = 0.0067 <= 1 - CL = 0.1, the observation is below what the background alone allows, and its upper limit (<= 0) would exclude every signal; use fc or cls-exact
    """
    n = _check_n(n_observed)
    b = _check_b(background)
    c = _check_cl(cl)
    lam_up = float(gammainccinv(n + 1.0, 1.0 - c))
    mu_up = lam_up - b
    if not mu_up > 0.0:
        log_p = _log_cdf(n, b)
        raise EmptyIntervalError(
            f"the poisson (classical Neyman) {100 * c:.6g}% CL interval is empty for n = {n},"
            f" b = {b:g}: P(N <= n | b) = {_fmt_p(log_p)} <= 1 - CL = {1 - c:.3g}, the observation"
            " is below what the background alone allows, and its upper limit (<= 0) would exclude"
            " every signal; use fc or cls-exact",
            method="poisson", n_observed=n, background=b, cl=c, p_background=math.exp(log_p))
    return mu_up


def _log_cdf(n: int, lam: float) -> float:
    """ln P(N ≤ n | λ), stable for deep tails (no underflow for λ ≫ n)."""
    k = np.arange(n + 1, dtype=float)
    return float(logsumexp(_poisson_logpmf(k, lam)))


def _fmt_p(log_p: float) -> str:
    """A probability from its logarithm, also where it underflows a float (e^-1000 = 1e-434)."""
    if log_p > -700.0:
        return f"{math.exp(log_p):.2g}"
    return f"1e{log_p / math.log(10.0):.0f}"


def cls_upper_limit_counting(n_observed: int, background: float, cl: float = 0.9) -> float:
    """Exact CLs upper limit for a single-bin counting experiment with known background.

    With the number of events itself as test statistic,
    CLs(μ) = CL_{s+b}/CL_b = P(N ≤ n | μ+b) / P(N ≤ n | b), and μ_up solves CLs(μ_up) = 1 − cl
    (Read, J. Phys. G 28 (2002) 2693; identical to Helene's / Zech's formula).  For n = 0 the
    background cancels: μ_up = −ln(1 − cl) (2.3026 at 90% CL) for every b.  Always > 0.

    >>> round(cls_upper_limit_counting(0, 7.5), 4)
    2.3026
    """
    n = _check_n(n_observed)
    b = _check_b(background)
    c = _check_cl(cl)
    target = math.log1p(-c)
    log_cdf_b = _log_cdf(n, b)

    def f(mu):
        return _log_cdf(n, mu + b) - log_cdf_b - target

    hi = float(gammainccinv(n + 1.0, 1.0 - c)) + 1.0  # CLs ≥ CL_{s+b}: the root is below
    while f(hi) > 0:  # pragma: no cover - defensive
        hi *= 2.0
    return float(brentq(f, 0.0, hi, xtol=1e-12, rtol=1e-15))


# --------------------------------------------------------------------------------------------
# asymptotic profile-likelihood CLs (pyhf)
# --------------------------------------------------------------------------------------------
def _pyhf_spec(background, background_uncertainty, signal_systematic, mot_uncertainty):
    """One-bin HistFactory spec: signal (1 event at μ = 1) with a free normalisation and normsys
    nuisance parameters; background with a Poisson-constrained (shapesys) uncertainty."""
    sig_mods = [{"name": "mu", "type": "normfactor", "data": None}]
    if signal_systematic > 0:
        sig_mods.append({"name": "signal_syst", "type": "normsys",
                         "data": {"hi": 1 + signal_systematic, "lo": 1 - signal_systematic}})
    if mot_uncertainty > 0:
        sig_mods.append({"name": "mot", "type": "normsys",
                         "data": {"hi": 1 + mot_uncertainty, "lo": 1 - mot_uncertainty}})
    bkg_mods = []
    if background > 0 and background_uncertainty > 0:
        bkg_mods.append({"name": "bkg_unc", "type": "shapesys", "data": [background_uncertainty]})
    return {"channels": [{"name": "signal_region", "samples": [
        {"name": "signal", "data": [1.0], "modifiers": sig_mods},
        {"name": "background", "data": [background], "modifiers": bkg_mods}]}]}


@lru_cache(maxsize=64)
def cls_upper_limit_asymptotic(n_observed: int, background: float, cl: float = 0.9,
                               background_uncertainty: float = 0.0,
                               signal_systematic: float = 0.0,
                               mot_uncertainty: float = 0.0) -> float:
    """Asymptotic profile-likelihood CLs upper limit (q̃_μ; Cowan et al., EPJC 71 (2011) 1554),
    computed with pyhf on the one-bin model of :func:`_pyhf_spec`; N_up solves CLs(μ) = 1 − cl.

    Relative uncertainties ``signal_systematic`` and ``mot_uncertainty`` in [0, 1), absolute
    ``background_uncertainty`` ≥ 0 (events). Needs pyhf (``pip install "mucast[stats]"``).
    Under-covers at low counts (module doc): 1.44 at n = 0, b = 0.07 ± 0.03 with 8% and 1%
    systematics (seed 001's inputs), where cls-exact gives 2.30.
    """
    n = _check_n(n_observed)
    b = _check_b(background)
    c = _check_cl(cl)
    for name, v, hi in (("background_uncertainty", background_uncertainty, MAX_BACKGROUND),
                        ("signal_systematic", signal_systematic, 0.99),
                        ("mot_uncertainty", mot_uncertainty, 0.99)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not (
                math.isfinite(v) and 0 <= v <= hi):
            raise InputError(f"{name} must be a number in [0, {hi:g}], got {v!r}")
    try:
        import pyhf
    except ImportError:  # pragma: no cover - pyhf is in the test extras
        raise InputError("method 'cls-asymptotic' needs pyhf: pip install \"mucast[stats]\"") from None
    # validate=False: the spec is built here; pyhf's schema validation goes through a
    # deprecated jsonschema API that warns (pytest runs with warnings as errors)
    model = pyhf.Model(_pyhf_spec(b, float(background_uncertainty), float(signal_systematic),
                                  float(mot_uncertainty)), poi_name="mu", validate=False)
    data = [float(n)] + list(model.config.auxdata)
    bounds = model.config.suggested_bounds()
    hi = 10.0 * (n + 3.0 * math.sqrt(n + 1.0) + 3.0)
    bounds[model.config.poi_index] = (0.0, 2.0 * hi)

    def f(mu):
        return float(pyhf.infer.hypotest(mu, data, model, par_bounds=bounds,
                                         test_stat="qtilde")) - (1.0 - c)

    with _single_threaded_blas():
        return float(brentq(f, 1e-3, hi, xtol=1e-8, rtol=1e-10))


def _single_threaded_blas():
    """BLAS limited to one thread (threadpoolctl) around pyhf's fits: a multi-threaded BLAS
    sums in another order, so N_up differed in the 13th digit between a laptop process and a
    (single-threaded) Dask worker, and curves were not identical for any number of workers."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - in the stats extra; without it: same to ~1e-13
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


# --------------------------------------------------------------------------------------------
# result object and dispatcher
# --------------------------------------------------------------------------------------------
def resolve_method(method, legacy_cls: str = "cls-exact") -> tuple[str, list[str]]:
    """(canonical method name, warnings) for a name given by a user.

    ``legacy_cls``: what the renamed ``"cls"`` meant where it is used (``"cls-exact"`` for
    upper-limit/bound/scan/plane/trident/table1, ``"cls-asymptotic"`` for the mediator limits).
    Unknown names raise UnknownNameError listing :data:`METHODS`.
    """
    if not isinstance(method, str):
        raise UnknownNameError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    m = method.lower()
    if m in METHODS:
        return m, []
    if m in RENAMED:
        new = RENAMED[m] or legacy_cls
        return new, [f"method name {method!r} is deprecated (ambiguous in mucast <= 0.2); it was "
                     f"read as {new!r}: use that name"]
    raise UnknownNameError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def coverage_warnings(method: str, n_observed: int, background: float) -> list[str]:
    """The warning every result computed with an under-covering method carries (module doc)."""
    if method in UNDER_COVERING and n_observed + background < LOW_COUNT_LIMIT:
        exact = cls_upper_limit_counting(n_observed, background)
        return [f"{method} uses asymptotic formulae, which under-cover at low counts (here n = "
                f"{n_observed}, b = {background:g}; cls-exact gives N_up = {exact:.3g} at 90% CL):"
                " the limit is optimistic; use fc or cls-exact for correct coverage"]
    return []


#: fc and poisson limits below this fraction of the cls-exact one are said to profit from a
#: downward fluctuation (n below b): FC's own table stays above it until the background-only
#: hypothesis is rejected (n = 0: b = 2, 1.27 = 0.55 of 2.30), poisson falls far below it first
#: (n = 0, b = 2.2: 0.10 = 0.045 of 2.30)
FLUCTUATION_RATIO = 0.5


def fluctuation_warnings(method: str, n_observed: int, background: float, cl: float,
                         upper: float) -> list[str]:
    """The warning of a limit computed from an observation far below the background.

    Where P(N ≤ n | b) < 1 − cl the background-only hypothesis is itself rejected at the
    confidence level (the classical Neyman interval is empty there and ``poisson`` refuses): the
    background estimate is in doubt, and fc's limit, which falls with b (FC Sec. VI; 0.89 at
    n = 0, b = 30), excludes signals the experiment cannot see. CLs divides by that probability
    (Read 2002) and is protected; asymptotic CLs is compared with the exact one. fc and poisson
    limits below :data:`FLUCTUATION_RATIO` of the cls-exact limit are said with the ratio."""
    n, b = int(n_observed), float(background)
    if b == 0.0 or n >= b:
        return []
    log_p = _log_cdf(n, b)
    rejected = log_p < math.log1p(-cl)
    exact = cls_upper_limit_counting(n, b, cl) if method != "cls-exact" else upper
    ratio = upper / exact
    weak = method in ("fc", "poisson") and ratio < FLUCTUATION_RATIO
    if not (rejected or weak):
        return []
    head = (f"n = {n} lies below the background expectation b = {b:g}: P(N <= n | b) = "
            f"{_fmt_p(log_p)}")
    if rejected:
        head += (f" < 1 - CL = {1 - cl:.3g}, so the background-only hypothesis is itself"
                 f" rejected at {100 * cl:.6g}% CL (check the background estimate)")
    if method == "cls-exact":
        return [head + "; CLs divides by that probability and stays conservative"]
    if method == "cls-asymptotic":
        return [head + f"; cls-exact gives N_up = {exact:.4g}, this limit differs from it by"
                f" {100 * (ratio - 1):+.2g}%"]
    return [head + f"; the {method} limit N_up = {upper:.4g} is {ratio:.2g} of the cls-exact one"
            f" ({exact:.4g}): it profits from the downward fluctuation and excludes signals the"
            " experiment is barely sensitive to (Read 2002; use cls-exact, or quote the"
            " sensitivity beside it, FC Sec. VI)"]


@dataclass(frozen=True)
class UpperLimit:
    """Result of :func:`upper_limit`: the interval [lower, upper] on the signal mean μ.

    ``warnings``: statements about the result a user must see (under-coverage of the method,
    a deprecated method name); empty when there is nothing to say."""

    upper: float
    lower: float
    method: str
    cl: float
    n_observed: int
    background: float
    background_uncertainty: float = 0.0
    signal_systematic: float = 0.0
    mot_uncertainty: float = 0.0
    warnings: tuple = ()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["warnings"] = list(self.warnings)
        return d


def upper_limit(n_observed: int, background: float = 0.0, method: str = "fc",
                cl: float = 0.9, *, background_uncertainty: float = 0.0,
                signal_systematic: float = 0.0, mot_uncertainty: float = 0.0,
                legacy_cls: str = "cls-exact") -> UpperLimit:
    """Upper limit on a Poisson signal mean with known background, by ``method``
    (:data:`METHODS`, module doc).

    ``"fc"``: Feldman–Cousins (``lower`` is the FC lower end, > 0 for a significant excess);
    ``"poisson"``: classical one-sided Neyman limit; ``"cls-exact"``: exact counting CLs;
    ``"cls-asymptotic"``: pyhf profile-likelihood CLs with the uncertainties given (the only
    method that uses them). For the one-sided methods ``lower`` is 0.

    >>> r = upper_limit(0, 0.0, method="fc")
    >>> (round(r.upper, 2), r.lower, r.method)
    (2.44, 0.0, 'fc')
    """
    method, notes = resolve_method(method, legacy_cls)
    n = _check_n(n_observed)
    b = _check_b(background)
    c = _check_cl(cl)
    if method == "fc":
        lo, up = feldman_cousins_interval(n, b, c)
    elif method == "poisson":
        lo, up = 0.0, poisson_upper_limit(n, b, c)
    elif method == "cls-exact":
        lo, up = 0.0, cls_upper_limit_counting(n, b, c)
    else:
        lo, up = 0.0, cls_upper_limit_asymptotic(n, b, c, float(background_uncertainty),
                                                 float(signal_systematic), float(mot_uncertainty))
    if not (math.isfinite(up) and up > 0.0):  # pragma: no cover - every method above is > 0
        raise EmptyIntervalError(f"the {method} upper limit is {up!r} for n = {n}, b = {b:g}: not"
                                 " a positive number of events, no limit; use fc or cls-exact",
                                 method=method, n_observed=n, background=b, cl=c,
                                 p_background=math.exp(_log_cdf(n, b)))
    notes += coverage_warnings(method, n, b)
    notes += fluctuation_warnings(method, n, b, c, float(up))
    return UpperLimit(upper=float(up), lower=float(lo), method=method, cl=c, n_observed=n,
                      background=b, background_uncertainty=float(background_uncertainty),
                      signal_systematic=float(signal_systematic),
                      mot_uncertainty=float(mot_uncertainty), warnings=tuple(notes))
