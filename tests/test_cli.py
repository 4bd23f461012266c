"""`python -m newsgraph`: the main job on the seeds and on files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from xml.etree import ElementTree

import pandas as pd
import pytest


def run(*args, check=True, env=None):
    proc = subprocess.run(
        [sys.executable, "-m", "newsgraph", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        env=None if env is None else {**os.environ, **env},
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_seeds_report():
    out = run().stdout
    assert "5 documents" in out
    assert "004_e8067eb3658fd9d6" in out
    assert "Bloomberg" in out and "Moscow" in out and "2023-05-26" in out
    top = out.split("top entities")[1].split("who appears with whom")[0]
    assert "Sergei Lavrov" in top and "Li Hui" in top and "PER" in top
    pairs = out.split("who appears with whom")[1]
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


# -- the report (issue 15) -------------------------------------------------------------


def pairs_part(out: str) -> str:
    """The report up to its "most quoted" section."""
    return out.split("\nmost quoted (")[0]


def section(out: str) -> list[str]:
    """The lines of the pairs section: heading, count line, table."""
    lines = pairs_part(out).split("who appears with whom: ")[1].splitlines()
    return [ln for ln in lines if ln.strip()]


def table_rows(lines: list[str]) -> list[list[str]]:
    """The table's rows after its header, split on the two-space column gaps."""
    import re

    return [re.split(r"\s{2,}", ln.strip()) for ln in lines[3:]]


def test_report_ends_with_the_most_quoted():
    out = run().stdout
    part = out.split("\nmost quoted (")[1].splitlines()
    assert "with a known speaker" in part[0]
    assert part[1].split() == ["entity", "label", "quotes"]
    quoted = {row[0] for row in table_rows(["", "", *part[1:]])}
    assert {"Sergei Lavrov", "Li Hui"} <= quoted


def test_pairs_are_people_with_people_by_default():
    out = run().stdout
    lines = section(out)
    assert lines[0] == "people with people (PER with PER) in the same sentence"
    assert "npmi > 0" in lines[1] and "left out" in lines[1]
    names = {row[0] for row in table_rows(lines)} | {row[1] for row in table_rows(lines)}
    people = {"Sergei Lavrov", "Li Hui", "Wang Yi", "Xi Jinping", "Vladimir Putin"}
    assert people & names and not names & {"China", "Ukraine", "Russian", "Moscow"}
    # Then people with organisations, the person first in every row.
    second = [
        ln for ln in pairs_part(out).split("who appears with whom: ")[2].splitlines() if ln.strip()
    ]
    assert second[0] == "people with organisations (PER with ORG) in the same sentence"
    rows = table_rows(second)
    assert rows and {r[0] for r in rows} <= people | {"Volodymyr Zelensky", "Antony Blinken"}
    assert {r[1] for r in rows} & {"Foreign Ministry", "Reuters", "Wall Street Journal"}
    # Top entities of each label, side by side.
    top = out.split("top entities by label")[1].split("who appears with whom")[0]
    header = top.splitlines()[1].split()
    assert header == ["PER", "ORG", "LOC", "MISC"]
    assert "Li Hui (15)" in top and "Ukraine (34)" in top


