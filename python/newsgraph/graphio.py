"""GraphML and GEXF files of a co-occurrence matrix, streamed from its arrays.

:meth:`Cooccurrence.write_graphml` and :meth:`Cooccurrence.write_gexf` call these
writers. They write the XML directly from the sparse matrix (no networkx graph in
between, which took a minute and gigabytes for a hundred thousand entities) and
give what ``to_networkx`` gives, plus node and edge attributes for Gephi:

- nodes: id the entity id; ``label`` (name), ``type`` (PER, ORG, ...), ``count``
  (the marginal: contexts mentioning the entity, mentions at window scope),
  ``mentions`` (mentions of the entity) and ``documents`` (documents mentioning it;
  absent for a matrix made without them, such as one pickled by an older version);
- edges: ``weight`` (the ``measure=`` chosen, else the count), ``count`` and every
  association measure. Unordered matrices give each pair once; self pairs are self
  loops.

Types: counts are GraphML ``long`` / GEXF ``long`` (``double`` for
``count="weighted"``), measures ``double``, names ``string``; the weight is a
``double`` with a measure, else of the count's type. A measure
that is not finite (``inf``, ``nan``: e.g. ``pmi`` of a pair no context holds) is left
out of that edge: graph tools read neither, and an absent ``weight`` is Gephi's 1.
Text is escaped, and characters XML 1.0 cannot hold (control characters, lone
surrogates) become U+FFFD, so a hostile name still gives a well-formed file.

>>> import newsgraph, networkx, tempfile, os
>>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
>>> path = os.path.join(tempfile.mkdtemp(), "people.graphml")
>>> co.write_graphml(path, measure="npmi")
>>> g = networkx.read_graphml(path)
>>> sorted(g.nodes[str(co.entity_ids[0])])
['count', 'documents', 'label', 'mentions', 'type']
>>> _, _, d = next(iter(g.edges(data=True)))
>>> d["weight"] == d["npmi"], type(d["count"]).__name__
(True, 'int')
"""

from __future__ import annotations

import datetime
import math
import os
import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from . import _checks, _core
from .exceptions import InputTypeError, WriteError

__all__ = ["GEXF_NAMESPACES", "GEXF_GRAPH_ATTRIBUTES", "write_gexf", "write_graphml"]

#: GEXF versions :func:`write_gexf` writes: the namespace each schema declares, and
#: where the schema is.
GEXF_NAMESPACES = {
    "1.2": ("http://www.gexf.net/1.2", "http://gexf.net/1.2/gexf.xsd"),
    "1.2draft": ("http://www.gexf.net/1.2draft", "http://www.gexf.net/1.2draft/gexf.xsd"),
}
#: Attributes the GEXF 1.2 schema allows on ``<graph>`` (``graph-content``).
GEXF_GRAPH_ATTRIBUTES = frozenset(
    ("timeformat", "start", "startopen", "end", "endopen", "defaultedgetype", "idtype", "mode")
)
#: The association measures every edge carries, in the core's order.
_MEASURES: tuple[str, ...] = tuple(_core.cooccur_measures())
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Rows formatted per write: bounds the memory of the text being written.
_CHUNK = 65_536

# XML 1.0's Char production, negated: what no XML 1.0 document may contain, even
# escaped as a character reference.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: Any) -> str:
    """``text`` as a string XML 1.0 can hold: forbidden characters become U+FFFD, so
    the name keeps its length and shows where something was replaced."""
    return _NOT_XML.sub("\ufffd", str(text))


def _text(value: Any) -> str:
    """Element content: escaped, with ``\\r`` as a reference (parsers turn a raw one
    into ``\\n``)."""
    return escape(_clean(value), {"\r": "&#13;"})


def _attr(value: Any) -> str:
    """An attribute value with its quotes (tabs and newlines as references)."""
    return quoteattr(_clean(value))


# -- what both formats write ------------------------------------------------------------


