"""Corpora larger than memory: read files in batches, keep only the mentions.

:func:`scan` reads JSON Lines (``.jsonl``, ``.jsonl.gz``), CSV (``.csv``,
``.csv.gz``) and Parquet files batch by batch. Each batch is parsed, tagged and matched
against the dictionary exactly as an in-memory :class:`~newsgraph.Corpus` would be;
then only compact per-mention records (document position, paragraph, sentence,
character and token span, surface form and label as codes) and the documents'
metadata rows are kept, and the text is dropped. The records of each batch go to a
temporary folder on disk (``spill=``), so memory holds one batch at a time.

Entities are resolved over all batches in two passes, as the in-memory corpus
resolves them at once: the first links short forms within each article ("Lavrov" to
"Sergei Lavrov") and sums, per distinct surface form, what merging across articles
needs; the core merges the distinct forms once; the second pass gives each mention
its entity. Counts and co-occurrence matrices are then summed batch by batch (counts
of separate documents add up), so :meth:`Scan.entities`,
:meth:`Scan.entity_counts`, :meth:`Scan.keyness` and :meth:`Scan.cooccurrence` give
the same tables as the :class:`~newsgraph.Corpus` read from the same file, with
memory bounded by one batch, the distinct forms, the documents' metadata and the
result. Only :meth:`Scan.mentions` and :meth:`Scan.tokens` build a table of every
mention.

>>> import newsgraph.stream, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "a.jsonl")
>>> rows = ['{"id": 1, "text": "Vladimir Putin met Xi Jinping in Moscow."}',
...         '{"id": 2, "text": "Putin and Xi spoke again."}']
>>> _ = open(p, "w").write("\\n".join(rows))
>>> s = newsgraph.stream.scan(p, batch_size=1, progress=False)
>>> len(s)
2
>>> "Vladimir Putin" in set(s.entities()["entity"])
True
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import re
import shutil
import tempfile
import weakref
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, frame, quotes
from ._input import check_ids, show_id, text_values, warn_missing
from ._memory import release_memory
from .corpus import Corpus
from .dedup import NUM_PERM, SHINGLE_SIZE, Sketches
from .entities import ResolveOptions
from .exceptions import (
    DuplicateIdError,
    InputError,
    InputTypeError,
    ParseError,
    ReadError,
)
from .io import _warn_skipped, collect_skipped, csv_errors, csv_options
from .tables import Batch, Tables

__all__ = ["Scan", "scan"]

#: Columns of the compact mention records kept per batch.
RECORD_COLUMNS = [
    "doc",
    "paragraph",
    "sentence",
    "start",
    "end",
    "text",
    "label",
    "_dict",
    "token_start",
    "token_end",
]
_FOUND_LISTS = ("title", "date", "source", "dateline", "credits", "boilerplate")
_FOUND_ARRAYS = ("n_paragraphs", "n_sentences", "n_tokens")
_MISSING = object()


# -- finding mentions in one batch -----------------------------------------------------


def _tagger_of(model: Any, dictionary: Any) -> Any:
    """The tagger to run (or None), checked as :meth:`Corpus.mentions` checks it."""
    from . import ner

    if model is None:
        model = True
    if model is True:
        tagger = ner.load_tagger()
    elif model is False:
        tagger = None
    elif isinstance(model, ner.Tagger):
        tagger = model
    else:
        raise InputTypeError(
            f"model must be True, False or a newsgraph.Tagger, got {type(model).__name__}"
        )
    if dictionary is not None:
        from .dictionary import Dictionary

        if not isinstance(dictionary, Dictionary):
            raise InputTypeError(
                f"dictionary must be a newsgraph.Dictionary, got {type(dictionary).__name__}"
            )
    if tagger is None and dictionary is None:
        raise InputError("nothing to find: give a dictionary, or model=True")
    return tagger


def extract(
    texts: list[str | None],
    offset: int,
    dictionary: Any,
    tagger: Any,
    threads: int | None = None,
    titles: Any = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse a batch of texts and find its mentions and quotations.

    ``titles`` are the batch's given titles (missing values: the ones found in the
    text), tagged with their articles as :meth:`Corpus.mentions` does.

    Returns the mention records (:data:`RECORD_COLUMNS`; ``doc`` is ``offset`` plus the
    position in the batch, ``_dict`` marks dictionary matches) after the same merging
    as :meth:`Corpus.mentions`, and the core's per-document metadata columns, with
    the batch's quotations under ``"_quotes"`` (see :func:`newsgraph.quotes.quote_frame`;
    ``_mention`` is a row of the records).
    """
    articles = _core.parse_texts(texts, threads=threads)
    n = len(texts)
    corpus = Corpus(articles, pd.RangeIndex(offset, offset + n))
    parts = []
    if dictionary is not None:
        from .dictionary import _matches_frame

        parts.append(_matches_frame(corpus, dictionary, threads, False).assign(_dict=True))
    if tagger is not None:
        from . import ner

        found = frame.titles(articles.meta()["title"], titles)
        cols = _core.tag_articles(articles, tagger, threads=threads, titles=found)
        parts.append(frame.mentions_frame(corpus, cols, ner.ENTITY_TYPES).assign(_dict=False))
    merged = frame.merge_mentions(parts, corpus.doc_ids, extra=["_dict"])
    doc = merged["doc_id"].to_numpy(dtype=np.int64)
    if "_ts" in merged.columns:
        ts, te = merged["_ts"].to_numpy(), merged["_te"].to_numpy()
    else:
        ts, te = _core.mention_tokens(
            articles,
            np.ascontiguousarray(doc - offset),
            np.ascontiguousarray(merged["start"], dtype=np.int64),
            np.ascontiguousarray(merged["end"], dtype=np.int64),
            threads=threads,
        )
    records = merged.rename(columns={"doc_id": "doc"}).assign(
        doc=doc, token_start=np.asarray(ts), token_end=np.asarray(te)
    )[RECORD_COLUMNS]
    meta = articles.meta()
    # Quotations need the text, which a scan does not keep: found now, with their
    # speakers as rows of these records, resolved when asked for.
    cols = quotes.raw_quotes(
        articles,
        doc - offset,
        records["token_start"].to_numpy(),
        records["token_end"].to_numpy(),
        records["paragraph"].to_numpy(),
        records["label"].array,
        threads,
    )
    meta["_quotes"] = quotes.quote_frame(cols, pd.RangeIndex(n), offset)
    # Signatures and shingle sets for near_duplicates(): the text is gone afterwards.
    meta["_sketch"] = _core.dedup_sketch(articles, threads=threads)
    return records, meta


