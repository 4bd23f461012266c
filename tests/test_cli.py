"""`python -m newsgraph`: the main job on the seeds and on files."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest


def run(*args, check=True):
    proc = subprocess.run(
        [sys.executable, "-m", "newsgraph", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_seeds_report():
    out = run().stdout
    assert "5 documents" in out
    assert "004_e8067eb3658fd9d6" in out
    assert "Bloomberg" in out and "Moscow" in out and "2023-05-26" in out
    top = out.split("top entities")[1].split("top co-occurring pairs")[0]
    assert "Sergei Lavrov" in top and "Li Hui" in top and "PER" in top
    pairs = out.split("top co-occurring pairs")[1]
    assert "npmi" in pairs and "Sergei Lavrov" in pairs


def test_jsonl_with_out_dir_csv_and_parquet(tmp_path):
    src = tmp_path / "a.jsonl"
    rows = [
        {
            "id": "r1",
            "text": "PARIS (Reuters) - Emmanuel Macron spoke. Analysts were surprised.",
            "tags": ["x"],
        },
        {"id": "r2", "text": "Second story here.", "tags": []},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = run(src, "--out", tmp_path / "csv").stdout
    assert "2 documents" in out and "r1" in out
    docs = pd.read_csv(tmp_path / "csv" / "documents.csv")
    assert docs["doc_id"].tolist() == ["r1", "r2"]
    assert docs.loc[0, "source"] == "Reuters"
    ents = pd.read_csv(tmp_path / "csv" / "entities.csv")
    assert ents.set_index("entity").loc["Emmanuel Macron", "label"] == "PER"
    written = {p.name for p in (tmp_path / "csv").iterdir()}
    assert {"mentions.csv", "entity_counts.csv", "cooccurrence.csv"} <= written
    import networkx as nx

    g = nx.read_graphml(tmp_path / "csv" / "cooccurrence.graphml")
    assert g.number_of_nodes() >= 1
    sents = pd.read_csv(tmp_path / "csv" / "sentences.csv")
    assert sents["text"].tolist()[:2] == ["Emmanuel Macron spoke.", "Analysts were surprised."]
    pytest.importorskip("pyarrow")
    run(src, "--out", tmp_path / "pq", "--format", "parquet")
    back = pd.read_parquet(tmp_path / "pq" / "documents.parquet")
    assert back["tags"].map(list).tolist() == [["x"], []]


def test_folder_and_csv_inputs(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "one.txt").write_text("Moscow — Lavrov spoke.\n", encoding="utf-8")
    assert "one" in run(tmp_path / "docs").stdout
    csv = tmp_path / "a.csv"
    csv.write_text("url,text\nu1,Story one.\nu2,Story two.\n", encoding="utf-8")
    assert "u2" in run(csv, "--id", "url").stdout
    pytest.importorskip("pyarrow")
    pq = tmp_path / "a.parquet"
    pd.DataFrame({"url": ["p1", "p2"], "text": ["Lavrov met Wang Yi.", "Story two."]}).to_parquet(
        pq
    )
    assert "p1" in run(pq, "--id", "url").stdout


def test_errors_are_reported_not_raised(tmp_path):
    proc = run(tmp_path / "missing.jsonl", check=False)
    assert proc.returncode == 1
    assert "missing.jsonl" in proc.stderr and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{oops\n', encoding="utf-8")
    proc = run(bad, "--id", "id", check=False)
    assert proc.returncode == 1 and "line 2" in proc.stderr
    proc = run(bad, "--errors", "skip", check=False)
    assert proc.returncode == 0, proc.stderr
    assert "1 documents" in proc.stdout
