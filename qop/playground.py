"""Start Microsoft's Teams playground (the local Teams emulator) beside the bot."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
from dataclasses import dataclass

from qop.settings import PROJECT_ROOT

PLAYGROUND_CLI = PROJECT_ROOT / "node_modules" / "@microsoft" / "m365agentsplayground" / "cli.js"
PERSONAL_CHAT_ID = "personal-chat-1"
LISTENING = re.compile(r"Listening on (?:port )?(\d+)")


class PlaygroundUnavailable(RuntimeError):
    """Node or the playground package is missing; the message says how to get it."""


def playground_env() -> dict[str, str]:
    """Environment that keeps the playground on this machine: no telemetry, no browser."""
    env = dict(os.environ)
    env.update(
        TEAMSAPPTESTER_BROWSER="none",
        APPLICATION_INSIGHTS_NO_STATSBEAT="1",
        NO_UPDATE_NOTIFIER="1",
    )
    return env


def playground_command(bot_endpoint: str, port: int, conversation_id: str = PERSONAL_CHAT_ID) -> list[str]:
    node = shutil.which("node")
    if node is None:
        raise PlaygroundUnavailable(
            "Node.js is not installed, so the Teams playground cannot start. Install Node.js 20+ "
            "(for example 'apt-get install nodejs npm'), then run 'make run' again."
        )
    if not PLAYGROUND_CLI.exists():
        raise PlaygroundUnavailable("The Teams playground is not installed: run 'npm ci' (make run does this).")
    return [
        node,
        str(PLAYGROUND_CLI),
        "-e",
        bot_endpoint,
        "-c",
        "msteams",
        "-p",
        str(port),
        "--disable-telemetry",
        "--conversation-id",
        conversation_id,
    ]


@dataclass
class RunningPlayground:
    process: asyncio.subprocess.Process
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), timeout=10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


async def start_playground(bot_endpoint: str, port: int, *, ready_within: float = 60.0) -> RunningPlayground:
    """Start the playground and wait for the port it really listens on (it silently picks
    another one when the requested port is busy)."""
    process = await asyncio.create_subprocess_exec(
        *playground_command(bot_endpoint, port),
        env=playground_env(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=str(PROJECT_ROOT),
    )
    assert process.stdout is not None
    try:
        async with asyncio.timeout(ready_within):
            while True:
                line = await process.stdout.readline()
                if not line:
                    raise PlaygroundUnavailable("The Teams playground exited before it was ready.")
                match = LISTENING.search(line.decode(errors="replace"))
                if match:
                    asyncio.create_task(_drain(process.stdout))  # noqa: RUF006 - ends with the process
                    return RunningPlayground(process, int(match.group(1)))
    except BaseException:
        process.kill()
        await process.wait()
        raise


async def _drain(stream: asyncio.StreamReader) -> None:
    while await stream.readline():
        pass
