"""Entity resolution and the counting tables built on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgraph
from newsgraph import InputError


@pytest.fixture(scope="module")
def ents(seeds):
    return seeds.entities().set_index("entity")


def test_seed_entities(seeds, ents):
    assert ents.loc["Sergei Lavrov", "documents"] == 5
    assert ents.loc["Li Hui", "documents"] == 3
    assert ents.loc["Wang Yi", "documents"] == 2
    assert ents.loc["Xi Jinping", "documents"] == 4
    zel = [e for e in ents.index if e.split()[-1].startswith("Zelensk")]
    assert len(zel) == 1, zel
    assert ents.loc[zel[0], "documents"] == 4
    assert {"Volodymyr Zelensky", "Volodymyr Zelenskiy", "Volodymyr Zelenskyy"} <= set(
        ents.loc[zel[0], "aliases"]
    )
    m = seeds.mentions()
    # "Lavrov" alone links to the full name; Wang Yi never merges with Li Hui.
    assert set(m.loc[m["text"] == "Lavrov", "entity"]) == {"Sergei Lavrov"}
    assert set(m.loc[m["text"] == "Li", "entity"]) == {"Li Hui"}
    assert ents.loc["Wang Yi", "entity_id"] != ents.loc["Li Hui", "entity_id"]
    assert set(m.loc[m["text"] == "Xi", "entity"]) == {"Xi Jinping"}


def test_entities_table_shape(seeds):
    e = seeds.entities()
    assert list(e.columns) == ["entity_id", "entity", "label", "aliases", "mentions", "documents"]
    assert e["mentions"].is_monotonic_decreasing
    assert e["entity_id"].is_unique
    m = seeds.mentions()
    counts = m.groupby("entity_id").size()
    assert (e.set_index("entity_id")["mentions"] == counts.reindex(e["entity_id"])).all()
    # Every mention's entity carries the mention's label: nothing crosses labels.
    labels = e.set_index("entity_id")["label"]
    assert (m["label"].to_numpy() == labels.reindex(m["entity_id"]).to_numpy()).all()


def test_entity_counts_by_document_source_and_month():
    df = pd.DataFrame(
        {
            "text": [
                "Sergei Lavrov met Wang Yi in Beijing. Lavrov said little.",
                "Lavrov visited Paris. Sergei Lavrov spoke to Emmanuel Macron.",
                "Emmanuel Macron met Wang Yi in Paris.",
            ],
            "source": ["A", "B", "A"],
            "date": ["2023-01-05", "2023-01-20", "2023-02-02"],
        },
        index=["d1", "d2", "d3"],
    )
    c = newsgraph.Corpus.from_pandas(df)
    total = c.entity_counts(label="PER").set_index("entity")["count"]
    assert total["Sergei Lavrov"] == 4 and total["Wang Yi"] == 2
    by_doc = c.entity_counts(by="doc_id", label=["PER"])
    assert by_doc.query("doc_id == 'd2' and entity == 'Sergei Lavrov'")["count"].item() == 2
    by_src = c.entity_counts(by="source")
    assert by_src["source"].dtype == "category" and by_src["entity"].dtype == "category"
    assert by_src.query("source == 'A' and entity == 'Wang Yi'")["count"].item() == 2
    monthly = c.entity_counts(by="date", freq="M", label="PER")
    lav = monthly[monthly["entity"] == "Sergei Lavrov"]
    assert lav["date"].astype(str).tolist() == ["2023-01"]
    assert lav["count"].tolist() == [4]
    with pytest.raises(InputError, match="freq"):
        c.entity_counts(by="date")
    with pytest.raises(InputError, match="not a documents"):
        c.entity_counts(by="outlet")
    with pytest.raises(InputError, match="no mentions with label"):
        c.entity_counts(label="PERSON")


def test_kwic_by_entity_and_by_pattern(seeds):
    k = seeds.kwic("Li Hui", window=3)
    assert set(k["match"]) == {"Li Hui", "Li"}
    row = k.iloc[0]
    assert seeds.text(row.doc_id)[row.start : row.end] == row.match
    assert len(row.left.split()) <= 3 + 2 and row.right
    z = seeds.kwic("Zelensk*", window=2)
    assert {"Zelensky", "Zelenskiy", "Zelenskyy"} <= set(z["match"])
    eid = int(seeds.entities().set_index("entity").loc["Wang Yi", "entity_id"])
    assert len(seeds.kwic(eid)) == 4
    with pytest.raises(InputError):
        seeds.kwic(10**6)


def test_keyness_matches_scipy():
    from scipy.stats import chi2_contingency

    df = pd.DataFrame(
        {
            "text": ["Sergei Lavrov met Wang Yi. Lavrov spoke. Lavrov left."] * 3
            + ["Emmanuel Macron met Wang Yi in Paris. Macron spoke."] * 3,
            "source": ["RU"] * 3 + ["FR"] * 3,
        }
    )
    c = newsgraph.Corpus.from_pandas(df)
    k = c.keyness(by="source", target="RU").set_index("entity")
    assert k.loc["Sergei Lavrov", "chi2"] > 0 > k.loc["Emmanuel Macron", "chi2"]
    m = c.mentions()
    ru = m["doc_id"].isin([0, 1, 2])
    a = ((m["entity"] == "Sergei Lavrov") & ru).sum()
    cc = ((m["entity"] == "Sergei Lavrov") & ~ru).sum()
    table = np.array([[a, ru.sum() - a], [cc, (~ru).sum() - cc]])
    want = chi2_contingency(table, correction=True)[0]
    assert k.loc["Sergei Lavrov", "chi2"] == pytest.approx(want)
    # quanteda's default corrects lr's cells as chi2's where its rule applies (here: an
    # expected count below 5), and "none" leaves G² alone.
    g2 = chi2_contingency(table, correction=True, lambda_="log-likelihood")[0]
    lr = c.keyness(by="source", target="RU", measure="lr").set_index("entity")
    assert lr.loc["Sergei Lavrov", "lr"] == pytest.approx(g2)
    g2 = chi2_contingency(table, correction=False, lambda_="log-likelihood")[0]
    lr = c.keyness(by="source", target="RU", measure="lr", correction="none")
    assert lr.set_index("entity").loc["Sergei Lavrov", "lr"] == pytest.approx(g2)
    with pytest.raises(InputError, match="target"):
        c.keyness(by="source", target="DE")


def test_user_controls(seeds):
    c = seeds.resolve(aliases={"Kremlin": "Russia"}, merge=[["US", "United States"]], demonyms=True)
    m = c.mentions()
    assert set(m.loc[m["text"] == "Kremlin", "entity"]) == {"Russia"}
    assert set(m.loc[m["text"] == "US", "entity"]) == {"United States"}
    chinese = m[m["text"] == "Chinese"]
    assert set(chinese["entity"]) == {"China"}
    ents = c.entities().set_index("entity")
    assert ents.loc["China", "label"] == "LOC"
    # Off by default: Chinese stays MISC, the Kremlin its own entity.
    plain = seeds.mentions()
    assert set(plain.loc[plain["text"] == "Chinese", "entity"]) == {"Chinese"}
    split = seeds.resolve(split=["Li"]).mentions()
    assert set(split.loc[split["text"] == "Li", "entity"]) == {"Li"}
    strict = seeds.resolve(fuzzy=False).entities()
    assert strict["entity"].str.contains("Zelensk").sum() > 1
    with pytest.raises(newsgraph.InputTypeError):
        seeds.resolve(aliases=["Kremlin", "Russia"])
    with pytest.raises(InputError, match="two or more"):
        seeds.resolve(merge=[["Kiev"]])


def test_ids_do_not_depend_on_threads_and_unrelated_documents(seeds):
    texts = [seeds.text(d) for d in seeds.doc_ids]
    df = pd.DataFrame({"text": texts}, index=list(seeds.doc_ids))
    one = newsgraph.Corpus.from_pandas(df).mentions(threads=1)
    two = newsgraph.Corpus.from_pandas(df).mentions(threads=2)
    pd.testing.assert_frame_equal(one, two)
    extra = pd.concat(
        [df, pd.DataFrame({"text": ["Hans Olsen of Oslo said the fjord froze."]}, index=["x"])]
    )
    more = newsgraph.Corpus.from_pandas(extra).mentions()
    more = more[more["doc_id"] != "x"].reset_index(drop=True)
    assert more["entity"].tolist() == one["entity"].tolist()


NAMES = [
    "Anna Berg",
    "Berg",
    "Karl Marx",
    "Marx",
    "Boris Petrov",
    "Boris Petrow",
    "Petrov",
    "Ulla Lind",
    "UL",
    "Lind",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(NAMES), st.sampled_from(["PER", "ORG", "LOC"])),
            min_size=1,
            max_size=6,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_property_no_cross_label_merges(docs):
    texts = [" ; ".join(n for n, _ in d) + " ." for d in docs]
    c = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))
    rows = []
    for i, d in enumerate(docs):
        pos = 0
        for name, label in d:
            rows.append((i, pos, pos + len(name), label))
            pos += len(name) + 3
    spans = pd.DataFrame(rows, columns=["doc_id", "start", "end", "label"])
    m = c.with_mentions(spans).resolve(strict=True).mentions()
    assert len(m) == len(rows)
    per_entity = m.groupby("entity_id")["label"].nunique()
    assert (per_entity == 1).all()
    # With the label votes on, a mention joins another label's entity only when its
    # own name is written with that label somewhere in the corpus.
    m = c.with_mentions(spans).mentions()
    assert len(m) == len(rows)
    ents = c.with_mentions(spans).entities().set_index("entity_id")["label"]
    seen = set(zip(m["text"].astype(str), m["label"].astype(str), strict=True))
    for text, own, entity_id in zip(
        m["text"].astype(str), m["label"].astype(str), m["entity_id"], strict=True
    ):
        label = ents[entity_id]
        assert own == label or (text, label) in seen, (text, own, label)


def test_reuters_people_found_and_merged(reuters):
    docs = reuters.documents()
    tagged = docs[docs["people"].map(len) > 0]
    m = reuters.mentions()
    per = m[m["label"] == "PER"]
    surnames = per.groupby("doc_id")["entity"].agg(
        lambda s: {w.lower() for e in s for w in e.replace("-", " ").split()}
    )
    pairs = [
        (d, p.split("-")[-1])
        for d, ps in zip(tagged["doc_id"], tagged["people"], strict=True)
        for p in ps
    ]
    found = sum(1 for d, s in pairs if s in surnames.get(d, set()))
    assert found / len(pairs) > 0.85
    before = per.assign(t=per["text"].str.lower())["t"].nunique()
    after = per["entity_id"].nunique()
    assert after < 0.9 * before


def test_tables_on_a_corpus_without_entities():
    c = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": ["the cat sat on the mat."]}))
    assert len(c.mentions()) == 0 and len(c.entities()) == 0
    assert len(c.entity_counts(by="doc_id")) == 0
    assert len(c.kwic("Lavrov")) == 0
    assert c.cooccurrence().to_scipy().shape == (0, 0)


def test_mention_table_columns_and_dtypes(seeds):
    m = seeds.mentions()
    assert not [c for c in m.columns if str(c).startswith("_")]
    for col in ("text", "label", "entity"):
        assert isinstance(m[col].dtype, pd.CategoricalDtype), col
    # Codes point at the right strings: every text is the document's slice.
    titles = seeds.documents().set_index("doc_id")["title"]
    texts = [
        (titles[d] if h else seeds.text(d))[a:b]
        for d, a, b, h in zip(m["doc_id"], m["start"], m["end"], m["in_title"], strict=True)
    ]
    assert m["in_title"].dtype == bool
    assert m["text"].astype(str).tolist() == texts
    assert m["label"].isin(["PER", "ORG", "LOC", "MISC"]).all()
    # They compare and group like strings.
    assert (m[m["label"] == "PER"]["label"].astype(str) == "PER").all()
    assert m.groupby("entity", observed=True).size().sum() == len(m)


def test_core_resolution_same_with_many_labels(seeds):
    """The core numbers (text, label) pairs with a table when there are few labels and
    a hash map when there are many (dictionary keys, spans from other tools): both ways
    give the same entities."""
    from newsgraph import _core

    m = seeds.mentions()
    doc = seeds.doc_ids.get_indexer(m["doc_id"]).astype(np.int64)
    text = m["text"].cat.codes.to_numpy(dtype=np.int64)
    texts = [str(t) for t in m["text"].cat.categories]
    label = m["label"].cat.codes.to_numpy(dtype=np.int64)
    labels = [str(x) for x in m["label"].cat.categories]
    few = _core.resolve_mentions(doc, text, texts, label, labels)
    unused = [f"KEY{i}" for i in range(70_000 // len(texts) + 1)]
    many = _core.resolve_mentions(doc, text, texts, label, labels + unused)
    assert len(labels + unused) * len(texts) > max(4 * len(m), 1 << 16)
    np.testing.assert_array_equal(few["entity_of"], many["entity_of"])
    assert few["entities"]["name"] == many["entities"]["name"]
    names = np.asarray(few["entities"]["name"], dtype=object)[few["entity_of"]]
    assert set(names[(m["text"] == "Lavrov").to_numpy()]) == {"Sergei Lavrov"}


def test_entity_ids_follow_label_then_name(seeds):
    """Entity ids number the table by label, then name (code point order), with or
    without dictionary keys mixed in; the core's own order is trusted only when it
    holds."""
    d = newsgraph.Dictionary({"Zzz Moscow talks": ["Moscow"], "AAA key": ["Kremlin"]})
    for e in (seeds.entities(), seeds.entities(dictionary=d, model=True)):
        e = e.sort_values("entity_id")
        assert e["entity_id"].tolist() == list(range(len(e)))
        pairs = list(zip(e["label"].astype(str), e["entity"].astype(str), strict=True))
        assert pairs == sorted(pairs)
    keys = set(seeds.entities(dictionary=d, model=True)["entity"].astype(str))
    assert {"Zzz Moscow talks", "AAA key"} <= keys
