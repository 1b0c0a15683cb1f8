"""Test a graph against data: every conditional independence it implies, tested.

The graph's basis of implied independencies (:func:`rung.graph.implied_independencies`,
minimal conditioning sets) is tested one statement at a time, as dagitty's ``localTests``
does (Textor et al. 2016, *Robust causal inference using directed acyclic graphs: the R
package 'dagitty'*, sec. 4), with the test matched to the columns involved (see
:func:`rung.discover.citest.choose_ci_test`):

* all continuous: Fisher's z test of the partial correlation; the effect size is the
  partial correlation with its 95% interval (Fisher's z transform);
* all discrete: the G² likelihood-ratio test, stratified by the conditioning set; the effect
  size is Cramér's V from the stratified G²;
* mixed: the kernel CI test (KCI, Zhang et al. 2011) on a subsample of at most
  :data:`~rung.discover.citest.KCI_MAX_ROWS` rows; the effect size is the (linear) partial
  correlation.

The p-values are corrected for multiple testing with Holm's (1979) step-down method, which
keeps the chance of flagging any true implication at most ``alpha``. An implication is
``violated`` when its corrected p-value is at most ``alpha``; the graph is ``consistent``
with the data when none is.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from rung.data import DataError, Prepared, Table, prepare
from rung.discover.citest import CITestName, choose_ci_test, make_ci_test
from rung.graph import CausalGraph, implied_independencies

__all__ = [
    "EffectName",
    "ImplicationTest",
    "ImplicationTests",
    "Verdict",
    "holm_adjust",
    "test_implications",
]

Verdict = Literal["consistent", "violated", "nothing to test"]
EffectName = Literal["partial_correlation", "cramers_v"]
_Z95 = float(stats.norm.ppf(0.975))


def _num(value: float | None) -> float | None:
    """A JSON-safe number: None for NaN and infinities."""
    return None if value is None or not math.isfinite(value) else float(value)


@dataclass(frozen=True)
class ImplicationTest:
    """One implied independence ``x ⊥ y | given`` tested on the data."""

    x: str
    y: str
    given: tuple[str, ...]
    test: CITestName
    n: int
    p_value: float
    p_adjusted: float
    effect: float
    effect_name: EffectName
    ci_low: float | None
    ci_high: float | None
    rejected: bool

    @property
    def implication(self) -> str:
        """``"x ⊥ y | a, b"`` (or ``"x ⊥ y"``)."""
        return f"{self.x} ⊥ {self.y}" + (f" | {', '.join(self.given)}" if self.given else "")

    @property
    def verdict(self) -> Literal["consistent", "violated"]:
        """``violated`` when the Holm-corrected p-value is at most ``alpha``."""
        return "violated" if self.rejected else "consistent"

    def to_json(self) -> dict[str, Any]:
        return {
            "implication": self.implication,
            "x": self.x,
            "y": self.y,
            "given": list(self.given),
            "test": self.test,
            "n": self.n,
            "p_value": _num(self.p_value),
            "p_adjusted": _num(self.p_adjusted),
            "effect": _num(self.effect),
            "effect_name": self.effect_name,
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "rejected": self.rejected,
            "verdict": self.verdict,
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ImplicationTest:
        def f(key: str) -> float:
            v = obj[key]
            return float("nan") if v is None else float(v)

        return cls(
            x=str(obj["x"]),
            y=str(obj["y"]),
            given=tuple(str(v) for v in obj["given"]),
            test=obj["test"],
            n=int(obj["n"]),
            p_value=f("p_value"),
            p_adjusted=f("p_adjusted"),
            effect=f("effect"),
            effect_name=obj["effect_name"],
            ci_low=None if obj.get("ci_low") is None else float(obj["ci_low"]),
            ci_high=None if obj.get("ci_high") is None else float(obj["ci_high"]),
            rejected=bool(obj["rejected"]),
        )


@dataclass(frozen=True)
class ImplicationTests:
    """Every implied independence of a graph, tested, with the overall verdict."""

    tests: tuple[ImplicationTest, ...]
    alpha: float
    n_rows: int
    correction: Literal["holm"] = "holm"
    dropped_rows: int = 0

    @property
    def violated(self) -> tuple[ImplicationTest, ...]:
        """The implications the data reject (after the correction)."""
        return tuple(t for t in self.tests if t.rejected)

    @property
    def verdict(self) -> Verdict:
        """``consistent``, ``violated``, or ``nothing to test`` (the graph implies none)."""
        if not self.tests:
            return "nothing to test"
        return "violated" if self.violated else "consistent"

    def summary(self) -> str:
        """One line for people, e.g. ``"2 of 9 implied independencies are violated ..."``."""
        if not self.tests:
            return "the graph implies no conditional independence among the observed columns"
        k, m = len(self.violated), len(self.tests)
        if k == 0:
            return (f"all {m} implied independencies are consistent with the data "
                    f"(Holm-corrected, alpha={self.alpha:g})")
        return (f"{k} of {m} implied independencies are violated by the data (Holm-corrected, "
                f"alpha={self.alpha:g}): the graph lacks an edge or a confounder there, or a "
                "test's assumption fails (Fisher z assumes linear relations)")

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "alpha": self.alpha,
            "correction": self.correction,
            "n_rows": self.n_rows,
            "dropped_rows": self.dropped_rows,
            "n_tests": len(self.tests),
            "n_violated": len(self.violated),
            "summary": self.summary(),
            "tests": [t.to_json() for t in self.tests],
        }

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> ImplicationTests:
        return cls(
            tests=tuple(ImplicationTest.from_json(t) for t in obj["tests"]),
            alpha=float(obj["alpha"]),
            n_rows=int(obj["n_rows"]),
            correction=obj.get("correction", "holm"),
            dropped_rows=int(obj.get("dropped_rows", 0)),
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per implication: the table of dagitty's ``localTests``, and more."""
        cols = ["implication", "test", "n", "effect", "effect_name", "ci_low", "ci_high",
                "p_value", "p_adjusted", "verdict"]
        rows = [{k: t.to_json()[k] for k in cols} for t in self.tests]
        return pd.DataFrame(rows, columns=cols)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjusted p-values (reject where adjusted ≤ alpha).

    Examples
    --------
    >>> holm_adjust([0.01, 0.04, 0.03])
    [0.03, 0.06, 0.06]
    """
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    out = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        out[i] = round(running, 15)
    return out


def _numeric(data: pd.DataFrame | Table, columns: Sequence[str]) -> Prepared:
    """The ``columns`` typed by :func:`rung.data.prepare` (complete cases); DataError
    naming a missing, mixed or constant column."""
    prepared = prepare(data, columns, missing="drop")
    for c in columns:
        values = prepared.frame[c].to_numpy()
        if np.all(values == values[0]):
            raise DataError(f"column {c!r} is constant; an independence test needs a "
                            "variable that varies: drop the column or the node", column=c)
    return prepared


def _partial_correlation(frame: np.ndarray) -> float:
    """Correlation of columns 0 and 1 after regressing both on the others (and a constant)."""
    n = len(frame)
    design = np.column_stack([np.ones(n), frame[:, 2:]])
    coef, *_ = np.linalg.lstsq(design, frame[:, :2], rcond=None)
    resid = frame[:, :2] - design @ coef
    denom = math.sqrt(float(resid[:, 0] @ resid[:, 0]) * float(resid[:, 1] @ resid[:, 1]))
    return float(resid[:, 0] @ resid[:, 1] / denom) if denom > 0 else 0.0


def _cramers_v(frame: np.ndarray) -> float:
    """Cramér's V from the G² of columns 0 and 1, stratified by the other columns."""
    df = pd.DataFrame(frame)
    strata = df.groupby(list(range(2, frame.shape[1]))) if frame.shape[1] > 2 else [(0, df)]
    g2 = 0.0
    for _, part in strata:
        table = pd.crosstab(part[0], part[1]).to_numpy(dtype=float)
        expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
        nz = table > 0
        g2 += 2.0 * float(np.sum(table[nz] * np.log(table[nz] / expected[nz])))
    k = min(len(np.unique(frame[:, 0])), len(np.unique(frame[:, 1]))) - 1
    return math.sqrt(max(g2, 0.0) / (len(frame) * k)) if k > 0 else 0.0


