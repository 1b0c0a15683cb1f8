"""The verdict: one honest headline for the report, the terminal and ``result.json``.

``status`` is ``"ok"`` only when nothing below raises a flag; otherwise ``"check"``:

- the effect is not identifiable on the final graph, or an estimator failed;
- a refuter failed (each failure is named with its message, e.g. the graph refuter's
  rejected independences);
- the estimators' intervals do not overlap, or their signs differ;
- the LLM (or, on the fused path, its prior) contradicts a mark the data compelled and the
  other orientation would change the answer (``moves_answer`` of the disagreement row:
  another adjustment set, or a path that appears or goes); a contradiction that cannot
  change the answer stays a row of the disagreement table, not a flag;
- the effect depends on orientations the data did not compel: the plausible graphs of
  :mod:`rung.workflow.members` give different effects. The verdict then gives no single
  effect but its ``range``, which spans every plausible graph's interval;
- some plausible graphs do not identify the effect, were not estimated, or the class was
  too large to list completely;
- the treatment is an ancestor of the outcome in no plausible graph: the effect 0 is then the
  graph's claim, not an estimate, and the headline says so instead of printing "0 (0 to 0)";
- on the fused path, the LLM's prior moved the answer beyond the data: a fused adjustment set
  that no plausible data-alone class allows (``prior_flags``,
  :meth:`rung.workflow.effect_sets.EffectSets.flags`). A prior that only chooses among the
  data's own possible sets raises nothing, unless
- the answer rests on belief orientations of the treatment's marks that the data left open
  and that hold jointly with probability below 0.95 (:mod:`rung.discover.settled`): the
  range then also spans the searched class without them.

With one effect across the plausible graphs, ``effect`` and ``interval`` are the final
graph's classic estimate (regression adjustment or the front-door estimator) when it uses
the same adjustment set or mediators as the class, else the class's own estimate (0 when
the treatment is an ancestor of the outcome in no plausible graph).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rung.workflow.class_effects import ClassEffects, MemberEffect
from rung.workflow.disagreements import Disagreement

__all__ = ["EstimatorResult", "RefuterOutcome", "Verdict", "decide_verdict", "estimators_agree"]

Status = Literal["ok", "check"]


@dataclass(frozen=True)
class Verdict:
    """The headline: ``status``, the effect or its range, intervals and flags."""

    status: Status
    effect: float | None
    interval: tuple[float, float] | None
    range: tuple[float, float] | None
    flags: tuple[str, ...]
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "effect": self.effect,
                "interval": None if self.interval is None else list(self.interval),
                "range": None if self.range is None else list(self.range),
                "flags": list(self.flags), "summary": self.summary}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Verdict:
        def pair(v: Any) -> tuple[float, float] | None:
            return None if v is None else (float(v[0]), float(v[1]))

        status = obj["status"]
        if status not in ("ok", "check"):
            raise ValueError(f"verdict status {status!r}: expected 'ok' or 'check'")
        return cls(status, None if obj.get("effect") is None else float(obj["effect"]),
                   pair(obj.get("interval")), pair(obj.get("range")),
                   tuple(str(f) for f in obj.get("flags", [])), str(obj.get("summary", "")))


@dataclass(frozen=True)
class EstimatorResult:
    """One estimator's effect on the final graph (from ``EffectEstimate.to_json()``)."""

    method: str
    effect: float
    interval: tuple[float, float] | None
    adjustment_set: tuple[str, ...] | None = None

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> EstimatorResult:
        ci = obj.get("ci")
        adj = obj.get("adjustment_set")
        return cls(str(obj["method"]), float(obj["ate"]),
                   None if ci is None else (float(ci[0]), float(ci[1])),
                   None if adj is None else tuple(sorted(adj)))


@dataclass(frozen=True)
class RefuterOutcome:
    """One refuter's result (from ``RefutationResult.to_json()``)."""

    refuter: str
    estimator: str
    passed: bool
    message: str

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> RefuterOutcome:
        return cls(str(obj["refuter"]), str(obj.get("estimator", "")), bool(obj["passed"]),
                   str(obj.get("message", "")))


def _fmt(v: float) -> str:
    return f"{v:.3g}"


