"""Co-occurrence: every scope, count mode, ordering and self-pair setting against a
brute-force pure-Python reference over ``corpus.mentions()`` and ``corpus.tokens()``;
measures against the formulas; Reuters against ``X.T @ X``; slicing, filters, exports,
plots and errors.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import matplotlib
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgraph
from newsgraph.cooccur import MEASURES, Cooccurrence, _entity_mentions
from newsgraph.exceptions import InputError, InputTypeError

matplotlib.use("Agg")

NAMES = ["Alpha", "Beta", "Gamma", "Delta"]
# "AB" spans two tokens; "G2" repeats Gamma's span (two keys, same start).
DICT = newsgraph.Dictionary({**{n: [n] for n in NAMES}, "AB": ["Alpha Beta"], "G2": ["Gamma"]})
WORDS = [*NAMES, "met", "said", "and"]
SIMPLE = newsgraph.Dictionary({n: [n] for n in NAMES})


def make_corpus(docs: list[list[list[list[str]]]], **columns) -> newsgraph.Corpus:
    """Documents of paragraphs of sentences of words."""
    texts = ["\n\n".join(" ".join(" ".join(s) + " ." for s in p) for p in d) for d in docs]
    return newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts, **columns}))


def as_dict(co: Cooccurrence, group=None) -> dict[tuple[str, str], float]:
    x = co.to_scipy(group).tocoo()
    return {
        (co.labels[r], co.labels[c]): v for r, c, v in zip(x.row, x.col, x.data, strict=True) if v
    }


def occurrences(corpus: newsgraph.Corpus, dictionary=DICT):
    """Per document: (entity, paragraph, sentence, token_start, token_end)."""
    m = corpus.mentions(dictionary=dictionary, model=False)
    out = defaultdict(list)
    for doc_id, g in m.groupby("doc_id", sort=False):
        t = corpus.tokens(doc_id)
        starts, ends = t["start"].to_numpy(), t["end"].to_numpy()
        for r in g.itertuples():
            ts = int(np.sum(ends <= r.start))
            te = int(np.sum(starts < r.end))
            out[doc_id].append((r.label, r.paragraph, r.sentence, ts, te))
    return out


def reference(corpus, scope, count, ordered, self_pairs, window=None, weights=None):
    res: Counter = Counter()
    for occ in occurrences(corpus).values():
        if scope == "window" and count == "boolean":
            # The document is the context: each pair found within the window once.
            one = reference_window(occ, "frequency", ordered, self_pairs, window, None)
            res.update(dict.fromkeys(one, 1))
            continue
        if scope == "window":
            res.update(reference_window(occ, count, ordered, self_pairs, window, weights))
            continue
        key = {"document": lambda o: 0, "paragraph": lambda o: o[1], "sentence": lambda o: o[2]}
        ctxs = defaultdict(list)
        for o in occ:
            ctxs[key[scope](o)].append(o)
        for c in ctxs.values():
            present = {o[0] for o in c}
            if count in ("contexts", "boolean"):
                pairs = set()
                for i, p in enumerate(c):
                    for j, q in enumerate(c):
                        if i == j or p[0] == q[0]:
                            continue
                        if not ordered or p[3] <= q[3]:
                            pairs.add((p[0], q[0]))
                for pr in pairs:
                    res[pr] += 1
                if self_pairs and count == "contexts":
                    for a in present:
                        res[a, a] += 1
                if self_pairs and count == "boolean":
                    twice = Counter(o[0] for o in c)
                    for a in present:
                        res[a, a] += twice[a] >= 2
            else:
                for i, p in enumerate(c):
                    for j, q in enumerate(c):
                        if i == j:
                            continue
                        if p[0] == q[0]:
                            if self_pairs and i < j:
                                res[p[0], p[0]] += 1
                        elif not ordered or p[3] <= q[3]:
                            if not ordered and i > j:
                                continue
                            res[p[0], q[0]] += 1
                            if not ordered:
                                res[q[0], p[0]] += 1
    return {k: v for k, v in res.items() if v}


def reference_window(occ, count, ordered, self_pairs, window, weights) -> Counter:
    """One document's window counts (by brute force over all pairs of mentions)."""
    res: Counter = Counter()
    for i in range(len(occ)):
        for j in range(i + 1, len(occ)):
            p, q = sorted([occ[i], occ[j]], key=lambda o: (o[3], o[4]))
            d = q[3] - p[4] + 1 if p[4] <= q[3] else 0
            if d > window:
                continue
            dd = max(d, 1)
            v = 1
            if count == "weighted":
                v = weights[dd - 1] if weights is not None else 1 / dd
            a, b = p[0], q[0]
            if a == b:
                if self_pairs:
                    res[a, a] += v
            elif not ordered:
                res[a, b] += v
                res[b, a] += v
            else:
                if p[3] < q[3]:
                    res[a, b] += v
                else:
                    res[a, b] += v
                    res[b, a] += v
    return res


