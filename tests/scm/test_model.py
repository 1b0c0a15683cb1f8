"""The structural-model file format and the safe equation parser."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.scm import ExpressionError, ModelError, load_model, parse_model
from rung.scm.expr import MAX_DEPTH, evaluate, parse_expr

MODELS = Path(__file__).parent / "models"
HEAD = '[exogenous]\nU = { domain = "bool", value = true }\n[endogenous]\n'


def test_every_model_file_loads_and_gives_a_graph() -> None:
    for path in sorted(MODELS.glob("*.toml")):
        m = load_model(path)
        g = m.graph()
        assert set(g.latent) == set(m.exogenous)
        assert set(m.order) == set(m.endogenous)


def test_rock_throwing_graph_and_solution() -> None:
    m = load_model(MODELS / "rock_throwing.toml")
    g = m.graph()
    assert ("SH", "BH") in g.directed_edges and ("ST", "SH") in g.directed_edges
    assert m.solve() == {"U_ST": 1, "U_BT": 1, "ST": 1, "BT": 1, "SH": 1, "BH": 0, "BS": 1}
    assert m.solve({"ST": 0})["BH"] == 1


@pytest.mark.parametrize("attack", [
    "__import__('os').system('true')",
    "__import__(1)",
    "open(1)",
    "U.__class__",
    "eval(1)",
    "[U for U in U]",
    "lambda: 1",
    "U; 1",
])
def test_injection_is_a_parse_error_naming_the_token(attack: str) -> None:
    text = HEAD + f'X = {{ domain = "bool", equation = "{attack}" }}\n'
    with pytest.raises(ModelError) as info:
        parse_model(text, source="evil.toml")
    msg = str(info.value)
    assert msg.startswith("evil.toml, line 4: in the equation of X:")
    assert "bad token" in msg


def test_injection_error_names_import() -> None:
    with pytest.raises(ExpressionError, match="unknown function '__import__'") as info:
        parse_expr("__import__('os').system('ls')")
    assert info.value.token == "__import__" and info.value.column == 1


def test_error_names_file_line_and_token() -> None:
    text = HEAD + 'X = { domain = "bool", equation = "U and" }\nY = { domain = "bool", ' \
        'equation = "X ++ 1 $" }\n'
    with pytest.raises(ModelError, match=r"m\.toml, line 4: .* found the end of the expression"):
        parse_model(text, source="m.toml")
    text = HEAD + 'X = { domain = "bool", equation = "U" }\n' \
        'Y = { domain = "bool", equation = "X + $" }\n'
    with pytest.raises(ModelError, match=r"line 5: .*unexpected character '\$' at column 5"):
        parse_model(text, source="m.toml")


def test_unknown_name_and_cycle_are_refused() -> None:
    with pytest.raises(ModelError, match="line 4: the equation of X reads unknown name 'Q'"):
        parse_model(HEAD + 'X = { domain = "bool", equation = "Q" }\n', source="m.toml")
    cyc = HEAD + 'X = { domain = "bool", equation = "Y" }\nY = { domain = "bool", ' \
        'equation = "X and U" }\n'
    with pytest.raises(ModelError, match=r"cycle (X -> Y -> X|Y -> X -> Y)"):
        parse_model(cyc, source="m.toml")


@pytest.mark.parametrize(("text", "match"), [
    ("[exogenous\n", "not valid TOML"),
    (HEAD + 'X = { domain = "int", equation = "1" }\n', "domain 'int' of X"),
    (HEAD + 'X = { domain = [0, 1], equation = "1", colour = 2 }\n', "unknown key 'colour'"),
    (HEAD + 'X = { domain = "bool" }\n', "has no 'equation'"),
    ('[exogenous]\nU = { domain = "bool", value = 3 }\n[endogenous]\nX = { domain = "bool", '
     'equation = "U" }\n', "value 3 of U is outside"),
    (HEAD + 'and = { domain = "bool", equation = "U" }\n', "name 'and' is not allowed"),
    (HEAD + 'X = { domain = "bool", equation = "U + 1" }\n',
     "line 4: the equation of X gives 2 when U=1, outside its domain bool"),
    ('[exogenous]\nU = { domain = "bool", value = true, distribution = [0.5, 0.6] }\n'
     '[endogenous]\nX = { domain = "bool", equation = "U" }\n', "summing to 1"),
])
def test_bad_files_are_refused(text: str, match: str) -> None:
    with pytest.raises(ModelError, match=match):
        parse_model(text, source="m.toml")


def test_nesting_depth_is_bounded() -> None:
    deep = "(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5)
    with pytest.raises(ExpressionError, match="nests deeper than"):
        parse_expr(deep)
    with pytest.raises(ExpressionError, match="nests deeper than"):
        parse_expr("not " * (MAX_DEPTH + 5) + "1")
    assert evaluate(parse_expr("(" * 20 + "1" + ")" * 20), {}) == 1


def test_operators() -> None:
    cases = {"1 + 2 * 3": 7, "(1 + 2) * 3": 9, "-2 + 5": 3, "min(3, 1, 2)": 1,
             "max(1, 4) - 1": 3, "if 2 > 1 then 10 else 20": 10, "not 0": 1, "3 == 3": 1,
             "2 != 2": 0, "1 <= 0": 0, "True and False": 0, "False or True": 1,
             "if A then B else not B": 0}
    for text, want in cases.items():
        assert evaluate(parse_expr(text), {"A": 1, "B": 0}) == want, text


_BIN = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
        "<": lambda a, b: int(a < b), "<=": lambda a, b: int(a <= b),
        ">": lambda a, b: int(a > b), ">=": lambda a, b: int(a >= b),
        "and": lambda a, b: int(bool(a) and bool(b)), "or": lambda a, b: int(bool(a) or bool(b))}
Ref = Callable[[dict[str, int]], int]


@st.composite
def expressions(draw: st.DrawFn, depth: int = 0) -> tuple[str, Ref]:
    """A random equation's text with an independent reference evaluator built beside it."""
    if depth > 3 or draw(st.booleans()):
        leaf = draw(st.sampled_from(["A", "B", "0", "1", "2", "True"]))
        if leaf in ("A", "B"):
            return leaf, lambda env: env[leaf]
        return leaf, lambda env: 1 if leaf == "True" else int(leaf)
    kind = draw(st.integers(0, 3))
    (ta, fa), (tb, fb) = draw(expressions(depth + 1)), draw(expressions(depth + 1))
    if kind == 0:
        op = draw(st.sampled_from(sorted(_BIN)))
        return f"({ta} {op} {tb})", lambda env: _BIN[op](fa(env), fb(env))
    if kind == 1:
        return f"(not {ta})", lambda env: int(not fa(env))
    if kind == 2:
        name = draw(st.sampled_from(["min", "max"]))
        pick = min if name == "min" else max
        return f"{name}({ta}, {tb})", lambda env: pick(fa(env), fb(env))
    return f"(if {ta} then {tb} else {ta})", lambda env: fb(env) if fa(env) else fa(env)


@settings(max_examples=200, deadline=None)
@given(expressions(), st.integers(0, 2), st.integers(0, 2))
def test_evaluation_matches_an_independent_reference(expr: tuple[str, Ref], a: int,
                                                     b: int) -> None:
    text, reference = expr
    env = {"A": a, "B": b}
    assert evaluate(parse_expr(text), env) == reference(env), text
