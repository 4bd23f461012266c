"""Pick the AllSides articles of the hand-annotated entity dev set (issue 12).

    python benchmarks/gold/select_ner_docs.py [--shared ../shared] [--n 40]

A seeded sample, so it can be re-drawn and checked: articles of 250 to 700
whitespace words (short enough to annotate whole, headline included), at most one
article per outlet, drawn from all six years. Writes the ids, one a line, to
``benchmarks/gold/allsides_ner_docs.txt``. The text itself stays in ``../shared``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261203


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    ap.add_argument("--n", type=int, default=40)
    args = ap.parse_args()
    path = args.shared / "data" / "news" / "allsides_news_2015_2020.jsonl.gz"
    pool = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if 250 <= len(r["text"].split()) <= 700:
                pool.append((r["id"], r["source"]))
    rng = random.Random(SEED)
    rng.shuffle(pool)
    seen: set[str] = set()
    ids = []
    for doc_id, source in pool:
        if source not in seen:
            seen.add(source)
            ids.append(doc_id)
        if len(ids) == args.n:
            break
    (HERE / "allsides_ner_docs.txt").write_text("\n".join(sorted(ids)) + "\n")
    print(f"{len(ids)} articles from {len(pool)} of 250-700 words")


if __name__ == "__main__":
    main()
