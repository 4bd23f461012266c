"""People at a keyboard: progress bars, Ctrl-C, thread settings, and fork safety."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

import newsgraph


def big_corpus(n: int) -> newsgraph.Corpus:
    seeds = newsgraph.load_seeds()
    texts = [seeds.text(d) for d in seeds.doc_ids]
    df = pd.DataFrame({"text": [texts[i % len(texts)] for i in range(n)]})
    return newsgraph.Corpus.from_pandas(df, progress=False)


def run_python(code: str, env: dict | None = None, timeout: float = 240) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_ctrl_c_stops_a_long_call_and_leaves_the_corpus_usable():
    out = run_python(
        """
        import json, os, signal, threading, time
        import pandas as pd, newsgraph
        seeds = newsgraph.load_seeds()
        texts = [seeds.text(d) for d in seeds.doc_ids] * 3000
        c = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}), progress=False)
        sent = {}
        def interrupt():
            time.sleep(0.5)
            sent["t"] = time.perf_counter()
            os.kill(os.getpid(), signal.SIGINT)
        threading.Thread(target=interrupt).start()
        start = time.perf_counter()
        try:
            c.mentions(threads=1, progress=False)
            result = "finished"
        except KeyboardInterrupt:
            result = "interrupted"
        stopped = time.perf_counter()
        usable = len(c.documents()) == len(texts) and len(c.text(0)) > 0
        small = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts[:5]}))
        again = len(small.mentions()) > 0
        print(json.dumps({"result": result, "delay": stopped - sent.get("t", stopped),
                          "ran": stopped - start, "usable": usable, "again": again}))
        """
    )
    assert out["result"] == "interrupted", out
    assert out["delay"] < 2.0, out  # within a second or so, on a shared machine
    assert out["usable"] and out["again"]


CTRL_C_TRIALS = """
    import contextlib, io, json, os, random, signal, sys, threading, time
    import pandas as pd, newsgraph
    seeds = newsgraph.load_seeds()
    df = pd.DataFrame({"text": [seeds.text(d) for d in seeds.doc_ids] * 1500})
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    delays = []
    for trial in range(20):
        wait, sent = rng.uniform(0.02, 1.5), {}
        def interrupt():
            time.sleep(wait)
            sent["t"] = time.perf_counter()
            os.kill(os.getpid(), signal.SIGINT)
        thread = threading.Thread(target=interrupt)
        try:
            with contextlib.redirect_stderr(io.StringIO()):
                thread.start()
                c = newsgraph.Corpus.from_pandas(df, progress=True)
                c.mentions(progress=True)
                time.sleep(3)  # if the work finished first, the signal must still come
            delays.append(None)
        except KeyboardInterrupt:
            delays.append(time.perf_counter() - sent["t"])
        thread.join()
    print(json.dumps({"delays": delays}))
