"""The `stack` command line: a thin wrapper around run_command."""

from __future__ import annotations

import os
import sys

EXIT_ERROR = 255
# Words that start a boundary of their own rather than a command: they run commands.
BOUNDARIES = {"server": "stacki.forkserver.server", "batch": "stacki.batch"}
USAGE = ("usage: stack [--debug] [-h|--help] [--version] [--completion bash|zsh] "
         "COMMAND [ARGS] [key=value ...]")


def _options(argv: list[str]) -> tuple[list[str], bool] | int:
    """Leading GNU-style options; returns (words, debug) or an exit code."""
    debug = False
    words = list(argv)
    while words and words[0].startswith("-"):
        option = words.pop(0)
        if option == "--debug":
            debug = True
        elif option in ("--help", "-h"):
            words = ["help"] + words
            break
        elif option == "--version":
            words = ["report", "version"]
            break
        elif option in ("--complete", "--completion"):
            return _completion(option, words)
        elif option == "--":
            break
        else:
            # Stacki exits 1 here; every error exits 255 (README).
            sys.stderr.write(f"error - option {option} not recognized\n{USAGE}\n")
            return EXIT_ERROR
    return words, debug


def _completion(option: str, words: list[str]) -> int:
    """`--completion bash|zsh`: the shell's script; `--complete LINE`: the words after LINE."""
    from stacki.framework import completion

    if option == "--complete":
        sys.stdout.write(completion.complete(words[0] if words else ""))
        return 0
    if not words or words[0] not in completion.SCRIPTS:
        sys.stderr.write("error - --completion needs a shell: " + " or ".join(completion.SCRIPTS)
                         + "\n")
        return EXIT_ERROR
    sys.stdout.write(completion.script(words[0]))
    return 0


def main(argv: list[str] | None = None) -> int:
    parsed = _options(sys.argv[1:] if argv is None else argv)
    if isinstance(parsed, int):
        return parsed
    words, debug = parsed
    if words and words[0] in BOUNDARIES:
        import importlib

        return importlib.import_module(BOUNDARIES[words[0]]).main(words[1:], debug)

    from stacki import home

    try:
        home.setup()
    except home.Unusable as exc:
        sys.stderr.write(f"error - {exc}\n")
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - a broken database is a user-facing error here
        from stacki.framework.runner import first_line

        return _internal_error(exc, debug, prefix="database unavailable: ", text=first_line(exc))

    from stacki import errors
    from stacki.framework.command import resolve
    from stacki.framework.context import Context
    from stacki.framework.runner import run_resolved

    ctx = Context(user=_unix_user(), tty=sys.stdout.isatty())
    try:
        resolved = resolve(words or ["help"])
        _check_access(resolved, ctx.user)
        outcome = run_resolved(resolved, ctx)
        text = outcome.render()
    except errors.PartialCommand as exc:
        sys.stderr.write(f"error - {exc.message}\n")
        sys.stdout.write(exc.listing)
        return EXIT_ERROR
    except errors.HelpShown as exc:
        sys.stdout.write(exc.text)
        return 0
    except errors.StackError as exc:
        sys.stderr.write(f"error - {exc.message}\n")
        if exc.usage:
            sys.stderr.write(_usage_line(words) + "\n")
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - any bug becomes `error - ...`, exit 255
        return _internal_error(exc, debug)
    sys.stdout.write(text)
    sys.stdout.flush()
    return outcome.status


def _check_access(resolved, user: str) -> None:
    """The access table (cli.md §4); a command's help is open to everyone."""
    from stacki import errors
    from stacki.inventory import access

    path = resolved.command.path
    if resolved.args[:1] != ["help"] and not access.allowed(path, user):
        raise errors.CommandError(f'user "{user}" does not have access "{path}"')


def _usage_line(words: list[str]) -> str:
    from stacki.framework.command import resolve

    return resolve(words).command.usage()


def _internal_error(exc: Exception, debug: bool, prefix: str = "", text: str = "") -> int:
    if debug:
        import traceback

        traceback.print_exc()
    sys.stderr.write(f"error - {prefix}{text or exc}\n")
    return EXIT_ERROR


def _unix_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):
        return "root"


def run() -> None:
    # A fork server of this home runs the command for us when it can.
    from stacki.forkserver import client

    code = client.run(sys.argv[1:])
    sys.exit(main() if code is None else code)


if __name__ == "__main__":
    run()
