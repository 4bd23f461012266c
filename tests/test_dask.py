"""newsgraph.dask on a real two-process LocalCluster equals the single-process Corpus."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

import newsgraph
from conftest import shared_file

dd = pytest.importorskip("dask.dataframe")
db = pytest.importorskip("dask.bag")
distributed = pytest.importorskip("dask.distributed")
ngd = pytest.importorskip("newsgraph.dask")


@pytest.fixture(scope="module")
def articles() -> pd.DataFrame:
    seeds = newsgraph.load_seeds().documents()
    rows = [
        {"id": d, "text": Path(p).read_text(encoding="utf-8"), "source": "seeds"}
        for d, p in zip(seeds["doc_id"], seeds["path"], strict=True)
    ]
    path = shared_file("data", "news", "reuters21578.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i == 200:
                break
            r = json.loads(line)
            rows.append({"id": str(r["id"]), "text": r["text"], "source": "reuters"})
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def _check(result, corpus, **mention_kw):
    pd.testing.assert_frame_equal(result.documents(), corpus.documents())
    pd.testing.assert_frame_equal(result.mentions(), corpus.mentions(**mention_kw))
    pd.testing.assert_frame_equal(result.entities(), corpus.entities(**mention_kw))
    for kw in ({}, {"by": "source"}):
        pd.testing.assert_frame_equal(
            result.entity_counts(**kw), corpus.entity_counts(**kw, **mention_kw)
        )
    for kw in ({}, {"scope": "document", "by": "source"}, {"scope": "window", "window": 4}):
        a, b = result.cooccurrence(**kw), corpus.cooccurrence(**kw, **mention_kw)
        assert a.labels == b.labels
        assert (a.to_scipy() != b.to_scipy()).nnz == 0
        pd.testing.assert_frame_equal(a.to_pandas(), b.to_pandas())


def test_dataframe_on_local_cluster(client, articles):
    corpus = newsgraph.Corpus.from_pandas(articles, id="id")
    ddf = dd.from_pandas(articles, npartitions=5)
    result = ngd.analyze(ddf, split_every=2)
    assert len(result) == len(articles)
    _check(result, corpus)
    counts = ngd.entity_counts(ddf, by="source", label="PER")
    pd.testing.assert_frame_equal(counts, corpus.entity_counts(by="source", label="PER"))
    co = ngd.cooccurrence(ddf, scope="document")
    pd.testing.assert_frame_equal(co.to_pandas(), corpus.cooccurrence(scope="document").to_pandas())


def test_bag_with_dictionary(client, articles):
    d = newsgraph.Dictionary({"oil": ["oil", "crude"], "russia": ["Lavrov", "Russia*"]})
    corpus = newsgraph.Corpus.from_pandas(articles, id="id")
    bag = db.from_sequence(articles.to_dict("records"), npartitions=4)
    result = ngd.analyze(bag, dictionary=d, model=False)
    _check(result, corpus, dictionary=d, model=False)


def test_errors(articles):
    with pytest.raises(newsgraph.InputTypeError):
        ngd.analyze(articles)
    ddf = dd.from_pandas(articles, npartitions=2)
    with pytest.raises(newsgraph.InputError, match="no text column"):
        ngd.analyze(ddf, text="body", scheduler="sync")
    dup = pd.concat([articles.head(3), articles.head(3)], ignore_index=True)
    with pytest.raises(newsgraph.DuplicateIdError):
        ngd.analyze(dd.from_pandas(dup, npartitions=2), scheduler="sync")


def test_corpus_evidence_crosses_partitions(client):
    """Short forms and name variants resolve from evidence in other partitions, as in
    one process (the global pass carries the corpus-level evidence)."""
    from test_resolution import ARTICLES

    df = pd.DataFrame(
        {"id": [f"a{i:02d}" for i in range(len(ARTICLES))], "text": ARTICLES, "source": "x"}
    )
    corpus = newsgraph.Corpus.from_pandas(df, id="id")
    result = ngd.analyze(dd.from_pandas(df, npartitions=6), split_every=2)
    _check(result, corpus)
    m = result.mentions()
    j = m[m["text"].astype(str) == "Donald J. Trump"]
    assert j["entity"].astype(str).tolist() == ["Donald Trump"]
