"""output-format as a user sees it (cli.md §2)."""

import pytest

from stacki.framework.output import Table, objects
from tests.conftest import Result


@pytest.fixture
def two_hosts(stack):
    stack("add", "host", "backend-0-0")
    stack("set", "host", "comment", "backend-0-0", "comment=test comment")


TEXT = (
    "HOST         RACK RANK APPLIANCE OS     BOX      ENVIRONMENT OSACTION INSTALLACTION COMMENT\n"
    "frontend-0-0 0    0    frontend  redhat frontend ----------- default  default       -------\n"
    "backend-0-0  0    0    backend   redhat default  ----------- default  default       test comment\n"
)


@pytest.mark.parametrize("fmt", [None, "text", "TEXT"])
def test_text_is_the_default(stack, two_hosts, fmt):
    words = ["list", "host"] + ([f"output-format={fmt}"] if fmt else [])
    assert stack(*words) == Result(0, TEXT, "")


def test_output_format_may_come_anywhere(stack, two_hosts):
    assert stack("list", "host", "output-format=col:host", "backend-0-0") == Result(
        0, "backend-0-0\n", "")


def test_json(stack):
    assert stack("list", "os", "redhat", "sles", "output-format=json") == Result(0, (
        "[\n"
        "        {\n"
        '                "os": "redhat"\n'
        "        },\n"
        "        {\n"
        '                "os": "sles"\n'
        "        }\n"
        "]\n"), "")


def test_json_keeps_types(stack, two_hosts):
    r = stack("list", "host", "boot", "backend-0-0", "output-format=json")
    assert '"nukedisks": false' in r.out and '"action": "os"' in r.out


def test_col_is_case_insensitive_and_skips_missing(stack, two_hosts):
    assert stack("list", "host", "output-format=col:COMMENT") == Result(
        0, "None\ntest comment\n", "")
    assert stack("list", "host", "output-format=col:nope") == Result(255, "", (
        'error - "output-format" parameter names no column "nope"; the columns are host, rack, '
        "rank, appliance, os, box, environment, osaction, installaction, comment\n"
        "[host ...] [hash=boolean]\n"))


@pytest.mark.parametrize("fmt", ["csv", "yaml", "col:", "nonsense"])
def test_unknown_format_is_an_error_listing_the_known_ones(stack, two_hosts, fmt):
    assert stack("list", "host", f"output-format={fmt}") == Result(255, "", (
        'error - "output-format" parameter must be one of text, json, shell, python, null '
        "or col:NAME\n{usage}\n").format(usage="[host ...] [hash=boolean]"))


def test_shell(stack, two_hosts):
    r = stack("list", "host", "backend-0-0", "output-format=shell")
    assert r == Result(0, (
        'stack_host="backend-0-0"\nstack_rack="0"\nstack_rank="0"\nstack_appliance="backend"\n'
        'stack_os="redhat"\nstack_box="default"\nstack_environment=""\n'
        'stack_osaction="default"\nstack_installaction="default"\n'
        'stack_comment="test comment"\n\n'), "")
    r = stack("list", "box", "output-format=shell")
    assert r.out.startswith('stack_0_name="frontend"\nstack_0_os="redhat"\n')
    assert '\n\nstack_1_name="default"\n' in r.out


def test_python(stack):
    assert stack("list", "appliance", "backend", "switch", "output-format=python") == Result(
        0, "[{'appliance': 'backend', 'public': 'yes'}, {'appliance': 'switch', 'public': 'no'}]\n",
        "")


def test_null(stack, two_hosts):
    assert stack("list", "host", "output-format=null") == Result(0, "", "")


@pytest.mark.parametrize("fmt", ["text", "json", "shell", "python", "col:group"])
def test_no_rows_prints_nothing(stack, fmt):
    assert stack("list", "group", "nope", f"output-format={fmt}") == Result(0, "", "")


def test_empty_cells_print_dashes_and_nameless_last_column_pads(stack):
    stack("add", "environment", "test")
    assert stack("list", "environment") == Result(0, "ENVIRONMENT \ntest        \n", "")
    assert stack("list", "environment", "output-format=json").out == (
        '[\n        {\n                "environment": "test"\n        }\n]\n')


def test_booleans_print_as_words_in_text(stack):
    assert stack("list", "host", "boot") == Result(
        0, "HOST         ACTION NUKEDISKS NUKECONTROLLER\nfrontend-0-0 os     False     False\n", "")


def test_verbatim_commands_ignore_output_format(stack):
    assert stack("help", "list host boot", "output-format=json") == Result(
        0, "list host boot [host ...] \n", "")


@pytest.mark.parametrize("header, rows, expected", [
    # Distinct names: one object per row; the owner column is always text.
    (["host", "n"], [(1, 2), (None, "x")], [{"host": "1", "n": 2}, {"host": None, "n": "x"}]),
    (["a", "b", "c"], [("x",)], [{"a": "x", "b": None, "c": None}]),
    (["a"], [("x", "extra")], [{"a": "x"}]),
    # Repeated names gather their values; nameless columns are left out.
    (["a", "b", "b"], [("x", 1, 2)], [{"a": "x", "b": [1, 2]}]),
    (["a", None, "c"], [(3, 1, 2)], [{"a": "3", "c": 2}]),
    (["", "c"], [(3, 1)], [{"c": 1}]),
    ([], [("x",)], [{}]),
    # No header: col-N up to the widest row.
    (None, [("o", "l"), ("o",)], [{"col-0": "o", "col-1": "l"}, {"col-0": "o", "col-1": None}]),
])
def test_json_objects_of_a_table(header, rows, expected):
    assert objects(Table(header, rows)) == expected
