"""Layer 5: the command line of the contact-operator (EFT) side — cross sections, yields,
bounds, m_N scans, the SMEFT plane and the trident combination, the likelihood export, Table I
and the conventions' comparison (thin: parse, call the library, print). Moved out of
mucast.cli (which had passed 650 lines), unchanged; the parser is built there
(:func:`mucast.cli.build_parser`), without importing any physics.
"""

from __future__ import annotations

import cmath
import math
import sys

from mucast import __version__
from mucast.cli.common import emit, pct, sig, with_acceptance
from mucast.exceptions import MucastError
from mucast.units import GeV


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


