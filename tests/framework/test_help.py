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
    assert r == Result(255, listing("list"),
                       'error - "list" is not a complete command; the commands under it:\n')
    assert "list host [host ...] [hash=boolean] \n" in r.out
    assert "list group \n" in r.out
    assert all(line.startswith("list ") for line in r.out.splitlines())


def test_unknown_second_word_lists_the_first(stack):
    assert stack("list", "hots") == Result(255, listing("list"), (
        'error - "list hots" is not a command; did you mean "list host"?; '
        'the commands under "list":\n'))
    assert stack("list", "zzzz") == Result(255, listing("list"), (
        'error - "list zzzz" is not a command; the commands under "list":\n'))


def test_invalid_command(stack):
    assert stack("hostx", "list") == Result(255, "", 'error - Invalid stack command "hostx"\n')


def test_invalid_command_names_the_closest(stack):
    assert stack("lst", "host") == Result(
        255, "", 'error - Invalid stack command "lst"; did you mean "list host"?\n')
    assert stack("lst") == Result(
        255, "", 'error - Invalid stack command "lst"; did you mean "list"?\n')


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


def test_help_without_match_says_so(stack):
    assert stack("help", "nonsense") == Result(255, "", 'error - no command matches "nonsense"\n')


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
    assert r.rc == 0 and r.err == ""
    assert r.out.startswith(
        "stack remove host {host ...}\n\nDescription\nRemove hosts from the cluster, then run sync config.\n")
    assert "\n\t# stack remove host backend-0-0\n" in r.out
    assert stack("list", "host", "boot", "help").out.count("\t$ stack list host boot") == 1


def test_command_help_formats(stack):
    md = stack("list", "os", "help", "format=md")
    assert md.rc == 0
    assert md.out.startswith("## list os\n\n### Usage\n\n`stack list os [os ...]`\n")
    assert stack("list", "os", "help", "format=docbook") == Result(
        255, "", 'error - "docbook" no longer supported - use "markdown"\n')


def test_dash_dash_help_after_any_command_words(stack):
    expected = stack("list", "host", "help")
    assert expected.rc == 0 and expected.out.startswith("stack list host [host ...]")
    for words in (["list", "host", "--help"], ["list", "host", "-h"],
                  ["list", "host", "backend-0-0", "--help"], ["list", "host", "--help", "a=b"]):
        assert stack(*words) == expected, words


def test_dash_dash_help_on_a_partial_command_lists_it(stack):
    assert stack("list", "--help") == Result(0, listing("list"), "")


def test_stack_dash_h_is_help(stack):
    assert stack("-h") == stack("--help") == stack("help") == Result(0, listing(), "")


def test_stack_version(stack):
    from stacki import VERSION

    assert stack("version") == stack("--version") == Result(0, f"{VERSION}\n", "")


def test_bad_option_exits_255(stack):
    assert stack("--bogus", "list", "host") == Result(255, "", (
        "error - option --bogus not recognized\n"
        "usage: stack [--debug] [-h|--help] [--version] [--completion bash|zsh] "
        "COMMAND [ARGS] [key=value ...]\n"))


def test_wsclient_and_stacki_ws_versions(capsys):
    import pytest as _pytest

    from stacki import VERSION, client
    from stacki.ws import server

    for main, prog in ((client.main, "wsclient"), (server.main, "stacki-ws")):
        with _pytest.raises(SystemExit) as exit_:
            main(["--version"])
        assert exit_.value.code == 0
        assert capsys.readouterr().out == f"{prog} {VERSION}\n"
