"""Readers, ids, metadata precedence and bad input."""

from __future__ import annotations

import gzip
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import newsgraph
from newsgraph import (
    DuplicateIdError,
    InputError,
    InputTypeError,
    MissingFileError,
    NewsgraphError,
    ParseError,
)


def write_jsonl(path, rows, raw_lines=()):
    with open(path, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r) + "\n")
        for line in raw_lines:
            fh.write(line + "\n")
    return path


def test_load_seeds_works_from_the_installed_package(seeds):
    assert len(seeds) == 5
    assert list(seeds.doc_ids) == [p.stem for p in sorted(newsgraph.seeds_path().glob("*.txt"))]
    docs = seeds.documents()
    assert list(docs.columns[:11]) == [
        "doc_id",
        "title",
        "date",
        "source",
        "dateline",
        "credits",
        "n_paragraphs",
        "n_sentences",
        "n_tokens",
        "decode_errors",
        "boilerplate",
    ]
    assert docs["date"].dtype == "datetime64[ns]"
    assert (docs["n_tokens"] > 300).all()


def test_read_dir_glob_ids_and_decode_errors(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"Caf\xe9 owner Jos\xe9 Garc\xeda spoke.\n")
    (tmp_path / "b.txt").write_text("Plain text here.\n", encoding="utf-8")
    (tmp_path / "c.md").write_text("Not matched.\n", encoding="utf-8")
    c = newsgraph.read_dir(tmp_path)
    assert list(c.doc_ids) == ["a", "b"]
    docs = c.documents()
    assert docs["decode_errors"].tolist() == [3, 0]
    assert c.text("a").startswith("Caf\ufffd owner Jos\ufffd")
    assert len(newsgraph.read_dir(tmp_path, glob="*.md")) == 1


def test_read_dir_bad_paths(tmp_path):
    with pytest.raises(MissingFileError) as e:
        newsgraph.read_dir(tmp_path / "nope")
    assert "nope" in str(e.value)
    assert isinstance(e.value, FileNotFoundError)
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        newsgraph.read_dir(tmp_path / "f.txt")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "f.txt").write_text("y")
    with pytest.raises(DuplicateIdError, match="'f'"):
        newsgraph.read_dir(tmp_path, glob="**/*.txt")
    with pytest.warns(UserWarning, match="no files match"):
        assert len(newsgraph.read_dir(tmp_path, glob="*.none")) == 0


def test_read_jsonl_fields_become_metadata_and_input_wins(tmp_path):
    p = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {
                "id": "x1",
                "text": "LONDON (Reuters) - Shares fell on Monday.",
                "desk": "markets",
                "source": "Reuters UK",
            },
            {
                "id": "x2",
                "text": "date 2023-05-26 Mr. Lavrov met Li Hui.",
                "desk": None,
                "date": "2024-01-02T10:00:00Z",
            },
            {"id": "x3", "text": "date 2023-05-26 Another story.", "tags": ["a", "b"]},
        ],
    )
    c = newsgraph.read_jsonl(p)
    docs = c.documents().set_index("doc_id")
    assert docs.loc["x1", "source"] == "Reuters UK"  # given beats found
    assert docs.loc["x1", "dateline"] == "LONDON"
    assert docs.loc["x2", "date"] == pd.Timestamp("2024-01-02 10:00:00")  # given beats found
    assert docs.loc["x3", "date"] == pd.Timestamp("2023-05-26")  # found fills the gap
    assert docs.loc["x1", "desk"] == "markets"
    assert docs.loc["x3", "tags"] == ["a", "b"]
    assert c.skipped.empty


def test_read_jsonl_gzip_without_ids(tmp_path):
    p = tmp_path / "a.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"body": "One story."}) + "\n\n")
        fh.write(json.dumps({"body": "Two stories."}) + "\n")
    c = newsgraph.read_jsonl(p, text="body")
    assert list(c.doc_ids) == [0, 1]
    assert c.text(1) == "Two stories."


