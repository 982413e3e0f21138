"""Compare the exact tree-level (ETL) μN → μN χ1χ2 cross section of the four-fermion operators
(mucast.processes.eft.exact) with the WW result of mucast.processes.eft.production (seed 000, Eq. 20).

E₀ = 160 GeV, lead (Z = 82, A = 207.2, M_N = 207.2 u), unit coefficients (ratios only).
WW: ``eft.differential_cross_section`` / ``eft.dsigma_dk2`` / ``eft.k_integral`` with the default
conventions (θ_max = 0.1, t_max = m_μ² + k², verified amplitudes, O + h.c. for LNLe).
ETL: θ ≤ π, no t cut (kinematic limits), vegas.

Usage:  PYTHONPATH=src python validation/eft_etl_vs_ww.py [--neval N] [--seed S] [--section 1..4]

Sections
  1. vector current: ETL/WW for the pure-V combination (ll_2233 + le_3322 with equal
     coefficients, ε^A = 0) and for LN_22 (Dirac N, m_N = 0), next to the Z' ETL/WW at m = k
     (zprime_etl and the test-side WW reference with the same θ_max, t_max).
  2. LNLe_2222: ETL/WW of dσ/dx dk² on an (x, k) grid, m_N = 0 and 0.3 GeV; and WW(t_max = E₀²)/WW
     (how much of ETL/WW − 1 is the WW flux cut t_max = m_μ² + k²).
  3. ∫dx: dσ/dk² ETL/WW at a few k (LNLe m_N = 0, 0.3 GeV; LN_22).
  4. κ-weighted yield ratio ∫dk 2k κ dσ_ETL / ∫dk 2k κ dσ_WW, 2023-24 acceptance (LNLe).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "validation"))

import zprime_ww_reference as ww  # noqa: E402

from mucast.processes import conventions as conv  # noqa: E402
from mucast import experiments  # noqa: E402
from mucast.processes.eft import production as eft  # noqa: E402
from mucast.models.eft import EFTModel  # noqa: E402
from mucast.processes.eft.exact import (  # noqa: E402
    dsigma_dk2_etl,
    dsigma_dx_dk2_etl,
    yield_integral_etl,
)
from mucast.processes.mediators.exact import dsigma_dx_etl  # noqa: E402
from mucast.experiments.targets import Target  # noqa: E402
from mucast.units import GeV  # noqa: E402

E0 = 160 * GeV
PB = Target.from_name("Pb")
M_N = PB.atomic_mass
C = 1.0 / GeV**2
E2 = conv.DEFAULT.replace(t_max="E2")


def model(name, m_N=0.0):
    if name == "V":
        return EFTModel({"ll_2233": C, "le_3322": C})        # ε^V = −C, ε^A = 0
    return EFTModel({name: C}, m_N=m_N)


def section1(args):
    print("1. vector current: ETL/WW of dσ/dx dk² vs the Z' ETL/WW at m = k "
          "(WW: θ_max 0.1, t_max m_μ²+k²)")
    print(f"{'k[GeV]':>7} {'x':>5} | {'V: ETL/WW':>16} | {'LN_22: ETL/WW':>16} | "
          f"{'Zp: ETL/WW':>16} | {'V/Zp':>7}")
    for k in (0.05, 0.3, 1.0, 3.0):
        for x in (0.3, 0.7, 0.95):
            kk = k * GeV
            out = []
            for name in ("V", "LN_22"):
                m = model(name)
                r = dsigma_dx_dk2_etl(m, x, kk, E0, PB, neval=args.neval, seed=args.seed)
                w = float(eft.differential_cross_section(m, x, kk**2, E0, PB))
                out.append((r.value / w, r.uncertainty / w))
            zv, ze = dsigma_dx_etl(x, kk, 1e-3, E0, PB.Z, PB.A, M_N, neval=args.neval,
                                   seed=args.seed + 1, nitn=(5, 5))
            zw = ww.ww_dsigma_dx(x, kk, 1e-3, E0, PB.Z, PB.A, theta_max=0.1,
                                 t_max="mmu2_plus_k2")
            rz = (zv / zw, ze / zw)
            print(f"{k:7.2f} {x:5.2f} | {out[0][0]:8.4f} ± {out[0][1]:.4f} | "
                  f"{out[1][0]:8.4f} ± {out[1][1]:.4f} | {rz[0]:8.4f} ± {rz[1]:.4f} | "
                  f"{out[0][0] / rz[0]:7.4f}", flush=True)


def section2(args):
    print("\n2. LNLe_2222: ETL/WW of dσ/dx dk² (± vegas 1σ); last column WW(t_max=E0²)/WW")
    for m_N in (0.0, 0.3 * GeV):
        m = model("LNLe_2222", m_N)
        print(f"m_N = {m_N / GeV:g} GeV")
        xs = (0.3, 0.5, 0.7, 0.9, 0.95, 0.99)
        print(f"{'k[GeV]':>7} | " + " | ".join(f"{'x=' + str(x):>15}" for x in xs)
              + " | WW(E²)/WW at x=0.3, 0.95")
        for k in (0.05, 0.1, 0.3, 0.5, 1.0, 2.0, 3.0):
            kk = k * GeV
            if kk <= m_N:
                continue
            cells = []
            for x in xs:
                r = dsigma_dx_dk2_etl(m, x, kk, E0, PB, neval=args.neval, seed=args.seed)
                w = float(eft.differential_cross_section(m, x, kk**2, E0, PB))
                cells.append(f"{r.value / w:7.4f} ± {r.uncertainty / w:.4f}")
            we = [float(eft.differential_cross_section(m, x, kk**2, E0, PB, conventions=E2))
                  / float(eft.differential_cross_section(m, x, kk**2, E0, PB))
                  for x in (0.3, 0.95)]
            print(f"{k:7.2f} | " + " | ".join(cells) + f" | {we[0]:.4f}, {we[1]:.4f}",
                  flush=True)


def section3(args):
    print("\n3. ∫dx: dσ/dk² ETL/WW (4D vegas, neval 2×, 5+5 iterations)")
    for name, m_N, ks in (("LNLe_2222", 0.0, (0.05, 0.1, 0.3, 1.0, 2.0, 3.0)),
                          ("LNLe_2222", 0.3 * GeV, (1.0, 3.0)),
                          ("LN_22", 0.0, (0.1, 1.0, 3.0))):
        m = model(name, m_N)
        for k in ks:
            kk = k * GeV
            t0 = time.perf_counter()
            r = dsigma_dk2_etl(m, kk, E0, PB, neval=2 * args.neval, seed=args.seed)
            w = float(eft.dsigma_dk2(m, kk, E0, PB)[0])
            print(f"{name:9s} m_N={m_N / GeV:3.1f} k={k:4.2f} GeV: ETL/WW = "
                  f"{r.value / w:.4f} ± {r.uncertainty / w:.4f}  (Q={r.q_value:.2f}, "
                  f"{time.perf_counter() - t0:.0f} s)", flush=True)


def section4(args):
    exp = experiments.get("2023-24")
    acc = exp.acceptance
    print(f"\n4. κ-weighted yield ∫dk 2k κ(k) dσ/dk², data set {exp.name} "
          f"(k ≤ {acc.x_max / GeV:g} GeV), 5D vegas, neval 4×, 6+6 iterations")
    for m_N in (0.0, 0.3 * GeV, 1.0 * GeV):
        m = model("LNLe_2222", m_N)
        t0 = time.perf_counter()
        r = yield_integral_etl(m, E0, PB, acc, k_max=acc.x_max, neval=4 * args.neval,
                               seed=args.seed, nitn=(6, 6))
        w = eft.k_integral(m, E0, PB, acc, acc.x_max, tuple(acc.nodes)).value
        ratio = r.value / w
        print(f"LNLe_2222 m_N = {m_N / GeV:g} GeV: yield ETL/WW = {ratio:.4f} ± "
              f"{r.uncertainty / w:.4f} (Q={r.q_value:.2f}, {time.perf_counter() - t0:.0f} s); "
              f"bound ∝ yield^-1/2 → bound ETL/WW = {ratio ** -0.5:.4f}", flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--neval", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--section", type=int, action="append",
                    help="run only these sections (repeatable)")
    args = ap.parse_args(argv)
    print(f"E0 = 160 GeV, Pb (M_N = {M_N / GeV:.3f} GeV); vegas neval = {args.neval}/iteration, "
          f"5+5 iterations, seed {args.seed}\n")
    for i, fn in enumerate((section1, section2, section3, section4), start=1):
        if not args.section or i in args.section:
            fn(args)


if __name__ == "__main__":
    main()
