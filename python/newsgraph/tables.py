"""The tables every kind of corpus answers, written once.

:class:`Tables` is the base of :class:`newsgraph.Corpus` (in memory, read or loaded)
and :class:`newsgraph.Scan` (streamed from files, or built from a Dask collection).
Its public methods (:meth:`~Tables.documents`, :meth:`~Tables.mentions`,
:meth:`~Tables.entities`, :meth:`~Tables.entity_counts`, :meth:`~Tables.keyness`,
:meth:`~Tables.cooccurrence`, :meth:`~Tables.resolve`, ...) are written against a few
primitives each kind provides:

- ``_ids``: the document ids, in corpus order;
- ``_document_table()``: one row per document (the cached frame, not a copy);
- ``_mention_batches(dictionary, model, threads, progress)``: per batch of whole
  documents, ``((first, end), mentions)``: the range of document positions and the
  resolved mentions with the hidden columns (:data:`newsgraph.frame.HIDDEN_COLUMNS`).
  An in-memory corpus has one batch, its cached table; a scan has its batches. It
  checks its arguments when called, before the first batch is asked for;
- ``_entity_table(dictionary, model, threads)``: the resolved entities (any order);
- ``_count_batch(m, doc_pos, index, span, **kw)``: co-occurrence counts of one batch's
  mentions over that batch's documents (see :func:`newsgraph.cooccur.cooccurrence`);
- ``_with_options(resolve_options)``: a copy that resolves with other options;
- ``_summary()``: the one line that describes it.

Counting over batches adds up per batch (counts of separate documents add), so a
table written here is the same whether the mentions come in one batch or many; a new
table needs only this file.

>>> import newsgraph
>>> from newsgraph.tables import Tables
>>> isinstance(newsgraph.load_seeds(), Tables) and issubclass(newsgraph.Scan, Tables)
True
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

import pandas as pd

from . import _checks, cooccur, frame
from .entities import ResolveOptions, count_frames, keyness_frames
from .exceptions import InputError

#: Per batch: the range of document positions it holds, and its mentions.
Batch = tuple[tuple[int, int], pd.DataFrame]


class Tables:
    """What :class:`~newsgraph.Corpus` and :class:`~newsgraph.Scan` share: documents,
    mentions, entities, counts, keyness, co-occurrence and resolution options.

    Not built directly; see the module docs for what a subclass provides.
    """

    _ids: pd.Index
    #: The ``progress=`` the corpus was read with (None: not given), the default of
    #: its later calls.
    _progress: bool | None = None

    # -- what each kind of corpus provides -------------------------------------------

    def _document_table(self) -> pd.DataFrame:
        raise NotImplementedError

    def _mention_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        raise NotImplementedError

    def _entity_table(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> pd.DataFrame:
        raise NotImplementedError

    def _count_batch(
        self, m: pd.DataFrame, doc_pos: Any, index: Any, span: tuple[int, int], **kw: Any
    ) -> Any:
        raise NotImplementedError

    def _with_options(self, resolve_options: ResolveOptions) -> Any:
        raise NotImplementedError

    def _quote_batches(
        self, dictionary: Any, model: Any, threads: int | None, progress: bool | None = None
    ) -> Iterator[Batch]:
        raise NotImplementedError

    def _summary(self) -> str:
        raise NotImplementedError

    # -- derived from those (a subclass may answer faster) ---------------------------

    def _show_progress(self, progress: bool | None) -> bool:
        """Whether a call draws a bar: its own ``progress=``, else the one the corpus
        was read with, else :func:`newsgraph._checks.progress`'s terminal rule."""
        return _checks.progress(self._progress if progress is None else progress)

    def _labels_present(
        self, dictionary: Any, model: Any, progress: bool | None = None
    ) -> set[Any]:
        """The labels of all mentions."""
        found: set[Any] = set()
        for _, m in self._mention_batches(dictionary, model, None, progress):
            found.update(m["label"].unique())
        return found

    def _entity_batches(
        self,
        dictionary: Any = None,
        model: Any = None,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> Iterator[Batch]:
        """Per batch, the mentions co-occurrence counts: by default the resolved ones."""
        return self._mention_batches(dictionary, model, threads, progress)

    def _mention_table(
        self,
        dictionary: Any = None,
        model: Any = None,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """All mentions in one table with the hidden columns; for one batch, the
        cached table itself (not a copy: do not modify it)."""
        parts = [m for _, m in self._mention_batches(dictionary, model, threads, progress)]
        return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)

    # -- size and access -------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, doc_id: Any) -> bool:
        return doc_id in self._ids

    @property
    def doc_ids(self) -> pd.Index:
        """The document ids, in corpus order.

        >>> import newsgraph
        >>> newsgraph.load_seeds().doc_ids[:2].tolist()
        ['000_27c6c80333bff2b2', '001_4b47a35a151c059f']
        """
        return self._ids

    # -- tables ----------------------------------------------------------------------

    def documents(self) -> pd.DataFrame:
        """One row per document.

        Columns: ``doc_id, title, date, source, dateline, credits, n_paragraphs,
        n_sentences, n_tokens, decode_errors, boilerplate`` and then any metadata
        columns given with the input. ``date`` is ``datetime64[ns]`` (NaT when
        unknown); ``credits`` joins several names with ``"; "``; ``boilerplate`` lists,
        verbatim and in reading order, all text removed from the body other than the
        title (date lines, the dateline or agency marker, credit lines, widgets), so no
        word of the input is lost; ``decode_errors`` counts invalid UTF-8 sequences
        replaced by U+FFFD when reading.

        >>> import pandas as pd, newsgraph
        >>> df = pd.DataFrame({"id": ["a"], "text": ["PARIS (Reuters) - Talks ended."]})
        >>> d = newsgraph.Corpus.from_pandas(df, id="id").documents().iloc[0]
        >>> d["dateline"], d["source"], list(d["boilerplate"])
        ('PARIS', 'Reuters', ['PARIS (Reuters) -'])
        """
        return self._document_table().copy()

    def mentions(
        self,
        dictionary: Any = None,
        model: Any = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Entity mentions: ``doc_id, paragraph, sentence, start, end, text, label,
        entity_id, entity, in_title``.

        ``model`` is ``True`` for the bundled tagger (labels PER, ORG, LOC, MISC), a
        :class:`newsgraph.Tagger` from :func:`newsgraph.load_tagger`, or ``False`` for
        none. ``dictionary`` is a :class:`newsgraph.Dictionary`: its matches become
        mentions labelled with their key and win over overlapping tagger mentions.
        ``dictionary=d, model=False`` is the fast dictionary-only mode. By default
        (``model=None``) the tagger runs, unless spans were attached with
        :meth:`Corpus.with_mentions`, in which case those are returned (pass
        ``model=True`` to add the tagger's where they do not overlap). A
        :class:`~newsgraph.Scan` found its mentions when reading: ``dictionary`` and
        ``model`` may only repeat those given to :func:`newsgraph.scan`, and this is the
        one table it builds of every mention (on a corpus larger than memory, use the
        counting methods instead).

        ``start``/``end`` are character offsets into :meth:`Corpus.text`; ``sentence``
        and ``paragraph`` number from 0 within the document, as in
        :meth:`Corpus.sentences`. The headline (the given ``title`` column, else the
        title found in the text) is tagged with its article: its mentions come first in
        their document, with ``in_title`` True, ``paragraph`` and ``sentence`` -1, and
        ``start``/``end`` offsets into the title (``documents()["title"]``).
        On large corpora a progress bar shows when stderr is a terminal or in Jupyter;
        ``progress=True``/``False`` decides instead, and by default the corpus follows
        the ``progress=`` it was read with. Ctrl-C stops the work within a moment and
        leaves the corpus as it was.
        ``entity_id``/``entity`` name the canonical entity (see :meth:`entities` and
        :meth:`resolve`); for a dictionary match the entity is its key. ``text``,
        ``label`` and ``entity`` are pandas categoricals: surface forms repeat, so a
        million mentions take a few MB, and they compare, filter and group like strings
        (``m[m["label"] == "PER"]``; ``.astype(str)`` gives plain strings).

        >>> import newsgraph
        >>> m = newsgraph.load_seeds().mentions()
        >>> m.query("text == 'Lavrov'")["entity"].unique().tolist()
        ['Sergei Lavrov']
        """
        parts = [
            frame.mention_table(m)
            for _, m in self._mention_batches(dictionary, model, threads, progress)
        ]
        return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)

    def quotes(
        self,
        dictionary: Any = None,
        model: Any = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Quotations and their speakers: one row per quotation, ``doc_id, paragraph,
        sentence, start, end, text, kind, cue, speaker, speaker_start, speaker_end,
        entity_id, entity``.

        ``kind`` is ``"direct"`` for words in quotation marks (``start``/``end`` cover
        the quoted words without the marks; a quote running over several paragraphs,
        each opening with a mark, is one row) and ``"indirect"`` for a clause reported
        after a speech verb ("Lavrov told Li that *there were obstacles*"). ``cue`` is
        the verb or phrase that reports it (``said``, ``told``, ``according to``),
        ``speaker`` the source as written (``he``, ``the Foreign Ministry``, ``Sergei
        Lavrov``) at ``speaker_start``/``speaker_end``; either is missing when the
        article gives none (a quote that goes on after an attributed one keeps that
        one's speaker). ``entity_id``/``entity`` name the speaker's entity, with the
        ids of :meth:`mentions`, when the speaker is a mention, or a pronoun or a
        definite role ("the minister", "the company") resolved to the nearest
        compatible speaker or mention before it; else they are missing. Offsets are
        character offsets into :meth:`Corpus.text`; headlines are not searched.
        Words in marks that no one says (scare quotes, titles of works, nicknames)
        are left out. ``dictionary``, ``model`` and ``progress`` are as in
        :meth:`mentions`.

        >>> import newsgraph
        >>> q = newsgraph.load_seeds().quotes()
        >>> row = q[q["text"].str.startswith("no panacea")].iloc[0]
        >>> row["kind"], row["cue"], row["speaker"], row["entity"]
        ('direct', 'said', 'Li', 'Li Hui')
        """
        from .quotes import QUOTE_COLUMNS

        parts = [
            q[list(QUOTE_COLUMNS)]
            for _, q in self._quote_batches(dictionary, model, threads, progress)
        ]
        out = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        return out.reset_index(drop=True)

    def entities(
        self,
        dictionary: Any = None,
        model: Any = None,
        *,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """One row per canonical entity: ``entity_id, entity, label, aliases, mentions,
        documents``, most mentioned first. ``aliases`` lists the surface forms seen.
        ``progress`` as in :meth:`mentions` (the tagging it may need).

        >>> import newsgraph
        >>> e = newsgraph.load_seeds().entities().set_index("entity")
        >>> int(e.loc["Sergei Lavrov", "documents"])
        5
        """
        ents = self._entity_table(dictionary, model, threads, progress)
        return ents.sort_values(
            ["mentions", "entity_id"], ascending=[False, True], kind="stable"
        ).reset_index(drop=True)

    def entity_counts(
        self,
        by: str | None = None,
        label: Any = None,
        freq: str | None = None,
        *,
        dictionary: Any = None,
        model: Any = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Mentions per entity, tidy: ``[by,] entity_id, entity, label, count``.

        ``by`` is ``"doc_id"``, any :meth:`documents` column (``"source"``), or
        ``"date"`` with ``freq="D"``, ``"W"``, ``"M"``, ``"Q"`` or ``"Y"`` (periods);
        ``label`` keeps one label or a list. Entity and group columns are categorical.
        Mentions are counted batch by batch (one batch in memory), and the counts add
        up. ``progress`` as in :meth:`mentions` (the tagging it may need).

        >>> import newsgraph
        >>> c = newsgraph.load_seeds()
        >>> c.entity_counts(label="PER").head(2)[["entity", "count"]]
                  entity  count
        0         Li Hui     15
        1  Sergei Lavrov     12
        """
        batches = self._mention_batches(dictionary, model, None, progress)
        present = self._labels_present(dictionary, model, progress)
        frames = (m for _, m in batches)
        return count_frames(frames, self._document_table(), by, label, freq, present)

    def quote_counts(
        self,
        by: str | None = None,
        label: Any = None,
        freq: str | None = None,
        kind: str | None = None,
        *,
        dictionary: Any = None,
        model: Any = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Who is quoted most: quotations per speaker entity, tidy, ``[by,] entity_id,
        entity, label, count``, as :meth:`entity_counts` counts mentions (``by``,
        ``label``, ``freq`` alike). Only quotations whose speaker resolves to an
        entity count (see :meth:`quotes`); ``kind="direct"`` or ``"indirect"`` counts
        one kind.

        >>> import newsgraph
        >>> top = newsgraph.load_seeds().quote_counts()
        >>> {"Li Hui", "Sergei Lavrov"} <= set(top.head(4)["entity"])
        True
        """
        from .quotes import speaker_frames

        frames = speaker_frames(self._quote_batches(dictionary, model, None, progress), kind)
        present = self._labels_present(dictionary, model, progress)
        return count_frames(frames, self._document_table(), by, label, freq, present)

    def keyness(
        self,
        by: str = "source",
        target: Any = None,
        measure: str = "chi2",
        label: Any = None,
        *,
        correction: str = "default",
        dictionary: Any = None,
        model: Any = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Which entities are over-represented in ``target`` (a value, or list of values,
        of the ``by`` column) against the rest, with quanteda's ``textstat_keyness``
        semantics (quanteda.textstats 0.93): signed ``chi2``, ``lr`` (G²) or ``pmi``
        with its ``p``, or ``exact`` (Fisher's exact test: the conditional MLE of the
        odds ratio and its two-sided ``p``, as R's ``fisher.test``), and the counts,
        sorted by the statistic (ties by name).

        ``correction`` is quanteda's: ``"default"`` and ``"yates"`` apply Yates'
        correction to ``chi2`` and ``lr`` only where ``|ad - bc| >= N/2`` and an
        expected count is below 5; ``"williams"`` divides by Williams' q; ``"none"``
        corrects nothing; ``pmi`` and ``exact`` are never corrected. The formulas are in
        :func:`newsgraph.entities.keyness`. ``progress`` as in :meth:`mentions` (the
        tagging it may need).

        >>> import newsgraph
        >>> k = newsgraph.load_seeds().keyness(by="source", target="Bloomberg")
        >>> list(k.columns)
        ['entity_id', 'entity', 'label', 'chi2', 'p', 'n_target', 'n_reference']
        >>> k_lr = newsgraph.load_seeds().keyness(
        ...     by="source", target="Bloomberg", measure="lr", correction="williams"
        ... )
        >>> list(k_lr.columns)[3]
        'lr'
        >>> k_exact = newsgraph.load_seeds().keyness("source", "Bloomberg", "exact")
        >>> list(k_exact.columns)[3:5]
        ['exact', 'p']
        """
        if target is None:
            raise InputError("keyness needs target=, a value of the by column")
        batches = self._mention_batches(dictionary, model, None, progress)
        present = self._labels_present(dictionary, model, progress)
        frames = (m for _, m in batches)
        docs = self._document_table()
        return keyness_frames(frames, docs, by, target, measure, label, present, correction)

    def resolve(
        self,
        aliases: dict[str, str] | None = None,
        merge: list[list[str]] | None = None,
        split: list[str] | None = None,
        demonyms: bool = False,
        fuzzy: bool = True,
        strict: bool = False,
    ) -> Any:
        """A copy that resolves entities with these options (a scan keeps its
        mentions: nothing is read again).

        ``aliases={"Kremlin": "Russia"}`` maps names (case-insensitive) to canonical
        names, across labels; ``merge=[["Kiev", "Kyiv"]]`` makes each group one entity;
        ``split=["Li"]`` keeps names out of automatic merging; ``demonyms=True`` maps
        MISC mentions like "Chinese" to the country ("China", as LOC); ``fuzzy=False``
        turns off merging of spelling variants across documents; ``strict=True`` turns
        off the rules that use evidence from the whole corpus (a lone "Trump" joining
        the Trump most articles mean, "Donald J. Trump" joining "Donald Trump", label
        votes), leaving a surname to join a full name only when one person has it.

        >>> import newsgraph
        >>> c = newsgraph.load_seeds().resolve(aliases={"Kremlin": "Russia"})
        >>> c.mentions().query("text == 'Kremlin'")["entity"].tolist()
        ['Russia']
        >>> strict = newsgraph.load_seeds().resolve(strict=True)
        >>> int(strict.entities().set_index("entity").loc["Sergei Lavrov", "documents"])
        5
        """
        opts = ResolveOptions.build(aliases, merge, split, demonyms, fuzzy, strict)
        return self._with_options(opts)

    # -- near-duplicates -------------------------------------------------------------

    def _duplicate_pairs(
        self, opts: Any, threads: int | None, progress: bool | None
    ) -> tuple[Any, Any, Any]:
        """Verified near-duplicate pairs for :class:`newsgraph.dedup.Options`: positions
        ``a < b`` and their similarity."""
        raise NotImplementedError

    def near_duplicates(
        self,
        threshold: float = 0.8,
        *,
        shingle_size: int = 3,
        num_perm: int = 128,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Pairs of near-duplicate documents (syndicated copies, reprints, repeats):
        ``doc_a, doc_b, similarity``, most similar first, ``doc_a`` before ``doc_b``
        in the corpus.

        ``similarity`` is the exact Jaccard similarity of the two cleaned bodies' sets
        of word ``shingle_size``-grams (lowercased, punctuation ignored; headline,
        credits and boilerplate left out), at least ``threshold`` for every pair.
        Pairs are found with MinHash signatures of ``num_perm`` values and LSH banding
        in one linear, parallel pass, then verified: see :mod:`newsgraph.dedup` for
        the definitions and how short documents are treated.

        >>> import newsgraph
        >>> newsgraph.load_seeds().near_duplicates()  # five different stories
        Empty DataFrame
        Columns: [doc_a, doc_b, similarity]
        Index: []
        """
        from . import dedup

        opts = dedup.Options.build(threshold, shingle_size, num_perm)
        a, b, sim = self._duplicate_pairs(opts, threads, progress)
        return dedup.pairs_frame(self._ids, a, b, sim)

    def duplicate_groups(
        self,
        threshold: float = 0.8,
        *,
        shingle_size: int = 3,
        num_perm: int = 128,
        threads: int | None = None,
        progress: bool | None = None,
    ) -> pd.Series:
        """Each document's group of near-duplicates: a Series ``doc_id -> group``
        (int, 0, 1, ... in order of each group's first document). Documents joined by
        a pair of :meth:`near_duplicates` (directly or through others) share a group;
        every other document is a group of its own.

        >>> import newsgraph
        >>> newsgraph.load_seeds().duplicate_groups().tolist()
        [0, 1, 2, 3, 4]
        """
        from . import dedup

        opts = dedup.Options.build(threshold, shingle_size, num_perm)
        a, b, _ = self._duplicate_pairs(opts, threads, progress)
        return dedup.groups_series(self._ids, a, b)

    # -- co-occurrence ---------------------------------------------------------------

    def cooccurrence(
        self,
        scope: str = "sentence",
        window: int | None = None,
        count: str = "contexts",
        ordered: bool = False,
        labels: Any = None,
        entities: Any = None,
        min_count: float = 1,
        top: int | None = None,
        by: str | None = None,
        freq: str | None = None,
        **options: Any,
    ) -> cooccur.Cooccurrence:
        """Who appears with whom: see :func:`newsgraph.cooccur.cooccurrence`.

        ``scope="quote"`` gives the speaker network instead: directed counts speaker →
        entity mentioned in the speaker's quotations (:meth:`quotes`), one context per
        quotation with a resolved speaker; it takes ``labels``, ``min_count`` and
        ``kind="direct"``/``"indirect"`` (default both). Rows are speakers, columns
        the entities they talk about.

        >>> import newsgraph
        >>> co = newsgraph.load_seeds().cooccurrence(scope="document", labels="PER")
        >>> "Sergei Lavrov" in co.labels
        True
        >>> net = newsgraph.load_seeds().cooccurrence(scope="quote")
        >>> net.ordered, int(net.to_scipy().sum()) > 0
        (True, True)
        """
        if scope == "quote":
            from .quotes import speaker_network

            unused = {
                "window": window,
                "count": count if count != "contexts" else None,
                "ordered": ordered or None,
                "entities": entities,
                "top": top,
                "by": by,
                "freq": freq,
            }
            given = sorted(k for k, v in unused.items() if v is not None)
            extra = sorted(set(options) - {"kind", "dictionary", "model", "progress"})
            if given or extra:
                raise InputError(
                    f"scope='quote' takes labels, min_count and kind; not {given + extra}"
                )
            return speaker_network(self, labels=labels, min_count=min_count, **options)
        return cooccur.cooccurrence(
            self,
            scope=scope,
            window=window,
            count=count,
            ordered=ordered,
            labels=labels,
            entities=entities,
            min_count=min_count,
            top=top,
            by=by,
            freq=freq,
            **options,
        )

    def plot_timeline(self, entities: Any, freq: str = "M", **options: Any) -> Any:
        """Mentions of entities over time: see :func:`newsgraph.cooccur.plot_timeline`."""
        return cooccur.plot_timeline(self, entities, freq=freq, **options)

    # -- display ---------------------------------------------------------------------

    def __repr__(self) -> str:
        return f"<newsgraph.{type(self).__name__}: {self._summary()}>"

    def _repr_html_(self) -> str:
        cols = ["doc_id", "title", "date", "source", "dateline", "n_sentences", "n_tokens"]
        head = self.documents()[cols].head(10).to_html(index=False, na_rep="")
        more = f"<p>… {len(self) - 10:,} more</p>" if len(self) > 10 else ""
        return (
            f"<div><strong>newsgraph.{type(self).__name__}</strong>: "
            f"{html.escape(self._summary())}{head}{more}</div>"
        )
