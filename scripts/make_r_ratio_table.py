#!/usr/bin/env python3
"""Build ``src/mucast/data/hadrons/r_ratio.csv`` — the R ratio R(√s) = σ(e⁺e⁻ → hadrons)/σ_μμ
that mucast.models.hadrons interpolates — from the PDG compilation shipped beside it
(provenance: src/mucast/data/hadrons/README.md).

Input
-----
``src/mucast/data/hadrons/rpp2020-hadronicrpp_page1001.dat``: the PDG 2020 R-ratio compilation
(RPP 2020, P.A. Zyla et al., PTEP 2020 (2020) 083C01, the review "Plots of cross sections and
related quantities", R in e⁺e⁻ collisions; data file ``rpp2020-hadronicrpp_page1001.dat``), 1398
data rows. Columns: √s [GeV], √s bin low and high edges [GeV], R, +stat, −stat, normalisation
uncertainty [%], short code of the measurement, reference, +sys and −sys point-to-point [%],
comment. Below 2 GeV the PDG provides its own sum of exclusive channels ("EXCLSUM 19": 875
points, 0.300–1.990 GeV, one total uncertainty in the ±stat columns); above, the inclusive
measurements of each experiment.

What this script does
---------------------
1. **0.300 ≤ √s ≤ 1.990 GeV (exclusive sum)**: every EXCLSUM point is a node, unchanged; the one
   repeated energy is replaced by the weighted mean of its two entries. The grid is ≤ 2 MeV near
   the ω (Γ = 8.7 MeV) and ≤ 1 MeV near the φ (Γ = 4.25 MeV), so both peaks are resolved by
   the points themselves (checked: tests/test_hadrons.py integrates them against Γ_ee).
2. **1.990 < √s ≤ 10.52 GeV (inclusive data)**: the measurements of all experiments are
   combined in bins — 100 MeV for 1.99–3.72 GeV (R flat within the errors), 10 MeV for
   3.72–3.83 GeV (ψ(3770), Γ = 27 MeV), 20 MeV for 3.83–4.62 GeV (ψ(4040), ψ(4160), ψ(4415),
   Γ = 60–80 MeV), 250 MeV above (sparse data, no structure). Each point's uncertainty is
   stat ⊕ point-to-point sys ⊕ normalisation (the normalisation taken as uncorrelated: a
   conservative simplification for experiments with several points in one bin). A bin's node is
   the inverse-variance weighted mean in √s and R, with the PDG scale factor
   S = max(1, √(χ²/(N−1))) on its uncertainty. Empty bins give no node.
3. The narrow resonances J/ψ, ψ(2S), Υ(1S), Υ(2S), Υ(3S) (Γ = 20–300 keV) are **not** in the
   data (they are far narrower than any scan step); mucast.models.hadrons adds them as
   Breit–Wigner terms from their PDG Γ_ee and widths (data/hadrons/narrow_vectors.toml).
4. Writes ``r_ratio.csv``: columns ``sqrt_s_GeV, R, dR, n_points, kind`` (kind = exclusive-sum
   or inclusive-binned), with the provenance in ``#`` lines.
5. Prints the checks: the interpolation error of linear interpolation between the EXCLSUM nodes
   (leave-one-out: each interior point predicted from its two neighbours), the exclusive sum
   against the two inclusive points that overlap it (KEDR 2018 at 1.84 and 1.94 GeV), and the
   bins' scale factors.

Usage:  python scripts/make_r_ratio_table.py [--out FILE]
"""
from __future__ import annotations

import argparse
import hashlib
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "src", "mucast", "data", "hadrons")
SOURCE = "rpp2020-hadronicrpp_page1001.dat"
#: SHA-256 of the shipped input (as fetched; data/hadrons/README.md)
SHA256 = "6532033886b71fcc9d5f79c5cd50a15ac97805c99b36fc03b46a7fe5f1b1de1e"

EXCL_END = 1.990        # GeV: last EXCLSUM point
TABLE_END = 10.52       # GeV: last inclusive point below the open-bottom threshold (CLEO 1997)


def bin_edges():
    """The inclusive-region bin edges [GeV] (module doc, step 2)."""
    return np.unique(np.round(np.concatenate([
        np.arange(1.995, 3.72, 0.1), [3.72],
        np.arange(3.72, 3.83, 0.01),
        np.arange(3.83, 4.62, 0.02), [4.62],
        np.arange(4.62, 10.45, 0.25), [10.40, 10.53]]), 6))


def read_rows(path):
    """(E, R, stat, norm_pct, sys_pct, code) of every data row."""
    rows = []
    with open(path, encoding="ascii") as fh:
        for line in fh:
            if line.startswith(("#", "*")) or not line.strip():
                continue
            num = line.split()
            quoted = line.split("'")
            code = quoted[1].strip()
            sys_p, sys_m = (float(v) for v in quoted[4].split()[:2])
            stat = 0.5 * (abs(float(num[4])) + abs(float(num[5])))
            rows.append((float(num[0]), float(num[3]), stat, float(num[6]),
                         0.5 * (abs(sys_p) + abs(sys_m)), code))
    return rows


def weighted(x, r, s):
    w = 1.0 / s**2
    mean = np.sum(w * r) / np.sum(w)
    err = 1.0 / np.sqrt(np.sum(w))
    n = len(r)
    scale = 1.0
    if n > 1:
        chi2 = np.sum(w * (r - mean) ** 2)
        scale = max(1.0, np.sqrt(chi2 / (n - 1)))
    return np.sum(w * x) / np.sum(w), mean, err * scale, scale


