"""Axion-like particles (ALPs) coupled to photons, L ⊃ −(g_aγγ/4) a F_μν F̃^μν (F̃^μν =
½ε^μνρσ F_ρσ, g_aγγ in 1/energy), produced with a muon beam. docs/alps.md has the formulas,
their sources, the measured domain and accuracy; docs/derivations/alp_fusion.md the derivations.

* :mod:`~mucast.processes.alp.fusion` — μN → μN a by photon fusion (one photon from the muon,
  one from the nucleus) in the WW form: the nucleus's photon flux χ (the mediators') × the
  2→2 μγ → μa amplitude, vectorised over masses; dσ/dx and the x rule of the signal region;
* :mod:`~mucast.processes.alp.primakoff` — real photons on a nucleus, γN → aN (Tsai's form
  factors, the ones of the WW flux), and the muon's equivalent photons on it (the
  factorisation checked in its leading-log regime);
* :mod:`~mucast.processes.alp.exact` — the exact 2→3 tree-level cross section (one diagram,
  spin-0 coherent nucleus; vegas with both photon poles sampled in ln|q²|), the check of WW;
* :mod:`~mucast.processes.alp.secondary` — ALPs from the real bremsstrahlung photons of the
  muon in a thick target, as a ratio to the direct process.

Why a package of its own and not a module in :mod:`mucast.processes.mediators`: the ALP is
not emitted from the muon line (there is no coupling to the muon), the 2→2 bracket is not a
polynomial in 1/ũ (so the mediators' ũ integrals do not apply), the exact 2→3 calculation
needs its own phase-space variables (the muon-side photon pole lies in the outgoing muon's
angle), and the real-photon processes have no mediator counterpart. What is shared is reused:
the photon flux, the x rule, the input checks and the result class of
:mod:`mucast.processes.mediators.production`.
"""
