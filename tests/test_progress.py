"""Progress bars (issue 15): drawn only when stderr is a terminal (or in Jupyter), unless
``progress=`` says otherwise; a reader's ``progress=`` is its corpus's default later.

The core draws a bar only for 2,000 documents or more, so the corpora here have 2,100.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr

import pytest

import newsgraph
from newsgraph import _checks

N = 2100
TEXTS = [f"Vladimir Putin met Xi Jinping in Moscow on day {i}." for i in range(N)]


class Terminal(io.StringIO):
    """A stderr that says it is a terminal, and keeps what is written to it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    p = tmp_path_factory.mktemp("progress") / "a.jsonl"
    p.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(TEXTS)))
    return p


def bars(err: io.StringIO) -> str:
    return err.getvalue()


# stderr is replaced in the test bodies: pytest puts its own capture back between a
# fixture's setup and the test.
def terminal():
    """stderr as a terminal: the default then draws bars, so silence is the caller's."""
    return redirect_stderr(Terminal())


def piped():
    """stderr as a file or pipe."""
    return redirect_stderr(io.StringIO())


def test_default_follows_whether_stderr_is_a_terminal():
    with terminal():
        assert _checks.progress(None) is True
    with piped():
        assert _checks.progress(None) is False
    with redirect_stderr(None):  # pythonw, some services
        assert _checks.progress(None) is False
    assert _checks.progress(True) is True and _checks.progress(False) is False


def test_bad_progress_is_an_error_naming_it():
    with pytest.raises(newsgraph.InputTypeError, match="progress must be True, False or None"):
        newsgraph.Corpus.from_texts(["a"], progress="yes")
    with pytest.raises(newsgraph.InputTypeError, match="'no'"):
        newsgraph.load_seeds().mentions(progress="no")


def test_no_bars_when_stderr_is_redirected():
    with piped() as err:
        corpus = newsgraph.Corpus.from_texts(TEXTS)
        corpus.cooccurrence()
    assert "\r" not in bars(err) and "entities" not in bars(err)


def test_bars_on_a_terminal():
    with terminal() as err:
        corpus = newsgraph.Corpus.from_texts(TEXTS)
        assert "parse" in bars(err)
        corpus.mentions()
    assert "entities" in bars(err) and "\r" in bars(err)


def test_explicit_progress_wins_over_a_redirected_stderr():
    with piped() as err:
        newsgraph.Corpus.from_texts(TEXTS, progress=False).mentions(progress=True)
    assert "entities" in bars(err) and "parse" not in bars(err)


def test_reader_progress_false_carries_to_later_calls(jsonl):
    with terminal() as err:
        corpus = newsgraph.read_jsonl(jsonl, progress=False)
        corpus.cooccurrence()
        corpus.entity_counts()
        corpus.keyness(by="doc_id", target=0)
        assert bars(err) == ""
        # A call's own progress= still wins.
        corpus.resolve(fuzzy=False).entities(progress=True)
    assert "entities" in bars(err)


def test_progress_carries_through_sub_corpora_and_load(tmp_path):
    with terminal() as err:
        corpus = newsgraph.Corpus.from_texts(TEXTS, progress=False)
        corpus.head(N).mentions()
        corpus.filter(corpus.doc_ids[:N]).mentions()
        corpus.sample(N, seed=0).mentions()
        parts = [corpus.head(1000), corpus.filter(list(corpus.doc_ids[1000:]))]
        newsgraph.concat(parts).mentions()
        path = corpus.save(tmp_path / "c.newsgraph")
        newsgraph.load(path, progress=False).resolve(strict=True).mentions()
        assert bars(err) == ""
        # The file does not keep progress=: a loaded corpus follows the terminal.
        newsgraph.load(path).resolve(strict=True).mentions()
    assert "entities" in bars(err)


def test_scan_progress_false_carries_to_later_calls(jsonl):
    with terminal() as err:
        s = newsgraph.scan(jsonl, progress=False)
        s.entity_counts()
        s.resolve(fuzzy=False).cooccurrence()
        assert bars(err) == ""
        newsgraph.scan(jsonl)
    assert "scan" in bars(err)


def test_cooccurrence_progress_reaches_the_tagger():
    with piped() as err:
        corpus = newsgraph.Corpus.from_texts(TEXTS, progress=False)
        corpus.cooccurrence(progress=True)
    assert "entities" in bars(err)


@pytest.mark.parametrize("value, drawn", [("1", True), ("0", False), (" 1 ", True), ("", None)])
def test_newsgraph_progress_decides_where_progress_is_none(monkeypatch, value, drawn):
    monkeypatch.setenv("NEWSGRAPH_PROGRESS", value)
    with piped():
        assert _checks.progress(None) is (False if drawn is None else drawn)
    with terminal():
        assert _checks.progress(None) is (True if drawn is None else drawn)
        # An explicit progress= still wins over the variable.
        assert _checks.progress(True) is True and _checks.progress(False) is False


def test_newsgraph_progress_draws_and_hides_bars(monkeypatch):
    monkeypatch.setenv("NEWSGRAPH_PROGRESS", "1")
    with piped() as err:
        newsgraph.Corpus.from_texts(TEXTS).mentions()
    assert "parse" in bars(err) and "entities" in bars(err)
    monkeypatch.setenv("NEWSGRAPH_PROGRESS", "0")
    with terminal() as err:
        corpus = newsgraph.Corpus.from_texts(TEXTS)
        corpus.mentions()
        assert bars(err) == ""
        corpus.resolve(fuzzy=False).entities(progress=True)
    assert "entities" in bars(err)


@pytest.mark.parametrize("value", ["yes", "true", "2", "off"])
def test_bad_newsgraph_progress_is_an_error_naming_variable_and_value(monkeypatch, value):
    monkeypatch.setenv("NEWSGRAPH_PROGRESS", value)
    with pytest.raises(newsgraph.InputError, match=f"NEWSGRAPH_PROGRESS must be 0 or 1.*'{value}'"):
        newsgraph.Corpus.from_texts(["a"])
    with pytest.raises(newsgraph.NewsgraphError, match="NEWSGRAPH_PROGRESS"):
        _checks.progress(None)
    # Not consulted where progress= is given.
    assert _checks.progress(False) is False
