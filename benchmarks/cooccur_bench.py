"""Co-occurrence benchmark: newsgraph against the scipy route ``X.T @ X``.

Usage (from anywhere)::

    python benchmarks/cooccur_bench.py [--corpus PATH] [--out benchmarks/RESULTS.md]
                                       [--repeat 3] [--threads N]

On Reuters-21578, in one process: entity mentions are found once with the bundled
tagger; then document- and sentence-scope co-occurrence is timed (a) given those
mentions (``corpus.cooccurrence`` with the mention table cached, and the core call
alone), (b) end to end (tagging included, on a fresh corpus), against (c) the scipy
route: build a binary context x entity CSR matrix ``X`` from the same mentions and
multiply ``X.T @ X`` (both timed). Best of ``--repeat`` runs. The results agree: the
script checks that the matrices are equal before it reports.

The table is printed and written to the ``## Co-occurrence (issue: co-occurrence)``
section of the results file; other sections are left as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "news" / "reuters21578.jsonl.gz"
DEFAULT_OUT = HERE / "RESULTS.md"
SECTION = "## Co-occurrence (issue: co-occurrence)"


def best(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def scipy_route(m, n_entities: int, n_docs: int, scope: str):
    """Binary context x entity matrix from the mention table, then X.T @ X."""
    t0 = time.perf_counter()
    doc = m["_doc"].to_numpy()
    if scope == "document":
        rows, n_rows = doc, n_docs
    else:
        key = doc.astype(np.int64) * (1 << 20) + m["sentence"].to_numpy()
        _, rows = np.unique(key, return_inverse=True)
        n_rows = int(rows.max()) + 1 if len(rows) else 0
    cols = m["_index"].to_numpy()
    x = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_rows, n_entities)
    )
    x.sum_duplicates()
    x.data[:] = 1.0
    t1 = time.perf_counter()
    c = (x.T @ x).tocsr()
    c.setdiag(0)
    c.eliminate_zeros()
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, c


def git_rev() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain"], capture_output=True, text=True
        ).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_section(out: Path, text: str) -> None:
    old = out.read_text(encoding="utf-8") if out.exists() else "# newsgraph benchmark results\n"
    lines = old.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if ln.rstrip() == SECTION), None)
    if start is None:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = next(
            (i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines)
        )
        tail = "".join(lines[end:])
        new = "".join(lines[:start]) + text + ("\n" + tail if tail else "")
    out.write_text(new, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args(argv)
    if not args.corpus.exists():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2

    import newsgraph
    from newsgraph import _core
    from newsgraph.cooccur import _entity_mentions

    load0 = os.getloadavg()[0]
    corpus = newsgraph.read_jsonl(args.corpus)
    t_mentions, _ = best(lambda: newsgraph.read_jsonl(args.corpus).mentions(), 1)
    m = _entity_mentions(corpus)  # warms the corpus's mention cache
    ids = m["entity_id"].to_numpy()
    uniq, first, inverse = np.unique(ids, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    m["_index"] = rank[inverse.reshape(-1)]
    m["_doc"] = corpus.doc_ids.get_indexer(m["doc_id"])
    n_ent = len(uniq)
    cols = {
        k: np.ascontiguousarray(m[c], dtype=np.int64)
        for k, c in [
            ("doc", "_doc"),
            ("paragraph", "paragraph"),
            ("sentence", "sentence"),
            ("start", "start"),
            ("end", "end"),
            ("entity", "_index"),
        ]
    }

    rows = []
    for scope in ("document", "sentence"):

        def core(scope=scope):
            return _core.cooccur_counts(
                corpus._articles, *cols.values(), n_ent, scope=scope, threads=args.threads
            )

        def api(scope=scope):
            return corpus.cooccurrence(scope=scope, threads=args.threads)

        t_core, res = best(core, args.repeat)
        t_api, co = best(api, args.repeat)
        # End to end on fresh corpora (no cached mentions): tagging + co-occurrence.
        e2e = []
        for _ in range(args.repeat):
            fresh = newsgraph.read_jsonl(args.corpus)
            t0 = time.perf_counter()
            fresh.cooccurrence(scope=scope, threads=args.threads)
            e2e.append(time.perf_counter() - t0)
        t_e2e = min(e2e)
        builds, mults, c = [], [], None
        for _ in range(args.repeat):
            tb, tm, c = scipy_route(m, n_ent, len(corpus), scope)
            builds.append(tb)
            mults.append(tm)
        t_build, t_mult = min(builds), min(mults)
        ours = sp.csr_matrix(
            (res[0]["data"], res[0]["indices"], res[0]["indptr"]), shape=(n_ent, n_ent)
        )
        assert (ours != c).nnz == 0, f"{scope}: newsgraph and X.T @ X disagree"
        assert (co.to_scipy() != ours).nnz == 0
        scipy_total = t_build + t_mult
        rows.append(
            (scope, t_core, t_api, t_e2e, t_build, t_mult, scipy_total, ours.nnz, co.n_contexts)
        )

    load1 = os.getloadavg()[0]
    n_mentions = len(m)
    header = (
        "| scope | newsgraph core | `corpus.cooccurrence` (mentions cached) | end to end "
        "(tagging included) | scipy: build X | scipy: X.T @ X | scipy total | "
        "scipy total / newsgraph core | scipy total / `cooccurrence` | non-zero cells |"
    )
    lines = [
        header,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for scope, tc, ta, te, tb, tm, ts, nnz, _ in rows:
        lines.append(
            f"| {scope} | {tc:.3f} | {ta:.3f} | {te:.3f} | {tb:.3f} | {tm:.3f} | {ts:.3f} | "
            f"{ts / tc:.1f}× | {ts / ta:.2f}× | {nnz:,} |"
        )
    table = "\n".join(lines)
    print(table)
    size = f"{len(corpus):,} documents, {n_mentions:,} mentions of {n_ent:,} entities"
    text = f"""{SECTION}

- date: {dt.date.today().isoformat()}
- machine: {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}; Python \
{platform.python_version()}; newsgraph {newsgraph.__version__} (repo at `{git_rev()}`); \
threads={args.threads or "default"}; 1-minute load average {load0:.1f} at the start, \
{load1:.1f} at the end (shared, noisy machine: quote the ratios, measured in the same run)
- corpus: `{args.corpus.name}`: {size} (bundled tagger; tagging the corpus once took \
{t_mentions:.2f} s including reading)
- seconds, best of {args.repeat}; unordered counts of contexts, no self pairs

{table}

- *newsgraph core*: `_core.cooccur_counts` given the mention columns as int64 arrays \
(character offsets to tokens, counting, CSR); *`corpus.cooccurrence`*: the public call \
with the corpus's mention table already cached (entity table, filters, core, wrapping); \
*end to end*: `cooccurrence` on a freshly read corpus, so tagging is included (reading \
is not).
- *scipy*: a binary context x entity `csr_matrix` built from the same mention table \
(sentence contexts found with `np.unique` on (document, sentence)), then `X.T @ X` with \
the diagonal removed. The two results are checked to be equal before reporting.
- The spaCy + pandas + scipy pipeline comparison is still to be added (spaCy is not \
installed here).
"""
    write_section(args.out, text)
    print(f"wrote {SECTION!r} in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
