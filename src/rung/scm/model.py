"""Structural causal models with finite domains, read from a small TOML file format.

A model file (see ``docs/scm.md``)::

    [model]
    name = "forest fire, disjunctive"

    [exogenous]
    UL = { domain = "bool", value = true }
    UMD = { domain = "bool", value = true, distribution = [0.5, 0.5] }

    [endogenous]
    L = { domain = "bool", equation = "UL" }
    MD = { domain = "bool", equation = "UMD" }
    FF = { domain = "bool", equation = "L or MD" }

``domain`` is ``"bool"`` (values 0/1, written ``False``/``True`` too) or ``[lo, hi]``, an
inclusive integer range. ``value`` is the actual context u; ``distribution`` (optional, one
probability per domain value, in order) makes the exogenous variables independent random
variables for probabilistic counterfactual queries. Equations are parsed by
:mod:`rung.scm.expr`, never evaluated by Python.
"""

from __future__ import annotations

import itertools
import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rung.graph import CausalGraph
from rung.graph.errors import CycleError
from rung.scm.errors import ExpressionError, ModelError
from rung.scm.expr import KEYWORDS, Compiled, Expr, compile_expr, free_names, parse_expr

__all__ = ["MAX_CONTEXTS", "MAX_DOMAIN", "Domain", "StructuralModel", "load_model",
           "parse_model"]

#: largest integer domain accepted (values per variable)
MAX_DOMAIN = 1_000
#: most contexts u that exact enumeration visits
MAX_CONTEXTS = 2_000_000
#: equations with at most this many parent settings are checked against their domain at load
_RANGE_CHECK = 100_000
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True)
class Domain:
    """A finite domain: the integers ``lo..hi`` inclusive (``boolean`` shows 0/1 as False/True)."""

    lo: int
    hi: int
    boolean: bool = False

    @property
    def values(self) -> range:
        return range(self.lo, self.hi + 1)

    def __contains__(self, value: object) -> bool:
        return isinstance(value, int) and self.lo <= value <= self.hi

    def describe(self) -> str:
        return "bool" if self.boolean else f"{self.lo}..{self.hi}"


