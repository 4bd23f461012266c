"""Parsing on the seeds and on snippets: metadata, paragraphs, sentences, tokens."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import parse, sentences

SEED = {
    0: "000_27c6c80333bff2b2",
    1: "001_4b47a35a151c059f",
    2: "002_42814e0e06be7a9f",
    3: "003_44559a4cf5bac29f",
    4: "004_e8067eb3658fd9d6",
}


@pytest.fixture(scope="module")
def docs(seeds):
    return seeds.documents().set_index("doc_id")


def test_seed_metadata(docs):
    assert docs.loc[SEED[1], "date"] == pd.Timestamp("2023-05-26")
    assert docs.loc[SEED[2], "source"] == "Bloomberg"
    assert docs.loc[SEED[4], "title"] == "Russia’s Lavrov to visit China to discuss Ukraine war"
    assert docs.loc[SEED[4], "dateline"] == "Moscow"
    assert docs.loc[SEED[0], "credits"] == "AFP"
    # Nothing is invented where the text says nothing.
    assert pd.isna(docs.loc[SEED[0], "title"])
    assert pd.isna(docs.loc[SEED[3], "date"])
    assert pd.isna(docs.loc[SEED[3], "source"])


def test_seed_000_page_break_and_credits(seeds):
    paras = seeds.paragraphs(SEED[0])
    assert not any(p.rstrip().endswith("foreign policy") for p in paras)
    assert any("foreign policy cooperation, invariably" in p for p in paras)
    text = seeds.text(SEED[0])
    assert text.startswith("Russian Foreign Minister Sergei Lavrov told")  # stray space gone
    assert "contributed reporting" not in text
    assert "Related article" not in text
    # Hard wraps are joined into paragraphs.
    assert 'that there were "serious obstacles"' in text
    boiler = seeds.documents().set_index("doc_id").loc[SEED[0], "boilerplate"]
    assert any(b.startswith("Related article: China's Xi Offers") for b in boiler)


def test_seed_001_date_header_widget_and_run_in_headings(seeds):
    text = seeds.text(SEED[1])
    assert text.startswith("Russian Foreign Minister Sergei Lavrov reportedly")
    assert "double containment" not in text and "×" not in text
    boiler = seeds.documents().set_index("doc_id").loc[SEED[1], "boilerplate"]
    assert any("double containment" in b for b in boiler)
    sents = seeds.sentences().query("doc_id == @SEED[1]")["text"].tolist()
    # The run-in heading does not glue into the next sentence.
    assert any(s.startswith("During the meeting, Lavrov commended China") for s in sents)
    assert any(s.startswith("Recently, Russian Prime Minister Mikhail Mishustin") for s in sents)


def test_seed_002_bloomberg_markers(seeds):
    text = seeds.text(SEED[2])
    assert text.startswith("A Chinese envoy tasked with promoting")
    assert "(Bloomberg)" not in text and "©" not in text and "L.P." not in text
    assert "Position Paper" in seeds.paragraphs(SEED[2])


def test_seed_003_one_paragraph_per_line(seeds):
    paras = seeds.paragraphs(SEED[3])
    assert len(paras) == 5
    assert paras[0].startswith("In Moscow, a high-level exchange")


def test_seed_004_title_dateline_boilerplate(seeds):
    text = seeds.text(SEED[4])
    assert text.startswith("Russian Foreign Minister Sergei Lavrov will visit China")
    assert "leave a reply" not in text
    assert "Russia’s Lavrov to visit" not in text
    sents = seeds.sentences().query("doc_id == @SEED[4]")["text"].tolist()
    assert (
        "China-Russian trade hit a record of $240.1 billion in 2023, up 26.3% from a year "
        "earlier, according to Chinese customs data." in sents
    )
    assert any(
        s.startswith("The United States casts China") and "U.S. President Joe Biden" in s
        for s in sents
    )


def test_offsets_round_trip_on_seeds(seeds):
    sents = seeds.sentences()
    for row in sents.itertuples():
        assert seeds.text(row.doc_id)[row.start : row.end] == row.text
    for doc_id in seeds.doc_ids:
        toks = seeds.tokens(doc_id)
        text = seeds.text(doc_id)
        assert (toks["start"].diff().dropna() > 0).all()
        assert all(t == t.strip() and t for t in toks["token"])
        assert toks["token"].tolist() == [
            text[a:b] for a, b in zip(toks.start, toks.end, strict=True)
        ]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Mr. Smith met Gen. Jones on Feb. 26 in St. Louis. He left for the U.S. capital.",
            ["Mr. Smith met Gen. Jones on Feb. 26 in St. Louis.", "He left for the U.S. capital."],
        ),
        (
            '"The Russian foreign minister reaffirmed Moscow\'s commitment," the Foreign '
            'Ministry said. Lavrov also praised Beijing\'s "balanced" position.',
            [
                '"The Russian foreign minister reaffirmed Moscow\'s commitment," the Foreign '
                "Ministry said.",
                'Lavrov also praised Beijing\'s "balanced" position.',
            ],
        ),
        (
            "Xi visited Moscow in March, saying ties were “entering a new era.” Putin agreed.",
            ["Xi visited Moscow in March, saying ties were “entering a new era.”", "Putin agreed."],
        ),
        (
            "Trade fell 11.6% to $664.5 billion in 2023. J. K. Rowling wrote it.",
            ["Trade fell 11.6% to $664.5 billion in 2023.", "J. K. Rowling wrote it."],
        ),
        (
            "He paused... Then he spoke. Is it over? Yes!",
            ["He paused...", "Then he spoke.", "Is it over?", "Yes!"],
        ),
    ],
)
def test_sentence_splitting(text, expected):
    assert sentences(text) == expected


def test_tokens_follow_conll_conventions():
    c = parse("China’s envoy didn't pay $240.1 billion (26.3%) for Russian-Chinese ties.")
    toks = c.tokens(0)["token"].tolist()
    assert toks == [
        "China",
        "’s",
        "envoy",
        "did",
        "n't",
        "pay",
        "$",
        "240.1",
        "billion",
        "(",
        "26.3",
        "%",
        ")",
        "for",
        "Russian-Chinese",
        "ties",
        ".",
    ]


def test_reuters_style_wrapping_and_indents():
    raw = (
        "    SALVADOR, Feb 26 - Showers continued throughout the week in\n"
        "the Bahia cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming temporao.\n"
        "    Comissaria Smith said total Bahia crop estimates are around\n"
        "6.4 mln bags.\n"
    )
    c = parse(raw)
    docs = c.documents()
    assert docs.loc[0, "dateline"] == "SALVADOR, Feb 26"
    paras = c.paragraphs(0)
    assert paras == [
        "Showers continued throughout the week in the Bahia cocoa zone, alleviating the "
        "drought since early January and improving prospects for the coming temporao.",
        "Comissaria Smith said total Bahia crop estimates are around 6.4 mln bags.",
    ]


def test_agency_datelines_and_copyright():
    c = parse("PARIS (Reuters) - French prices rose.\n\nMore text here.")
    d = c.documents().iloc[0]
    assert (d["dateline"], d["source"]) == ("PARIS", "Reuters")
    assert c.text(0).startswith("French prices rose.")
    c = parse(
        "WASHINGTON (AP) — The Senate voted.\n\n© 2023 The Associated Press. All rights reserved."
    )
    d = c.documents().iloc[0]
    assert (d["dateline"], d["source"]) == ("WASHINGTON", "AP")
    assert "Associated Press" not in c.text(0)
    c = parse("The ministry — which had said nothing — spoke.\n\n©2023 Bloomberg L.P.")
    d = c.documents().iloc[0]
    assert pd.isna(d["dateline"]) and d["source"] == "Bloomberg"


def test_crlf_form_feed_and_empty_input():
    c = parse("First line of a story\r\nthat wraps here.\r\n\x0c\r\nSecond paragraph.")
    assert c.paragraphs(0) == ["First line of a story that wraps here.", "Second paragraph."]
    for raw in ["", "   \n\n  ", "×", "date", "©"]:
        d = parse(raw).documents().iloc[0]
        assert d["n_tokens"] >= 0
