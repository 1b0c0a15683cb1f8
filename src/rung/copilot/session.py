"""The co-pilot session: one object holds what every question shares (the model, the number
of variants, the templates, the calibrations, the variable descriptions and the context),
and its methods are the tasks.

Examples
--------
>>> from rung.copilot import Copilot
>>> from rung.lm.backends.scripted import ScriptedBackend
>>> cp = Copilot(ScriptedBackend(scores={"Yes": -0.2, "No": -1.8}), variants=2,
...              context="Weather stations.")
>>> r = cp.pairwise("altitude", "temperature")
>>> r.calls, r.decision.label
(4, 'undecided')
>>> cp.confounders("ice cream", "drownings", ["heat"]).accepted
['heat']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypedDict, Unpack

from rung.copilot.beliefs import EdgeBelief, EdgeCalibration, ask_edge_beliefs
from rung.copilot.calibration import TemperatureCalibration
from rung.copilot.critique import Critique, ask_critique, ask_latent_confounders
from rung.copilot.graph import GraphOptions, ask_graph
from rung.copilot.judgments import CauseKind, ask_choice
from rung.copilot.pairwise import PairwiseOptions, ask_pairwise
from rung.copilot.results import ChoiceResult, GraphProposal, PairwiseResult
from rung.copilot.roles import FixedRole, Role, RoleOptions, RoleResult, ask_role
from rung.copilot.scoring import CallCounter, counted, resolve_backend
from rung.copilot.templates import TemplateBook, load_templates
from rung.graph import CausalGraph
from rung.lm.base import Backend

__all__ = ["Copilot", "SessionOptions"]


class SessionOptions(TypedDict, total=False):
    """The settings of a :class:`Copilot`, as keywords: the one-call functions
    (:func:`rung.copilot.pairwise`, ...) take ``**session: Unpack[SessionOptions]`` and
    build ``Copilot(**session)`` instead of restating them."""

    backend: Backend | None
    variants: int | None
    templates: TemplateBook | None
    calibration: TemperatureCalibration | None
    descriptions: Mapping[str, str] | None
    context: str | None
    edge_calibration: EdgeCalibration | None


@dataclass(frozen=True)
class Copilot:
    """A co-pilot session: the settings every task shares.

    Parameters
    ----------
    backend : Backend, optional
        Language model; default ``rung.lm.get_backend()`` (resolved once, on first use).
    variants : int, optional
        Variants K per question (even: both orders always); default per task (8 for
        pairwise, 4 for choices and roles, 2 for graphs and critiques).
    templates : TemplateBook, optional
        Prompt templates (default: the built-in ones).
    calibration : TemperatureCalibration, optional
        Applied to the aggregated probabilities of pairwise and multiple-choice answers.
    descriptions : mapping, optional
        Variable descriptions; variants are asked with and without them.
    context : str, optional
        Background text put in every prompt.
    edge_calibration : EdgeCalibration, optional
        The calibration map of edge beliefs (default: the one shipped for the model, see
        :func:`~rung.copilot.beliefs.default_edge_calibration`).
    """

    backend: Backend | None = None
    variants: int | None = None
    templates: TemplateBook | None = None
    calibration: TemperatureCalibration | None = None
    descriptions: Mapping[str, str] | None = None
    context: str | None = None
    edge_calibration: EdgeCalibration | None = None

    def __post_init__(self) -> None:
        if self.variants is not None and (isinstance(self.variants, bool) or self.variants < 2):
            raise ValueError(
                f"variants={self.variants}: ask for at least 2 variants (both option orders)"
            )

    @cached_property
    def lm(self) -> Backend:
        """The resolved backend."""
        return resolve_backend(self.backend)

    @cached_property
    def book(self) -> TemplateBook:
        """The templates in use."""
        return self.templates or load_templates()

    def counter(self) -> CallCounter:
        """A fresh call counter around the backend (one per task, so ``calls`` is per task)."""
        return counted(self.lm)

    def k(self, default: int) -> int:
        """The number of variants: the session's, else the task's ``default``."""
        return default if self.variants is None else self.variants

    def replace(self, **changes: Unpack[SessionOptions]) -> Copilot:
        """A copy with some settings changed (the resolved backend is kept)."""
        if "backend" not in changes and self.backend is None and "lm" in self.__dict__:
            changes["backend"] = self.lm
        return dataclasses.replace(self, **changes)

    # -- tasks ------------------------------------------------------------------------------

    def pairwise(self, a: str, b: str, **options: Unpack[PairwiseOptions]) -> PairwiseResult:
        """Which way causation runs between ``a`` (A) and ``b`` (B); the options
        (``allow_none=True``, ``common_cause=False``, ``content_free=False``) are documented
        at :func:`rung.copilot.pairwise`."""
        return ask_pairwise(self, a, b, **options)

    def graph(self, variables: Sequence[str], **options: Unpack[GraphOptions]) -> GraphProposal:
        """A whole proposed graph over ``variables``; the options (``strategy="pairs"``,
        ``threshold=0.5``, ``top_k=None``, ``pairs=None``, ``content_free=False``,
        ``progress=False``) are documented at :func:`rung.copilot.propose_graph`."""
        return ask_graph(self, variables, **options)

    def role(
        self, role: Role, x: str, y: str, candidates: Sequence[str] | None = None,
        **options: Unpack[RoleOptions],
    ) -> RoleResult:
        """Third variables playing ``role`` for ``x -> y``: score ``candidates``, or let the
        model propose ``n`` (default 5) and score them; accepted at ``threshold`` (0.5)."""
        return ask_role(self, Role(role), x, y, candidates, **options)

    confounders = FixedRole(
        Role.CONFOUNDER, "Common causes of ``x`` and ``y`` (:meth:`role` with ``Role.CONFOUNDER``)."
    )
    mediators = FixedRole(
        Role.MEDIATOR,
        "Variables through which ``x`` affects ``y`` (:meth:`role` with ``Role.MEDIATOR``).",
    )
    instruments = FixedRole(
        Role.INSTRUMENT,
        "Instrumental variables for the effect of ``x`` on ``y`` (:meth:`role` with "
        "``Role.INSTRUMENT``).",
    )

    def critique(
        self, graph: CausalGraph, *, threshold: float = 0.5, reasons: bool = True
    ) -> Critique:
        """Doubtful and missing edges of ``graph``, each with a one-line reason."""
        return ask_critique(self, graph, threshold=threshold, reasons=reasons)

    def latent_confounders(self, graph: CausalGraph, *, threshold: float = 0.5) -> Critique:
        """Pairs of ``graph`` that likely share an unmeasured common cause."""
        return ask_latent_confounders(self, graph, threshold=threshold)

    def choice(
        self, task: str, fields: Mapping[str, str], options: Sequence[str]
    ) -> ChoiceResult:
        """A multiple-choice question with the ``choice`` templates of ``task``."""
        return ask_choice(self, task, fields, options)

    def judgment(
        self, vignette: str, question: str = "Did the event cause the outcome?"
    ) -> ChoiceResult:
        """How would a typical person answer this causal question about the story?"""
        _nonempty(vignette=vignette, question=question)
        fields = {"vignette": vignette.strip(), "question": question.strip()}
        return ask_choice(self, "judgment", fields, ("Yes", "No"))

    def actual_cause(
        self, vignette: str, event: str, kind: CauseKind | str = CauseKind.NECESSARY
    ) -> ChoiceResult:
        """Is ``event`` a necessary (or sufficient) cause of the story's outcome?"""
        chosen = CauseKind.parse(kind)
        _nonempty(vignette=vignette, event=event)
        fields = {"vignette": vignette.strip(), "event": event.strip()}
        return ask_choice(self, chosen.value, fields, ("Yes", "No"))

    def counterfactual(
        self, premise: str, question: str, options: Sequence[str]
    ) -> ChoiceResult:
        """Which option answers the counterfactual ``question`` about ``premise``?"""
        _nonempty(premise=premise, question=question)
        fields = {"premise": premise.strip(), "question": question.strip()}
        return ask_choice(self, "counterfactual", fields, options)

    def edge_beliefs(self, a: str, b: str) -> tuple[EdgeBelief, EdgeBelief]:
        """Calibrated beliefs in ``a -> b`` and ``b -> a`` (both orders, content-free
        corrected, mapped by the edge calibration); see :mod:`rung.copilot.beliefs`."""
        return ask_edge_beliefs(self, a, b)


def _nonempty(**texts: str) -> None:
    for name, text in texts.items():
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} is empty; give the text of the {name}")
