"""Numbers that refactors must not move, pinned at mucast 0.2.0 (commit e6b8096) by
tests/regression/make_pinned.py before the issue-10/11 changes.

Tolerance: 1e-9 relative. The quantities are computed by the same quadrature rules as in 0.2.0;
a refactor may reorder floating-point operations (effects ~1e-15), but any change of a rule,
a node or a formula moves them by ≥ 1e-8 and fails here. Event samples must be bit-identical.
"""

import importlib.util
import json
import math
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("make_pinned", Path(__file__).with_name("make_pinned.py"))
_make = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_make)
compute = _make.compute

PINNED = json.loads(Path(__file__).with_name("pinned.json").read_text(encoding="utf-8"))
REL = 1e-9


@pytest.fixture(scope="module")
def now():
    return compute()


def _flatten(prefix, obj):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _flatten(f"{prefix}/{k}", v)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _flatten(f"{prefix}[{i}]", v)
    else:
        yield prefix, obj


@pytest.mark.parametrize("section", sorted(PINNED))
def test_pinned(now, section):
    old = dict(_flatten(section, PINNED[section]))
    new = dict(_flatten(section, now[section]))
    assert old.keys() == new.keys()
    bad = []
    for k, v in old.items():
        w = new[k]
        if isinstance(v, str) or v is None:
            ok = v == w
        elif math.isinf(v):
            ok = v == w
        else:
            ok = math.isclose(w, v, rel_tol=REL, abs_tol=0.0)
        if not ok:
            bad.append(f"{k}: pinned {v!r}, now {w!r}")
    assert not bad, "\n".join(bad[:20])
