"""The one place that builds pandas objects from the core's columns."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

#: Metadata newsgraph finds in the text; a column of the same name given with the
#: input wins wherever it has a value.
FOUND_COLUMNS = ("title", "date", "source", "dateline", "credits")

DOCUMENT_COLUMNS = (
    "doc_id",
    *FOUND_COLUMNS,
    "n_paragraphs",
    "n_sentences",
    "n_tokens",
    "decode_errors",
    "boilerplate",
)


def to_datetime(values: Any, what: str = "date") -> pd.Series:
    """Parse dates to naive ``datetime64[ns]`` (UTC where a zone was given).

    Values that cannot be read become NaT with one warning that counts them and shows
    the first, so nothing is dropped silently.
    """
    s = pd.Series(values, copy=False)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.astype("datetime64[ns]")
    present = s.notna()
    parsed = pd.to_datetime(s.where(present, None), errors="coerce", utc=True, format="mixed")
    parsed = parsed.dt.tz_localize(None).astype("datetime64[ns]")
    bad = present & parsed.isna()
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        warnings.warn(
            f"{int(bad.sum())} {what} value(s) could not be read as dates and are NaT; "
            f"the first is {s.iloc[first]!r} at row {first}",
            stacklevel=3,
        )
    return parsed


def documents_frame(
    ids: pd.Index, found: dict[str, Any], decode_errors: np.ndarray, meta: pd.DataFrame
) -> pd.DataFrame:
    """One row per document: found metadata overridden by given metadata, then counts."""
    cols: dict[str, Any] = {"doc_id": ids.to_numpy()}
    given = meta.reset_index(drop=True)
    for name in FOUND_COLUMNS:
        col = pd.Series(found[name], dtype=object)
        if name in given.columns:
            col = given[name].astype(object).where(given[name].notna(), col)
        cols[name] = to_datetime(col, "date") if name == "date" else col
    for name in ("n_paragraphs", "n_sentences", "n_tokens"):
        cols[name] = found[name]
    cols["decode_errors"] = decode_errors
    cols["boilerplate"] = found["boilerplate"]
    for name in given.columns:
        if name not in cols:
            cols[name] = given[name].to_numpy()
    return pd.DataFrame(cols)


def titles(found: list[Any], given: Any = None) -> list[str | None]:
    """Each document's headline for the tagger: the given title where there is one
    (as in :func:`documents_frame`), else the one the parser found in the text."""
    if given is None:
        return list(found)
    out = []
    for f, g in zip(found, given, strict=True):
        if isinstance(g, str):
            out.append(g)
        elif g is None or (isinstance(g, float) and g != g) or g is pd.NA or g is pd.NaT:
            out.append(f)
        else:
            out.append(str(g))
    return out


def sentences_frame(ids: pd.Index, cols: dict[str, Any]) -> pd.DataFrame:
    """One row per sentence, keyed by document id."""
    return pd.DataFrame(
        {
            "doc_id": ids.to_numpy()[cols["doc"]],
            "paragraph": cols["paragraph"],
            "sentence": cols["sentence"],
            "start": cols["start"],
            "end": cols["end"],
            "text": cols["text"],
        },
        copy=False,
    )


def tokens_frame(
    doc_id: Any, starts: np.ndarray, ends: np.ndarray, sentence: np.ndarray, text: str
) -> pd.DataFrame:
    """One row per token of one document."""
    return pd.DataFrame(
        {
            "doc_id": np.full(len(starts), doc_id, dtype=object),
            "sentence": sentence,
            "start": starts,
            "end": ends,
            "token": [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)],
        }
    )


MENTION_COLUMNS = ["doc_id", "paragraph", "sentence", "start", "end", "text", "label"]

#: Mention columns held as categoricals: surface forms and labels repeat, and codes
#: into distinct values keep a million mentions to a few MB and make grouping fast.
CATEGORICAL_COLUMNS = ("text", "label")


#: Hidden columns the core's mention tables carry: the document's position in the
#: corpus and the token span within it (so counting never maps characters back to
#: tokens). Users never see them.
HIDDEN_COLUMNS = ("_doc", "_ts", "_te")


def categorical(codes: Any, categories: Any, sort: bool = True) -> pd.Categorical:
    """A categorical from codes into distinct values (no re-hashing of the values).

    Categories are sorted by default, so the same mentions give equal dtypes however
    they were found (one corpus, batches of a scan, partitions of a Dask run). They are
    Python strings (object dtype): turning 100,000 forms into Arrow strings and back
    costs more than everything else done with them.
    """
    cats = pd.Index(list(categories), dtype=object)
    codes = np.asarray(codes, dtype=np.int64)
    if sort and len(cats):
        order = cats.argsort()
        rank = np.empty(len(cats), dtype=np.int64)
        rank[order] = np.arange(len(cats))
        codes = np.where(codes >= 0, rank[np.maximum(codes, 0)], -1)
        cats = cats[order]
    return pd.Categorical.from_codes(codes, categories=cats)


def union(parts: list[Any]) -> pd.Categorical:
    """Concatenate categoricals (or strings) over the union of their categories, as
    :func:`categorical` would have coded them."""
    cats = []
    for p in parts:
        c = pd.Categorical(p)
        cats.append(
            pd.Categorical.from_codes(c.codes, categories=pd.Index(c.categories, dtype=object))
        )
    u = pd.api.types.union_categoricals(cats, ignore_order=True, sort_categories=True)
    return pd.Categorical.from_codes(u.codes, categories=pd.Index(u.categories, dtype=object))


def codes_of(values: Any) -> tuple[np.ndarray, list[Any]]:
    """Codes and distinct values of a column, categorical or not."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        cats = values.cat.categories
        return values.cat.codes.to_numpy(dtype=np.int64), cats.to_numpy(dtype=object).tolist()
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    return codes.astype(np.int64), list(uniques)


