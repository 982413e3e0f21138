"""Layer 3: expected signal yields, N_S = N_MOT · (ρ/m_N) · L_eff · ∫∫ κ(k) dσ/dx dk² (seed 000, Eq. 22).

The number density of nuclei is physical (ρ N_A / A) under the default conventions and ρ/m_Pb
with m_Pb = 207 GeV under ``conventions="paper"``. The acceptance κ(k) comes from the
experiment's table (zero outside its range).
"""

from __future__ import annotations

from dataclasses import dataclass, field


from mucast import __version__
from mucast.processes import conventions as _conv
from mucast import experiments as _exp
from mucast.constants import M_MU
from mucast.exceptions import KinematicsError
from mucast.integrate import Orders
from mucast.processes.eft import production as eft
from mucast.units import GeV, natural_to_area, picobarn


@dataclass(frozen=True)
class YieldResult:
    """Expected number of signal events with its numerical-integration error.

    ``value``/``error``: events. ``sigma_acc``: acceptance-weighted cross section ∫κ dσ
    (area, hepunits). ``luminosity``: N_MOT n_T L (1/area, hepunits).
    """

    value: float
    error: float
    sigma_acc: float
    luminosity: float
    experiment: str
    coefficients: dict
    m_N: float
    conventions: str
    version: str = field(default=__version__)
    #: issue 6: full inputs (convention settings, experiment numbers, n_type) for reproduction
    inputs: dict | None = field(default=None, compare=False)
    #: fraction of the yield from the last :data:`EDGE_WINDOW` below the end of the acceptance
    #: table (see :func:`edge_window`): near 1, the result depends on where the table ends
    edge_fraction: float = 0.0

    @property
    def edge_dominated(self) -> bool:
        """More than half of the yield comes from the last acceptance-table bin."""
        return self.edge_fraction > EDGE_DOMINATED

    def to_dict(self) -> dict:
        return {
            "yield": self.value,
            "yield_error": self.error,
            "sigma_acc_pb": self.sigma_acc / picobarn,
            "luminosity_per_pb": self.luminosity * picobarn,
            "dataset": self.experiment,
            "coefficients_GeV-2": {k: v * GeV**2 for k, v in self.coefficients.items()},
            "mN_GeV": self.m_N / GeV,
            "conventions": self.conventions,
            "last_bin_fraction": self.edge_fraction,
            "edge_dominated": self.edge_dominated,
            "mucast_version": self.version,
            **({"inputs": self.inputs} if self.inputs is not None else {}),
        }


#: the "last bin" of an acceptance table: its last interval, at most this wide (a flat table
#: with one interval would otherwise be all "last bin")
EDGE_WINDOW = 0.5 * GeV
#: a result is edge-dominated when more than this fraction of its yield comes from the last bin
EDGE_DOMINATED = 0.5


def edge_window(table) -> float:
    """Lower end of the last bin of an acceptance table [energy]: max(last node interval start,
    end − :data:`EDGE_WINDOW`). Yield from above it depends on where the simulated range stops
    (seed 000's tables end at √k² = 3 GeV), not on physics."""
    x = table.nodes
    lo = float(x[-2]) if len(x) > 1 else float(x[0])
    return max(lo, float(x[-1]) - EDGE_WINDOW)


def kinematic_reach(experiment) -> float:
    """Largest invariant mass of the invisible system, E − m_μ [energy]."""
    return experiment.beam_energy - M_MU


def check_mass(model: eft.EFTModel, experiment) -> None:
    """Raise KinematicsError if the model's threshold is beyond the kinematic reach or beyond
    the experiment's acceptance table (where κ = 0 and no bound can be set)."""
    thr = model.threshold()
    reach = kinematic_reach(experiment)
    if thr >= reach:
        raise KinematicsError(
            f"m_N = {model.m_N / GeV:g} GeV: threshold {thr / GeV:g} GeV is beyond the kinematic"
            f" reach E - m_mu = {reach / GeV:g} GeV")
    kmax = experiment.acceptance.x_max
    if thr >= kmax:
        nu = [c for c in model.coefficients if c in eft.NUSMEFT_OPERATORS]
        op = nu[0] if nu else next(iter(model.coefficients))
        raise KinematicsError(
            f"m_N = {model.m_N / GeV:g} GeV is beyond {closing_mass(op, experiment) / GeV:g} GeV"
            f" for {op} in data set {experiment.name!r}: {table_end_reason(op, experiment)}")


def signal_yield(model: eft.EFTModel, dataset, conventions=None, orders: Orders | None = None) -> YieldResult:
    """Expected signal events for an EFT model in a data set (Eq. 22 of seed 000).

    Parameters
    ----------
    model : EFTModel      coefficients in 1/energy² (hepunits), HNL mass m_N (energy)
    dataset : str or Experiment   ``"2022"``, ``"2023-24"``, ``"future"``, a TOML path or object
    conventions : "default", "paper" or Conventions

    Example
    -------
    >>> from mucast.units import GeV
    >>> from mucast.models.eft import EFTModel
    >>> y = signal_yield(EFTModel({"ll_2233": 1e-2 / GeV**2}), "2023-24")
    >>> y.value > 0
    True
    """
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    check_mass(model, exp)
    acc = exp.acceptance
    res = eft.k_integral(model, exp.beam_energy, exp.target, acc, acc.x_max, tuple(acc.nodes),
                         conv, orders, tail_from=edge_window(acc))
    lum = exp.luminosity_factor(conv.nucleus_mass)
    sig = natural_to_area(res.value)
    err = natural_to_area(res.error)
    inputs = {"conventions": conv.to_dict(), "experiment": exp.to_dict(), "n_type": model.n_type,
              "orders": list(res.orders[0].__dict__.values())}
    edge = res.parts["tail"] / res.value if res.value > 0 else 0.0
    return YieldResult(lum * sig, lum * err, sig, lum, exp.name, dict(model.coefficients),
                       model.m_N, conv.name, inputs=inputs, edge_fraction=edge)


def table_end_reason(operator, dataset) -> str:
    """Why m_N cannot go beyond :func:`closing_mass`, in words (messages, docs, captions)."""
    exp = _exp.get(dataset)
    k = exp.acceptance.x_max / GeV
    what = f"2 m_N < {k:g} GeV" if operator in ("eN_22", "LN_22") else f"m_N < {k:g} GeV"
    return (f"the acceptance table of this data set ends at sqrt(k^2) = {k:g} GeV (the end of the"
            f" simulated range, not a kinematic limit: E - m_mu = "
            f"{(exp.beam_energy - eft.M_MU) / GeV:.4g} GeV), so {what} is needed")


def closing_mass(operator, dataset) -> float:
    """m_N beyond which the operator's final state no longer fits below the end of the
    acceptance table k_max: k_max/2 for pair operators (eN_22, LN_22), k_max for LNLe_2222 (one
    N) [energy]. With seed 000's tables k_max = 3 GeV, the end of its simulated range (not a
    kinematic limit); seed 000 Sec. V calls it the closing of the bounds."""
    exp = _exp.get(dataset)
    k_hi = min(exp.acceptance.x_max, exp.beam_energy - eft.M_MU)
    return k_hi / 2.0 if operator in ("eN_22", "LN_22") else k_hi
