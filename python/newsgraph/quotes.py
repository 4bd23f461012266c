"""Quotations and their speakers: the table behind :meth:`Corpus.quotes`.

The Rust core finds the quotations of each article in one pass over its tokens (see
``src/core/quotes.rs`` for the rules); this module gives it the article's body
mentions, so a speaker that is a mention, or a pronoun or role resolved to one,
carries that mention's ``entity_id``/``entity``: the same ids as
:meth:`Corpus.mentions`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import _core, frame
from .exceptions import InputError

#: The columns of :meth:`Corpus.quotes`, in order.
QUOTE_COLUMNS = (
    "doc_id",
    "paragraph",
    "sentence",
    "start",
    "end",
    "text",
    "kind",
    "cue",
    "speaker",
    "speaker_start",
    "speaker_end",
    "entity_id",
    "entity",
)

#: What the core's label codes mean; any other label (a dictionary key) is 2.
_LABEL_CODES = {"PER": 0, "ORG": 1}


def raw_quotes(
    articles: Any,
    doc: np.ndarray,
    token_start: np.ndarray,
    token_end: np.ndarray,
    paragraph: np.ndarray,
    label: Any,
    threads: int | None = None,
    progress: bool = False,
) -> dict[str, np.ndarray]:
    """The core's quote columns for ``articles`` given their mentions' columns
    (``doc``: positions in ``articles``; headline mentions, ``paragraph`` -1, are left
    out). A quote's ``mention`` is the row of its speaker's mention in those columns,
    or -1."""
    rows = np.flatnonzero(np.asarray(paragraph) >= 0)
    doc = np.asarray(doc, dtype=np.int64)[rows]
    if len(doc) > 1 and (doc[1:] < doc[:-1]).any():
        order = np.argsort(doc, kind="stable")
        rows, doc = rows[order], doc[order]
    # Coded through the few distinct labels: mapping millions of strings is slow.
    cat = label if isinstance(label, pd.Categorical) else pd.Categorical(label)
    lut = np.array([_LABEL_CODES.get(str(x), 2) for x in cat.categories] + [2], dtype=np.int64)
    codes = lut[np.asarray(cat.codes)[rows]]
    cols = _core.find_quotations(
        articles,
        np.ascontiguousarray(doc),
        np.ascontiguousarray(np.asarray(token_start, dtype=np.int64)[rows]),
        np.ascontiguousarray(np.asarray(token_end, dtype=np.int64)[rows]),
        np.ascontiguousarray(codes),
        threads=threads,
        progress=progress,
    )
    m = cols["mention"]
    cols["mention"] = np.where(m >= 0, rows[np.maximum(m, 0)] if len(rows) else -1, -1)
    return cols


def quote_frame(cols: dict[str, Any], ids: pd.Index, first: int = 0) -> pd.DataFrame:
    """The quote table from :func:`raw_quotes`' columns, without the speakers'
    entities (see :func:`attach_speakers`). ``ids`` are the ids of the documents
    ``cols`` counts from; ``first`` is the corpus position of the first (the hidden
    ``_doc`` column holds corpus positions)."""
    doc = cols["doc"]

    def optional(column: str) -> Any:
        v = pd.array(cols[column], dtype="Int64")
        v[cols[column] < 0] = pd.NA
        return v

    return pd.DataFrame(
        {
            "doc_id": frame.doc_column(ids, doc),
            "paragraph": cols["paragraph"],
            "sentence": cols["sentence"],
            "start": cols["start"],
            "end": cols["end"],
            "text": pd.Series(cols["text"], dtype=object),
            "kind": pd.Categorical.from_codes(cols["kind"], ["direct", "indirect"]),
            "cue": pd.Series(cols["cue"], dtype=object),
            "speaker": pd.Series(cols["speaker"], dtype=object),
            "speaker_start": optional("speaker_start"),
            "speaker_end": optional("speaker_end"),
            "_doc": doc + first,
            "_mention": cols["mention"],
        }
    )


def empty_frame() -> pd.DataFrame:
    """A quote table without rows (:func:`quote_frame`'s columns)."""
    names = ["doc", "paragraph", "sentence", "start", "end", "kind", "cue_start", "cue_end"]
    names += ["speaker_start", "speaker_end", "mention"]
    cols: dict[str, Any] = {c: np.zeros(0, dtype=np.int64) for c in names}
    cols.update(text=[], cue=[], speaker=[])
    return quote_frame(cols, pd.RangeIndex(0))


def _values(column: pd.Series, rows: np.ndarray) -> np.ndarray:
    """``column``'s values at ``rows`` as Python objects; a categorical is read through
    its codes (turning millions of mentions' categories into objects cost a tenth of a
    second)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        cat = column.array
        values = np.asarray(cat.categories, dtype=object)[np.asarray(cat.codes)[rows]]
        return np.where(np.asarray(cat.codes)[rows] >= 0, values, None)
    return column.to_numpy(dtype=object)[rows]


def attach_speakers(quotes: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """``quotes`` with ``entity_id``, ``entity`` and the hidden ``_label`` of their
    speakers' mentions (``_mention``: a row position in ``mentions``)."""
    m = quotes["_mention"].to_numpy()
    named = m >= 0
    rows = np.where(named, m, 0)
    n = len(quotes)
    if len(mentions):
        entity_id = pd.array(mentions["entity_id"].to_numpy()[rows], dtype="Int64")
        entity = _values(mentions["entity"], rows)
        label = _values(mentions["label"], rows)
    else:
        entity_id = pd.array(np.zeros(n, dtype=np.int64), dtype="Int64")
        entity = np.full(n, None, dtype=object)
        label = np.full(n, None, dtype=object)
    entity_id[~named] = pd.NA
    entity = np.where(named, entity, None)
    label = np.where(named, label, None)
    out = quotes.copy()
    out["entity_id"] = entity_id
    out["entity"] = pd.Series(entity, dtype=object, index=out.index)
    out["_label"] = pd.Series(label, dtype=object, index=out.index)
    return out


def speaker_frames(batches: Any, kind: str | None) -> Any:
    """Per batch, the quotes with a resolved speaker as mention-like rows
    (``entity_id, entity, label, _doc``) for :func:`newsgraph.entities.count_frames`."""
    if kind is not None and kind not in ("direct", "indirect"):
        raise InputError(f"kind must be 'direct', 'indirect' or None, got {kind!r}")
    for _, q in batches:
        keep = q["entity_id"].notna().to_numpy()
        if kind is not None:
            keep &= (q["kind"] == kind).to_numpy()
        rows = q[keep]
        yield pd.DataFrame(
            {
                "entity_id": rows["entity_id"].to_numpy(dtype=np.int64),
                "entity": rows["entity"].astype(object).to_numpy(),
                "label": rows["_label"].astype(object).to_numpy(),
                "_doc": rows["_doc"].to_numpy(dtype=np.int64),
            }
        )


def speaker_network(
    corpus: Any,
    labels: Any = None,
    min_count: float = 1,
    kind: str | None = None,
    dictionary: Any = None,
    model: Any = None,
    progress: bool | None = None,
) -> Any:
    """Directed counts speaker → entity mentioned in the speaker's quotes: the
    :class:`~newsgraph.cooccur.Cooccurrence` of ``corpus.cooccurrence(scope="quote")``.

    A context is one quotation with a resolved speaker (of ``kind``, both by default);
    cell (s, m) counts the quotations of s that mention m (once per quotation; a
    speaker naming themself is not counted). An entity's marginal counts the
    quotations it speaks or is mentioned in, and N all the quotations counted.
    ``labels`` keeps speakers and mentioned entities of those labels.
    """
    import scipy.sparse as sp

    from .cooccur import Cooccurrence, _as_list

    wanted = None if labels is None else set(_as_list(labels, "labels"))
    speakers, mentioned, contexts = [], [], []
    n = 0
    quote_batches = corpus._quote_batches(dictionary, model, None, progress)
    mention_batches = corpus._mention_batches(dictionary, model, None, progress)
    for (span_q, q), (span_m, m) in zip(quote_batches, mention_batches, strict=True):
        if span_q != span_m:
            raise RuntimeError(f"quote batch {span_q} and mention batch {span_m} differ")
        keep = q["entity_id"].notna().to_numpy()
        if kind is not None:
            keep &= (q["kind"] == kind).to_numpy()
        if wanted is not None:
            keep &= q["_label"].isin(wanted).to_numpy()
        q = q[keep]
        body = m[m["paragraph"].to_numpy() >= 0]
        if wanted is not None:
            body = body[body["label"].isin(wanted).to_numpy()]
        shift = np.int64(1) << np.int64(32)
        keys = body["_doc"].to_numpy(dtype=np.int64) * shift + body["start"].to_numpy(
            dtype=np.int64
        )
        qdoc = q["_doc"].to_numpy(dtype=np.int64) * shift
        lo = np.searchsorted(keys, qdoc + q["start"].to_numpy(dtype=np.int64))
        hi = np.searchsorted(keys, qdoc + q["end"].to_numpy(dtype=np.int64))
        counts = hi - lo
        rows = np.repeat(np.arange(len(q)), counts)
        at = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        cand = np.repeat(lo, counts) + at
        inside = body["end"].to_numpy(dtype=np.int64)[cand] <= q["end"].to_numpy()[rows]
        rows, cand = rows[inside], cand[inside]
        speakers.append(q["entity_id"].to_numpy(dtype=np.int64)[rows])
        mentioned.append(body["entity_id"].to_numpy(dtype=np.int64)[cand])
        contexts.append(rows + n)
        # Every counted quote is a context, mentioning anyone or not.
        speakers.append(q["entity_id"].to_numpy(dtype=np.int64))
        mentioned.append(np.full(len(q), -1, dtype=np.int64))
        contexts.append(np.arange(len(q), dtype=np.int64) + n)
        n += len(q)
    s, t, c = (
        np.concatenate(x) if x else np.zeros(0, np.int64) for x in (speakers, mentioned, contexts)
    )
    ents = corpus._entity_table(dictionary, model, None, progress).set_index("entity_id")
    ids = np.unique(np.concatenate([s, t[t >= 0]]))
    k = len(ids)
    # Once per quote and pair; the speaker itself is not a pair.
    pairs = pd.DataFrame({"c": c, "s": s, "t": t}).drop_duplicates()
    real = pairs[(pairs["t"] >= 0) & (pairs["t"] != pairs["s"])]
    # ids are sorted: an entity's row is where it sorts.
    si = np.searchsorted(ids, real["s"].to_numpy())
    ti = np.searchsorted(ids, real["t"].to_numpy())
    mat = sp.coo_matrix((np.ones(len(si)), (si, ti)), shape=(k, k)).tocsr()
    mat.sum_duplicates()
    if min_count > 1:
        mat.data[mat.data < min_count] = 0
        mat.eliminate_zeros()
    # Marginal: the quotes an entity speaks or is mentioned in, once each.
    who = pd.concat(
        [pairs[["c", "s"]].rename(columns={"s": "e"}), real[["c", "t"]].rename(columns={"t": "e"})]
    ).drop_duplicates()
    marg = np.zeros(k, dtype=np.int64)
    np.add.at(marg, np.searchsorted(ids, who["e"].to_numpy()), 1)
    known = ents.reindex(ids)
    return Cooccurrence(
        labels=known["entity"].astype(object).tolist(),
        entity_ids=ids,
        entity_labels=known["label"].astype(object).tolist(),
        mention_counts=known["mentions"].fillna(0).to_numpy(dtype=np.int64),
        matrices=[
            {
                "data": mat.data.astype(np.float64),
                "indices": mat.indices.astype(np.int64),
                "indptr": mat.indptr.astype(np.int64),
                "marginals": marg,
                "n": n,
            }
        ],
        groups=None,
        scope="quote",
        window=None,
        count="contexts",
        ordered=True,
        self_pairs=False,
    )
