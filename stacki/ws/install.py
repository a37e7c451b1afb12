"""GET /install/pallets/... and /install/carts/...: the pallet and cart trees
under STACKI_SYSROOT, read-only, for installers (the baseurls of the hosts'
repository files), with directory listings.

Nothing outside the two trees is ever answered: a path is resolved (symbolic
links included) and must still lie inside its tree, else 404.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from urllib.parse import quote

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
)
from django.utils.http import http_date

from stacki.home import system_path
from stacki.inventory.software import CARTS, PALLETS

TREES = {"pallets": PALLETS, "carts": CARTS}


def inside(root: Path, path: str) -> Path | None:
    """`path` (URL-decoded, relative) resolved under `root`, or None when it
    does not exist or leads out of it."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." or "\0" in p for p in parts):
        return None
    try:
        real_root = root.resolve(strict=True)
        target = real_root.joinpath(*parts).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target != real_root and real_root not in target.parents:
        return None
    return target


def serve(request: HttpRequest, tree: str, path: str = "") -> HttpResponseBase:
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    target = inside(system_path(TREES[tree]), path or "")
    if target is None:
        return HttpResponseNotFound("Not Found\n", content_type="text/plain")
    if target.is_dir():
        if not request.path.endswith("/"):
            return HttpResponsePermanentRedirect(quote(request.path) + "/")
        return listing(request.path, target)
    if not target.is_file():
        return HttpResponseNotFound("Not Found\n", content_type="text/plain")
    try:
        handle = open(target, "rb")
    except OSError:
        return HttpResponseNotFound("Not Found\n", content_type="text/plain")
    response = FileResponse(handle)
    response["Last-Modified"] = http_date(os.fstat(handle.fileno()).st_mtime)
    return response


def listing(url_path: str, directory: Path) -> HttpResponse:
    """An index page whose links are relative: sub-directories end in /."""
    title = html.escape(f"Index of {url_path}")
    entries = []
    for entry in sorted(os.scandir(directory), key=lambda e: e.name):
        name = entry.name + ("/" if entry.is_dir() else "")
        entries.append(f'<li><a href="{html.escape(quote(name))}">{html.escape(name)}</a></li>')
    body = (f"<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><h1>{title}</h1>\n"
            '<ul>\n<li><a href="../">../</a></li>\n' + "\n".join(entries) + "\n</ul></body></html>\n")
    return HttpResponse(body, content_type="text/html; charset=utf-8")
