"""One-call functions over a :class:`~rung.copilot.Copilot` session.

Each builds a session from its keyword arguments and calls the task method, so scripts and
the workflow keep calling ``pairwise(a, b, backend=...)``; code that asks many questions
builds one :class:`~rung.copilot.Copilot` and calls its methods instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol, Unpack

from rung.copilot.critique import Critique
from rung.copilot.graph import Strategy
from rung.copilot.judgments import CauseKind
from rung.copilot.pairwise import PairwiseOptions
from rung.copilot.results import ChoiceResult, GraphProposal, PairwiseResult
from rung.copilot.roles import Role, RoleOptions, RoleResult
from rung.copilot.session import Copilot, SessionOptions
from rung.copilot.templates import TemplateBook
from rung.graph import CausalGraph
from rung.lm.base import Backend

__all__ = [
    "PairwiseCallOptions",
    "RoleCallOptions",
    "RoleFunction",
    "actual_cause",
    "ask_choice",
    "confounders",
    "counterfactual",
    "critique",
    "instruments",
    "judgment",
    "latent_confounders",
    "mediators",
    "pairwise",
    "propose_graph",
]


def _split(options: Mapping[str, Any], task: type[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """``options`` as the task's keywords (the keys of the TypedDict ``task``, whose
    defaults live at the task) and the rest, the session's settings."""
    keys = task.__required_keys__ | task.__optional_keys__
    return ({k: v for k, v in options.items() if k in keys},
            {k: v for k, v in options.items() if k not in keys})


class PairwiseCallOptions(PairwiseOptions, SessionOptions, total=False):
    """The keywords of :func:`pairwise`: the question's and the session's."""


def pairwise(a: str, b: str, **options: Unpack[PairwiseCallOptions]) -> PairwiseResult:
    """Ask which way causation runs between ``a`` (A) and ``b`` (B).

    Parameters
    ----------
    a, b : str
        Variable names.
    **options
        The session settings ``backend``, ``variants``, ``templates``, ``calibration``,
        ``descriptions``, ``context`` (see :class:`~rung.copilot.Copilot`; K defaults to
        8), and the question's keywords below.
    allow_none : bool, default True
        Whether "no direct causal link" is an answer.
    common_cause : bool, default False
        Add the answer "common cause" (no direct link, but a shared cause).
    content_free : bool, default False
        Contextual calibration of yes/no variants: each yes probability is measured
        against the model's P(yes) for the same prompt about "N/A" (one extra call per
        variant; see :func:`~rung.copilot.calibration.content_free_correction`).

    Returns
    -------
    PairwiseResult
        ``answer`` in ``{"A->B", "B->A", "none"}`` (and ``"common cause"`` if asked) is the
        best guess; ``decision.label`` is ``"undecided"`` when the runner-up is within
        :data:`~rung.copilot.aggregate.DECISION_MARGIN` or the variants disagree. Also
        probabilities, agreement, entropy, every variant's record, the number of model
        calls and position-bias statistics.

    Examples
    --------
    >>> r = pairwise("altitude", "temperature")  # doctest: +SKIP
    >>> r.decision.label  # doctest: +SKIP
    'A->B'
    """
    question, session = _split(options, PairwiseOptions)
    return Copilot(**session).pairwise(a, b, **question)


