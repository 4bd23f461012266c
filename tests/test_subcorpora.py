"""Sub-corpora (issue 14): filter, head, sample, corpus[ids] and concat keep the parsed
text and the mentions already computed, so nothing is parsed or tagged again."""

from __future__ import annotations

import pandas as pd
import pytest

import newsgraph


def _no_tagging(monkeypatch):
    """Make any further tagging an error: the tables must come from the parent's."""

    def refuse(*args, **kwargs):
        raise AssertionError("tagged again")

    monkeypatch.setattr(newsgraph._core, "tag_articles", refuse)


def test_filter_keeps_the_parents_mentions_and_resolution(monkeypatch):
    c = newsgraph.load_seeds()
    m, docs = c.mentions(), c.documents()
    picked = [c.doc_ids[3], c.doc_ids[1], c.doc_ids[3]]  # order and repeats do not matter
    _no_tagging(monkeypatch)
    sub = c.filter(picked)
    assert list(sub.doc_ids) == [c.doc_ids[1], c.doc_ids[3]]
    assert sub[picked].doc_ids.equals(sub.doc_ids)
    assert sub.text(c.doc_ids[3]) == c.text(c.doc_ids[3])
    sm = sub.mentions()
    want = m[m["doc_id"].isin(sub.doc_ids)].reset_index(drop=True)
    cols = ["doc_id", "paragraph", "sentence", "start", "end", "in_title"]
    pd.testing.assert_frame_equal(sm[cols], want[cols])
    assert (sm["entity"].astype(str) == want["entity"].astype(str)).all()
    # Entity ids are renumbered 0..k-1 and the counts are the sub-corpus's own.
    e = sub.entities()
    assert sorted(e["entity_id"]) == list(range(len(e)))
    counts = sm.groupby("entity_id").size()
    assert (e.set_index("entity_id")["mentions"] == counts.reindex(e["entity_id"])).all()
    assert e["documents"].max() <= 2
    pd.testing.assert_frame_equal(
        sub.documents(), docs[docs["doc_id"].isin(sub.doc_ids)].reset_index(drop=True)
    )
    # Tables built on the mentions work: counts, co-occurrence, kwic.
    assert sub.entity_counts(by="doc_id")["count"].sum() == len(sm)
    assert sub.cooccurrence(scope="sentence").shape[0] == len(e)
    assert len(sub.kwic("Sergei Lavrov")) == (sm["entity"] == "Sergei Lavrov").sum()


def test_boolean_masks_head_and_sample():
    c = newsgraph.load_seeds()
    docs = c.documents()
    sub = c.filter(docs["source"] == "Bloomberg")
    assert list(sub.documents()["source"]) == ["Bloomberg"]
    assert list(c.head(2).doc_ids) == list(c.doc_ids[:2])
    assert len(c.head(0)) == 0 and len(c.head(99)) == 5
    a, b = c.sample(3, seed=7), c.sample(3, seed=7)
    assert list(a.doc_ids) == list(b.doc_ids) and len(set(a.doc_ids)) == 3
    assert list(a.doc_ids) == [d for d in c.doc_ids if d in set(a.doc_ids)]  # corpus order


@pytest.mark.parametrize(
    "call,cls,shown",
    [
        (lambda c: c.filter(["nope"]), newsgraph.UnknownDocumentError, "'nope'"),
        (lambda c: c[["nope", "other"]], newsgraph.UnknownDocumentError, "2 of the ids"),
        (lambda c: c.filter([True, False]), newsgraph.InputError, "got 2 for 5"),
        (lambda c: c.filter("000"), newsgraph.InputTypeError, "'000'"),
        (lambda c: c.head(-1), newsgraph.InputError, "got -1"),
        (lambda c: c.sample(6), newsgraph.InputError, "6 documents from a corpus of 5"),
        (lambda c: c.sample(2, seed="x"), newsgraph.InputTypeError, "'x'"),
        (lambda c: newsgraph.concat([c, c]), newsgraph.DuplicateIdError, "000_"),
        (lambda c: newsgraph.concat(c), newsgraph.InputTypeError, "list of corpora"),
        (lambda c: newsgraph.concat([c, 5]), newsgraph.InputTypeError, "item 1 is a int"),
        (lambda c: newsgraph.concat([]), newsgraph.InputError, "at least one"),
    ],
)
def test_bad_selections_name_the_value(call, cls, shown):
    with pytest.raises(cls, match=shown):
        call(newsgraph.load_seeds())


def test_concat_resolves_the_tagged_mentions_over_the_whole(monkeypatch):
    c = newsgraph.load_seeds()
    whole_m, whole_e = c.mentions(), c.entities()
    a, b = c.head(2), c.filter(list(c.doc_ids[2:]))
    _no_tagging(monkeypatch)
    both = newsgraph.concat([a, b])
    pd.testing.assert_frame_equal(both.mentions(), whole_m)
    pd.testing.assert_frame_equal(both.entities(), whole_e)
    pd.testing.assert_frame_equal(both.documents(), c.documents())


def test_spans_from_other_tools_follow_their_documents():
    c = newsgraph.load_seeds()
    d = c.doc_ids[4]
    spans = pd.DataFrame({"doc_id": [d], "start": [0], "end": [7], "label": ["NORP"]})
    w = c.with_mentions(spans)
    assert "NORP" in set(w.filter([d]).mentions()["label"].astype(str))
    assert "NORP" not in set(w.head(2).mentions()["label"].astype(str))
    both = newsgraph.concat([c.head(4), w.filter([d])])
    assert "NORP" in set(both.mentions()["label"].astype(str))


def test_concat_of_halves_of_allsides_equals_the_whole(allsides_tagged):
    c = allsides_tagged
    m, e = c.mentions(progress=False), c.entities()
    half = len(c) // 2
    first, second = c.head(half), c.filter(list(c.doc_ids[half:]))
    both = newsgraph.concat([first, second])
    pd.testing.assert_frame_equal(both.mentions(progress=False), m)
    pd.testing.assert_frame_equal(both.entities(), e)
    # A half keeps the whole corpus's resolution: the same entity name for every mention.
    fm = first.mentions(progress=False)
    assert (fm["entity"].astype(str) == m["entity"].astype(str)[: len(fm)]).all()
