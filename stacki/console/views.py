"""The console's pages. Each one runs commands through stacki.console.run
(POST /stack's own dispatch) and renders their rows; none changes state."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from stacki.console import hosts as host_table
from stacki.console import svg
from stacki.console.pages import render
from stacki.console.run import Columns, command, quoted

AUDIT_FILTERS = ("user", "command", "outcome", "since", "until")
# Attributes offered for colouring the rack view besides the host columns.
RACK_COLOURS = ("appliance", "box", "environment", "os")


def logged_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages need a session; without one the login form at / is shown."""

    @require_GET
    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user is None:
            return HttpResponseRedirect("/?" + urlencode({"next": request.get_full_path()}))
        return view(request, *args, **kwargs)

    return page


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if request.user is None:
        next_page = request.GET.get("next", "")
        # Only a path of this site: never a redirect elsewhere after login.
        # ("/\\host" is "//host" to browsers.)
        if not next_page.startswith("/") or next_page[1:2] in ("/", "\\"):
            next_page = "/"
        return render(request, "login.html", next=next_page)
    listing = command(request, "list", "host")
    networks = command(request, "list", "network")
    counts: dict[str, int] = {}
    for row in listing.rows:
        counts[row["appliance"]] = counts.get(row["appliance"], 0) + 1
    return render(request, "home.html", hosts=listing, networks=networks,
                  appliances=sorted(counts.items()))


@logged_in
def hosts(request: HttpRequest) -> HttpResponse:
    page = host_table.page(request)
    # The choices of each filter: the first column of its list command.
    choices = {name: [next(iter(row.values())) for row in command(request, "list", name).rows]
               for name in ("appliance", "box", "environment", "group")}
    query = {k: v for k, v in page.filters.items() if v}
    return render(request, "hosts.html", page=page, appliances=choices["appliance"],
                  boxes=choices["box"], environments=choices["environment"],
                  groups=choices["group"],
                  previous=urlencode({**query, "page": page.number - 1}),
                  following=urlencode({**query, "page": page.number + 1}))


@logged_in
def host(request: HttpRequest, name: str) -> HttpResponse:
    listing = command(request, "list", "host", name)
    if not listing.ok or len(listing.rows) != 1 or listing.rows[0]["host"] != name:
        message = listing.error or f'host "{name}" not found'
        return render(request, "error.html", status=404, message=message)
    sections = {
        "attributes": command(request, "list", "host", "attr", name),
        "interfaces": command(request, "list", "host", "interface", name),
        "routes": command(request, "list", "host", "route", name),
        "firewall": command(request, "list", "host", "firewall", name),
        "controllers": command(request, "list", "host", "storage", "controller", name),
        "partitions": command(request, "list", "host", "storage", "partition", name),
        "groups": command(request, "list", "host", "group", name),
        "boot": command(request, "list", "host", "boot", name),
    }
    groups = sections["groups"].rows[0]["groups"] if sections["groups"].rows else ""
    actions = command(request, "list", "bootaction")
    tables: dict[str, Any] = {key: Columns(sections[key], drop=("host",))
              for key in ("attributes", "interfaces", "routes", "firewall", "controllers",
                          "partitions")}
    return render(request, "host.html", host=listing.rows[0], quoted=quoted([name]),
                  groups=groups.split(), boot=(sections["boot"].rows or [{}])[0],
                  actions=sorted({r["bootaction"] for r in actions.rows}), **tables)


@logged_in
def racks(request: HttpRequest) -> HttpResponse:
    colour = request.GET.get("colour", "").strip() or "appliance"
    listing = command(request, "list", "host")
    error = listing.error
    if colour in RACK_COLOURS:
        colour_of = {h["host"]: h.get(colour) or svg.UNSET for h in listing.rows}
    elif any(c in colour for c in "*?["):
        # list host attr takes a glob: one name is meant here, not every attribute.
        error, colour_of = error or f'"{colour}" is a pattern: colour by one attribute', {}
    else:
        # Any attribute: its resolved value on every host, in one command.
        attrs = command(request, "list", "host", "attr", f"attr={colour}")
        error = error or attrs.error
        colour_of = {r["host"]: str(r["value"]) for r in attrs.rows if r["attr"] == colour}
    picture, legend = svg.rack_elevation(listing.rows, colour_of)
    return render(request, "racks.html", picture=picture, legend=list(legend.items()),
                  colour=colour, choices=RACK_COLOURS, error=error, count=len(listing.rows))


@logged_in
def networks(request: HttpRequest) -> HttpResponse:
    nets = command(request, "list", "network")
    nics = command(request, "list", "host", "interface")
    gateways = {n["network"]: n.get("gateway") for n in nets.rows}
    uses = [(use, svg.network_picture(use, gateways.get(use.name)))
            for use in svg.network_use(nets.rows, nics.rows)]
    return render(request, "networks.html", networks=nets, uses=uses,
                  details={n["network"]: n for n in nets.rows}, error=nets.error or nics.error)


@logged_in
def runner(request: HttpRequest) -> HttpResponse:
    return render(request, "run.html", initial=request.GET.get("cmd", ""))


@logged_in
def spreadsheets(request: HttpRequest) -> HttpResponse:
    return render(request, "spreadsheets.html")


@logged_in
def audit(request: HttpRequest) -> HttpResponse:
    filters = {name: request.GET.get(name, "").strip() for name in AUDIT_FILTERS}
    words = ["list", "api", "audit"] + [f"{k}={v}" for k, v in filters.items() if v]
    records = command(request, *words)
    # The newest first, and not more than a page of them.
    rows = list(reversed(records.rows))[:500]
    return render(request, "audit.html", records=records, rows=rows, total=len(records.rows),
                  filters=filters, outcomes=("ok", "denied", "error", "failed", "throttled"))
