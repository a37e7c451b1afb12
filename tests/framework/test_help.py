"""Help, usage lines and partial command listings (cli.md §1.1, §3)."""

from stacki.framework.command import registry
from stacki.framework.helptext import help_line
from tests.conftest import Result


def listing(*node):
    return "".join(help_line(c) + "\n" for c in registry().below(node))


def test_no_words_is_help(stack):
    r = stack()
    assert r == Result(0, listing(), "")
    assert "list host [host ...] [hash=boolean] \n" in r.out


def test_partial_command_lists_the_runnable_commands_below(stack):
    r = stack("list")
    assert r == Result(255, listing("list"), "")
    assert "list host [host ...] [hash=boolean] \n" in r.out
    assert "list group \n" in r.out
    assert all(line.startswith("list ") for line in r.out.splitlines())


def test_unknown_second_word_lists_the_first(stack):
    assert stack("list", "hostx") == Result(255, listing("list"), "")


def test_invalid_command(stack):
    assert stack("hostx", "list") == Result(255, "", 'Error - Invalid stack command "hostx"\n')


def test_help_set_host_lines_end_in_one_space(stack):
    r = stack("help", "set", "host")
    assert r.rc == 0 and r.err == ""
    lines = r.out.splitlines(keepends=True)
    for expected in (
        "set host appliance {host ...} {appliance=string} \n",
        ("set host boot {host ...} {action=string} [nukecontroller=boolean] [nukedisks=boolean] "
         "[sync=boolean] \n"),
        "set host bootaction {host ...} {action=string} {type=string} [sync=boolean] \n",
        "set host name {host} {name=string} \n",
    ):
        assert expected in lines
    assert all("set host" in line and line.endswith(" \n") and not line.endswith("  \n")
               for line in lines)


def test_empty_usage_has_a_single_trailing_space(stack):
    assert stack("help", "list bootaction") == Result(0, "list bootaction \n", "")


def test_help_without_match_is_silent(stack):
    assert stack("help", "no such thing") == Result(0, "", "")


def test_list_help_wraps_at_cols(stack):
    assert stack("list", "help", "subdir=set/host/boot", "cols=40") == Result(0, (
        "set host boot {host ...} \n"
        "\t{action=string} \n"
        "\t[nukecontroller=boolean] \n"
        "\t[nukedisks=boolean] \n"
        "\t[sync=boolean] \n"), "")


def test_list_help_is_help_wrapped(stack):
    full = stack("help").out
    assert stack("list", "help", "cols=0").out == full
    wrapped = stack("list", "help", "cols=40").out
    assert wrapped.replace("\n\t", "") == full
    for line in wrapped.splitlines():
        # A continuation line fits in 40 columns (trailing space included)
        # unless its one token is longer than that.
        if line.startswith("\t"):
            assert len(line.expandtabs(8)) <= 40 or len(line.split()) == 1, line


def test_list_help_default_width_and_usage(stack):
    assert stack("help", "list help") == Result(0, "list help [subdir=string] \n", "")
    r = stack("list", "help", "subdir=list/host")
    assert r.rc == 0
    assert r.out.startswith("list host [host ...] [hash=boolean] \nlist host ")
    assert all(line.startswith(("list host", "\t")) for line in r.out.splitlines())


def test_command_help_text(stack):
    r = stack("remove", "host", "help")
    assert r.rc == 255 and r.err == ""
    assert r.out.startswith(
        "stack remove host {host ...}\n\nDescription\nRemove hosts from the cluster, then run sync config.\n")
    assert "\n\t# stack remove host backend-0-0\n" in r.out
    assert stack("list", "host", "boot", "help").out.count("\t$ stack list host boot") == 1


def test_command_help_formats(stack):
    md = stack("list", "os", "help", "format=md")
    assert md.rc == 255
    assert md.out.startswith("## list os\n\n### Usage\n\n`stack list os [os ...]`\n")
    assert stack("list", "os", "help", "format=docbook") == Result(
        255, "", 'error - "docbook" no longer supported - use "markdown"\n')
