"""Exception types raised by :mod:`rung.estimate`; each names the bad value and the fix."""

from __future__ import annotations

from rung.data.errors import DataError
from rung.identify.validate import InvalidSetError as _InvalidSet

__all__ = ["DataError", "EstimationError", "InvalidSetError", "NotIdentifiedError",
           "UnsupportedModelError"]


class EstimationError(ValueError):
    """Base class of every estimation error (a :class:`ValueError`).

    Data problems raise :class:`rung.data.DataError` (re-exported here as ``DataError``;
    also a :class:`ValueError`), located by column and CSV line.
    """


class InvalidSetError(EstimationError, _InvalidSet):
    """A user's adjustment set, mediators or instruments fail the identification criterion
    (see :mod:`rung.identify.validate`); the message names the open path."""

    @classmethod
    def of(cls, exc: _InvalidSet) -> InvalidSetError:
        """The same error as an :class:`EstimationError`."""
        return cls(exc.kind, exc.nodes, exc.reason, exc.path, exc.alternatives)


class NotIdentifiedError(EstimationError):
    """The causal effect is not identifiable from the graph; ``hedge`` names the witness."""

    def __init__(self, treatment: str, outcome: str, reason: str, hedge: object = None,
                 advice: str = "") -> None:
        self.treatment = treatment
        self.outcome = outcome
        self.reason = reason
        self.hedge = hedge
        self.advice = advice or ("add assumptions to the graph, measure a confounder, or pass "
                                 "allow_unidentified=True for a labelled simulation only")
        super().__init__(
            f"the effect of {treatment} on {outcome} is not identifiable: {reason}; "
            f"{self.advice}"
        )


class UnsupportedModelError(EstimationError):
    """The requested model or operation does not fit the data or graph given."""
