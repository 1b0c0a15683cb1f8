"""Check a user's adjustment set, mediators or instruments by the criteria identification uses.

A set the user supplies is checked against the same criterion :func:`rung.identify.identify`
uses to find one, and refused with the reason: the open path it leaves, or the node it must
not contain, and the valid alternatives.

- adjustment: the generalised adjustment criterion (Shpitser, VanderWeele & Robins 2010;
  Perković et al. 2018): no node of ``Z`` is forbidden (a descendant of a node on a proper
  causal path, or ``X``), and ``Z`` blocks every path from ``X`` to ``Y`` in the proper
  back-door graph (the first edge of each proper causal path removed);
- mediators: the front-door criterion (Pearl 2009, Causality, Definition 3.3.3);
- instruments: the conditional instrument criterion (Pearl 2009, §7.4.5; Brito & Pearl 2002).

A path is open given ``Z`` when every non-collider on it is outside ``Z`` and every collider
is in ``An(Z)`` (Richardson 2003, m-connection; paths of the latent projection).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from rung.graph import CausalGraph, NodeSet, as_node_set
from rung.identify._bits import bit_graph
from rung.identify._query import check_query
from rung.identify.adjustment import (
    AdjustmentSearchError,
    find_adjustment_sets,
    is_valid_adjustment_set,
    query_masks,
)
from rung.identify.frontdoor import find_frontdoor_sets, is_frontdoor_set
from rung.identify.iv import find_instruments, is_instrument
from rung.identify.optimal import find_o_set

__all__ = [
    "InvalidSetError",
    "OpenPath",
    "check_adjustment_set",
    "check_frontdoor_set",
    "check_instruments",
    "find_open_path",
]

#: at most this many partial paths are expanded when a shortest open walk is not a path
_PATH_BUDGET = 200_000


@dataclass(frozen=True)
class OpenPath:
    """A path ``nodes[0] ... nodes[-1]``; ``edges[i]`` joins ``nodes[i]`` and ``nodes[i+1]``
    and is ``"->"``, ``"<-"`` or ``"<->"``.

    Examples
    --------
    >>> str(OpenPath(("X", "Z", "Y"), ("<-", "->")))
    'X <- Z -> Y'
    """

    nodes: tuple[str, ...]
    edges: tuple[str, ...]

    def __str__(self) -> str:
        parts = [self.nodes[0]]
        for e, n in zip(self.edges, self.nodes[1:], strict=True):
            parts += [e, n]
        return " ".join(parts)


class InvalidSetError(ValueError):
    """A user's adjustment set, mediators or instruments fail the identification criterion.

    ``kind`` names the role, ``nodes`` the set, ``path`` the open path (or None when the
    reason is a node the set must not hold) and ``alternatives`` the valid sets.
    """

    def __init__(self, kind: str, nodes: frozenset[str], reason: str,
                 path: OpenPath | None = None,
                 alternatives: tuple[frozenset[str], ...] = ()) -> None:
        self.kind = kind
        self.nodes = nodes
        self.reason = reason
        self.path = path
        self.alternatives = alternatives
        head, plural, none = _WORDING.get(kind, (f"{kind} {{}} is not valid", kind, kind))
        alt = (f"; valid {plural}: " + ", ".join(_fmt(a) for a in alternatives)
               if alternatives else f"; no {none} exists in this graph")
        super().__init__(head.format(_fmt(nodes)) + f": {reason}{alt}")


#: kind -> (message head, name of the alternatives, what does not exist)
_WORDING = {
    "adjustment set": ("adjustment set {} is not valid", "minimal sets", "valid adjustment set"),
    "mediators": ("mediators {} are not a valid front-door set", "front-door sets",
                  "front-door set"),
    "instruments": ("instruments {} are not valid", "instruments", "instrument"),
}


def _fmt(names: Iterable[str]) -> str:
    return "{" + ", ".join(sorted(names)) + "}"


# ---------------------------------------------------------------------------- paths
def _steps(g: CausalGraph, v: str) -> Iterator[tuple[str, str, bool, bool]]:
    """(neighbour, edge text, arrowhead at v, arrowhead at neighbour) of every edge at v."""
    for c in sorted(g.children(v)):
        yield c, "->", False, True
    for p in sorted(g.parents(v)):
        yield p, "<-", True, False
    for s in sorted(g.spouses(v)):
        yield s, "<->", True, True


def _passes(v: str, head_in: bool, head_out: bool, given: frozenset[str],
            an_given: frozenset[str]) -> bool:
    """Whether a path may go through ``v`` (collider in An(Z), non-collider outside Z)."""
    if head_in and head_out:
        return v in an_given
    return v not in given


def _shortest_walk(g: CausalGraph, src: frozenset[str], dst: frozenset[str],
                   given: frozenset[str], an_given: frozenset[str]) -> OpenPath | None:
    """Breadth-first search over (node, arrowhead at arrival) states; a shortest open walk."""
    start = [(s, False) for s in sorted(src)]
    prev: dict[tuple[str, bool], tuple[tuple[str, bool], str] | None] = {s: None for s in start}
    queue = deque(start)
    while queue:
        state = queue.popleft()
        v, head_in = state
        for w, edge, head_v, head_w in _steps(g, v):
            if prev[state] is not None and not _passes(v, head_in, head_v, given, an_given):
                continue
            nxt = (w, head_w)
            if nxt in prev or w in src:
                continue
            prev[nxt] = (state, edge)
            if w in dst:
                return _unwind(prev, nxt)
            if w not in given or head_w:
                queue.append(nxt)
    return None


def _unwind(prev: dict[tuple[str, bool], tuple[tuple[str, bool], str] | None],
            end: tuple[str, bool]) -> OpenPath:
    nodes, edges = [end[0]], []
    step = prev[end]
    while step is not None:
        state, edge = step
        nodes.append(state[0])
        edges.append(edge)
        step = prev[state]
    return OpenPath(tuple(reversed(nodes)), tuple(reversed(edges)))


def _simple_path(g: CausalGraph, src: frozenset[str], dst: frozenset[str],
                 given: frozenset[str], an_given: frozenset[str]) -> OpenPath | None:
    """Depth-first search over simple paths, shortest length first (bounded)."""
    budget = [_PATH_BUDGET]

    def extend(nodes: list[str], edges: list[str], head_in: bool, depth: int
               ) -> OpenPath | None:
        v = nodes[-1]
        for w, edge, head_v, head_w in _steps(g, v):
            budget[0] -= 1
            if budget[0] < 0 or w in nodes or w in src:
                continue
            if len(nodes) > 1 and not _passes(v, head_in, head_v, given, an_given):
                continue
            if w in dst:
                return OpenPath((*nodes, w), (*edges, edge))
            if depth > 1:
                found = extend([*nodes, w], [*edges, edge], head_w, depth - 1)
                if found is not None:
                    return found
        return None

    for depth in range(1, len(g.nodes)):
        for s in sorted(src):
            found = extend([s], [], False, depth)
            if found is not None:
                return found
        if budget[0] < 0:
            break
    return None


def find_open_path(
    graph: CausalGraph, source: NodeSet, target: NodeSet, given: NodeSet = ()
) -> OpenPath | None:
    """A shortest path from ``source`` to ``target`` that ``given`` leaves open, or None.

    The search runs on the latent projection, so ``X <-> Y`` stands for a path through a
    latent common cause. None means the sets are m-separated (or, on a very large graph,
    that no simple open path was found within the search budget).

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X; Z -> Y; X -> C <- Y")
    >>> str(find_open_path(g.remove_outgoing("X"), "X", "Y"))
    'X <- Z -> Y'
    >>> str(find_open_path(g, "X", "Y", {"Z", "C"}))
    'X -> C <- Y'
    >>> find_open_path(g.remove_outgoing("X"), "X", "Y", {"Z"}) is None
    True
    """
    g = graph.projected()
    src, dst, z = g.check_nodes(source), g.check_nodes(target), g.check_nodes(given)
    an_z = g.ancestors(z) if z else frozenset()
    walk = _shortest_walk(g, src, dst, z, an_z)
    if walk is None:
        return None
    if len(set(walk.nodes)) == len(walk.nodes):
        return walk
    return _simple_path(g, src, dst, z, an_z)


def _directed_path(g: CausalGraph, src: frozenset[str], dst: frozenset[str]) -> OpenPath | None:
    """A shortest directed path from ``src`` to ``dst``."""
    prev: dict[str, str | None] = {s: None for s in sorted(src)}
    queue = deque(sorted(src))
    while queue:
        v = queue.popleft()
        for c in sorted(g.children(v)):
            if c in prev:
                continue
            prev[c] = v
            if c in dst:
                nodes = [c]
                while (p := prev[nodes[-1]]) is not None:
                    nodes.append(p)
                nodes.reverse()
                return OpenPath(tuple(nodes), ("->",) * (len(nodes) - 1))
            queue.append(c)
    return None


# ---------------------------------------------------------------------------- checks
def _observed(graph: CausalGraph, kind: str, nodes: NodeSet,
              alternatives: Callable[[], tuple[frozenset[str], ...]] = tuple
              ) -> frozenset[str]:
    """``nodes`` as a set of observed graph nodes (a latent node is refused by name)."""
    s = as_node_set(nodes)
    hidden = sorted(s & graph.latent)
    if hidden:
        raise InvalidSetError(
            kind, s, f"{_fmt(hidden)} is declared latent in the graph (not observed), so it "
            "cannot be a data column; remove it from the set or drop its [latent] mark",
            alternatives=alternatives())
    graph.projected().check_nodes(s)
    return s


def _adjustment_alternatives(graph: CausalGraph, x: frozenset[str], y: frozenset[str]
                             ) -> tuple[frozenset[str], ...]:
    try:
        return tuple(find_adjustment_sets(graph, x, y))
    except AdjustmentSearchError:
        o = find_o_set(graph, x, y)
        return () if o is None else (o,)


def _pbd_graph(graph: CausalGraph, x: frozenset[str], cn: frozenset[str]) -> CausalGraph:
    """The proper back-door graph: every edge from X into a node of cn removed."""
    g = graph.projected()
    return CausalGraph(directed=[(a, b) for a, b in g.directed_edges
                                 if not (a in x and b in cn)],
                       bidirected=g.bidirected_edges, nodes=g.nodes)


def check_adjustment_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, adjustment: NodeSet
) -> frozenset[str]:
    """``adjustment`` if it satisfies the generalised adjustment criterion, else an error.

    Raises
    ------
    InvalidSetError
        Naming the forbidden node (a mediator, a descendant of one, e.g. a collider) or the
        path the set leaves open, and the valid minimal sets.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y")
    >>> sorted(check_adjustment_set(g, "X", "Y", {"Z"}))
    ['Z']
    >>> check_adjustment_set(g, "X", "Y", set())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.identify.validate.InvalidSetError: adjustment set {} is not valid: X <- Z -> Y is open; ...
    """
    kind = "adjustment set"
    x, y, _ = check_query(graph, treatment, outcome)
    z = _observed(graph, kind, adjustment, lambda: _adjustment_alternatives(graph, x, y))
    if z & (x | y):
        raise InvalidSetError(kind, z, f"it holds the treatment or outcome {_fmt(z & (x | y))}",
                              alternatives=_adjustment_alternatives(graph, x, y))
    if is_valid_adjustment_set(graph, x, y, z):
        return z
    bg, _xm, _ym, cnm, forbm = query_masks(graph, x, y)
    cn, forb = bg.names_of(cnm), bg.names_of(forbm)
    alternatives = _adjustment_alternatives(graph, x, y)
    bad = sorted(z & forb)
    if bad:
        g = graph.projected()
        on_path = _directed_path(g, x, frozenset(bad[:1]))
        role = "a mediator" if bad[0] in cn else "a descendant of a node on a causal path"
        via = f" ({on_path})" if on_path is not None else ""
        raise InvalidSetError(kind, z, f"{bad[0]} is {role}{via}; adjusting for it biases "
                              "the effect", alternatives=alternatives)
    path = find_open_path(_pbd_graph(graph, x, cn), x, y, z)
    reason = f"{path} is open" if path is not None else (
        "it leaves a non-causal path from the treatment to the outcome open")
    raise InvalidSetError(kind, z, reason, path, alternatives)


def check_frontdoor_set(
    graph: CausalGraph, treatment: NodeSet, outcome: NodeSet, mediators: NodeSet
) -> frozenset[str]:
    """``mediators`` if they satisfy the front-door criterion, else an error naming the
    condition that fails and its path.

    Examples
    --------
    >>> g = CausalGraph.from_edges("X -> M -> Y; X -> Y; X <-> Y")
    >>> try:
    ...     check_frontdoor_set(g, "X", "Y", {"M"})
    ... except InvalidSetError as exc:
    ...     print(exc.reason)
    the directed path X -> Y does not pass through {M}
    """
    kind = "mediators"
    x, y, _ = check_query(graph, treatment, outcome)
    m = _observed(graph, kind, mediators, lambda: tuple(find_frontdoor_sets(graph, x, y)))
    if m and not m & (x | y) and is_frontdoor_set(graph, x, y, m):
        return m
    alternatives = tuple(find_frontdoor_sets(graph, x, y))
    if not m or m & (x | y):
        raise InvalidSetError(kind, m, "a front-door set must be non-empty and exclude the "
                              "treatment and outcome", alternatives=alternatives)
    g = graph.projected()
    keep = frozenset(g.nodes) - m
    direct = _directed_path(g.subgraph(keep), x, y)
    if direct is not None:
        raise InvalidSetError(kind, m, f"the directed path {direct} does not pass through "
                              f"{_fmt(m)}", direct, alternatives)
    path = find_open_path(g.remove_outgoing(x), x, m)
    if path is not None:
        raise InvalidSetError(kind, m, f"the back-door path {path} from the treatment to the "
                              "mediators is open", path, alternatives)
    path = find_open_path(g.remove_outgoing(m), m, y, x)
    reason = (f"the back-door path {path} from the mediators to the outcome is not blocked "
              "by the treatment") if path is not None else "the front-door criterion fails"
    raise InvalidSetError(kind, m, reason, path, alternatives)


def check_instruments(
    graph: CausalGraph, treatment: str, outcome: str, instruments: NodeSet,
    conditioning: NodeSet = (),
) -> tuple[frozenset[str], frozenset[str]]:
    """``(instruments, conditioning)`` if each instrument satisfies the conditional IV
    criterion given ``conditioning``, else an error naming the open path or the reason.

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y; X <-> Y")
    >>> try:
    ...     check_instruments(g, "X", "Y", {"Z"})
    ... except InvalidSetError as exc:
    ...     print(exc.path, "|", exc.reason.split(" (")[0])
    None | Z -> Y is open with the treatment's out-going edges removed
    """
    kind = "instruments"
    x, y, _ = check_query(graph, treatment, outcome)
    alternatives = tuple(frozenset({i.z}) for i in find_instruments(graph, treatment, outcome))
    zs = _observed(graph, kind, instruments, lambda: alternatives)
    w = _observed(graph, "conditioning set", conditioning)
    if not zs or zs & (x | y | w):
        raise InvalidSetError(kind, zs, "instruments must be non-empty and exclude the "
                              "treatment, outcome and conditioning set",
                              alternatives=alternatives)
    g = graph.projected()
    for z in sorted(zs):
        if is_instrument(graph, treatment, outcome, z, w):
            continue
        raise InvalidSetError(kind, zs, _iv_reason(g, treatment, outcome, z, w), None,
                              alternatives)
    return zs, w


def _iv_reason(g: CausalGraph, x: str, y: str, z: str, w: frozenset[str]) -> str:
    below = w & g.descendants(x)
    if below:
        return f"the conditioning set holds {_fmt(below)}, a descendant of the treatment"
    path = find_open_path(g.remove_outgoing(x), z, y, w)
    if path is not None:
        return (f"{path} is open with the treatment's out-going edges removed ({z} reaches "
                "the outcome other than through the treatment)")
    bg = bit_graph(g)
    if not bg.m_connected(bg.mask([z]), bg.mask([x]), bg.mask(w)):
        return f"{z} is not associated with the treatment {x} (no open path to it)"
    return "the instrument criterion fails"
