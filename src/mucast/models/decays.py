"""Layer 1: the decays of one mediator at one (mass, coupling) — partial widths, branching
fractions, the proper lifetime and the decay length at a given energy (:class:`Decays`, from
:meth:`mucast.models.mediator.MediatorModel.decays`).

Proper decay length cτ = ħc/Γ_tot, lifetime τ = ħ/Γ_tot, lab decay length L = βγcτ = (p/m)cτ.
ħc and ħ are hepunits' (``hepunits.constants.hbarc``, ``hbar``: CODATA 2018, exact since the
2019 SI: ħc = 197.3269804 MeV fm). A model *declared* invisible has an unspecified hidden-sector
width on top of the SM channels listed: its total width is then a lower bound and cτ an upper
bound (a warning says so).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from hepunits.constants import hbar

from mucast import __version__
from mucast.exceptions import InputError
from mucast.units import GeV, hbarc, m as metre, second

__all__ = ["Decays", "HBARC_SOURCE"]

#: where ħc comes from
HBARC_SOURCE = "hepunits.constants.hbarc (CODATA 2018; exact in the 2019 SI)"


@dataclass(frozen=True)
class Decays:
    """The decays of mediator ``model`` of mass ``mass`` [energy] at coupling ``coupling``.

    ``widths``: {channel: Γ [energy]} (keys of :data:`mucast.models.mediator.CHANNELS`);
    ``visibility``: {channel: "visible" | "invisible"}; ``declared_invisible``: every decay goes
    to an unspecified hidden sector (Br(invisible) = 1); ``warnings``: where a width is less
    certain than its stated precision.
    """

    model: str
    mass: float
    coupling: float
    widths: dict
    visibility: dict
    declared_invisible: bool = False
    warnings: tuple = ()
    version: str = field(default=__version__)

    @property
    def total_width(self) -> float:
        return float(sum(self.widths.values()))

    @property
    def invisible_width(self) -> float:
        if self.declared_invisible:
            return self.total_width
        return float(sum(w for k, w in self.widths.items() if self.visibility[k] == "invisible"))

    @property
    def visible_width(self) -> float:
        return self.total_width - self.invisible_width

    @property
    def branching(self) -> dict:
        """{channel: Br} (0 everywhere if no channel is open)."""
        tot = self.total_width
        return {k: (w / tot if tot > 0 else 0.0) for k, w in self.widths.items()}

    @property
    def branching_invisible(self) -> float:
        if self.declared_invisible:
            return 1.0
        tot = self.total_width
        return 1.0 - sum(w for k, w in self.widths.items()
                         if self.visibility[k] == "visible") / tot if tot > 0 else 0.0

    @property
    def branching_visible(self) -> float:
        return 1.0 - self.branching_invisible

    @property
    def ctau(self) -> float | None:
        """Proper decay length cτ = ħc/Γ_tot [length]; None if no channel is open."""
        tot = self.total_width
        return hbarc / tot if tot > 0 else None

    @property
    def lifetime(self) -> float | None:
        """Proper lifetime τ = ħ/Γ_tot [time]; None if no channel is open."""
        tot = self.total_width
        return hbar / tot if tot > 0 else None

    def decay_length(self, energy) -> float | None:
        """Lab decay length (p/m)cτ [length] at energy ``energy`` ≥ m [energy]."""
        if not (math.isfinite(energy) and energy >= self.mass):
            raise InputError(f"energy must be >= the mass {self.mass / GeV:g} GeV, got"
                             f" {energy / GeV!r} GeV")
        if self.ctau is None or self.mass <= 0:
            return None
        return math.sqrt(energy * energy - self.mass * self.mass) / self.mass * self.ctau

    def all_warnings(self) -> list[str]:
        out = list(self.warnings)
        if self.declared_invisible:
            out.append("declared invisible: the hidden-sector width is not specified, so"
                       " total_width_GeV is the SM part only (a lower bound) and ctau_m an upper"
                       " bound")
        if self.total_width <= 0:
            out.append("no decay channel of this model is open at this mass in mucast: the"
                       " lifetime is not computed")
        return out

    def to_dict(self, gamma_beta: float | None = None) -> dict:
        """JSON-ready: widths per channel in GeV (``widths``: {"<channel>_GeV": Γ}),
        ``total_width_GeV``, ``branching`` per channel, ``branching_invisible``,
        ``branching_visible``, ``ctau_m``, ``lifetime_s`` (null if no channel is open), and with
        ``gamma_beta`` the lab ``decay_length_m`` = βγ cτ."""
        ct, tau = self.ctau, self.lifetime
        d = {"mass_GeV": self.mass / GeV, "coupling": self.coupling,
             "widths": {f"{k}_GeV": w / GeV for k, w in self.widths.items()},
             "visibility": dict(self.visibility),
             "total_width_GeV": self.total_width / GeV, "branching": self.branching,
             "branching_invisible": self.branching_invisible,
             "branching_visible": self.branching_visible,
             "declared_invisible": self.declared_invisible,
             "ctau_m": None if ct is None else ct / metre,
             "lifetime_s": None if tau is None else tau / second,
             "hbarc_source": HBARC_SOURCE, "warnings": self.all_warnings(),
             "mucast_version": self.version}
        if gamma_beta is not None:
            d["decay_length_m"] = None if ct is None else gamma_beta * ct / metre
        return d