def test_read_jsonl_malformed_line_raises_with_file_and_line(tmp_path):
    p = write_jsonl(
        tmp_path / "bad.jsonl",
        [{"id": 1, "text": "ok."}],
        raw_lines=['{"id": 2, "text": "unterminated'],
    )
    with pytest.raises(ParseError) as e:
        newsgraph.read_jsonl(p)
    assert e.value.line == 2
    assert "bad.jsonl" in str(e.value) and "line 2" in str(e.value)
    assert isinstance(e.value, NewsgraphError)


def test_read_jsonl_skip_reports_lines(tmp_path):
    p = write_jsonl(
        tmp_path / "bad.jsonl",
        [{"id": 1, "text": "ok."}],
        raw_lines=["not json", '{"id": 3, "text": 42}', '{"id": 4, "text": "fine."}'],
    )
    with pytest.warns(UserWarning, match=r"skipped 2 malformed line\(s\).*line 2"):
        c = newsgraph.read_jsonl(p, errors="skip")
    assert list(c.doc_ids) == [1, 4]
    assert c.skipped["line"].tolist() == [2, 3]
    with pytest.raises(InputError, match="errors must be"):
        newsgraph.read_jsonl(p, errors="ignore")


def test_read_jsonl_non_string_text_is_type_error(tmp_path):
    p = write_jsonl(tmp_path / "t.jsonl", [{"id": 1, "text": ["a", "list"]}])
    with pytest.raises(InputTypeError, match="line 1.*an array, not a string"):
        newsgraph.read_jsonl(p)


def test_read_jsonl_missing_text_warns_and_keeps_empty_document(tmp_path):
    p = write_jsonl(
        tmp_path / "m.jsonl", [{"id": 1, "text": "Here."}, {"id": 2}, {"id": 3, "text": None}]
    )
    with pytest.warns(UserWarning, match=r"2 document\(s\).*no text.*line 2, line 3"):
        c = newsgraph.read_jsonl(p)
    docs = c.documents()
    assert len(c) == 3
    assert docs["n_tokens"].tolist()[1:] == [0, 0]
    assert c.text(2) == ""


def test_read_jsonl_invalid_utf8_counted(tmp_path):
    p = tmp_path / "u.jsonl"
    p.write_bytes(b'{"id": "a", "text": "Caf\xe9 Lavrov."}\n{"id": "b", "text": "fine"}\n')
    docs = newsgraph.read_jsonl(p).documents()
    assert docs["decode_errors"].tolist() == [1, 0]


def test_read_jsonl_duplicate_and_missing_ids(tmp_path):
    p = write_jsonl(tmp_path / "d.jsonl", [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}])
    with pytest.raises(DuplicateIdError, match="'a'"):
        newsgraph.read_jsonl(p)
    p = write_jsonl(tmp_path / "n.jsonl", [{"id": "a", "text": "x"}, {"text": "y"}])
    with pytest.raises(InputError, match="line 2"):
        newsgraph.read_jsonl(p)
    assert list(newsgraph.read_jsonl(p, id=None).doc_ids) == [0, 1]


def test_missing_paths(tmp_path):
    for reader in (newsgraph.read_jsonl, newsgraph.read_csv):
        with pytest.raises(FileNotFoundError, match="missing.file"):
            reader(tmp_path / "missing.file")


def test_read_csv_with_ids_metadata_and_decode_errors(tmp_path):
    p = tmp_path / "a.csv"
    p.write_bytes(
        b"id,text,outlet,year\n"
        b'k1,"PARIS (AFP) - A story, with a comma.",Le Monde,2020\n'
        b"k2,Caf\xe9 story.,BBC,2021\n"
        b"k3,,BBC,2022\n"
    )
    with pytest.warns(UserWarning, match="no text"):
        c = newsgraph.read_csv(p, id="id")
    docs = c.documents().set_index("doc_id")
    assert docs.loc["k1", "source"] == "AFP"
    assert docs.loc["k1", "outlet"] == "Le Monde"
    assert docs["decode_errors"].tolist() == [0, 1, 0]
    assert docs["year"].tolist() == [2020, 2021, 2022]
    assert c.text("k2") == "Caf\ufffd story."


