"""Serve a studio session on 127.0.0.1 (a free port unless one is given), in this thread
(``rung studio``) or in a background thread (tests, the benchmark)."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import uvicorn

from rung.studio.app import StudioContext, create_app

__all__ = ["RunningStudio", "bind", "serve", "start_in_thread"]

HOST = "127.0.0.1"


def bind(port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (``port=0``: a free port the system picks).

    Raises
    ------
    OSError
        The port is taken (the message names it).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"port {port} on {HOST} is not free ({exc.strerror}); pick another "
                      "--port or leave it out for a free one") from None
    sock.listen(64)
    return sock


def url_of(sock: socket.socket, ctx: StudioContext) -> str:
    port = sock.getsockname()[1]
    return f"http://{HOST}:{port}/?token={ctx.token}"


def _server(ctx: StudioContext) -> uvicorn.Server:
    config = uvicorn.Config(create_app(ctx), log_level="warning", access_log=False,
                            lifespan="off")
    return uvicorn.Server(config)


def serve(ctx: StudioContext, sock: socket.socket) -> None:
    """Serve until interrupted (Ctrl-C)."""
    _server(ctx).run(sockets=[sock])


@dataclass
class RunningStudio:
    """A studio served from a background thread; ``stop()`` ends it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def start_in_thread(ctx: StudioContext, port: int = 0, timeout: float = 30.0
                    ) -> RunningStudio:
    """Serve ``ctx`` in a daemon thread; return once it accepts connections."""
    sock = bind(port)
    server = _server(ctx)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]},
                              name="rung-studio-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the studio server did not start")
        time.sleep(0.02)
    return RunningStudio(url_of(sock, ctx), server, thread)
