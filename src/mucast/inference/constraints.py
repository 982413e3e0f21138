"""Layer 4: constraints other than NA64μ, computed for the user's model — the CCFR neutrino-trident
bound (issue 13 §5; docs/ccfr.md; the calculation in mucast.processes.trident).

A vector mediator with couplings g·q_μ to muons and g·q_νμ to left-handed ν_μ changes the trident
rate through ĝ² = g² q_μ q_νμ; the bound is R(m, ĝ²) = R₉₅ (two-sided 95% CL by default, the
prescription that reproduces Altmannshofer et al. 2014). Models without both couplings, or with
a non-vector mediator, get no CCFR bound (an error says why).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mucast import __version__
from mucast.exceptions import InputError
from mucast.models.mediator import get_model
from mucast.processes import trident as _tri
from mucast.units import GeV

__all__ = ["ConstraintCurve", "ccfr_coupling_limit"]


@dataclass(frozen=True)
class ConstraintCurve:
    """Upper limits on the model's coupling from an external measurement."""

    constraint: str
    model: str
    masses: np.ndarray
    coupling: np.ndarray
    prescription: str
    r95: float
    beam: str
    notes: tuple = ()
    version: str = field(default=__version__)

    @property
    def warnings(self) -> list[str]:
        """The doubt of the computed bound (every CCFR result states it): the coherent EPA on
        iron and the assumed beam spectrum, about ±10% on g (docs/ccfr.md)."""
        return [CCFR_DOUBT]

    def to_dict(self) -> dict:
        return {"constraint": self.constraint, "model": self.model,
                "mass_GeV": (self.masses / GeV).tolist(), "coupling": self.coupling.tolist(),
                "prescription": self.prescription, "r95": self.r95, "beam": self.beam,
                "notes": list(self.notes), "warnings": self.warnings,
                "mucast_version": self.version}


#: the stated doubt of the CCFR bound computed by mucast (docs/ccfr.md)
CCFR_DOUBT = ("the CCFR bound is computed by mucast (coherent EPA on Fe, an assumed beam"
              " spectrum; docs/ccfr.md): about +-10% on g")


def ccfr_coupling_limit(model, masses, prescription="two-sided", beam="broad160") -> ConstraintCurve:
    """CCFR bound on the model's coupling g at each mediator mass [energy] (module doc).

    >>> from mucast.units import GeV
    >>> r = ccfr_coupling_limit("lmu-ltau", [0.1 * GeV])
    >>> 1.1e-3 < r.coupling[0] < 1.3e-3
    True
    """
    model = get_model(model)
    if model.spin != "vector":
        raise InputError(f"the CCFR bound is computed for vector mediators; {model.name} is"
                         f" {model.spin}")
    qprod = float(model.charges.get("mu", 0.0)) * float(model.charges.get("nu_mu", 0.0))
    if qprod == 0.0:
        raise InputError(f"model {model.name} does not couple to both muons and muon neutrinos:"
                         " no trident contribution (CCFR bound not applicable)")
    m = np.atleast_1d(np.asarray(masses, float))
    if not (np.all(np.isfinite(m)) and np.all(m > 0)):
        raise InputError("mass must be finite and > 0 GeV")
    r = _tri.r95(prescription)
    g2 = _tri.ccfr(beam).bound_g2(m / GeV, r, sign=qprod) / abs(qprod)
    notes = ("coherent EPA on Fe, assumed beam spectrum (docs/ccfr.md): about +-10% on g",
             "interference " + ("constructive" if qprod > 0 else "destructive (the bound is the"
                                                                 " upper root)"))
    return ConstraintCurve("ccfr", model.name, m, np.sqrt(g2), prescription, r, beam, notes)
