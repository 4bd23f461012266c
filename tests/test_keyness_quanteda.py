"""keyness has quanteda's ``textstat_keyness`` semantics (issue 15).

The expectations are those of quanteda's own tests, quanteda.textstats 0.93
``tests/testthat/test-textstat_keyness.R``, on its corpora with every word an entity (a
dictionary with one key per word). quanteda checks itself against R's ``chisq.test``
(Yates' correction for every 2x2 table), R's ``fisher.test`` (``measure="exact"``),
Deducer's ``likelihood.test`` and the ``svs`` package; here scipy's
``chi2_contingency``, ``fisher_exact``, ``contingency.odds_ratio(kind="conditional")``
and formulas written out stand in for them. The rule itself is quanteda.textstats
``src/keyness.cpp``; ``exact`` is ``keyness_exact`` in ``R/textstat_keyness.R``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2, chi2_contingency, fisher_exact
from scipy.stats.contingency import odds_ratio

import newsgraph
from newsgraph import InputError, InputTypeError
from newsgraph.entities import KEYNESS_CORRECTIONS, _fisher_exact, _keyness_statistic

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
        # "basic textstat_keyness exact works on two rows"
        ("exact", "default", "d1", "gcbhaefd"),
        ("exact", "default", "d2", "defabhcg"),
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
    for measure in ("chi2", "exact", "lr", "pmi"):
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
@pytest.mark.parametrize("measure", ["pmi", "exact"])
def test_correction_warns_as_quanteda(measure):
    c = corpus(D1, D2)
    plain = keyness(c, measure=measure)
    for correction in ("yates", "williams"):
        with pytest.warns(UserWarning, match=f"correction is always none for {measure}"):
            k = keyness(c, measure=measure, correction=correction)
        pd.testing.assert_frame_equal(k, plain)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        keyness(c, measure=measure, correction="none")
        keyness(c, measure=measure, correction="default")


# "textstat_keyness returns raw frequency counts" (chi2, exact and lr)
@pytest.mark.parametrize("measure", ["chi2", "exact", "lr"])
def test_raw_counts(measure):
    k = keyness(corpus(D1, D2), measure=measure).set_index("entity").sort_index()
    assert k["n_target"].tolist() == [3, 2, 6, 1, 1, 1, 1, 2]
    assert k["n_reference"].tolist() == [2, 1, 2, 4, 1, 1, 0, 1]


# "keyness_textstat exact computation is correct": the first feature (a) of quanteda's
# 2x2 dfm gets fisher.test's estimate and p-value on that dfm as a matrix, rows d1 and
# d2, columns a and b: [[3, 7], [7, 2]]. R's estimate is the conditional MLE, which
# scipy's odds_ratio(kind="conditional") computes; the sample odds ratio (ad/bc, what
# fisher_exact returns as its statistic) is another number.
def test_exact_equals_fisher_test():
    k = keyness(corpus("b b b b b b b a a a", "a a a a a a a b b"), measure="exact")
    x = [[3, 7], [7, 2]]
    assert table(k, "a").tolist() == x
    conditional = odds_ratio(x, kind="conditional").statistic
    assert row(k, "a").exact == pytest.approx(conditional, rel=1e-9)
    assert row(k, "a").exact != pytest.approx(3 * 2 / (7 * 7), rel=1e-3)
    assert row(k, "a").p == pytest.approx(fisher_exact(x).pvalue, rel=1e-12)  # two-sided
    # b's table is a's with the columns swapped: the inverse odds ratio, the same p.
    assert row(k, "b").exact == pytest.approx(1 / row(k, "a").exact, rel=1e-9)
    assert row(k, "b").p == pytest.approx(row(k, "a").p, rel=1e-12)
    assert list(k.columns)[3] == "exact" and "".join(k["entity"]) == "ba"


def test_exact_on_small_tables_equals_scipy():
    """Every table with cells up to 6 (and a few large ones): scipy's conditional odds
    ratio and two-sided p; where the margins pin ``a`` (scipy: NaN), R's 0 and p = 1."""
    cells = np.array(
        [t for t in np.ndindex(7, 7, 7, 7)]
        + [(500, 20000, 700, 900000), (3, 120000, 40, 80000), (2000, 1, 3000, 7)],
        dtype=float,
    )
    estimate, p = _fisher_exact(*cells.T)
    for (a, b, c, d), got, got_p in zip(cells.astype(int), estimate, p, strict=True):
        x = [[a, c], [b, d]]
        assert got_p == pytest.approx(fisher_exact(x).pvalue, rel=1e-9), x
        lo, hi = max(0, a + c - (c + d)), min(a + c, a + b)
        if lo == hi:
            assert got == 0 and got_p == 1, x
            continue
        want = odds_ratio(x, kind="conditional").statistic
        assert got == pytest.approx(want, rel=1e-8), x


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
    with pytest.raises(InputError, match="unknown measure 'exakt' .*did you mean 'exact'"):
        keyness(c, measure="exakt")


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


def test_allsides_exact_equals_scipy(allsides_tagged):
    """exact on AllSides' largest outlet: scipy's conditional odds ratio and two-sided
    p on the top rows and a sample, sorted by the odds ratio (inf first), then name."""
    c = allsides_tagged
    outlet = c.documents()["source"].value_counts().index[0]
    k = c.keyness(by="source", target=outlet, measure="exact")
    stat, names = k["exact"].to_numpy(), k["entity"].astype(str).to_numpy()
    tie = stat[1:] == stat[:-1]
    assert (np.diff(stat[np.isfinite(stat)]) <= 0).all()
    assert (names[1:][tie] >= names[:-1][tie]).all()
    ta, tb = k["n_target"].sum(), k["n_reference"].sum()
    rng = np.random.default_rng(15)
    finite = np.flatnonzero(np.isfinite(stat) & (stat > 0))
    for r in k.iloc[np.r_[finite[:10], rng.choice(finite, 100, replace=False)]].itertuples():
        x = [[r.n_target, ta - r.n_target], [r.n_reference, tb - r.n_reference]]
        assert r.exact == pytest.approx(odds_ratio(x, kind="conditional").statistic, rel=1e-8)
        assert r.p == pytest.approx(fisher_exact(x).pvalue, rel=1e-7, abs=1e-300)
