"""Keeping a corpus (issue 14): ``Corpus.save`` / ``newsgraph.load`` and pickle give a
corpus whose every table equals the original's, without tagging again; files that are
not corpora, cut short, damaged or from a newer version are ``CorpusFileError``s that
say which."""

from __future__ import annotations

import concurrent.futures
import gzip
import json
import multiprocessing
import pickle
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgraph
from conftest import shared_file
from newsgraph import _core, store

ARTICLES = [
    "MOSCOW (Reuters) - Russian Foreign Minister Sergei Lavrov met Antony Blinken in "
    "Geneva on Friday. Lavrov said talks would go on.\n\nReporting by Jane Doe; Editing "
    "by John Roe",
    "By Anna Smith\nMarch 3, 2021\n\nOlaf Scholz told Zoë Ångström in Berlin: “We agree.”"
    "\n\nScholz and Macron spoke later. Привет из Москвы.",
    "",
    "Apple Inc. sued Samsung in San Jose. Tim Cook's lawyers said Apple would win.",
]


def _corpus() -> newsgraph.Corpus:
    return newsgraph.from_texts(
        ARTICLES,
        ids=["a", "b", "c", "d"],
        meta={
            "outlet": ["Reuters", "DW", None, "AP"],
            "when": pd.to_datetime(["2021-03-01", "2021-03-03", None, "2021-03-04"]),
            "score": [1.5, np.nan, 0.0, -2.0],
            "n": pd.array([1, None, 3, 4], dtype="Int64"),
            "tags": [["a"], [], ["b", "c"], ["d"]],
        },
        progress=False,
    )


def _tables(c: newsgraph.Corpus, dictionary=None) -> dict[str, pd.DataFrame]:
    out = {
        "documents": c.documents(),
        "sentences": c.sentences(),
        "mentions": c.mentions(progress=False),
        "entities": c.entities(),
        "counts": c.entity_counts(by="source"),
        "kwic": c.kwic("Lavrov"),
    }
    if len(c):
        first = c.doc_ids[0]
        out["tokens"] = c.tokens(first)
        out["paragraphs"] = pd.DataFrame({"p": c.paragraphs(first)})
        out["texts"] = pd.DataFrame({"t": [c.text(d) for d in c.doc_ids]})
    co = c.cooccurrence(scope="sentence")
    out["cooccurrence"] = co.to_pandas() if hasattr(co, "to_pandas") else co
    if dictionary is not None:
        out["dictionary"] = c.mentions(dictionary=dictionary, model=False, progress=False)
    return out


def _assert_same(a: newsgraph.Corpus, b: newsgraph.Corpus, dictionary=None) -> None:
    assert list(a.doc_ids) == list(b.doc_ids)
    assert a.doc_ids.dtype == b.doc_ids.dtype
    ta, tb = _tables(a, dictionary), _tables(b, dictionary)
    for name in ta:
        pd.testing.assert_frame_equal(ta[name], tb[name], obj=name)
    assert repr(a) == repr(b)


@pytest.fixture
def forbid_tagging(monkeypatch):
    """Call it to fail the test if anything tags from then on."""

    def refuse(*args, **kwargs):
        raise AssertionError("the loaded corpus tagged again")

    return lambda: monkeypatch.setattr(_core, "tag_articles", refuse)


def _saved(c: newsgraph.Corpus) -> Path:
    return c.save(Path(tempfile.mkdtemp()) / "corpus.newsgraph")


def test_save_load_keeps_every_table_without_tagging(monkeypatch):
    c = _corpus()
    d = newsgraph.Dictionary({"russia": ["Lavrov", "Moscow"], "germany": "Scholz"})
    expected = _tables(c, d)
    path = _saved(c)
    loaded = newsgraph.load(path)
    monkeypatch.setattr(_core, "tag_articles", None)  # any tagging now fails
    got = _tables(loaded, newsgraph.Dictionary(d))  # an equal dictionary finds its matches
    for name in expected:
        pd.testing.assert_frame_equal(expected[name], got[name], obj=name)
    assert loaded._meta["tags"].tolist() == [["a"], [], ["b", "c"], ["d"]]
    assert str(loaded._meta["n"].dtype) == "Int64"
    # The manifest says what the file is, for people and other tools.
    with zipfile.ZipFile(path) as z:
        assert z.namelist()[0] == "newsgraph.json"
        manifest = json.loads(z.read("newsgraph.json"))
    assert manifest["format"] == "newsgraph-corpus" and manifest["version"] == store.VERSION
    assert manifest["documents"] == 4 and len(manifest["mentions"]) == 2