def build(path):
    rows = read_rows(path)
    excl = [r for r in rows if r[5].startswith("EXCLSUM")]
    incl = [r for r in rows if not r[5].startswith("EXCLSUM") and EXCL_END < r[0] <= TABLE_END]
    nodes = []
    e = np.array([r[0] for r in excl])
    for ei in np.unique(e):
        sel = [r for r in excl if r[0] == ei]
        _, rm, err, _ = weighted(np.array([ei] * len(sel)), np.array([r[1] for r in sel]),
                                 np.array([r[2] for r in sel]))
        nodes.append((ei, rm, err, len(sel), "exclusive-sum"))
    edges = bin_edges()
    scales = []
    ei = np.array([r[0] for r in incl])
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        sel = [r for r, x in zip(incl, ei, strict=True) if lo < x <= hi]
        if not sel:
            continue
        x = np.array([r[0] for r in sel])
        rr = np.array([r[1] for r in sel])
        tot = np.sqrt(np.array([r[2] for r in sel]) ** 2
                      + (rr * np.array([r[4] for r in sel]) / 100) ** 2
                      + (rr * np.array([r[3] for r in sel]) / 100) ** 2)
        xm, rm, err, scale = weighted(x, rr, tot)
        scales.append((lo, hi, len(sel), scale))
        nodes.append((xm, rm, err, len(sel), "inclusive-binned"))
    return rows, excl, incl, nodes, scales


def checks(rows, excl, nodes, scales):
    e = np.array([n[0] for n in nodes if n[4] == "exclusive-sum"])
    r = np.array([n[1] for n in nodes if n[4] == "exclusive-sum"])
    s = np.array([n[2] for n in nodes if n[4] == "exclusive-sum"])
    pred = r[:-2] + (r[2:] - r[:-2]) * (e[1:-1] - e[:-2]) / (e[2:] - e[:-2])
    rel = np.abs(pred / r[1:-1] - 1)
    pull = np.abs(pred - r[1:-1]) / s[1:-1]
    print(f"leave-one-out linear interpolation over {len(rel)} EXCLSUM points (spacing doubled):"
          f" median |dR/R| = {np.median(rel):.4f}, 90% quantile {np.quantile(rel, 0.9):.4f},"
          f" max {rel.max():.3f} at {e[1:-1][rel.argmax()]:.4f} GeV; median pull {np.median(pull):.2f},"
          f" 90% quantile {np.quantile(pull, 0.9):.2f}")
    for lo, hi in ((0.3, 0.7), (0.7, 0.85), (0.85, 1.0), (1.0, 1.05), (1.05, 1.99)):
        m = (e[1:-1] > lo) & (e[1:-1] <= hi)
        print(f"   {lo:.2f}-{hi:.2f} GeV: median |dR/R| = {np.median(rel[m]):.4f}, max"
              f" {rel[m].max():.4f}; median quoted dR/R = {np.median(s[1:-1][m] / r[1:-1][m]):.4f}")
    for row in rows:
        if row[5].startswith("ANASHIN") and row[0] < EXCL_END:
            rx = np.interp(row[0], e, r)
            sx = np.interp(row[0], e, s)
            tot = np.hypot(row[2], row[1] * row[4] / 100)
            print(f"overlap {row[0]:.3f} GeV: EXCLSUM {rx:.3f} +- {sx:.3f}, {row[5]} {row[1]:.3f} +-"
                  f" {tot:.3f} ({(rx - row[1]) / np.hypot(sx, tot):+.2f} sigma)")
    big = [sc for sc in scales if sc[3] > 1.5]
    print(f"{len(scales)} inclusive bins; scale factor S > 1.5 in {len(big)}: "
          + ", ".join(f"{lo:.3f}-{hi:.3f} (N={n}, S={sc:.2f})" for lo, hi, n, sc in big))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(DATA, "r_ratio.csv"))
    args = ap.parse_args()
    src = os.path.join(DATA, SOURCE)
    with open(src, "rb") as fh:
        digest = hashlib.sha256(fh.read()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{src}: SHA-256 {digest} is not the pinned {SHA256}")
    rows, excl, incl, nodes, scales = build(src)
    checks(rows, excl, nodes, scales)
    head = [
        "# R(sqrt s) = sigma(e+e- -> hadrons)/sigma(e+e- -> mu+mu-), the nodes mucast.models.hadrons interpolates (linear in sqrt s)",
        f"# derived by scripts/make_r_ratio_table.py from {SOURCE} (PDG 2020 R-ratio compilation, RPP 2020,"
        " PTEP 2020 083C01; SHA-256 " + SHA256 + ")",
        "# 0.300-1.990 GeV: the PDG sum of exclusive channels (EXCLSUM 19), every point a node; 1.990-10.52 GeV:"
        " inclusive measurements combined in bins (100/10/20/250 MeV), weighted mean with the PDG scale factor",
        "# narrow J/psi, psi(2S), Upsilon(1S-3S) are NOT in this table (added as Breit-Wigner terms, data/hadrons/narrow_vectors.toml)",
        "# dR: the node's 1-sigma uncertainty (stat + sys + normalisation; scale factor applied)",
        "sqrt_s_GeV,R,dR,n_points,kind",
    ]
    with open(args.out, "w", encoding="ascii") as fh:
        fh.write("\n".join(head) + "\n")
        for e, r, s, n, kind in nodes:
            fh.write(f"{e:.6f},{r:.6g},{s:.4g},{n},{kind}\n")
    print(f"wrote {args.out}: {len(nodes)} nodes ({sum(n[4] == 'exclusive-sum' for n in nodes)}"
          f" exclusive, {sum(n[4] != 'exclusive-sum' for n in nodes)} inclusive bins from"
          f" {len(incl)} points)")


if __name__ == "__main__":
    main()
