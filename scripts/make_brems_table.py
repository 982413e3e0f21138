#!/usr/bin/env python3
"""Build ``src/mucast/data/secondary/muon_bremsstrahlung.toml``: the muon bremsstrahlung
energy-loss coefficient b_brems(E) [cm²/g] of the shipped target materials, and their radiation
lengths, for the thick-target secondary-photon estimate of ALP production
(mucast.processes.alp.secondary; docs/alps.md §5).

Source of the formula
---------------------
Kelner, Kokoulin, Petrukhin, "Radiation logarithm in the Hartree-Fock model", preprint
MEPhI 024-95 (1995) (CERN record 288828), the form used for muon bremsstrahlung by the PDG
muon energy-loss tables (Groom, Mokhov, Striganov, At. Data Nucl. Data Tables 78 (2001) 183)
and by Geant4 (Physics Reference Manual, muon bremsstrahlung section), per atom

    dσ/dv = (16/3) α (m_e r_e/m_μ)² (1/v) Z (Z Φ_n + Φ_e) (1 − v + ¾v²),   v = k/E,

    Φ_n = ln[ B Z^(−1/3) (m_μ + δ(D′_n √e − 2)) / (D′_n (m_e + δ √e B Z^(−1/3))) ],
    Φ_e = ln[ B′ Z^(−2/3) m_μ / ((1 + δ m_μ/(m_e² √e)) (m_e + δ √e B′ Z^(−2/3))) ],

δ = m_μ² v/(2E(1 − v)), B = 183, B′ = 1429, D′_n = (1.54 A^0.27)^(1 − 1/Z); Φ_e = 0 above
k′_max = E/(1 + m_μ²/(2 m_e E)); negative logarithms are set to 0. Then
b_brems(E) = (N_A/A) ∫ v dσ/dv dv.

ASSUMPTION: the PDG tables themselves (Groom et al. 2001, Table of b_brems per material) were
not readable where this file was made; this script evaluates the formula they are built on.
Second check: mucast's own coherent bremsstrahlung (the WW vector engine at m → 0, coupling
e, the elastic form factor of the WW flux) gives the nuclear part to 1-2% (printed below and
tested in tests/validation/test_alp.py).

Radiation lengths X₀ [g/cm²]: PDG Atomic and Nuclear Properties (Pb 6.37, W 6.76, Cu 12.86,
Fe 13.84, C 42.70).

The formula lives in the package (mucast.processes.alp.secondary.kkp_dsigma_dy), so the table
and the run-time shape check use one implementation.

Run: ``python scripts/make_brems_table.py`` (~2 s).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/mucast/data/secondary/muon_bremsstrahlung.toml"

#: material: (Z, A [g/mol], X0 [g/cm²]) — PDG Atomic and Nuclear Properties (Z, A as the
#: shipped target files)
X0_G_CM2 = {"Pb": 6.37, "W": 6.76, "Cu": 12.86, "Fe": 13.84, "C": 42.70}
ENERGIES_GEV = [10.0, 15.0, 20.0, 30.0, 50.0, 80.0, 100.0, 120.0, 160.0, 200.0, 300.0]


def b_brems(energy, target, electrons=True, n=400_001):
    """b = (N_A/A) ∫ y dσ/dy dy [cm²/g] over 0 < y < 1 − m_μ/E (trapezoid on a grid uniform
    in y joined with one in ln(1 − y); the integrand is bounded), with the formula of
    mucast.processes.alp.secondary.kkp_dsigma_dy."""
    from mucast.constants import M_MU
    from mucast.processes.alp.secondary import kkp_dsigma_dy
    from mucast.units import GeV, cm, g

    e = energy * GeV
    y_hi = 1.0 - M_MU / e
    y = np.unique(np.concatenate([np.linspace(1e-9, y_hi, n),
                                  1.0 - np.geomspace(1.0 - y_hi, 0.5, n // 4)]))
    per_atom = float(np.trapezoid(y * kkp_dsigma_dy(y, e, target, electrons), y))
    return per_atom * target.nuclei_per_volume() / target.density / (cm**2 / g)


def main():
    lines = [
        "# Muon bremsstrahlung energy-loss coefficients and radiation lengths, for the thick-target",
        "# secondary-photon estimate of ALP production (mucast.processes.alp.secondary).",
        "# WRITTEN BY scripts/make_brems_table.py - do not edit by hand; see its docstring.",
        "",
        "[provenance]",
        'source = "b_brems: Kelner-Kokoulin-Petrukhin formula (MEPhI 024-95, 1995; the form of the'
        ' PDG muon tables, Groom, Mokhov, Striganov, ADNDT 78 (2001) 183, and of Geant4), nucleus'
        ' and atomic electrons, evaluated by scripts/make_brems_table.py. X0: PDG Atomic and'
        ' Nuclear Properties."',
        'assumption = "ASSUMPTION: the PDG tables themselves were not readable here; the formula'
        ' they are built on is evaluated instead (mucast\'s own coherent WW bremsstrahlung agrees'
        ' with its nuclear part to 1-2%)."',
        "",
    ]
    from mucast.experiments.targets import Target

    for name, x0 in X0_G_CM2.items():
        tgt = Target.from_name(name)
        b = [b_brems(e, tgt) for e in ENERGIES_GEV]
        bn = [b_brems(e, tgt, electrons=False) for e in ENERGIES_GEV]
        lines += [
            "[[material]]",
            f'name = "{name}"',
            f"radiation_length_g_cm2 = {x0}",
            "energies_GeV = [" + ", ".join(f"{e:g}" for e in ENERGIES_GEV) + "]",
            "b_brems_cm2_g = [" + ", ".join(f"{v:.4e}" for v in b) + "]",
            "b_brems_nucleus_cm2_g = [" + ", ".join(f"{v:.4e}" for v in bn) + "]",
            "",
        ]
        print(f"{name}: b_brems(15, 100, 160 GeV) = "
              + ", ".join(f"{b[ENERGIES_GEV.index(e)]:.3e}" for e in (15.0, 100.0, 160.0))
              + " cm2/g (nucleus only: "
              + ", ".join(f"{bn[ENERGIES_GEV.index(e)]:.3e}" for e in (15.0, 100.0, 160.0)) + ")")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines))
    print("wrote", OUT)


if __name__ == "__main__":
    main()
