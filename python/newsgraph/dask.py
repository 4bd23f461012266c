"""Entities and co-occurrence over a ``dask`` collection of articles.

:func:`analyze` takes a ``dask.dataframe.DataFrame`` (one article per row) or a
``dask.bag.Bag`` of dicts and returns a :class:`newsgraph.stream.Scan`, the same
object :func:`newsgraph.scan` returns, with the same tables as the in-memory
:class:`~newsgraph.Corpus` of those rows in partition order:

1. each partition is parsed, tagged and matched against the dictionary on a worker,
   which returns only compact mention records (paragraph, sentence, character and token
   span, surface text, label) and the documents' metadata rows, never the text;
2. the partition results are combined in a tree (``split_every`` at a time), keeping
   partition order; global document positions are the partition's offset plus the
   position within it;
3. the mentions are resolved once, globally, in document order (resolution links
   "Lavrov" to "Sergei Lavrov" across the whole corpus, so it cannot be split), and
   counting runs from the resolved records (co-occurrence counts are integer sums over
   documents, so they do not depend on how the corpus was partitioned).

:func:`entity_counts` and :func:`cooccurrence` are shortcuts for
``analyze(...).entity_counts(...)`` and ``analyze(...).cooccurrence(...)``.

On a cluster
------------
Start a scheduler and workers (``dask scheduler``; ``dask worker tcp://scheduler:8786``
on each machine, each with newsgraph installed), then connect before calling::

    from dask.distributed import Client
    import dask.dataframe as dd
    import newsgraph.dask

    client = Client("tcp://scheduler:8786")
    ddf = dd.read_parquet("s3://bucket/news/*.parquet")   # or dd.read_json(..., lines=True)
    result = newsgraph.dask.analyze(ddf, text="text", id="id")
    result.entity_counts(by="source")

Without a client, dask's default scheduler runs the partitions locally. Worker
processes each hold their own newsgraph thread pool (``threads=`` per call; by default
all cores of the worker's machine, so run one worker process per machine, or pass
``threads=`` to match ``--nthreads``). ``dask.distributed`` starts worker processes
with ``spawn``, not ``fork``, so no thread pool is ever inherited across a fork.
Dictionaries travel to the workers as their patterns and are rebuilt there; the
tagger is the bundled one (``model=True``) or a path to a model file that every
worker can read (``model="/models/ner.bin"``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from . import frame
from ._input import check_ids, show_id, text_values, warn_missing
from .exceptions import InputError, InputTypeError
from .stream import Collected, Scan, _check_new_ids, _tagger_of, extract

__all__ = ["analyze", "cooccurrence", "entity_counts"]


def _model_spec(model: Any) -> Any:
    """What to send to workers for ``model``: True/False or a model path."""
    from . import ner

    if model is None or isinstance(model, bool):
        return True if model is None else model
    if isinstance(model, ner.Tagger):
        if model is ner.load_tagger():
            return True
        raise InputTypeError(
            "a Tagger object cannot be sent to dask workers: pass model=True for the "
            "bundled tagger, or the path of the model file"
        )
    if isinstance(model, (str,)) or hasattr(model, "__fspath__"):
        return str(model)
    raise InputTypeError(
        f"model must be True, False or a model path for dask, got {type(model).__name__}"
    )


def _tagger(spec: Any) -> Any:
    from . import ner

    if spec is True:
        return ner.load_tagger()
    if spec is False:
        return None
    return ner.load_tagger(spec)


def _partition(
    part: Any,
    index: int,
    text: str,
    id: str | None,
    dict_spec: Any,
    model_spec: Any,
    threads: int | None,
) -> dict[str, Any]:
    """One partition (runs on a worker): mention records and metadata, no text."""
    from .dictionary import Dictionary

    df = part if isinstance(part, pd.DataFrame) else pd.DataFrame.from_records(list(part))
    where = f"partition {index}"
    for name, what in ((text, "text"), (id, "id")):
        if name is not None and name not in df.columns:
            raise InputError(
                f"{where} has no {what} column {name!r}; its columns are {list(df.columns)}"
            )
    ids = df[id] if id is not None else pd.Series(df.index)
    missing: list[Any] = []
    texts = text_values(df[text].tolist(), list(ids), 0, where, missing)
    dictionary = None if dict_spec is None else Dictionary(dict_spec[0], dict_spec[1])
    titles = df["title"].tolist() if "title" in df.columns else None
    records, found = extract(texts, 0, dictionary, _tagger(model_spec), threads, titles)
    coll = Collected()
    coll.add(records, found, len(texts))
    meta = df.drop(columns=[c for c in (text, id) if c is not None]).reset_index(drop=True)
    return {
        "coll": coll,
        "ids": [ids.reset_index(drop=True)],
        "meta": [meta],
        "missing": missing,
        "range_ids": id is None and isinstance(df.index, pd.RangeIndex),
    }


def _combine(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Concatenate partition results in order, shifting document positions."""
    out = parts[0]
    coll = Collected()
    for p in parts:
        coll.extend(p["coll"])
    return {
        "coll": coll,
        "ids": [x for p in parts for x in p["ids"]],
        "meta": [x for p in parts for x in p["meta"]],
        "missing": [x for p in parts for x in p["missing"]],
        "range_ids": all(p["range_ids"] for p in parts) and out["range_ids"],
    }


