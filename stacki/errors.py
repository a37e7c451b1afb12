"""User-facing errors, each with Stacki's fixed message template.

Errors of the "usage" family are printed with the command's usage line.
"""

from __future__ import annotations


def quoted(names: str | list[str] | tuple[str, ...]) -> str:
    if isinstance(names, str):
        names = [names]
    return " or ".join(f'"{n}"' for n in names)


class StackError(Exception):
    """Base of every error a user can cause; `str()` is the message."""

    usage = False

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CommandError(StackError):
    pass


class UsageError(StackError):
    usage = True


class ArgRequired(UsageError):
    def __init__(self, arg: str | None = None):
        super().__init__(f"{quoted(arg)} argument is required" if arg else "argument is required")


class ArgUnique(UsageError):
    def __init__(self, arg: str):
        super().__init__(f'"{arg}" argument must be unique')


class ArgNotAllowed(UsageError):
    def __init__(self, arg: str):
        super().__init__(f'"{arg}" argument is not allowed')


class ArgValue(UsageError):
    def __init__(self, arg: str, value: str):
        super().__init__(f'"{arg}" argument must be {value}')


class ArgNotFound(UsageError):
    def __init__(self, value: str, kind: str, params: dict[str, str] | None = None):
        text = f'"{value}" argument is not a valid {kind}'
        if params:
            text += " with parameters " + ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(text)


class ArgError(UsageError):
    def __init__(self, arg: str, text: str):
        super().__init__(f'"{arg}" argument {text}')


class ParamRequired(UsageError):
    def __init__(self, params: str | list[str]):
        super().__init__(f"{quoted(params)} parameter is required")


class ParamType(UsageError):
    def __init__(self, param: str, type_: str):
        article = "an" if type_[:1].lower() in "aeiou" else "a"
        super().__init__(f'"{param}" parameter must be {article} {type_}')


class ParamValue(UsageError):
    def __init__(self, param: str, value: str):
        super().__init__(f'"{param}" parameter must be {value}')


class ParamUnique(UsageError):
    def __init__(self, param: str):
        super().__init__(f'"{param}" parameter must be unique')


class ParamError(UsageError):
    def __init__(self, param: str, text: str):
        super().__init__(f'"{param}" parameter {text}')


def _did_you_mean(suggestions: list[str] | tuple[str, ...]) -> str:
    return "; did you mean " + quoted(list(suggestions)) + "?" if suggestions else ""


class InvalidCommand(StackError):
    """No command matches the words; `suggestions` are the closest paths."""

    def __init__(self, word: str, suggestions: list[str] | tuple[str, ...] = ()):
        super().__init__(f'Invalid stack command "{word}"' + _did_you_mean(suggestions))
        self.word = word
        self.suggestions = tuple(suggestions)


class PartialCommand(StackError):
    """The words name a node with sub-commands that is not runnable itself;
    `listing` shows the commands below it."""

    def __init__(self, path: str, listing: str, word: str | None = None,
                 suggestions: list[str] | tuple[str, ...] = ()):
        if word is None:
            message = f'"{path}" is not a complete command; the commands under it:'
        else:
            message = (f'"{path} {word}" is not a command' + _did_you_mean(suggestions)
                       + f'; the commands under "{path}":')
        super().__init__(message)
        self.path = path
        self.listing = listing


class HelpShown(StackError):
    """Help asked for (`stack CMD help`, `CMD --help`): the text, exit 0."""

    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class ReadOnlyViolation(StackError):
    """A read-only caller's command tried to write to the database."""

    def __init__(self):
        super().__init__("Database Permission Denied. Admin privileges required")


class NotPermitted(StackError):
    """A command run on the caller's behalf (by `load`) that the caller may
    not run themselves: the web service's refusal, word for word."""


class AccessDenied(StackError):
    """The CLI's access table refused the command."""
