"""The Copilot session: its methods are the tasks, the module functions are thin wrappers."""

from __future__ import annotations

import pytest

from rung.copilot import (
    Copilot,
    Role,
    confounders,
    instruments,
    judgment,
    mediators,
    pairwise,
    propose_graph,
)
from rung.graph import CausalGraph


def _yes(p_yes: float):
    return lambda prompt, option: p_yes if option == "Yes" else 1 - p_yes


def test_method_equals_module_function(scripted):
    def rule(prompt: str, option: str) -> float | None:
        p = 0.8 if "Does a cause b?" in prompt else 0.3
        return p if option == "Yes" else 1 - p

    cp = Copilot(scripted(rule), variants=2, context="Lab.", descriptions={"a": "an input"})
    via_session = cp.pairwise("a", "b")
    via_function = pairwise(
        "a", "b", backend=scripted(rule), variants=2, context="Lab.", descriptions={"a": "an input"}
    )
    assert via_session.to_json() == via_function.to_json()
    assert via_session.variants[0].prompt.startswith("Context: Lab.")


def test_session_shares_settings_across_tasks(scripted):
    backend = scripted(_yes(0.9), texts={"In one sentence": "Because."})
    cp = Copilot(backend, variants=2)
    r = cp.pairwise("x", "y")
    assert r.calls == 4  # the session's K, not the pairwise default of 8
    c = cp.critique(CausalGraph.from_edges("x -> y"), reasons=False)
    assert c.calls == 1 * 2  # x -> y judged (its reverse is skipped), K = 2
    j = cp.judgment("A story.", "Did it?")
    assert j.calls == 2
    assert backend.calls == 4 + 2 + 2


ROLE_WORDING = {
    Role.CONFOUNDER: "Does z cause both x and y?",
    Role.MEDIATOR: "Does x affect y through z,",
    Role.INSTRUMENT: "Does z influence x, while affecting y only through x",
}


def test_roles_one_implementation(scripted):
    asked: list[str] = []

    def rule(prompt: str, option: str) -> float:
        asked.append(prompt)
        return 0.7 if option == "Yes" else 0.3

    cp = Copilot(scripted(rule), variants=2)
    results = {}
    for role in Role:
        asked.clear()
        results[role] = cp.role(role, "x", "y", ["z"])
        assert ROLE_WORDING[role] in asked[0]  # each role asks its own templates
    assert [r.role for r in results.values()] == list(Role)
    assert all(r.accepted == ["z"] and r.calls == 2 for r in results.values())
    assert [r.to_json()["role"] for r in results.values()] == [
        "confounder", "mediator", "instrument"
    ]
    # the named methods and the module functions run the same implementation
    for func, method, role in ((confounders, cp.confounders, Role.CONFOUNDER),
                               (mediators, cp.mediators, Role.MEDIATOR),
                               (instruments, cp.instruments, Role.INSTRUMENT)):
        assert func("x", "y", ["z"], backend=scripted(rule), variants=2).to_json() == (
            results[role].to_json())
        assert method("x", "y", ["z"]).to_json() == results[role].to_json()
    assert confounders.__name__ == "confounders" and "Common causes" in str(confounders.__doc__)


def test_role_from_string_and_bad_role(scripted):
    cp = Copilot(scripted(_yes(0.7)), variants=2)
    assert cp.role("instrument", "x", "y", ["z"]).role is Role.INSTRUMENT  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="collider"):
        cp.role("collider", "x", "y", ["z"])  # type: ignore[arg-type]


def test_variants_validated_once(scripted):
    with pytest.raises(ValueError, match="variants=1"):
        Copilot(scripted(_yes(0.5)), variants=1)
    with pytest.raises(ValueError, match="variants=0"):
        judgment("A story.", backend=scripted(_yes(0.5)), variants=0)


def test_replace_keeps_the_resolved_backend(scripted):
    backend = scripted(_yes(0.6))
    cp = Copilot(backend, variants=2)
    other = cp.replace(context="New context.")
    assert other.lm is backend and other.context == "New context."
    assert other.pairwise("x", "y").variants[0].prompt.startswith("Context: New context.")


def test_graph_method_matches_propose_graph(scripted):
    rule = _yes(0.2)
    a = Copilot(scripted(rule)).graph(["a", "b", "c"], top_k=2)
    b = propose_graph(["a", "b", "c"], backend=scripted(rule), progress=False, top_k=2)
    assert a.to_json() == b.to_json()
