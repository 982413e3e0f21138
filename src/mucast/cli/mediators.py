"""Layer 5: command-line entry points for mediator models (issue 11; docs/models.md).

Commands (masses and energies in GeV, cross sections in pb; with ``--json`` one JSON object)::

    mucast xsec MODEL --mass 0.1 --coupling 1e-3 [--xmin 0.5] [--theta-max 0.1] [--approx ww|etl]
    mucast gm2 [--model MODEL] --mass 0.1 --coupling 1e-3
    mucast limit MODEL (--dataset D | --experiment FILE) --mass 0.1 [--dm TYPE] [--g-chi G]
                       [--m-chi GEV | --mass-ratio R] [--splitting D] [--production auto|...]
    mucast curve MODEL ... --mass-min 0.001 --mass-max 5 --points 50 [--workers N |
                       --scheduler ADDRESS] [--checkpoint FILE]
    mucast plot limits MODEL [--dataset D ...] [--overlay FILE.csv ...] --out FIG

MODEL is a preset (lmu-ltau, zprime, dark-photon, muon-scalar, muon-pseudoscalar, muon-axial,
millicharge) or ``model FILE.toml`` (a user's model). ``--coupling`` is g_μ for the muon-philic
models, ε for dark-photon and millicharge; for millicharge ``--mass`` is the mass of the
millicharged particle (the mediator is the photon). ``limit zprime --model vanilla|dark`` keeps
the mucast 0.2 interface and numbers.
"""

from __future__ import annotations

import math

from mucast import __version__
from mucast.cli.common import (HELP_EPILOG, add_acceptance_option, add_method_option, emit, integer,
                               literal_help, number, pct, with_acceptance)
from mucast.exceptions import InputError
from mucast.units import GeV

#: presets and the legacy alias, in CLI order
MODEL_COMMANDS = ("lmu-ltau", "zprime", "dark-photon", "muon-scalar", "muon-pseudoscalar",
                  "muon-axial", "millicharge", "alp-photon", "alp-muon")

#: the mediator masses the CLI accepts [GeV]: from 1 keV (the WW quadrature's stated error
#: grows from 0.1% at 1 MeV to ~1% there; 5e-324 divided by zero) to 10^5 GeV, beyond every
#: beam's reach (1e308 overflowed the widths before the reach was checked)
MASS_RANGE_GEV = (1e-6, 1e5)
#: couplings: perturbative, g²/4π <= 1 (1e10 overflowed |M|²; epsilon and g alike)
COUPLING_MAX = math.sqrt(4.0 * math.pi)


def _positive_gev(option):
    """A mass in GeV in :data:`MASS_RANGE_GEV`, for ``option`` (each option names itself in
    its errors)."""
    return number(option, *MASS_RANGE_GEV, unit="GeV")


def _coupling():
    return number("--coupling", 0, COUPLING_MAX, lo_open=True)


#: what the legacy name zprime is in each command: lmu-ltau with mucast 0.2's interface
_ZPRIME_IS = {
    "xsec": "the lmu-ltau Z' (mucast 0.2's name; same options and numbers)",
    "limit": "the lmu-ltau Z' in mucast 0.2's form: --model vanilla|dark (g_chi = 0.05, m_chi ="
             " m/3), production narrow by default (lmu-ltau: auto, --dm ...)",
    "curve": "the lmu-ltau Z' in mucast 0.2's form: no dark-sector options, production narrow by"
             " default (lmu-ltau: auto)",
    "plot": "the lmu-ltau Z' in mucast 0.2's form: no dark-sector options",
}


# ----------------------------------------------------------------------------------------------
# shared: the model from the options
# ----------------------------------------------------------------------------------------------
def _model(args):
    """The MediatorModel of the command line: preset or file, with the dark-sector options."""
    from mucast.models.mediator import get_model
    name = args.model_name
    model = get_model(args.model_file if name == "model" else name)
    dark_opts = {k: getattr(args, k, None) for k in ("dm", "g_chi", "m_chi", "mass_ratio",
                                                     "splitting")}
    if model.name == "millicharge":
        if dark_opts["m_chi"] is not None or dark_opts["mass_ratio"] is not None:
            raise InputError("millicharge: --mass is the mass of the millicharged particle;"
                             " --m-chi and --mass-ratio do not apply")
        if dark_opts["g_chi"] is not None:
            raise InputError("millicharge: the particle's coupling is eps*e (--coupling eps);"
                             " --g-chi does not apply")
        kind = dark_opts["dm"] or model.dark.kind
        if kind not in ("dirac", "scalar"):
            raise InputError(f"millicharge: --dm must be dirac or scalar, got {kind!r}")
        # m_chi is the --mass of each point: mucast.inference.mediators.point_model sets it
        return model.with_dark(kind)
    if any(v is not None for v in dark_opts.values()):
        if model.dark is None and dark_opts["dm"] is None:
            given = ", ".join("--" + k.replace("_", "-") for k, v in dark_opts.items()
                              if v is not None)
            raise InputError(f"model {model.name} has no dark-sector particle, so {given} does"
                             " not apply; add one with --dm {scalar,dirac,majorana,pseudo-dirac}")
        if dark_opts["m_chi"] is not None and dark_opts["mass_ratio"] is not None:
            raise InputError("give either --m-chi or --mass-ratio, not both")
        model = model.with_dark(dark_opts["dm"], dark_opts["g_chi"],
                                None if dark_opts["m_chi"] is None else dark_opts["m_chi"] * GeV,
                                dark_opts["mass_ratio"], dark_opts["splitting"])
    if model.production == "photon-fusion" and getattr(args, "theta_max", 0.1) != 0.1:
        raise InputError(f"--theta-max does not apply to {model.name}: photon fusion on the"
                         " nucleus is integrated over every ALP angle (docs/alps.md)")
    return model


