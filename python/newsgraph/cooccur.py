"""Who appears with whom: entity co-occurrence matrices and association measures.

Counting runs in the Rust core over the parsed articles, sparse throughout (memory
grows with the number of non-zero cells, so vocabularies of a million entities work);
matrices come out as ``scipy.sparse`` CSR with int64 indices, long pandas tables,
networkx graphs and matplotlib plots.

>>> import newsgraph
>>> corpus = newsgraph.load_seeds()
>>> co = corpus.cooccurrence(scope="sentence", labels=["PER"])
>>> co.to_scipy().shape == (len(co.labels), len(co.labels))
True
>>> pairs = co.to_pandas()
>>> list(pairs.columns[:6])
['source', 'target', 'count', 'source_count', 'target_count', 'n']

Entities
--------
Entities come from :meth:`Corpus.mentions`: its ``entity`` (canonical name) and
``entity_id`` columns when present, otherwise the mention ``text``, with one id per
distinct (text, label) in order of first appearance. With a dictionary
(``dictionary=d``, passed through to :meth:`Corpus.mentions`) the dictionary *key* is
the entity: every match of any of a key's patterns counts as that key.

Scopes
------
``"document"``, ``"paragraph"``, ``"sentence"``: two entities co-occur in a context
(a document, paragraph or sentence) when both are mentioned in it. ``"window"`` (with
``window=w`` tokens): two mentions co-occur when their *distance* is at most ``w``; the
distance is the number of tokens strictly between them plus one, so adjacent mentions
("Biden Putin") are at distance 1 and overlapping mentions at distance 0. Windows stay
within a document and cross sentence and paragraph boundaries.

Counts
------
``count="contexts"`` (default): the number of contexts in which both occur.
``"frequency"``: the number of pairs of mentions (one of each) within a context, i.e.
the sum over contexts of the product of their mention counts. At window scope both
are the number of pairs of mentions within the window (as quanteda's
``fcm(context="window")``). ``"boolean"`` (as quanteda's ``fcm(count="boolean")``):
each pair at most once per context; the context of the window scope is the
*document*, so it counts the documents in which the two are mentioned within
``window`` tokens of each other (off the diagonal it equals ``"contexts"`` at the
other scopes). ``"weighted"`` (window scope only): the sum over the pairs within the
window of ``1/d`` for distance ``d``, or ``weights[d-1]`` with ``weights=[...]`` (as
quanteda's ``fcm(weights=)``); overlapping mentions are weighted as distance 1.

Counts of ``"contexts"``, ``"frequency"`` and ``"boolean"`` are whole numbers: tables
(:meth:`Cooccurrence.to_pandas`, ``top_pairs``, ``neighbors``, the CLI's
``cooccurrence.csv``), matrices and graph attributes hold them as int64 (Python
``int`` in graphs). ``"weighted"`` counts are real numbers and stay float64.
Marginals and ``N`` are always int64; the measures float64.

``ordered=False`` gives a symmetric matrix (each unordered pair counted once, stored
at both cells). ``ordered=True`` counts ``a -> b`` when a mention of ``a`` starts at an
earlier token than one of ``b`` (row ``a``, column ``b``, as quanteda's ordered
``fcm``); mentions starting at the same token count in both directions.

Self pairs ``(a, a)`` are left out unless ``self_pairs=True``. The diagonal then
holds, whatever the ordering:

- ``"contexts"``: the number of contexts mentioning ``a`` (at document scope its
  document frequency), so that the diagonal is the marginal;
- ``"frequency"`` (and ``"weighted"``): the number (summed weights) of pairs of two
  distinct mentions of ``a``: ``c (c - 1) / 2`` for ``c`` mentions in a context, or
  the pairs within the window;
- ``"boolean"``: the number of contexts (documents at window scope) with such a pair,
  i.e. with two mentions of ``a`` (within the window).

**Next to quanteda.** With every token an entity (e.g. one dictionary key per word),
quanteda's ``fcm(tokens, context="document")`` is ``scope="document"`` and
``fcm(tokens, context="window", window=w)`` is ``scope="window", window=w``, with
``count="frequency"``, ``"boolean"`` or ``"weighted"`` alike, and ``tri=FALSE`` is the
full symmetric matrix. Off the diagonal, and on it at document scope and for ordered
windows, the counts are equal. One deliberate difference: quanteda's *unordered
window* diagonal counts each pair of two mentions of ``a`` twice (the tokens "a a"
give 2, and ``count="boolean"`` gives 2 per document with such a pair), where
newsgraph counts it once (1), as quanteda itself does at document scope
(``c (c - 1) / 2``) and in ordered windows: so the diagonal means the same at every
scope and ordering. Halve quanteda's unordered window diagonal to compare, or ask for
quanteda's numbers with ``self_pairs="quanteda"``: the unordered window diagonal is
then doubled (``"frequency"``, ``"boolean"`` and ``"weighted"``), and everything else,
which already equals quanteda's, is as with ``self_pairs=True``; ``min_count`` applies
to the doubled counts. ``"contexts"`` is refused there, having no quanteda diagonal.
``"contexts"`` has no quanteda counterpart on the diagonal (quanteda's ``"boolean"``
diagonal needs two mentions).

Measures
--------
For a cell with count ``n_ab``, marginals ``n_a``, ``n_b`` and ``N`` contexts:

- ``N``: the number of *all* contexts of the scope in the documents counted (every
  document, paragraph or sentence, with or without entities); ``n_a``: the number of
  contexts mentioning ``a``. At window scope ``N`` is the number of mentions and
  ``n_a`` the number of mentions of ``a``, except for ``count="boolean"``, whose
  context is the document: ``N`` documents, ``n_a`` documents mentioning ``a``.
- ``pmi = log(n_ab N / (n_a n_b))`` (natural log); ``lift = n_ab N / (n_a n_b)``
  (``exp(pmi)``); ``ppmi = max(pmi, 0)``;
- ``npmi = pmi / -log(n_ab / N)``, in [-1, 1]; 1 when ``n_ab == N``;
- ``dice = 2 n_ab / (n_a + n_b)``; ``jaccard = n_ab / (n_a + n_b - n_ab)``;
- ``llr``: Dunning's log-likelihood ratio G² = 2 Σ O log(O / E) over the 2x2 table
  ``[[n_ab, n_a - n_ab], [n_b - n_ab, N - n_a - n_b + n_ab]]`` (0 log 0 = 0);
- ``chi2``: Pearson's chi-squared of the same table, ``N (ad - bc)² / (row and column
  sums multiplied)``; 0 when a margin is 0.

They are exact for ``count="contexts"`` at context scopes and for ``"boolean"`` at
every scope (off the diagonal): the 2x2 table is then one of real counts. For other
counts (and ``"contexts"`` at window scope) the same formulas are applied to the
counts and are heuristics: a count can exceed a marginal; negative table cells are
then taken as 0.
"""

