#!/usr/bin/env python3
"""Build ``src/mucast/data/cosmology/sm_dof.dat`` (Standard-Model g_eff, h_eff, g_*^{1/2}) from
its source (mucast.cosmology.dof; provenance also in src/mucast/data/README.md).

Source
------
K. Saikawa and S. Shirai, "Precise WIMP dark matter abundance and Standard
Model thermodynamics", JCAP 08 (2020) 011, arXiv:2005.03544.  The table of
g_*rho(T) and g_*s(T) (10 keV <= T <= 1.47e6 GeV, 538 rows, log-spaced in T)
is redistributed, with attribution "K. Saikawa and S. Shirai (2020)" in its
header, as ``ptarcade/data/g_star.dat`` inside the MIT-licensed PyPI wheel
``ptarcade-1.1.5-py3-none-any.whl`` (PTArcade, A. Mitridate and D. Wright;
the PTArcade code cites "reference 2005.03544" next to the load statement).

What this script does
---------------------
1. obtains the wheel with ``pip download ptarcade==1.1.5 --no-deps`` (or takes
   ``--wheel PATH``), checks the SHA-256 of ``g_star.dat`` against the value in
   the wheel's RECORD (and against the value pinned below);
2. reads columns T [GeV], f [Hz] (dropped), g_*s (= h_eff), g_*rho (= g_eff);
3. computes d ln h_eff / d ln T with a not-a-knot cubic spline in (ln T, ln h)
   and the Gondolo-Gelmini combination (Gondolo & Gelmini, NPB 360 (1991) 145,
   eq. 3.9 and text below it):

       g_*^{1/2} = h_eff / sqrt(g_eff) * (1 + (1/3) d ln h_eff / d ln T);

4. writes ``data/sm_dof.dat`` (columns: T_GeV g_eff h_eff gstar_half dlnh_dlnT);
5. prints two cross-checks: (a) the ideal-gas computation (photons, e+-, mu+-,
   pi, three neutrinos with T_nu from entropy conservation after instantaneous
   decoupling, N_eff = 3.046 normalisation) for 10 keV < T < 10 MeV;
   (b) the coarse Borsanyi et al. 2016 (Nature 539, 69; arXiv:1606.07494,
   table S2) points, as given in the text of that supplement, T >= 1 MeV.

Usage:  python scripts/make_dof_table.py [--wheel PATH] [--out FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
from scipy.integrate import quad
from scipy.interpolate import CubicSpline

PKG = "ptarcade==1.1.5"
WHEEL = "ptarcade-1.1.5-py3-none-any.whl"
MEMBER = "ptarcade/data/g_star.dat"
SHA256_MEMBER = "33df10ea30302cda2d83eeb5bc8067be5b2224ff95ec86964dce331877c05ff2"
SHA256_WHEEL = "85ab481df34dae84dd98b8941f856995e0c808d6d48fc9517cfe0482407f237e"

HERE = os.path.dirname(os.path.abspath(__file__))


def get_wheel(path: str | None, workdir: str) -> str:
    if path:
        return path
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                    "-d", workdir, PKG], check=True)
    return os.path.join(workdir, WHEEL)


def read_source(wheel: str) -> tuple[bytes, str]:
    with open(wheel, "rb") as fh:
        wsha = hashlib.sha256(fh.read()).hexdigest()
    with zipfile.ZipFile(wheel) as zf:
        raw = zf.read(MEMBER)
        record = zf.read("ptarcade-1.1.5.dist-info/RECORD").decode()
    sha = hashlib.sha256(raw).hexdigest()
    if sha != SHA256_MEMBER:
        raise RuntimeError(f"{MEMBER}: sha256 {sha} != pinned {SHA256_MEMBER}")
    if SHA256_MEMBER not in record:
        raise RuntimeError("sha256 of g_star.dat not found in the wheel RECORD")
    if wsha != SHA256_WHEEL:
        print(f"note: wheel sha256 {wsha} differs from pinned {SHA256_WHEEL}"
              " (member hash matches, continuing)")
    return raw, wsha


def derived_columns(T, g, h):
    lnT = np.log(T)
    spl = CubicSpline(lnT, np.log(h))
    dlnh = spl(lnT, 1)
    gsh = h / np.sqrt(g) * (1.0 + dlnh / 3.0)
    return gsh, dlnh


# ---------------------------------------------------------------- ideal gas
def _rho_s(m, T, g, fermion):
    """Ideal-gas energy and entropy density of one species at zero chemical
    potential, normalised as contributions to g_eff and h_eff:
    rho = (pi^2/30) g_eff T^4, s = (2 pi^2/45) h_eff T^3 (standard, e.g.
    Kolb & Turner, 'The Early Universe', eqs. 3.61-3.62 with s = (rho+p)/T)."""
    x = m / T
    sgn = 1.0 if fermion else -1.0

    def frho(u):
        return u * u * np.sqrt(max(u * u - x * x, 0.0)) / (np.exp(u) + sgn)

    def fp(u):
        return max(u * u - x * x, 0.0) ** 1.5 / (np.exp(u) + sgn)

    lo = x
    with np.errstate(over="ignore"):
        rho = quad(frho, lo, lo + 60.0, limit=200)[0] * g / (2 * np.pi**2)
        p = quad(fp, lo, lo + 60.0, limit=200)[0] * g / (6 * np.pi**2)
    return rho / (np.pi**2 / 30), (rho + p) / (2 * np.pi**2 / 45)


def ideal_gas(T, Tdec=2.0e-3, neff=3.046):
    """g_eff, h_eff of gamma, e, mu, pi + 3 nu (T in GeV). After instantaneous
    neutrino decoupling at Tdec the (gamma, e) entropy is conserved on its own,
    so (T_nu/T)^3 = h_ge(T)/h_ge(Tdec); the neutrino energy density is then
    scaled by neff/3 (and its entropy by (neff/3)^(3/4))."""
    me, mmu, mpi0, mpic = 0.51099895e-3, 0.1056583755, 0.1349768, 0.13957039

    def h_ge(t):
        ge, he = _rho_s(me, t, 4, True)
        return 2.0 + he

    g_tot, h_tot = 2.0, 2.0
    ge, he = _rho_s(me, T, 4, True)
    gm, hm = _rho_s(mmu, T, 4, True)
    gp0, hp0 = _rho_s(mpi0, T, 1, False)
    gpc, hpc = _rho_s(mpic, T, 2, False)
    g_tot += ge + gm + gp0 + gpc
    h_tot += he + hm + hp0 + hpc
    if T >= Tdec:
        r, fr, fs = 1.0, 1.0, 1.0
    else:
        r = (h_ge(T) / h_ge(Tdec)) ** (1.0 / 3.0)
        fr, fs = neff / 3.0, (neff / 3.0) ** 0.75
    g_tot += 7.0 / 8.0 * 6.0 * r**4 * fr
    h_tot += 7.0 / 8.0 * 6.0 * r**3 * fs
    return g_tot, h_tot


# Borsanyi et al. 2016, table S2: log10(T/MeV), g_eff(rho), g_eff/g_s  (T >= 1 MeV)
BORSANYI_S2 = [(0.00, 10.71, 1.00228), (0.50, 10.74, 1.00029), (1.00, 10.76, 1.00048),
               (1.25, 11.09, 1.00505), (1.60, 13.68, 1.02159), (2.00, 17.61, 1.02324),
               (2.15, 24.07, 1.05423), (2.20, 29.84, 1.07578), (2.40, 47.83, 1.06118),
               (2.50, 53.04, 1.04690), (3.00, 73.48, 1.01778)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wheel", default=None)
    ap.add_argument("--out", default=os.path.join(HERE, "..", "src", "mucast", "data", "cosmology",
                                                  "sm_dof.dat"))
    ap.add_argument("--no-checks", action="store_true")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as wd:
        raw, wsha = read_source(get_wheel(a.wheel, wd))
    tab = np.loadtxt(io.StringIO(raw.decode()))
    T, h, g = tab[:, 0], tab[:, 2], tab[:, 3]
    assert np.all(np.diff(T) > 0)
    gsh, dlnh = derived_columns(T, g, h)
    hdr = "\n".join([
        "Standard-Model effective degrees of freedom; GENERATED by make_dof_table.py -- do not edit.",
        "Source: K. Saikawa & S. Shirai, JCAP 08 (2020) 011, arXiv:2005.03544 (lattice-QCD based EOS;",
        f"  table redistributed as {MEMBER} in the MIT-licensed PyPI wheel {WHEEL},",
        f"  member sha256 {SHA256_MEMBER}).",
        "Columns: T [GeV] | g_eff (= g_*rho, energy) | h_eff (= g_*s, entropy) |",
        "  gstar_half = h_eff/sqrt(g_eff)*(1 + dlnh_dlnT/3) (Gondolo-Gelmini 1991 eq. 3.9) | dlnh_dlnT",
        "g_eff and h_eff are copied unchanged from the source; the last two columns are derived here",
        "(not-a-knot cubic spline of ln h_eff in ln T). See data/README.md.",
    ])
    np.savetxt(a.out, np.column_stack([T, g, h, gsh, dlnh]), header=hdr,
               fmt=["%.7e", "%.6f", "%.6f", "%.6f", "%.6e"])
    print(f"wrote {a.out}: {len(T)} rows, T = {T[0]:.3g} .. {T[-1]:.3g} GeV")
    if a.no_checks:
        return
    # (a) ideal gas, 10 keV .. 10 MeV
    print("\nideal-gas check (gamma, e, mu, pi, 3 nu; Tdec = 2 MeV, N_eff = 3.046):")
    print(f"{'T/MeV':>9} {'g_eff SS':>9} {'g_eff gas':>9} {'dev%':>6} {'h_eff SS':>9} {'h_eff gas':>9} {'dev%':>6}")
    for Tm in [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0]:
        Tg = Tm * 1e-3
        gs_, hs_ = np.interp(np.log(Tg), np.log(T), g), np.interp(np.log(Tg), np.log(T), h)
        gg, hg = ideal_gas(Tg)
        print(f"{Tm:9.3g} {gs_:9.4f} {gg:9.4f} {100*(gg/gs_-1):6.2f} {hs_:9.4f} {hg:9.4f} {100*(hg/hs_-1):6.2f}")
    # (b) Borsanyi S2
    print("\nBorsanyi et al. 2016 table S2 vs this table:")
    print(f"{'T/MeV':>9} {'g_eff Bo':>9} {'g_eff SS':>9} {'dev%':>6} {'h_eff Bo':>9} {'h_eff SS':>9} {'dev%':>6}")
    for lt, gb, r in BORSANYI_S2:
        Tg = 10**lt * 1e-3
        gs_, hs_ = np.interp(np.log(Tg), np.log(T), g), np.interp(np.log(Tg), np.log(T), h)
        hb = gb / r
        print(f"{10**lt:9.4g} {gb:9.3f} {gs_:9.3f} {100*(gs_/gb-1):6.2f} {hb:9.3f} {hs_:9.3f} {100*(hs_/hb-1):6.2f}")


if __name__ == "__main__":
    main()
