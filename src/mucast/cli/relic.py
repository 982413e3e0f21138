"""Layer 5: ``mucast relic`` — thermal-relic targets of a mediator model (issue 12; docs/relic.md).

    mucast relic target --model lmu-ltau --dm scalar --m-chi 0.01 [--mass-ratio 3] [--g-chi 0.05]
                        [--splitting 0.1] [--omega-h2 0.12] --json
        → {"y", "coupling", "omega_h2", "x_freeze_out", "warnings", "parameters_from", ...}
    mucast relic omega  --model lmu-ltau --dm dirac --m-chi 0.01 --coupling 1e-4 --json
        → {"omega_h2", "x_freeze_out", "Y0", "warnings", ...}
    mucast relic curve  --model lmu-ltau --dm majorana --m-chi-min 0.001 --m-chi-max 1 --points 30
        → {"m_chi_GeV": [...], "y": [...], "coupling": [...], "warnings": [...], ...}
    mucast relic sigmav --m-chi 100 [--omega-h2 0.12] [--self-conjugate] --json
        → {"sigmav_cm3_s": ...}

One naming rule: the dark-matter mass is --m-chi in every relic command (``sigmav --mass`` is a
hidden deprecated spelling that adds a warning). A model file's [dark] values (type, g_chi,
m_X/m_chi, splitting, m_chi) are the defaults; options override them; "parameters_from" in the
JSON says where each value came from. Masses in GeV, ⟨σv⟩ in cm³/s; y = (g_χ g)²(m_χ/m_X)⁴ with
g_χ² (seed 001), y_alpha = y/4π.
"""

from __future__ import annotations

import argparse
import math

from mucast import __version__
from mucast.cli.common import emit, integer, literal_help, number
from mucast.exceptions import InputError
from mucast.units import GeV

#: dark-matter masses the relic commands accept [GeV] (5e-324 overflowed; below ~1 MeV the
#: solver states its own domain)
M_CHI_RANGE = (1e-6, 1e5)
#: target abundances: from a 1e-5 fraction of the dark matter to 80 times all of it (1e-300
#: overflowed <sigma v>)
OMEGA_RANGE = (1e-6, 10.0)
_OPTION = {"dm": "--dm", "g_chi": "--g-chi", "mass_ratio": "--mass-ratio",
           "splitting": "--splitting", "m_chi": "--m-chi"}


def _model_opts(p):
    from mucast.cli.choices import PRESETS
    from mucast.cli.choices import RELIC_DM_TYPES as DM_TYPES
    p.add_argument("--model", default="lmu-ltau", metavar="MODEL",
                   help=literal_help(f"a preset ({', '.join(PRESETS)}; alias zprime) or a model"
                                     " TOML file, whose [dark] values are the defaults (default"
                                     " lmu-ltau)"))
    p.add_argument("--dm", choices=DM_TYPES, default=None,
                   help="dark-matter type (default: the model file's [dark] type)")
    from mucast.cli.choices import MASS_RATIO_RANGE
    p.add_argument("--mass-ratio", type=number("--mass-ratio", *MASS_RATIO_RANGE),
                   default=None, help="m_X/m_chi in [1e-06, 1e+06] (default: the model file's,"
                                      " else 3, seed 001)")
    p.add_argument("--g-chi", type=number("--g-chi", 0, math.sqrt(4 * math.pi), lo_open=True),
                   default=None, help="dark coupling g_chi in (0, sqrt(4 pi)] (default: the model"
                                      " file's, else 0.05, seed 001; alpha_chi = 0.5 is 2.507)")
    p.add_argument("--splitting", type=number("--splitting", 0, 1, hi_open=True), default=None,
                   help="pseudo-Dirac splitting delta, m2 = m1 (1 + delta), in [0, 1) (default:"
                        " the model file's, else 0.1)")
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _omega_opt(p):
    p.add_argument("--omega-h2", type=number("--omega-h2", *OMEGA_RANGE), default=0.120,
                   help="target Omega h^2 in [1e-06, 10] (default 0.120, Planck 2018)")


def _resolve(args, need_m_chi=True):
    """(keyword arguments of the relic functions, m_chi in GeV or None, parameters_from)."""
    from mucast.cosmology.relic import resolve_dark
    from mucast.models.mediator import get_model
    model = get_model(args.model)
    values, sources = resolve_dark(model, args.dm, args.g_chi, args.mass_ratio, args.splitting)
    where = {k: (_OPTION[k] if v == "argument" else v) for k, v in sources.items()
             if v is not None}
    if values["dm"] != "pseudo-dirac":
        where.pop("splitting", None)
    m_chi = getattr(args, "m_chi", None)
    if need_m_chi:
        if m_chi is not None:
            where["m_chi"] = "--m-chi"
        elif model.dark is not None and model.dark.mass is not None:
            m_chi = model.dark.mass / GeV
            where["m_chi"] = "model file"
        else:
            raise InputError("--m-chi is required (the model gives no m_chi in its [dark] table)")
    kw = dict(dm=values["dm"], g_chi=values["g_chi"], mass_ratio=values["mass_ratio"],
              splitting=values["splitting"])
    return model, kw, m_chi, where


