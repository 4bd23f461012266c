"""The quickstart notebook runs from top to bottom and shows what it says it shows.

Cells are found by their tags (``repr``, ``from-pandas``, ...), not by position, so
markdown can be added between them. Needs nbclient, nbformat and ipykernel (the
``test`` extra); skipped with a message otherwise.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip(
    "nbformat", reason="needs nbformat to run notebooks: pip install 'newsgraph[test]'"
)
nbclient = pytest.importorskip(
    "nbclient", reason="needs nbclient to run notebooks: pip install 'newsgraph[test]'"
)
pytest.importorskip(
    "ipykernel", reason="needs ipykernel to run notebooks: pip install 'newsgraph[test]'"
)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
QUICKSTART = NOTEBOOKS / "quickstart.ipynb"
# Where the notebook looks for the shared data (as in conftest.py): the kernel inherits
# NEWSGRAPH_SHARED, else ../../shared from notebooks/, the folder beside the repo.
SHARED = Path(os.environ.get("NEWSGRAPH_SHARED", NOTEBOOKS.parents[1] / "shared"))


@pytest.fixture(scope="module")
def executed():
    """The quickstart notebook after running every cell in a fresh python3 kernel."""
    from jupyter_client.kernelspec import NoSuchKernel

    nb = nbformat.read(QUICKSTART, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    try:
        client.execute()
    except NoSuchKernel:
        pytest.skip("no 'python3' Jupyter kernel installed (python -m ipykernel install --user)")
    return nb


def output_text(nb, tag: str) -> str:
    """Everything a tagged cell printed or displayed, as plain text."""
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    parts = []
    for out in cells[0].get("outputs", []):
        if out.get("output_type") == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "\n".join(parts)


def test_committed_without_outputs():
    nb = nbformat.read(QUICKSTART, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:60]


def test_runs_without_errors(executed):
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            assert out.get("output_type") != "error", f"{cell.source[:60]!r}: {out}"


def test_summary_and_tables(executed):
    assert "5 documents" in output_text(executed, "repr")
    assert "004_" in output_text(executed, "documents")
    sentences = output_text(executed, "sentences")
    assert "doc_id" in sentences and "start" in sentences and "end" in sentences
    assert output_text(executed, "text").startswith("004_")
    assert "token" in output_text(executed, "tokens")


def test_offsets_refer_to_text(executed):
    # The cell ends with text[start:end] == sentence text.
    assert output_text(executed, "offsets").rstrip().endswith("True")


def test_from_pandas_finds_source_and_dateline(executed):
    # The cell shows doc_id, source, dateline, n_sentences and desk only, not the texts:
    # these names appear only if the parser found them.
    shown = output_text(executed, "from-pandas")
    assert "Reuters" in shown
    assert "Bloomberg" in shown
    assert "PARIS" in shown
    assert "economy" in shown  # a metadata column passed through


def test_boilerplate_removed(executed):
    shown = output_text(executed, "boilerplate")
    body = shown.split("doc_id")[0]  # what print(small.text("a2")) wrote
    assert "Oil rose" in body
    assert "©2023 Bloomberg L.P." not in body


def test_reuters_cell(executed):
    shown = output_text(executed, "reuters")
    if not (SHARED / "data" / "news" / "reuters21578.jsonl.gz").exists():
        assert "not found" in shown
        pytest.skip(f"needs {SHARED}/data/news/reuters21578.jsonl.gz (shared data); not found")
    assert "documents" in shown and "busiest" in shown
    assert "1987-" in shown  # Reuters-21578 is newswire from 1987


def test_entity_cells(executed):
    assert "Sergei Lavrov" in output_text(executed, "mentions")
    ents = output_text(executed, "entities")
    assert "Volodymyr Zelensky" in ents and "Li Hui" in ents
    pivot = output_text(executed, "entity-counts")
    assert "Wang Yi" in pivot and "004_e8067eb3658fd9d6" in pivot
    # Counts summed, not averaged into floats (pandas' default aggfunc).
    assert re.search(r"\d\.\d", pivot) is None, pivot
    assert "Li Hui" in output_text(executed, "kwic")
    concepts = output_text(executed, "dictionary")
    assert "russia" in concepts and "ukraine" in concepts


def test_cooccurrence_cells(executed):
    assert "Cooccurrence" in output_text(executed, "cooccurrence")
    top = output_text(executed, "top-pairs")
    assert "Sergei Lavrov" in top and "Li Hui" in top
    for tag in ("heatmap", "network"):
        cells = [c for c in executed.cells if tag in c.get("metadata", {}).get("tags", [])]
        outs = cells[0].get("outputs", [])
        assert not any(o.get("output_type") == "error" for o in outs)
        assert any("image/png" in o.get("data", {}) for o in outs), f"{tag}: no figure"
    assert "source" in output_text(executed, "edges")
    report = output_text(executed, "cli")
    assert "top entities by label" in report and "people with organisations" in report