def _dataset(args):
    from mucast import experiments
    # --experiment names a file, whatever its name ends with
    exp = (experiments.Experiment.from_file(args.experiment) if getattr(args, "experiment", None)
           else args.dataset)
    return with_acceptance(exp, getattr(args, "acceptance", "shipped"))


# ----------------------------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------------------------
def _coupling_warnings(model, mass, coupling) -> list[str]:
    """A warning where X's effective coupling at this point exceeds 1
    (MediatorModel.perturbative_coupling: |g_f|, |g_chi|, and for an axial vector its
    longitudinal mode's 2 g m_f/m_X): the tree-level numbers printed do not hold there."""
    y = float(model.perturbative_coupling(mass, coupling))
    if not y > 1.0:
        return []
    how = ("its longitudinal mode's coupling 2 g m_f/m_X: the axial current is not conserved"
           if y > float(model.perturbative_coupling(mass, coupling, longitudinal=False))
           else "the coupling itself")
    return [f"X's effective coupling is {y:.3g} > 1 at m = {mass / GeV:g} GeV ({how}):"
            " perturbation theory, and so these numbers, do not hold there"]


def cmd_xsec(args):
    """`mucast xsec MODEL`: σ(μN → μN X) (or the millicharged pair) in pb."""
    from mucast.processes.mediators import offshell
    from mucast.processes.mediators import production
    from mucast.units import cm2, picobarn
    model = _model(args)
    if getattr(args, "loop_mixing", False):
        from dataclasses import replace
        model = replace(model, loop_mixing=True)
    if args.approx == "iww" and model.spin != "vector":
        raise InputError("--approx iww exists for vector mediators only")
    energy = args.energy * GeV
    from mucast.constants import M_MU
    x_top = 1.0 - M_MU / energy       # E_X <= E - m_mu: the muon keeps at least its mass
    if args.xmin is not None and not args.xmin < x_top:
        raise InputError(f"--xmin must be below 1 - m_mu/E = {x_top:.6g} at E = {args.energy:g}"
                         f" GeV (X cannot take more than E - m_mu), got {args.xmin:g}")
    if model.name == "millicharge":
        if args.approx not in ("ww", "auto"):
            raise InputError("millicharge: the pair cross section is computed from WW (--approx"
                             " auto, with the exact/WW correction, or ww)")
        from mucast.experiments.targets import Target
        from mucast.inference.mediators import point_model
        tgt = Target.from_name(args.target)
        model, photon = point_model(model, args.mass * GeV)
        r = offshell.pair_integral(model, photon, args.coupling, energy, tgt,
                                   x_min=args.xmin, theta_max=args.theta_max, t_max=args.t_max,
                                   correct=args.approx == "auto")
        sig = r.value
        out = {"sigma_pb": sig / picobarn, "sigma_cm2": sig / cm2,
               "sigma_error_pb": r.error / picobarn, "approx": args.approx,
               "process": "mu N -> mu N chi chi-bar (through the photon)",
               "m_chi_GeV": args.mass, "coupling": args.coupling, "energy_GeV": args.energy,
               "target": tgt.name, "x_min": args.xmin, "theta_max": args.theta_max,
               "model": model.to_dict(), "warnings": [], "mucast_version": __version__}
        # what the pair integral says about itself (mucast.processes.mediators.offshell)
        if r.relative_error > 0.01:
            out["warnings"].append(f"the pair integral's error estimate is"
                                   f" {100 * r.relative_error:.2g}% of its value")
        if args.approx == "auto" and r.parts.get("correction") == "unavailable":
            out["warnings"].append("sigma_X(k) is WW's as is: the exact/WW table does not cover"
                                   " this beam or target, so WW's error is not known"
                                   " (docs/models.md §2)")
        out["warnings"] += _coupling_warnings(model, args.mass * GeV, args.coupling)
        emit(args, out, f"sigma(mu {tgt.name} -> mu {tgt.name} chi chi-bar) = {out['sigma_pb']:.5e}"
                        f" pb (m_chi = {args.mass:g} GeV, eps = {args.coupling:g})")
        return
    from mucast.inference.mediators import default_decays
    decays = getattr(args, "decays", None) or default_decays(model)
    if decays == "computed" and model.invisible:
        from dataclasses import replace
        model = replace(model, invisible=False)       # the widths decide, as in `limit`
    gmu = float(model.g_mu(args.coupling))
    opts = {"rtol": args.rtol, "seed": args.seed} if args.approx in ("etl", "auto") else {}
    if model.production == "photon-fusion":
        if args.approx == "iww":
            raise InputError("--approx iww is the vector's bremsstrahlung form; an ALP coupled to"
                             " photons takes auto, ww or etl")
        from mucast.processes.alp import production as alp_production
        r = alp_production.cross_section(args.mass * GeV, model.production_charge * args.coupling,
                                         energy, args.target, args.xmin, t_max=args.t_max,
                                         approx=args.approx, rtol=args.rtol, seed=args.seed)
    else:
        r = production.cross_section(args.mass * GeV, abs(gmu), energy, args.target,
                                     args.approx, x_min=args.xmin, theta_max=args.theta_max,
                                     t_max=args.t_max, spin=model.spin, **opts)
    dec = model.decays(args.mass * GeV, args.coupling)
    if model.production == "photon-fusion":      # the ALP's own spectrum
        import numpy as np
        sp = alp_production.production([args.mass * GeV], energy, args.target, args.xmin,
                                       t_max=args.t_max, approx="ww")
        x, w = sp.x[0], sp.weights[0]
        m = args.mass * GeV
        if not np.sum(w) > 0:             # no ALP made above x_min: no spectrum, no boost
            raise InputError(f"no {model.name} is made with x >= {args.xmin:g} at m ="
                             f" {args.mass:g} GeV (sigma = 0): lower --xmin")
        x_mean = float(np.sum(w * x) / np.sum(w))
        gamma_beta = float(np.sum(w * np.sqrt(np.maximum((x * energy) ** 2 - m * m, 0.0)) / m)
                           / np.sum(w))
    else:
        x_mean, gamma_beta = production.mean_boost(args.mass * GeV, energy, args.target,
                                                   args.xmin, args.theta_max, args.t_max,
                                                   spin=model.spin)
    d = dec.to_dict(gamma_beta=gamma_beta)
    boost = {"definition": "mean of beta*gamma = p_X/m_X over the WW spectrum dsigma/dx at"
                           " x = E_X/E >= x_min (the whole spectrum without --xmin);"
                           " decay_length_m = gamma_beta * ctau_m, the mean lab decay length",
             "x_min": args.xmin, "mean_x": x_mean, "mean_energy_GeV": x_mean * args.energy,
             "gamma_beta": gamma_beta}
    out = {**r.to_dict(), "sigma_cm2": r.value / cm2, "g_mu": abs(gmu),
           "coupling": args.coupling, "branching_invisible": d["branching_invisible"],
           "branching_visible": d["branching_visible"], "widths": d["widths"],
           "total_width_GeV": d["total_width_GeV"], "branching": d["branching"],
           "visibility": d["visibility"], "ctau_m": d["ctau_m"], "lifetime_s": d["lifetime_s"],
           "decay_length_m": d["decay_length_m"], "boost": boost,
           "hbarc_source": d["hbarc_source"], "model": model.to_dict(), "decays": decays,
           "warnings": list(r.warnings) + list(d["warnings"])
           + _coupling_warnings(model, args.mass * GeV, args.coupling)}
    open_ = ", ".join(f"{k} {v:.3g}" for k, v in d["branching"].items() if v > 0) or "none"
    life = ("no open channel" if d["ctau_m"] is None else
            f"c tau = {d['ctau_m']:.4g} m, decay length {d['decay_length_m']:.4g} m at"
            f" <beta gamma> = {gamma_beta:.4g}")
    emit(args, out, [f"sigma(mu {args.target} -> mu {args.target} X) = {out['sigma_pb']:.5e} pb"
                     f" (+- {out['sigma_error_pb']:.1e}, {args.approx}, {model.name} {model.spin},"
                     f" {model.coupling_name} = {args.coupling:.4g}"
                     f"{' ' + model.coupling_unit if model.coupling_unit else ''}); Br(X -> invisible) ="
                     f" {d['branching_invisible']:.4g}",
                     f"Gamma_tot = {d['total_width_GeV']:.4e} GeV (Br: {open_}); {life}"])


