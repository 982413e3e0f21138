#!/usr/bin/env python
"""Write src/mucast/data/trident/muon_tensor.npz: the pair-angle-integrated muon tensor of
νγ → νμ⁺μ⁻ (τ₁, τ₂ for the vector and axial currents) on the (M², Q²) grid of
mucast.processes.trident.TABLE_GRID (81 × 121 Simpson nodes, 32 angular nodes; ~15 s).

    python scripts/make_trident_table.py [--out FILE]

Derived data, not measured: explicit Dirac spinors and both diagrams, computed by
mucast.processes.trident.build_table (docs/derivations/ccfr.md §5). A grid of twice the density
gives the same bound to 1e-7 (tests/test_trident.py compares a few entries with a fresh
evaluation).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from mucast.processes.trident import TABLE_GRID, build_table

OUT = Path(__file__).resolve().parents[1] / "src" / "mucast" / "data" / "trident" / "muon_tensor.npz"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args(argv)
    t = build_table(**TABLE_GRID)
    np.savez_compressed(a.out, **t, **{k: np.array(v) for k, v in TABLE_GRID.items()})
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