def doc_column(ids: pd.Index, doc: np.ndarray) -> Any:
    """The ``doc_id`` of each row, given document positions.

    String ids stay Python strings (object dtype): building Arrow strings for a
    million rows that repeat a few thousand ids is slow and saves nothing.
    """
    values = ids.to_numpy()[doc]
    # copy=False: the fancy-indexed array is already ours, and copying ten million
    # object pointers (a reference count each) costs more than building them did.
    return pd.Series(values, dtype=object, copy=False) if values.dtype == object else values


def mentions_frame(corpus: Any, cols: dict[str, Any], labels: tuple[str, ...]) -> pd.DataFrame:
    """Mentions from the core's columns (document positions, text and label codes).

    The hidden ``_doc`` column is the document's position in the corpus; tables drop
    it before users see them.
    """
    doc = np.asarray(cols["doc"], dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": doc_column(corpus._ids, doc),
            "paragraph": cols["paragraph"],
            "sentence": cols["sentence"],
            "start": cols["start"],
            "end": cols["end"],
            "text": categorical(cols["form"], cols["forms"], sort=False),  # sorted in Rust
            "label": categorical(cols["label"], labels),
            "_doc": doc,
            "_ts": cols["token_start"],
            "_te": cols["token_end"],
        },
        columns=[*MENTION_COLUMNS, *HIDDEN_COLUMNS],
        # The core's arrays are fresh and ours: copying them into one block would
        # cost time and memory, and every later column selection would copy again.
        copy=False,
    )


def visible(df: pd.DataFrame) -> pd.DataFrame:
    """The table without the hidden columns (names starting with ``_``)."""
    return df.drop(columns=[c for c in df.columns if str(c).startswith("_")])


def mention_table(df: pd.DataFrame) -> pd.DataFrame:
    """Mentions as users see them: no hidden columns, and ``in_title`` marking those
    in the headline (whose paragraph and sentence are -1, offsets into the title)."""
    out = visible(df)
    out["in_title"] = df["paragraph"].to_numpy() < 0
    return out


def _as_categories(df: pd.DataFrame) -> pd.DataFrame:
    for c in CATEGORICAL_COLUMNS:
        if not isinstance(df[c].dtype, pd.CategoricalDtype):
            codes, uniques = codes_of(df[c])
            df[c] = categorical(codes, uniques)
    return df


