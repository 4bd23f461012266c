"""Co-occurrence conventions: quanteda's own ``fcm`` tests and examples reproduced
(every token an entity), int64 counts in every table and graph, and GEXF files that
keep the GEXF 1.2 schema's rules.

The quanteda matrices are those of quanteda's tests/testthat/test-fcm.R ("not
weighted", "weighted by default", "customized weighting function", "ordered setting:
window", "ordered setting: boolean", "window = 2", "window = 3", "ordered is working
correctly (#1413)") and, for ``context = "document"``, of R/fcm.R's ``fcm.dfm``
(off the diagonal ``crossprod`` of the document-feature matrix; on it
``(diag - colSums) / 2`` for "frequency" and the documents with a feature twice
for "boolean"). Features are sorted as ``fcm_sort`` does; ``tri = TRUE`` results are
upper triangles. With ``self_pairs=True`` the unordered window diagonals are quanteda's
halved; with ``self_pairs="quanteda"`` every matrix is quanteda's as published.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

import newsgraph
from newsgraph.exceptions import InputError
from newsgraph.graphio import GEXF_GRAPH_ATTRIBUTES, GEXF_NAMESPACES

A_TO_F = "A D A C E A D F E B A C E D"  # quanteda's single-text example
THREE = ["b a b c", "a a c b e", "a c e f g"]
THREE_B = ["a a a b b c", "a a c e", "a c e f g"]


def fcm(texts: list[str], self_pairs=True, **options) -> np.ndarray:
    """newsgraph's matrix over texts whose every token is an entity (its own
    dictionary key), rows and columns sorted by name as quanteda's ``fcm_sort``."""
    keys = sorted({w for t in texts for w in t.split()})
    d = newsgraph.Dictionary({k: [k] for k in keys})
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))
    co = corpus.cooccurrence(dictionary=d, model=False, self_pairs=self_pairs, **options)
    assert sorted(co.labels) == keys
    order = [co.labels.index(k) for k in keys]
    return co.to_dense()[np.ix_(order, order)]


def grid(rows: str) -> np.ndarray:
    """A matrix written as rows of numbers separated by '/' (as quanteda's tests
    write them, byrow)."""
    return np.array([[float(x) for x in r.split()] for r in rows.split("/")])


def upper(m) -> np.ndarray:
    return np.triu(np.asarray(m, dtype=float))


def halve_diagonal(m) -> np.ndarray:
    """quanteda's unordered window diagonal counts each same-entity pair twice,
    newsgraph's once (see the module docs of newsgraph.cooccur)."""
    m = np.array(m, dtype=float)
    np.fill_diagonal(m, np.diag(m) / 2)
    return m


# -- quanteda's tests/testthat/test-fcm.R ---------------------------------------------

NOT_WEIGHTED = grid(
    "4 1 4 4 5 2 / 0 0 1 1 2 1 / 0 0 0 3 3 0 / 0 0 0 0 4 1 / 0 0 0 0 0 2 / 0 0 0 0 0 0"
)


def test_quanteda_window_not_weighted():
    got = fcm([A_TO_F], scope="window", window=3, count="frequency")
    assert upper(got).tolist() == halve_diagonal(NOT_WEIGHTED).tolist()
    # The diagonal is quanteda's halved: A at 0, 2, 5, 10 makes two pairs within 3.
    assert got[0, 0] == 2


WEIGHTED_BY_DEFAULT = grid(
    "1.67 1 2.83 3.33 2.83 0.83 / 0 0 0.5 0.33 1.33 0.50 / 0 0 0 1.33 2.33 0 /"
    "0 0 0 0 2.33 1.00 / 0 0 0 0 0 1.33 / 0 0 0 0 0 0"
)


def test_quanteda_window_weighted_by_default():
    got = fcm([A_TO_F], scope="window", window=3, count="weighted")
    # quanteda's expected values are rounded to 2 places (and its diagonal doubled).
    np.testing.assert_allclose(upper(got), halve_diagonal(WEIGHTED_BY_DEFAULT), atol=0.006)