BAD_CSV = {
    # name: (bytes, error class, message part, line)
    "extra_field.csv": (
        b"id,text\nm1,Merkel met Macron in Paris.\nm2,one,field too many\n",
        newsgraph.ParseError,
        "Expected 2 fields in line 3, saw 3",
        3,
    ),
    "extra_first_row.csv": (
        b"id,text\nm1,Merkel met Macron,in Paris\nm2,Putin spoke.\n",
        newsgraph.ParseError,
        "the first row has more fields than the header",
        None,
    ),
    "empty.csv": (b"", newsgraph.ParseError, "the file is empty", None),
    "open_quote.csv": (
        b'id,text\nm1,"Merkel met Macron\n',
        newsgraph.ParseError,
        "EOF inside string",
        None,
    ),
    "truncated.csv.gz": (
        gzip.compress(b"id,text\nm1,Merkel met Macron.\n")[:20],
        newsgraph.ReadError,
        "not a complete gzip file",
        None,
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_CSV))
def test_a_bad_csv_file_is_an_error_naming_it_in_both_readers(tmp_path, name):
    data, cls, part, line = BAD_CSV[name]
    path = tmp_path / name
    path.write_bytes(data)
    for read in (
        lambda: newsgraph.read_csv(path, id="id", progress=False),
        lambda: newsgraph.scan(path, id="id", progress=False, batch_size=1),
    ):
        with pytest.raises(cls, match=part) as caught:
            read()
        assert name in str(caught.value)
        assert caught.value.__cause__ is not None
        if line is not None:
            assert caught.value.line == line and f"line {line}" in str(caught.value)
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(newsgraph.ReadError, match="folder.csv"):
        newsgraph.read_csv(folder, progress=False)


def test_csv_rows_with_too_many_fields_are_skipped_and_listed(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        "id,text\nm1,Merkel met Macron.\nm2,one,two\nm3,Putin spoke in Moscow.\nm4,x,y,z\n"
    )
    with pytest.warns(UserWarning, match="skipped 2 malformed row"):
        c = newsgraph.read_csv(path, id="id", errors="skip", progress=False)
    with pytest.warns(UserWarning, match="skipped 2 malformed"):
        s = newsgraph.scan(path, id="id", errors="skip", progress=False, batch_size=1)
    expected = [
        {"line": 3, "error": "expected 2 fields, saw 3"},
        {"line": 5, "error": "expected 2 fields, saw 4"},
    ]
    assert c.skipped.to_dict("records") == expected == s.skipped.to_dict("records")
    assert list(c.doc_ids) == ["m1", "m3"]
    pd.testing.assert_frame_equal(c.mentions(), s.mentions())
    with pytest.raises(newsgraph.InputError, match="errors must be"):
        newsgraph.read_csv(path, errors="ignore")


def test_from_pandas_uses_index_and_rejects_bad_values():
    df = pd.DataFrame({"text": ["One.", None, np.nan], "src": ["a", "b", "c"]}, index=[10, 11, 12])
    with pytest.warns(UserWarning, match=r"2 document\(s\).*11, 12"):
        c = newsgraph.Corpus.from_pandas(df)
    assert list(c.doc_ids) == [10, 11, 12]
    assert c.documents()["src"].tolist() == ["a", "b", "c"]
    bad = pd.DataFrame({"text": ["ok", 3.5, b"bytes"]}, index=["a", "b", "c"])
    with pytest.raises(InputTypeError, match=r"document 'b' \(row 1\).*float"):
        newsgraph.Corpus.from_pandas(bad)
    with pytest.raises(InputError, match="no text column 'body'"):
        newsgraph.Corpus.from_pandas(df, text="body")
    dup = pd.DataFrame({"text": ["a", "b"], "k": ["x", "x"]})
    with pytest.raises(DuplicateIdError, match="'x'"):
        newsgraph.Corpus.from_pandas(dup, id="k")
    with pytest.raises(InputTypeError):
        newsgraph.Corpus.from_pandas(["not", "a", "frame"])


