"""User dictionaries: concept keys with lists of patterns, matched over whole tokens.

Like quanteda's ``dictionary()`` with ``tokens_lookup()``, or flashtext: each pattern
is split into tokens exactly as article text is, and matches only whole tokens, so
``"Kyiv"`` never matches inside ``"Kyivstar"``. ``*`` in a pattern matches any run of
characters within one token and ``?`` exactly one (``"Zelensk*"``, ``"united *"``).
Matching is leftmost-longest: ``"Sergei Lavrov"`` is one match, not also ``"Lavrov"``.

>>> import newsgraph
>>> from newsgraph.dictionary import Dictionary, dictionary_matches
>>> d = Dictionary({"russia": ["Lavrov", "Sergei Lavrov"], "ukraine": ["Zelensk*", "Kyiv"]})
>>> d
<newsgraph.Dictionary: 2 keys, 4 patterns, case-insensitive: russia, ukraine>
>>> m = dictionary_matches(newsgraph.load_seeds(), d)
>>> m.loc[m["text"] == "Sergei Lavrov", "label"].iloc[0]
'russia'
>>> sorted(set(m["label"]))
['russia', 'ukraine']
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from .exceptions import InputError, InputTypeError, MissingFileError

#: Columns of :func:`dictionary_matches`.
MATCH_COLUMNS = ("doc_id", "paragraph", "sentence", "start", "end", "text", "label")


def _type_name(value: Any) -> str:
    return type(value).__name__


def _flatten(
    entries: Mapping[Any, Any], prefix: str, out: dict[str, list[str]], seen: set[int]
) -> None:
    if id(entries) in seen:
        raise InputError(f"dictionary under key {prefix!r} contains itself")
    seen = seen | {id(entries)}
    for key, value in entries.items():
        if not isinstance(key, str):
            where = f" under {prefix!r}" if prefix else ""
            raise InputTypeError(f"dictionary key {key!r}{where} is {_type_name(key)}, not str")
        if not key.strip():
            where = f" under {prefix!r}" if prefix else ""
            raise InputError(f"dictionary key {key!r}{where} is empty; every key needs a name")
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(value, name, out, seen)
            continue
        if isinstance(value, str):
            values: list[Any] = [value]
        elif isinstance(value, (set, frozenset)):
            values = sorted(value, key=str)
        elif isinstance(value, (Sequence, np.ndarray, pd.Series, pd.Index)) and not isinstance(
            value, (bytes, bytearray)
        ):
            values = list(value)
        else:
            raise InputTypeError(
                f"dictionary key {name!r} has a value of type {_type_name(value)} "
                f"({value!r:.60}); give a pattern string, a list of pattern strings, "
                "or a mapping of sub-keys"
            )
        patterns = []
        for p in values:
            if not isinstance(p, str):
                hint = " (quote it in YAML)" if isinstance(p, (bool, int, float)) else ""
                raise InputTypeError(
                    f"pattern {p!r} under dictionary key {name!r} is {_type_name(p)}, not str{hint}"
                )
            if not p.strip():
                raise InputError(
                    f"pattern {p!r} under dictionary key {name!r} is empty or only whitespace"
                )
            patterns.append(p)
        if name in out:
            raise InputError(
                f"dictionary key {name!r} is given twice (nested keys are joined with '.')"
            )
        out[name] = patterns


def _read_source(path_or_text: Any, suffixes: tuple[str, ...], what: str) -> str:
    """The text of a file given by path, or the text itself."""
    if isinstance(path_or_text, os.PathLike):
        path: Path | None = Path(path_or_text)
    elif isinstance(path_or_text, str):
        looks_like_path = "\n" not in path_or_text and (
            path_or_text.lower().endswith(suffixes) or os.path.isfile(path_or_text)
        )
        if not looks_like_path:
            return path_or_text
        path = Path(path_or_text)
    else:
        raise InputTypeError(
            f"{what} needs a path or the dictionary text as str, got {_type_name(path_or_text)}"
        )
    if not path.exists():
        raise MissingFileError(2, "No such file or directory", str(path))
    if path.is_dir():
        raise InputError(f"{what} needs a file, but {str(path)!r} is a folder")
    return path.read_text(encoding="utf-8")


class Dictionary:
    """Keys, each with a list of patterns to find in the text.

    ``entries`` maps each key to a pattern, a list of patterns, or (quanteda style) a
    mapping of sub-keys, flattened into keys joined by ``"."``. A pattern may span
    several tokens (``"Sergei Lavrov"``) and use ``*`` (any characters within one
    token) and ``?`` (exactly one character). Without ``case_sensitive``, matching
    compares lowercase forms. ``len()`` is the number of keys.

    >>> d = Dictionary({"countries": {"europe": ["Germany", "France"], "asia": "China"}})
    >>> d.keys
    ['countries.europe', 'countries.asia']
    >>> len(d), d.n_patterns
    (2, 3)
    >>> d.to_dict()
    {'countries.europe': ['Germany', 'France'], 'countries.asia': ['China']}
    >>> Dictionary({"russia": ["Lavrov", ""]})
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: pattern '' under dictionary key 'russia' is empty...
    """

    def __init__(
        self, entries: Mapping[str, Any] | Dictionary, case_sensitive: bool = False
    ) -> None:
        if isinstance(entries, Dictionary):
            entries = entries.to_dict()
        if not isinstance(entries, Mapping):
            raise InputTypeError(
                f"a Dictionary needs a mapping of keys to patterns, got {_type_name(entries)}"
            )
        if not isinstance(case_sensitive, (bool, np.bool_)):
            raise InputTypeError(f"case_sensitive must be True or False, got {case_sensitive!r}")
        flat: dict[str, list[str]] = {}
        _flatten(entries, "", flat, set())
        self._entries = flat
        self._case_sensitive = bool(case_sensitive)
        self._fingerprint: str | None = None
        self._core = _core.DictionaryCore(list(flat.items()), self._case_sensitive)

    @classmethod
    def from_yaml(cls, path_or_text: str | os.PathLike[str], case_sensitive: bool = False):
        """Read a dictionary in quanteda's YAML format: nested keys, lists of patterns.

        ``path_or_text`` is a path to a ``.yml``/``.yaml`` file or the YAML itself.
        Needs PyYAML (``pip install pyyaml``).

        >>> Dictionary.from_yaml('''
        ... people:
        ...   russia: [Lavrov, Putin]
        ...   ukraine:
        ...     - Zelensk*
        ... places: Kyiv
        ... ''').to_dict()
        {'people.russia': ['Lavrov', 'Putin'], 'people.ukraine': ['Zelensk*'], 'places': ['Kyiv']}
        """
        try:
            import yaml
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("Dictionary.from_yaml needs PyYAML: pip install pyyaml") from e
        text = _read_source(path_or_text, (".yml", ".yaml"), "Dictionary.from_yaml")
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as e:
            raise InputError(f"dictionary YAML could not be read: {e}") from e
        return cls._from_loaded(data, "YAML", case_sensitive)

    @classmethod
    def from_json(cls, path_or_text: str | os.PathLike[str], case_sensitive: bool = False):
        """Read a dictionary from JSON: an object of keys to patterns or nested objects.

        ``path_or_text`` is a path to a ``.json`` file or the JSON itself.

        >>> Dictionary.from_json('{"china": ["Xi Jinping", "Beijing"]}')
        <newsgraph.Dictionary: 1 key, 2 patterns, case-insensitive: china>
        """
        text = _read_source(path_or_text, (".json",), "Dictionary.from_json")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"dictionary JSON could not be read: {e}") from e
        return cls._from_loaded(data, "JSON", case_sensitive)

    @classmethod
    def _from_loaded(cls, data: Any, fmt: str, case_sensitive: bool) -> Dictionary:
        if not isinstance(data, Mapping):
            raise InputError(
                f"a {fmt} dictionary must be a mapping of keys to patterns at the top, "
                f"got {_type_name(data)} {data!r:.60}"
            )
        return cls(data, case_sensitive=case_sensitive)

    @property
    def keys(self) -> list[str]:
        """Key names (nested keys joined by ``"."``), in the order given."""
        return list(self._entries)

    @property
    def n_patterns(self) -> int:
        """Number of patterns over all keys."""
        return sum(len(v) for v in self._entries.values())

    @property
    def case_sensitive(self) -> bool:
        return self._case_sensitive

    def __len__(self) -> int:
        return len(self._entries)

    def to_dict(self) -> dict[str, list[str]]:
        """Flat ``{key: [patterns]}``, nested keys joined by ``"."``."""
        return {k: list(v) for k, v in self._entries.items()}

    @property
    def fingerprint(self) -> str:
        """A hash of the keys, patterns and case rule: equal dictionaries have equal
        fingerprints (a corpus caches, and saves, dictionary matches under it).

        >>> Dictionary({"a": "x"}).fingerprint == Dictionary({"a": ["x"]}).fingerprint
        True
        """
        if self._fingerprint is None:
            import hashlib
            import json

            data = json.dumps([self._case_sensitive, list(self._entries.items())])
            self._fingerprint = hashlib.blake2b(data.encode(), digest_size=8).hexdigest()
        return self._fingerprint

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Dictionary):
            return NotImplemented
        return self._entries == other._entries and self._case_sensitive == other._case_sensitive

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        n = len(self)
        keys = list(self._entries)
        shown = ", ".join(keys[:5]) + (", ..." if n > 5 else "")
        case = "case-sensitive" if self._case_sensitive else "case-insensitive"
        return (
            f"<newsgraph.Dictionary: {n} key{'s' if n != 1 else ''}, {self.n_patterns} "
            f"pattern{'s' if self.n_patterns != 1 else ''}, {case}"
            f"{': ' + shown if keys else ''}>"
        )


def dictionary_matches(
    corpus: Any,
    dictionary: Dictionary | Mapping[str, Any],
    threads: int | None = None,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Every dictionary match in a corpus, one row per (match, key).

    Columns: ``doc_id, paragraph, sentence, start, end, text, label``. ``start`` and ``end`` are
    character offsets into ``corpus.text(doc_id)``, so the slice is ``text``; ``label``
    is the key. Matches never cross sentences and are leftmost-longest; when one span
    matches patterns of several keys there is one row per key. Rows are in document
    and reading order whatever the number of ``threads``. ``progress`` as in
    :meth:`Corpus.mentions`.

    >>> import newsgraph
    >>> corpus = newsgraph.load_seeds()
    >>> m = dictionary_matches(corpus, {"china": ["Xi Jinping", "Beijing"]})
    >>> list(m.columns)
    ['doc_id', 'paragraph', 'sentence', 'start', 'end', 'text', 'label']
    >>> row = m.iloc[0]
    >>> corpus.text(row["doc_id"])[row["start"] : row["end"]] == row["text"]
    True
    """
    if not isinstance(dictionary, Dictionary):
        if isinstance(dictionary, Mapping):
            dictionary = Dictionary(dictionary)
        else:
            raise InputTypeError(
                "dictionary must be a newsgraph Dictionary or a mapping of keys to "
                f"patterns, got {_type_name(dictionary)}"
            )
    from .frame import visible

    return visible(_matches_frame(corpus, dictionary, threads, corpus._show_progress(progress)))


def _matches_frame(
    corpus: Any, dictionary: Dictionary, threads: int | None, progress: bool
) -> pd.DataFrame:
    """:func:`dictionary_matches` plus the hidden ``_doc``, ``_ts``, ``_te`` (document
    position and token span)."""
    from .frame import categorical, doc_column

    cols = _core.dictionary_matches(
        corpus._articles, dictionary._core, threads=threads, progress=progress
    )
    doc = np.asarray(cols["doc"], dtype=np.int64)
    return pd.DataFrame(
        {
            "doc_id": doc_column(corpus._ids, doc),
            "paragraph": cols["paragraph"],
            "sentence": cols["sentence"],
            "start": cols["start"],
            "end": cols["end"],
            "text": categorical(cols["form"], cols["forms"], sort=False),  # sorted in Rust
            "label": categorical(cols["key"], dictionary._core.keys()),
            "_doc": doc,
            "_ts": cols["token_start"],
            "_te": cols["token_end"],
        },
        columns=[*MATCH_COLUMNS, "_doc", "_ts", "_te"],
        copy=False,  # fresh arrays from the core (see frame.mentions_frame)
    )


__all__ = ["Dictionary", "dictionary_matches"]
