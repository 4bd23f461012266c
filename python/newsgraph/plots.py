"""Plots of co-occurrence matrices that can go into a paper (issue 15).

:meth:`Cooccurrence.plot_network <newsgraph.Cooccurrence.plot_network>` and
:meth:`Cooccurrence.plot_heatmap <newsgraph.Cooccurrence.plot_heatmap>` delegate here.
Every plot draws on the ``ax=`` it is given (a new figure otherwise) and returns that
Axes, and is deterministic: the same call draws the same picture, byte for byte.
"Most mentioned" means in most contexts (the :attr:`~newsgraph.Cooccurrence.marginals`,
of ``group=`` when given; ties in order of first appearance).

Network
-------
:func:`network_graph` chooses what is drawn, so it can be inspected or drawn with
other tools: the ``top`` most mentioned entities; by default only the pairs that
co-occur more often than chance (``npmi > 0``, the same as ``pmi > 0`` or ``lift > 1``);
of those, each entity keeps at most its ``max_edges_per_node`` strongest links by
``measure``. Communities are found with networkx's Louvain method (seeded).
:func:`plot_network` draws it: node area in proportion to mentions (so the radius
grows as their square root), edge width and opacity by ``measure``, a colour per
community with a legend naming each by its most mentioned members, and labels beside
the nodes on a white halo.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import newsgraph
>>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
>>> g = network_graph(co, top=20, max_edges_per_node=3)
>>> max(d for _, d in g.degree()) <= 3, all(d["npmi"] > 0 for *_, d in g.edges(data=True))
(True, True)
>>> ax = co.plot_network(top=20)
>>> ax.get_title()
'sentence co-occurrence network (npmi)'

Heatmap
-------
:func:`plot_heatmap` shows ``measure`` among the ``top`` most mentioned entities, in
an order from hierarchical clustering (entities with similar associations side by side).
Counts are drawn on a logarithmic colour scale by default (co-occurrence counts are
skewed: on a linear scale a few large cells take the whole range); signed measures
(``pmi``, ``npmi``) on a diverging scale centred at 0. Cells with no co-occurrence
are grey.

>>> ax = co.plot_heatmap(top=10)
>>> type(ax.images[0].norm).__name__
'LogNorm'
"""

from __future__ import annotations

import difflib
from typing import Any

import numpy as np

from . import _checks, _core
from .exceptions import InputError, InputTypeError

__all__ = ["network_graph", "plot_network", "plot_heatmap", "MIN_FONTSIZE"]

#: Smallest label size the plots draw (points): smaller is unreadable in print.
MIN_FONTSIZE = 8
#: Measures that can be negative: drawn on a diverging colour scale centred at 0.
SIGNED_MEASURES = ("pmi", "npmi")
#: Colour of the cells (heatmap) and nodes (network) with nothing to show.
EMPTY_COLOUR = "#e6e6e6"
#: Community colours (colour-blind safe, Okabe-Ito); communities past these are grey.
COMMUNITY_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)


# -- arguments --------------------------------------------------------------------------


