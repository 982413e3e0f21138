"""Layer 5: ``mucast help TOPIC`` — the long explanations that the one-line option help points to
(issue 17 §4: --help of limit, curve and plot was 74-99 lines of repeated paragraphs).

Each topic is built from the data it explains (the method descriptions of
mucast.inference.stats, the table sets of mucast.experiments, the data-set files, the presets), so
the text cannot drift from the code. ``mucast help`` lists the topics; ``mucast help COMMAND``
prints that command's --help.
"""

from __future__ import annotations

import textwrap

from mucast.exceptions import UnknownNameError

_WIDTH = 92


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), _WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "  ", break_on_hyphens=False)


def _methods() -> str:
    from mucast.inference.mediators import DEFAULT_METHOD
    from mucast.inference.stats import METHOD_DESCRIPTIONS, RENAMED
    lines = ["Upper-limit methods (--method; one name in every command):"]
    lines += [_wrap(f"{k}: {v}") for k, v in METHOD_DESCRIPTIONS.items()]
    lines.append(_wrap(f"Defaults: fc for EFT bounds, scans and upper-limit; {DEFAULT_METHOD} (seed"
                       " 001's method) for mediator limits. cls-asymptotic under-covers at low"
                       " counts: 1.44 events at n = 0 where the exact answer is 2.30; results"
                       " made with it carry a warning.", ""))
    lines.append(_wrap("Observed n below the background b: where P(N <= n | b) <= 1 - CL the"
                       " poisson (classical Neyman) interval is empty; upper-limit and the EFT"
                       " commands refuse it, a mediator limit has status 'failed' and no"
                       " coupling. fc and poisson limits far below cls-exact's (a downward"
                       " fluctuation), and any limit where the background-only hypothesis is"
                       " itself rejected, carry a warning.", ""))
    lines.append(_wrap("Names of mucast <= 0.2, still accepted with a warning: " + ", ".join(
        f"{k} -> {v or 'cls-exact (upper-limit, bound, scan) or cls-asymptotic (limit, curve)'}"
        for k, v in RENAMED.items()), ""))
    lines.append(_wrap("--cl is the confidence level, in [0.5, 0.999] (default 0.9).", ""))
    return "\n".join(lines)


def _acceptance() -> str:
    from mucast.experiments import TABLE_SETS
    lines = ["Acceptance and efficiency tables (--acceptance), for every command that computes a"
             " yield:"]
    lines += [_wrap(f"{k}: {v[1]}") for k, v in TABLE_SETS.items()]
    lines.append(_wrap("A user's experiment file (--experiment) carries its own tables; see"
                       " docs/detector_model.md for the fast simulation behind 'derived'.", ""))
    return "\n".join(lines)


def _production() -> str:
    from mucast.processes.mediators.policy import NARROW
    return "\n".join([
        "How a mediator X is produced (--production of limit, curve):",
        _wrap("on-shell: mu N -> mu N X with X -> invisible in the narrow-width approximation"
              " (sigma_X times Br_inv)."),
        _wrap("off-shell: the invisible pair through X of any mass, the integral over the pair"
              " mass of sigma_X(k) rho(k^2) (docs/models.md, 'off shell')."),
        _wrap(f"auto (default): the narrow-width form where its domain holds (an invisible decay"
              f" open, Gamma/M < {NARROW:g} and the pair integral within {NARROW:.0%} of it,"
              " mucast.processes.mediators.policy), the pair integral elsewhere."),
        _wrap("narrow: mucast 0.2's rule, on shell wherever an invisible decay is open (default"
              " of the legacy name zprime, whose numbers it keeps)."),
    ])


def _decays() -> str:
    return "\n".join([
        "What happens to X after production (--decays of limit, curve, plot limits, xsec;"
        " docs/decays.md):",
        _wrap("computed: the model's complete widths decide; a visible decay counts as signal"
              " where it happens beyond the last vetoing detector (the [geometry] table of the"
              " data set), so the excluded couplings become a region [coupling, coupling_upper]."),
        _wrap("invisible: X decays invisibly (declared, Br = 1, or Br from the widths with every"
              " visible decay prompt and vetoed)."),
        _wrap("Default: invisible for a preset declared invisible without a dark sector (the dark"
              " photon: NA64's invisible-mode convention), computed otherwise; the legacy zprime"
              " is always invisible.", ""),
    ])


