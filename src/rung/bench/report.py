"""``write_report``: a run folder -> ``scores.json``, ``report.md`` and a self-contained
``report.html`` (inline SVG plots, no external files), with published numbers beside."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from rung.bench.files import read_json_file, write_text_atomic
from rung.bench.ledger import Ledger
from rung.bench.notes import honesty_notes
from rung.bench.plots import probe_bars_svg, reliability_svg
from rung.bench.registry import load_benchmark
from rung.bench.runner import CONFIG, LEDGER
from rung.bench.scoring import BenchScores, ProbeScore, score_run

__all__ = ["ReportFiles", "markdown_report", "published_references", "write_report"]


@cache
def published_references() -> dict[str, dict[str, dict[str, Any]]]:
    """Published numbers per benchmark (``references.yaml``)."""
    text = resources.files("rung.bench").joinpath("references.yaml").read_text()
    data: dict[str, dict[str, dict[str, Any]]] = yaml.safe_load(text)
    return data


@dataclass(frozen=True)
class ReportFiles:
    """Paths written by :func:`write_report` and the scores behind them."""

    markdown: Path
    html: Path
    scores_json: Path
    scores: BenchScores


def _row(p: ProbeScore) -> str:
    weighted = str(p.weighted) if p.weighted else "–"
    gap = str(p.gap) if p.gap else "–"
    extra = ", ".join(f"{k} {v:.2f}" for k, v in p.extra.items()) or ""
    return f"| {p.probe} | {p.accuracy.n} | {p.accuracy} | {weighted} | {gap} | {extra} |"


def _references_md(name: str) -> list[str]:
    refs = published_references().get(name, {})
    if not refs:
        return []
    lines = ["", "### Published numbers (for context)", "",
             "| model | metric | value |", "|---|---|---|"]
    for model, metrics in refs.items():
        lines += [f"| {model} | {k} | {v} |" for k, v in metrics.items()]
    lines.append("\nSource: Kiciman, Ness, Sharma & Tan (2023), recomputed from the authors' "
                 "result files unless the model column names another source.")
    return lines


def _extras_md(s: BenchScores) -> list[str]:
    lines = ["", "### Calibration, baselines and cost", ""]
    cal = s.calibration
    if cal:
        lines.append(f"- Brier {cal['brier']:.3f}, ECE {cal['ece']:.3f}, mean confidence "
                     f"{cal['mean_confidence']:.3f} (base answers)")
    lines.append("- Baselines: " + ", ".join(f"{k} {v:.3f}" for k, v in s.baselines.items()))
    c = s.cost
    lines.append(f"- {int(c['questions'])} questions, {int(c['model_calls'])} model calls, "
                 f"{c['model_seconds']:.0f} s of model time")
    if s.graph:
        g = s.graph
        lines.append(f"- Graph: SHD {g['shd']}, normalised Hamming {g['normalized_hamming']:.3f}"
                     f", oriented P/R/F1 {g['precision']:.3f}/{g['recall']:.3f}/{g['f1']:.3f}, "
                     f"adjacency F1 {g['adjacency_f1']:.3f} ({g['predicted_edges']} predicted, "
                     f"{g['true_edges']} true edges); the empty graph scores normalised Hamming "
                 f"{g['empty_graph_normalized_hamming']:.3f}")
    return lines


def markdown_report(s: BenchScores) -> str:
    """The Markdown report of one run's scores."""
    lines = [f"## {s.benchmark} — {s.model_id}", "",
             "| probe | n | accuracy [95% CI] | weighted | gap to base [95% CI] | other |",
             "|---|---|---|---|---|---|"]
    lines += [_row(p) for p in s.probes]
    lines += ["", "### Findings", ""] + [f"- {n}" for n in honesty_notes(s)]
    lines += _extras_md(s) + _references_md(s.benchmark)
    return "\n".join(lines) + "\n"


def _md_to_html(md: str) -> str:
    """Just enough Markdown (headings, tables, bullets, bold) for our own reports."""
    out: list[str] = []
    in_table = False
    for line in md.splitlines():
        text = html.escape(line)
        while "**" in text:
            text = text.replace("**", "<b>", 1).replace("**", "</b>", 1)
        if line.startswith("|"):
            cells = [c.strip() for c in text.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "th" if not in_table else "td"
            out.append(("<table>" if not in_table else "") + "<tr>"
                       + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            in_table = True
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{text.lstrip('#').strip()}</h{level}>")
        elif line.startswith("- "):
            out.append(f"<li>{text[2:]}</li>")
        elif line.strip():
            out.append(f"<p>{text}</p>")
    if in_table:
        out.append("</table>")
    return "\n".join(out)


_STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;padding:0 1em}"
          "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
          ".figs{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}")


def html_report(s: BenchScores, md: str) -> str:
    """A self-contained HTML page: the Markdown report plus inline SVG figures."""
    figs = probe_bars_svg(s) + (reliability_svg(s.calibration) if s.calibration else "")
    return (f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>rung bench: "
            f"{html.escape(s.benchmark)}</title><style>{_STYLE}</style></head><body>\n"
            f"{_md_to_html(md)}\n<div class='figs'>{figs}</div>\n</body></html>\n")


def write_report(run_dir: str | Path, data_dir: str | Path | None = None) -> ReportFiles:
    """Score the run in ``run_dir`` and write its reports there."""
    run = Path(run_dir)
    cfg_path = run / CONFIG
    if not cfg_path.is_file():
        raise ValueError(f"{run} is not a benchmark run folder (no {CONFIG}); "
                         "give the --out folder of `rung bench run`")
    cfg = read_json_file(cfg_path, "the record of a benchmark run")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("benchmark"), str):
        raise ValueError(f"{str(cfg_path)!r} does not name its benchmark (no \"benchmark\" "
                         "key); restore the file or run `rung bench run` again")
    bench = load_benchmark(cfg["benchmark"], data_dir or cfg.get("data_dir"))
    ledger = Ledger(run / LEDGER, writable=False)  # a run may be appending to it right now
    scores = score_run(bench, list(ledger), str(cfg.get("model_id", "")))
    md = markdown_report(scores)
    paths = ReportFiles(run / "report.md", run / "report.html", run / "scores.json", scores)
    write_text_atomic(paths.markdown, md)
    write_text_atomic(paths.html, html_report(scores, md))
    write_text_atomic(paths.scores_json, json.dumps(scores.to_json(), indent=2) + "\n")
    return paths
