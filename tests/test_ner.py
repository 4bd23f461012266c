"""The entity tagger: API, seeds, bad input, training, and accuracy on CoNLL dev."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import newsgraph
from conftest import parse, shared_file
from newsgraph import InputError, InputTypeError


@pytest.fixture(scope="module")
def seed_mentions(seeds):
    return seeds.mentions()


def labels_of(mentions, text):
    return set(mentions.loc[mentions["text"] == text, "label"])


@pytest.mark.parametrize(
    "name",
    [
        "Sergei Lavrov",
        "Li Hui",
        "Wang Yi",
        "Xi Jinping",
        "Volodymyr Zelensky",
        "Volodymyr Zelenskiy",
        "Volodymyr Zelenskyy",
        "Vladimir Putin",
        "Mikhail Mishustin",
        "Antony Blinken",
        "Joe Biden",
    ],
)
def test_seed_people(seed_mentions, name):
    assert labels_of(seed_mentions, name) == {"PER"}


@pytest.mark.parametrize("name", ["Moscow", "Beijing", "Kyiv", "Ukraine", "Switzerland"])
def test_seed_places(seed_mentions, name):
    assert labels_of(seed_mentions, name) == {"LOC"}


@pytest.mark.parametrize(
    "name",
    [
        "Foreign Ministry",
        "European Commission",
        "Reuters",
        "WSJ",
        "Wall Street Journal",
    ],
)
def test_seed_organisations(seed_mentions, name):
    found = seed_mentions[seed_mentions["text"].str.contains(name, regex=False)]
    assert len(found) and set(found["label"]) == {"ORG"}, found


def test_titles_are_not_part_of_names():
    c = parse("US Secretary of State Antony Blinken met Chancellor Olaf Scholz in St. Louis.")
    found = dict(zip(*c.mentions()[["text", "label"]].to_numpy().T, strict=True))
    assert found.get("Antony Blinken") == "PER"
    assert found.get("Olaf Scholz") == "PER"
    assert "State Antony Blinken" not in found
    assert found.get("St. Louis") == "LOC"


def test_company_named_like_a_title_at_sentence_start():
    # "General" is a title word and the sentence start hides case evidence; the
    # organisation list written for modern news knows the company.
    found = set(parse("General Motors cut jobs.").mentions()["text"])
    assert "Motors" not in found


def test_mentions_table_is_consistent(seeds, seed_mentions):
    m = seed_mentions
    assert list(m.columns) == [
        "doc_id",
        "paragraph",
        "sentence",
        "start",
        "end",
        "text",
        "label",
        "entity_id",
        "entity",
        "in_title",
    ]
    assert set(m["label"]) <= set(newsgraph.ENTITY_TYPES)
    sents = seeds.sentences().set_index(["doc_id", "sentence"])
    titles = seeds.documents().set_index("doc_id")["title"]
    head = m[m["in_title"]]
    # Headline mentions: offsets into the title, no paragraph or sentence of the body.
    assert len(head) and (head[["paragraph", "sentence"]] == -1).all().all()
    for r in head.itertuples():
        assert titles[r.doc_id][r.start : r.end] == r.text
    for r in m[~m["in_title"]].itertuples():
        assert seeds.text(r.doc_id)[r.start : r.end] == r.text
        s = sents.loc[(r.doc_id, r.sentence)]
        assert s.start <= r.start < r.end <= s.end and s.paragraph == r.paragraph
    # Every seed names Lavrov.
    assert m[m["text"].str.contains("Lavrov")]["doc_id"].nunique() == 5


def test_tag_api_and_document_grouping():
    sents = [
        ["SOCCER", "-", "JAPAN", "GET", "LUCKY", "WIN", "."],
        ["Japan", "began", "the", "defence", "of", "their", "title", "."],
    ]
    tags = newsgraph.tag(sents, documents=[0, 0])
    assert [len(t) for t in tags] == [7, 8]
    assert tags[1][0] == "B-LOC"
    for t in tags:
        assert all(x == "O" or x[:2] in ("B-", "I-") for x in t)
    assert newsgraph.tag([]) == []


@pytest.mark.parametrize(
    "bad, err, msg",
    [
        ("a sentence", InputTypeError, "list of lists"),
        ([["ok"], "not a list"], InputTypeError, "sentence 1"),
        ([["ok", 3]], InputTypeError, "token 1 of sentence 0"),
        ([["ok"], []], InputError, "sentence 1 is empty"),
        ([["two words"]], InputError, "whitespace"),
    ],
)
def test_tag_bad_input(bad, err, msg):
    with pytest.raises(err, match=msg):
        newsgraph.tag(bad)


def test_with_mentions_validates_and_places_spans(seeds):
    d = seeds.doc_ids[0]
    text = seeds.text(d)
    a = text.index("Li Hui")
    spans = pd.DataFrame(
        {"doc_id": [d], "start": [a], "end": [a + 6], "label": ["ENVOY"], "text": ["Li Hui"]}
    )
    m = seeds.with_mentions(spans).mentions()
    assert m[["text", "label", "sentence", "paragraph"]].values.tolist() == [
        ["Li Hui", "ENVOY", 0, 0]
    ]
    both = seeds.with_mentions(spans).mentions(model=True)
    assert (both["text"] == "Li Hui").sum() >= 1 and len(both) > 100
    assert both.loc[both["start"] == a, "label"].tolist() == ["ENVOY"]  # external wins
    for bad, msg in [
        (spans.assign(doc_id="nope"), "row 0.*no document"),
        (spans.assign(end=10**9), "does not fit"),
        (spans.assign(text="Li Wei"), "differs"),
        (spans.assign(label=None), "label"),
        (spans.drop(columns="label"), "lack column"),
    ]:
        with pytest.raises(InputError, match=msg):
            seeds.with_mentions(bad)


def test_mentions_bad_arguments(seeds):
    with pytest.raises(InputTypeError, match="model must be"):
        seeds.mentions(model="spacy")
    with pytest.raises(InputError, match="nothing to find"):
        seeds.mentions(model=False)


def test_mentions_on_snippet_offsets_with_non_ascii():
    c = parse("Zelenskyy’s aide met Đoković and Müller in Kyiv on Monday.")
    m = c.mentions()
    assert {"Kyiv"} <= set(m["text"])
    for r in m.itertuples():
        assert c.text(0)[r.start : r.end] == r.text


def test_model_round_trip_and_load_errors(tmp_path):
    tagger = newsgraph.load_tagger()
    path = tmp_path / "model.bin"
    path.write_bytes(tagger.to_bytes())
    again = newsgraph.load_tagger(path)
    sents = [["Li", "Hui", "visited", "Berlin", "and", "the", "European", "Commission", "."]]
    assert newsgraph.tag(sents, tagger=again) == newsgraph.tag(sents)
    with pytest.raises(FileNotFoundError):
        newsgraph.load_tagger(tmp_path / "missing.bin")
    (tmp_path / "junk.bin").write_bytes(b"not a model")
    with pytest.raises(newsgraph.NewsgraphError, match="not a newsgraph tagger model"):
        newsgraph.load_tagger(tmp_path / "junk.bin")


def test_training_is_reproducible(tmp_path):
    train = shared_file("data", "conll2003", "eng.train")
    small = tmp_path / "small.conll"
    docs = train.read_text(encoding="utf-8").split("-DOCSTART-")[:40]
    small.write_text("-DOCSTART-".join(docs), encoding="utf-8")
    seen = []
    t1, r1 = newsgraph.train_tagger(
        small, small, epochs=3, seed=5, progress=lambda *a: seen.append(a)
    )
    t2, r2 = newsgraph.train_tagger(small, small, epochs=3, seed=5, out=tmp_path / "m.bin")
    assert [s[:2] for s in seen] == [(1, 1), (1, 2), (1, 3), (2, 1), (2, 2), (2, 3)]
    assert t1.to_bytes() == t2.to_bytes() and r1 == r2
    assert newsgraph.ner.f1(r1["ALL"]) > 0.8
    assert (tmp_path / "m.bin").stat().st_size > 1000


def test_shipped_model_on_conll_dev():
    """Accuracy guard; benchmarks/ner_eval.py reports the full figures."""
    from newsgraph.ner import read_conll

    dev = shared_file("data", "conll2003", "eng.testa")
    words, gold, docs = read_conll(dev)
    pred = newsgraph.tag(words, documents=docs)

    def spans(seqs):
        out = set()
        for i, s in enumerate(seqs):
            start = None
            for j, t in enumerate([*s, "O"]):
                if start is not None and not t.startswith("I-"):
                    out.add((i, start, j, s[start][2:]))
                    start = None
                if t.startswith("B-"):
                    start = j
        return out

    g, p = spans(gold), spans(pred)
    f1 = 2 * len(g & p) / (len(g) + len(p))
    assert f1 > 0.87, f1
    assert np.isclose(len(p) / len(g), 1, atol=0.1)
