"""Near-duplicate articles: syndicated wire copy, reprints, exact repeats (issue 17).

A wire story printed by 40 outlets would be counted 40 times by every table. The
corpus methods :meth:`~newsgraph.tables.Tables.near_duplicates`,
:meth:`~newsgraph.tables.Tables.duplicate_groups` and
:meth:`newsgraph.Corpus.drop_duplicates` find such copies in one linear pass:

- **What is compared**: the cleaned body (the parser has already separated the
  headline, credit lines and boilerplate), as words lowercased with everything but
  letters and digits removed, so case and punctuation never matter. A *shingle* is
  ``shingle_size`` consecutive words (default 3: each edited word breaks that many
  shingles, and 3-grams keep a wire copy with a few words changed above 0.8), hashed
  to 64 bits. A document with words but fewer than ``shingle_size`` has one shingle,
  all its words, so it matches only the same short text; a document without words has
  no shingle and is never a duplicate.
- **Similarity**: the exact Jaccard similarity of two documents' sets of shingle
  hashes (shared shingles over all distinct shingles of the two). With 64-bit hashes,
  collisions of distinct shingles are negligible, so it is the Jaccard of the
  shingle sets themselves.
- **Finding pairs**: MinHash signatures (``num_perm`` values, one-permutation hashing
  with optimal densification) and LSH banding in the Rust core give candidate pairs
  in time linear in the corpus; bands and rows are chosen as datasketch's
  ``MinHashLSH`` chooses them, with false negatives weighted 0.98 (see
  :func:`lsh_params`). Every candidate is then verified with the exact Jaccard, so
  every returned pair reaches the threshold; a pair above it is missed only if its
  signatures never agree on a whole band (probability 1 - 0.98 at the threshold,
  falling quickly above it).

The work is parallel and the pairs do not depend on the number of threads. A
:class:`~newsgraph.Scan` (and :func:`newsgraph.dask.analyze`) sketches each batch as
it reads it, keeping signatures in memory and shingle sets with the spilled mention
records, and finds the same pairs as the in-memory corpus.

>>> import newsgraph
>>> c = newsgraph.Corpus.from_texts(
...     ["Officials in Paris said on Monday that the talks would resume next week.",
...      "OFFICIALS in Paris said on Monday that the talks would resume next week!",
...      "A different story about farm subsidies."], ids=["a", "b", "c"], progress=False)
>>> c.near_duplicates()
  doc_a doc_b  similarity
0     a     b         1.0
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, frame
from .exceptions import InputError

__all__ = ["lsh_params"]

SHINGLE_SIZE = 3
NUM_PERM = 128
KEEP = ("first", "last", "earliest")


def check_threshold(threshold: Any) -> float:
    """``threshold`` as a float in (0, 1]."""
    value = float(_checks.number("threshold", threshold))
    if not 0 < value <= 1:
        raise InputError(
            f"threshold must be a Jaccard similarity above 0 and at most 1, got {threshold!r}"
        )
    return value


def lsh_params(threshold: float = 0.8, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """Bands and rows of the LSH index for ``threshold``: the ``(b, r)`` with
    ``b * r <= num_perm`` minimising datasketch's weighted areas of false positives
    (0.02) and false negatives (0.98). Documents of similarity ``s`` become candidates
    with probability ``1 - (1 - s**r)**b``.

    >>> from newsgraph.dedup import lsh_params
    >>> b, r = lsh_params(0.8)
    >>> (b, r), round(1 - (1 - 0.8**r) ** b, 3)
    ((17, 7), 0.982)
    """
    threshold = check_threshold(threshold)
    num_perm = _checks.integer("num_perm", num_perm, minimum=1)
    return _core.dedup_lsh_params(threshold, num_perm)


@dataclass(frozen=True)
class Options:
    """What a near-duplicate search was asked for, checked."""

    threshold: float
    shingle_size: int = SHINGLE_SIZE
    num_perm: int = NUM_PERM

    @classmethod
    def build(cls, threshold: Any, shingle_size: Any, num_perm: Any) -> Options:
        return cls(
            check_threshold(threshold),
            _checks.integer("shingle_size", shingle_size, minimum=1),
            _checks.integer("num_perm", num_perm, minimum=1),
        )


def pairs_frame(ids: pd.Index, a: np.ndarray, b: np.ndarray, sim: np.ndarray) -> pd.DataFrame:
    """``doc_a, doc_b, similarity`` from positions (``a < b``), most similar first
    (ties in corpus order)."""
    order = np.lexsort((b, a, -sim))
    a, b, sim = a[order], b[order], sim[order]
    return pd.DataFrame(
        {
            "doc_a": frame.doc_column(ids, a),
            "doc_b": frame.doc_column(ids, b),
            "similarity": sim,
        }
    )


def groups_series(ids: pd.Index, a: np.ndarray, b: np.ndarray) -> pd.Series:
    """doc_id -> group: documents joined by pairs (connected components), numbered 0,
    1, ... in order of each group's first document; every document has a group."""
    root = _core.dedup_components(len(ids), a, b)
    _, group = np.unique(root, return_inverse=True)
    return pd.Series(group.astype(np.int64), index=ids, name="group")


