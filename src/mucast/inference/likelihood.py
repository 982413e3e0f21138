"""Layer 4: the NA64μ likelihood as a quadratic form in the WET coefficients, for global fits
(issue 13 §4; docs/wet.md), and bounds along the direction of a given coefficient point.

For fixed acceptance (and m_N), the signal yield is a quadratic form in the JMS coefficients
C = (VnueLL_1122, VnueLR_1122, VnueLL_2222, VnueLR_2222, VnueLL_3322, VnueLR_3322) [GeV⁻²]:
per neutrino flavour the two channels are ε^V = −(V_LL + V_LR)/2, ε^A = −(V_LL − V_LR)/2
(mucast.models.eft), incoherent after the neutrino phase space, so

    N(C) = Σ_i [Y_V |V_LL,i + V_LR,i|² + Y_A |V_LL,i − V_LR,i|²]/4 = C† M C,

block diagonal in the flavours, with Y_V, Y_A the yields of unit |ε^V|², |ε^A|² (massless
neutrinos: the same for every flavour). For real coefficients this is Cᵀ M C with the symmetric
M exported here. The lepton-flavour-violating VnueLL/LR_ij22 (i < j) follow as the last entries,
with twice the diagonal block (the final states ν_i ν̄_j and, through the hermitian conjugate,
ν_j ν̄_i). With ``m_N``, the νSMEFT operators (provisional names ne_1122, ln_2211,
lnle_2122) are appended as diagonal entries — their interference with each other and with the
SM-neutrino operators is not computed (seed 000: one operator at a time).

The likelihood: observed n events, expected b ± σ_b (absolute), signal s = N(C):
−2 ln L(C) = 2[s + b − n + n ln(n/(s + b))] (Poisson; the n ln n term is dropped for n = 0),
with a Gaussian constraint on b if σ_b > 0 (the export gives the numbers; docs/wet.md shows it
in plain numpy).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast import experiments as _exp
from mucast.exceptions import InputError, KinematicsError
from mucast.inference.limits import events_limit
from mucast.inference.yields import closing_mass, signal_yield, table_end_reason
from mucast.models.eft import NUSMEFT_ALIASES, WET_LFV, WET_OPERATORS, EFTModel
from mucast.processes import conventions as _conv
from mucast.units import GeV

__all__ = ["QuadraticForm", "quadratic_form", "direction_bound"]

_ALIAS_OF = {v: k for k, v in NUSMEFT_ALIASES.items()}


@dataclass(frozen=True)
class QuadraticForm:
    """N(C) = Cᵀ M C: ``names`` of the coefficients (GeV⁻²), ``matrix`` [events GeV⁴], and what
    a fit needs besides (observed events, background and its absolute uncertainty, N_up)."""

    names: tuple
    matrix: np.ndarray
    dataset: str
    observed: int
    background: float
    background_uncertainty: float
    m_N_GeV: float
    n_up: float
    method: str
    cl: float
    conventions: str
    notes: tuple = ()
    version: str = field(default=__version__)
    #: what a user must see: entries not computed at this m_N, the method's coverage
    warnings: tuple = ()

    def events(self, coefficients: dict) -> float:
        """N for {name: value [GeV⁻²]} (missing names: 0)."""
        unknown = set(coefficients) - set(self.names)
        if unknown:
            raise InputError(f"not in the quadratic form: {', '.join(sorted(unknown))}; names:"
                             f" {', '.join(self.names)}")
        c = np.array([coefficients.get(n, 0.0) for n in self.names], dtype=complex)
        return float(np.real(np.conj(c) @ self.matrix @ c))

    def to_dict(self) -> dict:
        return {"names": list(self.names), "units": {"coefficients": "GeV^-2",
                                                     "matrix": "events GeV^4"},
                "matrix": self.matrix.tolist(), "dataset": self.dataset,
                "observed": self.observed, "background": self.background,
                "background_uncertainty": self.background_uncertainty,
                "mN_GeV": self.m_N_GeV, "n_up": self.n_up, "method": self.method, "cl": self.cl,
                "conventions": self.conventions,
                "likelihood": "-2 ln L = 2 [s + b - n + n ln(n/(s + b))], s = C^T M C"
                              " (Poisson; + ((b - b0)/sigma_b)^2 if the background floats)",
                "notes": list(self.notes), "warnings": list(self.warnings),
                "mucast_version": self.version}


def quadratic_form(dataset="2022", m_N=0.0, conventions=None, method="fc", cl=0.9,
                   nusmeft=True) -> QuadraticForm:
    """The yield's quadratic form for a data set (module doc); ``m_N`` [energy] for the νSMEFT
    entries (appended when ``nusmeft``)."""
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    unit = 1.0 / GeV**2
    # unit ε^V (V_LL = V_LR = −1) and unit ε^A (V_LL = −1, V_LR = +1) in the ν_τ channel
    y_v = signal_yield(EFTModel({"VnueLL_3322": -unit, "VnueLR_3322": -unit}), exp, conv).value
    y_a = signal_yield(EFTModel({"VnueLL_3322": -unit, "VnueLR_3322": unit}), exp, conv).value
    block = 0.25 * np.array([[y_v + y_a, y_v - y_a], [y_v - y_a, y_v + y_a]])
    names = list(WET_OPERATORS)
    n = len(names)
    M = np.zeros((n, n))
    for k in range(3):
        M[2 * k:2 * k + 2, 2 * k:2 * k + 2] = block
    notes = ["block diagonal in the neutrino flavour; the nu_e and nu_mu blocks equal the nu_tau"
             " one (massless neutrinos)"]
    warns = []
    if nusmeft:
        diag, beyond = [], []
        from mucast.inference.limits import edge_warning, threshold_warning
        n_up = events_limit(exp, method, cl).upper
        for op in ("eN_22", "LN_22", "LNLe_2222"):
            try:
                y = signal_yield(EFTModel({op: unit}, m_N=m_N), exp, conv)
            except KinematicsError as exc:    # beyond the acceptance tables at this m_N
                beyond.append((op, exc))
                diag.append(0.0)
            else:
                diag.append(y.value)
                # the warnings `bound` gives at this m_N (0.4 audit: an entry 100% from the
                # table's last bin, and one whose single-operator bound sits below threshold,
                # were exported with warnings [])
                who = f"{_ALIAS_OF[op]} ({op}) entry"
                warns += [f"{who}: {w}" for w in edge_warning(y.edge_fraction, exp)]
                if y.value > 0:
                    c_max = math.sqrt(n_up / y.value) / GeV**2            # [energy^-2]
                    warns += [f"{who}: {w}" for w in threshold_warning(
                        op, c_max ** -0.5, m_N,
                        f"its single-operator bound |C| < {c_max * GeV**2:.4g} GeV^-2 is not"
                        " a physical bound")]
            names.append(_ALIAS_OF[op])
        if len(beyond) == 3:
            # the rule of `bound`: no entry can be computed at this m_N, so nothing is exported
            raise KinematicsError(f"m_N = {m_N / GeV:g} GeV: no nuSMEFT entry can be computed"
                                  f" ({beyond[-1][1]}); give m_N below"
                                  f" {closing_mass('LNLe_2222', exp) / GeV:g} GeV, or 0") from None
        for op, _exc in beyond:
            warns.append(f"{_ALIAS_OF[op]} ({op}) is 0 in the matrix: m_N = {m_N / GeV:g} GeV is"
                         f" beyond {closing_mass(op, exp) / GeV:g} GeV, where {table_end_reason(op, exp)}"
                         " (`bound` refuses it); 0 means not computed, not no sensitivity")
        M = np.pad(M, ((0, 3), (0, 3)))
        M[n:, n:] = np.diag(diag)
        notes.append("nuSMEFT entries (provisional names ne_1122 = eN_22, ln_2211 = LN_22,"
                     " lnle_2122 = LNLe_2222) are diagonal: their interference is not computed;"
                     f" m_N = {m_N / GeV:g} GeV")
    # the lepton-flavour-violating pairs, appended last (the indices of the entries above do
    # not move): each VnueLL/LR_ij22 (i < j) makes nu_i nubar_j and, through its hermitian
    # conjugate (implied in WCxf/JMS), nu_j nubar_i: twice the diagonal block (EFTModel.channels)
    n0 = len(names)
    names += list(WET_LFV)
    M = np.pad(M, ((0, len(WET_LFV)), (0, len(WET_LFV))))
    for k in range(len(WET_LFV) // 2):
        M[n0 + 2 * k:n0 + 2 * k + 2, n0 + 2 * k:n0 + 2 * k + 2] = 2.0 * block
    notes.append("the lepton-flavour-violating entries VnueLL/LR_ij22 (i < j, complex; the ji"
                 " entry is their hermitian conjugate, counted here) are last: twice the diagonal"
                 " block (final states nu_i nubar_j and nu_j nubar_i); N(C) = C^dagger M C")
    lim = events_limit(exp, method, cl)
    return QuadraticForm(tuple(names), M, exp.name, exp.observed, float(exp.background),
                         0.0, m_N / GeV, lim.upper, lim.method, float(cl), conv.name,
                         tuple(notes), warnings=tuple(lim.warnings) + tuple(warns))


def direction_bound(model: EFTModel, dataset="2022", conventions=None, method="fc", cl=0.9):
    """The largest multiple μ of the coefficient point ``model`` that the data allow:
    μ_max = √(N_up/N(model)); returns (μ_max, N(model), N_up, method)."""
    exp = _exp.get(dataset)
    y = signal_yield(model, exp, _conv.get(conventions)).value
    lim = events_limit(exp, method, cl)
    if not y > 0:
        raise InputError(f"zero signal yield for this point in {exp.name}: no bound")
    return math.sqrt(lim.upper / y), y, lim.upper, lim.method