def test_saved_sections_are_plain_arrow():
    pa = pytest.importorskip("pyarrow")
    c = _corpus()
    c.mentions(progress=False)
    with zipfile.ZipFile(_saved(c)) as z:
        articles = pa.ipc.open_file(pa.py_buffer(z.read("articles.arrow"))).read_all()
        mentions = pa.ipc.open_file(pa.py_buffer(z.read("mentions-0.arrow"))).read_all()
    assert articles.column("text").to_pylist() == [c.text(d) for d in c.doc_ids]
    assert articles.column("source").to_pylist()[0] == "Reuters"
    first = articles.column("sentences").to_pylist()[0]
    # start, end (UTF-8 bytes), paragraph, first token, number of tokens
    text = articles.column("text").to_pylist()[0].encode()
    assert text[first[0] : first[1]].decode().startswith("Russian Foreign Minister")
    assert "Sergei Lavrov" in set(mentions.column("text").to_pylist())


def test_resolution_options_and_brought_spans_survive():
    c = _corpus().resolve(aliases={"Kremlin": "Russia"}, merge=[["Scholz", "Olaf"]], strict=True)
    spans = pd.DataFrame({"doc_id": ["d"], "start": [0], "end": [5], "label": ["ORG"]})
    w = c.with_mentions(spans)
    for kept in (newsgraph.load(_saved(w)), pickle.loads(pickle.dumps(w))):
        assert kept._resolve_opts == w._resolve_opts
        pd.testing.assert_frame_equal(kept.mentions(), w.mentions())
        pd.testing.assert_frame_equal(
            kept.mentions(model=True, progress=False), w.mentions(model=True, progress=False)
        )


def test_pickle_round_trip_and_sub_corpora(forbid_tagging):
    c = _corpus()
    c.mentions(progress=False)
    c.cooccurrence()
    forbid_tagging()
    again = pickle.loads(pickle.dumps(c))
    _assert_same(c, again)
    sub = again.filter(["a", "d"])
    pd.testing.assert_frame_equal(sub.mentions(), c.filter(["a", "d"]).mentions())


def _count_people(corpus: newsgraph.Corpus) -> int:
    return int((corpus.mentions(progress=False)["label"] == "PER").sum())


def test_a_corpus_goes_to_worker_processes():
    c = _corpus()
    want = _count_people(c)
    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as pool:
        assert pool.submit(_count_people, c).result(timeout=120) == want


def test_metadata_arrow_cannot_hold():
    c = newsgraph.from_texts(["Olaf Scholz spoke."], meta={"mixed": [object()]}, progress=False)
    with pytest.raises(newsgraph.InputError, match="'mixed'"):
        _saved(c)
    mixed = newsgraph.from_texts(["a", "b"], meta={"x": [1, "one"]}, progress=False)
    with pytest.raises(newsgraph.InputError, match=r"column 'x' cannot be saved.*astype\(str\)"):
        _saved(mixed)
    # pickle keeps such metadata as Python objects, so shipping a corpus never fails
    assert pickle.loads(pickle.dumps(mixed))._meta["x"].tolist() == [1, "one"]


def test_integer_and_odd_ids():
    c = newsgraph.from_texts(ARTICLES[:2], ids=[10, 2**40], progress=False)
    _assert_same(c, newsgraph.load(_saved(c)))


def test_empty_corpus():
    c = newsgraph.from_texts([], progress=False)
    loaded = newsgraph.load(_saved(c))
    assert len(loaded) == 0
    pd.testing.assert_frame_equal(c.documents(), loaded.documents())


def test_bad_paths(tmp_path):
    c = _corpus()
    with pytest.raises(newsgraph.InputTypeError, match="file path"):
        c.save(3)
    with pytest.raises(newsgraph.WriteError, match="no-such-folder"):
        c.save(tmp_path / "no-such-folder" / "x.newsgraph")
    with pytest.raises(newsgraph.WriteError):
        c.save(tmp_path)  # a folder
    assert list(tmp_path.iterdir()) == []  # no temporary file left behind
    with pytest.raises(newsgraph.MissingFileError):
        newsgraph.load(tmp_path / "missing.newsgraph")
    with pytest.raises(newsgraph.InputError, match="folder"):
        newsgraph.load(tmp_path)


def _reason(path: Path) -> str:
    with pytest.raises(newsgraph.CorpusFileError) as info:
        newsgraph.load(path)
    assert info.value.path == str(path)
    assert isinstance(info.value, newsgraph.NewsgraphError)
    return info.value.reason


def test_files_that_are_not_corpora(tmp_path):
    (tmp_path / "text.txt").write_text("MOSCOW (Reuters) - Not a corpus.")
    assert _reason(tmp_path / "text.txt") == "not a corpus"
    (tmp_path / "empty").write_bytes(b"")
    assert _reason(tmp_path / "empty") == "not a corpus"
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("readme.txt", "hello")
    assert _reason(tmp_path / "other.zip") == "not a corpus"
    pytest.importorskip("pyarrow")
    pd.DataFrame({"text": ["x"]}).to_parquet(tmp_path / "docs.parquet")
    assert _reason(tmp_path / "docs.parquet") == "not a corpus"


