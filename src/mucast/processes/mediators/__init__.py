"""μN → μN X for a mediator X of any spin, on and off shell.

* :mod:`~mucast.processes.mediators.production` — σ and dσ/dx in the WW/IWW approximations,
  one vectorised pass over masses;
* :mod:`~mucast.processes.mediators.exact` — exact 2→3 tree level (vegas), the check of WW;
* :mod:`~mucast.processes.mediators.offshell` — the invisible pair through X* of any mass,
  ∫ dk² σ_X(k) ρ(k²).
"""
