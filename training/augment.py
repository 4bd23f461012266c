"""Training data for modern news: CoNLL-2003 with the styles 1996 Reuters lacks.

    python training/augment.py ../shared/data/conll2003/eng.train OUT.conll \\
        [--silver SILVER.conll] [--seed 1]

Writes ``OUT.conll``, the input's documents, each with:

- **a pseudo-headline in Title Case**: a copy of the document's headline (its first
  sentence) and of its first body sentence, every word capitalised but short function
  words, without the final full stop, placed before the document's own sentences.
  Modern headlines are mostly Title Case ("Obama to Make Landmark Trip to Hiroshima"),
  which 1996 Reuters never shows; CoNLL's are ALL CAPS. The labels are the original
  ones, so the tagger learns to trust the body's evidence over case there.
- **BBC-style honorifics**: "Mr." / "Mrs." / "Ms." / "Dr." lose the full stop in about
  half of the documents ("Mr Blair"), chosen with ``--seed``.

``--silver`` appends documents tagged by a model (self-training data), as written by
``training/silver.py``. The output is derived from research-only data: keep it out of
the repository (``build/`` is ignored).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

SMALL = {
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by",
    "in", "of", "off", "on", "per", "to", "up", "via", "with", "from", "into", "over",
}  # fmt: skip
HONORIFICS = {"Mr.": "Mr", "Mrs.": "Mrs", "Ms.": "Ms", "Dr.": "Dr"}

Sentence = list[tuple[str, str]]  # (word, IOB tag)


def read_docs(path: Path) -> list[list[Sentence]]:
    """Documents as lists of sentences of (word, tag); the tag is the last column."""
    docs: list[list[Sentence]] = []
    sent: Sentence = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("-DOCSTART-"):
            if sent:
                docs[-1].append(sent)
                sent = []
            docs.append([])
        elif not line:
            if sent:
                if not docs:
                    docs.append([])
                docs[-1].append(sent)
                sent = []
        else:
            cols = line.split()
            sent.append((cols[0], cols[-1]))
    if sent:
        docs[-1].append(sent)
    return [d for d in docs if d]


def title_case(sent: Sentence) -> Sentence:
    """Headline style: capitalise each word but short function words; keep acronyms
    and words with digits or dots as they are; drop a final full stop.

    >>> title_case([("the", "O"), ("EU", "I-ORG"), ("rejects", "O"), ("GERMAN", "I-MISC"),
    ...             ("call", "O"), ("to", "O"), ("boycott", "O"), (".", "O")])
    [('The', 'O'), ('EU', 'I-ORG'), ('Rejects', 'O'), ('German', 'I-MISC'), ('Call', 'O'), \
('to', 'O'), ('Boycott', 'O')]
    """
    out = []
    for i, (w, t) in enumerate(sent):
        if not any(c.isalpha() for c in w) or any(c.isdigit() or c == "." for c in w):
            out.append((w, t))
        elif w.isupper() and len(w) <= 4 and t != "O":
            out.append((w, t))  # an acronym: NATO, EU, U.N.
        elif i > 0 and w.lower() in SMALL:
            out.append((w.lower(), t))
        else:
            out.append((w[:1].upper() + w[1:].lower() if w.isupper() else w[:1].upper() + w[1:], t))
    while out and out[-1][0] in {".", "!", "?"} and len(out) > 1:
        out.pop()
    return out


def augment(
    docs: list[list[Sentence]],
    seed: int,
    heads_from: int = 2,
    honorifics: float = 0.5,
    recase: float = 0.0,
) -> list[list[Sentence]]:
    rng = random.Random(seed)
    out = []
    for doc in docs:
        heads = [title_case(s) for s in doc[:heads_from] if len(s) >= 3]
        body = doc
        if rng.random() < recase and len(doc[0]) >= 3:
            body = [title_case(doc[0]), *doc[1:]]
        if rng.random() < honorifics:
            body = [[(HONORIFICS.get(w, w), t) for w, t in s] for s in doc]
        out.append(heads + body)
    return out


def write_docs(docs: list[list[Sentence]], path: Path) -> None:
    with path.open("w", encoding="utf-8") as f:
        for doc in docs:
            f.write("-DOCSTART- -X- O O\n\n")
            for s in doc:
                for w, t in s:
                    f.write(f"{w} {t}\n")
                f.write("\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("train", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--silver", type=Path, help="self-training documents to append")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--heads-from", type=int, default=2, help="sentences copied as headlines")
    ap.add_argument("--honorifics", type=float, default=0.5, help="share of documents")
    ap.add_argument("--recase", type=float, default=0.0, help="share of headlines recased")
    args = ap.parse_args()
    docs = augment(read_docs(args.train), args.seed, args.heads_from, args.honorifics, args.recase)
    if args.silver:
        docs += read_docs(args.silver)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_docs(docs, args.out)
    print(f"{len(docs)} documents -> {args.out}")


if __name__ == "__main__":
    main()
