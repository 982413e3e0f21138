"""The command line's start-up (issue 17 §6): the names the parser offers are listed in
mucast.cli.choices without importing the physics; here each list is checked against the
library's own definition, and building the parser is checked to import no heavy package."""

import json
import subprocess
import sys

from mucast import __version__
from mucast.cli import choices, main


def test_datasets_and_table_sets_agree_with_the_library():
    from mucast import experiments
    assert list(choices.DATASETS) == experiments.available_datasets()
    assert choices.SEED_DATASETS == experiments.DATASETS
    assert choices.TABLE_SETS == {k: v[1] for k, v in experiments.TABLE_SETS.items()}


def test_operators_agree_with_the_library():
    from mucast.models import eft
    assert choices.OPERATORS == eft.OPERATORS
    assert choices.NUSMEFT_OPERATORS == eft.NUSMEFT_OPERATORS
    assert choices.ALL_OPERATORS == eft.ALL_OPERATORS
    assert choices.NUSMEFT_ALIASES == tuple(eft.NUSMEFT_ALIASES)


def test_methods_agree_with_the_library():
    from mucast.inference import mediators, stats
    assert choices.METHOD_DESCRIPTIONS == stats.METHOD_DESCRIPTIONS
    assert choices.METHODS == stats.METHODS
    assert choices.RENAMED_METHODS == tuple(stats.RENAMED)
    assert choices.DEFAULT_METHOD == mediators.DEFAULT_METHOD
    assert choices.PRODUCTIONS == mediators.PRODUCTIONS


def test_confidence_levels_agree_with_the_library():
    """--cl and the Python API accept the same range (the API took cl = 1e-300 and failed in
    the asymptotic CLs root finder; the CLI refused it)."""
    from mucast.cli.common import CL_RANGE
    from mucast.inference import stats
    assert CL_RANGE == stats.CL_RANGE


def test_models_agree_with_the_library():
    from mucast.cli.mediators import MODEL_COMMANDS
    from mucast.cosmology import relic
    from mucast.models import mediator
    assert choices.PRESETS == mediator.PRESETS
    assert choices.DM_TYPES == mediator.DM_TYPES
    assert choices.RELIC_DM_TYPES == relic.DM_TYPES
    assert choices.MODEL_DESCRIPTIONS == {n: mediator.get_model(n).description
                                          for n in mediator.PRESETS}
    # every preset has its sub-command (zprime is the alias of lmu-ltau)
    assert set(MODEL_COMMANDS) == set(mediator.PRESETS) | {"zprime"}


def test_event_names_agree_with_the_library():
    from mucast.events import acceptance_model, files
    assert choices.EVENT_FORMATS == files.FORMATS
    assert choices.DETECTOR_DATASETS == acceptance_model.DATASETS


def test_building_the_parser_imports_no_physics():
    """`mucast --help` must not pay for scipy, numpy, particle, pyhf or the relic solver: build
    the parser (and print the help of a computing command) in a fresh interpreter and list
    the packages it imported."""
    code = ("import sys, contextlib, io\n"
            "from mucast.cli import build_parser\n"
            "p = build_parser()\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    try:\n"
            "        p.parse_args(['limit', 'lmu-ltau', '--help'])\n"
            "    except SystemExit:\n"
            "        pass\n"
            "heavy = ('numpy', 'scipy', 'particle', 'pyhf', 'matplotlib', 'yaml', 'tqdm')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
            "             or m.startswith(('mucast.cosmology', 'mucast.processes',"
            " 'mucast.inference', 'mucast.models', 'mucast.experiments', 'mucast.constants'))))\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(r.stdout.replace("'", '"')) == []


def test_version_is_answered_without_the_parser(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"mucast {__version__}\n"
