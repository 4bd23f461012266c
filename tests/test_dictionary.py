"""Dictionary matching: whole tokens, leftmost-longest, globs, case, loaders, errors.

Expectations come from a brute-force pure-Python matcher over ``corpus.tokens()``, so
they follow the tokenizer whatever it becomes.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsgraph
from conftest import parse
from newsgraph.dictionary import Dictionary, dictionary_matches
from newsgraph.exceptions import InputError, InputTypeError, MissingFileError

CONCEPTS = {
    "russia": ["Lavrov", "Sergei Lavrov", "Putin", "Vladimir Putin", "Kremlin"],
    "ukraine": ["Zelensk*", "Kyiv"],
    "china": ["Xi Jinping", "Li Hui", "Wang Yi", "Beijing"],
}

COLUMNS = ["doc_id", "sentence", "start", "end", "text", "label"]
ALL_COLUMNS = ["doc_id", "paragraph", *COLUMNS[1:]]


# -- brute force ----------------------------------------------------------------------


def _pattern_tokens(pattern: str) -> list[str]:
    """Tokens of a pattern: glob pieces whole, the rest as the tokenizer splits text."""
    out: list[str] = []
    for piece in pattern.split():
        if "*" in piece or "?" in piece:
            out.append(piece)
        else:
            out.extend(parse(piece).tokens(0)["token"].tolist())
    return out


def _token_matcher(tok: str, case_sensitive: bool):
    flags = 0 if case_sensitive else re.IGNORECASE
    if "*" in tok or "?" in tok:
        rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in tok)
        return re.compile(rx, re.S | flags).fullmatch
    if case_sensitive:
        return lambda s, t=tok: s == t
    low = tok.lower()
    return lambda s: s.lower() == low


def brute_force(corpus, entries: dict[str, list[str]], case_sensitive=False) -> pd.DataFrame:
    keys = list(entries)
    pats = [
        (k, [_token_matcher(t, case_sensitive) for t in _pattern_tokens(p)])
        for k, ps in enumerate(entries.values())
        for p in ps
    ]
    rows = []
    for doc_id in corpus.doc_ids:
        toks = corpus.tokens(doc_id)
        text = corpus.text(doc_id)
        for sent, g in toks.groupby("sentence", sort=True):
            words, starts, ends = g["token"].tolist(), g["start"].tolist(), g["end"].tolist()
            p = 0
            while p < len(words):
                best, best_keys = 0, set()
                for k, ms in pats:
                    n = len(ms)
                    if p + n <= len(words) and all(m(words[p + i]) for i, m in enumerate(ms)):
                        if n > best:
                            best, best_keys = n, {k}
                        elif n == best:
                            best_keys.add(k)
                if best == 0:
                    p += 1
                    continue
                a, b = starts[p], ends[p + best - 1]
                for k in sorted(best_keys):
                    rows.append((doc_id, int(sent), a, b, text[a:b], keys[k]))
                p += best
    return pd.DataFrame(rows, columns=COLUMNS)


def _norm(df: pd.DataFrame) -> list[tuple]:
    return [tuple(r) for r in df[COLUMNS].astype(object).itertuples(index=False)]


# -- the seeds ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def concept_matches(seeds):
    return dictionary_matches(seeds, Dictionary(CONCEPTS))


def test_seed_counts_per_key_match_brute_force(seeds, concept_matches):
    want = brute_force(seeds, CONCEPTS)
    assert len(want) > 20  # the seeds do mention these people
    got_counts = concept_matches["label"].value_counts().to_dict()
    assert got_counts == want["label"].value_counts().to_dict()
    assert _norm(concept_matches) == _norm(want)


def test_columns_and_dtypes(concept_matches):
    assert list(concept_matches.columns) == ALL_COLUMNS
    for c in ("sentence", "start", "end"):
        assert concept_matches[c].dtype == "int64"
    assert set(concept_matches["label"]) <= set(CONCEPTS)


def test_offsets_slice_to_the_match(seeds, concept_matches):
    for row in concept_matches.itertuples(index=False):
        assert seeds.text(row.doc_id)[row.start : row.end] == row.text


def test_matches_lie_within_their_sentence(seeds, concept_matches):
    sents = seeds.sentences().set_index(["doc_id", "sentence"])
    for row in concept_matches.itertuples(index=False):
        s = sents.loc[(row.doc_id, row.sentence)]
        assert s.paragraph == row.paragraph
        assert s["start"] <= row.start < row.end <= s["end"]


def test_leftmost_longest_on_seeds(concept_matches):
    full = concept_matches[concept_matches["text"] == "Sergei Lavrov"]
    assert len(full) >= 4
    # No separate "Lavrov" match inside any "Sergei Lavrov".
    for row in full.itertuples(index=False):
        inside = concept_matches[
            (concept_matches["doc_id"] == row.doc_id)
            & (concept_matches["start"] >= row.start)
            & (concept_matches["end"] <= row.end)
        ]
        assert len(inside) == 1


def test_leftmost_longest_and_overlaps():
    corpus = parse("The New York Times reporter flew from New York to York with Sergei Lavrov.")
    d = Dictionary(
        {"ny": "New York", "nyt": "New York Times", "york": "York", "russia": CONCEPTS["russia"]}
    )
    m = dictionary_matches(corpus, d)
    pairs = list(zip(m["text"], m["label"], strict=True))
    assert pairs[:3] == [("New York Times", "nyt"), ("New York", "ny"), ("York", "york")]
    assert [t for t, lab in pairs if lab == "russia"][0].startswith("Sergei Lavrov")
    assert not any(t == "Lavrov" for t, _ in pairs)


def test_same_pattern_under_two_keys_gives_a_row_per_key():
    corpus = parse("The Kremlin said nothing")
    m = dictionary_matches(corpus, {"russia": ["Kremlin"], "gov": ["Kremlin", "White House"]})
    assert m[["text", "label"]].values.tolist() == [["Kremlin", "russia"], ["Kremlin", "gov"]]
    assert m["start"].nunique() == 1


def test_whole_tokens_only():
    corpus = parse("Kyivstar and Kyivan are not Kyiv")
    m = dictionary_matches(corpus, {"ukraine": ["Kyiv"]})
    assert m["text"].tolist() == ["Kyiv"]


# -- globs, case, non-ASCII -----------------------------------------------------------


def test_globs(seeds, concept_matches):
    zel = concept_matches[concept_matches["text"].str.lower().str.startswith("zelensk")]
    assert {"Zelensky", "Zelenskiy", "Zelenskyy"} <= {t[:9].rstrip("',.’s") for t in zel.text}
    assert (zel["label"] == "ukraine").all()
    corpus = parse("Ian met Juan and Jan in Kazakhstan near the United Nations building")
    d = {"q": ["?an"], "stan": ["*stan"], "un": ["united *"], "mid": ["b*ld*g"]}
    m = dictionary_matches(corpus, d)
    assert list(zip(m["text"], m["label"], strict=True)) == [
        ("Ian", "q"),
        ("Jan", "q"),
        ("Kazakhstan", "stan"),
        ("United Nations", "un"),
        ("building", "mid"),
    ]


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_case_flag(case_sensitive):
    corpus = parse("PUTIN Putin putin Đoković ĐOKOVIĆ")
    d = Dictionary({"p": ["Putin"], "d": ["Đoković"]}, case_sensitive=case_sensitive)
    got = dictionary_matches(corpus, d)["text"].tolist()
    if case_sensitive:
        assert got == ["Putin", "Đoković"]
    else:
        assert got == ["PUTIN", "Putin", "putin", "Đoković", "ĐOKOVIĆ"]
    assert d.case_sensitive is case_sensitive


def test_non_ascii_offsets_are_characters():
    text = "Đoković and Müller met Путин, then Zelenskyy in Kyiv"
    corpus = parse(text)
    d = {"p": ["Путин", "Müller", "Đoković", "Zelensk*"], "k": ["Kyiv"]}
    m = dictionary_matches(corpus, d)
    body = corpus.text(0)
    for row in m.itertuples(index=False):
        assert body[row.start : row.end] == row.text
    assert "Kyiv" in m["text"].tolist() and "Đoković" in m["text"].tolist()
    assert _norm(m) == _norm(brute_force(corpus, d))


# -- Dictionary objects and loaders ---------------------------------------------------


def test_dictionary_api():
    d = Dictionary({"a": "x", "b": {"c": ["y", "z"], "d": {"e": "w"}}})
    assert d.keys == ["a", "b.c", "b.d.e"]
    assert len(d) == 3 and d.n_patterns == 4
    assert d.to_dict() == {"a": ["x"], "b.c": ["y", "z"], "b.d.e": ["w"]}
    assert Dictionary(d) == d
    assert "3 keys, 4 patterns" in repr(d) and "case-insensitive" in repr(d)
    assert repr(Dictionary({})) == "<newsgraph.Dictionary: 0 keys, 0 patterns, case-insensitive>"
    assert len(d._core) == 4 and d._core.keys() == d.keys


def test_empty_dictionary_gives_empty_frame(seeds):
    m = dictionary_matches(seeds, Dictionary({}))
    assert list(m.columns) == ALL_COLUMNS and len(m) == 0


YAML = """\
people:
  russia:
    - Lavrov
    - Sergei Lavrov
  ukraine: [Zelensk*]
