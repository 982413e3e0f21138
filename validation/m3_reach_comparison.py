"""mucast's M³-like set-up beside the published M³ reach (issue 16 §5; docs/validation.md,
"M³-like versus the published M³ reach").

    python validation/m3_reach_comparison.py [--json FILE]      # ≈ 1 min on one core

Reference: Kahn, Krnjaic, Tran, Whitbeck, JHEP 09 (2018) 153 (arXiv:1804.03144), Fig. 10, as
digitised by a third party (validation/reference/m3_fig10_phase{1,2}.csv: which repository, file
and commit, and how y is turned into g_μ = 9√y at Br(invisible) = 1, is in their headers).

Every column is the ratio g_mucast/g_M³ of the coupling reach at Br(Z′ → invisible) = 1 (so that
no dark-sector choice enters), 15 GeV μ on 17.5 cm of W, x ≥ 0.5, zero background:

* ``R_fc``, ``R_default``: mucast's m3-phaseN files as shipped (flat 50% efficiency, ASSUMED),
  with Feldman–Cousins (2.44 events, the method of docs/models.md's table) and with the default
  method of mediator limits (cls-asymptotic, 1.35 events);
* ``R_1``: 100% efficiency and 2.30 events (the Poisson 90% CL at n = b = 0);
* ``R_exact``: R_1 with the exact 2→3 cross section instead of WW
  (:func:`mucast.processes.mediators.ww_domain.ww_correction`; the exact engine where the table
  does not reach);
* ``R_incoh``: R_exact with the incoherent (quasi-elastic) photon exchange with the Z protons of
  the nucleus added to the elastic form factor, G2 = G2_el + G2_inel with the G2_inel of Bjorken,
  Essig, Schuster, Toro, PRD 80 (2009) 075018, App. A (a′ = 773 Z^(−2/3)/m_e, μ_p = 2.79, dipole
  0.71 GeV²; the form used by the LDMX group's MadGraph models, e.g. github.com/IncandelaLab/
  LDMX-scripts, PhotophobicALPs/ALP_Photophobic_UFO_Modified/form_factors.py and parameters.py,
  commit 878f7cdd) — mucast's σ is the coherent (elastic) part only. The factor
  σ(el + inel)/σ(el) is computed here in WW (same quadrature for both), so only the ratio enters.

Also printed: the energy lost by the muon in the 17.5 cm target (≈ 0.5 GeV at ≈ 1.5 MeV cm²/g,
an estimate of the PDG muon tables' ionisation + radiative loss in W at 15 GeV; mucast takes
E = 15 GeV throughout) as the factor it makes on σ.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy.integrate import quad

from mucast.constants import M_E, M_MU, M_PROTON
from mucast.experiments.selection import setup
from mucast.experiments.targets import Target
from mucast.inference import mediators as med
from mucast.processes.flux import photon_flux
from mucast.processes.mediators import exact, production
from mucast.processes.mediators.production import ww_coefficients
from mucast.processes.mediators.ww_domain import ww_correction
from mucast.units import GeV, MeV, cm, cm3, g

HERE = Path(__file__).resolve().parent
MASSES = {1: (0.01, 0.03, 0.1, 0.2, 0.35, 0.5, 0.7, 0.85),
          2: (0.01, 0.03, 0.1, 0.2, 0.35, 0.5, 0.7, 1.0, 1.3, 1.6, 2.0, 2.3, 2.5)}
N_POISSON = -math.log(0.1)          # 2.3026: 90% CL upper limit at n = 0, b = 0
DEDX = 1.5                          # MeV cm²/g, muon in W at 15 GeV (estimate, see module doc)
MU_P = 2.79                         # proton magnetic moment (Bjorken et al. App. A)
DIPOLE = 0.71 * GeV**2


def digitised(phase):
    """(m_Z′ [GeV], g_μ) of the digitised M³ curve: m_Z′ = 3 m_χ, g_μ = 9 √y (file header)."""
    d = np.loadtxt(HERE / "reference" / f"m3_fig10_phase{phase}.csv", delimiter=",", comments="#",
                   skiprows=6)
    m, gmu = 3.0 * d[:, 0] / 1e3, 9.0 * np.sqrt(d[:, 1])
    o = np.argsort(m)
    return m[o], gmu[o]


def g2_inelastic(t, Z):
    """Bjorken et al. (2009) App. A: Z [a′²t/(1 + a′²t)]² [(1 + t(μ_p² − 1)/4m_p²)/(1 + t/0.71 GeV²)⁴]²."""
    ap = 773.0 * Z ** (-2.0 / 3.0) / M_E
    scr = (ap * ap * t / (1.0 + ap * ap * t)) ** 2
    return Z * scr * ((1.0 + t * (MU_P**2 - 1.0) / (4.0 * M_PROTON**2)) / (1.0 + t / DIPOLE) ** 4) ** 2


def incoherent_factor(m, E, tgt, x_min, n_x=300, n_u=300):
    """σ_WW(G2_el + G2_inel)/σ_WW(G2_el) for the vector (x ≥ x_min, θ_X ≤ 0.1, t_max = E²): an
    independent trapezoid WW integral, the same for both, so that only their ratio is used."""
    lt = np.linspace(math.log(1e-12 * GeV**2), math.log(E * E), 300)

    def chi_in(t_lo):
        f = lambda s: (math.exp(s) - t_lo) / math.exp(s) * g2_inelastic(math.exp(s), tgt.Z)  # noqa: E731
        return quad(f, math.log(t_lo), math.log(E * E), limit=200, epsrel=1e-8)[0]

    chi_tab = np.array([chi_in(math.exp(v)) for v in lt])

    def sigma(with_inel):
        x = np.linspace(max(x_min, m / E), 1.0 - M_MU / E, n_x + 2)[1:-1]
        out = []
        for xi in x:
            u0 = m * m * (1 - xi) / xi + M_MU**2 * xi
            lu = np.linspace(math.log(u0), math.log(u0 + xi * E * E * 0.01), n_u)
            au = np.exp(lu)
            t_lo = au**2 / (4.0 * E * E * (1.0 - xi) ** 2)
            chi = photon_flux(t_lo, E * E, tgt.Z, tgt.t_a, tgt.t_d)
            if with_inel:
                chi = chi + np.exp(np.interp(np.log(t_lo), lt, np.log(np.maximum(chi_tab, 1e-300))))
            J, a = ww_coefficients("vector", xi, m * m)
            w = m * m * (1.0 - xi) + M_MU**2 * xi * xi
            A = J + a * (-au * xi + w) / au**2
            out.append((1 - xi) / xi * math.sqrt(xi * xi - (m / E) ** 2)
                       * np.trapezoid(chi * A / au, lu))
        return np.trapezoid(out, x)

    return sigma(True) / sigma(False)


def exact_over_ww(m, E, tgt, x_min):
    r, _, status = ww_correction("vector", np.array([m]), E, tgt, x_min)
    if status[0] != "outside":
        return float(r[0])
    ex = exact.cross_section("vector", m, 1.0, E, tgt, x_min=x_min, rtol=3e-3, max_iterations=100)
    return ex.value / production.cross_section(m, 1.0, E, tgt, x_min=x_min).value


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)
    out = {}
    for phase in (1, 2):
        name = f"m3-phase{phase}"
        s = setup(name)
        tgt = Target.from_name("W")
        mz, gz = digitised(phase)
        n_fc = med.events_limit(name, "fc").upper
        n_def = med.events_limit(name).upper
        eff = float(med.efficiency(np.array([0.1 * GeV]), name)[0])
        thickness = s.nuclei_per_area / tgt.nuclei_per_volume()
        loss = DEDX * MeV * (tgt.density / (g / cm3)) * (thickness / cm)
        print(f"\n{name}: N_up fc = {n_fc:.3f}, default = {n_def:.3f}, Poisson = {N_POISSON:.3f};"
              f" efficiency {eff:g}; energy loss in the target ≈ {loss / GeV:.2f} GeV")
        print("| m [GeV] | g_M3 | R_fc | R_default | R_1 | exact/WW | R_exact | incoh. factor |"
              " R_incoh | σ(E loss)/σ(15) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        rows = []
        for mg in MASSES[phase]:
            m = mg * GeV
            gm3 = float(np.exp(np.interp(math.log(mg), np.log(mz), np.log(gz))))
            y1, _ = med.yield_per_g2(np.array([m]), name)      # N/(g² Br), WW, ε included
            y1 = float(y1[0])
            r_fc = math.sqrt(n_fc / y1) / gm3
            r_def = math.sqrt(n_def / y1) / gm3
            r_1 = math.sqrt(N_POISSON / (y1 / eff)) / gm3
            rew = exact_over_ww(m, s.energy, tgt, s.x_min)
            r_ex = r_1 / math.sqrt(rew)
            finc = incoherent_factor(m, s.energy, tgt, s.x_min)
            r_in = r_ex / math.sqrt(finc)
            es = s.energy - loss * np.linspace(0.0, 1.0, 5)
            sig = [production.cross_section(m, 1.0, e, tgt, x_min=s.x_min).value for e in es]
            eloss = float(np.trapezoid(sig, es) / (es[-1] - es[0]) / sig[0])
            rows.append({"mass_GeV": mg, "g_M3": gm3, "R_fc": r_fc, "R_default": r_def,
                         "R_1": r_1, "exact_over_ww": rew, "R_exact": r_ex,
                         "incoherent_factor": finc, "R_incoh": r_in, "energy_loss_factor": eloss})
            print(f"| {mg:g} | {gm3:.3g} | {r_fc:.2f} | {r_def:.2f} | {r_1:.2f} | {rew:.3f} |"
                  f" {r_ex:.2f} | {finc:.3f} | {r_in:.2f} | {eloss:.3f} |", flush=True)
        out[name] = rows
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