"""


def test_ctrl_c_is_never_lost_with_progress_bars():
    """SIGINT at 20 random moments of reading and tagging, bars on: every one raises
    KeyboardInterrupt within a second (the bar's own calls must not swallow it)."""
    delays = run_python(CTRL_C_TRIALS)["delays"]
    assert all(d is not None for d in delays), delays
    assert max(delays) < 1.0, delays


def test_progress_bar_shows_on_large_work_and_can_be_turned_off():
    code = """
        import json, sys, io, contextlib
        import pandas as pd, newsgraph
        seeds = newsgraph.load_seeds()
        texts = [seeds.text(d) for d in seeds.doc_ids] * 600
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            c = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}), progress=PROGRESS)
            c.mentions(progress=PROGRESS)
        print(json.dumps({"stderr": err.getvalue()}))
    """
    shown = run_python(code.replace("PROGRESS", "True"))["stderr"]
    assert "parse" in shown and "entities" in shown and "3000" in shown
    hidden = run_python(code.replace("PROGRESS", "False"))["stderr"]
    assert hidden == ""


def test_thread_count_follows_the_environment():
    code = "import json, newsgraph\nprint(json.dumps({'n': newsgraph._core.num_threads()}))"
    assert run_python(code, env={"NEWSGRAPH_NUM_THREADS": "1"})["n"] == 1
    env = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_NUM_THREADS"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert json.loads(proc.stdout)["n"] == os.cpu_count()


def _child_entities(n: int) -> list[str]:
    return big_corpus(n).entities()["entity"].head(5).tolist()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_forked_workers_do_not_deadlock():
    # The parent uses the shared thread pool first; forked children inherit its
    # bookkeeping without its threads and must still finish.
    want = _child_entities(40)
    ctx = mp.get_context("fork")
    with ctx.Pool(2) as pool:
        got = pool.map_async(_child_entities, [40, 40, 40]).get(timeout=120)
    assert got == [want, want, want]


@pytest.mark.parametrize("threads", [-1, 0, 257, 10_000, 1.5, True, "2"])
def test_a_bad_thread_count_is_an_error_that_names_it(threads):
    corpus = big_corpus(3)
    calls = [
        lambda: corpus.mentions(threads=threads),
        lambda: corpus.cooccurrence(threads=threads),
        lambda: newsgraph.load_seeds(threads=threads),
        lambda: newsgraph.tag([["Angela", "Merkel", "spoke", "."]], threads=threads),
    ]
    expected = (
        newsgraph.InputError
        if isinstance(threads, int) and threads is not True
        else (newsgraph.InputTypeError)
    )
    for call in calls:
        with pytest.raises(expected, match=rf"threads={threads!r}"):
            call()


def test_no_document_size_aborts_the_interpreter():
    """Documents from empty to 30 MB (prose with recurring names, and one with 5,000
    distinct names in a single paragraph) through every table call and co-occurrence
    scope, in a subprocess so that an abort shows as a failure, not a lost session.
    Each call either answers or raises a NewsgraphError."""
    code = textwrap.dedent(
        """
        import random, pandas as pd, newsgraph
        rng = random.Random(7)
        names = ["Olaf Scholz", "Emmanuel Macron", "Giorgia Meloni", "Berlin", "Paris",
                 "Rome", "the European Union", "NATO"]
        def prose(n_bytes):
            out, size = [], 0
            while size < n_bytes:
                s = f"{rng.choice(names)} met {rng.choice(names)} in {rng.choice(names)}. "
                if rng.random() < 0.2:
                    s += "\\n\\n"
                out.append(s)
                size += len(s)
            return "".join(out)[:n_bytes]
        first = [a + b for a in ("Al", "Be", "Ca", "Do", "El", "Fa", "Gi", "Ha", "Il", "Jo")
                 for b in ("ren", "mon", "lia", "dor", "nika")]
        last = [a + b for a in ("Kow", "Mar", "Sel", "Tor", "Bran", "Lund", "Pet", "Rus", "Vog",
                                "Wint") for b in ("alski", "tinez", "vig", "ensen", "ovich",
                                                  "berg", "ier", "ato", "ley", "mann")]
        crowd = " ".join(f"{f} {w} said." for f in first for w in last)
        texts = ["", "a", "Scholz.", prose(1_000), prose(1_000_000), prose(30_000_000), crowd]
        c = newsgraph.Corpus.from_pandas(
            pd.DataFrame({"id": range(len(texts)), "text": texts}), id="id"
        )
        print("mentions", len(c.mentions(progress=False)))
        c.entities(); c.entity_counts(by="doc_id"); c.sentences(); c.documents()
        for scope in ("document", "paragraph", "sentence", "window"):
            try:
                window = {"window": 10} if scope == "window" else {}
                co = c.cooccurrence(scope=scope, progress=False, **window)
                print(scope, co.shape)
            except newsgraph.NewsgraphError as e:
                print(scope, "refused:", type(e).__name__)
        print("done")
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "done" in proc.stdout, proc.stdout
    assert "document (" in proc.stdout and "window (" in proc.stdout
