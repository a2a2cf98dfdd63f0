"""A one-statement read on PostgreSQL runs outside a transaction: no BEGIN or ROLLBACK round trips."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from storage.db import create_engine, create_session_factory, single_read, transaction
from tests.support.databases import POSTGRES_URL, postgres_reachable
from tests.support.env import require

pytestmark = pytest.mark.postgres


async def _status_after_a_read(sessions, opened) -> TransactionStatus:  # type: ignore[no-untyped-def]
    async with opened(sessions) as session:
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1
        raw = await (await session.connection()).get_raw_connection()
        return raw.driver_connection.info.transaction_status


async def test_a_single_read_opens_no_transaction_and_leaves_the_connection_as_it_found_it() -> None:
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    engine = create_engine(POSTGRES_URL.format(name="test"))
    sessions = create_session_factory(engine)
    try:
        assert await _status_after_a_read(sessions, single_read) == TransactionStatus.IDLE
        assert await _status_after_a_read(sessions, transaction) == TransactionStatus.INTRANS
        async with sessions() as session:  # the same pooled connection, handed back to transactions
            await session.execute(text("SELECT 1"))
            raw = await (await session.connection()).get_raw_connection()
            assert raw.driver_connection.autocommit is False
    finally:
        await engine.dispose()
