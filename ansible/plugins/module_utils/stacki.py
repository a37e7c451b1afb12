# Stacki's Ansible collection: running `stack` commands, here or through the web service.
#
# Both the modules (on the managed node) and the inventory plugin (on the
# controller) import this file, so it depends on nothing but Python and
# ansible.module_utils.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shlex
import subprocess

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url

CRED_FILE = "stacki-ws.cred"
TRANSPORTS = ("local", "ws")
# (seconds) `list host attr` of a large cluster takes a while to build.
TIMEOUT = 600

# The options every module takes, with the environment variables that
# supply them when a task does not (module_defaults' group/stacki.stacki.stacki too).
CONNECTION_SPEC = dict(
    stacki_transport=dict(type="str", choices=list(TRANSPORTS),
                          fallback=(env_fallback, ["STACKI_TRANSPORT"])),
    stacki_command=dict(type="str", default="stack", fallback=(env_fallback, ["STACKI_COMMAND"])),
    stacki_url=dict(type="str", fallback=(env_fallback, ["STACKI_URL"])),
    stacki_user=dict(type="str", fallback=(env_fallback, ["STACKI_USER"])),
    stacki_key=dict(type="str", no_log=True, fallback=(env_fallback, ["STACKI_KEY"])),
    stacki_credentials=dict(type="path", fallback=(env_fallback, ["STACKI_CREDENTIALS"])),
    stacki_validate_certs=dict(type="bool", default=True,
                               fallback=(env_fallback, ["STACKI_VALIDATE_CERTS"])),
    stacki_ca_path=dict(type="path", fallback=(env_fallback, ["STACKI_CA_PATH"])),
)

SCOPES = ["global", "appliance", "os", "environment", "host"]


class StackCommandError(Exception):
    """A command failed; `message` is what a user reads (`error - ...`)."""

    def __init__(self, message):
        super(StackCommandError, self).__init__(message)
        self.message = message


def _error(text):
    """The first line of an error, as `error - ...`."""
    lines = [line for line in (text or "").splitlines() if line.strip()]
    line = lines[0].strip() if lines else "unknown"
    return line if line.startswith("error - ") else "error - " + line


def _url_of(hostname):
    """Where a credentials file's `hostname` (host:port or a URL) is served."""
    url = hostname if "://" in hostname else "http://" + hostname
    url = url.rstrip("/")
    return url if url.endswith("/stack") else url + "/stack"


def read_credentials(path):
    """The first entry of a `stacki-ws.cred` file: username, key and URL."""
    try:
        with open(path) as f:
            creds = json.load(f)
    except (IOError, OSError, ValueError) as exc:
        raise StackCommandError("error - cannot read credentials %s: %s" % (path, exc))
    if isinstance(creds, list):
        creds = creds[0] if creds else {}
    if not isinstance(creds, dict) or not all(k in creds for k in ("username", "hostname", "key")):
        raise StackCommandError('error - cannot read credentials %s: expected '
                                '{"username", "hostname", "key"}' % path)
    return creds


class LocalTransport:
    """Runs the `stack` command of this machine (Stacki's own way)."""

    def __init__(self, command="stack"):
        self.command = shlex.split(command)

    def describe(self):
        return "local:" + " ".join(self.command)

    def call(self, words):
        argv = self.command + list(words) + ["output-format=json"]
        try:
            proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise StackCommandError("error - cannot run %s: %s" % (self.command[0], exc))
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise StackCommandError(_error(err.decode("utf-8", "replace")))
        # A command with nothing to show prints nothing.
        return _parsed(out.decode("utf-8", "replace")) if out.strip() else []


