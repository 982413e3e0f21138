"""Layer 1: the four-fermion operators of seed 000 as a model: names, coefficients, channels.

Operators (names as in WCxf; coefficients are C/Λ² or c/v², an inverse energy squared):

========== ====================================== ======================= ===============
name       operator                                final state χ1 χ2       seed 000
========== ====================================== ======================= ===============
ll_2222    (L̄_μ γ L_μ)(L̄_μ γ L_μ)                 ν_μ ν̄_μ                 [c_LL]_μμμμ
ll_2233    (L̄_μ γ L_μ)(L̄_τ γ L_τ)                 ν_τ ν̄_τ                 [c_LL]_μμττ
le_2222    (L̄_μ γ L_μ)(μ̄_R γ μ_R)                 ν_μ ν̄_μ                 [c_Lℓ]_μμμμ
le_3322    (L̄_τ γ L_τ)(μ̄_R γ μ_R)                 ν_τ ν̄_τ                 [c_Lℓ]_ττμμ
eN_22      (μ̄_R γ μ_R)(N̄ γ N)                     N N̄                     O_μμ, Eq. (9)
LN_22      (L̄_μ γ L_μ)(N̄ γ N)                     N N̄                     O_LN^μ, Eq. (10)
LNLe_2222  (L̄_μ N) ε (L̄_μ μ_R)                    N ν̄ (+ c.c.)            O_LNLℓ^μμ, Eq. (11)
========== ====================================== ======================= ===============

The SMEFT operators act through the WEFT couplings ε^{μ,V}_{αα}, ε^{μ,A}_{αα} of Eq. (3), mapped
by Eq. (8) (:meth:`EFTModel.channels`); the cross sections are in :mod:`mucast.processes.eft.production`.

Also accepted (issue 13; docs/wet.md):

* the WET operators of the JMS basis (WCxf ``eft: WET``, ``basis: JMS``) that make μN → μN ν_iν̄_i:
  ``VnueLL_ii22`` = (ν̄_i γ^α P_L ν_i)(μ̄ γ_α P_L μ) and ``VnueLR_ii22`` = (ν̄_i γ^α P_L ν_i)
  (μ̄ γ_α P_R μ), i = 1, 2, 3 (the ν_e channel included);
* the SMEFT operators of the ν_e channel, ``ll_1122``, ``le_1122``;
* provisional νSMEFT names (no νSMEFT basis is released in WCxf): ``ne_1122`` = eN_22,
  ``ln_2211`` = LN_22, ``lnle_2122`` = LNLe_2222 (one N; stored under mucast's names).

Per neutrino flavour the tree-level WET coefficients are V_LL = f_α C_ll + C_VnueLL and
V_LR = C_le + C_VnueLR (f_μ = 2 for ll_2222 in the WCxf normalisation, the factor wilson's
matching also gives; 1 otherwise): SMEFT and WET names of one flavour add.
"""

from __future__ import annotations

import cmath
import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

from mucast.exceptions import InputError, UnknownNameError
from mucast.processes import conventions as _conv
from mucast.units import GeV

#: nature of N for eN_22/LN_22: "dirac" (vector current N̄γN, seed 000), "dirac_R" (only N_R in
#: the current, as in νSMEFT with a Dirac N), "majorana" (see eft_coefficients)
N_TYPES = ("dirac", "dirac_R", "majorana")

SMEFT_OPERATORS = ("ll_2222", "ll_2233", "le_2222", "le_3322")
NUSMEFT_OPERATORS = ("eN_22", "LN_22", "LNLe_2222")
#: the operators of the seeds (Table I, Figs. 5-6, the reports)
OPERATORS = SMEFT_OPERATORS + NUSMEFT_OPERATORS
#: the ν_e channel in SMEFT (tree level)
SMEFT_NU_E = ("ll_1122", "le_1122")
#: WET, JMS basis (WCxf): the flavour-diagonal ν_iν̄_i μ̄μ vector operators, i = e, μ, τ
WET_OPERATORS = tuple(f"Vnue{c}_{i}{i}22" for i in (1, 2, 3) for c in ("LL", "LR"))
#: the lepton-flavour-violating neutrino pairs (i < j): key -> JMS indices
LFV_PAIRS = {"e-mu": "12", "e-tau": "13", "mu-tau": "23"}
#: WET, JMS basis: (ν̄_i γ P_L ν_j)(μ̄ γ P_{L,R} μ), i < j — the independent WCxf entries (complex;
#: the entry ji is the hermitian conjugate, implied: WCxf and JMS add h.c. for a non-hermitian
#: operator, and the basis lists VnueLL_2322, not VnueLL_3222)
WET_LFV = tuple(f"Vnue{c}_{ij}22" for ij in LFV_PAIRS.values() for c in ("LL", "LR"))
#: the SMEFT (Warsaw, WCxf) operators whose tree-level match gives WET_LFV, with coefficient 1
#: (wilson 2.5.2: ll_1222 -> VnueLL_1222, ll_1322 -> VnueLL_1322, ll_2223 -> VnueLL_2322 — ll_2322
#: is redundant with ll_2223 and not in the basis —, le_ij22 -> VnueLR_ij22)
SMEFT_LFV = {"ll_1222": "VnueLL_1222", "ll_1322": "VnueLL_1322", "ll_2223": "VnueLL_2322",
             "le_1222": "VnueLR_1222", "le_1322": "VnueLR_1322", "le_2322": "VnueLR_2322"}
