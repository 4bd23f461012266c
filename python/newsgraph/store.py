"""Keeping a corpus: :meth:`Corpus.save`, :func:`newsgraph.load` and pickling.

A saved corpus is one file: an uncompressed ZIP archive whose first member is
``newsgraph.json`` (the manifest: format name, format version, the newsgraph version
that wrote it, the document count, the resolution options, and which sections hold
what), followed by Arrow IPC files, one per table, which pyarrow, polars, DuckDB or R's
arrow package read as they are::

    newsgraph.json     {"format": "newsgraph-corpus", "version": 1, ...}
    articles.arrow     one row per document: the parsed articles (below)
    documents.arrow    doc_id and decode_errors, one row per document
    meta.arrow         the metadata columns given with the input
    mentions-K.arrow   the mentions computed with one tagger and dictionary ...
    entities-K.arrow   ... and their entities (K = 0, 1, ...)
    external.arrow     spans brought from other tools (Corpus.with_mentions)

``articles.arrow`` has the columns ``text`` (the cleaned body), ``title``, ``date``,
``source``, ``dateline`` (strings, null when not found), ``credits`` and ``boilerplate``
(lists of strings), ``paragraphs`` (a list of ``uint32``: start and end of each
paragraph), ``sentences`` (a list of ``uint32``: start, end, paragraph, first token and
number of tokens of each sentence), ``tokens`` (binary: per token, the gap since the
previous token's end and its length, each a LEB128 varint) and ``token_counts``. All
offsets are UTF-8 byte offsets into ``text``. Loading checks every one of them, so a
damaged file is an error, never a crash.

Every section is stored (not compressed) and starts on a multiple of 64 bytes of the
file (the local header pads its extra field, as Android's zipalign does), so its Arrow
buffers are aligned where the file is mapped; sizes and offsets are in ZIP64 records,
so files past 4 GiB work; times are 1980-01-01, so saving a corpus twice gives the
same bytes. Any ZIP reader (``unzip -t``, Python's zipfile) checks the CRCs.

The format version changes whenever a newer newsgraph could not read a file as an
older one wrote it; a file of a newer version than this newsgraph knows is refused
with a message naming both.
"""

from __future__ import annotations

import contextlib
import io
import json
import mmap
import os
import pickle
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core, frame
from .exceptions import CorpusFileError, InputError, InputTypeError, ReadError, WriteError

FORMAT = "newsgraph-corpus"
#: The format version this newsgraph writes, and the newest it reads.
VERSION = 1
MANIFEST = "newsgraph.json"
_META_KEY = b"newsgraph.dtypes"


def _pyarrow() -> Any:
    try:
        import pyarrow as pa
        import pyarrow.ipc  # noqa: F401
    except ImportError as e:  # pragma: no cover - pyarrow is in the test extras
        raise InputError(
            "saving, loading and pickling a corpus need pyarrow: "
            "pip install 'newsgraph[parquet]' (or pip install pyarrow)"
        ) from e
    return pa


# -- writing ---------------------------------------------------------------------------


