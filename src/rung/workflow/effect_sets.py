"""The two effect sets of the fused data step: what the data alone say, and with the LLM.

Each is local IDA (Maathuis, Kalisch & Bühlmann 2009) over the plausible classes of its
search: the best class and every class within Occam's window (Madigan & Raftery 1994), by
``rung.estimate``'s ``ida_over``. The report shows both and names the orientations that
moved the answer: the marks at the treatment (they decide its possible parent sets, the
adjustment sets of local IDA) that differ between the data-alone class and the fused one.
The verdict's range is the fused set's (:func:`class_effects_of`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rung.discover import FusionResult
from rung.discover.settled import SETTLED
from rung.estimate import ida_over
from rung.estimate.estimators.ida import EffectSet
from rung.identify.equivalence_class import EquivalenceClass
from rung.workflow.class_effects import ClassEffects, MemberEffect
from rung.workflow.members import Orientation

__all__ = ["EffectSets", "beyond_data_flag", "class_effects_of", "find_effect_sets",
           "moved_orientations", "sets_beyond_data", "unsettled_flag"]

Adjustment = tuple[str, ...]


@dataclass(frozen=True)
class EffectSets:
    """``data_alone`` and ``fused`` effect sets, how many plausible classes each spans, and
    ``moved_by``: the orientations at the treatment that differ between the two."""

    data_alone: EffectSet
    fused: EffectSet
    data_classes: int
    fused_classes: int
    moved_by: tuple[str, ...] = ()
    #: the belief-decided marks at the treatment when they are not settled (their joint
    #: probability below ``rung.discover.settled.SETTLED``), with that probability
    unsettled: tuple[str, ...] = ()
    support: float = 1.0

    @property
    def moved(self) -> bool:
        """Whether the LLM's prior changed the possible adjustment sets."""
        return {e.adjustment for e in self.data_alone.effects} != \
            {e.adjustment for e in self.fused.effects}

    @property
    def beyond_data(self) -> tuple[Adjustment, ...]:
        """The fused adjustment sets that no plausible data-alone class allows."""
        return sets_beyond_data([e.adjustment for e in self.data_alone.effects],
                                [e.adjustment for e in self.fused.effects])

    def flags(self) -> list[str]:
        """:func:`beyond_data_flag` when the prior moved the answer beyond the data, and
        :func:`unsettled_flag` when the answer rests on unsettled belief orientations."""
        out = [unsettled_flag(self.unsettled, self.support)] if self.unsettled else []
        if self.beyond_data:
            out.append(beyond_data_flag(self.fused.treatment,
                                        [e.adjustment for e in self.data_alone.effects],
                                        self.beyond_data, self.moved_by))
        return out

    def to_json(self) -> dict[str, Any]:
        def one(es: EffectSet, n: int) -> dict[str, Any]:
            return {**es.to_json(), "range": None if es.range is None else list(es.range),
                    "identified": es.identified, "classes": n}

        return {"data_alone": one(self.data_alone, self.data_classes),
                "fused": one(self.fused, self.fused_classes),
                "moved": self.moved, "moved_by": list(self.moved_by),
                "unsettled": list(self.unsettled), "support": self.support}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EffectSets:
        return cls(EffectSet.from_json(obj["data_alone"]), EffectSet.from_json(obj["fused"]),
                   int(obj["data_alone"].get("classes", 1)),
                   int(obj["fused"].get("classes", 1)), tuple(obj.get("moved_by", ())),
                   tuple(obj.get("unsettled", ())), float(obj.get("support", 1.0)))


def sets_beyond_data(alone: Sequence[Adjustment], fused: Sequence[Adjustment]
                     ) -> tuple[Adjustment, ...]:
    """The adjustment sets in ``fused`` that are not in ``alone``, sorted.

    The data alone leave a set of possible parent sets of the treatment (over their
    plausible classes); a prior that merely chooses among them uses knowledge where the data
    are silent. A set outside them exists only because the prior outweighed the data's
    score (an added, removed or reversed edge at the treatment), and an answer resting on
    it is the LLM's override, so the verdict says so instead of reporting it as settled.

    Examples
    --------
    >>> sets_beyond_data([("A",), ("A", "B")], [("A",)])
    ()
    >>> sets_beyond_data([("A",)], [("B",), ("A",)])
    (('B',),)
    """
    allowed = set(alone)
    return tuple(sorted(set(fused) - allowed))


