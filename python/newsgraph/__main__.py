"""``python -m newsgraph [PATH]``: analyse a corpus and print a short report.

With no PATH the bundled seed articles are analysed. PATH may be a folder of text
files, a JSON Lines file (``.jsonl``/``.jsonl.gz``), a CSV file or a Parquet file.

The report lists documents, the most mentioned entities, and who appears with whom:
the pairs of people (``--labels PER``, the default) mentioned in the same sentence
(``--scope``), ranked by ``--measure`` (default: the count), keeping only pairs seen
together more often than chance (npmi > 0). Lines stay within 120 characters: long
ids, titles and names are shortened with an ellipsis.

``--out DIR`` writes the tables (``documents``, ``sentences``, ``mentions``,
``entities``, ``entity_counts``, and the ``cooccurrence`` edge list of the chosen
labels and scope) as CSV or Parquet, plus a graph of the ``--graph-top`` most mentioned
of those entities (``--graph graphml``, ``gexf`` or ``none``), saying on stderr what
each file took. Warnings (such as lines left out by ``--errors skip``) print as one
``newsgraph: warning: ...`` line each; progress bars show only when stderr is a
terminal (``--no-progress`` hides them there too). ``--quiet`` leaves stderr to
warnings and errors: no progress bars, no "wrote ..." or "done in ..." lines.

>>> import contextlib, io
>>> out = io.StringIO()
>>> with contextlib.redirect_stdout(out):
...     status = main(["--top", "2", "--limit", "2"])
>>> status
0
>>> print(out.getvalue().split("who appears with whom: ")[1].strip())
people with people (PER with PER) in the same sentence
top 2 pairs by count, of 6 with npmi > 0 (2 with npmi <= 0 left out):
source         target   count   npmi
Sergei Lavrov  Li Hui       4  0.178
Sergei Lavrov  Wang Yi      3  0.482
>>> print(out.getvalue().split("who appears with whom: ")[2].splitlines()[0])
people with organisations (PER with ORG) in the same sentence
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, io
from .cooccur import MEASURES, SCOPES, Cooccurrence
from .corpus import Corpus
from .exceptions import InputError, NewsgraphError, WriteError
from .ner import ENTITY_TYPES

#: Widest line of the report: longer values are shortened with an ellipsis.
WIDTH = 120
#: How a missing value (None, NaN, NaT) shows in every column.
MISSING = "-"
#: Columns whose values keep their start and end when shortened (ids and URLs differ
#: at the end); other text is cut at the end.
MIDDLE = ("doc_id", "url", "path")
#: A column is never shortened below this many characters.
NARROWEST = 10
GRAPH_WRITERS = {"graphml": "write_graphml", "gexf": "write_gexf"}
LABEL_NAMES = {"PER": "people", "ORG": "organisations", "LOC": "places"}


# -- reading ---------------------------------------------------------------------------


def _load(args: argparse.Namespace) -> Corpus:
    progress = False if args.no_progress or args.quiet else None
    if args.path is None:
        return io.load_seeds(threads=args.threads)
    p = Path(args.path)
    name = p.name.lower()
    common = {"threads": args.threads, "progress": progress}
    if p.is_dir():
        return io.read_dir(p, glob=args.glob, **common)
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".json.gz")):
        return io.read_jsonl(p, text=args.text, id=args.id, errors=args.errors, **common)
    if name.endswith((".csv", ".csv.gz", ".tsv")):
        sep = "\t" if name.endswith(".tsv") else ","
        return io.read_csv(p, text=args.text, id=args.id, sep=sep, errors=args.errors, **common)
    if name.endswith((".parquet", ".pq")):
        return io.read_parquet(p, text=args.text, id=args.id, **common)
    if not p.exists():
        raise io.MissingFileError(2, "No such file or directory", str(p))
    raise io.InputError(
        f"cannot tell how to read {str(p)!r}: give a folder, a .jsonl(.gz), .csv or .parquet file"
    )


def _labels(value: str) -> list[str] | None:
    """``--labels`` as a list of tagger labels, or None for ``all``.

    >>> _labels("per, ORG"), _labels("all")
    (['PER', 'ORG'], None)
    >>> _labels("PERS")
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: unknown label 'PERS' (did you mean 'PER'?): ...
    """
    wanted = [x.strip().upper() for x in value.split(",") if x.strip()]
    if not wanted:
        raise InputError(f"--labels needs labels such as PER or PER,ORG, or all; got {value!r}")
    for x in wanted:
        _checks.one_of("label", x, [*ENTITY_TYPES, "ALL"])
    return None if "ALL" in wanted else list(dict.fromkeys(wanted))


# -- formatting ------------------------------------------------------------------------


def shorten(text: str, width: int, middle: bool = False) -> str:
    """``text`` in at most ``width`` characters, an ellipsis standing for what is cut:
    at the end, or in the middle (ids and URLs, whose ends tell them apart).

    >>> shorten("https://www.example.com/2020/06/01/a-long-story-about-it", 30, middle=True)
    'https://www.exa…story-about-it'
    >>> shorten("A short title", 30)
    'A short title'
    """
    if len(text) <= width:
        return text
    if not middle:
        return text[: width - 1] + "…"
    head = (width - 1 + 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


def _missing(v: Any) -> bool:
    if isinstance(v, (float, np.floating)):
        return math.isnan(v)
    return v is None or v is pd.NaT or v is pd.NA


def _column(values: pd.Series, name: str) -> tuple[list[str], bool]:
    """A column's values as text, and whether it is numeric (aligned right).

    Whole numbers print without decimals (counts held as floats by a sparse matrix
    are whole), other numbers and association measures with three; dates as
    YYYY-MM-DD; missing values as :data:`MISSING`, the same in every column.
    """
    if pd.api.types.is_bool_dtype(values):
        return [MISSING if _missing(v) else str(bool(v)) for v in values], False
    if pd.api.types.is_numeric_dtype(values):
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = x[np.isfinite(x)]
        whole = name not in MEASURES and bool(np.all(finite == np.round(finite)))
        return [
            MISSING if math.isnan(v) else f"{int(v)}" if whole and math.isfinite(v) else f"{v:.3f}"
            for v in x
        ], True
    if pd.api.types.is_datetime64_any_dtype(values):
        return [MISSING if _missing(v) else v.strftime("%Y-%m-%d") for v in values], False
    return [MISSING if _missing(v) else str(v) for v in values], False


def table(df: pd.DataFrame, width: int = WIDTH) -> str:
    """``df`` as text lines of at most ``width`` characters (when its numbers and
    short columns allow), without the index: numbers aligned right, text left; the
    widest text column is shortened first.

    >>> df = pd.DataFrame({"doc_id": ["x" * 40], "count": [3.0], "title": [None]})
    >>> print(table(df, width=30))
    doc_id            count  title
    xxxxxxxx…xxxxxxx      3  -
    """
    cols = {str(c): _column(df[c], str(c)) for c in df.columns}
    widths = {c: max([len(c), *(len(v) for v in vals)]) for c, (vals, _) in cols.items()}
    # Lower the widest text columns together, down to the next widest, until the line
    # fits: two long columns (an id and a title) share the room rather than one of
    # them losing everything. No column goes below its header or NARROWEST.
    floor = {c: max(NARROWEST, len(c)) for c, (_, numeric) in cols.items() if not numeric}
    while (excess := sum(widths.values()) + 2 * (len(widths) - 1) - width) > 0:
        room = sorted((c for c in floor if widths[c] > floor[c]), key=lambda c: -widths[c])
        if not room:
            break
        widest = room[0]
        # Down to the next widest; one character at a time once they are level.
        below = max([widths[c] for c in room[1:]] or [0])
        widths[widest] -= max(1, min(excess, widths[widest] - max(floor[widest], below)))
    cells = {
        c: [shorten(v, widths[c], middle=c in MIDDLE) for v in vals]
        for c, (vals, _) in cols.items()
    }

    def line(values: dict[str, str]) -> str:
        parts = [
            values[c].rjust(widths[c]) if cols[c][1] else values[c].ljust(widths[c]) for c in cols
        ]
        return "  ".join(parts).rstrip()

    rows = [line({c: c for c in cols})]
    rows += [line({c: cells[c][i] for c in cols}) for i in range(len(df))]
    return "\n".join(rows)


def _who(labels: list[str] | None, pair: tuple[str, str] | None = None) -> str:
    if pair is not None:
        a, b = pair
        names = f"{LABEL_NAMES.get(a, a + ' entities')} with {LABEL_NAMES.get(b, b + ' entities')}"
        return f"{names} ({a} with {b})"
    if labels is None:
        return "entities of every label"
    if len(labels) == 1:
        x = labels[0]
        return f"{LABEL_NAMES.get(x, x + ' entities')} ({x} with {x})"
    return f"entities labelled {', '.join(labels)}"


def _where(scope: str, window: int | None) -> str:
    return f"within {window} tokens" if scope == "window" else f"in the same {scope}"


def pairs_section(
    co: Cooccurrence,
    labels: list[str] | None,
    measure: str = "count",
    top: int = 20,
    min_count: int = 1,
    pair: tuple[str, str] | None = None,
) -> list[str]:
    """The report's lines on who appears with whom: the ``top`` pairs by ``measure``
    (ties by count) among those with a positive association (npmi > 0); pairs seen
    together no more often than chance are left out, and the heading says how many.
    ``pair`` keeps only pairs of those two labels, one each (``("PER", "PER")``:
    people with people; ``("PER", "ORG")``: a person with an organisation).

    >>> import newsgraph
    >>> co = newsgraph.load_seeds().cooccurrence(labels="LOC", scope="document")
    >>> print("\\n".join(pairs_section(co, ["LOC"], top=2)))
    who appears with whom: places (LOC with LOC) in the same document
    top 2 pairs by count, of 42 with npmi > 0 (36 with npmi <= 0 left out):
    source  target   count   npmi
    China   Ukraine      5  1.000
    China   Moscow       5  1.000
    """
    where = _where(co.scope, co.window)
    # Every pair ranked by the API, then only positive associations: a pair seen
    # together less often than chance would have it is not a "top" pair.
    ranked = co.top_pairs(max(co.nnz, 1), measure)
    kind = dict(zip(co.entity_ids.tolist(), co.entity_labels, strict=True))
    if pair is not None:
        s, t = ranked["source_id"].map(kind), ranked["target_id"].map(kind)
        a, b = pair
        keep = ((s == a) & (t == b)) | ((s == b) & (t == a))
        ranked = ranked[keep].copy()
        # Each pair as the question reads: the person first, then the organisation.
        flip = (s[keep] == b).to_numpy() & (a != b)
        for x in ("", "_id", "_count"):
            pair_cols = [f"source{x}", f"target{x}"]
            if all(c in ranked.columns for c in pair_cols):
                ranked.loc[flip, pair_cols] = ranked.loc[flip, pair_cols[::-1]].to_numpy()
    positive = ranked[ranked["npmi"] > 0]
    left_out = len(ranked) - len(positive)
    at_least = f", count >= {min_count}" if min_count > 1 else ""
    if not len(positive):
        return [f"who appears with whom: no pairs of {_who(labels, pair)} {where} with npmi > 0"]
    shown = positive.head(top)
    cols = ["source", "target", "count", "npmi"]
    if measure not in cols:
        cols.append(measure)
    frame = shown[cols].copy()
    if pair is None and (labels is None or len(labels) > 1):
        # Each name's label beside it, when the pairs mix labels.
        frame.insert(1, "source_label", shown["source_id"].map(kind).to_numpy())
        frame.insert(3, "target_label", shown["target_id"].map(kind).to_numpy())
    return [
        f"who appears with whom: {_who(labels, pair)} {where}",
        f"top {len(shown)} pairs by {measure}, of {len(positive):,} with npmi > 0{at_least} "
        f"({left_out:,} with npmi <= 0 left out):",
        table(frame),
    ]


def report(
    corpus: Corpus,
    limit: int = 20,
    entities: pd.DataFrame | None = None,
    pairs: list[str] | None = None,
    origin: str = "",
    quoted: list[str] | None = None,
) -> str:
    """The text report that ``python -m newsgraph`` prints: the corpus's size, its first
    ``limit`` documents, what metadata was found, the ``limit`` most mentioned
    ``entities``, the ``pairs`` lines (see :func:`pairs_section`) and the ``quoted``
    lines (see :func:`quoted_section`).

    >>> import newsgraph
    >>> print(report(newsgraph.load_seeds(), limit=1))  # doctest: +ELLIPSIS
    5 documents, 75 sentences, 2,200 tokens
    <BLANKLINE>
    doc_id                title  date  source  dateline  n_sentences
    000_27c6c80333bff2b2  -      -     -       -                  14
    ... and 4 more documents
    ...
    """
    docs = corpus.documents()
    size = (
        f"{len(docs):,} documents, {int(docs['n_sentences'].sum()):,} sentences, "
        f"{int(docs['n_tokens'].sum()):,} tokens"
    )
    lines = [size]
    if origin:
        lines.append(shorten(f"from {origin}", WIDTH, middle=True))
    lines.append("")
    shown = docs[["doc_id", "title", "date", "source", "dateline", "n_sentences"]]
    lines.append(table(shown.head(limit)))
    if len(docs) > limit:
        lines.append(f"... and {len(docs) - limit:,} more documents")
    found = {
        c: int(docs[c].notna().sum()) for c in ("title", "date", "source", "dateline", "credits")
    }
    lines.append("")
    lines.append("found: " + ", ".join(f"{k} {v:,}/{len(docs):,}" for k, v in found.items()))
    if entities is not None:
        lines += ["", f"top entities by label ({len(entities):,} in all), with their mentions:"]
        lines.append(by_label(entities, min(limit, 10)))
    if pairs:
        lines += ["", *pairs]
    if quoted:
        lines += ["", *quoted]
    return "\n".join(lines)


def quoted_section(quotes: pd.DataFrame, counts: pd.DataFrame, top: int = 10) -> list[str]:
    """The report's "most quoted" lines: the ``top`` speakers by quotations, from
    :meth:`Corpus.quotes` and :meth:`Corpus.quote_counts`.

    >>> import newsgraph
    >>> c = newsgraph.load_seeds()
    >>> lines = quoted_section(c.quotes(), c.quote_counts(), top=2)
    >>> print(*lines, sep=chr(10))  # doctest: +NORMALIZE_WHITESPACE
    most quoted (33 quotations, 23 with a known speaker):
    entity            label  quotes
    Russia            LOC         3
    Foreign Ministry  ORG         3
    """
    named = int(quotes["entity_id"].notna().sum())
    head = f"most quoted ({len(quotes):,} quotations, {named:,} with a known speaker):"
    if counts.empty:
        return [head, "no quotation has a speaker that is a recognised entity"]
    shown = counts.head(top)[["entity", "label", "count"]].rename(columns={"count": "quotes"})
    return [head, table(shown)]


def by_label(entities: pd.DataFrame, limit: int = 20) -> str:
    """The ``limit`` most mentioned entities of each label, side by side, each with its
    number of mentions.

    >>> import newsgraph
    >>> print(by_label(newsgraph.load_seeds().entities(), 2))
    PER                 ORG                      LOC           MISC
    Li Hui (15)         Foreign Ministry (6)     Ukraine (34)  Russian (22)
    Sergei Lavrov (12)  Wall Street Journal (4)  China (28)    Chinese (16)
    """
    labels = [x for x in ENTITY_TYPES if (entities["label"] == x).any()]
    labels += sorted(set(entities["label"].astype(str)) - set(labels))
    if not labels:
        return "(none)"
    width = max(16, (WIDTH - 2 * (len(labels) - 1)) // len(labels))
    columns = {}
    for x in labels:
        top = entities[entities["label"] == x].nlargest(limit, "mentions", keep="first")
        columns[x] = [
            shorten(f"{e} ({m:,})", width)
            for e, m in zip(top["entity"].astype(str), top["mentions"], strict=True)
        ]
    rows = max(len(v) for v in columns.values())
    frame = pd.DataFrame({x: v + [""] * (rows - len(v)) for x, v in columns.items()})
    return table(frame)


# -- writing ---------------------------------------------------------------------------


def _size(path: Path) -> str:
    n = path.stat().st_size
    for unit in ("bytes", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000
    raise AssertionError("unreachable")


def _say(message: str) -> None:
    """A line of news on stderr, so the report on stdout stays clean."""
    print(f"newsgraph: {message}", file=sys.stderr, flush=True)


def _wrote(path: Path, t0: float, what: str = "", quiet: bool = False) -> None:
    if quiet:
        return
    took = time.perf_counter() - t0
    _say(f"wrote {path} ({what}{_size(path)}, {took:.1f} s)")


def _write(tables: dict[str, Any], out: Path, fmt: str, quiet: bool = False) -> list[Path]:
    """Write each table (a DataFrame, or a function making one, called when its turn
    comes so a slow one is timed with its file) as ``out/<name>.<fmt>``; ``quiet``:
    without saying so on stderr."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WriteError(f"cannot create the output folder {str(out)!r}: {e.strerror or e}") from e
    written = []
    for name, df in tables.items():
        t0 = time.perf_counter()
        df = df() if callable(df) else df
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
        _wrote(path, t0, f"{len(df):,} rows, ", quiet)
        written.append(path)
    return written


