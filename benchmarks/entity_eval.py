"""Entity resolution: Reuters-21578's ``people`` tags, the hand-made keys, both resolvers.

    python benchmarks/entity_eval.py [--shared ../shared] [--out benchmarks/RESULTS.md]

Written to RESULTS.md under "## Entity resolution (issue: resolution)":

- Reuters-21578 (1987) tags each article with the people it is about ("james-baker").
  Recall of tagged people: the share of (article, tagged person) pairs where the
  article has a PER entity whose canonical name contains the tagged surname (the last
  part of the tag), so a bare "Baker" resolved to "James Baker" counts, and so does a
  resolution that merged the right surface forms. How much resolution consolidates:
  distinct PER surface forms (lowercased) against distinct canonical PER entities, with
  the largest merged entities as examples. Dictionary-only mode against the tagger.
- The previous resolver (``Corpus.resolve(strict=True)``) against the default one, in
  the same run: B-cubed against the keys of ``benchmarks/gold/`` on AllSides and
  Reuters-21578, and issue 13's acceptance figures on AllSides
  (``benchmarks/resolution_key.py`` says what each measures).
- Resolution time on AllSides, previous against default: the median of
  :data:`TIMING_RUNS` calls of ``newsgraph._core.resolve_mentions`` on the already-tagged
  mentions, with :data:`TIMING_THREADS` threads (tagging and building the tables are
  not timed).

Research-only data is read from ../shared, never copied.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import resolution_key
from _common import REPO, RESULTS, git_state, machine, write_section

SECTION = "## Entity resolution (issue: resolution)"
TIMING_RUNS = 3
TIMING_THREADS = 2


def same_partition(a: Any, b: Any) -> bool:
    """Whether two labelings of the same rows group them alike (the ids may differ).

    >>> same_partition([0, 0, 1], [5, 5, 2]), same_partition([0, 0, 1], [5, 2, 2])
    (True, False)
    """
    import pandas as pd

    pairs = pd.DataFrame({"a": a, "b": b}).drop_duplicates()
    return len(pairs) == pairs["a"].nunique() == pairs["b"].nunique()


def time_resolution(m: Any) -> dict[bool, tuple[float, Any]]:
    """For ``strict`` True (previous rules) and False (default): the median seconds of
    :data:`TIMING_RUNS` calls of ``newsgraph._core.resolve_mentions`` on the mention
    table ``m`` (in document order, no dictionary matches) with :data:`TIMING_THREADS`
    threads, and the ``entity_of`` of the last call. The runs alternate between the two
    so that load on the shared machine falls on both; only the core call is timed, not
    building its arguments (document positions, text and label codes) from ``m``.
    """
    import numpy as np
    import pandas as pd

    from newsgraph import _core
    from newsgraph.frame import codes_of

    text_codes, texts = codes_of(m["text"])
    label_codes, labels = codes_of(m["label"])
    args = (
        np.ascontiguousarray(pd.factorize(m["doc_id"])[0], dtype=np.int64),
        np.ascontiguousarray(text_codes, dtype=np.int64),
        [str(t) for t in texts],
        np.ascontiguousarray(label_codes, dtype=np.int64),
        [str(x) for x in labels],
    )
    seconds: dict[bool, list[float]] = {True: [], False: []}
    entity_of = {}
    for _ in range(TIMING_RUNS):
        for strict in seconds:
            t0 = time.perf_counter()
            out = _core.resolve_mentions(*args, strict=strict, threads=TIMING_THREADS)
            seconds[strict].append(time.perf_counter() - t0)
            entity_of[strict] = np.asarray(out["entity_of"])
    return {strict: (statistics.median(s), entity_of[strict]) for strict, s in seconds.items()}


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
    figures, checks, timing, n_allsides = {}, [], None, 0
    for name, key, runs in resolution_key.resolutions(args.shared):
        figures.update(resolution_key.score_runs(name, key, runs))
        if name == "AllSides":
            checks = resolution_key.acceptance(runs)
            timing = time_resolution(runs[resolution_key.DEFAULT])
            timed_like_public = all(
                same_partition(timing[strict][1], runs[resolver]["entity_id"])
                for strict, resolver in (
                    (True, resolution_key.PREVIOUS),
                    (False, resolution_key.DEFAULT),
                )
            )
            n_allsides = len(runs[resolution_key.DEFAULT])
        del runs
    if figures:
        lines += [
            "",
            "Against the hand-made resolution keys of `benchmarks/gold/` (which surface "
            "forms belong to each of the 100 most-mentioned entities; "
            "`benchmarks/resolution_key.py`): B-cubed over the mentions whose text is a "
            "keyed form, and the share of one-word forms resolved to their bearer's "
            "entity. Each corpus is tagged once per resolver, in the same run: the "
            "previous rules (`corpus.resolve(strict=True).mentions()`, no corpus-level "
            "evidence) and the default resolver (`corpus.mentions()`), which uses it.",
            "",
            resolution_key.table(figures),
        ]
    if checks:
        lines += [
            "",
            "Issue 13's acceptance figures on AllSides, same run: the share of the PER "
            "mentions written exactly as a short form that are in the entity of the full "
            "name (the entity most mentions written exactly as the full name have, any "
            'label); the same for "U.S." mentions of any label; and whether the people '
            "listed keep an entity each (each one's entity found the same way).",
            "",
            resolution_key.acceptance_table(checks),
        ]
    if timing is not None:
        (t_prev, _), (t_new, _) = timing[True], timing[False]
        lines += [
            "",
            f"Resolution time on AllSides ({n_allsides:,} tagged mentions): "
            f"`newsgraph._core.resolve_mentions` on the mentions already tagged, "
            f"threads={TIMING_THREADS}, median of {TIMING_RUNS} runs each, alternating, "
            "same run (tagging and building the tables not timed). Checked: the timed "
            "calls group the mentions "
            + ("as" if timed_like_public else "**differently from**")
            + " the two `mentions()` tables above do.",
            "",
            "| resolver | seconds | time vs previous |",
            "| --- | ---: | ---: |",
            f"| {resolution_key.PREVIOUS} | {t_prev:.3f} | 1.00× |",
            f"| {resolution_key.DEFAULT} | {t_new:.3f} | {t_new / t_prev:.2f}× |",
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
