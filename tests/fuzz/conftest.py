"""The scenario harness (the real app on a loopback test server) for the fuzz tests, the audit
organisation they act in, and the ``fuzz_long`` marker (deselected unless asked for by ``-m``)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.scenarios.conftest import harness  # noqa: F401  (a fixture, used by name)
from tests.support.audits import AuditOrg, make_audit_org


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "fuzz_long: the long, random fuzz run (nightly; select with -m fuzz_long)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "fuzz_long" in (config.option.markexpr or ""):
        return
    long_runs = [item for item in items if item.get_closest_marker("fuzz_long")]
    if long_runs:
        config.hook.pytest_deselected(items=long_runs)
        items[:] = [item for item in items if not item.get_closest_marker("fuzz_long")]


@pytest.fixture
async def audit_org(sessions: async_sessionmaker[AsyncSession]) -> AuditOrg:
    """Senders are its people, so many fuzzed actions reach real domain code (once per test:
    Hypothesis runs every example of a test with the same fixtures)."""
    return await make_audit_org(sessions)
