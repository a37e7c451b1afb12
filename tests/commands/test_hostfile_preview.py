"""`load hostfile preview=true`: every row's problem, nothing written."""

from stacki.inventory import models as m
from tests.commands.sheets import sheet_fixture
from tests.conftest import Result

sheet = sheet_fixture("hosts.csv")
HEAD = "name,appliance,ip,mac,interface,rack,rank,network"


def test_every_row_with_its_problem(stack, sheet):
    before = m.Host.objects.count()
    r = stack("load", "hostfile", "preview=true", sheet(
        HEAD,
        "backend-1-0,backend,192.168.0.50,00:00:00:00:01:00,eth0,1,0,private",
        "backend-1-1,nosuch,192.168.0.51,00:00:00:00:01:01,eth0,1,1,private",
        "# a comment",
        "backend-1-2,backend,10.0.0.1,00:00:00:00:01:02,eth0,1,2,private",
        "backend-1-3,backend,192.168.0.53,00:00:00:00:01:03,eth0,1,3,nonet",
        "backend-1-4,backend,300.1.1.1,00:00:00:00:01:04,eth0,1,4,private"))
    assert r == Result(0, (
        "LINE NAME        INTERFACE IP           MAC               NETWORK ERROR\n"
        "2    backend-1-0 eth0      192.168.0.50 00:00:00:00:01:00 private -----\n"
        '3    backend-1-1 eth0      192.168.0.51 00:00:00:00:01:01 private appliance "nosuch" '
        "does not exist in the database\n"
        '5    backend-1-2 eth0      10.0.0.1     00:00:00:00:01:02 private IP "10.0.0.1" is not '
        'in the "private" IP space (192.168.0.0/24)\n'
        '6    backend-1-3 eth0      192.168.0.53 00:00:00:00:01:03 nonet   network "nonet" does '
        "not exist in the database\n"
        "7    backend-1-4 eth0      300.1.1.1    00:00:00:00:01:04 private invalid IP 300.1.1.1 "
        "in the input file\n"), "")
    assert m.Host.objects.count() == before


def test_what_spans_hosts_is_a_row_of_its_own(stack, sheet):
    r = stack("load", "hostfile", "preview=true", "output-format=json", sheet(
        HEAD,
        "backend-1-0,backend,192.168.0.50,00:00:00:00:01:00,eth0,1,0,private",
        "backend-1-1,backend,192.168.0.50,00:00:00:00:01:01,eth0,1,1,private"))
    assert r.rc == 0
    import json

    rows = json.loads(r.out)
    assert [(row["line"], row["error"]) for row in rows] == [
        ("2", None), ("3", None), ("", 'duplicate IP "192.168.0.50" in the input file')]
    assert not m.Host.objects.filter(name__startswith="backend-1-").exists()


def test_a_clean_file_previews_clean_then_loads(stack, sheet):
    path = sheet(HEAD, "backend-1-0,backend,192.168.0.50,00:00:00:00:01:00,eth0,1,0,private")
    assert stack("load", "hostfile", "preview=true", "output-format=col:error", path) == \
        Result(0, "None\n", "")
    assert stack("load", "hostfile", path) == Result(0, "", "")
    assert m.Host.objects.filter(name="backend-1-0").exists()


def test_file_errors_are_the_loads_own(stack, sheet):
    r = stack("load", "hostfile", "preview=true", sheet("name,appliance", "a,backend"))
    assert r == Result(255, "", 'error - the following required fields are not present in '
                       'the input file: "ip, mac, interface, rack, rank, network"\n')
