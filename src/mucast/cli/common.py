"""Layer 5: helpers shared by the command-line modules (cli, cli_zprime, cli_events).

One mechanism per concern, so that every command behaves the same:

* :func:`number` / :func:`finite_float` / :func:`integer` — argparse types that check the value
  and name the option and its allowed range in the error (exit code 2, no traceback);
* :func:`literal_help` — help text built from data (descriptions, file provenance) goes through
  it, because argparse %-formats help strings ("12% peak" crashed ``--help``);
* :func:`add_method_option` — the upper-limit methods, one name each (mucast.inference.stats.METHODS);
* :func:`emit` — ``--json``: exactly one JSON object on stdout; otherwise the text lines, then
  every warning the result carries (``warnings`` in the JSON).
"""

from __future__ import annotations

import argparse
import json
import math
import sys


class UsageError(Exception):
    """A command-line error found by argparse (unknown option, value out of range, ...)."""

    def __init__(self, prog, message):
        super().__init__(message)
        self.prog = prog


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors: ``error()`` raises :class:`UsageError`, which
    :func:`mucast.cli.main` prints as "mucast <command>: error: ..." (exit code 2) instead of
    argparse's usage block. Sub-command parsers inherit the class."""

    def error(self, message):
        raise UsageError(self.prog, message)


#: the last line of a computing command's --help: where the long explanations are
HELP_EPILOG = ("details: mucast help methods | acceptance | production | decays | datasets |"
               " models | conventions | masses")


def literal_help(text: str) -> str:
    """Help text shown verbatim: argparse %-formats help strings, so a literal % is doubled."""
    return str(text).replace("%", "%%")


def _fmt_range(lo, hi, lo_open, hi_open):
    """An interval as text; an infinite end is open: ``[0, inf)``."""
    from mucast._schema import fmt_range
    return fmt_range(lo, hi, lo_open, hi_open)


#: the spellings of infinity float() accepts; any other string that gives inf overflowed
_INF_WORDS = {"inf", "infinity"}


def _overflowed(s: str) -> bool:
    return s.strip().lstrip("+-").lower() not in _INF_WORDS


def number(name, lo=None, hi=None, *, lo_open=False, hi_open=False, unit=""):
    """argparse type: a finite float in the given range, with an error naming the option and the
    allowed range (``unit`` is appended to the range, e.g. "GeV"); a number too large for a
    double (1e400) is reported as an overflow. The converter carries ``option`` = ``name`` (the
    tests check that it names the option it is attached to)."""
    rng = _fmt_range(lo, hi, lo_open, hi_open) + (f" {unit}" if unit else "")

    def conv(s):
        try:
            v = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number in {rng}, got {s!r}") from None
        if math.isinf(v) and _overflowed(s):
            raise argparse.ArgumentTypeError(
                f"{name}: {s[:40]}{'...' if len(s) > 40 else ''} overflows a double (largest"
                f" {sys.float_info.max:.3g}); allowed: {rng}")
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"{name} must be finite, in {rng}, got {s!r}")
        if lo is not None and (v < lo or (lo_open and v == lo)) or \
                hi is not None and (v > hi or (hi_open and v == hi)):
            raise argparse.ArgumentTypeError(f"{name} must be in {rng}, got {s}")
        return v
    conv.option = name
    return conv


def finite_float(name):
    """argparse type: any finite float, with an error naming the option."""
    return number(name)


def integer(name, lo=None, hi=None):
    """argparse type: an integer in [lo, hi], with an error naming the option and the range
    (``option`` = ``name``, as :func:`number`)."""
    rng = _fmt_range(lo, hi, False, False)

    def conv(s):
        try:
            v = int(s)
        except ValueError:      # also a string of more digits than int() converts (4300)
            shown = s if len(s) <= 40 else s[:40] + "..."
            raise argparse.ArgumentTypeError(f"{name} must be an integer in {rng}, got {shown!r}") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise argparse.ArgumentTypeError(f"{name} must be an integer in {rng}, got"
                                             f" {v if abs(v) < 10**40 else f'{float(v):.3g}'}")
        return v
    conv.option = name
    return conv


