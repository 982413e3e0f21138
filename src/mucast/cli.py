"""Layer 5: the command line (thin: parse, call the library, print).

Every command that computes something takes ``--json`` and then prints exactly one JSON object
on stdout. Errors in the input give a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import math
import sys

from . import __version__
from ._cli import add_acceptance_option, dump_json, finite_float, with_acceptance
from .exceptions import MucastError
from .units import GeV

EXIT_INPUT = 2


def _conventions(args):
    """Named conventions with the optional --theta-max / --t-max overrides."""
    from . import conventions as C
    conv = C.get(args.conventions)
    changes = {}
    if getattr(args, "theta_max", None) is not None:
        changes["theta_max"] = args.theta_max
    if getattr(args, "t_max", None) is not None:
        changes["t_max"] = args.t_max
    return conv.replace(**changes) if changes else conv


def _dataset(args):
    from . import experiments
    exp = experiments.get(args.experiment) if getattr(args, "experiment", None) else experiments.get(args.dataset)
    return with_acceptance(exp, getattr(args, "acceptance", "shipped"))


# ---------------------------------------------------------------------------------------
def cmd_upper_limit(args):
    """`mucast upper-limit`: upper limit on a Poisson mean (events)."""
    from .stats import upper_limit
    r = upper_limit(args.observed, args.background, method=args.method, cl=args.cl)
    if args.json:
        dump_json(r.to_dict())
    else:
        print(f"{args.method} {args.cl:.0%} CL upper limit on the signal mean: {r.upper:.4f}"
              f"  (n = {args.observed}, b = {args.background})")


def cmd_bound(args):
    """`mucast bound`: bound on one operator (GeV^-2) and Lambda (GeV)."""
    from .limits import bound
    exp = _dataset(args)
    r = bound(args.operator, exp, m_N=args.mN * GeV, conventions=_conventions(args),
              method=args.method, cl=args.cl, n_type=args.n_type)
    if args.json:
        dump_json(r.to_dict())
    else:
        print(f"{args.operator} ({exp.name}, m_N = {args.mN:g} GeV, {args.conventions} conventions):"
              f" |C| < {r.bound * GeV**2:.3e} GeV^-2, Lambda > {r.Lambda / GeV:.1f} GeV"
              f"  (N_up = {r.n_up:.3f}, N(C=1/GeV^2) = {r.yield_unit:.4e})")


def cmd_table1(args):
    """`mucast table1`: Table I of seed 000 beside ours."""
    from .report import table1
    rows = table1(_conventions(args), method=args.method, cl=args.cl, acceptance=args.acceptance)
    if args.json:
        dump_json({"conventions": args.conventions, "cl": args.cl, "acceptance": args.acceptance,
                   "units": "GeV^-2", "rows": rows})
        return
    print(f"Table I of seed 000 vs mucast ({args.conventions} conventions, {args.acceptance}"
          " acceptance tables), 90% CL bounds in GeV^-2")
    print(f"{'data set':8s} {'operator':10s} {'seed':>9s} {'mucast':>10s} {'ratio':>6s} "
          f"{'paper-conv':>10s} {'ratio':>6s}  status")
    for r in rows:
        print(f"{r['dataset']:8s} {r['operator']:10s} {r['seed']:9.2e} {r['ours']:10.3e} "
              f"{r['ratio']:6.3f} {r['ours_paper_conventions']:10.3e} "
              f"{r['ratio_paper_conventions']:6.3f}  {r['status']}")


def cmd_scan(args):
    """`mucast scan`: νSMEFT bound against m_N (GeV), optionally resumable."""
    import numpy as np
    from .scans import closing_mass, eft_mass_scan
    if not 2 <= args.points <= 100_000:
        raise MucastError(f"--points must be an integer in [2, 100000], got {args.points}")
    if args.max_mass is not None and not (math.isfinite(args.max_mass) and args.max_mass > 0):
        raise MucastError(f"--max-mass must be > 0 GeV, got {args.max_mass}")
    exp = _dataset(args)
    m_close = closing_mass(args.operator, exp)
    top = min(args.max_mass * GeV if args.max_mass else m_close, m_close) * (1 - 1e-6)
    masses = np.linspace(0.0, top, args.points)
    if args.checkpoint:
        # resumable: every finished mass is kept in the checkpoint file (mucast.checkpoint)
        from .checkpoint import resumable_map
        from .limits import bound
        conv = _conventions(args)
        rows = resumable_map(
            lambda m: bound(args.operator, exp, m_N=m * GeV, conventions=conv, method=args.method,
                            cl=args.cl).to_dict(),
            [float(m / GeV) for m in masses], args.checkpoint)
        out = {"operator": args.operator, "dataset": exp.name,
               "mN_GeV": [r["mN"] for r in rows], "bound_GeV-2": [r["bound"] for r in rows],
               "Lambda_GeV": [r["Lambda"] for r in rows], "closing_mass_GeV": m_close / GeV,
               "conventions": conv.name, "mucast_version": __version__}
        if args.json:
            dump_json(out)
        else:
            for m, b in zip(out["mN_GeV"], out["bound_GeV-2"]):
                print(f"{m:10.5f} {b:12.4e}")
        return
    r = eft_mass_scan(args.operator, exp, masses, _conventions(args), args.method, args.cl)
    if args.json:
        dump_json(r.to_dict())
    else:
        print(f"# {args.operator}, {exp.name}: m_N [GeV], bound [GeV^-2]; closes at {m_close / GeV:g} GeV")
        for m, b in zip(r.masses, r.bounds):
            print(f"{m / GeV:10.5f} {b * GeV**2:12.4e}")


def cmd_plane(args):
    """`mucast plane`: the quadratic form of Eq. (23) of seed 000."""
    from .limits import smeft_plane
    f = smeft_plane(args.alpha, _dataset(args), args.conventions, args.method, args.cl)
    if args.json:
        dump_json(f.to_dict())
    else:
        print(f"{f.a:.3f} c1^2 + {f.b:.4f} c2^2 + ({f.h:+.4f}) c1 c2 <= {f.R * GeV**4:.3e} GeV^-4"
              f"   (c1, c2) = {f.operators}, data set {f.dataset}")


def cmd_trident(args):
    """`mucast trident`: Eq. (24) of seed 000."""
    from .limits import trident_combination
    t = trident_combination(_dataset(args), args.c_hat_max, args.z_scale, args.conventions,
                            args.method, args.cl)
    if args.json:
        dump_json(t.to_dict())
    else:
        print(f"|[c_LL]_mumumumu/v^2| < {t.c_ll_max * GeV**2:.2e} GeV^-2,"
              f" |[c_Le]_mumumumu/v^2| < {t.c_le_max * GeV**2:.2e} GeV^-2"
              f"  (WCxf ll_2222 < {t.c_ll_max_wcxf * GeV**2:.2e})")


def cmd_xsec_eft(args):
    """`mucast xsec eft`: total EFT cross section (pb, cm²)."""
    from .processes.eft import EFTModel, cross_section
    from .targets import Target
    from .units import natural_to_area, picobarn, cm2
    if args.energy <= 0:
        raise MucastError(f"--energy must be > 0 GeV, got {args.energy}")
    model = EFTModel({args.operator: args.coefficient / GeV**2}, m_N=args.mN * GeV)
    tgt = Target.from_name(args.target)
    r = cross_section(model, args.energy * GeV, tgt, _conventions(args))
    s = natural_to_area(r.value)
    out = {"sigma_pb": s / picobarn, "sigma_cm2": s / cm2,
           "sigma_error_pb": natural_to_area(r.error) / picobarn,
           "operator": args.operator, "coefficient_GeV-2": args.coefficient, "mN_GeV": args.mN,
           "energy_GeV": args.energy, "target": tgt.name, "conventions": args.conventions,
           "mucast_version": __version__}
    if args.json:
        dump_json(out)
    else:
        print(f"sigma(mu {tgt.name} -> mu {tgt.name} chi chi) = {out['sigma_pb']:.4e} pb"
              f" (+- {out['sigma_error_pb']:.1e})")


def cmd_yield(args):
    """`mucast yield`: expected signal events for coefficients or a WCxf file."""
    from .processes.eft import EFTModel
    from .yields import signal_yield
    coeffs = {}
    for item in args.coef or []:
        if "=" not in item:
            raise MucastError(f"--coef expects NAME=VALUE (GeV^-2), got {item!r}")
        k, v = item.split("=", 1)
        try:
            coeffs[k.strip()] = float(v) / GeV**2
        except ValueError:
            raise MucastError(f"--coef {k}: value must be a number, got {v!r}") from None
    wc = None
    if args.wcxf:
        from .wcxf_io import read_wcxf
        wc = read_wcxf(args.wcxf)
        if coeffs:
            raise MucastError("give either --wcxf or --coef, not both")
        model = wc.model
    else:
        if not coeffs:
            raise MucastError("give at least one --coef NAME=VALUE or --wcxf FILE")
        model = EFTModel(coeffs, m_N=args.mN * GeV)
    y = signal_yield(model, _dataset(args), _conventions(args))
    out = y.to_dict()
    if wc is not None:
        out["wcxf"] = wc.to_dict()
        out["coefficients_GeV-2"] = {k: (abs(v) if isinstance(v, complex) else v) for k, v in
                                     ((k, v * GeV**2) for k, v in y.coefficients.items())}
    if args.json:
        dump_json(out)
    else:
        if wc is not None:
            print(f"WCxf: {wc.note}")
        print(f"expected signal events: {y.value:.4g} (+- {y.error:.1e}) in {y.experiment}")


def cmd_reproduce(args):
    """`mucast reproduce`: every table and figure of both seeds."""
    from .reproduce import run
    r = run(args.out, points=args.points, zprime_points=args.zprime_points,
            progress=False if args.no_progress else None)
    if args.json:
        from .reproduce import _clean
        dump_json(_clean({"out": str(r.out), "files": r.files, "timings_s": r.timings,
                      "comparison": r.comparison, "mucast_version": __version__}))
    else:
        print(f"wrote {len(r.files)} files to {r.out} in {r.timings['total']:.1f} s;"
              f" open {r.out / 'report.html'}")


def cmd_cite(args):
    """`mucast cite`: BibTeX of the papers a command uses."""
    from .citations import for_command
    print(for_command(args.for_command), end="")


# ---------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the `mucast` command (all subcommands)."""
    from .experiments import DATASETS
    from .processes.eft import NUSMEFT_OPERATORS, OPERATORS

    p = argparse.ArgumentParser(
        prog="mucast",
        description="Missing-energy phenomenology with muon beams (NA64mu): EFT and L_mu-L_tau Z' yields and bounds."
                    " Energies in GeV, coefficients in GeV^-2, cross sections in pb.")
    p.add_argument("--version", action="version", version=f"mucast {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp, dataset=True, stat=True):
        sp.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        sp.add_argument("--conventions", default="default", choices=["default", "paper"],
                        help="'default' (verified) or 'paper' (seed 000 literal); see docs/conventions.md")
        sp.add_argument("--theta-max", type=float, default=None,
                        help="largest emission angle of the invisible system, rad (default 0.1, seed 000)")
        sp.add_argument("--t-max", default=None, choices=["mmu2_plus_k2", "E2"],
                        help="upper limit of the photon virtuality in the flux (default m_mu^2 + k^2, seed 000)")
        if dataset:
            sp.add_argument("--dataset", default="2022", choices=list(DATASETS),
                            help="NA64mu data set (default 2022)")
            sp.add_argument("--experiment", metavar="FILE",
                            help="a user experiment TOML file (overrides --dataset)")
            add_acceptance_option(sp)
        if stat:
            sp.add_argument("--method", default="fc", choices=["fc", "poisson", "cls"],
                            help="upper-limit method (default fc, Feldman-Cousins)")
            sp.add_argument("--cl", type=float, default=0.9, help="confidence level (default 0.9)")

    s = sub.add_parser("upper-limit", help="upper limit on a Poisson signal mean with known background")
    s.add_argument("--observed", type=int, required=True, help="observed events n >= 0")
    s.add_argument("--background", type=finite_float("--background"), default=0.0,
                   help="expected background events b >= 0")
    s.add_argument("--method", default="fc", choices=["fc", "poisson", "cls"])
    s.add_argument("--cl", type=float, default=0.9, help="confidence level in (0, 1)")
    s.add_argument("--json", action="store_true", help='print {"upper": ..., "lower": ...}')
    s.set_defaults(func=cmd_upper_limit)

    s = sub.add_parser("bound", help="bound on one operator coefficient (GeV^-2) and Lambda (GeV)")
    s.add_argument("operator", choices=list(OPERATORS), help="operator (WCxf name)")
    s.add_argument("--mN", type=finite_float("--mN"), default=0.0, help="HNL mass in GeV (νSMEFT)")
    s.add_argument("--n-type", default="dirac", choices=["dirac", "dirac_R", "majorana"],
                   help="N for eN_22/LN_22: Dirac with vector current (seed 000, default), Dirac with"
                        " only N_R in the current, or Majorana (docs/conventions.md)")
    common(s)
    s.set_defaults(func=cmd_bound)

    s = sub.add_parser("table1", help="Table I of seed 000 beside mucast's bounds")
    common(s, dataset=False)
    add_acceptance_option(s)
    s.set_defaults(func=cmd_table1)

    s = sub.add_parser("scan", help="νSMEFT bound against m_N (GeV) up to the closing of phase space")
    s.add_argument("operator", choices=list(NUSMEFT_OPERATORS))
    s.add_argument("--points", type=int, default=50, help="number of masses (default 50)")
    s.add_argument("--max-mass", type=float, default=None, help="largest m_N in GeV")
    s.add_argument("--checkpoint", metavar="FILE", default=None,
                   help="resumable scan: finished masses are stored in FILE (JSON lines) and not"
                        " recomputed after an interruption (direct evaluation per mass)")
    common(s)
    s.set_defaults(func=cmd_scan)

    s = sub.add_parser("plane", help="fit of the SMEFT bound region to the quadratic form of Eq. (23)")
    s.add_argument("--alpha", default="tau", choices=["mu", "tau"])
    common(s)
    s.set_defaults(func=cmd_plane, dataset="future")

    s = sub.add_parser("trident", help="Eq. (24): NA64mu plane combined with the trident flat direction")
    s.add_argument("--c-hat-max", type=float, default=0.21, help="trident bound on [c_hat_LL]_mumumumu (68%% CL)")
    s.add_argument("--z-scale", type=float, default=1.645, help="68%% -> 90%% CL scaling of the band")
    common(s)
    s.set_defaults(func=cmd_trident, dataset="future")

    s = sub.add_parser("xsec", help="total cross sections (pb)")
    xs = s.add_subparsers(dest="process", metavar="PROCESS")
    e = xs.add_parser("eft", help="sigma(mu N -> mu N chi chi) for one operator")
    e.add_argument("operator", choices=list(OPERATORS))
    e.add_argument("--coefficient", type=float, default=1.0, help="coefficient in GeV^-2 (default 1)")
    e.add_argument("--mN", type=finite_float("--mN"), default=0.0, help="HNL mass in GeV")
    e.add_argument("--energy", type=float, default=160.0, help="beam energy in GeV")
    e.add_argument("--target", default="Pb", help="target material (Pb, W, Cu, Fe, C)")
    common(e, dataset=False, stat=False)
    e.set_defaults(func=cmd_xsec_eft)
    from . import cli_zprime
    cli_zprime.add_xsec_zprime(xs)

    s = sub.add_parser("yield", help="expected signal events for given coefficients")
    s.add_argument("--coef", action="append", metavar="NAME=VALUE",
                   help="operator coefficient in GeV^-2, e.g. ll_2233=1e-2 (repeatable)")
    s.add_argument("--wcxf", metavar="FILE",
                   help="SMEFT Warsaw-basis WCxf file (YAML/JSON); coefficients at its scale, no running")
    s.add_argument("--mN", type=finite_float("--mN"), default=0.0, help="HNL mass in GeV")
    common(s, stat=False)
    s.set_defaults(func=cmd_yield)
    cli_zprime.register(sub)
    from . import cli_events
    cli_events.register(sub)      # generate {zprime,eft}, acceptance

    s = sub.add_parser("reproduce", help="every table and figure of both seeds, with a report, into DIR")
    s.add_argument("--out", default="mucast-output", help="output directory (default mucast-output)")
    s.add_argument("--points", type=int, default=100, help="masses per νSMEFT curve (default 100)")
    s.add_argument("--zprime-points", type=int, default=200, help="masses per Z' curve (default 200)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--json", action="store_true", help="print a JSON summary (files, comparison)")
    s.set_defaults(func=cmd_reproduce)

    s = sub.add_parser("cite", help="BibTeX of the papers a computation uses")
    s.add_argument("for_command", nargs="?", default=None, metavar="COMMAND",
                   help="the command whose sources to print (default: all)")
    s.set_defaults(func=cmd_cite)
    return p


def main(argv=None) -> int:
    """Entry point: run the command; exit code 0, or 2 on bad input (message on stderr)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if argv is None or not argv else EXIT_INPUT
    try:
        args.func(args)
    except MucastError as exc:
        print(f"mucast: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except BrokenPipeError:  # pragma: no cover
        return 0
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
