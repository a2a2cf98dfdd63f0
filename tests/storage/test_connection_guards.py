"""PostgreSQL connections that cannot hang for good: a connect timeout and TCP keepalives on
ours and on DBOS's, and a server that never answers fails the attempt instead of holding it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from qop.app import delivery_config
from qop.settings import Settings
from services.delivery.engine import dbos_config
from storage.db import POSTGRES_CONNECTION_GUARDS, create_engine, postgres_connect_args
from tests.support.databases import POSTGRES_URL, postgres_reachable
from tests.support.env import require
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[int]:
    """A loopback port that accepts connections and never says a word: a database host that
    has gone quiet rather than away."""
    held: list[asyncio.StreamWriter] = []

    async def accept(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in held:
            writer.transport.abort()
        server.close()
        await server.wait_closed()


async def test_our_connections_carry_the_guards() -> None:
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    engine = create_engine(POSTGRES_URL.format(name="test"))
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            parameters = raw.driver_connection.info.get_parameters()
            assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()
    for name, value in POSTGRES_CONNECTION_GUARDS.items():
        assert parameters.get(name) == str(value), (name, parameters)


def test_the_operators_url_parameters_win() -> None:
    url = POSTGRES_URL.format(name="qop") + "?connect_timeout=3&keepalives_idle=120"
    chosen = postgres_connect_args(url)
    assert "connect_timeout" not in chosen and "keepalives_idle" not in chosen
    assert chosen["keepalives_count"] == POSTGRES_CONNECTION_GUARDS["keepalives_count"]


def test_dboss_system_database_connections_carry_the_guards_on_postgresql_only() -> None:
    postgres = dbos_config(delivery_config(Settings(database_url=POSTGRES_URL.format(name="qop"), _env_file=None)))
    connect_args = postgres["db_engine_kwargs"]["connect_args"]
    assert connect_args == {"application_name": "dbos_transact", **POSTGRES_CONNECTION_GUARDS}
    sqlite = dbos_config(delivery_config(Settings(database_url="sqlite+aiosqlite:///qop.db", _env_file=None)))
    assert "db_engine_kwargs" not in sqlite


async def test_a_server_that_never_answers_fails_the_connection_instead_of_holding_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(POSTGRES_CONNECTION_GUARDS, "connect_timeout", 1)  # 10 s in production
    async with silent_server() as port:
        engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/test")
        started = time.monotonic()
        try:
            with pytest.raises(OperationalError, match="timeout"):
                async with asyncio.timeout(30):  # without a connect timeout the attempt would wait for good
                    async with engine.connect() as connection:
                        await connection.execute(text("SELECT 1"))
        finally:
            await engine.dispose()
        assert time.monotonic() - started < 30


@contextlib.asynccontextmanager
async def engine_through_a_proxy(ping_after_idle_seconds: float) -> AsyncIterator[tuple[AsyncEngine, TcpProxy]]:
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    proxy = TcpProxy("127.0.0.1", 5432)
    port = await proxy.start()
    url = POSTGRES_URL.format(name="test").replace("127.0.0.1:5432", f"127.0.0.1:{port}")
    engine = create_engine(url, ping_after_idle_seconds=ping_after_idle_seconds)
    try:
        yield engine, proxy
    finally:
        await engine.dispose()
        await proxy.close()


async def _select_one(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(text("SELECT 1"))).scalar_one()


async def test_a_connection_left_idle_is_pinged_and_a_dead_one_replaced_before_use() -> None:
    async with engine_through_a_proxy(ping_after_idle_seconds=0) as (engine, proxy):
        assert await _select_one(engine) == 1
        proxy.cut()  # the server restarts: every open connection is dropped
        proxy.restore()

        assert await _select_one(engine) == 1, "the ping found the dropped connection and a new one answered"


async def test_a_connection_used_moments_ago_goes_unpinged() -> None:
    async with engine_through_a_proxy(ping_after_idle_seconds=3600) as (engine, proxy):
        pings = 0
        ping = engine.dialect.do_ping

        def counting_ping(dbapi_connection) -> bool:  # type: ignore[no-untyped-def]
            nonlocal pings
            pings += 1
            return ping(dbapi_connection)

        engine.dialect.do_ping = counting_ping  # type: ignore[method-assign]
        for _ in range(3):
            assert await _select_one(engine) == 1
        assert pings == 0

        # The price: a connection dropped moments after use fails its next statement, and
        # that failure marks the pool stale, so the attempt after it connects afresh.
        proxy.cut()
        proxy.restore()
        with pytest.raises(DBAPIError) as failure:
            await _select_one(engine)
        assert failure.value.connection_invalidated
        assert await _select_one(engine) == 1
