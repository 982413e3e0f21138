"""Layer 0: the one unit system of mucast.

mucast uses the hepunits system (CLHEP convention: MeV = mm = ns = 1) everywhere.
Multiply on input (``160 * GeV``), divide on output (``sigma / picobarn``).

Physics formulas are written in natural units (hbar = c = 1), so a cross section comes
out of them as an inverse energy squared. It is turned into an area in exactly one place,
:func:`natural_to_area`; likewise an inverse energy becomes a length only through
:func:`natural_to_length`.
"""

from __future__ import annotations

from hepunits import (  # noqa: F401  (re-exported)
    GeV,
    MeV,
    TeV,
    keV,
    eV,
    cm,
    cm2,
    cm3,
    mm,
    m,
    g,
    kg,
    barn,
    picobarn,
    femtobarn,
    nanobarn,
    rad,
    mrad,
    tesla,
)
from hepunits import s as second  # noqa: F401
from hepunits.constants import Avogadro, c_light, hbarc  # noqa: F401

#: one gram in hepunits (alias kept explicit for densities)
gram = g
#: picobarn (alias)
pb = picobarn


def natural_to_area(sigma_natural):
    """Convert a cross section from natural units (1/energy², hepunits energies) to an area.

    Parameters
    ----------
    sigma_natural : float or ndarray
        Cross section as 1/E² with E in hepunits (i.e. the number a formula written in
        natural units returns when fed energies such as ``160 * GeV``).

    Returns
    -------
    float or ndarray
        Area in hepunits (divide by ``picobarn`` or ``cm2`` to read it).

    Example
    -------
    >>> round(natural_to_area(1 / GeV**2) / picobarn, -6)  # (hbar c)^2 = 0.3894 mb GeV^2
    389000000.0
    """
    return sigma_natural * hbarc**2


def natural_to_length(inverse_energy):
    """Convert an inverse energy (natural units) into a length (hepunits)."""
    return inverse_energy * hbarc
