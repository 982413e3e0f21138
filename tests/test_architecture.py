"""The layering of docs/architecture.md: no module imports from a higher layer."""

import re
from pathlib import Path

import mucast

LAYER = {
    "units": 0, "constants": 0, "exceptions": 0, "_io": 0, "citations": 0,
    "targets": 1, "experiments": 1, "acceptance": 1, "conventions": 1, "published": 1,
    "flux": 2, "kinematics": 2, "integrate": 2, "processes": 2, "wcxf_io": 2,
    "yields": 3, "gm2": 3, "events": 3, "event_io": 3, "detector": 3, "acceptance_model": 3,
    "stats": 4, "limits": 4, "scans": 4, "zprime_limits": 4, "checkpoint": 4,
    "report": 5, "plots": 5, "hepdata": 5, "reproduce": 5, "cli": 5, "cli_zprime": 5,
    "cli_events": 5, "_cli": 5,
}


def test_every_module_has_a_layer_and_imports_downwards():
    root = Path(mucast.__file__).parent
    bad = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        top = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        if top == "__init__":
            continue
        assert top in LAYER, f"{rel} has no layer in docs/architecture.md"
        for m in re.findall(r"from \.+(\w+)", path.read_text(encoding="utf-8")):
            if m in LAYER and LAYER[m] > LAYER[top]:
                bad.append(f"{rel} imports {m}")
    assert not bad, bad
