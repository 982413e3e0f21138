"""mucast: phenomenology of missing-energy searches with muon beams (NA64μ).

Layers (docs/architecture.md): units/constants → targets, experiments, acceptance →
flux, kinematics, processes, integrate → yields → stats, limits → cli.
"""

__version__ = "0.2.0"
