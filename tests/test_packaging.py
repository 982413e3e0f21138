"""Packaging (issue 17 §7): `pip install "mucast[all]"` gives every optional feature."""

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PYPROJECT = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())


def test_all_extra_holds_every_optional_feature():
    extras = PYPROJECT["project"]["optional-dependencies"]
    (spec,) = extras["all"]
    named = set(re.fullmatch(r"mucast\[(.*)\]", spec).group(1).split(","))
    # dask, wilson and parquet were missing; 'test' is for developers, not a feature
    assert named == set(extras) - {"all", "test"}
    assert "mucast[all]" in extras["test"]
