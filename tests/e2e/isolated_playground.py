"""The walking skeleton through Microsoft's Teams playground (run by test_playground.py in
a network namespace; ``pytest tests/e2e/isolated_playground.py`` runs it directly).

A newcomer installs qop in a personal chat and in a team, asks for help, says something
qop does not understand, asks for help in a channel, removes qop from the team; then the
bot restarts on the same database and still knows everything it learned."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys

import aiohttp
import pytest
from microsoft_agents.activity import ConversationReference
from microsoft_agents.hosting.core import TurnContext
from sqlalchemy import select

from bot.http import BOT_KEY
from qop.playground import RunningPlayground
from storage import migrate
from storage.db import create_engine
from storage.models import Conversation, Person
from tests.e2e.isolation import assert_isolated_if_asked
from tests.e2e.live import LiveBot, PlaygroundClient, card_text, eventually
from tests.support.env import PROJECT_ROOT

pytestmark = pytest.mark.e2e


async def _stored(bot: LiveBot) -> tuple[dict[str, Conversation], list[Person]]:
    engine = create_engine(bot.settings.database_url)
    try:
        async with engine.connect() as connection:
            conversations = (await connection.execute(select(Conversation))).all()
            people = (await connection.execute(select(Person))).all()
    finally:
        await engine.dispose()
    return {c.conversation_id: c for c in conversations}, list(people)


async def test_install_talk_uninstall_and_remember_across_a_restart(
    bot: LiveBot, playground: RunningPlayground
) -> None:
    assert_isolated_if_asked()
    async with PlaygroundClient(playground.url) as teams:
        config = await teams.config()
        personal = config["personalChat"]["id"]
        team = config["teams"][0]
        general = next(c["id"] for c in team["channels"] if c["name"] == "General")
        me = config["currentUser"]

        await teams.install(personal)
        assert "Welcome to qop" in card_text(await teams.next_card(personal))

        await teams.say(personal, "help")
        help_card = card_text(await teams.next_card(personal))
        assert "What I can do" in help_card and "didn't understand" not in help_card

        await teams.say(personal, "what is the weather")
        puzzled = card_text(await teams.next_card(personal))
        assert "didn't understand \u201cwhat is the weather\u201d" in puzzled and "What I can do" in puzzled

        await teams.install(general)
        assert "qop has joined this team" in card_text(await teams.next_card(general))

        await teams.say(general, "help", mention_bot=True)
        assert "What I can do" in card_text(await teams.next_card(general))

        await teams.uninstall(general)

        async def channel_marked_uninstalled() -> bool:
            conversations, _ = await _stored(bot)
            return general in conversations and not conversations[general].installed

        await eventually(channel_marked_uninstalled, "removing qop from the team marks the channel uninstalled")

        await bot.stop()
        await bot.start()

        conversations, people = await _stored(bot)
        assert set(conversations) == {personal, general}
        chat, channel = conversations[personal], conversations[general]
        assert chat.kind == "personal" and chat.installed
        assert channel.kind == "channel" and not channel.installed and channel.name == team["name"]
        [alex] = [p for p in people if p.teams_user_id == me["id"]]
        assert alex.aad_object_id == me["aadObjectId"]
        assert chat.person_id == alex.id

        await teams.say(personal, "help")
        assert "What I can do" in card_text(await teams.next_card(personal)), "the restarted bot answers"

        await _send_proactively(bot, chat.reference, "A proactive hello from qop")
        message = await teams.next_message(personal)
        assert message.get("text") == "A proactive hello from qop"


async def _send_proactively(bot: LiveBot, reference: dict, text: str) -> None:
    """Through the stored reference only, as reminders and digests will."""
    assert bot.app is not None
    qop_bot = bot.app[BOT_KEY]
    continuation = ConversationReference.model_validate(reference).get_continuation_activity()

    async def say(context: TurnContext) -> None:
        await context.send_activity(text)

    await qop_bot.adapter.continue_conversation(qop_bot.config.app_id, continuation, say)


@pytest.mark.parametrize("node_on_path", [True, False], ids=["with-node", "without-node"])
async def test_qop_run_serves_and_ctrl_c_stops_everything(tmp_path, node_on_path: bool) -> None:  # type: ignore[no-untyped-def]
    """What `make run` ends with: the bot (and the playground when Node is there), the URL
    to open, and Ctrl-C (SIGINT to the whole foreground group) stopping all of it. Without
    Node it says how to get it and the bot still runs."""
    assert_isolated_if_asked()
    url = f"sqlite+aiosqlite:///{tmp_path / 'qop.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    bot_port, playground_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PORT": str(bot_port),
        "PLAYGROUND_PORT": str(playground_port),
        "PATH": os.environ["PATH"] if node_on_path else "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "qop", "run",
        cwd=PROJECT_ROOT, env=env, start_new_session=True,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        printed = await read_until(process, "Press Ctrl-C to stop.")
        assert await answers(f"http://127.0.0.1:{bot_port}/healthz")
        if node_on_path:
            assert f"Open the Teams playground: http://127.0.0.1:{playground_port}" in printed
            assert await answers(f"http://127.0.0.1:{playground_port}/_debug/ping")
        else:
            assert "Node.js is not installed" in printed and "apt-get install nodejs npm" in printed
            assert "The bot is still running" in printed

        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        rest = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert "Stopped." in rest[0].decode()
    assert not await answers(f"http://127.0.0.1:{bot_port}/healthz")
    assert not await answers(f"http://127.0.0.1:{playground_port}/_debug/ping")
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # nothing of the group is left running


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def read_until(process: asyncio.subprocess.Process, marker: str) -> str:
    assert process.stdout is not None
    printed = ""
    async with asyncio.timeout(60):
        while marker not in printed:
            line = await process.stdout.readline()
            assert line, f"qop run ended early:\n{printed}"
            printed += line.decode()
    return " ".join(printed.split())  # rich wraps long lines


async def answers(url: str) -> bool:
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=3)) as session,
            session.get(url) as response,
        ):
            return response.status == 200
    except aiohttp.ClientError:
        return False