class WebTransport:
    """Posts commands to the Stacki web service, the credentials in each
    request (HTTP Basic: no session, no CSRF token)."""

    def __init__(self, url, user, key, validate_certs=True, ca_path=None):
        self.url = _url_of(url)
        self.user = user
        self.key = key
        self.validate_certs = validate_certs
        self.ca_path = ca_path

    def describe(self):
        return "%s@%s" % (self.user, self.url)

    def call(self, words):
        body = json.dumps({"cmd": " ".join(shlex.quote(w) for w in words)})
        try:
            response = open_url(
                self.url, data=body, method="POST",
                headers={"Content-Type": "application/json", "Accept": "application/json"},
                url_username=self.user, url_password=self.key, force_basic_auth=True,
                validate_certs=self.validate_certs, ca_path=self.ca_path, timeout=TIMEOUT,
                follow_redirects="none", use_netrc=False)
            text = response.read().decode("utf-8")
        except HTTPError as exc:
            raise StackCommandError(_error(_api_error(exc)))
        except (URLError, OSError) as exc:
            raise StackCommandError("error - cannot reach %s: %s" % (
                self.url, getattr(exc, "reason", exc)))
        result = _parsed(text)
        # The service answers {} where the command line prints nothing.
        return [] if result == {} else result


def _parsed(text):
    try:
        return json.loads(text)
    except ValueError:
        raise StackCommandError("error - the answer is not JSON: %s" % text[:200])


def _api_error(exc):
    try:
        text = exc.read().decode("utf-8", "replace")
    except Exception:  # the body could not be read: the status line says enough
        text = ""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict) and "API Error" in body:
        return str(body["API Error"])
    return text or "HTTP %s %s" % (exc.code, exc.reason)


def transport_of(options):
    """The transport the options ask for: the web service when they name a
    URL or credentials file (or say stacki_transport=ws), else the local `stack`."""
    url = options.get("stacki_url")
    cred_path = options.get("stacki_credentials")
    kind = options.get("stacki_transport") or ("ws" if url or cred_path else "local")
    if kind == "local":
        return LocalTransport(options.get("stacki_command") or "stack")
    user, key = options.get("stacki_user"), options.get("stacki_key")
    if not (url and user and key):
        creds = read_credentials(cred_path or os.path.join(os.path.expanduser("~"), CRED_FILE))
        url = url or creds.get("url") or creds["hostname"]
        user = user or creds["username"]
        key = key or creds["key"]
    validate = options.get("stacki_validate_certs")
    return WebTransport(url, user, key, validate_certs=True if validate is None else validate,
                        ca_path=options.get("stacki_ca_path"))


def run_stack_command(command, args=None, transport=None):
    """Rows of `stack COMMAND ARGS output-format=json` (Stacki's helper:
    COMMAND may be dotted, `list.host`); raises StackCommandError."""
    words = command.replace(".", " ").split() + list(args or [])
    return (transport or LocalTransport()).call(words)


def flag(value):
    """A Stacki boolean parameter's text."""
    return "true" if value else "false"


class StackiModule:
    """What every module shares: the connection options, a transport, and
    failing with the command's `error - ...` text."""

    def __init__(self, argument_spec, **kwargs):
        from ansible.module_utils.basic import AnsibleModule

        spec = dict(CONNECTION_SPEC)
        spec.update(argument_spec)
        kwargs.setdefault("supports_check_mode", True)
        self.module = AnsibleModule(argument_spec=spec, **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.result = {"changed": False}
        try:
            self.transport = transport_of(self.params)
        except StackCommandError as exc:
            self.fail(exc.message)

    def run(self, command, *args):
        """Rows of a command; the module fails on an error."""
        try:
            return run_stack_command(command, [a for a in args if a is not None], self.transport)
        except StackCommandError as exc:
            self.fail(exc.message)

    def change(self, command, *args):
        """Run a command that changes Stacki, unless in check mode."""
        if not self.check_mode:
            self.run(command, *args)
        self.result["changed"] = True

    def fail(self, message):
        self.module.fail_json(msg=message, **self.result)

    def exit(self, **values):
        self.result.update(values)
        self.module.exit_json(**self.result)


def scoped(command, scope):
    """`list attr` at a scope: `list attr` (global) or `list host attr` ..."""
    verb, rest = command.split(" ", 1)
    return command if scope == "global" else "%s %s %s" % (verb, scope, rest)
