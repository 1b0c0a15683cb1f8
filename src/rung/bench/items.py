"""Benchmark items: one frozen record per question a model is asked.

Five kinds of question exist, each answered by one co-pilot task:

* :class:`PairItem` -- which of two variables causes the other (``pairwise``);
* :class:`JudgmentItem` -- a yes/no question about a vignette (``judgment``);
* :class:`ActualCauseItem` -- is an action a necessary / sufficient cause (``actual_cause``);
* :class:`CounterfactualItem` -- pick the outcome of a counterfactual (``counterfactual``);
* :class:`LadderQuestion` -- a generated causal-ladder item (:mod:`rung.bench.ladder`),
  answered directly (``judgment``), step by step (CausalCoT) or by the program-aided recipe.

A :class:`Benchmark` bundles the items of one data set with what is needed to score them
(pair weights, the true graph for graph tasks, rows for the memorisation test).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from rung.bench.ladder import LadderItem

__all__ = [
    "LADDER_MODES",
    "ActualCauseItem",
    "BenchItem",
    "Benchmark",
    "CounterfactualItem",
    "Item",
    "JudgmentItem",
    "LadderMode",
    "LadderQuestion",
    "PairItem",
    "PairTruth",
    "parse_ladder_mode",
]

# "A->B": the first variable causes the second; "none": no edge; "both": a 2-cycle in the truth.
PairTruth = Literal["A->B", "B->A", "none", "both"]


@dataclass(frozen=True)
class PairItem:
    """Does ``a`` cause ``b`` or ``b`` cause ``a``?

    ``context`` is text shown before the question (used by the anti-commonsense probe);
    ``weight`` is the Tübingen pairmeta weight (1.0 elsewhere); ``allow_none`` offers "no
    direct link" as an answer (graph tasks) or forces a direction (Tübingen, neuropathic, as
    in Kiciman et al.).
    """

    id: str
    a: str
    b: str
    truth: PairTruth
    weight: float = 1.0
    context: str | None = None
    allow_none: bool = False


@dataclass(frozen=True)
class JudgmentItem:
    """A yes/no question about a short story (BIG-Bench causal_judgment)."""

    id: str
    vignette: str
    question: str
    answer: str  # "Yes" or "No"
    options: tuple[str, ...] = ("Yes", "No")


@dataclass(frozen=True)
class ActualCauseItem:
    """Is ``action`` a necessary (or sufficient) cause of ``event`` in ``vignette``?"""

    id: str
    vignette: str
    action: str
    event: str
    kind: Literal["necessary", "sufficient"]
    answer: str  # "Yes" or "No"
    options: tuple[str, ...] = ("Yes", "No")


@dataclass(frozen=True)
class CounterfactualItem:
    """What would have happened if ...? One of ``options`` is ``answer`` (CRASS)."""

    id: str
    premise: str
    question: str
    options: tuple[str, ...]
    answer: str


#: how a ladder item is answered: the yes/no ensemble, CausalCoT-style steps, or the recipe
LadderMode = Literal["direct", "cot", "recipe"]
LADDER_MODES: tuple[LadderMode, ...] = ("direct", "cot", "recipe")


def parse_ladder_mode(value: str, what: str = "mode") -> LadderMode:
    """``value`` as a :data:`LadderMode`; ValueError naming ``what`` and the choices.

    Examples
    --------
    >>> parse_ladder_mode("cot")
    'cot'
    >>> parse_ladder_mode("chain", "--mode")
    Traceback (most recent call last):
    ...
    ValueError: --mode 'chain': choose one of direct, cot, recipe
    """
    for mode in LADDER_MODES:
        if value == mode:
            return mode
    raise ValueError(f"{what} {value!r}: choose one of {', '.join(LADDER_MODES)}")


@dataclass(frozen=True)
class LadderQuestion:
    """A generated ladder item (its formal model and computed answer) and how to answer it."""

    id: str
    item: LadderItem
    mode: LadderMode

    @property
    def answer(self) -> str:
        """The computed answer, ``"Yes"`` or ``"No"``."""
        return self.item.answer


#: the items the honesty probes perturb
Item = PairItem | JudgmentItem | ActualCauseItem | CounterfactualItem
#: every item a benchmark holds (ladder items carry their own name-type probe)
BenchItem = Item | LadderQuestion


@dataclass(frozen=True)
class Benchmark:
    """The items of one benchmark and what scoring them needs.

    Parameters
    ----------
    name : str
        Registry name (``tuebingen``, ``asia-graph``, ...).
    items : tuple of BenchItem
        The questions, in a fixed order (``--limit N`` keeps the first N).
    source : Path or None
        Where the data was read from (None for networks bundled with pgmpy).
    variables : tuple of str
        The nodes of a graph task (empty for other tasks); its items are all node pairs.
    truth_edges : frozenset of (str, str)
        The true directed edges of a graph task (2-cycles allowed, as in arctic sea ice).
    memo_rows : tuple of (str, str)
        ``(prefix, continuation)`` cuts of raw dataset rows for the memorisation test.
    weighted : bool
        Whether the item weights define a weighted accuracy (Tübingen pairmeta).
    skipped : tuple of (str, str)
        ``(item id, reason)`` of dataset rows that cannot be asked (reported, not hidden).
    """

    name: str
    items: tuple[BenchItem, ...]
    source: Path | None = None
    variables: tuple[str, ...] = ()
    truth_edges: frozenset[tuple[str, str]] = frozenset()
    memo_rows: tuple[tuple[str, str], ...] = field(default=())
    weighted: bool = False
    skipped: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_graph(self) -> bool:
        """Whether the benchmark scores a whole graph (SHD, F1, Hamming) from its pairs."""
        return bool(self.variables)