def propose_graph(
    variables: Sequence[str],
    descriptions: Mapping[str, str] | None = None,
    *,
    strategy: Strategy | str = "pairs",
    backend: Backend | None = None,
    variants: int | None = None,
    threshold: float = 0.5,
    context: str | None = None,
    templates: TemplateBook | None = None,
    progress: bool = True,
    content_free: bool = False,
    top_k: int | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> GraphProposal:
    """Propose a whole causal graph over ``variables`` with a confidence on every edge.

    Parameters
    ----------
    variables : sequence of str
        Variable names (at least two, distinct).
    descriptions, backend, variants, context, templates
        The session settings (see :class:`~rung.copilot.Copilot`); K defaults to 2.
    strategy : {"pairs", "bfs", "parents"}
        Query plan (see :mod:`rung.copilot.graph`); "bfs" and "parents" cost O(n) queries.
    threshold : float
        Minimum confidence for an edge to enter the graph (undecided pairs never enter).
    progress : bool
        Show a progress bar on stderr.
    content_free : bool
        Contextual calibration of the yes/no answers ("pairs" only).
    top_k : int, optional
        Instead of ``threshold``, keep the ``top_k`` most confident edges (one direction
        per pair). For models that rank pairs better than they judge them absolutely
        (measured on Sachs: the 1.5B default said "No" to every pair, yet ranked them).
    pairs : sequence of (str, str), optional
        Ask only these unordered pairs, in this order ("pairs" only; default every pair).

    Returns
    -------
    GraphProposal
        ``.graph`` (a :class:`~rung.graph.CausalGraph`), ``.edges`` with confidences,
        ``.repairs``, ``.calls``; ``.candidates`` holds every scored edge, kept or not;
        ``.undecided`` the undecided pairs; ``.empty_reason`` says why a graph is empty.
    """
    cp = Copilot(backend, variants, templates, None, descriptions, context)
    return cp.graph(variables, strategy=strategy, threshold=threshold, top_k=top_k,
                    pairs=pairs, content_free=content_free, progress=progress)


class RoleCallOptions(RoleOptions, SessionOptions, total=False):
    """The keywords of :func:`confounders`, :func:`mediators` and :func:`instruments`."""


class RoleFunction(Protocol):
    """The signature of :func:`confounders`, :func:`mediators` and :func:`instruments`."""

    def __call__(
        self, x: str, y: str, candidates: Sequence[str] | None = None,
        **options: Unpack[RoleCallOptions],
    ) -> RoleResult: ...


def _role_function(role: Role, doc: str) -> RoleFunction:
    """The one-call function of ``role``: score ``candidates``, or let the model propose
    ``n`` and score them (K defaults to 4)."""

    def ask(
        x: str, y: str, candidates: Sequence[str] | None = None,
        **options: Unpack[RoleCallOptions],
    ) -> RoleResult:
        question, session = _split(options, RoleOptions)
        return Copilot(**session).role(role, x, y, candidates, **question)

    ask.__name__ = ask.__qualname__ = f"{role}s"
    ask.__doc__ = doc
    return ask


confounders = _role_function(
    Role.CONFOUNDER,
    """Common causes of ``x`` and ``y``: score ``candidates``, or let the model propose ``n``.

    Examples
    --------
    >>> r = confounders("ice cream sales", "drownings", ["summer heat", "shark size"])
    ... # doctest: +SKIP
    >>> r.accepted  # doctest: +SKIP
    ['summer heat']
    """,
)
mediators = _role_function(
    Role.MEDIATOR, "Variables through which ``x`` affects ``y`` (given ``candidates`` or proposed)."
)
instruments = _role_function(
    Role.INSTRUMENT, "Instrumental variables for the effect of ``x`` on ``y`` (given or proposed)."
)


def critique(
    graph: CausalGraph,
    *,
    threshold: float = 0.5,
    reasons: bool = True,
    **session: Unpack[SessionOptions],
) -> Critique:
    """Doubtful edges (the model doubts ``x -> y``) and missing ones (it asserts one), each
    with a generated one-line reason when ``reasons``; K defaults to 2."""
    return Copilot(**session).critique(graph, threshold=threshold, reasons=reasons)


def latent_confounders(
    graph: CausalGraph, *, threshold: float = 0.5, **session: Unpack[SessionOptions]
) -> Critique:
    """Pairs the model thinks share an unmeasured common cause; ``.graph`` adds them as
    bidirected edges to ``graph``."""
    return Copilot(**session).latent_confounders(graph, threshold=threshold)


def ask_choice(
    task: str,
    fields: Mapping[str, str],
    options: Sequence[str],
    **session: Unpack[SessionOptions],
) -> ChoiceResult:
    """Ask a multiple-choice question with the ``choice`` templates of ``task``."""
    return Copilot(**session).choice(task, fields, options)


def judgment(
    vignette: str,
    question: str = "Did the event cause the outcome?",
    **session: Unpack[SessionOptions],
) -> ChoiceResult:
    """How would a typical person answer this causal question about the story? Yes/No.

    Examples
    --------
    >>> r = judgment("Alice pushed the vase; it fell.", "Did Alice cause the vase to fall?")
    ... # doctest: +SKIP
    >>> r.answer in ("Yes", "No")  # doctest: +SKIP
    True
    """
    return Copilot(**session).judgment(vignette, question)


def actual_cause(
    vignette: str,
    event: str,
    kind: CauseKind | str = CauseKind.NECESSARY,
    **session: Unpack[SessionOptions],
) -> ChoiceResult:
    """Is ``event`` a necessary (or sufficient) cause of the story's outcome? Yes/No."""
    return Copilot(**session).actual_cause(vignette, event, kind)


def counterfactual(
    premise: str,
    question: str,
    options: Sequence[str],
    **session: Unpack[SessionOptions],
) -> ChoiceResult:
    """Which option answers the counterfactual ``question`` about ``premise`` (CRASS style)?

    Examples
    --------
    >>> r = counterfactual("A man drinks water.", "What would have happened if the man had "
    ...                    "drunk sand?", ["He would have choked.", "He would have been "
    ...                    "refreshed."])  # doctest: +SKIP
    """
    return Copilot(**session).counterfactual(premise, question, options)
