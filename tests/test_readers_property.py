"""Readers agree on generated corpora (issue 18): the same records written as JSON Lines
(plain and gzip), CSV and Parquet, or held as pyarrow and polars tables, read by
``read_jsonl``, ``read_csv``, ``read_parquet`` and ``scan``, or given to ``from_texts``
and ``from_arrow``, give the documents, sentences and mentions ``from_pandas`` gives for
them in memory."""

from __future__ import annotations

import csv
import gzip
import json
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgraph

try:
    import polars as pl
except ImportError:  # the test extras have it; a bare install may not
    pl = None

# Texts: names the tagger finds, punctuation that splits sentences, any Unicode but
# surrogates (which JSON and CSV cannot carry raw), line breaks of every kind.
FRAGMENTS = st.sampled_from(
    ["Olaf Scholz", "met", "Emmanuel Macron", "in", "Berlin", ".", ",", "“", "”", "said",
     "Reuters", "(AP) —", "Published: June 3, 2024", "\n", "\n\n", "\r\n", "\t", " ", "é",
     "ünïcödé", "🙂", "Mr.", "U.S.", "\u00a0", "\u200b", ";", '"', "'", "\\"]
)  # fmt: skip
TEXTS = st.one_of(
    st.lists(FRAGMENTS, max_size=30).map(" ".join),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=80),
)
RECORDS = st.lists(
    st.tuples(TEXTS, st.sampled_from(["AP", "Reuters", "BBC News", 'é, "x"'])),
    min_size=1,
    max_size=8,
)


def _frame(records) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"d{i}" for i in range(len(records))],
            "text": [t for t, _ in records],
            "outlet": [o for _, o in records],
        }
    )


def _same(a: newsgraph.Corpus, b) -> None:
    pd.testing.assert_frame_equal(a.documents(), b.documents())
    if isinstance(b, newsgraph.Corpus):
        pd.testing.assert_frame_equal(a.sentences(), b.sentences())
        pd.testing.assert_frame_equal(a.mentions(progress=False), b.mentions(progress=False))
    else:  # a Scan tagged while reading
        pd.testing.assert_frame_equal(a.mentions(progress=False), b.mentions())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS, st.booleans())
def test_jsonl_readers_agree_with_from_pandas(records, ascii_only):
    df = _frame(records)
    want = newsgraph.Corpus.from_pandas(df, id="id")
    arrow = pytest.importorskip("pyarrow").Table.from_pandas(df, preserve_index=False)
    _same(want, newsgraph.Corpus.from_arrow(arrow, id="id", progress=False))
    if pl is not None:  # polars hands over string views, and its own metadata types
        got = newsgraph.Corpus.from_arrow(pl.from_pandas(df), id="id", progress=False)
        pd.testing.assert_frame_equal(got.documents(), want.documents(), check_dtype=False)
        pd.testing.assert_frame_equal(got.sentences(), want.sentences())
        pd.testing.assert_frame_equal(got.mentions(progress=False), want.mentions(progress=False))
    _same(want, newsgraph.from_texts(df["text"], ids=df["id"], meta=df[["outlet"]], progress=False))
    lines = "".join(json.dumps(r, ensure_ascii=ascii_only) + "\n" for r in df.to_dict("records"))
    with tempfile.TemporaryDirectory() as d:
        plain, packed = Path(d) / "a.jsonl", Path(d) / "a.jsonl.gz"
        plain.write_text(lines, encoding="utf-8")
        packed.write_bytes(gzip.compress(lines.encode("utf-8")))
        for p in (plain, packed):
            _same(want, newsgraph.read_jsonl(p, progress=False))
            _same(want, newsgraph.scan(p, batch_size=3, progress=False))
        table = Path(d) / "a.parquet"
        df.to_parquet(table)
        _same(want, newsgraph.read_parquet(table, id="id", progress=False))
        _same(want, newsgraph.scan(table, batch_size=3, progress=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RECORDS)
def test_csv_readers_agree_with_from_pandas(records):
    df = _frame(records)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "a.csv"
        # Quote every field: pandas' writer leaves a lone "\r" unquoted, which no
        # reader can tell from a line end.
        df.to_csv(p, index=False, quoting=csv.QUOTE_ALL)
        # What pandas itself reads back is the reference: CSV cannot tell an empty
        # text from a missing one, and pandas turns "\r" line ends inside fields as
        # the file has them.
        back = pd.read_csv(p, dtype=str, keep_default_na=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # empty texts warn in every reader alike
            want = newsgraph.Corpus.from_pandas(back.replace({"text": {"": None}}), id="id")
            _same(want, newsgraph.read_csv(p, id="id", progress=False))
            _same(want, newsgraph.scan(p, batch_size=2, progress=False))
