"""Cosmology: Standard-Model thermodynamics (dof) and thermal freeze-out of dark matter through
a mediator model (relic); docs/relic.md."""
