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


def literal_help(text: str) -> str:
    """Help text shown verbatim: argparse %-formats help strings, so a literal % is doubled."""
    return str(text).replace("%", "%%")


def _fmt_range(lo, hi, lo_open, hi_open):
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    return f"{left}{'-inf' if lo is None else f'{lo:g}'}, {'inf' if hi is None else f'{hi:g}'}{right}"


def number(name, lo=None, hi=None, *, lo_open=False, hi_open=False, unit=""):
    """argparse type: a finite float in the given range, with an error naming the option and the
    allowed range (``unit`` is appended to the range, e.g. "GeV")."""
    rng = _fmt_range(lo, hi, lo_open, hi_open) + (f" {unit}" if unit else "")

    def conv(s):
        try:
            v = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number in {rng}, got {s!r}") from None
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"{name} must be finite, in {rng}, got {s!r}")
        if lo is not None and (v < lo or (lo_open and v == lo)) or \
                hi is not None and (v > hi or (hi_open and v == hi)):
            raise argparse.ArgumentTypeError(f"{name} must be in {rng}, got {s}")
        return v
    return conv


def finite_float(name):
    """argparse type: any finite float, with an error naming the option."""
    return number(name)


def integer(name, lo=None, hi=None):
    """argparse type: an integer in [lo, hi], with an error naming the option and the range."""
    rng = f"[{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}]"

    def conv(s):
        try:
            v = int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer in {rng}, got {s!r}") from None
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise argparse.ArgumentTypeError(f"{name} must be an integer in {rng}, got {v}")
        return v
    return conv


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
    """The --acceptance switch shared by the computing commands."""
    from mucast.cli.choices import TABLE_SETS
    parser.add_argument("--acceptance", default="shipped", choices=list(TABLE_SETS),
                        help=literal_help(f"{what}: " + "; ".join(f"'{k}' = {v}"
                                                              for k, v in TABLE_SETS.items())))


def add_method_option(parser, default="fc", legacy_cls="cls-exact"):
    """--method: one name per upper-limit method in every command (mucast.inference.stats.METHODS). The
    names of mucast <= 0.2 ('cls', 'cls_exact') are still accepted, with a warning in the
    result; ``legacy_cls`` is what 'cls' meant in this command."""
    from mucast.cli.choices import METHOD_DESCRIPTIONS, METHODS, RENAMED_METHODS
    parser.add_argument(
        "--method", default=default, choices=list(METHODS) + list(RENAMED_METHODS), metavar="METHOD",
        help=literal_help(f"upper-limit method (default {default}): " + "; ".join(
            f"{k} = {v}" for k, v in METHOD_DESCRIPTIONS.items())
            + f". Deprecated: 'cls' (read as {legacy_cls} here), 'cls_exact'"))
    parser.add_argument("--cl", type=number("--cl", 0, 1, lo_open=True, hi_open=True),
                        default=0.9, help="confidence level in (0, 1) (default 0.9)")


def iter_parsers(parser, path=()):
    """(command path, parser) for the parser and every sub-command, discovered from argparse
    (used by the tests: every command's --help must work)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from iter_parsers(sub, path + (name,))