#: provisional WCxf-style νSMEFT names → mucast's (docs/wet.md: no νSMEFT basis is released)
NUSMEFT_ALIASES = {"ne_1122": "eN_22", "ln_2211": "LN_22", "lnle_2122": "LNLe_2222"}
#: every coefficient name an EFTModel accepts
ALL_OPERATORS = OPERATORS + SMEFT_NU_E + WET_OPERATORS + WET_LFV + tuple(SMEFT_LFV)

#: human-readable names used in tables and plots
LATEX = {
    "ll_2222": r"$[c_{LL}]_{\mu\mu\mu\mu}/v^2$",
    "ll_2233": r"$[c_{LL}]_{\mu\mu\tau\tau}/v^2$",
    "le_2222": r"$[c_{L\ell}]_{\mu\mu\mu\mu}/v^2$",
    "le_3322": r"$[c_{L\ell}]_{\tau\tau\mu\mu}/v^2$",
    "eN_22": r"$C_{\mu\mu}/\Lambda^2$",
    "LN_22": r"$C_{LN}^{\mu}/\Lambda^2$",
    "LNLe_2222": r"$C_{LNL\ell}^{\mu\mu}/\Lambda^2$",
}

# SMEFT flavour content: operator -> (neutrino flavour alpha, which Warsaw class)
_SMEFT_MAP = {"ll_2222": ("mu", "ll"), "ll_2233": ("tau", "ll"),
              "le_2222": ("mu", "le"), "le_3322": ("tau", "le")}


def check_operator(name: str) -> str:
    """The canonical name of an operator (WCxf name; a provisional νSMEFT alias is mapped to
    mucast's name), else UnknownNameError."""
    name = NUSMEFT_ALIASES.get(name, name)
    if name not in ALL_OPERATORS:
        raise UnknownNameError(f"unknown operator {name!r}; known: {', '.join(OPERATORS)}, the"
                               f" ν_e channel {', '.join(SMEFT_NU_E)}, WET (JMS)"
                               f" {', '.join(WET_OPERATORS)}, lepton-flavour-violating"
                               f" {', '.join(WET_LFV)} (SMEFT {', '.join(SMEFT_LFV)}), aliases"
                               f" {', '.join(NUSMEFT_ALIASES)}")
    return name


@dataclass(frozen=True)
class Channel:
    """One incoherent contribution: a Lorentz structure, its |coupling|² weight [1/energy⁴] and
    the masses of the two invisible fermions."""

    structure: str
    weight: float
    m1: float
    m2: float

    @property
    def threshold(self) -> float:
        return self.m1 + self.m2