@dataclass(frozen=True, eq=False)
class StructuralModel:
    """A structural causal model: exogenous U with a context u, endogenous V with equations.

    Build one with :func:`parse_model` or :func:`load_model`. ``order`` lists the endogenous
    variables in a topological order of their equations.
    """

    name: str
    exogenous: Mapping[str, Domain]
    context: Mapping[str, int]
    endogenous: Mapping[str, Domain]
    equations: Mapping[str, Expr]
    distribution: Mapping[str, tuple[float, ...]] | None = None
    source: str = "<model>"
    order: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        names = [*self.exogenous, *self.endogenous]
        index = {n: i for i, n in enumerate(names)}
        order = self.order or _topological(self)
        object.__setattr__(self, "order", order)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_steps", [(index[v], compile_expr(self.equations[v], index))
                                            for v in order])

    @property
    def variables(self) -> tuple[str, ...]:
        """Every variable: the exogenous ones, then the endogenous ones as written."""
        return (*self.exogenous, *self.endogenous)

    def parents(self, var: str) -> frozenset[str]:
        """The variables that ``var``'s equation reads."""
        return free_names(self.equations[var])

    def graph(self) -> CausalGraph:
        """The causal graph: ``A -> B`` when B's equation reads A; exogenous nodes are latent.

        Examples
        --------
        >>> m = parse_model('[exogenous]\\nU = {domain = "bool", value = true}\\n'
        ...                 '[endogenous]\\nX = {domain = "bool", equation = "U"}\\n'
        ...                 'Y = {domain = "bool", equation = "not X"}\\n')
        >>> m.graph().directed_edges
        (('U', 'X'), ('X', 'Y'))
        """
        edges = [(p, v) for v in self.endogenous for p in sorted(self.parents(v))]
        return CausalGraph(directed=edges, nodes=self.variables, latent=self.exogenous)

    def check_setting(self, setting: Mapping[str, int], what: str) -> None:
        """Refuse a setting whose names are unknown or whose values are outside the domains."""
        for var, value in setting.items():
            dom = self.endogenous.get(var) or self.exogenous.get(var)
            if dom is None:
                raise ModelError(f"{what}: unknown variable {var!r}; the model's variables "
                                 f"are {', '.join(self.variables)}")
            if value not in dom:
                raise ModelError(f"{what}: {var}={value} is outside {var}'s domain "
                                 f"{dom.describe()}; give a value in the domain")

    def solve(self, interventions: Mapping[str, int] | None = None,
              context: Mapping[str, int] | None = None) -> dict[str, int]:
        """The values of every variable in ``context`` (default: the actual u) under do(...).

        Examples
        --------
        >>> m = parse_model('[exogenous]\\nU = {domain = "bool", value = true}\\n'
        ...                 '[endogenous]\\nX = {domain = "bool", equation = "U"}\\n'
        ...                 'Y = {domain = "bool", equation = "not X"}\\n')
        >>> m.solve(), m.solve({"X": 0})
        ({'U': 1, 'X': 1, 'Y': 0}, {'U': 1, 'X': 0, 'Y': 1})
        """
        do = dict(interventions or {})
        self.check_setting(do, "intervention")
        u = {**self.context, **(context or {})}
        values = self.solve_fast({self._index[k]: v for k, v in do.items()},  # type: ignore[attr-defined]
                                 [u[n] for n in self.exogenous])
        out = dict(zip(self.variables, values, strict=True))
        for var in self.order:
            if out[var] not in self.endogenous[var]:
                raise ModelError(f"{self.source}: the equation of {var} gives {out[var]}, "
                                 f"outside its domain {self.endogenous[var].describe()}; fix "
                                 "the equation or widen the domain")
        return out

    def solve_fast(self, do: Mapping[int, int], u: list[int]) -> list[int]:
        """:meth:`solve` on index-keyed interventions and a u vector (no checks)."""
        values = u + [0] * len(self.endogenous)
        steps: list[tuple[int, Compiled]] = self._steps  # type: ignore[attr-defined]
        for i, f in steps:
            value = do[i] if i in do else f(values)
            values[i] = value
        return values

    def index(self, var: str) -> int:
        """The position of ``var`` in value vectors (see :meth:`solve_fast`)."""
        try:
            return int(self._index[var])  # type: ignore[attr-defined]
        except KeyError:
            raise ModelError(f"unknown variable {var!r}; the model's variables are "
                             f"{', '.join(self.variables)}") from None

    def contexts(self) -> Iterator[tuple[dict[str, int], float]]:
        """Every context u with its probability (needs a ``distribution`` in the file)."""
        if self.distribution is None:
            raise ModelError(f"{self.source}: the model gives no distribution over the "
                             "exogenous variables; add 'distribution = [...]' to each of them")
        names = list(self.exogenous)
        total = math.prod(len(d.values) for d in self.exogenous.values())
        if total > MAX_CONTEXTS:
            raise ModelError(f"{self.source}: the exogenous variables have {total:,} joint "
                             f"settings, more than {MAX_CONTEXTS:,} to enumerate exactly; use "
                             "fewer or smaller exogenous variables")
        spaces = [list(zip(self.exogenous[n].values, self.distribution[n], strict=True))
                  for n in names]
        for combo in itertools.product(*spaces):
            yield dict(zip(names, (v for v, _ in combo), strict=True)), \
                math.prod(p for _, p in combo)


def _topological(model: StructuralModel) -> tuple[str, ...]:
    try:
        order = model.graph().topological_order(observed_only=False)
    except CycleError as exc:
        path = " -> ".join([*exc.cycle, exc.cycle[0]])
        raise ModelError(f"{model.source}: the equations form a cycle {path}; a structural "
                         "model must be recursive, so remove one of these dependencies") from None
    return tuple(v for v in order if v in model.endogenous)


