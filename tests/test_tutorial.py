"""The tutorial notebook (docs/tutorial.ipynb) runs from top to bottom."""

from pathlib import Path

import pytest

NB = Path(__file__).resolve().parents[1] / "docs" / "tutorial.ipynb"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")   # jupyter_client/zmq internals
def test_tutorial_executes(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NB, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "expected events" in outputs and "saved tutorial_scan.png" in outputs
    assert (tmp_path / "tutorial_scan.png").is_file()