#: the largest mass an option takes [GeV]: beyond every beam's reach (1e308 GeV overflowed to
#: inf once multiplied by the unit)
MAX_MASS_GEV = 1e5


def add_mass_option(parser, option, alias=None, default=0.0, help="", lo=0.0, lo_open=False,
                    required=False, dest=None):
    """A mass option in GeV named by the one rule (``--m-N``, ``--m-chi``), in [lo,
    :data:`MAX_MASS_GEV`], with an optional old spelling (``--mN``) kept as a hidden alias that
    still works and is named in its own errors."""
    dest = dest or option.lstrip("-").replace("-", "_")
    parser.add_argument(option, dest=dest, type=number(option, lo, MAX_MASS_GEV, lo_open=lo_open,
                                                       unit="GeV"),
                        default=default, required=required, help=help, metavar="GEV")
    if alias:
        parser.add_argument(alias, dest=dest, type=number(alias, lo, MAX_MASS_GEV,
                                                          lo_open=lo_open, unit="GeV"),
                            default=argparse.SUPPRESS, help=argparse.SUPPRESS)


def dump_json(obj, **kw):
    """Print one JSON object on stdout (never NaN: the contract of every --json command)."""
    print(json.dumps(obj, allow_nan=False, **kw))


def emit(args, obj: dict, lines=(), warnings=None):
    """Output of a computing command: with ``--json`` one JSON object, else the text ``lines``
    followed by the result's warnings (``obj["warnings"]`` unless given) as "warning: ..."
    lines, so that text and JSON say the same."""
    if getattr(args, "json", False):
        dump_json(obj)
        return
    for line in ([lines] if isinstance(lines, str) else lines):
        print(line)
    for w in (obj.get("warnings", []) if warnings is None else warnings):
        print(f"warning: {w}")


def pct(cl) -> str:
    """A confidence level as a percentage with the digits it has: 0.9 -> '90%', 0.999 ->
    '99.9%' (':.0%' printed 100%)."""
    return f"{100 * cl:.6g}%"


def sig(x, digits=4) -> str:
    """A number with significant digits (never a rounded "0.0")."""
    return f"{x:.{digits}g}"


def with_acceptance(experiment, acceptance: str):
    """The experiment with one of the table sets of :data:`mucast.experiments.TABLE_SETS`."""
    if acceptance == "shipped":
        return experiment
    from mucast.experiments import with_tables
    return with_tables(experiment, acceptance)


def add_acceptance_option(parser, what="acceptance tables"):
    """The --acceptance switch shared by the computing commands (one help line; the long text
    is ``mucast help acceptance``)."""
    from mucast.cli.choices import TABLE_SETS
    parser.add_argument("--acceptance", default="shipped", choices=list(TABLE_SETS), metavar="SET",
                        help=f"{', '.join(TABLE_SETS)} (default shipped)")


def add_method_option(parser, default="fc", legacy_cls="cls-exact"):
    """--method: one name per upper-limit method in every command (mucast.inference.stats.METHODS;
    ``mucast help methods``). The names of mucast <= 0.2 ('cls', 'cls_exact') are still
    accepted, with a warning in the result; ``legacy_cls`` is what 'cls' meant in this command."""
    from mucast.cli.choices import METHODS, RENAMED_METHODS
    parser.add_argument(
        "--method", default=default, choices=list(METHODS) + list(RENAMED_METHODS),
        metavar="METHOD", help=f"{', '.join(METHODS)} (default {default})")
    parser.add_argument("--cl", type=number("--cl", CL_RANGE[0], CL_RANGE[1]), default=0.9,
                        metavar="CL", help=f"in {_fmt_range(*CL_RANGE, False, False)} (default 0.9)")


#: the confidence levels the CLI accepts: upper limits are quoted at 68-99.9% CL; below 0.5 an
#: "upper limit" is below the median expectation, and the methods' root finders are bracketed
#: for this range (--cl 1e-300 crashed the asymptotic CLs solver)
CL_RANGE = (0.5, 0.999)


def iter_parsers(parser, path=()):
    """(command path, parser) for the parser and every sub-command, discovered from argparse
    (used by the tests: every command's --help must work)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from iter_parsers(sub, path + (name,))
