"""The one place that builds pandas objects from the core's columns."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

#: Metadata newsgraph finds in the text; a column of the same name given with the
#: input wins wherever it has a value.
FOUND_COLUMNS = ("title", "date", "source", "dateline", "credits")

DOCUMENT_COLUMNS = (
    "doc_id",
    *FOUND_COLUMNS,
    "n_paragraphs",
    "n_sentences",
    "n_tokens",
    "decode_errors",
    "boilerplate",
)


def to_datetime(values: Any, what: str = "date") -> pd.Series:
    """Parse dates to naive ``datetime64[ns]`` (UTC where a zone was given).

    Values that cannot be read become NaT with one warning that counts them and shows
    the first, so nothing is dropped silently.
    """
    s = pd.Series(values, copy=False)
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        return s.dt.tz_convert("UTC").dt.tz_localize(None).astype("datetime64[ns]")
    if pd.api.types.is_datetime64_dtype(s.dtype):
        return s.astype("datetime64[ns]")
    present = s.notna()
    parsed = pd.to_datetime(s.where(present, None), errors="coerce", utc=True, format="mixed")
    parsed = parsed.dt.tz_localize(None).astype("datetime64[ns]")
    bad = present & parsed.isna()
    if bad.any():
        first = bad.to_numpy().nonzero()[0][0]
        warnings.warn(
            f"{int(bad.sum())} {what} value(s) could not be read as dates and are NaT; "
            f"the first is {s.iloc[first]!r} at row {first}",
            stacklevel=3,
        )
    return parsed


def documents_frame(
    ids: pd.Index, found: dict[str, Any], decode_errors: np.ndarray, meta: pd.DataFrame
) -> pd.DataFrame:
    """One row per document: found metadata overridden by given metadata, then counts."""
    cols: dict[str, Any] = {"doc_id": ids.to_numpy()}
    given = meta.reset_index(drop=True)
    for name in FOUND_COLUMNS:
        col = pd.Series(found[name], dtype=object)
        if name in given.columns:
            col = given[name].astype(object).where(given[name].notna(), col)
        cols[name] = to_datetime(col, "date") if name == "date" else col
    for name in ("n_paragraphs", "n_sentences", "n_tokens"):
        cols[name] = found[name]
    cols["decode_errors"] = decode_errors
    cols["boilerplate"] = found["boilerplate"]
    for name in given.columns:
        if name not in cols:
            cols[name] = given[name].to_numpy()
    return pd.DataFrame(cols)


def sentences_frame(ids: pd.Index, cols: dict[str, Any]) -> pd.DataFrame:
    """One row per sentence, keyed by document id."""
    return pd.DataFrame(
        {
            "doc_id": ids.to_numpy()[cols["doc"]],
            "paragraph": cols["paragraph"],
            "sentence": cols["sentence"],
            "start": cols["start"],
            "end": cols["end"],
            "text": cols["text"],
        }
    )


def tokens_frame(
    doc_id: Any, starts: np.ndarray, ends: np.ndarray, sentence: np.ndarray, text: str
) -> pd.DataFrame:
    """One row per token of one document."""
    return pd.DataFrame(
        {
            "doc_id": np.full(len(starts), doc_id, dtype=object),
            "sentence": sentence,
            "start": starts,
            "end": ends,
            "token": [text[a:b] for a, b in zip(starts.tolist(), ends.tolist(), strict=True)],
        }
    )