places:
  - Kyiv
  - Beijing
"""


def test_from_yaml_text_and_file(tmp_path, seeds):
    pytest.importorskip("yaml")
    d = Dictionary.from_yaml(YAML)
    assert d.to_dict() == {
        "people.russia": ["Lavrov", "Sergei Lavrov"],
        "people.ukraine": ["Zelensk*"],
        "places": ["Kyiv", "Beijing"],
    }
    p = tmp_path / "dict.yml"
    p.write_text(YAML, encoding="utf-8")
    assert Dictionary.from_yaml(p) == d
    assert Dictionary.from_yaml(str(p), case_sensitive=True).case_sensitive
    m = dictionary_matches(seeds, d)
    assert {"people.russia", "people.ukraine", "places"} == set(m["label"])


def test_from_json_text_and_file(tmp_path):
    data = {"countries": {"europe": ["Germany", "France"], "asia": "China"}}
    d = Dictionary.from_json(json.dumps(data))
    assert d.keys == ["countries.europe", "countries.asia"]
    p = tmp_path / "dict.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    assert Dictionary.from_json(p) == d
    assert Dictionary.from_json(str(p)) == d


def test_loader_errors(tmp_path):
    pytest.importorskip("yaml")
    with pytest.raises(MissingFileError):
        Dictionary.from_yaml(tmp_path / "nope.yml")
    with pytest.raises(MissingFileError):
        Dictionary.from_json(str(tmp_path / "nope.json"))
    with pytest.raises(InputError, match="mapping"):
        Dictionary.from_yaml("- a\n- b\n")
    with pytest.raises(InputError, match="JSON"):
        Dictionary.from_json("{not json")
    with pytest.raises(InputError, match="YAML"):
        Dictionary.from_yaml("a: [b\n")
    with pytest.raises(InputTypeError, match="years.*quote it in YAML"):
        Dictionary.from_yaml("years:\n  - 2020\n")
    with pytest.raises(InputTypeError):
        Dictionary.from_json(42)


@pytest.mark.parametrize(
    ("entries", "exc", "words"),
    [
        ({"russia": ["Lavrov", 3]}, InputTypeError, ["3", "russia", "int"]),
        ({"russia": ["Lavrov", None]}, InputTypeError, ["None", "russia"]),
        ({"russia": ["Lavrov", ""]}, InputError, ["''", "russia", "empty"]),
        ({"russia": "   "}, InputError, ["russia", "empty"]),
        ({"a": {"b": ["ok", "\t"]}}, InputError, ["a.b", "empty"]),
        ({"russia": 3}, InputTypeError, ["russia", "int"]),
        ({"russia": b"Lavrov"}, InputTypeError, ["russia", "bytes"]),
        ({3: ["x"]}, InputTypeError, ["3", "int"]),
        ({" ": ["x"]}, InputError, ["key", "empty"]),
        ({"a.b": ["x"], "a": {"b": ["y"]}}, InputError, ["a.b", "twice"]),
        (["Lavrov"], InputTypeError, ["mapping", "list"]),
    ],
)
def test_bad_input_names_key_and_value(entries, exc, words):
    with pytest.raises(exc) as info:
        Dictionary(entries)
    for w in words:
        assert w in str(info.value)
    assert isinstance(info.value, newsgraph.NewsgraphError)


def test_bad_arguments(seeds):
    with pytest.raises(InputTypeError, match="case_sensitive"):
        Dictionary({"a": ["x"]}, case_sensitive="yes")
    with pytest.raises(InputTypeError, match="dictionary"):
        dictionary_matches(seeds, ["Lavrov"])
    with pytest.raises(InputError, match="threads"):
        dictionary_matches(seeds, CONCEPTS, threads=0)


def test_core_errors_map_to_newsgraph_exceptions():
    from newsgraph import _core

    with pytest.raises(InputError, match="russia"):
        _core.DictionaryCore([("russia", ["  "])], False)


# -- threads and properties -----------------------------------------------------------


def test_identical_results_for_any_thread_count(seeds):
    texts = [seeds.text(d) for d in seeds.doc_ids] * 40
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))
    d = Dictionary(CONCEPTS)
    one = dictionary_matches(corpus, d, threads=1)
    two = dictionary_matches(corpus, d, threads=2)
    default = dictionary_matches(corpus, d)
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, default)
    assert len(one) == 40 * len(dictionary_matches(seeds, d))


VOCAB = ["a", "b", "c", "A", "bb", "Ba", "z"]
words = st.sampled_from(VOCAB)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    docs=st.lists(st.lists(words, min_size=0, max_size=25), min_size=1, max_size=4),
    entries=st.dictionaries(
        st.sampled_from(["k0", "k1", "k2", "k3"]),
        st.lists(st.lists(words, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=4),
        max_size=4,
    ),
    case_sensitive=st.booleans(),
)
def test_matches_equal_brute_force_on_random_tokens(docs, entries, case_sensitive):
    texts = [" ".join(ws) for ws in docs]
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))
    d = Dictionary(entries, case_sensitive=case_sensitive)
    got = dictionary_matches(corpus, d, threads=1)
    want = brute_force(corpus, d.to_dict(), case_sensitive)
    assert _norm(got) == _norm(want)


def test_dictionary_and_tagger_mentions_keep_corpus_order(seeds):
    d = newsgraph.Dictionary({"ukraine": ["Zelensk*"]})
    m = seeds.mentions(dictionary=d)
    pos = seeds.doc_ids.get_indexer(m["doc_id"])
    assert (pos[1:] >= pos[:-1]).all()
    assert set(m.loc[m["label"] == "ukraine", "text"]) >= {"Zelensky", "Zelenskyy"}
