"""The console's own CSS and script, served by WhiteNoise.

Each file answers at its plain name (cached a minute) and at a name with a
hash of its content (`console.3f2a9c1e.js`, cached for ever): pages link
the hashed names, so a browser fetches a file once per version and an
upgrade is seen at once. No Django staticfiles app or collectstatic: the
files ship inside the package.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from whitenoise.base import WhiteNoise
from whitenoise.middleware import WhiteNoiseMiddleware

ROOT = Path(__file__).resolve().parent / "static"
PREFIX = "/console/static/"


def _hashed(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return f"{path.stem}.{digest}{path.suffix}"


# name -> hashed name, computed once per process.
HASHED = {p.name: _hashed(p) for p in sorted(ROOT.iterdir()) if p.is_file()}


def url(name: str) -> str:
    return PREFIX + HASHED[name]


class StaticFiles(WhiteNoise):
    """Django middleware answering the console's static files."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(application=None, max_age=60, allow_all_origins=False)
        self.get_response = get_response
        self.immutable = {PREFIX + hashed for hashed in HASHED.values()}
        self.add_files(str(ROOT), prefix=PREFIX)
        for name, hashed in HASHED.items():
            self.add_file_to_dictionary(PREFIX + hashed, str(ROOT / name))

    def immutable_file_test(self, path: str, url: str) -> bool:
        return url in self.immutable

    def __call__(self, request: HttpRequest) -> HttpResponse:
        static_file = self.files.get(request.path_info)
        if static_file is None:
            return self.get_response(request)
        return WhiteNoiseMiddleware.serve(static_file, request)