CUSTOM_WEIGHTS = grid(
    "6 3 9 10 10 3 / 0 0 2 1 4 2 / 0 0 0 5 7 0 / 0 0 0 0 8 3 / 0 0 0 0 0 4 / 0 0 0 0 0 0"
)


def test_quanteda_window_custom_weights():
    got = fcm([A_TO_F], scope="window", count="weighted", weights=[3, 2, 1])
    assert upper(got).tolist() == halve_diagonal(CUSTOM_WEIGHTS).tolist()


ORDERED_WINDOW = grid(
    "2 0 3 3 3 1 / 1 0 1 0 1 0 / 1 0 0 2 2 0 / 1 1 1 0 2 1 / 2 1 1 2 0 1 / 1 1 0 0 1 0"
)
UNORDERED_WINDOW = grid(
    "4 1 4 4 5 2 / 1 0 1 1 2 1 / 4 1 0 3 3 0 / 4 1 3 0 4 1 / 5 2 3 4 0 2 / 2 1 0 1 2 0"
)


def test_quanteda_ordered_setting_window():
    # Ordered: row a, column b counts a before b, the diagonal once per pair as in
    # quanteda.
    got = fcm([A_TO_F], scope="window", window=3, count="frequency", ordered=True)
    assert np.array_equal(got, ORDERED_WINDOW)
    got = fcm([A_TO_F], scope="window", window=3, count="frequency")
    assert got.tolist() == halve_diagonal(UNORDERED_WINDOW).tolist()


# Features a b c e f g of THREE.
BOOLEAN_ORDERED = grid(
    "1 2 3 1 0 0 / 1 1 1 1 0 0 / 0 1 0 2 1 0 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
)
BOOLEAN_UNORDERED = grid(
    "2 2 3 1 0 0 / 0 2 2 1 0 0 / 0 0 0 2 1 0 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
)
BOOLEAN_DOCUMENT = grid(  # fcm(dfm(toks), count = "boolean")
    "1 2 3 2 1 1 / 0 1 2 1 0 0 / 0 0 0 2 1 1 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"
)


def test_quanteda_ordered_setting_boolean():
    got = fcm(THREE, scope="window", window=2, count="boolean", ordered=True)
    assert np.array_equal(got, BOOLEAN_ORDERED)
    got = fcm(THREE, scope="window", window=2, count="boolean")
    assert upper(got).tolist() == halve_diagonal(BOOLEAN_UNORDERED).tolist()
    # Document scope: the diagonal counts the documents with two mentions, as
    # quanteda's (not doubled there).
    got = fcm(THREE, scope="document", count="boolean")
    assert np.array_equal(upper(got), BOOLEAN_DOCUMENT)
    # Off the diagonal boolean equals contexts at context scopes; the diagonals differ
    # (documents mentioning a entity vs documents mentioning it twice).
    contexts = fcm(THREE, scope="document", count="contexts")
    off = ~np.eye(6, dtype=bool)
    assert (contexts[off] == got[off]).all()
    assert np.diag(contexts).tolist() == [3, 2, 3, 2, 1, 1]


# Features a b c e f g of THREE_B, count = "boolean", window = 2 and 3.
BOOLEAN_WINDOW = {
    2: grid("4 1 2 2 0 0 / 0 2 1 0 0 0 / 0 0 0 2 1 0 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"),
    3: grid("4 1 3 2 1 0 / 0 2 1 0 0 0 / 0 0 0 2 1 1 / 0 0 0 0 1 1 / 0 0 0 0 0 1 / 0 0 0 0 0 0"),
}


@pytest.mark.parametrize("window,want", BOOLEAN_WINDOW.items())
def test_quanteda_boolean_windows(window, want):
    got = fcm(THREE_B, scope="window", window=window, count="boolean")
    assert upper(got).tolist() == halve_diagonal(want).tolist()


