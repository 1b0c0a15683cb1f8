"""Report figures as inline SVG text: per-probe accuracy bars with CIs, reliability diagram."""

from __future__ import annotations

from typing import Any

from matplotlib.figure import Figure

from rung.bench.scoring import BenchScores
from rung.report.svg import figure_to_svg

__all__ = ["probe_bars_svg", "reliability_svg"]


def probe_bars_svg(s: BenchScores) -> str:
    """Accuracy under each probe with 95% CI whiskers, and the trivial baselines."""
    fig = Figure(figsize=(6, 3.2))
    ax = fig.add_subplot()
    names = [p.probe for p in s.probes]
    vals = [p.accuracy.value for p in s.probes]
    err = [[v - p.accuracy.low for v, p in zip(vals, s.probes, strict=True)],
           [p.accuracy.high - v for v, p in zip(vals, s.probes, strict=True)]]
    ax.bar(names, vals, yerr=err, capsize=4, color="#4c72b0")
    for key, style in (("chance", ":"), ("majority", "--")):
        if key in s.baselines:
            ax.axhline(s.baselines[key], linestyle=style, color="grey", label=key)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy")
    ax.set_title(f"{s.benchmark}: accuracy under each probe (95% CI)")
    ax.legend(loc="lower right", fontsize=8)
    return figure_to_svg(fig)


def reliability_svg(calibration: dict[str, Any]) -> str:
    """Accuracy against confidence per bin; the diagonal is perfect calibration."""
    fig = Figure(figsize=(3.6, 3.4))
    ax = fig.add_subplot()
    bins = calibration.get("bins", [])
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1)
    if bins:
        ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-",
                color="#dd8452")
        for b in bins:
            ax.annotate(str(b["count"]), (b["confidence"], b["accuracy"]), fontsize=7,
                        textcoords="offset points", xytext=(3, 3))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title("reliability (counts per bin)", fontsize=9)
    return figure_to_svg(fig)
