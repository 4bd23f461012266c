"""Turn inline-marked article copies into the offset-only gold files of the NER dev set.

    python benchmarks/gold/inline_to_tsv.py MARKED_DIR OUT.tsv [--shared ../shared]

Annotators work on copies of an article kept outside the repository (the text is
research-only): ``MARKED_DIR/<doc_id>.title.txt`` and ``MARKED_DIR/<doc_id>.text.txt``,
the record's ``title`` and ``text`` fields with every entity written as
``[[LABEL:surface]]`` (LABEL one of PER, ORG, LOC, MISC). This script removes the marks,
checks that what is left equals the original field character for character, and
writes one row per entity: ``doc_id, field, start, end, label`` with ``start``/``end``
Python string offsets into that field. No text goes into the output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

MARK = re.compile(r"\[\[(PER|ORG|LOC|MISC):(.+?)\]\]", re.S)
FIELDS = ("title", "text")


def strip_marks(marked: str) -> tuple[str, list[tuple[int, int, str]]]:
    """The unmarked text and its entity spans.

    >>> strip_marks("[[PER:Ann Lee]] met [[ORG:IBM]].")
    ('Ann Lee met IBM.', [(0, 7, 'PER'), (12, 15, 'ORG')])
    """
    out: list[str] = []
    spans = []
    pos = 0
    n = 0
    for m in MARK.finditer(marked):
        out.append(marked[pos : m.start()])
        n += m.start() - pos
        surface = m.group(2)
        spans.append((n, n + len(surface), m.group(1)))
        out.append(surface)
        n += len(surface)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), spans


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("marked", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[3] / "shared")
    args = ap.parse_args()
    records = {}
    path = args.shared / "data" / "news" / "allsides_news_2015_2020.jsonl.gz"
    wanted = {p.name.split(".")[0] for p in args.marked.glob("*.txt")}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in wanted:
                records[r["id"]] = r
    rows = []
    bad = 0
    for doc_id in sorted(wanted):
        for field in FIELDS:
            p = args.marked / f"{doc_id}.{field}.txt"
            if not p.exists():
                print(f"missing {p}", file=sys.stderr)
                bad += 1
                continue
            plain, spans = strip_marks(p.read_text(encoding="utf-8"))
            original = records[doc_id][field]
            if plain.rstrip("\n") != original.rstrip("\n"):
                i = next(
                    (k for k, (a, b) in enumerate(zip(plain, original, strict=False)) if a != b),
                    min(len(plain), len(original)),
                )
                print(
                    f"{p}: differs from the original at {i}: "
                    f"{plain[max(0, i - 30) : i + 30]!r} vs {original[max(0, i - 30) : i + 30]!r}",
                    file=sys.stderr,
                )
                bad += 1
                continue
            for s, e, label in spans:
                surface = original[s:e]
                if surface != surface.strip() or not surface:
                    print(f"{p}: span {surface!r} has outer spaces", file=sys.stderr)
                    bad += 1
                rows.append((doc_id, field, s, e, label))
    with args.out.open("w", encoding="utf-8") as f:
        f.write("doc_id\tfield\tstart\tend\tlabel\n")
        for r in rows:
            f.write("\t".join(map(str, r)) + "\n")
    print(f"{len(rows)} entities in {len(wanted)} documents -> {args.out}; {bad} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
