"""Production mode: only activities carrying a valid Bot Framework token are processed.

The Bot Framework's key server and Entra ID are played by local stand-ins on 127.0.0.1
(tests/support/fake_botframework.py); everything of qop's runs as in production."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.auth import BotFrameworkTokenValidator, Unauthorized
from qop.app import create_app
from qop.settings import Settings
from services.clock import FrozenClock
from storage.models import Conversation, Person
from tests.scenarios.conftest import BotHarness, serving
from tests.support import activities as a
from tests.support.fake_botframework import (
    OUTBOUND_TOKEN,
    FakeBotFrameworkKeys,
    SigningKeyPair,
    fake_entra_connections,
    unreachable_entra_connections,
)
from tests.support.fake_connector import FakeConnector

APP_ID = "6f1c2a7e-0000-4000-8000-00000000a11d"


@pytest.fixture
async def keys() -> AsyncIterator[FakeBotFrameworkKeys]:
    server = FakeBotFrameworkKeys(
        published=[
            SigningKeyPair.generate(endorsements=["msteams", "webchat"]),
            SigningKeyPair.generate(endorsements=["skype"]),
        ]
    )
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def production_settings(settings: Settings, keys: FakeBotFrameworkKeys) -> Settings:
    return settings.model_copy(
        update={
            "microsoft_app_id": APP_ID,
            "microsoft_app_password": "not-used-the-entra-stand-in-answers",
            "microsoft_app_tenant_id": a.TENANT_ID,
            "openid_metadata_url": keys.metadata_url,
            "allowed_service_url_hosts": ["127.0.0.1"],
            "allow_private_service_urls": True,
            "feedback_secret": "a-long-random-secret-for-feedback-forms",
        }
    )


@pytest.fixture
async def production(
    settings: Settings, keys: FakeBotFrameworkKeys, connector: FakeConnector, clock: FrozenClock, engine
) -> AsyncIterator[BotHarness]:  # type: ignore[no-untyped-def]
    app = create_app(production_settings(settings, keys), clock=clock, connections=fake_entra_connections())
    async with serving(app, connector) as harness:
        yield harness


async def _post(harness: BotHarness, activity: dict, authorization: str | None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": authorization} if authorization is not None else {}
    return await harness.client.post("/api/messages", json=activity, headers=headers)


async def _stored(sessions) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        conversations = await session.scalar(select(func.count()).select_from(Conversation))
    return people, conversations


async def test_a_correctly_signed_install_is_processed_and_the_reply_carries_an_entra_token(
    production: BotHarness, keys: FakeBotFrameworkKeys, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    activity = a.installation(production.service_url)
    token = keys.sign(audience=APP_ID, service_url=production.service_url, now=clock.now())

    response = await _post(production, activity, f"Bearer {token}")

    assert response.status in (200, 202), await response.text()
    [welcome] = production.connector.in_conversation("a:personal-1")
    assert "Welcome to qop" in str(welcome.cards[0])
    assert welcome.authorization == f"Bearer {OUTBOUND_TOKEN}"
    assert await _stored(sessions) == (1, 1)


async def test_every_kind_of_bad_token_gets_401_and_nothing_is_stored(
    production: BotHarness, keys: FakeBotFrameworkKeys, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    url = production.service_url
    now = clock.now()
    stranger = SigningKeyPair.generate(endorsements=["msteams"], kid=keys.published[0].kid)

    def signed(**overrides) -> str:  # type: ignore[no-untyped-def]
        return "Bearer " + keys.sign(**{"audience": APP_ID, "service_url": url, "now": now, **overrides})

    cases = {
        "no token": None,
        "empty header": "",
        "garbage token": "Bearer not-a-jwt",
        "wrong scheme": "Basic dXNlcjpwYXNz",
        "scheme only": "Bearer",
        "two tokens": "Bearer abc def",
        "header and payload only": "Bearer eyJhbGciOiJSUzI1NiJ9.e30",
        "unsigned (alg none)": "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhdWQiOiJ4In0.",
        "wrong audience": signed(audience="some-other-bot"),
        "wrong issuer": signed(issuer="https://sts.example.org"),
        "expired beyond the 5 minute skew": signed(now=now - timedelta(hours=2), lifetime=timedelta(minutes=50)),
        "not valid for another hour": signed(now=now + timedelta(hours=1)),
        "wrong key, same key id": signed(key=stranger),
        "key nobody published": signed(key=SigningKeyPair.generate(endorsements=["msteams"])),
        "key not endorsed for msteams": signed(key=keys.published[1]),
        "serviceurl claim of another connector": signed(service_url="https://smba.trafficmanager.net/emea/"),
    }
    for case, authorization in cases.items():
        response = await _post(production, a.installation(url), authorization)
        assert response.status == 401, case
        assert "Bot Framework token" in (await response.json())["error"], case

    assert await _stored(sessions) == (0, 0)
    assert production.connector.messages == []


async def test_a_service_url_outside_the_allowed_hosts_is_refused_even_with_a_valid_token(
    production: BotHarness, keys: FakeBotFrameworkKeys, clock: FrozenClock, sessions
) -> None:  # type: ignore[no-untyped-def]
    elsewhere = "https://connector.example.org/teams/"
    token = keys.sign(audience=APP_ID, service_url=elsewhere, now=clock.now())

    response = await _post(production, a.installation(elsewhere), f"Bearer {token}")

    assert response.status == 401
    assert await _stored(sessions) == (0, 0)


async def test_clock_skew_of_up_to_five_minutes_is_tolerated(
    production: BotHarness, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    url = production.service_url
    expired_four_minutes_ago = keys.sign(
        audience=APP_ID, service_url=url, now=clock.now() - timedelta(hours=1, minutes=4)
    )

    response = await _post(production, a.message(url, "help"), f"Bearer {expired_four_minutes_ago}")

    assert response.status in (200, 202)
    assert "What I can do" in str(production.connector.messages[0].cards[0])


async def test_unreachable_signing_keys_mean_401_not_500(
    settings: Settings, connector: FakeConnector, clock: FrozenClock, sessions, engine
) -> None:  # type: ignore[no-untyped-def]
    gone = FakeBotFrameworkKeys()
    await gone.start()
    token = gone.sign(audience=APP_ID, service_url=connector.service_url, now=clock.now())
    nobody_answers = production_settings(settings, gone)
    await gone.close()
    app = create_app(nobody_answers, clock=clock, connections=fake_entra_connections())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.post(
            "/api/messages", json=a.installation(connector.service_url), headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status == 401
    assert await _stored(sessions) == (0, 0)


async def test_rolled_keys_are_fetched_again_but_at_most_once_a_minute(
    keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    validator = BotFrameworkTokenValidator(
        app_id=APP_ID, metadata_url=keys.metadata_url, issuers=["https://api.botframework.com"], clock=clock
    )
    url = "https://smba.trafficmanager.net/uk/"
    await validator.authenticate("Bearer " + keys.sign(audience=APP_ID, service_url=url, now=clock.now()))
    rolled = SigningKeyPair.generate(endorsements=["msteams"])
    keys.published = [rolled]
    token = "Bearer " + keys.sign(audience=APP_ID, service_url=url, now=clock.now(), key=rolled)

    with pytest.raises(Unauthorized, match="unknown key"):
        await validator.authenticate(token)  # fetched seconds ago: no new fetch yet
    assert keys.metadata_requests == 1

    clock.advance(timedelta(minutes=1))
    verified = await validator.authenticate(token)

    assert keys.metadata_requests == 2
    assert verified.check_activity(channel_id="msteams", service_url=url).get_claim_value("aud") == APP_ID


async def test_local_mode_needs_no_token(harness: BotHarness) -> None:
    response = await harness.post(a.message(harness.service_url, "help"))

    assert response.status in (200, 202)
    assert harness.connector.messages


async def test_entra_id_not_answering_is_a_503_with_a_reference_not_a_500(
    settings: Settings, keys: FakeBotFrameworkKeys, connector: FakeConnector, clock: FrozenClock, sessions, engine
) -> None:  # type: ignore[no-untyped-def]
    app = create_app(production_settings(settings, keys), clock=clock, connections=unreachable_entra_connections())
    token = keys.sign(audience=APP_ID, service_url=connector.service_url, now=clock.now())
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        response = await client.post(
            "/api/messages", json=a.installation(connector.service_url), headers={"Authorization": f"Bearer {token}"}
        )
        body = await response.json()

    assert response.status == 503
    assert body["error"].startswith("qop could not process this activity just now (reference ERR-")
    assert "login.microsoftonline.com" not in body["error"]
    assert await _stored(sessions) == (0, 0)
