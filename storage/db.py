"""Engine and session factory for the application database."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, InvalidatePoolError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

T = TypeVar("T")

POSTGRES_CONNECTION_GUARDS: dict[str, int] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 60_000,
}
"""libpq settings for every PostgreSQL connection (ours and DBOS's): a server that does not
answer a connection attempt fails it after 10 s, and a connection whose peer has vanished
without closing it (a host lost, a network path cut) is found dead within about a minute,
by TCP keepalives while waiting for an answer (30 s idle, then 3 probes 10 s apart) and by
``tcp_user_timeout`` (milliseconds) while data we sent goes unacknowledged. Without them a
query on such a connection waits for good."""


def postgres_connect_args(database_url: str) -> dict[str, Any]:
    """The connection guards the URL does not set itself (an operator's URL parameters win)."""
    query = make_url(database_url).query
    return {name: value for name, value in POSTGRES_CONNECTION_GUARDS.items() if name not in query}


PING_AFTER_IDLE_SECONDS = 5.0
"""A pooled PostgreSQL connection that sat unused this long is pinged before it is handed out."""


def create_engine(database_url: str, *, ping_after_idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> AsyncEngine:
    """Create the async engine, making sure an SQLite file's folder exists."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _enable_sqlite_foreign_keys(engine)
        return engine
    engine = create_async_engine(url, connect_args=postgres_connect_args(database_url))
    _ping_connections_left_idle(engine, ping_after_idle_seconds)
    return engine


def _ping_connections_left_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it has been idle ``idle_seconds``.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: two extra round trips per turn,
    about 5 % of a card action's work. A connection handed back moments ago is alive unless
    the server went away in those moments; one left idle is the one a restart, a failover or
    a network cut has most likely killed, and a failed ping replaces it (and every connection
    older than the failure) before any statement runs, as the pre-ping did. The cost: a
    connection that died within ``idle_seconds`` of its last use fails its first statement,
    which marks the whole pool stale; that turn answers "not saved yet" with the user's
    answers, and the next one gets a fresh connection."""
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection, record, _proxy) -> None:  # type: ignore[no-untyped-def]
        idle_since = record.info.pop("idle_since", None)
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # a new connection, or one in use moments ago
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise InvalidatePoolError("the pooled connection did not answer a ping") from error
            raise


def _enable_sqlite_foreign_keys(engine: AsyncEngine) -> None:
    # SQLite ignores foreign keys unless asked, per connection.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


@asynccontextmanager
async def transaction(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed on success, rolled back on any error."""
    async with sessions() as session, session.begin():
        yield session


AUTOCOMMIT = {"isolation_level": "AUTOCOMMIT"}
"""Execution options for statements that need no transaction of their own (one read, one
compare-and-set): no BEGIN and COMMIT/ROLLBACK round trips around them."""


@asynccontextmanager
async def single_read(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncConnection]:
    """A connection for one read statement: no ORM session, and on PostgreSQL no transaction.

    A transaction there costs two round trips of its own (BEGIN, then ROLLBACK on the way
    out) around a read that needs none: one statement sees one snapshot anyway. Every turn
    begins with such a read (who spoke, in which conversation). SQLite opens no transaction
    for a read, so it is left as it is."""
    engine = sessions.kw["bind"]
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options(**AUTOCOMMIT)
    async with engine.connect() as connection:
        yield connection


async def core_rows(session: AsyncSession, query: Any) -> Any:
    """Run a Core query on the session's connection: rows of plain columns (counts, sums, a few
    answers) need none of the ORM's per-row machinery, which costs more than the SQL when a
    query returns thousands of them."""
    return await (await session.connection()).execute(query)


async def retrying_on_conflict(
    sessions: async_sessionmaker[AsyncSession],
    work: Callable[[AsyncSession], Awaitable[T]],
    *,
    attempts: int = 3,
) -> T:
    """Run ``work`` in a transaction, retrying when a concurrent writer won a unique race.

    Teams often sends two activities for one event at the same instant (installationUpdate
    and conversationUpdate); both try to create the same person. The loser's retry finds
    the winner's row.
    """
    for attempt in range(1, attempts + 1):
        try:
            async with transaction(sessions) as session:
                return await work(session)
        except IntegrityError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
