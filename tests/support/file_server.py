"""A loopback web server playing the place Teams keeps an attached file (its ``downloadUrl``).

It serves real files by name, counts every request (so a test can prove a refused link was never
fetched), can answer a redirect and a body too big to accept, and listens on 127.0.0.1 only.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

BIG_CHUNK = b"Team,Reporting period,Measure code,Result\n" * 1024


@dataclass
class FileServer:
    files: dict[str, bytes]
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    released: asyncio.Event = field(default_factory=asyncio.Event)
    """Set when the server closes: what ``/stalled.csv`` waits for."""

    def url(self, name: str) -> str:
        return f"{self.base_url}/files/{name}"

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        self.requests.append(name)
        if name in self.files:
            return web.Response(body=self.files[name], content_type="application/octet-stream")
        return web.Response(status=404)

    async def _redirect(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request.path)
        raise web.HTTPFound(request.query["to"])

    async def _stalled(self, request: web.Request) -> web.StreamResponse:
        """Headers, then nothing until the server closes: only the client's timeout ends it."""
        self.requests.append(request.path)
        response = web.StreamResponse()
        await response.prepare(request)
        await self.released.wait()
        return response

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        """Megabytes with no Content-Length: only counting while reading can stop it."""
        self.requests.append(request.path)
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        megabytes = int(request.query.get("mb", "6"))
        for _ in range(megabytes * 1024 * 1024 // len(BIG_CHUNK) + 1):
            await response.write(BIG_CHUNK)
        await response.write_eof()
        return response


@asynccontextmanager
async def serving_files(files: dict[str, Path | bytes]) -> AsyncIterator[FileServer]:
    """Serve ``files`` (name -> a file or its bytes) at ``/files/<name>``; ``/redirect?to=URL`` and
    ``/endless.csv?mb=N`` and ``/stalled.csv`` as well."""
    server = FileServer({name: f.read_bytes() if isinstance(f, Path) else f for name, f in files.items()})
    app = web.Application()
    app.router.add_get("/files/{name}", server._serve)
    app.router.add_get("/redirect", server._redirect)
    app.router.add_get("/endless.csv", server._endless)
    app.router.add_get("/stalled.csv", server._stalled)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    server.base_url = str(test_server.make_url("")).rstrip("/")
    try:
        yield server
    finally:
        server.released.set()
        await test_server.close()