def merge_mentions(
    parts: list[pd.DataFrame], doc_order: pd.Index, extra: list[str] | None = None
) -> pd.DataFrame:
    """Combine mention tables; earlier tables win where spans overlap in a document.

    The result is in corpus order (``doc_order``, the corpus ids), then by position,
    with ``text`` and ``label`` categorical and ``_doc`` the document positions.
    """
    cols = MENTION_COLUMNS + list(extra or [])
    parts = [p for p in parts if len(p)]
    if not parts:
        kinds = {"text": object, "label": object, "_dict": bool}
        empty = pd.DataFrame({c: pd.Series(dtype=kinds.get(c, np.int64)) for c in cols})
        # The ids' own dtype, as a table with mentions has it.
        empty["doc_id"] = doc_column(doc_order, np.zeros(0, dtype=np.int64))
        return _as_categories(empty.assign(_doc=np.zeros(0, dtype=np.int64)))
    # Token spans travel along only if every source has them (external spans do not).
    tokens = ["_ts", "_te"] if all("_ts" in p.columns for p in parts) else []
    parts = [
        p[cols + tokens].assign(
            _doc=p["_doc"] if "_doc" in p else doc_order.get_indexer(p["doc_id"])
        )
        for p in parts
    ]
    if len(parts) == 1:
        out = parts[0]
    else:
        for c in CATEGORICAL_COLUMNS:
            cats = union([p[c] for p in parts])
            at = 0
            for i, p in enumerate(parts):
                parts[i] = p.assign(**{c: cats[at : at + len(p)]})
                at += len(p)
        tagged = pd.concat([p.assign(_rank=i) for i, p in enumerate(parts)], ignore_index=True)
        keep = np.ones(len(tagged), dtype=bool)
        # Within each document, walk spans by priority and drop any that overlaps a
        # span already kept from a higher-priority source.
        # Headline and body offsets are in different texts: only spans in the same
        # one can overlap.
        part = tagged["paragraph"].to_numpy() < 0
        for _, idx in tagged.groupby([tagged["_doc"], part], sort=False).indices.items():
            sub = tagged.iloc[idx]
            taken: list[tuple[int, int, int]] = []
            for j, (a, b, r) in zip(
                idx, zip(sub["start"], sub["end"], sub["_rank"], strict=True), strict=True
            ):
                if any(r2 < r and a < b2 and a2 < b for a2, b2, r2 in taken):
                    keep[j] = False
                else:
                    taken.append((a, b, r))
        out = tagged[keep].drop(columns="_rank")
    d = out["_doc"].to_numpy()
    # Headline mentions (paragraph -1) come before the body's in each document.
    h = (out["paragraph"].to_numpy() >= 0).astype(np.int64)
    a = out["start"].to_numpy()
    b = out["end"].to_numpy()
    # Taggers emit corpus order already; sort only when the parts interleave.
    same_doc, same_part, same_start = d[1:] == d[:-1], h[1:] == h[:-1], a[1:] == a[:-1]
    in_order = (d[1:] > d[:-1]) | (
        same_doc
        & ((h[1:] > h[:-1]) | (same_part & ((a[1:] > a[:-1]) | (same_start & (b[1:] >= b[:-1])))))
    )
    if not in_order.all():
        out = out.iloc[np.lexsort((b, a, h, d))]
    return _as_categories(out.reset_index(drop=True))


def validate_spans(corpus: Any, spans: pd.DataFrame) -> pd.DataFrame:
    """Check external spans against the corpus text; fill paragraph and sentence."""
    from .exceptions import InputError, InputTypeError

    if not isinstance(spans, pd.DataFrame):
        raise InputTypeError(f"spans must be a DataFrame, got {type(spans).__name__}")
    missing = [c for c in ("doc_id", "start", "end", "label") if c not in spans.columns]
    if missing:
        raise InputError(f"spans lack column(s) {missing}; they have {list(spans.columns)}")
    if "in_title" in spans.columns and spans["in_title"].fillna(False).astype(bool).any():
        pos = int(np.flatnonzero(spans["in_title"].fillna(False).astype(bool).to_numpy())[0])
        raise InputError(
            f"row {pos} (index {spans.index[pos]!r}) is a headline span (in_title is True): "
            "spans from other tools must refer to the body, corpus.text(doc_id); drop "
            "the headline rows (spans[~spans.in_title])"
        )
    sents = sentences_frame(corpus._ids, corpus._articles.sentences())
    by_doc = {d: g for d, g in sents.groupby("doc_id", sort=False)}
    rows = []
    for pos, (idx, r) in enumerate(spans.iterrows()):
        where = f"row {pos} (index {idx!r})"
        if r["doc_id"] not in corpus:
            raise InputError(f"{where}: no document with id {r['doc_id']!r}")
        try:
            a, b = int(r["start"]), int(r["end"])
        except (TypeError, ValueError):
            raise InputError(
                f"{where}: start and end must be integers, got {r['start']!r}, {r['end']!r}"
            ) from None
        text = corpus.text(r["doc_id"])
        if not (0 <= a < b <= len(text)):
            raise InputError(
                f"{where}: span {a}:{b} does not fit document {r['doc_id']!r} of "
                f"{len(text)} characters (offsets refer to corpus.text(doc_id))"
            )
        if not isinstance(r["label"], str) or not r["label"]:
            raise InputError(f"{where}: label must be a non-empty str, got {r['label']!r}")
        if "text" in spans.columns and isinstance(r["text"], str) and r["text"] != text[a:b]:
            raise InputError(
                f"{where}: text {r['text']!r} differs from the document's {text[a:b]!r} "
                f"at {a}:{b} (offsets refer to corpus.text(doc_id), the cleaned body)"
            )
        g = by_doc.get(r["doc_id"])
        k = (
            int(np.searchsorted(g["start"].to_numpy(), a, side="right")) - 1
            if g is not None
            else -1
        )
        k = max(k, 0)
        para = int(g["paragraph"].iloc[k]) if g is not None and len(g) else 0
        sent = int(g["sentence"].iloc[k]) if g is not None and len(g) else 0
        rows.append((r["doc_id"], para, sent, a, b, text[a:b], r["label"]))
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype(
        {"paragraph": np.int64, "sentence": np.int64, "start": np.int64, "end": np.int64}
    )
