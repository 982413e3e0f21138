"""Layer 5: the command line (thin: parse, call the library, print).

Every command that computes something takes ``--json`` and then prints exactly one JSON object
on stdout. Errors in the input give a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys

from mucast import __version__
from mucast.cli.common import (HELP_EPILOG, Parser, UsageError, add_acceptance_option, add_mass_option,
                               add_method_option, dump_json, emit, integer, number, pct)
# the EFT side's commands (mucast.cli.eft imports no physics at module level, as this parser)
from mucast.cli.eft import (cmd_bound, cmd_conventions, cmd_export_likelihood, cmd_plane,
                            cmd_scan, cmd_table1, cmd_trident, cmd_xsec_eft, cmd_yield)
from mucast.exceptions import MucastError

EXIT_INPUT = 2


# ---------------------------------------------------------------------------------------
def cmd_upper_limit(args):
    """`mucast upper-limit`: upper limit on a Poisson mean (events)."""
    from mucast.inference.stats import upper_limit
    r = upper_limit(args.observed, args.background, method=args.method, cl=args.cl,
                    background_uncertainty=args.background_uncertainty)
    emit(args, r.to_dict(), f"{r.method} {pct(args.cl)} CL upper limit on the signal mean:"
         f" {r.upper:.4f}  (n = {args.observed}, b = {args.background:g})")


def cmd_reproduce(args):
    """`mucast reproduce`: every table and figure of both seeds."""
    from mucast.outputs.reproduce import run
    import shlex
    from mucast.outputs.report import verdict_counts
    command = "mucast " + " ".join(shlex.quote(a) for a in (args.argv or []))
    r = run(args.out, points=args.points, zprime_points=args.zprime_points,
            progress=False if args.no_progress else None, command=command)
    counts = verdict_counts(r.comparison)
    if args.json:
        from mucast.outputs.reproduce import _clean
        dump_json(_clean({"out": str(r.out), "files": r.files, "timings_s": r.timings,
                          "verdicts": counts, "comparison": r.comparison,
                          "warnings": r.warnings, "mucast_version": __version__}))
    else:
        print(f"wrote {len(r.files)} files to {r.out} in {r.timings['total']:.1f} s;"
              f" open {r.out / 'report.html'}")
        if r.warnings:
            print(f"{len(r.warnings)} warnings about the numbers (the size of a doubt, where a"
                  " result does not exist): listed in the report and run_info.json")
        print("verdicts: " + ", ".join(f"{k}: {v}" for k, v in counts.items()))


def cmd_cite(args):
    """`mucast cite`: BibTeX of the papers a command uses."""
    from mucast.citations import for_command
    words = [w for w in args.for_command if w != "cite"] if args.for_command[:1] == ["cite"] else args.for_command
    # each word must be a sub-command of the one before (0.4 audit: `cite limit foo` and
    # `cite relic foo` printed the papers of `limit` and `relic` and exited 0)
    parser, path = build_parser(), ["mucast"]
    for w in words:
        subs = next((a.choices for a in parser._actions
                     if isinstance(a, argparse._SubParsersAction)), None)
        if subs is None or (len(path) == 1 and w not in subs):
            break                       # an unknown command: the message of citations.keys_for
        if w not in subs:
            raise MucastError(f"unknown sub-command {w!r} of '{' '.join(path)}' for cite; known:"
                              f" {', '.join(subs)}")
        parser, path = subs[w], path + [w]
    print(for_command(" ".join(args.for_command) or None), end="")


def _add_wcxf_options(s, what="the coefficients"):
    s.add_argument("--wcxf", metavar="FILE",
                   help=f"WCxf file (YAML/JSON) with {what}: eft WET (basis JMS: VnueLL_ii22,"
                        " VnueLR_ii22) or SMEFT (Warsaw; tree-level map at the file's scale"
                        " unless --run)")
    s.add_argument("--run", action="store_true",
                   help="run and match the --wcxf file with wilson down to --scale (needs"
                        " pip install \"mucast[wilson]\")")
    # WET below M_Z; above 5 GeV (beyond the process's ~GeV scale) the result warns
    s.add_argument("--scale", type=number("--scale", 1.0, 91.1876, unit="GeV"), default=None,
                   help="low scale of --run in GeV, in [1, 91.1876] (WET, below M_Z; default 2,"
                        " the process's scale; warned above 5)")




# ---------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of the `mucast` command (all subcommands)."""
    # names listed in mucast.cli.choices (checked against the library by the tests): building
    # the parser imports no physics, so --help and --version stay cheap (issue 17 §6)
    from mucast.cli.choices import (ALL_OPERATORS, DATASETS, NUSMEFT_ALIASES, NUSMEFT_OPERATORS,
                                    OPERATORS, SEED_DATASETS)

    p = Parser(
        prog="mucast",
        description="Missing-energy phenomenology with muon beams (NA64mu): EFT operators and mediators of any spin (on or off shell): cross sections, yields and bounds."
                    " Energies in GeV, coefficients in GeV^-2, cross sections in pb.")
    p.add_argument("--version", action="version", version=f"mucast {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp, dataset=True, stat=True, dataset_default="2022", dataset_why=""):
        sp.epilog = HELP_EPILOG
        sp.add_argument("--json", action="store_true", help="print one JSON object on stdout")
        sp.add_argument("--conventions", default="default", choices=["default", "paper"],
                        help="default (verified) or paper (seed 000 literal); mucast help"
                             " conventions")
        sp.add_argument("--theta-max", type=number("--theta-max", 1e-6, math.pi, unit="rad"),
                        default=None, metavar="RAD",
                        help="largest emission angle, rad in [1e-06, pi] (default 0.1, seed 000)")
        sp.add_argument("--t-max", default=None, choices=["mmu2_plus_k2", "E2"],
                        help="photon virtuality cut of the flux (default mmu2_plus_k2, seed 000)")
        if dataset:
            # the default stated from the value itself (plane's help said 2022 while a
            # parser-level default ran `future`, 0.4 audit)
            sp.add_argument("--dataset", default=dataset_default, choices=list(DATASETS),
                            metavar="D", help=f"data set (default {dataset_default}{dataset_why};"
                                              " mucast help datasets)")
            sp.add_argument("--experiment", metavar="FILE",
                            help="a user experiment TOML file (overrides --dataset)")
            add_acceptance_option(sp)
        if stat:
            add_method_option(sp)

    def mass_n(sp, what="HNL mass m_N in GeV, >= 0 (nuSMEFT operators only)"):
        # --m-N as --m-chi (one naming rule); --mN, the 0.2 spelling, is a hidden alias
        add_mass_option(sp, "--m-N", alias="--mN", dest="mN", help=what)

    s = sub.add_parser("upper-limit", help="upper limit on a Poisson signal mean with known background")
    s.add_argument("--observed", type=integer("--observed", 0, 1000), required=True,
                   help="observed events n in [0, 1000]")
    s.add_argument("--background", type=number("--background", 0, 1000), default=0.0,
                   help="expected background events b in [0, 1000]")
    s.add_argument("--background-uncertainty", type=number("--background-uncertainty", 0, 1000),
                   default=0.0, help="absolute uncertainty on b (events; used by cls-asymptotic only)")
    add_method_option(s)
    s.add_argument("--json", action="store_true", help='print {"upper": ..., "lower": ...}')
    s.set_defaults(func=cmd_upper_limit)

    s = sub.add_parser("bound", help="bound on one operator coefficient (GeV^-2) and Lambda (GeV),"
                                     " or on the multiple of a WCxf point")
    s.add_argument("operator", nargs="?", default=None, choices=list(ALL_OPERATORS) + list(NUSMEFT_ALIASES),
                   metavar="OPERATOR",
                   help="operator: WCxf name (" + ", ".join(OPERATORS) + "; the nu_e channel"
                        " ll_1122, le_1122; WET JMS VnueLL_ii22, VnueLR_ii22; provisional"
                        " nuSMEFT names ne_1122, ln_2211, lnle_2122)")
    _add_wcxf_options(s)
    mass_n(s)
    s.add_argument("--n-type", default=None, choices=["dirac", "dirac_R", "majorana"],
                   help="N for eN_22/LN_22 only (refused for other operators): Dirac with vector"
                        " current (seed 000, default), Dirac with only N_R in the current, or"
                        " Majorana (docs/conventions.md)")
    common(s)
    s.set_defaults(func=cmd_bound)

    s = sub.add_parser("table1", help="Table I of seed 000 beside mucast's bounds (FC, 90%% CL,"
                                      " theta_max 0.1, as the seed; other --method/--cl/--theta-max/"
                                      "--t-max are computed but warned: not like for like)",
                       description="Table I of seed 000 beside mucast's bounds. The seed's numbers are"
                                   " Feldman-Cousins at 90% CL with theta_max = 0.1 rad and t_max ="
                                   " m_mu^2 + k^2; with another --method, --cl, --theta-max or"
                                   " --t-max the table is computed at that setting and each changed"
                                   " setting is warned (the ratio is then not like for like).")
    common(s, dataset=False)
    add_acceptance_option(s)
    s.set_defaults(func=cmd_table1)

    s = sub.add_parser("conventions", help="the factor each convention choice (seed 000 literal vs"
                                           " verified) makes on yields and bounds, measured")
    s.add_argument("--dataset", default="2023-24", choices=list(SEED_DATASETS),
                   help="data set (default 2023-24, the Table I column)")
    mass_n(s, "HNL mass m_N in GeV for the nuSMEFT rows, >= 0")
    s.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    s.set_defaults(func=cmd_conventions)

    s = sub.add_parser("scan", help="νSMEFT bound against m_N (GeV) up to where the acceptance"
                                    " tables end (k <= 3 GeV: m_N < 1.5 GeV for pairs, 3 GeV for LNLe)")
    s.add_argument("operator", choices=list(NUSMEFT_OPERATORS))
    s.add_argument("--points", type=integer("--points", 2, 100_000), default=50,
                   help="number of masses in [2, 100000] (default 50)")
    s.add_argument("--max-mass", type=number("--max-mass", 0, None, lo_open=True, unit="GeV"),
                   default=None, help="largest m_N in GeV (> 0)")
    s.add_argument("--checkpoint", metavar="FILE", default=None,
                   help="resumable scan: finished masses are stored in FILE (JSON lines) and not"
                        " recomputed after an interruption (direct evaluation per mass)")
    common(s)
    s.set_defaults(func=cmd_scan)

    s = sub.add_parser("plane", help="fit of the SMEFT bound region to the quadratic form of Eq. (23)"
                                     " (seed 000's Eq. 23 is the future projection: --dataset future)")
    s.add_argument("--alpha", default="tau", choices=["mu", "tau"],
                   help="neutrino flavour of the (ll, le) plane: tau (default) or mu")
    _add_wcxf_options(s, "a point to place in the plane")
    # the real data by default, as every other command: a --wcxf point was declared
    # "excluded" by the projected 1e14 MOT set-up (0.4 audit)
    common(s, dataset_why=", the published data; Eq. 23 of seed 000: --dataset future")
    s.set_defaults(func=cmd_plane)

    s = sub.add_parser("trident", help="Eq. (24): NA64mu plane combined with the trident flat direction")
    s.add_argument("--c-hat-max", type=number("--c-hat-max", 0, 100, lo_open=True), default=0.21,
                   help="trident bound on [c_hat_LL]_mumumumu, in (0, 100] (68%% CL)")
    s.add_argument("--z-scale", type=number("--z-scale", 0, 10, lo_open=True), default=1.645,
                   help="68%% -> 90%% CL scaling of the band, in (0, 10] (default 1.645)")
    # seed 000 calls Eq. (24) "the following future combined sensitivity": a projection
    common(s, dataset_default="future", dataset_why=", the projection of seed 000's Eq. 24")
    s.set_defaults(func=cmd_trident)

    s = sub.add_parser("xsec", help="total cross sections (pb)")
    xs = s.add_subparsers(dest="process", metavar="PROCESS", required=True)
    e = xs.add_parser("eft", help="sigma(mu N -> mu N chi chi) for one operator")
    e.add_argument("operator", choices=list(OPERATORS))
    e.add_argument("--coefficient", type=number("--coefficient"), default=1.0,
                   help="coefficient in GeV^-2 (default 1)")
    mass_n(e)
    e.add_argument("--energy", type=number("--energy", 0, None, lo_open=True, unit="GeV"),
                   default=160.0, help="beam energy in GeV (> m_mu)")
    e.add_argument("--target", default="Pb", help="target material (Pb, W, Cu, Fe, C)")
    common(e, dataset=False, stat=False)
    e.set_defaults(func=cmd_xsec_eft)
    from mucast.cli import mediators
    mediators.add_xsec(xs)

    s = sub.add_parser("yield", help="expected signal events for given coefficients")
    s.add_argument("--coef", action="append", metavar="NAME=VALUE",
                   help="operator coefficient in GeV^-2, e.g. ll_2233=1e-2 (repeatable)")
    _add_wcxf_options(s)
    mass_n(s)
    common(s, stat=False)
    s.set_defaults(func=cmd_yield)
    s = sub.add_parser("export", help="export NA64mu information for global fits")
    ex = s.add_subparsers(dest="export_what", metavar="WHAT", required=True)
    e = ex.add_parser("likelihood", help="the yield as a quadratic form in the WET (JMS)"
                                         " coefficients, with background and observed events")
    mass_n(e, "HNL mass m_N in GeV for the nuSMEFT entries, >= 0 (default 0)")
    common(e)
    e.set_defaults(func=cmd_export_likelihood)
    mediators.register(sub)
    from mucast.cli import relic as cli_relic
    cli_relic.register(sub)       # relic target, curve, sigmav
    from mucast.cli import events as cli_events
    cli_events.register(sub)      # generate {zprime,eft}, acceptance

    s = sub.add_parser("reproduce", help="every table and figure of both seeds, with a report, into DIR")
    s.add_argument("--out", default="mucast-output", help="output directory (default mucast-output)")
    s.add_argument("--points", type=integer("--points", 10, 2000), default=100,
                   help="masses per νSMEFT curve, in [10, 2000] (default 100)")
    s.add_argument("--zprime-points", type=integer("--zprime-points", 10, 5000), default=200,
                   help="masses per Z' curve, in [10, 5000] (default 200)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--json", action="store_true", help="print a JSON summary (files, comparison)")
    s.set_defaults(func=cmd_reproduce)

    from mucast.cli import topics
    topics.register(sub)

    s = sub.add_parser("cite", help="BibTeX of the papers a computation uses")
    s.add_argument("for_command", nargs="*", default=[], metavar="COMMAND",
                   help="the command (and sub-command, e.g. 'relic target', 'limit"
                        " dark-photon') whose sources to print (default: all)")
    s.set_defaults(func=cmd_cite)
    return p


#: exit codes (docs/files.md): 0 done; 1 a fault outside the input (full disk, a Dask cluster
#: that died: RuntimeFault); 2 bad input or an unusable path; 128 + N ended by signal N after
#: cleaning up: 130 Ctrl-C (SIGINT), 143 SIGTERM, 129 SIGHUP
EXIT_FAULT = 1
EXIT_SIGNAL = 128


def _raise_terminated(signum, _frame):
    from mucast.exceptions import Terminated
    raise Terminated(signum)


@contextlib.contextmanager
def _signals_raise():
    """SIGTERM and SIGHUP raise :class:`mucast.exceptions.Terminated` (SIGINT raises
    KeyboardInterrupt, Python's default) for the duration of a command, so that temporary
    files are removed and a Dask cluster is closed before exit; previous handlers restored."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {}
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) is not signal.SIG_IGN:
            old[sig] = signal.signal(sig, _raise_terminated)
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h if h is not None else signal.SIG_DFL)


def main(argv=None) -> int:
    """Entry point: run the command; exit code 0, 2 on bad input, 1 on a fault outside the
    input (one line on stderr each), 130 on Ctrl-C and 143 on SIGTERM after cleaning up
    ("mucast: interrupted" / "mucast: terminated")."""
    from mucast.exceptions import RuntimeFault, Terminated
    try:
        with _signals_raise():
            return _main(argv)
    except KeyboardInterrupt:
        print("mucast: interrupted", file=sys.stderr)
        return EXIT_SIGNAL + 2
    except Terminated as exc:
        print("mucast: terminated", file=sys.stderr)
        return EXIT_SIGNAL + exc.signum
    except RuntimeFault as exc:
        print(f"mucast: error: {exc}", file=sys.stderr)
        return EXIT_FAULT
    except OSError as exc:
        from mucast._io import MEDIUM_FULL
        if exc.errno not in MEDIUM_FULL:
            raise
        print(f"mucast: error: {exc.strerror} ({exc.filename or 'writing output'})",
              file=sys.stderr)
        return EXIT_FAULT


def _main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv == ["--version"]:       # answered before the parser is built (issue 17 §6)
        print(f"mucast {__version__}")
        return 0
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        args.argv = argv
    except UsageError as exc:
        print(f"{exc.prog}: error: {exc} (see {exc.prog} --help)", file=sys.stderr)
        return EXIT_INPUT
    if not getattr(args, "func", None):
        parser.print_help()
        return 0 if not argv else EXIT_INPUT
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
