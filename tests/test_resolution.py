"""Resolution with corpus evidence (src/core/resolve.rs): short forms reach the bearer
the corpus talks about, name variants merge, families stay apart, and the result is
the same however the corpus is read (threads, ``scan`` batches, ``newsgraph.dask``).

The articles below were written for these tests; the AllSides check needs
``../shared`` and skips without it.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

import newsgraph
from conftest import shared_file
from newsgraph.stream import scan

ARTICLES = [
    "President Donald Trump signed the farm bill on Tuesday. Trump said the law would "
    "help growers in Iowa, and Senator Mitch McConnell praised it.",
    "Donald Trump flew to Ohio for a rally. Trump told the crowd that the United States "
    "was winning again.",
    "Donald Trump hosted the Japanese prime minister at his Florida club. Trump and his "
    "guest played golf.",
    "Donald Trump spoke to reporters on Air Force One. Trump said he would meet "
    "Chinese leaders next month.",
    "Melania Trump visited a children's hospital in Texas on Friday. Trump thanked the "
    "nurses and posed for photographs.",
    "Ivanka Trump and Eric Trump spoke at the convention in Charlotte on Monday night.",
    "On Wednesday, Trump criticised the Federal Reserve again, saying rates were too high.",
    "According to official results, Donald J. Trump won the state by a narrow margin.",
    "Former President Barack Obama endorsed the governor. Obama said the race mattered.",
    "Barack Obama returned to Chicago for a book tour. Obama spoke for an hour.",
    "Barack Obama met students in Berlin. Obama urged them to vote.",
    "Barack Obama spoke at the memorial service in Charleston. Obama sang a hymn.",
    "Michelle Obama launched a campaign for girls' education. Obama said schools needed money.",
    "In Los Angeles, Obama told donors that the party must stay united.",
    "Joe Biden campaigned in Pennsylvania. Joseph R. Biden said his son Hunter Biden "
    "had done nothing wrong.",
    "On Labor Day, Joseph R. Biden spoke at a union hall in Detroit.",
    "Bill Clinton and Hillary Clinton attended the funeral in Arkansas.",
    "Hillary Rodham Clinton published a memoir about the campaign.",
    "Tony Blair and his wife Cherie Blair arrived in London on Sunday.",
    "The United States imposed new tariffs. U.S. officials said talks would continue.",
    "The United States and Mexico reached a deal. U.S. farmers welcomed it.",
    "U.S. stocks fell sharply on Thursday as oil prices rose.",
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [f"a{i:02d}" for i in range(len(ARTICLES))], "text": ARTICLES})


@pytest.fixture(scope="module")
def corpus(frame) -> newsgraph.Corpus:
    return newsgraph.Corpus.from_pandas(frame, id="id")


def _entity(m: pd.DataFrame, text: str) -> str:
    """The entity of the mentions written exactly ``text`` (they must agree)."""
    names = set(m.loc[m["text"].astype(str) == text, "entity"].astype(str))
    assert len(names) == 1, (text, names)
    return names.pop()


def test_short_forms_reach_the_bearer_the_corpus_talks_about(corpus):
    m = corpus.mentions()
    doc = m["doc_id"].astype(str)
    lone = m[(doc == "a06") & (m["text"].astype(str) == "Trump")]
    assert lone["entity"].astype(str).tolist() == ["Donald Trump"]
    assert _entity(m, "Donald J. Trump") == "Donald Trump"
    lone = m[(doc == "a13") & (m["text"].astype(str) == "Obama")]
    assert lone["entity"].astype(str).tolist() == ["Barack Obama"]
    # An article's own full name still wins.
    own = m[(doc == "a04") & (m["text"].astype(str) == "Trump")]
    assert own["entity"].astype(str).tolist() == ["Melania Trump"]
    own = m[(doc == "a12") & (m["text"].astype(str) == "Obama")]
    assert own["entity"].astype(str).tolist() == ["Michelle Obama"]
    # Nicknames merge where an article puts them together ("Joe" is "Joseph").
    assert _entity(m, "Joseph R. Biden") == _entity(m, "Joe Biden")
    assert _entity(m, "Hunter Biden") == "Hunter Biden"
    assert _entity(m, "Hillary Rodham Clinton") == "Hillary Clinton"
    assert _entity(m, "U.S.") == "United States"


def test_families_stay_apart(corpus):
    m = corpus.mentions()
    people = [
        "Donald Trump",
        "Melania Trump",
        "Ivanka Trump",
        "Eric Trump",
        "Barack Obama",
        "Michelle Obama",
        "Bill Clinton",
        "Hillary Clinton",
        "Hunter Biden",
        "Joe Biden",
        "Tony Blair",
        "Cherie Blair",
    ]
    entities = [_entity(m, p) for p in people]
    assert len(set(entities)) == len(people), entities


def test_strict_keeps_the_previous_rules(corpus):
    m = corpus.resolve(strict=True).mentions()
    doc = m["doc_id"].astype(str)
    lone = m[(doc == "a06") & (m["text"].astype(str) == "Trump")]
    assert lone["entity"].astype(str).tolist() == ["Trump"]
    assert _entity(m, "Donald J. Trump") == "Donald J. Trump"


def test_the_same_for_threads_and_scan_batches(corpus, frame, tmp_path):
    one = corpus.mentions(threads=1)
    pd.testing.assert_frame_equal(one, corpus.mentions(threads=2))
    path = tmp_path / "a.jsonl"
    frame.to_json(path, orient="records", lines=True)
    for batch_size in (1, 2, 5, 1000):
        s = scan(path, batch_size=batch_size, progress=False)
        pd.testing.assert_frame_equal(s.mentions(), newsgraph.read_jsonl(path).mentions())
        pd.testing.assert_frame_equal(s.entities(), newsgraph.read_jsonl(path).entities())
        assert _entity(s.mentions(), "Donald J. Trump") == "Donald Trump"


def test_allsides_short_forms_and_families():
    """The acceptance figures of issue 13 on the 15,000 AllSides articles."""
    path = shared_file("data", "news", "allsides_news_2015_2020.jsonl.gz")
    m = newsgraph.read_jsonl(path, progress=False).mentions(progress=False)
    text, label, ent = m["text"].astype(str), m["label"].astype(str), m["entity_id"]

    def entity_of(name: str) -> int:
        return Counter(ent[text == name]).most_common(1)[0][0]

    full = {
        "Trump": "Donald Trump",
        "Donald J. Trump": "Donald Trump",
        "Obama": "Barack Obama",
        "Biden": "Joe Biden",
        "Pelosi": "Nancy Pelosi",
        "McConnell": "Mitch McConnell",
        "Putin": "Vladimir Putin",
    }
    for short, name in full.items():
        rows = (text == short) & (label == "PER")
        share = (ent[rows] == entity_of(name)).mean()
        assert share >= 0.9, (short, share)
    assert (ent[text == "U.S."] == entity_of("United States")).mean() >= 0.9
    family = ["Donald Trump", "Melania Trump", "Ivanka Trump", "Eric Trump"]
    family += ["Barack Obama", "Michelle Obama", "Bill Clinton", "Hillary Clinton"]
    family += ["Hunter Biden", "Joe Biden"]
    ids = [entity_of(p) for p in family]
    assert len(set(ids)) == len(ids)


def test_users_override_the_evidence(corpus):
    m = corpus.resolve(split=["Trump"]).mentions()
    doc = m["doc_id"].astype(str)
    lone = m[(doc == "a06") & (m["text"].astype(str) == "Trump")]
    assert lone["entity"].astype(str).tolist() == ["Trump"]
    m = corpus.resolve(merge=[["Michelle Obama", "Barack Obama"]]).mentions()
    assert _entity(m, "Michelle Obama") == _entity(m, "Barack Obama")
