"""Plain-language findings a report must state: near-chance scores, position bias, probe
gaps, guessing under nonsense names, memorisation. Nothing is hidden when it is bad.

Every verdict follows the numbers printed beside it: "near chance" means the accuracy's
95% CI contains chance, "above" and "below" that it lies wholly on one side; the majority
class is judged the same way, separately."""

from __future__ import annotations

from typing import Literal

from rung.bench.metrics import Estimate
from rung.bench.scoring import BenchScores, ProbeScore

__all__ = ["honesty_notes"]


Side = Literal["above", "below", "overlaps"]


def _side(acc: Estimate, value: float) -> Side:
    """Where the 95% CI of ``acc`` lies relative to a baseline ``value``."""
    if acc.low > value:
        return "above"
    return "below" if acc.high < value else "overlaps"


_CHANCE_HEAD: dict[Side, str] = {
    "overlaps": "**Near chance.** Base accuracy {acc}: its 95% CI contains chance ({c:.3f}), "
                "so on this benchmark this model's answers are not distinguishable from "
                "guessing.",
    "below": "**Below chance.** Base accuracy {acc}: its 95% CI lies below chance ({c:.3f}); "
             "the model is systematically wrong on these items.",
    "above": "**Above chance.** Base accuracy {acc}: its 95% CI lies above chance ({c:.3f}).",
}


def _majority_line(acc: Estimate, majority: float) -> str:
    side = _side(acc, majority)
    if side == "above":
        return f"It is also above the majority-class baseline ({majority:.3f})."
    if side == "below":
        return (f"It is below the majority-class baseline ({majority:.3f}): always giving the "
                "most common true answer would score higher.")
    tail = (" Every item here has the same true answer, so that baseline cannot be beaten."
            if majority >= 1.0 else "")
    return (f"It is not clear of the majority-class baseline ({majority:.3f}, always giving "
            f"the most common true answer): the 95% CI contains it.{tail}")


def _base_verdict(s: BenchScores, base: ProbeScore) -> list[str]:
    """The headline on the base accuracy, worded by where its CI lies: against chance
    first, then against the majority class when that is a different (higher) bar."""
    acc = base.accuracy
    chance = s.baselines.get("chance", 0.5)
    lines = [_CHANCE_HEAD[_side(acc, chance)].format(acc=acc, c=chance)]
    majority = s.baselines.get("majority")
    if majority is not None and majority > chance:
        lines[0] += " " + _majority_line(acc, majority)
    return lines


def _position(s: BenchScores) -> list[str]:
    first = s.position_bias.get("first_option_share_raw")
    even = s.position_bias.get("no_preference_share") or 0.5
    out: list[str] = []
    if first is not None:
        strength = "strong" if abs(first - even) >= 0.15 else (
            "some" if abs(first - even) >= 0.05 else "little")
        out.append(f"**Position bias: {strength}.** In single prompts the model picked the "
                   f"option presented first {first:.0%} of the time ({even:.0%} = no "
                   "preference). Every question is asked in both orders and averaged to "
                   "cancel it.")
    flip = s.position_bias.get("order_flip_rate")
    if flip is not None:
        out.append(f"Reversing the presentation order changed a prompt's pick in {flip:.0%} "
                   "of questions.")
    first_base = s.baselines.get("always_first_causes_second")
    if first_base is not None:
        out.append(f"A model that always names the first-listed variable as the cause would "
                   f"score {first_base:.3f} on these items.")
    return out


def _probe_lines(p: ProbeScore) -> list[str]:
    if p.gap is None:
        return []
    sig = p.gap.low > 0 or p.gap.high < 0
    verdict = "a significant change" if sig else "no significant change"
    lines = [f"Probe **{p.probe}**: accuracy {p.accuracy}, gap to base {p.gap} ({verdict})."]
    if p.probe == "nonsense" and "confident_share" in p.extra:
        share, thr = p.extra["confident_share"], p.extra["confident_threshold"]
        if share > 0:
            lines.append(f"With made-up names the direction is undecidable, yet {share:.0%} "
                         f"of answers were confident (p >= {thr:.2f}): those are guesses.")
        else:
            lines.append(f"With made-up names no answer was confident (p >= {thr:.2f}): the "
                         "model treats them as undecidable, as it should.")
    if p.probe == "order" and p.gap.low == p.gap.high == 0:
        lines.append("Every ensemble already asks both orders, so the swapped question re-asks "
                     "the same prompts: identical scores here are by design, not evidence of "
                     "robustness; the single-prompt position bias above is the real measure.")
    if "base_on_same_items" in p.extra:
        lines.append(f"(The probe covers {p.accuracy.n} items; base accuracy on those same "
                     f"items is {p.extra['base_on_same_items']:.3f}.)")
    if p.probe == "anti":
        lines.append(f"When the vignette reverses the mechanism the model followed it in "
                     f"{p.accuracy.value:.0%} of items.")
    return lines


def _graph_lines(g: dict[str, float]) -> list[str]:
    lines: list[str] = []
    ham, empty = g["normalized_hamming"], g["empty_graph_normalized_hamming"]
    verdict = "better than" if ham < empty else "no better than"
    lines.append(f"Normalised Hamming distance {ham:.3f} is {verdict} the empty graph's "
                 f"{empty:.3f} (answering \"no direct link\" for every pair); "
                 f"{int(g['predicted_edges'])} edges predicted, {int(g['true_edges'])} true.")
    if "adjacency_auc" in g:
        lines.append(f"Ranking pairs by P(direct link) separates linked from unlinked pairs "
                     f"with AUC {g['adjacency_auc']:.3f} [{g['adjacency_auc_low']:.3f}, "
                     f"{g['adjacency_auc_high']:.3f}] (0.5 = no signal, 1 = perfect).")
    if g["pairs_answered"] < g["pairs_total"]:
        lines.append(f"Graph metrics are partial: {g['pairs_answered']} of "
                     f"{g['pairs_total']} pairs answered (unanswered pairs count as no edge).")
    return lines


def honesty_notes(s: BenchScores) -> list[str]:
    """The findings to state for a run, in order of importance."""
    base = next(p for p in s.probes if p.probe == "base")
    notes = _base_verdict(s, base) + _position(s)
    for p in s.probes:
        notes += _probe_lines(p)
    for item_id, reason in s.skipped:
        notes.append(f"Item {item_id} was not asked: {reason}.")
    if s.memorisation is not None:
        notes.append(f"**Memorisation:** the model reproduced {s.memorisation} of dataset "
                     "rows from their beginning.")
    if s.graph is not None:
        notes += _graph_lines(s.graph)
    return notes