from __future__ import annotations

import difflib
import functools
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, graphio, plots
from .exceptions import InputError, InputTypeError

#: Association measures, in the order :meth:`Cooccurrence.to_pandas` shows them.
MEASURES: tuple[str, ...] = tuple(_core.cooccur_measures())
SCOPES = ("document", "paragraph", "sentence", "window")
COUNTS = ("contexts", "frequency", "boolean", "weighted")
#: Options of :func:`cooccurrence` that go to the counting core; the others go to
#: :meth:`Corpus.mentions`.
COUNT_OPTIONS = ("self_pairs", "weights", "threads", "progress")
#: Largest matrix side :meth:`Cooccurrence.to_dense` builds without being asked.
DENSE_LIMIT = 20_000

__all__ = ["Cooccurrence", "MEASURES", "cooccurrence", "plot_timeline"]


# -- entity mentions -------------------------------------------------------------------


def _entity_mentions(corpus: Any, **mention_kwargs: Any) -> pd.DataFrame:
    """Mentions with ``entity`` (name), ``entity_id`` (int) and ``_doc`` (document
    position) columns.

    Uses the columns of :meth:`Corpus.mentions` when it has them; otherwise the entity
    is the mention text and the id a factorisation of (text, label) in order of first
    appearance. Mentions found by a dictionary (label = one of its keys) have the key
    as their entity. The result may be the corpus's cached table: do not modify it.
    """
    m = corpus._mention_table(**mention_kwargs)
    dictionary = mention_kwargs.get("dictionary")
    keys = set(dictionary.keys) if dictionary is not None else set()
    from_dict = m["label"].isin(keys).to_numpy() if keys else np.zeros(len(m), dtype=bool)
    if "entity" in m.columns and "entity_id" in m.columns:
        # Only the dictionary's rows can need a new entity: compare those alone, as
        # this runs on every pass over a million mentions.
        rows = np.flatnonzero(from_dict)
        relabel = (
            m["entity"].iloc[rows].astype(object).to_numpy()
            != m["label"].iloc[rows].astype(object).to_numpy()
        )
        if not relabel.any():
            return m
        entity = m["entity"].astype(object).to_numpy().copy()
        ids = m["entity_id"].to_numpy(dtype=np.int64).copy()
        # Dictionary keys the resolver renamed get their own ids, after its ids.
        keys_col = m["label"].astype(object).to_numpy()[from_dict]
        entity[from_dict] = keys_col
        codes, _ = pd.factorize(keys_col)
        base = int(ids[~from_dict].max()) + 1 if (~from_dict).any() else 0
        ids[from_dict] = base + codes
    else:
        entity = m["text"].astype(object).to_numpy().copy()
        if from_dict.any():
            entity[from_dict] = m["label"].astype(object).to_numpy()[from_dict]
        pairs = pd.MultiIndex.from_arrays([entity, m["label"].astype(object).to_numpy()])
        codes, _ = pd.factorize(pairs)
        ids = codes.astype(np.int64)
    out = m.copy()
    out["entity"] = entity
    out["entity_id"] = ids
    return out


def _as_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, (str, int, np.integer)):
        return [value]
    if isinstance(value, Iterable):
        return list(value)
    raise InputTypeError(f"{what} must be a list, got {type(value).__name__}")


# -- the result --------------------------------------------------------------------------


