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

``benchmarks/entity_eval.py`` writes these figures to RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = {
    "AllSides": (HERE / "gold" / "resolution_allsides.tsv", "allsides_news_2015_2020.jsonl.gz"),
    "Reuters-21578": (HERE / "gold" / "resolution_reuters.tsv", "reuters21578.jsonl.gz"),
}


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


def evaluate(shared: Path) -> dict[str, dict[str, float]]:
    """The figures for every corpus whose key and data are present."""
    import newsgraph

    out = {}
    for name, (key_path, data) in KEYS.items():
        path = shared / "data" / "news" / data
        if not key_path.exists() or not path.exists():
            continue
        m = newsgraph.read_jsonl(path, progress=False).mentions(progress=False)
        out[name] = score(
            m["text"].astype(str).tolist(), m["entity_id"].tolist(), load_key(key_path)
        )
    return out


def table(figures: dict[str, dict[str, float]]) -> str:
    lines = [
        "| corpus | keyed mentions | B-cubed precision | recall | F1 | short forms reaching "
        "their bearer |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in figures.items():
        lines.append(
            f"| {name} | {s['mentions']:,} | {s['precision']:.3f} | {s['recall']:.3f} "
            f"| {s['f1']:.3f} | {s['short']:.1%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    args = ap.parse_args(argv)
    figures = evaluate(args.shared)
    if not figures:
        print("no key with its data found", file=sys.stderr)
        return 2
    print(table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
