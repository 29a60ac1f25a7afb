"""Execute the analysts' notebooks on a small sample so they never rot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip(
    "nbformat", reason="install the notebooks extra: pip install 'cleanclaim[notebooks]'"
)
nbclient = pytest.importorskip(
    "nbclient", reason="install the notebooks extra: pip install 'cleanclaim[notebooks]'"
)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@pytest.fixture(scope="module", autouse=True)
def small_sample(tmp_path_factory):
    """Notebook kernels inherit the environment: a small sample and a scratch output folder."""
    saved = dict(os.environ)
    os.environ["CLEANCLAIM_NOTEBOOK_SAMPLE"] = "12"
    os.environ["CLEANCLAIM_NOTEBOOK_OUTPUT"] = str(tmp_path_factory.mktemp("retrained"))
    os.environ["MPLBACKEND"] = "Agg"
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01_retrain.ipynb", "02_error_analysis.ipynb"])
def test_notebook_runs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    ), f"{name} is stored with outputs: clear them before committing"
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    client.execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
