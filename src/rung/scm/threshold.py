"""A structural-model file from the conditional probability tables of a binary DAG.

Conditional probability tables fix the interventional distributions of a DAG without latent
variables, but not its counterfactuals: many structural models share one set of tables.
:func:`threshold_model_toml` writes one of them, the *threshold* (comonotone) model that
CLadder-style generators use (Jin et al. 2023; rung's ladder, :mod:`rung.bench.ladder`):

    V = 1  if and only if  U_V < P(V=1 | pa(V)),   U_V ~ Uniform(0, 1), independent.

The continuous U_V is written exactly on a finite domain. The distinct probabilities of V's
table cut [0, 1] into intervals; U_V takes the index of its interval (domain ``0..m-1``, each
value with its interval's length), and V's equation compares that index with the number of
intervals below the row's probability. Every context of the file is one cell of the
continuous model, so :func:`rung.scm.counterfactual_probability` on the file equals the
continuous model's counterfactual exactly.

The file says in its header which model it is. Queries that the tables identify (effects,
the effect of treatment on the treated with a back-door set) do not depend on the choice;
others, such as the probability of necessity, do: :mod:`rung.identify.bounds` gives their
range over every model with these tables.

Examples
--------
>>> from rung.scm import counterfactual_probability, parse_query
>>> cpts = [BinaryTable("X", (), (0.5,)), BinaryTable("Y", ("X",), (0.2, 0.7))]
>>> model = threshold_model(cpts)
>>> round(counterfactual_probability(model, parse_query("P(Y[X=1]=1)")).probability, 6)
0.7
>>> round(counterfactual_probability(model, parse_query("P(Y[X=0]=1 | X=1, Y=1)")).probability, 6)
0.285714
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rung.scm.errors import ModelError
from rung.scm.expr import KEYWORDS
from rung.scm.model import StructuralModel, parse_model

__all__ = ["BinaryTable", "identifier", "row_of", "threshold_model", "threshold_model_toml",
           "variable_ids"]

_HEADER = """\
# The threshold structural model of the stated probability tables (written by rung):
#   V = 1 iff U_V < P(V=1 | parents),  U_V ~ Uniform(0, 1) independent,
# with each U_V written as the index of its interval between the table's probabilities.
# Other structural models share these tables: effects do not depend on the choice, but
# counterfactuals the tables do not identify (e.g. the probability of necessity) do.
# The exogenous 'value's are placeholders; probabilistic queries P(...) do not read them.
"""


def row_of(parent_values: Sequence[int]) -> int:
    """The row of a table for its parents' 0/1 values (the first parent is the high bit).

    Examples
    --------
    >>> row_of([1, 0]), row_of([])
    (2, 0)
    """
    row = 0
    for bit in parent_values:
        row = 2 * row + int(bit)
    return row


@dataclass(frozen=True)
class BinaryTable:
    """``P(node=1 | parents)`` for every parent setting, in ``itertools.product`` order of the
    parents' 0/1 values (the first parent is the most significant bit).

    Examples
    --------
    >>> BinaryTable("Y", ("X",), (0.2, 0.7)).probability({"X": 1})
    0.7
    """

    node: str
    parents: tuple[str, ...]
    p_one: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.p_one) != 2 ** len(self.parents):
            raise ModelError(f"the table of {self.node!r} has {len(self.p_one)} rows; "
                             f"{len(self.parents)} binary parents need {2 ** len(self.parents)}")
        bad = [p for p in self.p_one if not 0.0 <= p <= 1.0]
        if bad:
            raise ModelError(f"the table of {self.node!r} holds {bad[0]!r}, not a probability; "
                             "give numbers between 0 and 1")

    def probability(self, values: Mapping[str, int]) -> float:
        """P(node=1) for the parents' ``values``."""
        return self.p_one[row_of([values[p] for p in self.parents])]

    def to_json(self) -> dict[str, Any]:
        return {"node": self.node, "parents": list(self.parents), "p_one": list(self.p_one)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BinaryTable:
        return cls(str(data["node"]), tuple(str(p) for p in data["parents"]),
                   tuple(float(p) for p in data["p_one"]))


def identifier(name: str, taken: set[str]) -> str:
    """A model-file variable name for ``name`` ("lung cancer" -> ``lung_cancer``), distinct
    from ``taken`` (which it joins).

    Examples
    --------
    >>> identifier("lung cancer", set()), identifier("2nd dose", set()), identifier("if", set())
    ('lung_cancer', 'v_2nd_dose', 'if_')
    """
    base = re.sub(r"[^A-Za-z0-9_]+", "_", name.strip()).strip("_") or "v"
    if base[0].isdigit():
        base = f"v_{base}"
    if base in KEYWORDS or base.startswith("__") or base.startswith("U_"):
        base = f"{base.lstrip('_')}_"
    out, k = base, 2
    while out in taken or f"U_{out}" in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


def variable_ids(tables: Sequence[BinaryTable]) -> dict[str, str]:
    """The model-file name of each table's variable (:func:`identifier`, in table order), as
    :func:`threshold_model_toml` writes them."""
    taken: set[str] = set()
    return {t.node: identifier(t.node, taken) for t in tables}


def _cuts(table: BinaryTable) -> list[float]:
    return sorted({0.0, 1.0, *table.p_one})


def _equation(table: BinaryTable, ids: Mapping[str, str]) -> str:
    """``U_V < k(pa)`` as nested ifs over the parent settings (k: intervals below the row's
    probability, so the comparison holds on exactly the intervals below it)."""
    cuts = _cuts(table)
    u = f"U_{ids[table.node]}"
    rows = list(itertools.product((0, 1), repeat=len(table.parents)))
    parts = [f"{u} < {cuts.index(p)}" for p in table.p_one]
    if len(set(parts)) == 1:
        return parts[0]
    text = parts[-1]
    for bits, part in zip(reversed(rows[:-1]), reversed(parts[:-1]), strict=True):
        cond = " and ".join(f"{ids[p]} == {b}" for p, b in zip(table.parents, bits, strict=True))
        text = f"if {cond} then {part} else ({text})"
    return text


def threshold_model_toml(tables: Sequence[BinaryTable], name: str = "threshold model") -> str:
    """The TOML text of the threshold structural model of ``tables`` (see the module).

    Parameters
    ----------
    tables : sequence of BinaryTable
        One table per variable; parents must be variables of other tables, acyclic.
    name : str
        The model's name.

    Raises
    ------
    ModelError
        A parent with no table, or two tables for one variable.
    """
    nodes = [t.node for t in tables]
    dup = sorted({v for v in nodes if nodes.count(v) > 1})
    if dup:
        raise ModelError(f"two tables for {dup[0]!r}; give one table per variable")
    for t in tables:
        missing = [p for p in t.parents if p not in nodes]
        if missing:
            raise ModelError(f"{t.node!r} has parent {missing[0]!r}, which has no table; "
                             "add its table")
    ids = variable_ids(tables)
    lines = [_HEADER, "[model]", f"name = {_quote(name)}", "", "[exogenous]"]
    for t in tables:
        cuts = _cuts(t)
        lengths = ", ".join(repr(b - a) for a, b in itertools.pairwise(cuts))
        lines.append(f"U_{ids[t.node]} = {{ domain = [0, {len(cuts) - 2}], value = 0, "
                     f"distribution = [{lengths}] }}")
    lines += ["", "[endogenous]"]
    for t in tables:
        lines.append(f"{ids[t.node]} = {{ domain = \"bool\", equation = "
                     f"{_quote(_equation(t, ids))}, description = {_quote(t.node)} }}")
    return "\n".join(lines) + "\n"


def threshold_model(tables: Sequence[BinaryTable], name: str = "threshold model"
                    ) -> StructuralModel:
    """The threshold structural model of ``tables``, parsed (see :func:`threshold_model_toml`)."""
    return parse_model(threshold_model_toml(tables, name), source=f"<{name}>")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
