"""Where the product's log lines go: stderr, and a file for `stacki-ws --log-file`.

Set up with the plain logging API: `logging.config.dictConfig` would cost
every `stack` command 15 ms of imports.
"""

from __future__ import annotations

import logging
import os
import re

FORMAT = "%(asctime)s %(name)s %(levelname)s %(message)s"
# Loggers whose lines reach the handlers: ours, and Django's request errors
# (tracebacks of what escaped a view).
OURS = ("stacki", "django.request")
_attached = False


# Control characters (C0, DEL, C1) and Unicode's line and paragraph
# separators: a user name or an argument holding one could forge log lines.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape(text: str) -> str:
    """`text` with its control characters written as Python escapes (\\n, \\x1b)."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class SafeFormatter(logging.Formatter):
    """One record, one line: the message's control characters are escaped
    (a traceback, added after the message, keeps its lines)."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape(record.message)
        return super().formatMessage(record)


def configure() -> None:
    levels = {
        "stacki": os.environ.get("STACKI_LOG_LEVEL", "WARNING"),
        # One line per web-service call (user, command, parameters, status, duration).
        "stacki.ws": os.environ.get("STACKI_WS_LOG_LEVEL", "INFO"),
        "django.request": "ERROR",
    }
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    for name in OURS:
        logging.getLogger(name).propagate = False
    global _attached
    if not _attached:  # a fork-server child configures again what its server did
        _attach(logging.StreamHandler())
        _attached = True


def add_file(path: str) -> None:
    _attach(logging.FileHandler(path))


def _attach(handler: logging.Handler) -> None:
    handler.setFormatter(SafeFormatter(FORMAT))
    for name in OURS:
        logging.getLogger(name).addHandler(handler)