def cmd_gm2(args):
    """`mucast gm2`: Δa_μ of a mediator and the ±2σ band where Δa_μ > 0."""
    from mucast.models import gm2
    from mucast.models.mediator import get_model
    model = get_model(args.model)
    m = args.mass * GeV
    # the model refuses the millicharge (its mediator is the photon) and an ALP coupled to
    # photons only (two loops), with the one-line reasons the CLI prints
    d = float(model.delta_a_mu(m, args.coupling))
    qmu = float(model.charges["mu"])
    out = {"delta_a_mu": d, "mass_GeV": args.mass, "coupling": args.coupling,
           "model": model.name, "spin": model.spin, "g_mu": abs(qmu * args.coupling),
           "warnings": _coupling_warnings(model, m, args.coupling),
           "mucast_version": __version__}
    try:
        band = gm2.gm2_band([m], spin=model.spin, muon_charge=qmu)
        out.update({"band_2sigma_g_low": float(band.g_low[0]),
                    "band_g_central": float(band.g_central[0]),
                    "band_2sigma_g_high": float(band.g_high[0]), "target_delta_a_mu": band.delta_a,
                    "target_sigma": band.sigma,
                    "target_source": "seed 001: a_mu(exp) - a_mu(SM) as quoted there (2023)"})
        out["warnings"].append(
            f"the g-2 band is seed 001's target, Delta a_mu = {band.delta_a:.3g} +- {band.sigma:.2g}"
            " (2023 values); with the 2025 SM prediction (lattice HVP) and the final E989"
            " average Delta a_mu = 38(63)e-11, consistent with zero (Aliberti et al.,"
            " arXiv:2505.21476): the band is the seeds' target, not today's anomaly"
            " (docs/models.md §4)")
        line = (f"Delta a_mu = {d:.4e}  (g-2 band at this mass: {out['band_2sigma_g_low']:.3e}"
                f" < {model.coupling_name} < {out['band_2sigma_g_high']:.3e})")
    except InputError:
        out.update({"band_2sigma_g_low": None, "band_g_central": None, "band_2sigma_g_high": None})
        article = "an" if model.spin[0] in "aeiou" else "a"
        line = f"Delta a_mu = {d:.4e}  (negative for {article} {model.spin} mediator: no g-2 band)"
    emit(args, out, line)


