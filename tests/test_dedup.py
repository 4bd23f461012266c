"""Near-duplicates and syndication (issue 17): pairs, groups, drop_duplicates, scan,
dask and the CLI, on text written here, Reuters-21578 and AllSides."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

import newsgraph
from conftest import shared_file
from newsgraph import _core
from newsgraph.exceptions import InputError, InputTypeError, NewsgraphError

STORY = (
    "Lawmakers in Brussels agreed on Thursday to a new set of rules for the trading of "
    "carbon permits, ending two years of talks between member states that had stalled "
    "over how to treat heavy industry.\n\n"
    "The deal, which still needs a final vote in the European Parliament, would cut the "
    "number of free permits handed to steel and cement makers by half within a decade, "
    "officials said.\n\n"
    "Environmental groups welcomed the agreement but said it came too late to meet the "
    "bloc's targets for 2030, while industry associations warned of job losses."
)
OTHER = (
    "Farmers in southern Spain are bracing for a third dry summer as reservoirs fall to "
    "their lowest level in three decades, regional authorities said on Monday.\n\n"
    "Water for irrigation will be cut by a quarter from June, the authorities added."
)


def corpus(texts, dates=None, ids=None):
    meta = None if dates is None else {"date": dates}
    return newsgraph.Corpus.from_texts(texts, ids=ids, meta=meta, progress=False)


def exact_jaccard(c, threshold_pairs, shingle_size=3):
    """Jaccard of the shingle-hash sets of each pair, computed here with numpy."""
    _, indptr, hashes = _core.dedup_sketch(c._articles, shingle_size=shingle_size)
    pos = {d: i for i, d in enumerate(c.doc_ids)}
    out = []
    for a, b in threshold_pairs:
        x = hashes[indptr[pos[a]] : indptr[pos[a] + 1]]
        y = hashes[indptr[pos[b]] : indptr[pos[b] + 1]]
        both = len(np.intersect1d(x, y))
        out.append(both / (len(x) + len(y) - both))
    return np.array(out)


# -- text written here -----------------------------------------------------------------


def test_copies_differing_in_headline_credits_case_and_punctuation_are_one_story():
    copy = (
        "EU strikes carbon deal\n\n"
        + STORY.upper().replace(",", "").replace("officials said", "officials said,")
        + "\n\nReuters contributed to this report."
    )
    c = corpus([STORY, OTHER, copy], ids=["wire", "other", "copy"])
    pairs = c.near_duplicates()
    assert pairs[["doc_a", "doc_b"]].values.tolist() == [["wire", "copy"]]
    assert pairs["similarity"].iloc[0] == 1.0
    assert c.duplicate_groups().tolist() == [0, 1, 0]


def test_every_pair_reaches_the_threshold_and_lower_thresholds_find_more():
    words = STORY.split(" ")
    rng = random.Random(3)
    texts = [STORY, OTHER]
    for k in (2, 6, 12, 20):  # ever more words replaced
        w = list(words)
        for i in rng.sample(range(len(w)), k):
            w[i] = "changed"
        texts.append(" ".join(w))
    c = corpus(texts)
    found = {t: c.near_duplicates(t) for t in (0.9, 0.8, 0.6, 0.4)}
    for t, pairs in found.items():
        assert (pairs["similarity"] >= t).all()
        js = exact_jaccard(c, zip(pairs["doc_a"], pairs["doc_b"], strict=True))
        np.testing.assert_allclose(js, pairs["similarity"])
        assert 1 not in set(pairs["doc_a"]) | set(pairs["doc_b"])  # OTHER is unrelated
    sizes = [len(found[t]) for t in (0.9, 0.8, 0.6, 0.4)]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]


def test_short_and_empty_documents():
    c = corpus(["Talks resumed.", "talks RESUMED", "Talks resumed in Geneva.", "", "--", ""])
    pairs = c.near_duplicates()
    # Fewer words than a shingle: one shingle of all words, so only the same words match;
    # no words at all (empty, punctuation only): never a duplicate.
    assert pairs[["doc_a", "doc_b"]].values.tolist() == [[0, 1]]
    assert c.duplicate_groups().tolist() == [0, 0, 1, 2, 3, 4]


def test_drop_duplicates_keeps_first_last_or_earliest():
    texts = [STORY, OTHER, STORY.lower(), STORY + "\n\nAP contributed."]
    dates = ["2020-03-02", "2020-03-01", "2020-02-28", None]
    c = corpus(texts, dates=dates, ids=["a", "b", "c", "d"])
    assert c.drop_duplicates().doc_ids.tolist() == ["a", "b"]
    assert c.drop_duplicates(keep="last").doc_ids.tolist() == ["b", "d"]
    assert c.drop_duplicates(keep="earliest").doc_ids.tolist() == ["b", "c"]
    # Unknown dates come last, ties go to corpus order.
    c2 = corpus(texts, dates=[None, None, None, "2021-01-01"], ids=list("abcd"))
    assert c2.drop_duplicates(keep="earliest").doc_ids.tolist() == ["b", "d"]
    # Tables of the deduplicated corpus count the story once.
    counts = c.entity_counts(model=True).set_index("entity")["count"]
    once = c.drop_duplicates().entity_counts(model=True).set_index("entity")["count"]
    # (the lowercased copy has no "Brussels" for the tagger to find)
    assert counts["Brussels"] == 2 and once["Brussels"] == 1


def test_results_do_not_depend_on_threads(reuters):
    one = reuters.near_duplicates(threads=1)
    two = reuters.near_duplicates(threads=2)
    pd.testing.assert_frame_equal(one, two)
    assert len(one) > 300


def test_bad_arguments_are_errors_naming_them(seeds):
    for bad in (0, -0.1, 1.5, float("nan")):
        with pytest.raises(InputError, match="threshold"):
            seeds.near_duplicates(bad)
    with pytest.raises(InputTypeError, match="threshold"):
        seeds.near_duplicates("high")
    with pytest.raises(InputError, match="keep"):
        seeds.drop_duplicates(keep="middle")
    with pytest.raises(InputError, match="num_perm"):
        seeds.near_duplicates(num_perm=0)
    with pytest.raises(InputError, match="num_perm=5000"):
        seeds.near_duplicates(num_perm=5000)
    with pytest.raises(InputError, match="shingle_size"):
        seeds.duplicate_groups(shingle_size=0)
    with pytest.raises(InputError, match="threads"):
        seeds.near_duplicates(threads=0)
    with pytest.raises(NewsgraphError, match="bands"):
        _core.dedup_candidates(np.zeros((2, 8), dtype=np.uint32), 3, 3)


# -- Reuters-21578: exact duplicates, recall against brute force -------------------------


def test_reuters_identical_texts_are_all_found(reuters_path, reuters):
    groups = defaultdict(list)
    with gzip.open(reuters_path, "rt", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            groups[r["text"]].append(r["id"])
    repeated = [ids for ids in groups.values() if len(ids) > 1]
    assert len(repeated) == 327
    pairs = reuters.near_duplicates()
    found = set(zip(pairs["doc_a"], pairs["doc_b"], strict=True))
    group = reuters.duplicate_groups()
    for ids in repeated:
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                assert (a, b) in found or (b, a) in found, (a, b)
        assert group[ids].nunique() == 1
    # Precision: every pair's Jaccard, computed independently, reaches the threshold.
    js = exact_jaccard(reuters, found)
    assert (js >= 0.8).all()


@pytest.mark.parametrize("threshold", [0.5, 0.8])
def test_reuters_recall_against_brute_force(reuters, threshold):
    sub = reuters.head(6000)
    _, indptr, hashes = _core.dedup_sketch(sub._articles)
    a, b, sim = _core.dedup_all_pairs(indptr, hashes, threshold)
    truth = set(zip(sub.doc_ids[a], sub.doc_ids[b], strict=True))
    pairs = sub.near_duplicates(threshold)
    found = set(zip(pairs["doc_a"], pairs["doc_b"], strict=True))
    assert len(truth) > 100
    assert found <= truth  # precision 1.0
    assert len(found & truth) / len(truth) >= 0.98


# -- AllSides: synthetic syndicated copies -----------------------------------------------

REPLACEMENTS = ["officials", "county", "weekend", "federal", "market", "report", "senior"]


def syndicated(text: str, rng: random.Random) -> str:
    """A wire copy as another masthead prints it: a new headline, the last paragraph cut
    when it is short (40 words at most), about 1% of the words replaced, a credit line."""
    paras = text.split("\n\n")
    if len(paras) > 2 and len(paras[-1].split()) <= 40:
        paras = paras[:-1]
    words = "\n\n".join(paras).split(" ")
    for i in rng.sample(range(len(words)), max(1, round(len(words) / 100))):
        words[i] = rng.choice(REPLACEMENTS)
    return (
        "Wire: officials weigh next steps after a week of talks\n\n"
        + " ".join(words)
        + "\n\nThe Associated Press contributed to this report."
    )


def test_syndicated_copies_of_300_allsides_articles_are_all_found():
    path = shared_file("data", "news", "allsides_news_2015_2020.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    rng = random.Random(17)
    picked = rng.sample(range(len(rows)), 1300)
    originals, others = picked[:300], picked[300:]
    texts = [rows[i]["text"] for i in originals + others]
    ids = [rows[i]["id"] for i in originals + others]
    texts += [syndicated(rows[i]["text"], rng) for i in originals]
    ids += [f"copy-{rows[i]['id']}" for i in originals]
    c = corpus(texts, ids=ids)
    pairs = c.near_duplicates()
    found = set(zip(pairs["doc_a"], pairs["doc_b"], strict=True))
    missing = [
        rows[i]["id"] for i in originals if (rows[i]["id"], f"copy-{rows[i]['id']}") not in found
    ]
    assert missing == []
    js = exact_jaccard(c, found)
    assert (js >= 0.8).all() and np.allclose(np.sort(js), np.sort(pairs["similarity"]))
    # The copies go, the originals stay.
    kept = c.drop_duplicates().doc_ids
    assert not any(str(d).startswith("copy-") for d in kept)
    assert len(kept) == 1300 - (len(pairs) - 300)


# -- scan and dask find the same pairs ---------------------------------------------------


def test_scan_and_dask_find_the_pairs_of_the_corpus_in_memory(reuters_path, reuters, tmp_path):
    dictionary = newsgraph.Dictionary({"oil": ["oil"]})
    expected = reuters.near_duplicates()
    for spill in (True, False):
        s = newsgraph.scan(
            reuters_path,
            batch_size=2500,
            dictionary=dictionary,
            model=False,
            progress=False,
            spill=spill,
        )
        pd.testing.assert_frame_equal(s.near_duplicates(), expected)
        pd.testing.assert_series_equal(s.duplicate_groups(), reuters.duplicate_groups())
    with pytest.raises(InputError, match="shingle_size=3"):
        s.near_duplicates(shingle_size=5)

    dd = pytest.importorskip("dask.dataframe")
    from newsgraph import dask as ngdask

    df = pd.read_json(reuters_path, lines=True)[["id", "text"]]
    result = ngdask.analyze(dd.from_pandas(df, npartitions=7), dictionary=dictionary, model=False)
    pd.testing.assert_frame_equal(result.near_duplicates(), expected)


# -- command line ------------------------------------------------------------------------


def test_cli_dedupe_drops_copies_before_the_report(tmp_path):
    src = tmp_path / "news.jsonl"
    rows = [
        {"id": "wire", "text": STORY, "date": "2020-01-02"},
        {"id": "other", "text": OTHER, "date": "2020-01-01"},
        {"id": "copy", "text": STORY.upper(), "date": "2020-01-01"},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows))

    def run(*args):
        proc = subprocess.run(
            [sys.executable, "-m", "newsgraph", str(src), "--no-entities", *args],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr
        return proc

    assert "3 documents" in run().stdout
    deduped = run("--dedupe")
    assert "2 documents" in deduped.stdout and "copy" not in deduped.stdout
    assert "dropped 1 near-duplicate" in deduped.stderr
    earliest = run("--dedupe", "0.9", "--dedupe-keep", "earliest", "--limit", "5")
    assert "2 documents" in earliest.stdout and "wire" not in earliest.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "newsgraph", str(src), "--no-entities", "--dedupe", "2"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert bad.returncode == 1 and "threshold" in bad.stderr