def _one_test(data: pd.DataFrame, x: str, y: str, given: tuple[str, ...],
              seed: int) -> tuple[CITestName, float, float, float | None, float | None]:
    """(test, p-value, effect, ci_low, ci_high) for ``x ⊥ y | given``."""
    sub = data[[x, y, *given]]
    test = choose_ci_test(sub)
    cit = make_ci_test(sub, test, seed)
    p = float(cit(0, 1, tuple(range(2, 2 + len(given)))))
    values = sub.to_numpy(dtype=float)
    if test == "gsq":
        return test, p, _cramers_v(values), None, None
    r = _partial_correlation(values)
    dof = len(values) - len(given) - 3
    if test != "fisherz" or dof <= 0:
        return test, p, r, None, None
    z, half = math.atanh(max(min(r, 1 - 1e-12), -1 + 1e-12)), _Z95 / math.sqrt(dof)
    return test, p, r, math.tanh(z - half), math.tanh(z + half)


def test_implications(
    graph: CausalGraph,
    data: pd.DataFrame,
    *,
    alpha: float = 0.05,
    seed: int = 0,
    max_tests: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImplicationTests:
    """Test every conditional independence ``graph`` implies on ``data``.

    Parameters
    ----------
    graph : CausalGraph
        The graph; its observed nodes must be columns of ``data`` (latents need not be).
    data : pandas.DataFrame or rung.data.Table
        One row per unit. Typed by :func:`rung.data.prepare`: text categories are coded,
        rows with a missing value are dropped (complete cases; the count is kept).
    alpha : float
        Family-wise error rate of the Holm correction: the chance that any implication
        which holds is flagged is at most ``alpha``.
    seed : int
        Seed of the KCI subsample (mixed data only).
    max_tests : int, optional
        Refuse (ValueError) a graph that implies more independencies than this.
    progress : callable, optional
        Called as ``progress(done, total)`` after each test.

    Raises
    ------
    ValueError
        ``alpha`` is not in (0, 1); too few rows for a test.
    DataError
        A node is not a column, a column mixes numbers and text or is constant (named).

    Examples
    --------
    >>> g = CausalGraph.from_edges("Z -> X -> Y; Z -> Y; W -> Z")
    >>> rng = np.random.default_rng(0)
    >>> w = rng.normal(size=500); z = w + rng.normal(size=500)
    >>> x = z + rng.normal(size=500); y = x + z + rng.normal(size=500)
    >>> res = test_implications(g, pd.DataFrame({"W": w, "Z": z, "X": x, "Y": y}))
    >>> [t.implication for t in res.tests], res.verdict
    (['W ⊥ X | Z', 'W ⊥ Y | Z'], 'consistent')
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha={alpha} must lie strictly between 0 and 1, e.g. 0.05")
    statements = implied_independencies(graph)
    if max_tests is not None and len(statements) > max_tests:
        raise ValueError(
            f"the graph implies {len(statements):,} independencies, more than the limit of "
            f"{max_tests:,} tests; test a smaller graph (the part around the effect of "
            "interest), or raise the limit"
        )
    prepared = _numeric(data, list(graph.nodes))
    frame = prepared.frame
    largest = max((len(z) for *_, z in statements), default=0)
    if statements and len(frame) < largest + 5:
        raise ValueError(f"the data has {len(frame)} rows; testing a conditioning set of "
                         f"{largest} variables needs at least {largest + 5}")
    order = {n: i for i, n in enumerate(graph.projected().topological_order())}
    raw = []
    for k, (a, b, z) in enumerate(statements):
        given = tuple(sorted(z, key=order.__getitem__))
        raw.append((a, b, given, *_one_test(frame, a, b, given, seed)))
        if progress is not None:
            progress(k + 1, len(statements))
    adjusted = holm_adjust([r[4] if math.isfinite(r[4]) else 1.0 for r in raw])
    tests = tuple(
        ImplicationTest(x=a, y=b, given=given, test=test, n=len(frame), p_value=p,
                        p_adjusted=q, effect=eff,
                        effect_name="cramers_v" if test == "gsq" else "partial_correlation",
                        ci_low=lo, ci_high=hi, rejected=q <= alpha)
        for (a, b, given, test, p, eff, lo, hi), q in zip(raw, adjusted, strict=True)
    )
    return ImplicationTests(tests=tests, alpha=alpha, n_rows=len(frame),
                            dropped_rows=prepared.dropped_rows)


test_implications.__test__ = False  # type: ignore[attr-defined]  # not a pytest test
