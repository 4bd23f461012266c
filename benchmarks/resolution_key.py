"""Entity resolution against the hand-made keys of ``benchmarks/gold/`` (issue 13).

    python benchmarks/resolution_key.py [--shared ../shared]

Each key (``gold/resolution_allsides.tsv``, ``gold/resolution_reuters.tsv``; format in
``gold/README.md``) says which surface forms belong to each of a corpus's most-mentioned
real-world entities. Every mention whose text is a keyed surface form is scored:

- **B-cubed** precision and recall over those mentions (Bagga & Baldwin 1998): for a
  mention, precision is the share of the mentions resolved to its entity that the key
  puts with it, recall the share of the mentions the key puts with it that were
  resolved to its entity; both are averaged over mentions. A wrong merge lowers
  precision, a missed one recall.
- **Short forms reaching their bearer**: of the keyed mentions written as one word
  ("Trump", "Obama"), the share resolved to the entity that most of their key entity's
  mentions were resolved to.

Both resolvers are scored on the same tagged mentions of each corpus: the previous
rules (``Corpus.resolve(strict=True)``, no corpus-level evidence) and the default
resolver, which uses corpus evidence. For AllSides, :func:`acceptance` adds issue 13's
acceptance figures for both, without the key: the share of PER mentions written "Trump",
"Obama", "Biden", "Pelosi", "McConnell", "Putin" or "Donald J. Trump" resolved to the
entity of the full name, the share of "U.S." mentions in the entity of "United States",
and whether ten people who share a surname or a family stay separate entities.

``benchmarks/entity_eval.py`` writes these tables to RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = {
    "AllSides": (HERE / "gold" / "resolution_allsides.tsv", "allsides_news_2015_2020.jsonl.gz"),
    "Reuters-21578": (HERE / "gold" / "resolution_reuters.tsv", "reuters21578.jsonl.gz"),
}
PREVIOUS = "previous rules (strict=True)"
DEFAULT = "corpus evidence (default)"
# Issue 13's acceptance figures on AllSides: a short form and the full name it stands for,
SHORT_FORMS = {
    "Trump": "Donald Trump",
    "Obama": "Barack Obama",
    "Biden": "Joe Biden",
    "Pelosi": "Nancy Pelosi",
    "McConnell": "Mitch McConnell",
    "Putin": "Vladimir Putin",
    "Donald J. Trump": "Donald Trump",
}
# a place written two ways,
PLACE = ("U.S.", "United States")
# and people who must stay apart although they share a surname or a family.
SEPARATE = (
    "Donald Trump",
    "Melania Trump",
    "Ivanka Trump",
    "Eric Trump",
    "Barack Obama",
    "Michelle Obama",
    "Bill Clinton",
    "Hillary Clinton",
    "Hunter Biden",
    "Joe Biden",
)


def load_key(path: Path) -> dict[str, str]:
    """Surface form -> key entity. A form listed under two entities is an error."""
    key: dict[str, str] = {}
    with path.open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            s, e = r["surface"], r["entity"]
            if key.get(s, e) != e:
                raise ValueError(f"{path}: {s!r} is under {key[s]!r} and {e!r}")
            key[s] = e
    return key


def score(texts: list[str], predicted: list, key: dict[str, str]) -> dict[str, float]:
    """B-cubed precision, recall and F1 over the keyed mentions, and the short-form share.

    >>> key = {"Donald Trump": "DT", "Trump": "DT", "Melania Trump": "MT"}
    >>> s = score(["Donald Trump", "Trump", "Melania Trump"], [1, 1, 1], key)
    >>> round(s["precision"], 3), s["recall"]
    (0.556, 1.0)
    >>> score(["Donald Trump", "Trump", "Melania Trump"], [1, 1, 2], key)["precision"]
    1.0
    """
    gold, pred = [], []
    for t, p in zip(texts, predicted, strict=True):
        if t in key:
            gold.append(key[t])
            pred.append(p)
    n = len(gold)
    if not n:
        return {"mentions": 0, "precision": 0.0, "recall": 0.0, "f1": 0.0, "short": 0.0}
    pairs = Counter(zip(gold, pred, strict=True))
    by_gold, by_pred = Counter(gold), Counter(pred)
    precision = sum(pairs[(g, p)] / by_pred[p] for g, p in zip(gold, pred, strict=True)) / n
    recall = sum(pairs[(g, p)] / by_gold[g] for g, p in zip(gold, pred, strict=True)) / n
    # The entity most of a key entity's mentions went to: where its short forms belong.
    target: dict[str, object] = {}
    counts: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred, strict=True):
        counts[g][p] += 1
    for g, c in counts.items():
        target[g] = c.most_common(1)[0][0]
    short = [
        (g, p)
        for t, g, p in zip((t for t in texts if t in key), gold, pred, strict=True)
        if len(t.split()) == 1
    ]
    reached = sum(1 for g, p in short if target[g] == p) / len(short) if short else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"mentions": n, "precision": precision, "recall": recall, "f1": f1, "short": reached}


def resolutions(shared: Path) -> Iterator[tuple[str, dict[str, str], dict[str, Any]]]:
    """For every corpus whose key and data are present: its name, its key, and its
    mention table under each resolver (:data:`PREVIOUS`, :data:`DEFAULT`).

    Both tables come from one ``read_jsonl``; ``resolve(strict=True)`` tags its copy of
    the corpus again, so the two have the same mentions, row for row.
    """
    import newsgraph

    for name, (key_path, data) in KEYS.items():
        path = shared / "data" / "news" / data
        if not key_path.exists() or not path.exists():
            continue
        corpus = newsgraph.read_jsonl(path, progress=False)
        runs = {
            PREVIOUS: corpus.resolve(strict=True).mentions(progress=False),
            DEFAULT: corpus.mentions(progress=False),
        }
        yield name, load_key(key_path), runs


def score_runs(name: str, key: dict[str, str], runs: dict[str, Any]) -> dict[str, dict[str, float]]:
    """:func:`score` of each resolver's mention table, one row "corpus, resolver" each."""
    return {
        f"{name}, {resolver}": score(m["text"].astype(str).tolist(), m["entity_id"].tolist(), key)
        for resolver, m in runs.items()
    }


