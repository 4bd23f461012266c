"""Turn annotators' quotation notes into the offset-only gold file of issue 16.

    python benchmarks/gold/quotes_to_tsv.py NOTES_DIR OUT.tsv [--shared ../shared] [--show]

Annotators read each article of ``allsides_quote_docs.tsv`` and write, outside the
repository (the text is research-only), ``NOTES_DIR/<doc_id>.json``::

    {"doc_id": "allsides-...", "quotes": [
      {"from": "We will not", "to": "back down", "kind": "direct",
       "cue": "said", "speaker": "he", "name": "Joe Biden"}
    ]}

Per quotation: ``from``/``to`` are the first and last words of the quoted span as
they stand in the field (``to`` may be left out when ``from`` is the whole span;
``nth``: which occurrence of ``from``, 0 first); ``field`` is ``text`` (default) or
``title``; ``kind`` is ``direct`` or ``indirect``; ``cue`` (the reporting verb or
phrase) and ``speaker`` (the source as written: "he", "the ministry", "Biden") are
taken at their occurrence nearest the quote, outside it (``cue_nth``/``speaker_nth``
pick an occurrence by number instead); ``name`` is the speaker's fullest name as
written somewhere in the article, null when the article never names the speaker.
Any of cue, speaker, name may be null.

The script finds every string, refuses anything it cannot find exactly, and writes
one row per quotation: offsets only (Python string offsets into the record's field,
end exclusive), no text. ``--show`` prints each resolved quotation for checking.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLUMNS = [
    "doc_id",
    "field",
    "quote",
    "start",
    "end",
    "kind",
    "cue_start",
    "cue_end",
    "speaker_start",
    "speaker_end",
    "name_field",
    "name_start",
    "name_end",
]
MARKS = "\"'“”‘’«»„‟‹›`"


def occurrences(text: str, s: str) -> list[int]:
    out, i = [], text.find(s)
    while i >= 0:
        out.append(i)
        i = text.find(s, i + 1)
    return out


def nearest(text: str, s: str, span: tuple[int, int], nth: int | None) -> tuple[int, int]:
    """The occurrence of ``s`` outside ``span`` nearest to it (or the ``nth``)."""
    found = occurrences(text, s)
    if not found:
        raise ValueError(f"{s!r} not found")
    if nth is not None:
        return found[nth], found[nth] + len(s)
    outside = [i for i in found if i + len(s) <= span[0] or i >= span[1]] or found
    best = min(outside, key=lambda i: span[0] - i - len(s) if i < span[0] else i - span[1])
    return best, best + len(s)


def resolve(rec: dict, q: dict) -> dict:
    field = q.get("field", "text")
    text = rec[field] or ""
    found = occurrences(text, q["from"])
    nth = q.get("nth", 0)
    if len(found) <= nth:
        raise ValueError(f"'from' {q['from']!r} occurrence {nth} not found")
    start = found[nth]
    if q.get("to"):
        to = text.find(q["to"], start)
        if to < 0:
            raise ValueError(f"'to' {q['to']!r} not found after 'from'")
        end = to + len(q["to"])
    else:
        end = start + len(q["from"])
    if q["kind"] not in ("direct", "indirect"):
        raise ValueError(f"kind {q['kind']!r}")
    row = {"field": field, "start": start, "end": end, "kind": q["kind"]}
    for key in ("cue", "speaker"):
        a = b = ""
        if q.get(key):
            a, b = nearest(text, q[key], (start, end), q.get(f"{key}_nth"))
        row[f"{key}_start"], row[f"{key}_end"] = a, b
    row["name_field"] = row["name_start"] = row["name_end"] = ""
    if q.get("name"):
        for f in ("text", "title"):
            i = (rec[f] or "").find(q["name"])
            if i >= 0:
                row.update(name_field=f, name_start=i, name_end=i + len(q["name"]))
                break
        else:
            raise ValueError(f"name {q['name']!r} not in the article")
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("notes", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    ap.add_argument("--show", action="store_true")
    args = ap.parse_args()
    with (HERE / "allsides_quote_docs.tsv").open() as f:
        ids = [r["doc_id"] for r in csv.DictReader(f, delimiter="\t")]
    records = {}
    with gzip.open(args.shared / "data/news/allsides_news_2015_2020.jsonl.gz", "rt") as f:
        for line in f:
            r = json.loads(line)
            if r["id"] in ids:
                records[r["id"]] = r
    rows, bad = [], 0
    for doc_id in ids:
        path = args.notes / f"{doc_id}.json"
        if not path.exists():
            print(f"{doc_id}: no notes yet", file=sys.stderr)
            continue
        notes = json.loads(path.read_text())
        spans: list[tuple[str, int, int]] = []
        for k, q in enumerate(notes["quotes"]):
            try:
                row = resolve(records[doc_id], q)
            except (ValueError, KeyError) as e:
                print(f"{doc_id} quote {k}: {e}", file=sys.stderr)
                bad += 1
                continue
            text = records[doc_id][row["field"]]
            quoted = text[row["start"] : row["end"]]
            if quoted[:1] in MARKS or quoted[-1:] in MARKS or quoted != quoted.strip():
                print(
                    f"{doc_id} quote {k}: span starts or ends with a mark or space: "
                    f"{quoted[:20]!r}...{quoted[-20:]!r}",
                    file=sys.stderr,
                )
                bad += 1
            for f, a, b in spans:
                if f == row["field"] and a < row["end"] and row["start"] < b:
                    print(f"{doc_id} quote {k}: overlaps another quote", file=sys.stderr)
                    bad += 1
            spans.append((row["field"], row["start"], row["end"]))
            rows.append({"doc_id": doc_id, "quote": k, **row})
            if args.show:

                def at(a, b, t=text):
                    return t[a:b] if a != "" else "-"

                print(
                    f"{doc_id} #{k} {row['kind']} [{at(row['speaker_start'], row['speaker_end'])}]"
                    f" [{at(row['cue_start'], row['cue_end'])}] name={q.get('name')!r}"
                    f" «{quoted[:70]}{' … ' + quoted[-40:] if len(quoted) > 110 else quoted[70:]}»"
                )
    if bad:
        print(f"{bad} problems; nothing written", file=sys.stderr)
        return 1
    with args.out.open("w", newline="") as f:
        w = csv.DictWriter(f, COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} quotations in {len({r['doc_id'] for r in rows})} articles -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
