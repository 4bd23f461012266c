"""Entity recognition on the styles of modern news (issue 12), on text written for
these tests: headlines, honorifics, brackets, run-on names from link widgets, headings,
and the types of names 1996 newswire never taught."""

from __future__ import annotations

import pandas as pd
import pytest

import newsgraph


def corpus(text: str, title: str | None = None) -> newsgraph.Corpus:
    df = pd.DataFrame({"id": ["a"], "text": [text], "title": [title]})
    return newsgraph.Corpus.from_pandas(df, id="id")


def spans(sentence: str) -> list[tuple[str, str]]:
    """(text, label) of each entity newsgraph.tag finds in a whitespace-split sentence."""
    words = sentence.split()
    tags = newsgraph.tag([words])[0]
    out, cur, label = [], [], ""
    for w, t in zip([*words, "."], [*tags, "O"], strict=True):
        if cur and not t.startswith("I-"):
            out.append((" ".join(cur), label))
            cur = []
        if t.startswith("B-"):
            cur, label = [w], t[2:]
        elif t.startswith("I-"):
            cur.append(w)
    return out


# -- 1. headlines ----------------------------------------------------------------------

BODY = (
    "German Chancellor Olaf Scholz hosted French President Emmanuel Macron in Berlin "
    "on Monday. Scholz said the two leaders agreed on a common line on energy prices, "
    "and Macron praised the talks."
)


@pytest.mark.parametrize(
    "title",
    [
        "Scholz Hosts Macron in Berlin as Energy Talks Resume",  # Title Case
        "SCHOLZ HOSTS MACRON IN BERLIN AS ENERGY TALKS RESUME",  # ALL CAPS
        "Scholz hosts Macron in Berlin as energy talks resume",  # sentence case
    ],
)
def test_headline_mentions_are_tagged_and_marked(title):
    c = corpus(BODY, title)
    m = c.mentions()
    head = m[m["in_title"]]
    found = dict(zip(head["text"].astype(str), head["label"].astype(str), strict=True))
    # The surface forms are the headline's own (SCHOLZ in an ALL CAPS one).
    assert {t.title(): label for t, label in found.items()} == {
        "Scholz": "PER",
        "Macron": "PER",
        "Berlin": "LOC",
    }, head
    # Offsets refer to the title; paragraph and sentence are -1.
    for r in head.itertuples():
        assert title[r.start : r.end] == r.text
        assert r.paragraph == -1 and r.sentence == -1
    # The headline's short names resolve to the body's full names.
    ents = {
        t.title(): e
        for t, e in zip(head["text"].astype(str), head["entity"].astype(str), strict=True)
    }
    assert ents["Scholz"] == "Olaf Scholz" and ents["Macron"] == "Emmanuel Macron"
    # Headline mentions count and come first in their document.
    assert m["in_title"].iloc[: len(head)].all()
    counts = c.entity_counts(label="PER").set_index("entity")["count"]
    assert counts["Olaf Scholz"] == 3
    kw = c.kwic("Olaf Scholz", window=2)
    assert kw["in_title"].tolist() == [True, False, False]


def test_headline_found_in_the_text_is_tagged_too():
    c = corpus("Scholz Hosts Macron in Berlin\n\n" + BODY)
    assert c.documents()["title"].iloc[0] == "Scholz Hosts Macron in Berlin"
    m = c.mentions()
    assert set(m[m["in_title"]]["text"].astype(str)) == {"Scholz", "Macron", "Berlin"}


def test_no_headline_no_headline_mentions():
    c = corpus(BODY, "")
    assert not c.mentions()["in_title"].any()


def test_headline_is_its_own_context_in_cooccurrence():
    # "Berlin" is in the same sentence as both leaders in the body, but in the headline
    # only with them too: the headline adds one sentence context.
    c = corpus(BODY, "Scholz Hosts Macron in Berlin")
    untitled = corpus(BODY, "")
    co = c.cooccurrence(scope="sentence", labels=["PER"])
    co0 = untitled.cooccurrence(scope="sentence", labels=["PER"])
    assert co.n_contexts == co0.n_contexts + 1
    pair = ("Emmanuel Macron", "Olaf Scholz")
    got = {tuple(sorted((r.source, r.target))): r.count for r in co.top_pairs(10).itertuples()}
    got0 = {tuple(sorted((r.source, r.target))): r.count for r in co0.top_pairs(10).itertuples()}
    assert got[pair] == got0[pair] + 1
    # Window scope never joins headline and body words.
    w = c.cooccurrence(scope="window", window=5, labels=["PER"])
    w0 = untitled.cooccurrence(scope="window", window=5, labels=["PER"])
    pairs = {tuple(sorted((r.source, r.target))): r.count for r in w.top_pairs(10).itertuples()}
    pairs0 = {tuple(sorted((r.source, r.target))): r.count for r in w0.top_pairs(10).itertuples()}
    assert pairs[pair] == pairs0.get(pair, 0) + 1


# -- 2. honorifics ---------------------------------------------------------------------


def test_honorifics_stay_outside_and_the_name_after_them_is_found():
    found = spans("Ms Sturgeon told Mr Hancock and Dr. Whitty that Mrs Dorries had left .")
    assert found == [
        ("Sturgeon", "PER"),
        ("Hancock", "PER"),
        ("Whitty", "PER"),
        ("Dorries", "PER"),
    ]


def test_a_name_after_mrs_that_is_also_a_word_is_a_person():
    # "Hope" and "Love" are words; after an honorific they are names.
    found = spans("Mrs Hope met Mr Love in Leeds .")
    assert ("Hope", "PER") in found and ("Love", "PER") in found
    assert not any("Mr" in t for t, _ in found)