def keep_positions(group: np.ndarray, keep: str, dates: pd.Series | None) -> np.ndarray:
    """The sorted positions of the one document kept per group."""
    keep = _checks.one_of("keep", keep, KEEP)
    n = len(group)
    pos = np.arange(n)
    if keep == "first":
        order = pos
    elif keep == "last":
        order = pos[::-1]
    else:
        # Earliest date first; unknown dates after every known one; ties in corpus order.
        d = pd.to_datetime(dates, errors="coerce") if dates is not None else None
        if d is None:
            order = pos
        else:
            key = d.to_numpy(dtype="datetime64[ns]").astype(np.int64)
            key = np.where(pd.isna(d).to_numpy(), np.iinfo(np.int64).max, key)
            order = np.lexsort((pos, key))
    _, first = np.unique(group[order], return_index=True)
    return np.sort(order[first])


# -- corpora read in batches ---------------------------------------------------------


@dataclass
class Sketches:
    """Per batch of a scan: the documents' signatures (in memory, ``num_perm`` uint32
    each) and shingle sets (in memory, or a file in the spill folder)."""

    signatures: list[np.ndarray] = field(default_factory=list)
    sets: list[Any] = field(default_factory=list)
    spill: str | None = None
    _files: int = 0

    def add(self, sketch: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        sig, indptr, hashes = sketch
        self.signatures.append(sig)
        if self.spill is None:
            self.sets.append((indptr, hashes))
            return
        path = os.path.join(self.spill, f"shingles-{self._files}.npz")
        self._files += 1
        np.savez(path, indptr=indptr, hashes=hashes)
        self.sets.append(path)

    def extend(self, other: Sketches) -> None:
        for sig, handle in zip(other.signatures, other.sets, strict=True):
            self.add((sig, *self._load(handle)))

    @staticmethod
    def _load(handle: Any) -> tuple[np.ndarray, np.ndarray]:
        if isinstance(handle, str):
            with np.load(handle) as f:
                return f["indptr"], f["hashes"]
        return handle

    def pairs(
        self, threshold: float, threads: int | None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Verified pairs over all batches, as the in-memory corpus finds them."""
        num_perm = self.signatures[0].shape[1] if self.signatures else NUM_PERM
        bands, rows = lsh_params(threshold, num_perm)
        sigs = (
            np.concatenate(self.signatures)
            if self.signatures
            else np.zeros((0, num_perm), dtype=np.uint32)
        )
        a, b = _core.dedup_candidates(sigs, bands, rows, threads=threads)
        del sigs
        involved = np.unique(np.concatenate([a, b]))
        # Only the sets of documents in some candidate pair are read back together.
        parts_ptr, parts_hash, start = [np.zeros(1, dtype=np.int64)], [], 0
        offset = 0
        for sig, handle in zip(self.signatures, self.sets, strict=True):
            n = len(sig)
            lo, hi = np.searchsorted(involved, [start, start + n])
            if hi > lo:
                indptr, hashes = self._load(handle)
                for d in involved[lo:hi] - start:
                    parts_hash.append(hashes[indptr[d] : indptr[d + 1]])
                    offset += int(indptr[d + 1] - indptr[d])
                    parts_ptr.append(np.asarray([offset], dtype=np.int64))
            start += n
        indptr = np.concatenate(parts_ptr)
        hashes = np.concatenate(parts_hash) if parts_hash else np.zeros(0, dtype=np.uint64)
        return _core.dedup_verify(a, b, involved, indptr, hashes, threshold, threads=threads)
