"""Exception types raised by :mod:`rung.estimate`; each names the bad value and the fix."""

from __future__ import annotations

__all__ = ["DataError", "EstimationError", "NotIdentifiedError", "UnsupportedModelError"]


class EstimationError(ValueError):
    """Base class of every estimation error (a :class:`ValueError`)."""


class DataError(EstimationError):
    """The data cannot be used: a missing column, a non-numeric value or a NaN.

    ``column`` and ``row`` (0-based position, or ``None``) locate the problem.
    """

    def __init__(self, message: str, column: str | None = None, row: int | None = None) -> None:
        self.column = column
        self.row = row
        super().__init__(message)


class NotIdentifiedError(EstimationError):
    """The causal effect is not identifiable from the graph; ``hedge`` names the witness."""

    def __init__(self, treatment: str, outcome: str, reason: str, hedge: object = None) -> None:
        self.treatment = treatment
        self.outcome = outcome
        self.reason = reason
        self.hedge = hedge
        super().__init__(
            f"the effect of {treatment} on {outcome} is not identifiable: {reason}; "
            "add assumptions to the graph, measure a confounder, or pass "
            "allow_unidentified=True for a labelled simulation only"
        )


class UnsupportedModelError(EstimationError):
    """The requested model or operation does not fit the data or graph given."""
