"""Splitting a command line into words as a POSIX shell does (what
`shlex.split` does), in time linear in its length.

`shlex` builds each word one character at a time (`token = token + c` on an
attribute, which CPython cannot do in place): a 1 MB word cost 25 s, and the
web service splits `cmd` before any permission check. Here each run of
ordinary characters, each quoted string and each escape is one step (a
`str.find` or a regex match, done in C), and the pieces are joined once.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

WHITESPACE = " \t\r\n"
_PLAIN = re.compile(r"[^ \t\r\n'\"\\]+")
_DOUBLE_SPECIAL = re.compile(r'["\\]')
# Inside double quotes a backslash escapes only these (POSIX, and shlex).
_DOUBLE_ESCAPES = '"\\'
NO_CLOSING = "No closing quotation"
NO_ESCAPED = "No escaped character"
# Marks the end of a word in the stream of pieces.
_END = None


def pieces(text: str) -> Iterator[str | None]:
    """The pieces of the words of `text`, each word followed by None.

    One piece per quoted string, escape or run of ordinary characters, so
    the number of steps is bounded by the number of quotes, backslashes and
    word boundaries, never by the length of a word. Raises ValueError with
    shlex's messages for an unclosed quote or a trailing backslash.
    """
    i, n = 0, len(text)
    in_word = False
    while i < n:
        c = text[i]
        if c in WHITESPACE:
            if in_word:
                yield _END
                in_word = False
            i += 1
            continue
        in_word = True
        if c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ValueError(NO_CLOSING)
            yield text[i + 1:end]
            i = end + 1
        elif c == '"':
            i = yield from _double_quoted(text, i + 1)
        elif c == "\\":
            if i + 1 >= n:
                raise ValueError(NO_ESCAPED)
            yield text[i + 1]
            i += 2
        else:
            match = _PLAIN.match(text, i)
            yield match.group()
            i = match.end()
    if in_word:
        yield _END


def _double_quoted(text: str, i: int) -> Generator[str, None, int]:
    """The pieces of a double-quoted string starting after its quote; returns
    the offset just past the closing quote."""
    while True:
        match = _DOUBLE_SPECIAL.search(text, i)
        if match is None:
            raise ValueError(NO_CLOSING)
        j = match.start()
        yield text[i:j]
        if text[j] == '"':
            return j + 1
        if j + 1 >= len(text):
            raise ValueError(NO_ESCAPED)
        escaped = text[j + 1]
        yield escaped if escaped in _DOUBLE_ESCAPES else "\\" + escaped
        i = j + 2


def split(text: str, max_words: int | None = None) -> list[str]:
    """`shlex.split(text)`; ValueError when it cannot be split, TooManyWords
    as soon as it has more than `max_words` words."""
    words: list[str] = []
    current: list[str] = []
    for piece in pieces(text):
        if piece is _END:
            words.append("".join(current))
            current = []
            if max_words is not None and len(words) > max_words:
                raise TooManyWords(max_words)
        else:
            current.append(piece)
    return words


class TooManyWords(Exception):
    def __init__(self, limit: int):
        super().__init__(f"more than {limit} words")
        self.limit = limit