def analyze(
    collection: Any,
    text: str = "text",
    id: str | None = "id",
    *,
    dictionary: Any = None,
    model: Any = None,
    threads: int | None = None,
    split_every: int = 8,
    **compute_options: Any,
) -> Scan:
    """Find, resolve and index the entity mentions of a dask collection of articles.

    ``collection``: a ``dask.dataframe.DataFrame`` with a ``text`` column (and an
    ``id`` column, or ``id=None`` for row numbers) or a ``dask.bag.Bag`` of dicts with
    those fields. Other columns become :meth:`Scan.documents` columns. ``dictionary``
    and ``model`` are as in :meth:`Corpus.mentions` (``model`` may also be a model
    path). ``compute_options`` go to ``dask.compute`` (``scheduler=...``).
    Returns a :class:`newsgraph.stream.Scan` equal to the in-memory corpus of the
    concatenated partitions.
    """
    import dask

    _tagger_of(model if model is None or isinstance(model, bool) else True, dictionary)
    if not hasattr(collection, "to_delayed"):
        raise InputTypeError(
            f"analyze needs a dask DataFrame or Bag, got {type(collection).__name__}"
        )
    if not isinstance(split_every, int) or split_every < 2:
        raise InputError(f"split_every must be an int of at least 2, got {split_every!r}")
    dict_spec = None
    if dictionary is not None:
        dict_spec = (dictionary.to_dict(), dictionary.case_sensitive)
    spec = _model_spec(model)
    parts = collection.to_delayed()
    if hasattr(parts, "flatten"):
        parts = list(parts.flatten())
    task = dask.delayed(_partition, pure=True)
    level = [task(p, i, text, id, dict_spec, spec, threads) for i, p in enumerate(parts)]
    combine = dask.delayed(_combine, pure=True)
    while len(level) > 1:
        level = [combine(level[i : i + split_every]) for i in range(0, len(level), split_every)]
    if not level:
        raise InputError("the collection has no partitions")
    (result,) = dask.compute(level[0], **compute_options)
    return _scan_from(result, dictionary, _tagger(spec), threads)


def _scan_from(result: dict[str, Any], dictionary: Any, tagger: Any, threads: Any) -> Scan:
    coll: Collected = result["coll"]
    where = "the dask collection"
    if result["range_ids"]:
        ids = pd.RangeIndex(coll.n)
    else:
        ids = pd.Index(pd.concat(result["ids"], ignore_index=True))
        _check_new_ids(list(ids), set(), where)
    ids = pd.Index(ids, name="doc_id")
    check_ids(ids, where)
    warn_missing([show_id(x) for x in result["missing"]], where)
    meta = pd.concat(result["meta"], ignore_index=True)
    docs = frame.documents_frame(ids, coll.found_columns(), np.zeros(coll.n, dtype=np.int64), meta)
    return Scan(
        coll,
        ids,
        docs,
        dictionary=dictionary,
        tagger=tagger,
        threads=threads,
        origin=where,
    )


def entity_counts(
    collection: Any,
    text: str = "text",
    id: str | None = "id",
    by: str | None = None,
    label: Any = None,
    freq: str | None = None,
    **options: Any,
) -> pd.DataFrame:
    """``analyze(collection, text, id, **options).entity_counts(by, label, freq)``."""
    return analyze(collection, text, id, **options).entity_counts(by=by, label=label, freq=freq)


def cooccurrence(
    collection: Any,
    text: str = "text",
    id: str | None = "id",
    *,
    dictionary: Any = None,
    model: Any = None,
    threads: int | None = None,
    **cooccurrence_options: Any,
) -> Any:
    """``analyze(collection, ...).cooccurrence(**cooccurrence_options)``."""
    result = analyze(collection, text, id, dictionary=dictionary, model=model, threads=threads)
    return result.cooccurrence(threads=threads, **cooccurrence_options)
