"""The layering of docs/architecture.md, visible in the folder layout: every module belongs to
a layer by its package, and no module imports from a higher layer (issue 11 §8)."""

import ast
from pathlib import Path

import mucast

#: layer of each package / top-level module (docs/architecture.md)
LAYER = {
    "units": 0, "constants": 0, "exceptions": 0, "_io": 0, "_schema": 0, "_validate": 0, "citations": 0, "integrate": 0,
    "experiments": 1, "models": 1, "processes.conventions": 1,
    "processes": 2,
    "cosmology.dof": 1,
    "events": 3, "inference.yields": 3, "cosmology": 3,
    "inference": 4,
    "outputs": 5, "cli": 5, "__main__": 5,
}


def layer_of(module: str) -> int:
    """Layer of a dotted module name below mucast (longest matching prefix of LAYER)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in LAYER:
            return LAYER[key]
    raise KeyError(module)


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import (mucast uses absolute imports)"
            if node.module == "mucast":
                for a in node.names:
                    if a.name != "__version__":
                        yield a.name
            elif node.module and node.module.startswith("mucast."):
                # "from mucast.pkg import mod": the module imported is pkg.mod when it is one
                base = node.module[len("mucast."):]
                for a in node.names:
                    yield f"{base}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("mucast."):
                    yield a.name[len("mucast."):]


def test_every_module_has_a_layer_and_imports_downwards():
    root = Path(mucast.__file__).parent
    bad = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if not parts:
            continue
        me = ".".join(parts)
        mine = layer_of(me)
        for target in _imports(path):
            if layer_of(target) > mine:
                bad.append(f"{me} (layer {mine}) imports {target} (layer {layer_of(target)})")
    assert not bad, "\n".join(bad)


def test_top_level_holds_only_layer_0_and_packages():
    root = Path(mucast.__file__).parent
    files = {p.stem for p in root.glob("*.py")} - {"__init__", "__main__"}
    assert files == {k for k, v in LAYER.items() if v == 0}
    packages = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    assert packages == {"experiments", "models", "processes", "events", "inference", "cosmology",
                        "outputs", "cli"}
