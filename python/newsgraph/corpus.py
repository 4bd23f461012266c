"""The :class:`Corpus` users hold: parsed articles plus their ids and metadata."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, _input, frame, store
from ._memory import release_memory
from .entities import ResolveOptions
from .exceptions import InputError, InputTypeError, UnknownDocumentError
from .tables import Batch, Tables


@dataclass(frozen=True)
class Document:
    """One parsed article, as yielded by iterating a :class:`Corpus`.

    ``text`` is the cleaned body that all character offsets refer to; ``meta`` is the
    document's row of :meth:`Corpus.documents` as a dict.
    """

    doc_id: Any
    text: str
    meta: dict[str, Any] = field(repr=False)


class Corpus(Tables):
    """A parsed news corpus.

    Build one with :func:`newsgraph.load_seeds`, :func:`newsgraph.read_dir`,
    :func:`newsgraph.read_jsonl`, :func:`newsgraph.read_csv` or
    :meth:`Corpus.from_pandas`; then ask for tables (the methods of
    :class:`newsgraph.tables.Tables`, which it shares with :class:`newsgraph.Scan`).

    >>> import newsgraph
    >>> corpus = newsgraph.load_seeds()
    >>> len(corpus)
    5
    >>> corpus.documents().loc[2, "source"]
    'Bloomberg'
    """

    def __init__(
        self,
        articles: _core.Articles,
        ids: pd.Index,
        meta: pd.DataFrame | None = None,
        decode_errors: Any = None,
        origin: str = "",
        progress: bool | None = None,
    ) -> None:
        # Readers build corpora; the checks on ids and texts (and progress) live there.
        self._articles = articles
        self._ids = pd.Index(ids, name="doc_id")
        self._meta = meta if meta is not None else pd.DataFrame(index=range(len(ids)))
        n = len(articles)
        self._decode_errors = (
            np.zeros(n, dtype=np.int64)
            if decode_errors is None
            else np.asarray(decode_errors, dtype=np.int64)
        )
        self._origin = origin
        self._documents: pd.DataFrame | None = None
        self._external: pd.DataFrame | None = None
        self._mention_cache: dict[Any, tuple[pd.DataFrame, pd.DataFrame]] = {}
        # The last quotation table, with the mention table it was found with.
        self._quote_cache: dict[Any, tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._resolve_opts = ResolveOptions()
        # The reader's progress= (None: not given), the default of the later calls.
        self._progress = progress

    @classmethod
    def from_pandas(
        cls,
        df: pd.DataFrame,
        text: str = "text",
        id: str | None = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Corpus:
        """Parse the articles in a DataFrame.

        ``text`` names the column of article texts; ``id`` names the id column, or
        ``None`` to use the DataFrame's index. Every other column is kept as metadata;
        ``title``, ``date``, ``source``, ``dateline`` and ``credits`` columns win over
        what is found in the text.

        >>> import pandas as pd, newsgraph
        >>> df = pd.DataFrame({"text": ["PARIS (Reuters) - Prices rose."], "outlet": ["R"]})
        >>> newsgraph.Corpus.from_pandas(df).documents()[["doc_id", "dateline", "source"]]
           doc_id dateline   source
        0       0    PARIS  Reuters
        """
        articles, ids, meta = _input.frame_parts(df, text, id, threads=threads, progress=progress)
        return cls(articles, ids, meta, progress=progress)

    @classmethod
    def from_arrow(
        cls,
        obj: Any,
        text: str = "text",
        id: str | None = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Corpus:
        """Parse the articles in an Arrow table (needs ``pyarrow``).

        ``obj`` is anything with the Arrow C stream interface (``__arrow_c_stream__``):
        a pyarrow ``Table`` or ``RecordBatchReader``, a polars ``DataFrame``, a DuckDB
        result. ``text`` and ``id`` name columns as in :meth:`from_pandas` (``None``:
        row numbers); every other column is kept as metadata. The texts are read in
        place from the Arrow buffers, without making Python strings of them; bytes
        that are not UTF-8 (which Arrow forbids, but a producer may write) become
        U+FFFD and are counted in ``documents()["decode_errors"]``.

        >>> import pyarrow as pa, newsgraph
        >>> t = pa.table({"id": ["a"], "text": ["PARIS (Reuters) - Talks ended."]})
        >>> newsgraph.Corpus.from_arrow(t, id="id").documents()[["doc_id", "source"]]
          doc_id   source
        0      a  Reuters
        """
        where = "the Arrow table"
        articles, ids, meta, errors = _input.arrow_parts(
            _input.arrow_table(obj), text, id, threads=threads, progress=progress, where=where
        )
        return cls(articles, ids, meta, errors, origin=where, progress=progress)

    @classmethod
    def from_texts(
        cls,
        texts: Any,
        ids: Any = None,
        meta: Any = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Corpus:
        """Parse a list (or Series, or any iterable) of article texts.

        ``ids`` gives the document ids (default: the Series' index, else 0, 1, ...);
        ``meta`` is a DataFrame or a dict of columns, one row per text, kept as
        metadata (``title``, ``date``, ``source``, ... win over what is found in the
        text). Missing texts (None, NaN) become empty documents with a warning; a
        text that is not a string, ids or meta of another length are errors.

        >>> import newsgraph
        >>> c = newsgraph.Corpus.from_texts(
        ...     ["Olaf Scholz met Emmanuel Macron in Berlin.", "Prices rose in Paris."],
        ...     ids=["a", "b"], meta={"outlet": ["DW", "AFP"]}, progress=False)
        >>> c.documents()[["doc_id", "outlet", "n_tokens"]]
          doc_id outlet  n_tokens
        0      a     DW         8
        1      b    AFP         5
        """
        df, column = _input.texts_frame(texts, ids, meta)
        articles, index, given = _input.frame_parts(
            df, column, None, threads=threads, progress=progress, where="the texts"
        )
        return cls(articles, index, given, progress=progress)

    # -- size and access -------------------------------------------------------------

    def __iter__(self) -> Iterator[Document]:
        docs = self.documents()
        for pos, row in enumerate(docs.to_dict("records")):
            yield Document(row["doc_id"], self._articles.text(pos), row)

    def __getitem__(self, doc_id: Any) -> Any:
        if isinstance(doc_id, (list, tuple, np.ndarray, pd.Index, pd.Series)):
            return self.filter(doc_id)
        pos = self._position(doc_id)
        row = self.documents().iloc[pos].to_dict()
        return Document(row["doc_id"], self._articles.text(pos), row)

    def _position(self, doc_id: Any) -> int:
        try:
            pos = self._ids.get_loc(doc_id)
        except (KeyError, TypeError, pd.errors.InvalidIndexError):
            # InvalidIndexError: a list or array, which is not one id.
            pos = None
        if not isinstance(pos, (int, np.integer)):
            shown = ", ".join(repr(x) for x in self._ids[:3])
            raise UnknownDocumentError(
                f"no document with id {doc_id!r} in this corpus of {len(self)} "
                f"(ids look like {shown}{', ...' if len(self) > 3 else ''})"
            )
        return int(pos)

    def text(self, doc_id: Any) -> str:
        """The cleaned body of a document: what every character offset refers to.

        >>> import newsgraph
        >>> newsgraph.load_seeds().text("004_e8067eb3658fd9d6")[:39]
        'Russian Foreign Minister Sergei Lavrov '
        """
        return self._articles.text(self._position(doc_id))

    # -- tables ----------------------------------------------------------------------

    def _document_table(self) -> pd.DataFrame:
        if self._documents is None:
            self._documents = frame.documents_frame(
                self._ids, self._articles.meta(), self._decode_errors, self._meta
            )
        return self._documents

    def sentences(self) -> pd.DataFrame:
        """One row per sentence: ``doc_id, paragraph, sentence, start, end, text``.

        ``paragraph`` and ``sentence`` count from 0 within each document; ``start`` and
        ``end`` are character offsets into :meth:`text`, so
        ``corpus.text(d)[start:end] == text``.
        """
        return frame.sentences_frame(self._ids, self._articles.sentences())

    def tokens(self, doc_id: Any) -> pd.DataFrame:
        """One row per token of one document: ``doc_id, sentence, start, end, token``."""
        pos = self._position(doc_id)
        starts, ends, sentence = self._articles.tokens(pos)
        return frame.tokens_frame(self._ids[pos], starts, ends, sentence, self._articles.text(pos))

    def paragraphs(self, doc_id: Any) -> list[str]:
        """The paragraphs of one document's cleaned body."""
        pos = self._position(doc_id)
        text = self._articles.text(pos)
        return [text[a:b] for a, b in self._articles.paragraphs(pos)]

    # -- entities --------------------------------------------------------------------

    def _mention_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        """One batch: the cached mention table (not a copy)."""
        mentions = self._resolved(dictionary, model, threads, progress)[0]
        return iter([((0, len(self)), mentions)])

    def _entity_table(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> pd.DataFrame:
        return self._resolved(dictionary, model, threads, progress)[1]

    def _entity_batches(
        self,
        dictionary: Any = None,
        model: Any = None,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Iterator[Batch]:
        from .cooccur import _entity_mentions

        # Co-occurrence counts a mention labelled with a dictionary key as that key,
        # even one the tagger or another tool found (a scan counts its mentions as
        # resolved: the two differ only when a tagger label is also a key).
        m = _entity_mentions(
            self, dictionary=dictionary, model=model, threads=threads, progress=progress
        )
        return iter([((0, len(self)), m)])

    def _resolved(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Mentions with entity columns, and the entity table (cached per options)."""
        from . import ner

        # Checked before the cache: a cached answer must not hide a bad argument.
        _core.check_threads(threads)
        progress = self._show_progress(progress)
        external = self._external
        if model is None:
            model = external is None
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
        if tagger is None and dictionary is None and external is None:
            raise InputError("nothing to find: give a dictionary, or model=True")
        # Fingerprints, not object ids: a loaded corpus finds the mentions it was saved
        # with, and equal dictionaries share them.
        key = (
            None if tagger is None else tagger.fingerprint,
            None if dictionary is None else dictionary.fingerprint,
        )
        cached = self._mention_cache.get(key)
        if cached is not None:
            return cached
        parts = []
        if dictionary is not None:
            from .dictionary import Dictionary, _matches_frame

            if not isinstance(dictionary, Dictionary):
                raise InputTypeError(
                    f"dictionary must be a newsgraph.Dictionary, got {type(dictionary).__name__}"
                )
            parts.append(_matches_frame(self, dictionary, threads, progress).assign(_dict=True))
        if external is not None:
            parts.append(external.assign(_dict=False))
        if tagger is not None:
            titles = frame.titles(
                self._articles.meta()["title"],
                self._meta["title"] if "title" in self._meta.columns else None,
            )
            cols = _core.tag_articles(
                self._articles, tagger, threads=threads, progress=progress, titles=titles
            )
            parts.append(frame.mentions_frame(self, cols, ner.ENTITY_TYPES).assign(_dict=False))
            del cols
            release_memory()
        merged = frame.merge_mentions(parts, self._ids, extra=["_dict"])
        from .entities import resolve_frame

        resolved, ents = resolve_frame(
            merged.drop(columns="_dict"),
            merged["_doc"].to_numpy(),
            self._resolve_opts,
            merged["_dict"].to_numpy(dtype=bool),
            threads=threads,
        )
        del merged, parts
        release_memory()
        # Keep the last few option sets only: a corpus is usually asked the same way.
        if len(self._mention_cache) >= 4:
            self._mention_cache.pop(next(iter(self._mention_cache)))
        self._mention_cache[key] = (resolved, ents)
        return resolved, ents

    def _with_options(self, resolve_options: ResolveOptions) -> Corpus:
        other = self._copy()
        other._external = self._external
        other._resolve_opts = resolve_options
        return other

    # -- sub-corpora -----------------------------------------------------------------

    def filter(self, docs: Any) -> Corpus:
        """The corpus of some of these documents, in corpus order.

        ``docs`` is a list (or array, Index, Series) of document ids, or a boolean
        mask with one value per document (``corpus.documents()["source"] == "AP"``).
        ``corpus[list_of_ids]`` does the same. Nothing is parsed or tagged again: the
        sub-corpus keeps the texts and any mentions already computed, **with the
        parent's resolution** (entity names and merges decided on the whole corpus;
        entity ids renumbered 0, 1, ...; counts of the sub-corpus). To resolve on the
        sub-corpus alone, call ``.resolve()`` on it, which tags it again.

        >>> import newsgraph
        >>> c = newsgraph.load_seeds()
        >>> bloomberg = c.filter(c.documents()["source"] == "Bloomberg")
        >>> len(bloomberg), list(bloomberg.doc_ids) == list(c[[c.doc_ids[2]]].doc_ids)
        (1, True)
        """
        if isinstance(docs, (str, bytes)) or not hasattr(docs, "__iter__"):
            raise InputTypeError(
                f"filter takes a list of document ids or a boolean mask, got "
                f"{type(docs).__name__}: {docs!r}"
            )
        values = np.asarray(list(docs), dtype=object)
        if len(values) and all(isinstance(v, (bool, np.bool_)) for v in values):
            if len(values) != len(self):
                raise InputError(
                    f"a boolean mask needs one value per document: got {len(values)} for "
                    f"{len(self)} documents"
                )
            positions = np.flatnonzero(values.astype(bool))
        else:
            found = self._ids.get_indexer(pd.Index(values, dtype=object))
            if (found < 0).any():
                missing = [values[i] for i in np.flatnonzero(found < 0)[:3]]
                shown = ", ".join(repr(x) for x in self._ids[:3])
                raise UnknownDocumentError(
                    f"{int((found < 0).sum())} of the ids are not in this corpus: "
                    f"{', '.join(map(repr, missing))}{', ...' if (found < 0).sum() > 3 else ''}"
                    f" (ids look like {shown})"
                )
            positions = np.unique(found)
        return self._subset(positions)

    def head(self, n: int = 5) -> Corpus:
        """The first ``n`` documents, as :meth:`filter` keeps them.

        >>> import newsgraph
        >>> len(newsgraph.load_seeds().head(2))
        2
        """
        n = _checks.integer("n", n, minimum=0)
        return self._subset(np.arange(min(n, len(self))))

    def sample(self, n: int, seed: int | None = None) -> Corpus:
        """``n`` documents drawn at random without replacement (the same ones for the
        same ``seed``), in corpus order, as :meth:`filter` keeps them.

        >>> import newsgraph
        >>> c = newsgraph.load_seeds()
        >>> list(c.sample(2, seed=1).doc_ids) == list(c.sample(2, seed=1).doc_ids)
        True
        """
        n = _checks.integer("n", n, minimum=0)
        if n > len(self):
            raise InputError(f"cannot sample {n} documents from a corpus of {len(self)}")
        if seed is not None:
            seed = _checks.integer("seed", seed, minimum=0)
        picked = np.random.default_rng(seed).choice(len(self), size=n, replace=False)
        return self._subset(np.sort(picked))

    def _subset(self, positions: np.ndarray) -> Corpus:
        from .entities import subset_resolved

        sub = Corpus(
            self._articles.take(positions.tolist()),
            self._ids[positions],
            self._meta.iloc[positions].reset_index(drop=True),
            self._decode_errors[positions],
            self._origin,
            progress=self._progress,
        )
        sub._resolve_opts = self._resolve_opts
        if self._external is not None:
            keep = self._external["doc_id"].isin(sub._ids)
            sub._external = self._external[keep].reset_index(drop=True)
        for key, (mentions, ents) in self._mention_cache.items():
            sub._mention_cache[key] = subset_resolved(mentions, ents, positions)
        return sub

    def _copy(self) -> Corpus:
        return Corpus(
            self._articles,
            self._ids,
            self._meta,
            self._decode_errors,
            self._origin,
            progress=self._progress,
        )

    def _quote_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        """One batch: the quotations of the whole corpus (cached per options)."""
        from . import quotes

        mentions = self._resolved(dictionary, model, threads, progress)[0]
        key = ("quotes", id(mentions))
        cached = self._quote_cache.get(key)
        if cached is None or cached[0] is not mentions:
            doc = mentions["_doc"].to_numpy(dtype=np.int64)
            if "_ts" in mentions.columns:
                ts, te = mentions["_ts"].to_numpy(), mentions["_te"].to_numpy()
            else:
                # Spans brought with with_mentions() come without token positions.
                body = mentions["paragraph"].to_numpy() >= 0
                ts = np.zeros(len(mentions), dtype=np.int64)
                te = np.ones(len(mentions), dtype=np.int64)
                found = _core.mention_tokens(
                    self._articles,
                    np.ascontiguousarray(doc[body]),
                    np.ascontiguousarray(mentions["start"].to_numpy(dtype=np.int64)[body]),
                    np.ascontiguousarray(mentions["end"].to_numpy(dtype=np.int64)[body]),
                    threads=threads,
                )
                ts[body], te[body] = found
            cols = quotes.raw_quotes(
                self._articles,
                doc,
                ts,
                te,
                mentions["paragraph"].to_numpy(),
                mentions["label"].array,
                threads,
                self._show_progress(progress),
            )
            table = quotes.quote_frame(cols, self._ids)
            table = quotes.attach_speakers(table, mentions)
            self._quote_cache.clear()
            self._quote_cache[key] = cached = (mentions, table)
        return iter([((0, len(self)), cached[1])])

    def kwic(
        self, pattern: Any, window: int = 10, *, dictionary: Any = None, model: Any = None
    ) -> pd.DataFrame:
        """Keyword in context: ``doc_id, start, end, left, match, right, in_title``.

        ``pattern`` is an entity name or id (every mention of that entity, whatever
        its surface form) or else a token pattern with globs ("Zelensk*", "peace
        talks"); ``window`` tokens of context on each side. Headline mentions come
        first (``in_title``), with the headline's words as context and offsets into
        the title; token patterns match the body only.
        """
        mentions, ents = self._resolved(dictionary, model, None)
        from .entities import kwic

        return kwic(self, mentions, ents, pattern, window)

    def with_mentions(self, spans: pd.DataFrame) -> Corpus:
        """A copy of this corpus whose mentions are spans from another tool.

        ``spans`` needs columns ``doc_id, start, end, label`` with character offsets
        into :meth:`text` (the cleaned body, not the raw input); a ``text`` column, if
        present, must equal the text at those offsets. Every bad row is an
        :class:`~newsgraph.InputError` naming the row. ``paragraph`` and ``sentence``
        are filled in from where each span starts.

        >>> import pandas as pd, newsgraph
        >>> c = newsgraph.load_seeds()
        >>> d = c.doc_ids[4]
        >>> spans = pd.DataFrame({"doc_id": [d], "start": [0], "end": [7], "label": ["NORP"]})
        >>> c.with_mentions(spans).mentions()[["text", "label", "sentence"]]
              text label  sentence
        0  Russian  NORP         0
        """
        checked = frame.validate_spans(self, spans)
        other = self._copy()
        other._external = checked
        other._resolve_opts = self._resolve_opts
        return other

    # -- co-occurrence ---------------------------------------------------------------

    def _count_batch(
        self, m: pd.DataFrame, doc_pos: Any, index: Any, span: tuple[int, int], **kw: Any
    ) -> Any:
        from .cooccur import count_from_tokens

        if "_ts" in m.columns:
            # The tagger and dictionary give token spans: no characters to map back.
            return count_from_tokens(
                m, doc_pos, index, m["_ts"], m["_te"], self._articles.meta(), **kw
            )
        return _core.cooccur_counts(
            self._articles,
            doc_pos,
            np.ascontiguousarray(m["paragraph"], dtype=np.int64),
            np.ascontiguousarray(m["sentence"], dtype=np.int64),
            np.ascontiguousarray(m["start"], dtype=np.int64),
            np.ascontiguousarray(m["end"], dtype=np.int64),
            index,
            **kw,
        )

    # -- near-duplicates -------------------------------------------------------------

    def _duplicate_pairs(
        self, opts: Any, threads: int | None, progress: bool | None
    ) -> tuple[Any, Any, Any]:
        from .dedup import lsh_params

        bands, rows = lsh_params(opts.threshold, opts.num_perm)
        return _core.dedup_pairs(
            self._articles,
            opts.threshold,
            bands,
            rows,
            shingle_size=opts.shingle_size,
            num_perm=opts.num_perm,
            threads=threads,
            progress=self._show_progress(progress),
        )

    def drop_duplicates(
        self,
        threshold: float = 0.8,
        keep: str = "first",
        *,
        shingle_size: int = 3,
        num_perm: int = 128,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Corpus:
        """The corpus with one document per group of near-duplicates
        (:meth:`duplicate_groups`), in corpus order, kept as :meth:`filter` keeps
        documents: every table computed on it counts each story once.

        ``keep`` picks the document kept: ``"first"`` or ``"last"`` in corpus order,
        or ``"earliest"`` by ``documents()["date"]`` (unknown dates last, ties in
        corpus order).

        >>> import newsgraph
        >>> c = newsgraph.load_seeds()
        >>> texts = [d.text for d in c] + [c.text(c.doc_ids[0]).upper()]
        >>> again = newsgraph.Corpus.from_texts(texts, progress=False)
        >>> len(again), len(again.drop_duplicates()), len(again.drop_duplicates(keep="last"))
        (6, 5, 5)
        >>> again.drop_duplicates(keep="last").doc_ids.tolist()
        [1, 2, 3, 4, 5]
        """
        from . import dedup

        _checks.one_of("keep", keep, dedup.KEEP)
        groups = self.duplicate_groups(
            threshold,
            shingle_size=shingle_size,
            num_perm=num_perm,
            threads=threads,
            progress=progress,
        ).to_numpy()
        dates = self._document_table()["date"] if keep == "earliest" else None
        return self._subset(dedup.keep_positions(groups, keep, dates))

    # -- keeping ---------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the corpus to one file, to read back with :func:`newsgraph.load`.

        Everything computed is kept: texts, metadata, paragraphs, sentences, tokens,
        the mentions and entities of every tagger and dictionary asked so far, spans
        from :meth:`with_mentions`, and the resolution options, so the loaded corpus
        answers every table call as this one does without tagging again. The file is a
        ZIP of Arrow IPC tables that other tools can read (layout and versioning:
        :mod:`newsgraph.store`); it is written beside ``path`` first and then moved
        there, so an interrupted save leaves no half file. Needs ``pyarrow``. Returns
        the path written.

        Metadata columns must be of a type Arrow holds: a column mixing numbers and
        strings is an :class:`~newsgraph.InputError` naming it (``.astype(str)``
        fixes it). ``pickle.dumps(corpus)`` uses the same format (there such columns
        are pickled), so a corpus can go to ``multiprocessing``, ``joblib`` and Dask
        workers.

        >>> import newsgraph, tempfile, os
        >>> c = newsgraph.load_seeds()
        >>> n = len(c.mentions())
        >>> path = c.save(os.path.join(tempfile.mkdtemp(), "seeds.newsgraph"))
        >>> again = newsgraph.load(path)
        >>> len(again), len(again.mentions()) == n
        (5, True)
        """
        return store.save(self, path)

    def __reduce__(self) -> tuple[Any, tuple[bytes]]:
        return (_unpickle, (store.to_bytes(self),))

    @classmethod
    def _from_stored(cls, parts: store.Stored, progress: bool | None = None) -> Corpus:
        c = cls(
            parts.articles,
            parts.ids,
            parts.meta,
            parts.decode_errors,
            parts.origin,
            progress=progress,
        )
        c._resolve_opts = parts.resolve_options
        c._external = parts.external
        c._mention_cache.update(parts.mentions)
        return c

    # -- display ---------------------------------------------------------------------

    def _summary(self) -> str:
        meta = self._articles.meta()
        sentences = int(np.sum(meta["n_sentences"]))
        tokens = int(np.sum(meta["n_tokens"]))
        origin = f" from {self._origin}" if self._origin else ""
        return f"{len(self):,} documents, {sentences:,} sentences, {tokens:,} tokens{origin}"


def _unpickle(data: bytes) -> Corpus:
    """A pickled corpus (``Corpus.__reduce__``): the bytes of a corpus file."""
    return Corpus._from_stored(store.read(data, None, allow_pickle=True))


def concat(corpora: Any) -> Corpus:
    """One corpus of the documents of several, in order (ids must stay unique).

    Nothing is parsed or tagged again. Mentions the tagger found in every part (with
    the same tagger and no dictionary) are kept and **resolved anew over the whole
    concatenation**, with the first corpus's resolution options (and its ``progress``
    default), so "Trump" in one part
    can join "Donald Trump" in another; otherwise the concatenation tags when asked.

    >>> import newsgraph
    >>> c = newsgraph.load_seeds()
    >>> both = newsgraph.concat([c.head(2), c.filter(list(c.doc_ids[2:]))])
    >>> list(both.doc_ids) == list(c.doc_ids), len(both.mentions()) == len(c.mentions())
    (True, True)
    """
    from .entities import resolve_frame
    from .exceptions import DuplicateIdError

    if isinstance(corpora, Corpus) or not hasattr(corpora, "__iter__"):
        raise InputTypeError(f"concat takes a list of corpora, got {type(corpora).__name__}")
    parts = list(corpora)
    for i, c in enumerate(parts):
        if not isinstance(c, Corpus):
            raise InputTypeError(f"concat: item {i} is a {type(c).__name__}, not a Corpus")
    if not parts:
        raise InputError("concat needs at least one corpus")
    ids = parts[0]._ids.append([c._ids for c in parts[1:]])
    dup = ids[ids.duplicated()].unique()
    if len(dup):
        raise DuplicateIdError(
            f"concat: ids in more than one corpus: {', '.join(map(repr, dup[:3]))}"
            f"{', ...' if len(dup) > 3 else ''}"
        )
    out = Corpus(
        parts[0]._articles.concat([c._articles for c in parts[1:]]),
        ids,
        pd.concat([c._meta for c in parts], ignore_index=True),
        np.concatenate([c._decode_errors for c in parts]),
        progress=parts[0]._progress,
    )
    out._resolve_opts = parts[0]._resolve_opts
    brought = [c._external for c in parts if c._external is not None]
    if brought:
        # Spans from other tools stay with their documents; they are resolved when
        # asked, together with the tagger's.
        out._external = pd.concat(brought, ignore_index=True)
    else:
        # Keys the tagger alone produced (no dictionary), cached in every part.
        shared = set.intersection(*(set(c._mention_cache) for c in parts))
        for key in shared:
            if key[1] is not None:
                continue
            frames, offset = [], 0
            for c in parts:
                m = c._mention_cache[key][0].drop(columns=["entity_id", "entity"])
                frames.append(m.assign(_doc=m["_doc"].to_numpy() + offset))
                offset += len(c)
            merged = pd.concat(frames, ignore_index=True)
            for col in ("text", "label"):
                codes, values = pd.factorize(merged[col].to_numpy(dtype=object))
                merged[col] = frame.categorical(codes, values)
            out._mention_cache[key] = resolve_frame(
                merged,
                merged["_doc"].to_numpy(),
                out._resolve_opts,
                np.zeros(len(merged), dtype=bool),
            )
    return out
