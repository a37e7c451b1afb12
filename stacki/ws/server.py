"""`stacki-ws`: the web service on gunicorn.

    stacki-ws [--bind HOST:PORT] [--workers N] [--threads N] [--read-timeout S]
              [--timeout S] [--log-file PATH]

The master initialises STACKI_HOME first (so a fresh home's credentials file
names the address the service listens on), records that address for
`add api user`, then forks the workers. SIGTERM stops it gracefully
(in-flight requests finish); SIGINT too.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from stacki import VERSION

DEFAULT_BIND = "127.0.0.1:8000"
WILDCARDS = ("", "0.0.0.0", "::", "[::]", "*")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="stacki-ws", description="Run the Stacki web service.")
    parser.add_argument("--bind", default=DEFAULT_BIND, help=f"HOST:PORT (default {DEFAULT_BIND})")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--threads", type=int, default=8,
                        help="requests each worker serves at once (default 8)")
    parser.add_argument("--read-timeout", type=float, default=30,
                        help="seconds a client has to send a whole request (default 30)")
    parser.add_argument("--timeout", type=int, default=600,
                        help="seconds a worker may stop answering gunicorn's master before "
                             "it is restarted (default 600)")
    parser.add_argument("--log-file", help="also append the call log to this file")
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.threads < 1:
        parser.error("--threads must be at least 1")
    if args.read_timeout <= 0:
        parser.error("--read-timeout must be positive")
    return args


def service_address(bind: str, frontend: str) -> str:
    """The `host[:port]` clients use for a bind address: a wildcard bind is
    reached through the frontend's name, port 80 needs no port."""
    host, _, port = bind.rpartition(":")
    if not host:
        host, port = bind, "80"
    if host in WILDCARDS:
        host = frontend
    return host if port == "80" else f"{host}:{port}"


def prepare(bind: str) -> None:
    """Initialise the home and record where the service listens, in the master."""
    from stacki import home

    if bind.startswith(("unix:", "fd://")):
        home.setup()
        return
    # The admin's credentials are used on the frontend itself; other users'
    # (add api user) from anywhere.
    home.setup(service_address(bind, "localhost"))
    address = service_address(bind, home.frontend_name())
    from django.db import connections

    from stacki.apiusers.users import SERVICE_ADDRESS
    from stacki.inventory.models import Setting

    Setting.objects.update_or_create(key=SERVICE_ADDRESS, defaults={"value": address})
    allow_frontend_names()
    # Workers are forked from here: they must not share this connection.
    connections.close_all()


def allow_frontend_names() -> None:
    """Unless STACKI_ALLOWED_HOSTS says otherwise, the service also answers to
    the frontend's FQDN (what `add api user` prints); the workers forked from
    here inherit the list."""
    if os.environ.get("STACKI_ALLOWED_HOSTS"):
        return
    from django.conf import settings

    from stacki.apiusers.users import frontend_fqdn

    settings.ALLOWED_HOSTS = list(dict.fromkeys([*settings.ALLOWED_HOSTS, frontend_fqdn().lower()]))


def _fail(message: str) -> int:
    sys.stderr.write(f"stacki-ws: error - {message}\n")
    return 255


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stacki.settings")
    from django.db import DatabaseError

    from stacki import home

    try:
        prepare(args.bind)
    except home.Unusable as exc:
        return _fail(str(exc))
    except DatabaseError as exc:  # not a bug: the server is down or the file unreadable
        from stacki.framework.runner import first_line

        return _fail(f"database unavailable: {first_line(exc)}")
    if args.log_file:
        from stacki import logs

        logs.add_file(args.log_file)

    from gunicorn.app.base import BaseApplication

    from stacki.ws import slowclients

    slowclients.READ_TIMEOUT = args.read_timeout

    class Service(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": [args.bind], "workers": args.workers, "timeout": args.timeout,
                "worker_class": "stacki.ws.slowclients.ReadDeadlineWorker",
                "threads": args.threads,
                "graceful_timeout": 30, "proc_name": "stacki-ws", "errorlog": "-",
                # gunicorn 27's control socket would put a directory in $HOME.
                "control_socket_disable": True,
            }
            for key, value in options.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self):
            from stacki.ws.middleware import body_limit
            from stacki.ws.wsgi import application

            return slowclients.read_whole_body(application, body_limit)

    Service().run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
