"""A one-statement read on PostgreSQL runs outside a transaction: no BEGIN or ROLLBACK round trips."""

from __future__ import annotations

import pytest
from psycopg.pq import TransactionStatus
from sqlalchemy import text

from storage.db import create_engine, create_session_factory, single_read, transaction
from tests.support.databases import POSTGRES_URL, postgres_reachable
from tests.support.env import require

pytestmark = pytest.mark.postgres


async def test_a_single_read_opens_no_transaction_and_leaves_the_connection_as_it_found_it() -> None:
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    engine = create_engine(POSTGRES_URL.format(name="test"))
    sessions = create_session_factory(engine)
    try:
        async with single_read(sessions) as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
            raw = await connection.get_raw_connection()
            assert raw.driver_connection.info.transaction_status == TransactionStatus.IDLE
        async with transaction(sessions) as session:  # the same pooled connection, back in transactions
            await session.execute(text("SELECT 1"))
            raw = await (await session.connection()).get_raw_connection()
            assert raw.driver_connection.autocommit is False
            assert raw.driver_connection.info.transaction_status == TransactionStatus.INTRANS
        assert engine.pool.checkedin() == 1, "both used the one pooled connection"
    finally:
        await engine.dispose()
