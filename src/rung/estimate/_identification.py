"""The bridge to :mod:`rung.identify`: identify first, refuse what is not identified."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rung.estimate.errors import EstimationError, InvalidSetError, NotIdentifiedError
from rung.graph import CausalGraph

_T = TypeVar("_T")

__all__ = [
    "backdoor_set",
    "checked",
    "estimand_json",
    "identify_or_raise",
    "identify_query",
    "iv_advice",
    "not_identified_reason",
    "require_identified",
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
    require_identified(res, graph, treatment, outcome)
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


def require_identified(res: Any, graph: CausalGraph, treatment: str, outcome: str) -> None:
    """Raise :class:`NotIdentifiedError` (naming the hedge) unless ``res`` is identifiable.

    When an instrument exists, the message says that a linear IV estimate remains possible
    (the only method that could still answer); otherwise it advises no method.
    """
    if res.identifiable:
        return
    full = not_identified_reason(res)[1].removeprefix("not identifiable: ")
    raise NotIdentifiedError(treatment, outcome, full, getattr(res, "hedge", None),
                             advice=iv_advice(graph, treatment, outcome))


def iv_advice(graph: CausalGraph, treatment: str, outcome: str) -> str:
    """What can still be done with a non-identifiable effect (never a method that refuses)."""
    from rung.identify import find_instruments

    base = "add assumptions to the graph or measure a confounder (`rung identify` explains)"
    try:
        ivs = find_instruments(graph, treatment, outcome)
    except ValueError:
        ivs = []
    if not ivs:
        return base
    names = ", ".join(sorted({i.z for i in ivs}))
    return (f"{base}; only a linear instrumental-variable estimate remains possible "
            f"(method 'iv', instruments: {names}; it assumes a linear constant effect)")


def backdoor_set(identification: Any, graph: CausalGraph, treatment: str, outcome: str
                 ) -> frozenset[str]:
    """The back-door adjustment set of an identification (the optimal O-set).

    Raises :class:`NotIdentifiedError` when the effect is not identifiable at all and
    :class:`EstimationError` when it is identified, but by no back-door set (the message
    names only methods that estimate it).
    """
    from rung.estimate.methods import advice

    require_identified(identification, graph, treatment, outcome)
    if identification.method == "backdoor" and identification.adjustment_set is not None:
        return frozenset(identification.adjustment_set)
    raise EstimationError(
        f"no back-door adjustment set exists for {treatment} -> {outcome} in this graph; "
        + advice(identification)
    )


def checked(check: Callable[[], _T]) -> _T:
    """Run a :mod:`rung.identify.validate` check, raising its error as an
    :class:`~rung.estimate.errors.InvalidSetError` (an :class:`EstimationError`)."""
    from rung.identify.validate import InvalidSetError as Invalid

    try:
        return check()
    except Invalid as exc:
        raise InvalidSetError.of(exc) from None
