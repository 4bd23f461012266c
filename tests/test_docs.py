"""The documentation runs: the README quickstart and every docstring example."""

from __future__ import annotations

import doctest
import importlib
import re

import pandas as pd
import pytest

from conftest import REPO

MODULES = [
    "newsgraph",
    "newsgraph.corpus",
    "newsgraph.tables",
    "newsgraph.io",
    "newsgraph.frame",
    "newsgraph.store",
    "newsgraph.dictionary",
    "newsgraph.ner",
    "newsgraph.cooccur",
    "newsgraph.dedup",
    "newsgraph.entities",
    "newsgraph._checks",
    "newsgraph.stream",
    "newsgraph.__main__",
]


def test_readme_quickstart_runs_and_ends_in_a_dataframe(capsys):
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    assert blocks, "README has no python block"
    quickstart = blocks[0]
    *body, last = [ln for ln in quickstart.strip().splitlines() if ln.strip()]
    ns: dict = {}
    exec("\n".join(body), ns)
    result = eval(last.split("  #")[0], ns)
    assert isinstance(result, pd.DataFrame)
    assert {"doc_id", "entity", "count"} <= set(result.columns)
    assert result.query("entity == 'Sergei Lavrov'")["doc_id"].nunique() == 5
    out = capsys.readouterr().out
    assert "5 documents" in out and "Li Hui" in out


def test_every_readme_python_block_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    ns: dict = {}
    for block in blocks:
        exec(block, ns)
    assert isinstance(ns["m"], pd.DataFrame) and "entity" in ns["m"].columns


def test_readme_commands_match_ci():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_cmd = re.search(r"^pip install '\.\[test\]'.*$", readme, flags=re.M)
    assert test_cmd and test_cmd.group(0) in ci


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags, verbose=False)
    assert result.failed == 0