def test_pairs_have_positive_npmi_and_integer_counts():
    out = run("--labels", "all", "--top", "50").stdout
    lines = section(out)
    assert lines[2].split() == [
        "source",
        "source_label",
        "target",
        "target_label",
        "count",
        "npmi",
    ]
    rows = table_rows(lines)
    assert len(rows) == 50
    for row in rows:
        count, npmi = row[-2], row[-1]
        assert count.isdigit(), row  # 16, not 16.0
        assert float(npmi) > 0, row
    # Ranked by count, ties in any order.
    counts = [int(r[-2]) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_measure_scope_labels_and_min_count():
    out = run("--labels", "PER,ORG", "--scope", "document", "--measure", "llr", "--min-count", 2)
    lines = section(out.stdout)
    assert lines[0] == "entities labelled PER, ORG in the same document"
    assert lines[1].startswith("top ") and "by llr" in lines[1] and "count >= 2" in lines[1]
    rows = table_rows(lines)
    assert rows and all(r[1] in ("PER", "ORG") and r[3] in ("PER", "ORG") for r in rows)
    assert all(int(r[4]) >= 2 for r in rows)
    llr = [float(r[-1]) for r in rows]
    assert llr == sorted(llr, reverse=True)
    window = run("--scope", "window", "--window", 5, "--top", 3).stdout
    assert section(window)[0].endswith("within 5 tokens")
    assert len(table_rows(section(window))) <= 3


def test_bad_report_options_are_errors_naming_them():
    for args, named in [
        (["--labels", "PERS"], "'PERS'"),
        (["--scope", "window"], "--window"),
        (["--window", "3"], "--window 3"),
        (["--top", "0"], "--top"),
        (["--min-count", "0"], "--min-count"),
    ]:
        proc = run(*args, check=False)
        assert proc.returncode == 1, args
        assert named in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_missing_values_one_way_and_lines_within_120(tmp_path):
    long_id = "https://www.example.com/news/2020/06/01/" + "a-very-long-story-slug-" * 8
    rows = [
        {"url": long_id + "1", "text": "Joe Biden met Angela Merkel in Berlin. " * 3},
        {
            "url": long_id + "2",
            "title": "An extremely long headline " * 8,
            "text": "Angela Merkel and Joe Biden spoke again.",
        },
    ]
    src = tmp_path / "long.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = run(src, "--id", "url").stdout
    assert max(len(ln) for ln in out.splitlines()) <= 120
    assert "None" not in out and "NaT" not in out and "nan" not in out
    docs = out.split("\n\n")[1].splitlines()
    assert docs[1].split()[-2:] == ["-", "3"]  # dateline missing, 3 sentences
    # Shortened in the middle: both ends of the id show, and the two stay apart.
    assert "https://www" in docs[1] and "slug-1" in docs[1] and "slug-2" in docs[2]
    assert "…" in docs[1] and "An extremely long headline" in docs[2]
    seeds = run().stdout
    assert max(len(ln) for ln in seeds.splitlines()) <= 120
    assert "None" not in seeds


def test_skipped_lines_warn_in_one_clean_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "ok"}\n{oops\n{"text": "fine"}\n', encoding="utf-8")
    proc = run(bad, "--errors", "skip")
    warned = [ln for ln in proc.stderr.splitlines() if "warning" in ln]
    assert len(warned) == 1
    assert warned[0].startswith("newsgraph: warning: skipped 1 malformed line(s)")
    assert "line 2" in warned[0]
    assert "UserWarning" not in proc.stderr and ".py:" not in proc.stderr


# -- --out and the graph ---------------------------------------------------------------


def test_out_graph_options(tmp_path):
    import networkx as nx

    proc = run("--out", tmp_path / "g", "--graph-top", 3)
    g = nx.read_graphml(tmp_path / "g" / "cooccurrence.graphml")
    assert g.number_of_nodes() == 3
    assert {d["type"] for _, d in g.nodes(data=True)} <= {"PER", "ORG"}
    # Each file written is reported on stderr with its size and time; stdout has the report.
    said = [ln for ln in proc.stderr.splitlines() if ln.startswith("newsgraph: wrote ")]
    assert len(said) == 8 and all(ln.endswith(" s)") for ln in said)
    assert (tmp_path / "g" / "quotes.csv").exists() or any("quotes" in ln for ln in said)
    assert "wrote" not in proc.stdout

    def edge_labels(folder):
        edges = pd.read_csv(folder / "cooccurrence.csv")
        label = pd.read_csv(folder / "entities.csv").set_index("entity")["label"]
        return set(label[pd.concat([edges["source"], edges["target"]]).unique()])

    assert edge_labels(tmp_path / "g") == {"PER", "ORG"}  # the report's two sections
    run("--out", tmp_path / "p", "--labels", "PER", "--graph", "none")
    assert edge_labels(tmp_path / "p") == {"PER"}

    run("--out", tmp_path / "x", "--graph", "gexf", "--labels", "LOC", "--min-count", 3)
    # GEXF 1.2 as Gephi reads it (networkx's reader knows only the draft namespace).
    root = ElementTree.parse(tmp_path / "x" / "cooccurrence.gexf").getroot()
    ns = {"g": "http://www.gexf.net/1.2"}
    assert root.tag == "{http://www.gexf.net/1.2}gexf"
    count_id = next(
        a.get("id")
        for a in root.iterfind(".//g:attributes[@class='edge']/g:attribute", ns)
        if a.get("title") == "count"
    )
    counts = [
        float(v.get("value"))
        for v in root.iterfind(f".//g:edge//g:attvalue[@for='{count_id}']", ns)
    ]
    assert len(root.findall(".//g:node", ns)) > 3 and counts and min(counts) >= 3
    assert not (tmp_path / "x" / "cooccurrence.graphml").exists()

    run("--out", tmp_path / "n", "--graph", "none")
    written = {p.name for p in (tmp_path / "n").iterdir()}
    assert "cooccurrence.csv" in written
    assert not [n for n in written if n.endswith((".graphml", ".gexf"))]


def test_no_progress_bars_when_stderr_is_not_a_terminal(tmp_path):
    # 2,100 documents: enough for the parser's and the tagger's bars.
    src = tmp_path / "many.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({"id": i, "text": f"Vladimir Putin met Xi Jinping on day {i}."})
            for i in range(2100)
        ),
        encoding="utf-8",
    )
    proc = run(src)
    assert "\r" not in proc.stderr and "entities:" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("newsgraph: done in")


def test_quiet_leaves_stderr_to_warnings_and_errors(tmp_path):
    # 2,100 documents (enough for bars), one malformed line (a warning), and
    # NEWSGRAPH_PROGRESS=1, which would draw bars even into a pipe: --quiet wins.
    src = tmp_path / "many.jsonl"
    lines = [
        json.dumps({"id": i, "text": f"Vladimir Putin met Xi Jinping on day {i}."})
        for i in range(2100)
    ]
    src.write_text("\n".join([*lines[:5], "{oops", *lines[5:]]), encoding="utf-8")
    loud = run(src, "--errors", "skip", "--out", tmp_path / "loud", env={"NEWSGRAPH_PROGRESS": "1"})
    # (text=True reads the bars' carriage returns as line ends.)
    assert "wrote" in loud.stderr and "done in" in loud.stderr and "entities:" in loud.stderr
    warned = [ln for ln in loud.stderr.splitlines() if ln.startswith("newsgraph: warning:")]
    assert len(warned) == 1 and "line 6" in warned[0]
    proc = run(
        src, "--errors", "skip", "--out", tmp_path / "q", "--quiet", env={"NEWSGRAPH_PROGRESS": "1"}
    )
    assert proc.stderr.splitlines() == warned
    assert proc.stdout == loud.stdout and (tmp_path / "q" / "cooccurrence.csv").exists()
    # Errors still print, and -q is the short form.
    proc = run(tmp_path / "missing.jsonl", "-q", check=False)
    assert proc.returncode == 1 and proc.stderr.startswith("newsgraph: error:")
