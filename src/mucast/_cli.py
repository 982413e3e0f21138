"""Layer 5: helpers shared by the command-line modules (cli, cli_zprime, cli_events)."""

from __future__ import annotations

import argparse
import json
import math


def finite_float(name):
    """argparse type: a finite float, with an error naming the option."""
    def conv(s):
        try:
            v = float(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {s!r}") from None
        if not math.isfinite(v):
            raise argparse.ArgumentTypeError(f"{name} must be finite, got {s!r}")
        return v
    return conv


def integer(name):
    """argparse type: an integer, with an error naming the option."""
    def conv(s):
        try:
            return int(s)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be an integer, got {s!r}") from None
    return conv


def dump_json(obj, **kw):
    """Print one JSON object on stdout (never NaN: the contract of every --json command)."""
    print(json.dumps(obj, allow_nan=False, **kw))


def with_acceptance(experiment, acceptance: str):
    """The experiment with one of the table sets of :data:`mucast.experiments.TABLE_SETS`."""
    if acceptance == "shipped":
        return experiment
    from .experiments import with_tables
    return with_tables(experiment, acceptance)


def add_acceptance_option(parser, what="acceptance tables"):
    """The --acceptance switch shared by the computing commands."""
    from .experiments import TABLE_SETS
    parser.add_argument("--acceptance", default="shipped", choices=list(TABLE_SETS),
                        help=f"{what}: " + "; ".join(f"'{k}' = {v[1]}" for k, v in TABLE_SETS.items()))
