"""Layer 1: named convention sets.

A computation depends on choices that the literature makes differently. They are gathered in a
:class:`Conventions` object so that results made under different choices can be shown side by
side. Two sets are named:

``"default"`` — what mucast has verified (docs/conventions.md):
    physical nuclear number density ρ N_A/A, the spin-summed amplitudes re-derived from first
    principles (mucast.processes.eft.amplitudes, variant "verified"), the WCxf normalisation
    of ``ll_2222`` (the identical-bilinear operator counts twice in the ν̄ν μ̄μ term).
``"paper"`` — seed 000 taken literally:
    m_Pb = 207 GeV in ρ/m_Pb (Eq. 22), Appendix A as printed (variant "paper"), Eq. (8) applied
    to ``ll_2222`` as to ``ll_2233``.

Both use α(0) from CODATA, θ_max = 0.1 rad and t_max = m_μ² + k² (seed 000, Eqs. 17–18).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from dataclasses import dataclass

from mucast.constants import ALPHA
from mucast.exceptions import InputError, UnknownNameError
from mucast.units import GeV

_T_MAX_CHOICES = ("mmu2_plus_k2", "E2")
_AMPLITUDE_CHOICES = ("verified", "paper")


@dataclass(frozen=True)
class Conventions:
    """Choices entering a cross-section or yield computation.

    Attributes
    ----------
    name : str
    alpha : float
        fine-structure constant used in the cross sections.
    theta_max : float
        largest emission angle of the invisible system [rad] (seed 000: 0.1).
    t_max : str
        upper limit of the photon virtuality in the flux: ``"mmu2_plus_k2"`` (seed 000, Eq. 18)
        or ``"E2"`` (DMG4).
    nucleus_mass : float or None
        ``None``: number density ρ N_A/A (physical). An energy: ρ/m as in seed 000 Eq. (22).
    amplitudes : str
        ``"verified"`` or ``"paper"`` (seed 000 Appendix A as printed).
    ll_identical_factor : float
        multiplicity of the (ν̄_μ ν_μ)(μ̄ μ) term in the WCxf operator ``ll_2222``: 2 (WCxf
        normalisation, default) or 1 (seed 000 Eq. (8) literally).
    """

    name: str = "default"
    alpha: float = ALPHA
    theta_max: float = 0.1
    t_max: str = "mmu2_plus_k2"
    nucleus_mass: float | None = None
    amplitudes: str = "verified"
    ll_identical_factor: float = 2.0

    def __post_init__(self):
        # issue 6: a string gave a bare TypeError, a NaN ll_identical_factor was accepted
        for key in ("alpha", "theta_max", "ll_identical_factor"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise InputError(f"conventions.{key} must be a finite number, got {v!r}")
        if not self.ll_identical_factor > 0:
            raise InputError(f"conventions.ll_identical_factor must be > 0, got {self.ll_identical_factor}")
        if self.nucleus_mass is not None and (isinstance(self.nucleus_mass, bool) or not isinstance(
                self.nucleus_mass, numbers.Real) or not math.isfinite(self.nucleus_mass)):
            raise InputError(f"conventions.nucleus_mass must be a finite energy or None, got {self.nucleus_mass!r}")
        if not (0 < self.alpha < 1):
            raise InputError(f"conventions.alpha must be in (0, 1), got {self.alpha}")
        if not (0 < self.theta_max <= math.pi):
            raise InputError(f"conventions.theta_max must be in (0, pi] rad, got {self.theta_max}")
        if self.t_max not in _T_MAX_CHOICES:
            raise InputError(f"conventions.t_max must be one of {_T_MAX_CHOICES}, got {self.t_max!r}")
        if self.amplitudes not in _AMPLITUDE_CHOICES:
            raise InputError(f"conventions.amplitudes must be one of {_AMPLITUDE_CHOICES}, got {self.amplitudes!r}")
        if self.nucleus_mass is not None and not self.nucleus_mass > 0:
            raise InputError("conventions.nucleus_mass must be > 0 or None")

    def replace(self, **changes) -> "Conventions":
        """A copy with some fields changed (``dataclasses.replace``)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        if d["nucleus_mass"] is not None:
            d["nucleus_mass_GeV"] = d.pop("nucleus_mass") / GeV
        else:
            d.pop("nucleus_mass")
            d["nucleus_mass_GeV"] = None
        return d


DEFAULT = Conventions()
PAPER = Conventions(name="paper", nucleus_mass=207.0 * GeV, amplitudes="paper", ll_identical_factor=1.0)

NAMED = {"default": DEFAULT, "paper": PAPER}


def get(conventions) -> Conventions:
    """Accept a :class:`Conventions`, a name (``"default"``, ``"paper"``) or None."""
    if conventions is None:
        return DEFAULT
    if isinstance(conventions, Conventions):
        return conventions
    try:
        return NAMED[conventions]
    except (KeyError, TypeError):
        raise UnknownNameError(
            f"unknown conventions {conventions!r}; choose one of {', '.join(NAMED)}") from None
