"""Prompt templates as data: the TOML files in ``rung/copilot/templates/``.

Users edit or extend them by passing their own TOML file(s); an entry with an existing ``id``
replaces the built-in one, a new ``id`` adds a template or persona. Entries from a user file
are marked ``user=True`` and are asked first (:func:`~rung.copilot.variants.expand_variants`),
so a custom template is asked at the default number of variants.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = [
    "FAMILIES",
    "FORMATS",
    "Persona",
    "PromptTemplate",
    "TemplateBook",
    "TemplateError",
    "load_templates",
]

FAMILIES = ("personas", "pairwise", "choice", "roles", "graph")
FORMATS = ("yesno", "options", "letter")

_DEFAULT_RENDER = {
    "context": "Context: {context}\n\n",
    "descriptions_header": "Variables:\n",
    "description_line": "- {name}: {description}\n",
    "descriptions_footer": "\n",
}


class TemplateError(ValueError):
    """A template file is malformed (the message names the file and the entry)."""


@dataclass(frozen=True)
class Persona:
    """A system prompt under which a variant is asked."""

    id: str
    system: str
    user: bool = False


@dataclass(frozen=True)
class PromptTemplate:
    """One prompt wording; ``text`` is a :meth:`str.format` pattern."""

    id: str
    family: str
    text: str
    format: str = "yesno"
    task: str = ""
    enabled: bool = True
    user: bool = False


@dataclass(frozen=True)
class TemplateBook:
    """All templates, personas, pairwise statements and rendering snippets."""

    templates: tuple[PromptTemplate, ...]
    personas: tuple[Persona, ...]
    statements: Mapping[str, str] = field(default_factory=dict)
    render: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def select(
        self, family: str, *, task: str = "", include_disabled: bool = False
    ) -> list[PromptTemplate]:
        """The templates of one family (and task), in file order.

        Raises
        ------
        TemplateError
            No enabled template matches.
        """
        found = [
            t
            for t in self.templates
            if t.family == family
            and (not task or t.task == task)
            and (t.enabled or include_disabled)
        ]
        if not found:
            raise TemplateError(
                f"no enabled template for family {family!r}, task {task!r}; "
                "add one to your template file"
            )
        return found

    def get(self, template_id: str) -> PromptTemplate:
        """The template with this id."""
        for t in self.templates:
            if t.id == template_id:
                return t
        known = ", ".join(t.id for t in self.templates)
        raise TemplateError(f"unknown template id {template_id!r}; known: {known}")

    def snippets(self, family: str) -> Mapping[str, str]:
        """Rendering snippets (context / descriptions) of one family."""
        return {**_DEFAULT_RENDER, **self.render.get(family, {})}


def _read(source: Any) -> dict[str, Any]:
    try:
        text = source.read_text(encoding="utf-8")
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"template file {source}: {exc}") from None


def _templates_of(
    data: Mapping[str, Any], family: str, source: object, user: bool = False
) -> list[PromptTemplate]:
    out = []
    for entry in data.get("template", []):
        if "id" not in entry or "text" not in entry:
            raise TemplateError(f"{source}: every [[template]] needs an id and a text: {entry}")
        fmt = entry.get("format", "yesno")
        if fmt not in FORMATS:
            raise TemplateError(
                f"{source}: template {entry['id']!r} has format {fmt!r}; use one of {FORMATS}"
            )
        out.append(
            PromptTemplate(
                id=str(entry["id"]),
                family=str(entry.get("family", family)),
                text=str(entry["text"]),
                format=fmt,
                task=str(entry.get("task", "")),
                enabled=bool(entry.get("enabled", True)),
                user=user,
            )
        )
    return out


def _persona_of(entry: Mapping[str, Any], source: object, user: bool) -> Persona:
    if "id" not in entry or "system" not in entry:
        raise TemplateError(f"{source}: every [[persona]] needs an id and a system: {entry}")
    return Persona(str(entry["id"]), str(entry["system"]), user)


def _merge(old: Iterable[Any], new: Iterable[Any]) -> tuple[Any, ...]:
    merged = {item.id: item for item in old}
    for item in new:
        merged[item.id] = item
    return tuple(merged.values())


def load_templates(*paths: str | Path) -> TemplateBook:
    """Load the built-in templates, then each user file in ``paths`` on top.

    A user file may hold ``[[template]]`` entries (with a ``family`` key: one of
    ``pairwise``, ``choice``, ``roles``, ``graph``), ``[[persona]]`` entries,
    ``[statements]`` and ``[render.<family>]`` tables.

    Examples
    --------
    >>> book = load_templates()
    >>> [t.id for t in book.select("pairwise")][:2]
    ['does-cause', 'changing-changes']
    """
    templates: tuple[PromptTemplate, ...] = ()
    personas: tuple[Persona, ...] = ()
    statements: dict[str, str] = {}
    render: dict[str, dict[str, str]] = {}
    base = resources.files("rung.copilot") / "templates"
    sources: list[tuple[str, Any]] = [(fam, base / f"{fam}.toml") for fam in FAMILIES]
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise FileNotFoundError(f"template file {path} not found; pass an existing TOML file")
        sources.append(("", path))
    for family, source in sources:
        data = _read(source)
        user = not family
        new_personas = [_persona_of(d, source, user) for d in data.get("persona", [])]
        personas = _merge(personas, new_personas)
        templates = _merge(templates, _templates_of(data, family or "pairwise", source, user))
        statements.update({str(k): str(v) for k, v in data.get("statements", {}).items()})
        if family:
            render[family] = {str(k): str(v) for k, v in data.get("render", {}).items()}
        else:
            for fam, table in data.get("render", {}).items():
                render.setdefault(fam, {}).update({str(k): str(v) for k, v in table.items()})
    return TemplateBook(templates, personas, statements, render)
