"""The build backend (build_backend/newsgraph_build.py) asks maturin for a portable
manylinux2014 wheel on glibc Linux, and for zig only then; it keeps what the user
gave maturin and steps aside when told to (README "Platforms")."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

pytest.importorskip("maturin")
BACKEND = Path(__file__).resolve().parents[1] / "build_backend" / "newsgraph_build.py"


@pytest.fixture
def backend(monkeypatch):
    spec = importlib.util.spec_from_file_location("newsgraph_build_under_test", BACKEND)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    seen = {}

    def build_wheel(directory, settings, metadata):
        seen["settings"] = settings
        seen["env"] = mod.os.environ.get(mod.ARGS_ENV)
        return "built.whl"

    monkeypatch.setattr(mod.maturin, "build_wheel", build_wheel)
    monkeypatch.setattr(mod.maturin, "get_requires_for_build_wheel", lambda s=None: ["x"])
    monkeypatch.setattr(mod, "_is_glibc_linux", lambda: True)
    monkeypatch.delenv(mod.ARGS_ENV, raising=False)
    monkeypatch.delenv(mod.OPT_OUT_ENV, raising=False)
    return mod, seen


def test_glibc_linux_gets_a_portable_wheel_and_zig(backend, monkeypatch):
    mod, seen = backend
    assert mod.get_requires_for_build_wheel() == ["x", "ziglang>=0.14"]
    monkeypatch.setenv(mod.ARGS_ENV, "--features extra")
    assert mod.build_wheel("out") == "built.whl"
    assert seen["env"] == "--features extra --zig --compatibility manylinux2014"
    assert mod.os.environ[mod.ARGS_ENV] == "--features extra"  # put back afterwards
    mod.build_wheel("out", {"maturin.build-args": "--locked"})
    assert seen["settings"]["maturin.build-args"] == [
        "--locked",
        "--zig",
        "--compatibility",
        "manylinux2014",
    ]


def test_a_users_choice_or_the_opt_out_leaves_maturin_alone(backend, monkeypatch):
    mod, seen = backend
    for chosen in ("--compatibility manylinux_2_28", "--target=aarch64-unknown-linux-gnu"):
        monkeypatch.setenv(mod.ARGS_ENV, chosen)
        assert mod.get_requires_for_build_wheel() == ["x"]
        mod.build_wheel("out")
        assert seen["env"] == chosen
    monkeypatch.delenv(mod.ARGS_ENV)
    monkeypatch.setenv(mod.OPT_OUT_ENV, "1")
    assert mod.get_requires_for_build_wheel() == ["x"]
    mod.build_wheel("out", {})
    assert seen["env"] is None and seen["settings"] == {}
    monkeypatch.delenv(mod.OPT_OUT_ENV)
    monkeypatch.setattr(mod, "_is_glibc_linux", lambda: False)  # macOS, Windows, musl
    assert mod.get_requires_for_build_wheel() == ["x"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux only")
def test_the_libc_check_reads_this_machine():
    spec = importlib.util.spec_from_file_location("newsgraph_build_plain", BACKEND)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    import platform

    assert mod._is_glibc_linux() == (platform.libc_ver()[0] == "glibc")
