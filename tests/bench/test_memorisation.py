"""The memorisation probe's scoring of continuations (programmed texts, exact checks)."""

from __future__ import annotations

from rung.bench.memorisation import ask_memorisation, first_line, reproduced
from rung.lm.backends.scripted import ScriptedBackend

ROW = ("A man opens a treasure chest. What would have happened if the man had not opened it?",
       " The treasure chest would have remained closed.")


def test_continuation_on_a_new_line_counts() -> None:
    # A row cut after a question is continued on the next line: that must be scored, not
    # cut to an empty string at the first newline.
    backend = ScriptedBackend(texts={"treasure": "\n\nThe treasure chest would have stayed shut."})
    rec = ask_memorisation(backend, *ROW)
    assert rec["answer"] == "The treasure chest would have stayed shut."
    assert rec["correct"] is True  # first 4 words agree


def test_other_continuation_is_not_reproduced() -> None:
    backend = ScriptedBackend(texts={"treasure": " He would have been sad.\nMore text"})
    rec = ask_memorisation(backend, *ROW)
    assert rec["answer"] == " He would have been sad."
    assert rec["correct"] is False


def test_first_line_and_reproduced() -> None:
    assert first_line("") == "" and first_line("\n \n") == ""
    assert first_line(" a\nb") == " a"
    assert reproduced("the Treasure, chest would", ROW[1], 4)
    assert not reproduced("", ROW[1], 4)