def _ccfr_options(args):
    """--constraint ccfr is CCFR's measurement (95% CL, its own data and statistics): options of
    the NA64 limit that it cannot honour are refused, not ignored."""
    from mucast.cli.choices import DEFAULT_METHOD
    given = [o for o, bad in (("--cl", args.cl != 0.9 and args.cl != 0.95),
                              ("--method", args.method != DEFAULT_METHOD),
                              ("--dataset", getattr(args, "dataset", "2022") != "2022"),
                              ("--experiment", getattr(args, "experiment", None) is not None),
                              ("--acceptance", getattr(args, "acceptance", "shipped") != "shipped"),
                              ("--decays", getattr(args, "decays", None) is not None
                               and getattr(args, "model_name", "") != "zprime"),  # its default
                              ("--approx", getattr(args, "approx", "auto") != "auto"))
             if bad]
    if given:
        raise InputError(f"--constraint ccfr is CCFR's measurement (95% CL, its own data and"
                         f" statistics): {', '.join(given)}"
                         f" {'does' if len(given) == 1 else 'do'} not apply to it")


def cmd_limit(args):
    """`mucast limit MODEL` (and the 0.2 form `limit zprime --model vanilla|dark`)."""
    from mucast.inference import mediators as M
    dataset = _dataset(args)
    if args.model_name == "zprime":
        model = M.legacy_zprime_model(args.model, args.g_chi,
                                      None if args.m_chi is None else args.m_chi * GeV,
                                      "dirac" if args.dm is None else args.dm)
        label = args.model
    else:
        model, label = _model(args), None
    if args.constraint == "ccfr":
        from mucast.inference.constraints import ccfr_coupling_limit
        _ccfr_options(args)
        c = ccfr_coupling_limit(model, [args.mass * GeV], args.ccfr_prescription)
        d = {"coupling": float(c.coupling[0]), "mass_GeV": args.mass, "constraint": "ccfr",
             "model": model.name, "prescription": c.prescription, "r95": c.r95, "cl": 0.95,
             "beam": c.beam, "notes": list(c.notes), "warnings": c.warnings,
             "mucast_version": __version__}
        emit(args, d, f"CCFR trident (computed by mucast, 95% CL {c.prescription}, R < {c.r95:.3f}):"
                      f" {model.coupling_name} < {d['coupling']:.4e} at m = {args.mass:g} GeV")
        return
    r = M.coupling_limit(model, args.mass * GeV, dataset, args.method, args.cl, args.production,
                         args.approx, args.theta_max, label=label, etl_rtol=args.rtol,
                         decays=args.decays)
    if r.coupling is None:       # no coupling is excluded: one line says why (from the warnings)
        why = [w for w in r.warnings if w.startswith("no limit")]
        emit(args, r.to_dict(), why, [w for w in r.warnings if w not in why])
        return
    extra = f", y < {r.y:.3e}" if r.y is not None else ""
    unit = f" {model.coupling_unit}" if model.coupling_unit else ""
    if r.coupling_upper is not None:
        what = (f"{r.coupling:.4e}{unit} < {model.coupling_name} < {r.coupling_upper:.4e}{unit}"
                f" excluded (decays in flight close the region)")
    elif r.decays == "computed" and not (r.branching_invisible or 0.0) > 0.999:
        # an open region: excluded from the limit up to where the search stops, not to infinity
        what = (f"{model.coupling_name} < {r.coupling:.4e}{unit} (the excluded region does not"
                f" close below {model.coupling_name} = {M.G_MAX:g}{unit}, where the search ends)")
    else:
        what = f"{model.coupling_name} < {r.coupling:.4e}{unit}"
    emit(args, {**r.to_dict(), "coupling_unit": model.coupling_unit or ""}, f"{r.dataset} {r.model}: {what} at m = {args.mass:g} GeV"
                            f" ({pct(args.cl)} CL, {r.method}, N_up = {r.n_up:.3f},"
                            f" {r.production}, decays {r.decays}{extra})")


