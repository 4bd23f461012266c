"""Near-duplicates (issue 17): recall against brute force, and speed against
datasketch's ``MinHashLSH``, in the same run.

    python benchmarks/dedup_bench.py            # needs datasketch (the bench extra)

- **Recall**: on Reuters-21578 and AllSides, every pair of documents whose exact
  Jaccard (of the same shingle-hash sets newsgraph verifies with) reaches the
  threshold, found by brute force (each document against every other whose size
  allows it), against the pairs ``near_duplicates`` returns: recall is found / all,
  precision is the share of returned pairs in the brute-force set.
- **Speed**: ``near_duplicates(0.8)`` on AllSides and on AllSides x10 (150,000
  articles: each article and 9 copies with about 1% of their words replaced, seeded,
  so every story has 10 near-duplicate versions), against datasketch ``MinHash`` +
  ``MinHashLSH`` (threshold 0.8, num_perm 128) over the same shingles: datasketch is
  given newsgraph's 64-bit shingle hashes (as 8-byte strings) and its time is MinHash
  (``update_batch``), inserting and querying only, so shingling is not counted against
  it. newsgraph's time includes shingling and exact verification. The x10 row is also
  set against the full pipeline of ``benchmarks/run.py`` (read + parse, mentions,
  entities and counts, sentence co-occurrence) on the same file, in the same run.

Every measurement runs in a fresh subprocess; peak memory is that step's (VmHWM
reset before it). The corpora are research-only data in the team's shared folder,
read in place; the x10 file is written to a temporary folder and deleted.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import RESULTS, git_state, machine, publish, reset_peak, run_child, status_mb

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data" / "news"
ALLSIDES = "allsides_news_2015_2020.jsonl.gz"
REUTERS = "reuters21578.jsonl.gz"
SECTION = "## Near-duplicates: recall and speed (issue 17)"
THRESHOLD = 0.8
#: datasketch runs on at most this many documents; beyond, its time is extrapolated
#: linearly (it is linear: one MinHash per document, one insert and query each). Its
#: input, one Python bytes object per shingle, would take about 5 GB for AllSides x10.
DATASKETCH_MAX_DOCS = 30_000


def _step(fn):
    reset_peak()
    t0 = time.perf_counter()
    out = fn()
    return out, {"seconds": time.perf_counter() - t0, "rss_mb": status_mb("VmHWM")}


def child(args: argparse.Namespace) -> dict:

    import newsgraph
    from newsgraph import _core

    if args.child == "newsgraph":
        c, read = _step(lambda: newsgraph.read_jsonl(args.file, progress=False))
        pairs, r = _step(lambda: c.near_duplicates(THRESHOLD, progress=False))
        return {**r, "read_s": read["seconds"], "pairs": len(pairs), "docs": len(c)}
    if args.child == "recall":
        c = newsgraph.read_jsonl(args.file, progress=False)
        _, indptr, hashes = _core.dedup_sketch(c._articles)
        (a, b, _), brute = _step(lambda: _core.dedup_all_pairs(indptr, hashes, args.threshold))
        truth = set(zip(a.tolist(), b.tolist(), strict=True))
        pos = {d: i for i, d in enumerate(c.doc_ids)}
        pairs, r = _step(lambda: c.near_duplicates(args.threshold, progress=False))
        found = {(pos[x], pos[y]) for x, y in zip(pairs["doc_a"], pairs["doc_b"], strict=True)}
        return {
            **r,
            "brute_s": brute["seconds"],
            "truth": len(truth),
            "found": len(found),
            "hit": len(found & truth),
        }
    if args.child == "datasketch":
        from datasketch import MinHash, MinHashLSH

        c = newsgraph.read_jsonl(args.file, progress=False)
        if args.limit and args.limit < len(c):
            c = c.head(args.limit)
        _, indptr, hashes = _core.dedup_sketch(c._articles)
        # One bytes object per shingle, made before the clock starts.
        shingles = [[h.tobytes() for h in hashes[indptr[i] : indptr[i + 1]]] for i in range(len(c))]
        del hashes

        def run() -> int:
            lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
            sigs = []
            for i, sh in enumerate(shingles):
                m = MinHash(num_perm=128)
                if sh:
                    m.update_batch(sh)
                sigs.append(m)
                lsh.insert(i, m)
            n = 0
            for i, m in enumerate(sigs):
                n += sum(1 for j in lsh.query(m) if j > i)
            return n

        n, r = _step(run)
        return {**r, "pairs": n, "docs": len(c)}
    if args.child == "pipeline":
        # The full pipeline exactly as benchmarks/run.py defines and times it.
        out = subprocess.run(
            [sys.executable, str(HERE / "run.py"), "--child", "pipeline", "--file", args.file],
            capture_output=True,
            text=True,
            env={**os.environ, "NEWSGRAPH_NUM_THREADS": "2"},
        )
        if out.returncode != 0:
            raise RuntimeError(out.stderr[-3000:])
        return json.loads(out.stdout.strip().splitlines()[-1])
    raise SystemExit(f"unknown child {args.child}")


def write_x10(src: Path, path: Path, copies: int = 10) -> tuple[int, float]:
    """Each article and ``copies - 1`` versions with about 1% of the words replaced by
    other words of the same article (seeded), as uncompressed JSON Lines."""
    rng = random.Random(20240517)
    docs, nbytes = 0, 0
    with gzip.open(src, "rt", encoding="utf-8") as f, open(path, "w", encoding="utf-8") as out:
        for line in f:
            r = json.loads(line)
            text = r.get("text") or ""
            words = text.split(" ")
            for k in range(copies):
                w = list(words)
                if k:
                    for i in rng.sample(range(len(w)), max(1, len(w) // 100)):
                        w[i] = rng.choice(words)
                t = " ".join(w)
                out.write(json.dumps(dict(r, id=f"{r['id']}~{k}", text=t), ensure_ascii=False))
                out.write("\n")
                docs += 1
                nbytes += len(t.encode())
    return docs, nbytes / 1e6


def text_mb(path: Path) -> tuple[int, float]:
    opener = gzip.open if path.suffix == ".gz" else open
    docs, size = 0, 0
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            docs += 1
            size += len((json.loads(line).get("text") or "").encode())
    return docs, size / 1e6


def log(msg: str) -> None:
    print(f"dedup_bench: {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=str(RESULTS), help="results file ('-': print only)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--threshold", type=float, default=THRESHOLD, help=argparse.SUPPRESS)
    ap.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    data = Path(args.data).expanduser()
    allsides, reuters = data / ALLSIDES, data / REUTERS
    for p in (allsides, reuters):
        if not p.is_file():
            print(f"dedup_bench.py: {p} not found (the team's shared data)", file=sys.stderr)
            return 2
    load0 = os.getloadavg()[0]
    lines = [
        SECTION,
        "",
        f"- date: {time.strftime('%Y-%m-%d')}; repo at `{git_state()}`; "
        "`python benchmarks/dedup_bench.py`",
        f"- machine: {machine()} (at the start; 1-minute load {load0:.1f})",
        f"- threshold {THRESHOLD}, num_perm 128, word 3-gram shingles of the cleaned body "
        "(see `newsgraph.dedup`); newsgraph with 2 threads",
        "",
        "### Recall against brute force",
        "",
        "| corpus | threshold | pairs (brute force) | found | recall | precision | "
        "brute force s | `near_duplicates` s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, path, thresholds in (
        ("Reuters-21578", reuters, (0.5, 0.8, 0.9)),
        ("AllSides", allsides, (0.8,)),
    ):
        for t in thresholds:
            log(f"recall: {name} at {t}")
            r = run_child(__file__, ["recall", "--file", str(path), "--threshold", str(t)])
            recall = r["hit"] / r["truth"] if r["truth"] else float("nan")
            precision = r["hit"] / r["found"] if r["found"] else float("nan")
            lines.append(
                f"| {name} | {t} | {r['truth']:,} | {r['hit']:,} | {recall:.4f} | "
                f"{precision:.4f} | {r['brute_s']:.1f} | {r['seconds']:.2f} |"
            )

    with tempfile.TemporaryDirectory(prefix="newsgraph_dedup_") as tmp:
        x10 = Path(tmp) / "allsides_x10.jsonl"
        log("writing AllSides x10")
        docs10, mb10 = write_x10(allsides, x10)
        docs1, mb1 = text_mb(allsides)
        rows = []
        for label, path, docs, mb in (
            ("AllSides", allsides, docs1, mb1),
            ("AllSides x10", x10, docs10, mb10),
        ):
            log(f"{label}: newsgraph")
            ng = run_child(__file__, ["newsgraph", "--file", str(path)])
            limit = DATASKETCH_MAX_DOCS if docs > DATASKETCH_MAX_DOCS else 0
            log(f"{label}: datasketch" + (f" on the first {limit:,} documents" if limit else ""))
            ds = run_child(__file__, ["datasketch", "--file", str(path), "--limit", str(limit)])
            ds_s = ds["seconds"] * (docs / ds["docs"])
            pipe = None
            if docs > docs1:
                log(f"{label}: full pipeline (benchmarks/run.py's)")
                pipe = run_child(__file__, ["pipeline", "--file", str(path)])
            rows.append((label, docs, mb, ng, ds, ds_s, pipe))
    lines += [
        "",
        "### Speed against datasketch and the full pipeline",
        "",
        "| corpus | docs | MB of text | step | seconds | MB/s | docs/s | peak RSS (MB) | pairs |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    notes = []
    for label, docs, mb, ng, ds, ds_s, pipe in rows:
        s = ng["seconds"]
        lines.append(
            f"| {label} | {docs:,} | {mb:,.0f} | **newsgraph `near_duplicates`** | {s:.2f} | "
            f"{mb / s:,.0f} | {docs / s:,.0f} | {ng['rss_mb']:,.0f} | {ng['pairs']:,} |"
        )
        extra = (
            ""
            if ds["docs"] == docs
            else f" (timed on {ds['docs']:,} docs, × {docs / ds['docs']:.0f})"
        )
        lines.append(
            f"| {label} | {docs:,} | {mb:,.0f} | datasketch MinHash + MinHashLSH{extra} | "
            f"{ds_s:.1f} | {mb / ds_s:,.1f} | {docs / ds_s:,.0f} | {ds['rss_mb']:,.0f} | "
            f"{ds['pairs']:,} candidates (not verified)"
            + (" of the subset" if extra else "")
            + " |"
        )
        notes.append(
            f"- {label}: newsgraph is **{ds_s / s:.1f}×** datasketch's speed "
            f"(reading and parsing the corpus first took {ng['read_s']:.2f} s, not counted)."
        )
        if pipe is not None:
            p = pipe["seconds"]
            lines.append(
                f"| {label} | {docs:,} | {mb:,.0f} | full pipeline (`run.py`'s, threads=2) | "
                f"{p:.1f} | {mb / p:,.1f} | {docs / p:,.0f} | {pipe['rss_mb']:,.0f} | |"
            )
            notes.append(
                f"- {label}: `near_duplicates` takes **{s / p:.3f}** of the full pipeline's "
                f"time (target < 0.2; 1/{p / s:.0f})."
            )
    lines += ["", *notes, ""]
    lines.append(
        "datasketch's time covers MinHash, insert and query only, given the shingles; "
        "its candidate count is before any verification (newsgraph's pairs are verified "
        "by exact Jaccard). Peak RSS of datasketch includes the shingle lists it was given."
    )
    publish(lines, args.out, SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
