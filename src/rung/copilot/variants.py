"""Expanding one query into K variants: templates × persona × with/without descriptions,
each in both presentation orders (forward and reverse) to cancel position bias."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rung.copilot.templates import Persona, PromptTemplate, TemplateBook

__all__ = ["ORDERS", "Variant", "expand_variants", "render_preamble", "unasked_user_templates"]

ORDERS = ("forward", "reverse")


@dataclass(frozen=True)
class Variant:
    """One way of asking: a wording, a persona, descriptions on/off, a presentation order."""

    template: PromptTemplate
    persona: Persona
    described: bool
    order: str

    @property
    def base_key(self) -> str:
        """Identity of the variant without its order (pairs the two orders)."""
        return f"{self.template.id}|{self.persona.id}|{int(self.described)}"

    def arrange(self, items: Sequence[str]) -> list[str]:
        """``items`` in this variant's presentation order."""
        return list(items) if self.order == "forward" else list(reversed(items))


def expand_variants(
    templates: Sequence[PromptTemplate],
    personas: Sequence[Persona],
    k: int,
    *,
    described: bool = False,
) -> list[Variant]:
    """The first ``k`` variants (rounded up to even: both orders always).

    Combinations are enumerated with the template varying fastest, then the persona, then
    descriptions (with descriptions first when ``described``), so a small ``k`` still
    spreads over wordings. Templates and personas from a user file come first (a custom
    wording is asked at the default ``k``). ``k`` beyond the number of combinations × 2 is
    capped.

    Examples
    --------
    >>> from rung.copilot.templates import load_templates
    >>> book = load_templates()
    >>> vs = expand_variants(book.select("pairwise"), book.personas, 4)
    >>> [(v.template.id, v.order) for v in vs]  # doctest: +NORMALIZE_WHITESPACE
    [('does-cause', 'forward'), ('does-cause', 'reverse'),
     ('changing-changes', 'forward'), ('changing-changes', 'reverse')]
    """
    if k < 2:
        raise ValueError(f"variants={k}: ask for at least 2 variants (both option orders)")
    if not templates or not personas:
        raise ValueError("need at least one template and one persona to build variants")
    modes = (True, False) if described else (False,)
    templates = sorted(templates, key=lambda t: not t.user)
    personas = sorted(personas, key=lambda p: not p.user)
    combos = [(t, p, d) for d, p, t in itertools.product(modes, personas, templates)]
    chosen = combos[: math.ceil(k / 2)]
    return [Variant(t, p, d, order) for t, p, d in chosen for order in ORDERS]


def render_preamble(
    snippets: Mapping[str, str],
    *,
    context: str | None,
    descriptions: Mapping[str, str] | None,
    names: Sequence[str],
) -> str:
    """Context and the descriptions of ``names`` (those that have one), as prompt text."""
    text = snippets["context"].format(context=context) if context else ""
    if descriptions:
        lines = [
            snippets["description_line"].format(name=n, description=descriptions[n])
            for n in names
            if descriptions.get(n)
        ]
        if lines:
            text += (
                snippets["descriptions_header"] + "".join(lines) + snippets["descriptions_footer"]
            )
    return text


def unasked_user_templates(
    book: TemplateBook, family: str, asked: Iterable[str], *, k: int
) -> list[str]:
    """Why each user template of ``family`` was not among the ``asked`` template ids (one
    sentence each; empty when every user template was asked).

    Examples
    --------
    >>> from rung.copilot.templates import load_templates
    >>> unasked_user_templates(load_templates(), "pairwise", ["does-cause"], k=2)
    []
    """
    seen = set(asked)
    notes = []
    for t in book.templates:
        if not t.user or t.family != family or t.id in seen:
            continue
        if not t.enabled:
            why = "it is disabled (enabled = false)"
        else:
            why = f"K={k} asks {max(k // 2, 1)} wording(s) in both orders; raise --variants"
        notes.append(f"template {t.id!r} ({family}) was not asked: {why}")
    return notes
