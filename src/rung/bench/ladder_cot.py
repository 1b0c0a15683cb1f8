"""Step-by-step answering of ladder items in the style of CausalCoT (Jin et al. 2023).

CausalCoT prompts the model through six steps (extract the causal graph, determine the query
type, formalise the query, gather the data, deduce the estimand, calculate it) and then asks
for one word, "Yes" or "No". Here the steps are one bounded greedy generation
(:data:`COT_MAX_TOKENS` tokens: generation is slow on a CPU), and the final word is a
``select`` over the two answers, whose probabilities are kept for calibration. The chain of
thought is stored with the answer; rung computes nothing in this mode: it is the strongest
prompting baseline for the program-aided recipe (:mod:`rung.bench.ladder_recipe`).

Examples
--------
>>> from rung.bench.ladder import generate
>>> from rung.lm.backends.scripted import ScriptedBackend
>>> item = generate(1, seed=0)[0]
>>> lm = ScriptedBackend(scores={"Yes": -0.1, "No": -2.0}, texts={"step": "X raises Y."})
>>> res = answer_cot(item, lm, max_tokens=8)
>>> res.answer, round(res.probabilities["Yes"], 2), res.reasoning
('Yes', 0.87, 'X raises Y.')
>>> CotResult.from_json(res.to_json()) == res
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rung.bench.ladder import LadderItem
from rung.lm.base import Backend
from rung.lm.program import Program, assistant, gen, select, system, user

__all__ = ["COT_MAX_TOKENS", "COT_STEPS", "CotResult", "answer_cot"]

#: tokens of reasoning generated before the final answer (bounded: CPU generation is slow)
COT_MAX_TOKENS = 256

#: CausalCoT's six steps (Jin et al. 2023, Sec. 4), in their words, shortened
COT_STEPS = (
    "Step 1) Extract the causal graph: identify the causal graph that depicts the "
    "relationships in the scenario.",
    "Step 2) Determine the query type: marginal probability, conditional probability, "
    "valid adjustment set, average treatment effect or average treatment effect on the "
    "treated.",
    "Step 3) Formalize the query: translate it into its formal mathematical expression based "
    "on the causal graph.",
    "Step 4) Gather all relevant data: extract all the available data.",
    "Step 5) Deduce the estimand using causal inference: use do-calculus, counterfactual "
    "prediction and the basics of probabilities.",
    "Step 6) Calculate the estimand: insert the data from Step 4 into the estimand, do the "
    "arithmetic and derive the final answer.",
)
_SYSTEM = "You are an expert in causal inference."
_FINAL = ('Based on all the reasoning above, output one word to answer the initial question '
          'with just "Yes" or "No".')


@dataclass(frozen=True)
class CotResult:
    """The final answer, its probabilities, and the reasoning that preceded it."""

    answer: str
    probabilities: dict[str, float]
    reasoning: str

    def to_json(self) -> dict[str, Any]:
        return {"answer": self.answer, "probabilities": dict(self.probabilities),
                "reasoning": self.reasoning}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CotResult:
        return cls(str(data["answer"]),
                   {str(k): float(v) for k, v in data["probabilities"].items()},
                   str(data["reasoning"]))


def answer_cot(item: LadderItem, backend: Backend,
               max_tokens: int = COT_MAX_TOKENS) -> CotResult:
    """Reason through CausalCoT's steps (``max_tokens`` at most), then answer Yes or No."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens={max_tokens}: give at least 1 token of reasoning")
    lm = Program(backend)
    with system():
        lm += _SYSTEM
    with user():
        lm += ("Hint: you can answer the following question by following these steps.\n"
               + "\n".join(COT_STEPS)
               + f"\n\n{item.story}\n\nQuestion: {item.question}")
    with assistant():
        lm += "Let's reason step by step.\n"
        lm += gen("reasoning", max_tokens=max_tokens)
    with user():
        lm += _FINAL
    with assistant():
        lm += select(["Yes", "No"], name="answer")
    return CotResult(lm["answer"], lm.probabilities("answer"), lm["reasoning"])
