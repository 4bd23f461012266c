"""Named-entity recognition: the bundled tagger, tagging token lists, and training.

newsgraph's tagger is an averaged perceptron written in Rust (see ``docs`` in
``src/core/ner/train.rs`` for why): greedy left-to-right decoding over BILOU labels
with hashed features (word, shape, affixes, context words, previous labels), word
clusters learned from unlabelled news, gazetteers, and document-level features. It
labels PER, ORG, LOC and MISC the CoNLL-2003 way.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

from . import _core
from .exceptions import InputError, InputTypeError, MissingFileError

Tagger = _core.Tagger

#: The entity types the tagger produces, in label-index order.
ENTITY_TYPES: tuple[str, ...] = tuple(_core.ENTITY_TYPES)

DEFAULT_MODEL = "ner-en.bin"


@lru_cache(maxsize=8)
def _load_cached(path: str | None) -> Tagger:
    if path is None:
        data = (resources.files("newsgraph") / "models" / DEFAULT_MODEL).read_bytes()
    else:
        data = Path(path).read_bytes()
    return _core.load_tagger(data)


def load_tagger(path: str | os.PathLike | None = None) -> Tagger:
    """Load a tagger model; with no path, the one bundled with newsgraph.

    Models are loaded once per path and shared (they are read-only and thread-safe).

    >>> import newsgraph
    >>> tagger = newsgraph.load_tagger()
    >>> tagger.n_features > 10_000
    True
    """
    if path is None:
        return _load_cached(None)
    p = Path(path).expanduser()
    if not p.exists():
        raise MissingFileError(2, "No such file or directory", str(p))
    return _load_cached(str(p.resolve()))


def tag(
    sentences: Sequence[Sequence[str]],
    *,
    documents: Sequence[int] | None = None,
    tagger: Tagger | None = None,
    threads: int | None = None,
) -> list[list[str]]:
    """IOB2 entity tags for pre-tokenised sentences.

    ``sentences`` is a list of sentences, each a list of token strings. Sentences with
    the same consecutive ``documents`` value are tagged as one document (the tagger
    uses document-level evidence); by default each sentence stands alone.

    >>> import newsgraph
    >>> newsgraph.tag([["Sergei", "Lavrov", "met", "Wang", "Yi", "in", "Moscow", "."]])
    [['B-PER', 'I-PER', 'O', 'B-PER', 'I-PER', 'O', 'B-LOC', 'O']]
    """
    if isinstance(sentences, (str, bytes)) or not isinstance(sentences, Sequence):
        raise InputTypeError(
            f"sentences must be a list of lists of str, got {type(sentences).__name__}"
        )
    lists = []
    for i, s in enumerate(sentences):
        if isinstance(s, (str, bytes)) or not isinstance(s, Sequence):
            raise InputTypeError(f"sentence {i} must be a list of str, got {type(s).__name__}")
        lists.append(list(s))
    docs = None if documents is None else [int(d) for d in documents]
    try:
        return (tagger or load_tagger()).tag(lists, docs, threads)
    except TypeError as e:
        raise InputTypeError(str(e)) from None
    except ValueError as e:
        raise InputError(str(e)) from None


def train_tagger(
    train: str | os.PathLike,
    dev: str | os.PathLike | None = None,
    *,
    gazetteers: str | os.PathLike | None = None,
    clusters: str | os.PathLike | None = None,
    epochs: int = 12,
    seed: int = 1,
    prune: float = 0.02,
    folds: int = 5,
    out: str | os.PathLike | None = None,
    progress: Callable[[int, int, int, int, float | None], None] | None = None,
) -> tuple[Tagger, dict[str, tuple[int, int, int]]]:
    """Train a tagger on CoNLL-format files (word first, IOB1/IOB2 entity tag last).

    ``dev`` picks the best epoch; ``gazetteers`` is a ``CATEGORY<TAB>phrase`` file and
    ``clusters`` a ``word<TAB>c1<TAB>c2<TAB>c3`` file (see ``training/``). The same
    files and ``seed`` give the same model. Returns the tagger and, per type and
    ``"ALL"``, ``(true positives, predicted, gold)`` on ``dev`` (or on ``train``).
    ``out`` saves the model for :func:`load_tagger`. ``folds`` (jackknife folds for
    the document-level second stage; below 2, one stage only) and ``prune`` (drop
    features whose weights all stay below it) rarely need changing. ``progress`` is
    called as ``progress(stage, epoch, mistakes, tokens, dev_f1)`` after every epoch.
    """

    def read(p: str | os.PathLike | None) -> str | None:
        if p is None:
            return None
        path = Path(p).expanduser()
        if not path.exists():
            raise MissingFileError(2, "No such file or directory", str(path))
        return path.read_text(encoding="utf-8", errors="replace")

    if epochs < 1:
        raise InputError(f"epochs must be at least 1, got {epochs}")
    tagger, report = _core.train_tagger(
        read(train),
        read(dev),
        read(gazetteers),
        read(clusters),
        epochs=epochs,
        seed=seed,
        prune=prune,
        folds=folds,
        progress=progress,
    )
    if out is not None:
        Path(out).write_bytes(tagger.to_bytes())
    return tagger, dict(report)


def f1(counts: tuple[int, int, int]) -> float:
    """F1 from ``(true positives, predicted, gold)``."""
    tp, pred, gold = counts
    return 2 * tp / (pred + gold) if pred + gold else 0.0


def read_conll(
    path: str | os.PathLike,
) -> tuple[list[list[str]], list[list[str]], list[int]]:
    """Read a CoNLL-format file: sentences (token lists), their IOB2 tags (IOB1 input is
    converted), and the document number of each sentence (``-DOCSTART-`` lines).

    Ready for :func:`tag`: ``tag(words, documents=docs)``.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise MissingFileError(2, "No such file or directory", str(p))
    words: list[list[str]] = []
    tags: list[list[str]] = []
    docs: list[int] = []
    doc = 0
    cur_w: list[str] = []
    cur_t: list[str] = []

    def flush() -> None:
        if cur_w:
            words.append(cur_w.copy())
            tags.append(_iob2(cur_t))
            docs.append(doc)
            cur_w.clear()
            cur_t.clear()

    for line in p.read_text(encoding="utf-8", errors="replace").splitlines():
        line = line.strip()
        if line.startswith("-DOCSTART-"):
            flush()
            doc += 1
        elif not line:
            flush()
        else:
            cols = line.split()
            cur_w.append(cols[0])
            cur_t.append(cols[-1])
    flush()
    return words, tags, docs


def _iob2(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out
