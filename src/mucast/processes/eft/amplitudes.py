r"""Closed-form WW coefficients ``C_n`` of Appendix A of seed 000 (arXiv:2511.11801), paper vs verified.

Definition (seed 000, Eq. 20 and Eqs. A1, A2, A6)
-------------------------------------------------

    d sigma / dx dk^2 = alpha^2/(48 pi^3) |c/Lambda^2|^2 (1-x)/x sqrt(x^2 - k^2/E^2) * beta
                        * int du~/u~^2 chi^WW(u~) * S(x, u~, k^2),

    S = sum_n C_n u~^(1-n) = C0 u~ + C1 + C2/u~ + C3/u~^2 .

The paper has only n = 1, 2, 3.  The verified result for O_LNLe needs an extra ``C0 u~`` term (the
tensor structure that the SU(2) contraction generates grows linearly with s~ = -u~/(1-x)), so
every function here returns the 4-tuple :class:`Coefficients` ``(C0, C1, C2, C3)``; C0 = 0 for all
other operators.  Unpacking into three names fails loudly on purpose.

Units: GeV; C0 dimensionless, C1 ~ GeV^2, C2 ~ GeV^4, C3 ~ GeV^6 (so S ~ GeV^2).
Normalisation: ``S = 6 pi F / (K beta)`` with ``F = int dPhi_2 sum_{all spins,pols} |M(gamma mu -> mu
chi1 chi2)|^2`` (e = 1, unit operator coefficient) and ``K = 4`` (see :mod:`mucast.processes.eft.traces`
and docs/appendix_a_check.md).  Every "verified" formula below is checked against explicit-spinor
numerics to ~1e-12 in tests/validation/test_appendix_a.py.

Operators
---------
* ``'V'``, ``'A'``: (nubar gamma_mu P_L nu)(mubar gamma^mu [gamma5] mu), per unit eps^V / eps^A of
  Eq. (3); massless nu; beta = 1.  V-A interference vanishes after the pair integration.
* ``'eN_22'`` = O_mumu (Eq. 9), ``'LN_22'`` = O_LN (Eq. 10, only its mubar_L gamma mu_L part acts):
  identical results (V-A interference vanishes); beta = sqrt(1 - 4 m_N^2/k^2).
* ``'LNLe_2222'`` = O_LNLe (Eq. 11): final state mu nu Nbar (+ conjugate); beta = 1 - m_N^2/k^2.

Variants
--------
* ``variant="paper"``: the literal A1-A9 as printed, including the dimensionally inconsistent
  ``2 m_mu^2 x^2`` in C1^A and the literal sqrt(1 - m_N^2/k^2) of A6.
* ``variant="verified"``: this module's first-principles result (see each function's docstring).
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "Coefficients",
    "OPERATORS",
    "coefficients",
    "phase_space_factor",
    "mass_factor_terms",
    "c_sum",
]

OPERATORS = ("V", "A", "eN_22", "LN_22", "LNLe_2222")
N_TYPES = ("dirac", "dirac_R", "majorana")


class Coefficients(NamedTuple):
    """(C0, C1, C2, C3) of  S = C0 u~ + C1 + C2/u~ + C3/u~^2  (GeV^0, ^2, ^4, ^6)."""

    C0: np.ndarray
    C1: np.ndarray
    C2: np.ndarray
    C3: np.ndarray

    def __add__(self, other):
        return Coefficients(*(a + b for a, b in zip(self, other, strict=True)))

    def scale(self, f) -> "Coefficients":
        return Coefficients(*(f * a for a in self))

    def evaluate(self, u_tilde) -> np.ndarray:
        """S(u~) = sum_n C_n u~^(1-n)."""
        u = np.asarray(u_tilde, dtype=float)
        return self.C0 * u + self.C1 + self.C2 / u + self.C3 / u**2


def _z(x):
    return np.zeros_like(np.asarray(x, dtype=float))


def _w(x, k2, m_mu):
    """k^2 (1-x) + m_mu^2 x^2, the recurring combination in C3."""
    return k2 * (1 - x) + m_mu**2 * x * x


# ------------------------------------------------------------------------------------------
# m_N-independent building blocks (functions of x, k^2, m_mu)
# ------------------------------------------------------------------------------------------
def _cV(x, k2, m_mu) -> Coefficients:
    """C^V, Eq. (A1): verified = paper.  Equals k^2 B_ww(x,u~,k^2)/2 (DMG4 vector bracket)."""
    x = np.asarray(x, dtype=float)
    a = k2 + 2 * m_mu**2
    return Coefficients(
        _z(x), k2 * ((x - 2) * x + 2) / (1 - x), 2 * k2 * x * a, 2 * k2 * a * _w(x, k2, m_mu)
    )


def _cA(x, k2, m_mu, literal=False) -> Coefficients:
    """C^A, Eq. (A1).  Verified: C1^A = [k^2((x-2)x+2) + 2 m_mu^2 x^2]/(1-x).

    The paper prints C1^A = k^2 (2 m_mu^2 x^2 + (x-2)x + 2)/(1-x) (``literal=True``), which is not
    homogeneous in mass dimension; the 2 m_mu^2 x^2 term must be divided by k^2 inside the bracket
    (it comes from the longitudinal k^mu k^nu/k^2 part of the pair tensor, which couples to the
    non-conserved axial current, k.A = 2 m_mu x pseudoscalar amplitude).  C2^A, C3^A are correct.
    """
    x = np.asarray(x, dtype=float)
    b = k2 - 4 * m_mu**2
    if literal:
        c1 = k2 * (2 * m_mu**2 * x * x + (x - 2) * x + 2) / (1 - x)
    else:
        c1 = (k2 * ((x - 2) * x + 2) + 2 * m_mu**2 * x * x) / (1 - x)
    return Coefficients(_z(x), c1, 2 * k2 * x * b, 2 * k2 * b * _w(x, k2, m_mu))


def _cP(x, k2, m_mu) -> Coefficients:
    """Pseudoscalar bracket P = x^2/(1-x) + 2k^2(u~ x + k^2(1-x) + m_mu^2 x^2)/u~^2 (dimensionless).

    P = (1/4) sum |ubar(p') [gamma5 S eps + eps S gamma5] u(p)|^2 (Liu & Miller's pseudoscalar
    result).  The longitudinal axial piece is sum |k.A_A|^2/k^2 = 4 m_mu^2 K P / k^2.
    """
    x = np.asarray(x, dtype=float)
    return Coefficients(_z(x), x * x / (1 - x), 2 * k2 * x, 2 * k2 * _w(x, k2, m_mu))


def _cS_chiral(x, k2, m_mu) -> Coefficients:
    """(S + P)/2 bracket for a chiral scalar muon vertex P_R:  x^2/(1-x) + 2(k^2-2m_mu^2)(...)/u~^2."""
    x = np.asarray(x, dtype=float)
    c = k2 - 2 * m_mu**2
    return Coefficients(_z(x), x * x / (1 - x), 2 * x * c, 2 * c * _w(x, k2, m_mu))


def _cT(x, k2, m_mu) -> Coefficients:
    """Tensor bracket Tt (from (mubar sigma P_R mu)(nubar sigma P_R N), pair-integrated):

        Tt = -4 x u~/(1-x) + k^2 x^2/(1-x) + 2k^2(k^2+2m_mu^2)(u~ x + k^2(1-x) + m_mu^2 x^2)/u~^2 .

    Only the k^mu k^nu part of int dPhi_2 k1^mu k2^nu survives (gamma^mu sigma^{ab} gamma_mu = 0), so
    the m_N dependence factorises as b(r) = r/2 - r^2/3, r = 1 - m_N^2/k^2.  Determined from the
    explicit-spinor numerics (exact rational coefficients) and checked in the tests.
    """
    x = np.asarray(x, dtype=float)
    a = k2 + 2 * m_mu**2
    return Coefficients(
        -4 * x / (1 - x), k2 * x * x / (1 - x), 2 * k2 * x * a, 2 * k2 * a * _w(x, k2, m_mu)
    )


# ------------------------------------------------------------------------------------------
# m_N factorisation:  C_n = sum_j f_j(k2, m_N) * C_nj(x, k2, m_mu)
# ------------------------------------------------------------------------------------------
def _q(k2, m_N):
    return np.asarray(m_N, dtype=float) ** 2 / np.asarray(k2, dtype=float)


def _one(k2, m_N):
    return np.ones_like(np.asarray(k2, dtype=float) * np.asarray(m_N, dtype=float))


def _r(k2, m_N):
    return 1 - _q(k2, m_N)


def _rq(k2, m_N):
    return _r(k2, m_N) * _q(k2, m_N)


def mass_factor_terms(
    operator: str, variant: str = "verified", n_type: str = "dirac", conjugate: bool = True
) -> list[tuple[Callable, Callable]]:
    """Decomposition C_n = sum_j f_j(k2, m_N) * C_nj(x, k2, m_mu), C_nj independent of m_N.

    Returns a list of ``(f_j, g_j)`` with ``f_j(k2, m_N) -> array`` and
    ``g_j(x, k2, m_mu) -> Coefficients``.  Arguments as in :func:`coefficients`.

    Verified forms (q = m_N^2/k^2, r = 1 - q; C^V, C^A verified; P, (S+P)/2, Tt see helpers):

    * V, A: C^V, C^A.
    * eN_22 / LN_22:
        - 'dirac'   (full vector current Nbar gamma N, the paper's assumption):
              C = (1/2)(1 + 2q)(C^V + C^A)                        [= paper A3-A5]
        - 'dirac_R' (Dirac N, only N_R = P_R N in the current, as in nuSMEFT):
              C = (1/4)(1 - q)(C^V + C^A) + q (3/2) m_mu^2 P
        - 'majorana' (Majorana N, current Nbar_R gamma N_R = (1/2) Nbar gamma gamma5 N, 1/2 for
          identical particles included):
              C = (1/4)(1 - 4q)(C^V + C^A) + q 3 m_mu^2 P
        (A literal Nbar gamma N with Majorana N vanishes identically.)
    * LNLe_2222, per final state mu- nu Nbar:
              C = r [ (27/32) k^2 (S+P)/2 + (1/32)(1 + 2q) Tt ]
      from the amplitude (3/2) S-structure + (1/8) T-structure; times 2 if ``conjugate`` (the
      hermitian-conjugate operator gives mu- nubar N at the same rate).
    Paper forms: A1 (with the literal C1^A), A3-A5 = (1/2)(1+2q)(C^V + C^A), A7-A9 = (3/8) r k^2 ...
    """
    paper = _check_variant(variant)
    if paper:
        return _paper_terms(operator)
    if operator == "V":
        return [(_one, _cV)]
    if operator == "A":
        return [(_one, _cA)]
    if operator in ("eN_22", "LN_22"):
        def vpa(x, k2, m):
            return _cV(x, k2, m) + _cA(x, k2, m)

        if n_type == "dirac":
            return [(_one, lambda x, k2, m: vpa(x, k2, m).scale(0.5)), (_q, vpa)]
        if n_type == "dirac_R":
            return [
                (_one, lambda x, k2, m: vpa(x, k2, m).scale(0.25)),
                (_q, lambda x, k2, m: vpa(x, k2, m).scale(-0.25) + _cP(x, k2, m).scale(1.5 * m**2)),
            ]
        if n_type == "majorana":
            return [
                (_one, lambda x, k2, m: vpa(x, k2, m).scale(0.25)),
                (_q, lambda x, k2, m: vpa(x, k2, m).scale(-1.0) + _cP(x, k2, m).scale(3.0 * m**2)),
            ]
        raise ValueError(f"n_type must be one of {N_TYPES}")
    if operator == "LNLe_2222":
        nfs = 2.0 if conjugate else 1.0
        return [
            (
                _r,
                lambda x, k2, m: (
                    _cS_chiral(x, k2, m).scale(27.0 / 32.0 * k2) + _cT(x, k2, m).scale(1.0 / 32.0)
                ).scale(nfs),
            ),
            (_rq, lambda x, k2, m: _cT(x, k2, m).scale(nfs / 16.0)),
        ]
    raise ValueError(f"unknown operator {operator!r}; use one of {OPERATORS}")


def _paper_terms(operator: str) -> list[tuple[Callable, Callable]]:
    """Seed 000 Appendix A typed in literally (A1; A3-A5; A7-A9), split as f_j * C_nj."""
    if operator == "V":  # A1, left column
        return [(_one, _cV)]
    if operator == "A":  # A1, right column, C1^A exactly as printed
        return [(_one, lambda x, k2, m: _cA(x, k2, m, literal=True))]
    if operator in ("eN_22", "LN_22"):

        def g(x, k2, m):  # A3-A5 without the common factor (1 + 2 m_N^2/k^2)
            x = np.asarray(x, dtype=float)
            return Coefficients(
                _z(x),
                k2 * (((x - 2) * x + 2) / (1 - x) + m**2 * x * x / (k2 * (1 - x))),
                k2 * 2 * x * (k2 - m**2),
                k2 * 2 * (k2 - m**2) * (k2 * (1 - x) + m**2 * x * x),
            )

        return [(_one, g), (_q, lambda x, k2, m: g(x, k2, m).scale(2.0))]
    if operator == "LNLe_2222":

        def h(x, k2, m):  # A7-A9 without the common factor (1 - m_N^2/k^2)
            x = np.asarray(x, dtype=float)
            return Coefficients(
                _z(x),
                0.75 * k2 * x * x / (2 * (1 - x)),
                0.75 * k2 * x * (k2 - 2 * m**2),
                0.75 * k2 * (k2 - 2 * m**2) * (k2 * (1 - x) + m**2 * x * x),
            )

        return [(_r, h)]
    raise ValueError(f"unknown operator {operator!r}; use one of {OPERATORS}")


def _check_variant(variant: str) -> bool:
    if variant not in ("paper", "verified"):
        raise ValueError("variant must be 'paper' or 'verified'")
    return variant == "paper"


def coefficients(
    operator: str,
    x,
    k2,
    m_mu: float,
    m_N=0.0,
    variant: str = "verified",
    n_type: str = "dirac",
    conjugate: bool = True,
) -> Coefficients:
    """(C0, C1, C2, C3) for ``operator`` at (x, k^2 [GeV^2], m_mu, m_N [GeV]); numpy-vectorised.

    ``variant='paper'`` reproduces seed 000 Eqs. A1, A3-A5, A7-A9 literally (n_type/conjugate are
    ignored; the paper assumes a Dirac N with full vector current and counts one final state for
    O_LNLe).  ``variant='verified'``: see :func:`mass_factor_terms`.
    ``n_type`` ('dirac', 'dirac_R', 'majorana') only affects eN_22 / LN_22.
    ``conjugate`` (LNLe only): count both mu nu Nbar and mu nubar N (O + h.c.).
    Multiply by :func:`phase_space_factor` and insert in Eq. (20).
    """
    out: Coefficients | None = None
    for f, g in mass_factor_terms(operator, variant, n_type, conjugate):
        term = g(np.asarray(x, dtype=float), np.asarray(k2, dtype=float), m_mu).scale(f(k2, m_N))
        out = term if out is None else out + term
    if out is None:
        raise ValueError(f"no amplitude terms for operator {operator!r}")
    return out


def phase_space_factor(operator: str, k2, m_N=0.0, variant: str = "verified"):
    """beta(k, m1, m2) multiplying the C_n in Eq. (20) (dimensionless, 0 below threshold).

    * V, A: 1 (massless neutrinos).
    * eN_22, LN_22: sqrt(1 - 4 m_N^2/k^2) (A2; Eq. 21 with m1 = m2 = m_N) -- paper correct.
    * LNLe_2222: verified 1 - m_N^2/k^2 (Eq. 21 with (m_N, 0): 2|p*|/sqrt(k^2)); the paper's A6
      prints sqrt(1 - m_N^2/k^2) (``variant='paper'``), which contradicts its own Eq. (21).
    """
    paper = _check_variant(variant)
    k2 = np.asarray(k2, dtype=float)
    q = np.asarray(m_N, dtype=float) ** 2 / k2
    if operator in ("V", "A"):
        return np.ones_like(k2 * q)
    if operator in ("eN_22", "LN_22"):
        return np.sqrt(np.clip(1 - 4 * q, 0.0, None))
    if operator == "LNLe_2222":
        r = np.clip(1 - q, 0.0, None)
        return np.sqrt(r) if paper else r
    raise ValueError(f"unknown operator {operator!r}")


def c_sum(
    operator: str,
    x,
    u_tilde,
    k2,
    m_mu: float,
    m_N=0.0,
    variant: str = "verified",
    n_type: str = "dirac",
    conjugate: bool = True,
):
    """S = sum_n C_n u~^(1-n)  [GeV^2] (without the beta factor)."""
    return coefficients(operator, x, k2, m_mu, m_N, variant, n_type, conjugate).evaluate(u_tilde)
