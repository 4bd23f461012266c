"""Pick the AllSides articles of the hand-annotated quotation set (issue 16).

    python benchmarks/gold/select_quote_docs.py [--shared ../shared] [--n 60]

A seeded sample, so it can be re-drawn and checked: articles of 250 to 900
whitespace words, at most one article per outlet, none of the entity dev set's.
The first 20 ids form the **dev** split (read while building the extractor), the
next 40 the **test** split (only scored), and any further ids (``--n 90`` drew 30
more, annotated later) join the dev split. Writes ``split<TAB>doc_id`` lines to
``benchmarks/gold/allsides_quote_docs.tsv``. The text itself stays in ``../shared``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261204
N_DEV = 20
N_TEST = 40


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    ap.add_argument("--n", type=int, default=60)
    args = ap.parse_args()
    path = args.shared / "data" / "news" / "allsides_news_2015_2020.jsonl.gz"
    ner_docs = set((HERE / "allsides_ner_docs.txt").read_text().split())
    pool = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] not in ner_docs and 250 <= len(r["text"].split()) <= 900:
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
    rows = [f"{'test' if N_DEV <= i < N_DEV + N_TEST else 'dev'}\t{d}" for i, d in enumerate(ids)]
    (HERE / "allsides_quote_docs.tsv").write_text("split\tdoc_id\n" + "\n".join(rows) + "\n")
    print(f"{len(ids)} articles from {len(pool)} of 250-900 words")


if __name__ == "__main__":
    main()
