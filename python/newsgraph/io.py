"""Reading corpora: bundled seeds, folders of text files, JSON Lines, CSV, Parquet.

Every reader parses in Rust, in parallel, with the interpreter released; on large
inputs a progress bar shows when stderr is a terminal or in Jupyter (``progress=True``
or ``False`` decides instead, for the read and for the corpus's later calls) and Ctrl-C
stops the work. Texts that are missing (``None``/NaN) become empty documents with one
warning that counts them; a text of another type is an
:class:`~newsgraph.InputTypeError` naming the row; duplicate ids are a
:class:`~newsgraph.DuplicateIdError` naming them.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import re
import warnings
import zlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _checks, _core, _input, store
from ._input import check_ids, frame_parts, warn_missing
from ._memory import release_memory
from .corpus import Corpus
from .exceptions import InputError, InputTypeError, NewsgraphError, ParseError, ReadError

PathLike = str | os.PathLike


def _warn_skipped(skipped: list[tuple[int, str]], where: str, what: str) -> None:
    """One warning, pointing at the reader's caller, for the records a reader left
    out with ``errors="skip"``, showing the first three."""
    if skipped:
        shown = "; ".join(f"line {ln}: {msg}" for ln, msg in skipped[:3])
        warnings.warn(
            f"skipped {len(skipped)} malformed {what} in {where!r}: {shown}"
            f"{'; ...' if len(skipped) > 3 else ''}",
            stacklevel=3,
        )


def load_seeds(*, threads: int | None = None) -> Corpus:
    """The five example articles bundled with newsgraph (news on Lavrov's 2023 meetings).

    >>> import newsgraph
    >>> newsgraph.load_seeds().documents()["date"].iloc[1].date().isoformat()
    '2023-05-26'
    """
    folder = resources.files("newsgraph") / "seeds"
    with resources.as_file(folder) as path:
        return read_dir(path, threads=threads)


def read_dir(
    path: PathLike,
    glob: str = "*.txt",
    *,
    threads: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Read every file matching ``glob`` under a folder, one article per file.

    The document id is the file name without its extension; files are taken in sorted
    order. Use ``glob="**/*.txt"`` to descend into subfolders. Bytes that are not
    UTF-8 are replaced and counted in the ``decode_errors`` column.

    >>> import newsgraph
    >>> newsgraph.read_dir(newsgraph.seeds_path()).doc_ids[0]
    '000_27c6c80333bff2b2'
    """
    folder = _checks.path(path)
    if not isinstance(glob, str) or not glob:
        raise InputError(f"glob must be a file pattern such as '*.txt', got {glob!r}")
    if not folder.is_dir():
        raise InputError(f"read_dir needs a folder, but {str(folder)!r} is a file")
    matched = sorted(folder.glob(glob))
    files = [p for p in matched if p.is_file()]
    # A link that leads nowhere (dangling, or a loop) matches but cannot be read: say
    # so rather than leave it out unseen. Folders that match are not articles.
    broken = [p for p in matched if p.is_symlink() and not p.exists()]
    if broken:
        shown = ", ".join(repr(p.name) for p in broken[:3])
        warnings.warn(
            f"{len(broken)} matching link(s) in {str(folder)!r} lead to no file and were "
            f"not read: {shown}{', ...' if len(broken) > 3 else ''}",
            stacklevel=2,
        )
    if not files:
        warnings.warn(f"no files match {glob!r} in {str(folder)!r}", stacklevel=2)
    ids = check_ids(pd.Index([p.stem for p in files], dtype=object), str(folder))
    articles, errors = _core.read_text_files(
        [str(p) for p in files], threads=threads, progress=_checks.progress(progress)
    )
    meta = pd.DataFrame({"path": [str(p) for p in files]})
    return Corpus(articles, ids, meta, errors, origin=str(folder), progress=progress)


def read_jsonl(
    path: PathLike,
    text: str = "text",
    id: str | None = "id",
    *,
    errors: str = "raise",
    threads: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Read a JSON Lines file (``.jsonl``, or gzip-compressed ``.jsonl.gz``).

    Each line is one JSON object: ``text`` names the field with the article, ``id`` the
    field with its id (when no record has it, ids are the row numbers 0, 1, ...).
    Every other field becomes a metadata column. A malformed line raises
    :class:`~newsgraph.ParseError` naming the file and line; with ``errors="skip"`` it
    is left out, with a warning that lists the lines (also in ``corpus.skipped``).

    >>> import newsgraph, tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "a.jsonl")
    >>> row = '{"id": "a1", "text": "LONDON (Reuters) - Shares fell.", "desk": "mkts"}'
    >>> _ = open(p, "w").write(row + "\\n")
    >>> newsgraph.read_jsonl(p).documents()[["doc_id", "source", "dateline", "desk"]]
      doc_id   source dateline  desk
    0     a1  Reuters   LONDON  mkts
    """
    if errors not in ("raise", "skip"):
        raise InputError(f"errors must be 'raise' or 'skip', got {errors!r}")
    _checks.fields(text, id)
    p = _checks.path(path)
    if p.is_dir():
        raise InputError(f"read_jsonl needs a file, but {str(p)!r} is a folder")
    out = _core.read_jsonl(
        str(p),
        text=text,
        id=id,
        skip_errors=errors == "skip",
        threads=threads,
        progress=_checks.progress(progress),
    )
    lines = out["lines"]
    if out["ids"] is None:
        ids = pd.RangeIndex(len(lines))
    else:
        raw = out["ids"]
        missing = [lines[i] for i, x in enumerate(raw) if x is None]
        if missing:
            raise InputError(
                f"{len(missing)} record(s) in {str(p)!r} have no {id!r} field, e.g. at line "
                f"{missing[0]}; give id=None to number the documents instead"
            )
        ids = pd.Index(raw, dtype=object if any(isinstance(x, str) for x in raw) else None)
    check_ids(ids, str(p))
    warn_missing([f"line {lines[i]}" for i in out["missing_text"]], str(p))
    skipped = out["skipped"]
    _warn_skipped(skipped, str(p), "line(s)")
    meta = pd.DataFrame(out["columns"], index=range(len(lines)))
    corpus = Corpus(
        out["articles"], ids, meta, out["decode_errors"], origin=str(p), progress=progress
    )
    del out
    release_memory()  # the decompression and per-chunk parse buffers
    corpus.skipped = pd.DataFrame(skipped, columns=["line", "error"])
    return corpus


def csv_options(text: str, id: str | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    """``pandas.read_csv`` options for a corpus file: text and id as strings, empty
    fields missing, and no index guessed from a first row with one field too many
    (pandas would shift every value into the wrong column)."""
    dtype = {text: str, **({id: str} if id else {})}
    dtype.update(kwargs.pop("dtype", None) or {})
    return {
        "dtype": dtype,
        "keep_default_na": False,
        "na_values": [""],
        "index_col": False,
        **kwargs,
    }


_PANDAS_LINE = re.compile(r"\bline (\d+)")


@contextlib.contextmanager
def csv_errors(path: Path) -> Iterator[None]:
    """Turn what reading a CSV file can raise into newsgraph's errors naming the file
    (and line, where pandas says it), with the original as ``__cause__``."""
    with warnings.catch_warnings():
        # A first row with more fields than the header: pandas only warns, and drops
        # the extra values.
        warnings.filterwarnings(
            "error", message="Length of header or names", category=pd.errors.ParserWarning
        )
        try:
            yield
        except NewsgraphError:
            raise
        except pd.errors.EmptyDataError as e:
            raise _parse_error(path, None, "the file is empty: no header row") from e
        except pd.errors.ParserWarning as e:
            msg = "the first row has more fields than the header"
            raise _parse_error(path, None, msg) from e
        except pd.errors.ParserError as e:
            found = _PANDAS_LINE.search(str(e))
            line = int(found.group(1)) if found else None
            raise _parse_error(path, line, str(e).strip()) from e
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            raise ReadError(f"{path}: not a complete gzip file ({e})") from e
        except OSError as e:
            raise ReadError(f"{path}: cannot be read ({e.strerror or e})") from e


def _parse_error(path: Path, line: int | None, msg: str) -> ParseError:
    where = f"{path}, line {line}" if line else str(path)
    err = ParseError(f"{where}: {msg}")
    err.path, err.line = str(path), line
    return err


def read_parquet(
    path: Any,
    text: str = "text",
    id: str | None = None,
    *,
    columns: list[str] | None = None,
    threads: int | None = None,
    progress: bool | None = None,
) -> Corpus:
    """Read Parquet files with one article per row (needs ``pyarrow``).

    ``path`` is a file, a folder (its ``*.parquet`` files, in name order), a glob
    pattern or a list of them, read in order as one corpus. ``text`` names the text
    column and ``id`` the id column (``None``: row numbers 0, 1, ... over all files).
    ``columns`` lists the metadata columns to keep (default: all), so only those, the
    text and the id are read from the files. A file that is not Parquet is a
    :class:`~newsgraph.ParseError` naming it; a missing column an
    :class:`~newsgraph.InputError` naming the columns there are.

    >>> import newsgraph, pandas as pd, pathlib, tempfile
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.parquet"
    >>> df = pd.DataFrame({"id": ["a"], "text": ["PARIS (Reuters) - Talks ended."], "desk": ["x"]})
    >>> df.to_parquet(p)
    >>> newsgraph.read_parquet(p, id="id").documents()[["doc_id", "source", "desk"]]
      doc_id   source desk
    0      a  Reuters    x
    """
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as e:
        raise NewsgraphError("read_parquet needs pyarrow: pip install 'newsgraph[parquet]'") from e
    _checks.fields(text, id)
    if columns is not None and (
        isinstance(columns, str) or not all(isinstance(c, str) for c in columns)
    ):
        raise InputTypeError(f"columns must be a list of column names, got {columns!r}")
    files = _checks.paths(path, "read_parquet", folder_glob="*.parquet")
    wanted = None if columns is None else [text, *([id] if id else []), *columns]
    tables = []
    for f in files:
        try:
            schema = pq.read_schema(f)
        except (pa.ArrowException, OSError) as e:
            err = ParseError(f"{str(f)!r} is not a readable Parquet file: {e}")
            err.path = str(f)
            raise err from e
        need = wanted if wanted is not None else [text, *([id] if id else [])]
        missing = [c for c in dict.fromkeys(need) if c not in schema.names]
        if missing:
            raise InputError(
                f"{str(f)!r} has no column(s) {', '.join(map(repr, missing))}; "
                f"its columns are {schema.names}"
            )
        try:
            tables.append(pq.read_table(f, columns=list(dict.fromkeys(wanted)) if wanted else None))
        except (pa.ArrowException, OSError) as e:
            raise ReadError(f"cannot read {str(f)!r}: {e}") from e
    try:
        table = pa.concat_tables(tables, promote_options="permissive")
    except pa.ArrowException as e:
        raise InputError(f"the Parquet files do not share a schema: {e}") from e
    where = str(files[0]) if len(files) == 1 else f"{len(files)} Parquet files"
    articles, ids, meta, errors = _input.arrow_parts(
        table, text, id, threads=threads, progress=progress, where=where
    )
    return Corpus(articles, ids, meta, errors, origin=where, progress=progress)


def read_csv(
    path: PathLike,
    text: str = "text",
    id: str | None = None,
    *,
    errors: str = "raise",
    threads: int | None = None,
    progress: bool | None = None,
    **read_csv_kwargs: Any,
) -> Corpus:
    """Read a CSV file with one article per row (parsed with :func:`pandas.read_csv`).

    ``text`` names the text column and ``id`` the id column (``None``: row numbers).
    Other columns become metadata. Extra keyword arguments go to ``pandas.read_csv``
    (``sep=";"``, ``usecols=...``). Bytes that are not UTF-8 are replaced and counted in
    ``decode_errors``.

    A row with more fields than the header raises :class:`~newsgraph.ParseError`
    naming the file and line; with ``errors="skip"`` it is left out, with a warning that
    lists the lines (also in ``corpus.skipped``). A first row with too many fields is
    always an error (pandas cannot tell it from an index column). An empty file, a
    broken quote, a truncated gzip or an unreadable path raise ``ParseError`` or
    :class:`~newsgraph.ReadError` naming the file.

    >>> import newsgraph, pathlib, tempfile, warnings
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_text("id,text\\na,Merkel met Macron.\\nb,one,field too many\\n")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     c = newsgraph.read_csv(p, id="id", errors="skip", progress=False)
    >>> c.skipped.to_dict("records")
    [{'line': 3, 'error': 'expected 2 fields, saw 3'}]
    """
    if errors not in ("raise", "skip"):
        raise InputError(f"errors must be 'raise' or 'skip', got {errors!r}")
    _checks.fields(text, id)
    p = _checks.path(path)
    options = csv_options(text, id, read_csv_kwargs)
    if errors == "skip":
        options["on_bad_lines"] = "warn"
    with csv_errors(p):
        raw = p.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        try:
            decoded, invalid = raw.decode("utf-8-sig"), False
        except UnicodeDecodeError:
            # Replace invalid bytes as Python does (one U+FFFD per bad sequence) and
            # count the replacement characters per row. In such a file, a U+FFFD that
            # was already there is counted too: the file gives no way to tell them apart.
            decoded, invalid = raw.decode("utf-8-sig", "replace"), True
        del raw
        skipped: list[tuple[int, str]] = []
        with collect_skipped(skipped):
            df = pd.read_csv(io.StringIO(decoded), **options)
        del decoded
    errors_ = np.zeros(len(df), dtype=np.int64)
    if invalid:
        for col in df.columns:
            if df[col].dtype == object or pd.api.types.is_string_dtype(df[col].dtype):
                counts = df[col].map(lambda v: v.count("\ufffd") if isinstance(v, str) else 0)
                errors_ += counts.to_numpy(dtype=np.int64)
    _warn_skipped(skipped, str(p), "row(s)")
    articles, ids, meta = frame_parts(
        df, text, id, threads=threads, progress=progress, where=str(p)
    )
    corpus = Corpus(articles, ids, meta, errors_, origin=str(p), progress=progress)
    corpus.skipped = pd.DataFrame(skipped, columns=["line", "error"])
    return corpus


_SKIPPED_LINE = re.compile(r"Skipping line (\d+): ([^\n]*)")


@contextlib.contextmanager
def collect_skipped(skipped: list[tuple[int, str]]) -> Iterator[None]:
    """Rows pandas skipped (``on_bad_lines="warn"`` reports them only as warnings) go
    to ``skipped`` as (line, reason); other warnings pass on."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        yield
    for w in caught:
        found = _SKIPPED_LINE.findall(str(w.message))
        if found:
            skipped.extend((int(n), reason.strip()) for n, reason in found)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def load(path: str | os.PathLike[str], *, progress: bool | None = None) -> Corpus:
    """The corpus :meth:`Corpus.save` wrote to ``path``, with everything it had computed:
    every table equals the saved corpus's, and nothing is parsed or tagged again.
    ``progress`` is the loaded corpus's default for its later calls, as a reader's
    (the file does not keep it).

    A file that is not a corpus, is cut short, is damaged or comes from a newer
    newsgraph raises :class:`~newsgraph.CorpusFileError` with ``reason`` saying which.
    Needs ``pyarrow``.

    >>> import newsgraph, tempfile, os
    >>> path = newsgraph.load_seeds().save(os.path.join(tempfile.mkdtemp(), "s.newsgraph"))
    >>> newsgraph.load(path).entities().iloc[0]["entity"]
    'Ukraine'
    >>> with open(path, "r+b") as f:
    ...     _ = f.truncate(1000)
    >>> newsgraph.load(path)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.CorpusFileError: '...s.newsgraph' is cut short...
    """
    _checks.progress(progress)  # checked now: the corpus keeps it for its later calls
    return Corpus._from_stored(store.read_file(path), progress=progress)


def seeds_path() -> Path:
    """The folder of the bundled seed articles (inside the installed package)."""
    return Path(str(resources.files("newsgraph") / "seeds"))