ORDERED_1413 = [
    (["a b c", "a b c"], 1, [[0, 2, 0], [0, 0, 2], [0, 0, 0]]),
    (["a b c", "a b c"], 2, [[0, 2, 2], [0, 0, 2], [0, 0, 0]]),
    (["a b c", "c b a"], 1, [[0, 1, 0], [1, 0, 1], [0, 1, 0]]),
    (["a b c", "c b a"], 2, [[0, 1, 1], [1, 0, 1], [1, 1, 0]]),
]


@pytest.mark.parametrize("texts,window,want", ORDERED_1413)
def test_quanteda_ordered_1413(texts, window, want):
    got = fcm(texts, scope="window", window=window, count="frequency", ordered=True)
    assert got.tolist() == want


def fcm_dfm(texts: list[str], count: str) -> np.ndarray:
    """quanteda's fcm.dfm of R/fcm.R (document context), from the document-feature
    matrix."""
    keys = sorted({w for t in texts for w in t.split()})
    x = np.array([[t.split().count(k) for k in keys] for t in texts])
    if count == "boolean":
        diag = (x > 1).sum(axis=0)
        x = (x > 0).astype(int)
        want = x.T @ x
        np.fill_diagonal(want, diag)
    else:
        want = x.T @ x
        np.fill_diagonal(want, (np.diag(want) - x.sum(axis=0)) // 2)
    return want


@pytest.mark.parametrize("count", ["frequency", "boolean"])
def test_quanteda_document_context_as_fcm_dfm(count):
    """fcm.dfm of R/fcm.R, computed here from the document-feature matrix."""
    got = fcm(THREE_B, scope="document", count=count)
    assert got.tolist() == fcm_dfm(THREE_B, count).tolist()


# self_pairs="quanteda": quanteda's own numbers, diagonal and all, for every matrix of
# its tests above (tri = TRUE ones compared on the upper triangle). Each case: texts,
# options, quanteda's matrix, whether it is an upper triangle, absolute tolerance.
QUANTEDA_FCMS = {
    "window not weighted": ([A_TO_F], {"window": 3, "count": "frequency"}, NOT_WEIGHTED, 1),
    "window weighted by default": (
        [A_TO_F],
        {"window": 3, "count": "weighted"},
        WEIGHTED_BY_DEFAULT,
        1,
        0.006,  # rounded to 2 places in quanteda's test
    ),
    "window custom weights": (
        [A_TO_F],
        {"count": "weighted", "weights": [3, 2, 1]},
        CUSTOM_WEIGHTS,
        1,
    ),
    "ordered window": (
        [A_TO_F],
        {"window": 3, "count": "frequency", "ordered": True},
        ORDERED_WINDOW,
        0,
    ),
    "unordered window": ([A_TO_F], {"window": 3, "count": "frequency"}, UNORDERED_WINDOW, 0),
    "ordered boolean": (
        THREE,
        {"window": 2, "count": "boolean", "ordered": True},
        BOOLEAN_ORDERED,
        0,
    ),
    "unordered boolean": (THREE, {"window": 2, "count": "boolean"}, BOOLEAN_UNORDERED, 1),
    "boolean window 2": (THREE_B, {"window": 2, "count": "boolean"}, BOOLEAN_WINDOW[2], 1),
    "boolean window 3": (THREE_B, {"window": 3, "count": "boolean"}, BOOLEAN_WINDOW[3], 1),
    **{
        f"ordered #1413 {' '.join(texts)} window {window}": (
            texts,
            {"window": window, "count": "frequency", "ordered": True},
            np.array(want, dtype=float),
            0,
        )
        for texts, window, want in ORDERED_1413
    },
}


@pytest.mark.parametrize("case", QUANTEDA_FCMS, ids=str)
def test_self_pairs_quanteda_is_quanteda_window_fcm(case):
    texts, options, want, tri, *tol = QUANTEDA_FCMS[case]
    got = fcm(texts, self_pairs="quanteda", scope="window", **options)
    got = upper(got) if tri else got
    np.testing.assert_allclose(got, want, atol=tol[0] if tol else 0, rtol=0)
    # Off the diagonal, and on it for ordered windows, it is self_pairs=True's matrix.
    once = fcm(texts, scope="window", **options)
    once = upper(once) if tri else once
    off = ~np.eye(len(want), dtype=bool)
    assert (got[off] == once[off]).all()
    twice = 1 if options.get("ordered") else 2
    assert np.diag(got).tolist() == (twice * np.diag(once)).tolist()


@pytest.mark.parametrize("count", ["frequency", "boolean"])
@pytest.mark.parametrize("texts", [THREE, THREE_B, [A_TO_F]], ids=["THREE", "THREE_B", "A_TO_F"])
def test_self_pairs_quanteda_is_quanteda_document_fcm(texts, count):
    """At document scope quanteda's diagonal is newsgraph's already (fcm.dfm), and so it
    is at sentence and paragraph scope, each context a document of its own."""
    want = fcm_dfm(texts, count)
    assert fcm(texts, self_pairs="quanteda", scope="document", count=count).tolist() == (
        want.tolist()
    )
    if count == "boolean" and texts is THREE:  # quanteda's published matrix
        assert np.array_equal(upper(want), BOOLEAN_DOCUMENT)
    for scope in ("sentence", "paragraph"):
        got = fcm(texts, self_pairs="quanteda", scope=scope, count=count)
        assert got.tolist() == fcm(texts, scope=scope, count=count).tolist()


def test_self_pairs_quanteda_before_min_count_and_by_group():
    texts = ["a a b", "a b b", "a x x x a"]
    d = newsgraph.Dictionary({k: [k] for k in "ab"})
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts, "g": ["u", "u", "v"]}))
    opts = {"scope": "window", "window": 1, "count": "frequency", "dictionary": d}
    co = corpus.cooccurrence(self_pairs="quanteda", min_count=2, **opts)
    # a a once within one token (quanteda: 2, kept by min_count=2); b b likewise.
    assert co.self_pairs == "quanteda"
    assert co.to_dense().tolist() == [[2, 2], [2, 2]]
    assert corpus.cooccurrence(self_pairs=True, min_count=2, **opts).to_dense().tolist() == [
        [0, 2],
        [2, 0],
    ]
    grouped = corpus.cooccurrence(self_pairs="quanteda", by="g", **opts)
    assert grouped.to_dense("u").tolist() == [[2, 2], [2, 2]]
    assert grouped.to_dense("v").sum() == 0  # "a x x x a": 4 tokens apart


