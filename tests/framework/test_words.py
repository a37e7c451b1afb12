"""Command lines split like shlex, in linear time (issue 12, item 3)."""

import shlex

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stacki.framework import words


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab =\t\n\r'\"\\\x0b", max_size=16))
def test_split_is_shlex_split(text):
    try:
        expected = shlex.split(text)
    except ValueError as exc:
        expected = ("error", str(exc))
    try:
        got = words.split(text)
    except ValueError as exc:
        got = ("error", str(exc))
    assert got == expected


@pytest.mark.parametrize("text", [
    "x" * 2_000_000,
    "'" + "x" * 2_000_000 + "'",
    '"' + "x" * 2_000_000 + '"',
    "list host " + "a" * 1_000_000 + " b=" + "c" * 1_000_000,
])
def test_a_long_word_is_a_few_steps(text):
    # One step per quoted string, escape or run of plain characters: the
    # work does not grow with the length of a word.
    assert len(list(words.pieces(text))) <= 8
    assert "".join(words.split(text)).replace("'", "").replace('"', "") == \
        text.replace(" ", "").replace("'", "").replace('"', "")


def test_steps_grow_with_quotes_and_words_only():
    text = " ".join(["a'b'\\c"] * 1000)
    assert len(list(words.pieces(text))) == 4 * 1000
    assert words.split(text) == ["abc"] * 1000


def test_too_many_words_stops_early():
    with pytest.raises(words.TooManyWords) as caught:
        words.split("a " * 1_000_000, max_words=10)
    assert str(caught.value) == "more than 10 words"
