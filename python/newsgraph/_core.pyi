"""Type stubs for the compiled core (``newsgraph._core``).

This module is the thin binding over the Rust core; users normally go through
:class:`newsgraph.Corpus` and the readers in :mod:`newsgraph`.
"""

from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "__version__",
    "THREADS_ENV",
    "Articles",
    "parse_texts",
    "articles_to_columns",
    "articles_from_columns",
    "crc32",
    "parse_string_chunks",
    "read_text_files",
    "read_jsonl",
    "num_threads",
    "check_threads",
    "cooccur_counts",
    "cooccur_measure",
    "cooccur_measures",
    "cooccur_counts_tokens",
    "mention_tokens",
    "find_quotations",
    "dedup_lsh_params",
    "dedup_pairs",
    "dedup_sketch",
    "dedup_candidates",
    "dedup_verify",
    "dedup_all_pairs",
    "dedup_components",
    "DictionaryCore",
    "dictionary_matches",
    "Tagger",
    "ENTITY_TYPES",
    "load_tagger",
    "tag_articles",
    "train_tagger",
    "resolve_mentions",
    "link_mentions",
    "resolve_tally",
]

__version__: str
THREADS_ENV: str

@final
class Articles:
    """Parsed articles held in Rust."""

    def __len__(self) -> int: ...
    def meta(self) -> dict[str, Any]:
        """Found metadata as columns: title, date, source, dateline, credits (lists of
        str or None), n_paragraphs, n_sentences, n_tokens (int64 arrays), boilerplate
        (list of lists of str)."""
    def sentences(self) -> dict[str, Any]:
        """Sentence columns: doc, paragraph, sentence, start, end (int64 arrays; start
        and end are character offsets) and text (list of str)."""
    def paragraphs(self, i: int) -> list[tuple[int, int]]:
        """Character spans of the paragraphs of article ``i``."""
    def tokens(
        self, i: int
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Character starts, ends and sentence index of each token of article ``i``."""
    def text(self, i: int) -> str:
        """The cleaned body of article ``i``."""
    def take(self, positions: list[int]) -> Articles:
        """The articles at ``positions``, copied."""
    def concat(self, others: list[Articles]) -> Articles:
        """These articles followed by those of ``others``, copied."""

def articles_to_columns(articles: Articles) -> dict[str, np.ndarray]:
    """The articles as named flat arrays (the layout of ``newsgraph.store``)."""

def articles_from_columns(columns: dict[str, np.ndarray]) -> Articles:
    """Articles from the arrays ``articles_to_columns`` names, every offset checked
    (``InputError`` naming the document when one does not fit)."""

def crc32(data: np.ndarray, start: int = 0) -> int:
    """CRC-32 (as ZIP keeps it) of a contiguous uint8 array, computed in parallel;
    ``start`` is the CRC of the bytes before it, so ``crc32(b, crc32(a)) == crc32(a + b)``."""

def parse_texts(
    texts: list[str | None], threads: int | None = None, progress: bool = False
) -> Articles:
    """Parse texts (``None`` gives an empty article) in parallel."""

def parse_string_chunks(
    chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
    threads: int | None = None,
    progress: bool = False,
) -> tuple[Articles, list[int]]:
    """Parse the strings of an Arrow string column, read in place: each chunk is its
    UTF-8 bytes (uint8), int64 offsets (one more than values) and validity (uint8, 0
    for a missing text). Also returns each text's count of replaced invalid bytes."""

def read_text_files(
    paths: Sequence[str | PathLike[str]], threads: int | None = None, progress: bool = False
) -> tuple[Articles, list[int]]:
    """Read and parse files; also returns each file's count of invalid UTF-8 sequences."""

def read_jsonl(
    path: str | PathLike[str],
    text: str = "text",
    id: str | None = None,
    skip_errors: bool = False,
    threads: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Read and parse a JSON Lines file (plain or gzip). Keys: articles, ids, columns,
    lines, decode_errors, missing_text, skipped."""

ENTITY_TYPES: list[str]

@final
class Tagger:
    """A loaded entity tagger (read-only, shared by all threads)."""

    @property
    def n_features(self) -> int: ...
    @property
    def gazetteers(self) -> list[str]: ...
    @property
    def n_clusters(self) -> int: ...
    @property
    def fingerprint(self) -> str:
        """Hash of the model's bytes (16 hex digits): equal models, equal prints."""
    def tag(
        self,
        sentences: list[list[str]],
        documents: list[int] | None = None,
        threads: int | None = None,
    ) -> list[list[str]]:
        """IOB2 tags per token; consecutive sentences with the same document value are
        one document."""
    def to_bytes(self) -> bytes: ...

def load_tagger(data: bytes) -> Tagger: ...
def tag_articles(
    articles: Articles,
    tagger: Tagger,
    threads: int | None = None,
    progress: bool = False,
    titles: list[str | None] | None = None,
) -> dict[str, Any]:
    """Mention columns: doc, paragraph, sentence, start, end (character offsets), label
    (index into ENTITY_TYPES), form (index into forms), token_start and token_end
    (token span within the document), all int64 arrays, and forms (the distinct mention
    texts, sorted, list of str). ``titles`` are the articles' headlines (default: those
    the parser found); headline mentions come first in their document, with paragraph
    and sentence -1 and offsets and token indexes into the headline."""

def train_tagger(
    train_text: str,
    dev_text: str | None = None,
    gazetteers: str | None = None,
    clusters: str | None = None,
    epochs: int = 12,
    seed: int = 1,
    prune: float = 0.02,
    folds: int = 5,
    progress: Callable[[int, int, int, int, float | None], object] | None = None,
    threads: int | None = None,
) -> tuple[Tagger, list[tuple[str, tuple[int, int, int]]]]: ...

@final
class DictionaryCore:
    """A compiled dictionary: keys with patterns, matched over whole tokens."""

    def __new__(
        cls, entries: Sequence[tuple[str, Sequence[str]]], case_sensitive: bool = False
    ) -> DictionaryCore: ...
    def keys(self) -> list[str]:
        """Key names in first-seen order; the ``key`` column of matches indexes this."""
    def __len__(self) -> int:
        """Number of distinct (key, pattern) pairs."""
    @property
    def case_sensitive(self) -> bool: ...

def dictionary_matches(
    articles: Articles,
    dictionary: DictionaryCore,
    threads: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Matches in document and reading order. Keys: doc, paragraph, sentence, start, end
    (character offsets), key, form (index into forms), token_start and token_end (token
    span within the document), all int64 arrays, and forms (the distinct matched texts,
    sorted, list of str)."""

def resolve_mentions(
    doc: npt.NDArray[np.int64],
    text: npt.NDArray[np.int64],
    texts: list[str],
    label: npt.NDArray[np.int64],
    labels: list[str],
    aliases: list[tuple[str, str]] = ...,
    merge: list[list[str]] = ...,
    split: list[str] = ...,
    demonyms: list[tuple[str, str]] = ...,
    fuzzy: bool = True,
    strict: bool = False,
    threads: int | None = None,
) -> dict[str, Any]:
    """Resolve mentions (grouped by document) to entities. Mention ``i`` is in document
    ``doc[i]`` with text ``texts[text[i]]`` and label ``labels[label[i]]``. Returns
    ``entity_of`` (int64 array) and ``entities`` (columns name, label, aliases,
    mentions, documents)."""

def link_mentions(
    doc: npt.NDArray[np.int64],
    text: npt.NDArray[np.int64],
    texts: list[str],
    label: npt.NDArray[np.int64],
    labels: list[str],
    aliases: list[tuple[str, str]] = ...,
    merge: list[list[str]] = ...,
    split: list[str] = ...,
    demonyms: list[tuple[str, str]] = ...,
    fuzzy: bool = True,
    strict: bool = False,
    threads: int | None = None,
) -> npt.NDArray[np.int64]:
    """Within-document links of a batch of whole documents (arguments as for
    ``resolve_mentions``): per mention, the index of the mention whose form it stands
    for (itself unless linked to a fuller form)."""

def resolve_tally(
    texts: list[str],
    labels: list[str],
    unlinked: npt.NDArray[np.bool_],
    target: npt.NDArray[np.int64],
    form: npt.NDArray[np.int64],
    count: npt.NDArray[np.int64],
    aliases: list[tuple[str, str]] = ...,
    merge: list[list[str]] = ...,
    split: list[str] = ...,
    demonyms: list[tuple[str, str]] = ...,
    fuzzy: bool = True,
    strict: bool = False,
    threads: int | None = None,
) -> dict[str, Any]:
    """Entities from the tally of linked mentions: distinct forms (``texts[f]``,
    ``labels[f]``) in order of first mention, ``unlinked[f]`` (some mention of ``f``
    stands for itself) and mention counts by (``target`` form stood for, own ``form``,
    ``count``). Returns ``entity_of_form`` (int64, -1 where no mention stands for the
    form) and ``entities`` as ``resolve_mentions`` (``documents`` 0)."""

def cooccur_counts(
    articles: Articles,
    doc: npt.NDArray[np.int64],
    paragraph: npt.NDArray[np.int64],
    sentence: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    entity: npt.NDArray[np.int64],
    n_entities: int,
    scope: str = "sentence",
    window: int | None = None,
    count: str = "contexts",
    ordered: bool = False,
    self_pairs: bool = False,
    weights: list[float] | None = None,
    group: npt.NDArray[np.int64] | None = None,
    n_groups: int = 1,
    threads: int | None = None,
) -> list[dict[str, Any]]:
    """Per group: CSR ``indptr``, ``indices`` (int64), ``data`` (float64), entity
    ``marginals`` (contexts containing each entity) and ``n`` (contexts counted)."""

def cooccur_measure(
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    data: npt.NDArray[np.float64],
    marginals: npt.NDArray[np.float64],
    n: float,
    measure: str,
    threads: int | None = None,
) -> npt.NDArray[np.float64]:
    """One association measure for every stored cell, aligned with ``data``."""

def cooccur_measures() -> list[str]:
    """Names of the association measures."""

def cooccur_counts_tokens(
    doc: npt.NDArray[np.int64],
    paragraph: npt.NDArray[np.int64],
    sentence: npt.NDArray[np.int64],
    token_start: npt.NDArray[np.int64],
    token_end: npt.NDArray[np.int64],
    entity: npt.NDArray[np.int64],
    n_entities: int,
    n_paragraphs: npt.NDArray[np.int64],
    n_sentences: npt.NDArray[np.int64],
    scope: str = "sentence",
    window: int | None = None,
    count: str = "contexts",
    ordered: bool = False,
    self_pairs: bool = False,
    weights: list[float] | None = None,
    group: npt.NDArray[np.int64] | None = None,
    n_groups: int = 1,
    n_tokens: npt.NDArray[np.int64] | None = None,
    threads: int | None = None,
) -> list[dict[str, Any]]:
    """As ``cooccur_counts``, from token positions instead of parsed articles. With
    ``n_tokens`` (tokens per document), paragraph and sentence -1 mark a headline
    mention: one more paragraph and sentence after the body's, far from its tokens."""

def mention_tokens(
    articles: Articles,
    doc: npt.NDArray[np.int64],
    start: npt.NDArray[np.int64],
    end: npt.NDArray[np.int64],
    threads: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Token ranges (first token, one past the last) of character spans."""

def find_quotations(
    articles: Articles,
    doc: npt.NDArray[np.int64],
    token_start: npt.NDArray[np.int64],
    token_end: npt.NDArray[np.int64],
    label: npt.NDArray[np.int64],
    threads: int | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Quotations of every article, given the body mentions (sorted by ``doc``;
    ``label`` 0 person, 1 organisation, 2 other): columns ``doc, paragraph, sentence,
    start, end, kind`` (0 direct, 1 indirect), ``cue_start, cue_end, speaker_start,
    speaker_end`` (character offsets, -1 when missing) and ``mention`` (the speaker's
    row in the mention columns, or -1), int64 arrays; ``text, cue, speaker``: lists of
    the words (None when missing)."""

def num_threads() -> int:
    """Worker threads that calls with ``threads=None`` use in this process."""

def check_threads(threads: int | None = None) -> int | None:
    """The ``threads=`` argument checked as every core call checks it."""

# -- near-duplicates (issue 17) ---------------------------------------------------------

_Pairs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]

def dedup_lsh_params(
    threshold: float,
    num_perm: int = 128,
    false_positive_weight: float = ...,
    false_negative_weight: float = ...,
) -> tuple[int, int]:
    """Bands and rows for ``threshold``, as datasketch's ``MinHashLSH`` picks them."""

def dedup_pairs(
    articles: Articles,
    threshold: float,
    bands: int,
    rows: int,
    shingle_size: int = 3,
    num_perm: int = 128,
    threads: int | None = None,
    progress: bool = False,
) -> _Pairs:
    """Verified near-duplicate pairs ``(a, b, similarity)``, positions ``a < b``."""

def dedup_sketch(
    articles: Articles,
    shingle_size: int = 3,
    num_perm: int = 128,
    keep_sets: bool = True,
    threads: int | None = None,
) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.int64], npt.NDArray[np.uint64]]:
    """Signatures ``(n, num_perm)`` and shingle sets as CSR ``indptr``, ``hashes``."""

def dedup_candidates(
    signatures: npt.NDArray[np.uint32],
    bands: int,
    rows: int,
    threads: int | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Candidate pairs: rows of ``signatures`` that agree on a whole band."""

def dedup_verify(
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    docs: npt.NDArray[np.int64],
    indptr: npt.NDArray[np.int64],
    hashes: npt.NDArray[np.uint64],
    threshold: float,
    threads: int | None = None,
) -> _Pairs:
    """The pairs whose exact Jaccard reaches ``threshold``, with it."""

def dedup_all_pairs(
    indptr: npt.NDArray[np.int64],
    hashes: npt.NDArray[np.uint64],
    threshold: float,
    threads: int | None = None,
) -> _Pairs:
    """Every pair of CSR shingle sets with Jaccard at least ``threshold`` (brute force)."""

def dedup_components(
    n: int, a: npt.NDArray[np.int64], b: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Each document's group: the smallest position in its connected component."""
