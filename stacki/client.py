"""The web-service client: `StackWSClient` for scripts and the `wsclient` command.

    wsclient [-f CREDFILE] [--basic] WORDS...
    wsclient [-f CREDFILE] [--basic] --commands

reads the credentials (default ~/stacki-ws.cred, as written at
initialisation or by `add api user ... output-format=json`), logs in, runs
WORDS joined by spaces and prints the JSON answer. With --basic each request
carries the credentials (HTTP Basic) instead of logging in to a session;
--commands prints the catalogue of the commands the user may run. The local files of `load`
commands are sent along: a JSON document as `data`, a spreadsheet (`file=`)
uploaded first and replaced by its place on the server.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import requests

from stacki import VERSION

CRED_FILE = "stacki-ws.cred"
EXIT_ERROR = 255
# (connect, read) seconds: commands such as `sync` may take long.
TIMEOUT = (10, 3600)


class StackWSError(Exception):
    """The service answered an error: `status` and the body `text`."""

    def __init__(self, status: int, text: str):
        super().__init__(f"HTTP {status}: {text}")
        self.status = status
        self.text = text

    def message(self) -> str:
        """The error as a user should read it."""
        try:
            body = json.loads(self.text)
        except ValueError:
            return self.text
        if isinstance(body, dict) and "API Error" in body:
            return str(body["API Error"])
        return self.text


class StackWSClient:
    """A logged-in conversation with the service (cookies, CSRF token), or
    with `basic=True` requests that each carry the credentials (no session)."""

    def __init__(self, hostname: str, username: str, key: str, url: str | None = None,
                 verify: bool | str = True, basic: bool = False):
        self.hostname = hostname
        self.username = username
        self.key = key
        self.basic = basic
        if url is None:
            url = hostname if "://" in hostname else f"http://{hostname}"
            url = url.rstrip("/")
            url = url if url.endswith("/stack") else url + "/stack"
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.session.verify = verify
        self.status: int | None = None
        self.logged_in = False

    def _csrf(self) -> str:
        # Iterate: after login the jar may briefly hold the old token too.
        tokens = [c.value for c in self.session.cookies if c.name == "csrftoken"]
        return tokens[-1] if tokens else ""

    def _post(self, path: str, **kwargs: Any) -> requests.Response:
        if self.basic:
            return self.session.post(self.url + path, auth=(self.username, self.key),
                                     timeout=TIMEOUT, **kwargs)
        headers = {"X-CSRFToken": self._csrf(), "Referer": self.url + "/"}
        return self.session.post(self.url + path, headers=headers, timeout=TIMEOUT, **kwargs)

    def _ready(self) -> None:
        if not self.basic and not self.logged_in:
            self.login()

    def commands(self) -> list[dict[str, Any]]:
        """The catalogue of the commands this user may run (GET /stack/commands)."""
        self._ready()
        auth = (self.username, self.key) if self.basic else None
        response = self.session.get(self.url + "/commands", auth=auth, timeout=TIMEOUT)
        if response.status_code != 200:
            raise StackWSError(response.status_code, response.text)
        return response.json()

    def login(self) -> None:
        self.session.get(self.url, timeout=TIMEOUT).raise_for_status()
        response = self._post("/login", data={"USERNAME": self.username, "PASSWORD": self.key})
        if response.status_code != 200:
            raise StackWSError(response.status_code, response.text)
        self.logged_in = True

    def logout(self) -> None:
        if self.logged_in:
            self._post("/logout")
            self.logged_in = False

    def upload(self, path: str | Path) -> dict[str, Any]:
        """Send a local file to POST /stack/upload; returns {"csv", "name", "dir"}."""
        self._ready()
        with open(path, "rb") as f:
            response = self._post("/upload", files={"csvFile": (Path(path).name, f)})
        if response.status_code != 200:
            raise StackWSError(response.status_code, response.text)
        return response.json()

    def run(self, cmd: str, data: Any = None) -> str:
        """Run a command line; returns the JSON text of the answer (also on
        an error: see `.status`)."""
        self._ready()
        cmd, data = self.prepare(cmd, data)
        request: dict[str, Any] = {"cmd": cmd}
        if data is not None:
            request["data"] = data
        response = self._post("", json=request)
        self.status = response.status_code
        return response.text

    def call(self, cmd: str, data: Any = None) -> Any:
        """Run a command line; returns the parsed answer or raises StackWSError."""
        text = self.run(cmd, data)
        if self.status != 200:
            raise StackWSError(self.status or 0, text)
        return json.loads(text)

    def prepare(self, cmd: str, data: Any = None) -> tuple[str, Any]:
        """Local files of `load` commands, the way Stacki's client sends them:
        a JSON document (`load FILE` or `document=FILE`) goes as `data`; a
        spreadsheet (`load hostfile file=FILE`) is uploaded and named by its
        place on the server."""
        try:
            words = shlex.split(cmd)
        except ValueError:
            return cmd, data  # the service explains what is wrong with it
        if not words or words[0] != "load":
            return cmd, data
        for index, word in enumerate(words[1:], 1):
            name, _, value = word.partition("=") if "=" in word else ("", "", word)
            if name not in ("", "document", "file") or not Path(value).is_file():
                continue
            if name == "file":
                words[index] = "file=" + self.upload(value)["dir"]
            elif data is None and (name == "document" or index == 1):
                data = json.loads(Path(value).read_text())
                del words[index]
            else:
                continue
            return shlex.join(words), data
        return cmd, data


def read_credentials(path: str | Path) -> dict[str, str]:
    """The first entry of a credentials file (a JSON list, or one object)."""
    creds = json.loads(Path(path).read_text())
    if isinstance(creds, list):
        creds = creds[0] if creds else {}
    if not isinstance(creds, dict) or not all(k in creds for k in ("username", "hostname", "key")):
        raise ValueError('expected {"username", "hostname", "key"}')
    return creds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wsclient", description="Run a stack command "
                                     "through the Stacki web service.")
    parser.add_argument("-f", dest="credfile", default=str(Path.home() / CRED_FILE),
                        help=f"credentials file (default ~/{CRED_FILE})")
    parser.add_argument("--basic", action="store_true",
                        help="send the credentials with each request (HTTP Basic, no session)")
    parser.add_argument("--commands", action="store_true",
                        help="print the commands this user may run (JSON) and exit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {VERSION}")
    parser.add_argument("words", nargs=argparse.REMAINDER, help="the command line")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if not args.words and not args.commands:
        parser.error("a command is required, e.g. wsclient list host")
    try:
        creds = read_credentials(args.credfile)
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"error - cannot read credentials {args.credfile}: {exc}\n")
        return EXIT_ERROR
    client = StackWSClient(creds["hostname"], creds["username"], creds["key"], url=creds.get("url"),
                           basic=args.basic)
    try:
        if args.commands:
            sys.stdout.write(json.dumps(client.commands(), indent=8) + "\n")
            return 0
        text = client.run(" ".join(args.words))
    except StackWSError as exc:
        sys.stderr.write(f"error - login failed ({exc.status}): {exc.message()}\n")
        return EXIT_ERROR
    except (requests.RequestException, OSError) as exc:
        sys.stderr.write(f"error - {client.url}: {exc}\n")
        return EXIT_ERROR
    if client.status != 200:
        message = StackWSError(client.status or 0, text).message()
        sys.stderr.write(message if message.endswith("\n") else message + "\n")
        return EXIT_ERROR
    sys.stdout.write(json.dumps(json.loads(text), indent=8) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