def test_unparseable_given_dates_warn_and_become_nat():
    df = pd.DataFrame({"text": ["a.", "b."], "date": ["2020-01-05", "not a date"]})
    c = newsgraph.Corpus.from_pandas(df)
    with pytest.warns(UserWarning, match="1 date value.*'not a date'"):
        docs = c.documents()
    assert docs["date"].iloc[0] == pd.Timestamp("2020-01-05")
    assert pd.isna(docs["date"].iloc[1])


def test_access_iteration_and_display(seeds):
    first = seeds.doc_ids[0]
    assert first in seeds
    docs = list(seeds)
    assert [d.doc_id for d in docs] == list(seeds.doc_ids)
    assert docs[4].text == seeds.text(seeds.doc_ids[4])
    assert seeds[first].meta["n_tokens"] == docs[0].meta["n_tokens"]
    with pytest.raises(KeyError, match="no document with id 'nope'"):
        seeds.text("nope")
    assert "5 documents" in repr(seeds)
    html = seeds._repr_html_()
    assert "<table" in html and "004_e8067eb3658fd9d6" in html


def test_results_do_not_depend_on_thread_count(reuters_path):
    one = newsgraph.read_jsonl(reuters_path, threads=1)
    two = newsgraph.read_jsonl(reuters_path, threads=2)
    pd.testing.assert_frame_equal(one.sentences(), two.sentences())
    pd.testing.assert_frame_equal(one.documents(), two.documents())
    with pytest.raises(InputError, match="threads"):
        newsgraph.read_dir(newsgraph.seeds_path(), threads=0)


def test_reuters_reads_every_document(reuters):
    assert len(reuters) == 19_779
    docs = reuters.documents()
    assert docs["doc_id"].is_unique
    assert docs["date"].notna().all()
    assert set(docs["source"]) == {"Reuters"}
    assert {"people", "places", "topics", "lewissplit"} <= set(docs.columns)
    sents = reuters.sentences()
    assert len(sents) > 19_779
    # Offsets point into the cleaned text.
    for row in sents.sample(200, random_state=0).itertuples():
        assert reuters.text(row.doc_id)[row.start : row.end] == row.text


