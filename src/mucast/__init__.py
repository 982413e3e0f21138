"""mucast: phenomenology of missing-energy searches with muon beams (NA64μ).

Layers (docs/architecture.md), one folder each: models/ and experiments/ (what is specified and
what was measured) → processes/ (cross sections: WW, exact, off shell) → inference/ (yields,
statistics, limits, curves) → events/ → outputs/ → cli/.
"""

__version__ = "0.4.0"
