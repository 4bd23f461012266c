"""Plots (issue 15): each one rendered to PNG (Agg) on text written here, on the seeds
and on AllSides, checking what the picture shows rather than that it was drawn: the
edges drawn (only positive associations, at most k per entity, the strongest), the
labels beside their nodes, the colour scale and order of the heatmap, label sizes,
the Axes given back, and byte-identical PNGs from two renders.
"""

from __future__ import annotations

import doctest
import io
import itertools
import time

import matplotlib
import numpy as np
import pandas as pd
import pytest

import newsgraph
from newsgraph import plots
from newsgraph.exceptions import InputError, InputTypeError, NewsgraphError

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from matplotlib.collections import LineCollection, PathCollection  # noqa: E402
from matplotlib.colors import LogNorm  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

# Two groups of made-up names: each pair within a group is seen together in PAIR
# sentences, one pair across the groups once (so its npmi is negative), and each name
# alone a different number of times, so that the most-mentioned order interleaves them.
GROUP_A = ["Alpha", "Beta", "Gamma", "Delta"]
GROUP_B = ["Kappa", "Lambda", "Sigma", "Omega"]
PAIR = 20
ALONE = dict(zip(["Alpha", "Kappa", "Beta", "Lambda", "Gamma", "Sigma", "Delta", "Omega"],
                 range(8, 0, -1), strict=True))  # fmt: skip
NAMES = newsgraph.Dictionary({n: [n] for n in GROUP_A + GROUP_B})


@pytest.fixture(scope="module")
def two_groups() -> newsgraph.Cooccurrence:
    sentences = []
    for group in (GROUP_A, GROUP_B):
        for a, b in itertools.combinations(group, 2):
            sentences += [f"{a} and {b} met."] * PAIR
    sentences.append("Alpha and Kappa met.")
    for name, n in ALONE.items():
        sentences += [f"{name} spoke."] * n
    # Ten sentences a document, so that no document is one long paragraph.
    texts = [" ".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10)]
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": texts}))
    return corpus.cooccurrence(scope="sentence", dictionary=NAMES, model=False)


@pytest.fixture(scope="module")
def seeds_co(seeds) -> newsgraph.Cooccurrence:
    return seeds.cooccurrence(scope="sentence")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def png(ax) -> bytes:
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=80)
    return buf.getvalue()


def drawn_edges(ax, by: str = "label") -> list[tuple]:
    """The pairs of nodes (their ``label``s, or entity ids with ``by="id"``) the drawn
    lines join, found from the lines' end points."""
    g = ax.newsgraph_graph
    at = {
        tuple(np.round(d["pos"], 6)): v if by == "id" else d["label"] for v, d in g.nodes(data=True)
    }
    (lines,) = [c for c in ax.collections if isinstance(c, LineCollection)]
    return [
        tuple(sorted(at[tuple(np.round(p, 6))] for p in seg[[0, -1]]))
        for seg in lines.get_segments()
    ]


def npmi_of_pairs(co, by: str = "label") -> dict[tuple, float]:
    """npmi of each pair seen together (sorted labels, or ids with ``by="id"``), from
    the long table. Labels can repeat (one name, two types), ids cannot."""
    t = co.to_pandas()
    t = t[t["source_id"] != t["target_id"]]
    s, d = ("source_id", "target_id") if by == "id" else ("source", "target")
    return {tuple(sorted((a, b))): v for a, b, v in zip(t[s], t[d], t["npmi"], strict=True)}


def test_module_examples_run():
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    assert doctest.testmod(plots, optionflags=flags).failed == 0


# -- network ----------------------------------------------------------------------------


def test_network_draws_only_positive_associations(two_groups):
    npmi = npmi_of_pairs(two_groups)
    assert npmi[("Alpha", "Kappa")] < 0  # the text makes one negative pair
    fig, ax = plt.subplots()
    assert two_groups.plot_network(top=8, max_edges_per_node=None, ax=ax) is ax
    png(ax)
    drawn = drawn_edges(ax)
    assert len(drawn) == ax.newsgraph_graph.number_of_edges() == 12  # the within pairs
    assert all(npmi[p] > 0 for p in drawn)
    assert ("Alpha", "Kappa") not in drawn
    # positive=False draws the negative pair too.
    ax = two_groups.plot_network(top=8, max_edges_per_node=None, positive=False)
    assert ("Alpha", "Kappa") in drawn_edges(ax)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_network_keeps_at_most_k_strongest_links(two_groups, seeds_co, k):
    for co, top in ((two_groups, 8), (seeds_co, 30)):
        ax = co.plot_network(top=top, max_edges_per_node=k)
        png(ax)
        drawn = drawn_edges(ax, by="id")
        degree = pd.Series([e for p in drawn for e in p]).value_counts()
        assert degree.max() <= k
        # Greedy strongest first: a positive pair left out has an end whose k links
        # are all at least as strong (it was full when the pair's turn came).
        npmi = npmi_of_pairs(co, by="id")
        shown = set(ax.newsgraph_graph)
        left_out = {p for p in npmi if set(p) <= shown and npmi[p] > 0} - set(drawn)
        assert left_out or k == 3
        for p in left_out:
            assert any(
                degree.get(e, 0) == k and min(npmi[q] for q in drawn if e in q) >= npmi[p]
                for e in p
            ), p


