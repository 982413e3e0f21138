"""Layer 5: the names the command line offers (data sets, operators, methods, models, ...),
listed here so that building the parser imports no physics.

Building the argparse parser used to import the modules that define these names (scipy,
particle, pyhf's neighbours and the relic solver came with them), so ``mucast --version`` and
every ``--help`` cost ~0.9 s of CPU for a few lines of text (issue 17 §6). The lists below are
copies; ``tests/test_cli_choices.py`` checks each one against the library's own definition, so
a name added to the library and not here fails the tests instead of going missing from the CLI.
Nothing in this module imports more than the standard library.
"""

from __future__ import annotations

#: shipped data sets, in CLI order (mucast.experiments.available_datasets())
DATASETS = ("2022", "2023-24", "future", "m3-phase1", "m3-phase2")
#: the three NA64mu data sets of the seeds (mucast.experiments.DATASETS)
SEED_DATASETS = ("2022", "2023-24", "future")

#: acceptance-table sets and their descriptions (mucast.experiments.TABLE_SETS: name -> text)
TABLE_SETS = {
    "shipped": "the default: EFT kappa(k) = detector-model shape x one calibrated level per"
               " data set (scripts/calibrate_derived.py); Z' efficiency = the 'approx' model"
               " (the detector model contradicts the published 2022 limit,"
               " docs/detector_model.md)",
    "derived": "detector-model tables at the model's own level (eps_cal from seed 001's 12% peak;"
               " python -m mucast.events.acceptance_model)",
    "approx": "mucast 0.1 approximations: flat kappa (scripts/calibrate_acceptance.py) and the"
              " p_out-step Z' efficiency calibrated on the published limit"
              " (scripts/make_zprime_efficiencies.py)",
}

#: EFT operator names (mucast.models.eft)
OPERATORS = ("ll_2222", "ll_2233", "le_2222", "le_3322", "eN_22", "LN_22", "LNLe_2222")
NUSMEFT_OPERATORS = ("eN_22", "LN_22", "LNLe_2222")
ALL_OPERATORS = OPERATORS + ("ll_1122", "le_1122") + tuple(
    f"Vnue{c}_{i}{i}22" for i in (1, 2, 3) for c in ("LL", "LR")) + tuple(
    f"Vnue{c}_{ij}22" for ij in ("12", "13", "23") for c in ("LL", "LR")) + (
    "ll_1222", "ll_1322", "ll_2223", "le_1222", "le_1322", "le_2322")
NUSMEFT_ALIASES = ("ne_1122", "ln_2211", "lnle_2122")

#: upper-limit methods and their one-line descriptions (mucast.inference.stats)
METHOD_DESCRIPTIONS = {
    "fc": "Feldman-Cousins, known background (PRD 57 (1998) 3873)",
    "poisson": "classical one-sided Neyman limit, known background",
    "cls-exact": "exact counting CLs, known background (Read, J.Phys.G 28 (2002) 2693)",
    "cls-asymptotic": "profile-likelihood CLs, asymptotic formulae (Cowan et al. 2011) via pyhf,"
                      " with nuisance parameters; under-covers at low counts",
}
METHODS = tuple(METHOD_DESCRIPTIONS)
#: names of mucast <= 0.2, still accepted with a warning (mucast.inference.stats.RENAMED)
RENAMED_METHODS = ("cls", "cls_exact")

#: mediator models (mucast.models.mediator): presets, dark-matter types, one-line descriptions
PRESETS = ("lmu-ltau", "dark-photon", "muon-scalar", "muon-pseudoscalar", "muon-axial",
           "millicharge", "alp-photon", "alp-muon")
DM_TYPES = ("scalar", "dirac", "majorana", "pseudo-dirac")
#: ranges of the dark-sector options, as model files read them (mucast.models.mediator:
#: MAX_G_CHI = sqrt(4 pi), MASS_RATIO_RANGE)
MAX_G_CHI = 3.5449077018110318
MASS_RATIO_RANGE = (1e-6, 1e6)
#: the dark-matter types of the relic solver, in its order (mucast.cosmology.relic.DM_TYPES)
RELIC_DM_TYPES = ("scalar", "majorana", "dirac", "pseudo-dirac")
MODEL_DESCRIPTIONS = {
    "lmu-ltau": "gauged L_mu - L_tau Z' (seed 001): vector couplings g to mu, -g to tau, "
                "left-handed nu_mu, nu_tau; invisible through the neutrinos",
    "dark-photon": "kinetically mixed dark photon: couplings eps*e*Q to e, mu, tau (Q = -1) and "
                   "to the quarks (hadronic width from the measured R ratio), none to neutrinos; "
                   "invisible through a dark sector (declared: Br = 1 unless a dark sector is "
                   "given)",
    "muon-scalar": "scalar coupled to the muon only, g S mu-bar mu; decays to gamma gamma (muon "
                   "loop) and mu mu, in flight (--decays invisible: declared invisible, as in "
                   "mucast 0.3)",
    "muon-pseudoscalar": "pseudoscalar coupled to the muon only, g P mu-bar i gamma5 mu; decays "
                         "to gamma gamma (muon loop) and mu mu, in flight (--decays invisible: "
                         "declared invisible, as in mucast 0.3)",
    "muon-axial": "axial vector coupled to the muon only, g A_a mu-bar gamma^a gamma5 mu; decays "
                  "to mu mu, in flight (stable below 2 m_mu; --decays invisible: declared "
                  "invisible)",
    "millicharge": "millicharged Dirac fermion chi of charge eps*e, pair-produced through the "
                   "photon (mediator mass 0)",
    "alp-photon": "axion-like particle coupled to photons, -(g/4) a F F~ with g = g_a gamma "
                  "gamma in GeV^-1: made by photon fusion on the nucleus (Primakoff), decays to "
                  "gamma gamma, in flight",
    "alp-muon": "axion-like particle coupled to the muon axial current, (g/2) d_mu a mu-bar "
                "gamma^mu gamma5 mu with g = g_a mu mu = c_mumu/Lambda in GeV^-1 "
                "(Bauer-Neubert-Thamm): made and decaying to mu mu as muon-pseudoscalar with "
                "g_mu = g m_mu; gamma gamma through the muon loop with the anomaly term; decays "
                "in flight",
}

#: mediator limits (mucast.inference.mediators)
DEFAULT_METHOD = "cls-asymptotic"
PRODUCTIONS = ("auto", "on-shell", "off-shell", "narrow")

#: event files: suffix -> format (mucast.events.files.FORMATS)
EVENT_FORMATS = {".lhe.gz": "lhe.gz", ".lhe": "lhe", ".csv": "csv", ".parquet": "parquet"}
#: data sets of the fast detector simulation (mucast.events.acceptance_model.DATASETS)
DETECTOR_DATASETS = ("2022", "2023-24", "future")
