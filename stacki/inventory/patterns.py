"""Patterns that users supply (host globs, attribute name globs, SQL LIKE
patterns, `report attrfile filter=` and API permission regexes), compiled
for RE2, whose matching time is linear in the text matched.

Python's `re` backtracks: `list host '********************X'` took 37.6 s
over 414 hosts and a permission such as `(a*)*b` could hold a worker for
ever. RE2 has no backreferences or lookarounds, which none of these
patterns needs; a pattern it cannot compile (`[z-a]`, one too large for
its memory budget) is a BadPattern, which callers turn into their error.
"""

from __future__ import annotations

from collections.abc import Callable

import re2

# No pattern a person types is longer; a longer one is refused before compiling.
MAX_PATTERN = 4096


class BadPattern(ValueError):
    pass


def _options(ignore_case: bool) -> re2.Options:
    options = re2.Options()
    # RE2 would also print the reason on stderr (the service's log).
    options.log_errors = False
    options.case_sensitive = not ignore_case
    options.dot_nl = True
    return options


def compile_regex(pattern: str, ignore_case: bool = False, given: str | None = None):
    """A compiled RE2 regular expression (match / fullmatch / search);
    `given` is what the user typed, for the error (a glob, say)."""
    given = pattern if given is None else given
    if len(given) > MAX_PATTERN or len(pattern) > 4 * MAX_PATTERN:
        raise BadPattern(f"invalid pattern: longer than {MAX_PATTERN} characters")
    try:
        return re2.compile(pattern, _options(ignore_case))
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", errors="replace")
        raise BadPattern(f'invalid pattern "{given}": {reason}') from None


def glob_regex(glob: str) -> str:
    """A shell glob (`*`, `?`, `[seq]`, `[!seq]`) as a regular expression
    matching whole names; a `[` without its `]` is an ordinary character."""
    out: list[str] = []
    i = 0
    while i < len(glob):
        c = glob[i]
        end = glob.find("]", i + 2) if c == "[" else -1
        if c == "*":
            # A run of stars is one star.
            if not out or out[-1] != ".*":
                out.append(".*")
        elif c == "?":
            out.append(".")
        elif end != -1:
            body = glob[i + 1:end]
            body = "^" + body[1:] if body.startswith("!") else body
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re2.escape(c))
        i += 1
    return "^" + "".join(out) + "$"


def glob(pattern: str, ignore_case: bool = False) -> Callable[[str], bool]:
    """Whether a name matches the shell glob `pattern`."""
    regex = compile_regex(glob_regex(pattern), ignore_case, given=pattern)
    return lambda name: regex.search(name) is not None


def like(pattern: str) -> Callable[[str], bool]:
    """Whether a name matches the SQL LIKE pattern (`%`, `_`), ignoring case."""
    body = "".join(".*" if c == "%" else "." if c == "_" else re2.escape(c) for c in pattern)
    regex = compile_regex(f"^{body}$", ignore_case=True, given=pattern)
    return lambda name: regex.search(name) is not None
