"""Compare the exact tree-level (ETL) cross section of μ Pb → μ Pb Z' with the WW and IWW
formulas of DMG4 (test-side reference tests/validation/zprime_ww_reference.py).

E₀ = 160 GeV, lead (Z = 82, A = 207.2, M_N = 207.2 u), g = 1e-3, x ∈ [m/E₀, 1 − m_μ/E₀].

Usage:  PYTHONPATH=src python validation/zprime_etl_vs_ww.py [--neval N] [--seed S] [--quick]

Prints
  1. σ_ETL (θ ≤ π and θ ≤ 0.1) with its vegas uncertainty and time; σ_WW for the conventions
     (θ_max, t_max) = (0.1, E₀²) [DMG4 muon WW], (0.1, m_μ² + m²) [seed 000], (π, E₀²);
     σ_IWW (θ_max = 0.1, t_min = m⁴/4E₀², t_max = E₀²) [DMG4 / Liu–Miller Eq. 30]; ratios.
  2. dσ/dx: ETL vs WW at a few x (where do they differ).
  3. IWW diagnosis: IWW with the x-dependent muon t_min (flux at θ = 0) instead of m⁴/4E₀².
  4. σ ∝ g² and the small-mass limit of the ETL.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "validation"))

import zprime_ww_reference as ww  # noqa: E402

from mucast.constants import ALPHA, ALPHA_1_OVER_137, AMU  # noqa: E402
from mucast.processes.mediators.exact import dsigma_dx_etl, sigma_etl  # noqa: E402
from mucast.units import GeV, MeV, picobarn  # noqa: E402

E0 = 160 * GeV
Z, A = 82, 207.2
M_N = 207.2 * AMU
G = 1e-3
MASSES = [1 * MeV, 10 * MeV, 100 * MeV, 1 * GeV, 3 * GeV]


def fmt_m(m):
    return f"{m / MeV:g} MeV" if m < GeV else f"{m / GeV:g} GeV"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neval", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--quick", action="store_true", help="table only")
    args = ap.parse_args(argv)

    print(f"E0 = 160 GeV, Pb (Z={Z}, A={A}, M_N = {M_N / GeV:.3f} GeV), g = {G:g}, "
          f"alpha = 1/{1 / ALPHA:.3f}; sigma in pb; vegas neval = {args.neval}/iteration, "
          f"6+6 iterations, seed {args.seed}\n")
    hdr = (f"{'m':>8} | {'ETL (th<pi)':>20} {'t[s]':>5} | {'ETL(th<0.1)/ETL':>15} | "
           f"{'WW DMG4':>11} {'WW/ETL':>7} | {'WW seed000':>11} {'/ETL':>7} | "
           f"{'WW th<pi':>7} | {'IWW':>11} {'IWW/ETL':>7}")
    print(hdr)
    print("-" * len(hdr))
    rows = []
    for m in MASSES:
        t0 = time.perf_counter()
        etl = sigma_etl(m, G, E0, Z, A, M_N, neval=args.neval, seed=args.seed)
        dt = time.perf_counter() - t0
        etl01 = sigma_etl(m, G, E0, Z, A, M_N, neval=args.neval, seed=args.seed + 1,
                          theta_max=0.1)
        s_etl = etl.value / picobarn
        e_etl = etl.uncertainty / picobarn
        w_dmg4 = ww.sigma_ww(m, G, E0, Z, A, theta_max=0.1, t_max="E2") / picobarn
        w_seed = ww.sigma_ww(m, G, E0, Z, A, theta_max=0.1, t_max="mmu2_plus_k2") / picobarn
        w_pi = ww.sigma_ww(m, G, E0, Z, A, theta_max=math.pi, t_max="E2") / picobarn
        iww = ww.sigma_iww(m, G, E0, Z, A, theta_max=0.1) / picobarn
        r01 = etl01.value / etl.value
        rows.append((m, s_etl, e_etl, dt, w_dmg4, w_seed, w_pi, iww))
        print(f"{fmt_m(m):>8} | {s_etl:11.5g} ± {e_etl:6.2g} {dt:5.1f} | {r01:15.4f} | "
              f"{w_dmg4:11.5g} {w_dmg4 / s_etl:7.4f} | {w_seed:11.5g} {w_seed / s_etl:7.4f} | "
              f"{w_pi / s_etl:7.4f} | {iww:11.5g} {iww / s_etl:7.3f}", flush=True)
    print("\nrelative MC uncertainty of ETL:",
          ", ".join(f"{fmt_m(r[0])}: {r[2] / r[1]:.1e}" for r in rows))
    print(f"WW with DMG4's alpha = 1/137 (g fixed): multiply WW by (alpha_137/alpha)^2 = "
          f"{(ALPHA_1_OVER_137 / ALPHA) ** 2:.5f}")
    if args.quick:
        return

    print("\n2. dsigma/dx [pb]: ETL (vegas, neval 20000) vs WW (theta_max 0.1, t_max E0^2)")
    print(f"{'m':>8} {'x':>6} | {'ETL':>18} | {'WW':>11} | {'WW/ETL':>7}")
    for m in (10 * MeV, 100 * MeV, 1 * GeV, 3 * GeV):
        for x in (0.05, 0.2, 0.5, 0.8, 0.95, 0.99):
            if x <= m / E0:
                continue
            v, e = dsigma_dx_etl(x, m, G, E0, Z, A, M_N, neval=20_000, seed=args.seed)
            w = ww.ww_dsigma_dx(x, m, G, E0, Z, A, theta_max=0.1, t_max="E2")
            print(f"{fmt_m(m):>8} {x:6.2f} | {v / picobarn:11.5g} ± {e / v:5.1e} | "
                  f"{w / picobarn:11.5g} | {w / v:7.4f}")

    print("\n3. IWW diagnosis: flux chi(t_min) taken out of the angular integral with")
    print("   t_min = m^4/4E0^2 (DMG4/Liu-Miller) vs the muon-beam t_min(x, theta=0) of WW")
    print(f"{'m':>8} | {'IWW(m^4/4E^2)/ETL':>18} | {'IWW(t_min(x,0))/ETL':>20}")
    for m, s_etl in [(r[0], r[1]) for r in rows]:
        a = ww.sigma_iww(m, G, E0, Z, A, theta_max=0.1) / picobarn
        b = ww.sigma_iww(m, G, E0, Z, A, theta_max=0.1, t_min="theta0") / picobarn
        print(f"{fmt_m(m):>8} | {a / s_etl:18.3f} | {b / s_etl:20.4f}")

    print("\n4a. sigma proportional to g^2 (same seed): sigma(g)/g^2 relative to g = 1e-3")
    m = 100 * MeV
    ref = sigma_etl(m, G, E0, Z, A, M_N, neval=20_000, seed=7).value / G**2
    for g in (1e-5, 1e-1):
        r = sigma_etl(m, g, E0, Z, A, M_N, neval=20_000, seed=7).value / g**2
        print(f"   g = {g:g}: ratio - 1 = {r / ref - 1:.2e}")

    print("\n4b. small-mass limit of the ETL: dsigma/dx at x = 0.3 converges as m -> 0;")
    print("    sigma grows like ln(E0/m) (soft, quasi-massless vector)")
    for m in (10 * MeV, 1 * MeV, 0.1 * MeV, 0.01 * MeV):
        v, e = dsigma_dx_etl(0.3, m, G, E0, Z, A, M_N, neval=20_000, seed=3)
        s = sigma_etl(m, G, E0, Z, A, M_N, neval=20_000, seed=3)
        w = ww.sigma_ww(m, G, E0, Z, A, theta_max=0.1, t_max="E2") / picobarn
        print(f"   m = {fmt_m(m):>9}: dsigma/dx(0.3) = {v / picobarn:10.6g} ± {e / v:.1e} pb, "
              f"sigma = {s.value / picobarn:10.6g} pb, WW/ETL = {w / (s.value / picobarn):.4f}")


if __name__ == "__main__":
    main()