@dataclass(frozen=True)
class EFTModel:
    """A set of operator coefficients (inverse energy², hepunits) and the HNL mass.

    Example
    -------
    >>> from mucast.units import GeV
    >>> m = EFTModel({"ll_2233": 1e-2 / GeV**2})
    >>> [c.structure for c in m.channels()]
    ['V', 'A']
    """

    coefficients: dict
    m_N: float = 0.0
    n_type: str = "dirac"

    def __post_init__(self):
        if not isinstance(self.coefficients, Mapping):  # issue 6: a list gave AttributeError
            raise InputError(f"coefficients must be a mapping {{operator: value}}, got {self.coefficients!r}")
        if not self.coefficients:
            raise InputError("EFTModel needs at least one coefficient")
        canon = {}
        for k, v in self.coefficients.items():
            c = check_operator(k)
            if c in canon:
                raise InputError(f"operator {c} given twice (as {k} and under another name)")
            canon[c] = v
        object.__setattr__(self, "coefficients", canon)
        for k, v in self.coefficients.items():
            if isinstance(v, bool) or not isinstance(v, numbers.Number) or not cmath.isfinite(v):
                raise InputError(f"coefficient {k} must be a finite number (GeV^-2 in hepunits), got {v!r}")
            if not math.isfinite(abs(v) * abs(v) * 4.0):  # issue 6: |C|² overflowed (OverflowError)
                # in GeV^-2, as the user typed it (0.4 audit: 1e300 was printed as 1e+294, hepunits)
                raise InputError(f"coefficient {k} = {abs(v) * GeV**2:g} GeV^-2 (modulus) is too large:"
                                 " |C|² overflows a double")
        if isinstance(self.m_N, bool) or not isinstance(self.m_N, numbers.Real):  # issue 6: TypeError
            raise InputError(f"m_N must be a number (an energy), got {self.m_N!r}")
        if not (math.isfinite(self.m_N) and self.m_N >= 0):
            raise InputError(f"m_N must be >= 0, got {self.m_N / GeV} GeV")
        nu = [k for k in self.coefficients if k in NUSMEFT_OPERATORS and self.coefficients[k] != 0]
        if self.m_N > 0 and not nu:
            # one rule for every entry point (bound, xsec, yield, generate, API): a mass for a
            # particle the model does not have is an error, never silently ignored
            raise InputError(
                f"m_N (--m-N) applies to the νSMEFT operators {', '.join(NUSMEFT_OPERATORS)} only;"
                f" {', '.join(self.coefficients)} produce(s) no N, so m_N must be 0, got"
                f" {self.m_N / GeV:g} GeV")
        if len(nu) > 1:
            raise InputError(
                "νSMEFT operators are treated one at a time (their interference is not computed,"
                f" as in seed 000); got {', '.join(nu)}")
        if self.n_type not in N_TYPES:
            raise InputError(f"n_type must be one of {N_TYPES}, got {self.n_type!r}")
        if self.n_type != "dirac" and not any(self.coefficients.get(k) for k in ("eN_22", "LN_22")):
            # as m_N: a property of a particle the model does not make is refused, not echoed
            # (0.4 audit: bound ll_2222 --n-type majorana printed n_type without effect)
            raise InputError(f"n_type (--n-type) applies to eN_22 and LN_22 (an N N-bar pair) only;"
                             f" {', '.join(self.coefficients)} make(s) none, got {self.n_type!r}")

    @classmethod
    def single(cls, operator: str, value: float = 1.0 / GeV**2, m_N: float = 0.0) -> "EFTModel":
        check_operator(operator)
        return cls({operator: value}, m_N=m_N)

    def channels(self, conventions=None) -> list[Channel]:
        """Incoherent channels (structure, |coupling|², masses) for this model.

        SMEFT (seed 000, Eq. 8, with the operator normalisation of docs/conventions.md):
            ε^V_αα/v² = −(f_α C_ll + C_le)/2,   ε^A_αα/v² = −(f_α C_ll − C_le)/2,
        f_τ = 1 and f_μ = ``conventions.ll_identical_factor`` (2 in the WCxf normalisation).
        V–A interference vanishes after the neutrino phase-space integration.

        Lepton-flavour-violating pairs (i < j, :data:`LFV_PAIRS`): L ⊃ C_ij O_ij + C_ij* O_ij†
        makes ν_i ν̄_j and, through the h.c., ν_j ν̄_i — two final states that interfere with no
        other, each with the kinematics of a diagonal pair of the same Dirac structure (massless
        neutrinos) — so each pair is a channel of weight 2|ε|² (docs/wet.md; tested against the
        invariance of Σ_ij |C_ij|² under a rotation of the neutrino flavours).
        """
        conv = _conv.get(conventions)
        out: list[Channel] = []
        for alpha in ("e", "mu", "tau") + tuple(LFV_PAIRS):
            vll, vlr = self.wet(alpha, conv)
            if vll == 0.0 and vlr == 0.0:
                continue
            eps_v = -0.5 * (vll + vlr)
            eps_a = -0.5 * (vll - vlr)
            states = 2.0 if alpha in LFV_PAIRS else 1.0    # ν_i ν̄_j and ν_j ν̄_i
            if eps_v:
                out.append(Channel("V", states * abs(eps_v) ** 2, 0.0, 0.0))
            if eps_a:
                out.append(Channel("A", states * abs(eps_a) ** 2, 0.0, 0.0))
        c = self.coefficients
        for name in NUSMEFT_OPERATORS:
            v = c.get(name, 0.0)
            if v:
                m2 = self.m_N if name in ("eN_22", "LN_22") else 0.0
                out.append(Channel(name, abs(v) ** 2, self.m_N, m2))
        return out

    def wet(self, flavour: str, conventions=None):
        """(V_LL, V_LR) [1/energy²] of the flavour ``flavour`` (e, mu, tau, or an LFV pair of
        :data:`LFV_PAIRS`): the JMS coefficients of (ν̄γP_Lν)(μ̄γP_{L,R}μ) at tree level, SMEFT
        and WET names added (module doc)."""
        conv = _conv.get(conventions)
        c = self.coefficients
        if flavour in LFV_PAIRS:
            ij = LFV_PAIRS[flavour]
            smeft = {w: s for s, w in SMEFT_LFV.items()}
            return tuple(c.get(f"Vnue{h}_{ij}22", 0.0) + c.get(smeft[f"Vnue{h}_{ij}22"], 0.0)
                         for h in ("LL", "LR"))
        i = {"e": "1", "mu": "2", "tau": "3"}[flavour]
        ll, le = {"e": ("ll_1122", "le_1122"), "mu": ("ll_2222", "le_2222"),
                  "tau": ("ll_2233", "le_3322")}[flavour]
        f = conv.ll_identical_factor if flavour == "mu" else 1.0
        vll = f * c.get(ll, 0.0) + c.get(f"VnueLL_{i}{i}22", 0.0)
        vlr = c.get(le, 0.0) + c.get(f"VnueLR_{i}{i}22", 0.0)
        return vll, vlr

    def threshold(self) -> float:
        ch = self.channels()
        return min((c.threshold for c in ch), default=0.0)
