"""Canonical entities and the tables researchers slice them into.

Resolution runs in Rust (``src/core/resolve.rs`` documents the rules and their known
failure modes): titles, possessives and articles are stripped, "Lavrov" links to
"Sergei Lavrov" in the same article, acronyms to their expansions, and spelling
variants ("Zelensky", "Zelenskiy", "Zelenskyy") merge across articles, while different
people with similar names ("Li Hui", "Li Keqiang") stay apart. Dictionary matches are
not resolved: their key is the entity.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .exceptions import InputError, InputTypeError


@dataclass(frozen=True)
class ResolveOptions:
    """How mentions become entities; set with :meth:`newsgraph.Corpus.resolve`."""

    aliases: tuple[tuple[str, str], ...] = ()
    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[str, ...] = ()
    demonyms: bool = False
    fuzzy: bool = True

    @classmethod
    def build(
        cls,
        aliases: Mapping[str, str] | None = None,
        merge: Iterable[Iterable[str]] | None = None,
        split: Iterable[str] | None = None,
        demonyms: bool = False,
        fuzzy: bool = True,
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
        return cls(tuple(pairs), tuple(groups), names, bool(demonyms), bool(fuzzy))


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
    text_codes, texts = codes_of(mentions["text"])
    label_codes, labels = codes_of(mentions["label"])
    out = _core.resolve_mentions(
        np.ascontiguousarray(doc_pos[idx], dtype=np.int64),
        np.ascontiguousarray(text_codes[idx]),
        [str(t) for t in texts],
        np.ascontiguousarray(label_codes[idx]),
        [str(x) for x in labels],
        aliases=list(opts.aliases),
        merge=[list(g) for g in opts.merge],
        split=list(opts.split),
        demonyms=_demonym_table() if opts.demonyms else [],
        fuzzy=opts.fuzzy,
        threads=threads,
    )
    ents = pd.DataFrame(out["entities"])
    # Dictionary keys are entities of their own.
    dict_idx = np.flatnonzero(dictionary_rows)
    if len(dict_idx):
        key_codes, key_pos = np.unique(label_codes[dict_idx], return_inverse=True)
        key_names = [str(labels[k]) for k in key_codes]
        forms = pd.DataFrame(
            {"key": key_pos.reshape(-1), "form": text_codes[dict_idx], "doc": doc_pos[dict_idx]}
        )
        seen = forms.drop_duplicates(["key", "form"])
        aliases: list[list[str]] = [[] for _ in key_names]
        for k, f in zip(seen["key"].tolist(), seen["form"].tolist(), strict=True):
            aliases[k].append(str(texts[f]))
        extra = pd.DataFrame(
            {
                "name": key_names,
                "label": key_names,
                "aliases": [sorted(a) for a in aliases],
                "mentions": np.bincount(forms["key"], minlength=len(key_names)),
                "documents": forms.drop_duplicates(["key", "doc"])
                .groupby("key")
                .size()
                .reindex(range(len(key_names)), fill_value=0)
                .to_numpy(),
            }
        )
        ents = pd.concat([ents, extra], ignore_index=True)
    # Stable ids: by label, then name.
    order = np.lexsort((ents["name"].to_numpy().astype(str), ents["label"].to_numpy().astype(str)))
    new_id = np.empty(len(ents), dtype=np.int64)
    new_id[order] = np.arange(len(ents))
    n_resolved = len(out["entities"]["name"])
    entity_id = np.empty(len(mentions), dtype=np.int64)
    entity_id[idx] = new_id[np.asarray(out["entity_of"], dtype=np.int64)]
    if len(dict_idx):
        entity_id[dict_idx] = new_id[n_resolved + key_pos.reshape(-1)]
    ents = ents.iloc[order].reset_index(drop=True)
    ents.insert(0, "entity_id", np.arange(len(ents), dtype=np.int64))
    ents = ents.rename(columns={"name": "entity"})
    # Names can repeat across labels ("Georgia" the place and the person), and a
    # categorical needs distinct categories: code the names, then the mentions.
    name_codes, names = pd.factorize(ents["entity"].to_numpy(dtype=object))
    # Callers hand over a table of their own: add the columns in place, no copy.
    result = mentions
    result["entity_id"] = entity_id
    result["entity"] = categorical(name_codes[entity_id], names, sort=False)
    return result, ents


# -- tables ------------------------------------------------------------------------------


def entity_counts(
    mentions: pd.DataFrame, docs: pd.DataFrame, by: str | None, label: Any, freq: str | None
) -> pd.DataFrame:
    """Tidy counts of mentions per entity, optionally per group."""
    m = _filter_label(mentions, label)
    if by is None:
        if freq is not None:
            raise InputError("freq needs by='date'")
        out = _count_by(m, "_all", pd.Series(np.zeros(len(m), dtype=np.int64))).drop(columns="_all")
    else:
        if by == "doc_id":
            group = m["doc_id"]
        else:
            if by not in docs.columns:
                raise InputError(
                    f"cannot count by {by!r}: it is not a documents() column; choose from "
                    f"{list(docs.columns)}"
                )
            values = docs[by]
            group = _per_mention(m, docs, by)
            if by == "date" or pd.api.types.is_datetime64_any_dtype(values.dtype):
                if freq is None:
                    raise InputError("counting by a date needs freq='D', 'W', 'M', 'Q' or 'Y'")
                try:
                    group = pd.to_datetime(group).dt.to_period(freq)
                except (ValueError, TypeError) as e:
                    raise InputError(f"freq={freq!r} is not a pandas period alias: {e}") from None
            elif freq is not None:
                raise InputError(f"freq applies to dates, but {by!r} is not a date column")
        out = _count_by(m, by, group)
    out["entity"] = out["entity"].astype("category")
    out["label"] = out["label"].astype("category")
    sort = ([by] if by else []) + ["count", "entity_id"]
    asc = ([True] if by else []) + [False, True]
    return out.sort_values(sort, ascending=asc, kind="stable").reset_index(drop=True)


def _count_by(m: pd.DataFrame, by: str, group: pd.Series) -> pd.DataFrame:
    """Mentions per (group, entity), as a groupby would count them (groups sorted,
    a missing group value kept as a group of its own), from integer codes."""
    gcode, groups = pd.factorize(group, sort=True, use_na_sentinel=False)
    ent = m["entity_id"].to_numpy(dtype=np.int64)
    n_ent = int(ent.max()) + 1 if len(ent) else 1
    key = gcode.astype(np.int64) * n_ent + ent
    if len(groups) * n_ent <= max(1 << 20, 2 * len(key)):
        # A dense tally beats sorting a million keys while the table is no bigger
        # than the mentions themselves.
        tally = np.bincount(key, minlength=len(groups) * n_ent)
        keys = np.flatnonzero(tally)
        counts = tally[keys]
    else:
        keys, counts = np.unique(key, return_counts=True)
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


def _per_mention(m: pd.DataFrame, docs: pd.DataFrame, column: str) -> pd.Series:
    """A documents() column's value for each mention of a cached mention table (its
    ``_doc`` column gives the document's row: cheaper than looking doc ids up)."""
    values = docs[column].to_numpy()[m["_doc"].to_numpy()]
    return pd.Series(values, index=m.index, dtype=docs[column].dtype)