def test_truncated_files_say_so():
    path = _saved(_corpus())
    data = path.read_bytes()
    for keep in (len(data) - 1, len(data) // 2, 200):
        path.write_bytes(data[:keep])
        assert _reason(path) == "truncated", keep


def test_newer_version_is_refused_with_both_versions():
    path = _saved(_corpus())
    data = path.read_bytes()
    old = b'"version": 1'
    assert old in data[:400]
    path.write_bytes(data.replace(old, b'"version": 7', 1))
    with pytest.raises(newsgraph.CorpusFileError, match=r"version 7.*reads versions 1 to 1"):
        newsgraph.load(path)
    assert _reason(path) == "incompatible version"


def test_file_from_another_bundled_model_keeps_its_mentions(tmp_path):
    c = _corpus()
    m = c.mentions(progress=False)
    data = c.save(tmp_path / "c.newsgraph").read_bytes()
    fp = newsgraph.load_tagger().fingerprint.encode()
    other = b"0123456789abcdef"
    # Both the manifest's bundled model and its mention set name the old model.
    path = tmp_path / "old.newsgraph"
    with zipfile.ZipFile(tmp_path / "c.newsgraph") as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, body.replace(fp, other) if info.filename.endswith(".json") else body)
    assert data != path.read_bytes()
    with pytest.warns(UserWarning, match="tagged by the model bundled with newsgraph"):
        loaded = newsgraph.load(path)
    pd.testing.assert_frame_equal(loaded.mentions(progress=False), m)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0), st.integers(min_value=1, max_value=255))
def test_any_damaged_byte_is_an_error_or_harmless(at, flip):
    data = bytearray(_SAVED_BYTES)
    at %= len(data)
    data[at] ^= flip
    try:
        loaded = newsgraph.Corpus._from_stored(store.read(bytes(data), "damaged.newsgraph"))
    except newsgraph.CorpusFileError as e:
        assert e.reason in {"not a corpus", "truncated", "damaged", "incompatible version"}
        return
    # A byte the format does not check (such as a ZIP timestamp) changes nothing.
    pd.testing.assert_frame_equal(loaded.mentions(progress=False), _SAVED_MENTIONS)
    pd.testing.assert_frame_equal(loaded.documents(), _SAVED_DOCUMENTS)


_c = _corpus()
_SAVED_MENTIONS = _c.mentions(progress=False)
_SAVED_DOCUMENTS = _c.documents()
_SAVED_BYTES = store.to_bytes(_c)
del _c


# Generated corpora: any text, any ids, metadata of the common types.
TEXT = st.one_of(
    st.lists(
        st.sampled_from(
            [
                "Olaf Scholz",
                "met",
                "Emmanuel Macron",
                "in",
                "Berlin",
                ".",
                "\n\n",
                "(AP) —",
                "By Jane Doe\n",
                "é",
                "🙂",
                "Mr.",
                "U.S.",
                "\u00a0",
                "said",
                "“",
                "”",
            ]
        ),  # fmt: skip
        max_size=25,
    ).map(" ".join),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=60),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(TEXT, st.one_of(st.none(), st.text(max_size=5)), st.floats(allow_nan=False)),
        max_size=6,
    ),
    st.booleans(),
)
def test_generated_corpora_round_trip(rows, tagged):
    c = newsgraph.from_texts(
        [t for t, _, _ in rows],
        ids=[f"doc-{i}" for i in range(len(rows))],
        meta={"outlet": [o for _, o, _ in rows], "x": [x for _, _, x in rows]},
        progress=False,
    )
    if tagged:
        c.mentions(progress=False)
    for kept in (newsgraph.load(_saved(c)), pickle.loads(pickle.dumps(c))):
        pd.testing.assert_frame_equal(c.documents(), kept.documents())
        pd.testing.assert_frame_equal(c.sentences(), kept.sentences())
        pd.testing.assert_frame_equal(kept._meta, c._meta)
        if tagged:
            assert kept._mention_cache.keys() == c._mention_cache.keys()
        pd.testing.assert_frame_equal(c.mentions(progress=False), kept.mentions(progress=False))
        pd.testing.assert_frame_equal(c.entities(), kept.entities())
        for d in c.doc_ids:
            assert c.text(d) == kept.text(d)
            pd.testing.assert_frame_equal(c.tokens(d), kept.tokens(d))


