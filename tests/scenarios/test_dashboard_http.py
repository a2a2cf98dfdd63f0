"""The dashboard's HTTP side in production mode: Teams tab SSO tokens signed by a local key server
decide who sees what; a forged, expired, wrong-audience or wrong-tenant token gets 401 and no data;
a drill-down outside one's scope gets 403 with the reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from qop.dashboard_sso import TabTokenValidator, Unauthorized
from qop.dashboard_web import add_dashboard_routes
from qop.settings import Settings
from services.clock import FrozenClock
from services.container import Services
from tests.support.dashboard import RIVERSIDE_FIGURE, Seeded, seed
from tests.support.entra import APP_ID, AUDIENCE, BASE_URL, TENANT_ID, tab_token
from tests.support.fake_botframework import FakeBotFrameworkKeys, SigningKeyPair

MEGAN = "00000000-0000-0000-0000-0000000000021"
"""Megan Bowen's Entra object id: manager of Riverside Locality Team."""
ISAIAH = "00000000-0000-0000-0000-0000000000023"
"""Isaiah Langer's: the QA lead."""
ALEX = "00000000-0000-0000-0000-0000000000020"
"""Alex Wilber's: a practitioner."""


@pytest.fixture
async def keys() -> AsyncIterator[FakeBotFrameworkKeys]:
    server = FakeBotFrameworkKeys(published=[SigningKeyPair.generate()])
    await server.start()
    try:
        yield server
    finally:
        await server.close()


def sso_settings(settings: Settings, keys: FakeBotFrameworkKeys) -> Settings:
    return settings.model_copy(
        update={
            "microsoft_app_id": APP_ID,
            "microsoft_app_tenant_id": TENANT_ID,
            "public_base_url": BASE_URL,
            "entra_openid_metadata_url": keys.metadata_url,
        }
    )


@pytest.fixture
async def org(services: Services) -> Seeded:
    return await seed(services)


@pytest.fixture
async def client(
    services: Services, settings: Settings, keys: FakeBotFrameworkKeys, org: Seeded
) -> AsyncIterator[TestClient]:
    app = web.Application()
    add_dashboard_routes(app, services, sso_settings(settings, keys))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_audience_is_the_apps_application_id_uri(settings: Settings, keys: FakeBotFrameworkKeys) -> None:
    assert sso_settings(settings, keys).dashboard_audience == AUDIENCE