def test_self_pairs_is_checked():
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": ["a a b"]}))
    d = newsgraph.Dictionary({"a": ["a"], "b": ["b"]})
    with pytest.raises(InputError, match="unknown self_pairs 'quanteta' .*did you mean 'quanteda'"):
        corpus.cooccurrence(dictionary=d, count="frequency", self_pairs="quanteta")
    with pytest.raises(InputError, match="did you mean True"):
        corpus.cooccurrence(dictionary=d, self_pairs="true")
    with pytest.raises(
        newsgraph.InputTypeError, match="self_pairs must be True, False or 'quanteda', got 1"
    ):
        corpus.cooccurrence(dictionary=d, self_pairs=1)
    with pytest.raises(InputError, match="count='contexts' does not have"):
        corpus.cooccurrence(dictionary=d, self_pairs="quanteda")


def test_boolean_windows_count_documents():
    # a and b adjacent twice in one document, once in another: 2 documents, 3 pairs.
    texts = ["a b x a b", "a b"]
    assert fcm(texts, scope="window", window=1, count="boolean")[0, 1] == 2
    assert fcm(texts, scope="window", window=1, count="frequency")[0, 1] == 3
    keys = newsgraph.Dictionary({"a": ["a"], "b": ["b"]})
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": [*texts, "nothing here"]}))
    co = corpus.cooccurrence(scope="window", window=1, count="boolean", dictionary=keys)
    # Marginals and N count documents, so the measures' 2x2 table is one of counts.
    assert co.n_contexts == 3
    assert co.marginals.tolist() == [2, 2]
    assert co.to_pandas()["npmi"].between(-1, 1).all()