def _articles_table(articles: _core.Articles) -> Any:
    """The parsed articles as one Arrow table, built on the arrays Rust returns (no
    copy of the text)."""
    pa = _pyarrow()
    cols = _core.articles_to_columns(articles)
    n = len(articles)
    buf = pa.py_buffer

    def strings(name: str) -> Any:
        valid = cols[f"{name}_valid"].astype(bool)
        bitmap = None if valid.all() else buf(np.packbits(valid, bitorder="little"))
        return pa.Array.from_buffers(
            pa.large_string(),
            n,
            [bitmap, buf(cols[f"{name}_offsets"]), buf(cols[name])],
            null_count=int(n - valid.sum()),
        )

    def string_lists(name: str) -> Any:
        offsets = cols[f"{name}_offsets"]
        values = pa.Array.from_buffers(
            pa.large_string(), len(offsets) - 1, [None, buf(offsets), buf(cols[name])]
        )
        return pa.LargeListArray.from_arrays(pa.array(cols[f"{name}_lists"]), values)

    def lists(name: str, offsets: str) -> Any:
        return pa.LargeListArray.from_arrays(
            pa.array(cols[offsets]), pa.array(cols[name], type=pa.uint32())
        )

    tokens = pa.Array.from_buffers(
        pa.large_binary(), n, [None, buf(cols["token_offsets"]), buf(cols["tokens"])]
    )
    return pa.table(
        {
            "text": strings("text"),
            **{k: strings(k) for k in ("title", "date", "source", "dateline")},
            "credits": string_lists("credits"),
            "boilerplate": string_lists("boilerplate"),
            "paragraphs": lists("paragraphs", "paragraph_offsets"),
            "sentences": lists("sentences", "sentence_offsets"),
            "tokens": tokens,
            "token_counts": pa.array(cols["token_counts"], type=pa.uint32()),
        }
    )


def _frame_table(df: pd.DataFrame, what: str) -> Any:
    """A DataFrame as an Arrow table that :func:`_frame_from` turns back into an equal
    DataFrame: pandas' own metadata restores most dtypes; object columns (strings,
    lists, mixed None) and categoricals of Python strings are noted to be rebuilt."""
    pa = _pyarrow()
    bad = [c for c in df.columns if not isinstance(c, str)]
    if bad or df.columns.has_duplicates:
        raise InputError(
            f"{what}: column names must be distinct strings to be saved, got {list(df.columns)!r}"
        )
    kinds: dict[str, str] = {}
    narrow = {}
    for c in df.columns:
        dtype = df[c].dtype
        if dtype == np.int64:
            # Offsets and ids mostly fit 32 bits: half the bytes to write and read.
            values = df[c].to_numpy()
            if not len(values) or (values.min() >= -(2**31) and values.max() < 2**31):
                narrow[c] = values.astype(np.int32)
                kinds[c] = "int64"
        elif dtype == np.dtype(object):
            kinds[c] = "object"
        elif isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == object:
            kinds[c] = "category"
    try:
        rest = df.drop(columns=list(narrow))
        if len(rest.columns):
            table = pa.Table.from_pandas(rest, preserve_index=False)
        else:  # no columns: from_pandas would give no rows
            table = pa.table({"_rows": pa.nulls(len(df))}).drop_columns("_rows")
        for c, values in narrow.items():
            table = table.append_column(c, pa.array(values))
        table = table.select(list(df.columns))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as e:
        for c in df.columns:
            try:
                pa.Table.from_pandas(df[[c]], preserve_index=False)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                raise InputError(
                    f"{what}: column {c!r} cannot be saved ({e}); make its values one "
                    f"type, for example with .astype(str)"
                ) from e
        raise InputError(f"{what} cannot be saved: {e}") from e
    meta = dict(table.schema.metadata or {})
    meta[_META_KEY] = json.dumps(kinds).encode()
    return table.replace_schema_metadata(meta)


class _Member(io.RawIOBase):
    """One member being written: passes bytes on and keeps their CRC and size."""

    def __init__(self, out: Any) -> None:
        super().__init__()
        self.out, self.crc, self.size = out, 0, 0

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = np.frombuffer(b, dtype=np.uint8)
        self.crc = _core.crc32(data, self.crc)
        self.out.write(data)
        self.size += len(data)
        return len(data)

    def tell(self) -> int:
        return self.size


# 00:00 on 1 January 1980, the first moment ZIP can say: saving the same corpus twice
# gives the same bytes.
_DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
_MAX32 = 0xFFFFFFFF
_ALIGN = 64