def evaluate(shared: Path) -> dict[str, dict[str, float]]:
    """The figures of both resolvers for every corpus whose key and data are present."""
    out: dict[str, dict[str, float]] = {}
    for name, key, runs in resolutions(shared):
        out.update(score_runs(name, key, runs))
    return out


def table(figures: dict[str, dict[str, float]]) -> str:
    lines = [
        "| corpus, resolver | keyed mentions | B-cubed precision | recall | F1 | short forms "
        "reaching their bearer |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in figures.items():
        lines.append(
            f"| {name} | {s['mentions']:,} | {s['precision']:.3f} | {s['recall']:.3f} "
            f"| {s['f1']:.3f} | {s['short']:.1%} |"
        )
    return "\n".join(lines)


def entity_written(m: Any, text: str) -> int | None:
    """The ``entity_id`` most mentions written exactly ``text`` have (any label), or None
    when no mention is written so.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"text": ["Joe Biden", "Joe Biden", "Joe Biden"], "entity_id": [4, 7, 4]})
    >>> entity_written(m, "Joe Biden"), entity_written(m, "Biden")
    (4, None)
    """
    ids = m.loc[m["text"] == text, "entity_id"]
    return None if ids.empty else int(ids.value_counts().index[0])


def share_in(m: Any, text: str, full: str, label: str | None = None) -> tuple[int, float | None]:
    """Mentions written exactly ``text`` (with ``label``, if given), and the share of them
    in :func:`entity_written` ``(m, full)``; the share is None if either form is absent.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"text": ["Joe Biden", "Biden", "Biden", "Biden"],
    ...                   "label": ["PER", "PER", "PER", "ORG"], "entity_id": [4, 4, 9, 4]})
    >>> share_in(m, "Biden", "Joe Biden", "PER"), share_in(m, "Biden", "Joe Biden")
    ((2, 0.5), (3, 0.6666666666666666))
    """
    rows = m["text"] == text
    if label is not None:
        rows &= m["label"] == label
    target = entity_written(m, full)
    n = int(rows.sum())
    if not n or target is None:
        return n, None
    return n, float((m.loc[rows, "entity_id"] == target).mean())


def separation(m: Any, names: tuple[str, ...] = SEPARATE) -> str:
    """Whether each of ``names`` has its own :func:`entity_written`: "all separate", or
    the names that share one ("Bill Clinton = Hillary Clinton"); absent names are listed.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"text": ["A B", "C B", "D E"], "entity_id": [1, 1, 2]})
    >>> separation(m, ("A B", "D E")), separation(m, ("A B", "C B", "D E", "F G"))
    ('all separate', 'merged: A B = C B; absent: F G')
    """
    by_entity: dict[int, list[str]] = defaultdict(list)
    absent = []
    for name in names:
        e = entity_written(m, name)
        if e is None:
            absent.append(name)
        else:
            by_entity[e].append(name)
    merged = [" = ".join(group) for group in by_entity.values() if len(group) > 1]
    parts = [f"merged: {'; '.join(merged)}"] if merged else ["all separate"]
    if absent:
        parts.append(f"absent: {', '.join(absent)}")
    return "; ".join(parts)


def acceptance(runs: dict[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """Issue 13's acceptance figures for each resolver's mention table: rows of (figure,
    mentions counted, {resolver: value}), with "absent" where a form is not in the corpus.

    Short forms count PER mentions; "U.S." counts mentions of any label. A form's target
    is the entity most mentions written exactly as the full name have (any label).
    """
    rows = []
    checks = [(f'PER "{s}" → {full}', s, full, "PER") for s, full in SHORT_FORMS.items()]
    checks.append((f'"{PLACE[0]}" (any label) → {PLACE[1]}', *PLACE, None))
    for figure, text, full, label in checks:
        values, counts = {}, {}
        for resolver, m in runs.items():
            n, share = share_in(m, text, full, label)
            counts[f"{n:,}"] = None
            values[resolver] = "absent" if share is None else f"{share:.1%}"
        # The resolvers see the same mentions, so this is one count.
        rows.append((figure, " / ".join(counts), values))
    rows.append(
        (
            f"separate entities: {', '.join(SEPARATE)}",
            "",
            {resolver: separation(m) for resolver, m in runs.items()},
        )
    )
    return rows


def acceptance_table(rows: list[tuple[str, str, dict[str, str]]]) -> str:
    resolvers = list(rows[0][2]) if rows else []
    lines = [
        f"| figure | mentions | {' | '.join(resolvers)} |",
        "| --- | ---: |" + " --- |" * len(resolvers),
    ]
    for figure, n, values in rows:
        lines.append(f"| {figure} | {n} | {' | '.join(values[r] for r in resolvers)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = ap.parse_args(argv)
    figures, checks = {}, []
    for name, key, runs in resolutions(args.shared):
        figures.update(score_runs(name, key, runs))
        if name == "AllSides":
            checks = acceptance(runs)
    if not figures:
        print("no key with its data found", file=sys.stderr)
        return 2
    print(table(figures))
    if checks:
        print()
        print(acceptance_table(checks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
