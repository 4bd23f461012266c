"""Helpers the benchmark scripts share: machine description and the results file."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS.md"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_state() -> str:
    """The repo's commit, marked ``-dirty`` with uncommitted changes (or "unknown")."""
    try:
        out = subprocess.run(
            ["git", "-C", str(REPO), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def machine() -> str:
    """One line: cores, CPU, load average (the machines are shared: quote ratios)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores, {cpu_model()}, load average {load}"


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace the part of ``path`` under ``heading`` (up to the next ``## `` heading), or
    append it. ``section`` starts with ``heading``; ``### `` subsections stay inside."""
    if path.exists():
        old = path.read_text(encoding="utf-8")
    else:
        old = "# newsgraph benchmark results\n\nWritten by the scripts in `benchmarks/`.\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: section.rstrip("\n") + "\n\n", old, count=1)
    else:
        new = old.rstrip("\n") + "\n\n" + section
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new.rstrip("\n") + "\n", encoding="utf-8")


# spaCy's English models use the OntoNotes scheme; this folds it into CoNLL's four types.
# Numeric types have no CoNLL counterpart and are dropped (absent from the map).
SPACY_TO_CONLL = {
    "PERSON": "PER",
    "ORG": "ORG",
    "GPE": "LOC",
    "LOC": "LOC",
    "FAC": "LOC",
    "NORP": "MISC",
    "EVENT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
    "PRODUCT": "MISC",
}


def status_mb(field: str) -> float:
    """A ``/proc/self/status`` memory field (VmRSS, VmHWM) in MB; NaN off Linux."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def reset_peak() -> None:
    """Reset the kernel's high-water mark (VmHWM), so the next reading is of what
    follows, not of what came before."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def run_child(script: str, args: list[str]) -> dict:
    """Run ``script --child ...`` in a fresh process; its last stdout line is JSON."""
    cmd = [sys.executable, script, "--child", *args]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def publish(lines: list[str], out: str, heading: str) -> None:
    """Print a section and write it to the results file ``out`` under ``heading``
    (``out == "-"``: print only)."""
    section = "\n".join(lines) + "\n"
    print(section)
    if out != "-":
        write_section(Path(out), heading, section)
