"""Self-contained reports: inline-SVG graph pictures and plots, rendered math, one HTML file,
and a short terminal summary. Nothing here loads anything from the network."""

from rung.report.estimand import estimand_mathtext, name_mathtext
from rung.report.graphs import DrawnEdge, circular_layout, graph_picture, shared_layout
from rung.report.html import render_html
from rung.report.plots import effect_plot, interventional_plot
from rung.report.svg import figure_to_svg, latex_to_svg, plain
from rung.report.terminal import print_summary

__all__ = [
    "DrawnEdge",
    "circular_layout",
    "effect_plot",
    "estimand_mathtext",
    "figure_to_svg",
    "graph_picture",
    "interventional_plot",
    "latex_to_svg",
    "name_mathtext",
    "plain",
    "print_summary",
    "render_html",
    "shared_layout",
]