def test_unknown_count_names_the_value():
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": ["a b"]}))
    with pytest.raises(InputError, match="'bolean'.*'boolean'"):
        corpus.cooccurrence(count="bolean", dictionary=newsgraph.Dictionary({"a": ["a"]}))


# -- int64 counts ---------------------------------------------------------------------


def _corpus():
    texts = ["Alpha met Beta. Alpha and Gamma.", "Beta and Gamma met Alpha.", "Delta."]
    return newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))


NAMES = newsgraph.Dictionary({n: [n] for n in ("Alpha", "Beta", "Gamma", "Delta")})


@pytest.mark.parametrize(
    "scope,count,kind",
    [
        ("sentence", "contexts", "int64"),
        ("document", "frequency", "int64"),
        ("document", "boolean", "int64"),
        ("window", "boolean", "int64"),
        ("window", "weighted", "float64"),
    ],
)
def test_counts_are_int64_unless_weighted(scope, count, kind):
    co = _corpus().cooccurrence(
        scope=scope,
        window=3 if scope == "window" else None,
        count=count,
        dictionary=NAMES,
        model=False,
        by="doc_id",
    )
    t = co.to_pandas()
    assert str(t["count"].dtype) == kind
    for col in ("source_count", "target_count", "n", "source_id", "target_id"):
        assert str(t[col].dtype) == "int64", col
    assert all(str(t[m].dtype) == "float64" for m in newsgraph.cooccur.MEASURES)
    assert str(co.top_pairs(5)["count"].dtype) == kind
    assert str(co.neighbors("Alpha")["count"].dtype) == kind
    assert str(co.to_scipy().dtype) == kind and str(co.to_dense().dtype) == kind
    assert str(co.marginals.dtype) == "int64" and isinstance(co.n_contexts, int)
    assert co.measure("npmi").dtype == np.float64
    g = co.to_networkx(measure="npmi")
    edge_count = float if kind == "float64" else int
    assert {type(d["count"]) for _, _, d in g.edges(data=True)} == {edge_count}
    assert {type(d["npmi"]) for _, _, d in g.edges(data=True)} == {float}
    assert {type(d["count"]) for _, d in g.nodes(data=True)} == {int}


def test_cli_cooccurrence_csv_has_integer_counts(tmp_path, capsys):
    from newsgraph.__main__ import main

    assert main(["--out", str(tmp_path), "--limit", "1"]) == 0
    capsys.readouterr()
    t = pd.read_csv(tmp_path / "cooccurrence.csv")
    for col in ("count", "source_count", "target_count", "n"):
        assert str(t[col].dtype) == "int64", col
    text = (tmp_path / "cooccurrence.csv").read_text().splitlines()
    assert not re.search(r",\d+\.0,", text[1].split(",source_id")[0])


# -- GEXF 1.2 -------------------------------------------------------------------------

