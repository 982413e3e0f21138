"""Layer 2: exact tree-level (ETL) cross section of μ(p) N(P) → μ(p') N(P') X(k) for a mediator of
any Lorentz structure, L ⊃ g X μ̄Γμ with Γ = γ^α, γ^αγ⁵, 1, iγ⁵, and the 0.2 vector-only
implementation kept as the reference it is measured against.

The package follows the calculation's seams:

* :mod:`.phase_space` — exact 2→3 kinematics in the nucleus rest frame (Kirpichnikov et al.,
  PRD 104 (2021) 076012, Sec. II and App. A; Liu & Miller, PRD 96 (2017) 016004, Sec. III) and
  the unit-cube maps;
* :mod:`.amplitudes` — the two diagrams for any Γ, spin and polarisation sums, |M̄|²;
* :mod:`.integrate` — the vegas driver (WW-built initial map, ``rtol`` stop):
  :func:`cross_section`, :func:`etl_sigma`, :func:`etl_dsigma_dx`;
* :mod:`.checks` — gauge and Ward identities, the 2→2 amplitude against the WW brackets;
* :mod:`.reference_02` — the 0.2 vector code (:func:`sigma_etl`, :func:`dsigma_dx_etl`,
  :func:`squared_matrix_element`, :func:`ward_identity_residuals`);
* :mod:`.reference_mp` — 40–50-digit mpmath references of the amplitudes.

Example
-------
>>> from mucast.units import GeV, MeV, picobarn
>>> r = cross_section("scalar", 100 * MeV, 1.0, 160 * GeV, "Pb", rtol=0.01)
>>> 2.80e9 < r.value / picobarn < 2.95e9       # 2.872e9 ± 0.1% at full precision
True
"""

from mucast.constants import ALPHA  # noqa: F401  (re-exported: benchmarks read exact.ALPHA)
from mucast.processes.mediators.exact.amplitudes import (  # noqa: F401
    _LETTER_NAME,
    _LOWER,
    SPIN_LETTERS,
    SPINS,
    _abs2,
    _contract,
    _msq_spin,
    _pol_from_kin,
    _spin,
    _ww_bracket_letter,
    bilinear_scalar,
    bilinear_vector,
    gamma5,
    lepton_amplitudes,
    lepton_amplitudes_matrix,
    mdot,
    polarisations,
    slash_col,
    slash_row,
    soa_bar,
    soa_u_spinors,
    spin_pol_sum,
)
from mucast.processes.mediators.exact.checks import (  # noqa: F401
    amplitude_22_bracket,
    check_gauge_invariance,
    check_ward_identities,
    check_ww_brackets,
    ww_point,
)
from mucast.processes.mediators.exact.integrate import (  # noqa: F401
    METHODS,
    ExactResult,
    _integrand_factory,
    _target,
    _x_bounds,
    cross_section,
    etl_dsigma_dx,
    etl_sigma,
    ww_initial_map,
)
from mucast.processes.mediators.exact.phase_space import (  # noqa: F401
    _abs_u_range,
    _kinematics,
    _phase_space,
    _phase_space_v,
    _point,
    _setup,
    _Setup,
    _t_limits,
    phase_space_point,
    random_points,
)
from mucast.processes.mediators.exact.reference_02 import (  # noqa: F401
    ETLResult,
    _dsigma_dx_integrand,
    _run_vegas,
    dsigma_dx_etl,
    sigma_etl,
    squared_matrix_element,
    ward_identity_residuals,
)
from mucast.processes.mediators.exact.reference_mp import (  # noqa: F401
    reference_bracket_22_mp,
    reference_spin_pol_sum_mp,
)
from mucast.processes.dirac import GAMMA, slash as _slash  # noqa: F401  (tests read exact.GAMMA)

__all__ = [
    "ETLResult",
    "dsigma_dx_etl",
    "sigma_etl",
    "squared_matrix_element",
    "ward_identity_residuals",
    "cross_section",
    "etl_sigma",
    "etl_dsigma_dx",
    "ExactResult",
    "check_gauge_invariance",
    "check_ward_identities",
]
