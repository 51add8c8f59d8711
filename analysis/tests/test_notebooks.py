"""The notebooks in analysis/notebooks run top to bottom (nbclient, Debian's python3 kernel) on small real runs,
and are stored without outputs."""
from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(name: str, environment: dict[str, str], monkeypatch) -> nbformat.NotebookNode:
    """Runs notebook NAME in its own folder, with ENVIRONMENT added for the kernel; returns it with outputs."""
    monkeypatch.setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")  # quiets a debugger note on stderr
    for key, value in environment.items():
        monkeypatch.setenv(key, value)  # the kernel inherits this process's environment
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = NotebookClient(notebook, timeout=240, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()
    return notebook


def outputs(notebook) -> tuple[str, int]:
    """All text the notebook printed or displayed, and how many PNG figures it showed."""
    texts, figures = [], 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{output.ename}: {output.evalue}"
            texts.append(output.get("text", ""))
            data = output.get("data", {})
            texts.append(data.get("text/plain", ""))
            figures += "image/png" in data
    return "\n".join(texts), figures


@pytest.mark.parametrize("name", ["01-first-run.ipynb", "02-compare-scenarios.ipynb"])
def test_stored_without_outputs(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)
    assert "parameters" in code[0].metadata.get("tags", [])


def test_first_run_notebook(economy_file, monkeypatch):
    notebook = execute("01-first-run.ipynb", {"CPSIM_RUN": str(economy_file)}, monkeypatch)
    text, figures = outputs(notebook)
    assert figures == 2  # the ratio and Gini series, the Lorenz curve
    assert "xihu-small" in text
    match = re.search(r"step 24: Gini from the panel (\S+), stored metric (\S+)", text)
    assert match and match.group(1) == match.group(2)


def test_compare_notebook_with_two_runs(economy_file, reform_file, monkeypatch):
    notebook = execute("02-compare-scenarios.ipynb",
                       {"CPSIM_BASELINE": str(economy_file), "CPSIM_REFORM": str(reform_file), "CPSIM_STUDY": ""},
                       monkeypatch)
    text, figures = outputs(notebook)
    assert figures == 1
    assert "dibao-1100" in text and "no study file given" in text
    assert os.path.basename(str(reform_file)) in text