def _masses_from(args):
    import numpy as np
    if not args.mass_max > args.mass_min:
        raise InputError(f"--mass-max ({args.mass_max:g}) must exceed --mass-min ({args.mass_min:g})")
    return np.geomspace(args.mass_min, args.mass_max, args.points) * GeV


def cmd_curve(args):
    """`mucast curve MODEL`: limits over a mass range (optionally on Dask, resumable)."""
    from mucast.inference.curves import limit_curve
    model = _model(args)
    if args.constraint == "ccfr":
        _ccfr_options(args)
    r = limit_curve(model, _masses_from(args), _dataset(args), args.method, args.cl,
                    args.production, args.approx, args.theta_max, workers=args.workers,
                    scheduler=args.scheduler, checkpoint=args.checkpoint, etl_rtol=args.rtol,
                    constraint=args.constraint, ccfr_prescription=args.ccfr_prescription,
                    decays=args.decays)
    if args.constraint == "ccfr":
        head = (f"# {model.name}: mass [GeV], {model.coupling_name} limit (CCFR trident computed"
                f" by mucast, 95% CL {r['prescription']})")
    else:
        head = (f"# {model.name}: mass [GeV], {model.coupling_name} limit"
                f"{f' [{model.coupling_unit}]' if model.coupling_unit else ''} ({pct(args.cl)} CL,"
                f" {r['method']}, data set {r['dataset']})")
    ups = r.get("coupling_upper") or [None] * len(r["coupling"])
    lines = [head + ("; upper edge of the excluded region where decays in flight close it"
                     if any(u is not None for u in ups) else "")]
    lines += [f"{m:12.6g} " + (f"{g:.4e}" + (f"  {u:.4e}" if u is not None else "")
                               if g is not None else f"   ({st})")
              for m, g, u, st in zip(r["mass_GeV"], r["coupling"], ups, r["status"],
                                     strict=True)]
    emit(args, r, lines)


def _figure_out(out: str) -> str:
    """--out of a figure: a file name (FILE.png and FILE.pdf are written next to it)."""
    from pathlib import Path
    p = Path(out)
    if not out.strip() or p.name in ("", ".", "..") or p.is_dir():
        raise InputError(f"--out must name a file (FILE.png and FILE.pdf are written), got {out!r}")
    # both files are checked before anything is computed or written: a foreign FILE.pdf left
    # a new FILE.png behind when it was refused only at its own turn
    from mucast._io import check_output_path
    from mucast.outputs.figures import _outputs
    for f in _outputs(out):
        check_output_path(f, "--out")
    return out


def cmd_plot_limits(args):
    """`mucast plot limits MODEL`: limit curves of data sets, g−2 band, overlays."""
    from mucast.outputs import plots
    _figure_out(args.out)
    model = _model(args)
    datasets = args.datasets or ["2022", "2023-24", "future"]
    overlays = [plots.read_overlay(f) for f in args.overlay or []]
    files = plots.plot_limits(model, datasets, _masses_from(args), args.out, overlays=overlays,
                              method=args.method, acceptance=args.acceptance,
                              decays=getattr(args, "decays", None))
    emit(args, {"files": [str(f) for f in files], "warnings": files.warnings},
         "wrote " + ", ".join(str(f) for f in files))