# -- collecting batches ----------------------------------------------------------------


#: Record columns kept as uint32 while batches pile up (document positions, and offsets
#: and indexes within an article, which holds under 4 GiB); they are int64 in tables.
_SMALL_INTS = ("doc", "paragraph", "sentence", "start", "end", "token_start", "token_end")


@dataclass
class Collected:
    """Everything kept from the batches read so far (no text).

    Mentions are kept per batch of whole documents, about 40 bytes each: small integers
    as uint32, and the surface form and label as codes into one growing table of
    distinct strings (a batch's forms mostly repeat earlier ones). With ``spill`` (a
    folder) each batch's arrays go to a file there as soon as it is read, so memory
    holds only the distinct strings and one batch at a time.
    """

    batches: list[Any] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    found: dict[str, list[Any]] = field(default_factory=lambda: {k: [] for k in _FOUND_LISTS})
    arrays: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {k: [] for k in _FOUND_ARRAYS}
    )
    n: int = 0
    n_mentions: int = 0
    strings: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: {} for c in frame.CATEGORICAL_COLUMNS}
    )
    #: Per batch, its quotations (their words are text: a few percent of it, kept in
    #: memory) with speakers as rows of the batch's records.
    quotes: list[pd.DataFrame] = field(default_factory=list)
    spill: str | None = None
    _files: int = 0
    sketches: Sketches = field(default_factory=Sketches)
    _dtypes: dict[str, tuple[pd.CategoricalDtype, np.ndarray]] | None = None

    def _codes(self, column: str, values: Any, categories: Any = None) -> np.ndarray:
        """Global codes of a batch's column (categorical, or codes into categories)."""
        if categories is None:
            cat = pd.Categorical(values)
            values, categories = cat.codes, cat.categories
        table = self.strings[column]
        local = np.fromiter(
            (table.setdefault(str(x), len(table)) for x in categories),
            dtype=np.int32,
            count=len(categories),
        )
        codes = np.asarray(values)
        return local[codes] if len(local) else np.zeros(len(codes), dtype=np.int32)

    def put(self, arrays: dict[str, np.ndarray]) -> Any:
        """Keep a batch's arrays (of one length): in memory, or in a file of the spill
        folder (one record array, so reading it back parses one header)."""
        if self.spill is None:
            return arrays
        n = len(next(iter(arrays.values())))
        rec = np.empty(n, dtype=[(k, v.dtype) for k, v in arrays.items()])
        for k, v in arrays.items():
            rec[k] = v
        path = os.path.join(self.spill, f"{self._files}.npy")
        self._files += 1
        try:
            np.save(path, rec)
        except OSError as e:
            raise ReadError(
                f"could not write a batch of mention records to {path}: {e}; give scan() "
                "spill= a folder on a disk with more room, or spill=False to keep them in "
                "memory"
            ) from e
        return path

    @staticmethod
    def get(handle: Any) -> dict[str, np.ndarray]:
        if isinstance(handle, str):
            rec = np.load(handle)
            return {k: rec[k] for k in rec.dtype.names}
        return handle

    @staticmethod
    def drop(handle: Any) -> None:
        """Forget arrays kept by :meth:`put`."""
        if isinstance(handle, str):
            os.remove(handle)

    def _append(self, records: pd.DataFrame, n: int, shift: int = 0, other: Any = None):
        self._dtypes = None
        self.spans.append((self.n, self.n + n))
        if not len(records):
            self.batches.append(None)
            return
        cols: dict[str, Any] = {}
        for c in _SMALL_INTS:
            cols[c] = records[c].to_numpy().astype(np.uint32)
        if shift:
            cols["doc"] += np.uint32(shift)
        for c in frame.CATEGORICAL_COLUMNS:
            if other is None:
                cols[c] = self._codes(c, records[c])
            else:
                cols[c] = self._codes(c, records[c], list(other.strings[c]))
        cols["_dict"] = records["_dict"].to_numpy(dtype=bool)
        self.n_mentions += len(records)
        self.batches.append(self.put(cols))

    def add(self, records: pd.DataFrame, meta: dict[str, Any], n: int) -> None:
        """Keep a batch of ``n`` documents: its mention records (document positions in
        the whole corpus) and the core's metadata columns."""
        self._append(records, n)
        self.quotes.append(meta["_quotes"])
        if "_sketch" in meta:
            self.sketches.spill = self.spill
            self.sketches.add(meta["_sketch"])
        for k in _FOUND_LISTS:
            self.found[k].extend(meta[k])
        for k in _FOUND_ARRAYS:
            self.arrays[k].append(np.asarray(meta[k], dtype=np.int64))
        self.n += n

    def extend(self, other: Collected) -> None:
        """Append another collection's batches, as documents after these."""
        base = self.n
        for handle, (a, b) in zip(other.batches, other.spans, strict=True):
            cols = None if handle is None else other.get(handle)
            records = pd.DataFrame(cols) if cols is not None else pd.DataFrame()
            self.n = base + a
            self._append(records, b - a, shift=base, other=other)
        for q in other.quotes:
            self.quotes.append(q.assign(_doc=q["_doc"] + base))
        self.sketches.spill = self.spill
        self.sketches.extend(other.sketches)
        for k, v in other.found.items():
            self.found[k].extend(v)
        for k, v in other.arrays.items():
            self.arrays[k].extend(v)
        self.n = base + other.n

    def found_columns(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.found)
        for k in _FOUND_ARRAYS:
            parts = self.arrays[k]
            out[k] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return out

    def dtypes(self) -> dict[str, tuple[pd.CategoricalDtype, np.ndarray]]:
        """Per categorical column: the dtype (distinct values, sorted) and each global
        code's place in it, so every batch's column has the same dtype."""
        if self._dtypes is None:
            self._dtypes = {}
            for c in frame.CATEGORICAL_COLUMNS:
                cats = pd.Index(list(self.strings[c]), dtype=object)
                order = cats.argsort() if len(cats) else np.zeros(0, dtype=np.int64)
                rank = np.empty(len(cats), dtype=np.int64)
                rank[order] = np.arange(len(cats))
                self._dtypes[c] = (pd.CategoricalDtype(cats[order]), rank)
        return self._dtypes

    def columns(self) -> Iterator[dict[str, np.ndarray] | None]:
        """Each batch's arrays (None for a batch without mentions), in order."""
        for handle in self.batches:
            yield None if handle is None else self.get(handle)