def test_allsides_round_trip(allsides_tagged, forbid_tagging):
    c = allsides_tagged
    forbid_tagging()
    path = _saved(c)
    loaded = newsgraph.load(path)
    for name in ("documents", "sentences", "entities"):
        pd.testing.assert_frame_equal(getattr(c, name)(), getattr(loaded, name)(), obj=name)
    pd.testing.assert_frame_equal(c.mentions(progress=False), loaded.mentions(progress=False))
    pd.testing.assert_frame_equal(c.entity_counts(by="source"), loaded.entity_counts(by="source"))
    for d in c.doc_ids[::1500]:
        assert c.text(d) == loaded.text(d)
        pd.testing.assert_frame_equal(c.tokens(d), loaded.tokens(d))
    again = pickle.loads(pickle.dumps(loaded))
    pd.testing.assert_frame_equal(again.entities(), c.entities())
    path.unlink()


def test_the_file_is_a_standard_zip_with_aligned_sections(tmp_path):
    """Any ZIP reader checks it (CRCs, sizes); each section's bytes start on a multiple
    of 64, so Arrow readers can map them in place; saving again gives the same bytes."""
    c = _corpus()
    c.mentions(progress=False)
    first, again = c.save(tmp_path / "one.newsgraph"), c.save(tmp_path / "two.newsgraph")
    assert first.read_bytes() == again.read_bytes()
    data = first.read_bytes()
    with zipfile.ZipFile(first) as z:
        assert z.testzip() is None
        infos = z.infolist()
    assert [i.compress_type for i in infos] == [zipfile.ZIP_STORED] * len(infos)
    for info in infos[1:]:  # the manifest comes first, with a plain header
        name_len, extra_len = np.frombuffer(data[info.header_offset + 26 :][:4], "<u2")
        assert (info.header_offset + 30 + name_len + extra_len) % 64 == 0, info.filename
    # Sizes past 4 GiB need ZIP64 records; a reader must find every member through them.
    assert data[-22:-18] == b"PK\x05\x06" and b"PK\x06\x06" in data[-200:]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="Linux only")
def test_load_lets_go_of_the_file(tmp_path):
    """The file is mapped while it loads, never after: it can be replaced or deleted,
    even while the loaded corpus lives."""
    path = _saved(_corpus())
    loaded = newsgraph.load(path)
    assert str(path) not in Path("/proc/self/maps").read_text()
    path.unlink()
    assert loaded.text("a").startswith("Russian Foreign Minister")
    with pytest.raises(newsgraph.CorpusFileError) as e:
        newsgraph.load(_corpus_file_cut(tmp_path))
    assert e.value.reason == "truncated"
    assert "cut.newsgraph" not in Path("/proc/self/maps").read_text()


def _corpus_file_cut(tmp_path: Path) -> Path:
    data = _saved(_corpus()).read_bytes()
    cut = tmp_path / "cut.newsgraph"
    cut.write_bytes(data[: len(data) - 100])
    return cut


def test_allsides_through_every_input_gives_the_jsonl_corpus(allsides_tagged, tmp_path):
    """The same AllSides records as a pandas frame, Parquet, a pyarrow table, a polars
    frame and a list of texts give the corpus read_jsonl gives: documents, sentences
    and (for the Arrow paths, whose texts skip Python) mentions."""
    pa = pytest.importorskip("pyarrow")
    pl = pytest.importorskip("polars")
    want = allsides_tagged
    with gzip.open(shared_file("data", "news", "allsides_news_2015_2020.jsonl.gz"), "rt") as f:
        df = pd.DataFrame([json.loads(line) for line in f if line.strip()])
    df.to_parquet(tmp_path / "a.parquet")
    meta = df.drop(columns=["text", "id"])
    got = {
        "from_pandas": newsgraph.Corpus.from_pandas(df, id="id", progress=False),
        "read_parquet": newsgraph.read_parquet(tmp_path / "a.parquet", id="id", progress=False),
        "pyarrow": newsgraph.Corpus.from_arrow(pa.Table.from_pandas(df), id="id", progress=False),
        "polars": newsgraph.Corpus.from_arrow(pl.from_pandas(df), id="id", progress=False),
        "from_texts": newsgraph.from_texts(df["text"], ids=df["id"], meta=meta, progress=False),
    }
    docs = want.documents()
    for name, c in got.items():
        # JSON Lines gives metadata columns in name order, the others as given; polars
        # keeps its own string types.
        pd.testing.assert_frame_equal(
            c.documents(), docs, check_like=True, check_dtype=name != "polars", obj=name
        )
        pd.testing.assert_frame_equal(c.sentences(), want.sentences(), obj=name)
    for name in ("pyarrow", "polars"):
        pd.testing.assert_frame_equal(
            got[name].mentions(progress=False), want.mentions(progress=False), obj=name
        )
