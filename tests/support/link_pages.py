"""Driving the public link pages (a family's feedback, a partner auditor's part) over HTTP as
their page script does: read the card and anti-forgery token off the page, post the answers."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient


def page_data(page: str) -> dict[str, Any]:
    """What the form page hands its script: the card, the anti-forgery token, where to post."""
    match = re.search(r'<script type="application/json" id="qop-data">(.*?)</script>', page, re.S)
    assert match, "the form page carries its card"
    return json.loads(match.group(1))


def same_origin(client: TestClient) -> dict[str, str]:
    """The Origin header a browser sends with a post from the page itself."""
    return {"Origin": str(client.make_url("")).rstrip("/")}


async def post_answers(
    client: TestClient, path: str, csrf: str, answers: dict[str, Any], **headers: str
) -> ClientResponse:
    return await client.post(path, json={"csrf": csrf, "answers": answers}, headers={**same_origin(client), **headers})
