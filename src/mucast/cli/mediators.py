"""Layer 5: command-line entry points for the L_μ−L_τ Z′ (seed 001).

Hooked into :mod:`mucast.cli` by the lead with::

    from . import cli_zprime
    cli_zprime.add_xsec_zprime(xs)      # inside the existing "xsec" group
    cli_zprime.register(sub)            # adds "limit", "gm2", "plot"

Commands (energies/masses in GeV, cross sections in pb); with ``--json`` each prints exactly one
JSON object. Bad input raises :class:`mucast.exceptions.MucastError` subclasses (exit code 2 in
``mucast.cli.main``).

    mucast xsec zprime --mass 0.1 --coupling 1e-3 [--energy 160] [--target Pb]
                       [--approx ww|iww|etl] [--theta-max 0.1] [--xmin 0.5] --json
    mucast limit zprime --dataset 2022 --model vanilla --mass 0.1
                        [--method cls-asymptotic|cls-exact|fc|poisson] --json
    mucast gm2 --mass 0.1 --coupling 1e-3 --json
    mucast plot zprime --out fig4          # writes fig4.png and fig4.pdf
"""

from __future__ import annotations

import argparse

from mucast import __version__
from mucast.cli.common import add_acceptance_option, add_method_option, emit, integer, number, with_acceptance
from mucast.exceptions import InputError, MucastError
from mucast.units import GeV


def _positive(name, v):
    if not v > 0:
        raise InputError(f"{name} must be > 0, got {v}")
    return v


_positive_gev = number("--mass", 0, None, lo_open=True, unit="GeV")


# ----------------------------------------------------------------------------------------------
def cmd_xsec_zprime(args):
    """`mucast xsec zprime`: σ(μN → μNZ′) in pb."""
    from mucast.processes import zprime
    from mucast.units import cm2
    _positive("--mass", args.mass)
    _positive("--coupling", args.coupling)
    _positive("--energy", args.energy)
    if args.xmin is not None and not (0 <= args.xmin < 1):
        raise InputError(f"--xmin must be in [0, 1), got {args.xmin}")
    r = zprime.cross_section(args.mass * GeV, args.coupling, args.energy * GeV, args.target,
                             args.approx, x_min=args.xmin, theta_max=args.theta_max,
                             t_max=args.t_max)
    out = {**r.to_dict(), "sigma_cm2": r.value / cm2}
    emit(args, out, f"sigma(mu {args.target} -> mu {args.target} Z') = {out['sigma_pb']:.5e} pb"
         f" (+- {out['sigma_error_pb']:.1e}, {args.approx})")


def cmd_limit_zprime(args):
    """`mucast limit zprime`: 90% CL upper limit on g_Z′."""
    from mucast.inference import mediator_limits as zl
    _positive("--mass", args.mass)
    dataset = with_acceptance(args.dataset, args.acceptance)
    r = zl.coupling_limit(args.mass * GeV, dataset, args.model, args.method, args.cl,
                          g_chi=args.g_chi,
                          m_chi=None if args.m_chi is None else args.m_chi * GeV)
    extra = f", y < {r.y:.3e}" if r.model == "dark" else ""
    emit(args, r.to_dict(), f"{args.dataset} {args.model}: g_Z' < {r.coupling:.4e} at m_Z' ="
         f" {args.mass:g} GeV ({args.cl:.0%} CL, {r.method}, N_up = {r.n_up:.3f}{extra})")


def cmd_gm2(args):
    """`mucast gm2`: Δa_μ of the Z′ and the ±2σ band."""
    from mucast.models import gm2
    _positive("--mass", args.mass)
    _positive("--coupling", args.coupling)
    d = float(gm2.delta_a_mu(args.mass * GeV, args.coupling))
    band = gm2.gm2_band([args.mass * GeV])
    out = {"delta_a_mu": d, "mass_GeV": args.mass, "coupling": args.coupling,
           "band_2sigma_g_low": float(band.g_low[0]), "band_g_central": float(band.g_central[0]),
           "band_2sigma_g_high": float(band.g_high[0]), "target_delta_a_mu": band.delta_a,
           "target_sigma": band.sigma, "mucast_version": __version__}
    emit(args, out, f"Delta a_mu = {d:.4e}  (g-2 band at this mass: {out['band_2sigma_g_low']:.3e}"
         f" < g < {out['band_2sigma_g_high']:.3e})")


def cmd_plot_zprime(args):
    """`mucast plot zprime`: Fig. 4 of seed 001 (PNG, PDF)."""
    from mucast.outputs import plots
    files = plots.plot_zprime(out=args.out, points=args.points)
    emit(args, {"files": [str(f) for f in files]}, "wrote " + ", ".join(str(f) for f in files))