def load_model(path: str | Path) -> StructuralModel:
    """Read a structural-model TOML file (errors name the file, line and bad token)."""
    p = Path(path)
    if not p.is_file():
        raise ModelError(f"model file {str(p)!r} does not exist; give the path of a .toml file")
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(f"model file {str(p)!r} is not UTF-8 text ({exc.reason}); "
                         "save it as UTF-8") from None
    return parse_model(text, source=str(p))


def parse_model(text: str, source: str = "<model>") -> StructuralModel:
    """Parse the TOML text of a structural model (see the module docstring for the format).

    Raises
    ------
    ModelError
        Bad TOML, an unknown or missing field, a bad domain or value, an unknown name in an
        equation, or a cycle. Equation errors name the file, the line and the bad token.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{source}: not valid TOML ({exc}); fix the TOML syntax there") from None
    _check_keys(data, {"model", "exogenous", "endogenous"}, source, "the file")
    exo_raw = _table(data, "exogenous", source)
    endo_raw = _table(data, "endogenous", source)
    exo, context, dist = _read_exogenous(exo_raw, source)
    endo: dict[str, Domain] = {}
    equations: dict[str, Expr] = {}
    for name, spec in endo_raw.items():
        _check_name(name, source, set(exo))
        spec = _spec(spec, name, source, {"domain", "equation", "description"}, "equation")
        endo[name] = _domain(spec.get("domain"), name, source)
        equations[name] = _equation(spec["equation"], name, text, source)
    known = set(exo) | set(endo)
    for name, eq in equations.items():
        unknown = sorted(free_names(eq) - known)
        if unknown:
            line = _line_of(text, name, str(endo_raw[name]["equation"]))
            raise ModelError(f"{source}, line {line}: the equation of {name} reads unknown "
                             f"name {unknown[0]!r}; declare it under [exogenous] or "
                             "[endogenous], or fix the spelling")
    meta = data.get("model", {})
    title = str(meta.get("name", Path(source).stem)) if isinstance(meta, dict) else source
    model = StructuralModel(name=title, exogenous=exo, context=context, endogenous=endo,
                            equations=equations, distribution=dist, source=source)
    for name in endo:
        _check_range(model, name, _line_of(text, name, str(endo_raw[name]["equation"])))
    return model


def _check_range(model: StructuralModel, var: str, line: int) -> None:
    """Every value of ``var``'s equation lies in its domain, for every parent setting (when
    there are at most ``_RANGE_CHECK`` of them; :meth:`StructuralModel.solve` checks the rest)."""
    parents = sorted(model.parents(var))
    doms = [(model.endogenous.get(p) or model.exogenous[p]).values for p in parents]
    if math.prod(len(d) for d in doms) > _RANGE_CHECK:
        return
    index = {p: i for i, p in enumerate(parents)}
    f = compile_expr(model.equations[var], index)
    dom = model.endogenous[var]
    for combo in itertools.product(*doms):
        value = f(combo)
        if value not in dom:
            setting = ", ".join(f"{p}={v}" for p, v in zip(parents, combo, strict=True))
            raise ModelError(f"{model.source}, line {line}: the equation of {var} gives {value} "
                             f"when {setting or 'always'}, outside its domain {dom.describe()}; "
                             "fix the equation or widen the domain")


def _read_exogenous(raw: Mapping[str, Any], source: str) -> tuple[
        dict[str, Domain], dict[str, int], dict[str, tuple[float, ...]] | None]:
    exo: dict[str, Domain] = {}
    context: dict[str, int] = {}
    dists: dict[str, tuple[float, ...]] = {}
    for name, spec in raw.items():
        _check_name(name, source, set())
        spec = _spec(spec, name, source, {"domain", "value", "distribution", "description"},
                     "value")
        dom = exo[name] = _domain(spec.get("domain"), name, source)
        context[name] = _value(spec["value"], dom, name, source)
        if "distribution" in spec:
            dists[name] = _distribution(spec["distribution"], dom, name, source)
    if dists and len(dists) != len(exo):
        missing = sorted(set(exo) - set(dists))
        raise ModelError(f"{source}: exogenous {', '.join(missing)} have no distribution while "
                         "others do; give every exogenous variable a distribution, or none")
    return exo, context, (dists or None)


def _check_keys(data: Mapping[str, Any], allowed: set[str], source: str, where: str) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise ModelError(f"{source}: unknown key {extra[0]!r} in {where}; the allowed keys are "
                         f"{', '.join(sorted(allowed))}")


def _table(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    table = data.get(key)
    if not isinstance(table, dict) or not table:
        raise ModelError(f"{source}: the [{key}] table is missing or empty; declare at least "
                         f"one {key} variable, e.g. 'U = {{ domain = \"bool\", ... }}'")
    return table


def _spec(spec: Any, name: str, source: str, allowed: set[str], required: str) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ModelError(f"{source}: {name} must be a table such as "
                         f"'{name} = {{ domain = \"bool\", {required} = ... }}'")
    _check_keys(spec, allowed, source, f"variable {name}")
    if required not in spec:
        raise ModelError(f"{source}: variable {name} has no '{required}'; add one")
    return spec


def _check_name(name: str, source: str, taken: set[str]) -> None:
    if not _NAME.match(name) or name in KEYWORDS or name.startswith("__"):
        raise ModelError(f"{source}: variable name {name!r} is not allowed; use letters, digits "
                         "and underscores (not starting with a digit or '__', not a keyword)")
    if name in taken:
        raise ModelError(f"{source}: {name!r} is declared both exogenous and endogenous; "
                         "rename one")


def _domain(raw: Any, name: str, source: str) -> Domain:
    if raw == "bool":
        return Domain(0, 1, boolean=True)
    ok = (isinstance(raw, list) and len(raw) == 2
          and all(isinstance(x, int) and not isinstance(x, bool) for x in raw))
    if not ok or raw[0] > raw[1] or raw[1] - raw[0] + 1 > MAX_DOMAIN:
        raise ModelError(f"{source}: domain {raw!r} of {name} is not allowed; write "
                         f"domain = \"bool\" or domain = [lo, hi] (at most {MAX_DOMAIN} values)")
    return Domain(raw[0], raw[1])


def _value(raw: Any, dom: Domain, name: str, source: str) -> int:
    value = int(raw) if isinstance(raw, bool | int) else None
    if value is None or value not in dom:
        raise ModelError(f"{source}: value {raw!r} of {name} is outside its domain "
                         f"{dom.describe()}; give a value in the domain")
    return value


def _distribution(raw: Any, dom: Domain, name: str, source: str) -> tuple[float, ...]:
    n = len(dom.values)
    ok = isinstance(raw, list) and len(raw) == n and all(
        isinstance(p, int | float) and not isinstance(p, bool) and p >= 0 for p in raw)
    if not ok or abs(sum(raw) - 1.0) > 1e-9:
        raise ModelError(f"{source}: distribution of {name} must be {n} non-negative numbers "
                         f"summing to 1 (one per value of {dom.describe()}); got {raw!r}")
    return tuple(float(p) for p in raw)


def _equation(raw: Any, name: str, text: str, source: str) -> Expr:
    if isinstance(raw, bool | int):
        return parse_expr(str(int(raw)))
    if not isinstance(raw, str):
        raise ModelError(f"{source}: the equation of {name} must be a string such as "
                         "\"A and not B\"")
    try:
        return parse_expr(raw)
    except ExpressionError as exc:
        line = _line_of(text, name, raw)
        raise ModelError(f"{source}, line {line}: in the equation of {name}: {exc.detail} "
                         f"(bad token {exc.token!r})") from None


def _line_of(text: str, name: str, equation: str) -> int:
    """The 1-based line where ``name``'s equation is written (best effort)."""
    lines = text.splitlines()
    first = equation.splitlines()[0] if equation.strip() else equation
    start = next((i for i, ln in enumerate(lines)
                  if re.match(rf"\s*(\[endogenous\.)?{re.escape(name)}\b", ln)), 0)
    for i in range(start, len(lines)):
        if first and first in lines[i]:
            return i + 1
    return start + 1
