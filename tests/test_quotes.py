"""Quotations and their speakers (issue 16): ``quotes``, ``quote_counts``, the
speaker network, and their agreement across Corpus, scan and Dask."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import newsgraph
from conftest import shared_file
from newsgraph.exceptions import InputError

HEADLINE = "A headline for the story\n\n"


def quotes_of(body: str) -> pd.DataFrame:
    c = newsgraph.Corpus.from_texts([HEADLINE + body])
    q = c.quotes()
    text = c.text(0)
    # Offsets point at the words they name.
    for row in q.itertuples():
        assert text[row.start : row.end] == row.text
        if isinstance(row.speaker, str):
            assert text[row.speaker_start : row.speaker_end] == row.speaker
    return q


def direct(q: pd.DataFrame) -> pd.DataFrame:
    return q[q["kind"] == "direct"].reset_index(drop=True)


def test_straight_and_curly_marks_after_attribution():
    q = direct(
        quotes_of(
            '"We will not back down," the Foreign Ministry said in a statement.\n\n'
            "“Talks must start now,” said Maria Lopez, the foreign minister."
        )
    )
    assert q["text"].tolist() == ["We will not back down,", "Talks must start now,"]
    assert q["cue"].tolist() == ["said", "said"]
    assert q["speaker"].tolist() == ["the Foreign Ministry", "Maria Lopez"]


def test_nested_marks_are_one_quote():
    q = direct(quotes_of("“He told me ‘never again’ and left,” Anna Berg said on Monday."))
    assert q["text"].tolist() == ["He told me ‘never again’ and left,"]
    assert q["speaker"].tolist() == ["Anna Berg"]


def test_quote_over_paragraphs_bbc_style():
    body = (
        'Tony Blair said: "The first part of what I have to say is this.\n\n'
        '"And the second part, which closes it, comes now."\n\n'
        "Others disagreed."
    )
    q = direct(quotes_of(body))
    assert len(q) == 1
    assert q["text"][0].startswith("The first part") and q["text"][0].endswith("comes now.")
    assert q["speaker"][0] == "Tony Blair"
    assert q["paragraph"][0] == 0


def test_interrupted_quote_keeps_its_speaker():
    q = direct(quotes_of("“We will win,” said Jonas Weber, “and we will win soon.”"))
    assert q["text"].tolist() == ["We will win,", "and we will win soon."]
    assert q["speaker"].tolist() == ["Jonas Weber", "Jonas Weber"]


def test_attribution_before_the_quote():
    q = direct(
        quotes_of(
            "A statement issued by the Foreign Ministry read, “The talks were useful and "
            "frank.”\n\nPeter Holm told reporters: “Nothing has been decided yet today.”"
        )
    )
    assert q["cue"].tolist() == ["read", "told"]
    assert q["entity"].tolist() == ["Foreign Ministry", "Peter Holm"]


def test_following_quote_in_the_next_paragraph_keeps_the_speaker():
    body = (
        '"The plan is finished," Maria Lopez said on Tuesday.\n\n'
        '"We will not look back at it again, whatever happens next," she added.\n\n'
        '"Nor should anyone else in this government look back at it."'
    )
    q = direct(quotes_of(body))
    assert len(q) == 3
    assert q["entity"].tolist() == ["Maria Lopez"] * 3


def test_pronouns_and_roles_resolve_to_named_speakers():
    body = (
        "Foreign Minister Sergei Lavrov met Maria Lopez in Geneva on Friday.\n\n"
        '"The meeting was useful," the minister said.\n\n'
        'Maria Lopez spoke later. "Nothing is settled," she said.\n\n'
        "Acme Corp reported its results on Monday. "
        '"Sales grew in every region," the company said.'
    )
    q = direct(quotes_of(body))
    assert q["speaker"].tolist() == ["the minister", "she", "the company"]
    assert q["entity"].tolist() == ["Sergei Lavrov", "Maria Lopez", "Acme Corp"]


def test_partial_quotes_inside_a_sentence():
    q = direct(
        quotes_of(
            "Senator Jane Doe called the bill “a disgrace to this chamber” during a "
            "debate on Monday."
        )
    )
    assert q["text"].tolist() == ["a disgrace to this chamber"]
    assert q["cue"].tolist() == ["called"]
    assert q["entity"].tolist() == ["Jane Doe"]


@pytest.mark.parametrize(
    "body",
    [
        "The so-called “experts” were wrong about the plan, the report found.",
        "She read “The Art of the Deal” twice last summer.",
        "Dwayne “The Rock” Johnson starred in the film.",
    ],
)
def test_scare_quotes_titles_and_nicknames_are_not_speech(body):
    assert direct(quotes_of(body)).empty


def test_reported_speech():
    q = quotes_of(
        "Sergei Lavrov told Li Hui on Friday that there were serious obstacles to talks.\n\n"
        "The talks failed, according to a statement from the Foreign Ministry.\n\n"
        "Prices will keep rising this year, the central bank said."
    )
    ind = q[q["kind"] == "indirect"].reset_index(drop=True)
    assert ind["text"].tolist() == [
        "there were serious obstacles to talks",
        "The talks failed",
        "Prices will keep rising this year",
    ]
    assert ind["cue"].tolist() == ["told", "according to", "said"]
    assert ind["speaker"][0] == "Sergei Lavrov"


def test_seeds_quotes_from_the_issue():
    c = newsgraph.load_seeds()
    q = c.quotes()
    assert list(q.columns) == [
        "doc_id", "paragraph", "sentence", "start", "end", "text", "kind", "cue",
        "speaker", "speaker_start", "speaker_end", "entity_id", "entity",
    ]  # fmt: skip
    d0 = q[q["doc_id"] == "000_27c6c80333bff2b2"]
    ministry = d0[d0["text"].str.startswith("The Russian foreign minister reaffirmed")]
    assert ministry[["cue", "entity"]].values.tolist() == [["said", "Foreign Ministry"]]
    li = d0[d0["text"] == "no panacea to resolve the crisis."]
    assert li[["kind", "entity"]].values.tolist() == [["direct", "Li Hui"]]
    told = d0[d0["text"] == "serious obstacles"]
    assert told["entity"].tolist() == ["Sergei Lavrov"]
    # Speaker ids are mentions() ids.
    m = c.mentions()
    ids = dict(zip(m["entity"].astype(str), m["entity_id"], strict=False))
    named = q.dropna(subset=["entity_id"])
    assert all(ids[e] == i for e, i in zip(named["entity"], named["entity_id"], strict=True))
    assert (named["entity_id"].astype("int64") >= 0).all()


def test_quote_counts_and_the_speaker_network():
    body = (
        '"Berlin and Paris must act," Maria Lopez said.\n\n'
        '"Paris knows it," Maria Lopez added.\n\n'
        '"Madrid agrees with Berlin," said Jonas Weber.'
    )
    c = newsgraph.Corpus.from_texts([HEADLINE + body], meta={"source": ["Wire"]})
    counts = c.quote_counts()
    assert dict(zip(counts["entity"].astype(str), counts["count"], strict=True)) == {
        "Maria Lopez": 2,
        "Jonas Weber": 1,
    }
    assert c.quote_counts(by="source")["source"].astype(str).unique().tolist() == ["Wire"]
    net = c.cooccurrence(scope="quote")
    pairs = net.top_pairs(10)
    got = {
        (s, t): int(n)
        for s, t, n in zip(pairs["source"], pairs["target"], pairs["count"], strict=True)
    }
    assert got[("Maria Lopez", "Paris")] == 2
    assert got[("Maria Lopez", "Berlin")] == 1
    assert got[("Jonas Weber", "Madrid")] == 1
    assert ("Paris", "Maria Lopez") not in got  # directed: speaker to mentioned
    assert net.n_contexts == 3
    with pytest.raises(InputError, match="window"):
        c.cooccurrence(scope="quote", window=5)
    with pytest.raises(InputError, match="kind"):
        c.quote_counts(kind="reported")


def test_scan_and_dask_give_the_same_quotes(tmp_path):
    c = newsgraph.load_seeds()
    path = tmp_path / "seeds.jsonl"
    with path.open("w") as f:
        for i in c.doc_ids:
            f.write(json.dumps({"id": i, "text": c.text(i)}) + "\n")
    want = newsgraph.read_jsonl(path).quotes()
    assert len(want) > 20
    s = newsgraph.scan(path, batch_size=2)
    pd.testing.assert_frame_equal(s.quotes(), want)
    pd.testing.assert_frame_equal(
        s.quote_counts(by="doc_id"), newsgraph.read_jsonl(path).quote_counts(by="doc_id")
    )
    dd = pytest.importorskip("dask.dataframe")
    from newsgraph import dask as ng_dask

    df = pd.DataFrame({"id": list(want["doc_id"].unique()) + ["x"], "text": ""})
    df["text"] = [c.text(i) for i in df["id"][:-1]] + [""]
    got = ng_dask.analyze(dd.from_pandas(df, npartitions=3), id="id")
    pd.testing.assert_frame_equal(got.quotes(), newsgraph.Corpus.from_pandas(df, id="id").quotes())


def test_quotes_do_not_depend_on_threads(allsides_tagged):
    sub = allsides_tagged.head(400)
    one = sub._copy().quotes(threads=1)
    two = sub._copy().quotes(threads=2)
    pd.testing.assert_frame_equal(one, two)
    assert len(one) > 1000


def test_quotes_on_the_hand_annotated_set():
    """Direct quotes and speakers against the held-out half of the hand-made gold set
    (benchmarks/gold/quotes_allsides.tsv): the same scoring as the benchmark."""
    shared = shared_file("data", "news", "allsides_news_2015_2020.jsonl.gz").parents[2]
    bench = Path(__file__).resolve().parents[1] / "benchmarks"
    sys.path.insert(0, str(bench))
    try:
        import modern_ner
        import quote_eval
    finally:
        sys.path.remove(str(bench))
    ids, gold = quote_eval.load_gold("test")
    records = {r["id"]: r for r in modern_ner.load_records(shared, ids)}
    pred, kept, _ = quote_eval.newsgraph_quotes(records)
    s = quote_eval.score(records, gold, pred, kept)
    p, r = s.prf("direct")
    assert p >= 0.95 and r >= 0.9, (p, r)
    assert s.speaker_right / s.speaker_found >= 0.7


def test_bad_inputs_name_the_value():
    c = newsgraph.load_seeds()
    with pytest.raises(InputError, match="'spoken'"):
        c.quote_counts(kind="spoken")
    with pytest.raises(InputError, match="threads"):
        c.quotes(threads=0)
    with pytest.raises(newsgraph.NewsgraphError, match="not sorted"):
        newsgraph._core.find_quotations(
            c._articles,
            np.array([1, 0]),
            np.array([0, 0]),
            np.array([1, 1]),
            np.array([0, 0]),
        )
