"""One typed settings object for the whole process, read from the environment and ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"


class Settings(BaseSettings):
    """Everything qop can be configured with.

    Local mode (no ``MICROSOFT_APP_ID``) accepts unauthenticated requests and is meant for
    the Teams playground on a developer's machine; production mode switches on inbound
    JWT validation, issuer validation and serviceUrl host validation.
    """

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    host: str = "127.0.0.1"
    port: int = Field(default=3978, validation_alias="PORT")
    playground_port: int = Field(default=56150, validation_alias="PLAYGROUND_PORT")

    database_url: str = f"sqlite+aiosqlite:///{VAR_DIR / 'qop.db'}"
    """SQLAlchemy URL of the application database (async driver)."""

    # Bot identity (Azure Bot resource). Empty app id = local no-auth mode.
    microsoft_app_id: str = ""
    microsoft_app_password: str = ""
    microsoft_app_tenant_id: str = ""
    microsoft_app_type: str = "SingleTenant"

    openid_metadata_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    """Where inbound token signing keys are discovered (tests point it at a local server)."""
    token_issuers: list[str] = ["https://api.botframework.com"]
    allowed_service_url_hosts: list[str] = [
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
    ]
    """Hosts a production activity's serviceUrl may name; replies only ever go there."""
    allow_private_service_urls: bool = False
    """Only for tests of production mode against a local Bot Connector stand-in."""

    max_request_bytes: int = 256 * 1024
    """Largest body accepted on /api/messages; Teams activities are far smaller."""

    public_base_url: str = ""
    """The externally reachable https base URL (for feedback links and reports)."""

    case_reference_pattern: str = r"^[A-Z]{0,4}\d{4,10}$"
    """Shape of a case reference from the case management system (LCS / EHM ids)."""

    timezone: str = "Europe/London"
    log_level: str = "INFO"

    @property
    def local_mode(self) -> bool:
        """True when no bot identity is configured: the playground / emulator case."""
        return not self.microsoft_app_id

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
