"""A production-like qop on one machine, for rehearsing upgrades: ``make prod-like``.

What runs (all on 127.0.0.1, nothing beyond loopback):

- a scratch PostgreSQL database (dropped when the stack stops), migrated with ``qop db upgrade``;
- two ``python -m qop serve`` instances in **production mode** (``MICROSOFT_APP_ID`` set, so
  inbound tokens are checked) with distinct ``QOP_EXECUTOR_ID``s and ports;
- nginx from Debian as the TLS reverse proxy (a self-signed certificate made at start) on
  https://127.0.0.1:$PROD_LIKE_PORT (default 8443), balancing over the two instances;
- stand-ins for the Microsoft cloud, as the production-mode tests use them
  (``tests/support``): Bot Framework's OpenID metadata and signing keys (served through the
  proxy, because production mode only accepts an https key endpoint), the Bot Connector
  (Teams' rate limits and 429s included), and a managed-identity token endpoint (the one
  Container Apps gives the app) that hands out outbound tokens.

Type commands while it runs (``help`` lists them): ``broadcast`` to send a card to every seeded
person, ``status`` to see how far it got and what the fake Teams received, ``migrate``, ``roll a``
then ``roll b`` to restart each instance on the code now in the working tree. ``quit`` or
Ctrl-C stops everything. docs/operations.md walks through an upgrade rehearsal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer
from yarl import URL

from bench.broadcast import CARD, seed
from qop.app import build_services
from qop.settings import Settings
from services.container import Services
from storage.db import create_engine
from tests.support.activities import TENANT_ID
from tests.support.databases import postgres_reachable, scratch_postgres_database
from tests.support.fake_botframework import OUTBOUND_TOKEN, FakeBotFrameworkKeys, SigningKeyPair
from tests.support.fake_connector import FakeConnector
from tests.support.instances import AppInstance

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP_ID = "6f1c2a7e-0000-4000-8000-0000000a11d5"
"""The stand-in bot's app id (a GUID, as production mode demands)."""
IDENTITY_HEADER = "prod-like-identity-header"
INSTANCE_NAMES = ("a", "b")
READY_LINE = "prod-like stack ready"


class StackError(Exception):
    """Something the machine lacks; the message says what to install or start."""


def nginx_binary() -> str | None:
    """Debian puts nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


@dataclass
class Proxy:
    """nginx terminating TLS in front of the instances, with its own config under ``folder``."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def certificate(self) -> Path:
        return self.folder / "proxy-cert.pem"

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def make_certificate(self) -> None:
        """A self-signed certificate for localhost and 127.0.0.1, valid for two days."""
        openssl = shutil.which("openssl") or "openssl"
        subprocess.run(  # noqa: S603 - fixed arguments
            [
                openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", str(self.folder / "proxy-key.pem"), "-out", str(self.certificate),
            ],
            check=True,
            capture_output=True,
        )  # fmt: skip

    def write_config(self, instance_ports: list[int], keys_port: int) -> Path:
        temp = self.folder / "nginx-temp"
        temp.mkdir(exist_ok=True)
        upstreams = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in instance_ports)
        config = self.folder / "nginx.conf"
        config.write_text(f"""
worker_processes 1;
pid {self.folder}/nginx.pid;
error_log {self.folder}/nginx-error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log {self.folder}/nginx-access.log;
  client_body_temp_path {temp}/body;
  proxy_temp_path {temp}/proxy;
  fastcgi_temp_path {temp}/fastcgi;
  uwsgi_temp_path {temp}/uwsgi;
  scgi_temp_path {temp}/scgi;
  upstream qop {{
    least_conn;
{upstreams}
  }}
  server {{
    listen 127.0.0.1:{self.port} ssl;
    ssl_certificate {self.certificate};
    ssl_certificate_key {self.folder / "proxy-key.pem"};
    ssl_protocols TLSv1.2 TLSv1.3;
    client_max_body_size 1m;
    # The stand-in for login.botframework.com (production mode insists on https).
    location /botframework/ {{
      proxy_pass http://127.0.0.1:{keys_port}/;
    }}
    location / {{
      proxy_pass http://qop;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
      # An instance being rolled refuses connections: try the other one.
      proxy_next_upstream error timeout http_502 http_503;
      proxy_next_upstream_tries 2;
    }}
  }}
}}
""")
        return config

    def start(self, config: Path) -> None:
        command = [
            nginx_binary() or "nginx",
            "-p",
            str(self.folder),
            "-e",
            str(self.folder / "nginx-error.log"),
            "-c",
            str(config),
        ]
        checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
        if checked.returncode != 0:
            raise StackError(f"nginx rejected its configuration:\n{checked.stderr}")
        self.process = subprocess.Popen([*command, "-g", "daemon off;"])  # noqa: S603 - our own config

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def identity_endpoint() -> TestServer:
    """Container Apps' managed-identity token endpoint (IDENTITY_ENDPOINT/IDENTITY_HEADER), as
    MSAL calls it for a user-assigned identity: one recognisable token for every request."""

    async def token(request: web.Request) -> web.Response:
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"statusCode": 401, "message": "wrong identity header"}, status=401)
        return web.json_response(
            {
                "access_token": OUTBOUND_TOKEN,
                "expires_on": str(int(time.time()) + 3600),
                "resource": request.query.get("resource", ""),
                "token_type": "Bearer",
            }
        )

    app = web.Application()
    app.router.add_get("/msi/token", token)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return server


