"""What an LLM's answer about a pair is worth: the likelihood of its answers given the truth.

The pairwise ensemble answers each pair with a distribution over ``A->B``, ``B->A`` and
``none``; its most probable answer is what it *says*. On networks with known truth (held out
from the one analysed) we count how often it says the right direction, the reversed one, or
``none`` when there is an edge, and how often it names an edge where there is none. With the
prior ``P(a->b) = P(b->a) = ρ/2, P(none) = 1 - ρ`` (ρ from the held-out edges per node),
Bayes' rule turns what it says into an :class:`~rung.discover.EdgeBelief`. This is the
confusion-matrix model of an imperfect expert (Dawid & Skene 1979) with one pseudo-count per
cell; unlike one accuracy it learns that a model which says ``none`` to most pairs tells us
little by saying it.

:func:`shipped_answer_likelihood` reads the fits that ship with rung
(``answer_likelihood_*.json``: each says its model, prompt variants, and the networks it was
fitted on); :mod:`rung.bench.fusion_llm` fits them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any, Literal

from rung.discover.prior_search import EdgeBelief

__all__ = ["Answer", "AnswerLikelihood", "edge_density", "likelihood_beliefs",
           "most_probable_answer", "shipped_answer_likelihood"]

Answer = Literal["A->B", "B->A", "none"]


def most_probable_answer(p_ab: float, p_ba: float, p_none: float) -> Answer:
    """The most probable of the three (ties: ``none``, then ``A->B``).

    Examples
    --------
    >>> most_probable_answer(0.34, 0.22, 0.44)
    'none'
    """
    probs: dict[Answer, float] = {"none": p_none, "A->B": p_ab, "B->A": p_ba}
    return max(probs, key=lambda k: probs[k])


def edge_density(nodes: Sequence[str], edges_per_node: float) -> float:
    """The prior edge probability ρ of a pair among ``nodes`` given the (held-out) edges per
    node, capped at 0.5.

    Examples
    --------
    >>> round(edge_density(["A", "B", "C", "D", "E"], 1.0), 2)
    0.5
    """
    return min(0.5, 2 * edges_per_node / max(len(nodes) - 1, 1))


@dataclass(frozen=True)
class AnswerLikelihood:
    """How the LLM answers given the truth, measured on held-out networks: ``right``
    ``= P(says the right direction | edge)``, ``reversed`` ``= P(says the other one | edge)``,
    ``false_edge`` ``= P(says an edge | none)``; ``accuracy`` and ``pairs`` over the fitting
    answers, their networks' ``edges_per_node``, and (for a shipped fit) the ``model`` and
    number of prompt ``variants`` it was asked with."""

    right: float
    reversed: float
    false_edge: float
    accuracy: float
    pairs: int
    edges_per_node: float
    networks: tuple[str, ...]
    model: str = ""
    variants: int = 0

    def __post_init__(self) -> None:
        if not (min(self.right, self.reversed) >= 0 and self.right + self.reversed <= 1
                and 0 < self.false_edge < 1):
            raise ValueError(f"right={self.right}, reversed={self.reversed} and false_edge="
                             f"{self.false_edge} must be probabilities (right + reversed <= 1, "
                             "false_edge strictly between 0 and 1)")

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"networks": list(self.networks)}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> AnswerLikelihood:
        return cls(float(obj["right"]), float(obj["reversed"]), float(obj["false_edge"]),
                   float(obj["accuracy"]), int(obj["pairs"]), float(obj["edges_per_node"]),
                   tuple(str(n) for n in obj["networks"]), str(obj.get("model", "")),
                   int(obj.get("variants", 0)))

    def describe(self) -> str:
        return f"held-out likelihood ({', '.join(self.networks)})"


def likelihood_beliefs(answers: Mapping[tuple[str, str], Answer], lik: AnswerLikelihood,
                       density: float) -> dict[tuple[str, str], EdgeBelief]:
    """Bayes: ``P(truth | answer)`` with prior ``ρ/2, ρ/2, 1-ρ`` and the held-out likelihood
    (a wrong edge answer on a non-edge names either direction with equal chance).

    Examples
    --------
    >>> lik = AnswerLikelihood(0.9, 0.05, 0.1, 0.9, 100, 1.0, ("x",))
    >>> b = likelihood_beliefs({("A", "B"): "A->B"}, lik, 0.2)[("A", "B")]
    >>> round(b.p_ab, 3), round(b.p_none, 3)
    (0.667, 0.296)
    """
    miss = 1.0 - lik.right - lik.reversed
    like: dict[Answer, dict[str, float]] = {
        "A->B": {"A->B": lik.right, "B->A": lik.reversed, "none": lik.false_edge / 2},
        "B->A": {"A->B": lik.reversed, "B->A": lik.right, "none": lik.false_edge / 2},
        "none": {"A->B": miss, "B->A": miss, "none": 1.0 - lik.false_edge}}
    prior = {"A->B": density / 2, "B->A": density / 2, "none": 1.0 - density}
    out = {}
    for (a, b), ans in answers.items():
        post = {t: prior[t] * like[ans][t] for t in prior}
        total = sum(post.values())
        out[(a, b)] = EdgeBelief(a, b, post["A->B"] / total, post["B->A"] / total,
                                 post["none"] / total, calibration=lik.describe())
    return out


def shipped_answer_likelihood(model: str, variants: int) -> AnswerLikelihood | None:
    """The shipped fit for ``model`` (a backend's ``model_id``) asked with ``variants``
    prompt variants, or None when rung ships none for that model and way of asking."""
    for ref in resources.files("rung.copilot").iterdir():
        if ref.name.startswith("answer_likelihood_") and ref.name.endswith(".json"):
            lik = AnswerLikelihood.from_json(json.loads(ref.read_text(encoding="utf-8")))
            if lik.model == model and lik.variants == variants:
                return lik
    return None
