"""The parser never deletes words (issue 18): whatever it takes out of the body (date
lines, datelines and agency markers, credits, widgets, web furniture, the headline) is
kept verbatim in the ``boilerplate`` column or in a metadata column. Checked on 10,000
generated texts built from the fragments those rules look for, and by hypothesis."""

from __future__ import annotations

import random
import re

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import newsgraph

WORDS = str.split(
    "the talks in Berlin would resume on Friday said minister Tusk Rutte Oslo Warsaw "
    "n a of and to reportedly told reporters Madrid Polish Prime Minister Donald Ian Bell "
    "Eve Hart summit vote LONDON PARIS Bloomberg Reuters AFP AP BBC plan co operation "
    "inter national 3 2024 x"
)
# Fragments that open, close or mark the text the parser removes.
MARKERS = [
    "Reporting by", "Editing by", "Additional reporting by", "Writing by", "Compiled by",
    ";", "Published:", "Updated:", "Date:", "Posted", "June 3, 2024", "2024-06-03",
    "3 June 2024", "Monday, June 3, 2024", "10:30 a.m. ET", "(Reuters) -", "(AP) —",
    "(Bloomberg) --", "OSLO, June 3 (Reuters) -", "WARSAW —", "©2024 Bloomberg L.P.",
    "Copyright 2024 Reuters.", "All rights reserved.", "Watch:", "×", "Related:",
    "READ MORE:", "Related article:", "Hide Caption 2 of 5 Photos:", "contributed reporting.",
    "contributed to this report.", "With", "By", "-", "—", "(", ")", ".", ",", ":", "|",
    "Advertisement", "Close", "Photo", "Getty Images", "Sign up", "Subscribe", "Share this",
    "Comments", "1.", "Image:", "Click here", "Leave a reply", "Story highlights",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", "\n  ", "-\n"]
WORD = re.compile(r"[^\W_]+")


def words(s: str) -> set[str]:
    return set(WORD.findall(s))


def lost_words(texts: list[str]) -> list[tuple[str, list[str]]]:
    """(text, words of it found nowhere in the parsed document) for each text that lost any."""
    ids = [str(i) for i in range(len(texts))]
    c = newsgraph.Corpus.from_pandas(pd.DataFrame({"id": ids, "text": texts}), id="id")
    docs = c.documents()
    out = []
    for i, row in enumerate(docs.itertuples(index=False)):
        kept = [c.text(ids[i]), *row.boilerplate]
        kept += [
            v for v in (row.title, row.dateline, row.credits, row.source) if isinstance(v, str)
        ]
        missing = words(texts[i]) - words(" ".join(kept))
        if missing:
            out.append((texts[i], sorted(missing)))
    return out


def generated(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 40)):
        parts.append(rng.choice(MARKERS) if rng.random() < 0.35 else rng.choice(WORDS))
        parts.append(rng.choice(SEPARATORS))
    return "".join(parts)


def test_no_word_lost_on_10000_generated_texts():
    rng = random.Random(20261203)
    texts = [generated(rng) for _ in range(10_000)]
    lost = lost_words(texts)
    assert not lost, (
        f"{len(lost)} texts lost words; the shortest: {min(lost, key=lambda x: len(x[0]))}"
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(WORDS + MARKERS), st.sampled_from(SEPARATORS)),
        min_size=1,
        max_size=30,
    )
)
def test_no_word_lost_hypothesis(parts):
    text = "".join(w + sep for w, sep in parts)
    assert lost_words([text]) == []


def test_removed_text_is_kept_and_the_body_keeps_its_words():
    text = (
        "Posted: June 3, 2024 Polish Prime Minister Donald\n"
        "told reporters in Warsaw that the vote would go ahead.\n\n"
        "Rutte agreed.\n\n"
        "Reporting by Ian Bell; Editing by Eve Hart"
    )
    c = newsgraph.Corpus.from_pandas(pd.DataFrame({"id": ["a"], "text": [text]}), id="id")
    doc = c.documents().iloc[0]
    assert c.text("a").startswith("Polish Prime Minister Donald told reporters in Warsaw")
    assert doc["date"] == pd.Timestamp("2024-06-03")
    assert doc["credits"] == "Ian Bell; Eve Hart"
    assert list(doc["boilerplate"]) == [
        "Posted: June 3, 2024",
        "Reporting by Ian Bell; Editing by Eve Hart",
    ]
    # A line that only looks like a credit stays in the body.
    c = newsgraph.Corpus.from_pandas(
        pd.DataFrame({"id": ["b"], "text": ["Reporting by x;Tusk"]}), id="id"
    )
    assert "Tusk" in c.text("b")
    assert pd.isna(c.documents().iloc[0]["credits"])
