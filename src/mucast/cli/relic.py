"""Layer 5: ``mucast relic`` — thermal-relic targets of a mediator model (issue 12; docs/relic.md).

    mucast relic target --model lmu-ltau --dm scalar --m-chi 0.01 [--mass-ratio 3] [--g-chi 0.05]
                        [--splitting 0.1] [--omega-h2 0.12] --json
        → {"y", "coupling", "omega_h2", "x_freeze_out", ...}
    mucast relic curve  --model lmu-ltau --dm majorana --m-chi-min 0.001 --m-chi-max 1 --points 30
        → {"m_chi_GeV": [...], "y": [...], "coupling": [...], ...}
    mucast relic sigmav --mass 100 [--omega-h2 0.12] [--self-conjugate] --json
        → {"sigmav_cm3_s": ...}

Masses in GeV, ⟨σv⟩ in cm³/s; y = (g_χ g)²(m_χ/m_X)⁴ with g_χ² (seed 001), y_alpha = y/4π.
"""

from __future__ import annotations

import math

from mucast import __version__
from mucast.cli.common import emit, integer, literal_help, number
from mucast.exceptions import InputError
from mucast.units import GeV


def _model_opts(p):
    from mucast.cli.choices import PRESETS
    from mucast.cli.choices import RELIC_DM_TYPES as DM_TYPES
    p.add_argument("--model", default="lmu-ltau", metavar="MODEL",
                   help=literal_help(f"a preset ({', '.join(PRESETS)}; alias zprime) or a model"
                                     " TOML file (default lmu-ltau)"))
    p.add_argument("--dm", choices=DM_TYPES, default=None,
                   help="dark-matter type (default: the model file's [dark] type)")
    p.add_argument("--mass-ratio", type=number("--mass-ratio", 0, None, lo_open=True),
                   default=3.0, help="m_X/m_chi (default 3, seed 001)")
    p.add_argument("--g-chi", type=number("--g-chi", 0, math.sqrt(4 * math.pi), lo_open=True),
                   default=0.05, help="dark coupling g_chi in (0, sqrt(4 pi)] (default 0.05, seed"
                                      " 001; alpha_chi = 0.5 is g_chi = 2.507)")
    p.add_argument("--splitting", type=number("--splitting", 0, 1, hi_open=True), default=0.1,
                   help="pseudo-Dirac splitting delta, m2 = m1 (1 + delta), in [0, 1) (default 0.1)")
    p.add_argument("--omega-h2", type=number("--omega-h2", 0, None, lo_open=True), default=0.120,
                   help="target Omega h^2 (default 0.120, Planck 2018)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _kw(args):
    return dict(dm=args.dm, g_chi=args.g_chi, mass_ratio=args.mass_ratio,
                splitting=args.splitting, omega_target=args.omega_h2)


def cmd_target(args):
    from mucast.cosmology.relic import thermal_target
    t = thermal_target(args.model, args.m_chi * GeV, **_kw(args))
    d = t.to_dict()
    emit(args, d, f"{t.model} {t.dm} m_chi = {args.m_chi:g} GeV (m_X = {d['m_X_GeV']:.4g} GeV,"
                  f" g_chi = {t.g_chi:g}): coupling = {t.coupling:.4e}, y = {t.y:.4e}"
                  f" (y_alpha = {t.y_alpha:.4e}), Omega h^2 = {t.omega_h2:.4f},"
                  f" x_f = {t.x_freeze_out:.2f}")


def cmd_curve(args):
    import numpy as np

    from mucast.cosmology.relic import target_curve
    if not args.m_chi_max > args.m_chi_min:
        raise InputError(f"--m-chi-max ({args.m_chi_max:g}) must exceed --m-chi-min"
                         f" ({args.m_chi_min:g})")
    masses = np.geomspace(args.m_chi_min, args.m_chi_max, args.points) * GeV
    rows = target_curve(args.model, masses, **_kw(args))
    first = next((r for r in rows if r is not None), None)
    d = {"model": first.model if first else str(args.model), "dm": first.dm if first else args.dm,
         "mass_ratio": args.mass_ratio, "g_chi": args.g_chi, "omega_target": args.omega_h2,
         "splitting": args.splitting if (first and first.dm == "pseudo-dirac") else 0.0,
         "m_chi_GeV": (masses / GeV).tolist(),
         "y": [r.y if r else None for r in rows],
         "coupling": [r.coupling if r else None for r in rows],
         "omega_h2": [r.omega_h2 if r else None for r in rows],
         "x_freeze_out": [r.x_freeze_out if r else None for r in rows],
         "mucast_version": __version__}
    missing = [f"{m / GeV:.4g}" for m, r in zip(masses, rows, strict=True) if r is None]
    if missing:
        d["warnings"] = [f"no coupling <= sqrt(4 pi) reaches the target at m_chi = "
                         f"{', '.join(missing)} GeV (null entries)"]
    lines = ["# m_chi [GeV]   coupling        y"]
    lines += [f"{m:12.5g}   " + (f"{r.coupling:.4e}   {r.y:.4e}" if r else "(none)")
              for m, r in zip(d["m_chi_GeV"], rows, strict=True)]
    emit(args, d, lines)


def cmd_sigmav(args):
    from mucast.cosmology.relic import sigmav_for_abundance
    sv = sigmav_for_abundance(args.mass * GeV, args.omega_h2, args.self_conjugate, args.g_dof)
    d = {"sigmav_cm3_s": sv, "mass_GeV": args.mass, "omega_h2": args.omega_h2,
         "self_conjugate": args.self_conjugate, "g_dof": args.g_dof,
         "mucast_version": __version__}
    emit(args, d, f"<sigma v> = {sv:.4e} cm^3/s gives Omega h^2 = {args.omega_h2:g} for m ="
                  f" {args.mass:g} GeV ({'self-conjugate' if args.self_conjugate else 'not self-conjugate'},"
                  f" {args.g_dof:g} states)")


def register(subparsers):
    r = subparsers.add_parser("relic", help="thermal-relic targets of a mediator model: the"
                                            " coupling giving Omega h^2 (docs/relic.md)")
    rs = r.add_subparsers(dest="relic_command", metavar="WHAT", required=True)
    mass = number("--m-chi", 0, None, lo_open=True, unit="GeV")

    p = rs.add_parser("target", help="the coupling (and y) giving the relic density at one m_chi")
    p.add_argument("--m-chi", type=mass, required=True, help="dark-matter mass in GeV (> 0)")
    _model_opts(p)
    p.set_defaults(func=cmd_target)

    p = rs.add_parser("curve", help="the thermal target over a range of m_chi")
    p.add_argument("--m-chi-min", type=number("--m-chi-min", 0, None, lo_open=True, unit="GeV"),
                   default=0.001, help="GeV (default 0.001)")
    p.add_argument("--m-chi-max", type=number("--m-chi-max", 0, None, lo_open=True, unit="GeV"),
                   default=1.0, help="GeV (default 1)")
    p.add_argument("--points", type=integer("--points", 2, 2000), default=30,
                   help="masses, log-spaced (default 30)")
    _model_opts(p)
    p.set_defaults(func=cmd_curve)

    p = rs.add_parser("sigmav", help="the constant s-wave <sigma v> (cm^3/s) giving Omega h^2"
                                     " (Steigman, Dasgupta, Beacom 2012)")
    p.add_argument("--mass", type=number("--mass", 0, None, lo_open=True, unit="GeV"),
                   required=True, help="dark-matter mass in GeV")
    p.add_argument("--omega-h2", type=number("--omega-h2", 0, None, lo_open=True), default=0.120,
                   help="target Omega h^2 (default 0.120)")
    p.add_argument("--self-conjugate", action="store_true",
                   help="Majorana-like (n counts one species); default: particle + antiparticle")
    p.add_argument("--g-dof", type=number("--g-dof", 0, None, lo_open=True), default=2.0,
                   help="internal states per species (default 2)")
    p.add_argument("--json", action="store_true", help='print {"sigmav_cm3_s": ...}')
    p.set_defaults(func=cmd_sigmav)