def _iv(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" [{_fmt(ci[0])}, {_fmt(ci[1])}]"


def estimators_agree(estimates: Sequence[EstimatorResult]) -> bool | None:
    """True when all intervals overlap and no two effects have opposite signs; None with
    fewer than two.

    Examples
    --------
    >>> a = EstimatorResult("regression", 2.0, (1.8, 2.2))
    >>> estimators_agree([a, EstimatorResult("generative", 2.1, (2.0, 2.3))])
    True
    >>> estimators_agree([a, EstimatorResult("generative", 3.5, (3.3, 3.7))])
    False
    """
    ests = [e for e in estimates if e.interval is not None]
    if len(ests) < 2:
        return None
    lo = max(e.interval[0] for e in ests if e.interval)
    hi = min(e.interval[1] for e in ests if e.interval)
    opposite = min(e.effect for e in ests) < 0 < max(e.effect for e in ests)
    return lo <= hi and not opposite


def _estimator_flags(estimates: Sequence[EstimatorResult]) -> list[str]:
    if estimators_agree(estimates) is not False:
        return []
    parts = "; ".join(f"{e.method} {_fmt(e.effect)}{_iv(e.interval)}" for e in estimates)
    return [f"the estimators disagree on the final graph: {parts}"]


def _refuter_flags(refuters: Sequence[RefuterOutcome]) -> list[str]:
    return [f"refuter '{r.refuter}' failed" + (f" ({r.estimator})" if r.estimator else "")
            + (f": {r.message}" if r.message else "") for r in refuters if not r.passed]


def _class_flags(fx: ClassEffects) -> list[str]:
    flags = []
    distinct = {e.effect for e in fx.estimated}
    if len(fx.estimated) > 1 and len(distinct) > 1:
        open_edges = [o.describe() for o in fx.orientations
                      if len(o.options) > 1]
        shown = "; ".join(open_edges[:6]) + ("; ..." if len(open_edges) > 6 else "")
        lo, hi = fx.span or (0.0, 0.0)
        flags.append(
            f"the effect depends on orientations the data did not compel: {fx.members} "
            f"plausible graphs give {len(fx.estimated)} different effects, spanning "
            f"{_fmt(lo)} to {_fmt(hi)} with their intervals (open edges: {shown}); LLM "
            f"beliefs count only from probability {fx.threshold:g}")
    missing = [e for e in fx.effects if e.effect is None]
    if missing:
        n = sum(e.members for e in missing)
        why = "; ".join(sorted({e.note for e in missing}))
        flags.append(f"{n} of {fx.members} plausible graphs give no estimate ({why}); the "
                     "range leaves them out")
    if not fx.complete:
        flags.append(f"the class has more than {fx.members} plausible graphs; the range "
                     f"covers the first {fx.members} only")
    if fx.members == 0:
        flags.append("no acyclic graph fits the data's marks: no plausible graph to estimate on")
    return flags


def _structural_zero(fx: ClassEffects) -> bool:
    """Whether every estimated plausible graph has no directed path from X to Y."""
    return bool(fx.estimated) and all(e.route == "no_path" for e in fx.estimated)


def _zero_flags(fx: ClassEffects) -> list[str]:
    if not _structural_zero(fx):
        return []
    return ["in every plausible graph the treatment is not an ancestor of the outcome, so the "
            "effect 0 is the graph's claim, not an estimate from the data: check the "
            "orientations that cut every path (a wrong arrowhead here hides a real effect)"]


_WEAK = 0.5  # an LLM orientation below this is not its stance: one summary flag for all


def _conflict_flags(conflicts: Sequence[Disagreement], threshold: float) -> list[str]:
    """Flags for the conflicts with a data mark whose other orientation would change the
    answer (``moves_answer``; a row not judged counts); the others stay in the table.

    A contradiction the LLM holds with probability below 0.5 is listed in one summary flag,
    so that many weak answers neither hide nor drown the strong ones.
    """
    out, weak = [], []
    for r in conflicts:
        if r.moves_answer is False:
            continue
        if r.kind == "override":
            out.append(f"the LLM's prior overrode a data mark: {r.explanation} "
                       "(the answer depends on it)")
            continue
        conf = r.llm_confidence
        p = "?" if conf is None else f"{conf:.2f}"
        if conf is not None and conf < _WEAK:
            weak.append(f"{r.llm_edge} ({p}) against {r.data_edge}")
            continue
        counted = conf is not None and conf >= threshold
        how = ("counted: the plausible graphs hold both" if counted else
               f"below the threshold {threshold:g}, so the data's mark stands")
        out.append(f"the LLM's {r.llm_edge} (probability {p}) contradicts the data's "
                   f"{r.data_edge} ({r.kind}; {how})")
    if weak:
        out.append(f"{len(weak)} weak LLM contradiction(s) (probability < {_WEAK:g}) of data "
                   f"marks that move the answer; the data's marks stand: {'; '.join(weak)}")
    return out


def _main_estimate(estimates: Sequence[EstimatorResult]) -> EstimatorResult | None:
    for method in ("regression", "frontdoor", "aipw"):
        for e in estimates:
            if e.method == method:
                return e
    return estimates[0] if estimates else None


def _point(fx: ClassEffects, estimates: Sequence[EstimatorResult]
           ) -> tuple[float | None, tuple[float, float] | None, tuple[float, float] | None]:
    """(effect, interval, range) from the class effects and the final graph's estimates."""
    ests = fx.estimated
    if len({e.effect for e in ests}) > 1:
        return None, None, fx.span
    if not ests:
        return None, None, None
    group: MemberEffect = ests[0]
    main = _main_estimate(estimates)
    if main is not None and main.interval is not None and _same_route(group, main):
        return main.effect, main.interval, None
    return group.effect, group.interval, None


def _same_route(group: MemberEffect, main: EstimatorResult) -> bool:
    """Whether the final graph's estimate answers the class's one identification."""
    if group.route == "backdoor":
        return main.method in ("regression", "aipw") and \
            main.adjustment_set == group.adjustment_set
    return group.route == "frontdoor" and main.method == "frontdoor"


def decide_verdict(
    *,
    identified: bool,
    reason: str,
    estimates: Sequence[EstimatorResult],
    errors: Sequence[str],
    refuters: Sequence[RefuterOutcome],
    conflicts: Sequence[Disagreement],
    class_effects: ClassEffects,
    prior_flags: Sequence[str] = (),
) -> Verdict:
    """The verdict from the run's typed results (see the module docstring).

    ``conflicts`` are the disagreement rows that go against a data mark
    (:attr:`rung.workflow.artifacts.Review.conflicts`); ``prior_flags`` say where the LLM's
    prior moved the answer beyond what the data alone allow
    (:meth:`rung.workflow.effect_sets.EffectSets.flags`).

    Examples
    --------
    >>> from rung.workflow.class_effects import ClassEffects, MemberEffect
    >>> one = ClassEffects("analyst", 1, True, 1.0, (MemberEffect("backdoor", 1, "Z -> X",
    ...     ("Z",), None, 2.0, (1.9, 2.1)),))
    >>> est = [EstimatorResult("regression", 2.01, (1.9, 2.1), ("Z",))]
    >>> v = decide_verdict(identified=True, reason="", estimates=est, errors=[],
    ...                    refuters=[], conflicts=[], class_effects=one)
    >>> v.status, v.effect, v.range
    ('ok', 2.01, None)
    >>> bad = [RefuterOutcome("graph", "regression", False, "p = 4e-23")]
    >>> decide_verdict(identified=True, reason="", estimates=est, errors=[], refuters=bad,
    ...                conflicts=[], class_effects=one).status
    'check'
    """
    flags: list[str] = []
    if not identified:
        flags.append(f"not identifiable on the final graph: {reason}" if reason
                     else "not identifiable on the final graph")
    flags += [f"estimator failed: {e}" for e in errors]
    flags += _refuter_flags(refuters)
    flags += _estimator_flags(estimates)
    flags += _conflict_flags(conflicts, class_effects.threshold)
    flags += _class_flags(class_effects)
    flags += _zero_flags(class_effects)
    flags += list(prior_flags)
    effect, interval, span = _point(class_effects, estimates) if identified else (
        None, None, class_effects.span)
    status: Status = "ok" if not flags and effect is not None else "check"
    return Verdict(status, effect, interval, span, tuple(flags),
                   _summary(status, effect, interval, span, class_effects, len(flags)))


def _summary(status: Status, effect: float | None, interval: tuple[float, float] | None,
             span: tuple[float, float] | None, fx: ClassEffects, n_flags: int) -> str:
    if effect is not None and _structural_zero(fx):
        head = ("No effect in the graph: the treatment is not an ancestor of the outcome in "
                "any plausible graph (a structural zero, not an estimate)")
    elif effect is not None:
        head = f"Effect {_fmt(effect)}" + (
            f" (95% interval {_fmt(interval[0])} to {_fmt(interval[1])})" if interval else "")
    elif span is not None:
        head = (f"Effect between {_fmt(span[0])} and {_fmt(span[1])}: its range over the "
                f"{fx.members} plausible graphs, with their intervals")
    else:
        head = "No effect estimate"
    if status == "ok":
        return head + ". Status ok: no refuter failed, the estimators agree and the effect " \
                      "does not depend on unsettled orientations; it still rests on the graph."
    return head + f". Status CHECK: {n_flags} flag(s) below must be reviewed before this " \
                  "is trusted."