# ----------------------------------------------------------------------------------------------
def add_xsec_zprime(xsec_subparsers):
    """Add ``zprime`` to the existing ``xsec`` sub-command group of mucast.cli."""
    from mucast.processes.zprime import APPROXIMATIONS
    e = xsec_subparsers.add_parser("zprime", help="sigma(mu N -> mu N Z') of the L_mu-L_tau Z'")
    e.add_argument("--mass", type=_positive_gev, required=True, help="Z' mass in GeV (> 0)")
    e.add_argument("--coupling", type=number("--coupling", 0, None, lo_open=True), required=True,
                   help="g_Z' (> 0)")
    e.add_argument("--energy", type=number("--energy", 0, None, lo_open=True, unit="GeV"),
                   default=160.0, help="beam energy in GeV")
    e.add_argument("--target", default="Pb", help="target material (Pb, W, Cu, Fe, C)")
    e.add_argument("--approx", default="ww", choices=list(APPROXIMATIONS),
                   help="ww (default), iww, or etl (exact tree level, vegas; seconds)")
    e.add_argument("--theta-max", type=number("--theta-max", 0, 3.141592653589793, lo_open=True,
                                              unit="rad"), default=0.1,
                   help="largest Z' emission angle in rad, in (0, pi] (default 0.1)")
    e.add_argument("--t-max", default="E2", choices=["E2", "mmu2_plus_k2"],
                   help="upper photon virtuality of the flux (default E2, DMG4)")
    e.add_argument("--xmin", type=number("--xmin", 0, 1, hi_open=True), default=None,
                   help="smallest energy fraction x = E_Z'/E, in [0, 1) (seed 001 signal region: 0.5)")
    e.add_argument("--json", action="store_true", help='print {"sigma_pb": ...}')
    e.set_defaults(func=cmd_xsec_zprime)
    return e


def register(subparsers):
    """Add ``limit zprime``, ``gm2`` and ``plot zprime`` to mucast's sub-command parser."""
    from mucast.experiments import DATASETS
    from mucast.processes.zprime import MODELS
    from mucast.inference.mediator_limits import DEFAULT_METHOD

    s = subparsers.add_parser("limit", help="coupling limits of new-physics models")
    grp = s.add_subparsers(dest="model_family", metavar="MODEL", required=True)
    z = grp.add_parser("zprime", help="90%% CL limit on g_Z' of the L_mu-L_tau Z' (seed 001)")
    z.add_argument("--dataset", default="2022", choices=list(DATASETS))
    add_acceptance_option(z, "efficiency tables")
    z.add_argument("--model", default="vanilla", choices=list(MODELS))
    z.add_argument("--mass", type=_positive_gev, required=True, help="Z' mass in GeV (> 0)")
    add_method_option(z, DEFAULT_METHOD, legacy_cls="cls-asymptotic")
    z.add_argument("--g-chi", type=number("--g-chi", 0, None), default=None,
                   help="dark model: g_chi >= 0 (default 0.05)")
    z.add_argument("--m-chi", type=number("--m-chi", 0, None, unit="GeV"), default=None,
                   help="dark model: m_chi in GeV, in [0, m_Z'/2) (default m_Z'/3)")
    z.add_argument("--json", action="store_true", help='print {"coupling": ...}')
    z.set_defaults(func=cmd_limit_zprime)

    g = subparsers.add_parser("gm2", help="Delta a_mu of the L_mu-L_tau Z' and the g-2 band")
    g.add_argument("--mass", type=_positive_gev, required=True, help="Z' mass in GeV (> 0)")
    g.add_argument("--coupling", type=number("--coupling", 0, None, lo_open=True), required=True,
                   help="g_Z' (> 0)")
    g.add_argument("--json", action="store_true", help='print {"delta_a_mu": ...}')
    g.set_defaults(func=cmd_gm2)

    p = subparsers.add_parser("plot", help="figures")
    pg = p.add_subparsers(dest="figure", metavar="FIGURE", required=True)
    pz = pg.add_parser("zprime", help="Fig. 4 of seed 001 (PNG and PDF)")
    pz.add_argument("--out", required=True,
                    help="output file; FILE.png and FILE.pdf are written (a .png/.pdf suffix is"
                         " replaced)")
    pz.add_argument("--points", type=integer("--points", 10, 10_000), default=200,
                    help="masses per curve, in [10, 10000] (default 200)")
    pz.add_argument("--json", action="store_true", help='print {"files": [...]}')
    pz.set_defaults(func=cmd_plot_zprime)
    return subparsers


def main(argv=None) -> int:  # pragma: no cover - convenience for running without cli.py hooks
    """Run the Z′ subcommands standalone (same exit codes as mucast.cli.main)."""
    import sys
    parser = argparse.ArgumentParser(prog="mucast-zprime")
    sub = parser.add_subparsers(dest="command")
    xs = sub.add_parser("xsec").add_subparsers(dest="process")
    add_xsec_zprime(xs)
    register(sub)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        args.func(args)
    except MucastError as exc:
        print(f"mucast: error: {exc}", file=sys.stderr)
        return 2
    return 0
