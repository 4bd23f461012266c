"""keyness has quanteda's ``textstat_keyness`` semantics (issue 15).

The expectations are those of quanteda's own tests, quanteda.textstats 0.93
``tests/testthat/test-textstat_keyness.R``, on its corpora with every word an entity (a
dictionary with one key per word). quanteda checks itself against R's ``chisq.test``
(Yates' correction for every 2x2 table), Deducer's ``likelihood.test`` and the ``svs``
package; here scipy's ``chi2_contingency`` and formulas written out stand in for them.
The rule itself is quanteda.textstats ``src/keyness.cpp``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chi2_contingency

import newsgraph
from newsgraph import InputError, InputTypeError
from newsgraph.entities import KEYNESS_CORRECTIONS, _keyness_statistic

# quanteda's test corpus: d1 = "a a a b b c c c c c c d e f g h h", d2 = "a a b c c d d d d e f h"
D1 = "a a a b b c c c c c c d e f g h h"
D2 = "a a b c c d d d d e f h"
# Every word of these corpora an entity, named by itself.
EVERY_WORD = newsgraph.Dictionary({w: [w] for w in "abcdefgh"})


def corpus(*texts: str) -> newsgraph.Corpus:
    names = [f"d{i + 1}" for i in range(len(texts))]
    return newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts, "source": names}))


def keyness(c: newsgraph.Corpus, target="d1", **kw) -> pd.DataFrame:
    return c.keyness(by="source", target=target, dictionary=EVERY_WORD, **kw)


def row(k: pd.DataFrame, entity: str) -> pd.Series:
    return k.set_index("entity").loc[entity]


def table(k: pd.DataFrame, entity: str) -> np.ndarray:
    """The entity's 2x2 table as quanteda's dfm has it: rows target and reference,
    columns the entity and all other mentions."""
    r = row(k, entity)
    ta, tb = k["n_target"].sum(), k["n_reference"].sum()
    return np.array([[r.n_target, ta - r.n_target], [r.n_reference, tb - r.n_reference]])


def g_test(x: np.ndarray, williams: bool = False) -> float:
    """Deducer's likelihood.test, which quanteda's test copies: G, or G / q."""
    g = chi2_contingency(x, correction=False, lambda_="log-likelihood")[0]
    if not williams:
        return g
    n = x.sum()
    rows, cols = (1 / x.sum(axis=1)).sum(), (1 / x.sum(axis=0)).sum()
    return g / (1 + (n * rows - 1) * (n * cols - 1) / (6 * n))


def lr_tolerance(x: np.ndarray) -> float:
    """quanteda adds 1e-9 inside each log of G: o log(o/e + 1e-9) ~ o log(o/e) + 1e-9 e,
    so its G exceeds the exact G by about 2e-9 N."""
    return 3e-9 * x.sum()


# "basic textstat_keyness works on two rows", "basic textstat_keyness lr works on two
# rows": quanteda's published orders. newsgraph gave c a b e f g h d for chi2 before:
# Yates' correction on every table, which zeroes all but the largest differences.
@pytest.mark.parametrize(
    ("measure", "correction", "target", "order"),
    [
        ("chi2", "default", "d1", "gcbhaefd"),
        ("chi2", "default", "d2", "defabhcg"),
        ("chi2", "yates", "d1", "gcbhaefd"),
        ("chi2", "yates", "d2", "defabhcg"),
        ("lr", "none", "d1", "cgbhaefd"),
        ("lr", "none", "d2", "defabhgc"),
    ],
)
def test_quanteda_orders(measure, correction, target, order):
    k = keyness(corpus(D1, D2), target, measure=measure, correction=correction)
    assert "".join(k["entity"]) == order
    assert list(k.columns) == [
        "entity_id", "entity", "label", measure, "p", "n_target", "n_reference"
    ]  # fmt: skip


def test_orders_for_every_correction():
    """The other measure/correction pairs: quanteda's tests do not list them; sorted by
    the statistic, ties (e and f, b and h have equal tables) by name."""
    c = corpus(D1, D2)
    for measure in ("chi2", "lr", "pmi"):
        for correction in KEYNESS_CORRECTIONS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                k = keyness(c, measure=measure, correction=correction)
            stat = k[measure].to_numpy()
            assert (np.diff(stat) <= 0).all(), (measure, correction)
            assert row(k, "b")[measure] == row(k, "h")[measure]
            assert "".join(k["entity"]).index("b") + 1 == "".join(k["entity"]).index("h")
            assert "".join(k["entity"]).index("e") + 1 == "".join(k["entity"]).index("f")


# "keyness_textstat chi2 computation is correct" (and "... for three rows"): the default
# equals chisq.test with Yates' correction on a table where the rule applies, and
# "none" equals it without.
@pytest.mark.parametrize(
    "texts",
    [
        ("b b b b b b b a a a", "a a a a a a a b b"),
        ("b b b b b b b a a a", "a a a a a a a b b", "a a a b b b"),
    ],
)
def test_chi2_equals_chisq_test(texts):
    c = corpus(*texts)
    default = keyness(c, correction="default")
    x = table(default, "b")
    want = chi2_contingency(x, correction=True)[0]
    assert row(default, "b").chi2 == pytest.approx(want, rel=1e-12)
    assert row(keyness(c, correction="yates"), "b").chi2 == row(default, "b").chi2
    none = keyness(c, correction="none")
    assert row(none, "b").chi2 == pytest.approx(chi2_contingency(x, correction=False)[0])
    assert row(none, "b").p == pytest.approx(chi2.sf(row(none, "b").chi2, 1))
    # a is the same table seen from the other side: the same size, negative.
    assert row(default, "a").chi2 == pytest.approx(-row(default, "b").chi2)


# "keyness_textstat lr computation is correct": G and G with Williams' correction, and
# their p-values, as Deducer's likelihood.test.
def test_lr_equals_likelihood_test():
    c = corpus("b b b b b b b a a a", "a a a a a a a b b")
    for correction, williams in (("none", False), ("williams", True)):
        k = keyness(c, measure="lr", correction=correction)
        x = table(k, "b")
        want = g_test(x, williams)
        assert row(k, "b").lr == pytest.approx(want, abs=lr_tolerance(x))
        assert row(k, "b").p == pytest.approx(chi2.sf(want, 1), rel=1e-7)


def test_lr_default_is_yates_on_the_cells():
    """quanteda's default (and "yates") moves each cell of lr's table 0.5 towards
    independence where the rule applies: scipy's G with its Yates adjustment, which is
    0.5 exactly there since then |O - E| = |ad - bc| / N >= 0.5."""
    c = corpus("b b b b b b b a a a", "a a a a a a a b b")
    k = keyness(c, measure="lr")
    want = chi2_contingency(table(k, "b"), correction=True, lambda_="log-likelihood")[0]
    assert row(k, "b").lr == pytest.approx(want, abs=lr_tolerance(table(k, "b")))
    assert row(keyness(c, measure="lr", correction="yates"), "b").lr == row(k, "b").lr


# "textstat_keyness returns correct pmi": a against the hand formula, g and the maximum
# against svs::pmi (log(29/17)).
def test_pmi():
    k = keyness(corpus(D1, D2), measure="pmi")
    assert row(k, "a").pmi == pytest.approx(math.log(3 * 29 / (5 * 17)), abs=1e-4)
    assert row(k, "g").pmi == pytest.approx(math.log(29 / 17), abs=1e-4)
    assert k["pmi"].max() == row(k, "g").pmi
    # p is taken at |pmi|, as quanteda does (1 - pchisq(abs(stat), 1)).
    assert row(k, "d").p == pytest.approx(chi2.sf(abs(row(k, "d").pmi), 1))


# "textstat_keyness correction warnings for pmi and exact"
def test_pmi_correction_warns_as_quanteda():
    c = corpus(D1, D2)
    plain = keyness(c, measure="pmi")
    for correction in ("yates", "williams"):
        with pytest.warns(UserWarning, match="correction is always none for pmi"):
            k = keyness(c, measure="pmi", correction=correction)
        pd.testing.assert_frame_equal(k, plain)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keyness(c, measure="pmi", correction="none")
        keyness(c, measure="pmi", correction="default")


# "textstat_keyness returns raw frequency counts"
def test_raw_counts():
    k = keyness(corpus(D1, D2)).set_index("entity").sort_index()
    assert k["n_target"].tolist() == [3, 2, 6, 1, 1, 1, 1, 2]
    assert k["n_reference"].tolist() == [2, 1, 2, 4, 1, 1, 0, 1]


# "keyness works correctly for default, single, and multiple targets" and
# "textstat_keyness combines non-target rows correctly"
def test_targets():
    c = corpus("a a a a a b b b c c c c ", "a b c d d d d e f g", "a b c d d e e e e f g")
    assert keyness(c, "d1").iloc[0]["n_target"] == 5
    first = keyness(c, ["d1", "d2"]).iloc[0]
    assert (first.n_target, first.n_reference) == (6, 1)
    with pytest.raises(InputError, match="reference .* has no mentions"):
        keyness(c, ["d1", "d2", "d3"])
    c3 = corpus(D1, D2, "a a a a b b c c d d d d d d")
    k = keyness(c3, "d1").set_index("entity")
    assert k.loc["d", "n_reference"] == 4 + 6


def test_yates_rule_boundaries():
    """The rule of keyness.cpp's yates_correction: |ad - bc| >= N/2 (equal counts too;
    quanteda 1.x's R keyness_lr had >) and some expected count below 5."""
    cols = [np.array([float(v)]) for v in (1, 0, 9, 10)]  # ad - bc = 10 = N/2; E11 = 0.5
    assert _keyness_statistic("chi2", "default", *cols)[0] == 0.0  # 10 - 20 * 0.5 = 0
    assert _keyness_statistic("chi2", "none", *cols)[0] == pytest.approx(20 * 100 / (19 * 100))
    lr = _keyness_statistic("lr", "default", *cols)[0]
    x = np.array([[1, 9], [0, 10]])
    want = chi2_contingency(x, correction=True, lambda_="log-likelihood")[0]
    assert want == 0 and lr == pytest.approx(want, abs=lr_tolerance(x))
    # Every expected count at least 5: no correction under the default.
    big = [np.array([float(v)]) for v in (30, 10, 70, 90)]
    for measure in ("chi2", "lr"):
        assert _keyness_statistic(measure, "default", *big)[0] == pytest.approx(
            _keyness_statistic(measure, "none", *big)[0], rel=1e-12
        )
    # |ad - bc| < N/2: no correction either, however small the counts.
    small = [np.array([float(v)]) for v in (1, 1, 16, 11)]
    assert _keyness_statistic("chi2", "default", *small)[0] == pytest.approx(
        -29 * 25 / (2 * 27 * 17 * 12)
    )


