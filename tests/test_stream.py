"""newsgraph.scan: batch-streamed corpora give exactly the in-memory tables."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import newsgraph
from conftest import shared_file
from newsgraph.stream import Scan, scan

DICT = {"russia": ["Lavrov", "Russia*", "Moscow"], "china": ["China", "Li Hui", "Beijing"]}

COOC = [
    {},
    {"scope": "document", "ordered": True, "self_pairs": True},
    {"scope": "paragraph", "count": "frequency", "labels": ["PER", "LOC"]},
    {"scope": "window", "window": 5, "count": "weighted"},
    {"scope": "sentence", "top": 5, "min_count": 2},
]


def _seed_frame() -> pd.DataFrame:
    corpus = newsgraph.load_seeds()
    docs = corpus.documents()
    rows = []
    for i, p in enumerate(docs["path"]):
        rows.append(
            {
                "id": docs["doc_id"][i],
                "text": Path(p).read_text(encoding="utf-8"),
                "outlet": ["A", "B"][i % 2],
                "date": f"2023-0{1 + i % 3}-1{i}",
                "rank": i,
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def seed_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("seeds")
    df = _seed_frame()
    out = {"jsonl": d / "s.jsonl", "jsonl.gz": d / "s.jsonl.gz", "csv": d / "s.csv"}
    lines = "".join(json.dumps(r) + "\n" for r in df.to_dict("records"))
    out["jsonl"].write_text(lines, encoding="utf-8")
    out["jsonl.gz"].write_bytes(gzip.compress(lines.encode()))
    df.to_csv(out["csv"], index=False)
    pytest.importorskip("pyarrow")
    out["parquet"] = d / "s.parquet"
    df.to_parquet(out["parquet"], index=False)
    return out


def _in_memory(path: Path, fmt: str) -> newsgraph.Corpus:
    if fmt.startswith("jsonl"):
        return newsgraph.read_jsonl(path)
    if fmt == "csv":
        return newsgraph.read_csv(path, id="id")
    return newsgraph.Corpus.from_pandas(pd.read_parquet(path), id="id")


def assert_same(s: Scan, c: newsgraph.Corpus, cooc=COOC, **mention_kw) -> None:
    pd.testing.assert_frame_equal(s.documents(), c.documents())
    pd.testing.assert_frame_equal(s.mentions(), c.mentions(**mention_kw))
    pd.testing.assert_frame_equal(s.entities(), c.entities(**mention_kw))
    for kw in ({}, {"label": "PER"} if not mention_kw else {}, {"by": "doc_id"}):
        pd.testing.assert_frame_equal(s.entity_counts(**kw), c.entity_counts(**kw, **mention_kw))
    for kw in cooc:
        a, b = s.cooccurrence(**kw), c.cooccurrence(**kw, **mention_kw)
        assert a.labels == b.labels
        assert a.shape == b.shape and (a.to_scipy() != b.to_scipy()).nnz == 0
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "csv", "parquet"])
@pytest.mark.parametrize("batch_size", [1, 2, 3, 2000])
def test_seeds_equal_in_memory(seed_files, fmt, batch_size):
    path = seed_files[fmt]
    s = scan(path, batch_size=batch_size, progress=False)
    assert len(s) == 5
    assert_same(s, _in_memory(path, fmt))


@pytest.mark.parametrize("batch_size", [1, 2, 2000])
def test_dictionary_with_and_without_tagger(seed_files, batch_size):
    d = newsgraph.Dictionary(DICT)
    c = newsgraph.read_jsonl(seed_files["jsonl"])
    s = scan(seed_files["jsonl"], dictionary=d, model=False, batch_size=batch_size, progress=False)
    assert set(s.mentions()["label"]) == {"russia", "china"}
    no_labels = [kw for kw in COOC if "labels" not in kw]
    assert_same(s, c, cooc=no_labels, dictionary=d, model=False)
    s = scan(seed_files["jsonl"], dictionary=d, batch_size=batch_size, progress=False)
    assert_same(s, c, dictionary=d)


def test_slicing_by_source_and_month(seed_files):
    c = newsgraph.read_jsonl(seed_files["jsonl"])
    s = scan(seed_files["jsonl"], batch_size=2, progress=False)
    for kw in ({"by": "outlet"}, {"by": "date", "freq": "M"}, {"by": "source"}):
        pd.testing.assert_frame_equal(s.entity_counts(**kw), c.entity_counts(**kw))
        a, b = s.cooccurrence(**kw), c.cooccurrence(**kw)
        assert a.groups == b.groups
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    pd.testing.assert_frame_equal(
        s.keyness(by="outlet", target="A"), c.keyness(by="outlet", target="A")
    )
    r = {"aliases": {"Kremlin": "Russia"}, "demonyms": True}
    pd.testing.assert_frame_equal(s.resolve(**r).mentions(), c.resolve(**r).mentions())


def test_several_files_and_globs(seed_files, tmp_path):
    df = _seed_frame()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    recs = df.to_dict("records")
    a.write_text("".join(json.dumps(r) + "\n" for r in recs[:2]))
    b.write_text("".join(json.dumps(r) + "\n" for r in recs[2:]))
    c = newsgraph.read_jsonl(seed_files["jsonl"])
    for paths in ([a, b], str(tmp_path / "*.jsonl")):
        s = scan(paths, batch_size=2, progress=False)
        pd.testing.assert_frame_equal(s.mentions(), c.mentions())
        pd.testing.assert_frame_equal(s.entity_counts(by="outlet"), c.entity_counts(by="outlet"))


def test_no_ids_and_missing_texts(tmp_path):
    p = tmp_path / "x.jsonl"
    p.write_text(
        '{"text": "Angela Merkel met Emmanuel Macron in Berlin."}\n\n'
        '{"text": null, "desk": "x"}\n{"text": "Macron left Berlin.", "desk": 3}\n'
    )
    with pytest.warns(UserWarning, match="1 document"):
        c = newsgraph.read_jsonl(p)
    with pytest.warns(UserWarning, match="1 document"):
        s = scan(p, batch_size=1, progress=False)
    assert list(s.doc_ids) == [0, 1, 2]
    assert_same(s, c, cooc=COOC[:1])


def test_reuters_2000(tmp_path):
    src = shared_file("data", "news", "reuters21578.jsonl.gz")
    p = tmp_path / "r.jsonl"
    with gzip.open(src, "rt", encoding="utf-8") as f, open(p, "w", encoding="utf-8") as out:
        for i, line in enumerate(f):
            if i == 2000:
                break
            out.write(line)
    c = newsgraph.read_jsonl(p)
    s = scan(p, batch_size=300, progress=False)
    assert len(s) == 2000
    assert_same(s, c, cooc=COOC[:2] + COOC[3:4])
    for kw in ({"by": "date", "freq": "M"}, {"by": "source"}):
        pd.testing.assert_frame_equal(s.entity_counts(**kw), c.entity_counts(**kw))
        a, b = s.cooccurrence(**kw), c.cooccurrence(**kw)
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())
    d = newsgraph.Dictionary({"oil": ["oil", "crude", "OPEC"], "grain": ["wheat", "corn*"]})
    s = scan(p, dictionary=d, model=False, batch_size=700, progress=False)
    assert_same(s, c, cooc=COOC[:2], dictionary=d, model=False)


# -- errors ----------------------------------------------------------------------------


def _same_error(fn_a, fn_b, cls):
    with pytest.raises(cls) as a:
        fn_a()
    with pytest.raises(cls) as b:
        fn_b()
    return a.value, b.value


def test_errors_match_in_memory(seed_files, tmp_path):
    missing = tmp_path / "nope.jsonl"
    _same_error(
        lambda: newsgraph.read_jsonl(missing),
        lambda: scan(missing, progress=False),
        newsgraph.MissingFileError,
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\n\n{"id": 2, "text": oops}\n')
    a, b = _same_error(
        lambda: newsgraph.read_jsonl(bad),
        lambda: scan(bad, batch_size=1, progress=False),
        newsgraph.ParseError,
    )
    assert (a.line, b.line) == (3, 3) and a.path == b.path == str(bad)
    assert str(bad) in str(b) and "line 3" in str(b)
    with pytest.warns(UserWarning, match="skipped 1"):
        s = scan(bad, errors="skip", progress=False)
    assert len(s) == 1 and s.skipped["line"].tolist() == [3]
    nonstr = tmp_path / "t.jsonl"
    nonstr.write_text('{"id": 1, "text": 5}\n')
    _same_error(
        lambda: newsgraph.read_jsonl(nonstr),
        lambda: scan(nonstr, progress=False),
        newsgraph.InputTypeError,
    )
    dup = tmp_path / "d.jsonl"
    dup.write_text('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}\n')
    _same_error(
        lambda: newsgraph.read_jsonl(dup),
        lambda: scan(dup, batch_size=1, progress=False),
        newsgraph.DuplicateIdError,
    )
    some = tmp_path / "m.jsonl"
    some.write_text('{"id": 1, "text": "a"}\n{"text": "b"}\n')
    _same_error(
        lambda: newsgraph.read_jsonl(some),
        lambda: scan(some, progress=False),
        newsgraph.InputError,
    )
    csv = seed_files["csv"]
    _same_error(
        lambda: newsgraph.read_csv(csv, text="body"),
        lambda: scan(csv, text="body", progress=False),
        newsgraph.InputError,
    )
    _same_error(
        lambda: newsgraph.read_csv(csv, id="key"),
        lambda: scan(csv, id="key", progress=False),
        newsgraph.InputError,
    )
    with pytest.raises(newsgraph.InputError, match="errors"):
        scan(csv, errors="ignore")
    with pytest.raises(newsgraph.InputError, match="batch_size"):
        scan(csv, batch_size=0)
    with pytest.raises(newsgraph.InputError, match="nothing to find"):
        scan(csv, model=False)
    s = scan(seed_files["jsonl"], progress=False)
    with pytest.raises(newsgraph.InputError, match="scan again"):
        s.mentions(dictionary=newsgraph.Dictionary(DICT))


def test_progress(seed_files, capsys):
    scan(seed_files["jsonl"], progress=False)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    scan(seed_files["jsonl"], progress=True)
    assert "scan" in capsys.readouterr().err


def test_tokens_are_token_indexes(seed_files):
    c = newsgraph.read_jsonl(seed_files["jsonl"])
    s = scan(seed_files["jsonl"], batch_size=2, progress=False)
    m, t = s.mentions(), s.tokens()
    assert m["in_title"].any()
    for k in range(0, len(m), 17):
        if m["in_title"][k]:
            continue  # token indexes into the headline's own tokens
        toks = c.tokens(m["doc_id"][k])
        a, b = t["token_start"][k], t["token_end"][k]
        assert toks["start"][a] <= m["start"][k] < toks["end"][b - 1]
        assert np.all(toks["end"][a:b] > m["start"][k])


def test_spilled_batches_live_on_disk_until_the_scan_goes(seed_files, tmp_path):
    import gc

    from newsgraph.exceptions import InputError, InputTypeError

    c = newsgraph.read_jsonl(seed_files["jsonl"])
    kept = scan(seed_files["jsonl"], batch_size=2, progress=False, spill=False)
    s = scan(seed_files["jsonl"], batch_size=2, progress=False, spill=tmp_path)
    (folder,) = tmp_path.glob("newsgraph-scan-*")
    # Three batches of records, then the entity ids of each batch once resolved.
    assert len(list(folder.glob("*.npy"))) == 3
    assert_same(s, c, cooc=COOC[:2])
    assert_same(kept, c, cooc=COOC[:2])
    assert len(list(folder.glob("*.npy"))) == 6
    # Another resolution keeps its own ids beside the records.
    r = s.resolve(aliases={"Kremlin": "Russia"})
    pd.testing.assert_frame_equal(r.mentions(), c.resolve(aliases={"Kremlin": "Russia"}).mentions())
    del s, r
    gc.collect()
    assert not folder.exists()
    with pytest.raises(InputError, match="not a folder"):
        scan(seed_files["jsonl"], spill=tmp_path / "nowhere", progress=False)
    with pytest.raises(InputTypeError, match="spill must be"):
        scan(seed_files["jsonl"], spill=3, progress=False)


def test_counts_add_up_over_many_batches_without_a_mention_table(seed_files, monkeypatch):
    """Counting goes batch by batch: no call builds the table of every mention."""
    c = newsgraph.read_jsonl(seed_files["jsonl"])
    s = scan(seed_files["jsonl"], batch_size=1, progress=False)
    monkeypatch.setattr(Scan, "mentions", lambda *a, **k: pytest.fail("mentions() called"))
    whole = lambda *a, **k: pytest.fail("_mention_table() called")  # noqa: E731
    monkeypatch.setattr(Scan, "_mention_table", whole)
    for kw in ({"by": "outlet"}, {"by": "date", "freq": "M"}, {"label": ["PER", "ORG"]}):
        pd.testing.assert_frame_equal(s.entity_counts(**kw), c.entity_counts(**kw))
    pd.testing.assert_frame_equal(s.entities(), c.entities())
    for kw in COOC:
        a, b = s.cooccurrence(**kw), c.cooccurrence(**kw)
        assert a.labels == b.labels
        np.testing.assert_allclose(a.to_scipy().toarray(), b.to_scipy().toarray(), rtol=1e-12)
        pd.testing.assert_series_equal(a.marginals, b.marginals)
        assert a.n_contexts == b.n_contexts


def test_every_table_method_serves_scans_too(seed_files):
    """The table methods are written once for both kinds: what a corpus answers
    without its text, a scan answers alike (the timeline, the displays, resolution
    options, ids)."""
    import matplotlib.pyplot as plt

    c = newsgraph.read_jsonl(seed_files["jsonl"])
    s = scan(seed_files["jsonl"], batch_size=2, progress=False)
    names = c.entities()["entity"].head(3).tolist()
    got, want = s.plot_timeline(names).get_lines(), c.plot_timeline(names).get_lines()
    assert len(got) == len(want) == 3
    for a, b in zip(got, want, strict=True):
        assert a.get_label() == b.get_label()
        np.testing.assert_array_equal(a.get_ydata(), b.get_ydata())
    plt.close("all")
    assert repr(s).startswith("<newsgraph.Scan: 5 documents,")
    assert repr(c).startswith("<newsgraph.Corpus: 5 documents,")
    assert "<strong>newsgraph.Scan</strong>" in s._repr_html_()
    assert list(s.doc_ids) == list(c.doc_ids) and c.doc_ids[3] in s and "nope" not in s
    strict = s.resolve(strict=True, aliases={"Kremlin": "Russia"})
    assert isinstance(strict, Scan) and len(strict) == 5
    pd.testing.assert_frame_equal(
        strict.entities(threads=1), c.resolve(strict=True, aliases={"Kremlin": "Russia"}).entities()
    )
    with pytest.raises(newsgraph.InputTypeError, match="needs a newsgraph.Corpus or Scan, got"):
        newsgraph.cooccur.cooccurrence(c.documents())


@pytest.mark.parametrize("ids", [[0, 1, 2, 3, 4], ["a", "b", "c", "d", "e"]])
def test_a_corpus_without_mentions(tmp_path, ids):
    p = tmp_path / "quiet.jsonl"
    p.write_text("".join(json.dumps({"id": i, "text": "Nothing to see here."}) + "\n" for i in ids))
    d = newsgraph.Dictionary({"x": ["Zanzibar"]})
    c = newsgraph.read_jsonl(p)
    for batch_size in (1, 2, 10):
        s = scan(p, dictionary=d, model=False, batch_size=batch_size, progress=False)
        assert_same(s, c, cooc=COOC[:1], dictionary=d, model=False)
        assert s.cooccurrence().n_contexts == c.cooccurrence(dictionary=d, model=False).n_contexts
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    s = scan(empty, progress=False)
    assert len(s) == 0 and len(s.mentions()) == 0 and s.cooccurrence().shape == (0, 0)


def test_a_full_disk_says_where_to_spill(seed_files, monkeypatch):
    from newsgraph.exceptions import ReadError

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "save", full)
    with pytest.raises(ReadError, match="No space left.*spill= a folder"):
        scan(seed_files["jsonl"], progress=False)
    # Kept in memory, nothing is written.
    s = scan(seed_files["jsonl"], progress=False, spill=False)
    assert len(s.entities()) > 10


def test_a_spill_folder_that_cannot_be_written_is_a_read_error(seed_files, monkeypatch, tmp_path):
    import tempfile

    from newsgraph.exceptions import ReadError

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    with pytest.raises(ReadError, match=r"Permission denied.*spill=False") as caught:
        scan(seed_files["jsonl"], progress=False, spill=tmp_path)
    assert str(tmp_path) in str(caught.value)
    assert isinstance(caught.value.__cause__, PermissionError)


def test_deeply_nested_metadata_is_refused_alike(tmp_path):
    """Metadata nested deeper than the core's JSON reader allows (127 levels) is a
    malformed line in read_jsonl and scan alike; a line just within the limit is read
    by both."""

    def nested(n):
        v = "x"
        for _ in range(n):
            v = {"a": v}
        return v

    import json

    p = tmp_path / "deep.jsonl"
    rows = [
        {"id": "ok", "text": "Talks in Oslo.", "m": nested(126)},
        {"id": "deep", "text": "Talks in Rome.", "m": nested(200)},
    ]
    p.write_text("".join(json.dumps(r) + "\n" for r in rows))
    a, b = _same_error(
        lambda: newsgraph.read_jsonl(p, progress=False),
        lambda: scan(p, batch_size=1, progress=False),
        newsgraph.ParseError,
    )
    assert (a.line, b.line) == (2, 2)
    assert "recursion limit" in str(a) and "recursion limit" in str(b)
    with pytest.warns(UserWarning, match="skipped 1"):
        c = newsgraph.read_jsonl(p, errors="skip", progress=False)
    with pytest.warns(UserWarning, match="skipped 1"):
        s = scan(p, errors="skip", progress=False)
    assert list(c.doc_ids) == ["ok"] and len(s) == 1
    assert c.skipped["line"].tolist() == s.skipped["line"].tolist() == [2]