def _axes(ax: Any, figsize: tuple[float, float]) -> Any:
    """``ax``, or the Axes of a new figure of ``figsize`` inches."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        # Constrained layout makes room for labels, colour bar and legend outside the Axes.
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    elif not isinstance(ax, Axes):
        raise InputTypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _flag(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def _fontsize(value: Any) -> float:
    size = _checks.number("fontsize", value)
    if size < MIN_FONTSIZE:
        raise InputError(f"fontsize must be at least {MIN_FONTSIZE} points, got {value!r}")
    return float(size)


def _top(co: Any, top: Any, group: Any) -> np.ndarray:
    """Positions of the ``top`` entities with most contexts (ties: first seen)."""
    top = _checks.integer("top", top, minimum=1)
    marg = co._parts(group)[1]
    if not len(marg):
        # An empty picture (and matplotlib's warnings about it) would say less.
        raise InputError(
            "nothing to plot: this co-occurrence matrix has no entities (no mentions "
            "passed the filters)"
        )
    return np.lexsort((np.arange(len(marg)), -marg))[:top]


def _measure(measure: Any) -> str:
    """``measure`` if it is ``"count"`` or one the core computes. Asked of the core, not
    of :mod:`newsgraph.cooccur`, which imports this module."""
    return _checks.one_of("measure", measure, ("count", *_core.cooccur_measures()))


# -- network ----------------------------------------------------------------------------


def network_graph(
    co: Any,
    top: int = 50,
    measure: str = "npmi",
    max_edges_per_node: int | None = 5,
    positive: bool = True,
    communities: bool = True,
    seed: int = 0,
    group: Any = None,
) -> Any:
    """The graph :func:`plot_network` draws: a networkx graph of the ``top`` entities.

    Nodes are entity ids with ``label``, ``type``, ``count`` (contexts, as
    :meth:`~newsgraph.Cooccurrence.to_networkx`), ``mentions`` and, with
    ``communities=True``, ``community`` (0 for the largest; -1 for an entity linked to
    no other). Edges carry ``count``, every measure and ``weight`` (``measure``).

    Edges kept: with ``positive=True`` only pairs seen together more often than
    chance (``npmi > 0``); then, strongest ``measure`` first, an edge is kept while
    both its entities have fewer than ``max_edges_per_node`` (``None``: no limit).
    Self pairs are left out.

    >>> import newsgraph
    >>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
    >>> g = network_graph(co, top=10, max_edges_per_node=2)
    >>> g.number_of_nodes(), max(d for _, d in g.degree()) <= 2
    (10, True)
    >>> network_graph(co, max_edges_per_node=0)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: max_edges_per_node must be an int of at least 1, got 0
    """
    import networkx as nx

    measure = _measure(measure)
    idx = _top(co, top, group)
    k = (
        None
        if max_edges_per_node is None
        else _checks.integer("max_edges_per_node", max_edges_per_node, minimum=1)
    )
    positive = _flag("positive", positive)
    communities = _flag("communities", communities)
    seed = _checks.integer("seed", seed)

    full = co.to_networkx(measure=measure, group=group)
    ids = co.entity_ids[idx].tolist()
    mentions = dict(zip(co.entity_ids.tolist(), co.mention_counts.tolist(), strict=True))
    g = full.subgraph(ids).copy()
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    for v in g:
        g.nodes[v]["mentions"] = int(mentions[v])

    edges = [
        (u, v, d)
        for u, v, d in g.edges(data=True)
        if np.isfinite(d["weight"]) and (not positive or d["npmi"] > 0)
    ]
    # Strongest first; ties by count, then by the entities' order, so the choice
    # never depends on the order networkx happens to hold the edges in.
    rank = {v: i for i, v in enumerate(ids)}
    edges.sort(key=lambda e: (-e[2]["weight"], -e[2]["count"], rank[e[0]], rank[e[1]]))
    degree = dict.fromkeys(g, 0)
    kept = []
    for u, v, d in edges:
        # Greedy: an edge is kept while both ends have room, so no entity ends up with
        # more than k links and each keeps its strongest ones that fit.
        if k is None or (degree[u] < k and degree[v] < k):
            kept.append((u, v, d))
            degree[u] += 1
            degree[v] += 1
    out = nx.DiGraph() if g.is_directed() else nx.Graph()
    out.add_nodes_from((v, g.nodes[v]) for v in ids)
    out.add_edges_from(kept)
    if communities:
        _communities(out, seed)
    return out


def _communities(g: Any, seed: int) -> None:
    """Set each node's ``community``: Louvain (seeded, so reproducible) over the kept
    edges, numbered by size (0 the largest; ties by most mentions); -1 for isolates."""
    import networkx as nx

    und = g.to_undirected() if g.is_directed() else g
    linked = und.subgraph([v for v in und if und.degree(v) > 0])
    # Louvain needs positive weights; without the positive filter a measure can be
    # negative, so then every kept link counts the same.
    weights = [d["weight"] for *_, d in linked.edges(data=True)]
    weight = "weight" if weights and min(weights) > 0 else None
    found = (
        nx.community.louvain_communities(linked, weight=weight, seed=seed)
        if linked.number_of_nodes()
        else []
    )
    found = sorted(
        found,
        key=lambda c: (-len(c), -sum(g.nodes[v]["mentions"] for v in c), min(map(str, c))),
    )
    for v in g:
        g.nodes[v]["community"] = -1
    for i, members in enumerate(found):
        for v in members:
            g.nodes[v]["community"] = i


def _layout(g: Any, seed: int) -> dict[Any, np.ndarray]:
    """Node positions in [-1, 1]²: Kamada-Kawai on each linked component (it spreads
    50-100 nodes more evenly than a spring layout), started from a seeded spring
    layout; components side by side and isolated entities in a row underneath, so
    that they neither fly to the corners nor pile up in the middle."""
    import networkx as nx

    und = g.to_undirected() if g.is_directed() else g
    linked = und.subgraph([v for v in und if und.degree(v) > 0]).copy()
    isolated = [v for v in und if und.degree(v) == 0]
    pos: dict[Any, np.ndarray] = {}
    if linked.number_of_nodes():
        # Stronger links are shorter: distance 1/(1 + weight) over weights scaled to 0-1.
        w = np.array([d["weight"] for *_, d in linked.edges(data=True)], dtype=float)
        lo, span = w.min(), np.ptp(w)
        for (*_, d), x in zip(linked.edges(data=True), w, strict=True):
            d["_len"] = 1.0 / (1.0 + ((x - lo) / span if span > 0 else 1.0))
        start = nx.spring_layout(linked, seed=seed, weight=None)
        pos = nx.kamada_kawai_layout(linked, pos=start, weight="_len")
        pos = {v: np.asarray(p, dtype=float) for v, p in pos.items()}
        xy = np.array(list(pos.values()))
        xy = (xy - xy.mean(axis=0)) / max(np.abs(xy - xy.mean(axis=0)).max(), 1e-9)
        pos = dict(zip(pos, xy, strict=True))
    if isolated:
        bottom = min((p[1] for p in pos.values()), default=0.0) - 0.25
        xs = np.linspace(-1, 1, len(isolated)) if len(isolated) > 1 else [0.0]
        for v, x in zip(isolated, xs, strict=True):
            pos[v] = np.array([x, bottom])
    return pos


def plot_network(
    co: Any,
    top: int = 50,
    measure: str = "npmi",
    ax: Any = None,
    seed: int = 0,
    group: Any = None,
    max_edges_per_node: int | None = 5,
    positive: bool = True,
    communities: bool = True,
    fontsize: float = MIN_FONTSIZE,
) -> Any:
    """Draw :func:`network_graph` and return the Axes (see the module's description).

    Options are :func:`network_graph`'s; ``fontsize`` (points, at least 8) sizes the
    labels. The graph drawn is kept as ``ax.newsgraph_graph`` with positions in each
    node's ``pos``.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import newsgraph
    >>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
    >>> ax = plot_network(co, top=15, max_edges_per_node=3)
    >>> ax.newsgraph_graph.number_of_nodes()
    15
    """
    import networkx as nx

    fontsize = _fontsize(fontsize)
    g = network_graph(co, top, measure, max_edges_per_node, positive, communities, seed, group)
    ax = _axes(ax, (11, 8.5))
    pos = _layout(g, seed)
    nodes = list(g)

    mentions = np.array([g.nodes[v]["mentions"] for v in nodes], dtype=float)
    # Area in proportion to mentions: the eye reads a disc's size by its area.
    sizes = 40 + 1200 * mentions / max(mentions.max(), 1.0) if len(nodes) else []
    colours = [_community_colour(g.nodes[v].get("community", -1), communities) for v in nodes]

    w = np.array([d["weight"] for *_, d in g.edges(data=True)], dtype=float)
    strength = (w - w.min()) / np.ptp(w) if len(w) and np.ptp(w) > 0 else np.ones(len(w))
    edge_colours = [(0.3, 0.3, 0.3, 0.2 + 0.55 * s) for s in strength]
    nx.draw_networkx_edges(
        g,
        pos,
        ax=ax,
        width=(0.6 + 3.0 * strength).tolist(),
        edge_color=edge_colours,
        node_size=list(sizes),
        arrows=g.is_directed(),
    )
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=nodes,
        ax=ax,
        node_size=list(sizes),
        node_color=colours,
        edgecolors="white",
        linewidths=0.8,
    )
    if communities:
        handles = _community_legend(g, nodes)
        if handles:
            ax.legend(
                handles=handles,
                loc="upper left",
                bbox_to_anchor=(1.0, 1.0),
                fontsize=fontsize,
                title="communities (most mentioned)",
                title_fontsize=fontsize,
                frameon=False,
            )
    kept = "npmi > 0, " if positive else ""
    limit = f"at most {max_edges_per_node} per entity" if max_edges_per_node else "all"
    ax.set_title(f"{co.scope} co-occurrence network ({measure})")
    ax.text(
        0.0,
        -0.02,
        f"{g.number_of_nodes()} most mentioned entities; links: {kept}strongest {measure}, "
        f"{limit}; node area: mentions",
        transform=ax.transAxes,
        fontsize=fontsize,
        va="top",
        color="0.3",
    )
    ax.margins(0.12, 0.06)
    ax.set_axis_off()
    ax.autoscale_view()
    # Labels go last, once the legend and caption have their room: placing them needs
    # the final data-to-pixel mapping, so a layout engine (the new figure's constrained
    # layout) runs first, and the labels, kept out of the layout, cannot change it.
    engine = ax.figure.get_layout_engine()
    if engine is not None:
        engine.execute(ax.figure)
    _place_labels(ax, g, pos, nodes, np.asarray(sizes, dtype=float), fontsize)
    for v in nodes:
        g.nodes[v]["pos"] = tuple(float(c) for c in pos[v])
    ax.newsgraph_graph = g
    return ax


#: Where a label may go around its node, in order of preference: (dx, dy, ha, va)
#: with dx, dy the direction of the offset.
_LABEL_SPOTS = (
    (1, 0, "left", "center"),
    (-1, 0, "right", "center"),
    (0, 1, "center", "bottom"),
    (0, -1, "center", "top"),
    (0.7, 0.7, "left", "bottom"),
    (0.7, -0.7, "left", "top"),
    (-0.7, 0.7, "right", "bottom"),
    (-0.7, -0.7, "right", "top"),
)


def _place_labels(
    ax: Any, g: Any, pos: dict, nodes: list, sizes: np.ndarray, fontsize: float
) -> None:
    """Label every node beside it (never on it), on a white halo so links show through
    less. Greedy, most mentioned first: each label takes the first of
    :data:`_LABEL_SPOTS` that overlaps no node and no label already placed, else the
    one overlapping least. Deterministic: no randomness, a fixed order."""
    from matplotlib import patheffects

    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    renderer = ax.figure.canvas.get_renderer()
    points = ax.figure.dpi / 72
    xy = ax.transData.transform(np.array([pos[v] for v in nodes])) if nodes else np.empty((0, 2))
    # The marker's radius in points (its size is an area) plus a small gap.
    radii = np.sqrt(sizes) / 2
    discs = np.column_stack([xy - radii[:, None] * points, xy + radii[:, None] * points])
    frame = np.array([ax.bbox.x0, ax.bbox.y0, ax.bbox.x1, ax.bbox.y1])
    placed: list[np.ndarray] = []
    order = sorted(range(len(nodes)), key=lambda i: (-g.nodes[nodes[i]]["mentions"], i))
    for i in order:
        v = nodes[i]
        gap = radii[i] + 2
        best = None
        for dx, dy, ha, va in _LABEL_SPOTS:
            text = ax.annotate(
                g.nodes[v]["label"],
                pos[v],
                xytext=(dx * gap, dy * gap),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontsize=fontsize,
                path_effects=halo,
                zorder=4,
            )
            box = text.get_window_extent(renderer)
            box = np.array([box.x0, box.y0, box.x1, box.y1])
            others = [d for j, d in enumerate(discs) if j != i]
            cost = sum(_overlap(box, o) for o in placed) + sum(_overlap(box, d) for d in others)
            # Outside the Axes a label would run into the legend or off the figure:
            # worse than any overlap.
            cost += 10 * (_area(box) - _overlap(box, frame))
            if best is None or cost < best[0]:
                if best is not None:
                    best[1].remove()
                best = (cost, text, box)
            else:
                text.remove()
            if cost == 0:
                break
        best[1].set_in_layout(False)
        placed.append(best[2])


def _area(box: np.ndarray) -> float:
    """Area of a box (x0, y0, x1, y1)."""
    return float((box[2] - box[0]) * (box[3] - box[1]))


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return float(w * h) if w > 0 and h > 0 else 0.0


def _community_colour(community: int, coloured: bool) -> str:
    if not coloured:
        return COMMUNITY_COLOURS[0]
    if 0 <= community < len(COMMUNITY_COLOURS):
        return COMMUNITY_COLOURS[community]
    return "#999999"


def _community_legend(g: Any, nodes: list[Any]) -> list[Any]:
    """One legend entry per coloured community, named by its three most mentioned."""
    from matplotlib.lines import Line2D

    handles = []
    for c in range(len(COMMUNITY_COLOURS)):
        members = [v for v in nodes if g.nodes[v].get("community") == c]
        if not members:
            break
        members.sort(key=lambda v: -g.nodes[v]["mentions"])
        names = ", ".join(g.nodes[v]["label"] for v in members[:3])
        more = f" +{len(members) - 3}" if len(members) > 3 else ""
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=8,
                markerfacecolor=COMMUNITY_COLOURS[c],
                markeredgecolor="white",
                label=f"{names}{more}",
            )
        )
    return handles


# -- heatmap ----------------------------------------------------------------------------


def _colormap(cmap: Any) -> Any:
    """A matplotlib colour map, given as one or by name."""
    import matplotlib as mpl
    from matplotlib.colors import Colormap

    if isinstance(cmap, Colormap):
        return cmap
    if not isinstance(cmap, str):
        raise InputTypeError(f"cmap must be a colour map or its name, got {cmap!r}")
    if cmap not in mpl.colormaps:
        close = difflib.get_close_matches(cmap, list(mpl.colormaps), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(f"unknown cmap {cmap!r}{hint}: see matplotlib.colormaps")
    return mpl.colormaps[cmap]


def _cluster_order(values: np.ndarray) -> np.ndarray:
    """Rows (and the same columns) in the leaf order of average-linkage clustering of
    rows and columns side by side (so an ordered matrix's both directions count);
    ``optimal_ordering`` flips subtrees so neighbours are similar, deterministically."""
    from scipy.cluster import hierarchy

    n = len(values)
    if n < 3:
        return np.arange(n)
    features = np.hstack([values, values.T])
    tree = hierarchy.linkage(features, method="average", metric="euclidean", optimal_ordering=True)
    return hierarchy.leaves_list(tree)


def plot_heatmap(
    co: Any,
    top: int = 30,
    measure: str = "count",
    ax: Any = None,
    group: Any = None,
    log: bool | None = None,
    cluster: bool = True,
    fontsize: float = MIN_FONTSIZE,
    cmap: Any = None,
) -> Any:
    """Heatmap of ``measure`` among the ``top`` most frequent entities; the Axes.

    ``log`` (default: True for ``measure="count"``, else False) draws colours on a
    logarithmic scale (positive values only: for counts, or ``llr``, ``chi2``,
    ``lift``...). ``pmi`` and ``npmi`` use a diverging colour map centred at 0, the
    others a sequential one (``cmap=`` to choose). ``cluster=True`` orders the
    entities by hierarchical clustering of their npmi rows (scipy, average linkage,
    optimal leaf order: similar associations side by side), ``False`` by mentions.
    Cells without co-occurrence are grey; labels are ``fontsize`` points (at least 8).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import newsgraph
    >>> co = newsgraph.load_seeds().cooccurrence(scope="sentence")
    >>> ax = plot_heatmap(co, top=12, measure="npmi")
    >>> ax.images[0].norm.vmin == -ax.images[0].norm.vmax
    True
    >>> plot_heatmap(co, measure="npmi", log=True)
    Traceback (most recent call last):
    ...
    newsgraph.exceptions.InputError: log=True needs positive values, but measure='npmi' ...
    """
    from matplotlib.colors import LogNorm, Normalize
    from matplotlib.ticker import LogFormatter

    measure = _measure(measure)
    fontsize = _fontsize(fontsize)
    cluster = _flag("cluster", cluster)
    log = measure == "count" if log is None else _flag("log", log)
    if log and measure in SIGNED_MEASURES:
        raise InputError(
            f"log=True needs positive values, but measure={measure!r} can be negative: "
            "use log=False (a diverging scale centred at 0)"
        )

    idx = _top(co, top, group)
    counts = co.to_scipy(group)[idx][:, idx].toarray()
    values = co.measure(measure, group=group)[idx][:, idx].toarray().astype(float)
    seen = (counts > 0) & np.isfinite(values)
    if log:
        seen &= values > 0
    if cluster:
        # Cluster on association (npmi) profiles, not on the values shown: rows of
        # counts differ mostly by how often an entity is mentioned, so clustering them
        # would only sort by frequency. Pairs never seen together count as 0.
        npmi = co.measure("npmi", group=group)[idx][:, idx].toarray().astype(float)
        order = _cluster_order(np.where((counts > 0) & np.isfinite(npmi), npmi, 0.0))
        idx, values, seen = idx[order], values[order][:, order], seen[order][:, order]
    data = np.ma.masked_array(values, mask=~seen)

    n = len(idx)
    # About 0.22 in per cell fits 8-point labels; never so small the colour bar crowds.
    side = max(4.0, 0.22 * n * fontsize / MIN_FONTSIZE)
    ax = _axes(ax, (side + 2.6, side + 1.8))
    shown_values = values[seen]
    if log:
        lo = shown_values.min() if shown_values.size else 1.0
        hi = shown_values.max() if shown_values.size else 10.0
        norm = LogNorm(vmin=lo, vmax=max(hi, lo * 10 if lo == hi else hi))
        default_cmap = "viridis"
    elif measure in SIGNED_MEASURES:
        top_abs = np.abs(shown_values).max() if shown_values.size else 1.0
        norm = Normalize(vmin=-top_abs, vmax=top_abs)
        default_cmap = "RdBu_r"
    else:
        norm = Normalize(
            vmin=shown_values.min() if shown_values.size else 0.0,
            vmax=shown_values.max() if shown_values.size else 1.0,
        )
        default_cmap = "viridis"
    colours = _colormap(cmap or default_cmap).with_extremes(bad=EMPTY_COLOUR)
    im = ax.imshow(data, cmap=colours, norm=norm, interpolation="nearest")
    names = [str(co.labels[i]) for i in idx]
    ax.set_xticks(range(n), names, rotation=90, fontsize=fontsize)
    ax.set_yticks(range(n), names, fontsize=fontsize)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    label = f"{measure} ({'log scale' if log else 'linear scale'}); grey: never together"
    bar = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.02)
    bar.set_label(label, fontsize=fontsize)
    bar.ax.tick_params(which="both", labelsize=fontsize)
    if log and norm.vmax / norm.vmin < 1000:
        # Within a few decades powers of ten alone are two or three ticks: label 2, 5 too.
        # Plain numbers (1, 2, 5, 10) rather than powers of ten, as counts are read.
        bar.ax.yaxis.set_major_formatter(LogFormatter(labelOnlyBase=False))
        bar.ax.yaxis.set_minor_formatter(LogFormatter(labelOnlyBase=False, minor_thresholds=(3, 1)))
    how = "clustered" if cluster else "by mentions"
    ax.set_title(f"{co.scope} co-occurrence ({measure}), {n} most mentioned, {how}")
    return ax
