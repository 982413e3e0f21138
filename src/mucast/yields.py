"""Layer 3: expected signal yields, N_S = N_MOT · (ρ/m_N) · L_eff · ∫∫ κ(k) dσ/dx dk² (seed 000, Eq. 22).

The number density of nuclei is physical (ρ N_A / A) under the default conventions and ρ/m_Pb
with m_Pb = 207 GeV under ``conventions="paper"``. The acceptance κ(k) comes from the
experiment's table (zero outside its range).
"""

from __future__ import annotations

from dataclasses import dataclass, field


from . import __version__
from . import conventions as _conv
from . import experiments as _exp
from .constants import M_MU
from .exceptions import KinematicsError
from .integrate import Orders
from .processes import eft
from .units import GeV, natural_to_area, picobarn


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
            "mucast_version": self.version,
            **({"inputs": self.inputs} if self.inputs is not None else {}),
        }


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
        raise KinematicsError(
            f"m_N = {model.m_N / GeV:g} GeV: threshold {thr / GeV:g} GeV is beyond the acceptance"
            f" table of data set {experiment.name!r}, which ends at sqrt(k^2) = {kmax / GeV:g} GeV"
            f" (phase space closes at m_N = {_closing_mass(model, kmax) / GeV:g} GeV)")


def _closing_mass(model, kmax):
    ch = model.channels()
    pair = any(c.m2 > 0 or c.structure in ("eN_22", "LN_22") for c in ch)
    return kmax / 2 if pair else kmax


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
    >>> from mucast.processes.eft import EFTModel
    >>> y = signal_yield(EFTModel({"ll_2233": 1e-2 / GeV**2}), "2023-24")
    >>> y.value > 0
    True
    """
    conv = _conv.get(conventions)
    exp = _exp.get(dataset)
    check_mass(model, exp)
    acc = exp.acceptance
    res = eft.k_integral(model, exp.beam_energy, exp.target, acc, acc.x_max, tuple(acc.nodes),
                         conv, orders)
    lum = exp.luminosity_factor(conv.nucleus_mass)
    sig = natural_to_area(res.value)
    err = natural_to_area(res.error)
    inputs = {"conventions": conv.to_dict(), "experiment": exp.to_dict(), "n_type": model.n_type,
              "orders": list(res.orders[0].__dict__.values())}
    return YieldResult(lum * sig, lum * err, sig, lum, exp.name, dict(model.coefficients),
                       model.m_N, conv.name, inputs=inputs)
