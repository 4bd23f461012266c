"""Giving memory back to the system between batches."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any


def _malloc_trim() -> Callable[[], Any] | None:
    """glibc's ``malloc_trim``, or None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl, or no glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    return lambda: trim(0)


_TRIM = _malloc_trim()


def release_memory() -> None:
    """Hand memory freed by the last batch back to the system.

    Python, numpy and pandas allocate through glibc, which keeps freed blocks mapped:
    over a long scan the temporaries of each batch add up to more than the data kept.
    ``malloc_trim`` returns them (a few ms); elsewhere this does nothing. (The core's
    own allocations go through mimalloc, which returns freed memory by itself.)
    """
    if _TRIM is not None:
        _TRIM()


#: Record columns kept as uint32 while batches pile up (document positions, and offsets
#: and indexes within an article, which holds under 4 GiB); they are int64 in tables.
_SMALL_INTS = ("doc", "paragraph", "sentence", "start", "end", "token_start", "token_end")
