"""Downloading a file a person attached in Teams: the ``FileFetcher`` the measures uploads ask for.

Teams gives the bot a pre-authenticated, short-lived ``downloadUrl`` (``file.download.info``); a
plain GET fetches it, with no token of ours. Every request (redirects included, followed here one
at a time) is first put to the caller's ``url_allowed``, and the body is read in chunks so a file
past ``max_bytes`` is dropped without being held whole.
"""

from __future__ import annotations

from collections.abc import Callable

import aiohttp
from yarl import URL

from services.measures.uploads import DownloadFailed, DownloadTooBig

MAX_REDIRECTS = 3
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024


class HttpFileFetcher:
    """A plain GET of a Teams download URL, checked, capped and timed out (``FileFetcher``)."""

    async def fetch(
        self, url: str, *, max_bytes: int, timeout_seconds: float, url_allowed: Callable[[str], bool]
    ) -> bytes:
        timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        try:
            # trust_env stays off: no proxy or .netrc from the environment sees the link.
            async with aiohttp.ClientSession(timeout=timeout) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    if not url_allowed(url):
                        raise DownloadFailed("a redirect to a host that is not allowed")
                    async with session.get(URL(url, encoded=True), allow_redirects=False) as response:
                        if response.status in REDIRECTS and "Location" in response.headers:
                            url = str(response.url.join(URL(response.headers["Location"])))
                            continue
                        if response.status != 200:
                            raise DownloadFailed(f"status {response.status}")
                        return await _body(response, max_bytes)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise DownloadFailed(type(error).__name__) from error
        raise DownloadFailed("too many redirects")


async def _body(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    if response.content_length is not None and response.content_length > max_bytes:
        raise DownloadTooBig
    body = bytearray()
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        body += chunk
        if len(body) > max_bytes:
            raise DownloadTooBig
    return bytes(body)
