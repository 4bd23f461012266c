"""Entity resolution on Reuters-21578, checked against its ``people`` index tags.

    python benchmarks/entity_eval.py [--shared ../shared] [--out benchmarks/RESULTS.md]

Reuters-21578 (1987) tags each article with the people it is about ("james-baker").
Two figures, written to RESULTS.md under "## Entity resolution (issue: resolution)":

- recall of tagged people: the share of (article, tagged person) pairs where the
  article has a PER entity whose canonical name contains the tagged surname (the last
  part of the tag), so a bare "Baker" resolved to "James Baker" counts, and so does a
  resolution that merged the right surface forms;
- how much resolution consolidates: distinct PER surface forms (lowercased) against
  distinct canonical PER entities, with the largest merged entities as examples.

Research-only data is read from ../shared, never copied.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resolution_key
from _common import REPO, RESULTS, git_state, machine, write_section

SECTION = "## Entity resolution (issue: resolution)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    path = args.shared / "data" / "news" / "reuters21578.jsonl.gz"
    if not path.exists():
        print(f"needs {path} (the shared data folder beside the repo)", file=sys.stderr)
        return 2
    import newsgraph

    t0 = time.perf_counter()
    corpus = newsgraph.read_jsonl(path)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    m = corpus.mentions()
    t_mentions = time.perf_counter() - t0
    per = m[m["label"] == "PER"]
    docs = corpus.documents()
    tagged = docs[docs["people"].map(len) > 0]
    words = per.groupby("doc_id")["entity"].agg(
        lambda s: {w.lower() for e in set(s) for w in e.replace("-", " ").split()}
    )
    surface = per.groupby("doc_id")["text"].agg(
        lambda s: {w.lower() for t in set(s) for w in t.replace("-", " ").split()}
    )
    pairs = [
        (d, p.split("-")[-1])
        for d, ps in zip(tagged["doc_id"], tagged["people"], strict=True)
        for p in ps
    ]
    found = sum(1 for d, s in pairs if s in words.get(d, set()))
    found_surface = sum(1 for d, s in pairs if s in surface.get(d, set()))
    forms = per["text"].str.lower().nunique()
    entities = per["entity_id"].nunique()
    ents = corpus.entities()
    big = ents[ents["label"] == "PER"].assign(n=lambda e: e["aliases"].map(len))
    big = big.sort_values(["n", "mentions"], ascending=False).head(8)
    lines = [
        SECTION,
        "",
        f"{dt.date.today().isoformat()}, commit {git_state()}, newsgraph "
        f"{newsgraph.__version__}; {machine()}.",
        "",
        f"Reuters-21578: {len(corpus):,} articles, {len(tagged):,} with `people` tags, "
        f"{len(pairs):,} (article, person) pairs. Read and parse {t_read:.2f} s; entities "
        f"and resolution {t_mentions:.2f} s ({len(m):,} mentions).",
        "",
        "| figure | value |",
        "| --- | ---: |",
        f"| tagged person found as a PER entity (surname in the canonical name) "
        f"| {found / len(pairs):.1%} |",
        f"| same, on the raw mention text (before resolution) | {found_surface / len(pairs):.1%} |",
        f"| distinct PER surface forms (lowercased) | {forms:,} |",
        f"| distinct canonical PER entities after resolution | {entities:,} |",
        f"| consolidation | {forms / max(entities, 1):.2f} forms per entity |",
        "",
        "Entities with the most surface forms (what resolution merged):",
        "",
        "| entity | mentions | documents | surface forms |",
        "| --- | ---: | ---: | --- |",
    ]
    for r in big.itertuples():
        lines.append(f"| {r.entity} | {r.mentions} | {r.documents} | {', '.join(r.aliases[:6])} |")
    # Dictionary-only mode against the tagger on the same corpus: 10,000 patterns made
    # from the corpus' most frequent capitalised words and word pairs (1,000 keys).
    sents = corpus.sentences()["text"]
    words = sents.str.findall(r"\b[A-Z][a-z]{2,}\b").explode().value_counts()
    pairs_ = sents.str.findall(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b").explode().value_counts()
    patterns = list(words.index[:6000]) + list(pairs_.index[:4000])
    entries = {f"k{i}": patterns[i::1000] for i in range(1000)}
    dictionary = newsgraph.Dictionary(entries, case_sensitive=True)
    fresh = newsgraph.read_jsonl(path)
    t0 = time.perf_counter()
    dm = fresh.mentions(dictionary=dictionary, model=False)
    t_dict = time.perf_counter() - t0
    fresh = newsgraph.read_jsonl(path)
    t0 = time.perf_counter()
    fresh.mentions()
    t_model = time.perf_counter() - t0
    mb = sum(len(corpus.text(d).encode()) for d in corpus.doc_ids) / 1e6
    lines += [
        "",
        f"Dictionary-only mode (`mentions(dictionary=d, model=False)`, {len(patterns):,} "
        f"patterns in 1,000 keys, case-sensitive) against the tagger (`mentions()`), "
        f"both end to end on the parsed corpus ({mb:.1f} MB of text), same run:",
        "",
        "| mode | seconds | MB/s | mentions | ratio |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| tagger + resolution | {t_model:.2f} | {mb / t_model:.1f} | {len(m):,} | 1.0× |",
        f"| dictionary only | {t_dict:.2f} | {mb / t_dict:.1f} | {len(dm):,} "
        f"| {t_model / t_dict:.1f}× faster |",
    ]
    figures = resolution_key.evaluate(args.shared)
    if figures:
        lines += [
            "",
            "Against the hand-made resolution keys of `benchmarks/gold/` (which surface "
            "forms belong to each of the 100 most-mentioned entities; "
            "`benchmarks/resolution_key.py`): B-cubed over the mentions whose text is a "
            "keyed form, and the share of one-word forms resolved to their bearer's entity.",
            "",
            resolution_key.table(figures),
        ]
    lines += [
        "",
        "A tagged surname counts when any PER entity of the article has it as a word, so a "
        "different person with the same surname also counts; the tags are about the "
        "article's subject, and a few tagged people are never named in the text.",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    write_section(args.out, SECTION, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
