"""The first session of a new user (issue 13): what they type, what they see."""

from stacki.inventory import models as m
from tests.conftest import Result


def test_misspelt_parameters_warn_and_the_command_still_runs(stack):
    r = stack("add", "host", "backend-0-5", "rakc=3", "output-fromat=json")
    assert r == Result(0, "", (
        'warning - "rakc" is not a parameter of "add host"; did you mean "rack"?\n'
        'warning - "output-fromat" is not a parameter of "add host"; '
        'did you mean "output-format"?\n'))
    assert m.Host.objects.get(name="backend-0-5").rack == "0"  # as Stacki: from the name


def test_a_parameter_with_no_near_name_is_named_alone(stack):
    r = stack("list", "appliance", "zzz=1")
    assert r.rc == 0
    assert r.err == 'warning - "zzz" is not a parameter of "list appliance"\n'


def test_the_session_of_the_issue(stack):
    assert stack("list", "host", "--help").out.startswith("stack list host [host ...]")
    assert stack("-h").rc == 0
    assert stack("version").rc == 0
    assert stack("lst", "host").err == (
        'error - Invalid stack command "lst"; did you mean "list host"?\n')
    hots = stack("list", "hots")
    assert hots.rc == 255 and hots.err.startswith('error - "list hots" is not a command')
    assert stack("help", "nonsense") == Result(
        255, "", 'error - no command matches "nonsense"\n')
    for fmt in ("csv", "yaml"):
        assert stack("list", "host", f"output-format={fmt}").rc == 255
    assert stack("list", "host", "output-format=col:nonexistent").rc == 255
    shell = stack("list", "host", "frontend-0-0", "output-format=shell").out
    assert 'stack_environment=""\n' in shell and "None" not in shell
    assert stack("--bogus").rc == 255
