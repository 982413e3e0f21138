"""Layer 4: fast scans (bounds against m_N) that reuse one tabulation per operator.

For the νSMEFT operators the m_N dependence of Eq. (20) of seed 000 sits only in the phase-space
factor β, in known mass factors f_j(k², m_N) multiplying m_N-independent coefficient sets, and in
the threshold. The m_N-independent k spectra G_j(k) (mucast.processes.eft.production.k_spectrum_terms) are
tabulated once on Chebyshev nodes in ln k (interpolating G_j/k², a smooth function), so that each
point of a scan is a one-dimensional integral. The interpolation is checked against the direct
computation in tests/test_scans.py (agreement better than 1e-6).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from mucast import __version__
from mucast._validate import real_array
from mucast.processes import conventions as _conv
from mucast import experiments as _exp
from mucast.exceptions import InputError, KinematicsError
from mucast.processes.eft import production as eft
from mucast.processes.eft import amplitudes as _coef
from mucast.integrate import mapped_rule
from mucast.inference.yields import closing_mass, table_end_reason
from mucast.units import GeV, natural_to_area


class KSpectrumTable:
    """Chebyshev interpolant of ln|G_j(k)| in ln k on [k_lo, k_hi] for one structure.

    Each G_j must keep one sign over the table (checked at the nodes; otherwise
    :class:`ValueError` and the caller falls back to the direct computation). Below k_lo,
    G_j ∝ k² (all C_n ∝ k² as k → 0) is used.
    """

    def __init__(self, structure, energy, target, conventions, k_hi, k_lo=None, degree=64,
                 orders=None):
        self.structure = structure
        self.k_hi = float(k_hi)
        self.k_lo = float(k_lo if k_lo is not None else 1e-6 * k_hi)
        conv = _conv.get(conventions)
        dom = [math.log(self.k_lo), math.log(self.k_hi)]

        # one evaluation on the Chebyshev nodes of the first kind, then per-term fits
        nodes = np.polynomial.chebyshev.chebpts1(degree + 1)
        ell = 0.5 * (dom[0] + dom[1]) + 0.5 * (dom[1] - dom[0]) * nodes
        vals = eft.k_spectrum_terms(structure, np.exp(ell), energy, target, conv, orders)
        self.signs = []
        self.series = []
        for v in vals:
            sgn = np.sign(v[np.argmax(np.abs(v))])
            if not np.all(sgn * v > 0):
                raise ValueError(f"G_j of {structure} changes sign: no log interpolation")
            self.signs.append(sgn)
            self.series.append(np.polynomial.Chebyshev.fit(ell, np.log(sgn * v), degree, domain=dom))
        self.terms = _coef.mass_factor_terms(structure, conv.amplitudes)

    def __call__(self, k):
        k = np.asarray(k, dtype=float)
        ell = np.log(np.clip(k, self.k_lo, self.k_hi))
        below_factor = np.where(k < self.k_lo, (k / self.k_lo) ** 2, 1.0)
        return np.array([sg * np.exp(s(ell)) * below_factor for sg, s in zip(self.signs, self.series, strict=True)])


@lru_cache(maxsize=32)
def _table(structure, energy, target, conv, k_hi):
    return KSpectrumTable(structure, energy, target, conv, k_hi)


@dataclass(frozen=True)
class MassScan:
    """Bounds against m_N. ``masses`` [energy], ``bounds`` [1/energy²], ``yields`` at C = 1/GeV².

    ``closing_mass``: the m_N where the acceptance table ends for this operator (k_max/2 for
    pairs, k_max for LNLe; k_max = 3 GeV is the end of seed 000's simulated range, not a
    kinematic limit). ``last_bin_fraction``: per mass, the fraction of the yield from the last
    table bin; ``edge_dominated`` marks the masses where it exceeds one half — there the bound
    says more about where the table ends than about physics (plots draw them dotted).
    """

    operator: str
    dataset: str
    masses: np.ndarray
    bounds: np.ndarray
    yields: np.ndarray
    closing_mass: float
    n_up: float
    conventions: str
    version: str = field(default=__version__)
    last_bin_fraction: np.ndarray | None = None
    method: str = "fc"
    warnings: tuple = ()

    @property
    def below_threshold(self) -> np.ndarray:
        """Masses where Λ = |C|^(-1/2) is below the invisible final state's mass: not a
        physical bound (:func:`mucast.inference.limits.threshold_warning`, the rule of `bound`)."""
        from mucast.inference.limits import pair_threshold
        return self.bounds ** -0.5 < pair_threshold(self.operator, self.masses)

    @property
    def edge_dominated(self) -> np.ndarray:
        from mucast.inference.yields import EDGE_DOMINATED
        if self.last_bin_fraction is None:
            return np.zeros(self.masses.shape, bool)
        return self.last_bin_fraction > EDGE_DOMINATED

    def to_dict(self):
        return {"operator": self.operator, "dataset": self.dataset,
                "mN_GeV": (self.masses / GeV).tolist(),
                "bound_GeV-2": (self.bounds * GeV**2).tolist(),
                "Lambda_GeV": (self.bounds ** -0.5 / GeV).tolist(),
                "last_bin_fraction": (np.zeros(self.masses.shape) if self.last_bin_fraction is None
                                      else self.last_bin_fraction).tolist(),
                "edge_dominated": self.edge_dominated.tolist(),
                "below_threshold": self.below_threshold.tolist(),
                "closing_mass_GeV": self.closing_mass / GeV, "n_up": self.n_up,
                "method": self.method, "conventions": self.conventions,
                "warnings": list(self.warnings), "mucast_version": self.version}


def eft_mass_scan(operator, dataset, masses, conventions=None, method="fc", cl=0.9,
                  n_k: int = 48) -> MassScan:
    """Bounds on a νSMEFT operator for each m_N in ``masses`` (energies, ascending or not).

    Masses at or beyond where the acceptance table ends for the operator are rejected with
    KinematicsError (never a silent zero); use :func:`closing_mass` to choose the range. Masses
    whose yield comes mostly from the last table bin are marked (``MassScan.edge_dominated``).
    """
    from mucast.inference.limits import events_limit
    from mucast.inference.yields import edge_window

    if operator not in eft.NUSMEFT_OPERATORS:
        raise InputError(f"mass scans apply to νSMEFT operators {eft.NUSMEFT_OPERATORS}, not {operator!r}")
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    masses = np.atleast_1d(real_array(masses, "masses", unit_text=" [energy]"))
    if np.any(~np.isfinite(masses)) or np.any(masses < 0):
        raise InputError("m_N values must be finite and >= 0")
    if masses.size == 0:  # issue 6: an empty scan was returned silently
        raise InputError("give at least one m_N value")
    acc = exp.acceptance
    k_hi = min(acc.x_max, exp.beam_energy - eft.M_MU)
    m_close = closing_mass(operator, exp)
    if np.any(masses >= m_close):
        raise KinematicsError(
            f"m_N must be below {m_close / GeV:g} GeV for {operator} in data set {exp.name!r}:"
            f" {table_end_reason(operator, exp)}; got up to {masses.max() / GeV:g} GeV")
    lum = exp.luminosity_factor(conv.nucleus_mass)
    lim = events_limit(exp, method, cl)
    n_up = lim.upper
    edge = edge_window(acc)
    yields = np.empty_like(masses)
    fracs = np.empty_like(masses)
    try:
        tab = _table(operator, exp.beam_energy, exp.target, conv, k_hi)
    except ValueError:  # a coefficient term changes sign: compute each point directly
        from mucast.inference.yields import signal_yield
        for i, m in enumerate(masses):
            y = signal_yield(eft.EFTModel({operator: 1.0 / GeV**2}, m_N=m), exp, conv)
            yields[i], fracs[i] = y.value, y.edge_fraction
        bounds = np.sqrt(n_up / yields) / GeV**2
        return MassScan(operator, exp.name, masses, bounds, yields, m_close, n_up, conv.name,
                        last_bin_fraction=fracs, method=lim.method,
                        warnings=_scan_warnings(lim, fracs, masses, exp, operator, bounds))
    pref = conv.alpha**2 / (48.0 * math.pi**3) / GeV**4     # |C|² = 1 GeV^-4
    def integral(kk, wk, m):
        G = tab(kk)
        beta = eft.beta_factor(operator, kk, m, conv)
        acc_sum = np.zeros_like(kk)
        for (ffun, _), g in zip(tab.terms, G, strict=True):
            acc_sum += eft.mass_factor(ffun, kk, m) * g
        return np.sum(wk * 2.0 * kk * acc(kk) * beta * acc_sum) * pref

    for i, m in enumerate(masses):
        thr = (2.0 * m) if operator in ("eN_22", "LN_22") else m
        kk, wk = eft._k_panels(thr, k_hi, tuple(acc.nodes), n_k)
        val = integral(kk, wk, m)
        yields[i] = lum * natural_to_area(val)
        # the part from the last table bin, integrated on its own (the panels above are not
        # changed by asking for it)
        if thr >= edge:
            fracs[i] = 1.0
        else:
            kk, wk = mapped_rule(edge, k_hi, n_k // 2)
            fracs[i] = integral(kk, wk, m) / val
    bounds = np.sqrt(n_up / yields) / GeV**2
    return MassScan(operator, exp.name, masses, bounds, yields, m_close, n_up, conv.name,
                    last_bin_fraction=fracs, method=lim.method,
                    warnings=_scan_warnings(lim, fracs, masses, exp, operator, bounds))


def _scan_warnings(lim, fracs, masses, exp, operator=None, bounds=None) -> tuple:
    from mucast.inference.limits import edge_warning, pair_threshold
    from mucast.inference.yields import EDGE_DOMINATED
    notes = list(lim.warnings)
    dom = fracs > EDGE_DOMINATED
    if np.any(dom):
        first = float(np.min(masses[dom]))
        notes.append(f"edge_dominated marks m_N >= {first / GeV:.4g} GeV: " +
                     edge_warning(float(np.max(fracs)), exp)[0].split(": ", 1)[1])
    if operator is not None and bounds is not None:
        masses = np.asarray(masses, float)
        low = np.asarray(bounds, float) ** -0.5 < pair_threshold(operator, masses)
        if np.any(low):
            notes.append(f"below_threshold marks m_N >= {float(np.min(masses[low])) / GeV:.7g}"
                         " GeV: there Lambda is below the mass of the invisible final state, so"
                         " a contact operator cannot describe its production; not a physical"
                         " bound (the rule of `bound`)")
    return tuple(notes)