def cmd_plot_zprime(args):
    """`mucast plot zprime`: Fig. 4 of seed 001 (PNG, PDF)."""
    from mucast.outputs import plots
    _figure_out(args.out)
    overlays = [plots.read_overlay(f) for f in args.overlay or []]
    files = plots.plot_zprime(out=args.out, points=args.points, overlays=overlays)
    emit(args, {"files": [str(f) for f in files], "warnings": files.warnings},
         "wrote " + ", ".join(str(f) for f in files))


# ----------------------------------------------------------------------------------------------
# parsers
# ----------------------------------------------------------------------------------------------
def _model_parsers(group, what, add_options, command):
    """One sub-parser per preset (and 'model FILE.toml'), each with ``add_options``."""
    from mucast.cli.choices import MODEL_DESCRIPTIONS
    for name in MODEL_COMMANDS:
        desc = _ZPRIME_IS[command] if name == "zprime" else MODEL_DESCRIPTIONS[name]
        p = group.add_parser(name, help=literal_help(f"{what}: {desc}"),
                             description=literal_help(desc), epilog=HELP_EPILOG)
        p.set_defaults(model_name=name, model_file=None)
        add_options(p, name)
    p = group.add_parser("model", help=literal_help(f"{what}: a user's model file (TOML;"
                                                    " mucast help models)"), epilog=HELP_EPILOG)
    p.add_argument("model_file", metavar="FILE.toml", help="model file ([model], [dark])")
    p.set_defaults(model_name="model")
    add_options(p, "model")


def _coupling_help(name):
    return {"dark-photon": "kinetic mixing epsilon", "millicharge": "charge epsilon (units of e)",
            "alp-photon": "g_agammagamma in GeV^-1",
            "alp-muon": "g_amumu in GeV^-1 (the pseudoscalar's g_mu = g_amumu m_mu; docs/alps.md)",
            }.get(name, "coupling g_mu of the muon (g_Z' for lmu-ltau)")


def _dark_options(p, name):
    from mucast.cli.choices import DM_TYPES, MASS_RATIO_RANGE, MAX_G_CHI
    p.add_argument("--dm", choices=DM_TYPES, default=None, metavar="TYPE",
                   help=f"dark particle: {', '.join(DM_TYPES)}"
                        + (" (dirac or scalar here)" if name == "millicharge" else ""))
    if name == "millicharge":
        return
    p.add_argument("--g-chi", type=number("--g-chi", 0, MAX_G_CHI, lo_open=True), default=None,
                   metavar="G", help="g_chi in (0, sqrt(4 pi)] (default 0.05)")
    p.add_argument("--m-chi", type=number("--m-chi", 0, None, lo_open=True, unit="GeV"),
                   default=None, metavar="GEV", help="dark-matter mass in GeV, > 0")
    p.add_argument("--mass-ratio", type=number("--mass-ratio", *MASS_RATIO_RANGE),
                   default=None, metavar="R", help="m_X/m_chi in [1e-06, 1e+06] (default 3)")
    p.add_argument("--splitting", type=number("--splitting", 0, 1, hi_open=True), default=None,
                   metavar="D", help="pseudo-Dirac splitting in [0, 1): m2 = m1 (1 + D)")


def _kin_options(p, energy=True):
    p.add_argument("--theta-max", type=number("--theta-max", 1e-6, math.pi, unit="rad"),
                   default=0.1, metavar="RAD",
                   help="emission angle cut, rad in [1e-06, pi] (default 0.1)")
    if energy:
        p.add_argument("--energy", type=number("--energy", 1.06, 1e5, unit="GeV"), default=160.0,
                       metavar="GEV", help="beam energy in GeV, in [1.06, 1e+05] (default 160)")
        p.add_argument("--target", default="Pb", help="target material: Pb, W, Cu, Fe, C")
        p.add_argument("--t-max", default="E2", choices=["E2", "mmu2_plus_k2"],
                       help="upper photon virtuality of the flux (default E2, DMG4)")


def _approx_options(p, choices=("auto", "ww", "etl")):
    p.add_argument("--approx", default="auto", choices=choices,
                   help="auto (default; docs/models.md §2), ww or etl (exact, vegas)"
                        + ("; iww: the vector's improved WW, for comparison (x1.1-4.9 above the"
                           " exact tree level, docs/zprime_etl.md)" if "iww" in choices else ""))
    p.add_argument("--rtol", type=number("--rtol", 0, 0.5, lo_open=True), default=0.005,
                   help="etl: relative error in (0, 0.5] (default 0.005)")


