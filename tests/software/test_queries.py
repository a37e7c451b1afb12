"""Listing pallets, carts, repos and boxes, and the hosts' repo files, costs
the same number of queries whatever their number."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from stacki.framework.runner import run_command
from stacki.inventory import models as m


def grow(count: int, start: int) -> None:
    box = m.Box.objects.get(name="default")
    redhat = m.OS.objects.get(name="redhat")
    backend = m.Appliance.objects.get(name="backend")
    for i in range(start, start + count):
        pallet = m.Pallet.objects.create(name=f"p{i}", version="1", release="redhat7",
                                         arch="x86_64", os="redhat")
        m.PalletTag.objects.create(pallet=pallet, tag="t", value=str(i))
        cart = m.Cart.objects.create(name=f"c{i}")
        repo = m.Repo.objects.create(name=f"r{i}", alias=f"r{i}", url=f"http://x/{i}", os=redhat)
        box.pallets.add(pallet)
        box.carts.add(cart)
        box.repos.add(repo)
        m.Host.objects.create(name=f"backend-9-{i}", appliance=backend, box=box, rack="9",
                              rank=str(i), osaction="default", installaction="default")


def queries(words: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        run_command(words.split()).render()
    return len(captured)


COMMANDS = ("list pallet", "list pallet expanded=true", "list pallet tag", "list cart",
            "list repo expanded=true", "list box", "list box pallet", "list box repo",
            "report host repo a:backend", "dump pallet", "dump box", "dump repo",
            "list host attr a:backend attr=pallets")


def test_software_listings_do_not_grow():
    grow(3, 0)
    small = {c: queries(c) for c in COMMANDS}
    grow(60, 3)
    assert {c: queries(c) for c in COMMANDS} == small
