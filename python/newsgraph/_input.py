"""Checking input tables and parsing their texts: the parts a corpus is made of.

Below :mod:`newsgraph.corpus` (which builds corpora of these parts) and the readers
of :mod:`newsgraph.io`, :mod:`newsgraph.stream` and :mod:`newsgraph.dask` (which
share its checks of ids and texts), so none of them import each other to read.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core
from .exceptions import DuplicateIdError, InputError, InputTypeError, NewsgraphError


def check_ids(ids: pd.Index, where: str) -> pd.Index:
    if ids.hasnans:
        rows = [i for i, missing in enumerate(pd.isna(ids)) if missing]
        shown = ", ".join(str(r) for r in rows[:5])
        raise InputError(
            f"document ids in {where} must not be missing: {len(rows)} are (None or NaN), "
            f"at row(s) {shown}{' ...' if len(rows) > 5 else ''}"
        )
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        shown = ", ".join(show_id(x) for x in dup[:5])
        more = f" and {len(dup) - 5} more" if len(dup) > 5 else ""
        raise DuplicateIdError(f"duplicate document ids in {where}: {shown}{more}")
    return ids


def show_id(x: Any) -> str:
    """An id as a user wrote it: quoted if a string, bare if a number."""
    return repr(x) if isinstance(x, str) else str(x)


def warn_missing(missing: list[Any], where: str) -> None:
    if missing:
        shown = ", ".join(str(x) for x in missing[:5])
        more = ", ..." if len(missing) > 5 else ""
        warnings.warn(
            f"{len(missing)} document(s) in {where} have no text (missing, None or NaN) "
            f"and are kept as empty documents: {shown}{more}",
            stacklevel=3,
        )


def frame_parts(
    df: pd.DataFrame,
    text: str,
    id: str | None,
    *,
    threads: int | None = None,
    progress: bool | None = None,
    where: str = "the DataFrame",
) -> tuple[_core.Articles, pd.Index, pd.DataFrame]:
    """What :meth:`Corpus.from_pandas` builds a corpus of: the parsed articles of the
    ``text`` column, the ids (the ``id`` column, or the index) and the other columns
    as metadata. Errors and warnings name ``where`` the frame came from."""
    if not isinstance(df, pd.DataFrame):
        hint = (
            "; for polars, pyarrow or DuckDB tables use Corpus.from_arrow"
            if hasattr(df, "__arrow_c_stream__")
            else ""
        )
        raise InputTypeError(
            f"from_pandas needs a pandas DataFrame, got {type(df).__module__}."
            f"{type(df).__name__}{hint}"
        )
    for name, what in ((text, "text"), (id, "id")):
        if name is not None and name not in df.columns:
            raise InputError(
                f"{where} has no {what} column {name!r}; its columns are {list(df.columns)}"
            )
    ids = pd.Index(df[id] if id is not None else df.index, name="doc_id")
    check_ids(ids, where)
    missing: list[Any] = []
    texts = text_values(df[text].tolist(), list(ids), 0, where, missing)
    warn_missing([show_id(x) for x in missing], where)
    articles = _core.parse_texts(texts, threads=threads, progress=_checks.progress(progress))
    meta = df.drop(columns=[c for c in (text, id) if c is not None]).reset_index(drop=True)
    return articles, ids, meta


def arrow_table(obj: Any) -> Any:
    """A pyarrow Table of an object with the Arrow C stream interface (no copy)."""
    try:
        import pyarrow as pa
    except ImportError as e:
        raise NewsgraphError("from_arrow needs pyarrow: pip install 'newsgraph[parquet]'") from e
    if isinstance(obj, pa.RecordBatchReader):
        return obj.read_all()
    if isinstance(obj, pa.Table):
        return obj
    if hasattr(obj, "__arrow_c_stream__"):
        return pa.table(obj)
    raise InputTypeError(
        "from_arrow needs an object with the Arrow C stream interface "
        "(__arrow_c_stream__: a pyarrow Table or RecordBatchReader, a polars DataFrame, "
        f"a DuckDB result), got {type(obj).__name__}"
    )


def arrow_parts(
    table: Any,
    text: str,
    id: str | None,
    *,
    threads: int | None = None,
    progress: bool | None = None,
    where: str = "the Arrow table",
) -> tuple[_core.Articles, pd.Index, pd.DataFrame, np.ndarray]:
    """:func:`frame_parts` of an Arrow table, and each text's count of replaced bytes.

    The texts go to Rust straight from the column's buffers: no Python ``str`` is made
    of them (for AllSides, 94 MB of text, that was most of the time and memory of
    reading). Ids and metadata become pandas columns as :meth:`Corpus.from_pandas`
    would have them."""
    import pyarrow as pa

    names = table.column_names
    for name, what in ((text, "text"), (id, "id")):
        if name is not None and name not in names:
            raise InputError(f"{where} has no {what} column {name!r}; its columns are {names}")
    if names.count(text) > 1:
        raise InputError(f"{where} has {names.count(text)} columns named {text!r}")
    column = table.column(text)
    kind = column.type
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if not (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_string_view(kind)
        or pa.types.is_null(kind)
    ):
        raise InputTypeError(
            f"the text column {text!r} in {where} holds {column.type}, not strings; "
            f"cast it to strings first"
        )
    # Everything but the texts goes through pandas, which restores an index that
    # pandas stored with the table.
    rest = table.drop_columns([text]).to_pandas()
    ids = pd.Index(rest[id] if id is not None else rest.index, name="doc_id")
    check_ids(ids, where)
    chunks = _string_chunks(column)
    if chunks:
        missing = np.flatnonzero(np.concatenate([c[2] for c in chunks]) == 0)
        warn_missing([show_id(ids[k]) for k in missing], where)
    articles, errors = _core.parse_string_chunks(
        chunks, threads=threads, progress=_checks.progress(progress)
    )
    meta = rest.drop(columns=[id] if id is not None else []).reset_index(drop=True)
    return articles, ids, meta, np.asarray(errors, dtype=np.int64)


def _string_chunks(column: Any) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Each chunk of a string column as (UTF-8 bytes, int64 offsets, validity) arrays
    over its Arrow buffers; other string layouts (string view, dictionary, null) are
    cast to large strings first, in Arrow."""
    import pyarrow as pa

    out = []
    for chunk in column.chunks:
        if not (pa.types.is_string(chunk.type) or pa.types.is_large_string(chunk.type)):
            chunk = chunk.cast(pa.large_string())
        wide = pa.types.is_large_string(chunk.type)
        n = len(chunk)
        if n == 0:  # its buffers may be absent
            continue
        _, offsets, data = chunk.buffers()
        offsets = np.frombuffer(offsets, dtype=np.int64 if wide else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + n + 1].astype(np.int64)
        data = np.zeros(0, np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)
        valid = chunk.is_valid().to_numpy(zero_copy_only=False).view(np.uint8)
        out.append((data, offsets, valid))
    return out


