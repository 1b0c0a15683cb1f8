"""A small regex tokenizer with 1-based line and column numbers, shared by the parsers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rung.graph.errors import GraphSyntaxError

__all__ = ["Token", "TokenStream", "tokenize", "unquote"]

# Comments and whitespace are skipped by every grammar that uses this lexer.
_SKIP = re.compile(r"(?:\s+|//[^\n]*|#[^\n]*|/\*.*?\*/)+", re.S)
_UNCLOSED = re.compile(r'/\*|"')


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its ``kind`` (a group name of the grammar), ``text`` and position."""

    kind: str
    text: str
    line: int
    col: int


def unquote(text: str) -> str:
    """Strip the double quotes of a quoted token and undo ``\\"`` and ``\\\\`` escapes."""
    return re.sub(r'\\(["\\])', r"\1", text[1:-1])


def _position(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def tokenize(text: str, grammar: re.Pattern[str], what: str) -> list[Token]:
    """Split ``text`` into tokens of ``grammar`` (a pattern of named groups).

    ``what`` describes the expected tokens for the error message.
    """
    out: list[Token] = []
    pos = 0
    while True:
        skip = _SKIP.match(text, pos)
        if skip:
            pos = skip.end()
        if pos >= len(text):
            return out
        m = grammar.match(text, pos)
        line, col = _position(text, pos)
        if m is None or m.end() == pos:
            snippet = text[pos : pos + 12].split("\n")[0]
            opener = _UNCLOSED.match(text, pos)
            if opener:
                what_open = "string" if opener.group() == '"' else "comment"
                closer = '"' if what_open == "string" else "*/"
                msg = f"unclosed {what_open}; expected a closing {closer!r}"
                raise GraphSyntaxError(msg, line, col, text)
            raise GraphSyntaxError(f"unexpected {snippet!r}; expected {what}", line, col, text)
        kind = m.lastgroup or ""
        out.append(Token(kind, m.group(kind), line, col))
        pos = m.end()


class TokenStream:
    """A cursor over tokens with ``peek``/``take``/``expect`` helpers for recursive descent."""

    def __init__(self, tokens: list[Token], text: str) -> None:
        self._toks = tokens
        self._text = text
        self._i = 0

    def peek(self, offset: int = 0) -> Token | None:
        """The token ``offset`` places ahead, or None past the end."""
        j = self._i + offset
        return self._toks[j] if j < len(self._toks) else None

    def take(self) -> Token:
        """Consume and return the next token (call only after a successful peek)."""
        tok = self._toks[self._i]
        self._i += 1
        return tok

    def accept(self, *texts: str) -> Token | None:
        """Consume the next token when its text is one of ``texts``."""
        tok = self.peek()
        if tok is not None and tok.text in texts:
            return self.take()
        return None

    def expect(self, what: str, *kinds: str) -> Token:
        """Consume a token of one of ``kinds`` (or texts), else raise naming ``what``."""
        tok = self.peek()
        if tok is None or (tok.kind not in kinds and tok.text not in kinds):
            raise self.error(f"expected {what}", tok)
        return self.take()

    def error(self, message: str, tok: Token | None = None) -> GraphSyntaxError:
        """A syntax error at ``tok`` (default: the next token, or the end of the text)."""
        tok = tok if tok is not None else self.peek()
        if tok is None:
            line, col = _position(self._text, len(self._text))
            return GraphSyntaxError(f"{message}, found the end of the text", line, col, self._text)
        return GraphSyntaxError(f"{message}, found {tok.text!r}", tok.line, tok.col, self._text)