def _coupling_name(model) -> str:
    """The model's own name for its coupling (g_Z', epsilon, g_mu, ...)."""
    from mucast.models.mediator import get_model
    return get_model(model).coupling_name


def cmd_target(args):
    from mucast.cosmology.relic import thermal_target
    model, kw, m_chi, where = _resolve(args)
    t = thermal_target(model, m_chi * GeV, omega_target=args.omega_h2, **kw)
    d = t.to_dict()
    d["parameters_from"] = where
    xf = "n/a" if d["x_freeze_out"] is None else f"{t.x_freeze_out:.2f}"
    emit(args, d, f"{t.model} {t.dm} m_chi = {m_chi:g} GeV (m_X = {d['m_X_GeV']:.4g} GeV,"
                  f" g_chi = {t.g_chi:g}): {_coupling_name(model)} = {t.coupling:.4e},"
                  f" y = {t.y:.4e}"
                  f" (y_alpha = {t.y_alpha:.4e}), Omega h^2 = {t.omega_h2:.4f}, x_f = {xf}")


def cmd_omega(args):
    from mucast.cosmology.relic import omega_h2
    model, kw, m_chi, where = _resolve(args)
    r = omega_h2(model, m_chi * GeV, args.coupling, **kw)
    counts = ("chi only (self-conjugate)" if kw["dm"] == "majorana" else
              "chi + chibar (n = n_chi + n_chibar)" if kw["dm"] != "pseudo-dirac" else
              "chi1 + chi2 and their antiparticles")
    d = {"model": model.name, "dm": kw["dm"], "m_chi_GeV": m_chi,
         "m_X_GeV": m_chi * kw["mass_ratio"], "mass_ratio": kw["mass_ratio"],
         "g_chi": kw["g_chi"], "splitting": kw["splitting"] if kw["dm"] == "pseudo-dirac" else 0.0,
         "coupling": args.coupling, "omega_h2": r.omega_h2, "Y0": r.Y0,
         "x_freeze_out": r.x_f if math.isfinite(r.x_f) else None, "x_end": r.x_end,
         "stop_sensitivity": r.stop_sensitivity, "abundance_counts": counts,
         "parameters_from": where, "warnings": list(r.warnings), "mucast_version": __version__}
    xf = "n/a" if d["x_freeze_out"] is None else f"{r.x_f:.2f}"
    emit(args, d, f"{model.name} {kw['dm']} m_chi = {m_chi:g} GeV (m_X = {d['m_X_GeV']:.4g} GeV,"
                  f" g_chi = {kw['g_chi']:g}), {_coupling_name(model)} = {args.coupling:g}:"
                  f" Omega h^2 ="
                  f" {r.omega_h2:.5g} ({counts}), Y0 = {r.Y0:.4e}, x_f = {xf}")


def cmd_curve(args):
    import numpy as np

    from mucast.cosmology.relic import target_curve_detailed
    if not args.m_chi_max > args.m_chi_min:
        raise InputError(f"--m-chi-max ({args.m_chi_max:g}) must exceed --m-chi-min"
                         f" ({args.m_chi_min:g})")
    model, kw, _, where = _resolve(args, need_m_chi=False)
    masses = np.geomspace(args.m_chi_min, args.m_chi_max, args.points) * GeV
    rows, reasons = target_curve_detailed(model, masses, omega_target=args.omega_h2, **kw)
    d = {"model": model.name, "dm": kw["dm"], "mass_ratio": kw["mass_ratio"],
         "g_chi": kw["g_chi"], "omega_target": args.omega_h2,
         "splitting": kw["splitting"] if kw["dm"] == "pseudo-dirac" else 0.0,
         "parameters_from": where,
         "m_chi_GeV": (masses / GeV).tolist(),
         "y": [r.y if r else None for r in rows],
         "coupling": [r.coupling if r else None for r in rows],
         "omega_h2": [r.omega_h2 if r else None for r in rows],
         "x_freeze_out": [r.to_dict()["x_freeze_out"] if r else None for r in rows],
         "mucast_version": __version__}
    warn = []
    for m, r, why in zip(masses, rows, reasons, strict=True):
        if r is None:
            warn.append(f"m_chi = {m / GeV:.4g} GeV: null: {why}")
        else:
            warn += [f"m_chi = {m / GeV:.4g} GeV: {w}" for w in r.warnings]
    d["warnings"] = warn
    lines = ["# m_chi [GeV]   coupling        y"]
    lines += [f"{m:12.5g}   " + (f"{r.coupling:.4e}   {r.y:.4e}" if r else "(none)")
              for m, r in zip(d["m_chi_GeV"], rows, strict=True)]
    emit(args, d, lines)


