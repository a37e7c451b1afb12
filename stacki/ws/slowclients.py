"""Slow clients cannot hold the web service: a request must arrive whole
(headers and body) within STACKI_READ_TIMEOUT seconds of its first byte.

gunicorn's sync workers read a request in the worker itself: two clients
that send half a request and then wait held both default workers for as
long as they liked, with no credentials. Here each worker serves requests
from a pool of threads (gunicorn's gthread worker, which also parks idle
connections in a poller), and a watchdog thread shuts down the socket of a
connection still being read past its deadline; the blocked read then ends
and the thread is free again. The body is read before the application runs
(it is bounded by the body limit anyway), so a command's own running time
is never cut short. A reverse proxy in front (docs/deployment.md) adds its
own buffering and timeouts, and limits per client.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

# Set in the master before the workers are forked (stacki.ws.server).
READ_TIMEOUT = 30.0
# How often the watchdog looks (seconds).
TICK = 0.25

_current = threading.local()
_worker: "ReadDeadlineWorker | None" = None


class ReadDeadlineWorker(ThreadWorker):
    def init_process(self) -> None:
        global _worker
        _worker = self
        self.reading: dict[Any, float] = {}
        self.guard = threading.Lock()
        threading.Thread(target=self.watch, name="stacki-read-deadline", daemon=True).start()
        super().init_process()

    def handle(self, conn):
        _current.conn = conn
        with self.guard:
            self.reading[conn] = time.monotonic() + READ_TIMEOUT
        try:
            return super().handle(conn)
        finally:
            self.done_reading(conn)
            _current.conn = None

    def done_reading(self, conn) -> None:
        with self.guard:
            self.reading.pop(conn, None)

    def watch(self) -> None:
        while self.alive:
            time.sleep(TICK)
            now = time.monotonic()
            with self.guard:
                late = [conn for conn, deadline in self.reading.items() if deadline <= now]
                for conn in late:
                    del self.reading[conn]
            for conn in late:
                self.log.info("closing a connection from %s: request not received within %ss",
                              conn.client[0] if conn.client else "-", READ_TIMEOUT)
                try:
                    conn.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def read_whole_body(app: Callable, limit: Callable[[], int]) -> Callable:
    """The WSGI application `app`, called once the request body (up to
    `limit()` bytes) has been read, under the read deadline; a longer body is
    left to the application (which refuses it, 413), still under the deadline."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= limit():
            if length > 0:
                environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(length))
            conn = getattr(_current, "conn", None)
            if _worker is not None and conn is not None:
                _worker.done_reading(conn)
        return app(environ, start_response)

    return application
