"""The report's pictures: the effect with its intervals, and interventional distributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from rung.report.svg import figure_to_svg, new_figure

__all__ = ["effect_plot", "interventional_plot"]


def effect_plot(
    estimates: Sequence[Mapping[str, Any]], *, truth: float | None = None, label: str = "effect"
) -> str:
    """A forest plot: one row per estimator, point estimate and interval; optional truth line.

    ``estimates`` are ``EffectEstimate.to_json()`` dicts (``method``, ``ate``, ``ci``).
    """
    rows = [e for e in estimates if e.get("ate") is not None]
    fig = new_figure(6.4, 0.6 + 0.45 * max(len(rows), 1))
    ax = fig.add_subplot()
    for k, e in enumerate(rows):
        ci = e.get("ci")
        if ci is not None:
            ax.plot([ci[0], ci[1]], [k, k], color="#1f5fa8", lw=3, solid_capstyle="butt")
        ax.plot([e["ate"]], [k], "o", color="#0b2f57", ms=7)
    ax.set_yticks(range(len(rows)), [str(e["method"]) for e in rows])
    ax.axvline(0.0, color="#999999", lw=0.8, ls=":")
    if truth is not None:
        ax.axvline(truth, color="#c0392b", lw=1.5, ls="--", label=f"truth {truth:.3g}")
        ax.legend(loc="best", fontsize=8, frameon=False)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(label)
    ax.grid(axis="x", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure_to_svg(fig, title="effect estimates with intervals")


def interventional_plot(
    samples: Mapping[str, Sequence[float] | np.ndarray], *, outcome: str, bins: int = 50
) -> str:
    """Overlaid histograms (density) of the outcome under each intervention, with means.

    ``samples`` maps a label such as ``"do(PKC=25.0)"`` to samples of the outcome.
    """
    fig = new_figure(6.4, 3.0)
    ax = fig.add_subplot()
    arrays = {k: np.asarray(v, dtype=float) for k, v in samples.items() if len(v)}
    if arrays:
        allv = np.concatenate(list(arrays.values()))
        lo, hi = np.percentile(allv, [0.5, 99.5])
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
        colours = ["#1f5fa8", "#d35400", "#27ae60", "#8e44ad"]
        for k, (name, v) in enumerate(arrays.items()):
            c = colours[k % len(colours)]
            ax.hist(np.clip(v, edges[0], edges[-1]), bins=list(edges), density=True, alpha=0.45,
                    color=c, label=f"{name}: mean {v.mean():.3g}")
            ax.axvline(float(v.mean()), color=c, lw=1.5)
        ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel(outcome)
    ax.set_ylabel("density")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return figure_to_svg(fig, title=f"interventional distributions of {outcome}")
