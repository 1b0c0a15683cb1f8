"""Templates are data: the built-in TOML files load, and user files extend or override them."""

from __future__ import annotations

import string

import pytest

from rung.copilot import load_templates, pairwise
from rung.copilot.templates import TemplateError
from rung.copilot.variants import expand_variants


def test_builtin_templates_have_known_placeholders():
    book = load_templates()
    allowed = {
        "preamble",
        "x",
        "y",
        "z",
        "a",
        "b",
        "first",
        "second",
        "listing",
        "node",
        "n",
        "vignette",
        "question",
        "event",
        "premise",
        "relation",
    }
    for t in book.templates:
        names = {f for _, f, _, _ in string.Formatter().parse(t.text) if f}
        assert names <= allowed, (t.id, names - allowed)
    assert {p.id for p in book.personas} >= {"assistant", "scientist"}
    assert [t.id for t in book.select("pairwise")] == [
        "does-cause",
        "changing-changes",
        "is-caused-by",
        "which-statement",
    ]  # the letter template is disabled by default


def test_user_file_overrides_and_adds(tmp_path, scripted):
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[persona]]\nid = "assistant"\nsystem = "You are a terse oracle."\n\n'
        '[[template]]\nid = "does-cause"\nfamily = "pairwise"\nformat = "yesno"\n'
        'text = "{preamble}Is {x} a cause of {y}? {first}/{second}"\n'
    )
    book = load_templates(user)
    assert book.get("does-cause").text.startswith("{preamble}Is {x} a cause")
    seen: list[str] = []

    def rule(prompt: str, option: str) -> float:
        seen.append(prompt)
        return 0.5

    pairwise("a", "b", backend=scripted(rule), variants=2, templates=book)
    assert seen[0] == "Is a a cause of b? Yes/No"


def test_variant_expansion_order_and_cap():
    book = load_templates()
    vs = expand_variants(book.select("pairwise"), book.personas[:2], 100, described=True)
    assert len(vs) == 4 * 2 * 2 * 2  # templates × personas × described × orders (capped)
    assert vs[0].described and not vs[-1].described
    assert [v.order for v in vs[:2]] == ["forward", "reverse"]


def test_bad_template_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[template]]\nid = "x"\nformat = "telepathy"\ntext = "hi"\n')
    with pytest.raises(TemplateError, match="telepathy"):
        load_templates(bad)
    with pytest.raises(FileNotFoundError):
        load_templates(tmp_path / "missing.toml")
    with pytest.raises(TemplateError, match="unknown template id"):
        load_templates().get("nope")
