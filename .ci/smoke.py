"""Smoke test of an installed newsgraph wheel (CI runs it in a fresh virtualenv).

Run it from outside the source tree, with the wheel installed and ``pyarrow`` (the
``parquet`` extra) for saving: it checks that newsgraph is imported from the
environment's site-packages, parses, tags, counts and co-occurs two texts, and
round-trips the corpus through ``save`` / ``load`` and pickle.
"""

from __future__ import annotations

import pickle
import sys
import sysconfig
import tempfile
from pathlib import Path

import newsgraph

TEXTS = [
    "Olaf Scholz met Emmanuel Macron in Berlin on Tuesday. Scholz said the talks went well.",
    "Emmanuel Macron flew to Washington, where Macron and Joe Biden discussed trade.",
]


def main() -> None:
    module = Path(newsgraph.__file__).resolve()
    site = Path(sysconfig.get_paths()["platlib"]).resolve()
    assert site in module.parents, f"newsgraph from {module}, not from {site}"
    assert Path(sys.prefix).resolve() in module.parents, (module, sys.prefix)
    print(f"newsgraph {module.parent} (python {sys.version.split()[0]})")

    corpus = newsgraph.from_texts(TEXTS, ids=["a", "b"], progress=False)
    assert len(corpus) == 2, corpus

    mentions = corpus.mentions(progress=False)
    people = set(mentions.loc[mentions["label"] == "PER", "entity"])
    assert {"Olaf Scholz", "Emmanuel Macron"} <= people, mentions
    assert set(mentions["doc_id"]) == {"a", "b"}, mentions

    counts = corpus.entity_counts(label="PER")
    per = dict(zip(counts["entity"].astype(str), counts["count"], strict=True))
    assert per["Emmanuel Macron"] >= 3, counts
    assert per["Olaf Scholz"] >= 2, counts

    co = corpus.cooccurrence(scope="document", labels="PER")
    pairs = co.top_pairs(10)
    together = {frozenset((s, t)) for s, t in zip(pairs["source"], pairs["target"], strict=True)}
    assert frozenset(("Olaf Scholz", "Emmanuel Macron")) in together, pairs

    with tempfile.TemporaryDirectory() as tmp:
        path = corpus.save(Path(tmp) / "smoke.newsgraph")
        loaded = newsgraph.load(path)
    assert list(loaded.doc_ids) == ["a", "b"], loaded.doc_ids
    assert loaded.mentions(progress=False).equals(mentions), loaded.mentions(progress=False)
    assert loaded.entity_counts(label="PER").equals(counts)

    again = pickle.loads(pickle.dumps(corpus))
    assert again.mentions(progress=False).equals(mentions)
    assert again.documents().equals(corpus.documents())

    print(f"ok: {len(mentions)} mentions, people {sorted(people)}")


if __name__ == "__main__":
    main()
