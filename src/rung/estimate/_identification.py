"""The bridge to :mod:`rung.identify`: identify first, refuse what is not identified."""

from __future__ import annotations

from typing import Any

from rung.estimate.errors import EstimationError, NotIdentifiedError
from rung.graph import CausalGraph

__all__ = [
    "backdoor_set",
    "estimand_json",
    "identify_or_raise",
    "identify_query",
    "not_identified_reason",
    "try_estimand",
]


def identify_query(graph: CausalGraph, treatment: str, outcome: str) -> Any:
    """Run :func:`rung.identify.identify` on P(outcome | do(treatment))."""
    from rung.identify import identify

    return identify(graph, treatment, outcome)


def hedge_text(res: Any) -> str:
    """A short description of the hedge of a non-identified result."""
    hedge = getattr(res, "hedge", None)
    if hedge is None:
        return ""
    f, fp = getattr(hedge, "F", None), getattr(hedge, "F_prime", None)
    if f is None:
        return str(hedge)
    return f"hedge F={sorted(f)}, F'={sorted(fp) if fp is not None else '?'}"


def not_identified_reason(res: Any) -> tuple[str, str]:
    """``(reason, reason with the hedge)`` of a non-identified result."""
    reason = str(getattr(res, "reason", "") or "no estimand exists")
    hedge = hedge_text(res)
    return reason, (f"{reason} ({hedge})" if hedge and "hedge" not in reason else reason)


def identify_or_raise(graph: CausalGraph, treatment: str, outcome: str) -> Any:
    """The identification result, or :class:`NotIdentifiedError` naming the hedge."""
    res = identify_query(graph, treatment, outcome)
    if not res.identifiable:
        full = not_identified_reason(res)[1]
        raise NotIdentifiedError(treatment, outcome, full, getattr(res, "hedge", None))
    return res


def estimand_json(res: Any) -> dict[str, Any] | None:
    """The estimand of an identification result as the ``rung identify`` JSON contract."""
    if res is None:
        return None
    out = res.to_json()
    return dict(out) if isinstance(out, dict) else None


def try_estimand(graph: CausalGraph, treatment: str, outcome: str) -> dict[str, Any] | None:
    """The identification result as JSON (identifiable or not); ``None`` if unavailable."""
    try:
        return estimand_json(identify_query(graph, treatment, outcome))
    except ImportError:
        return None


def backdoor_set(graph: CausalGraph, treatment: str, outcome: str) -> frozenset[str]:
    """An observed back-door adjustment set for (treatment, outcome), preferring the optimal.

    Raises :class:`NotIdentifiedError` when the effect is not identifiable at all and
    :class:`EstimationError` when it is identifiable but by no back-door set.
    """
    from rung.identify import find_optimal_adjustment_set

    identify_or_raise(graph, treatment, outcome)
    z = find_optimal_adjustment_set(graph, treatment, outcome)
    if z is None:
        raise EstimationError(
            f"no back-door adjustment set exists for {treatment} -> {outcome} in this graph; "
            "use method 'frontdoor', 'iv', 'plugin' or 'generative'"
        )
    return frozenset(z)
