"""Keeping a corpus (issue 14): ``Corpus.save`` and ``newsgraph.load`` next to
``read_jsonl`` on the same corpus, in the same run.

    python benchmarks/store_bench.py                 # AllSides, 3 interleaved rounds
    python benchmarks/store_bench.py --corpus reuters --repeats 5

Each step runs in a fresh subprocess; rounds interleave the steps so that load on
this shared machine hits them alike, and the best time of each step is kept. Peak
memory is the step's own: the kernel's high-water mark (VmHWM) is reset just before
the step (``/proc/self/clear_refs``), so the row shows the most the process held
during that step (including what it held before), not the earlier reading. The
table goes to ``benchmarks/RESULTS.md`` under its own heading.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

from _common import RESULTS, cpu_model, git_state, publish, reset_peak, run_child, status_mb

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "data" / "news"
CORPORA = {
    "allsides": "allsides_news_2015_2020.jsonl.gz",
    "reuters": "reuters21578.jsonl.gz",
}
SECTION = "## Keeping a corpus: save and load (issue 14)"


def _step(fn):
    """Run ``fn`` timed, with the peak RSS of this step alone.

    Earlier steps' files are flushed to disk first (``os.sync``): otherwise a step
    that writes waits for the kernel to write back what the previous ones left (up to
    three times its own time here), which measures the disk's backlog, not the step."""
    os.sync()
    reset_peak()
    before = status_mb("VmRSS")
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    return out, {"seconds": seconds, "rss_mb": status_mb("VmHWM"), "before_mb": before}


def child(args: argparse.Namespace) -> dict:
    import pyarrow  # noqa: F401  (imported once per process: not part of a step)

    import newsgraph

    kind, tagged = args.child, args.tagged
    if kind == "read":
        if tagged:
            _, r = _step(
                lambda: newsgraph.read_jsonl(args.file, progress=False).mentions(progress=False)
            )
        else:
            _, r = _step(lambda: newsgraph.read_jsonl(args.file, progress=False))
        return r
    if kind == "save":
        c = newsgraph.read_jsonl(args.file, progress=False)
        # The previous round's file goes first, as a user saving over it would free
        # it: on this VM, page cache in memory the guest has never used costs the host
        # a fault per page, and a plain 150 MB write into such memory takes 0.41 s
        # where one into freed memory takes 0.04 s. Without this the row measured how
        # many files earlier rounds had left in the cache, not the save.
        Path(args.path).unlink(missing_ok=True)
        if tagged:
            c.mentions(progress=False)
        _, r = _step(lambda: c.save(args.path))
        r["file_mb"] = os.path.getsize(args.path) / 1e6
        return r
    if kind == "load":
        c, r = _step(lambda: newsgraph.load(args.path))
        if tagged:
            # Proof that nothing is tagged again: the first table call is quick.
            _, t = _step(lambda: c.entity_counts(by="source"))
            r["first_table_s"] = t["seconds"]
        return r
    if kind == "pickle":
        c = newsgraph.load(args.path)
        _, r = _step(lambda: pickle.loads(pickle.dumps(c, protocol=5)))
        return r
    raise SystemExit(f"unknown child {kind}")


def run(kind: str, file: Path, path: str, tagged: bool) -> dict:
    return run_child(
        __file__, [kind, "--file", str(file), "--path", path, *(["--tagged"] if tagged else [])]
    )


def text_megabytes(file: Path) -> tuple[int, float]:
    docs, size = 0, 0
    with gzip.open(file, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                docs += 1
                size += len((json.loads(line).get("text") or "").encode())
    return docs, size / 1e6


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", choices=sorted(CORPORA), default="allsides")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds")
    ap.add_argument("--data", default=str(DATA))
    ap.add_argument("--out", default=str(RESULTS), help="results file ('-': print only)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--file", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--tagged", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args)))
        return 0

    file = Path(args.data).expanduser() / CORPORA[args.corpus]
    if not file.is_file():
        print(f"store_bench.py: {file} not found (the team's shared data)", file=sys.stderr)
        return 2
    docs, mb = text_megabytes(file)
    load0 = os.getloadavg()[0]
    steps = [
        ("`read_jsonl` (read + parse)", "read", False),
        ("`read_jsonl(...).mentions()` (read + parse + tag + resolve)", "read", True),
        ("`corpus.save(path)`, parsed", "save", False),
        ("`newsgraph.load(path)`, parsed", "load", False),
        ("`corpus.save(path)`, parsed + tagged + resolved", "save", True),
        ("`newsgraph.load(path)`, parsed + tagged + resolved", "load", True),
        ("`pickle.loads(pickle.dumps(corpus))`, tagged", "pickle", True),
    ]
    best: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="newsgraph_store_") as tmp:
        for round_ in range(args.repeats):
            for i, (label, kind, tagged) in enumerate(steps):
                path = os.path.join(tmp, "tagged.newsgraph" if tagged else "plain.newsgraph")
                r = run(kind, file, path, tagged)
                print(f"round {round_ + 1}: {label}: {r['seconds']:.3f} s", file=sys.stderr)
                if i not in best or r["seconds"] < best[i]["seconds"]:
                    best[i] = {**r, "rss_mb": max(r["rss_mb"], best.get(i, r)["rss_mb"])}
    # Each row against computing the same corpus from the JSONL: parsed rows against
    # reading it, tagged rows against reading and tagging it.
    base = {False: best[0]["seconds"], True: best[1]["seconds"]}
    lines = [
        SECTION,
        "",
        f"- date: {time.strftime('%Y-%m-%d')}; repo at `{git_state()}`; "
        f"`python benchmarks/store_bench.py --corpus {args.corpus} --repeats {args.repeats}`",
        f"- machine: {os.cpu_count()} cores, {cpu_model()}; 1-minute load average "
        f"{load0:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
        f"- corpus: {args.corpus}, {docs:,} documents, {mb:.1f} MB of article text; "
        f"best of {args.repeats} interleaved rounds; MB/s and docs/s are of that text",
        "",
        "| step | seconds | MB/s | docs/s | time / computing it from the JSONL | peak RSS "
        "during the step (MB) | file (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for i, (label, _, tagged) in enumerate(steps):
        r = best[i]
        s = r["seconds"]
        read = base[tagged]
        file_mb = f"{r['file_mb']:.0f}" if "file_mb" in r else ""
        lines.append(
            f"| {label} | {s:.3f} | {mb / s:,.0f} | {docs / s:,.0f} | {s / read:.2f} | "
            f"{r['rss_mb']:,.0f} | {file_mb} |"
        )
    tagged_load = best[5]
    if "first_table_s" in tagged_load:
        lines += [
            "",
            f"After loading the tagged corpus, `entity_counts(by='source')` took "
            f"{tagged_load['first_table_s']:.3f} s: the mentions come from the file, "
            "nothing is tagged again.",
        ]
    lines += [
        "",
        "The ratio column compares each row with computing the same corpus from the "
        "JSONL: parsed rows with `read_jsonl`, tagged rows with `read_jsonl(...).mentions()`.",
        "",
        "pyarrow is imported before each step: a process pays for that import once "
        "(about 0.3 s), whatever it does.",
    ]
    publish(lines, args.out, SECTION)
    return 0


if __name__ == "__main__":
    sys.exit(main())
