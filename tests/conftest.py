"""Shared fixtures. Data under ../shared is research-only and never copied here: tests
that need it skip with a message when it is absent (a user's clone still passes)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import newsgraph

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("NEWSGRAPH_SHARED", REPO.parent / "shared"))
# A developer's NEWSGRAPH_PROGRESS would change what the progress tests see; the tests
# that need it set it themselves.
os.environ.pop("NEWSGRAPH_PROGRESS", None)


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (the team's shared data folder beside the repo); not found")
    return path


@pytest.fixture(scope="session")
def seeds() -> newsgraph.Corpus:
    return newsgraph.load_seeds()


@pytest.fixture(scope="session")
def reuters_path() -> Path:
    return shared_file("data", "news", "reuters21578.jsonl.gz")


@pytest.fixture(scope="session")
def reuters(reuters_path: Path) -> newsgraph.Corpus:
    return newsgraph.read_jsonl(reuters_path)


@pytest.fixture(scope="session")
def allsides_tagged() -> newsgraph.Corpus:
    """AllSides with its tagger mentions computed once for the session (tagging it
    takes half a minute)."""
    c = newsgraph.read_jsonl(
        shared_file("data", "news", "allsides_news_2015_2020.jsonl.gz"), progress=False
    )
    c.mentions(progress=False)
    return c


def parse(text: str) -> newsgraph.Corpus:
    """A one-document corpus from a snippet."""
    import pandas as pd

    return newsgraph.Corpus.from_pandas(pd.DataFrame({"text": [text]}))


def sentences(text: str) -> list[str]:
    return parse(text).sentences()["text"].tolist()
