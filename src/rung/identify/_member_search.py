"""Depth-first enumeration of the members of an equivalence class, one edge at a time.

Every edge has the orientations a member may give it (:class:`EdgeOptions`). A member is
acyclic, ancestral (no ``a <-> b`` with ``a`` an ancestor of ``b``) and has no unshielded
collider beyond those the caller keeps (for a CPDAG these are exactly its DAGs, Verma &
Pearl 1990; for a PAG the ancestral graphs that keep its marks, Zhang 2008). Acyclicity and
the colliders are checked as each edge is oriented, so that a dead branch is cut at once;
ancestrality is checked at the leaf. Used by
:meth:`rung.identify.equivalence_class.EquivalenceClass.members`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from rung.graph import CausalGraph

__all__ = ["EdgeChoice", "EdgeOptions", "TooManyMembersError", "search_members"]

#: how a member orients the edge ``source``–``target``
EdgeChoice = Literal["->", "<-", "<->"]


class TooManyMembersError(ValueError):
    """Enumerating the members of a class would exceed the given limit."""


@dataclass(frozen=True)
class EdgeOptions:
    """The orientations members may give the edge between ``source`` and ``target``.

    ``free`` exempts the edge from the no-new-collider rule (an edge whose evidence is
    contested, so that its options go beyond the class's marks).
    """

    source: str
    target: str
    choices: tuple[EdgeChoice, ...]
    free: bool = False

    def arrow_at(self, choice: EdgeChoice, node: str) -> bool:
        """True when ``choice`` puts an arrowhead at ``node`` (an end of the edge)."""
        if choice == "<->":
            return True
        return node == (self.target if choice == "->" else self.source)

    def directed(self, choice: EdgeChoice) -> tuple[str, str] | None:
        """``(parent, child)`` of ``choice``, None for ``<->``."""
        if choice == "<->":
            return None
        return (self.source, self.target) if choice == "->" else (self.target, self.source)


def search_members(nodes: Sequence[str], edges: Sequence[EdgeOptions],
                   checks: Sequence[Sequence[tuple[int, str]]],
                   max_steps: int | None = None) -> Iterator[CausalGraph]:
    """Every member, as a :class:`CausalGraph` over ``nodes``, in depth-first order.

    ``checks[j]`` lists the ``(i, middle)`` with ``i < j`` whose unshielded triple
    ``edges[i]``–``middle``–``edges[j]`` must not become a collider. ``max_steps`` bounds the
    orientations tried; past it :class:`TooManyMembersError` is raised.
    """
    search = _Search(tuple(nodes), list(edges), checks, max_steps)
    yield from search.run([])


class _Search:
    def __init__(self, nodes: tuple[str, ...], edges: list[EdgeOptions],
                 checks: Sequence[Sequence[tuple[int, str]]], max_steps: int | None) -> None:
        self.nodes, self.edges, self.checks = nodes, edges, checks
        self.steps_left = max_steps
        self.children: dict[str, set[str]] = {n: set() for n in nodes}

    def _reaches(self, a: str, b: str) -> bool:
        stack, seen = [a], {a}
        while stack:
            for c in self.children[stack.pop()]:
                if c == b:
                    return True
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return False

    def _ok(self, choice: Sequence[EdgeChoice], j: int, mark: EdgeChoice) -> bool:
        e = self.edges[j]
        for i, mid in self.checks[j]:
            if e.arrow_at(mark, mid) and self.edges[i].arrow_at(choice[i], mid):
                return False  # a new unshielded collider at mid
        arrow = e.directed(mark)
        return arrow is None or not self._reaches(arrow[1], arrow[0])

    def _graph(self, choice: Sequence[EdgeChoice]) -> CausalGraph | None:
        directed = [d for e, m in zip(self.edges, choice, strict=True)
                    if (d := e.directed(m)) is not None]
        bidirected = [(e.source, e.target) for e, m in zip(self.edges, choice, strict=True)
                      if m == "<->"]
        g = CausalGraph(directed=directed, bidirected=bidirected, nodes=self.nodes)
        for a, b in bidirected:
            if b in g.descendants(a) or a in g.descendants(b):
                return None  # not ancestral
        return g

    def run(self, choice: list[EdgeChoice]) -> Iterator[CausalGraph]:
        if len(choice) == len(self.edges):
            g = self._graph(choice)
            if g is not None:
                yield g
            return
        j = len(choice)
        for m in self.edges[j].choices:
            if self.steps_left is not None:
                self.steps_left -= 1
                if self.steps_left < 0:
                    raise TooManyMembersError("the enumeration tried more orientations than "
                                              "max_steps allows; raise it or narrow the class")
            if not self._ok(choice, j, m):
                continue
            arrow = self.edges[j].directed(m)
            if arrow is not None:
                self.children[arrow[0]].add(arrow[1])
            yield from self.run([*choice, m])
            if arrow is not None:
                self.children[arrow[0]].discard(arrow[1])