def _limit_options(p, name):
    from mucast.cli.choices import DATASETS, DEFAULT_METHOD, PRODUCTIONS
    p.add_argument("--dataset", default="2022", choices=list(DATASETS), metavar="D",
                   help="data set (default 2022; mucast help datasets)")
    p.add_argument("--experiment", metavar="FILE", help="a user experiment TOML file")
    add_acceptance_option(p, "efficiency tables")
    add_method_option(p, DEFAULT_METHOD, legacy_cls="cls-asymptotic")
    default = "narrow" if name == "zprime" else "auto"
    p.add_argument("--constraint", default="na64", choices=["na64", "ccfr"], metavar="C",
                   help="na64 (default) or ccfr (trident; docs/ccfr.md)")
    p.add_argument("--ccfr-prescription", default="two-sided", choices=["two-sided", "one-sided"],
                   metavar="P", help="ccfr: two-sided (default) or one-sided 95%% CL")
    if name != "zprime":
        p.add_argument("--decays", default=None, choices=["computed", "invisible"],
                       metavar="WHICH", help="computed or invisible (default by model)")
    else:
        p.set_defaults(decays="invisible")
    p.add_argument("--production", default=default, choices=PRODUCTIONS, metavar="P",
                   help=f"{', '.join(PRODUCTIONS)} (default {default})")
    _kin_options(p, energy=False)
    _approx_options(p)
    p.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def add_xsec(xsec_subparsers):
    """``xsec MODEL`` and ``xsec model FILE`` in the existing "xsec" group."""
    def opts(p, name):
        p.add_argument("--mass", type=_positive_gev("--mass"), required=True, metavar="GEV",
                       help="mass in GeV, in [1e-06, 1e+05] (millicharge: the particle's)")
        p.add_argument("--coupling", type=_coupling(), required=True,
                       help=_coupling_help(name) + " in (0, sqrt(4 pi)]")
        p.add_argument("--xmin", type=number("--xmin", 0, 1, hi_open=True), default=None,
                       metavar="X", help="smallest energy fraction x = E_X/E, in [0, 1) (seed"
                                         " 001 signal region: 0.5)")
        _kin_options(p)
        _approx_options(p, ("auto", "ww", "iww", "etl"))
        p.add_argument("--seed", type=integer("--seed", 0), default=0, help="etl: vegas seed")
        if name in ("lmu-ltau", "zprime", "model"):
            p.add_argument("--loop-mixing", action="store_true",
                           help="add the e+e- and hadronic widths of the loop-induced kinetic"
                                " mixing (mu and tau loops; vectors with charges summing to zero"
                                " and no electron coupling; off by default)")
        if name != "zprime":
            _dark_options(p, name)       # the widths and Br(invisible) with a dark sector
            p.add_argument("--decays", default=None, choices=["computed", "invisible"],
                           help="how Br(invisible) is read: computed (the widths) or invisible"
                                " (declared, where the preset says so); default as in limit")
        p.add_argument("--json", action="store_true",
                       help='print {"sigma_pb": ..., "widths": ..., "ctau_m": ..., ...}')
        p.set_defaults(func=cmd_xsec)
    _model_parsers(xsec_subparsers, "sigma(mu N -> mu N X)", opts, "xsec")


