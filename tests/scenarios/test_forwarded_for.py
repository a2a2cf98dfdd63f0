"""Behind the trusted proxy, the feedback pages' rate limit counts the address that proxy saw."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from qop.feedback_web import client_address
from qop.settings import Settings


def _settings(*, trust: bool) -> Settings:
    return Settings(_env_file=None, trust_forwarded_for=trust)


def test_a_client_cannot_choose_its_address_by_sending_x_forwarded_for() -> None:
    # The client sent "203.0.113.9"; the proxy appended the address it really came from.
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
    assert client_address(request, _settings(trust=True)) == "198.51.100.7"


def test_without_a_trusted_proxy_the_header_is_ignored() -> None:
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-For": "198.51.100.7"})
    assert client_address(request, _settings(trust=False)) != "198.51.100.7"


def test_an_empty_header_falls_back_to_the_peer() -> None:
    request = make_mocked_request("GET", "/", headers={"X-Forwarded-For": " "})
    assert client_address(request, _settings(trust=True)) == (request.remote or "unknown")
