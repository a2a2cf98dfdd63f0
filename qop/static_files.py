"""Serving qop's own static files (scripts, styles, vendored libraries): never from a CDN."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aiohttp import web


def static_file(assets: Mapping[str, Path], name: str) -> web.StreamResponse:
    """The file ``assets`` lists under ``name``, cacheable for an hour; 404 for anything else
    (only listed names are served, so no path in the URL can reach another file)."""
    path = assets.get(name)
    if path is None or not path.exists():
        raise web.HTTPNotFound(text="Not found")
    response = web.FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