def _fields(name: bytes, crc: int, size: int, zip64: bool, extra: bytes) -> bytes:
    """What a member's local header and its directory entry share: version needed,
    flags, method (stored), time, date, CRC, sizes (in the ZIP64 extra field when
    ``zip64``), and the lengths of name and extra field."""
    small = _MAX32 if zip64 else size
    return struct.pack(
        "<HHHHHIIIHH",
        45 if zip64 else 20,
        0,
        0,
        _DOS_TIME,
        _DOS_DATE,
        crc,
        small,
        small,
        len(name),
        len(extra),
    )


class _Zip:
    """An uncompressed ZIP archive (ZIP64, as APPNOTE 6.3 describes it) written to a
    seekable binary file.

    Python's zipfile computes each member's CRC on one core, which took a third of the
    time of saving AllSides; here it is :func:`_core.crc32`, in parallel, as the bytes
    pass. A member's header is written first and its CRC and size filled in after.
    """

    def __init__(self, out: Any) -> None:
        self.out, self.base = out, out.tell()
        self.entries: list[tuple[bytes, int, int, int, bool]] = []

    def _local(self, name: bytes, crc: int, size: int, zip64: bool, at: int = 0) -> bytes:
        extra = struct.pack("<HHQQ", 1, 16, size, size) if zip64 else b""
        if zip64:
            # Padding (an extra field readers skip, as Android's zipalign writes) so the
            # member's data starts on a multiple of 64 bytes: Arrow's buffers inside it
            # are then aligned where the file is mapped, and load reads them in place.
            pad = -(at + 30 + len(name) + len(extra) + 4) % _ALIGN
            extra += struct.pack("<HH", 0xD935, pad) + bytes(pad)
        return struct.pack("<I", 0x04034B50) + _fields(name, crc, size, zip64, extra) + name + extra

    def small(self, name: str, data: bytes) -> None:
        """A member written whole, with a plain (not ZIP64) header: the manifest, so a
        reader finds its size in the first 30 bytes of the file."""
        if len(data) >= _MAX32:
            with self.member(name) as out:
                out.write(data)
            return
        key, crc = name.encode(), _core.crc32(np.frombuffer(data, dtype=np.uint8))
        offset = self.out.tell() - self.base
        self.out.write(self._local(key, crc, len(data), False))
        self.out.write(data)
        self.entries.append((key, offset, crc, len(data), False))

    @contextlib.contextmanager
    def member(self, name: str) -> Iterator[_Member]:
        key = name.encode()
        start = self.out.tell()
        self.out.write(self._local(key, 0, 0, True, start - self.base))
        sink = _Member(self.out)
        yield sink
        end = self.out.tell()
        self.out.seek(start)
        self.out.write(self._local(key, sink.crc, sink.size, True, start - self.base))
        self.out.seek(end)
        self.entries.append((key, start - self.base, sink.crc, sink.size, True))

    def close(self) -> None:
        directory = self.out.tell() - self.base
        for key, offset, crc, size, zip64 in self.entries:
            extra = struct.pack("<HHQQQ", 1, 24, size, size, offset) if zip64 else b""
            self.out.write(
                # Made on Unix (3), so that unzip gives the members mode 644.
                struct.pack("<IH", 0x02014B50, (3 << 8) | 45)
                + _fields(key, crc, size, zip64, extra)
                + struct.pack("<HHHII", 0, 0, 0, 0o100644 << 16, _MAX32 if zip64 else offset)
                + key
                + extra
            )
        end = self.out.tell() - self.base
        n, size = len(self.entries), end - directory
        self.out.write(
            struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n, n, size, directory)
        )
        self.out.write(struct.pack("<IIQI", 0x07064B50, 0, end, 1))
        self.out.write(
            struct.pack(
                "<IHHHHIIH",
                0x06054B50,
                0,
                0,
                min(n, 0xFFFF),
                min(n, 0xFFFF),
                min(size, _MAX32),
                min(directory, _MAX32),
                0,
            )
        )


def _put(zf: _Zip, name: str, table: Any) -> None:
    """Stream a table into the archive as an Arrow IPC file (no copy in between)."""
    pa = _pyarrow()
    with zf.member(name) as out, pa.ipc.new_file(out, table.schema) as w:
        w.write_table(table)


