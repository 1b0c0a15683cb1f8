"""Exception types raised by :mod:`rung.scm`; every one names the bad value and the fix."""

from __future__ import annotations

__all__ = ["ExpressionError", "ModelError", "SearchLimitExceeded"]


class ModelError(ValueError):
    """A structural-model file or a query on it is invalid (a :class:`ValueError`)."""


class ExpressionError(ModelError):
    """A structural equation (or a query) does not parse.

    ``token`` is the offending token as written, ``column`` its 1-based column in the
    expression text. :func:`rung.scm.model.parse_model` re-raises it with the file and line.
    """

    def __init__(self, message: str, token: str, column: int) -> None:
        self.token = token
        self.column = column
        self.detail = message
        super().__init__(message)


class SearchLimitExceeded(ModelError):
    """The exhaustive actual-causation search needed more model evaluations than allowed."""

    def __init__(self, limit: int, what: str) -> None:
        self.limit = limit
        super().__init__(
            f"{what} needs more than {limit:,} model evaluations (the search is exhaustive); "
            "raise max_evaluations (--max-evaluations) or make the model smaller"
        )
