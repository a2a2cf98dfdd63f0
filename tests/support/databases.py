"""Real databases for tests: an SQLite file and a PostgreSQL database, both migrated with
the real Alembic migrations, emptied between tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncEngine

from storage import migrate
from storage.models import Base
from tests.support.env import require

POSTGRES_ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test connect_timeout=3"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
POSTGRES_SOCKET = "/var/run/postgresql"
"""The same server through its Unix socket: a file, so reachable inside a network namespace
(``unshare -n``) where 127.0.0.1 is the namespace's own loopback."""
SOCKET_ADMIN_DSN = f"host={POSTGRES_SOCKET} port=5432 user=postgres dbname=test connect_timeout=3"
SOCKET_URL = f"postgresql+psycopg://postgres@/{{name}}?host={POSTGRES_SOCKET}"


def postgres_reachable(admin_dsn: str = POSTGRES_ADMIN_DSN) -> bool:
    try:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute("SELECT 1")
        return True
    except psycopg.Error:
        return False


@contextmanager
def scratch_postgres_database(prefix: str = "qop_test", *, via_socket: bool = False) -> Iterator[str]:
    """A fresh, uniquely named PostgreSQL database (parallel runs never collide); dropped after.
    ``via_socket``: reached through the server's Unix socket (from inside a network namespace)."""
    admin_dsn, url = (SOCKET_ADMIN_DSN, SOCKET_URL) if via_socket else (POSTGRES_ADMIN_DSN, POSTGRES_URL)
    require(postgres_reachable(admin_dsn), f"PostgreSQL at {POSTGRES_SOCKET if via_socket else '127.0.0.1:5432'}")
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.format(name=name)
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def migrated_database(backend: str, folder: Path) -> Iterator[str]:
    """A database of the given backend at the newest migration."""
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{folder / 'qop-test.db'}"
        migrate.upgrade(url)
        yield url
        return
    with scratch_postgres_database() as url:
        migrate.upgrade(url)
        yield url


async def empty_all_tables(engine: AsyncEngine) -> None:
    """Delete every row, children first, so the next test starts from an empty schema."""
    async with engine.begin() as connection:
        # Break reference cycles (teams.manager_id -> people -> teams) before deleting.
        for table in Base.metadata.sorted_tables:
            for constraint in table.foreign_key_constraints:
                if constraint.use_alter:
                    await connection.execute(update(table).values({column.name: None for column in constraint.columns}))
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(delete(table))
