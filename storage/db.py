"""Engine and session factory for the application database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

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


def create_engine(database_url: str) -> AsyncEngine:
    """Create the async engine, making sure an SQLite file's folder exists."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _enable_sqlite_foreign_keys(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, connect_args=postgres_connect_args(database_url))


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
