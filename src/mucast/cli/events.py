"""Layer 5: command-line entry points for event generation and the fast-simulation acceptances.

Hooked into :mod:`mucast.cli` by the lead with::

    from . import cli_events
    cli_events.register(sub)            # adds "generate" and "acceptance"

Commands (masses/energies in GeV)::

    mucast generate zprime --mass 0.1 --events 10000 --seed 1 --out z.lhe[.gz] [--quiet]
                           [--decay nu|chi] [--energy 160] [--target Pb]
    mucast generate eft --operator ll_2233 [--m-N 0.0] [--k 0.5] [--kmax 3] --events 10000
                        --seed 1 --out pairs.csv          (or .parquet with pyarrow)
    mucast acceptance --dataset 2022 [--config my_detector.toml] [--out DIR] [--events 40000] --json

Bad input raises :class:`mucast.exceptions.MucastError` subclasses (exit code 2 in
``mucast.cli.main``) before any computation — also an ``--out`` that is a link, a folder or a
file that is not mucast's (docs/files.md); output files are written atomically (nothing is left
on error, Ctrl-C or SIGTERM) with the user's umask, chunk by chunk (memory independent of
--events), and locked against a second writer.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from mucast._io import check_output_path
from mucast.cli.common import add_mass_option, emit, integer, number
from mucast.exceptions import DataFileError, KinematicsError, UnknownNameError
from mucast.units import GeV


def cmd_generate(args):
    """`mucast generate`: unweighted signal events, streamed chunk by chunk to LHE, LHE.gz, CSV
    or Parquet (mucast.events.files); memory bounded independently of --events."""
    import sys

    from tqdm import tqdm

    from mucast.events import files as event_io
    from mucast import events
    # everything that can be refused is refused before any computation
    fmt = event_io.format_from_path(args.out, args.format)
    path = Path(args.out)
    check_output_path(path, "--out")      # a link, a folder, a file not mucast's: refused now
    _check_domain(args)
    if args.process == "eft":
        from mucast.models.eft import EFTModel, check_operator
        check_operator(args.operator)
        EFTModel({args.operator: 1.0 / GeV**2}, m_N=args.mN * GeV)    # the --m-N rule
        decayed = not args.no_decay
    else:
        decayed = args.decay is not None
    event_io.check_disk_space(path, event_io.estimate_bytes(
        fmt, args.events, args.process, decayed, args.target))
    if args.process == "zprime":
        chunks = events.iter_zprime(args.mass * GeV, args.events, seed=args.seed,
                                    energy=args.energy * GeV, target=args.target,
                                    decay=args.decay, spin=args.spin)
    else:
        kw = {} if args.k is None else {"k": args.k * GeV}
        chunks = events.iter_eft(args.operator, args.events, seed=args.seed,
                                 energy=args.energy * GeV, target=args.target, m_N=args.mN * GeV,
                                 k_max=None if args.kmax is None else args.kmax * GeV,
                                 decay=decayed, **kw)
    show = sys.stderr.isatty() and not args.quiet
    with tqdm(total=args.events, unit="ev", unit_scale=True, file=sys.stderr, disable=not show,
              desc=f"mucast generate {args.process}") as bar:
        totals = event_io.write_events(chunks, path, fmt, progress=bar)
    info = {"process": args.process, "events": totals["events"], "out": str(path), "format": fmt,
            "seed": args.seed, "envelope_violations": totals.get("envelope_violations", 0),
            "totals": totals, "warnings": _generate_warnings(args, totals)}
    emit(args, info, f"wrote {totals['events']} {args.process} events to {path} ({fmt})")


def _generate_warnings(args, totals) -> list[str]:
    """What a sample must say about itself: accept-reject envelope violations (the sample is
    biased where they happen), events whose recoil was redrawn, and, for the mediator, where the
    WW density the events follow is off from the exact tree level by more than its 2%
    (mucast.processes.mediators.ww_domain)."""
    n = max(int(totals.get("events", 0)), 1)
    out = []
    if totals.get("envelope_violations", 0):
        out.append(f"{totals['envelope_violations']} accept-reject envelope violations: the"
                   " sample is biased where the density exceeded its envelope")
    if totals.get("recoil_resampled", 0):
        out.append(f"{totals['recoil_resampled']} events ({100 * totals['recoil_resampled'] / n:.2g}%)"
                   " had their nucleus recoil redrawn to stay on shell: a small bias near x -> 1")
    if args.process == "zprime":
        import numpy as np

        from mucast.processes.mediators import ww_domain
        # the criterion of WW as asked (ww_domain.cross_section_per_g2's notes), for its density
        notes: list[list] = [[]]
        ww_domain.cross_section_per_g2(np.array([args.mass * GeV]), args.energy * GeV,
                                       args.target, "ww", spin=args.spin or "vector", notes=notes)
        for code, size in notes[0]:
            if code == "ww-unchecked":
                out.append("the events follow the WW density, whose accuracy the exact/WW table"
                           " does not know for this beam, target or mass (docs/models.md §2)")
            elif code == "ww-off":
                out.append(f"the events follow the WW density, whose total is off from the exact"
                           f" tree level by {100 * size:.2g}% here, beyond its stated 2%"
                           " (docs/models.md §2): shapes and rates are WW's")
    return out


def _check_domain(args):
    """--mass, --k and --kmax against the generators' domain, m <= sqrt(2 E m_mu) (it depends on
    --energy, so argparse cannot check it): one line naming the option and its range."""
    from mucast.events.generators import system_mass_limit
    lim = system_mass_limit(args.energy * GeV) / GeV
    opts = [("--mass", getattr(args, "mass", None), "[1e-06, "),
            ("--k", getattr(args, "k", None), "(0, "),
            ("--kmax", getattr(args, "kmax", None), "(0, ")]
    for opt, val, lo in opts:
        if val is not None and val > lim:
            raise KinematicsError(f"{opt} must be in {lo}{lim:.4g}] GeV at --energy {args.energy:g}"
                                  f" GeV (the generator's domain, sqrt(2 E m_mu);"
                                  f" docs/detector_model.md), got {val:g}")
    if getattr(args, "process", None) == "eft" and getattr(args, "mN", 0.0):
        # the pair's threshold (2 m_N for N N-bar, m_N for N nu-bar) must lie below the largest
        # pair mass generated: say it with --m-N's own range, not as an empty k range
        from mucast.inference.limits import pair_threshold
        per = float(pair_threshold(args.operator, args.mN * GeV)) / GeV / args.mN
        top = args.kmax if args.kmax is not None else min(3.0, lim)
        if per > 0 and args.mN * per >= top:
            raise KinematicsError(
                f"--m-N must be below {top / per:.4g} GeV for {args.operator} (its pair threshold"
                f" {'2 m_N' if per == 2 else 'm_N'} must lie below the largest pair mass"
                f" generated, {top:g} GeV: --kmax, at most sqrt(2 E m_mu) = {lim:.4g} GeV),"
                f" got {args.mN:g}")


def cmd_acceptance(args):
    """`mucast acceptance`: κ(k) and Z′ efficiencies from the fast simulation."""
    from mucast.events import acceptance_model as am
    from mucast.events import detector
    if args.dataset not in am.DATASETS:
        raise UnknownNameError(f"--dataset must be one of {', '.join(am.DATASETS)}, got "
                               f"{args.dataset!r}")
    if args.out is not None:              # refused before the simulation, not after it
        out = Path(args.out)
        if out.exists() and not out.is_dir():
            raise DataFileError(f"--out {out} exists and is not a directory")
        check_output_path(out / f"derived_{args.dataset}.csv", "--out")
    cfg = detector.DetectorConfig.from_file(args.config) if args.config else None
    res = am.derive(args.dataset, cfg, n_events=args.events, seed=args.seed)
    out = res.to_dict()
    if args.out is not None:
        cmd = (f"mucast acceptance --dataset {args.dataset} --events {args.events} "
               f"--seed {args.seed}" + (f" --config {args.config}" if args.config else ""))
        out["written"] = am.write_tables(res, args.out, command=cmd)
    emit(args, out, [f"k = {k:6.3f} GeV  kappa = {v:.4f}" for k, v in zip(out["k_GeV"], out["kappa"], strict=True)])


def register(subparsers):
    """Add ``generate`` and ``acceptance`` to the main parser's subcommands."""
    from mucast.cli.choices import DETECTOR_DATASETS as DATASETS
    from mucast.cli.choices import EVENT_FORMATS
    from mucast.cli.choices import OPERATORS

    g = subparsers.add_parser("generate", help="unweighted signal events (LHE, LHE.gz, CSV, Parquet)")
    gs = g.add_subparsers(dest="process", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--events", type=integer("--events", 1), required=True,
                        help="number of unweighted events (>= 1); written in chunks, memory does"
                             " not grow with it; refused if the estimated file does not fit the disk")
    common.add_argument("--seed", type=integer("--seed", 0), default=0,
                        help="random seed, an integer >= 0 (same seed, same events)")
    common.add_argument("--out", required=True,
                        help="output file; the format follows the name: " + ", ".join(
                            EVENT_FORMATS) + " (.parquet needs pyarrow); folders are created")
    common.add_argument("--format", default=None, choices=sorted(set(EVENT_FORMATS.values())),
                        help="optional; must agree with the file name")
    common.add_argument("--quiet", action="store_true",
                        help="no progress bar (shown on stderr only when it is a terminal)")
    common.add_argument("--energy", type=number("--energy", 1.06, None, unit="GeV"),
                        default=160.0, help="beam energy in GeV (> 10 m_mu)")
    common.add_argument("--target", default="Pb", help="target material (Pb, W, Cu, Fe, C)")
    common.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    z = gs.add_parser("zprime", parents=[common], help="mu N -> mu N Z' (WW)")
    z.add_argument("--mass", type=number("--mass", 1e-6, 1e5, unit="GeV"), required=True,
                   help="Z' mass in GeV, in [1e-06, sqrt(2 E m_mu)]: up to 5.815 GeV at the"
                        " default 160 GeV beam (the generator's domain, docs/detector_model.md)")
    z.add_argument("--decay", choices=("nu", "chi"), default=None, help="add the invisible decay products (isotropic)")
    z.add_argument("--spin", choices=("vector", "axial", "scalar", "pseudoscalar"), default="vector",
                   help="mediator spin: events from its own WW density (x and muon angle); default vector")
    z.set_defaults(func=cmd_generate)
    e = gs.add_parser("eft", parents=[common], help="mu N -> mu N chi1 chi2 (seed 000)")
    e.add_argument("--operator", required=True, help=", ".join(OPERATORS))
    add_mass_option(e, "--m-N", alias="--mN", dest="mN",
                    help="HNL mass m_N in GeV, >= 0 (nuSMEFT operators only)")
    e.add_argument("--k", type=number("--k", 0, None, lo_open=True, unit="GeV"), default=None,
                   help="fixed pair mass [GeV], above the threshold and at most sqrt(2 E m_mu)"
                        " (5.815 GeV at 160 GeV: the generator's domain)")
    e.add_argument("--kmax", type=number("--kmax", 0, None, lo_open=True, unit="GeV"), default=None,
                   help="largest pair mass [GeV], at most sqrt(2 E m_mu) (5.815 GeV at 160 GeV:"
                        " the generator's domain); default 3, the end of seed 000's acceptance"
                        " tables, or sqrt(2 E m_mu) where lower")
    e.add_argument("--no-decay", action="store_true", help="do not sample the two fermions")
    e.set_defaults(func=cmd_generate)

    a = subparsers.add_parser("acceptance", help="kappa(k) and Z' efficiencies from the fast "
                                                  "simulation (docs/detector_model.md)")
    a.add_argument("--dataset", required=True, help=", ".join(DATASETS))
    a.add_argument("--config", default=None, help="detector TOML (default: the shipped 2022 model)")
    a.add_argument("--out", default=None, help="directory for derived_*.csv tables, created if"
                                               " missing (model level; the package's default kappa"
                                               " tables are these times calibrated factors:"
                                               " scripts/calibrate_derived.py)")
    a.add_argument("--events", type=integer("--events", 1000, 10**8), default=40_000,
                   help="events per point, in [1000, 1e8]")
    a.add_argument("--seed", type=integer("--seed", 0), default=0,
                   help="random seed, an integer >= 0")
    a.add_argument("--json", action="store_true", help="print the tables as one JSON object")
    a.set_defaults(func=cmd_acceptance)
    return subparsers