def reference_marginals(corpus, scope, count="contexts"):
    if scope == "window" and count == "boolean":
        # The document is the context of boolean windows.
        scope = "document"
    marg: Counter = Counter()
    for occ in occurrences(corpus).values():
        if scope == "window":
            marg.update(o[0] for o in occ)
            continue
        key = {"document": lambda o: 0, "paragraph": lambda o: o[1], "sentence": lambda o: o[2]}
        marg.update(a for _, a in {(key[scope](o), o[0]) for o in occ})
    docs = corpus.documents()
    n = {
        "document": len(docs),
        "paragraph": int(docs["n_paragraphs"].sum()),
        "sentence": int(docs["n_sentences"].sum()),
        "window": sum(marg.values()),
    }[scope]
    return dict(marg), n


def assert_close(got: dict, want: dict, tol=1e-6):
    assert set(got) == set(want), (sorted(set(got) ^ set(want)), got, want)
    for k in want:
        assert got[k] == pytest.approx(want[k], abs=tol), k


sentence_st = st.lists(st.sampled_from(WORDS), min_size=1, max_size=6)
paragraph_st = st.lists(sentence_st, min_size=1, max_size=3)
doc_st = st.lists(paragraph_st, min_size=1, max_size=3)
corpus_st = st.lists(doc_st, min_size=1, max_size=4)

CASES = [
    (scope, count)
    for scope in ("document", "paragraph", "sentence", "window")
    for count in ("contexts", "frequency", "boolean", "weighted")
    if count != "weighted" or scope == "window"
]


@pytest.mark.parametrize("scope,count", CASES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    docs=corpus_st,
    ordered=st.booleans(),
    self_pairs=st.booleans(),
    window=st.integers(1, 6),
    custom=st.booleans(),
)
def test_matches_reference(scope, count, docs, ordered, self_pairs, window, custom):
    corpus = make_corpus(docs)
    if not len(corpus.mentions(dictionary=DICT, model=False)):
        return
    weights = [1.0 / (d * d) + 0.25 for d in range(1, window + 1)] if custom else None
    if count != "weighted":
        weights = None
    w = window if scope == "window" else None
    co = corpus.cooccurrence(
        scope=scope,
        window=w,
        count=count,
        ordered=ordered,
        dictionary=DICT,
        model=False,
        self_pairs=self_pairs,
        weights=weights,
    )
    want = reference(corpus, scope, count, ordered, self_pairs, window=w, weights=weights)
    assert_close(as_dict(co), want)
    marg, n = reference_marginals(corpus, scope, count)
    assert co.n_contexts == n
    assert dict(zip(co.labels, co.marginals.to_numpy(), strict=True)) == marg
    if not ordered:
        x = co.to_scipy()
        assert (x != x.T).nnz == 0


def test_window_distance_definition():
    # Alpha Beta adjacent (1); Beta .. Gamma: one token between (2); overlap: 0.
    corpus = make_corpus([[[["Alpha", "and", "Beta", "met", "Gamma"]]]])
    d = {n: [n] for n in NAMES}
    dct = newsgraph.Dictionary(d)
    co1 = corpus.cooccurrence("window", window=1, dictionary=dct, model=False)
    assert as_dict(co1) == {}
    co2 = corpus.cooccurrence("window", window=2, dictionary=dct, model=False)
    assert as_dict(co2) == {
        ("Alpha", "Beta"): 1,
        ("Beta", "Alpha"): 1,
        ("Beta", "Gamma"): 1,
        ("Gamma", "Beta"): 1,
    }
    adj = make_corpus([[[["Alpha", "Beta"]]]])
    co = adj.cooccurrence("window", window=1, dictionary=dct, model=False, ordered=True)
    assert as_dict(co) == {("Alpha", "Beta"): 1}
    wt = adj.cooccurrence(
        "window", count="weighted", dictionary=dct, model=False, weights=[0.5, 0.25]
    )
    assert wt.window == 2
    assert as_dict(wt)[("Alpha", "Beta")] == pytest.approx(0.5)
    # A weighted pair below 1 is still an edge of the graph, unless asked otherwise.
    pytest.importorskip("networkx")
    assert wt.to_networkx().number_of_edges() == 1
    assert wt.to_networkx(min_count=1).number_of_edges() == 0