def beyond_data_flag(treatment: str, alone: Sequence[Adjustment],
                     beyond: Sequence[Adjustment], moved_by: Sequence[str] = ()) -> str:
    """The verdict's flag for :func:`sets_beyond_data`: which sets, and what moved them.

    Examples
    --------
    >>> flag = beyond_data_flag("X", [("A",)], [("B",)])
    >>> flag.startswith("the prior moved the answer beyond the data: with it pa(X) = {B}")
    True
    >>> flag.endswith("(they allow {A})")
    True
    """
    def shown(sets: Sequence[Adjustment]) -> str:
        return ", ".join("{" + ", ".join(a) + "}" for a in sets) or "none"

    why = f"; moved: {'; '.join(moved_by)}" if moved_by else ""
    return (f"the prior moved the answer beyond the data: with it pa({treatment}) = "
            f"{shown(beyond)}, which no graph the data alone leave plausible has (they allow "
            f"{shown(sorted(set(alone)))}){why}")


def unsettled_flag(marks: Sequence[str], support: float) -> str:
    """The verdict's flag for an answer resting on belief orientations that hold jointly
    with probability ``support`` only.

    Examples
    --------
    >>> unsettled_flag(["A -> X (P = 0.82)"], 0.82).split(": ", 1)[1]
    'A -> X (P = 0.82); jointly 0.82 < 0.95, so the range also spans the class without them'
    """
    return (f"the answer rests on belief orientations the data leave open: "
            f"{'; '.join(marks)}; jointly {support:.2f} < {SETTLED:g}, so the range also "
            "spans the class without them")


def _marks_at(cls: EquivalenceClass, x: str) -> dict[str, str]:
    out = {}
    for a, b in cls.directed:
        if x in (a, b):
            out[b if a == x else a] = f"{a} -> {b}"
    for a, b in cls.undirected:
        if x in (a, b):
            out[b if a == x else a] = f"{a} -- {b}"
    return out


def moved_orientations(alone: EquivalenceClass, fused: EquivalenceClass, x: str
                       ) -> tuple[str, ...]:
    """The marks at ``x`` that differ: ``"data alone: A -- X; with the LLM: A -> X"``.

    Examples
    --------
    >>> from rung.graph import CausalGraph
    >>> c = EquivalenceClass.from_dag(CausalGraph.from_edges("A -> X -> Y"))
    >>> moved_orientations(c, c.orient([("A", "X")]), "X")
    ('data alone: A -- X; with the LLM: A -> X', 'data alone: X -- Y; with the LLM: X -> Y')
    """
    before, after = _marks_at(alone, x), _marks_at(fused, x)
    out = []
    for v in sorted(set(before) | set(after)):
        if before.get(v) != after.get(v):
            out.append(f"data alone: {before.get(v, f'no edge {x}, {v}')}; with the LLM: "
                       f"{after.get(v, f'no edge {x}, {v}')}")
    return tuple(out)


def find_effect_sets(fusion: FusionResult, data: pd.DataFrame, treatment: str, outcome: str,
                     *, contrast: tuple[float, float]) -> EffectSets:
    """Local IDA over the plausible classes of the data alone and of the fused search."""
    alone = ida_over(fusion.data_classes, data, treatment, outcome, contrast=contrast)
    fused = ida_over(fusion.fused_classes, data, treatment, outcome, contrast=contrast)
    moved = moved_orientations(fusion.data.cpdag, fusion.fused.mpdag, treatment)
    unsettled = () if fusion.settled else fusion.fused.resting
    return EffectSets(alone, fused, len(fusion.data_classes), len(fusion.fused_classes), moved,
                      unsettled, fusion.fused.support)


def class_effects_of(es: EffectSet, fused: EquivalenceClass, threshold: float) -> ClassEffects:
    """The fused effect set as the verdict's :class:`ClassEffects`: one group per possible
    adjustment set (``Y`` in ``pa(X)``: the treatment causes nothing there, effect 0), and
    the open edges at the treatment as the orientations the range depends on."""
    x, y = es.treatment, es.outcome
    groups = []
    for e in es.effects:
        no_path = y in e.adjustment
        parents = ", ".join(e.adjustment)
        groups.append(MemberEffect(
            "no_path" if no_path else "backdoor", e.count, f"pa({x}) = {{{parents}}}",
            None if no_path else e.adjustment, None, e.estimate, e.interval,
            f"{y} is a parent of {x}: the effect is 0" if no_path else
            f"local IDA ({es.model}), adjusting for pa({x})"))
    groups.sort(key=lambda g: (g.effect is None, g.effect or 0.0, -g.members))
    opens = tuple(Orientation(a, b, "--", ("->", "<-"), None, None, "undecided")
                  for a, b in fused.undirected if x in (a, b))
    return ClassEffects("class", sum(g.members for g in groups), True, threshold,
                        tuple(groups), opens)
