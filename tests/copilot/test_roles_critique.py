"""Confounders / mediators / instruments, critique and latent confounders (programmed answers)."""

from __future__ import annotations

import re

import pytest

from rung.copilot import confounders, critique, instruments, latent_confounders, mediators
from rung.graph import CausalGraph


def yes(p_yes: float):
    return lambda prompt, option: p_yes if option == "Yes" else 1 - p_yes


def test_confounders_scored_candidates(scripted):
    def rule(prompt: str, option: str) -> float:
        p = 0.8 if "summer heat" in prompt else 0.3
        return p if option == "Yes" else 1 - p

    r = confounders(
        "ice cream sales",
        "drownings",
        ["summer heat", "shark size"],
        backend=scripted(rule),
        variants=4,
    )
    assert r.accepted == ["summer heat"]
    assert [c.confidence for c in r.candidates] == pytest.approx([0.8, 0.3])
    assert r.calls == 2 * 4
    assert r.candidates[0].votes == 4 and not r.candidates[0].proposed
    assert set(r.to_json()) >= {"accepted", "candidates", "calls", "position_bias"}


def test_mediators_proposed_by_generation(scripted):
    texts = {"through which smoking affects": "1. tar deposits\n2. smoking\n- Tar deposits"}
    r = mediators("smoking", "lung cancer", backend=scripted(yes(0.7), texts=texts), variants=2)
    assert [c.name for c in r.candidates] == ["tar deposits"]  # x itself and duplicates dropped
    assert r.candidates[0].proposed and r.calls == 1 + 2


def test_instruments_validation(scripted):
    with pytest.raises(ValueError, match="two different"):
        instruments("x", "x", ["z"], backend=scripted(yes(0.5)))


def test_critique_flags_doubtful_and_missing(scripted):
    truth = {("a", "b"), ("b", "c")}

    def rule(prompt: str, option: str) -> float | None:
        m = re.search(r"Does (\w) directly cause (\w)\?", prompt)
        if not m:
            return None
        p = 0.9 if (m.group(1), m.group(2)) in truth else 0.1
        return p if option == "Yes" else 1 - p

    g = CausalGraph.from_edges("a -> b; a -> c")
    backend = scripted(rule, texts={"In one sentence": "Because."})
    c = critique(g, backend=backend)
    assert [(n.source, n.target, n.kind) for n in c.notes] in (
        [("a", "c", "doubtful"), ("b", "c", "missing")],
        [("b", "c", "missing"), ("a", "c", "doubtful")],
    )
    assert all(n.confidence == pytest.approx(0.9) and n.reason == "Because." for n in c.notes)
    # 4 ordered pairs judged (a->b, a->c, b->c, c->b; b->a and c->a skipped) × 2 + 2 reasons
    assert c.calls == 4 * 2 + 2


def test_latent_confounders_add_bidirected(scripted):
    def rule(prompt: str, option: str) -> float:
        p = 0.9 if "causes both x and y" in prompt else 0.2
        return p if option == "Yes" else 1 - p

    g = CausalGraph.from_edges("x -> z; y -> z")
    c = latent_confounders(g, backend=scripted(rule))
    assert [(n.source, n.target) for n in c.notes] == [("x", "y")]
    assert c.graph is not None and c.graph.bidirected_edges == (("x", "y"),)
    assert c.calls == 3 * 2
