"""The embedded-LLM expert of the fusion benchmark: answers from the ensemble, their
held-out calibration, and one cell through the simulated expert's steps."""

from __future__ import annotations

import os
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rung.bench.fusion import (
    Answer,
    FusionCell,
    calibrated_beliefs,
    data_alone,
    network_edges,
    pair_truth,
    run_cell,
    sample_network,
)
from rung.bench.fusion_llm import (
    LLMPairAnswer,
    ask_network,
    cell_pairs,
    fit_likelihood,
    likelihood_from_ledger,
    plan_llm_cells,
    run_llm_cell,
)
from rung.bench.ledger import Ledger
from rung.copilot.answer_likelihood import AnswerLikelihood, likelihood_beliefs
from rung.lm.backends.scripted import ScriptedBackend
from rung.lm.base import Message

_ANSWERS: tuple[Answer, ...] = ("A->B", "B->A", "none")


def _truthful(network: str, share: float = 0.8) -> dict[tuple[str, str], LLMPairAnswer]:
    """An LLM that puts ``share`` on the true answer of every pair."""
    nodes, edges = network_edges(network)
    out = {}
    for a, b in combinations(nodes, 2):
        t = pair_truth(a, b, edges)
        p = {k: share if k == t else (1 - share) / 2 for k in _ANSWERS}
        out[(a, b)] = LLMPairAnswer(network, a, b, p["A->B"], p["B->A"], p["none"])
    return out


def test_answer_is_the_most_probable_and_round_trips() -> None:
    x = LLMPairAnswer("sachs", "Akt", "Erk", 0.5, 0.2, 0.3, 4, 7.5, "m.gguf")
    assert x.answer == "A->B" and x.key == "answer/sachs/Akt/Erk"
    assert LLMPairAnswer.from_json(x.to_json()) == x
    assert LLMPairAnswer("sachs", "Akt", "Erk", 0.2, 0.45, 0.35).answer == "B->A"


@settings(max_examples=40, deadline=None)
@given(acc=st.floats(0.34, 0.99), rho=st.floats(0.01, 0.5),
       ans=st.sampled_from(_ANSWERS))
def test_symmetric_likelihood_is_the_simulated_experts_bayes_rule(acc: float, rho: float,
                                                                  ans: Answer) -> None:
    """Independent reference: calibrated_beliefs with a single accuracy, whose errors name
    each wrong answer with equal chance."""
    lik = AnswerLikelihood(acc, (1 - acc) / 2, 1 - acc, acc, 1, 1.0, ("x",))
    got = likelihood_beliefs({("A", "B"): ans}, lik, rho)[("A", "B")]
    ref = calibrated_beliefs({("A", "B"): ans}, acc, rho)[("A", "B")]
    assert (got.p_ab, got.p_ba, got.p_none) == pytest.approx((ref.p_ab, ref.p_ba, ref.p_none))


def test_likelihood_counts_every_outcome_with_one_pseudo_count() -> None:
    nodes, edges = network_edges("asia")  # 8 nodes, 8 edges, 20 non-adjacent pairs
    right = {p: pair_truth(*p, edges) for p in combinations(nodes, 2)}
    lik = fit_likelihood({"asia": right, "sachs": {}}, "sachs")
    assert lik.right == pytest.approx(9 / 11) and lik.reversed == pytest.approx(1 / 11)
    assert lik.false_edge == pytest.approx(1 / 22)
    assert lik.accuracy == 1.0 and lik.pairs == 28 and lik.edges_per_node == 1.0
    nothing = {p: "none" for p in right}  # says "none" to all: right on 20 of 28
    lik = fit_likelihood({"asia": nothing, "sachs": {}}, "sachs")  # type: ignore[dict-item]
    assert lik.accuracy == pytest.approx(20 / 28) and lik.right == pytest.approx(1 / 11)
    belief = likelihood_beliefs({("a", "b"): "none"}, lik, 0.2)[("a", "b")]
    none = 0.8 * (21 / 22)  # prior 0.8 times P(none | no edge); an edge: 0.2 * P(none | edge)
    assert belief.p_none == pytest.approx(none / (none + 0.2 * 9 / 11))  # 0.82: barely moved


def test_calibration_never_reads_the_analysed_network() -> None:
    asia, sachs = _truthful("asia"), _truthful("sachs")
    said = {net: {p: x.answer for p, x in got.items()} for net, got in
            (("asia", asia), ("sachs", sachs))}
    lik = fit_likelihood(said, "asia")
    flipped = {**said, "asia": {p: "none" for p in said["asia"]}}
    assert fit_likelihood(flipped, "asia") == lik and lik.networks == ("sachs",)
    with pytest.raises(ValueError, match="no held-out network"):
        fit_likelihood({"asia": said["asia"]}, "asia")


def test_cell_pairs_are_all_pairs_on_asia_and_the_workflows_plan_on_child() -> None:
    assert len(cell_pairs("asia", 300, 0)) == 28
    nodes, _ = network_edges("child")
    pairs = cell_pairs("child", 500, 0)
    cls = data_alone("child", 500, 0).cpdag
    adjacent = {tuple(sorted(e)) for e in [*cls.directed, *cls.undirected]}
    assert adjacent <= set(pairs)
    assert len(pairs) == len(adjacent) + len(nodes) // 2  # the workflow's extra budget
    assert all(a < b for a, b in pairs)


