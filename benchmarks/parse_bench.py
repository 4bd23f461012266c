"""Parsing benchmark: newsgraph against the floor (``wc -w``) and Python peers.

Usage (from anywhere)::

    python benchmarks/parse_bench.py [--corpus PATH] [--out benchmarks/RESULTS.md]

Every measurement runs in a fresh subprocess (so peak RSS is per measurement), three
times by default, keeping the best time. The table is printed and written to the
``## Parsing (issue: foundation)`` section of the results file; other sections of that
file are left as they are. See ``benchmarks/README.md`` for what each row means.

The default corpus is research-only data from the team's shared folder beside the repo;
it is read in place and never copied into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import pickle
import platform
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_model, git_state, write_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "news" / "reuters21578.jsonl.gz"
DEFAULT_OUT = HERE / "RESULTS.md"
SECTION = "## Parsing (issue: foundation)"

# The plain-Python peer: a simple, honest regex splitter.
PARAGRAPH_RE = re.compile(r"\n[ \t]*\n")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"])")
TOKEN_RE = re.compile(r"\w+|[^\w\s]")


# -- children: one measurement each --------------------------------------------------------


def _maxrss_mb() -> float:
    """Peak RSS of this process in MB.

    On Linux this is ``VmHWM`` from ``/proc/self/status``: ``ru_maxrss`` would also count
    the peak of the parent this process was forked from (Linux carries it across exec).
    Elsewhere, ``ru_maxrss`` (KiB on Linux, bytes on macOS).
    """
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1e6 if sys.platform == "darwin" else rss * 1024 / 1e6


def _load_texts(path: str) -> list[str]:
    with open(path, "rb") as f:
        return pickle.load(f)


def regex_parse(texts: list[str]) -> list[list[list[list[str]]]]:
    """Documents -> paragraphs -> sentences -> tokens, with the three regexes above."""
    out = []
    for text in texts:
        doc = []
        for para in PARAGRAPH_RE.split(text):
            if para.strip():
                doc.append([TOKEN_RE.findall(s) for s in SENTENCE_RE.split(para.strip())])
        out.append(doc)
    return out


def child(args: argparse.Namespace) -> None:
    """Run one stage once and print ``{"seconds", "rss_mb", "docs", "bytes"}`` as JSON."""
    stage, corpus = args.child, args.corpus
    result: dict[str, object] = {}
    if stage == "python_json":
        t0 = time.perf_counter()
        records = []
        with gzip.open(corpus, "rb") as f:
            for line in f:
                if line.strip():
                    records.append(json.loads(line))
        seconds = time.perf_counter() - t0
        result["docs"] = len(records)
    elif stage == "read_jsonl":
        import newsgraph

        t0 = time.perf_counter()
        c = newsgraph.read_jsonl(corpus, threads=args.threads)
        seconds = time.perf_counter() - t0
        result["docs"] = len(c)
    elif stage == "parse_texts":
        import newsgraph

        texts = _load_texts(args.texts)
        t0 = time.perf_counter()
        arts = newsgraph._core.parse_texts(texts, threads=args.threads)
        seconds = time.perf_counter() - t0
        result["docs"] = len(arts)
    elif stage == "regex":
        texts = _load_texts(args.texts)
        t0 = time.perf_counter()
        parsed = regex_parse(texts)
        seconds = time.perf_counter() - t0
        result["docs"] = len(parsed)
    elif stage == "spacy":
        from spacy.lang.en import English

        texts = _load_texts(args.texts)[: args.spacy_docs]
        nlp = English()
        nlp.add_pipe("sentencizer")
        nlp.max_length = max(nlp.max_length, max(map(len, texts), default=0) + 1)
        t0 = time.perf_counter()
        n_sents = 0
        for doc in nlp.pipe(texts, batch_size=64):
            n_sents += sum(1 for _ in doc.sents)
        seconds = time.perf_counter() - t0
        result["docs"] = len(texts)
        result["bytes"] = sum(len(t.encode("utf-8")) for t in texts)
    elif stage == "idle":
        import newsgraph  # noqa: F401

        result["rss_import_mb"] = _maxrss_mb()
        _load_texts(args.texts)
        seconds = 0.0
    else:
        raise SystemExit(f"unknown stage {stage!r}")
    result["seconds"] = seconds
    result["rss_mb"] = _maxrss_mb()
    print(json.dumps(result))


# -- parent: orchestration and report ------------------------------------------------------


@dataclass
class Row:
    stage: str
    seconds: float  # best time for what was measured
    rss_mb: float  # highest peak RSS over the repeats
    docs: int  # documents measured
    nbytes: int  # UTF-8 bytes of article text measured
    note: str = ""

    def full_seconds(self, total_bytes: int) -> float:
        """Seconds for the whole corpus (scaled by bytes if only a slice was measured)."""
        return self.seconds * total_bytes / self.nbytes if self.nbytes else self.seconds


def run_child(script_args: list[str]) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), *script_args]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_wc(path: str, tmp: str) -> tuple[float, float | None]:
    """Time ``wc -w`` on a file: (seconds, peak RSS in MB of ``wc`` alone, or None).

    The RSS comes from GNU ``/usr/bin/time -f %M`` when it exists (a process forked from
    this one would otherwise report this process's peak as its own); else it is not shown.
    """
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    report = os.path.join(tmp, "wc_rss")
    gnu_time = Path("/usr/bin/time")
    cmd = ["wc", "-w", path]
    if gnu_time.exists():
        cmd = [str(gnu_time), "-f", "%M", "-o", report, *cmd]
    t0 = time.perf_counter()
    out = subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {out.returncode}")
    try:
        with open(report) as f:
            return seconds, int(f.read().split()[-1]) * 1024 / 1e6
    except (OSError, ValueError, IndexError):
        return seconds, None


def best_of(repeats: int, fn) -> tuple[float, float, dict]:
    runs = [fn() for _ in range(repeats)]
    best = min(runs, key=lambda r: r["seconds"])
    return best["seconds"], max(r["rss_mb"] for r in runs), best


def spacy_available() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("spacy") is not None
    except (ImportError, ValueError):
        return False


def fmt_ratio(x: float) -> str:
    return f"{x:.1f}×" if x >= 1 else f"{x:.2f}×"


def render(
    rows: list[Row], total_docs: int, total_bytes: int, machine: dict, notes: list[str]
) -> str:
    wc = next(r for r in rows if r.stage.startswith("`wc -w`"))
    peer = next(r for r in rows if r.stage.startswith("Python regex"))
    t_wc, t_peer = wc.full_seconds(total_bytes), peer.full_seconds(total_bytes)
    lines = [
        SECTION,
        "",
        f"- date: {machine['date']}",
        f"- machine: {machine['nproc']} CPUs (`nproc`), {machine['cpu']}; "
        f"Python {machine['python']}; newsgraph {machine['newsgraph']} ({machine['build']}; "
        f"repo at `{machine['commit']}` when run)",
        f"- corpus: `{machine['corpus']}`: {total_docs:,} documents, "
        f"{total_bytes / 1e6:.1f} MB of UTF-8 article text "
        f"({machine['gz_mb']:.1f} MB gzip-compressed on disk)",
        f"- best of {machine['repeats']} runs, each in a fresh process; MB = 10^6 bytes of "
        "article text; ratios are the ones to quote (shared, noisy machine)"
        + (
            f"; 1-minute load average {machine['load'][0]:.1f} at the start, "
            f"{machine['load'][-1]:.1f} at the end"
            if machine["load"]
            else ""
        ),
        "",
        "| stage | seconds | MB/s | docs/s | peak RSS (MB) | time vs `wc -w` "
        "| speed vs Python regex |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        full = r.full_seconds(total_bytes)
        secs = f"{full:.3f}" if r.nbytes == total_bytes else f"~{full:.2f}"
        rss = "n/a" if r.rss_mb != r.rss_mb else f"{r.rss_mb:,.{1 if r.rss_mb < 10 else 0}f}"
        lines.append(
            f"| {r.stage} | {secs} | {r.nbytes / 1e6 / r.seconds:,.1f} "
            f"| {r.docs / r.seconds:,.0f} | {rss} | {fmt_ratio(full / t_wc)} "
            f"| {fmt_ratio(t_peer / full)} |"
        )
    lines.append("")
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="a .jsonl or .jsonl.gz file")
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="Markdown file to update")
    ap.add_argument("--repeats", type=int, default=3, help="runs per stage (best time kept)")
    ap.add_argument(
        "--spacy-docs", type=int, default=2000, help="documents in the spaCy slice (if installed)"
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--texts", help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        child(args)
        return 0

    corpus = Path(args.corpus).expanduser().resolve()
    if not corpus.is_file():
        print(
            f"parse_bench: corpus not found: {corpus}\n"
            "The default is the team's research-only Reuters-21578 file in ../shared/data/news/ "
            "beside the repo (never copied into it); pass --corpus PATH to use another "
            ".jsonl or .jsonl.gz file with a 'text' field.",
            file=sys.stderr,
        )
        return 2

    import newsgraph

    opener = gzip.open if corpus.suffix == ".gz" else open
    with opener(corpus, "rb") as f:
        texts = [json.loads(line).get("text") or "" for line in f if line.strip()]
    total_docs = len(texts)
    total_bytes = sum(len(t.encode("utf-8")) for t in texts)
    if corpus.suffix != ".gz":
        print("parse_bench: note: corpus is not gzip-compressed; python row still uses gzip.open")
    pkg = Path(newsgraph.__file__).resolve()
    nproc = subprocess.run(["nproc"], capture_output=True, text=True)
    machine = {
        "date": dt.date.today().isoformat(),
        "nproc": nproc.stdout.strip() if nproc.returncode == 0 else str(os.cpu_count()),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "newsgraph": newsgraph.__version__,
        "build": "editable install from the repo"
        if REPO in pkg.parents
        else "installed wheel, not the repo checkout",
        "corpus": corpus.name,
        "gz_mb": corpus.stat().st_size / 1e6,
        "repeats": args.repeats,
        "commit": git_state(),
        "load": [os.getloadavg()[0]] if hasattr(os, "getloadavg") else [],
    }

    rows: list[Row] = []
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="parse_bench_") as tmp:
        txt = os.path.join(tmp, "texts.txt")
        with open(txt, "w", encoding="utf-8") as f:
            f.write("\n\n".join(texts))
        pkl = os.path.join(tmp, "texts.pkl")
        with open(pkl, "wb") as f:
            pickle.dump(texts, f, protocol=pickle.HIGHEST_PROTOCOL)
        del texts

        def step(name: str, *extra: str, note: str = "") -> dict:
            print(f"  {name} ...", file=sys.stderr, flush=True)
            base = ["--corpus", str(corpus), "--texts", pkl, *extra]
            secs, rss, best = best_of(args.repeats, lambda: run_child(base))
            rows.append(
                Row(name, secs, rss, best["docs"], best.get("bytes", total_bytes), note=note)
            )
            return best

        print(f"parse_bench: {corpus.name}, {total_docs:,} docs", file=sys.stderr)
        print("  wc -w ...", file=sys.stderr, flush=True)
        runs = [run_wc(txt, tmp) for _ in range(args.repeats)]
        wc_rss = [r for _, r in runs if r is not None]
        rows.append(
            Row(
                "`wc -w` (one pass over the text)",
                min(s for s, _ in runs),
                max(wc_rss) if wc_rss else float("nan"),
                total_docs,
                total_bytes,
            )
        )
        step("Python `gzip` + `json.loads` per line", "--child", "python_json")
        for t in (1, 2):
            step(
                f"newsgraph `read_jsonl`, threads={t}", "--child", "read_jsonl", "--threads", str(t)
            )
        for t in (1, 2):
            step(
                f"newsgraph `parse_texts`, threads={t}",
                "--child",
                "parse_texts",
                "--threads",
                str(t),
            )
        step("Python regex splitter (peer)", "--child", "regex")
        if spacy_available():
            import spacy

            best = step(
                f"spaCy {spacy.__version__} `English()` + sentencizer (peer)",
                "--child",
                "spacy",
                "--spacy-docs",
                str(args.spacy_docs),
            )
            notes.append(
                f"spaCy was timed on the first {best['docs']:,} documents "
                f"({best['bytes'] / 1e6:.1f} MB); its seconds (`~`) are scaled to the whole "
                "corpus by bytes, and its ratios use the scaled time."
            )
        else:
            notes.append("spaCy is not installed in this environment: its row is skipped.")
        idle = run_child(["--child", "idle", "--corpus", str(corpus), "--texts", pkl])
    if machine["load"]:
        machine["load"].append(os.getloadavg()[0])

    notes += [
        "`read_jsonl` rows are end to end: gunzip, JSON decoding, parsing and building the "
        "Corpus (its tables are built lazily, on first use, and are not timed).",
        "`parse_texts` and the regex/spaCy rows start from a Python list of texts already in "
        "memory; loading that list is not timed but is in their peak RSS.",
        f"Baseline peak RSS of a child that only imports newsgraph (with pandas, numpy): "
        f"{idle['rss_import_mb']:.0f} MB; after also loading the list of texts: "
        f"{idle['rss_mb']:.0f} MB.",
        "The regex peer: paragraphs on blank lines, sentences on "
        '`(?<=[.!?])\\s+(?=[A-Z"])`, tokens `\\w+|[^\\w\\s]` (`re.findall`), kept as '
        "nested lists. It finds no metadata and removes no boilerplate.",
    ]
    table = render(rows, total_docs, total_bytes, machine, notes)
    print(table)
    out = Path(args.out)
    write_section(out, SECTION, table)
    print(f"parse_bench: wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