XSI = "{http://www.w3.org/2001/XMLSchema-instance}"
# Per element of the GEXF 1.2 schema this writer can produce: the attributes it
# allows (data.xsd, gexf.xsd) and those it requires.
ALLOWED = {
    "gexf": ({"version", "variant", f"{XSI}schemaLocation"}, {"version"}),
    "meta": ({"lastmodifieddate"}, set()),
    "creator": (set(), set()),
    "description": (set(), set()),
    "keywords": (set(), set()),
    "graph": (set(GEXF_GRAPH_ATTRIBUTES), set()),
    "attributes": ({"class", "mode", "start", "startopen", "end", "endopen"}, {"class"}),
    "attribute": ({"id", "title", "type"}, {"id", "title", "type"}),
    "default": (set(), set()),
    "nodes": ({"count"}, set()),
    "node": ({"id", "label", "pid", "start", "startopen", "end", "endopen"}, {"id"}),
    "edges": ({"count"}, set()),
    "edge": (
        {"id", "type", "label", "source", "target", "weight", "start", "startopen", "end"},
        {"id", "source", "target"},
    ),
    "attvalues": (set(), set()),
    "attvalue": ({"for", "value", "start", "startopen", "end", "endopen"}, {"for", "value"}),
}
CHILDREN = {
    "gexf": {"meta", "graph"},
    "meta": {"creator", "description", "keywords"},
    "graph": {"attributes", "nodes", "edges"},
    "attributes": {"attribute"},
    "attribute": {"default", "options"},
    "nodes": {"node"},
    "node": {"attvalues"},
    "edges": {"edge"},
    "edge": {"attvalues"},
    "attvalues": {"attvalue"},
}
ENUMS = {
    ("graph", "defaultedgetype"): {"directed", "undirected", "mutual"},
    ("graph", "mode"): {"static", "dynamic"},
    ("graph", "idtype"): {"integer", "string"},
    ("attributes", "class"): {"node", "edge"},
    ("attributes", "mode"): {"static", "dynamic"},
    ("edge", "type"): {"directed", "undirected", "mutual"},
    ("attribute", "type"): {
        "integer",
        "long",
        "double",
        "float",
        "boolean",
        "liststring",
        "string",
        "anyURI",
    },
    ("gexf", "version"): {"1.2"},
}
# xs:float / xs:double lexical space (INF, -INF and NaN spelled so), xs:integer's.
XS_FLOAT = re.compile(r"^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$")
XS_INTEGER = re.compile(r"^[+-]?\d+$")
TYPE_PATTERNS = {
    "integer": XS_INTEGER,
    "long": XS_INTEGER,
    "double": XS_FLOAT,
    "float": XS_FLOAT,
    "boolean": re.compile(r"^(?:true|false|0|1)$"),
}


def schema_errors(path, version: str = "1.2") -> list[str]:
    """The rules of the GEXF schema that ``path`` breaks (empty: none)."""
    ns = GEXF_NAMESPACES[version][0]
    root = ET.parse(path).getroot()
    errors = []
    if root.tag != f"{{{ns}}}gexf":
        errors.append(f"root {root.tag} is not gexf in {ns}")
    loc = root.get(f"{XSI}schemaLocation", "").split()
    if loc[:1] != [ns]:
        errors.append(f"schemaLocation {loc} does not name {ns}")
    declared: dict[tuple[str, str], str] = {}
    for el in root.iter():
        if not el.tag.startswith(f"{{{ns}}}"):
            errors.append(f"element {el.tag} is not in {ns}")
            continue
        tag = el.tag[len(ns) + 2 :]
        if tag not in ALLOWED:
            errors.append(f"unknown element <{tag}>")
            continue
        allowed, required = ALLOWED[tag]
        for a, v in el.attrib.items():
            if a not in allowed:
                errors.append(f"<{tag}> has attribute {a}={v!r}, not in the schema")
            if (tag, a) in ENUMS and v not in ENUMS[tag, a]:
                errors.append(f"<{tag} {a}={v!r}> is not one of {sorted(ENUMS[tag, a])}")
        errors += [f"<{tag}> lacks {a}" for a in required - set(el.attrib)]
        for child in el:
            name = child.tag.rsplit("}", 1)[-1]
            if name not in CHILDREN.get(tag, set()):
                errors.append(f"<{name}> may not be in <{tag}>")
    date = root.find(f"{{{ns}}}meta")
    if date is not None and not re.match(r"^\d{4}-\d\d-\d\d$", date.get("lastmodifieddate", "")):
        errors.append("lastmodifieddate is not an xs:date")
    graph = root.find(f"{{{ns}}}graph")
    for attrs in graph.iter(f"{{{ns}}}attributes"):
        for a in attrs.iter(f"{{{ns}}}attribute"):
            key = (attrs.get("class"), a.get("id"))
            if key in declared:
                errors.append(f"attribute id {key} declared twice")
            declared[key] = a.get("type")
    node_ids = [n.get("id") for n in graph.iter(f"{{{ns}}}node")]
    edge_ids = [e.get("id") for e in graph.iter(f"{{{ns}}}edge")]
    if len(set(node_ids)) != len(node_ids) or len(set(edge_ids)) != len(edge_ids):
        errors.append("node or edge ids repeat")
    for kind in ("node", "edge"):
        for el in graph.iter(f"{{{ns}}}{kind}"):
            if kind == "edge":
                if {el.get("source"), el.get("target")} - set(node_ids):
                    errors.append(f"edge {el.get('id')} joins an unknown node")
                w = el.get("weight")
                if w is not None and not XS_FLOAT.match(w):
                    errors.append(f"edge weight {w!r} is not an xs:float")
            for av in el.iter(f"{{{ns}}}attvalue"):
                t = declared.get((kind, av.get("for")))
                if t is None:
                    errors.append(f"{kind} attvalue for undeclared attribute {av.get('for')}")
                elif t in TYPE_PATTERNS and not TYPE_PATTERNS[t].match(av.get("value", "")):
                    errors.append(f"{kind} value {av.get('value')!r} is not of type {t}")
    return errors