def texts_frame(texts: Any, ids: Any, meta: Any) -> tuple[pd.DataFrame, str]:
    """The frame :meth:`Corpus.from_texts` parses: metadata columns, the texts in a column
    no metadata can have (returned), ids as the index."""
    if isinstance(texts, (str, bytes)) or not hasattr(texts, "__iter__"):
        raise InputTypeError(
            f"texts must be a list (or Series, or other iterable) of str, got "
            f"{type(texts).__name__}: {show_id(texts)}"
        )
    index = texts.index if isinstance(texts, pd.Series) and ids is None else None
    values = list(texts)
    n = len(values)
    if ids is not None:
        if isinstance(ids, (str, bytes)) or not hasattr(ids, "__iter__"):
            raise InputTypeError(f"ids must be a list of ids, got {type(ids).__name__}: {ids!r}")
        index = pd.Index(list(ids))
        if len(index) != n:
            raise InputError(f"ids has {len(index)} values for {n} texts")
    if meta is None:
        frame = pd.DataFrame(index=range(n))
    elif isinstance(meta, (pd.DataFrame, dict)):
        frame = pd.DataFrame(meta).reset_index(drop=True)
        if len(frame) != n:
            raise InputError(f"meta has {len(frame)} rows for {n} texts")
    else:
        raise InputTypeError(
            f"meta must be a DataFrame or a dict of columns, got {type(meta).__name__}"
        )
    # A column name no metadata can have, so every meta column is kept as given.
    column = "\0text"
    frame = frame.assign(**{column: values})
    frame.index = range(n) if index is None else index
    return frame, column


def text_values(
    values: list[Any], ids: list[Any], pos0: int, where: str, missing: list[Any]
) -> list[str | None]:
    """Texts as the core takes them: str, or None for a missing one (its id is added to
    ``missing``); any other type is an error naming the document and row."""
    out: list[str | None] = []
    for k, v in enumerate(values):
        if isinstance(v, str):
            out.append(v)
        elif v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT:
            out.append(None)
            missing.append(ids[k])
        else:
            raise InputTypeError(
                f"text of document {show_id(ids[k])} (row {pos0 + k}) in {where} is "
                f"{type(v).__name__} {v!r:.60}, not a str"
            )
    return out