class Cooccurrence:
    """Co-occurrence counts of entities, one sparse matrix per group.

    Made by :func:`cooccurrence` (or :meth:`Corpus.cooccurrence`). Rows and columns
    follow :attr:`labels` / :attr:`entity_ids`. With ``by=`` there is one matrix per
    group in :attr:`groups`; methods take ``group=`` and default to the sum over
    groups.

    >>> import newsgraph
    >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"], scope="document")
    >>> co.scope, co.count
    ('document', 'contexts')
    >>> co.neighbors("Sergei Lavrov", n=2)["count"].ge(1).all()
    np.True_
    """

    def __init__(
        self,
        *,
        labels: list[str],
        entity_ids: np.ndarray,
        entity_labels: list[str],
        mention_counts: np.ndarray,
        matrices: list[dict[str, Any]],
        groups: list[Any] | None,
        scope: str,
        window: int | None,
        count: str,
        ordered: bool,
        self_pairs: bool,
        threads: int | None = None,
        document_counts: np.ndarray | Callable[[], np.ndarray] | None = None,
    ) -> None:
        self.labels = list(labels)
        self.entity_ids = np.asarray(entity_ids, dtype=np.int64)
        self.entity_labels = list(entity_labels)
        #: Mentions per entity (after filters), aligned with :attr:`labels`.
        self.mention_counts = np.asarray(mention_counts, dtype=np.int64)
        # An array, or how to count it: only graph files need it, and counting it
        # with every matrix cost AllSides' sentence co-occurrence 40% more time.
        self._document_counts = document_counts
        self.groups = groups
        self.scope = scope
        self.window = window
        self.count = count
        self.ordered = ordered
        self.self_pairs = self_pairs
        self._threads = threads
        self._matrices = matrices

    @property
    def document_counts(self) -> np.ndarray | None:
        """Documents mentioning each entity (after filters), aligned with :attr:`labels`;
        None when the maker did not count them. Counted on first use."""
        if callable(self._document_counts):
            self._document_counts = self._document_counts()
        if self._document_counts is None:
            return None
        return np.asarray(self._document_counts, dtype=np.int64)

    def __getstate__(self) -> dict[str, Any]:
        # A pickled matrix carries the counts, not the way to count them (a closure
        # over the corpus, which does not pickle).
        state = self.__dict__.copy()
        state["_document_counts"] = self.document_counts
        return state

    # -- shape and marginals -------------------------------------------------------

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.labels), len(self.labels))

    def _group_index(self, group: Any) -> int | None:
        if group is None:
            return None if len(self._matrices) > 1 else 0
        if self.groups is None:
            raise InputError("this matrix has no groups: it was made without by=")
        for i, g in enumerate(self.groups):
            if g == group or str(g) == str(group):
                return i
        raise InputError(
            f"no group {group!r}; groups are {', '.join(map(str, self.groups[:10]))}"
            f"{', ...' if len(self.groups) > 10 else ''}"
        )

    @property
    def _whole(self) -> bool:
        """Whether the counts are whole numbers (every count but ``"weighted"``)."""
        return self.count != "weighted"

    def _parts(self, group: Any) -> tuple[Any, np.ndarray, int]:
        """(CSR counts, marginals, N) for one group, or summed over groups.

        Counts are int64 unless weighted (float64); marginals and N are int64. The
        core hands every count over as float64, exact for integers below 2^53.
        """
        import scipy.sparse as sp

        i = self._group_index(group)
        mats = self._matrices if i is None else [self._matrices[i]]
        n = len(self.labels)
        total = None
        for m in mats:
            x = m.get("_csr")
            if x is None:
                x = sp.csr_matrix((m["data"], m["indices"], m["indptr"]), shape=(n, n))
                m["_csr"] = x
            total = x if total is None else total + x
        if total is None:
            total = sp.csr_matrix((n, n), dtype=np.float64)
        total = _int64(sp.csr_matrix(total))
        if self._whole:
            total = _int64(total.astype(np.int64))
        marg = np.sum([m["marginals"] for m in mats], axis=0) if mats else np.zeros(n)
        return total, np.asarray(marg, dtype=np.int64), int(sum(m["n"] for m in mats))

    @property
    def marginals(self) -> pd.Series:
        """Contexts mentioning each entity (mentions at window scope), summed over groups."""
        return pd.Series(self._parts(None)[1], index=self.labels, name="marginal")

    @property
    def n_contexts(self) -> int:
        """N: all contexts of the scope counted (mentions at window scope)."""
        return self._parts(None)[2]

    @property
    def nnz(self) -> int:
        return int(self._parts(None)[0].nnz)

    # -- matrices --------------------------------------------------------------------

    def to_scipy(self, group: Any = None) -> Any:
        """The count matrix as ``scipy.sparse.csr_matrix`` (int64 indices; int64
        values, float64 for ``count="weighted"``)."""
        return _int64(self._parts(group)[0].copy())

    def measure(self, measure: str = "npmi", group: Any = None) -> Any:
        """A matrix of one association measure, with the same sparsity as the counts.

        >>> import newsgraph
        >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
        >>> m = co.measure("npmi")
        >>> bool((m.data <= 1 + 1e-12).all())
        True
        """
        x, marg, n = self._parts(group)
        values = self._measure_values(x, marg, n, measure)
        out = _int64(x.copy())
        out.data = values
        return out

    def _measure_values(self, x: Any, marg: np.ndarray, n: float, measure: str) -> np.ndarray:
        if _check_measure(measure) == "count":
            return x.data.astype(np.float64)
        return _core.cooccur_measure(
            np.ascontiguousarray(x.indptr, dtype=np.int64),
            np.ascontiguousarray(x.indices, dtype=np.int64),
            np.ascontiguousarray(x.data, dtype=np.float64),
            np.ascontiguousarray(marg, dtype=np.float64),
            float(n),
            measure,
            threads=self._threads,
        )

    def to_dense(self, group: Any = None, limit: int = DENSE_LIMIT) -> np.ndarray:
        """The count matrix as a dense numpy array (int64; float64 for
        ``count="weighted"``); refused above ``limit`` entities."""
        n = len(self.labels)
        if n > limit:
            gb = n * n * 8 / 1e9
            raise InputError(
                f"a dense {n:,} x {n:,} matrix would take {gb:,.1f} GB (limit is {limit:,} "
                "entities): keep fewer entities with top=, labels= or entities=, use "
                "to_scipy(), or raise limit="
            )
        return self._parts(group)[0].toarray()

    # -- tables ----------------------------------------------------------------------

    def _frame(self, group: Any, with_measures: bool = True) -> pd.DataFrame:
        x, marg, n = self._parts(group)
        coo = x.tocoo()
        rows, cols = coo.row.astype(np.int64), coo.col.astype(np.int64)
        keep = np.ones(len(rows), dtype=bool) if self.ordered else rows <= cols
        names = np.asarray(self.labels, dtype=object)
        frame = {
            "source": names[rows[keep]],
            "target": names[cols[keep]],
            "count": coo.data[keep],
            "source_count": marg[rows[keep]],
            "target_count": marg[cols[keep]],
            "n": np.full(int(keep.sum()), n),
        }
        if with_measures:
            for name in MEASURES:
                frame[name] = self._measure_values(x, marg, n, name)[keep]
        frame["source_id"] = self.entity_ids[rows[keep]]
        frame["target_id"] = self.entity_ids[cols[keep]]
        return pd.DataFrame(frame)

    def to_pandas(self, measures: bool = True) -> pd.DataFrame:
        """One row per non-zero cell: ``source, target, count, source_count,
        target_count, n``, every measure, ``source_id, target_id`` (and ``group``
        first with ``by=``). Unordered matrices list each pair once (source row before
        target row); rows are sorted by source then target index.

        ``count`` is int64 for whole-number counts (``"contexts"``, ``"frequency"``,
        ``"boolean"``) and float64 for ``"weighted"``; ``source_count``,
        ``target_count``, ``n`` and the ids are int64, the measures float64.

        >>> import newsgraph
        >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
        >>> co.to_pandas()[["count", "source_count", "n", "npmi"]].dtypes.astype(str).tolist()
        ['int64', 'int64', 'int64', 'float64']
        """
        if self.groups is None:
            return self._frame(None, measures)
        parts = []
        for g in self.groups:
            f = self._frame(g, measures)
            f.insert(0, "group", [g] * len(f))
            parts.append(f)
        return pd.concat(parts, ignore_index=True)

    def _index(self, entity: Any) -> int:
        if isinstance(entity, (int, np.integer)) and not isinstance(entity, bool):
            hits = np.flatnonzero(self.entity_ids == int(entity))
            if len(hits):
                return int(hits[0])
        elif isinstance(entity, str):
            hits = [i for i, name in enumerate(self.labels) if name == entity]
            if hits:
                return max(hits, key=lambda i: self.mention_counts[i])
        close = difflib.get_close_matches(str(entity), [str(x) for x in self.labels], n=5)
        hint = f"; close matches: {', '.join(map(repr, close))}" if close else ""
        raise InputError(
            f"no entity {entity!r} in this co-occurrence matrix of {len(self.labels)} "
            f"entities{hint}"
        )

    def neighbors(
        self, entity: Any, n: int = 10, measure: str = "count", group: Any = None
    ) -> pd.DataFrame:
        """The ``n`` entities most associated with ``entity`` (a name or an id).

        Columns ``entity, entity_id, label, count, <measure>``, best first. For ordered
        matrices these are the entities that ``entity`` comes before.
        """
        i = self._index(entity)
        x, marg, nn = self._parts(group)
        values = self._measure_values(x, marg, nn, measure)
        lo, hi = x.indptr[i], x.indptr[i + 1]
        cols = x.indices[lo:hi]
        frame = pd.DataFrame(
            {
                "entity": np.asarray(self.labels, dtype=object)[cols],
                "entity_id": self.entity_ids[cols],
                "label": np.asarray(self.entity_labels, dtype=object)[cols],
                "count": x.data[lo:hi],
            }
        )
        if measure != "count":
            frame[measure] = values[lo:hi]
        frame = frame[cols != i]
        top = frame.sort_values([measure, "count"], ascending=False, kind="stable").head(n)
        return top.reset_index(drop=True)

    def top_pairs(self, n: int = 20, measure: str = "count", group: Any = None) -> pd.DataFrame:
        """The ``n`` pairs with the highest ``measure`` (ties by count), self pairs left
        out; summed over groups unless ``group=`` is given."""
        _check_measure(measure)
        frame = self._frame(group)
        frame = frame[frame["source_id"] != frame["target_id"]]
        top = frame.sort_values([measure, "count"], ascending=False, kind="stable").head(n)
        return top.reset_index(drop=True)

    # -- graphs ----------------------------------------------------------------------

    def to_networkx(
        self, measure: str | None = None, min_count: float | None = None, group: Any = None
    ) -> Any:
        """A networkx ``Graph`` (``DiGraph`` when ordered) of the non-zero cells.

        Nodes are entity ids with attributes ``label`` (name), ``type`` (PER, ORG, ...)
        and ``count`` (marginal, an ``int``). Edges carry ``count`` (an ``int``; a
        ``float`` for ``count="weighted"``) and every measure (``float``); with
        ``measure=`` also ``weight`` set to that measure. Cells below ``min_count``
        are left out (default: none; with ``count="weighted"`` a pair weighs less
        than 1, and is still a pair); self pairs become self loops. Plain Python numbers, so that
        graph writers declare them as GEXF ``long``/``double`` (numpy ints would be
        declared as the invalid type ``int``).

        >>> import newsgraph
        >>> g = newsgraph.load_seeds().cooccurrence(labels=["PER"]).to_networkx()
        >>> _, _, d = next(iter(g.edges(data=True)))
        >>> type(d["count"]).__name__, type(d["npmi"]).__name__
        ('int', 'float')
        """
        import networkx as nx

        g = nx.DiGraph() if self.ordered else nx.Graph()
        _, marg, _ = self._parts(group)
        for i, eid in enumerate(self.entity_ids.tolist()):
            g.add_node(
                eid,
                label=str(self.labels[i]),
                type=str(self.entity_labels[i]),
                count=int(marg[i]),
            )
        frame = self._frame(group)
        if min_count is None:
            frame = frame[frame["count"] > 0]
        else:
            frame = frame[frame["count"] >= _check_min_count(min_count)]
        if measure is not None:
            _check_measure(measure)
        values = frame[list(MEASURES)].to_numpy(dtype=np.float64)
        for s, t, c, row in zip(
            frame["source_id"].tolist(),
            frame["target_id"].tolist(),
            frame["count"].tolist(),  # int or float by the column's dtype
            values,
            strict=True,
        ):
            data = {"count": c, **{a: float(v) for a, v in zip(MEASURES, row, strict=True)}}
            if measure is not None:
                data["weight"] = data[measure]
            g.add_edge(s, t, **data)
        return g

    def write_graphml(
        self, path: Any, measure: str | None = None, min_count: float | None = None
    ) -> None:
        """Write the graph as GraphML (Gephi, Cytoscape, ``networkx.read_graphml``).

        The nodes and edges of :meth:`to_networkx`, written directly from the matrix
        (see :mod:`newsgraph.graphio`): nodes have ``label``, ``type``, ``count``
        (marginal), ``mentions`` and ``documents``; edges ``weight`` (``measure``, or
        the count), ``count`` and every measure, a non-finite measure left out. Keys
        are declared ``long`` (counts), ``double`` (measures) and ``string``.

        >>> import newsgraph, networkx, tempfile, os
        >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
        >>> path = os.path.join(tempfile.mkdtemp(), "people.graphml")
        >>> co.write_graphml(path, measure="npmi")
        >>> networkx.read_graphml(path).number_of_nodes() == len(co.labels)
        True
        """
        graphio.write_graphml(self, path, measure, min_count)

    def write_gexf(
        self,
        path: Any,
        measure: str | None = None,
        min_count: float | None = None,
        version: str = "1.2",
    ) -> None:
        """Write the graph as GEXF (Gephi), with the attributes of :meth:`write_graphml`.

        ``version="1.2"`` (default): valid against the GEXF 1.2 schema
        (``http://gexf.net/1.2/gexf.xsd``, namespace ``http://www.gexf.net/1.2``),
        which Gephi reads. networkx's reader knows only the draft namespaces: for it,
        ``version="1.2draft"`` writes the same file in the 1.2 draft namespace, valid
        against that schema. Node names are the GEXF ``label`` and weights the edge's
        ``weight``, where Gephi looks for them (see :mod:`newsgraph.graphio`).

        >>> import newsgraph, networkx, tempfile, os
        >>> co = newsgraph.load_seeds().cooccurrence(labels=["PER"])
        >>> path = os.path.join(tempfile.mkdtemp(), "people.gexf")
        >>> co.write_gexf(path, measure="npmi")
        >>> open(path).read().count('<graph defaultedgetype="undirected" mode="static">')
        1
        >>> co.write_gexf(path, version="1.2draft")
        >>> networkx.read_gexf(path).number_of_nodes() == len(co.labels)
        True
        """
        graphio.write_gexf(self, path, measure, min_count, version)

    # -- plots -----------------------------------------------------------------------

    def plot_heatmap(
        self,
        top: int = 30,
        measure: str = "count",
        ax: Any = None,
        group: Any = None,
        **options: Any,
    ) -> Any:
        """Heatmap of ``measure`` among the ``top`` most mentioned entities; the Axes.

        Counts on a log colour scale (``log=False`` for linear), ``pmi``/``npmi`` on a
        diverging scale centred at 0, entities ordered by hierarchical clustering
        (``cluster=False``: by mentions), labels of at least 8 points. Options: see
        :func:`newsgraph.plots.plot_heatmap`.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import newsgraph
        >>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
        >>> type(co.plot_heatmap(top=10).images[0].norm).__name__
        'LogNorm'
        """
        return plots.plot_heatmap(self, top, measure, ax=ax, group=group, **options)

    def plot_network(
        self,
        top: int = 50,
        measure: str = "npmi",
        ax: Any = None,
        seed: int = 0,
        group: Any = None,
        **options: Any,
    ) -> Any:
        """Network of the ``top`` most mentioned entities; the Axes.

        Only pairs seen together more often than chance (``positive=False`` for all),
        each entity with at most its ``max_edges_per_node=5`` strongest links by
        ``measure``, communities coloured (``communities=False`` to turn off), node
        area by mentions, labels beside the nodes; ``seed`` fixes the layout and the
        communities. Options: see :func:`newsgraph.plots.plot_network`.

        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import newsgraph
        >>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
        >>> ax = co.plot_network(top=20, max_edges_per_node=3)
        >>> max(d for _, d in ax.newsgraph_graph.degree()) <= 3
        True
        """
        return plots.plot_network(self, top, measure, ax=ax, seed=seed, group=group, **options)

    # -- display ---------------------------------------------------------------------

    def _describe(self) -> str:
        scope = f"window={self.window}" if self.scope == "window" else self.scope
        n = len(self.labels)
        groups = f", {len(self.groups)} groups" if self.groups is not None else ""
        kind = "ordered" if self.ordered else "unordered"
        return (
            f"{n:,} x {n:,} entities, scope={scope}, count={self.count}, {kind}, "
            f"{self.nnz:,} non-zero cells{groups}"
        )

    def __repr__(self) -> str:
        return f"<newsgraph.Cooccurrence: {self._describe()}>"

    def _repr_html_(self) -> str:
        top = self.top_pairs(10)[["source", "target", "count", "npmi"]]
        return (
            f"<div><strong>newsgraph.Cooccurrence</strong>: {html.escape(self._describe())}"
            f"{top.to_html(index=False)}</div>"
        )