@pytest.mark.parametrize("ordered", [False, True])
@pytest.mark.parametrize("count", ["contexts", "weighted"])
def test_gexf_keeps_the_schema(tmp_path, ordered, count):
    co = _corpus().cooccurrence(
        scope="window",
        window=4,
        count=count,
        ordered=ordered,
        dictionary=NAMES,
        model=False,
        self_pairs=True,
    )
    path = tmp_path / "g.gexf"
    # min_count=0: weighted counts here are below the default minimum of 1.
    co.write_gexf(path, measure="npmi", min_count=0)
    assert schema_errors(path) == []
    text = path.read_text()
    assert 'name=""' not in text and "1.2draft" not in text
    root = ET.parse(path).getroot()
    ns = "{http://www.gexf.net/1.2}"
    types = {
        (attrs.get("class"), a.get("title")): a.get("type")
        for attrs in root.iter(f"{ns}attributes")
        for a in attrs
    }
    assert types["edge", "count"] == ("double" if count == "weighted" else "long")
    assert types["node", "count"] == "long" and types["node", "type"] == "string"
    assert types["edge", "npmi"] == "double"
    graph = root.find(f"{ns}graph")
    assert graph.get("defaultedgetype") == ("directed" if ordered else "undirected")
    # The draft for networkx's reader: the same rules, in the draft namespace.
    co.write_gexf(path, measure="npmi", min_count=0, version="1.2draft")
    assert schema_errors(path, "1.2draft") == []
    nx = pytest.importorskip("networkx")
    back = nx.read_gexf(path)
    assert back.number_of_nodes() == len(co.labels)
    assert back.number_of_edges() == co.to_networkx(min_count=0).number_of_edges() > 0


def test_networkx_gexf_breaks_the_rules_this_checker_knows(tmp_path):
    """The checker catches what networkx writes: the empty ``name`` on ``<graph>``
    and numpy integers declared as ``int``; newsgraph's own writer breaks neither."""
    nx = pytest.importorskip("networkx")
    g = nx.Graph()
    g.add_node(1, count=np.int64(3))
    g.add_edge(1, 2, count=np.int64(2))
    nx.write_gexf(g, tmp_path / "nx.gexf")
    errors = schema_errors(tmp_path / "nx.gexf", "1.2draft")
    assert any("name=''" in e for e in errors), errors
    assert any("'int'" in e for e in errors), errors
    co = _corpus().cooccurrence(dictionary=NAMES, model=False)
    co.write_gexf(tmp_path / "ours.gexf")
    assert schema_errors(tmp_path / "ours.gexf") == []


def test_gexf_version_is_checked(tmp_path):
    co = _corpus().cooccurrence(dictionary=NAMES, model=False)
    with pytest.raises(InputError, match="'1.3'"):
        co.write_gexf(tmp_path / "g.gexf", version="1.3")
