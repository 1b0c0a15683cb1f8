"""The estimand as matplotlib mathtext, with every variable name shown exactly as written.

Rendered from the estimand's JSON tree (``op`` = P | sum | product | fraction; see
:meth:`rung.identify.expr.Expr.to_json`) rather than from its LaTeX, which typesets names
for papers (``X1`` as X with subscript 1): in a report a name is a label, so ``P38``
stays ``P38`` and ``smoking status`` keeps its space. Summation variables that shadow a
free one are primed, as in :meth:`~rung.identify.expr.Expr.to_text`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["estimand_mathtext", "name_mathtext"]

# characters that mathtext would read as commands or structure inside \mathrm{...}; it has
# no glyph command for "#" or "`", so a name holding one is shown as text only (the report
# always prints the estimand's text form too)
_ESCAPES = {"\\": r"\backslash ", "$": r"\$", "{": r"\{", "}": r"\}", "_": r"\_",
            "%": r"\%", "^": r"\^{}", "~": r"\sim ", " ": r"\ "}


def name_mathtext(name: str) -> str:
    r"""One variable name as upright mathtext, every character literal.

    Examples
    --------
    >>> name_mathtext("P38")
    '\\mathrm{P38}'
    >>> name_mathtext("smoking status")
    '\\mathrm{smoking\\ status}'
    """
    base = name.rstrip("'")
    primes = len(name) - len(base)
    return r"\mathrm{" + "".join(_ESCAPES.get(c, c) for c in base) + "}" + "'" * primes


def _vars(names: list[str], scope: Mapping[str, str]) -> str:
    return ", ".join(name_mathtext(scope.get(v, v)) for v in names)


def _render(node: Mapping[str, Any], scope: Mapping[str, str]) -> str:
    op = node["op"]
    if op == "P":
        head = _vars(list(node["vars"]), scope)
        given = list(node.get("given") or [])
        return f"P({head} \\mid {_vars(given, scope)})" if given else f"P({head})"
    if op == "sum":
        taken, inner = set(scope.values()), dict(scope)
        for v in sorted(node["over"]):
            shown = v
            while shown in taken:
                shown += "'"
            taken.add(shown)
            inner[v] = shown
        return rf"\sum_{{{_vars(sorted(node['over']), inner)}}} {_render(node['expr'], inner)}"
    if op == "product":
        factors = list(node["factors"])
        parts = []
        for i, f in enumerate(factors):
            s = _render(f, scope)
            if f["op"] in ("sum", "fraction") and i < len(factors) - 1:
                s = f"({s})"
            parts.append(s)
        return " ".join(parts) or "1"
    if op == "fraction":
        return rf"\frac{{{_render(node['numerator'], scope)}}}" \
               rf"{{{_render(node['denominator'], scope)}}}"
    raise ValueError(f"unknown estimand node op={op!r}; expected P, sum, product or fraction")


def _free(node: Mapping[str, Any]) -> set[str]:
    op = node["op"]
    if op == "P":
        return set(node["vars"]) | set(node.get("given") or [])
    if op == "sum":
        return _free(node["expr"]) - set(node["over"])
    if op == "product":
        return set().union(*(_free(f) for f in node["factors"])) if node["factors"] else set()
    return _free(node["numerator"]) | _free(node["denominator"])


def estimand_mathtext(tree: Mapping[str, Any]) -> str:
    r"""Mathtext (without the ``$``) of an estimand's JSON tree.

    Examples
    --------
    >>> tree = {"op": "sum", "over": ["smoking status"], "expr": {"op": "product",
    ...     "factors": [{"op": "P", "vars": ["P38"], "given": ["PKC", "smoking status"]},
    ...                 {"op": "P", "vars": ["smoking status"], "given": []}]}}
    >>> estimand_mathtext(tree).count(r"\mathrm{smoking\ status}")
    3
    >>> r"\mathrm{P38}" in estimand_mathtext(tree)
    True
    """
    return _render(tree, {v: v for v in _free(tree)})
