"""Layer 5: the command line (thin: parse, call the library, print).

Every command that computes something takes ``--json`` and then prints exactly one JSON object
on stdout. Errors in the input give a one-line message on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import cmath
import contextlib
import math
import sys

from mucast import __version__
from mucast.cli.common import (HELP_EPILOG, Parser, UsageError, add_acceptance_option, add_mass_option,
                               add_method_option, dump_json, emit, integer, number, pct, sig,
                               with_acceptance)
from mucast.exceptions import MucastError
from mucast.units import GeV

EXIT_INPUT = 2


def _conventions(args):
    """Named conventions with the optional --theta-max / --t-max overrides."""
    from mucast.processes import conventions as C
    conv = C.get(args.conventions)
    changes = {}
    if getattr(args, "theta_max", None) is not None:
        changes["theta_max"] = args.theta_max
    if getattr(args, "t_max", None) is not None:
        changes["t_max"] = args.t_max
    return conv.replace(**changes) if changes else conv


def _dataset(args):
    from mucast import experiments
    exp = (experiments.Experiment.from_file(args.experiment) if getattr(args, "experiment", None)
           else experiments.get(args.dataset))
    return with_acceptance(exp, getattr(args, "acceptance", "shipped"))


# ---------------------------------------------------------------------------------------
def cmd_upper_limit(args):
    """`mucast upper-limit`: upper limit on a Poisson mean (events)."""
    from mucast.inference.stats import upper_limit
    r = upper_limit(args.observed, args.background, method=args.method, cl=args.cl,
                    background_uncertainty=args.background_uncertainty)
    emit(args, r.to_dict(), f"{r.method} {pct(args.cl)} CL upper limit on the signal mean:"
         f" {r.upper:.4f}  (n = {args.observed}, b = {args.background:g})")


def cmd_bound(args):
    """`mucast bound`: bound on one operator (GeV^-2) and Lambda (GeV), or on the multiple of
    a WCxf point (--wcxf)."""
    from mucast.inference.limits import bound
    exp = _dataset(args)
    if args.wcxf:
        if args.operator is not None:
            raise MucastError("give either an OPERATOR or --wcxf, not both")
        from mucast.inference.likelihood import direction_bound
        from mucast.models.eft import EFTModel
        wc = _read_wcxf(args)
        model = EFTModel(dict(wc.model.coefficients), m_N=args.mN * GeV)
        mu, n, n_up, method = direction_bound(model, exp, _conventions(args), args.method,
                                              args.cl)
        out = {"mu_max": mu, "yield_at_file_point": n, "n_up": n_up, "method": method,
               "cl": args.cl, "dataset": exp.name, "excluded": mu < 1.0,
               "wcxf": wc.to_dict(), "warnings": list(wc.warnings),
               "mucast_version": __version__}
        emit(args, out, f"{args.wcxf} ({exp.name}): N = {n:.4g} events at the file's point,"
                        f" N_up = {n_up:.3f} ({method}); allowed multiples of the point:"
                        f" |mu| < {mu:.4g} ({'excluded' if mu < 1 else 'allowed'} as given)")
        return
    if args.operator is None:
        raise MucastError("give an OPERATOR (e.g. ll_2233) or --wcxf FILE")
    if args.run:
        raise MucastError("--run applies to --wcxf files")
    if args.n_type is not None and args.operator not in ("eN_22", "LN_22", "ne_1122", "ln_2211"):
        raise MucastError(f"--n-type applies to eN_22 and LN_22 (an N N-bar pair) only; {args.operator}"
                          " makes none")
    r = bound(args.operator, exp, m_N=args.mN * GeV, conventions=_conventions(args),
              method=args.method, cl=args.cl, n_type=args.n_type or "dirac")
    emit(args, r.to_dict(),
         f"{args.operator} ({exp.name}, m_N = {args.mN:.7g} GeV, {args.conventions} conventions):"
         f" |C| < {r.bound * GeV**2:.4g} GeV^-2, Lambda > {sig(r.Lambda / GeV)} GeV"
         f"  (N_up = {r.n_up:.3f} from {r.method}, N(C=1/GeV^2) = {r.yield_unit:.4e})")


def cmd_table1(args):
    """`mucast table1`: Table I of seed 000 beside ours."""
    from mucast.outputs.report import table1
    rows, notes = table1(_conventions(args), method=args.method, cl=args.cl,
                         acceptance=args.acceptance, with_warnings=True)
    lines = [f"Table I of seed 000 vs mucast ({args.conventions} conventions, {args.acceptance}"
             f" acceptance tables), {pct(args.cl)} CL bounds in GeV^-2",
             f"{'data set':8s} {'operator':10s} {'seed':>9s} {'mucast':>10s} {'ratio':>6s} "
             f"{'paper-conv':>10s} {'ratio(p)':>8s}  status"]
    lines += [f"{r['dataset']:8s} {r['operator']:10s} {r['seed']:9.2e} {r['ours']:10.3e} "
              f"{r['ratio']:6.3f} {r['ours_paper_conventions']:10.3e} "
              f"{r['ratio_paper_conventions']:8.3f}  {r['status']}" for r in rows]
    emit(args, {"conventions": args.conventions, "cl": args.cl, "acceptance": args.acceptance,
                "units": "GeV^-2", "rows": rows, "warnings": notes}, lines)


def cmd_conventions(args):
    """`mucast conventions`: the measured factor of each convention choice."""
    from mucast.outputs.report import convention_factors
    r = convention_factors(args.dataset, args.mN * GeV)
    # the rule of `bound` and `export likelihood`: an m_N where no nuSMEFT row can be computed
    # is refused, a row left out is said
    from mucast.inference.yields import closing_mass, table_end_reason
    from mucast.models.eft import NUSMEFT_OPERATORS
    skipped = [op for op in r.get("skipped_beyond_table_end", []) if op in NUSMEFT_OPERATORS]
    if args.mN > 0 and len(skipped) == len(NUSMEFT_OPERATORS):
        raise MucastError(f"m_N = {args.mN:g} GeV: no nuSMEFT row can be computed; "
                          f"{table_end_reason('LNLe_2222', args.dataset)}")
    r["warnings"] = r.get("warnings", []) + [f"{op} left out: m_N = {args.mN:g} GeV is beyond"
                     f" {closing_mass(op, args.dataset) / GeV:g} GeV, where"
                     f" {table_end_reason(op, args.dataset)}" for op in skipped]
    names = list(r["switches"])
    lines = [f"Bound ratio (yield ratio) with one convention switched to seed 000's literal choice,"
             f" data set {r['dataset']}, m_N = {args.mN:g} GeV:"]
    lines += [f"  {n}: {d}" for n, d in r["switches"].items()]
    lines.append(f"{'operator':10s} {'default':>10s} " + " ".join(f"{n:>22s}" for n in names))
    for row in r["rows"]:
        lines.append(f"{row['operator']:10s} {row['bound_default_GeV-2']:10.3e} " + " ".join(
            f"{row[n]['bound_ratio']:>11.4f} ({row[n]['yield_ratio']:7.4f})" for n in names))
    emit(args, {**r, "mucast_version": __version__}, lines)


def cmd_scan(args):
    """`mucast scan`: νSMEFT bound against m_N (GeV), optionally resumable."""
    import numpy as np
    from mucast.inference.scans import closing_mass, eft_mass_scan
    exp = _dataset(args)
    m_close = closing_mass(args.operator, exp)
    # an even grid up to the end of the tables; its last point moved just below the end, where
    # `bound` still computes (at the end itself it refuses)
    masses = np.linspace(0.0, min(args.max_mass * GeV if args.max_mass else m_close, m_close),
                         args.points)
    masses[-1] = min(masses[-1], m_close * (1 - 1e-6))
    if args.checkpoint:
        # resumable: every finished mass is kept in the checkpoint file (mucast.inference.checkpoint)
        from mucast.inference.checkpoint import resumable_map
        from mucast.inference.limits import bound
        conv = _conventions(args)
        rows = resumable_map(
            lambda m: bound(args.operator, exp, m_N=m * GeV, conventions=conv, method=args.method,
                            cl=args.cl).to_dict(),
            [float(m / GeV) for m in masses], args.checkpoint, check=_check_bound_row)
        from mucast.inference.limits import events_limit
        from mucast.inference.scans import _scan_warnings
        from mucast.inference.yields import EDGE_DOMINATED
        frac = np.array([r["last_bin_fraction"] for r in rows])
        lim = events_limit(exp, args.method, args.cl)
        from mucast.inference.limits import pair_threshold
        lam = np.array([r["Lambda"] for r in rows])
        out = {"operator": args.operator, "dataset": exp.name,
               "mN_GeV": [r["mN"] for r in rows], "bound_GeV-2": [r["bound"] for r in rows],
               "Lambda_GeV": lam.tolist(), "last_bin_fraction": frac.tolist(),
               "edge_dominated": (frac > EDGE_DOMINATED).tolist(),
               "below_threshold": (lam * GeV < pair_threshold(args.operator, masses)).tolist(),
               "closing_mass_GeV": m_close / GeV, "n_up": lim.upper, "method": lim.method,
               "conventions": conv.name,
               "warnings": list(_scan_warnings(lim, frac, masses, exp, args.operator,
                                               np.array([r["bound"] for r in rows]) / GeV**2)),
               "mucast_version": __version__}
    else:
        out = eft_mass_scan(args.operator, exp, masses, _conventions(args), args.method,
                            args.cl).to_dict()
    lines = [f"# {args.operator}, {exp.name}: m_N [GeV], bound [GeV^-2], Lambda [GeV]; the"
             f" acceptance table ends at m_N = {m_close / GeV:g} GeV for this operator (the last"
             " mass is just below it); '*' = more than half of the yield from the table's last"
             " bin; '!' = Lambda below the final state's mass, not a physical bound"]
    # m_N with the digits it has: the last point, 1.4999985, printed as 1.50000 looked like
    # the mass `bound` refuses
    lines += [f"{m:10.7g} {b:12.4e} {lam:10.4g}{' *' if e else ''}{' !' if t else ''}"
              for m, b, lam, e, t in zip(out["mN_GeV"], out["bound_GeV-2"], out["Lambda_GeV"],
                                         out["edge_dominated"], out["below_threshold"],
                                         strict=True)]
    emit(args, out, lines)


def _check_bound_row(r):
    """The values `scan --checkpoint` reads back from a BoundResult.to_dict(), type and range
    (mucast.inference.checkpoint): None if valid, else the reason."""
    from mucast.inference.checkpoint import number_in
    if not isinstance(r, dict):
        return f"result must be an object, got {type(r).__name__}"
    for key, lo, lo_open, hi in (("mN", 0, False, None), ("bound", 0, True, None),
                                 ("Lambda", 0, True, None), ("last_bin_fraction", 0, False, 1)):
        if key not in r:
            return f"result lacks {key}"
        if not number_in(r[key], lo, hi, lo_open=lo_open):
            rng = f"{'(' if lo_open else '['}{lo}, {hi if hi is not None else 'inf'}{']' if hi else ')'}"
            return f"{key} must be a number in {rng}, got {r[key]!r}"
    return None


def cmd_plane(args):
    """`mucast plane`: the quadratic form of Eq. (23) of seed 000 (with --wcxf: where the file's
    point sits, N/N_up from the exact yield)."""
    from mucast.inference.limits import smeft_plane
    if args.wcxf:
        from mucast.inference.likelihood import direction_bound
        wc = _read_wcxf(args)
        exp = _dataset(args)
        mu, n, n_up, method = direction_bound(wc.model, exp, _conventions(args), args.method,
                                              args.cl)
        out = {"yield": n, "n_up": n_up, "ratio": n / n_up, "excluded": n > n_up,
               "method": method, "cl": args.cl, "dataset": exp.name, "wcxf": wc.to_dict(),
               "warnings": list(wc.warnings), "mucast_version": __version__}
        emit(args, out, f"{args.wcxf} in the {exp.name} plane: N/N_up = {n / n_up:.4g}"
                        f" ({'outside: excluded' if n > n_up else 'inside: allowed'}; {method})")
        return
    if args.run:
        raise MucastError("--run applies to --wcxf files")
    f = smeft_plane(args.alpha, _dataset(args), _conventions(args), args.method, args.cl)
    emit(args, f.to_dict(),
         f"{f.a:.3f} c1^2 + {f.b:.4f} c2^2 + ({f.h:+.4f}) c1 c2 <= {f.R * GeV**4:.3e} GeV^-4"
         f"   (c1, c2) = {f.operators}, data set {f.dataset}")


def cmd_trident(args):
    """`mucast trident`: Eq. (24) of seed 000."""
    from mucast.inference.limits import trident_combination
    t = trident_combination(_dataset(args), args.c_hat_max, args.z_scale, _conventions(args),
                            args.method, args.cl)
    emit(args, t.to_dict(),
         f"|[c_LL]_mumumumu/v^2| < {t.c_ll_max * GeV**2:.2e} GeV^-2,"
         f" |[c_Le]_mumumumu/v^2| < {t.c_le_max * GeV**2:.2e} GeV^-2"
         f"  (WCxf ll_2222 < {t.c_ll_max_wcxf * GeV**2:.2e})")


def cmd_xsec_eft(args):
    """`mucast xsec eft`: total EFT cross section (pb, cm²)."""
    from mucast.models.eft import EFTModel
    from mucast.processes.eft.production import cross_section
    from mucast.experiments.targets import Target
    from mucast.units import natural_to_area, picobarn, cm2
    model = EFTModel({args.operator: args.coefficient / GeV**2}, m_N=args.mN * GeV)
    tgt = Target.from_name(args.target)
    r = cross_section(model, args.energy * GeV, tgt, _conventions(args))
    s = natural_to_area(r.value)
    out = {"sigma_pb": s / picobarn, "sigma_cm2": s / cm2,
           "sigma_error_pb": natural_to_area(r.error) / picobarn,
           "operator": args.operator, "coefficient_GeV-2": args.coefficient, "mN_GeV": args.mN,
           "energy_GeV": args.energy, "target": tgt.name, "conventions": args.conventions,
           "warnings": [], "mucast_version": __version__}
    from mucast.inference.limits import model_threshold_warnings   # the rule of bound and scan
    out["warnings"] += model_threshold_warnings(model, "this cross section does not hold")
    emit(args, out, f"sigma(mu {tgt.name} -> mu {tgt.name} chi chi) = {out['sigma_pb']:.4e} pb"
         f" (+- {out['sigma_error_pb']:.1e})")


def cmd_yield(args):
    """`mucast yield`: expected signal events for coefficients or a WCxf file."""
    from mucast.models.eft import EFTModel
    from mucast.inference.yields import signal_yield
    coeffs = {}
    for item in args.coef or []:
        if "=" not in item:
            raise MucastError(f"--coef expects NAME=VALUE (GeV^-2), got {item!r}")
        k, v = item.split("=", 1)
        if k.strip() in coeffs:       # the last value was kept silently (0.4 audit)
            raise MucastError(f"--coef {k.strip()} given twice; give each coefficient once")
        try:
            coeffs[k.strip()] = float(v) / GeV**2
        except ValueError:
            raise MucastError(f"--coef {k}: value must be a number, got {v!r}") from None
    wc = None
    if args.wcxf:
        if coeffs:
            raise MucastError("give either --wcxf or --coef, not both")
        wc = _read_wcxf(args)
        coeffs = dict(wc.model.coefficients)
    elif not coeffs:
        raise MucastError("give at least one --coef NAME=VALUE or --wcxf FILE")
    elif args.run:
        raise MucastError("--run applies to --wcxf files")
    # the model checks --mN against its operators (one rule for every command)
    model = EFTModel(coeffs, m_N=args.mN * GeV)
    exp = _dataset(args)
    y = signal_yield(model, exp, _conventions(args))
    out = y.to_dict()
    from mucast.inference.limits import edge_warning
    from mucast.inference.limits import model_threshold_warnings   # the rule of bound and scan
    out["warnings"] = (edge_warning(y.edge_fraction, exp) + (list(wc.warnings) if wc else [])
                       + model_threshold_warnings(model, "this yield does not hold"))
    lines = []
    if wc is not None:
        out["wcxf"] = wc.to_dict()
        coeffs = {k: v * GeV**2 for k, v in y.coefficients.items()}
        # |C| under the 0.3 key; the phase beside it (a complex value was echoed as |C| alone)
        out["coefficients_GeV-2"] = {k: (abs(v) if isinstance(v, complex) else v)
                                     for k, v in coeffs.items()}
        out["coefficients_phase_rad"] = {k: (cmath.phase(v) if isinstance(v, complex) else
                                             (0.0 if v >= 0 else math.pi))
                                         for k, v in coeffs.items()}
        lines.append(f"WCxf: {wc.note}")
        lines.append("coefficients [GeV^-2]: " + ", ".join(
            f"{k} = {_complex_text(v)}" for k, v in coeffs.items()))
    lines.append(f"expected signal events: {y.value:.4g} (+- {y.error:.1e}) in {y.experiment}")
    emit(args, out, lines)


def _complex_text(v) -> str:
    """A coefficient as text: real as is, complex as re + im i with |C| and its phase."""
    if isinstance(v, complex) and v.imag:
        return (f"{v.real:.4g} {'+' if v.imag >= 0 else '-'} {abs(v.imag):.4g}i"
                f" (|C| = {abs(v):.4g}, phase {cmath.phase(v):+.4f} rad)")
    return f"{(v.real if isinstance(v, complex) else v):.4g}"


def _read_wcxf(args):
    """The --wcxf file, run with wilson if --run; a one-line note on stderr lists the
    coefficients mucast does not use (they would otherwise vanish silently)."""
    from mucast.models.wcxf import read_wcxf
    if not args.run and args.scale is not None:
        raise MucastError("--scale applies with --run (the running's low scale)")
    wc = read_wcxf(args.wcxf, run=args.run,
                   scale=(args.scale if args.scale is not None else 2.0) * GeV)
    if wc.ignored:
        shown = ", ".join(wc.ignored[:8]) + (", ..." if len(wc.ignored) > 8 else "")
        why = ("not a nu-nu-mu-mu vector operator VnueLL/LR_ij22"
               if wc.eft == "WET" else "no tree-level nu-nu-mu-mu operator")
        print(f"note: {len(wc.ignored)} coefficient(s) of {args.wcxf} are not used by mucast"
              f" ({why}): {shown}", file=sys.stderr)
    return wc


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


def cmd_export_likelihood(args):
    """`mucast export likelihood`: N(C) = C^T M C in the JMS names, for global fits."""
    from mucast.inference.likelihood import quadratic_form
    q = quadratic_form(_dataset(args), args.mN * GeV, _conventions(args), args.method, args.cl)
    d = q.to_dict()
    lines = [f"# N(C) = C^T M C, C in GeV^-2 ({q.dataset}; observed {q.observed}, background"
             f" {q.background:g}; N_up = {q.n_up:.3f} {q.method})",
             "# " + " ".join(q.names)]
    lines += [" ".join(f"{v:.6e}" for v in row) for row in q.matrix]
    lines += [f"# {n}" for n in q.notes]
    emit(args, d, lines)


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
