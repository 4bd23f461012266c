"""Self-training data: AllSides articles tagged by a model, kept where the article
agrees with itself.

    python training/silver.py OUT.conll [--model MODEL] [--docs 1000] [--seed 1]

Draws ``--docs`` AllSides articles (seeded), never one of the hand-annotated dev set
(``benchmarks/gold/allsides_ner_docs.txt``), tags each with its headline as the
article's first sentence, and writes them in CoNLL format (word, IOB2 tag). A sentence
is kept only when every name in it got the same type wherever the same words appear
in the article (document-level agreement); an article keeps its sentences in order.
The output is derived from research-only text: keep it out of the repository.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from collections import defaultdict
from pathlib import Path

import newsgraph

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ALLSIDES = REPO.parent / "shared" / "data" / "news" / "allsides_news_2015_2020.jsonl.gz"
DEV_IDS = REPO / "benchmarks" / "gold" / "allsides_ner_docs.txt"


def spans(tags: list[str]) -> list[tuple[int, int, str]]:
    out, start, typ = [], None, ""
    for i, t in enumerate([*tags, "O"]):
        if start is not None and not t.startswith("I-"):
            out.append((start, i, typ))
            start = None
        if t.startswith("B-"):
            start, typ = i, t[2:]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--model")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--shared-file", type=Path, default=ALLSIDES)
    args = ap.parse_args()
    held_out = set(DEV_IDS.read_text().split())
    records = []
    with gzip.open(args.shared_file, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] not in held_out:
                records.append(r)
    random.Random(args.seed).shuffle(records)
    records = records[: args.docs]
    import pandas as pd

    corpus = newsgraph.Corpus.from_pandas(
        pd.DataFrame({k: [r[k] for r in records] for k in ("id", "title", "text")}), id="id"
    )
    # Headlines tokenised as newsgraph tokenises text (read as texts of their own).
    heads = newsgraph.Corpus.from_pandas(
        pd.DataFrame({"id": corpus.doc_ids, "text": [r["title"] or "" for r in records]}).assign(
            title=""
        ),
        id="id",
    )
    tagger = newsgraph.load_tagger(args.model) if args.model else newsgraph.load_tagger()
    sents: list[list[str]] = []
    docs: list[int] = []
    for k, d in enumerate(corpus.doc_ids):
        for source in (heads, corpus):
            for _, g in source.tokens(d).groupby("sentence", sort=True):
                sents.append(g["token"].tolist())
                docs.append(k)
    tags = newsgraph.tag(sents, documents=docs, tagger=tagger)
    kept = total = 0
    with args.out.open("w", encoding="utf-8") as f:
        start = 0
        while start < len(sents):
            end = start
            while end < len(sents) and docs[end] == docs[start]:
                end += 1
            labels: dict[str, set[str]] = defaultdict(set)
            for s, t in zip(sents[start:end], tags[start:end], strict=True):
                for a, b, typ in spans(t):
                    for w in s[a:b]:
                        labels[w.lower()].add(typ)
            f.write("-DOCSTART- -X- O O\n\n")
            for s, t in zip(sents[start:end], tags[start:end], strict=True):
                total += 1
                if any(len(labels[w.lower()]) > 1 for a, b, _ in spans(t) for w in s[a:b]):
                    continue
                kept += 1
                for w, tag in zip(s, t, strict=True):
                    f.write(f"{w} {tag}\n")
                f.write("\n")
            start = end
    print(f"{len(records)} articles, {kept} of {total} sentences kept -> {args.out}")


if __name__ == "__main__":
    main()
