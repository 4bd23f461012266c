"""newsgraph's PEP 517 build backend: maturin's, with portable Linux wheels.

On glibc Linux a plain maturin build links against the build machine's glibc, so
the wheel is tagged for it (``manylinux_2_34`` on a recent distribution) and does
not install on older ones. Here a non-editable wheel build on glibc Linux links with
zig (the ``ziglang`` package from PyPI, asked for by this backend for such a build
only, so editable installs do not download it) for glibc 2.17,
which gives a ``manylinux2014`` (``manylinux_2_17``) wheel: maturin gets
``--zig --compatibility manylinux2014`` appended to its arguments.

Everything else is maturin's backend unchanged: sdists, metadata, editable installs
(``pip install -e .``; ``maturin develop`` does not use this file), and wheels on
musl Linux, macOS and Windows.

Arguments for maturin given as the config setting ``maturin.build-args`` (or
``build-args``) or in the environment variable ``MATURIN_PEP517_ARGS`` are kept and
these two are added after them; if they already choose a ``--compatibility``
(or ``--manylinux``), ``--target`` or ``--zig``, nothing is added.
``NEWSGRAPH_NATIVE_WHEEL=1`` turns this off: a native wheel, as ``maturin`` builds
it, for this machine's glibc.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shlex
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from typing import Any

import maturin
from maturin import (
    build_editable,
    build_sdist,
    get_requires_for_build_editable,
    get_requires_for_build_sdist,
    prepare_metadata_for_build_editable,
    prepare_metadata_for_build_wheel,
)

__all__ = [
    "build_editable",
    "build_sdist",
    "build_wheel",
    "get_requires_for_build_editable",
    "get_requires_for_build_sdist",
    "get_requires_for_build_wheel",
    "prepare_metadata_for_build_editable",
    "prepare_metadata_for_build_wheel",
]

PORTABLE_ARGS = ["--zig", "--compatibility", "manylinux2014"]
ARGS_ENV = "MATURIN_PEP517_ARGS"
OPT_OUT_ENV = "NEWSGRAPH_NATIVE_WHEEL"
# maturin reads its arguments from the first of these config settings that is given,
# and from MATURIN_PEP517_ARGS only when neither is.
ARGS_SETTINGS = ("maturin.build-args", "build-args")
# Arguments that already decide what the portable ones would: leave the build alone.
_CHOSEN = ("--zig", "--compatibility", "--manylinux", "--target")


def _is_glibc_linux() -> bool:
    return sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


def _wants_portable() -> bool:
    if os.environ.get(OPT_OUT_ENV, "").strip().lower() in {"1", "true", "yes", "on"}:
        return False
    return _is_glibc_linux()


def _chosen(args: list[str]) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in args for flag in _CHOSEN)


def _split(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else list(value)


@contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


def _zig_python() -> str:
    """The python whose `-m ziglang` maturin runs: by default PATH's `python3`, which
    need not see the build requirements; this interpreter does."""
    given = os.environ.get("CARGO_ZIGBUILD_PYTHON_PATH")
    if given or importlib.util.find_spec("ziglang") is None:
        return given or ""
    return sys.executable


def _given(settings: Mapping[str, Any]) -> tuple[str | None, list[str]]:
    """Which config setting holds maturin's arguments (None: the environment), and them."""
    key = next((k for k in ARGS_SETTINGS if settings.get(k) is not None), None)
    args = _split(settings[key]) if key is not None else shlex.split(os.environ.get(ARGS_ENV, ""))
    return key, args


def _portable(settings: Mapping[str, Any]) -> bool:
    return _wants_portable() and not _chosen(_given(settings)[1])


def get_requires_for_build_wheel(config_settings: Mapping[str, Any] | None = None) -> list[str]:
    """maturin's requirements, and zig when the wheel is to be portable: only then, so
    an editable install or a native build does not fetch its 100 MB."""
    needs = list(maturin.get_requires_for_build_wheel(config_settings))
    return needs + ["ziglang>=0.14"] if _portable(config_settings or {}) else needs


def build_wheel(
    wheel_directory: str,
    config_settings: Mapping[str, Any] | None = None,
    metadata_directory: str | None = None,
) -> str:
    settings = dict(config_settings or {})
    if not _portable(settings):
        return maturin.build_wheel(wheel_directory, config_settings, metadata_directory)
    key, args = _given(settings)
    args += PORTABLE_ARGS
    print(f"newsgraph_build: portable wheel, maturin args {shlex.join(args)}", flush=True)
    with ExitStack() as stack:
        if key is not None:
            settings[key] = args
        else:
            stack.enter_context(_env(ARGS_ENV, shlex.join(args)))
        zig_python = _zig_python()
        if zig_python:
            stack.enter_context(_env("CARGO_ZIGBUILD_PYTHON_PATH", zig_python))
        return maturin.build_wheel(wheel_directory, settings, metadata_directory)
