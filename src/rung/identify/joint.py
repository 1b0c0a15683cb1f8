"""Discrete joint distributions and numerical evaluation of estimands.

Every sub-expression evaluates to an array with one axis per variable (length 1 where it
does not depend on the variable), so lexical scoping is broadcasting: ``Σ_V e`` sums ``e``
over the ``V`` axis and leaves length 1 there, free for an outer ``V``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from rung.identify.expr import Expr, Fraction, P, Product, Sum

__all__ = ["JointDistribution", "evaluate", "evaluate_array"]

Array = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class JointDistribution:
    """A probability table over named discrete variables.

    Parameters
    ----------
    variables : tuple of str
        One name per axis of ``table``.
    table : ndarray
        Non-negative, summing to 1.
    states : tuple of tuples
        The value of each index along each axis (default ``0..k-1``).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"X": [0, 0, 1, 1], "Y": [0, 1, 1, 1]})
    >>> j = JointDistribution.from_dataframe(df)
    >>> evaluate(P("Y", given="X"), j, {"X": 1, "Y": 1})
    1.0
    """

    variables: tuple[str, ...]
    table: Array
    states: tuple[tuple[Any, ...], ...]

    @classmethod
    def from_table(
        cls,
        variables: Sequence[str],
        table: npt.ArrayLike,
        states: Sequence[Sequence[Any]] | None = None,
    ) -> JointDistribution:
        """A distribution from an explicit probability table (one axis per variable)."""
        arr = np.asarray(table, dtype=np.float64)
        names = tuple(str(v) for v in variables)
        if arr.ndim != len(names):
            raise ValueError(
                f"table has {arr.ndim} axes but {len(names)} variables {list(names)} were named"
            )
        if len(set(names)) != len(names):
            raise ValueError(f"variable names {list(names)} repeat; name each axis once")
        if (arr < 0).any() or not np.isclose(arr.sum(), 1.0):
            raise ValueError(f"table must be non-negative and sum to 1 (sums to {arr.sum():g})")
        st = tuple(tuple(s) for s in states) if states is not None else tuple(
            tuple(range(k)) for k in arr.shape
        )
        if tuple(len(s) for s in st) != arr.shape:
            raise ValueError(f"states {st} do not match the table shape {arr.shape}")
        return cls(names, arr, st)

    @classmethod
    def from_dataframe(
        cls, df: Any, columns: Iterable[str] | None = None
    ) -> JointDistribution:
        """Empirical frequencies of the rows of a DataFrame of discrete columns."""
        cols = [str(c) for c in (columns if columns is not None else df.columns)]
        if len(df) == 0:
            raise ValueError("the DataFrame has no rows; empirical frequencies need data")
        codes, states = [], []
        for c in cols:
            values = df[c].to_numpy()
            uniq, inv = np.unique(values, return_inverse=True)
            codes.append(inv)
            states.append(tuple(uniq.tolist()))
        shape = tuple(len(s) for s in states)
        flat = np.ravel_multi_index(tuple(codes), shape)
        counts = np.bincount(flat, minlength=int(np.prod(shape))).reshape(shape)
        return cls(tuple(cols), counts / counts.sum(), tuple(states))

    def index_of(self, variable: str, value: Any) -> int:
        """Position of ``value`` along ``variable``'s axis."""
        axis = self.variables.index(variable)
        try:
            return self.states[axis].index(value)
        except ValueError:
            raise ValueError(
                f"value {value!r} of {variable!r} is not among its states {self.states[axis]}"
            ) from None


class _Evaluator:
    """Evaluates expressions against ``table`` whose last axes are ``variables``."""

    def __init__(self, table: Array, variables: Sequence[str]) -> None:
        self.table = table
        self.lead = table.ndim - len(variables)
        self.axis = {v: self.lead + i for i, v in enumerate(variables)}
        self.cache: dict[frozenset[str], Array] = {}

    def axes(self, names: Iterable[str]) -> tuple[int, ...]:
        try:
            return tuple(self.axis[n] for n in names)
        except KeyError as exc:
            raise ValueError(
                f"variable {exc.args[0]!r} of the estimand is not in the distribution "
                f"(variables: {sorted(self.axis)})"
            ) from None

    def marginal(self, keep: frozenset[str]) -> Array:
        hit = self.cache.get(keep)
        if hit is None:
            kept = set(self.axes(keep))
            drop = tuple(a for a in self.axis.values() if a not in kept)
            hit = self.table.sum(axis=drop, keepdims=True)
            self.cache[keep] = hit
        return hit

    def run(self, e: Expr) -> Array:
        if isinstance(e, P):
            return _divide(self.marginal(e.vars | e.given), self.marginal(e.given))
        if isinstance(e, Sum):
            body = self.run(e.expr)
            ax = self.axes(e.over)
            shape = list(body.shape)
            for a in ax:
                shape[a] = self.table.shape[a]
            total: Array = np.broadcast_to(body, tuple(shape)).sum(axis=ax, keepdims=True)
            return total
        if isinstance(e, Product):
            out: Array = np.ones((1,) * self.table.ndim)
            for f in e.factors:
                val = self.run(f)
                # 0 · undefined = 0: a factor of probability zero wins over a 0/0 conditional
                out = np.where((out == 0) | (val == 0), 0.0, out * val)
            return out
        if isinstance(e, Fraction):
            return _divide(self.run(e.numerator), self.run(e.denominator))
        raise TypeError(f"cannot evaluate {type(e).__name__}: not an estimand expression")


def _divide(num: Array, den: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: Array = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
    return out


def evaluate_array(expr: Expr, table: Array, variables: Sequence[str]) -> Array:
    """Value of ``expr`` for every value of its free variables.

    ``table`` may carry leading batch axes before the ``variables`` axes (one joint
    distribution per batch index); the result broadcasts against ``table``.
    """
    return _Evaluator(np.asarray(table, dtype=np.float64), variables).run(expr)


def evaluate(expr: Expr, joint: JointDistribution, values: Mapping[str, Any]) -> float:
    """The estimand's value at the query's ``values`` (every free variable must have one).

    Returns ``nan`` where the estimand conditions on an event of probability zero.
    """
    missing = sorted(expr.free_variables() - set(values))
    if missing:
        raise ValueError(f"no value given for free variables {missing} of {expr.to_text()}")
    arr = evaluate_array(expr, joint.table, joint.variables)
    index = []
    for axis, v in enumerate(joint.variables):
        if arr.shape[axis] == 1:
            index.append(0)
        else:
            index.append(joint.index_of(v, values[v]))
    return float(arr[tuple(index)])