def test_no_warning_on_clean_input(seeds, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        newsgraph.load_seeds().documents()


def test_missing_ids_are_an_error_naming_the_rows():
    for ids in (["a", None, "c"], [1.0, np.nan, 3.0]):
        df = pd.DataFrame({"id": ids, "text": ["Merkel spoke.", "Macron spoke.", "Putin spoke."]})
        with pytest.raises(InputError, match=r"must not be missing: 1 are .*row\(s\) 1"):
            newsgraph.Corpus.from_pandas(df, id="id", progress=False)


def test_read_dir_says_which_links_lead_nowhere(tmp_path):
    (tmp_path / "a.txt").write_text("Angela Merkel met Emmanuel Macron.", encoding="utf-8")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    with pytest.warns(UserWarning, match=r"2 matching link\(s\).*'dangling.txt', 'loop.txt'"):
        c = newsgraph.read_dir(tmp_path, progress=False)
    assert list(c.doc_ids) == ["a"]


@pytest.mark.parametrize(
    "cut,message", [("half", "incomplete deflate stream"), ("garbage", "corrupt deflate stream")]
)
def test_a_broken_jsonl_gz_is_the_same_read_error_in_both_readers(tmp_path, cut, message):
    data = gzip.compress(b'{"id": "a", "text": "Angela Merkel met Emmanuel Macron."}\n' * 200)
    broken = data[: len(data) // 2] if cut == "half" else data[:10] + b"garbage" * 20
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(broken)
    errors = []
    for read in (newsgraph.read_jsonl, newsgraph.scan):
        with pytest.raises(newsgraph.ReadError, match=message) as caught:
            read(path, progress=False)
        errors.append(str(caught.value))
    assert errors[0] == errors[1] and "broken.jsonl.gz" in errors[0]


def test_lone_surrogates_become_replacement_characters_everywhere(tmp_path):
    """A JSON escape of a lone UTF-16 surrogate (legal JSON, common in badly decoded
    scrapes) is U+FFFD and counts in decode_errors, in read_jsonl and scan alike; a
    pair (an emoji) and an escaped backslash are left alone."""
    path = tmp_path / "s.jsonl"
    path.write_text(
        '{"id": "a", "text": "Angela Merkel \\ud800 met Macron.", "title": "Merkel \\udfff"}\n'
        '{"id": "b", "text": "Fine \\ud83d\\ude00 text \\\\ud800 here."}\n',
        encoding="utf-8",
    )
    tables = []
    for read in (newsgraph.read_jsonl, newsgraph.scan):
        c = read(path, progress=False)
        docs = c.documents()
        tables.append((docs[["doc_id", "title", "decode_errors"]], c.mentions()))
        assert docs["decode_errors"].tolist() == [2, 0]
        assert docs["title"].tolist()[0] == "Merkel \ufffd"
    pd.testing.assert_frame_equal(tables[0][0], tables[1][0])
    pd.testing.assert_frame_equal(tables[0][1], tables[1][1])
    texts = newsgraph.read_jsonl(path, progress=False)
    assert texts.text("a") == "Angela Merkel \ufffd met Macron."
    assert texts.text("b") == "Fine \U0001f600 text \\ud800 here."


def test_lone_surrogates_in_python_strings_are_replaced_with_a_warning():
    df = pd.DataFrame(
        {
            "text": pd.Series(["Angela Merkel \ud800 met Emmanuel Macron.", "ok"], dtype=object),
            "title": pd.Series(["Merkel \udfff meets Macron", None], dtype=object),
        }
    )
    with pytest.warns(UserWarning, match=r"1 lone surrogate\(s\).*position 0"):
        c = newsgraph.Corpus.from_pandas(df, progress=False)
    assert c.text(0) == "Angela Merkel \ufffd met Emmanuel Macron."
    m = c.mentions()
    assert ("Merkel", True) in set(zip(m["text"].astype(str), m["in_title"], strict=True))


def test_a_number_id_beyond_64_bits_is_refused_the_same_way_in_both_readers(tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text(
        '{"id": 18446744073709551615, "text": "Angela Merkel spoke."}\n'
        '{"id": 123456789012345678901234567890, "text": "Emmanuel Macron spoke."}\n'
        '{"id": -9223372036854775809, "text": "Olaf Scholz spoke."}\n',
        encoding="utf-8",
    )
    messages = []
    for read in (newsgraph.read_jsonl, newsgraph.scan):
        with pytest.raises(ParseError, match="beyond 64 bits") as caught:
            read(path, progress=False)
        assert caught.value.line == 2
        messages.append(str(caught.value))
        with pytest.warns(UserWarning, match="skipped 2 malformed"):
            kept = read(path, progress=False, errors="skip")
        assert list(kept.doc_ids) == [18446744073709551615]
        assert kept.skipped["line"].tolist() == [2, 3]
    assert messages[0] == messages[1]


def test_from_texts_lists_series_ids_and_meta():
    texts = ["Olaf Scholz met Emmanuel Macron in Berlin.", "Prices rose in Paris."]
    c = newsgraph.from_texts(texts, progress=False)
    assert list(c.doc_ids) == [0, 1] and c.text(1) == "Prices rose in Paris."
    s = pd.Series(texts, index=["x", "y"])
    assert list(newsgraph.Corpus.from_texts(s, progress=False).doc_ids) == ["x", "y"]
    meta = pd.DataFrame({"outlet": ["DW", "AFP"], "title": ["Talks", None]}, index=[7, 9])
    c = newsgraph.from_texts(texts, ids=["a", "b"], meta=meta, progress=False)
    want = newsgraph.Corpus.from_pandas(
        pd.DataFrame(
            {"id": ["a", "b"], "text": texts, "outlet": ["DW", "AFP"], "title": ["Talks", None]}
        ),
        id="id",
        progress=False,
    )
    pd.testing.assert_frame_equal(c.documents(), want.documents())
    pd.testing.assert_frame_equal(c.mentions(progress=False), want.mentions(progress=False))
    # A generator is read once; a missing text warns and becomes an empty document.
    with pytest.warns(UserWarning, match="1 document"):
        c = newsgraph.from_texts((t for t in [texts[0], None]), progress=False)
    assert c.text(1) == ""


@pytest.mark.parametrize(
    "call,cls,shown",
    [
        (lambda: newsgraph.from_texts("one text"), newsgraph.InputTypeError, "str"),
        (lambda: newsgraph.from_texts(["a", 5]), newsgraph.InputTypeError, "5|int"),
        (lambda: newsgraph.from_texts(["a"], ids=[1, 2]), newsgraph.InputError, "2 values for 1"),
        (lambda: newsgraph.from_texts(["a", "b"], ids=[1, 1]), newsgraph.DuplicateIdError, "1"),
        (lambda: newsgraph.from_texts(["a"], meta={"x": [1, 2]}), newsgraph.InputError, "2 rows"),
        (lambda: newsgraph.from_texts(["a"], meta=[1]), newsgraph.InputTypeError, "list"),
    ],
)
def test_from_texts_bad_input_names_it(call, cls, shown):
    with pytest.raises(cls, match=shown):
        call()


def _seed_frame() -> pd.DataFrame:
    c = newsgraph.load_seeds()
    return pd.DataFrame(
        {
            "id": list(c.doc_ids),
            "text": [
                open(p, encoding="utf-8").read()
                for p in sorted(newsgraph.seeds_path().glob("*.txt"))
            ],
            "desk": ["a", "b", "c", "d", "e"],
            "extra": [1, 2, 3, 4, 5],
        }
    )


def test_read_parquet_files_folders_globs_and_columns(tmp_path):
    pytest.importorskip("pyarrow")
    df = _seed_frame()
    want = newsgraph.Corpus.from_pandas(df, id="id", progress=False)
    one = tmp_path / "one.parquet"
    df.to_parquet(one)
    got = newsgraph.read_parquet(one, id="id", progress=False)
    pd.testing.assert_frame_equal(got.documents(), want.documents())
    pd.testing.assert_frame_equal(got.mentions(progress=False), want.mentions(progress=False))
    # A folder of parts, a glob and a list read in name order as one corpus.
    parts = tmp_path / "parts"
    parts.mkdir()
    df.iloc[:2].to_parquet(parts / "p0.parquet")
    df.iloc[2:].to_parquet(parts / "p1.parquet")
    for path in (parts, str(parts / "p*.parquet"), [parts / "p0.parquet", parts / "p1.parquet"]):
        got = newsgraph.read_parquet(path, id="id", progress=False)
        pd.testing.assert_frame_equal(got.documents(), want.documents())
    # Only the named metadata columns are read.
    got = newsgraph.read_parquet(one, id="id", columns=["desk"], progress=False)
    assert "desk" in got.documents().columns and "extra" not in got.documents().columns
    # Without an id column, ids are row numbers over all files.
    assert list(newsgraph.read_parquet(parts, progress=False).doc_ids) == [0, 1, 2, 3, 4]


def test_read_parquet_errors_name_the_file_or_column(tmp_path):
    pytest.importorskip("pyarrow")
    p = tmp_path / "a.parquet"
    _seed_frame().to_parquet(p)
    with pytest.raises(newsgraph.InputError, match="no column.*'body'.*columns are"):
        newsgraph.read_parquet(p, text="body")
    with pytest.raises(newsgraph.InputError, match="'nope'"):
        newsgraph.read_parquet(p, columns=["nope"])
    bad = tmp_path / "b.parquet"
    bad.write_text("not parquet")
    with pytest.raises(newsgraph.ParseError, match="b.parquet.*not a readable Parquet") as e:
        newsgraph.read_parquet(bad)
    assert e.value.path == str(bad)
    with pytest.raises(newsgraph.MissingFileError):
        newsgraph.read_parquet(tmp_path / "none.parquet")
    with pytest.raises(newsgraph.MissingFileError, match="no match"):
        newsgraph.read_parquet(str(tmp_path / "x*.parquet"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(newsgraph.InputError, match="no \\*.parquet files"):
        newsgraph.read_parquet(empty)
    with pytest.raises(newsgraph.InputTypeError, match="columns must be a list"):
        newsgraph.read_parquet(p, columns="desk")


class _Stream:
    """Only the Arrow C stream interface, as polars and DuckDB objects offer it."""

    def __init__(self, table):
        self._table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self._table.__arrow_c_stream__(requested_schema)


def test_from_arrow_tables_readers_and_streams():
    pa = pytest.importorskip("pyarrow")
    df = _seed_frame()
    want = newsgraph.Corpus.from_pandas(df, id="id", progress=False)
    table = pa.Table.from_pandas(df, preserve_index=False)
    for obj in (table, table.to_reader(), _Stream(table)):
        got = newsgraph.Corpus.from_arrow(obj, id="id", progress=False)
        pd.testing.assert_frame_equal(got.documents(), want.documents())
    with pytest.raises(newsgraph.InputTypeError, match="Arrow C stream.*got list"):
        newsgraph.Corpus.from_arrow([1, 2])
    with pytest.raises(newsgraph.InputTypeError, match="use Corpus.from_arrow"):
        newsgraph.Corpus.from_pandas(_Stream(table))
    with pytest.raises(newsgraph.InputError, match="no text column 'body'"):
        newsgraph.Corpus.from_arrow(table, text="body")


def _arrow_layouts(pa, texts: list[str | None]) -> dict[str, object]:
    """The same strings in every layout a producer may hand over."""
    plain = pa.array(texts, type=pa.string())
    return {
        "string": plain,
        "large_string": plain.cast(pa.large_string()),
        "string_view": plain.cast(pa.string_view()),
        "dictionary": plain.dictionary_encode(),
        # Chunks, one of them empty and one a slice (its buffers start before it).
        "chunked": pa.chunked_array(
            [plain[:1], plain[1:1], pa.array(["x", *texts[1:]], type=pa.string())[1:]]
        ),
    }


def test_from_arrow_reads_every_string_layout_as_pandas_does():
    pa = pytest.importorskip("pyarrow")
    texts = [
        "MOSCOW (Reuters) - Sergei Lavrov met Antony Blinken in Geneva.",
        None,
        "Olaf Scholz told Zoë Ångström in Berlin: “We agree.” Привет.",
        "",
    ]
    ids = ["a", "b", "c", "d"]
    with pytest.warns(UserWarning, match="1 document.*no text.*'b'"):
        want = newsgraph.Corpus.from_pandas(
            pd.DataFrame({"id": ids, "text": texts, "n": [1, 2, 3, 4]}), id="id", progress=False
        )
    for layout, column in _arrow_layouts(pa, texts).items():
        table = pa.table({"id": ids, "text": column, "n": [1, 2, 3, 4]})
        with pytest.warns(UserWarning, match="1 document.*no text.*'b'"):
            got = newsgraph.Corpus.from_arrow(table, id="id", progress=False)
        pd.testing.assert_frame_equal(got.documents(), want.documents(), obj=layout)
        pd.testing.assert_frame_equal(got.sentences(), want.sentences(), obj=layout)
        pd.testing.assert_frame_equal(got.mentions(progress=False), want.mentions(progress=False))
    # An index pandas stored with the table is the ids, as from_pandas takes it.
    frame = pd.DataFrame({"text": ["Paris.", "Rome."]}, index=pd.Index(["p", "r"]))
    got = newsgraph.Corpus.from_arrow(pa.Table.from_pandas(frame), progress=False)
    assert list(got.doc_ids) == ["p", "r"]


def test_from_arrow_reads_texts_in_place():
    """The texts go from Arrow's buffers to Rust: no Python str is made of them (which
    tracemalloc would see), and bytes a producer wrote that are not UTF-8 arrive as
    they are, replaced and counted, where a conversion to str would have failed."""
    import tracemalloc

    pa = pytest.importorskip("pyarrow")
    texts = [f"Angela Merkel met Emmanuel Macron in Paris on day {i}. " * 40 for i in range(2000)]
    table = pa.table({"text": texts})
    size = sum(len(t) for t in texts)
    newsgraph.Corpus.from_arrow(table.slice(0, 10), progress=False)  # imports, warm-up
    tracemalloc.start()
    try:
        corpus = newsgraph.Corpus.from_arrow(table, progress=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(corpus) == 2000 and corpus.text(1999) == texts[1999].strip()
    assert peak < size / 20, f"{peak:,} bytes of Python objects for {size:,} bytes of text"

    data = b"Bad \xff byte. Berlin.Fine."
    broken = pa.Array.from_buffers(
        pa.string(), 2, [None, pa.py_buffer(np.array([0, 19, 24], np.int32)), pa.py_buffer(data)]
    )
    c = newsgraph.Corpus.from_arrow(pa.table({"text": broken}), progress=False)
    assert c.text(0) == "Bad \ufffd byte. Berlin." and c.text(1) == "Fine."
    assert c.documents()["decode_errors"].tolist() == [1, 0]


def test_from_arrow_refuses_a_text_column_that_holds_no_strings():
    pa = pytest.importorskip("pyarrow")
    table = pa.table({"text": [1, 2], "body": ["a", "b"]})
    with pytest.raises(newsgraph.InputTypeError, match=r"text column 'text'.*holds int64"):
        newsgraph.Corpus.from_arrow(table)
    with pytest.raises(newsgraph.InputTypeError, match=r"holds binary"):
        newsgraph.Corpus.from_arrow(pa.table({"text": pa.array([b"x"], pa.binary())}))
    dup = pa.Table.from_arrays([pa.array(["a"]), pa.array(["b"])], names=["text", "text"])
    with pytest.raises(newsgraph.InputError, match="2 columns named 'text'"):
        newsgraph.Corpus.from_arrow(dup)
    with pytest.raises(newsgraph.DuplicateIdError, match="'x'"):
        newsgraph.Corpus.from_arrow(pa.table({"id": ["x", "x"], "text": ["a", "b"]}), id="id")


def test_from_arrow_takes_polars_frames():
    pl = pytest.importorskip("polars")
    df = _seed_frame()
    want = newsgraph.Corpus.from_pandas(df, id="id", progress=False)
    got = newsgraph.Corpus.from_arrow(pl.from_pandas(df), id="id", progress=False)
    pd.testing.assert_frame_equal(
        got.documents(), want.documents(), check_dtype=False, check_column_type=False
    )
    pd.testing.assert_frame_equal(got.mentions(progress=False), want.mentions(progress=False))
