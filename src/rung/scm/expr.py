"""rung's own safe expression language for structural equations.

A hand-written tokenizer feeds a recursive-descent (precedence-climbing) parser that builds a
small AST; rung evaluates the AST with its own code. Nothing is ever passed to ``eval``,
``exec`` or ``ast.literal_eval``. The grammar, loosest binding first::

    expr   := "if" expr "then" expr "else" expr | or
    or     := and ("or" and)*
    and    := not ("and" not)*
    not    := "not" not | cmp
    cmp    := sum (("==" | "!=" | "<" | "<=" | ">" | ">=") sum)?
    sum    := prod (("+" | "-") prod)*
    prod   := unary ("*" unary)*
    unary  := "-" unary | atom
    atom   := INT | "True" | "False" | NAME | ("min" | "max") "(" expr ("," expr)* ")"
            | "(" expr ")"

Values are integers; ``True``/``False`` are 1/0 and the boolean operators return 0 or 1.
Nesting deeper than :data:`MAX_DEPTH` and texts longer than :data:`MAX_LENGTH` are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from rung.scm._tokens import Tok, TokenCursor
from rung.scm.errors import ExpressionError

__all__ = [
    "KEYWORDS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Binary",
    "Call",
    "Const",
    "Expr",
    "IfElse",
    "Unary",
    "Var",
    "compile_expr",
    "evaluate",
    "free_names",
    "parse_expr",
]

MAX_DEPTH = 64
MAX_LENGTH = 10_000
KEYWORDS = frozenset({"and", "or", "not", "if", "then", "else", "True", "False", "true",
                      "false", "min", "max"})
_TOKEN = re.compile(r"\s*(?:(?P<int>\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
                    r"|(?P<op>==|!=|<=|>=|<|>|\+|-|\*|\(|\)|,))")
_CMP = ("==", "!=", "<", "<=", ">", ">=")
_FUNCS = ("min", "max")


@dataclass(frozen=True)
class Const:
    value: int


@dataclass(frozen=True)
class Var:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str
    operand: Expr


@dataclass(frozen=True)
class Binary:
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]


@dataclass(frozen=True)
class IfElse:
    cond: Expr
    then: Expr
    other: Expr


Expr = Const | Var | Unary | Binary | Call | IfElse


class _Parser(TokenCursor):
    grammar = _TOKEN
    chars_hint = ("equations use names, integers, and/or/not, == != < <= > >=, + - *, min, "
                  "max and if-then-else")
    end_name = "the end of the expression"

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.depth = 0

    def nest(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            tok = self.tok
            raise ExpressionError(f"the expression nests deeper than {MAX_DEPTH} levels at "
                                  f"column {tok.column}; split it into intermediate variables",
                                  tok.text or "<end>", tok.column)

    def expr(self) -> Expr:
        self.nest()
        if self.tok.kind == "name" and self.tok.text == "if":
            self.advance()
            cond = self.expr()
            self.expect("then")
            then = self.expr()
            self.expect("else")
            node: Expr = IfElse(cond, then, self.expr())
        else:
            node = self.bool_op("or")
        self.depth -= 1
        return node

    def bool_op(self, op: str) -> Expr:
        sub: Callable[[], Expr] = (lambda: self.bool_op("and")) if op == "or" \
            else self.negation
        node = sub()
        while self.tok.kind == "name" and self.tok.text == op:
            self.advance()
            node = Binary(op, node, sub())
        return node

    def prefix(self, kind: str, text: str, operand: Callable[[], Expr],
               otherwise: Callable[[], Expr]) -> Expr:
        """``text operand`` as a :class:`Unary` (its nesting counted), else ``otherwise()``."""
        if self.tok.kind != kind or self.tok.text != text:
            return otherwise()
        self.advance()
        self.nest()
        node = Unary(text, operand())
        self.depth -= 1
        return node

    def negation(self) -> Expr:
        return self.prefix("name", "not", self.negation, self.comparison)

    def comparison(self) -> Expr:
        node = self.arith(("+", "-"))
        if self.tok.kind == "op" and self.tok.text in _CMP:
            op = self.advance().text
            node = Binary(op, node, self.arith(("+", "-")))
            if self.tok.kind == "op" and self.tok.text in _CMP:
                raise self.fail("an operator other than a second comparison (write "
                                "'a < b and b < c')")
        return node

    def arith(self, ops: tuple[str, ...]) -> Expr:
        sub: Callable[[], Expr] = (lambda: self.arith(("*",))) if ops == ("+", "-") \
            else self.unary
        node = sub()
        while self.tok.kind == "op" and self.tok.text in ops:
            op = self.advance().text
            node = Binary(op, node, sub())
        return node

    def unary(self) -> Expr:
        return self.prefix("op", "-", self.unary, self.atom)

    def atom(self) -> Expr:
        tok = self.tok
        if tok.kind == "int":
            self.advance()
            return Const(int(tok.text))
        if tok.kind == "op" and tok.text == "(":
            self.advance()
            node = self.expr()
            self.expect(")")
            return node
        if tok.kind != "name":
            raise self.fail("a name, an integer, True/False or '('")
        self.advance()
        if tok.text in ("True", "true", "False", "false"):
            return Const(1 if tok.text in ("True", "true") else 0)
        if self.tok.kind == "op" and self.tok.text == "(":
            return self.call(tok)
        if tok.text in KEYWORDS or tok.text.startswith("__"):
            raise ExpressionError(f"{tok.text!r} at column {tok.column} cannot stand here; "
                                  "use a variable name, an integer or True/False",
                                  tok.text, tok.column)
        return Var(tok.text)

    def call(self, name: Tok) -> Expr:
        if name.text not in _FUNCS:
            raise ExpressionError(f"unknown function {name.text!r} at column {name.column}; "
                                  "the only functions are min and max", name.text, name.column)
        self.advance()
        args = [self.expr()]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.advance()
            args.append(self.expr())
        self.expect(")")
        return Call(name.text, tuple(args))


def parse_expr(text: str) -> Expr:
    """Parse an equation's text into an AST (never evaluated by Python).

    Raises
    ------
    ExpressionError
        The text does not parse; the error names the bad token and its column.

    Examples
    --------
    >>> parse_expr("L or MD")
    Binary(op='or', left=Var(name='L'), right=Var(name='MD'))
    >>> parse_expr("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    rung.scm.errors.ExpressionError: unknown function '__import__' at column 1; ...
    """
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text):,} characters long, more than "
                              f"{MAX_LENGTH:,}; split it into intermediate variables",
                              text[:20], 1)
    parser = _Parser(text)
    node = parser.expr()
    if parser.tok.kind != "end":
        raise parser.fail("an operator or the end of the expression")
    return node


def free_names(node: Expr) -> frozenset[str]:
    """The variable names that ``node`` reads.

    Examples
    --------
    >>> sorted(free_names(parse_expr("if A then min(B, 2) else C + 1")))
    ['A', 'B', 'C']
    """
    if isinstance(node, Var):
        return frozenset((node.name,))
    if isinstance(node, Const):
        return frozenset()
    if isinstance(node, Unary):
        return free_names(node.operand)
    if isinstance(node, Binary):
        return free_names(node.left) | free_names(node.right)
    if isinstance(node, Call):
        return frozenset().union(*(free_names(a) for a in node.args))
    return free_names(node.cond) | free_names(node.then) | free_names(node.other)


Compiled = Callable[[Sequence[int]], int]

_BINARY: dict[str, Callable[[int, int], int]] = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
    "<": lambda a, b: int(a < b), "<=": lambda a, b: int(a <= b),
    ">": lambda a, b: int(a > b), ">=": lambda a, b: int(a >= b),
}


def compile_expr(node: Expr, index: Mapping[str, int]) -> Compiled:
    """A function of a value vector (indexed by ``index``) that evaluates ``node``.

    The result is a tree of Python closures built from the AST, not compiled Python source.

    Examples
    --------
    >>> f = compile_expr(parse_expr("if A > 1 then A * 2 else max(A, 1)"), {"A": 0})
    >>> f([3]), f([0])
    (6, 1)
    """
    if isinstance(node, Const):
        value = node.value
        return lambda v: value
    if isinstance(node, Var):
        i = index[node.name]
        return lambda v: v[i]
    if isinstance(node, Unary):
        inner = compile_expr(node.operand, index)
        if node.op == "not":
            return lambda v: int(not inner(v))
        return lambda v: -inner(v)
    if isinstance(node, Binary):
        return _compile_binary(node, index)
    if isinstance(node, Call):
        args = [compile_expr(a, index) for a in node.args]
        pick = min if node.func == "min" else max
        return lambda v: pick(f(v) for f in args)
    cond, then, other = (compile_expr(n, index) for n in (node.cond, node.then, node.other))
    return lambda v: then(v) if cond(v) else other(v)


def _compile_binary(node: Binary, index: Mapping[str, int]) -> Compiled:
    left, right = compile_expr(node.left, index), compile_expr(node.right, index)
    if node.op == "and":
        return lambda v: int(bool(left(v)) and bool(right(v)))
    if node.op == "or":
        return lambda v: int(bool(left(v)) or bool(right(v)))
    op = _BINARY[node.op]
    return lambda v: op(left(v), right(v))


def evaluate(node: Expr, values: Mapping[str, int]) -> int:
    """Evaluate ``node`` with the variable values ``values``.

    Examples
    --------
    >>> evaluate(parse_expr("not (L and MD)"), {"L": 1, "MD": 0})
    1
    """
    names = sorted(free_names(node))
    index = {n: i for i, n in enumerate(names)}
    return compile_expr(node, index)([int(values[n]) for n in names])