def register(subparsers):
    """Add ``limit``, ``curve``, ``gm2`` and ``plot`` to mucast's sub-command parser."""
    from mucast.cli.choices import PRESETS

    s = subparsers.add_parser("limit", help="coupling limit of a mediator model at one mass")
    grp = s.add_subparsers(dest="model_family", metavar="MODEL", required=True)

    def limit_opts(p, name):
        p.add_argument("--mass", type=_positive_gev("--mass"), required=True, metavar="GEV",
                       help="mass in GeV, in [1e-06, 1e+05] (millicharge: the particle's)")
        if name == "zprime":
            from mucast.cli.choices import MAX_G_CHI
            p.add_argument("--model", default="vanilla", choices=["vanilla", "dark"],
                           help="vanilla L_mu-L_tau, or dark (Z' -> chi chi-bar)")
            p.add_argument("--dm", choices=["dirac", "scalar"], default=None,
                           help="dark: the dark particle (default dirac)")
            p.add_argument("--g-chi", type=number("--g-chi", 0, MAX_G_CHI, lo_open=True),
                           default=None, metavar="G", help="dark: g_chi in (0, sqrt(4 pi)]"
                                                           " (default 0.05)")
            p.add_argument("--m-chi", type=number("--m-chi", 0, None, lo_open=True, unit="GeV"),
                           default=None, metavar="GEV", help="dark: m_chi in GeV, > 0 (default m/3)")
        else:
            _dark_options(p, name)
        _limit_options(p, name)
        p.set_defaults(func=cmd_limit)
    _model_parsers(grp, f"{pct(0.9)} CL limit", limit_opts, "limit")

    c = subparsers.add_parser("curve", help="limit curve of a mediator model over a mass range")
    cg = c.add_subparsers(dest="model_family", metavar="MODEL", required=True)

    def curve_opts(p, name):
        p.add_argument("--mass-min", type=_positive_gev("--mass-min"), default=0.001,
                       metavar="GEV", help="smallest mass in GeV (default 0.001)")
        p.add_argument("--mass-max", type=_positive_gev("--mass-max"), default=5.0,
                       metavar="GEV", help="largest mass in GeV (default 5)")
        p.add_argument("--points", type=integer("--points", 2, 100_000), default=50,
                       metavar="N", help="masses, log-spaced, in [2, 100000] (default 50)")
        p.add_argument("--workers", type=integer("--workers", 0, 1024), default=None,
                       metavar="N", help="N Dask processes where it pays (0: here)")
        p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="an existing Dask cluster (tcp://host:port)")
        p.add_argument("--checkpoint", metavar="FILE", default=None,
                       help="resumable: finished masses are kept in FILE")
        if name != "zprime":
            _dark_options(p, name)
        _limit_options(p, name)
        p.set_defaults(func=cmd_curve)
    _model_parsers(cg, "limit curve", curve_opts, "curve")

    g = subparsers.add_parser("gm2", help="Delta a_mu of a mediator and the g-2 band")
    with_gm2 = [n for n in PRESETS if n not in ("millicharge", "alp-photon")]
    g.add_argument("--model", default="lmu-ltau", metavar="MODEL",
                   help=f"a preset ({', '.join(with_gm2)}) or a model TOML file (default"
                        " lmu-ltau; not millicharge: its mediator is the photon; not alp-photon:"
                        " no muon coupling, its g-2 is two-loop)")
    g.add_argument("--mass", type=_positive_gev("--mass"), required=True, metavar="GEV",
                   help="mediator mass in GeV, in [1e-06, 1e+05]")
    g.add_argument("--coupling", type=_coupling(), required=True,
                   help="the model's coupling in (0, sqrt(4 pi)] (g_mu; epsilon for dark-photon;"
                        " g_amumu in GeV^-1 for alp-muon)")
    g.add_argument("--json", action="store_true", help='print {"delta_a_mu": ...}')
    g.set_defaults(func=cmd_gm2)

    p = subparsers.add_parser("plot", help="figures")
    pg = p.add_subparsers(dest="figure", metavar="FIGURE", required=True)
    pz = pg.add_parser("zprime", help="Fig. 4 of seed 001 (PNG and PDF)")
    pz.add_argument("--out", required=True,
                    help="output file; FILE.png and FILE.pdf are written (a .png/.pdf suffix is"
                         " replaced); folders are created")
    pz.add_argument("--points", type=integer("--points", 10, 10_000), default=200, metavar="N",
                    help="masses per curve, in [10, 10000] (default 200)")
    pz.add_argument("--overlay", action="append", metavar="FILE.csv",
                    help="your own curve on the left panel: CSV mass_GeV,coupling, optional"
                         " '# label: ...' (repeatable)")
    pz.add_argument("--json", action="store_true", help='print {"files": [...]}')
    pz.set_defaults(func=cmd_plot_zprime)
    pl = pg.add_parser("limits", help="limit curves of a model: data sets, g-2 band, overlays")
    plg = pl.add_subparsers(dest="model_family", metavar="MODEL", required=True)

    def plot_opts(q, name):
        from mucast.cli.choices import DATASETS, DEFAULT_METHOD
        q.add_argument("--dataset", dest="datasets", action="append",
                       choices=list(DATASETS), metavar="D",
                       help="a data set to draw, repeatable (default 2022, 2023-24, future)")
        q.add_argument("--mass-min", type=_positive_gev("--mass-min"), default=0.001,
                       metavar="GEV", help="smallest mass in GeV (default 0.001)")
        q.add_argument("--mass-max", type=_positive_gev("--mass-max"), default=5.0,
                       metavar="GEV", help="largest mass in GeV (default 5)")
        q.add_argument("--points", type=integer("--points", 10, 10_000), default=100,
                       metavar="N", help="masses per curve, in [10, 10000] (default 100)")
        q.add_argument("--overlay", action="append", metavar="FILE.csv",
                       help="your own curve: CSV mass_GeV,coupling, optional '# label: ...'"
                            " (repeatable)")
        add_method_option(q, DEFAULT_METHOD, legacy_cls="cls-asymptotic")
        add_acceptance_option(q, "efficiency tables")
        if name != "zprime":
            _dark_options(q, name)
            q.add_argument("--decays", default=None, choices=["computed", "invisible"],
                           metavar="WHICH", help="computed or invisible (default as in limit)")
        q.add_argument("--out", required=True, help="output file (FILE.png and FILE.pdf)")
        q.add_argument("--json", action="store_true", help='print {"files": [...]}')
        q.set_defaults(func=cmd_plot_limits)
    _model_parsers(plg, "plot", plot_opts, "plot")
    return subparsers


__all__ = ["MODEL_COMMANDS", "add_xsec", "register"]
