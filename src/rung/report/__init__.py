"""Self-contained reports: inline-SVG graph pictures and plots, rendered math, one HTML file,
and a short terminal summary. Nothing here loads anything from the network."""

from rung.report.graphs import DrawnEdge, circular_layout, graph_picture
from rung.report.html import render_html
from rung.report.plots import effect_plot, interventional_plot
from rung.report.svg import figure_to_svg, latex_to_svg
from rung.report.terminal import print_summary

__all__ = [
    "DrawnEdge",
    "circular_layout",
    "effect_plot",
    "figure_to_svg",
    "graph_picture",
    "interventional_plot",
    "latex_to_svg",
    "print_summary",
    "render_html",
]