def _mention_sets(corpus: Any) -> list[tuple[Any, Any, pd.DataFrame, pd.DataFrame]]:
    return [(t, d, m, e) for (t, d), (m, e) in corpus._mention_cache.items()]


def write(corpus: Any, fileobj: Any, allow_pickle: bool = False) -> None:
    """Write ``corpus`` to a binary file object in the format above. With
    ``allow_pickle`` (pickling only), metadata Arrow cannot hold is pickled instead of
    refused."""
    from . import ner

    sets = _mention_sets(corpus)
    meta_section = "meta.arrow"
    try:
        meta_table = _frame_table(corpus._meta, "the metadata")
    except InputError:
        if not allow_pickle:
            raise
        meta_section, meta_table = "meta.pickle", None
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "newsgraph": _core.__version__,
        "documents": len(corpus),
        "origin": corpus._origin,
        "resolve": _options_json(corpus._resolve_opts),
        "bundled_tagger": ner.load_tagger().fingerprint,
        "meta": meta_section,
        "mentions": [
            {
                "tagger": t,
                "dictionary": d,
                "mentions": f"mentions-{k}.arrow",
                "entities": f"entities-{k}.arrow",
            }
            for k, (t, d, _, _) in enumerate(sets)
        ],
        "external": None if corpus._external is None else "external.arrow",
    }
    zf = _Zip(fileobj)
    # First, so even a truncated file says what it is and which version wrote it.
    zf.small(MANIFEST, json.dumps(manifest, indent=1).encode())
    _put(zf, "articles.arrow", _articles_table(corpus._articles))
    docs = pd.DataFrame({"doc_id": corpus._ids, "decode_errors": corpus._decode_errors})
    _put(zf, "documents.arrow", _frame_table(docs, "the ids"))
    if meta_table is None:
        zf.small(meta_section, pickle.dumps(corpus._meta, protocol=5))
    else:
        _put(zf, meta_section, meta_table)
    for k, (_, _, mentions, ents) in enumerate(sets):
        # doc_id is rebuilt from _doc and the ids: no need to store it per mention.
        _put(
            zf,
            f"mentions-{k}.arrow",
            _frame_table(mentions.drop(columns="doc_id"), "the mentions"),
        )
        _put(zf, f"entities-{k}.arrow", _frame_table(ents, "the entities"))
    if corpus._external is not None:
        _put(zf, "external.arrow", _frame_table(corpus._external, "the spans from other tools"))
    zf.close()


def save(corpus: Any, path: str | os.PathLike[str]) -> Path:
    """Write to ``path`` through a temporary file beside it, so an interrupted save
    never leaves a truncated corpus where a good one was."""
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(
            f"save needs a file path (str or os.PathLike), got {type(path).__name__}: {path!r}"
        )
    target = Path(path).expanduser()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        with os.fdopen(fd, "wb") as f:
            write(corpus, f)
        os.replace(tmp, target)
        tmp = None
    except OSError as e:
        raise WriteError(f"cannot save the corpus to {str(target)!r}: {e}") from e
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return target


def to_bytes(corpus: Any) -> bytes:
    out = io.BytesIO()
    write(corpus, out, allow_pickle=True)
    return out.getvalue()