def _filter_label(m: pd.DataFrame, label: Any) -> pd.DataFrame:
    if label is None:
        return m
    wanted = [label] if isinstance(label, str) else list(label)
    unknown = sorted(set(wanted) - set(m["label"].unique()))
    if unknown and len(unknown) == len(wanted):
        raise InputError(
            f"no mentions with label {unknown}; labels present: "
            f"{sorted(map(str, m['label'].unique()))}"
        )
    return m[m["label"].isin(wanted)]


def keyness(
    mentions: pd.DataFrame,
    docs: pd.DataFrame,
    by: str,
    target: Any,
    measure: str = "chi2",
    label: Any = None,
) -> pd.DataFrame:
    """Entities over-represented in the target group, as quanteda's textstat_keyness.

    For each entity, the 2x2 table is its mentions in the target group (a) and in the
    rest (c) against all other mentions in each (b, d). ``chi2`` is Pearson's
    chi-squared with Yates' continuity correction, ``lr`` the likelihood-ratio G²; both
    are signed (negative when the entity is relatively rarer in the target).
    """
    if measure not in ("chi2", "lr"):
        raise InputError(f"measure must be 'chi2' or 'lr', got {measure!r}")
    if by != "doc_id" and by not in docs.columns:
        raise InputError(f"cannot compare by {by!r}: not a documents() column")
    group = mentions["doc_id"] if by == "doc_id" else _per_mention(mentions, docs, by)
    present = set(group.dropna().unique())
    targets = set(target) if isinstance(target, (list, tuple, set)) else {target}
    if not targets & present:
        shown = sorted(map(str, present))[:10]
        raise InputError(f"target {target!r} is not a value of {by!r}; values include {shown}")
    m = _filter_label(mentions.assign(_t=group.isin(targets)), label)
    counts = (
        m.groupby(["entity_id", "entity", "label", "_t"], observed=True)
        .size()
        .unstack("_t", fill_value=0)
    )
    a = counts.get(True, pd.Series(0, index=counts.index)).to_numpy(dtype=float)
    c = counts.get(False, pd.Series(0, index=counts.index)).to_numpy(dtype=float)
    ta, tc = a.sum(), c.sum()
    b, d = ta - a, tc - c
    n = ta + tc
    sign = np.sign(a / max(ta, 1) - c / max(tc, 1))
    if measure == "chi2":
        num = n * np.maximum(np.abs(a * d - b * c) - n / 2, 0) ** 2
        den = (a + b) * (c + d) * (a + c) * (b + d)
        stat = np.where(den > 0, num / np.where(den > 0, den, 1), 0.0)
    else:

        def term(o, e):
            return np.where(o > 0, o * np.log(np.where(o > 0, o, 1) / np.where(e > 0, e, 1)), 0)

        ea, eb = (a + c) * (a + b) / n, (b + d) * (a + b) / n
        ec, ed = (a + c) * (c + d) / n, (b + d) * (c + d) / n
        stat = 2 * (term(a, ea) + term(b, eb) + term(c, ec) + term(d, ed))
    from scipy.stats import chi2 as chi2_dist

    out = counts.index.to_frame(index=False)
    out[measure] = sign * stat
    out["p"] = chi2_dist.sf(stat, 1)
    out["n_target"] = a.astype(np.int64)
    out["n_reference"] = c.astype(np.int64)
    return out.sort_values(
        [measure, "entity_id"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)


def kwic(
    corpus: Any, mentions: pd.DataFrame, ents: pd.DataFrame, pattern: Any, window: int
) -> pd.DataFrame:
    """Keyword-in-context rows for an entity (name or id) or a token pattern."""
    if not isinstance(window, (int, np.integer)) or window < 0:
        raise InputError(f"window must be a non-negative int, got {window!r}")
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
    for doc_id, g in hits.groupby("doc_id", sort=False):
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
                (doc_id, int(a), int(b), " ".join(left.split()), text[a:b], " ".join(right.split()))
            )
    return pd.DataFrame(rows, columns=["doc_id", "start", "end", "left", "match", "right"])
