"""rung's pruned Halpern–Pearl search against a naive transcription of the definitions
(Halpern 2016, Definition 2.2.1; Chockler & Halpern 2004, Definition 3.1) on random boolean
structural models. The reference reads the truth tables directly: it shares neither the
expression parser nor the solver nor the prunings with rung."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from rung.scm import Definition, is_actual_cause, parse_model

Table = dict[tuple[int, ...], int]


class RandomSCM:
    def __init__(self, u: list[int], parents: list[list[int]], tables: list[Table]) -> None:
        self.u, self.parents, self.tables = u, parents, tables
        self.n = len(u)

    def solve(self, do: dict[int, int]) -> list[int]:
        values: list[int] = []
        for i in range(self.n):
            key = (self.u[i], *(values[p] for p in self.parents[i]))
            values.append(do[i] if i in do else self.tables[i][key])
        return values

    def toml(self) -> str:
        lines = ["[exogenous]"]
        lines += [f'U{i} = {{ domain = "bool", value = {bool(v)!s} }}'.replace("True", "true")
                  .replace("False", "false") for i, v in enumerate(self.u)]
        lines.append("[endogenous]")
        for i in range(self.n):
            names = [f"U{i}", *(f"V{p}" for p in self.parents[i])]
            terms = [" and ".join(n if b else f"not {n}" for n, b in zip(names, key, strict=True))
                     for key, out in self.tables[i].items() if out]
            eq = " or ".join(f"({t})" for t in terms) or "False"
            lines.append(f'V{i} = {{ domain = "bool", equation = "{eq}" }}')
        return "\n".join(lines) + "\n"


@st.composite
def scms(draw: st.DrawFn) -> RandomSCM:
    n = draw(st.integers(3, 5))
    u = [draw(st.integers(0, 1)) for _ in range(n)]
    parents, tables = [], []
    for i in range(n):
        ps = sorted(draw(st.sets(st.integers(0, i - 1), max_size=min(i, 3)))) if i else []
        keys = list(itertools.product((0, 1), repeat=len(ps) + 1))
        tables.append({k: draw(st.integers(0, 1)) for k in keys})
        parents.append(ps)
    return RandomSCM(u, parents, tables)


def subsets(items: list[int] | tuple[int, ...]) -> list[tuple[int, ...]]:
    return [c for r in range(len(items) + 1) for c in itertools.combinations(items, r)]


def ref_witnesses(m: RandomSCM, cause: dict[int, int], effect: dict[int, int],
                  definition: Definition) -> list[int]:
    """The number of changed values of every AC2 witness (empty: AC2 fails)."""
    actual = m.solve({})

    def phi(do: dict[int, int]) -> bool:
        vals = m.solve(do)
        return all(vals[i] == y for i, y in effect.items())

    xs = list(cause)
    rest = [i for i in range(m.n) if i not in cause]
    found = []
    for w_set in subsets(rest):
        settings_w = [tuple(actual[i] for i in w_set)] if definition is Definition.MODIFIED \
            else list(itertools.product((0, 1), repeat=len(w_set)))
        z = [i for i in rest if i not in w_set]
        for w_vals in settings_w:
            w = dict(zip(w_set, w_vals, strict=True))
            for alt in itertools.product((0, 1), repeat=len(xs)):
                if alt == tuple(cause[i] for i in xs):
                    continue
                if phi({**w, **dict(zip(xs, alt, strict=True))}):
                    continue
                if definition is not Definition.MODIFIED:
                    w_subs = [tuple(w_set)] if definition is Definition.ORIGINAL \
                        else subsets(w_set)
                    if not all(phi({**cause, **{i: w[i] for i in ws},
                                    **{i: actual[i] for i in zs}})
                               for ws in w_subs for zs in subsets(z)):
                        continue
                found.append(sum(w[i] != actual[i] for i in w_set))
    return found


def ref_is_cause(m: RandomSCM, cause: dict[int, int], effect: dict[int, int],
                 definition: Definition) -> bool:
    actual = m.solve({})
    if any(actual[i] != v for i, v in {**cause, **effect}.items()):
        return False
    if not ref_witnesses(m, cause, effect, definition):
        return False
    return not any(ref_witnesses(m, {i: cause[i] for i in sub}, effect, definition)
                   for r in range(1, len(cause)) for sub in itertools.combinations(cause, r))


def ref_responsibility(m: RandomSCM, cause: dict[int, int], effect: dict[int, int],
                       definition: Definition) -> Fraction:
    actual = m.solve({})
    if definition is not Definition.MODIFIED:
        if not ref_is_cause(m, cause, effect, definition):
            return Fraction(0)
        return Fraction(1, min(ref_witnesses(m, cause, effect, definition)) + len(cause))
    others = [i for i in range(m.n) if i not in cause and i not in effect]
    sizes = [len(cause) + len(extra) for extra in subsets(others)
             if ref_is_cause(m, {**cause, **{i: actual[i] for i in extra}}, effect, definition)]
    return Fraction(1, min(sizes)) if sizes else Fraction(0)


@settings(max_examples=60, deadline=None)
@given(scms(), st.data())
def test_matches_naive_definitions(m: RandomSCM, data: st.DataObject) -> None:
    model = parse_model(m.toml(), source="random.toml")
    actual = m.solve({})
    assert [model.solve()[f"V{i}"] for i in range(m.n)] == actual
    effect_var = m.n - 1
    k = data.draw(st.integers(1, 2))
    cause_vars = data.draw(st.lists(st.integers(0, m.n - 2), min_size=k, max_size=k,
                                    unique=True))
    cause = {i: actual[i] for i in cause_vars}
    effect = {effect_var: actual[effect_var]}
    for definition in Definition:
        r = is_actual_cause(model, tuple((f"V{i}", v) for i, v in cause.items()),
                            ((f"V{effect_var}", effect[effect_var]),), definition)
        assert r.is_cause == ref_is_cause(m, cause, effect, definition), definition
        assert r.ac2 == bool(ref_witnesses(m, cause, effect, definition)), definition
        assert r.responsibility == ref_responsibility(m, cause, effect, definition), definition