def test_correction_is_checked():
    c = corpus(D1, D2)
    with pytest.raises(InputError, match="did you mean 'yates'"):
        keyness(c, correction="yate")
    with pytest.raises(InputError, match="default, yates, williams, none"):
        keyness(c, correction="bonferroni")
    with pytest.raises(InputTypeError, match="correction must be one of"):
        keyness(c, correction=None)
    with pytest.raises(InputError, match="measure"):
        keyness(c, measure="exact")


def test_allsides_matches_the_rule(allsides_tagged):
    """On AllSides' ten largest outlets, chi2 and lr under the default correction equal
    scipy's statistics with Yates' adjustment exactly where quanteda's rule applies, and
    rows are sorted by the statistic, then name."""
    c = allsides_tagged
    outlets = c.documents()["source"].value_counts().index[:10]
    rng = np.random.default_rng(15)
    for outlet in outlets:
        for measure, lam in (("chi2", None), ("lr", "log-likelihood")):
            k = c.keyness(by="source", target=outlet, measure=measure)
            ta, tb = k["n_target"].sum(), k["n_reference"].sum()
            names = k["entity"].astype(str).to_numpy()
            stat = k[measure].to_numpy()
            tie = stat[1:] == stat[:-1]
            assert (np.diff(stat) <= 0).all() and (names[1:][tie] >= names[:-1][tie]).all()
            picks = np.r_[0:20, rng.choice(len(k), 200, replace=False)]
            for r in k.iloc[picks].itertuples():
                x = np.array([[r.n_target, ta - r.n_target], [r.n_reference, tb - r.n_reference]])
                a, b, cc, d = x[0, 0], x[1, 0], x[0, 1], x[1, 1]
                n = x.sum()
                expected = np.outer(x.sum(axis=1), x.sum(axis=0)) / n
                rule = abs(a * d - b * cc) >= n / 2 and (expected < 5).any()
                want, _, _, e = chi2_contingency(x, correction=rule, lambda_=lam)
                sign = 1 if r.n_target > e[0, 0] else -1
                tol = lr_tolerance(x) if measure == "lr" else 1e-9 * abs(want)
                got = getattr(r, measure)
                assert got == pytest.approx(sign * want, abs=tol), (outlet, r.entity)