class _Graph:
    """The arrays a file is written from: nodes, edges, their attributes."""

    def __init__(self, co: Any, measure: str | None, min_count: float | None) -> None:
        x, marg, n = co._parts(None)
        coo = x.tocoo()
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        data = coo.data
        # Unordered matrices hold each pair at both cells: keep one (row <= col), as
        # to_networkx does.
        keep = np.ones(len(rows), dtype=bool) if co.ordered else rows <= cols
        if min_count is None:
            keep &= data > 0
        else:
            keep &= data >= _checks.number("min_count", min_count)
        self.directed = bool(co.ordered)
        self.whole = bool(co._whole)
        self.node_ids = co.entity_ids
        self.names = co.labels
        self.types = co.entity_labels
        self.marginals = marg
        self.mentions = co.mention_counts
        docs = getattr(co, "document_counts", None)
        self.documents = docs if docs is not None and len(docs) == len(marg) else None
        ids = co.entity_ids
        self.source = ids[rows[keep]]
        self.target = ids[cols[keep]]
        self.count = data[keep]
        self.measures = {m: co._measure_values(x, marg, n, m)[keep] for m in _MEASURES}
        # Gephi reads a weight on every edge: the count (of its own type, as
        # to_networkx(measure="count") gives it) unless a measure is chosen.
        count_type = "long" if self.whole else "double"
        if measure is None or measure == "count":
            self.weight, self.weight_type = self.count, count_type
        elif measure in self.measures:
            self.weight, self.weight_type = self.measures[measure], "double"
        else:
            # Raises the matrix's own error for an unknown measure, naming it.
            co._measure_values(x, marg, n, measure)

    def node_columns(self) -> list[tuple[str, str, Any]]:
        """(name, type, values) of the node attributes besides the label."""
        out = [
            ("type", "string", self.types),
            ("count", "long", self.marginals),
            ("mentions", "long", self.mentions),
        ]
        if self.documents is not None:
            out.append(("documents", "long", self.documents))
        return out

    def edge_columns(self) -> list[tuple[str, str, np.ndarray]]:
        """(name, type, values) of the edge attributes besides the weight."""
        return [("count", "long" if self.whole else "double", self.count)] + [
            (m, "double", v) for m, v in self.measures.items()
        ]

    def nodes(self) -> Iterator[tuple[Any, ...]]:
        """Per node: id, label, then the values of :meth:`node_columns` as Python
        objects."""
        cols = [c[2] for c in self.node_columns()]
        lists = [c.tolist() if isinstance(c, np.ndarray) else list(c) for c in cols]
        return zip(self.node_ids.tolist(), self.names, *lists, strict=True)

    def edge_chunks(self) -> Iterator[tuple[int, list[tuple[Any, ...]], np.ndarray]]:
        """Per chunk of edges: the first edge's index, rows (source, target, weight,
        then :meth:`edge_columns`' values) and which rows are all finite."""
        cols = [self.source, self.target, self.weight] + [c[2] for c in self.edge_columns()]
        for lo in range(0, len(self.source), _CHUNK):
            part = [c[lo : lo + _CHUNK] for c in cols]
            finite = np.ones(len(part[0]), dtype=bool)
            for c in part[2:]:
                if c.dtype.kind == "f":
                    finite &= np.isfinite(c)
            yield lo, list(zip(*(c.tolist() for c in part), strict=True)), finite


def _number(value: Any) -> str:
    """A value as XML Schema writes it: ints plainly, floats as Python's shortest
    round-trip repr (valid xs:double), which is what readers parse back exactly."""
    return repr(value) if isinstance(value, float) else str(value)