def test_dictionary_key_is_entity():
    corpus = make_corpus([[[["Alpha", "met", "Beta"]]]])
    d = newsgraph.Dictionary({"greek": ["Alpha", "Beta"], "other": ["met"]})
    m = _entity_mentions(corpus, dictionary=d, model=False)
    assert m["entity"].tolist() == ["greek", "other", "greek"]
    assert m["entity_id"].tolist()[0] == m["entity_id"].tolist()[2]
    co = corpus.cooccurrence(dictionary=d, model=False, self_pairs=True)
    assert as_dict(co) == {
        ("greek", "greek"): 1,
        ("other", "other"): 1,
        ("greek", "other"): 1,
        ("other", "greek"): 1,
    }
    f = corpus.cooccurrence(dictionary=d, model=False, self_pairs=True, count="frequency")
    assert as_dict(f)[("greek", "other")] == 2
    assert as_dict(f)[("greek", "greek")] == 1


def _py_measure(name, ab, a, b, n):
    pmi = math.log(ab * n / (a * b))
    table = [ab, a - ab, b - ab, n - a - b + ab]
    rows, cols = (
        [table[0] + table[1], table[2] + table[3]],
        [table[0] + table[2], table[1] + table[3]],
    )
    if name == "pmi":
        return pmi
    if name == "ppmi":
        return max(pmi, 0.0)
    if name == "lift":
        return math.exp(pmi)
    if name == "npmi":
        return 1.0 if ab == n else pmi / -math.log(ab / n)
    if name == "dice":
        return 2 * ab / (a + b)
    if name == "jaccard":
        return ab / (a + b - ab)
    if name == "llr":
        g = 0.0
        for i, o in enumerate(table):
            e = rows[i // 2] * cols[i % 2] / n
            if o > 0:
                g += o * math.log(o / e)
        return 2 * g
    if name == "chi2":
        den = rows[0] * rows[1] * cols[0] * cols[1]
        return 0.0 if den == 0 else n * (table[0] * table[3] - table[1] * table[2]) ** 2 / den
    raise AssertionError(name)


@settings(max_examples=30, deadline=None)
@given(docs=corpus_st, scope=st.sampled_from(["document", "paragraph", "sentence"]))
def test_measures_match_formulas(docs, scope):
    corpus = make_corpus(docs)
    if not len(corpus.mentions(dictionary=DICT, model=False)):
        return
    co = corpus.cooccurrence(scope, dictionary=DICT, model=False, self_pairs=True)
    df = co.to_pandas()
    assert (
        df["source_id"].map(list(co.entity_ids).index)
        <= df["target_id"].map(list(co.entity_ids).index)
    ).all()
    for row in df.itertuples():
        for name in MEASURES:
            want = _py_measure(name, row.count, row.source_count, row.target_count, row.n)
            assert getattr(row, name) == pytest.approx(want, rel=1e-9, abs=1e-9), name
    for name in MEASURES:
        m = co.measure(name)
        assert m.nnz == co.to_scipy().nnz
    npmi = co.measure("npmi").data
    assert (npmi <= 1 + 1e-9).all() and (npmi >= -1 - 1e-9).all()


def test_measures_by_hand():
    # Alpha & Beta: 2 of 4 sentences; Alpha in 3, Beta in 2.
    corpus = make_corpus([[[["Alpha", "Beta"], ["Alpha", "Beta"], ["Alpha"], ["Nobody", "spoke"]]]])
    co = corpus.cooccurrence("sentence", dictionary=SIMPLE, model=False)
    row = co.to_pandas().iloc[0]
    assert (row["count"], row["source_count"], row["target_count"], row["n"]) == (2, 3, 2, 4)
    assert row["pmi"] == pytest.approx(math.log(2 * 4 / 6))
    assert row["dice"] == pytest.approx(0.8)
    assert row["jaccard"] == pytest.approx(2 / 3)


def test_threads_identical():
    rng = np.random.default_rng(3)
    docs = [
        [[list(rng.choice(WORDS, size=rng.integers(1, 8))) for _ in range(3)] for _ in range(2)]
        for _ in range(60)
    ]
    corpus = make_corpus(docs)
    for kw in (
        {"scope": "sentence"},
        {"scope": "document", "count": "frequency", "ordered": True},
        {"scope": "window", "window": 4, "count": "weighted"},
    ):
        one = corpus.cooccurrence(dictionary=SIMPLE, model=False, threads=1, **kw)
        two = corpus.cooccurrence(dictionary=SIMPLE, model=False, threads=2, **kw)
        a, b = one.to_scipy(), two.to_scipy()
        assert (a != b).nnz == 0
        np.testing.assert_array_equal(a.data, b.data)
        pd.testing.assert_frame_equal(one.to_pandas(), two.to_pandas())


def test_by_and_freq():
    docs = [[[["Alpha", "Beta"]]], [[["Alpha", "Gamma"]]], [[["Beta", "Gamma"]]], [[["Alpha"]]]]
    corpus = make_corpus(
        docs,
        date=["2020-01-03", "2020-01-20", "2020-03-01", None],
        outlet=["x", "y", "x", "y"],
    )
    co = corpus.cooccurrence(by="date", freq="M", dictionary=SIMPLE, model=False)
    assert [str(g) for g in co.groups] == ["2020-01", "2020-03"]
    assert as_dict(co, "2020-01") == {
        ("Alpha", "Beta"): 1,
        ("Beta", "Alpha"): 1,
        ("Alpha", "Gamma"): 1,
        ("Gamma", "Alpha"): 1,
    }
    assert as_dict(co, co.groups[1]) == {("Beta", "Gamma"): 1, ("Gamma", "Beta"): 1}
    assert co.to_scipy().shape == (3, 3)  # shared index
    assert co.n_contexts == 3  # the undated document is left out
    df = co.to_pandas()
    assert list(df.columns[:3]) == ["group", "source", "target"]
    assert len(df) == 3
    by_outlet = corpus.cooccurrence(by="outlet", dictionary=SIMPLE, model=False)
    assert by_outlet.groups == ["x", "y"]
    assert as_dict(by_outlet, "y") == {("Alpha", "Gamma"): 1, ("Gamma", "Alpha"): 1}
    total = corpus.cooccurrence(dictionary=SIMPLE, model=False)
    assert (by_outlet.to_scipy() != total.to_scipy()).nnz == 0
    with pytest.raises(InputError, match="no group"):
        co.to_scipy("1999-01")
    with pytest.raises(InputError, match="by="):
        corpus.cooccurrence(by="nope", dictionary=SIMPLE, model=False)
    with pytest.raises(InputError, match="by='date'"):
        corpus.cooccurrence(freq="M", dictionary=SIMPLE, model=False)


def test_filters():
    docs = [[[["Alpha", "Beta", "Gamma"], ["Alpha", "Delta"], ["Alpha", "Beta"]]]]
    corpus = make_corpus(docs)
    top = corpus.cooccurrence(top=2, dictionary=SIMPLE, model=False)
    assert top.labels == ["Alpha", "Beta"]
    ent = corpus.cooccurrence(entities=["Alpha", "Delta"], dictionary=SIMPLE, model=False)
    assert sorted(ent.labels) == ["Alpha", "Delta"]
    lab = corpus.cooccurrence(labels=["Gamma", "Beta"], dictionary=SIMPLE, model=False)
    assert sorted(lab.labels) == ["Beta", "Gamma"]
    mc = corpus.cooccurrence(min_count=2, dictionary=SIMPLE, model=False)
    assert as_dict(mc) == {("Alpha", "Beta"): 2, ("Beta", "Alpha"): 2}
    assert mc.marginals["Gamma"] == 1  # marginals are kept
    ids = corpus.cooccurrence(entities=[int(ent.entity_ids[0])], dictionary=SIMPLE, model=False)
    assert len(ids.labels) == 1
    with pytest.raises(InputError, match="Alpah|close"):
        corpus.cooccurrence(entities=["Alpah"], dictionary=SIMPLE, model=False)
    with pytest.raises(InputError, match="PERSON"):
        corpus.cooccurrence(labels=["PERSON"], dictionary=SIMPLE, model=False)


def test_neighbors_and_top_pairs():
    docs = [[[["Alpha", "Beta", "Gamma"], ["Alpha", "Beta"], ["Delta", "Gamma"]]]]
    co = make_corpus(docs).cooccurrence(dictionary=SIMPLE, model=False)
    nb = co.neighbors("Alpha")
    assert nb["entity"].tolist() == ["Beta", "Gamma"]
    assert nb["count"].tolist() == [2, 1]
    assert co.neighbors(int(co.entity_ids[0]), n=1)["entity"].tolist() == ["Beta"]
    assert "npmi" in co.neighbors("Alpha", measure="npmi").columns
    with pytest.raises(InputError, match="'Alpha'"):
        co.neighbors("Alpah")
    tp = co.top_pairs(2)
    assert tp.iloc[0][["source", "target", "count"]].tolist() == ["Alpha", "Beta", 2]
    assert len(co.top_pairs(10, measure="llr")) == 4
    with pytest.raises(InputError, match="pmj"):
        co.top_pairs(measure="pmj")


def test_dense_refusal_and_repr():
    co = make_corpus([[[["Alpha", "Beta"]]]]).cooccurrence(dictionary=SIMPLE, model=False)
    assert co.to_dense().tolist() == [[0, 1], [1, 0]]
    with pytest.raises(InputError, match=r"top=.*"):
        co.to_dense(limit=1)
    assert "2 x 2" in repr(co) and "scope=sentence" in repr(co) and "2 non-zero" in repr(co)
    assert "Alpha" in co._repr_html_()
    x = co.to_scipy()
    assert x.indices.dtype == np.int64 and x.indptr.dtype == np.int64
    assert isinstance(x, sp.csr_matrix)


def test_big_vocabulary_stays_sparse():
    from newsgraph import _core

    corpus = make_corpus([[[["Alpha", "Beta"]]]])
    out = _core.cooccur_counts(
        corpus._articles,
        *(np.array(v, dtype=np.int64) for v in ([0, 0], [0, 0], [0, 0], [0, 10], [5, 14])),
        np.array([0, 999_999], dtype=np.int64),
        1_000_000,
    )
    assert len(out[0]["data"]) == 2 and len(out[0]["indptr"]) == 1_000_001


def test_graph_exports_round_trip(tmp_path):
    nx = pytest.importorskip("networkx")
    docs = [[[["Alpha", "Beta", "Gamma"], ["Alpha", "Beta"]]]]
    co = make_corpus(docs).cooccurrence(dictionary=SIMPLE, model=False)
    g = co.to_networkx(measure="npmi")
    assert isinstance(g, nx.Graph) and not g.is_directed()
    assert g.number_of_nodes() == 3 and g.number_of_edges() == 3
    a, b = (int(i) for i in co.entity_ids[:2])
    assert g.nodes[a]["label"] == "Alpha" and g.edges[a, b]["count"] == 2
    assert "weight" in g.edges[a, b] and "llr" in g.edges[a, b]
    assert co.to_networkx(min_count=2).number_of_edges() == 1
    directed = make_corpus(docs).cooccurrence(dictionary=SIMPLE, model=False, ordered=True)
    assert directed.to_networkx().is_directed()
    co.write_graphml(tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_edges() == 3
    assert sorted(d["label"] for _, d in back.nodes(data=True)) == ["Alpha", "Beta", "Gamma"]
    # networkx reads only the GEXF draft namespaces (the default 1.2 is Gephi's).
    co.write_gexf(tmp_path / "g.gexf", version="1.2draft")
    back = nx.read_gexf(tmp_path / "g.gexf")
    assert back.number_of_edges() == 3


def test_plots_return_axes():
    import matplotlib.pyplot as plt

    docs = [[[["Alpha", "Beta", "Gamma"], ["Alpha", "Beta"], ["Delta"]]]] * 2
    corpus = make_corpus(docs, date=["2020-01-01", "2020-03-01"])
    co = corpus.cooccurrence(dictionary=SIMPLE, model=False)
    assert isinstance(co.plot_heatmap(), plt.Axes)
    assert isinstance(co.plot_heatmap(measure="npmi", top=2), plt.Axes)
    assert isinstance(co.plot_network(measure="npmi"), plt.Axes)
    assert isinstance(co.plot_network(measure="count", top=2), plt.Axes)
    ax = corpus.plot_timeline(["Alpha", "Beta"], freq="M", dictionary=SIMPLE, model=False)
    assert isinstance(ax, plt.Axes) and len(ax.get_lines()) == 2
    undated = make_corpus(docs)
    with pytest.raises(InputError, match="date"):
        undated.plot_timeline(["Alpha"], dictionary=SIMPLE, model=False)
    plt.close("all")


def test_bad_arguments():
    corpus = make_corpus([[[["Alpha", "Beta"]]]])
    kw = {"dictionary": SIMPLE, "model": False}
    with pytest.raises(InputError, match="sentense.*sentence"):
        corpus.cooccurrence("sentense", **kw)
    with pytest.raises(InputError, match="window"):
        corpus.cooccurrence("window", **kw)
    with pytest.raises(InputError, match="at least 1, got 0"):
        corpus.cooccurrence("window", window=0, **kw)
    with pytest.raises(InputError, match="only used with scope='window'"):
        corpus.cooccurrence("sentence", window=3, **kw)
    with pytest.raises(InputError, match="weighed"):
        corpus.cooccurrence(count="weighed", **kw)
    with pytest.raises(InputError, match="weighted.*window"):
        corpus.cooccurrence(count="weighted", **kw)
    with pytest.raises(InputError, match="weights has 1 values"):
        corpus.cooccurrence("window", window=3, count="weighted", weights=[1.0], **kw)
    with pytest.raises(InputError, match="only used with count='weighted'"):
        corpus.cooccurrence("window", window=1, weights=[1.0], **kw)
    with pytest.raises(InputTypeError, match="colour"):
        corpus.cooccurrence(colour="red", **kw)
    with pytest.raises(InputError, match="top"):
        corpus.cooccurrence(top=0, **kw)
    co = corpus.cooccurrence(**kw)
    with pytest.raises(InputError, match="pmj"):
        co.measure("pmj")
    from newsgraph import _core

    one = np.zeros(1, dtype=np.int64)
    with pytest.raises(InputError, match=r"entity\[0\] is -1"):
        _core.cooccur_counts(corpus._articles, one, one, one, one, one + 1, one - 1, 1)
    with pytest.raises(InputError, match=r"doc\[0\] is 5"):
        _core.cooccur_counts(corpus._articles, one + 5, one, one, one, one + 1, one, 1)
    with pytest.raises(InputError, match="entity 3"):
        _core.cooccur_counts(corpus._articles, one, one, one, one, one + 1, one + 3, 2)


def test_progress_option_is_quiet(capsys):
    corpus = make_corpus([[[["Alpha", "Beta"]]]])
    corpus.cooccurrence(dictionary=SIMPLE, model=False, progress=False)
    corpus.cooccurrence(dictionary=SIMPLE, model=False, progress=True)
    assert capsys.readouterr().out == ""


# -- the seeds (need entity resolution for the short-name mentions) --------------------


def _pair(co, a, b):
    return co.to_scipy()[co.labels.index(a), co.labels.index(b)]


def _seed_pairs(seeds):
    co = seeds.cooccurrence(scope="sentence")
    try:
        return (
            _pair(co, "Sergei Lavrov", "Li Hui"),
            _pair(co, "Sergei Lavrov", "Wang Yi"),
            _pair(co, "Xi Jinping", "Mikhail Mishustin"),
        )
    except ValueError:
        pytest.xfail("needs entity resolution")


def test_seeds_lavrov_li_hui(seeds):
    assert _seed_pairs(seeds)[0] >= 3


def test_seeds_lavrov_wang_yi(seeds):
    assert _seed_pairs(seeds)[1] >= 1


def test_seeds_xi_mishustin(seeds):
    assert _seed_pairs(seeds)[2] >= 1


def test_seeds_document_scope_symmetric(seeds):
    co = seeds.cooccurrence(scope="document", labels=["PER", "ORG"])
    x = co.to_scipy()
    assert (x != x.T).nnz == 0 and x.diagonal().sum() == 0
    assert co.n_contexts == len(seeds)


# -- Reuters: document scope equals X.T @ X ---------------------------------------------


def test_reuters_document_scope_equals_crossprod(reuters):
    co = reuters.cooccurrence(scope="document", self_pairs=True)
    m = _entity_mentions(reuters)
    index = {e: i for i, e in enumerate(co.entity_ids.tolist())}
    rows = reuters.doc_ids.get_indexer(m["doc_id"])
    cols = m["entity_id"].map(index).to_numpy()
    x = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(reuters), len(index)))
    x.data[:] = 1  # binary after summing duplicates
    x.sum_duplicates()
    x.data[:] = 1
    want = (x.T @ x).tocsr()
    got = co.to_scipy()
    assert (got != want).nnz == 0
    np.testing.assert_array_equal(got.diagonal(), np.asarray(x.sum(axis=0)).ravel())
    off = co.to_scipy() - sp.diags(got.diagonal(), dtype=np.int64)
    plain = reuters.cooccurrence(scope="document")
    assert (plain.to_scipy() != off).nnz == 0
    assert co.n_contexts == len(reuters)


