"""Firmware makes, models, implementations and version regexes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.inventory import models as m
from tests.conftest import Result

MODEL_USAGE = "{models ...} {imp=string} {make=string}"
REGEX_USAGE = "{regex} {make=string} {name=string} [description=string] [models=string]"
IMP_USAGE = "{name} [make=string] [models=string]"


def run(stack, *words):
    r = stack(*words)
    assert r.rc == 0 and r.err == "", (words, r)
    return r


def error(r, text, usage=None):
    assert r == Result(255, "", f"error - {text}\n" + (f"{usage}\n" if usage else ""))


def snapshot():
    return [list(model.objects.order_by("id").values()) for model in
            (m.FirmwareMake, m.FirmwareModel, m.FirmwareImp, m.FirmwareVersionRegex)]


@pytest.fixture
def mellanox(stack):
    run(stack, "add", "firmware", "model", "m7800", "M6036", "make=Mellanox", "imp=mellanox")
    return "mellanox"


def test_makes(stack):
    assert stack("add", "firmware", "make", "Mellanox", "dell", "mellanox") == Result(0, "", "")
    assert run(stack, "list", "firmware", "make").out == "MAKE\ndell\nmellanox\n"
    before = snapshot()
    error(stack("add", "firmware", "make", "dell", "cisco", "Mellanox"),
          "The following firmware makes already exist: ['dell', 'mellanox'].")
    error(stack("add", "firmware", "make"), "Makes are required.")
    error(stack("add", "firmware", "make", "a/b"),
          '"a/b" is not a valid make name: use letters, digits and . _ + - only')
    error(stack("add", "firmware", "make", "a\x07"),
          'argument "a\\x07" must not contain control characters')
    error(stack("remove", "firmware", "make", "dell", "cisco", "hp"),
          "The following firmware makes don't exist: ['cisco', 'hp'].")
    error(stack("remove", "firmware", "make"), "Makes are required.")
    assert snapshot() == before
    run(stack, "remove", "firmware", "make", "DELL")
    assert run(stack, "list", "firmware", "make", "output-format=json").out.replace(" ", "").replace(
        "\n", "") == '[{"make":"mellanox"}]'


def test_models(stack, mellanox):
    assert run(stack, "list", "firmware", "model").out == (
        "MAKE     MODEL\nmellanox m6036\nmellanox m7800\n")
    assert run(stack, "list", "firmware", "model", "expanded=true").out == (
        "MAKE     MODEL IMP      VERSION_REGEX_NAME\n"
        "mellanox m6036 mellanox ------------------\n"
        "mellanox m7800 mellanox ------------------\n")
    before = snapshot()
    error(stack("add", "firmware", "model", "x"), '"make" parameter is required', MODEL_USAGE)
    error(stack("add", "firmware", "model", "x", "make=dell"), '"imp" parameter is required',
          MODEL_USAGE)
    error(stack("add", "firmware", "model", "make=dell", "imp=mellanox"), "Models are required.")
    error(stack("add", "firmware", "model", "m7800", "x1", "make=mellanox", "imp=mellanox"),
          "The following make and model combinations already exist [('mellanox', 'm7800')].")
    error(stack("add", "firmware", "model", "x1", "make=dell", "imp=bogus"),
          '"imp" parameter Could not find an implementation named bogus. The implementations'
          " shipped are: dell_x1052, mellanox.", MODEL_USAGE)
    error(stack("add", "firmware", "model", "a b", "make=dell", "imp=dell_x1052"),
          '"a b" is not a valid model name: use letters, digits and . _ + - only')
    error(stack("remove", "firmware", "model", "m7800", "make=dell"), "The make dell does not exist.")
    error(stack("remove", "firmware", "model", "m7800"), '"make" parameter is required',
          "{models ...} {make=string}")
    error(stack("remove", "firmware", "model", "m7800", "x", "make=mellanox"),
          "The following firmware models don't exist for make mellanox: ['x'].")
    assert snapshot() == before
    # A new make is made with its first model, and a shipped implementation on first use.
    run(stack, "add", "firmware", "model", "x1052", "make=dell", "imp=DELL_X1052")
    assert run(stack, "list", "firmware", "imp").out == "IMP\ndell_x1052\nmellanox\n"
    run(stack, "set", "firmware", "model", "imp", "m6036", "make=mellanox", "imp=dell_x1052")
    assert run(stack, "list", "firmware", "model", "expanded=true", "output-format=col:imp"
               ).out == "dell_x1052\ndell_x1052\nmellanox\n"
    error(stack("set", "firmware", "model", "imp", "m6036", "make=mellanox", "imp=nope"),
          "Imp nope does not exist in the database.")
    error(stack("set", "firmware", "model", "imp", "m6036", "make=mellanox"),
          '"imp" parameter is required', "{models ...} {imp=string} {make=string}")
    run(stack, "remove", "firmware", "model", "m6036", "make=mellanox")
    assert run(stack, "list", "firmware", "model", "output-format=col:model").out == "x1052\nm7800\n"
    # Removing a make takes its models.
    run(stack, "remove", "firmware", "make", "mellanox")
    assert not m.FirmwareModel.objects.filter(make__name="mellanox").exists()


def test_imps(stack):
    before = snapshot()
    error(stack("add", "firmware", "imp"), '"name" argument is required', IMP_USAGE)
    error(stack("add", "firmware", "imp", "a", "b"), '"name" argument must be unique', IMP_USAGE)
    error(stack("add", "firmware", "imp", "custom"),
          '"name" argument Could not find an implementation named custom. The implementations'
          " shipped are: dell_x1052, mellanox.", IMP_USAGE)
    error(stack("add", "firmware", "imp", "mellanox", "make=nope", "models=a"),
          "The make nope does not exist.")
    assert snapshot() == before
    run(stack, "add", "firmware", "imp", "Mellanox")
    error(stack("add", "firmware", "imp", "mellanox"),
          '"name" argument An implementation named mellanox already exists in the database.',
          IMP_USAGE)
    run(stack, "add", "firmware", "model", "m1", "m2", "make=dell", "imp=mellanox")
    run(stack, "add", "firmware", "imp", "dell_x1052", "make=dell", "models=m1, M2")
    assert run(stack, "list", "firmware", "model", "expanded=true",
               "output-format=col:imp").out == "dell_x1052\ndell_x1052\n"
    error(stack("remove", "firmware", "imp", "dell_x1052"),
          "Failed to remove all implementations because some are still in use. Please run"
          " 'stack list firmware model expanded=true' to list the models still using the"
          " implementation and 'stack remove firmware model' to remove them.")
    error(stack("remove", "firmware", "imp", "mellanox", "x"),
          "The following firmware implementations don't exist in the database: ['x'].")
    error(stack("remove", "firmware", "imp"), "Imps are required.")
    run(stack, "remove", "firmware", "imp", "mellanox")
    assert run(stack, "list", "firmware", "imp").out == "IMP\ndell_x1052\n"


def test_version_regexes(stack, mellanox):
    before = snapshot()
    error(stack("add", "firmware", "version_regex"), '"regex" argument is required', REGEX_USAGE)
    error(stack("add", "firmware", "version_regex", "a", "b"), '"regex" argument must be unique',
          REGEX_USAGE)
    error(stack("add", "firmware", "version_regex", "(", "name=x", "make=mellanox"),
          '"regex" argument Invalid regex supplied: missing ), unterminated subpattern at'
          " position 0.", REGEX_USAGE)
    error(stack("add", "firmware", "version_regex", r"\d+", "make=mellanox"),
          '"name" parameter is required', REGEX_USAGE)
    error(stack("add", "firmware", "version_regex", r"\d+", "name=x"),
          '"make" parameter is required', REGEX_USAGE)
    error(stack("add", "firmware", "version_regex", r"\d+", "name=x", "make=dell"),
          "The make dell does not exist.")
    error(stack("add", "firmware", "version_regex", r"\d+", "name=x", "make=mellanox",
                "models=m7800,nope"),
          "The following firmware models don't exist for make mellanox: ['nope'].")
    error(stack("add", "firmware", "version_regex", r"\d+", "name=x", "make=mellanox",
                "description=a\tb"),
          '"description" parameter "a\\tb" must not contain control characters')
    assert snapshot() == before
    run(stack, "add", "firmware", "version_regex", r"^\d+\.\d+$", "name=Two", "make=mellanox",
        "description=two numbers")
    run(stack, "add", "firmware", "version_regex", r"^\d+$", "name=one", "make=mellanox",
        "models=m6036")
    error(stack("add", "firmware", "version_regex", r"\d+", "name=two", "make=mellanox"),
          '"name" parameter A version_regex with the name two already exists in the database.',
          REGEX_USAGE)
    assert run(stack, "list", "firmware", "version_regex").out == (
        "NAME REGEX      DESCRIPTION\n"
        "one  ^\\d+$      -----------\n"
        "two  ^\\d+\\.\\d+$ two numbers\n")
    assert run(stack, "list", "firmware", "make", "expanded=true").out == (
        "MAKE     VERSION_REGEX_NAME\nmellanox two\n")
    assert run(stack, "list", "firmware", "model", "expanded=true",
               "output-format=col:version_regex_name").out == "one\nNone\n"
    run(stack, "set", "firmware", "model", "version_regex", "m7800", "make=mellanox",
        "version_regex=TWO")
    run(stack, "add", "firmware", "make", "dell")
    run(stack, "set", "firmware", "make", "version_regex", "dell", "version_regex=one")
    error(stack("set", "firmware", "make", "version_regex", "dell", "version_regex=nope"),
          "A version regex named nope does not exist.")
    error(stack("set", "firmware", "make", "version_regex", "dell"),
          '"version_regex" parameter is required', "{makes ...} {version_regex=string}")
    error(stack("set", "firmware", "make", "version_regex", "version_regex=one"), "Makes are required.")
    assert run(stack, "list", "firmware", "make", "expanded=true").out == (
        "MAKE     VERSION_REGEX_NAME\ndell     one\nmellanox two\n")
    run(stack, "remove", "firmware", "model", "version_regex", "m7800", "make=mellanox")
    run(stack, "remove", "firmware", "make", "version_regex", "dell")
    assert run(stack, "list", "firmware", "model", "expanded=true",
               "output-format=col:version_regex_name").out == "one\nNone\n"
    error(stack("remove", "firmware", "version_regex", "one", "x"),
          "The following firmware version regexes don't exist in the database: ['x'].")
    # Removing a regex takes it off the makes and models that used it.
    run(stack, "remove", "firmware", "version_regex", "one", "two")
    assert run(stack, "list", "firmware", "make", "expanded=true").out == (
        "MAKE     VERSION_REGEX_NAME\ndell     ------------------\nmellanox ------------------\n")
    assert not m.FirmwareVersionRegex.objects.exists()


def test_lists_are_set_based(stack):
    def count(n):
        for i in range(n):
            m.FirmwareModel.objects.create(
                name=f"model{i}", make=m.FirmwareMake.objects.get_or_create(name=f"make{n}-{i % 3}")[0],
                imp=m.FirmwareImp.objects.get_or_create(name="mellanox")[0])
        with CaptureQueriesContext(connection) as queries:
            run(stack, "list", "firmware", "model", "expanded=true")
            run(stack, "list", "firmware", "make", "expanded=true")
            run(stack, "remove", "firmware", "model", *[f"model{i}" for i in range(0, n, 3)],
                f"make=make{n}-0")
        return len(queries)

    assert count(3) == count(30)
