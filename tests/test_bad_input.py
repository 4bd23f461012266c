"""Bad arguments through the public API: each raises a NewsgraphError subclass whose
message names the bad value (issue 18). One row per case: the call, the class, and a
part of the message that shows the value."""

from __future__ import annotations

import pandas as pd
import pytest

import newsgraph
from newsgraph import InputError, InputTypeError


@pytest.fixture(scope="module")
def corpus() -> newsgraph.Corpus:
    return newsgraph.load_seeds()


@pytest.fixture(scope="module")
def listed() -> newsgraph.Corpus:
    df = pd.DataFrame(
        {"text": ["Angela Merkel met Emmanuel Macron in Paris."] * 3, "tags": [["a"], ["b"], []]}
    )
    return newsgraph.Corpus.from_pandas(df, progress=False)


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory: pytest.TempPathFactory):
    p = tmp_path_factory.mktemp("bad") / "a.jsonl"
    p.write_text('{"id": "a", "text": "Angela Merkel met Emmanuel Macron."}\n')
    return p


CASES = {
    "read_jsonl path None": (lambda c, j, lc: newsgraph.read_jsonl(None), InputTypeError, "None"),
    "read_csv path 5": (lambda c, j, lc: newsgraph.read_csv(5), InputTypeError, "int: 5"),
    "read_jsonl text None": (
        lambda c, j, lc: newsgraph.read_jsonl(j, text=None),
        InputTypeError,
        "text must name",
    ),
    "read_jsonl id 3": (lambda c, j, lc: newsgraph.read_jsonl(j, id=3), InputTypeError, "got 3"),
    "scan text ''": (
        lambda c, j, lc: newsgraph.scan(j, text="", progress=False),
        InputTypeError,
        "got ''",
    ),
    "read_dir glob ''": (
        lambda c, j, lc: newsgraph.read_dir(newsgraph.seeds_path(), glob=""),
        InputError,
        "got ''",
    ),
    "cooccurrence weights": (
        lambda c, j, lc: c.cooccurrence(scope="window", count="weighted", weights=[1, "a"]),
        InputTypeError,
        "weights\\[1\\] must be a number, got 'a'",
    ),
    "cooccurrence weights str": (
        lambda c, j, lc: c.cooccurrence(scope="window", count="weighted", weights="1,2"),
        InputTypeError,
        "got '1,2'",
    ),
    "cooccurrence min_count": (
        lambda c, j, lc: c.cooccurrence(min_count="a"),
        InputTypeError,
        "got 'a'",
    ),
    "entity_counts label 5": (
        lambda c, j, lc: c.entity_counts(label=5),
        InputTypeError,
        "got 5",
    ),
    "entity_counts by a list column": (
        lambda c, j, lc: lc.entity_counts(by="tags"),
        InputTypeError,
        "by='tags'.*list",
    ),
    "mentions threads -1": (
        lambda c, j, lc: c.mentions(threads=-1),
        InputError,
        "threads=-1",
    ),
    "corpus[list]": (
        lambda c, j, lc: c[["a", "b"]],
        newsgraph.UnknownDocumentError,
        "2 of the ids are not in this corpus: 'a', 'b'",
    ),
    "to_networkx min_count": (
        lambda c, j, lc: c.cooccurrence().to_networkx(min_count="a"),
        InputTypeError,
        "got 'a'",
    ),
    "write_graphml to a missing folder": (
        lambda c, j, lc: c.cooccurrence().write_graphml("/nonexistent-folder/g.graphml"),
        newsgraph.WriteError,
        "/nonexistent-folder/g.graphml",
    ),
    "write_gexf path 5": (
        lambda c, j, lc: c.cooccurrence().write_gexf(5),
        InputTypeError,
        "int: 5",
    ),
    "read_csv errors": (
        lambda c, j, lc: newsgraph.read_csv(j, errors="ignore"),
        InputError,
        "'ignore'",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_argument_names_the_value(case, corpus, jsonl, listed):
    call, cls, shown = CASES[case]
    with pytest.raises(cls, match=shown) as caught:
        call(corpus, jsonl, listed)
    assert isinstance(caught.value, newsgraph.NewsgraphError)


def test_labels_may_come_as_any_list_of_strings(corpus):
    import numpy as np

    a = corpus.entity_counts(label=np.array(["PER", "LOC"]))
    b = corpus.entity_counts(label=["PER", "LOC"])
    pd.testing.assert_frame_equal(a, b)
