"""The one place public calls check their arguments (issue 18).

Every check raises :class:`~newsgraph.InputError` (a ``ValueError``) or
:class:`~newsgraph.InputTypeError` (a ``TypeError``), both
:class:`~newsgraph.NewsgraphError`, with a message that names the argument, shows the
bad value and says what is allowed. Thread counts are checked by the core
(``_core.check_threads``), which every long call goes through.
"""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import InputError, InputTypeError, MissingFileError


def path(value: Any) -> Path:
    """An existing file or folder (``~`` expanded)."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputTypeError(
            f"path must be a file or folder path (str or os.PathLike), got "
            f"{type(value).__name__}: {value!r}"
        )
    p = Path(value).expanduser()
    if not p.exists():
        raise MissingFileError(2, "No such file or directory", str(p))
    return p


def paths(value: Any, who: str, folder_glob: str | None = None) -> list[Path]:
    """The files a path, glob pattern or list of them names, in order. A folder gives
    its ``folder_glob`` files in name order (or is an error without one)."""
    import glob as globmod

    if isinstance(value, (str, os.PathLike)):
        items = [value]
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise InputTypeError(f"paths must be a path or a list of paths, got {type(value).__name__}")
    out: list[Path] = []
    for item in items:
        if not isinstance(item, (str, os.PathLike)):
            raise InputTypeError(f"paths must be paths, got {type(item).__name__} {item!r:.60}")
        p = Path(item).expanduser()
        if not p.exists() and globmod.has_magic(str(p)):
            hits = sorted(globmod.glob(str(p)))
            if not hits:
                raise MissingFileError(2, "No such file or directory (no match)", str(p))
            out.extend(Path(h) for h in hits)
        elif not p.exists():
            raise MissingFileError(2, "No such file or directory", str(p))
        elif p.is_dir():
            if folder_glob is None:
                raise InputError(f"{who} needs files, but {str(p)!r} is a folder")
            found = sorted(p.glob(folder_glob))
            if not found:
                raise InputError(f"no {folder_glob} files in the folder {str(p)!r}")
            out.extend(found)
        else:
            out.append(p)
    if not out:
        raise InputError(f"{who} needs at least one file")
    return out


#: Environment variable that decides progress bars where ``progress=None``: ``1`` on,
#: ``0`` off; unset or empty, the terminal/Jupyter rule below.
PROGRESS_ENV = "NEWSGRAPH_PROGRESS"


def progress(value: Any) -> bool:
    """Whether a long call draws a progress bar: ``value`` when it is True or False,
    else (None, the default everywhere) what ``NEWSGRAPH_PROGRESS`` says (``1`` on,
    ``0`` off), else whether stderr is a terminal or a Jupyter kernel shows the output.

    The one place the default is decided: the core draws a ``tqdm.auto`` bar whenever
    it is asked to, and a bar written to a file or a pipe is a carriage-return line per
    update in logs and CI output. The variable is read at each call, so a job can set
    it without touching code; any other value than ``0`` or ``1`` is an error rather
    than silently ignored, so a typo (``NEWSGRAPH_PROGRESS=no``) does not go unnoticed.

    >>> progress(False), progress(True)
    (False, True)
    >>> import os
    >>> os.environ["NEWSGRAPH_PROGRESS"] = "1"
    >>> progress(None), progress(False)
    (True, False)
    >>> os.environ["NEWSGRAPH_PROGRESS"] = "off"
    >>> progress(None)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: NEWSGRAPH_PROGRESS must be 0 or 1 (or unset), got 'off'
    >>> del os.environ["NEWSGRAPH_PROGRESS"]
    >>> progress("no")
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputTypeError: progress must be True, False or None, got 'no'
    """
    if value is None:
        raw = os.environ.get(PROGRESS_ENV, "")
        forced = raw.strip()
        if forced in ("0", "1"):
            return forced == "1"
        if forced:
            raise InputError(f"{PROGRESS_ENV} must be 0 or 1 (or unset), got {raw!r}")
        return _stderr_is_terminal() or _in_jupyter()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise InputTypeError(f"progress must be True, False or None, got {value!r}")


def _stderr_is_terminal() -> bool:
    stream = sys.stderr
    try:
        return stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _in_jupyter() -> bool:
    """A Jupyter kernel, where ``tqdm.auto`` draws a widget rather than text (the test
    is tqdm's own: its kernel's config has ``IPKernelApp``)."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    try:
        shell = ipython.get_ipython()
        return shell is not None and "IPKernelApp" in shell.config
    except Exception:  # an IPython too old or too new to ask: assume no kernel
        return False


def fields(text: Any, id: Any) -> None:
    """``text`` names a field or column (a non-empty string); ``id`` too, or is None."""
    if not isinstance(text, str) or not text:
        raise InputTypeError(f"text must name the text field or column, got {text!r}")
    if id is not None and (not isinstance(id, str) or not id):
        raise InputTypeError(f"id must name the id field or column, or be None, got {id!r}")


def integer(name: str, value: Any, minimum: int | None = None) -> int:
    """``value`` as an int at least ``minimum``.

    >>> integer("window", 3, minimum=1)
    3
    >>> integer("window", True)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputTypeError: window must be an int, got True
    >>> integer("batch_size", 0, minimum=1)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: batch_size must be an int of at least 1, got 0
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputTypeError(f"{name} must be an int, got {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(f"{name} must be an int of at least {minimum}, got {value!r}")
    return int(value)


def number(name: str, value: Any) -> float:
    """``value`` as a number (bools are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise InputTypeError(f"{name} must be a number, got {value!r}")
    return value


def one_of(name: str, value: Any, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, else an error with the closest match.

    >>> one_of("scope", "sentense", ["document", "sentence"])
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: unknown scope 'sentense' (did you mean 'sentence'?): ...
    """
    allowed = list(allowed)
    if value not in allowed:
        close = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"unknown {name} {value!r}{hint}: use one of {', '.join(allowed)}")
    return value


def doc_column(by: Any, columns: Iterable[Any], verb: str = "group") -> Any:
    """``by`` if it names a column of ``corpus.documents()``."""
    columns = list(columns)
    if by not in columns:
        raise InputError(
            f"cannot {verb} by {by!r}: it is not a documents() column; choose from "
            f"{', '.join(map(str, columns))}"
        )
    return by


def periods(values: Any, freq: Any) -> Any:
    """Dates (a Series or DatetimeIndex) as pandas periods of ``freq`` ("M", "W", "Y").

    >>> periods(pd.Series(pd.to_datetime(["2024-06-03"])), "Q2")
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: freq='Q2' is not a pandas period frequency ...
    """
    try:
        if isinstance(values, pd.Series):
            return pd.to_datetime(values).dt.to_period(freq)
        return pd.DatetimeIndex(values).to_period(freq)
    except (ValueError, TypeError, AttributeError) as e:
        raise InputError(
            f"freq={freq!r} is not a pandas period frequency (such as 'D', 'W', 'M', 'Q', 'Y'): {e}"
        ) from None