def _datasets() -> str:
    from mucast import experiments
    from mucast.units import GeV
    lines = ["Data sets (--dataset; or --experiment FILE.toml, a copy of"
             " src/mucast/data/experiments/2022.toml):"]
    for name in experiments.available_datasets():
        e = experiments.get(name)
        lines.append(_wrap(f"{name}: {e.description} [E = {e.beam_energy / GeV:g} GeV,"
                           f" {e.target.name}, {e.mot:.3g} MOT]"))
    lines.append(_wrap("An experiment file has one MOT: [experiment] mot is used by the EFT bounds,"
                       " and the trigger MOTs of [[mediator.trigger]] (used by mediator limits)"
                       " must add up to it (to 0.1%). Unknown keys and wrong types are refused.",
                       ""))
    return "\n".join(lines)


def _models() -> str:
    from mucast.models.mediator import ALIASES, DM_TYPES, PRESETS, get_model
    lines = ["Mediator models (limit, curve, plot, xsec MODEL; gm2 --model; relic --model):"]
    for name in PRESETS:
        m = get_model(name)
        lines.append(_wrap(f"{name} ({m.spin}, coupling {m.coupling_name}): {m.description}"))
    lines.append(_wrap("Aliases: " + ", ".join(f"{k} = {v}" for k, v in ALIASES.items())
                       + ". In limit/curve/plot, 'zprime' is lmu-ltau with mucast 0.2's options"
                         " (--model vanilla|dark) and production narrow by default.", ""))
    lines.append(_wrap(f"Dark sector (--dm {'|'.join(DM_TYPES)}, --g-chi, --m-chi or --mass-ratio ="
                       " m_X/m_chi, --splitting): docs/models.md. Your own model: 'model"
                       " FILE.toml' (example: src/mucast/data/models/example.toml).", ""))
    return "\n".join(lines)


def _conventions() -> str:
    return "\n".join([
        "Conventions (--conventions) of the EFT computations (docs/conventions.md):",
        _wrap("default: the verified operator normalisations and amplitudes of mucast."),
        _wrap("paper: seed 000 taken literally (its Appendix A amplitudes, rho/207 GeV, the ll_2222"
              " factor 1). `mucast conventions` measures the factor each choice makes."),
        _wrap("--theta-max (rad) and --t-max change the angular cut and the photon virtuality of"
              " the flux.", ""),
    ])


def _masses() -> str:
    return "\n".join([
        "Masses and units: every mass and energy is in GeV, coefficients in GeV^-2, cross"
        " sections in pb.",
        _wrap("--mass: the mediator's mass (the millicharged particle's for millicharge);"
              " --mass-min/--mass-max: a curve's range; --m-chi: the dark-matter mass; --m-N: the"
              " HNL mass of the nuSMEFT operators (--mN, the 0.2 spelling, still works);"
              " --mass-ratio: m_X/m_chi in every command."),
    ])


#: topic name -> (one-line summary, text builder)
TOPICS = {
    "methods": ("upper-limit methods (--method, --cl)", _methods),
    "acceptance": ("acceptance and efficiency table sets (--acceptance)", _acceptance),
    "production": ("on-shell, off-shell, auto, narrow (--production)", _production),
    "decays": ("computed or invisible decays of X (--decays)", _decays),
    "datasets": ("the shipped data sets and experiment files (--dataset, --experiment)",
                 _datasets),
    "models": ("mediator presets, aliases, the dark sector, model files", _models),
    "conventions": ("EFT conventions (--conventions, --theta-max, --t-max)", _conventions),
    "masses": ("mass options and units (--mass, --m-chi, --m-N, --mass-ratio)", _masses),
}


def topic_text(name: str, commands=()) -> str:
    """The text of a help topic (UnknownNameError, with the nearest topic or command,
    otherwise)."""
    if name not in TOPICS:
        from mucast._schema import nearest
        near = nearest(name, list(TOPICS) + list(commands))
        raise UnknownNameError(f"no help topic {name!r}{f' (did you mean {near!r}?)' if near else ''};"
                               f" topics: {', '.join(TOPICS)}, or a command name")
    return TOPICS[name][1]()


def cmd_help(args):
    """`mucast help [TOPIC | COMMAND]`."""
    if args.topic is None:
        print("mucast help TOPIC (the long texts the option help points to):")
        for k, (summary, _) in TOPICS.items():
            print(f"  {k:12s} {summary}")
        print("mucast help COMMAND prints the command's --help (e.g. mucast help limit).")
        return
    if args.topic not in TOPICS and args.topic in args.commands:
        args.commands[args.topic].print_help()
        return
    print(topic_text(args.topic, args.commands))


def register(subparsers):
    """Add ``help`` to mucast's sub-command parser."""
    p = subparsers.add_parser("help", help="long explanations: " + ", ".join(TOPICS))
    p.add_argument("topic", nargs="?", default=None, metavar="TOPIC",
                   help=f"one of {', '.join(TOPICS)}, or a command")
    p.set_defaults(func=cmd_help, commands=subparsers.choices)
    return p