def test_network_labels_sit_beside_their_nodes(seeds_co):
    ax = seeds_co.plot_network(top=30)
    png(ax)  # draws, so extents are final
    renderer = ax.figure.canvas.get_renderer()
    (nodes,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    centres = ax.transData.transform(nodes.get_offsets())
    radii = np.sqrt(nodes.get_sizes()) / 2 * ax.figure.dpi / 72
    labels = [t for t in ax.texts if isinstance(t, Annotation)]
    assert len(labels) == len(centres) == 30
    for t in labels:
        assert t.get_fontsize() >= 8
        (i,) = np.flatnonzero(np.all(np.isclose(nodes.get_offsets(), t.xy), axis=1))
        box = t.get_window_extent(renderer)
        # Distance from the node's centre to the nearest point of the label's box.
        dx = max(box.x0 - centres[i, 0], 0, centres[i, 0] - box.x1)
        dy = max(box.y0 - centres[i, 1], 0, centres[i, 1] - box.y1)
        assert np.hypot(dx, dy) >= radii[i], t.get_text()
        assert t.get_path_effects(), "labels have a halo"


def test_network_node_area_follows_mentions(seeds_co):
    ax = seeds_co.plot_network(top=20)
    (nodes,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    g = ax.newsgraph_graph
    mentions = np.array([g.nodes[v]["mentions"] for v in g], dtype=float)
    want = dict(zip(seeds_co.entity_ids.tolist(), seeds_co.mention_counts.tolist(), strict=True))
    assert mentions.tolist() == [want[v] for v in g]
    sizes = nodes.get_sizes()
    # Area (marker size) is linear in mentions, so the radius grows as the square
    # root: a straight line through the sizes, rising.
    slope, intercept = np.polyfit(mentions, sizes, 1)
    assert slope > 0 and np.allclose(slope * mentions + intercept, sizes)


def test_network_communities_coloured_and_named(two_groups):
    ax = two_groups.plot_network(top=8)
    g = ax.newsgraph_graph
    community = {g.nodes[v]["label"]: g.nodes[v]["community"] for v in g}
    assert len({community[n] for n in GROUP_A}) == 1
    assert len({community[n] for n in GROUP_B}) == 1
    assert community["Alpha"] != community["Kappa"]
    (nodes,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    colours = {tuple(c) for c in nodes.get_facecolors()}
    assert len(colours) == 2
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 2 and any("Alpha" in t for t in legend)
    plain = two_groups.plot_network(top=8, communities=False)
    (nodes,) = [c for c in plain.collections if isinstance(c, PathCollection)]
    assert len({tuple(c) for c in nodes.get_facecolors()}) == 1
    assert plain.get_legend() is None


def test_network_is_deterministic(seeds_co):
    first = png(seeds_co.plot_network(top=30))
    plt.close("all")
    assert png(seeds_co.plot_network(top=30)) == first
    assert png(seeds_co.plot_network(top=30, seed=1)) != first


def test_network_of_an_ordered_matrix_renders(seeds):
    co = seeds.cooccurrence(scope="sentence", ordered=True)
    ax = co.plot_network(top=15, max_edges_per_node=3)
    png(ax)
    assert max(d for _, d in ax.newsgraph_graph.degree()) <= 3


# -- heatmap ----------------------------------------------------------------------------


def test_heatmap_counts_on_a_log_scale(seeds_co):
    fig, ax = plt.subplots()
    assert seeds_co.plot_heatmap(top=20, ax=ax) is ax
    png(ax)
    (im,) = ax.images
    assert isinstance(im.norm, LogNorm)
    data = im.get_array()
    # Pairs never seen together are masked (grey), not given a colour of the scale.
    counts = seeds_co.to_scipy()
    assert data.mask.any() and (data.compressed() > 0).all()
    assert im.norm.vmax == data.max() <= counts.max()
    linear = seeds_co.plot_heatmap(top=20, log=False)
    assert not isinstance(linear.images[0].norm, LogNorm)


def test_heatmap_labels_readable(seeds_co):
    ax = seeds_co.plot_heatmap(top=30)
    png(ax)
    ticks = ax.get_xticklabels() + ax.get_yticklabels()
    assert len(ticks) == 60 and all(t.get_fontsize() >= 8 for t in ticks)
    (bar,) = [a for a in ax.figure.axes if a is not ax]
    assert "count" in bar.get_ylabel() and "log" in bar.get_ylabel()
    assert bar.yaxis.label.get_fontsize() >= 8


def test_heatmap_measure_diverges_from_zero(seeds_co):
    ax = seeds_co.plot_heatmap(top=20, measure="npmi")
    (im,) = ax.images
    assert im.norm.vmin == -im.norm.vmax and not isinstance(im.norm, LogNorm)
    assert im.get_cmap().name.startswith("RdBu")
    with pytest.raises(InputError, match="npmi"):
        seeds_co.plot_heatmap(measure="npmi", log=True)
    # A positive measure may be drawn on a log scale when asked.
    assert isinstance(seeds_co.plot_heatmap(measure="llr", log=True).images[0].norm, LogNorm)


def test_heatmap_rows_ordered_by_clustering(two_groups):
    def order(ax):
        return [t.get_text() for t in ax.get_yticklabels()]

    by_mentions = order(two_groups.plot_heatmap(top=8, cluster=False))
    assert by_mentions[:4] == ["Alpha", "Kappa", "Beta", "Lambda"]  # interleaved
    clustered = order(two_groups.plot_heatmap(top=8))
    assert set(clustered[:4]) in (set(GROUP_A), set(GROUP_B))
    ax = two_groups.plot_heatmap(top=8)
    assert [t.get_text() for t in ax.get_xticklabels()] == clustered  # columns alike


def test_heatmap_is_deterministic(seeds_co):
    first = png(seeds_co.plot_heatmap(top=25))
    plt.close("all")
    assert png(seeds_co.plot_heatmap(top=25)) == first


# -- timeline and errors ------------------------------------------------------------------


def test_timeline_draws_on_the_given_axes():
    texts = ["Alpha met Beta.", "Alpha spoke.", "Beta spoke."]
    corpus = newsgraph.Corpus.from_pandas(
        pd.DataFrame({"text": texts, "date": ["2020-01-05", "2020-02-05", "2020-03-05"]})
    )
    fig, ax = plt.subplots()
    got = corpus.plot_timeline(["Alpha", "Beta"], freq="M", ax=ax, dictionary=NAMES, model=False)
    assert got is ax and len(ax.get_lines()) == 2
    png(ax)


def test_nothing_to_plot_is_an_error():
    corpus = newsgraph.Corpus.from_pandas(pd.DataFrame({"text": ["Nobody spoke."]}))
    co = corpus.cooccurrence(dictionary=NAMES, model=False)
    for plot in (co.plot_network, co.plot_heatmap):
        with pytest.raises(InputError, match="no entities"):
            plot()


@pytest.mark.parametrize(
    ("call", "error", "named"),
    [
        (lambda co: co.plot_network(top=0), InputError, "top"),
        (lambda co: co.plot_network(top="50"), InputTypeError, "'50'"),
        (lambda co: co.plot_network(measure="npmj"), InputError, "npmj"),
        (lambda co: co.plot_network(max_edges_per_node=0), InputError, "max_edges_per_node"),
        (lambda co: co.plot_network(communities="yes"), InputTypeError, "'yes'"),
        (lambda co: co.plot_network(ax="left"), InputTypeError, "str"),
        (lambda co: co.plot_network(fontsize=6), InputError, "fontsize"),
        (lambda co: co.plot_heatmap(log="yes"), InputTypeError, "'yes'"),
        (lambda co: co.plot_heatmap(cluster=1), InputTypeError, "cluster"),
        (lambda co: co.plot_heatmap(top=-1), InputError, "-1"),
        (lambda co: co.plot_heatmap(cmap="viridiss"), InputError, "viridiss.*'viridis'"),
    ],
)
def test_bad_arguments_are_named(seeds_co, call, error, named):
    with pytest.raises(error, match=named) as info:
        call(seeds_co)
    assert isinstance(info.value, NewsgraphError)


# -- AllSides ---------------------------------------------------------------------------


def test_allsides_network_and_heatmap(allsides_tagged):
    co = allsides_tagged.cooccurrence(scope="sentence", top=300)
    start = time.perf_counter()
    ax = co.plot_network(top=50)
    png(ax)
    took = time.perf_counter() - start
    assert took < 30, f"plot_network(top=50) took {took:.1f} s"
    g = ax.newsgraph_graph
    assert g.number_of_nodes() == 50
    assert max(d for _, d in g.degree()) <= 5
    assert all(d["npmi"] > 0 for *_, d in g.edges(data=True))
    ax = co.plot_heatmap(top=30)
    png(ax)
    assert isinstance(ax.images[0].norm, LogNorm)
    assert all(t.get_fontsize() >= 8 for t in ax.get_yticklabels())
