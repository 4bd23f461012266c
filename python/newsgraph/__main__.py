"""``python -m newsgraph [PATH]``: analyse a corpus and print a short report.

With no PATH the bundled seed articles are analysed. PATH may be a folder of text
files, a JSON Lines file (``.jsonl``/``.jsonl.gz``), a CSV file or a Parquet file. ``--out DIR``
writes the tables (``documents``, ``sentences``, ``mentions``, ``entities``,
``entity_counts``, and the sentence-scope ``cooccurrence`` edge list) as CSV or
Parquet, plus ``cooccurrence.graphml`` for Gephi or networkx.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from . import io
from .corpus import Corpus
from .exceptions import NewsgraphError, WriteError


def _load(args: argparse.Namespace) -> Corpus:
    if args.path is None:
        return io.load_seeds(threads=args.threads)
    p = Path(args.path)
    name = p.name.lower()
    if p.is_dir():
        return io.read_dir(p, glob=args.glob, threads=args.threads)
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json.gz")):
        return io.read_jsonl(
            p, text=args.text, id=args.id, errors=args.errors, threads=args.threads
        )
    if name.endswith((".csv", ".csv.gz", ".tsv")):
        sep = "\t" if name.endswith(".tsv") else ","
        return io.read_csv(
            p, text=args.text, id=args.id, sep=sep, errors=args.errors, threads=args.threads
        )
    if name.endswith((".parquet", ".pq")):
        return io.read_parquet(p, text=args.text, id=args.id, threads=args.threads)
    if not p.exists():
        raise io.MissingFileError(2, "No such file or directory", str(p))
    raise io.InputError(
        f"cannot tell how to read {str(p)!r}: give a folder, a .jsonl(.gz), .csv or .parquet file"
    )


def _write(tables: dict[str, pd.DataFrame], out: Path, fmt: str) -> list[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create the output folder {str(out)!r}: {e.strerror or e}") from e
    written = []
    for name, df in tables.items():
        path = out / f"{name}.{fmt}"
        if fmt == "parquet":
            try:
                df.to_parquet(path, index=False)
            except ImportError as e:
                raise NewsgraphError(
                    "writing Parquet needs pyarrow: pip install 'newsgraph[parquet]'"
                ) from e
        else:
            flat = df.copy()
            for col in flat.columns:
                if flat[col].dtype == object and flat[col].map(lambda v: isinstance(v, list)).any():
                    flat[col] = flat[col].map(
                        lambda v: "|".join(map(str, v)) if isinstance(v, list) else v
                    )
            try:
                flat.to_csv(path, index=False)
            except OSError as e:
                raise WriteError(f"cannot write {str(path)!r}: {e.strerror or e}") from e
        written.append(path)
    return written


def report(
    corpus: Corpus,
    limit: int = 20,
    entities: pd.DataFrame | None = None,
    pairs: pd.DataFrame | None = None,
) -> str:
    """The text report that ``python -m newsgraph`` prints."""
    docs = corpus.documents()
    lines = [repr(corpus), ""]
    shown = docs[["doc_id", "title", "date", "source", "dateline", "n_sentences"]].head(limit)
    shown = shown.assign(
        title=shown["title"].map(
            lambda t: t if not isinstance(t, str) or len(t) <= 50 else t[:49] + "…"
        ),
        date=shown["date"].dt.strftime("%Y-%m-%d"),
    )
    with pd.option_context("display.width", 160, "display.max_columns", 10):
        lines.append(shown.to_string(index=False, na_rep="-"))
    if len(docs) > limit:
        lines.append(f"... and {len(docs) - limit:,} more documents")
    found = {
        c: int(docs[c].notna().sum()) for c in ("title", "date", "source", "dateline", "credits")
    }
    lines.append("")
    lines.append("found: " + ", ".join(f"{k} {v:,}/{len(docs):,}" for k, v in found.items()))
    if entities is not None:
        lines += ["", f"top entities ({len(entities):,} in all):"]
        top = entities.head(limit)[["entity", "label", "mentions", "documents"]]
        lines.append(top.to_string(index=False))
    if pairs is not None and len(pairs):
        lines += ["", "top co-occurring pairs (same sentence):"]
        lines.append(pairs.head(limit).to_string(index=False))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m newsgraph",
        description="Parse a news corpus and report documents, metadata and counts.",
    )
    ap.add_argument(
        "path", nargs="?", help="folder, .jsonl(.gz), .csv or .parquet (default: bundled seeds)"
    )
    ap.add_argument("--out", type=Path, help="write tables to this folder")
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
    ap.add_argument("--text", default="text", help="text field/column (default: text)")
    ap.add_argument("--id", default=None, help="id field/column (JSONL default: id)")
    ap.add_argument("--glob", default="*.txt", help="file pattern for folders (default: *.txt)")
    ap.add_argument(
        "--errors",
        choices=["raise", "skip"],
        default="raise",
        help="malformed JSONL lines and CSV rows: stop (raise) or skip and report",
    )
    ap.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    ap.add_argument("--limit", type=int, default=20, help="rows to list in each report table")
    ap.add_argument(
        "--no-entities",
        dest="entities",
        action="store_false",
        help="parse only: skip entity recognition and resolution",
    )
    args = ap.parse_args(argv)
    if args.id is None and args.path and ".json" in Path(args.path).name.lower():
        args.id = "id"
    t0 = time.perf_counter()
    try:
        corpus = _load(args)
        entities = mentions = co = pairs = None
        if args.entities:
            mentions = corpus.mentions()
            entities = corpus.entities()
            co = corpus.cooccurrence(scope="sentence")
            pairs = co.top_pairs(args.limit)[["source", "target", "count", "npmi", "llr"]]
        print(report(corpus, args.limit, entities, pairs))
        if args.out:
            tables = {"documents": corpus.documents(), "sentences": corpus.sentences()}
            if entities is not None:
                tables["mentions"] = mentions
                tables["entities"] = entities
                tables["entity_counts"] = corpus.entity_counts(by="doc_id")
                tables["cooccurrence"] = co.to_pandas()
            for path in _write(tables, args.out, args.format):
                print(f"wrote {path}")
            if co is not None:
                graph = args.out / "cooccurrence.graphml"
                co.write_graphml(graph)
                print(f"wrote {graph}")
    except (NewsgraphError, OSError) as e:
        print(f"newsgraph: error: {e}", file=sys.stderr)
        return 1
    print(f"done in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
