"""Canonical entities and the tables researchers slice them into.

Resolution runs in Rust (``src/core/resolve.rs`` documents the rules and their known
failure modes): titles, possessives and articles are stripped, "Lavrov" links to
"Sergei Lavrov" in the same article, acronyms to their expansions, and spelling
variants ("Zelensky", "Zelenskiy", "Zelenskyy") and middle names ("Donald J. Trump")
merge across articles, while different people with similar names ("Li Hui", "Li
Keqiang"; "George W. Bush", "George H.W. Bush") stay apart. A lone surname joins the
bearer the corpus's other articles mostly mean by it; ``strict=True`` turns that and
the other corpus-wide rules off. Dictionary matches are not resolved: their key is
the entity.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from .exceptions import InputError, InputTypeError


@dataclass(frozen=True)
class ResolveOptions:
    """How mentions become entities; set with :meth:`newsgraph.Corpus.resolve`."""

    aliases: tuple[tuple[str, str], ...] = ()
    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[str, ...] = ()
    demonyms: bool = False
    fuzzy: bool = True
    strict: bool = False

    @classmethod
    def build(
        cls,
        aliases: Mapping[str, str] | None = None,
        merge: Iterable[Iterable[str]] | None = None,
        split: Iterable[str] | None = None,
        demonyms: bool = False,
        fuzzy: bool = True,
        strict: bool = False,
    ) -> ResolveOptions:
        if aliases is not None and not isinstance(aliases, Mapping):
            raise InputTypeError(
                f"aliases must be a mapping of name -> canonical name, got {type(aliases).__name__}"
            )
        pairs = []
        for k, v in (aliases or {}).items():
            if not isinstance(k, str) or not isinstance(v, str) or not k.strip() or not v.strip():
                raise InputError(f"aliases entry {k!r}: {v!r} must map a name to a name")
            pairs.append((k, v))
        groups = []
        for g in merge or ():
            if isinstance(g, str):
                raise InputTypeError(f"merge takes groups of names (lists), got the string {g!r}")
            names = tuple(g)
            if len(names) < 2 or not all(isinstance(n, str) and n.strip() for n in names):
                raise InputError(f"merge group {list(names)!r} needs two or more names")
            groups.append(names)
        if isinstance(split, str):
            split = [split]
        names = tuple(split or ())
        for n in names:
            if not isinstance(n, str) or not n.strip():
                raise InputError(f"split names must be non-empty strings, got {n!r}")
        return cls(tuple(pairs), tuple(groups), names, bool(demonyms), bool(fuzzy), bool(strict))


def _demonym_table() -> list[tuple[str, str]]:
    text = (resources.files("newsgraph") / "data" / "demonyms.tsv").read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            dem, country = line.split("\t")
            rows.append((dem, country))
    return rows


def resolve_frame(
    mentions: pd.DataFrame,
    doc_pos: np.ndarray,
    opts: ResolveOptions,
    dictionary_rows: np.ndarray,
    threads: int | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add ``entity_id, entity`` to a mentions table and build the entity table.

    ``dictionary_rows`` marks rows whose label is a dictionary key (not resolved: the
    key is the entity). Mentions must be in document order. ``text`` and ``label``
    may be categorical (the core's tables are), which saves hashing every mention.
    ``mentions`` is the caller's own table: the columns are added to it in place.
    """
    from .frame import categorical, codes_of

    resolvable = ~dictionary_rows
    idx = np.flatnonzero(resolvable)
    text_codes, text_values = codes_of(mentions["text"])
    label_codes, label_values = codes_of(mentions["label"])
    texts = [str(t) for t in text_values]
    labels = [str(x) for x in label_values]

    def rows(a: np.ndarray) -> np.ndarray:
        # Every row, the common case, needs no copy.
        return a if len(idx) == len(a) else a[idx]

    out = _core.resolve_mentions(
        np.ascontiguousarray(rows(doc_pos), dtype=np.int64),
        np.ascontiguousarray(rows(text_codes)),
        texts,
        np.ascontiguousarray(rows(label_codes)),
        labels,
        threads=threads,
        **_options(opts),
    )
    ents = pd.DataFrame(out["entities"])
    # Dictionary keys are entities of their own.
    dict_idx = np.flatnonzero(dictionary_rows)
    keys = _KeyTally(len(labels), len(texts))
    keys.add(label_codes[dict_idx], text_codes[dict_idx], doc_pos[dict_idx])
    extra, key_pos = keys.table(labels, texts)
    if extra is not None:
        ents = pd.concat([ents, extra], ignore_index=True)
    ents, new_id, name_codes, names = _number_entities(ents)
    n_resolved = len(out["entities"]["name"])
    entity_id = np.empty(len(mentions), dtype=np.int64)
    entity_id[idx] = new_id[np.asarray(out["entity_of"], dtype=np.int64)]
    entity_id[dict_idx] = new_id[n_resolved + key_pos[label_codes[dict_idx]]]
    # Callers hand over a table of their own: add the columns in place, no copy.
    result = mentions
    result["entity_id"] = entity_id
    result["entity"] = categorical(name_codes[entity_id], names, sort=False)
    return result, ents


