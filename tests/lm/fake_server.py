"""A misbehaving OpenAI-compatible HTTP server of the tests' own, on 127.0.0.1.

It is a real server (``http.server``) reached over real sockets by rung's real httpx client;
each ``Mode`` is one way a server can fail. Echo answers list one token per character of the
prompt, each with log-probability ``-0.1``, so an option of ``n`` characters scores ``-0.1 n``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeServer", "Mode", "fake_server"]

TOKEN_LOGPROB = -0.1


class Mode(Enum):
    OPENAI = "openai"  # well behaved, lists prompt tokens + 1 generated token
    LLAMA_CPP = "llama_cpp"  # lists prompt tokens only, reports completion_tokens: 1
    TRICKLE = "trickle"  # a valid answer, one byte per second
    STALL_FIRST = "stall_first"  # the first `stall` requests sleep, then well behaved
    NAN = "nan"  # echoed logprobs are NaN
    POSITIVE = "positive"  # echoed logprobs are +3.0 (impossible)
    EMPTY_CHOICES = "empty_choices"
    NULL_CHOICES = "null_choices"
    NOT_JSON = "not_json"
    ECHO_HEADERS_500 = "echo_headers_500"  # 500 whose body repeats the request headers
    ECHO_HEADERS_401 = "echo_headers_401"
    NO_ECHO = "no_echo"  # /completions: 400 "echo not supported"; chat works
    CONTEXT = "context"  # 400: prompt exceeds the context window


@dataclass
class FakeServer:
    url: str
    seen: list[dict[str, Any]] = field(default_factory=list)


def _echo(prompt: str, mode: Mode) -> dict[str, Any]:
    tokens = list(prompt)
    value = {Mode.NAN: float("nan"), Mode.POSITIVE: 3.0}.get(mode, TOKEN_LOGPROB)
    logprobs: list[float | None] = [None] + [value] * (len(tokens) - 1)
    text = prompt
    if mode is not Mode.LLAMA_CPP:  # the generated token is listed too
        tokens, logprobs, text = [*tokens, "!"], [*logprobs, -5.0], prompt + "!"
    return {
        "choices": [{"text": text, "index": 0, "finish_reason": "length",
                     "logprobs": {"tokens": tokens, "token_logprobs": logprobs}}],
        "usage": {"prompt_tokens": len(prompt), "completion_tokens": 1},
    }


def _chat(body: dict[str, Any]) -> dict[str, Any]:
    listing = body["messages"][-1]["content"].splitlines()
    first = next(line[2:] for line in listing if line.startswith("- "))
    top = [{"token": first, "logprob": -0.2}]
    content = [{"token": first, "logprob": -0.2, "top_logprobs": top}]
    return {"choices": [{"message": {"role": "assistant", "content": first},
                         "logprobs": {"content": content}}]}


class _Handler(BaseHTTPRequestHandler):
    mode: Mode
    stall: float
    stall_count: int
    server_state: FakeServer

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, payload: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.wfile.write(payload)

    def _headers_text(self) -> str:
        lines = [f"{k}: {v}" for k, v in self.headers.items()]
        auth = self.headers.get("Authorization", "")
        if auth.lower().startswith("basic "):  # decoded, as a careless server might log it
            lines.append("decoded: " + base64.b64decode(auth[6:]).decode("utf-8", "replace"))
        return " | ".join(lines)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        state = self.server_state
        state.seen.append({"path": self.path, "body": body, "at": time.monotonic()})
        mode = self.mode
        if mode is Mode.STALL_FIRST and len(state.seen) <= self.stall_count:
            time.sleep(self.stall)
            mode = Mode.OPENAI
        elif mode is Mode.STALL_FIRST:
            mode = Mode.OPENAI
        self._answer(mode, body)

    def _answer(self, mode: Mode, body: dict[str, Any]) -> None:
        chat = self.path.endswith("/chat/completions")
        if mode in (Mode.ECHO_HEADERS_500, Mode.ECHO_HEADERS_401):
            status = 500 if mode is Mode.ECHO_HEADERS_500 else 401
            text = f"bad request {self.path} with headers {self._headers_text()}"
            return self._send(status, text.encode(), "text/plain")
        if mode is Mode.EMPTY_CHOICES:
            return self._send(200, b'{"choices": []}')
        if mode is Mode.NULL_CHOICES:
            return self._send(200, b'{"choices": null}')
        if mode is Mode.NOT_JSON:
            return self._send(200, b"<html>hello</html>", "text/html")
        if mode is Mode.CONTEXT:
            msg = {"error": {"message": "Requested tokens (30000) exceed context window of 2048"}}
            return self._send(400, json.dumps(msg).encode())
        if chat:
            return self._send(200, json.dumps(_chat(body)).encode())
        if mode is Mode.NO_ECHO:
            return self._send(400, b'{"error": "echo is not supported"}')
        if not body.get("echo"):
            answer = {"choices": [{"text": " fine", "index": 0}], "usage": {}}
            return self._send(200, json.dumps(answer).encode())
        payload = json.dumps(_echo(body["prompt"], mode)).encode()  # NaN written as NaN
        if mode is Mode.TRICKLE:
            return self._trickle(payload)
        return self._send(200, payload)

    def _trickle(self, payload: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for byte in payload:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(1.0)


@contextlib.contextmanager
def fake_server(mode: Mode, *, stall: float = 0.0, stall_count: int = 0,
                userinfo: str = "") -> Iterator[FakeServer]:
    """Serve ``mode`` on a free loopback port; ``userinfo`` (``user:pw@``) goes in the URL."""
    state = FakeServer(url="")
    attrs = {"mode": mode, "stall": stall, "stall_count": stall_count, "server_state": state}
    handler = type("Handler", (_Handler,), attrs)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://{userinfo}127.0.0.1:{httpd.server_address[1]}/v1"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
