"""Speed of the Z' limit curve: mucast's vectorised WW engine vs a straightforward
scipy.integrate.quad implementation of σ(m; x ≥ 0.5), and the ETL (vegas) cost per mass point.

    python benchmarks/bench_zprime.py

The quad reference integrates the DMG4 WW formula (physics-references.md) literally: outer quad
over x ∈ [0.5, 1 − m_μ/E] (in ln(1 − x)), inner quad over θ ∈ [0, 0.1] (in ln θ), the flux in
closed form. Its time is measured on a few masses and scaled to 200 (it is linear in the number
of masses). Both evaluate the same σ; their agreement is printed. CPU time (user + system of
this process). The curve is timed with the narrow width (σ only: what the quad reference
computes) and with the default production ``auto``, which adds the run-time domain checks of
issue 16 (narrow-width doubt, the off-shell integral where it is needed) and the decays bound.
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.integrate import quad

from mucast.inference import mediators as zl
from mucast.constants import ALPHA, M_MU
from mucast.processes.flux import photon_flux
from mucast.processes.mediators import production as zprime
from mucast.experiments.targets import Target
from mucast.units import GeV, MeV, natural_to_area

E = 160 * GeV
PB = Target.from_name("Pb")
N_POINTS = 200


def sigma_quad(m, x_min=0.5, theta_max=0.1, g=1.0):
    """σ/g² by nested scipy quad of dσ/(dx dθ) (DMG4 WW, t_max = E²) [area]."""
    def d2(theta, x):
        u = -x * E**2 * theta**2 - m**2 * (1 - x) / x - M_MU**2 * x
        chi = float(photon_flux(u**2 / (4 * E**2 * (1 - x) ** 2), E**2, PB.Z, PB.t_a, PB.t_d))
        b = 2 * (2 - 2 * x + x * x) / (1 - x) + 4 * (m * m + 2 * M_MU**2) / u**2 * (
            u * x + m * m * (1 - x) + M_MU**2 * x * x)
        return (2 * g * g / (4 * math.pi * ALPHA) * ALPHA**3 * E**2 * math.sin(theta)
                * math.sqrt(x * x - m * m / E**2) * (1 - x) / u**2 * b * chi)

    def dx(x):
        th0 = math.sqrt((m * m * (1 - x) / x + M_MU**2 * x) / x) / E
        f = lambda s: math.exp(s) * d2(math.exp(s), x)
        return quad(f, math.log(th0 * 1e-4), math.log(theta_max), epsrel=1e-6, limit=200,
                    points=[math.log(th0)] if th0 < theta_max else None)[0]

    f = lambda v: math.exp(v) * dx(1 - math.exp(v))
    val = quad(f, math.log(M_MU / E) + 1e-9, math.log(1 - x_min), epsrel=1e-6, limit=200)[0]
    return natural_to_area(val)


def main():
    masses = np.geomspace(1 * MeV, 3 * GeV, N_POINTS)
    zl.coupling_limit_scan("lmu-ltau", masses[:3], "2022")            # load tables, pyhf N_up (cached)
    reps = 5
    t_cur = {}
    for production in ("narrow", "auto"):
        zl.coupling_limit_scan("lmu-ltau", masses, "2022", production=production)   # warm
        t0 = time.process_time()
        for _ in range(reps):
            r = zl.coupling_limit_scan("lmu-ltau", masses, "2022", production=production)
        t_cur[production] = (time.process_time() - t0) / reps
    t_vec = t_cur["narrow"]
    sub = masses[:: N_POINTS // 5]
    t0 = time.process_time()
    ref = [sigma_quad(m) for m in sub]
    t_quad = (time.process_time() - t0) / len(sub) * N_POINTS
    ours, _ = zprime.cross_section_per_g2(sub, x_min=0.5)
    dev = max(abs(o / q - 1) for o, q in zip(ours, ref, strict=True))
    print(f"200-point 2022 limit curve (vectorised WW), CPU: narrow width {t_vec * 1e3:.1f} ms,"
          f" default production (auto: the off-shell check) {t_cur['auto'] * 1e3:.1f} ms")
    print(f"200 sigma(m) with nested scipy quad:        {t_quad:.1f} s (from {len(sub)} masses)")
    print(f"speed ratio quad / mucast:                  {t_quad / t_vec:.0f} (narrow),"
          f" {t_quad / t_cur['auto']:.0f} (default)")
    print(f"max relative difference of sigma:           {dev:.1e}")
    try:
        t0 = time.perf_counter()
        e = zprime.cross_section(100 * MeV, 1e-3, approx="etl", x_min=0.5, neval=20_000)
        t_etl = time.perf_counter() - t0
        w = zprime.cross_section(100 * MeV, 1e-3, x_min=0.5)
        print(f"ETL (vegas, neval 2e4) per mass point:      {t_etl:.1f} s;"
              f" ETL/WW(theta<0.1) at 100 MeV, x>=0.5 = {e.value / w.value:.4f}"
              f" +- {e.error / w.value:.4f}")
    except Exception as exc:  # pragma: no cover
        print(f"ETL not available: {exc}")
    return r


if __name__ == "__main__":
    main()