def _sorted_pairs(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether (first, second) pairs of strings are in ascending order."""
    a, b, c, d = first[:-1], first[1:], second[:-1], second[1:]
    return bool(np.all((a < b) | ((a == b) & (c <= d))))


def _number_entities(
    ents: pd.DataFrame,
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, pd.Index]:
    """The entity table (columns ``name, label, aliases, mentions, documents``) with
    stable ids: by label, then name (the core orders equal names stably). Returns the
    table with ``entity_id`` first and ``name`` renamed ``entity``, the new id of each
    input row, and each entity's code into the distinct names."""
    names, labels = ents["name"].tolist(), ents["label"].tolist()
    if _sorted_pairs(np.asarray(labels, dtype=object), np.asarray(names, dtype=object)):
        # The core's table comes ordered already; only added dictionary keys are not.
        order = np.arange(len(names), dtype=np.int64)
    else:
        # sorted() is stable and compares code points, as the core does; numpy's
        # lexsort would first copy every name into a fixed-width array.
        order = np.asarray(
            sorted(range(len(names)), key=lambda i: (labels[i], names[i])), dtype=np.int64
        )
    new_id = np.empty(len(ents), dtype=np.int64)
    new_id[order] = np.arange(len(ents))
    ents = ents.iloc[order].reset_index(drop=True)
    ents.insert(0, "entity_id", np.arange(len(ents), dtype=np.int64))
    ents = ents.rename(columns={"name": "entity"})
    # Names can repeat across labels ("Georgia" the place and the person), and a
    # categorical needs distinct categories: code the names, then the mentions.
    name_codes, names = pd.factorize(ents["entity"].to_numpy(dtype=object))
    return ents, new_id, name_codes, pd.Index(names, dtype=object)


def _options(opts: ResolveOptions) -> dict[str, Any]:
    """Resolution options as the core's keyword arguments."""
    return {
        "aliases": list(opts.aliases),
        "merge": [list(g) for g in opts.merge],
        "split": list(opts.split),
        "demonyms": _demonym_table() if opts.demonyms else [],
        "fuzzy": opts.fuzzy,
        "strict": opts.strict,
    }


def _distinct(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values. Plain ``np.unique`` hashes in numpy 2.3+, which is many
    times slower than sorting on a million clustered int64 keys."""
    s = np.sort(x)
    return s[np.r_[True, s[1:] != s[:-1]]] if len(s) else s


class _Pairs:
    """Counts of integer keys gathered batch by batch, summed as they pile up so memory
    follows the distinct keys, not the mentions."""

    def __init__(self) -> None:
        self.keys: list[np.ndarray] = []
        self.counts: list[np.ndarray] = []
        self.pending = 0
        self.kept = 0

    def add(self, keys: np.ndarray, counts: np.ndarray | None = None) -> None:
        if counts is None:
            keys, counts = np.unique(keys, return_counts=True)
        self.keys.append(keys)
        self.counts.append(counts.astype(np.int64))
        self.pending += len(keys)
        if self.pending > max(1 << 20, 2 * self.kept):
            self.total()

    def total(self) -> tuple[np.ndarray, np.ndarray]:
        if not self.keys:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        keys, inv = np.unique(np.concatenate(self.keys), return_inverse=True)
        counts = np.bincount(inv.reshape(-1), weights=np.concatenate(self.counts)).astype(np.int64)
        self.keys, self.counts = [keys], [counts]
        self.pending = self.kept = len(keys)
        return keys, counts


class _KeyTally:
    """Dictionary keys as entities of their own: mentions, documents and distinct
    surface forms per key, summed over batches of whole documents."""

    def __init__(self, n_labels: int, n_texts: int) -> None:
        self.mentions = np.zeros(n_labels, dtype=np.int64)
        self.n_texts = max(n_texts, 1)
        self.forms, self.docs = _Pairs(), _Pairs()

    def add(self, label: np.ndarray, text: np.ndarray, doc: np.ndarray) -> None:
        """Matches with these key (label) and text codes, in these documents."""
        if not len(label):
            return
        label = label.astype(np.int64)
        self.mentions += np.bincount(label, minlength=len(self.mentions))
        self.forms.add(_distinct(label * self.n_texts + text))
        # Distinct (key, document) pairs: batches never split a document.
        self.docs.add(_distinct(label * (1 << 32) + doc) >> 32)

    def table(self, labels: list[str], texts: list[str]) -> tuple[pd.DataFrame | None, np.ndarray]:
        """The keys' entity rows (columns as the core's entities), ordered by name, and
        each label code's row (-1 for labels that are no key)."""
        codes = np.flatnonzero(self.mentions)
        codes = codes[np.argsort([labels[k] for k in codes.tolist()], kind="stable")]
        pos = np.full(len(labels), -1, dtype=np.int64)
        pos[codes] = np.arange(len(codes))
        if not len(codes):
            return None, pos
        fk, _ = self.forms.total()
        aliases: list[list[str]] = [[] for _ in codes]
        for k, t in zip((fk // self.n_texts).tolist(), (fk % self.n_texts).tolist(), strict=True):
            aliases[pos[k]].append(texts[t])
        dk, dc = self.docs.total()
        docs = np.zeros(len(labels), dtype=np.int64)
        docs[dk] = dc
        names = [labels[k] for k in codes.tolist()]
        return pd.DataFrame(
            {
                "name": names,
                "label": names,
                "aliases": [sorted(a) for a in aliases],
                "mentions": self.mentions[codes],
                "documents": docs[codes],
            }
        ), pos


class _FormIds:
    """Ids of integer form keys, numbered in order of first mention across batches, as
    the in-memory path numbers them; sorted arrays, not a dict, so a million forms
    take 16 MB."""

    def __init__(self) -> None:
        self.sorted = np.zeros(0, dtype=np.int64)
        self.ids = np.zeros(0, dtype=np.int64)
        self.in_order: list[np.ndarray] = []
        self.n = 0

    def of(self, keys: np.ndarray) -> np.ndarray:
        uk, first, inv = np.unique(keys, return_index=True, return_inverse=True)
        pos = np.searchsorted(self.sorted, uk)
        hit = pos < len(self.sorted)
        hit[hit] = self.sorted[pos[hit]] == uk[hit]
        gid = np.empty(len(uk), dtype=np.int64)
        gid[hit] = self.ids[pos[hit]]
        new = np.flatnonzero(~hit)
        new = new[np.argsort(first[new], kind="stable")]
        gid[new] = np.arange(self.n, self.n + len(new))
        self.n += len(new)
        if len(new):
            self.in_order.append(uk[new])
            at = np.searchsorted(self.sorted, uk[new])
            order = np.argsort(uk[new])
            self.sorted = np.insert(self.sorted, at[order], uk[new][order])
            self.ids = np.insert(self.ids, at[order], gid[new][order])
        return gid[inv.reshape(-1)]

    def keys(self) -> np.ndarray:
        return np.concatenate(self.in_order) if self.in_order else np.zeros(0, dtype=np.int64)


def resolve_batches(
    batches: Callable[[], Iterable[dict[str, np.ndarray] | None]],
    texts: list[str],
    labels: list[str],
    opts: ResolveOptions,
    store: Any,
    threads: int | None = None,
) -> tuple[pd.DataFrame, list[Any]]:
    """Resolve a corpus kept as batches of whole documents without holding its mentions.

    Each batch has arrays ``doc`` (document positions, in order), ``text`` and
    ``label`` (codes into ``texts`` and ``labels``) and ``_dict`` (dictionary matches,
    which are not resolved: their key is the entity); ``None`` is a batch without
    mentions. ``batches()`` is called twice (two passes). The first pass links mentions
    within each document (batches never split one) and sums what the merging across
    documents needs; the core then resolves the distinct forms once; the second pass
    gives each mention its entity id and counts documents per entity. ``store`` keeps
    per-batch arrays between passes (``put(arrays) -> handle``, ``get(handle)``,
    ``drop(handle)``; :class:`newsgraph.stream.Collected` spills them to disk).

    Returns the entity table, equal to :func:`resolve_frame`'s over all the mentions at
    once, and per batch the handle of its ``entity_id`` array.
    """
    from ._memory import release_memory

    kw = _options(opts)
    n_lab = max(len(labels), 1)
    forms = _FormIds()
    unlinked: list[np.ndarray] = []
    pairs = _Pairs()
    by_key = _KeyTally(len(labels), len(texts))
    targets: list[Any] = []
    for cols in batches():
        if cols is None:
            targets.append(None)
            continue
        res = ~cols["_dict"]
        doc = cols["doc"].astype(np.int64)
        text = cols["text"].astype(np.int64)
        label = cols["label"].astype(np.int64)
        own = forms.of(text[res] * n_lab + label[res])
        ut, tinv = np.unique(text[res], return_inverse=True)
        ul, linv = np.unique(label[res], return_inverse=True)
        linked = np.asarray(
            _core.link_mentions(
                np.ascontiguousarray(doc[res]),
                np.ascontiguousarray(tinv.reshape(-1), dtype=np.int64),
                [texts[i] for i in ut.tolist()],
                np.ascontiguousarray(linv.reshape(-1), dtype=np.int64),
                [labels[i] for i in ul.tolist()],
                threads=threads,
                **kw,
            )
        )
        target = own[linked]
        unlinked.append(_distinct(own[linked == np.arange(len(linked))]))
        pairs.add((target << 32) | own)
        targets.append(store.put({"target": target.astype(np.int32)}))
        d = cols["_dict"]
        by_key.add(label[d], text[d], doc[d])
        del cols, doc, text, label, own, linked, target
        release_memory()
    keys = forms.keys()
    alone = np.zeros(len(keys), dtype=bool)
    for u in unlinked:
        alone[u] = True
    del unlinked
    pk, pc = pairs.total()
    out = _core.resolve_tally(
        [texts[t] for t in (keys // n_lab).tolist()],
        [labels[x] for x in (keys % n_lab).tolist()],
        alone,
        np.ascontiguousarray(pk >> 32),
        np.ascontiguousarray(pk & 0xFFFFFFFF),
        np.ascontiguousarray(pc),
        threads=threads,
        **kw,
    )
    del pk, pc, pairs, forms, keys
    ents = pd.DataFrame(out["entities"])
    n_resolved = len(ents)
    of_form = np.asarray(out["entity_of_form"], dtype=np.int64)
    del out
    release_memory()
    extra, key_pos = by_key.table(labels, texts)
    if extra is not None:
        ents = pd.concat([ents, extra], ignore_index=True)
    ents, new_id, _, _ = _number_entities(ents)
    documents = np.zeros(max(n_resolved, 1), dtype=np.int64)
    kept = []
    for cols, handle in zip(batches(), targets, strict=True):
        if cols is None:
            kept.append(store.put({"entity_id": np.zeros(0, dtype=np.int32)}))
            continue
        res = ~cols["_dict"]
        ent = of_form[store.get(handle)["target"].astype(np.int64)]
        store.drop(handle)
        doc = cols["doc"].astype(np.int64)[res]
        if len(ent):
            seen = _distinct(doc * (1 << 32) + ent) & 0xFFFFFFFF
            documents += np.bincount(seen, minlength=len(documents))
        ids = np.empty(len(res), dtype=np.int32)
        ids[res] = new_id[ent]
        d = cols["_dict"]
        ids[d] = new_id[n_resolved + key_pos[cols["label"][d].astype(np.int64)]]
        kept.append(store.put({"entity_id": ids}))
        del cols, ent, doc, ids
        release_memory()
    if n_resolved:
        col = ents["documents"].to_numpy().copy()
        col[new_id[:n_resolved]] = documents[:n_resolved]
        ents["documents"] = col
    return ents, kept


def entity_counts(
    mentions: pd.DataFrame, docs: pd.DataFrame, by: str | None, label: Any, freq: str | None
) -> pd.DataFrame:
    """Tidy counts of mentions per entity, optionally per group."""
    return count_frames([mentions], docs, by, label, freq, set(mentions["label"].unique()))


def count_frames(
    frames: Iterable[pd.DataFrame],
    docs: pd.DataFrame,
    by: str | None,
    label: Any,
    freq: str | None,
    labels_present: set[Any],
) -> pd.DataFrame:
    """:func:`entity_counts` over mentions given in parts (batches of whole documents,
    as a :class:`newsgraph.stream.Scan` keeps them): each part is counted on its own
    and the counts add up. ``labels_present`` are the labels of all parts."""
    wanted = _wanted_labels(label, labels_present)
    if by is None and freq is not None:
        raise InputError("freq needs by='date'")
    if by is not None and by != "doc_id":
        _checks.doc_column(by, docs.columns, "count")
        dated = by == "date" or pd.api.types.is_datetime64_any_dtype(docs[by].dtype)
        if dated and freq is None:
            raise InputError("counting by a date needs freq='D', 'W', 'M', 'Q' or 'Y'")
        if not dated and freq is not None:
            raise InputError(f"freq applies to dates, but {by!r} is not a date column")
    key = by or "_all"
    doc_codes, groups = _doc_groups(docs, by, freq)
    parts: list[pd.DataFrame] = []
    pending = kept = 0
    for m in frames:
        if wanted is not None:
            m = m[m["label"].isin(wanted)]
        coded = (doc_codes[m["_doc"].to_numpy()], groups)
        parts.append(_count_by(m, key, coded=coded))
        pending += len(parts[-1])
        if len(parts) > 1 and pending > max(1 << 20, 2 * kept):
            parts = [_add_counts(parts, key)]
            pending = kept = len(parts[0])
    out = parts[0] if len(parts) == 1 else _add_counts(parts, key)
    if by is None:
        out = out.drop(columns="_all")
    out["entity"] = out["entity"].astype("category")
    out["label"] = out["label"].astype("category")
    sort = ([by] if by else []) + ["count", "entity_id"]
    asc = ([True] if by else []) + [False, True]
    return out.sort_values(sort, ascending=asc, kind="stable").reset_index(drop=True)


def _add_counts(parts: list[pd.DataFrame], key: str) -> pd.DataFrame:
    """One count table from tables counted over separate documents."""
    both = pd.concat([p.astype({key: object}) for p in parts], ignore_index=True)
    return _count_by(both, key, both[key], weights=both["count"].to_numpy())


def _doc_groups(docs: pd.DataFrame, by: str | None, freq: str | None) -> tuple[np.ndarray, Any]:
    """Each document's group code and the groups, sorted (a missing value is a group
    of its own), as factorizing every mention's value would give them. Coding the
    documents, not the mentions, hashes a thousand times fewer values."""
    if by is None:
        return np.zeros(len(docs), dtype=np.int64), pd.Index([0])
    values = docs[by]
    if freq is not None:
        values = _checks.periods(values, freq)
    try:
        codes, groups = pd.factorize(values, sort=True, use_na_sentinel=False)
    except TypeError as e:
        kinds = sorted({type(v).__name__ for v in values if not pd.api.types.is_scalar(v)})
        raise InputTypeError(
            f"by={by!r}: the column holds {', '.join(kinds) or 'values'} that cannot be "
            f"grouped; by= needs a column of single values (strings, numbers, dates)"
        ) from e
    return codes.astype(np.int64), groups


def _count_by(
    m: pd.DataFrame,
    by: str,
    group: Any = None,
    weights: np.ndarray | None = None,
    coded: tuple[np.ndarray, Any] | None = None,
) -> pd.DataFrame:
    """Mentions per (group, entity), as a groupby would count them (groups sorted,
    a missing group value kept as a group of its own), from integer codes: the group
    of each row, or ``coded`` (each row's code into sorted groups); with ``weights``,
    each row counts that many."""
    if coded is None:
        gcode, groups = pd.factorize(group, sort=True, use_na_sentinel=False)
    else:
        gcode, groups = coded
    ent = m["entity_id"].to_numpy(dtype=np.int64)
    n_ent = int(ent.max()) + 1 if len(ent) else 1
    key = gcode.astype(np.int64) * n_ent + ent
    if len(groups) * n_ent <= max(1 << 20, 2 * len(key)):
        # A dense tally beats sorting a million keys while the table is no bigger
        # than the mentions themselves.
        tally = np.bincount(key, weights=weights, minlength=len(groups) * n_ent)
        keys = np.flatnonzero(tally)
        counts = tally[keys]
    elif weights is None:
        keys, counts = np.unique(key, return_counts=True)
    else:
        keys, inv = np.unique(key, return_inverse=True)
        counts = np.bincount(inv.reshape(-1), weights=weights, minlength=len(keys))
    # Any mention of an entity gives its name and label.
    some_row = np.zeros(n_ent, dtype=np.int64)
    some_row[ent] = np.arange(len(ent))
    rows = m.iloc[some_row[keys % n_ent]]
    return pd.DataFrame(
        {
            by: pd.Categorical(np.asarray(groups, dtype=object)[keys // n_ent]),
            "entity_id": keys % n_ent,
            "entity": rows["entity"].array,
            "label": rows["label"].array,
            "count": counts.astype(np.int64),
        }
    )


def _wanted_labels(label: Any, present: set[Any]) -> list[Any] | None:
    """The labels asked for (None: all), checked against those present."""
    if label is None:
        return None
    if not isinstance(label, str) and not (
        hasattr(label, "__iter__") and all(isinstance(x, str) for x in label)
    ):
        raise InputTypeError(
            f"label must be a label such as 'PER' or a list of labels, got {label!r}"
        )
    wanted = [label] if isinstance(label, str) else list(label)
    unknown = sorted(set(wanted) - present)
    if unknown and len(unknown) == len(wanted):
        raise InputError(
            f"no mentions with label {unknown}; labels present: {sorted(map(str, present))}"
        )
    return wanted


#: Keyness measures and ``correction=`` values, as quanteda's ``textstat_keyness``
#: (quanteda.textstats 0.93, ``R/textstat_keyness.R``).
KEYNESS_MEASURES = ("chi2", "exact", "lr", "pmi")
KEYNESS_CORRECTIONS = ("default", "yates", "williams", "none")

#: quanteda.textstats ``src/keyness.cpp`` adds this inside every log ("to offset zero
#: cell counts"); kept so that ``lr`` and ``pmi`` are quanteda's to the last digit.
_KEYNESS_EPSILON = 1e-9


def keyness(
    mentions: pd.DataFrame,
    docs: pd.DataFrame,
    by: str,
    target: Any,
    measure: str = "chi2",
    label: Any = None,
    correction: str = "default",
) -> pd.DataFrame:
    """Entities over-represented in the target group, as quanteda's ``textstat_keyness``.

    This follows quanteda.textstats 0.93 (``src/keyness.cpp``, ``R/textstat_keyness.R``
    and ``tests/testthat/test-textstat_keyness.R``). For each entity, ``a`` is its
    mentions in the target group and ``b`` in the rest, ``c`` and ``d`` all other
    mentions in each, ``N = a + b + c + d`` and ``E = (a + b)(a + c) / N``.

    * ``chi2``: Pearson's chi-squared, ``N (|ad - bc| - N δ)² / ((a+b)(c+d)(a+c)(b+d))``.
    * ``lr``: the likelihood-ratio G² (quanteda's column ``G2``), with
      ``log(o / e + 1e-9)`` in each cell as quanteda has it.
    * ``pmi``: pointwise mutual information, ``log(a / E + 1e-9)``.
    * ``exact``: Fisher's exact test, as quanteda's ``keyness_exact`` calls R's
      ``stats::fisher.test`` on the table ``[[a, c], [b, d]]``: the statistic is the
      conditional maximum-likelihood estimate of the odds ratio (not the sample odds
      ratio ``ad / bc``; ``scipy.stats.contingency.odds_ratio(kind="conditional")``
      gives the same number), above 1 when the entity is over-represented in the
      target, 0 when ``a`` is as small as the margins allow and ``inf`` when as large;
      ``p`` is fisher.test's default two-sided p-value (tables at most as probable as
      the observed one, with R's 1e-7 relative fuzz), as ``scipy.stats.fisher_exact``.
      R finds the estimate with ``uniroot`` (absolute tolerance 1.2e-4 on the odds
      ratio or its inverse); newsgraph solves to 1e-12, so quanteda's figure is this
      one to within R's tolerance. Each distinct table is solved once.

    ``chi2`` and ``lr`` are positive when ``a > E`` and negative otherwise (an entity
    exactly as frequent as expected gets the minus sign); ``pmi`` is signed by its log.
    Except for ``exact``, ``p`` is the upper tail of chi-squared with one degree of
    freedom at the statistic's absolute value (also for ``pmi``, as quanteda does).

    ``correction`` (quanteda's values):

    * ``"default"`` or ``"yates"``: Yates' continuity correction, only where
      ``|ad - bc| >= N/2`` and some expected cell count is below 5. For ``chi2``,
      ``δ = 0.5``; for ``lr``, each cell moves 0.5 towards independence (``a`` and ``d``
      down, ``b`` and ``c`` up when ``ad > bc``, the other way otherwise). Elsewhere
      nothing is corrected. (quanteda's help page says ``"default"`` gives ``lr``
      Williams' correction; its code gives it Yates', and so does newsgraph.)
    * ``"williams"``: the statistic divided by Williams'
      ``q = 1 + (N/(a+b) + N/(c+d) - 1)(N/(a+c) + N/(b+d) - 1) / (6N)``, or by 1 if a
      cell is 0.
    * ``"none"``: no correction.

    ``pmi`` and ``exact`` are never corrected: another correction than ``"default"`` or
    ``"none"`` warns, as in quanteda. Rows are sorted as quanteda sorts them: by the statistic,
    largest first, then by entity name (code point order), then ``entity_id``.

    quanteda's test corpus, every word an entity (``corpus.keyness`` calls this), gives
    the order quanteda's tests expect:

    >>> import pandas as pd, newsgraph
    >>> df = pd.DataFrame({"text": ["a a a b b c c c c c c d e f g h h",
    ...                             "a a b c c d d d d e f h"], "source": ["d1", "d2"]})
    >>> c = newsgraph.Corpus.from_pandas(df)
    >>> letters = newsgraph.Dictionary({x: [x] for x in "abcdefgh"})
    >>> k = c.keyness(by="source", target="d1", dictionary=letters)
    >>> "".join(k["entity"])
    'gcbhaefd'
    >>> "".join(c.keyness("source", "d1", "lr", correction="none", dictionary=letters)["entity"])
    'cgbhaefd'
    >>> k.loc[k["entity"] == "d", ["chi2", "p", "n_target", "n_reference"]].round(4)
         chi2       p  n_target  n_reference
    7 -2.0402  0.1532         1            4
    >>> x = c.keyness("source", "d1", "exact", dictionary=letters)
    >>> "".join(x["entity"])
    'gcbhaefd'
    >>> x.loc[x["entity"].isin(["g", "d"]), ["exact", "p"]].round(4)
        exact       p
    0     inf  1.0000
    7  0.1347  0.1296
    """
    present = set(mentions["label"].unique())
    return keyness_frames([mentions], docs, by, target, measure, label, present, correction)


def _keyness_statistic(
    measure: str, correction: str, a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray
) -> np.ndarray:
    """quanteda.textstats ``src/keyness.cpp`` (``chisq_lambda``, ``lr_lambda``,
    ``pmi_lambda``, ``yates_correction``, ``williams_correction``) over arrays: ``a``
    and ``b`` an entity's count in the target and the reference, ``c`` and ``d`` the
    other mentions there. Operations are in the same order as there, so equal tables
    give equal (tied) statistics and the values agree bit for bit."""
    eps = _KEYNESS_EPSILON
    n = a + b + c + d
    e = (a + b) * (a + c) / n
    sign = np.where(a > e, 1.0, -1.0)
    if measure == "pmi":
        return np.log(a / e + eps)
    delta = np.zeros_like(n)
    if correction in ("default", "yates"):
        small = (
            ((a + b) * (a + c) / n < 5)
            | ((a + b) * (b + d) / n < 5)
            | ((a + c) * (c + d) / n < 5)
            | ((c + d) * (b + d) / n < 5)
        )
        delta = np.where((np.abs(a * d - b * c) >= n / 2) & small, 0.5, 0.0)
    q = np.ones_like(n)
    if correction == "williams":
        some_zero = a * b * c * d == 0
        q = np.where(
            some_zero,
            1.0,
            1.0 + (n / (a + b) + n / (c + d) - 1.0) * (n / (a + c) + n / (b + d) - 1.0) / (6.0 * n),
        )
    if measure == "chi2":
        num = n * (np.abs(a * d - b * c) - n * delta) ** 2
        return num / ((a + b) * (c + d) * (a + c) * (b + d) * sign / q)
    # lr: Yates moves each cell towards independence (delta is 0 where it does not apply).
    down = np.where(a * d - b * c > 0, -delta, delta)
    aa, bb, cc, dd = a + down, b - down, c - down, d + down

    def cell(o: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        return o * np.log(o / (row * col / n) + eps)

    g2 = 2 * (
        cell(aa, aa + bb, aa + cc)
        + cell(bb, aa + bb, bb + dd)
        + cell(cc, aa + cc, cc + dd)
        + cell(dd, bb + dd, cc + dd)
    )
    return g2 * sign / q


def _noncentral_mean(
    log_t: float, s: np.ndarray, steps: np.ndarray, logdc: np.ndarray, minus: float = 0.0
) -> float:
    """The mean of Fisher's noncentral hypergeometric law on ``s`` at odds ratio
    ``exp(log_t)``, less ``minus`` (R's ``mnhyper``; brentq solves for zero)."""
    w = logdc + log_t * steps
    w = np.exp(w - w.max())
    return float((s * w).sum() / w.sum()) - minus


def _fisher_exact(
    a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """R's ``stats::fisher.test`` on each table ``[[a, c], [b, d]]`` (quanteda's
    ``keyness_exact``): the conditional MLE of the odds ratio and the two-sided p.

    Same steps as R's 2x2 branch: ``x = a`` follows the hypergeometric law with
    ``m = a + b``, ``n = c + d``, ``k = a + c`` on ``lo..hi``; the estimate is 0 at
    ``lo``, inf at ``hi``, else the odds ratio whose noncentral mean is ``x``; p sums
    the central probabilities at most ``1 + 1e-7`` times the observed one. Tables are
    solved once each: with c and d the complements of a and b, most entities share a
    few small tables, so AllSides needs a few thousand solves, not one per entity.
    """
    from scipy.optimize import brentq
    from scipy.special import gammaln

    tables, where = np.unique(np.stack([a, b, c, d], axis=1), axis=0, return_inverse=True)
    estimate = np.empty(len(tables))
    p = np.empty(len(tables))
    for i, (ai, bi, ci, di) in enumerate(tables.astype(np.int64)):
        m, n, k = ai + bi, ci + di, ai + ci
        lo, hi = max(0, k - n), min(k, m)
        s = np.arange(lo, hi + 1)
        # log dhyper(s, m, n, k) up to its constant, which the normalising removes.
        logdc = -(gammaln(s + 1) + gammaln(m - s + 1) + gammaln(k - s + 1) + gammaln(n - k + s + 1))
        steps = s - lo  # log(t) * (s - lo): R's log(t) * s over the same max, less rounding
        central = np.exp(logdc - logdc.max())
        central /= central.sum()
        p[i] = min(1.0, central[central <= central[ai - lo] * (1 + 1e-7)].sum())
        if ai == lo:
            estimate[i] = 0.0
        elif ai == hi:
            estimate[i] = np.inf
        else:
            # The noncentral mean rises with the odds ratio; R brackets its root in
            # [eps, 1/eps], solved here in log(t) for relative precision at any size.
            mu = _noncentral_mean(0.0, s, steps, logdc)
            if mu == ai:
                estimate[i] = 1.0
            else:
                edge = np.log(np.finfo(float).eps) * (1 if mu > ai else -1)
                lo_t, hi_t = sorted((edge, 0.0))
                root = brentq(
                    _noncentral_mean, lo_t, hi_t, (s, steps, logdc, ai), xtol=1e-12, rtol=1e-14
                )
                estimate[i] = np.exp(root)
    return estimate[where.ravel()], p[where.ravel()]


def keyness_frames(
    frames: Iterable[pd.DataFrame],
    docs: pd.DataFrame,
    by: str,
    target: Any,
    measure: str,
    label: Any,
    labels_present: set[Any],
    correction: str = "default",
) -> pd.DataFrame:
    """:func:`keyness` over mentions given in parts, as :func:`count_frames`."""
    _checks.one_of("measure", measure, KEYNESS_MEASURES)
    if not isinstance(correction, str):
        raise InputTypeError(
            f"correction must be one of {', '.join(KEYNESS_CORRECTIONS)}, got {correction!r}"
        )
    _checks.one_of("correction", correction, KEYNESS_CORRECTIONS)
    if measure in ("pmi", "exact") and correction not in ("default", "none"):
        # quanteda.textstats R/textstat_keyness.R warns the same and goes on.
        warnings.warn(f"correction is always none for {measure}", stacklevel=3)
    if by != "doc_id":
        _checks.doc_column(by, docs.columns, "compare")
    targets = set(target) if isinstance(target, (list, tuple, set)) else {target}
    wanted = None if label is None else [label] if isinstance(label, str) else list(label)
    # Per document, once: its group, and whether that group is a target.
    values = docs[by]
    in_target = values.isin(targets).to_numpy()
    mentioned = np.zeros(len(docs), dtype=bool)
    parts = []
    for m in frames:
        doc = m["_doc"].to_numpy()
        mentioned[doc] = True
        m = m.assign(_t=in_target[doc])
        if wanted is not None:
            m = m[m["label"].isin(wanted)]
        parts.append(m.groupby(["entity_id", "entity", "label", "_t"], observed=True).size())
    present = set(values[mentioned].dropna().unique())
    if not targets & present:
        shown = sorted(map(str, present))[:10]
        raise InputError(f"target {target!r} is not a value of {by!r}; values include {shown}")
    _wanted_labels(label, labels_present)
    counts = parts[0] if len(parts) == 1 else pd.concat(parts).groupby(level=[0, 1, 2, 3]).sum()
    counts = counts.unstack("_t", fill_value=0)
    # quanteda's names: a, b an entity's count in the target and the reference; c, d
    # the other mentions in each.
    a = counts.get(True, pd.Series(0, index=counts.index)).to_numpy(dtype=float)
    b = counts.get(False, pd.Series(0, index=counts.index)).to_numpy(dtype=float)
    if not a.sum() or not b.sum():
        # quanteda refuses a target of all the documents ("target cannot be all the
        # documents"); here either side may also lose its mentions to label=.
        side = "target" if not a.sum() else "reference (the other values of by)"
        which = f" with label {label!r}" if label is not None else ""
        raise InputError(
            f"keyness compares target {target!r} with the rest, but the {side} has no "
            f"mentions{which}"
        )
    c, d = a.sum() - a, b.sum() - b
    out = counts.index.to_frame(index=False)
    if measure == "exact":
        out[measure], out["p"] = _fisher_exact(a, b, c, d)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            # 0/0 only when one entity holds every mention: NaN, as in quanteda.
            stat = _keyness_statistic(measure, correction, a, b, c, d)
        from scipy.stats import chi2 as chi2_dist

        out[measure] = stat
        # quanteda: 1 - pchisq(abs(stat), 1); the survival function is the same number
        # without losing small p to rounding.
        out["p"] = chi2_dist.sf(np.abs(stat), 1)
    out["n_target"] = a.astype(np.int64)
    out["n_reference"] = b.astype(np.int64)
    # quanteda: order(stat, feature, decreasing = c(TRUE, FALSE), method = "radix"),
    # i.e. ties by name in C-locale (code point) order; entity_id last, for names that
    # two labels share.
    order = out.assign(_name=out["entity"].astype(str)).sort_values(
        [measure, "_name", "entity_id"], ascending=[False, True, True], na_position="last"
    )
    return out.loc[order.index].reset_index(drop=True)


def kwic(
    corpus: Any, mentions: pd.DataFrame, ents: pd.DataFrame, pattern: Any, window: int
) -> pd.DataFrame:
    """Keyword-in-context rows for an entity (name or id) or a token pattern."""
    window = _checks.integer("window", window, minimum=0)
    hits = None
    if isinstance(pattern, (int, np.integer)) and not isinstance(pattern, bool):
        if pattern not in set(ents["entity_id"]):
            raise InputError(f"no entity with id {pattern}")
        hits = mentions[mentions["entity_id"] == pattern]
    elif isinstance(pattern, str):
        by_name = ents["entity"].astype(str).str.casefold() == pattern.casefold()
        if by_name.any():
            hits = mentions[mentions["entity_id"].isin(ents.loc[by_name, "entity_id"])]
        else:
            from .dictionary import Dictionary, dictionary_matches

            hits = dictionary_matches(corpus, Dictionary({"kwic": [pattern]}))
    else:
        raise InputTypeError(
            f"pattern must be an entity name, id or token pattern, got {type(pattern).__name__}"
        )
    rows = []
    head = hits["paragraph"].to_numpy() < 0 if "paragraph" in hits else np.zeros(len(hits), bool)
    if head.any():
        # Headline mentions: the headline's words around them (offsets into the title).
        titles = corpus.documents().set_index("doc_id")["title"]
        for d, a, b in zip(
            hits["doc_id"][head], hits["start"][head], hits["end"][head], strict=True
        ):
            t = titles[d]
            left = " ".join(t[:a].split()[-window:]) if window else ""
            right = " ".join(t[b:].split()[:window]) if window else ""
            rows.append((d, int(a), int(b), left, t[a:b], right, True))
    for doc_id, g in hits[~head].groupby("doc_id", sort=False):
        toks = corpus.tokens(doc_id)
        text = corpus.text(doc_id)
        starts = toks["start"].to_numpy()
        ends = toks["end"].to_numpy()
        for a, b in zip(g["start"].to_numpy(), g["end"].to_numpy(), strict=True):
            i = int(np.searchsorted(starts, a, side="left"))
            j = int(np.searchsorted(ends, b, side="left"))
            lo = max(i - window, 0)
            hi = min(j + 1 + window, len(starts))
            left = text[starts[lo] : a].strip() if lo < i else ""
            right = text[b : ends[hi - 1]].strip() if hi > j + 1 else ""
            rows.append(
                (
                    doc_id,
                    int(a),
                    int(b),
                    " ".join(left.split()),
                    text[a:b],
                    " ".join(right.split()),
                    False,
                )
            )
    return pd.DataFrame(
        rows, columns=["doc_id", "start", "end", "left", "match", "right", "in_title"]
    )


def subset_resolved(
    mentions: pd.DataFrame, ents: pd.DataFrame, positions: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The mentions of the documents at ``positions`` (sorted, distinct) and their
    entities, as a sub-corpus keeps them: the parent's resolution (names, labels,
    aliases), entity ids renumbered 0, 1, ... in the parent's order, ``mentions`` and
    ``documents`` counted anew, document positions those of the sub-corpus."""
    from .frame import categorical

    doc = mentions["_doc"].to_numpy()
    at = np.minimum(np.searchsorted(positions, doc), max(len(positions) - 1, 0))
    keep = (positions[at] == doc) if len(positions) else np.zeros(len(doc), dtype=bool)
    m = mentions[keep].reset_index(drop=True)
    m["_doc"] = at[keep]
    old = m["entity_id"].to_numpy()
    used = np.unique(old)
    new_of = np.full(len(ents), -1, dtype=np.int64)
    new_of[used] = np.arange(len(used), dtype=np.int64)
    new = new_of[old]
    pairs = np.unique(np.stack([new, m["_doc"].to_numpy()]), axis=1)
    sub = ents.iloc[used].reset_index(drop=True).copy()
    sub["entity_id"] = np.arange(len(used), dtype=np.int64)
    sub["mentions"] = np.bincount(new, minlength=len(used)).astype(np.int64)
    sub["documents"] = np.bincount(pairs[0], minlength=len(used)).astype(np.int64)
    name_codes, names = pd.factorize(sub["entity"].to_numpy(dtype=object))
    m["entity_id"] = new
    m["entity"] = categorical(name_codes[new], pd.Index(names, dtype=object), sort=False)
    for col in ("text", "label"):
        if isinstance(m[col].dtype, pd.CategoricalDtype):
            m[col] = m[col].cat.remove_unused_categories()
    return m, sub