# -- 3. brackets -----------------------------------------------------------------------


def test_brackets_never_inside_a_span():
    for words in (
        ["[", "Kamala", "]", "Harris", "spoke", "."],
        ["Senator", "(", "Elizabeth", ")", "Warren", "said", "."],
    ):
        tags = newsgraph.tag([words])[0]
        for w, t in zip(words, tags, strict=True):
            if w in "[]()":
                assert t == "O", (words, tags)


def test_a_person_never_ends_on_a_middle_initial():
    for sentence, name in (
        ("According to the count , Donald J. Trump carried the county .", "Donald J. Trump"),
        ("On Labor Day , Joseph R. Biden spoke in Scranton .", "Joseph R. Biden"),
        ("Lawyers for Ruth B. Ginsburg declined to comment .", "Ruth B. Ginsburg"),
    ):
        found = spans(sentence)
        assert (name, "PER") in found, found


# -- 4. run-on names -------------------------------------------------------------------


def test_a_repeated_given_name_starts_a_new_span():
    found = spans("Chuck Schumer Chuck said the vote would come on Friday .")
    assert ("Chuck Schumer", "PER") in found
    assert all(t != "Chuck Schumer Chuck" for t, _ in found)


def test_a_weekday_or_demonym_never_ends_a_place_or_organisation():
    for sentence in (
        "Officials in Lisbon Portuguese sources said the deal was close .",
        "The Senate Thursday voted to pass the bill .",
    ):
        for text, label in spans(sentence):
            words = text.split()
            if label in ("LOC", "ORG") and len(words) > 1:
                assert words[-1] not in ("Portuguese", "Thursday"), (sentence, text)


def test_party_and_state_tags_give_the_state_only():
    # US style "(R-Iowa)" and "(D)": the state is a place, the party letter nothing.
    c = corpus(
        "Sen. Joni Ernst (R-Iowa) spoke after Gov. Gavin Newsom (D) and Rep. Ro Khanna "
        "(D-Calif.) left.",
        "",
    )
    m = c.mentions()
    found = set(zip(m["text"].astype(str), m["label"].astype(str), strict=True))
    assert {("Iowa", "LOC"), ("Calif.", "LOC"), ("Joni Ernst", "PER")} <= found
    assert not {t for t, _ in found} & {"R", "D", "R-Iowa", "D-Calif."}


# -- 6. headings -----------------------------------------------------------------------


def test_a_heading_of_common_words_is_not_a_name():
    text = (
        "The ministry published its plan on Monday.\n\n"
        "Policy Review\n\n"
        "The policy review was written by officials in Brussels over six months."
    )
    m = corpus(text, "").mentions()
    assert "Policy Review" not in set(m["text"].astype(str))
    assert "Brussels" in set(m["text"].astype(str))


def test_a_run_in_heading_is_its_own_sentence():
    # A gallery title and a link headline scraped into the paragraph with no full stop:
    # the caption or sentence after them starts with a capitalised article.
    text = (
        "Heavy rain closed schools across the north on Tuesday. "
        "Flooding in Lagos in pictures A boy from Ikeja wades through a street. "
        "Nigeria's finance minister in Abuja promises relief The minister of Kano "
        "said aid would come within days."
    )
    c = corpus(text, "")
    assert {"Lagos", "Ikeja", "Abuja", "Kano"} <= set(c.mentions()["text"].astype(str))
    sents = list(c.sentences()["text"])
    assert "Flooding in Lagos in pictures" in sents
    assert "A boy from Ikeja wades through a street." in sents
    assert "Nigeria's finance minister in Abuja promises relief" in sents
    pairs = c.cooccurrence(scope="sentence", progress=False).to_pandas()
    together = {frozenset((s, t)) for s, t in zip(pairs["source"], pairs["target"], strict=True)}
    assert frozenset(("Lagos", "Ikeja")) not in together
    assert frozenset(("Abuja", "Kano")) not in together
    # The same words with the title in the sentence stay one sentence.
    told = corpus("The minister told The Guardian that aid would come.", "")
    assert len(told.sentences()) == 1


# -- 5. names 1996 newswire never taught -----------------------------------------------


@pytest.mark.parametrize(
    "sentence,expected",
    [
        (
            "Shares of Netflix and Spotify fell after Airbnb reported weaker bookings .",
            [("Netflix", "ORG"), ("Spotify", "ORG"), ("Airbnb", "ORG")],
        ),
        (
            "Ryanair and Lufthansa cut flights , while Siemens and Volkswagen warned on profits .",
            [("Ryanair", "ORG"), ("Lufthansa", "ORG"), ("Siemens", "ORG"), ("Volkswagen", "ORG")],
        ),
        (
            "Fans of Game of Thrones bought the new iPhone and downloaded Microsoft Teams .",
            [("Game of Thrones", "MISC"), ("iPhone", "MISC"), ("Microsoft Teams", "MISC")],
        ),
        (
            "The Medicaid expansion under the Affordable Care Act was upheld , Politico reported .",
            [("Medicaid", "MISC"), ("Affordable Care Act", "MISC"), ("Politico", "ORG")],
        ),
    ],
)
def test_modern_companies_outlets_products_and_laws(sentence, expected):
    assert spans(sentence) == expected


def test_broadcaster_named_like_a_person():
    assert ("Al Jazeera", "ORG") in spans("Al Jazeera and the BBC reported the strike .")