def cmd_sigmav(args):
    from mucast.cosmology.relic import sigmav_target
    warn = []
    if args.mass is not None:
        if args.m_chi is not None:
            raise InputError("give --m-chi only (--mass is its deprecated spelling)")
        args.m_chi = args.mass
        warn.append("--mass is deprecated: use --m-chi (one name for the dark-matter mass in"
                    " every relic command)")
    if args.m_chi is None:
        raise InputError("--m-chi is required (the dark-matter mass in GeV)")
    r = sigmav_target(args.m_chi * GeV, args.omega_h2, args.self_conjugate, args.g_dof)
    sv = r.sigmav_cm3_s
    d = {"sigmav_cm3_s": sv, "m_chi_GeV": args.m_chi, "omega_h2": args.omega_h2,
         "self_conjugate": args.self_conjugate, "g_dof": args.g_dof,
         "x_freeze_out": r.x_freeze_out if math.isfinite(r.x_freeze_out) else None,
         "warnings": warn + r.warnings, "mucast_version": __version__}
    emit(args, d, f"<sigma v> = {sv:.4e} cm^3/s gives Omega h^2 = {args.omega_h2:g} for m_chi ="
                  f" {args.m_chi:g} GeV ({'self-conjugate' if args.self_conjugate else 'not self-conjugate'},"
                  f" {args.g_dof:g} states)")


def register(subparsers):
    r = subparsers.add_parser("relic", help="thermal-relic targets of a mediator model: the"
                                            " coupling giving Omega h^2 (docs/relic.md)")
    rs = r.add_subparsers(dest="relic_command", metavar="WHAT", required=True)
    mass = number("--m-chi", *M_CHI_RANGE, unit="GeV")

    p = rs.add_parser("target", help="the coupling (and y) giving the relic density at one m_chi")
    p.add_argument("--m-chi", type=mass, default=None,
                   help="dark-matter mass in GeV, in [1e-06, 1e+05] (default: the model file's)")
    _model_opts(p)
    _omega_opt(p)
    p.set_defaults(func=cmd_target)

    p = rs.add_parser("omega", help="Omega h^2 for a given coupling (compare with micrOMEGAs,"
                                    " hazma: docs/relic.md)")
    p.add_argument("--m-chi", type=mass, default=None,
                   help="dark-matter mass in GeV, in [1e-06, 1e+05] (default: the model file's)")
    p.add_argument("--coupling", type=number("--coupling", 0, math.sqrt(4 * math.pi), lo_open=True),
                   required=True,
                   help="the model's coupling g in (0, sqrt(4 pi)] (epsilon for dark-photon)")
    _model_opts(p)
    p.set_defaults(func=cmd_omega)

    p = rs.add_parser("curve", help="the thermal target over a range of m_chi")
    p.add_argument("--m-chi-min", type=number("--m-chi-min", *M_CHI_RANGE, unit="GeV"),
                   default=0.001, help="GeV (default 0.001)")
    p.add_argument("--m-chi-max", type=number("--m-chi-max", *M_CHI_RANGE, unit="GeV"),
                   default=1.0, help="GeV (default 1)")
    p.add_argument("--points", type=integer("--points", 2, 2000), default=30,
                   help="masses, log-spaced (default 30)")
    _model_opts(p)
    _omega_opt(p)
    p.set_defaults(func=cmd_curve)

    p = rs.add_parser("sigmav", help="the constant s-wave <sigma v> (cm^3/s) giving Omega h^2"
                                     " (Steigman, Dasgupta, Beacom 2012)")
    p.add_argument("--m-chi", type=mass, default=None, help="dark-matter mass in GeV")
    p.add_argument("--mass", type=number("--mass", *M_CHI_RANGE, unit="GeV"),
                   default=None, help=argparse.SUPPRESS)          # deprecated spelling
    _omega_opt(p)
    p.add_argument("--self-conjugate", action="store_true",
                   help="Majorana-like (n counts one species); default: particle + antiparticle")
    p.add_argument("--g-dof", type=number("--g-dof", 1, 1000), default=2.0,
                   help="internal states per species, in [1, 1000] (default 2)")
    p.add_argument("--json", action="store_true", help='print {"sigmav_cm3_s": ...}')
    p.set_defaults(func=cmd_sigmav)