def _open(path: Any) -> Any:
    """``path`` opened for writing text, or a WriteError naming it."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(
            f"path must be a str or os.PathLike, got {type(path).__name__}: {path!r}"
        )
    try:
        # A large buffer: the file is written in chunks of a few MB anyway.
        return open(path, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
    except OSError as e:
        raise WriteError(f"cannot write {os.fspath(path)!r}: {e.strerror or e}") from e


def _write(path: Any, pieces: Iterator[str]) -> None:
    """Write ``pieces`` to ``path``; OS errors (disk full) become a WriteError naming it."""
    f = _open(path)
    try:
        with f:
            for piece in pieces:
                f.write(piece)
    except OSError as e:
        raise WriteError(f"cannot write {os.fspath(path)!r}: {e.strerror or e}") from e


# -- GraphML ------------------------------------------------------------------------------


def write_graphml(
    co: Any, path: Any, measure: str | None = None, min_count: float | None = None
) -> None:
    """Write ``co`` (a :class:`~newsgraph.Cooccurrence`) as GraphML: keys declared
    with their types before the graph, one ``<data>`` per value.

    >>> import newsgraph, tempfile, os
    >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
    >>> path = os.path.join(tempfile.mkdtemp(), "people.graphml")
    >>> newsgraph.graphio.write_graphml(co, path, measure="npmi")
    >>> '<key id="e0" for="edge" attr.name="weight" attr.type="double"/>' in open(path).read()
    True
    """
    _write(path, _graphml(_Graph(co, measure, min_count)))


def _graphml(g: _Graph) -> Iterator[str]:
    node_cols = [("label", "string", None), *g.node_columns()]
    edge_cols = [("weight", g.weight_type, None), *g.edge_columns()]
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<graphml xmlns="{GRAPHML_NS}" xmlns:xsi="{_XSI}" '
        f'xsi:schemaLocation="{GRAPHML_NS} {GRAPHML_NS}/1.0/graphml.xsd">\n',
    ]
    for prefix, kind, cols in (("n", "node", node_cols), ("e", "edge", edge_cols)):
        for i, (name, typ, _) in enumerate(cols):
            head.append(
                f'  <key id="{prefix}{i}" for="{kind}" attr.name="{name}" attr.type="{typ}"/>\n'
            )
    head.append(f'  <graph edgedefault="{"directed" if g.directed else "undirected"}">\n')
    yield "".join(head)

    out = []
    for node_id, name, *values in g.nodes():
        data = "".join(
            f'<data key="n{i}">{_text(v) if isinstance(v, str) else _number(v)}</data>'
            for i, v in enumerate(values, start=1)
        )
        out.append(f'    <node id="{node_id}"><data key="n0">{_text(name)}</data>{data}</node>\n')
        if len(out) >= _CHUNK:
            yield "".join(out)
            out = []
    yield "".join(out)

    # One template per edge for the common case of all values finite: %r gives the
    # shortest round-trip repr of floats, str of ints.
    n_values = len(edge_cols)
    row = '    <edge source="%d" target="%d">' + "".join(
        f'<data key="e{i}">%r</data>' for i in range(n_values)
    )
    row += "</edge>\n"
    for _, rows, finite in g.edge_chunks():
        if finite.all():
            yield "".join([row % r for r in rows])
            continue
        lines = []
        for r, ok in zip(rows, finite.tolist(), strict=True):
            if ok:
                lines.append(row % r)
            else:
                data = "".join(
                    f'<data key="e{i}">{v!r}</data>'
                    for i, v in enumerate(r[2:])
                    if not isinstance(v, float) or math.isfinite(v)
                )
                lines.append(f'    <edge source="{r[0]}" target="{r[1]}">{data}</edge>\n')
        yield "".join(lines)
    yield "  </graph>\n</graphml>\n"


# -- GEXF ---------------------------------------------------------------------------------


def write_gexf(
    co: Any,
    path: Any,
    measure: str | None = None,
    min_count: float | None = None,
    version: str = "1.2",
) -> None:
    """Write ``co`` (a :class:`~newsgraph.Cooccurrence`) as GEXF ``version`` (a key of
    :data:`GEXF_NAMESPACES`): the node name is its ``label``, the weight the edge's
    ``weight`` (as Gephi reads them), the rest ``<attvalue>`` s of declared
    attributes.

    >>> import newsgraph, tempfile, os
    >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
    >>> path = os.path.join(tempfile.mkdtemp(), "people.gexf")
    >>> newsgraph.graphio.write_gexf(co, path)
    >>> '<attribute id="documents" title="documents" type="long"/>' in open(path).read()
    True
    """
    _checks.one_of("version", version, GEXF_NAMESPACES)
    _write(path, _gexf(_Graph(co, measure, min_count), version))


def _gexf(g: _Graph, version: str) -> Iterator[str]:
    from . import __version__

    ns, schema = GEXF_NAMESPACES[version]
    node_cols = g.node_columns()
    edge_cols = g.edge_columns()
    today = datetime.date.today().isoformat()
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<gexf xmlns="{ns}" xmlns:xsi="{_XSI}" xsi:schemaLocation="{ns} {schema}" '
        'version="1.2">\n',
        f'  <meta lastmodifieddate="{today}">\n'
        f"    <creator>newsgraph {escape(str(__version__))}</creator>\n  </meta>\n",
        f'  <graph defaultedgetype="{"directed" if g.directed else "undirected"}" mode="static">\n',
    ]
    # Attribute ids are their names: GEXF ids are any string, and readers map them
    # to titles.
    for kind, cols in (("node", node_cols), ("edge", edge_cols)):
        head.append(f'    <attributes class="{kind}" mode="static">\n')
        for name, typ, _ in cols:
            head.append(f'      <attribute id="{name}" title="{name}" type="{typ}"/>\n')
        head.append("    </attributes>\n")
    head.append("    <nodes>\n")
    yield "".join(head)

    names = [c[0] for c in node_cols]
    out = []
    for node_id, label, *values in g.nodes():
        att = "".join(
            f'<attvalue for="{a}" value={_attr(v)}/>'
            if isinstance(v, str)
            else f'<attvalue for="{a}" value="{_number(v)}"/>'
            for a, v in zip(names, values, strict=True)
        )
        out.append(
            f'      <node id="{node_id}" label={_attr(label)}><attvalues>{att}</attvalues></node>\n'
        )
        if len(out) >= _CHUNK:
            yield "".join(out)
            out = []
    out.append("    </nodes>\n    <edges>\n")
    yield "".join(out)

    edge_names = [c[0] for c in edge_cols]
    row = '      <edge id="%d" source="%d" target="%d" weight="%r"><attvalues>'
    row += "".join(f'<attvalue for="{a}" value="%r"/>' for a in edge_names)
    row += "</attvalues></edge>\n"
    for lo, rows, finite in g.edge_chunks():
        lines = []
        for k, (r, ok) in enumerate(zip(rows, finite.tolist(), strict=True)):
            if ok:
                lines.append(row % (lo + k, *r))
                continue
            w = r[2]
            weight = f' weight="{w!r}"' if math.isfinite(w) else ""
            att = "".join(
                f'<attvalue for="{a}" value="{v!r}"/>'
                for a, v in zip(edge_names, r[3:], strict=True)
                if not isinstance(v, float) or math.isfinite(v)
            )
            lines.append(
                f'      <edge id="{lo + k}" source="{r[0]}" target="{r[1]}"{weight}>'
                f"<attvalues>{att}</attvalues></edge>\n"
            )
        yield "".join(lines)
    yield "    </edges>\n  </graph>\n</gexf>\n"
