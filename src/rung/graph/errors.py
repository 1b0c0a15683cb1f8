"""Exception types raised by :mod:`rung.graph`.

Every error names the offending value and, where one exists, the fix.
"""

from __future__ import annotations

__all__ = [
    "CycleError",
    "GraphError",
    "GraphSyntaxError",
    "InvalidNameError",
    "SelfLoopError",
    "UnknownNodeError",
]


class GraphError(ValueError):
    """Base class of every graph error (a :class:`ValueError`)."""


class CycleError(GraphError):
    """The directed edges contain a cycle; ``cycle`` lists it in order."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = list(cycle)
        path = " -> ".join([*cycle, cycle[0]])
        super().__init__(
            f"directed cycle {path}: a causal graph must be acyclic; "
            "remove or reverse one of these edges"
        )


class SelfLoopError(GraphError):
    """An edge from a node to itself."""

    def __init__(self, node: str, kind: str = "->") -> None:
        self.node = node
        super().__init__(f"self-loop {node} {kind} {node}: a node cannot cause itself; remove it")


class UnknownNodeError(GraphError, KeyError):
    """A query named nodes that are not in the graph."""

    def __init__(self, missing: list[str], known: list[str] | None = None) -> None:
        self.missing = sorted(missing)
        hint = f" (known nodes: {', '.join(sorted(known))})" if known is not None else ""
        super().__init__(f"nodes {self.missing} are not in the graph{hint}")

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0])


class GraphSyntaxError(GraphError):
    """Graph text that cannot be parsed; ``line`` and ``column`` are 1-based."""

    def __init__(self, message: str, line: int, column: int, text: str = "") -> None:
        self.line = line
        self.column = column
        self.text = text
        super().__init__(f"line {line}, column {column}: {message}")


class InvalidNameError(GraphError):
    """A node name that is empty or holds a control or invisible character.

    ``char`` is the offending character (``""`` for an empty name) and ``index`` its
    0-based position in ``name``.
    """

    def __init__(self, name: str, char: str, index: int, what: str) -> None:
        self.name = name
        self.char = char
        self.index = index
        if not char:
            msg = f"node name {name!r} is empty or only white space; give every node a name"
        else:
            msg = (
                f"node name {name!r} contains {what} at position {index}; "
                "remove it (retype the name, or clean the column header)"
            )
        super().__init__(msg)
