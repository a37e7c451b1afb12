"""`stack batch`: many commands from standard input or a file, in one process."""

from __future__ import annotations

import io
import sys
import time

from stacki.batch import USAGE
from stacki.inventory import models as m
from tests.conftest import Result, run_cli


def batch(text: str, *words: str) -> Result:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        return run_cli("batch", *words)
    finally:
        sys.stdin = saved


def hosts() -> list[str]:
    return list(m.Host.objects.order_by("id").values_list("name", flat=True))


EXISTS = 'error - host "backend-0-0" already exists in the database\n'


def test_commands_one_per_line_with_comments_and_quotes():
    text = """
# hosts for rack 0
add host backend-0-0
stack add host backend-0-1

set host comment backend-0-1 comment="Fast Node"
list host backend-0-1 output-format=col:comment
   # an indented comment
list host a:backend output-format=col:host
"""
    assert batch(text) == Result(0, "Fast Node\nbackend-0-0\nbackend-0-1\n", "")


def test_the_first_error_stops_the_batch_and_names_its_line():
    text = "add host backend-0-0\nadd host backend-0-0\nadd host backend-0-1\n"
    assert batch(text) == Result(255, "", EXISTS + "error - stopped at line 2\n")
    assert hosts() == ["frontend-0-0", "backend-0-0"]


def test_continue_goes_on_and_reports_the_first_failing_line():
    text = ("add host backend-0-0\nlist hostz\nadd host backend-0-0\n"
            "add host backend-0-1\n")
    result = batch(text, "--continue")
    assert result.rc == 255
    # `list hostz` is a partial command: its listing, exit 255, on stdout.
    assert result.out.startswith("list access")
    assert result.err == ('error - "list hostz" is not a command; did you mean "list host"?; '
                          'the commands under "list":\n' + EXISTS
                          + "error - 2 commands failed, the first at line 2\n")
    assert hosts() == ["frontend-0-0", "backend-0-0", "backend-0-1"]


def test_one_transaction_changes_nothing_when_a_command_fails():
    text = "add host backend-0-0\nadd host backend-0-1\nadd host backend-0-0\n"
    assert batch(text, "--one-transaction") == Result(
        255, "", EXISTS + "error - stopped at line 3\nerror - nothing was changed\n")
    assert hosts() == ["frontend-0-0"]
    # With --continue, what succeeded is kept.
    assert batch(text, "--one-transaction", "--continue") == Result(
        255, "", EXISTS + "error - 1 command failed, the first at line 3\n")
    assert hosts() == ["frontend-0-0", "backend-0-0", "backend-0-1"]
    assert batch("add host backend-0-2\n", "--one-transaction") == Result(0, "", "")
    assert hosts()[-1] == "backend-0-2"


def test_file_parameter_and_bad_input(tmp_path):
    path = tmp_path / "commands.txt"
    path.write_text("add host backend-0-0\nlist host backend-0-0 output-format=col:host\n")
    assert run_cli("batch", f"file={path}") == Result(0, "backend-0-0\n", "")
    assert run_cli("batch", f"file={tmp_path / 'nope'}") == Result(
        255, "", f'error - cannot read "{tmp_path / "nope"}": No such file or directory\n')
    assert run_cli("batch", "file=") == Result(
        255, "", f'error - "file" parameter is required\n{USAGE}\n')
    assert run_cli("batch", "--keep-going") == Result(
        255, "", f'error - "--keep-going" is not an option of stack batch\n{USAGE}\n')
    assert batch('add host "backend-0-1\nadd host backend-0-2\n') == Result(
        255, "", "error - line 1: no closing quotation\nerror - stopped at line 1\n")
    help_text = run_cli("batch", "help")
    assert help_text.rc == 255 and help_text.out.startswith(USAGE + "\n\nDescription\n")


def test_a_thousand_attribute_changes_in_one_batch():
    m.Host.objects.bulk_create([m.Host(name=f"backend-0-{n}", appliance_id=m.Appliance.objects.get(
        name="backend").id, box_id=m.Box.objects.get(name="default").id, rack="0", rank=str(n))
        for n in range(100)])
    text = "".join(f"set host attr backend-0-{n % 100} attr=a{n // 100} value={n}\n"
                   for n in range(1000))
    started = time.perf_counter()
    assert batch(text) == Result(0, "", "")
    assert time.perf_counter() - started < 60
    assert m.Attribute.objects.filter(scope="host", name__regex=r"^a[0-9]$").count() == 1000
