"""newsgraph: who is mentioned in the news, how often, by which outlet, and with whom.

A Rust core parses raw articles into documents, paragraphs, sentences and tokens
with character offsets and the metadata hidden in the text (title, date, outlet,
dateline, credits), with boilerplate removed; pandas tables come out.

>>> import newsgraph
>>> corpus = newsgraph.load_seeds()
>>> corpus.documents()[["doc_id", "date", "source", "dateline"]].iloc[[1, 2, 4]]
                 doc_id       date     source dateline
1  001_4b47a35a151c059f 2023-05-26       None     None
2  002_42814e0e06be7a9f        NaT  Bloomberg     None
4  004_e8067eb3658fd9d6        NaT       None   Moscow
"""

from __future__ import annotations

import os

# The core allocates with mimalloc, which reads its options when the extension loads.
# Memory a stage frees goes back to the system after 10 ms instead of mimalloc's 1 s,
# so the next stage starts from what is live (about 40 MB less at the peak of a 100 MB
# corpus, for no measurable time). A value the user set wins.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "10")

from ._core import __version__
from .cooccur import Cooccurrence, cooccurrence, plot_timeline
from .corpus import Corpus, Document, concat
from .dictionary import Dictionary, dictionary_matches
from .exceptions import (
    CorpusFileError,
    DuplicateIdError,
    InputError,
    InputTypeError,
    MissingFileError,
    NewsgraphError,
    ParseError,
    ReadError,
    UnknownDocumentError,
    WriteError,
)
from .io import load, load_seeds, read_csv, read_dir, read_jsonl, read_parquet, seeds_path
from .ner import ENTITY_TYPES, Tagger, load_tagger, tag, train_tagger
from .stream import Scan, scan

from_pandas = Corpus.from_pandas
from_texts = Corpus.from_texts

__all__ = [
    "__version__",
    "Corpus",
    "concat",
    "load",
    "Document",
    "Cooccurrence",
    "cooccurrence",
    "plot_timeline",
    "Dictionary",
    "dictionary_matches",
    "load_seeds",
    "read_dir",
    "read_jsonl",
    "read_csv",
    "read_parquet",
    "from_pandas",
    "from_texts",
    "seeds_path",
    "ENTITY_TYPES",
    "Tagger",
    "load_tagger",
    "tag",
    "train_tagger",
    "Scan",
    "scan",
    "NewsgraphError",
    "InputError",
    "InputTypeError",
    "DuplicateIdError",
    "ParseError",
    "MissingFileError",
    "ReadError",
    "WriteError",
    "CorpusFileError",
    "UnknownDocumentError",
]