@dataclass
class Stack:
    """The running instances, what the stack seeded and the broadcasts started from its prompt."""

    instances: dict[str, AppInstance] = field(default_factory=dict)
    broadcasts: list[int] = field(default_factory=list)
    recipients: list[int] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def qop_command(self, *words: str) -> subprocess.CompletedProcess[str]:
        """``python -m qop WORDS`` with the instances' settings, as an operator would run it."""
        environment = next(iter(self.instances.values())).environment()
        environment["QOP_EXECUTOR_ID"] = "qop-operator"
        return subprocess.run(  # noqa: S603 - this interpreter, our own CLI
            [sys.executable, "-m", "qop", *words],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )

    def operator_exports(self) -> str:
        """What to paste into another shell to run ``python -m qop ...`` against this stack."""
        environment = next(iter(self.instances.values())).environment()
        names = [*sorted(self.env), "PYTHONPATH"]
        lines = [f"export {name}={json.dumps(environment[name])}" for name in names]
        return "\n".join([*lines, "export QOP_EXECUTOR_ID=qop-operator"])


@contextlib.asynccontextmanager
async def running_stack(
    folder: Path, proxy_port: int, people: int
) -> AsyncIterator[tuple[Stack, Services, FakeConnector]]:
    """Everything up and ready; torn down in reverse order, the scratch database dropped last."""
    if nginx_binary() is None:
        raise StackError("nginx is not installed: apt-get install nginx-light (Debian's package)")
    if shutil.which("openssl") is None:
        raise StackError("openssl is not installed: apt-get install openssl")
    if not postgres_reachable():
        raise StackError("PostgreSQL is not answering on 127.0.0.1:5432 (user postgres, trust auth)")
    proxy = Proxy(folder, proxy_port)
    proxy.make_certificate()
    keys = FakeBotFrameworkKeys(published=[SigningKeyPair.generate(endorsements=["msteams"])])
    connector = FakeConnector()  # Teams' limits on: 429s with Retry-After, as in production
    identity: TestServer | None = None
    stack = Stack()
    with scratch_postgres_database("qop_prodlike") as database_url:
        await keys.start()
        await connector.start()
        try:
            identity = await identity_endpoint()
            keys_port = URL(keys.metadata_url).port
            assert keys_port is not None
            stack.env = {
                "DATABASE_URL": database_url,
                "MICROSOFT_APP_ID": APP_ID,
                "MICROSOFT_APP_TENANT_ID": TENANT_ID,
                "OPENID_METADATA_URL": f"{proxy.url}/botframework/v1/.well-known/openidconfiguration",
                "FEEDBACK_SECRET": "prod-like-feedback-secret-" + os.urandom(16).hex(),
                "REPORT_SECRET": "prod-like-report-secret-" + os.urandom(16).hex(),
                "PUBLIC_BASE_URL": proxy.url,
                "TRUST_FORWARDED_FOR": "true",
                "SSL_CERT_FILE": str(proxy.certificate),  # trust the proxy's self-signed certificate
                "IDENTITY_ENDPOINT": str(identity.make_url("/msi/token")),
                "IDENTITY_HEADER": IDENTITY_HEADER,
                "REMINDER_INTERVAL_SECONDS": "300",
                "DIGEST_CHECK_SECONDS": "60",
            }
            stack.instances = {name: AppInstance(f"qop-{name}", stack.env, folder) for name in INSTANCE_NAMES}
            migrated = await asyncio.to_thread(stack.qop_command, "db", "upgrade")
            if migrated.returncode != 0:
                raise StackError(f"qop db upgrade failed:\n{migrated.stderr}")
            stack.recipients = await seed(
                Settings(_env_file=None, database_url=database_url), connector.service_url, people
            )
            proxy.start(proxy.write_config([i.port for i in stack.instances.values()], keys_port))
            await asyncio.gather(*(instance.start() for instance in stack.instances.values()))
            engine = create_engine(database_url)
            services = build_services(Settings(_env_file=None, database_url=database_url), engine)
            try:
                yield stack, services, connector
            finally:
                services.delivery.queue.close()
                await engine.dispose()
        finally:
            await asyncio.gather(*(asyncio.to_thread(instance.stop) for instance in stack.instances.values()))
            proxy.stop()
            if identity is not None:
                await identity.close()
            await connector.close()
            await keys.close()


