"""Layer 5: command-line entry points for event generation and the fast-simulation acceptances.

Hooked into :mod:`mucast.cli` by the lead with::

    from . import cli_events
    cli_events.register(sub)            # adds "generate" and "acceptance"

Commands (masses/energies in GeV)::

    mucast generate zprime --mass 0.1 --events 10000 --seed 1 --out z.lhe [--format lhe|csv]
                           [--decay nu|chi] [--energy 160] [--target Pb]
    mucast generate eft --operator ll_2233 [--mN 0.0] [--k 0.5] [--kmax 3] --events 10000
                        --seed 1 --out pairs.csv --format csv
    mucast acceptance --dataset 2022 [--config my_detector.toml] [--out DIR] [--events 40000] --json

Bad input raises :class:`mucast.exceptions.MucastError` subclasses (exit code 2 in
``mucast.cli.main``); output files are written atomically (nothing is left on error).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._cli import dump_json, finite_float, integer
from .exceptions import DataFileError, InputError, UnknownNameError
from .units import GeV


def _check_out(path: str, fmt: str | None) -> tuple[Path, str]:
    p = Path(path)
    fmt = fmt or ("csv" if p.suffix.lower() == ".csv" else "lhe")
    if fmt not in ("lhe", "csv"):
        raise UnknownNameError(f"--format must be lhe or csv, got {fmt!r}")
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        raise DataFileError(f"--out: directory {parent} does not exist")
    if p.is_dir():
        raise DataFileError(f"--out: {p} is a directory")
    return p, fmt


def _write(ev, path, fmt):
    from . import events
    if fmt == "csv":
        events.write_csv(ev, path)
    else:
        events.write_lhe(ev, path)


def cmd_generate(args):
    """`mucast generate`: unweighted signal events to LHE or CSV."""
    from . import events
    if args.events <= 0:
        raise InputError(f"--events must be >= 1, got {args.events}")
    if args.process == "eft":
        from .processes.eft import check_operator
        check_operator(args.operator)
    if args.energy <= 0:
        raise InputError(f"--energy must be > 0 GeV, got {args.energy}")
    path, fmt = _check_out(args.out, args.format)
    if args.process == "zprime":
        if not args.mass > 0:
            raise InputError(f"--mass must be > 0 GeV, got {args.mass}")
        ev = events.generate_zprime(args.mass * GeV, args.events, seed=args.seed,
                                    energy=args.energy * GeV, target=args.target,
                                    decay=args.decay)
    else:
        if args.mN < 0:
            raise InputError(f"--mN must be >= 0 GeV, got {args.mN}")
        kw = {}
        if args.k is not None:
            kw["k"] = args.k * GeV
        ev = events.generate_eft(args.operator, args.events, seed=args.seed,
                                 energy=args.energy * GeV, target=args.target, m_N=args.mN * GeV,
                                 k_max=args.kmax * GeV, decay=not args.no_decay, **kw)
    _write(ev, path, fmt)
    info = {"process": args.process, "events": len(ev), "out": str(path), "format": fmt,
            "seed": args.seed, "envelope_violations": ev.info["envelope_violations"]}
    if args.json:
        dump_json(info, default=str)
    else:
        print(f"wrote {len(ev)} {args.process} events to {path} ({fmt})")


def cmd_acceptance(args):
    """`mucast acceptance`: κ(k) and Z′ efficiencies from the fast simulation."""
    from . import acceptance_model as am
    from . import detector
    if args.dataset not in am.DATASETS:
        raise UnknownNameError(f"--dataset must be one of {', '.join(am.DATASETS)}, got "
                               f"{args.dataset!r}")
    if args.events < 1000:
        raise InputError(f"--events must be >= 1000 per point, got {args.events}")
    cfg = detector.DetectorConfig.from_file(args.config) if args.config else None
    if args.out is not None and not Path(args.out).is_dir():
        raise DataFileError(f"--out: directory {args.out} does not exist")
    res = am.derive(args.dataset, cfg, n_events=args.events, seed=args.seed)
    out = res.to_dict()
    if args.out is not None:
        cmd = (f"mucast acceptance --dataset {args.dataset} --events {args.events} "
               f"--seed {args.seed}" + (f" --config {args.config}" if args.config else ""))
        out["written"] = am.write_tables(res, args.out, command=cmd)
    if args.json:
        dump_json(out)
    else:
        for k, v in zip(out["k_GeV"], out["kappa"]):
            print(f"k = {k:6.3f} GeV  kappa = {v:.4f}")


def register(subparsers):
    """Add ``generate`` and ``acceptance`` to the main parser's subcommands."""
    from .processes.eft import OPERATORS
    from .acceptance_model import DATASETS

    g = subparsers.add_parser("generate", help="unweighted signal events (LHE or CSV)")
    gs = g.add_subparsers(dest="process", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--events", type=integer("--events"), required=True, help="number of unweighted events (> 0)")
    common.add_argument("--seed", type=integer("--seed"), default=0, help="random seed (same seed, same events)")
    common.add_argument("--out", required=True, help="output file (.lhe or .csv)")
    common.add_argument("--format", default=None, help="lhe or csv (default: from the suffix)")
    common.add_argument("--energy", type=finite_float("--energy"), default=160.0, help="GeV")
    common.add_argument("--target", default="Pb", help="target material (Pb, W, Cu, Fe, C)")
    common.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    z = gs.add_parser("zprime", parents=[common], help="mu N -> mu N Z' (WW)")
    z.add_argument("--mass", type=finite_float("--mass"), required=True, help="Z' mass [GeV]")
    z.add_argument("--decay", choices=("nu", "chi"), default=None, help="add the invisible decay products (isotropic)")
    z.set_defaults(func=cmd_generate)
    e = gs.add_parser("eft", parents=[common], help="mu N -> mu N chi1 chi2 (seed 000)")
    e.add_argument("--operator", required=True, help=", ".join(OPERATORS))
    e.add_argument("--mN", type=finite_float("--mN"), default=0.0, help="HNL mass [GeV]")
    e.add_argument("--k", type=finite_float("--k"), default=None, help="fixed pair mass [GeV]")
    e.add_argument("--kmax", type=finite_float("--kmax"), default=3.0, help="largest pair mass [GeV]")
    e.add_argument("--no-decay", action="store_true", help="do not sample the two fermions")
    e.set_defaults(func=cmd_generate)

    a = subparsers.add_parser("acceptance", help="kappa(k) and Z' efficiencies from the fast "
                                                  "simulation (docs/detector_model.md)")
    a.add_argument("--dataset", required=True, help=", ".join(DATASETS))
    a.add_argument("--config", default=None, help="detector TOML (default: the shipped 2022 model)")
    a.add_argument("--out", default=None, help="directory for derived_*.csv tables (model level;"
                                               " the package's default kappa tables are these"
                                               " times calibrated factors: scripts/calibrate_derived.py)")
    a.add_argument("--events", type=integer("--events"), default=40_000, help="events per point")
    a.add_argument("--seed", type=integer("--seed"), default=0, help="random seed")
    a.add_argument("--json", action="store_true", help="print the tables as one JSON object")
    a.set_defaults(func=cmd_acceptance)
    return subparsers