# -- the result ------------------------------------------------------------------------


class Scan(Tables):
    """Mentions, entities and documents of a corpus read in batches by :func:`scan`.

    Offers the tables of :class:`~newsgraph.Corpus` that do not need the text (the
    methods of :class:`newsgraph.tables.Tables`, written once for both):
    :meth:`documents`, :meth:`mentions`, :meth:`entities`, :meth:`entity_counts`,
    :meth:`keyness`, :meth:`cooccurrence`, :meth:`plot_timeline` and
    :meth:`resolve`. The dictionary and tagger are those given to :func:`scan`.

    The mentions stay in their batches (on disk, unless ``scan(..., spill=False)``).
    Entities are resolved in two passes over them, and counts and co-occurrence
    matrices are summed batch by batch, so memory follows one batch, the distinct
    surface forms and the result, not the number of mentions. Only :meth:`mentions`
    and :meth:`tokens` build a table of every mention.
    """

    def __init__(
        self,
        collected: Collected,
        ids: pd.Index,
        documents: pd.DataFrame,
        *,
        dictionary: Any = None,
        tagger: Any = None,
        threads: int | None = None,
        origin: str = "",
        resolve_options: ResolveOptions | None = None,
        progress: bool | None = None,
    ) -> None:
        self._coll = collected
        self._progress = progress
        self._ids = pd.Index(ids, name="doc_id")
        self._documents = documents
        self._dictionary = dictionary
        self._tagger = tagger
        self._threads = threads
        self._origin = origin
        self._resolve_opts = resolve_options or ResolveOptions()
        self._cache: tuple[pd.DataFrame, list[Any]] | None = None
        self.skipped = pd.DataFrame({"line": [], "error": []})

    def _document_table(self) -> pd.DataFrame:
        return self._documents

    # -- entities --------------------------------------------------------------------

    def _check_same(self, dictionary: Any, model: Any) -> None:
        if (
            dictionary is not None
            and dictionary is not self._dictionary
            and (self._dictionary is None or dictionary != self._dictionary)
        ):
            raise InputError(
                "this scan found mentions with the dictionary given to scan(); "
                "scan again to use another"
            )
        if model is not None and model is not True and model is not self._tagger:
            if model is False and self._tagger is None:
                return
            raise InputError(
                "this scan found mentions with the model given to scan(); scan again to use another"
            )

    def _resolved(self) -> tuple[pd.DataFrame, list[Any]]:
        """The entity table and, per batch, the entity id of each mention (kept as the
        batches are: in memory or spilled)."""
        if self._cache is None:
            from .entities import resolve_batches

            coll = self._coll
            self._cache = resolve_batches(
                coll.columns,
                list(coll.strings["text"]),
                list(coll.strings["label"]),
                self._resolve_opts,
                coll,
                threads=self._threads,
            )
        return self._cache

    def _frames(self) -> Iterator[tuple[tuple[int, int], pd.DataFrame]]:
        """Per batch: its documents (range of positions) and its mentions as the
        in-memory corpus's cached table has them (hidden columns included; the index is
        the row in :meth:`mentions`)."""
        ents, kept = self._resolved()
        # The entity column's categories as the in-memory table has them.
        name_codes, names = pd.factorize(ents["entity"].to_numpy(dtype=object))
        entity_dtype = pd.CategoricalDtype(pd.Index(names, dtype=object))
        dtypes = self._coll.dtypes()
        row = 0
        batches: Iterator[tuple[Any, Any, tuple[int, int]]] = zip(
            self._coll.columns(), kept, self._coll.spans, strict=True
        )
        if not kept:
            batches = iter([(None, None, (0, 0))])
        for cols, handle, span in batches:
            if cols is None:
                cols = {c: np.zeros(0, dtype=np.uint32) for c in _SMALL_INTS}
                cols.update(text=np.zeros(0, dtype=np.int32), label=np.zeros(0, dtype=np.int32))
                ent = np.zeros(0, dtype=np.int64)
            else:
                ent = self._coll.get(handle)["entity_id"].astype(np.int64)
            doc = cols["doc"].astype(np.int64)
            out = {
                "doc_id": frame.doc_column(self._ids, doc),
                # Headline mentions' -1 is stored as 2**32 - 1.
                **{c: cols[c].view(np.int32).astype(np.int64) for c in ("paragraph", "sentence")},
                **{c: cols[c].astype(np.int64) for c in ("start", "end")},
            }
            for c in frame.CATEGORICAL_COLUMNS:
                dtype, rank = dtypes[c]
                out[c] = pd.Categorical.from_codes(rank[cols[c]], dtype=dtype)
            out["entity_id"] = ent
            out["entity"] = pd.Categorical.from_codes(name_codes[ent], dtype=entity_dtype)
            out["_doc"] = doc
            out["_ts"] = cols["token_start"].astype(np.int64)
            out["_te"] = cols["token_end"].astype(np.int64)
            df = pd.DataFrame(out)
            df.index = pd.RangeIndex(row, row + len(df))
            del out, cols
            yield span, df
            row += len(df)
            del df
            release_memory()

    def _mention_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        # The mentions were found when reading: nothing long to show a bar for.
        self._show_progress(progress)
        self._check_same(dictionary, model)
        return self._frames()

    def _quote_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        self._show_progress(progress)
        self._check_same(dictionary, model)
        for (span, m), q in zip(self._frames(), self._coll.quotes or [None], strict=True):
            if q is None:
                q = quotes.empty_frame()
            q = q.assign(doc_id=frame.doc_column(self._ids, q["_doc"].to_numpy(dtype=np.int64)))
            yield span, quotes.attach_speakers(q, m)

    def _entity_table(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> pd.DataFrame:
        self._show_progress(progress)
        self._check_same(dictionary, model)
        return self._resolved()[0]

    def _labels_present(
        self, dictionary: Any, model: Any, progress: bool | None = None
    ) -> set[Any]:
        # Every label the batches hold, without reading them again.
        return set(self._coll.strings["label"])

    def tokens(self) -> pd.DataFrame:
        """Token spans of the mentions: ``token_start, token_end`` (token indexes
        within the document, half-open; for headline mentions, within the headline),
        aligned with :meth:`mentions`."""
        parts = [
            pd.DataFrame(
                {
                    "token_start": np.zeros(0, dtype=np.int64)
                    if cols is None
                    else cols["token_start"].astype(np.int64),
                    "token_end": np.zeros(0, dtype=np.int64)
                    if cols is None
                    else cols["token_end"].astype(np.int64),
                }
            )
            for cols in self._coll.columns()
        ]
        return (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(
                {
                    "token_start": np.zeros(0, dtype=np.int64),
                    "token_end": np.zeros(0, dtype=np.int64),
                }
            )
        )

    def _with_options(self, resolve_options: ResolveOptions) -> Scan:
        # The mentions are kept: only the resolution is done again.
        other = Scan(
            self._coll,
            self._ids,
            self._documents,
            dictionary=self._dictionary,
            tagger=self._tagger,
            threads=self._threads,
            origin=self._origin,
            resolve_options=resolve_options,
            progress=self._progress,
        )
        other.skipped = self.skipped
        return other

    # -- co-occurrence ---------------------------------------------------------------

    def _count_batch(
        self, m: pd.DataFrame, doc_pos: Any, index: Any, span: tuple[int, int], **kw: Any
    ) -> Any:
        """Count one batch's mentions (``m``, filtered) over its documents only, so the
        number of contexts adds up over batches."""
        from .cooccur import count_from_tokens

        a, b = span
        if kw.get("group") is not None:
            kw["group"] = kw["group"][a:b]
        return count_from_tokens(
            m, doc_pos - a, index, m["_ts"], m["_te"], self._documents.iloc[a:b], **kw
        )

    # -- near-duplicates -------------------------------------------------------------

    def _duplicate_pairs(
        self, opts: Any, threads: int | None, progress: bool | None
    ) -> tuple[Any, Any, Any]:
        # The batches were sketched when read, with the defaults.
        if (opts.shingle_size, opts.num_perm) != (SHINGLE_SIZE, NUM_PERM):
            raise InputError(
                f"a scan sketches its documents when reading them, with shingle_size="
                f"{SHINGLE_SIZE} and num_perm={NUM_PERM}; got shingle_size="
                f"{opts.shingle_size}, num_perm={opts.num_perm} (read the corpus into "
                "memory for other values)"
            )
        self._show_progress(progress)
        return self._coll.sketches.pairs(
            opts.threshold, self._threads if threads is None else threads
        )

    # -- display ---------------------------------------------------------------------

    def _summary(self) -> str:
        sentences = int(self._documents["n_sentences"].sum())
        tokens = int(self._documents["n_tokens"].sum())
        origin = f" from {self._origin}" if self._origin else ""
        return (
            f"{len(self):,} documents, {sentences:,} sentences, {tokens:,} tokens, "
            f"{self._coll.n_mentions:,} mentions{origin}"
        )


# -- readers ---------------------------------------------------------------------------


def _format(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".gz", ".gzip"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    raise InputError(
        f"cannot tell the format of {str(path)!r}: name it .jsonl(.gz), .csv(.gz) or .parquet"
    )


class _Progress:
    """A tqdm bar over input bytes (compressed bytes for gzip), or nothing."""

    def __init__(self, paths: list[Path], enabled: bool) -> None:
        self.bar = None
        self.done = 0
        if enabled:
            from tqdm.auto import tqdm

            total = sum(p.stat().st_size for p in paths)
            self.bar = tqdm(total=total, unit="B", unit_scale=True, desc="scan")

    def to(self, base: int, pos: int, docs: int) -> None:
        if self.bar is not None:
            new = base + pos
            if new > self.done:
                self.bar.update(new - self.done)
                self.done = new
            self.bar.set_postfix(documents=f"{docs:,}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_blank(line: bytes) -> bool:
    return not line.strip(b" \t\n\r\x0c")


def _decode(raw: bytes) -> tuple[str, int]:
    """As the core's ``decode_lossy``: replace invalid UTF-8 and count the sequences."""
    try:
        return raw.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = raw.decode("utf-8", "replace")
        return text, text.count("\ufffd") - raw.count("\ufffd".encode())


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"


def _parse_error(path: Path, line: int, message: str, cls: type = ParseError) -> Exception:
    e = cls(f"{path}, line {line}: {message}")
    e.path = str(path)
    e.line = line
    return e


@dataclass
class _JsonlState:
    columns: dict[str, list[Any]] = field(default_factory=dict)
    ids: list[Any] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    decode_errors: list[int] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    n: int = 0


#: As the core's reader words it: a number id beyond 64 bits has lost digits there.
HUGE_ID = "the id is a number beyond 64 bits, which loses digits: write such ids as strings"


def _huge_number(x: Any) -> bool:
    """A JSON number id that a 64-bit reader cannot keep exactly."""
    if isinstance(x, bool):
        return False
    if isinstance(x, int):
        return not -(2**63) <= x < 2**64
    return isinstance(x, float) and x.is_integer() and abs(x) >= 2.0**63


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_JSON_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


# The core's JSON reader (serde_json) refuses values nested deeper than this, to keep
# its stack bounded; scan refuses the same lines so both readers agree.
MAX_JSON_DEPTH = 127
TOO_DEEP = f"nested deeper than {MAX_JSON_DEPTH} levels (recursion limit exceeded)"


def _too_deep(obj: Any) -> bool:
    """Whether ``obj`` nests objects and arrays deeper than the core's reader allows.

    >>> v = "x"
    >>> for _ in range(127):
    ...     v = [v]
    >>> _too_deep(v), _too_deep([v])
    (False, True)
    """
    stack = [(obj, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            return True
        children = v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def _replace_lone_surrogates(s: str) -> tuple[str, int]:
    """As the core's reader does: each JSON escape of a lone UTF-16 surrogate
    (``\\ud800`` with no partner) becomes ``\\ufffd``; returns the line and how many.

    >>> _replace_lone_surrogates(r'{"t": "a\\ud800 \\ud83d\\ude00 \\\\ud800"}')
    ('{"t": "a\\\\ufffd \\\\ud83d\\\\ude00 \\\\\\\\ud800"}', 1)
    """
    escapes = list(_JSON_ESCAPE.finditer(s))
    parts, n, last, i = [], 0, 0, 0
    while i < len(escapes):
        m = escapes[i]
        u = int(m.group(1), 16) if m.group(1) else -1
        nxt = escapes[i + 1] if i + 1 < len(escapes) else None
        if (
            0xD800 <= u < 0xDC00
            and nxt is not None
            and nxt.start() == m.end()
            and nxt.group(1)
            and 0xDC00 <= int(nxt.group(1), 16) < 0xE000
        ):
            i += 2
            continue
        if 0xD800 <= u < 0xE000:
            parts += [s[last : m.start()], "\\ufffd"]
            last, n = m.end(), n + 1
        i += 1
    return ("".join(parts) + s[last:], n) if n else (s, 0)


def _lines(f: Any, path: Path) -> Iterator[bytes]:
    """The lines of an open file; a broken gzip stream is a ReadError naming the file,
    worded as the core's reader words it."""
    it = iter(f)
    while True:
        try:
            line = next(it)
        except StopIteration:
            return
        except EOFError as e:
            raise ReadError(f"{path}: incomplete deflate stream") from e
        except (gzip.BadGzipFile, zlib.error) as e:
            raise ReadError(f"{path}: corrupt deflate stream") from e
        yield line


def _jsonl_batches(
    path: Path,
    text: str,
    id: str | None,
    batch_size: int,
    skip: bool,
    st: _JsonlState,
    progress: Callable[[int], None],
) -> Iterator[list[str | None]]:
    """Texts in batches; everything else goes to ``st`` (as the core's read_jsonl)."""
    raw = open(path, "rb")  # noqa: SIM115 - closed below; gzip wraps it
    try:
        head = raw.read(2)
        raw.seek(0)
        f = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
        batch: list[str | None] = []
        for n, line in enumerate(_lines(f, path), start=1):
            if n == 1 and line.startswith(codecs.BOM_UTF8):
                line = line[3:]
            if line.endswith(b"\n"):
                line = line[:-1]
            if line.endswith(b"\r"):
                line = line[:-1]
            if _is_blank(line):
                continue
            s, bad = _decode(line)
            if _SURROGATE_ESCAPE.search(s):
                s, lone = _replace_lone_surrogates(s)
                bad += lone
            try:
                obj = json.loads(s, parse_constant=_no_constants)
                if (s.count("{") + s.count("[") > MAX_JSON_DEPTH) and _too_deep(obj):
                    raise ValueError(TOO_DEEP)
            except (ValueError, RecursionError) as e:
                err = _parse_error(path, n, f"invalid JSON: {e}")
                if skip:
                    st.skipped.append((n, f"invalid JSON: {e}"))
                    continue
                raise err from None
            if not isinstance(obj, dict):
                msg = f"expected a JSON object, found {_kind(obj)}"
                if skip:
                    st.skipped.append((n, msg))
                    continue
                raise _parse_error(path, n, msg)
            t = obj.pop(text, None)
            if t is not None and not isinstance(t, str):
                msg = f'field "{text}" is {_kind(t)}, not a string'
                if skip:
                    st.skipped.append((n, msg))
                    continue
                raise _parse_error(path, n, msg, InputTypeError)
            the_id = obj.pop(id, _MISSING) if id is not None else _MISSING
            if _huge_number(the_id):
                if skip:
                    st.skipped.append((n, HUGE_ID))
                    continue
                raise _parse_error(path, n, HUGE_ID)
            st.ids.append(the_id)
            row = st.n
            for k in sorted(obj):
                col = st.columns.get(k)
                if col is None:
                    col = st.columns[k] = [None] * row
                col.append(obj[k])
            st.n += 1
            for col in st.columns.values():
                if len(col) < st.n:
                    col.append(None)
            st.lines.append(n)
            st.decode_errors.append(bad)
            if t is None:
                st.missing.append(f"line {n}")
            batch.append(t)
            if len(batch) >= batch_size:
                progress(raw.tell())
                yield batch
                batch = []
        if batch:
            progress(raw.tell())
            yield batch
    finally:
        raw.close()


def _utf8_ok(path: Path) -> bool:
    """Whether the (decompressed) file is valid UTF-8, read in pieces."""
    opener = gzip.open if _gzipped(path) else open
    dec = codecs.getincrementaldecoder("utf-8")()
    with opener(path, "rb") as f:
        while True:
            chunk = f.read(1 << 20)
            try:
                dec.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return False
            if not chunk:
                return True


def _gzipped(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _frame_batches(
    path: Path,
    fmt: str,
    text: str,
    id: str | None,
    batch_size: int,
    read_options: dict[str, Any],
    progress: Callable[[int], None],
    skipped: list[tuple[int, str]] | None = None,
) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """DataFrames of up to ``batch_size`` rows, and their decode error counts. With
    ``skipped``, CSV rows with too many fields are left out and listed there as (line,
    reason), as :func:`newsgraph.read_csv` does with ``errors="skip"``."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(path)
        total = max(pf.metadata.num_rows, 1)
        size = path.stat().st_size
        done = 0
        for rb in pf.iter_batches(batch_size=batch_size, **read_options):
            df = rb.to_pandas()
            done += len(df)
            progress(int(size * done / total))
            yield df, np.zeros(len(df), dtype=np.int64)
        return
    options = csv_options(text, id, read_options)
    if skipped is not None:
        options["on_bad_lines"] = "warn"
    found: list[tuple[int, str]] = [] if skipped is None else skipped
    # Errors as read_csv gives them, but only around the reading itself: warning
    # filters are global, so they must not stay changed while a batch is out.
    with csv_errors(path):
        valid = _utf8_ok(path)
        raw = open(path, "rb")  # noqa: SIM115 - closed below
    try:
        binary = gzip.GzipFile(fileobj=raw) if _gzipped(path) else raw
        handle = io.TextIOWrapper(
            binary, encoding="utf-8-sig", errors="strict" if valid else "replace", newline=""
        )
        with csv_errors(path):
            chunks = pd.read_csv(handle, chunksize=batch_size, **options)
        while True:
            with csv_errors(path), collect_skipped(found):
                df = next(chunks, None)
            if df is None:
                break
            errors = np.zeros(len(df), dtype=np.int64)
            if not valid:
                for col in df.columns:
                    if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
                        counts = df[col].map(
                            lambda v: v.count("\ufffd") if isinstance(v, str) else 0
                        )
                        errors += counts.to_numpy(dtype=np.int64)
            progress(raw.tell())
            yield df, errors
    finally:
        raw.close()


def scan(
    paths: Any,
    text: str = "text",
    id: str | None = "id",
    *,
    batch_size: int = 2000,
    dictionary: Any = None,
    model: Any = None,
    threads: int | None = None,
    progress: bool | None = None,
    errors: str = "raise",
    spill: bool | str | os.PathLike[str] = True,
    **read_options: Any,
) -> Scan:
    """Read articles in batches and keep only their mentions and metadata.

    ``paths``: a file, a glob pattern or a list of them; JSON Lines (``.jsonl``,
    ``.jsonl.gz``), CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``), taken in
    order as one corpus. ``text``/``id`` name the text and id fields as in
    :func:`newsgraph.read_jsonl` (for JSON Lines, ids are row numbers when no record has
    the id field) and :func:`newsgraph.read_csv` (CSV and Parquet need the ``id``
    column unless ``id=None``). ``dictionary``/``model`` are as in
    :meth:`Corpus.mentions`. ``batch_size`` documents are held at a time; a bar over
    the bytes read shows when stderr is a terminal or in Jupyter, or as ``progress=True``
    or ``False`` says (kept as the scan's default); ``errors="skip"`` leaves out
    malformed JSON lines and CSV rows with too many fields (listed in
    ``Scan.skipped``). Extra keyword arguments go to ``pandas.read_csv`` or
    ``pyarrow.parquet.ParquetFile.iter_batches`` (``columns=``).

    ``spill``: where the mention records wait between the passes. ``True`` (the
    default) writes each batch's records (about 40 bytes a mention) to a temporary
    folder, deleted with the result, so memory stays bounded whatever the corpus size;
    a folder path puts that temporary folder there (for a disk with more room);
    ``False`` keeps them in memory.

    Each batch is also sketched for :meth:`Scan.near_duplicates` and
    :meth:`Scan.duplicate_groups` (word 3-gram shingles, 128-value signatures: see
    :mod:`newsgraph.dedup`): the signatures stay in memory (512 bytes a document), the
    shingle sets (8 bytes a shingle) wait with the mention records.

    The tables equal those of the in-memory corpus read from the same file(s).
    """
    if errors not in ("raise", "skip"):
        raise InputError(f"errors must be 'raise' or 'skip', got {errors!r}")
    _checks.fields(text, id)
    batch_size = _checks.integer("batch_size", batch_size, minimum=1)
    files = _checks.paths(paths, "scan")
    formats = [_format(p) for p in files]
    tagger = _tagger_of(model, dictionary)
    where = str(files[0]) if len(files) == 1 else f"{len(files)} files"
    bar = _Progress(files, _checks.progress(progress))
    coll = Collected(spill=_spill_folder(spill))
    if coll.spill is not None:
        weakref.finalize(coll, shutil.rmtree, coll.spill, True)
    seen: set[Any] = set()
    jsonl_states: list[_JsonlState] = []
    csv_skipped: list[tuple[int, str]] = []
    frame_ids: list[Any] = []  # per batch: ids (Series/Index) of CSV and Parquet files
    meta_frames: list[pd.DataFrame] = []
    decode: list[np.ndarray] = []
    missing_frames: list[str] = []
    base = 0

    def step(texts: list[str | None], batch_ids: Any, titles: Any) -> None:
        if batch_ids is not None:
            _check_new_ids(batch_ids, seen, where)
        records, meta = extract(texts, coll.n, dictionary, tagger, threads, titles)
        coll.add(records, meta, len(texts))
        del records, meta
        release_memory()

    try:
        for path, fmt in zip(files, formats, strict=True):
            report = lambda pos, b=base: bar.to(b, pos, coll.n)  # noqa: E731
            if fmt == "jsonl":
                if read_options:
                    raise InputTypeError(
                        f"options {sorted(read_options)} apply to CSV and Parquet, not JSON Lines"
                    )
                st = _JsonlState()
                jsonl_states.append(st)
                for texts in _jsonl_batches(
                    path, text, id, batch_size, errors == "skip", st, report
                ):
                    new = [x for x in st.ids[st.n - len(texts) :] if x is not _MISSING]
                    given = st.columns.get("title")
                    step(texts, new or None, given and given[st.n - len(texts) : st.n])
                _finish_jsonl(st, path, id)
            else:
                first = True
                row0 = coll.n
                for df, errs in _frame_batches(
                    path,
                    fmt,
                    text,
                    id,
                    batch_size,
                    dict(read_options),
                    report,
                    csv_skipped if errors == "skip" else None,
                ):
                    if first:
                        for name, what in ((text, "text"), (id, "id")):
                            if name is not None and name not in df.columns:
                                raise InputError(
                                    f"{path} has no {what} column {name!r}; its columns are "
                                    f"{list(df.columns)}"
                                )
                        first = False
                    if id is not None:
                        ids = df[id]
                    elif isinstance(df.index, pd.RangeIndex):
                        ids = pd.RangeIndex(coll.n, coll.n + len(df))
                    else:
                        ids = df.index
                    missing: list[Any] = []
                    texts = text_values(
                        df[text].tolist(), list(ids), coll.n - row0, str(path), missing
                    )
                    missing_frames.extend(show_id(x) for x in missing)
                    frame_ids.append(ids)
                    decode.append(errs)
                    meta_frames.append(
                        df.drop(columns=[c for c in (text, id) if c is not None]).reset_index(
                            drop=True
                        )
                    )
                    step(texts, list(ids), df["title"].tolist() if "title" in df else None)
            base += path.stat().st_size
            bar.to(base, 0, coll.n)
    finally:
        bar.close()

    ids, meta, decode_errors, skipped = _assemble(
        files, formats, jsonl_states, frame_ids, meta_frames, decode, coll.n
    )
    skipped = skipped + csv_skipped
    check_ids(ids, where)
    missing_lines = [m for st in jsonl_states for m in st.missing]
    warn_missing(missing_lines + missing_frames, where)
    _warn_skipped(skipped, where, "line(s)")
    docs = frame.documents_frame(ids, coll.found_columns(), decode_errors, meta)
    out = Scan(
        coll,
        ids,
        docs,
        dictionary=dictionary,
        tagger=tagger,
        threads=threads,
        origin=where,
        progress=progress,
    )
    out.skipped = pd.DataFrame(skipped, columns=["line", "error"])
    return out


def _spill_folder(spill: Any) -> str | None:
    """A new temporary folder for spilled batches (None: keep them in memory)."""
    if spill is False:
        return None
    if spill is not True and not isinstance(spill, (str, os.PathLike)):
        raise InputTypeError(f"spill must be True, False or a folder path, got {spill!r}")
    if spill is not True and not os.path.isdir(spill):
        raise InputError(f"spill={str(spill)!r} is not a folder")
    where = None if spill is True else spill
    try:
        return tempfile.mkdtemp(prefix="newsgraph-scan-", dir=where)
    except OSError as e:
        shown = tempfile.gettempdir() if where is None else str(where)
        raise ReadError(
            f"cannot make a folder for spilled batches in {shown!r} ({e.strerror or e}); "
            "give spill= a writable folder, or spill=False to keep batches in memory"
        ) from e


def _mixed_ids(st: _JsonlState, path: Path, id: str | None) -> None:
    missing = [st.lines[i] for i, x in enumerate(st.ids) if x is _MISSING or x is None]
    raise InputError(
        f"{len(missing)} record(s) in {str(path)!r} have no {id!r} field, e.g. at line "
        f"{missing[0]}; give id=None to number the documents instead"
    )


def _finish_jsonl(st: _JsonlState, path: Path, id: str | None) -> None:
    if any(x is not _MISSING for x in st.ids) and any(x is _MISSING or x is None for x in st.ids):
        _mixed_ids(st, path, id)


def _check_new_ids(batch_ids: list[Any], seen: set[Any], where: str) -> None:
    """Fail early on a duplicate id (the full check runs at the end too)."""
    dup = []
    for x in batch_ids:
        try:
            if x in seen:
                dup.append(x)
            else:
                seen.add(x)
        except TypeError:  # unhashable: the final check reports it
            return
    if dup:
        shown = ", ".join(show_id(x) for x in dict.fromkeys(dup))
        raise DuplicateIdError(f"duplicate document ids in {where}: {shown}")


def _assemble(
    files: list[Path],
    formats: list[str],
    jsonl_states: list[_JsonlState],
    frame_ids: list[Any],
    meta_frames: list[pd.DataFrame],
    decode: list[np.ndarray],
    n: int,
) -> tuple[pd.Index, pd.DataFrame, np.ndarray, list[tuple[int, str]]]:
    """Ids, metadata and decode errors of all files, as the in-memory readers build them."""
    if set(formats) == {"jsonl"}:
        raw: list[Any] = []
        columns: dict[str, list[Any]] = {}
        total = 0
        for st in jsonl_states:
            if any(x is not _MISSING for x in st.ids):
                raw.extend(None if x is _MISSING else x for x in st.ids)
            else:
                raw.extend([_MISSING] * st.n)
            for k, col in st.columns.items():
                if k not in columns:
                    columns[k] = [None] * total
                columns[k].extend(col)
            total += st.n
            for col in columns.values():
                col.extend([None] * (total - len(col)))
        if all(x is _MISSING for x in raw):
            ids: pd.Index = pd.RangeIndex(n)
        else:
            raw = [None if x is _MISSING else x for x in raw]
            ids = pd.Index(raw, dtype=object if any(isinstance(x, str) for x in raw) else None)
        meta = pd.DataFrame(columns, index=range(n))
        errors = np.asarray([e for st in jsonl_states for e in st.decode_errors], dtype=np.int64)
        skipped = [s for st in jsonl_states for s in st.skipped]
        return pd.Index(ids, name="doc_id"), meta, errors, skipped
    if "jsonl" in formats:
        raise InputError("scan reads several files of one kind: do not mix JSON Lines with CSV")
    if frame_ids:
        if all(isinstance(x, pd.RangeIndex) for x in frame_ids):
            ids = pd.RangeIndex(n)
        else:
            ids = pd.Index(
                pd.concat([pd.Series(x, copy=False) for x in frame_ids], ignore_index=True)
            )
        meta = pd.concat(meta_frames, ignore_index=True)
        errors = np.concatenate(decode)
    else:
        ids = pd.RangeIndex(0)
        meta = pd.DataFrame(index=range(0))
        errors = np.zeros(0, dtype=np.int64)
    return pd.Index(ids, name="doc_id"), meta, errors, []