def _options_json(opts: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(opts)


# -- reading ---------------------------------------------------------------------------


def _fail(where: str | None, reason: str, detail: str) -> CorpusFileError:
    shown = f"{where!r}" if where else "the data"
    return CorpusFileError(f"{shown} {detail}", reason, where)


def _manifest_at_start(data: memoryview, where: str | None) -> dict[str, Any] | None:
    """The manifest read from the first local header, which a truncated file still
    has (the ZIP directory is at the end)."""
    if len(data) < 30 or bytes(data[:4]) != b"PK\x03\x04":
        return None
    _, _, _, method, _, _, _, size, _, name_len, extra_len = struct.unpack(
        "<IHHHHHIIIHH", data[:30]
    )
    start = 30 + name_len + extra_len
    if bytes(data[30 : 30 + name_len]) != MANIFEST.encode() or method != 0:
        return None
    if len(data) < start + size:
        raise _fail(where, "truncated", f"is cut short within its manifest ({len(data)} bytes)")
    try:
        manifest = json.loads(bytes(data[start : start + size]))
    except ValueError:
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def _check_version(manifest: dict[str, Any], where: str | None) -> None:
    version = manifest.get("version")
    if not isinstance(version, int) or version > VERSION or version < 1:
        raise _fail(
            where,
            "incompatible version",
            f"was written by newsgraph {manifest.get('newsgraph', '?')} in corpus format "
            f"version {version!r}; this newsgraph ({_core.__version__}) reads versions 1 "
            f"to {VERSION}: upgrade newsgraph to load it",
        )


def _sections(
    data: memoryview, directory: Any, where: str | None, copy: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The manifest and each member's bytes, CRC-checked: views into ``data``, or with
    ``copy`` bytes of their own, except the articles (which Rust copies as it checks
    them). ``directory`` is a file object of the same bytes, for the ZIP directory."""
    manifest = _manifest_at_start(data, where)
    if manifest is None:
        raise _fail(where, "not a corpus", "is not a newsgraph corpus file (Corpus.save)")
    _check_version(manifest, where)
    try:
        zf = zipfile.ZipFile(directory)
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _fail(
            where,
            "truncated",
            f"is cut short: the end of a corpus file of {len(data):,} bytes is missing "
            f"({e}); save the corpus again",
        ) from e
    members = {}
    for info in zf.infolist():
        start = info.header_offset
        header = data[start : start + 30]
        if len(header) < 30 or info.compress_type != zipfile.ZIP_STORED:
            raise _fail(where, "damaged", f"is damaged: member {info.filename} is unreadable")
        name_len, extra_len = struct.unpack("<HH", header[26:30])
        begin = start + 30 + name_len + extra_len
        body = data[begin : begin + info.file_size]
        if (
            len(body) != info.file_size
            or _core.crc32(np.frombuffer(body, dtype=np.uint8)) != info.CRC
        ):
            raise _fail(where, "damaged", f"is damaged: member {info.filename} fails its checksum")
        members[info.filename] = bytes(body) if copy and info.filename != "articles.arrow" else body
    return manifest, members


def _read_table(members: dict[str, Any], name: str, where: str | None) -> Any:
    pa = _pyarrow()
    if name not in members:
        raise _fail(where, "damaged", f"is damaged: section {name} is missing")
    try:
        return pa.ipc.open_file(pa.py_buffer(members[name])).read_all()
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as e:
        raise _fail(where, "damaged", f"is damaged: section {name} is unreadable ({e})") from e


def _frame_from(table: Any, rows: int | None = None) -> pd.DataFrame:
    """The DataFrame :func:`_frame_table` stored; ``rows`` for a table of no columns."""
    rows = table.num_rows if rows is None else rows
    kinds = json.loads((table.schema.metadata or {}).get(_META_KEY, b"{}"))
    plain = [c for c in table.column_names if c not in kinds]
    df = table.select(plain).to_pandas() if plain else pd.DataFrame(index=range(rows))
    for c, kind in kinds.items():
        col = table.column(c)
        if kind == "object":
            df[c] = pd.Series(col.to_pylist(), dtype=object, index=df.index)
        elif kind == "int64":
            df[c] = col.to_numpy().astype(np.int64)
        elif kind == "category":
            if col.num_chunks == 0:  # an empty table is stored without its dictionary
                cats, codes = pd.Index([], dtype=object), np.zeros(0, dtype=np.int64)
            else:
                arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
                cats = pd.Index(arr.dictionary.to_numpy(zero_copy_only=False), dtype=object)
                codes = arr.indices.fill_null(-1).to_numpy().astype(np.int64)
            dtype = pd.CategoricalDtype(cats, ordered=col.type.ordered)
            df[c] = pd.Categorical.from_codes(codes, dtype=dtype)
    return df[table.column_names]


def _buffers(array: Any, which: list[int], dtypes: list[Any]) -> list[np.ndarray]:
    """Buffers of a (combined) Arrow array as numpy arrays (zero-copy)."""
    bufs = array.buffers()
    out = []
    for i, dtype in zip(which, dtypes, strict=True):
        b = bufs[i]
        out.append(np.zeros(0, dtype=dtype) if b is None else np.frombuffer(b, dtype=dtype))
    return out


def _articles_from(table: Any, n: int, where: str | None) -> _core.Articles:
    pa = _pyarrow()
    cols: dict[str, np.ndarray] = {}

    def column(name: str, kind: Any) -> Any:
        if name not in table.column_names or not table.schema.field(name).type.equals(kind):
            raise _fail(where, "damaged", f"is damaged: articles column {name} is missing")
        col = table.column(name)
        # combine_chunks copies even a single chunk (the whole text, for "text").
        arr = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
        if arr.offset != 0 or len(arr) != n:
            raise _fail(where, "damaged", f"is damaged: articles column {name} is malformed")
        return arr

    for name in ("text", "title", "date", "source", "dateline"):
        arr = column(name, pa.large_string())
        offsets, data = _buffers(arr, [1, 2], [np.int64, np.uint8])
        cols[name], cols[f"{name}_offsets"] = data, offsets[: n + 1]
        valid = arr.is_valid().to_numpy(zero_copy_only=False)
        cols[f"{name}_valid"] = valid.astype(np.uint8)
    for name in ("credits", "boilerplate"):
        arr = column(name, pa.large_list(pa.large_string()))
        values = arr.values
        (lists,) = _buffers(arr, [1], [np.int64])
        offsets, data = _buffers(values, [1, 2], [np.int64, np.uint8])
        cols[name], cols[f"{name}_offsets"], cols[f"{name}_lists"] = data, offsets, lists
    for name, cut in (("paragraphs", "paragraph_offsets"), ("sentences", "sentence_offsets")):
        arr = column(name, pa.large_list(pa.uint32()))
        (cols[cut],) = _buffers(arr, [1], [np.int64])
        (cols[name],) = _buffers(arr.values, [1], [np.uint32])
    arr = column("tokens", pa.large_binary())
    cols["token_offsets"], cols["tokens"] = _buffers(arr, [1, 2], [np.int64, np.uint8])
    (cols["token_counts"],) = _buffers(column("token_counts", pa.uint32()), [1], [np.uint32])
    # A file written by another tool may leave buffers unaligned: Rust reads aligned
    # values only, so those are copied.
    cols = {k: v if v.flags.aligned else v.copy() for k, v in cols.items()}
    try:
        return _core.articles_from_columns(cols)
    except InputError as e:
        raise _fail(where, "damaged", f"is damaged: {e}") from e


@dataclass
class Stored:
    """What a corpus file holds, as :meth:`Corpus._from_stored` builds a corpus of it."""

    articles: _core.Articles
    ids: pd.Index
    meta: pd.DataFrame
    decode_errors: np.ndarray
    origin: str
    resolve_options: Any
    external: pd.DataFrame | None
    mentions: dict[tuple[Any, Any], tuple[pd.DataFrame, pd.DataFrame]]


def read(data: Any, where: str | None = None, allow_pickle: bool = False) -> Stored:
    """What the corpus file in ``data`` (bytes-like, the whole file) holds, checked."""
    view = memoryview(data).cast("B")
    # BytesIO shares a bytes object's memory but copies anything else.
    whole = io.BytesIO(data if isinstance(data, bytes) else bytes(view))
    return _read(view, whole, where, allow_pickle, copy=False)


def _read(
    view: memoryview, directory: Any, where: str | None, allow_pickle: bool, copy: bool
) -> Stored:
    from . import ner
    from .entities import ResolveOptions

    manifest, members = _sections(view, directory, where, copy)
    try:
        n = int(manifest["documents"])
        docs = _frame_from(_read_table(members, "documents.arrow", where))
        meta_name = manifest["meta"]
        if meta_name == "meta.pickle":
            if not allow_pickle:
                raise _fail(where, "damaged", "holds pickled metadata, which only pickle may load")
            meta = pickle.loads(members[meta_name])
        else:
            meta = _frame_from(_read_table(members, meta_name, where), n)
        articles = _articles_from(_read_table(members, "articles.arrow", where), n, where)
        if len(docs) != n or len(meta) != n:
            raise _fail(where, "damaged", "is damaged: its tables differ in length")
        ids = pd.Index(docs["doc_id"], name="doc_id")
        external = None
        if manifest.get("external"):
            external = _frame_from(_read_table(members, manifest["external"], where))
        bundled = ner.load_tagger().fingerprint if manifest["mentions"] else None
        cache = {}
        for entry in manifest["mentions"]:
            mentions = _frame_from(_read_table(members, entry["mentions"], where))
            ents = _frame_from(_read_table(members, entry["entities"], where))
            doc = mentions["_doc"].to_numpy()
            if len(doc) and (doc.min() < 0 or doc.max() >= n):
                raise _fail(where, "damaged", "is damaged: mentions of unknown documents")
            mentions.insert(0, "doc_id", frame.doc_column(ids, doc))
            tagger = entry["tagger"]
            if tagger is not None and tagger == manifest.get("bundled_tagger"):
                if tagger != bundled:
                    warnings.warn(
                        f"{where or 'this corpus'} was tagged by the model bundled with "
                        f"newsgraph {manifest.get('newsgraph')}, not by this version's: "
                        "its mentions are kept as they were; corpus.resolve() tags again",
                        stacklevel=4,
                    )
                tagger = bundled
            cache[(tagger, entry["dictionary"])] = (mentions, ents)
        return Stored(
            articles,
            ids,
            meta,
            docs["decode_errors"].to_numpy(dtype=np.int64),
            manifest.get("origin", ""),
            ResolveOptions(**{k: _tuples(v) for k, v in manifest["resolve"].items()}),
            external,
            cache,
        )
    except (KeyError, TypeError, ValueError) as e:
        raise _fail(where, "damaged", f"is damaged: {type(e).__name__}: {e}") from e


def _tuples(v: Any) -> Any:
    """JSON lists back to the tuples of :class:`ResolveOptions`."""
    return tuple(_tuples(x) for x in v) if isinstance(v, list) else v


def read_file(path: str | os.PathLike[str]) -> Stored:
    """What the corpus file at ``path`` holds (see :func:`newsgraph.load`)."""
    from ._checks import path as check_path

    p = check_path(path)
    if p.is_dir():
        raise InputError(f"load needs a corpus file, and {str(p)!r} is a folder")
    try:
        f = open(p, "rb")  # noqa: SIM115 (closed below, after the map)
    except OSError as e:
        raise ReadError(f"cannot read {str(p)!r}: {e}") from e
    with f:
        try:
            # Mapped, not read: the articles go from the page cache straight into Rust,
            # and the other sections are copied out, so nothing refers to the map after.
            mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError):  # empty, or a file that cannot be mapped
            try:
                data = f.read()
            except OSError as e:
                raise ReadError(f"cannot read {str(p)!r}: {e}") from e
            return read(data, str(p))
        view = memoryview(mapped)
        try:
            return _read(view, f, str(p), False, copy=True)
        finally:
            # Only a traceback can still hold a view of the map: then GC unmaps it.
            with contextlib.suppress(BufferError):
                view.release()
                mapped.close()
