"""Digest subscriptions and the report link through the whole app."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from services.container import Services
from storage.models import AccessLogEntry, DigestSubscription, Person
from tests.scenarios.conftest import BotHarness
from tests.support import activities as a
from tests.support.cards import button_data
from tests.support.organisation import SMALL_ORGANISATION, write

SAM = a.user(1, name="Sam Okafor")
DANA = a.user(3, name="Dana Marsh", email="dana.marsh@northshire.example")
QUINN = a.user(6, name="Quinn Hale", email="quinn.hale@northshire.example")


async def _say(harness: BotHarness, text: str, sender: dict, conversation: dict | None = None) -> str:  # type: ignore[type-arg]
    before = len(harness.connector.messages)
    await harness.send(a.message(harness.service_url, text, sender=sender, conversation=conversation))
    [reply] = harness.connector.messages[before:]
    return json.dumps(reply.cards[0], ensure_ascii=False) if reply.cards else reply.text


async def test_a_manager_subscribes_the_team_channel_and_stops_it(
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    general = a.channel()
    await harness.send(a.installation(harness.service_url, conversation=general, sender=DANA))

    assert "No digest in this channel yet" in await _say(harness, "digest", SAM, general)
    assert "not linked to a team yet" in await _say(harness, "digest weekly", DANA, general)
    await _say(harness, "link team Riverside", DANA, general)
    assert "Only the subscriber, the team manager" in await _say(harness, "digest weekly", SAM, general)
    assert "is not a day of the week" in await _say(harness, "digest weekly on Funday", DANA, general)

    subscribed = await _say(harness, "digest weekly on Tuesday at 9:15", DANA, general)
    assert "Riverside Locality Team" in subscribed and "Every Tuesday at 09:15" in subscribed
    shown = await _say(harness, "digest", SAM, general)
    assert "Every Tuesday at 09:15" in shown

    refused = await _say(harness, "digest weekly service", DANA, general)
    assert "can change this digest" in refused
    assert "Every Tuesday at 09:15" in await _say(harness, "digest", SAM, general), "a refusal changes nothing"
    themed = await _say(harness, "digest weekly on Tuesday at 9:15 type themed", DANA, general)
    assert "Themed audits only" in themed and "Themed audits only" in await _say(harness, "digest", SAM, general)
    assert "dip_sample" in await _say(harness, "digest weekly type themes", DANA, general), "the types are named"

    assert "has stopped" in await _say(harness, "digest stop", DANA, general)
    assert "No digest in this channel yet" in await _say(harness, "digest", SAM, general)
    async with sessions() as session:
        subscription = await session.scalar(select(DigestSubscription))
        logged = list(
            await session.scalars(select(AccessLogEntry).where(AccessLogEntry.record_type == "digest_subscription"))
        )
    assert subscription is not None and not subscription.active and subscription.weekday == 1
    assert subscription.audit_type == "themed"
    assert [entry.summary for entry in logged] == [
        "digest subscribed: Riverside Locality Team",
        "digest subscribed: Riverside Locality Team",
        "digest stopped",
    ]


async def test_digest_is_a_channel_command_and_the_report_link_is_for_the_qim_s_members(
    harness: BotHarness, services: Services, sessions, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    assert "didn't understand" in await _say(harness, "digest weekly", DANA)
    assert "for the members of the Quality Improvement Meeting" in await _say(harness, "report qim 2026Q1", DANA)
    async with sessions() as session:
        [refusal] = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.action == "refused")))
        dana = await session.scalar(select(Person).where(Person.email == "dana.marsh@northshire.example"))
    assert (refusal.record_type, refusal.record_id, refusal.actor_id) == ("qim_report", "2026Q1", dana.id)

    link = await _say(harness, "report qim 2026Q1", QUINN)
    assert "Quarterly QIM report" in link and "/reports/qim?t=" in link
    url = json.loads(link)["actions"][0]["url"]
    page = await harness.client.get("/reports/qim?" + url.split("?", 1)[1])
    assert page.status == 200 and "What are our plans?" in await page.text()
    assert page.headers["Cache-Control"] == "no-store"
    forged = await harness.client.get("/reports/qim?t=" + url.split("t=", 1)[1][:-2] + "00")
    assert forged.status == 403 and "Traceback" not in await forged.text()
    dips = await _say(harness, "report qim 2026Q1 type dip-sample", QUINN)
    assert "the whole service, dip samples only, 2026Q1" in dips
    dips_url = json.loads(dips)["actions"][0]["url"]
    assert dips_url.endswith("&type=dip_sample")
    dips_page = await harness.client.get("/reports/qim?" + dips_url.split("?", 1)[1])
    assert dips_page.status == 200 and "This report counts dip samples only" in await dips_page.text()
    unknown = await _say(harness, "report qim 2026Q1 type casual", QUINN)
    assert "There is no audit type called \u201ccasual\u201d" in unknown and "multi_agency" in unknown

    # Made a Head of Service, Dana is a member of the QIM: the page and the workbook open for her.
    await services.organisation.change_role(
        actor=None, email=dana.email, role="head of service", add=True, area="Locality social work"
    )
    link = await _say(harness, "report qim 2026Q1", DANA)
    token = json.loads(link)["actions"][0]["url"].split("t=", 1)[1]
    page = await harness.client.get(f"/reports/qim?t={token}")
    assert page.status == 200 and f'href="qim.xlsx?t={token}"' in await page.text()
    workbook = await harness.client.get(f"/reports/qim.xlsx?t={token}")
    assert workbook.status == 200 and "qim-report-2026Q1.xlsx" in workbook.headers["Content-Disposition"]
    book = load_workbook(BytesIO(await workbook.read()))
    assert book.sheetnames[0] == "What we know"
    async with sessions() as session:
        dana_s = list(await session.scalars(select(AccessLogEntry).where(AccessLogEntry.actor_id == dana.id)))
    assert [(e.action, e.record_type) for e in dana_s if e.record_type == "qim_report"] == [
        ("refused", "qim_report"),
        ("view", "qim_report"),
        ("export", "qim_report"),
    ]
    page_text = await page.text()
    assert f'href="qim?t={token}&amp;type=themed"' in page_text, "the page links each audit type"
    themed = await harness.client.get(f"/reports/qim?t={token}&type=themed")
    themed_page = await themed.text()
    assert themed.status == 200 and "This report counts themed audits only" in themed_page
    assert f'href="qim.xlsx?t={token}&amp;type=themed"' in themed_page, "the workbook link keeps the filter"
    unknown = await harness.client.get(f"/reports/qim.xlsx?t={token}&type=casual")
    assert unknown.status == 400 and "dip_sample" in await unknown.text()


async def test_the_demo_subscribes_the_playground_channel_and_its_digest_comes_through_the_delivery_engine(
    harness: BotHarness, services: Services, clock, sessions
) -> None:  # type: ignore[no-untyped-def]
    from qop.app import SERVICES_KEY
    from services.digest.demo import PLAYGROUND_CHANNEL_ID, load_demo_digest_data
    from storage.models import Delivery, DigestRun
    from tests.support.delivery import eventually

    await services.demo.load()
    assert await load_demo_digest_data(services.sessions, clock, time_zone="Europe/London") > 40
    assert await load_demo_digest_data(services.sessions, clock, time_zone="Europe/London") == 0, "loaded once"
    subscribed = await services.digests.subscribe_demo_channel()
    assert subscribed is not None and subscribed.scope_label == "Riverside Locality Team"
    assert await services.digests.subscribe_demo_channel() is None, "subscribed once"
    app_services = harness.client.app[SERVICES_KEY]
    early = await app_services.digests.run_due(clock.now())
    assert early.sent == early.late == [], "nothing is posted while qop is not in the channel"

    general = {**a.channel(), "id": PLAYGROUND_CHANNEL_ID}
    await harness.send(a.installation(harness.service_url, conversation=general, sender=DANA))

    async def digest_posted() -> list:  # type: ignore[type-arg]
        return [m for m in harness.connector.in_conversation(PLAYGROUND_CHANNEL_ID) if "Weekly digest:" in str(m.cards)]

    [posted] = await eventually(digest_posted, what="the demo digest in the channel")
    card = json.dumps(posted.cards[0], ensure_ascii=False)
    assert "Weekly digest: Riverside Locality Team" in card and "Chart.Line" in card
    assert "Demo: this channel is subscribed" in card and "Post to the channel" not in card
    async with sessions() as session:
        [run] = list(await session.scalars(select(DigestRun)))
        delivery = await session.get(Delivery, run.delivery_id)
    assert run.handed_over_at is not None and not run.late
    assert delivery is not None and delivery.purpose == "digest"
    assert delivery.dedupe_key == f"digest:{run.subscription_id}:{run.period_key}", "the weekly run's key"

    report = await app_services.digests.run_due(clock.now())
    assert report.sent == [] and report.late == [], "the weekly run does not post that week again"
    await harness.send(a.installation(harness.service_url, conversation=general, sender=DANA))
    assert len(await digest_posted()) == 1, "one digest, not a reply as well, and nothing new when qop is added again"


async def test_digest_now_previews_privately_and_the_weekly_digest_arrives_in_the_channel(
    harness: BotHarness, services: Services, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from qop.app import SERVICES_KEY
    from tests.support.delivery import eventually

    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    general = a.channel()
    dana_chat = a.personal_chat(3)
    await harness.send(a.installation(harness.service_url, conversation=dana_chat, sender=DANA))
    await harness.send(a.installation(harness.service_url, conversation=general, sender=DANA))
    await _say(harness, "link team Riverside", DANA, general)
    clock.set(datetime(2026, 4, 3, 12, tzinfo=UTC))  # Friday
    assert "Every Monday at 08:00" in await _say(harness, "digest weekly", DANA, general)

    assert "sent you a preview" in await _say(harness, "digest now", DANA, general)
    channel_id = "19:team-1@thread.tacv2"

    async def preview() -> list:  # type: ignore[type-arg]
        return [m for m in harness.connector.in_conversation(dana_chat["id"]) if "Post to the channel" in str(m.cards)]

    assert await eventually(preview, what="the preview in Dana's chat")
    before = len(harness.connector.in_conversation(channel_id))

    app_services = harness.client.app[SERVICES_KEY]
    report = await app_services.digests.run_due(datetime(2026, 4, 6, 7, 1, tzinfo=UTC))  # Monday 08:01 BST
    assert len(report.sent) == 1

    async def digest_posted() -> list:  # type: ignore[type-arg]
        return [m for m in harness.connector.in_conversation(channel_id)[before:] if "Weekly digest:" in str(m.cards)]

    [posted] = await eventually(digest_posted, what="the weekly digest in the channel")
    assert "30 Mar - 5 Apr 2026" in json.dumps(posted.cards[0]) and "Post to the channel" not in str(posted.cards)


async def test_the_qim_reminder_button_gives_the_qa_lead_a_report_link(
    harness: BotHarness, services: Services, clock, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from cards import verbs
    from cards.calendar import calendar_reminder_card
    from views.calendar import CalendarOccurrenceView

    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    reminder = calendar_reminder_card(
        CalendarOccurrenceView("qim", "Quality Improvement Meeting", "Quarterly", date(2026, 1, 20), "Leadership")
    )
    report = button_data(reminder, verbs.REPORT_QIM_LINK)
    body = await harness.send(
        a.card_action(harness.service_url, verbs.REPORT_QIM_LINK, report, sender=QUINN, conversation=a.personal_chat(6))
    )
    card = json.dumps(body["value"])
    assert "Quarterly QIM report: the whole service, 2025Q4" in card and "/reports/qim?t=" in card
    refused = await harness.send(
        a.card_action(harness.service_url, verbs.REPORT_QIM_LINK, report, sender=DANA, conversation=a.personal_chat(3))
    )
    assert "for the members of the Quality Improvement Meeting" in json.dumps(refused["value"])


async def test_an_area_channel_defaults_to_its_area_for_its_senior_manager(
    harness: BotHarness, services: Services, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    helen = a.user(4, name="Helen Carrow", email="helen.carrow@northshire.example")
    assert (await services.organisation.import_file(write(tmp_path, SMALL_ORGANISATION))).rejections == []
    general = a.channel()
    await harness.send(a.installation(harness.service_url, conversation=general, sender=helen))
    await _say(harness, "link area Locality social work", helen, general)
    subscribed = await _say(harness, "digest weekly", helen, general)
    assert "Locality social work" in subscribed and "Every Monday at 08:00" in subscribed
    assert "can change this digest" in await _say(harness, "digest weekly team Children in Care Team", helen, general)
    scope = await services.digests.resolve_scope("area", "Locality social work")
    riverside = await services.digests.resolve_scope("team", "Riverside Locality Team")
    assert scope.team_ids == riverside.team_ids, "the area's teams, not the whole service"