async def test_a_team_manager_with_a_valid_token_sees_their_team(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    response = await client.get("/api/dashboard", headers=bearer(tab_token(keys, object_id=MEGAN, now=clock.now())))

    assert response.status == 200, await response.text()
    board = await response.json()
    assert board["scopeName"] == "Riverside Locality Team" and board["viewer"] == "Megan Bowen"
    assessments = [
        i for m in board["measures"]["measures"] for i in m["indicators"] if i["name"].startswith("Assessments")
    ]
    assert assessments[0]["value"] == RIVERSIDE_FIGURE and assessments[0]["figure"] == "86 %"
    assert assessments[0]["status"] == "off target" and "down 6 points" in assessments[0]["trend"]
    assert board["actions"] == {"open": 2, "overdue": 1, "done": 1, "cancelled": 0}
    assert "frame-ancestors 'self' https://teams.microsoft.com" in response.headers["Content-Security-Policy"]


async def test_no_data_is_shown_as_no_data_never_zero(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock, org: Seeded
) -> None:
    token = tab_token(keys, object_id=ISAIAH, now=clock.now())
    response = await client.get(f"/api/dashboard?team={org.teams['Front Door']}", headers=bearer(token))

    board = await response.json()
    [referrals] = [
        i for m in board["measures"]["measures"] for i in m["indicators"] if i["name"].startswith("Referral decisions")
    ]
    assert referrals["value"] is None and referrals["figure"] == "no data" and referrals["status"] == "no data"
    assert all(h["text"] == "no data" for h in referrals["history"])


async def test_out_of_scope_drill_down_is_refused_with_the_reason(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock, org: Seeded
) -> None:
    megan = bearer(tab_token(keys, object_id=MEGAN, now=clock.now()))
    alex = bearer(tab_token(keys, object_id=ALEX, now=clock.now()))

    other_team = await client.get(f"/api/dashboard?team={org.teams['Front Door']}", headers=megan)
    area = await client.get(f"/api/dashboard?area={org.areas['First Contact']}", headers=megan)
    own_team = await client.get(f"/api/dashboard?team={org.teams['Riverside Locality Team']}", headers=alex)
    nonsense = await client.get("/api/dashboard?team=abc", headers=megan)
    missing = await client.get("/api/dashboard?team=999999", headers=megan)

    assert other_team.status == 403 and "team manager" in (await other_team.json())["message"]
    assert area.status == 403 and own_team.status == 403
    assert set(await other_team.json()) == {"message"}, "a refusal carries no data"
    assert nonsense.status == 400 and missing.status == 404


async def test_the_qa_lead_sees_the_whole_service(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    response = await client.get("/api/dashboard", headers=bearer(tab_token(keys, object_id=ISAIAH, now=clock.now())))

    board = await response.json()
    assert board["level"] == "service" and len(board["children"]) == 6
    assert sum(row["total"] for row in board["audits"]["rows"]) == 5


async def test_every_bad_token_gets_401_and_no_data(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    now = clock.now()
    stranger = SigningKeyPair.generate(kid=keys.published[0].kid)

    def token(**overrides) -> str:  # type: ignore[no-untyped-def]
        return "Bearer " + tab_token(keys, **{"object_id": MEGAN, "now": now, **overrides})

    cases = {
        "no token": None,
        "garbage": "Bearer not-a-jwt",
        "wrong scheme": "Basic dXNlcjpwYXNz",
        "unsigned (alg none)": "Bearer eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJhdWQiOiJ4In0.",
        "forged (signed by a key nobody published, with a published key id)": token(key=stranger),
        "expired": token(now=now - timedelta(hours=3)),
        "wrong audience": token(audience=f"api://qop.northshire.example/{'0' * 8}-0000-4000-8000-000000000000"),
        "the bot's audience (app id only)": token(audience=APP_ID),
        "wrong issuer": token(issuer="https://login.microsoftonline.com/another-tenant/v2.0"),
        "wrong tenant": token(tenant_id="another-tenant"),
        "missing scope": token(scope="User.Read"),
    }
    for case, header in cases.items():
        headers = {"Authorization": header} if header is not None else {}
        response = await client.get("/api/dashboard", headers=headers)
        body = await response.json()
        assert response.status == 401, case
        assert set(body) == {"message"}, f"{case}: no data with a 401"


async def test_someone_qop_does_not_know_gets_no_data(
    client: TestClient, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    token = tab_token(keys, object_id="99999999-0000-0000-0000-000000000000", now=clock.now())

    response = await client.get("/api/dashboard", headers=bearer(token))

    assert response.status == 403 and set(await response.json()) == {"message"}


async def test_production_never_offers_the_demo_picker_or_accepts_as(client: TestClient, org: Seeded) -> None:
    page = await client.get("/dashboard")
    people = await client.get("/api/dashboard/people")
    as_qa_lead = await client.get(f"/api/dashboard?as={org.people['isaiahl@example.com']}")

    teams_js = await client.get("/dashboard/assets/MicrosoftTeams.min.js")
    assert page.status == 200 and "LOCAL DEMO MODE" not in await page.text()
    assert '"mode": "teams"' in await page.text()
    assert '<script src="/dashboard/assets/MicrosoftTeams.min.js">' in await page.text()
    assert (await teams_js.text()).startswith("/*!\n * @microsoft/teams-js v2.58.0"), "served locally, licence first"
    assert people.status == 404 and as_qa_lead.status == 401


async def test_local_mode_offers_the_marked_picker(services: Services, settings: Settings, org: Seeded) -> None:
    app = web.Application()
    add_dashboard_routes(app, services, settings)
    async with TestClient(TestServer(app)) as local:
        page = await (await local.get("/dashboard")).text()
        people = (await (await local.get("/api/dashboard/people")).json())["people"]
        megan = next(p["id"] for p in people if p["name"] == "Megan Bowen")
        board = await (await local.get(f"/api/dashboard?as={megan}")).json()
        asset = await local.get("/dashboard/assets/chart.umd.min.js")
        chart_js = await asset.text()

    assert "LOCAL DEMO MODE" in page and '"mode": "local"' in page
    assert board["scopeName"] == "Riverside Locality Team"
    assert asset.status == 200 and "Chart.js v4" in chart_js[:200]


async def test_without_a_tenant_id_no_token_is_trusted(
    settings: Settings, keys: FakeBotFrameworkKeys, clock: FrozenClock
) -> None:
    validator = TabTokenValidator.from_settings(
        sso_settings(settings, keys).model_copy(update={"microsoft_app_tenant_id": ""}), clock
    )

    with pytest.raises(Unauthorized):
        await validator.user("Bearer " + tab_token(keys, object_id=MEGAN, now=clock.now(), tenant_id=""))