class _Counting(ScriptedBackend):
    """The scripted test double, counting the scored prompts."""

    def __init__(self) -> None:
        self.prompts: list[str] = []

        def rule(messages: Sequence[Message], prefix: str, option: str) -> float | None:
            text = messages[-1].content
            self.prompts.append(text)
            # "Yes" is likely exactly when the prompt asks whether smoking causes cancer
            yes = text.find("smoke") < text.find("lung")
            return (-0.2 if yes else -2.0) if option == "Yes" else -1.0

        super().__init__(rule=rule)


def test_ask_network_records_the_ensemble_and_resumes(tmp_path: Path) -> None:
    from rung.copilot import pairwise

    backend = _Counting()
    ledger = Ledger(tmp_path / "answers.jsonl")
    got = ask_network("asia", [("lung", "smoke")], backend, ledger)[("lung", "smoke")]
    ref = pairwise("lung", "smoke", backend=ScriptedBackend(rule=_Counting().rule),
                   variants=2)
    assert (got.p_ab, got.p_ba, got.p_none) == pytest.approx(
        (ref.probabilities["A->B"], ref.probabilities["B->A"], ref.probabilities["none"]))
    assert got.answer == "B->A" and got.calls == 4  # smoke -> lung
    asked = len(backend.prompts)
    again = ask_network("asia", [("lung", "smoke")], backend, Ledger(ledger.path))
    assert again[("lung", "smoke")] == got and len(backend.prompts) == asked
    with pytest.raises(ValueError, match="not sorted"):
        ask_network("asia", [("smoke", "lung")], backend, ledger)


def test_a_good_llm_helps_fusion_and_its_cells_match_the_simulated_steps() -> None:
    answers = {"asia": _truthful("asia"), "sachs": _truthful("sachs")}
    data = run_llm_cell(FusionCell("asia", 500, 0, "data", None, "embedded"), answers)
    fused = run_llm_cell(FusionCell("asia", 500, 0, "fusion", None, "embedded"), answers)
    assert fused["key"] == "asia/n500/s0/fusion/embedded"
    assert fused["calibration"]["networks"] == ["sachs"] and fused["pairs_asked"] == 28
    assert fused["shd"] < data["shd"]
    ref = run_cell(FusionCell("asia", 500, 0, "data"))
    assert data["shd"] == ref["shd"] and data["range"] == ref["range"]
    expert = run_llm_cell(FusionCell("asia", 500, 0, "expert", None, "embedded"), answers)
    assert expert["shd"] == 0 and expert["own_accuracy"] == 1.0
    assert sample_network("asia", 500, 0).shape == (500, 8)


def test_plan_and_unasked_pairs_are_refused() -> None:
    keys = [c.key for c in plan_llm_cells(["sachs"], [1000], [0, 1])]
    assert keys[:3] == ["sachs/n1000/s0/data/p-", "sachs/n1000/s0/expert/embedded",
                        "sachs/n1000/s0/fusion/embedded"] and len(keys) == 6
    answers = {"asia": dict(list(_truthful("asia").items())[:5]), "sachs": _truthful("sachs")}
    with pytest.raises(ValueError, match="never asked"):
        run_llm_cell(FusionCell("asia", 300, 0, "expert", None, "embedded"), answers)


@pytest.mark.llm
def test_a_real_model_answers_a_pair(tmp_path: Path) -> None:
    """The tiny real model (SmolLM2-135M) through the benchmark's question path."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed")
    from rung.lm import get_backend
    from rung.lm.base import LMError

    try:
        tiny = get_backend("tiny", cache=False, n_threads=1)
    except LMError as exc:
        pytest.skip(f"tiny model unavailable: {exc}")
    got = ask_network("asia", [("lung", "smoke")], tiny, Ledger(tmp_path / "a.jsonl"))
    x = got[("lung", "smoke")]
    assert x.calls == 4 and x.model.endswith(".gguf") and x.cpu_seconds > 0
    assert x.p_ab + x.p_ba + x.p_none == pytest.approx(1.0)
    assert len({round(x.p_ab, 6), round(x.p_ba, 6)}) == 2  # real, unequal scores


def test_the_shipped_fit_reads_every_network_of_the_ledger(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path / "answers.jsonl")
    for net in ("asia", "sachs"):
        for x in _truthful(net).values():
            ledger.append(x.to_json())
    lik = likelihood_from_ledger(tmp_path, "m.gguf")
    assert lik.networks == ("asia", "sachs") and lik.model == "m.gguf" and lik.variants == 2
    assert lik.accuracy == 1.0 and lik.pairs == 28 + 55
    assert AnswerLikelihood.from_json(lik.to_json()) == lik
    with pytest.raises(ValueError, match="no answers"):
        likelihood_from_ledger(tmp_path / "empty", "m.gguf")
