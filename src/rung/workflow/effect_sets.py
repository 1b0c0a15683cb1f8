"""The two effect sets of the fused data step: what the data alone say, and with the LLM.

Each is local IDA (Maathuis, Kalisch & Bühlmann 2009) over the plausible classes of its
search: the best class and every class within Occam's window (Madigan & Raftery 1994), by
``rung.estimate``'s ``ida_over``. The report shows both and names the orientations that
moved the answer: the marks at the treatment (they decide its possible parent sets, the
adjustment sets of local IDA) that differ between the data-alone class and the fused one.
The verdict's range is the fused set's (:func:`class_effects_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from rung.discover import FusionResult
from rung.estimate import ida_over
from rung.estimate.estimators.ida import EffectSet
from rung.identify.equivalence_class import EquivalenceClass
from rung.workflow.class_effects import ClassEffects, MemberEffect
from rung.workflow.members import Orientation

__all__ = ["EffectSets", "class_effects_of", "find_effect_sets", "moved_orientations"]


@dataclass(frozen=True)
class EffectSets:
    """``data_alone`` and ``fused`` effect sets, how many plausible classes each spans, and
    ``moved_by``: the orientations at the treatment that differ between the two."""

    data_alone: EffectSet
    fused: EffectSet
    data_classes: int
    fused_classes: int
    moved_by: tuple[str, ...] = ()

    @property
    def moved(self) -> bool:
        """Whether the LLM's prior changed the possible adjustment sets."""
        return {e.adjustment for e in self.data_alone.effects} != \
            {e.adjustment for e in self.fused.effects}

    def to_json(self) -> dict[str, Any]:
        def one(es: EffectSet, n: int) -> dict[str, Any]:
            return {**es.to_json(), "range": None if es.range is None else list(es.range),
                    "identified": es.identified, "classes": n}

        return {"data_alone": one(self.data_alone, self.data_classes),
                "fused": one(self.fused, self.fused_classes),
                "moved": self.moved, "moved_by": list(self.moved_by)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EffectSets:
        return cls(EffectSet.from_json(obj["data_alone"]), EffectSet.from_json(obj["fused"]),
                   int(obj["data_alone"].get("classes", 1)),
                   int(obj["fused"].get("classes", 1)), tuple(obj.get("moved_by", ())))


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
    return EffectSets(alone, fused, len(fusion.data_classes), len(fusion.fused_classes), moved)


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