def _write_graph(corpus: Corpus, args: argparse.Namespace, options: dict[str, Any]) -> Path:
    """The graph of the ``--graph-top`` most mentioned entities of the chosen labels,
    with their pairs of at least ``--min-count``."""
    t0 = time.perf_counter()
    top = args.graph_top or None
    co = corpus.cooccurrence(top=top, **options)
    path = args.out / f"cooccurrence.{args.graph}"
    getattr(co, GRAPH_WRITERS[args.graph])(path, min_count=args.min_count)
    pairs = len(co.to_pandas(measures=False))
    _wrote(path, t0, f"{len(co.labels):,} entities, {pairs:,} pairs, ", args.quiet)
    return path


# -- the command -----------------------------------------------------------------------


def _show_warning(message: Any, category: type, *_: Any, **__: Any) -> None:
    """A warning as one line, without the Python file and line that raised it."""
    kind = "" if category is UserWarning else f" ({category.__name__})"
    _say(f"warning: {message}{kind}")


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m newsgraph",
        description=(
            "Parse a news corpus and report documents, metadata, the most mentioned "
            "entities and who appears with whom."
        ),
        epilog=(
            "example: python -m newsgraph news.jsonl.gz --labels PER,ORG --scope document "
            "--measure npmi --min-count 5 --out tables/ --graph gexf"
        ),
    )
    ap.add_argument(
        "path", nargs="?", help="folder, .jsonl(.gz), .csv or .parquet (default: bundled seeds)"
    )
    read = ap.add_argument_group("reading")
    read.add_argument("--text", default="text", help="text field/column (default: text)")
    read.add_argument("--id", default=None, help="id field/column (JSONL default: id)")
    read.add_argument("--glob", default="*.txt", help="file pattern for folders (default: *.txt)")
    read.add_argument(
        "--errors",
        choices=["raise", "skip"],
        default="raise",
        help="malformed JSONL lines and CSV rows: stop (raise) or skip them with a warning",
    )
    read.add_argument(
        "--threads", type=int, default=None, metavar="N", help="worker threads (default: all)"
    )
    read.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bars (they show only when stderr is a terminal anyway)",
    )
    read.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="stderr only for warnings and errors: no progress bars, no 'wrote ...' or "
        "'done in ...' lines",
    )
    read.add_argument(
        "--no-entities",
        dest="entities",
        action="store_false",
        help="parse only: skip entity recognition, resolution and pairs",
    )
    read.add_argument(
        "--dedupe",
        nargs="?",
        type=float,
        const=0.8,
        default=None,
        metavar="THRESHOLD",
        help="count each story once: drop near-duplicate documents (syndicated copies, "
        "Jaccard of word shingles >= THRESHOLD, default 0.8) before the report, keeping "
        "the one --dedupe-keep says",
    )
    read.add_argument(
        "--dedupe-keep",
        choices=["first", "last", "earliest"],
        default="first",
        help="with --dedupe: which copy stays (default: first in the input; earliest: by date)",
    )
    rep = ap.add_argument_group("report")
    rep.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="documents and entities to list (default: 20)",
    )
    rep.add_argument(
        "--labels",
        default=None,
        metavar="PER,ORG",
        help="entity labels of the pairs, comma-separated, or all (default: two sections, "
        "people with people and people with organisations, and PER,ORG for --out; "
        f"labels: {','.join(ENTITY_TYPES)})",
    )
    rep.add_argument(
        "--scope",
        choices=SCOPES,
        default="sentence",
        help="where two entities count as together (default: sentence)",
    )
    rep.add_argument(
        "--window",
        type=int,
        default=None,
        metavar="N",
        help="tokens apart, at most (--scope window)",
    )
    rep.add_argument(
        "--measure",
        choices=["count", *MEASURES],
        default="count",
        help="what ranks the pairs (default: count); pairs with npmi <= 0 are left out",
    )
    rep.add_argument("--top", type=int, default=20, metavar="N", help="pairs to list (default: 20)")
    rep.add_argument(
        "--min-count",
        type=int,
        default=1,
        metavar="N",
        help="leave out pairs seen together fewer times, in the report, the edge list "
        "and the graph (default: 1)",
    )
    out = ap.add_argument_group("output")
    out.add_argument(
        "--out", type=Path, metavar="DIR", help="write tables and a graph to this folder"
    )
    out.add_argument(
        "--format", choices=["csv", "parquet"], default="csv", help="tables as (default: csv)"
    )
    out.add_argument(
        "--graph",
        choices=[*GRAPH_WRITERS, "none"],
        default="graphml",
        help="graph file with --out (default: graphml; none: no graph)",
    )
    out.add_argument(
        "--graph-top",
        type=int,
        default=500,
        metavar="N",
        help="entities in the graph: the most mentioned of --labels (default: 500; 0: all)",
    )
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run ``python -m newsgraph`` with these arguments; the exit status."""
    args = parser().parse_args(argv)
    if args.id is None and args.path and ".json" in Path(args.path).name.lower():
        args.id = "id"
    t0 = time.perf_counter()
    # Warnings of this run print as one line each, not as Python's file:line report;
    # catch_warnings puts the usual display back afterwards.
    with warnings.catch_warnings():
        warnings.showwarning = _show_warning
        try:
            _run(args)
        except BrokenPipeError:
            # The reader of stdout left (`| head`): not an error of the corpus. Python
            # would complain again when it flushes stdout at exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except (NewsgraphError, OSError) as e:
            print(f"newsgraph: error: {e}", file=sys.stderr)
            return 1
    if not args.quiet:
        _say(f"done in {time.perf_counter() - t0:.2f} s")
    return 0


def _run(args: argparse.Namespace) -> None:
    # By default two questions: people with people, and people with organisations.
    labels = ["PER", "ORG"] if args.labels is None else _labels(args.labels)
    sections = [("PER", "PER"), ("PER", "ORG")] if args.labels is None else [None]
    _checks.integer("--top", args.top, minimum=1)
    _checks.integer("--min-count", args.min_count, minimum=1)
    _checks.integer("--limit", args.limit, minimum=0)
    _checks.integer("--graph-top", args.graph_top, minimum=0)
    if args.scope == "window" and args.window is None:
        raise InputError("--scope window needs --window N (how many tokens apart, at most)")
    if args.scope != "window" and args.window is not None:
        raise InputError(f"--window {args.window} applies to --scope window only")
    corpus = _load(args)
    if args.dedupe is not None:
        before = len(corpus)
        corpus = corpus.drop_duplicates(args.dedupe, keep=args.dedupe_keep, threads=args.threads)
        if not args.quiet:
            _say(
                f"--dedupe {args.dedupe:g}: dropped {before - len(corpus):,} near-duplicate "
                f"documents, {len(corpus):,} left"
            )
    entities = mentions = co = None
    pairs: list[str] | None = None
    options: dict[str, Any] = {}
    if args.entities:
        mentions = corpus.mentions()
        entities = corpus.entities()
        present = set(entities["label"].astype(str))
        if labels is not None and not present & set(labels):
            pairs = [f"who appears with whom: no mentions labelled {', '.join(labels)}"]
        else:
            options = {
                "scope": args.scope,
                "window": args.window,
                "labels": labels,
                "min_count": args.min_count,
            }
            co = corpus.cooccurrence(**options)
            pairs = []
            for pair in sections:
                if pairs:
                    pairs.append("")
                pairs += pairs_section(co, labels, args.measure, args.top, args.min_count, pair)
    quotes = quoted = None
    if args.entities:
        quotes = corpus.quotes()
        quoted = quoted_section(quotes, corpus.quote_counts(), args.top)
    origin = str(args.path) if args.path else "the bundled seeds"
    print(report(corpus, args.limit, entities, pairs, origin, quoted))
    if args.out:
        tables: dict[str, Any] = {"documents": corpus.documents(), "sentences": corpus.sentences}
        if entities is not None:
            tables["mentions"] = mentions
            tables["entities"] = entities
            tables["entity_counts"] = lambda: corpus.entity_counts(by="doc_id")
            tables["quotes"] = quotes
        if co is not None:
            tables["cooccurrence"] = co.to_pandas
        _write(tables, args.out, args.format, args.quiet)
        if co is not None and args.graph != "none":
            _write_graph(corpus, args, options)


if __name__ == "__main__":
    sys.exit(main())