def _check_min_count(min_count: Any) -> float:
    """``min_count`` as a number (None: 1), or an error naming the bad value."""
    return 1 if min_count is None else _checks.number("min_count", min_count)


def _check_measure(measure: str) -> str:
    if measure != "count" and measure not in MEASURES:
        close = difflib.get_close_matches(str(measure), [*MEASURES, "count"], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(
            f"unknown measure {measure!r}{hint}: use 'count' or one of {', '.join(MEASURES)}"
        )
    return measure


def _int64(x: Any) -> Any:
    """scipy picks int32 indices when they fit; keep int64 as documented."""
    x.indices = x.indices.astype(np.int64, copy=False)
    x.indptr = x.indptr.astype(np.int64, copy=False)
    return x


# -- building ----------------------------------------------------------------------------


def _groups(corpus: Any, by: str | None, freq: str | None) -> tuple[np.ndarray | None, list]:
    """Per document a group index (-1: no group), and the group keys."""
    if by is None:
        if freq is not None:
            raise InputError("freq= slices by date: pass by='date' too (or by=None, freq=None)")
        return None, []
    docs = corpus.documents()
    if by not in docs.columns:
        raise InputError(
            f"by={by!r} is not a column of corpus.documents(); columns are "
            f"{', '.join(map(str, docs.columns))}"
        )
    values = docs[by]
    if freq is not None:
        if not pd.api.types.is_datetime64_any_dtype(values):
            raise InputError(f"freq={freq!r} needs by= to name a date column; {by!r} is not one")
        if values.isna().all():
            raise InputError(f"no document has a {by!r}: cannot slice by {freq!r}")
        values = _checks.periods(values, freq)
    codes, uniques = pd.factorize(values, sort=True)
    return codes.astype(np.int64), list(uniques)


def count_from_tokens(
    m: pd.DataFrame,
    doc_pos: np.ndarray,
    index: np.ndarray,
    token_start: Any,
    token_end: Any,
    docs: Any,
    **kw: Any,
) -> Any:
    """Count with ``_core.cooccur_counts_tokens``: mentions ``m`` (paragraph and
    sentence columns) with their token spans, and ``docs`` giving every document's
    ``n_paragraphs``, ``n_sentences`` and ``n_tokens``; ``kw`` as
    :meth:`newsgraph.tables.Tables._count_batch` takes them.

    A headline with mentions (paragraph -1) is a paragraph and sentence of its own,
    after the body's, and its tokens lie far beyond the body's, so no window joins
    the two.
    """

    def col(x: Any) -> np.ndarray:
        # No copy for the int64 columns of a mention table: the core reads them.
        return np.ascontiguousarray(x, dtype=np.int64)

    return _core.cooccur_counts_tokens(
        col(doc_pos),
        col(m["paragraph"]),
        col(m["sentence"]),
        col(token_start),
        col(token_end),
        col(index),
        kw.pop("n_entities"),
        col(docs["n_paragraphs"]),
        col(docs["n_sentences"]),
        n_tokens=col(docs["n_tokens"]),
        **kw,
    )


def _ids_first_counts(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct ids, each one's first position and count, as ``np.unique`` with
    ``return_index`` and ``return_counts`` gives them. Entity ids are small
    non-negative integers, so counting beats the stable sort ``np.unique`` needs
    (about 14x on a million mentions)."""
    if not len(ids):
        return ids, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    counts = np.bincount(ids)
    uniq = np.flatnonzero(counts)
    first = np.full(len(counts), len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    return uniq, first[uniq], counts[uniq]


def _document_counts(
    parts: Callable[[], Iterable[tuple[Any, pd.DataFrame]]],
    select: Callable[[pd.DataFrame], pd.DataFrame],
    ids: np.ndarray,
) -> np.ndarray:
    """Documents mentioning each of ``ids``, from the mention batches again (graph
    exports' node attribute): batches hold whole documents, so each batch's distinct
    (entity, document) pairs add up."""
    totals = np.zeros(0, dtype=np.int64)
    for _, m in parts():
        totals = _add_document_counts(totals, select(m))
    if len(ids) and ids.max() >= len(totals):
        totals = np.concatenate([totals, np.zeros(ids.max() + 1 - len(totals), np.int64)])
    return totals[ids]


def _add_document_counts(totals: np.ndarray, m: pd.DataFrame) -> np.ndarray:
    """``totals`` (documents per entity id) plus the documents of batch ``m`` (its
    ``entity_id`` and ``_doc`` columns), grown to the largest id seen."""
    ids = m["entity_id"].to_numpy(dtype=np.int64)
    if not len(ids):
        return totals
    docs = m["_doc"].to_numpy(dtype=np.int64)
    docs = docs - docs.min()
    # One int64 key per (entity, document): unique keys are the distinct pairs.
    pairs = np.unique(ids * (int(docs.max()) + 1) + docs) // (int(docs.max()) + 1)
    found = np.bincount(pairs)
    if len(found) > len(totals):
        totals = np.concatenate([totals, np.zeros(len(found) - len(totals), np.int64)])
    totals[: len(found)] += found
    return totals


def _merge_stats(stats: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, ...]:
    """Per entity over all parts: (id, first row, mentions, name and label at the first
    row), sorted by id, from each part's own."""
    if len(stats) == 1:
        return stats[0]
    ids, first, counts, names, types = (np.concatenate([s[k] for s in stats]) for k in range(5))
    o = np.lexsort((first, ids))
    ids, first, counts, names, types = ids[o], first[o], counts[o], names[o], types[o]
    start = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, int)
    summed = np.add.reduceat(counts, start) if len(ids) else counts
    return ids[start], first[start], summed, names[start], types[start]


def _add_matrices(parts: list[list[dict[str, Any]]], n: int) -> list[dict[str, Any]]:
    """Sum per group the matrices counted over separate documents."""
    import scipy.sparse as sp

    out = []
    for mats in zip(*parts, strict=True):
        rows = np.concatenate([np.repeat(np.arange(n), np.diff(m["indptr"])) for m in mats])
        x = sp.coo_matrix(
            (
                np.concatenate([m["data"] for m in mats]),
                (rows, np.concatenate([m["indices"] for m in mats])),
            ),
            shape=(n, n),
        ).tocsr()
        x.sum_duplicates()
        out.append(
            {
                "indptr": x.indptr.astype(np.int64),
                "indices": x.indices.astype(np.int64),
                "data": x.data,
                "marginals": np.sum([m["marginals"] for m in mats], axis=0),
                "n": sum(m["n"] for m in mats),
            }
        )
    return out


def _self_pairs(value: Any, count: str) -> bool | str:
    """``self_pairs=``: True, False, or ``"quanteda"`` (not with ``count="contexts"``,
    whose diagonal quanteda does not have).

    >>> _self_pairs(True, "contexts"), _self_pairs("quanteda", "frequency")
    (True, 'quanteda')
    >>> _self_pairs("quanteta", "frequency")
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: unknown self_pairs 'quanteta' (did you mean 'quanteda'?): ...
    """
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if not isinstance(value, str):
        raise InputTypeError(f"self_pairs must be True, False or 'quanteda', got {value!r}")
    if value != "quanteda":
        names = {"quanteda": "'quanteda'", "true": "True", "false": "False"}
        close = difflib.get_close_matches(value.lower(), list(names), n=1)
        said = f" (did you mean {names[close[0]]}?)" if close else ""
        raise InputError(f"unknown self_pairs {value!r}{said}: use True, False or 'quanteda'")
    if count == "contexts":
        raise InputError(
            "self_pairs='quanteda' gives quanteda's fcm diagonal, which count='contexts' "
            "does not have: use count='frequency', 'boolean' or 'weighted'"
        )
    return value


def _double_diagonal(mat: dict[str, Any], n: int) -> None:
    """Twice each diagonal cell of a CSR matrix given as its arrays."""
    indptr = np.asarray(mat["indptr"], dtype=np.int64)
    rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    data = np.array(mat["data"])  # a copy: the core's arrays may be read-only
    on = np.asarray(mat["indices"]) == rows
    data[on] *= 2
    mat["data"] = data


def _drop_below(mat: dict[str, Any], min_count: float, n: int) -> None:
    import scipy.sparse as sp

    x = sp.csr_matrix((mat["data"], mat["indices"], mat["indptr"]), shape=(n, n))
    x.data[x.data < min_count] = 0
    x.eliminate_zeros()
    mat["data"] = x.data
    mat["indices"] = x.indices.astype(np.int64)
    mat["indptr"] = x.indptr.astype(np.int64)


# -- timeline ----------------------------------------------------------------------------


def plot_timeline(
    corpus: Any,
    entities: Sequence[Any] | str,
    freq: str = "M",
    ax: Any = None,
    **mention_options: Any,
) -> Any:
    """Mentions per period of each entity (by name or id), one line each; the Axes.

    Needs dates in ``corpus.documents()["date"]``; ``freq`` is a pandas period
    frequency ("D", "W", "M", "Q", "Y"). ``mention_options`` go to
    :meth:`Corpus.mentions` (``dictionary=``, ``model=``).
    """
    import matplotlib.pyplot as plt

    wanted = _as_list(entities, "entities")
    docs = corpus.documents()
    if "date" not in docs.columns or docs["date"].isna().all():
        raise InputError(
            "plot_timeline needs document dates, but no document has one: give a 'date' "
            "column when reading the corpus"
        )
    m = _entity_mentions(corpus, **mention_options)
    dates = pd.Series(docs["date"].to_numpy(), index=docs["doc_id"])
    m = m.assign(_date=dates.reindex(m["doc_id"]).to_numpy())
    m = m[m["_date"].notna()]
    m["_period"] = _checks.periods(pd.DatetimeIndex(m["_date"]), freq)
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    all_periods = pd.period_range(
        pd.DatetimeIndex(docs["date"].dropna()).min(),
        pd.DatetimeIndex(docs["date"].dropna()).max(),
        freq=freq,
    )
    for e in wanted:
        hit = m["entity_id"] == int(e) if isinstance(e, (int, np.integer)) else m["entity"] == e
        if not hit.any():
            close = difflib.get_close_matches(str(e), m["entity"].astype(str).unique(), n=5)
            raise InputError(
                f"no dated mentions of {e!r}" + (f"; close matches: {close}" if close else "")
            )
        series = m[hit].groupby("_period").size().reindex(all_periods, fill_value=0)
        ax.plot(series.index.to_timestamp(), series.to_numpy(), marker="o", label=str(e))
    ax.set_ylabel(f"mentions per period ({freq})")
    ax.legend()
    return ax


# -- counting ----------------------------------------------------------------------------


def cooccurrence(
    corpus: Any,
    scope: str = "sentence",
    window: int | None = None,
    count: str = "contexts",
    ordered: bool = False,
    labels: Sequence[str] | str | None = None,
    entities: Sequence[Any] | None = None,
    min_count: float = 1,
    top: int | None = None,
    by: str | None = None,
    freq: str | None = None,
    **options: Any,
) -> Cooccurrence:
    """Count which entities are mentioned together.

    ``scope``: ``"document"``, ``"paragraph"``, ``"sentence"`` or ``"window"`` (with
    ``window=`` tokens); ``count``: ``"contexts"``, ``"frequency"``, ``"boolean"``
    (quanteda's: each pair once per context, the document for windows) or
    ``"weighted"`` (window only); ``ordered=True`` for a directed matrix (see the
    module docs for the exact definitions and the comparison with quanteda).
    Filters: ``labels=["PER", "ORG"]`` keeps mentions with those labels,
    ``entities=[...]`` keeps only those entity names (or ids), ``top=n`` keeps the
    ``n`` most mentioned entities (after the other filters), and ``min_count`` drops
    cells below it. ``by="source"`` (any :meth:`Corpus.documents` column) or
    ``by="date", freq="M"`` (a pandas period) gives one matrix per group over a shared
    entity index; documents without a value are left out.

    Options: ``self_pairs=True`` (or ``"quanteda"``: the diagonal as quanteda's
    ``fcm``, which doubles it for unordered windows; see the module docs),
    ``weights=[...]`` (``count="weighted"``; one weight
    per distance 1..window, and ``window`` defaults to its length), ``threads=``,
    ``progress=`` (for the tagging it may need, as in :meth:`Corpus.mentions`), and
    anything :meth:`Corpus.mentions` takes (``dictionary=``, ``model=``).

    ``corpus`` is a :class:`~newsgraph.Corpus` or a :class:`~newsgraph.Scan`; a scan
    is counted batch by batch from the stored token positions. Counts are exact; with
    ``count="weighted"`` a scan adds the sums of weights in another order than one
    pass does, so they may differ from the in-memory ones in the last digit.

    >>> import newsgraph
    >>> corpus = newsgraph.load_seeds()
    >>> co = newsgraph.cooccur.cooccurrence(corpus, scope="document", labels=["LOC"], top=5)
    >>> len(co.labels)
    5
    >>> d = newsgraph.Dictionary({"russia": ["Lavrov", "Russia*"], "china": ["China", "Li Hui"]})
    >>> co = corpus.cooccurrence(dictionary=d, model=False)
    >>> sorted(co.labels)
    ['china', 'russia']
    >>> int(co.to_scipy()[co.labels.index("china"), co.labels.index("russia")]) > 0
    True
    >>> b = corpus.cooccurrence(scope="window", window=5, count="boolean", labels=["PER"])
    >>> bool(b.to_scipy().max() <= b.n_contexts == len(corpus.documents()))
    True
    """
    if not hasattr(corpus, "_entity_batches"):
        raise InputTypeError(
            f"cooccurrence needs a newsgraph.Corpus or Scan, got {type(corpus).__name__}"
        )
    unknown = set()
    count_opts = {k: options.pop(k) for k in COUNT_OPTIONS if k in options}
    mention_opts = {}
    for k, v in options.items():
        if k in ("dictionary", "model"):
            mention_opts[k] = v
        else:
            unknown.add(k)
    if unknown:
        raise InputTypeError(
            f"unknown option(s) {', '.join(sorted(unknown))}: cooccurrence takes "
            f"{', '.join(COUNT_OPTIONS)}, dictionary and model"
        )
    _checks.one_of("scope", scope, SCOPES)
    _checks.one_of("count", count, COUNTS)
    weights = count_opts.get("weights")
    if weights is not None:
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__iter__"):
            raise InputTypeError(f"weights must be a list of numbers, got {weights!r}")
        weights = list(weights)
        weights = [float(_checks.number(f"weights[{i}]", w)) for i, w in enumerate(weights)]
        if window is None and scope == "window":
            window = len(weights)
    min_count = _check_min_count(min_count)
    threads = count_opts.get("threads", mention_opts.pop("threads", None))
    self_pairs = _self_pairs(count_opts.get("self_pairs", False), count)
    if window is not None:
        window = _checks.integer("window", window, minimum=1)
    if top is not None:
        top = _checks.integer("top", top, minimum=1)

    # Each kind of corpus gives its mentions in batches of whole documents (one batch
    # in memory), each counted over its own documents: counts of separate documents
    # add up, so the result does not depend on the batches.
    def parts() -> Iterator[tuple[tuple[int, int], pd.DataFrame]]:
        return corpus._entity_batches(
            threads=threads, progress=count_opts.get("progress"), **mention_opts
        )

    want_labels = None if labels is None else _as_list(labels, "labels")
    want = None if entities is None else _as_list(entities, "entities")
    want_names = [e for e in want or () if isinstance(e, str)]
    want_ids = [int(e) for e in want or () if isinstance(e, (int, np.integer))]

    def select(m: pd.DataFrame) -> pd.DataFrame:
        if want_labels is not None:
            m = m[m["label"].isin(want_labels)]
        if want is not None:
            m = m[m["entity"].isin(want_names) | m["entity_id"].isin(want_ids)]
        return m

    # First pass: which entities, in which order (first mention), how often.
    known: set[Any] = set()
    seen_names: dict[str, None] = {}
    stats = []
    for _, m in parts():
        known |= set(m["label"].unique())
        if want is not None:
            if want_labels is not None:
                m = m[m["label"].isin(want_labels)]
            seen_names.update(dict.fromkeys(m["entity"].astype(str).unique().tolist()))
        m = select(m)
        uniq, first, counts = _ids_first_counts(m["entity_id"].to_numpy(dtype=np.int64))
        stats.append(
            (
                uniq,
                m.index.to_numpy()[first],
                counts,
                m["entity"].to_numpy()[first],
                m["label"].to_numpy()[first],
            )
        )
    if want_labels is not None:
        missing = [x for x in want_labels if x not in known]
        if missing and len(missing) == len(want_labels):
            raise InputError(
                f"no mentions have label(s) {missing}; labels present are "
                f"{', '.join(sorted(map(str, known)))}"
            )
    uniq, first, counts, first_names, first_types = _merge_stats(stats)
    if want is not None and not len(uniq):
        close = difflib.get_close_matches(str(want[0]), list(seen_names), n=5)
        raise InputError(
            f"none of entities={want[:5]} is mentioned"
            + (f"; close matches: {close}" if close else "")
        )
    order = np.argsort(first, kind="stable")
    if top is not None:
        by_count = np.lexsort((first[order], -counts[order]))
        order = order[np.sort(by_count[:top])]
    rank = np.full(len(uniq), -1, dtype=np.int64)
    rank[order] = np.arange(len(order))
    names = first_names[order].tolist()
    types = first_types[order].tolist()

    # Second pass: count, part by part; counts of separate documents add up.
    group, keys = _groups(corpus, by, freq)
    matrices = None
    pending: list[list[dict[str, Any]]] = []
    for span, m in parts():
        m = select(m)
        ids = m["entity_id"].to_numpy(dtype=np.int64)
        # Entity ids are dense: a lookup table beats a binary search per mention.
        slot = np.full(int(uniq[-1]) + 1 if len(uniq) else 0, -1, dtype=np.int64)
        slot[uniq] = rank
        index = slot[ids] if len(ids) else np.zeros(0, dtype=np.int64)
        kept = index >= 0
        m = m[kept]
        index = index[kept]
        doc_pos = m["_doc"].to_numpy()
        mats = corpus._count_batch(
            m,
            np.ascontiguousarray(doc_pos, dtype=np.int64),
            np.ascontiguousarray(index, dtype=np.int64),
            span=span,
            n_entities=len(order),
            scope=scope,
            window=None if window is None else int(window),
            count=count,
            ordered=bool(ordered),
            self_pairs=bool(self_pairs),
            weights=weights,
            group=group,
            n_groups=max(1, len(keys)) if by is not None else 1,
            threads=threads,
        )
        if matrices is None:
            matrices = list(mats)
        else:
            pending.append(list(mats))
            if sum(len(x["data"]) for p in pending for x in p) > max(
                1 << 20, sum(len(x["data"]) for x in matrices)
            ):
                matrices = _add_matrices([matrices, *pending], len(order))
                pending = []
    if pending:
        matrices = _add_matrices([matrices, *pending], len(order))
    matrices = matrices or []
    if by is not None and not keys:
        matrices = []
    if self_pairs == "quanteda" and scope == "window" and not ordered:
        # quanteda's unordered window fcm counts each same-entity pair from both ends;
        # its document fcm and ordered windows count it once, as newsgraph does.
        for mat in matrices:
            _double_diagonal(mat, len(order))
    if min_count > 1:
        for mat in matrices:
            _drop_below(mat, float(min_count), len(order))
    return Cooccurrence(
        labels=names,
        entity_ids=uniq[order],
        entity_labels=types,
        mention_counts=counts[order],
        matrices=list(matrices),
        groups=keys if by is not None else None,
        scope=scope,
        window=None if window is None else int(window),
        count=count,
        ordered=bool(ordered),
        self_pairs=self_pairs,
        threads=threads,
        document_counts=functools.partial(_document_counts, parts, select, uniq[order]),
    )