# -- token spans from the tagger vs character offsets from other tools -------------------


@pytest.mark.parametrize(
    "scope,window,ordered",
    [
        ("sentence", None, True),
        ("paragraph", None, False),
        ("window", 3, False),
        ("window", 6, True),
    ],
)
def test_token_spans_agree_with_character_offsets(seeds, scope, window, ordered):
    # The tagger hands its token spans to the counter; spans from another tool arrive
    # as character offsets and are mapped to tokens. Non-ASCII text is where the two
    # could part (characters are not bytes there). Spans from other tools refer to the
    # body, so the seeds are read here with blank headlines.
    raw = pd.DataFrame([(d.doc_id, d.text) for d in seeds], columns=["id", "text"]).assign(title="")
    seeds = newsgraph.Corpus.from_pandas(raw, id="id")
    assert any(not seeds.text(d).isascii() for d in seeds.doc_ids)
    assert not seeds.mentions()["in_title"].any()
    assert "_ts" in seeds._mention_table().columns
    spans = seeds.mentions()[["doc_id", "start", "end", "label"]].astype({"label": str})
    external = seeds.with_mentions(spans)
    assert "_ts" not in external._mention_table().columns
    got = as_dict(seeds.cooccurrence(scope=scope, window=window, ordered=ordered))
    want = as_dict(external.cooccurrence(scope=scope, window=window, ordered=ordered))
    assert got == want and len(got) > 10


