"""μN → μN + invisible pair through contact operators (SMEFT, WET, νSMEFT; seed 000).

* :mod:`~mucast.processes.eft.amplitudes` — the 2→2 coefficients of Appendix A (corrected);
* :mod:`~mucast.processes.eft.production` — dσ/dx dk² in the WW approximation and its
  vectorised integrals (Eqs. 13–22);
* :mod:`~mucast.processes.eft.exact` — the exact 2→4 tree level (vegas), the check of WW;
* :mod:`~mucast.processes.eft.traces` — explicit-spinor checks of Appendix A.
"""
