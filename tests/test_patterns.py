"""Patterns users supply are matched in linear time (issue 12, item 3).

Each hostile pattern below backtracks for hours with Python's `re`; with
RE2 each call is a few milliseconds. The budget (a subprocess timeout) is
generous on purpose: it only tells "linear" from "exponential".
"""

import subprocess
import sys

import pytest

from stacki.inventory import patterns

BUDGET = 120
STARS = "*" * 30 + "X"


def run(env, *code_or_words, python=False):
    argv = ([sys.executable, "-c", code_or_words[0]] if python
            else [sys.executable, "-m", "stacki.cli", *code_or_words])
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=BUDGET,
                          stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout, proc.stderr


def test_hostile_patterns_finish_within_a_generous_budget(stacki_home):
    env = stacki_home
    assert run(env, "set", "attr", "attr=" + "a" * 40, "value=1")[0] == 0
    assert run(env, "list", "host", STARS) == (0, "", "")
    assert run(env, "list", "host", "*a" * 20 + "X") == (0, "", "")
    assert run(env, "list", "appliance", "%" * 40 + "X") == (
        255, "", f'error - "{"%" * 40}X" argument is not a valid appliance\n[appliance ...]\n')
    assert run(env, "report", "attrfile", "filter=(a*)*b") == (0, "", "")
    code = ("import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'stacki.settings';"
            "django.setup(); from stacki.apiusers.access import matches;"
            "print(matches('(a*)*b', 'a' * 40), matches('(.*)*.*X', 'list.' * 40))")
    assert run(env, code, python=True)[:2] == (0, "False False\n")


def test_a_glob_is_translated_once_per_run_of_stars():
    assert patterns.glob_regex("a**b") == "^a.*b$"
    assert patterns.glob(STARS, ignore_case=True)("xx" * 1000 + "x")
    assert not patterns.glob(STARS)("xx" * 1000 + "x")


@pytest.mark.parametrize("glob, name, matched", [
    ("back*", "backend-0-0", True), ("BACK*", "backend-0-0", True),
    ("backend-?-0", "backend-1-0", True), ("backend-[01]-0", "backend-2-0", False),
    ("backend-[!01]-0", "backend-2-0", True), ("a.b", "axb", False), ("[x", "[x", True),
])
def test_host_globs(glob, name, matched):
    assert patterns.glob(glob, ignore_case=True)(name) is matched


def test_like():
    assert patterns.like("back%")("Backend")
    assert patterns.like("b_x")("box")
    assert not patterns.like("b.x")("box")


@pytest.mark.parametrize("pattern, message", [
    ("[z-a]", 'invalid pattern "[z-a]": invalid character class range: z-a'),
    ("x" * 5000, "invalid pattern: longer than 4096 characters"),
])
def test_bad_patterns(pattern, message):
    with pytest.raises(patterns.BadPattern) as caught:
        patterns.glob(pattern)
    assert str(caught.value) == message


def test_bad_glob_class_on_the_command_line(stack):
    r = stack("list", "host", "backend-[z-a]")
    assert (r.rc, r.out, r.err) == (
        255, "", 'error - invalid pattern "backend-[z-a]": invalid character class range: z-a\n')
    r = stack("list", "attr", "attr=[z-a]")
    assert (r.rc, r.err) == (
        255, 'error - invalid pattern "[z-a]": invalid character class range: z-a\n')
