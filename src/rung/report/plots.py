"""The report's pictures: the effect with its intervals, and interventional distributions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from rung.report.svg import figure_to_svg, new_figure, plain

__all__ = ["effect_figure", "effect_plot", "interventional_figure", "interventional_plot"]


def _member_rows(members: Sequence[Any]) -> list[dict[str, Any]]:
    """Forest-plot rows for the plausible graphs' effects (``MemberEffect`` values)."""
    out = []
    for m in members:
        what = ("no path" if m.route == "no_path" else
                f"adjust {{{', '.join(m.adjustment_set or ())}}}" if m.route == "backdoor"
                else m.route)
        out.append({"method": f"{m.members} graph(s): {what}", "ate": m.effect,
                    "ci": m.interval, "member": True})
    return out


def effect_plot(
    estimates: Sequence[Mapping[str, Any]], *, truth: float | None = None, label: str = "effect",
    members: Sequence[Any] = (),
) -> str:
    """The forest plot of :func:`effect_figure` as SVG."""
    fig = effect_figure(estimates, truth=truth, label=label, members=members)
    return figure_to_svg(fig, title="effect estimates with intervals")


def effect_figure(
    estimates: Sequence[Mapping[str, Any]], *, truth: float | None = None, label: str = "effect",
    members: Sequence[Any] = (),
) -> Figure:
    """A forest plot: one row per estimator on the final graph, then one per distinct
    effect over the plausible graphs (lighter), each with its interval; optional truth.

    ``estimates`` are ``EffectEstimate.to_json()`` dicts (``method``, ``ate``, ``ci``);
    ``members`` are :class:`rung.workflow.class_effects.MemberEffect` values. ``label``
    should name the contrast, e.g. ``E[Y | do(X=1)] − E[Y | do(X=0)]``.
    """
    rows = [dict(e) for e in estimates if e.get("ate") is not None]
    rows += _member_rows(members)
    fig = new_figure(6.4, 0.8 + 0.42 * max(len(rows), 1))
    ax = fig.add_subplot()
    for k, e in enumerate(rows):
        ci = e.get("ci")
        bar, dot = ("#8fb3da", "#5b7fa6") if e.get("member") else ("#1f5fa8", "#0b2f57")
        if ci is not None:
            ax.plot([ci[0], ci[1]], [k, k], color=bar, lw=3, solid_capstyle="butt")
        ax.plot([e["ate"]], [k], "o", color=dot, ms=7)
    ax.set_yticks(range(len(rows)), [plain(e["method"]) for e in rows])
    ax.axvline(0.0, color="#999999", lw=0.8, ls=":")
    if truth is not None:
        ax.axvline(truth, color="#c0392b", lw=1.5, ls="--", label=f"truth {truth:.3g}")
        ax.legend(loc="best", fontsize=8, frameon=False)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.invert_yaxis()
    ax.set_xlabel(plain(label))
    ax.grid(axis="x", alpha=0.3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def interventional_plot(
    samples: Mapping[str, Sequence[float] | np.ndarray], *, outcome: str, bins: int = 50
) -> str:
    """The histograms of :func:`interventional_figure` as SVG."""
    fig = interventional_figure(samples, outcome=outcome, bins=bins)
    return figure_to_svg(fig, title=f"interventional distributions of {outcome}")


def interventional_figure(
    samples: Mapping[str, Sequence[float] | np.ndarray], *, outcome: str, bins: int = 50
) -> Figure:
    """Overlaid histograms (density) of the outcome under each intervention, with means.

    ``samples`` maps a label such as ``"do(PKC=25.0)"`` to samples of the outcome. The
    axis shows the central 99% of all samples; the tails beyond it are left out (not piled
    into the edge bins) and the share left out is stated under the axis.
    """
    fig = new_figure(6.4, 3.0)
    ax = fig.add_subplot()
    arrays = {k: np.asarray(v, dtype=float) for k, v in samples.items() if len(v)}
    outside = 0.0
    if arrays:
        allv = np.concatenate(list(arrays.values()))
        lo, hi = np.percentile(allv, [0.5, 99.5])
        edges = np.linspace(lo, hi if hi > lo else lo + 1.0, bins + 1)
        outside = float(np.mean((allv < edges[0]) | (allv > edges[-1])))
        colours = ["#1f5fa8", "#d35400", "#27ae60", "#8e44ad"]
        for k, (name, v) in enumerate(arrays.items()):
            c = colours[k % len(colours)]
            inside = v[(v >= edges[0]) & (v <= edges[-1])]
            weights = np.full(len(inside), 1.0 / (len(v) * (edges[1] - edges[0])))
            ax.hist(inside, bins=list(edges), weights=weights, alpha=0.45, color=c,
                    label=plain(f"{name}: mean {v.mean():.3g}"))
            ax.axvline(float(v.mean()), color=c, lw=1.5)
        ax.legend(fontsize=8, frameon=False)
    note = f" ({outside:.1%} of samples outside the shown range)" if outside > 0 else ""
    ax.set_xlabel(plain(outcome + note))
    ax.set_ylabel("density")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig

