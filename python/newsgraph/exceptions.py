"""Exceptions raised by newsgraph.

Every error newsgraph raises on purpose is a :class:`NewsgraphError`, so
``except newsgraph.NewsgraphError`` catches them all. Each also derives from the
built-in exception a Python user would expect (``ValueError``, ``TypeError``,
``FileNotFoundError``, ``KeyError``), so existing handlers keep working.
"""

from __future__ import annotations


class NewsgraphError(Exception):
    """Base class of every error newsgraph raises."""


class InputError(NewsgraphError, ValueError):
    """An argument or input value newsgraph cannot use (names the value and where it was)."""


class InputTypeError(NewsgraphError, TypeError):
    """An input value of the wrong type, such as a text that is not a string."""


class DuplicateIdError(InputError):
    """Two or more documents share an id; the message lists them."""


class ParseError(InputError):
    """Malformed input data, such as a JSON Lines row that is not valid JSON.

    ``path`` and ``line`` (1-based) say where, when known.
    """

    path: str | None = None
    line: int | None = None


class MissingFileError(NewsgraphError, FileNotFoundError):
    """A path that does not exist."""


class ReadError(NewsgraphError, OSError):
    """A file that exists but could not be read or decompressed (or, for
    :func:`newsgraph.scan`, a batch of records that could not be spilled to disk)."""


class WriteError(NewsgraphError, OSError):
    """A file newsgraph was asked to write could not be written (no such folder, no
    permission, disk full); the message names the path, the OS error is ``__cause__``."""


class CorpusFileError(ReadError):
    """A file :func:`newsgraph.load` cannot take as a corpus.

    ``reason`` says why: ``"not a corpus"`` (another kind of file), ``"truncated"`` (cut
    short, as by a full disk or an interrupted copy), ``"incompatible version"`` (written
    by a newer newsgraph), or ``"damaged"`` (its contents do not check out). ``path``
    names the file.
    """

    reason: str = ""
    path: str | None = None

    def __init__(self, message: str, reason: str, path: str | None) -> None:
        super().__init__(message)
        self.reason = reason
        self.path = path

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None]]:
        # OSError's own pickling would call __init__ with the wrong arguments.
        return (type(self), (str(self), self.reason, self.path))


class UnknownDocumentError(NewsgraphError, KeyError):
    """A document id that is not in the corpus."""

    def __str__(self) -> str:  # KeyError's str() would add quotes around the message
        return str(self.args[0]) if self.args else ""


__all__ = [
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
