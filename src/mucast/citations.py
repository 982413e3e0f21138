"""Layer 0: the papers behind each computation, as BibTeX (``mucast cite``).

A computation is named by the CLI command that performs it, with its sub-commands
(``relic target``, ``limit dark-photon``, ``plot limits muon-scalar``); :func:`for_command`
returns the BibTeX entries of the papers whose formulas or data it uses. Every command and
sub-command of the parser has its list (tests/test_outputs.py walks the parser).

Each entry's fields were checked against a stored copy of the paper's abstract page or a
reference list quoting it (June and December 2026); the fields that could not be checked that way are listed
in :data:`UNVERIFIED` and printed as a ``%`` comment above the entry.
"""

from __future__ import annotations

BIBTEX = {
    "Crivelli:2025seed000": """@article{Crivelli:2025seed000,
  author = {Crivelli, Paolo and Hern{\\'a}ndez-Garc{\\'i}a, Josu and L{\\'o}pez-Pav{\\'o}n, Jacobo and Mart{\\'i}n Lozano, V{\\'i}ctor and Molina Bueno, Laura},
  title = {First bounds on effective muon interactions using the {NA64$\\mu$} experiment at {CERN}},
  eprint = {2511.11801}, archivePrefix = {arXiv}, primaryClass = {hep-ph}, year = {2025}
}""",
    "NA64:2024nwj": """@article{NA64:2024nwj,
  author = {Andreev, Yu. M. and others},
  collaboration = {NA64},
  title = {First Results in the Search for Dark Sectors at {NA64} with the {CERN SPS} High Energy Muon Beam},
  journal = {Phys. Rev. Lett.}, volume = {132}, pages = {211803}, year = {2024},
  eprint = {2401.01708}, archivePrefix = {arXiv}, primaryClass = {hep-ex}
}""",
    "NA64:2024prd": """@article{NA64:2024prd,
  author = {Andreev, Yu. M. and others}, collaboration = {NA64},
  title = {Shedding light on Dark Sectors with high-energy muons at the {NA64} experiment at the {CERN SPS}},
  journal = {Phys. Rev. D}, volume = {110}, pages = {112015}, year = {2024},
  eprint = {2409.10128}, archivePrefix = {arXiv}, primaryClass = {hep-ex}
}""",
    "Kirpichnikov:2021jev": """@article{Kirpichnikov:2021jev,
  author = {Kirpichnikov, D. V. and Sieber, Henri and Molina Bueno, Laura and Crivelli, Paolo and Kirsanov, M. M.},
  title = {Probing hidden sectors with a muon beam: Total and differential cross sections for vector boson production in muon bremsstrahlung},
  journal = {Phys. Rev. D}, volume = {104}, pages = {076012}, year = {2021},
  eprint = {2107.13297}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Liu:2017htz": """@article{Liu:2017htz,
  author = {Liu, Yu-Sheng and Miller, Gerald A.},
  title = {Validity of the {Weizs\\"acker-Williams} approximation and the analysis of beam dump experiments: Production of an axion, a dark photon, or a new axial-vector boson},
  journal = {Phys. Rev. D}, volume = {96}, pages = {016004}, year = {2017},
  eprint = {1705.01633}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Kim:1973he": """@article{Kim:1973he,
  author = {Kim, K. J. and Tsai, Yung-Su},
  title = {Improved {Weizsacker-Williams} method and its application to lepton and {W} boson pair production},
  journal = {Phys. Rev. D}, volume = {8}, pages = {3109}, year = {1973}
}""",
    "Feldman:1997qc": """@article{Feldman:1997qc,
  author = {Feldman, Gary J. and Cousins, Robert D.},
  title = {A Unified approach to the classical statistical analysis of small signals},
  journal = {Phys. Rev. D}, volume = {57}, pages = {3873}, year = {1998},
  eprint = {physics/9711021}, archivePrefix = {arXiv}
}""",
    "Cowan:2010js": """@article{Cowan:2010js,
  author = {Cowan, Glen and Cranmer, Kyle and Gross, Eilam and Vitells, Ofer},
  title = {Asymptotic formulae for likelihood-based tests of new physics},
  journal = {Eur. Phys. J. C}, volume = {71}, pages = {1554}, year = {2011},
  eprint = {1007.1727}, archivePrefix = {arXiv}, primaryClass = {physics.data-an}
}""",
    "pyhf_joss": """@article{pyhf_joss,
  author = {Heinrich, Lukas and Feickert, Matthew and Stark, Giordon and Cranmer, Kyle},
  title = {pyhf: pure-Python implementation of HistFactory statistical models},
  journal = {Journal of Open Source Software}, volume = {6}, number = {58}, pages = {2823}, year = {2021},
  doi = {10.21105/joss.02823}
}""",
    "Falkowski:2017pss": """@article{Falkowski:2017pss,
  author = {Falkowski, Adam and Gonz{\\'a}lez-Alonso, Mart{\\'i}n and Mimouni, Kin},
  title = {Compilation of low-energy constraints on 4-fermion operators in the {SMEFT}},
  journal = {JHEP}, volume = {08}, pages = {123}, year = {2017},
  eprint = {1706.03783}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Leveille:1977rc": """@article{Leveille:1977rc,
  author = {Leveille, J. P.},
  title = {The Second Order Weak Correction to (g-2) of the Muon in Arbitrary Gauge Models},
  journal = {Nucl. Phys. B}, volume = {137}, pages = {63}, year = {1978}
}""",
    "Aebischer:2017ugx": """@article{Aebischer:2017ugx,
  author = {Aebischer, Jason and others},
  title = {{WCxf}: an exchange format for {Wilson} coefficients beyond the {Standard Model}},
  journal = {Comput. Phys. Commun.}, volume = {232}, pages = {71}, year = {2018},
  eprint = {1712.05298}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    # -- WCxf input: the running (wilson), the bases it names (JMS, Warsaw) ---------------------
    "Aebischer:2018bkb": """@article{Aebischer:2018bkb,
  author = {Aebischer, Jason and Kumar, Jacky and Straub, David M.},
  title = {{Wilson}: a {Python} package for the running and matching of {Wilson} coefficients above and below the electroweak scale},
  journal = {Eur. Phys. J. C}, volume = {78}, pages = {1026}, year = {2018},
  eprint = {1804.05033}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Jenkins:2017jig": """@article{Jenkins:2017jig,
  author = {Jenkins, Elizabeth E. and Manohar, Aneesh V. and Stoffer, Peter},
  title = {Low-Energy Effective Field Theory below the Electroweak Scale: Operators and Matching},
  journal = {JHEP}, volume = {03}, pages = {016}, year = {2018},
  eprint = {1709.04486}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Grzadkowski:2010es": """@article{Grzadkowski:2010es,
  author = {Grzadkowski, B. and Iskrzy{\'n}ski, M. and Misiak, M. and Rosiek, J.},
  title = {Dimension-Six Terms in the {Standard Model} Lagrangian},
  journal = {JHEP}, volume = {10}, pages = {085}, year = {2010},
  eprint = {1008.4884}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    # -- relic targets (mucast.cosmology) ----------------------------------------------------
    "Gondolo:1990dk": """@article{Gondolo:1990dk,
  author = {Gondolo, Paolo and Gelmini, Graciela},
  title = {Cosmic abundances of stable particles: Improved analysis},
  journal = {Nucl. Phys. B}, volume = {360}, pages = {145}, year = {1991},
  doi = {10.1016/0550-3213(91)90438-4}
}""",
    "Edsjo:1997bg": """@article{Edsjo:1997bg,
  author = {Edsj{\\"o}, Joakim and Gondolo, Paolo},
  title = {Neutralino relic density including coannihilations},
  journal = {Phys. Rev. D}, volume = {56}, pages = {1879}, year = {1997},
  eprint = {hep-ph/9704361}, archivePrefix = {arXiv}
}""",
    "Griest:1990kh": """@article{Griest:1990kh,
  author = {Griest, Kim and Seckel, David},
  title = {Three exceptions in the calculation of relic abundances},
  journal = {Phys. Rev. D}, volume = {43}, pages = {3191}, year = {1991},
  doi = {10.1103/PhysRevD.43.3191}
}""",
    "Saikawa:2020swg": """@article{Saikawa:2020swg,
  author = {Saikawa, Ken'ichi and Shirai, Satoshi},
  title = {Precise {WIMP} dark matter abundance and {Standard Model} thermodynamics},
  journal = {JCAP}, volume = {08}, pages = {011}, year = {2020},
  doi = {10.1088/1475-7516/2020/08/011},
  eprint = {2005.03544}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Planck:2018vyg": """@article{Planck:2018vyg,
  author = {Aghanim, N. and others}, collaboration = {Planck},
  title = {Planck 2018 results. {VI}. Cosmological parameters},
  journal = {Astron. Astrophys.}, volume = {641}, pages = {A6}, year = {2020},
  doi = {10.1051/0004-6361/201833910},
  eprint = {1807.06209}, archivePrefix = {arXiv}, primaryClass = {astro-ph.CO}
}""",
    "Steigman:2012nb": """@article{Steigman:2012nb,
  author = {Steigman, Gary and Dasgupta, Basudeb and Beacom, John F.},
  title = {Precise Relic {WIMP} Abundance and its Impact on Searches for Dark Matter Annihilation},
  journal = {Phys. Rev. D}, volume = {86}, pages = {023506}, year = {2012},
  eprint = {1204.3622}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    # -- CCFR neutrino trident (mucast.processes.trident, inference.constraints) ---------------
    "CCFR:1991lpl": """@article{CCFR:1991lpl,
  author = {Mishra, S. R. and others}, collaboration = {CCFR},
  title = {Neutrino tridents and {W Z} interference},
  journal = {Phys. Rev. Lett.}, volume = {66}, pages = {3117}, year = {1991}
}""",
    "Altmannshofer:2014pba": """@article{Altmannshofer:2014pba,
  author = {Altmannshofer, Wolfgang and Gori, Stefania and Pospelov, Maxim and Yavin, Itay},
  title = {Neutrino Trident Production: A Powerful Probe of New Physics with Neutrino Beams},
  journal = {Phys. Rev. Lett.}, volume = {113}, pages = {091801}, year = {2014},
  eprint = {1406.2332}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    # -- mediator widths: hadrons from e+e- data, loop-induced photon widths, ALPs ------------
    "ParticleDataGroup:2024cfk": """@article{ParticleDataGroup:2024cfk,
  author = {Navas, S. and others}, collaboration = {Particle Data Group},
  title = {Review of particle physics},
  journal = {Phys. Rev. D}, volume = {110}, pages = {030001}, year = {2024},
  note = {Review ``Quantum Chromodynamics'': {R} and the running of alpha_s above the measured {R} ratio}
}""",
    "PDG:2020ptep": """@article{PDG:2020ptep,
  author = {Zyla, P. A. and others}, collaboration = {Particle Data Group},
  title = {Review of Particle Physics},
  journal = {Prog. Theor. Exp. Phys.}, volume = {2020}, pages = {083C01}, year = {2020},
  note = {Review ``Plots of cross sections and related quantities'': the compilation of the {R} ratio of e+e- to hadrons, rpp2020-hadronicrpp\\_page1001.dat}
}""",
    # -- kinetic mixing (models.widths: the loop-induced photon coupling) ---------------------
    "Holdom:1986plb": """@article{Holdom:1986plb,
  author = {Holdom, B.},
  title = {Two {U(1)}'s and Epsilon Charge Shifts},
  journal = {Phys. Lett. B}, volume = {166}, pages = {196--198}, year = {1986},
  doi = {10.1016/0370-2693(86)91377-8}
}""",
    "Araki:2016prd": """@article{Araki:2016prd,
  author = {Araki, Takeshi and Kaneko, Fumihiro and Ota, Toshihiko and Sato, Joe and Shimomura, Takashi},
  title = {{MeV} scale leptonic force for cosmic neutrino spectrum and muon anomalous magnetic moment},
  journal = {Phys. Rev. D}, volume = {93}, pages = {013014}, year = {2016},
  eprint = {1508.07471}, archivePrefix = {arXiv}
}""",
    "Escudero:2019jhep": """@article{Escudero:2019jhep,
  author = {Escudero, Miguel and Hooper, Dan and Krnjaic, Gordan and Pierre, Mathias},
  title = {Cosmology With a Very Light {$L_\\mu - L_\\tau$} Gauge Boson},
  journal = {JHEP}, volume = {03}, pages = {071}, year = {2019},
  eprint = {1901.02010}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    # -- the photon flux and the thick target's photons ----------------------------------------
    "Bjorken:2009mm": """@article{Bjorken:2009mm,
  author = {Bjorken, James D. and Essig, Rouven and Schuster, Philip and Toro, Natalia},
  title = {New Fixed-Target Experiments to Search for Dark Gauge Forces},
  journal = {Phys. Rev. D}, volume = {80}, pages = {075018}, year = {2009},
  doi = {10.1103/PhysRevD.80.075018},
  eprint = {0906.0580}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Tsai:1974rmp": """@article{Tsai:1974rmp,
  author = {Tsai, Y.-S.},
  title = {Pair Production and Bremsstrahlung of Charged Leptons},
  journal = {Rev. Mod. Phys.}, volume = {46}, pages = {815}, year = {1974},
  doi = {10.1103/RevModPhys.46.815},
  note = {[Erratum: Rev. Mod. Phys. 49, 421 (1977)]}
}""",
    "Tsai:1986prd": """@article{Tsai:1986prd,
  author = {Tsai, Y.-S.},
  title = {Axion bremsstrahlung by an electron beam},
  journal = {Phys. Rev. D}, volume = {34}, pages = {1326}, year = {1986}
}""",
    "Eberhart:2025alps": """@article{Eberhart:2025alps,
  author = {Eberhart, Alexander and Fedele, Marco and Kahlhoefer, Felix and Ravensburg, Eike and Ziegler, Robert},
  title = {Leptophilic {ALPs} in Laboratory Experiments},
  eprint = {2504.05873}, archivePrefix = {arXiv}, primaryClass = {hep-ph}, year = {2025}
}""",
    # -- where the relic solver holds (cosmology.domain) ---------------------------------------
    "Sabti:2020jcap": """@article{Sabti:2020jcap,
  author = {Sabti, Nashwan and Alvey, James and Escudero, Miguel and Fairbairn, Malcolm and Blas, Diego},
  title = {Refined Bounds on {MeV}-scale Thermal Dark Sectors from {BBN} and the {CMB}},
  journal = {JCAP}, volume = {01}, pages = {004}, year = {2020},
  eprint = {1910.01649}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Pospelov:2008plb": """@article{Pospelov:2008plb,
  author = {Pospelov, Maxim and Ritz, Adam and Voloshin, Mikhail B.},
  title = {Secluded {WIMP} Dark Matter},
  journal = {Phys. Lett. B}, volume = {662}, pages = {53--61}, year = {2008},
  eprint = {0711.4866}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Binder:2017prd": """@article{Binder:2017prd,
  author = {Binder, Tobias and Bringmann, Torsten and Gustafsson, Michael and Hryczuk, Andrzej},
  title = {Early kinetic decoupling of dark matter: when the standard way of calculating the thermal relic density fails},
  journal = {Phys. Rev. D}, volume = {96}, pages = {115010}, year = {2017},
  eprint = {1706.07433}, archivePrefix = {arXiv}, primaryClass = {astro-ph.CO}
}""",
    "Ilten:2018crw": """@article{Ilten:2018crw,
  author = {Ilten, Philip and Soreq, Yotam and Williams, Mike and Xue, Wei},
  title = {Serendipity in dark photon searches},
  journal = {JHEP}, volume = {06}, pages = {004}, year = {2018},
  eprint = {1801.04847}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Djouadi:2005gi": """@article{Djouadi:2005gi,
  author = {Djouadi, Abdelhak},
  title = {The Anatomy of electro-weak symmetry breaking. {I}: The {Higgs} boson in the standard model},
  journal = {Phys. Rept.}, volume = {457}, pages = {1}, year = {2008},
  eprint = {hep-ph/0503172}, archivePrefix = {arXiv}
}""",
    "Bauer:2017ris": """@article{Bauer:2017ris,
  author = {Bauer, Martin and Neubert, Matthias and Thamm, Andrea},
  title = {Collider Probes of Axion-Like Particles},
  journal = {JHEP}, volume = {12}, pages = {044}, year = {2017},
  doi = {10.1007/JHEP12(2017)044},
  eprint = {1708.00443}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Dobrich:2015jyk": """@article{Dobrich:2015jyk,
  author = {D{\\"o}brich, Babette and Jaeckel, Joerg and Kahlhoefer, Felix and Ringwald, Andreas and Schmidt-Hoberg, Kai},
  title = {{ALPtraum}: {ALP} production in proton beam dump experiments},
  journal = {JHEP}, volume = {02}, pages = {018}, year = {2016},
  eprint = {1512.03069}, archivePrefix = {arXiv}, primaryClass = {hep-ph}
}""",
    "Li:2025axionNA64mu": """@article{Li:2025axionNA64mu,
  author = {Li, Haotian and Liu, Zuowei and Song, Ningqiang},
  title = {Probing axion and flavored new physics with the {NA64$\\mu$} experiment},
  eprint = {2501.06294}, archivePrefix = {arXiv}, primaryClass = {hep-ph}, year = {2025}
}""",
    "Aliberti:2025wp": """@article{Aliberti:2025wp,
  author = {Aliberti, R. and others},
  title = {The anomalous magnetic moment of the muon in the {Standard Model}: an update},
  eprint = {2505.21476}, archivePrefix = {arXiv}, primaryClass = {hep-ph}, year = {2025}
}""",
}

#: fields not found in a stored source (the others were checked: module doc)
UNVERIFIED = {
    "Aliberti:2025wp": "the journal reference (not given: a stored summary names Physics Reports);"
                       " title, first author, arXiv number and a_exp - a_SM = 38(63)e-11 checked",
    "NA64:2024nwj": "the published title (arXiv v1 is titled 'Exploration of the Muon g-2 and Light"
                    " Dark Matter explanations in NA64 with the CERN SPS high energy muon beam')",
    "NA64:2024prd": "journal reference (Phys. Rev. D 110 (2024) 112015); title and arXiv number checked",
    "CCFR:1991lpl": "title; the journal reference Phys. Rev. Lett. 66 (1991) 3117 is the one the"
                    " project's sources quote",
    "Dobrich:2015jyk": "volume and page only through code citing 'JHEP02(2016)018'; title,"
                       " authors and arXiv number checked",
    "PDG:2020ptep": "journal reference as the shipped data's README gives it (docs: data/hadrons);"
                    " the file name checked against the copied data file",
    "Holdom:1986plb": "all fields from citing documents that agree (no primary page stored)",
    "Araki:2016prd": "journal, volume, pages, year (Phys. Rev. D 93 (2016) 013014); authors,"
                     " title and arXiv number checked",
    "Escudero:2019jhep": "journal, volume, pages (JHEP 03 (2019) 071); authors, title, arXiv"
                         " number and year checked",
    "Tsai:1974rmp": "all fields from citing documents that agree (no primary page stored); the"
                    " erratum from one of them",
    "Tsai:1986prd": "title, journal, volume, pages (no stored source; the paper's existence and"
                    " subject are confirmed by code citing it)",
    "Eberhart:2025alps": "no journal publication found (arXiv only); title, authors checked",
    "Pospelov:2008plb": "volume (one citing document); authors, title, journal, pages, year checked",
    "Binder:2017prd": "journal, volume, pages, year of publication; authors, title, arXiv number"
                      " checked",
    "Aebischer:2018bkb": "journal, volume, pages, year (Eur. Phys. J. C 78 (2018) 1026); title,"
                         " authors and arXiv number checked against wilson 2.5.2's own citation",
    "Jenkins:2017jig": "journal, volume, pages (JHEP 03 (2018) 016); title and arXiv number"
                       " checked",
}
#: the keys above are mucast's own (Author:YEARtag), not INSPIRE texkeys, except where a stored
#: INSPIRE record gave one (Bjorken:2009mm and the older entries)

_EFT = ["Crivelli:2025seed000", "Kirpichnikov:2021jev", "Liu:2017htz", "Kim:1973he"]
#: a WCxf file (--wcxf): the format, the bases it names (Warsaw for SMEFT, JMS for WET) and the
#: running with wilson (--run)
_WCXF = ["Aebischer:2017ugx", "Aebischer:2018bkb", "Jenkins:2017jig", "Grzadkowski:2010es"]
_ZP = ["NA64:2024nwj", "Kirpichnikov:2021jev", "Liu:2017htz", "Kim:1973he", "Bjorken:2009mm"]
_STATS_Z = ["Cowan:2010js", "pyhf_joss", "Feldman:1997qc"]
_RELIC = ["Gondolo:1990dk", "Edsjo:1997bg", "Griest:1990kh", "Saikawa:2020swg", "Planck:2018vyg",
          "Steigman:2012nb", "Sabti:2020jcap", "Pospelov:2008plb", "Binder:2017prd"]
_CCFR = ["CCFR:1991lpl", "Altmannshofer:2014pba"]
#: the widths of the mediator models (Br(invisible), the off-shell propagator, relic resonances):
#: hadrons from the measured R ratio, photon pairs through loops, axion-like couplings
_HADRONS = ["PDG:2020ptep", "ParticleDataGroup:2024cfk", "Ilten:2018crw"]
#: the loop-induced kinetic mixing (models.widths: Holdom; for L_mu-L_tau Araki et al., Escudero
#: et al.)
_MIXING = ["Holdom:1986plb", "Araki:2016prd", "Escudero:2019jhep"]
_LOOPS = ["Djouadi:2005gi"]
_ALP = ["Bauer:2017ris", "Dobrich:2015jyk", "Li:2025axionNA64mu", "Tsai:1986prd", "Tsai:1974rmp"]
#: per mediator model (the MODEL sub-commands of xsec, limit, curve and plot limits)
MODELS = {
    "lmu-ltau": _MIXING, "zprime": _MIXING, "muon-axial": [], "millicharge": [],
    "dark-photon": _HADRONS + ["Holdom:1986plb", "NA64:2024prd"],
    "muon-scalar": _LOOPS + ["NA64:2024prd"],
    "muon-pseudoscalar": _LOOPS + _ALP,
    # photon fusion on the nucleus (Primakoff, Dobrich et al.), the ALP conventions and the
    # NA64mu recast (Bauer-Neubert-Thamm; Li, Liu, Song), the muon loop to photons (Djouadi)
    "alp-photon": _ALP,
    "alp-muon": _ALP + _LOOPS,
    "model": _HADRONS + _LOOPS + _MIXING,
}
_MEDIATOR = _HADRONS + _LOOPS + _ALP + _MIXING

COMMANDS = {
    "upper-limit": ["Feldman:1997qc", "Cowan:2010js", "pyhf_joss"],
    "bound": _EFT + ["Feldman:1997qc", "NA64:2024prd"] + _WCXF,
    "table1": _EFT + ["Feldman:1997qc", "NA64:2024prd"],
    "conventions": _EFT + ["Feldman:1997qc"],
    "scan": _EFT + ["Feldman:1997qc"],
    "plane": _EFT + ["Feldman:1997qc"] + _WCXF,
    "trident": _EFT + ["Feldman:1997qc", "Falkowski:2017pss"],
    "xsec": _EFT + _ZP,
    "xsec eft": _EFT,
    "yield": _EFT + _WCXF,
    # the matrix is in the JMS names (WCxf); nothing is run
    "export": _EFT + ["Aebischer:2017ugx", "Jenkins:2017jig", "Feldman:1997qc"],
    "limit": _ZP + _STATS_Z + ["NA64:2024prd"] + _CCFR,
    "curve": _ZP + _STATS_Z + ["NA64:2024prd"],
    "gm2": ["Leveille:1977rc", "NA64:2024nwj", "Aliberti:2025wp"],
    "plot": _ZP + ["Leveille:1977rc"] + _STATS_Z,
    "relic": _RELIC + ["NA64:2024nwj"] + _MEDIATOR,
    "relic sigmav": ["Steigman:2012nb", "Gondolo:1990dk", "Saikawa:2020swg", "Planck:2018vyg"],
    "generate": _EFT + _ZP,
    "generate eft": _EFT,
    "generate zprime": _ZP,
    "acceptance": ["NA64:2024nwj", "NA64:2024prd", "Crivelli:2025seed000"],
    # mucast help TOPIC: the explanations of the seeds' methods
    "help": ["Crivelli:2025seed000", "NA64:2024nwj"],
}
COMMANDS["reproduce"] = list(dict.fromkeys(
    COMMANDS["table1"] + COMMANDS["plane"] + COMMANDS["trident"] + COMMANDS["scan"]
    + COMMANDS["limit"] + COMMANDS["gm2"] + COMMANDS["relic"] + MODELS["dark-photon"]
    + MODELS["muon-scalar"] + MODELS["alp-photon"] + MODELS["alp-muon"]
    + ["Eberhart:2025alps"]))
#: the sub-commands that take a mediator MODEL as their last word
_MODEL_COMMANDS = ("xsec", "limit", "curve", "plot limits")


def keys_for(command: str | None = None) -> list[str]:
    """The BibTeX keys a command uses: ``None`` or "cite" every paper; otherwise the command's
    words, e.g. "relic target" or "limit dark-photon" (the longest listed prefix, plus the
    papers of a mediator model named after xsec, limit, curve or plot limits).
    UnknownNameError for a command mucast does not have."""
    from mucast.exceptions import UnknownNameError

    words = (command or "").split()
    if not words or words == ["cite"]:
        return list(BIBTEX)
    for n in range(len(words), 0, -1):
        head = " ".join(words[:n])
        if head in COMMANDS:
            keys = list(COMMANDS[head])
            break
    else:
        raise UnknownNameError(f"unknown command {command!r} for cite; known: "
                               f"{', '.join(k for k in COMMANDS if ' ' not in k)}")
    for prefix in _MODEL_COMMANDS:
        rest = words[len(prefix.split()):]
        if " ".join(words).startswith(prefix + " ") and rest and rest[0] in MODELS:
            keys += MODELS[rest[0]]
    return list(dict.fromkeys(keys))


def for_command(command: str | None = None) -> str:
    """BibTeX for a command (None: every paper mucast uses); see :func:`keys_for`. Entries with
    a field that could not be checked (:data:`UNVERIFIED`) are preceded by a ``%`` line saying
    which."""
    out = []
    for k in keys_for(command):
        note = f"% {k}: not checked against a stored source: {UNVERIFIED[k]}\n" if k in UNVERIFIED else ""
        out.append(note + BIBTEX[k])
    return "\n\n".join(out) + "\n"
