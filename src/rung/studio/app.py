"""The studio's web app (FastAPI): routes only; every answer comes from
:mod:`rung.studio.views` (the library) and :mod:`rung.studio.session` (the run directory).

Safety: every request must carry the session token (``?token=`` or the
``X-Studio-Token`` header) and a loopback ``Host``; no request names a file (exports and
assets are fixed names); uploads are read in chunks up to a size limit and checked by
rung's CSV reader, whose message the page shows; the page has a Content-Security-Policy
that allows no inline script, and it writes every name with ``textContent``.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from rung.lm import Backend
from rung.studio import views
from rung.studio.assets import ASSETS, asset_bytes, index_html
from rung.studio.edits import Action, EdgeState
from rung.studio.jobs import JobRunner
from rung.studio.rundir import read_results
from rung.studio.session import Snapshot, StudioSession

__all__ = ["MAX_UPLOAD_BYTES", "StudioContext", "create_app"]

#: uploads above this size are refused before they are read in full
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
_LOOPBACK = ("127.0.0.1", "localhost")
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'")


@dataclass
class StudioContext:
    """What the routes share: the session, its token, the job runner and the LLM backend
    (None: the workflow's default, as ``rung copilot`` uses)."""

    session: StudioSession
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    backend: Backend | None = None
    jobs: JobRunner = field(default_factory=JobRunner)
    max_upload: int = MAX_UPLOAD_BYTES


class EditRequest(BaseModel):
    a: str = Field(max_length=500)
    b: str = Field(max_length=500)
    state: EdgeState
    action: Action
    tab: str = Field(default="", max_length=64)
    base_version: int | None = None


class UndoRequest(BaseModel):
    tab: str = Field(default="", max_length=64)
    base_version: int | None = None


def _error(message: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _graph_view(ctx: StudioContext, snap: Snapshot) -> dict[str, Any]:
    inputs = ctx.session.inputs
    cfg = inputs.config
    return {
        "version": snap.version,
        "current": views.graph_edges(snap.graph),
        "identification": views.identification_view(snap.graph, cfg.treatment, cfg.outcome),
        "disagreements": views.disagreement_rows(inputs, snap.graph),
        "evidence": views.edge_evidence(inputs, snap.graph, snap.authors),
        "decisions": [d.to_json() for d in snap.decisions],
    }


def _state(ctx: StudioContext) -> dict[str, Any]:
    s = ctx.session
    snap = s.snapshot()
    inputs = s.inputs
    nodes = list(inputs.data.columns)
    base = inputs.llm_graph if inputs.llm_graph is not None else inputs.final_graph
    return {
        "meta": s.describe(),
        "nodes": nodes,
        "positions": views.layout(nodes, inputs.final_graph if base is None else base),
        "llm": views.graph_edges(inputs.llm_graph),
        "llm_plan": inputs.llm_proposal.get("plan"),
        "data": views.data_graph_edges(inputs.data_graph),
        "data_method": inputs.data_graph.method,
        "summary": views.data_summary(inputs),
        "job": ctx.jobs.state.to_json(),
        "results": read_results(s.run_dir),
        "results_version": ctx.jobs.state.graph_version,
        **_graph_view(ctx, snap),
    }


def _run_workflow(ctx: StudioContext, label: str) -> None:
    """Start ``rung copilot`` on the current graph in the background (same run dir)."""
    from rich.console import Console

    from rung.workflow import run_copilot

    session = ctx.session
    snap = session.snapshot()
    keep = snap.edited or session.inputs.final_source == "analyst"
    cfg = session.inputs.config
    if keep:
        cfg = replace(cfg, review=replace(cfg.review, analyst_graph=snap.graph_text))

    def work(sink: Any) -> None:
        console = Console(file=sink, force_terminal=False, color_system=None, width=200)
        run_copilot(session.inputs.raw, cfg, session.run_dir, backend=ctx.backend,
                    console=console, show_progress=False)
        session.reload(keep_analyst_graph=keep)

    ctx.jobs.start(label, snap.version, work)


async def _read_upload(request: Request, limit: int) -> bytes | str:
    """The request body, or an error message when it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return f"the file has {int(declared):,} bytes; the studio takes at most {limit:,}"
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit:
            return f"the file is larger than the studio's limit of {limit:,} bytes"
    return bytes(body)


def _check_upload(body: bytes, name: str) -> dict[str, Any]:
    """Check an uploaded CSV with rung's reader (the messages of ``rung copilot``)."""
    from rung.workflow.inputs import InputError, load_data_csv

    with tempfile.TemporaryDirectory(prefix="rung-studio-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(body)
        try:
            loaded = load_data_csv(path)
        except InputError as exc:
            return {"error": str(exc).replace(str(path), name)}
    frame = loaded.frame
    return {"ok": True, "name": name, "rows": len(frame), "columns": list(frame.columns),
            "preparation": list(loaded.notes)}


def _guard(app: FastAPI, ctx: StudioContext) -> None:
    @app.middleware("http")
    async def check_token(request: Request, call_next: Any) -> Response:
        host = (request.headers.get("host") or "").rsplit(":", 1)[0]
        if host not in _LOOPBACK:
            return PlainTextResponse("the studio answers on 127.0.0.1 only", status_code=403)
        given = request.query_params.get("token") or request.headers.get("x-studio-token")
        if not given or not secrets.compare_digest(given, ctx.token):
            return PlainTextResponse("missing or wrong session token: open the URL that "
                                     "`rung studio` printed", status_code=403)
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response


def create_app(ctx: StudioContext) -> FastAPI:
    """The FastAPI app of one studio session."""
    app = FastAPI(title="rung studio", docs_url=None, redoc_url=None, openapi_url=None)
    _guard(app, ctx)
    _routes(app, ctx)
    _action_routes(app, ctx)
    return app


def _routes(app: FastAPI, ctx: StudioContext) -> None:
    @app.get("/")
    def page() -> HTMLResponse:
        return HTMLResponse(index_html(ctx.token))

    @app.get("/assets/{name}")
    def asset(name: str) -> Response:
        if name not in ASSETS:
            return PlainTextResponse("no such asset", status_code=404)
        body, media = asset_bytes(name)
        return Response(body, media_type=media)

    @app.get("/api/state")
    def state() -> dict[str, Any]:
        return _state(ctx)

    @app.get("/api/graph")
    def graph() -> dict[str, Any]:
        return {**_graph_view(ctx, ctx.session.snapshot()), "job": ctx.jobs.state.to_json(),
                "results": read_results(ctx.session.run_dir),
                "results_version": ctx.jobs.state.graph_version,
                "meta": ctx.session.describe()}

    @app.get("/api/estimand")
    def estimand() -> dict[str, Any]:
        snap = ctx.session.snapshot()
        cfg = ctx.session.inputs.config
        ident = views.identification_view(snap.graph, cfg.treatment, cfg.outcome)
        return {"version": snap.version,
                "picture": views.estimand_picture(ident["identification"])}

    @app.get("/api/implications")
    def implications() -> dict[str, Any]:
        snap = ctx.session.snapshot()
        inputs = ctx.session.inputs
        return {"version": snap.version,
                **views.implications_view(snap.graph, inputs.data, inputs.config.seed)}

    @app.get("/api/job")
    def job() -> dict[str, Any]:
        return ctx.jobs.state.to_json()

    @app.get("/api/export/{kind}")
    def export(kind: str) -> Response:
        return _export(ctx, kind)


def _export(ctx: StudioContext, kind: str) -> Response:
    from rung.graph.io import format_text

    snap = ctx.session.snapshot()
    cfg = ctx.session.inputs.config
    run_dir = ctx.session.run_dir
    if kind in ("dot", "dagitty"):
        g = snap.graph.with_attributes(cfg.treatment, exposure="").with_attributes(
            cfg.outcome, outcome="")
        text = snap.graph_text if kind == "dot" else format_text(g, "dagitty")
        name = "final_graph.dot" if kind == "dot" else "final_graph.dagitty"
        return PlainTextResponse(text, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    files = {"report": ("report.html", "text/html"), "result": ("result.json",
                                                                "application/json")}
    if kind not in files:
        return PlainTextResponse(f"unknown export {kind!r}; use dot, dagitty, report or result",
                                 status_code=404)
    name, media = files[kind]
    path = run_dir / name
    if not path.is_file():
        return PlainTextResponse(f"{name} is not written yet: run the estimate first",
                                 status_code=404)
    return Response(path.read_bytes(), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _action_routes(app: FastAPI, ctx: StudioContext) -> None:
    @app.post("/api/edit")
    def edit(req: EditRequest) -> Response:
        try:
            out = ctx.session.edit(req.a, req.b, req.state, req.action, tab=req.tab,
                                   base_version=req.base_version)
        except ValueError as exc:
            return _error(str(exc))
        return JSONResponse({**_graph_view(ctx, out.snapshot), "note": out.note})

    @app.post("/api/undo")
    def undo(req: UndoRequest) -> Response:
        try:
            out = ctx.session.undo(tab=req.tab, base_version=req.base_version)
        except ValueError as exc:
            return _error(str(exc))
        return JSONResponse({**_graph_view(ctx, out.snapshot), "note": out.note})

    @app.post("/api/estimate")
    def estimate() -> Response:
        label = ("estimate (the LLM step runs first: minutes)"
                 if ctx.session.inputs.llm_graph is None else "estimate")
        return _start(ctx, label)

    @app.post("/api/ask-llm")
    def ask_llm() -> Response:
        if ctx.session.inputs.llm_graph is not None:
            return _error("the LLM has answered already: its graph is shown")
        return _start(ctx, "ask the LLM, then estimate")

    @app.post("/api/upload")
    async def upload(request: Request) -> Response:
        name = unquote(request.headers.get("x-filename") or "upload.csv")[:200]
        body = await _read_upload(request, ctx.max_upload)
        if isinstance(body, str):
            return _error(f"{name}: {body}", 413)
        out = _check_upload(body, name)
        return JSONResponse(out, status_code=400 if "error" in out else 200)


def _start(ctx: StudioContext, label: str) -> Response:
    try:
        _run_workflow(ctx, label)
    except RuntimeError as exc:
        return _error(str(exc), 409)
    return JSONResponse(ctx.jobs.state.to_json())
