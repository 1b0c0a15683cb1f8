"""The tokens and recursive-descent cursor shared by rung's two small languages.

Structural equations (:mod:`rung.scm.expr`) and counterfactual queries
(:mod:`rung.scm.query`) each give a grammar (a pattern of named groups after optional white
space) and the hints of their error messages; tokens are read on demand, so that a parser
reports the first bad token in reading order, with its 1-based column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from rung.scm.errors import ExpressionError

__all__ = ["Tok", "TokenCursor", "tokens"]


@dataclass(frozen=True)
class Tok:
    """One token: ``kind`` (a group name of the grammar, or ``"end"``), text and column."""

    kind: str
    text: str
    column: int  # 1-based


def tokens(text: str, grammar: re.Pattern[str], hint: str) -> Iterator[Tok]:
    """The tokens of ``text`` under ``grammar``, then one ``"end"`` token.

    An unexpected character raises :class:`ExpressionError` naming it and its column;
    ``hint`` (what the language looks like) ends the message.

    Examples
    --------
    >>> grammar = re.compile(r"\\s*(?:(?P<int>\\d+)|(?P<op>[+]))")
    >>> [(t.kind, t.text, t.column) for t in tokens("1 + 2", grammar, "")]
    [('int', '1', 1), ('op', '+', 3), ('int', '2', 5), ('end', '', 6)]
    """
    pos = 0
    while True:
        m = grammar.match(text, pos)
        if m is None:
            rest = text[pos:].lstrip()
            col = len(text) - len(rest) + 1
            if not rest:
                yield Tok("end", "", col)
                return
            raise ExpressionError(f"unexpected character {rest[0]!r} at column {col}; {hint}",
                                  rest[0], col)
        kind = m.lastgroup or "op"
        yield Tok(kind, m.group(kind), m.start(kind) + 1)
        pos = m.end()


class TokenCursor:
    """The current token of a recursive-descent parser, with ``advance``/``fail``/``expect``.

    A language sets :attr:`grammar`, :attr:`chars_hint` (ends an unexpected-character
    error), :attr:`end_name` (how "found the end" reads) and :attr:`expected_hint` (ends an
    "expected ..." error; may be empty).
    """

    grammar: ClassVar[re.Pattern[str]]
    chars_hint: ClassVar[str]
    end_name: ClassVar[str] = "the end of the text"
    expected_hint: ClassVar[str] = ""

    def __init__(self, text: str) -> None:
        self._it = tokens(text, self.grammar, self.chars_hint)
        self.tok = next(self._it)

    def advance(self) -> Tok:
        """Consume the current token and return it (the end token is never consumed)."""
        tok = self.tok
        if tok.kind != "end":
            self.tok = next(self._it)
        return tok

    def fail(self, expected: str) -> ExpressionError:
        """The error for finding the current token where ``expected`` should stand."""
        tok = self.tok
        shown = self.end_name if tok.kind == "end" else repr(tok.text)
        hint = f"; {self.expected_hint}" if self.expected_hint else ""
        return ExpressionError(f"expected {expected} at column {tok.column}, found {shown}"
                               f"{hint}", tok.text or "<end>", tok.column)

    def expect(self, text: str) -> None:
        """Consume the keyword or operator ``text``, or raise :meth:`fail`."""
        if self.tok.text != text or self.tok.kind == "int":
            raise self.fail(repr(text))
        self.advance()
