"""Every Python snippet of README.md and docs/*.md runs as written (issue 17 §5: README snippet 2
failed on its own with NameError: GeV).

Each ```python block is run on its own, in a fresh interpreter, in an empty folder: a snippet
may not lean on names defined by an earlier one. A snippet that reads a file the document tells
the reader to make first (a shell command right above it) gets that file from :data:`PREPARE`,
made the way the document says.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]

#: files a snippet reads, made as its document says: name -> mucast command line (its stdout)
PREPARE = {"na64mu_2023-24.json": ["export", "likelihood", "--dataset", "2023-24", "--json"]}


def snippets(language="python"):
    for doc in DOCUMENTS:
        text = doc.read_text(encoding="utf-8")
        for i, m in enumerate(re.finditer(rf"^```{language}\n(.*?)^```", text, re.S | re.M)):
            line = text[:m.start()].count("\n") + 1
            yield pytest.param(m.group(1), id=f"{doc.relative_to(ROOT)}:{line}#{i + 1}")


def test_the_documents_have_snippets():
    ids = [p.id for p in snippets()]
    assert sum(i.startswith("README.md") for i in ids) == 2 and len(ids) >= 6


@pytest.mark.parametrize("code", list(snippets()))
def test_snippet_runs_as_written(code, tmp_path):
    for name, argv in PREPARE.items():
        if name in code:
            r = subprocess.run([sys.executable, "-m", "mucast", *argv], capture_output=True,
                               text=True, check=True)
            (tmp_path / name).write_text(r.stdout)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]


@pytest.mark.parametrize("text", list(snippets("toml")))
def test_toml_snippet_loads_as_written(text, tmp_path):
    """Every TOML example of the documents is a file mucast reads as it stands (docs/models.md
    put hadrons, hadron_coupling and loop_mixing under [model.charges], where the strict reader
    refuses them: 'unknown fermion hadrons')."""
    from mucast import experiments
    from mucast.models.mediator import get_model
    p = tmp_path / "snippet.toml"
    p.write_text(text)
    if text.lstrip().startswith("[model]") or "\n[model]" in text:
        assert get_model(str(p)).name
    elif "[experiment]" in text:
        assert experiments.Experiment.from_file(str(p)).name
    else:
        pytest.skip("a fragment of a larger file")
