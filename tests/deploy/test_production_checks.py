"""Production mode refuses to start half-configured, and says what to set."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qop.cli import cli
from qop.production import production_problems
from qop.settings import Settings

APP_ID = "6f1c2a7e-0000-4000-8000-00000000a11d"
TENANT_ID = "72f988bf-0000-4000-8000-000000000001"


def complete() -> Settings:
    return Settings(
        _env_file=None,
        microsoft_app_id=APP_ID,
        microsoft_app_tenant_id=TENANT_ID,
        feedback_secret="a-long-random-value-kept-in-key-vault",
        public_base_url="https://qop.riverside-council.example",
    )


def test_a_complete_production_configuration_passes_and_local_mode_needs_nothing() -> None:
    assert production_problems(complete()) == []
    assert production_problems(Settings(_env_file=None)) == []


def test_each_gap_is_named() -> None:
    cases = {
        "microsoft_app_id": ("my-bot", "MICROSOFT_APP_ID must be"),
        "microsoft_app_tenant_id": ("", "single-tenant"),
        "allow_private_service_urls": (True, "ALLOW_PRIVATE_SERVICE_URLS"),
        "openid_metadata_url": ("http://login.botframework.com/v1/.well-known/openidconfiguration", "https"),
        "token_issuers": ([], "TOKEN_ISSUERS"),
        "allowed_service_url_hosts": ([], "ALLOWED_SERVICE_URL_HOSTS"),
        "public_base_url": ("http://qop.example", "PUBLIC_BASE_URL"),
        "feedback_secret": ("", "FEEDBACK_SECRET"),
    }
    for field, (value, expected) in cases.items():
        problems = production_problems(complete().model_copy(update={field: value}))
        assert len(problems) == 1 and expected in problems[0], (field, problems)


def test_serve_refuses_to_start_and_exits_non_zero(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)  # no .env from the working copy
    monkeypatch.setenv("MICROSOFT_APP_ID", APP_ID)
    monkeypatch.delenv("MICROSOFT_APP_TENANT_ID", raising=False)
    monkeypatch.delenv("FEEDBACK_SECRET", raising=False)

    result = CliRunner().invoke(cli, ["serve"])

    assert result.exit_code == 1
    assert "cannot start" in result.output
    assert "MICROSOFT_APP_TENANT_ID" in result.output and "FEEDBACK_SECRET" in result.output


def test_database_commands_refuse_a_half_configured_production_without_a_traceback(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MICROSOFT_APP_ID", "not-a-guid")
    refused = CliRunner().invoke(cli, ["measures", "mappings"], env={"COLUMNS": "200"})
    assert refused.exit_code == 1
    assert "Production mode (MICROSOFT_APP_ID is set) cannot start" in refused.output
    assert "FEEDBACK_SECRET must be set in production" in refused.output
    assert isinstance(refused.exception, SystemExit), refused.exception
