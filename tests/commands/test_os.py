from stacki.framework.command import registry
from stacki.framework.helptext import help_line
from stacki.inventory import models as m
from tests.conftest import Result


def test_list_os_sorted(stack):
    assert stack("list", "os") == Result(0, "OS\nredhat\nsles\nubuntu\nvmware\nxenserver\n", "")
    assert stack("list", "os", "xen%", "centos", "output-format=col:os") == Result(
        0, "redhat\nxenserver\n", "")


def test_list_os_unknown(stack):
    assert stack("list", "os", "test") == Result(
        255, "", 'error - "test" argument is not a valid OS\n[os ...]\n')


def test_add_os_does_not_exist(stack):
    """`add os` is no command: the words name a partial path, whose listing is printed."""
    reg = registry()
    assert reg.get(("add", "os")) is None
    node = ("add", "os") if ("add", "os") in reg.nodes else ("add",)
    listing = "".join(help_line(c) + "\n" for c in reg.below(node))
    assert listing
    assert stack("add", "os", "test") == Result(255, listing, (
        'error - "add os test" is not a command; did you mean "add os attr"?; '
        'the commands under "add os":\n'))


def test_remove_os_errors(stack):
    assert stack("remove", "os") == Result(255, "", 'error - "os" argument is required\n{os ...}\n')
    assert stack("remove", "os", "test") == Result(
        255, "", 'error - "test" argument is not a valid OS\n{os ...}\n')
    assert stack("remove", "os", "redhat") == Result(
        255, "", 'error - cannot remove os "redhat" because box "frontend" uses it\n')
    stack("add", "box", "test", "os=ubuntu")
    assert stack("remove", "os", "ubuntu", "vmware") == Result(
        255, "", 'error - cannot remove os "ubuntu" because box "test" uses it\n')


def test_remove_os_with_its_data(stack):
    ubuntu = m.OS.objects.get(name="ubuntu")
    m.Attribute.objects.create(scope="os", os=ubuntu, name="test", value="True")
    assert stack("add", "bootaction", "test", "type=os", "os=ubuntu", "kernel=").rc == 0
    assert stack("remove", "os", "ubuntu", "vmware") == Result(0, "", "")
    assert stack("list", "os") == Result(0, "OS\nredhat\nsles\nxenserver\n", "")
    assert not m.Attribute.objects.filter(scope="os").exists()
    assert stack("list", "bootaction", "test") == Result(0, "", "")
