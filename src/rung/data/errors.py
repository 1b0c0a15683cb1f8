"""The one error type of :mod:`rung.data`: :class:`DataError`, located by CSV line number."""

from __future__ import annotations

__all__ = ["DataError"]


class DataError(ValueError):
    """The data cannot be used as given; the message names the column, the line and the fix.

    ``column`` names the column and ``line`` the CSV line number of the first bad value
    (the header is line 1, so the first data row is line 2; for an in-memory DataFrame the
    line its row would have in ``df.to_csv(index=False)``), or ``None``.
    """

    def __init__(self, message: str, column: str | None = None, line: int | None = None
                 ) -> None:
        self.column = column
        self.line = line
        super().__init__(message)

    @property
    def row(self) -> int | None:
        """The 0-based data row of ``line`` (``line - 2``), kept for older callers."""
        return None if self.line is None else self.line - 2