async def describe(stack: Stack, services: Services, connector: FakeConnector) -> str:
    lines = []
    for broadcast_id in stack.broadcasts:
        progress = await services.delivery.progress(broadcast_id)
        lines.append(f"B{broadcast_id} {progress.status}: {progress.summary}, {progress.queued} queued")
    posts = connector.posts
    lines.append(
        f"fake Teams: {len(posts)} messages to {len({m.conversation_id for m in posts})} people, "
        f"{connector.duplicates} duplicates, {connector.throttled} answered 429"
    )
    for name, instance in stack.instances.items():
        alive = instance.process is not None and instance.process.poll() is None
        lines.append(
            f"instance {name}: {instance.executor_id} on port {instance.port}, {'running' if alive else 'stopped'}"
        )
    return "\n".join(lines)


async def handle(command: str, stack: Stack, services: Services, connector: FakeConnector) -> bool:
    """Carry out one typed command; False means quit."""
    words = command.split()
    if not words:
        return True
    verb, rest = words[0], words[1:]
    instance = stack.instances.get(rest[0]) if rest else None
    if verb in ("quit", "exit", "stop"):
        return False
    if verb == "broadcast" and (not rest or rest[0].isdigit()):
        count = int(rest[0]) if rest else len(stack.recipients)
        progress = await services.delivery.start_broadcast(None, stack.recipients[:count], CARD, title="Rehearsal")
        stack.broadcasts.append(progress.broadcast_id)
        print(f"B{progress.broadcast_id}: {count} sends queued")
    elif verb == "status":
        print(await describe(stack, services, connector))
    elif verb == "migrate":
        done = await asyncio.to_thread(stack.qop_command, "db", "upgrade")
        print(done.stderr.strip() or "migrated", "" if done.returncode == 0 else "(FAILED)")
    elif verb in ("roll", "kill", "start") and instance is not None:
        # In a thread: the fake Teams lives in this process and must keep answering meanwhile.
        if verb == "roll":
            await asyncio.to_thread(instance.stop)  # SIGTERM: the graceful stop a platform gives a container
        elif verb == "kill":
            instance.kill()  # kill -9: a crash
        if verb in ("roll", "start"):
            await instance.start()
        print(f"{instance.executor_id}: {verb} done")
    elif verb == "env":
        print(stack.operator_exports())
    else:
        print(COMMANDS)
    return True


COMMANDS = """commands:
  broadcast [N]   send a card to the first N seeded people (default all) through the delivery engine
  status          each broadcast's progress, what the fake Teams received, the instances
  migrate         python -m qop db upgrade against the stack's database
  roll a|b        stop an instance gracefully (SIGTERM) and start it again on the current code
  kill a|b        kill -9 an instance (a crash); start a|b brings it back with the same executor id
  env             exports for running python -m qop ... against the stack from another shell
  quit            stop everything and drop the scratch database"""


async def command_lines(stop: asyncio.Event) -> AsyncIterator[str]:
    """Lines typed on stdin until ``stop`` is set; at end of input it just waits for ``stop``."""
    loop = asyncio.get_running_loop()
    lines: asyncio.Queue[str | None] = asyncio.Queue()

    def readable() -> None:
        line = sys.stdin.readline()
        if not line:
            loop.remove_reader(sys.stdin.fileno())
        lines.put_nowait(line or None)

    loop.add_reader(sys.stdin.fileno(), readable)
    stopping = asyncio.ensure_future(stop.wait())
    try:
        while True:
            getting = asyncio.ensure_future(lines.get())
            await asyncio.wait({getting, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if stopping.done():
                getting.cancel()
                return
            line = getting.result()
            if line is None:
                await stopping
                return
            yield line
    finally:
        with contextlib.suppress(ValueError, OSError):
            loop.remove_reader(sys.stdin.fileno())
        stopping.cancel()


async def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="qop-prod-like-"))
    proxy_port = int(os.environ.get("PROD_LIKE_PORT", "8443"))
    people = int(os.environ.get("PROD_LIKE_PEOPLE", "1000"))
    stop = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signal_number, stop.set)
    try:
        async with running_stack(folder, proxy_port, people) as (stack, services, connector):
            print(f"{READY_LINE}: https://127.0.0.1:{proxy_port} (logs in {folder})")
            print(f"{people} people seeded, each with a chat on the fake Teams. Type 'help' for commands.", flush=True)
            async for line in command_lines(stop):
                if not await handle(line.strip(), stack, services, connector):
                    break
                sys.stdout.flush()
    except StackError as missing:
        print(f"prod-like: {missing}", file=sys.stderr)
        return 1
    print(f"prod-like stack stopped; scratch database dropped (logs kept in {folder}).", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
