"""Layer 0: the papers behind each computation, as BibTeX (``mucast cite``).

A computation is named by the CLI command that performs it; :func:`for_command` returns the
BibTeX entries of the papers whose formulas or data it uses.
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
  title = {Exploration of the muon $g-2$ and light dark matter explanations in {NA64} with the {CERN SPS} high energy muon beam},
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
}

_EFT = ["Crivelli:2025seed000", "Kirpichnikov:2021jev", "Liu:2017htz", "Kim:1973he"]
_ZP = ["NA64:2024nwj", "Kirpichnikov:2021jev", "Liu:2017htz", "Kim:1973he"]
COMMANDS = {
    "bound": _EFT + ["Feldman:1997qc", "NA64:2024prd"],
    "table1": _EFT + ["Feldman:1997qc", "NA64:2024prd"],
    "scan": _EFT + ["Feldman:1997qc"],
    "plane": _EFT + ["Feldman:1997qc"],
    "trident": _EFT + ["Feldman:1997qc", "Falkowski:2017pss"],
    "yield": _EFT + ["Aebischer:2017ugx"],
    "xsec": _EFT + ["NA64:2024nwj"],
    "upper-limit": ["Feldman:1997qc"],
    "limit": _ZP + ["Cowan:2010js", "pyhf_joss", "Feldman:1997qc"],
    "gm2": ["Leveille:1977rc", "NA64:2024nwj"],
    "plot": _ZP + ["Leveille:1977rc", "Cowan:2010js", "pyhf_joss"],
    "reproduce": list(dict.fromkeys(_EFT + _ZP + ["Feldman:1997qc", "Falkowski:2017pss", "Cowan:2010js",
                                                  "pyhf_joss", "Leveille:1977rc", "NA64:2024prd"])),
}


def for_command(command: str | None = None) -> str:
    """BibTeX for a command (None: every paper mucast uses)."""
    from mucast.exceptions import UnknownNameError

    if command is None:
        keys = list(BIBTEX)
    elif command in COMMANDS:
        keys = COMMANDS[command]
    else:
        raise UnknownNameError(f"unknown command {command!r} for cite; known: {', '.join(COMMANDS)}")
    return "\n\n".join(BIBTEX[k] for k in keys) + "\n"