def test_headline_rows_in_token_counting_are_checked():
    from newsgraph import _core

    one = np.array([0, 0], dtype=np.int64)
    args = dict(
        doc=one,
        sentence=np.array([0, -1], dtype=np.int64),
        token_start=np.array([0, 0], dtype=np.int64),
        token_end=np.array([1, 1], dtype=np.int64),
        entity=np.array([0, 1], dtype=np.int64),
        n_entities=2,
        n_paragraphs=np.array([1], dtype=np.int64),
        n_sentences=np.array([1], dtype=np.int64),
    )
    negative = r"paragraph\[1\] is -1: paragraph values must not be negative"
    with pytest.raises(newsgraph.NewsgraphError, match=negative):
        _core.cooccur_counts_tokens(paragraph=np.array([0, -1], dtype=np.int64), **args)
    with pytest.raises(newsgraph.NewsgraphError, match="a headline mention has -1 in both"):
        _core.cooccur_counts_tokens(
            paragraph=np.array([0, 0], dtype=np.int64),
            n_tokens=np.array([5], dtype=np.int64),
            **args,
        )
    # A headline is a sentence of its own: no pair with the body's sentence.
    out = _core.cooccur_counts_tokens(
        paragraph=np.array([0, -1], dtype=np.int64), n_tokens=np.array([5], dtype=np.int64), **args
    )
    assert out[0]["n"] == 2 and len(out[0]["data"]) == 0


def test_a_document_too_big_to_count_is_an_error_not_an_abort():
    """70,000 distinct entities in one document context would need 39 GB of pair keys:
    an InputError with advice, in a subprocess so that an abort would show as one."""
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import numpy as np, newsgraph
        from newsgraph import _core
        n = 70_000
        zeros = np.zeros(n, dtype=np.int64)
        tok = np.arange(n, dtype=np.int64)
        try:
            _core.cooccur_counts_tokens(
                zeros, zeros, zeros, tok, tok + 1, np.arange(n, dtype=np.int64), n,
                np.array([1]), np.array([1]), scope="document",
            )
            print("counted")
        except newsgraph.InputError as e:
            print("refused:", e)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "refused:" in proc.stdout and "70000 distinct entities" in proc.stdout
    assert "smaller scope" in proc.stdout
