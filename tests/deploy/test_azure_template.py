"""The Azure template starts qop in production mode, with nothing it would refuse to start without.

The settings production mode insists on are read from ``qop.production`` (the problems a bare
production configuration has), never copied by hand. The container's environment is read from
the Bicep source, turned into real ``Settings`` and checked by the same code ``qop serve`` runs
before it starts. No Bicep compiler is installable here (it ships only as a NuGet/GitHub binary),
so the template is read as text; with ``bicep`` on PATH it is also compiled."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.connections import sdk_connection_settings
from qop.app import bot_config
from qop.production import production_problems
from qop.settings import Settings
from tests.deploy.app_facts import PROJECT_ROOT, app_routes, cli_command_exists, default_of, env_name

AZURE = PROJECT_ROOT / "deploy" / "azure"
MAIN = AZURE / "main.bicep"
APP = AZURE / "modules" / "app.bicep"
BOT = AZURE / "modules" / "bot.bicep"
A_GUID = "0a1b2c3d-0000-4000-8000-00000000abcd"
# Set by the template for what comes next, not read by qop yet (issue 18, telemetry).
NOT_YET_READ = {"APPLICATIONINSIGHTS_CONNECTION_STRING"}


@dataclass(frozen=True)
class EnvEntry:
    name: str
    kind: str  # "value" or "secretRef"
    expression: str


def bicep_block(text: str, opening: str) -> str:
    """The bracketed block that starts at ``opening`` (e.g. ``var secrets = [``)."""
    start = text.index(opening) + len(opening) - 1
    pairs = {"[": "]", "{": "}"}
    close, depth = pairs[text[start]], 0
    for index in range(start, len(text)):
        if text[index] == text[start]:
            depth += 1
        elif text[index] == close:
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    raise AssertionError(f"unclosed block after {opening!r}")


def template_env() -> list[EnvEntry]:
    block = bicep_block(APP.read_text(), "var environmentVariables = [")
    entries = re.findall(r"name:\s*'(\w+)'\s*\n\s*(value|secretRef):\s*([^\n]+)", block)
    assert entries
    return [EnvEntry(name, kind, expression.strip()) for name, kind, expression in entries]


def bicep_var(text: str, name: str) -> str:
    found = re.search(rf"^var {name} = (.+)$", text, re.MULTILINE)
    assert found, f"no var {name}"
    return found.group(1).strip()


def evaluate(entry: EnvEntry) -> str:
    """A value of the shape the deployment gives this entry: literals as written (interpolations
    filled), Azure ids as GUIDs, Key Vault references as a stand-in secret."""
    if entry.kind == "secretRef":
        return f"from-key-vault-{entry.expression.strip(chr(39))}-long-and-random"
    expression = entry.expression
    if expression.startswith("'"):
        return re.sub(r"\$\{[^}]+\}", "qop.council.example", expression.strip("'"))
    if expression.startswith("string(") and expression.endswith(")"):
        return bicep_var(APP.read_text(), expression[len("string(") : -1])
    if expression.lower().endswith("id"):  # identityClientId, tenant().tenantId
        return A_GUID
    return "value-chosen-at-deployment"


def required_in_production() -> set[str]:
    """The settings a production configuration with every default refuses to start without,
    as ``qop.production`` names them, plus MICROSOFT_APP_ID (which selects production mode)."""
    bare = Settings(_env_file=None, microsoft_app_id=A_GUID)
    problems = production_problems(bare)
    assert problems, "a bare production configuration should have problems"
    known = {env_name(field) for field in Settings.model_fields}
    named = {word for problem in problems for word in re.findall(r"\b[A-Z][A-Z0-9_]+\b", problem) if word in known}
    assert len(named) == len(problems), problems  # every problem names its setting
    return named | {env_name("microsoft_app_id")}


@pytest.fixture
def deployed_settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings exactly as a container started by the template reads them."""
    for name in {field.upper() for field in Settings.model_fields} | {env_name(f) for f in Settings.model_fields}:
        monkeypatch.delenv(name, raising=False)
    for entry in template_env():
        monkeypatch.setenv(entry.name, evaluate(entry))
    return Settings(_env_file=None)


def test_every_setting_production_refuses_to_start_without_is_set() -> None:
    required = required_in_production()
    assert {"MICROSOFT_APP_TENANT_ID", "FEEDBACK_SECRET"} <= required  # the derivation still finds them
    assert required <= {entry.name for entry in template_env()}


def test_the_template_environment_passes_the_production_start_check(deployed_settings: Settings) -> None:
    assert not deployed_settings.local_mode
    assert production_problems(deployed_settings) == []
    assert deployed_settings.report_signing_key is not None  # report links on
    assert deployed_settings.public_base_url.startswith("https://")


def test_the_bot_identity_is_the_managed_identity_with_no_client_secret(deployed_settings: Settings) -> None:
    assert sdk_connection_settings(bot_config(deployed_settings))["AUTHTYPE"] == "UserManagedIdentity"
    assert env_name("microsoft_app_password") not in {entry.name for entry in template_env()}
    bot = BOT.read_text()
    assert "msaAppType: 'UserAssignedMSI'" in bot and "msaAppMSIResourceId: identityId" in bot
    assert "channelName: 'MsTeamsChannel'" in bot
    main = MAIN.read_text()
    assert "identityClientId: identity.properties.clientId" in main
    assert "output botAppId string = identity.properties.clientId" in main
    for text in (main, APP.read_text(), bot):
        assert not re.search(r"(?i)clientsecret|msaAppPassword|MICROSOFT_APP_PASSWORD", text)


def test_every_variable_the_template_sets_is_a_real_setting() -> None:
    known = {env_name(field) for field in Settings.model_fields}
    unknown = {entry.name for entry in template_env()} - known - NOT_YET_READ
    assert not unknown, f"typos or settings qop does not have: {unknown}"


def test_secrets_come_from_key_vault_through_the_app_identity() -> None:
    app = APP.read_text()
    secrets = bicep_block(app, "var secrets = [")
    declared = dict(re.findall(r"name:\s*'([\w-]+)'\s*\n\s*keyVaultUrl:\s*(\w+)", secrets))
    assert secrets.count("identity: identityId") == len(declared)
    by_setting = {entry.name: entry.expression.strip("'") for entry in template_env() if entry.kind == "secretRef"}
    assert {env_name("feedback_secret"), env_name("report_secret"), env_name("database_url")} <= set(by_setting)
    assert set(by_setting.values()) <= set(declared)
    main = MAIN.read_text()
    assert re.search(r"databaseUrl: 'postgresql\+psycopg://[^\n]+\?sslmode=require'", main)


def test_probes_and_ingress_use_the_apps_port_and_health_paths(tmp_path: Path) -> None:
    app = APP.read_text()
    assert int(bicep_var(app, "appPort")) == default_of("port")
    assert "targetPort: appPort" in app
    probes = re.findall(r"type:\s*'(\w+)'\s*\n\s*httpGet:\s*\{\s*path:\s*'([^']+)'\s*\n\s*port:\s*(\w+)", app)
    by_type = {kind: (path, port) for kind, path, port in probes}
    assert by_type["Liveness"] == ("/healthz", "appPort")
    assert by_type["Readiness"] == ("/readyz", "appPort")
    served = app_routes(tmp_path)
    assert all(("GET", path) in served for path, _port in by_type.values())
    ports = {entry.name: evaluate(entry) for entry in template_env()}
    assert ports[env_name("port")] == str(default_of("port")) and ports[env_name("host")] == "0.0.0.0"


def test_the_messaging_endpoint_is_the_apps_messages_route(tmp_path: Path) -> None:
    assert "endpoint: 'https://${publicHost}/api/messages'" in BOT.read_text()
    assert ("POST", "/api/messages") in app_routes(tmp_path)


def test_each_replica_has_a_stable_executor_id_and_runs_qop_serve() -> None:
    app = APP.read_text()
    command = bicep_var(app, "serveCommand")
    assert f'export {env_name("executor_id")}="\\${{CONTAINER_APP_REPLICA_NAME:-$HOSTNAME}}"' in command
    assert command.endswith("exec python -m qop serve'") and cli_command_exists("serve")
    assert "args: [\n            serveCommand\n          ]" in app
    assert env_name("executor_id") not in {entry.name for entry in template_env()}


def test_migrations_are_a_separate_job_running_qop_db_upgrade() -> None:
    job = bicep_block(APP.read_text(), "resource migrate 'Microsoft.App/jobs@2024-03-01' = {")
    assert "triggerType: 'Manual'" in job
    args = re.search(r"args: \[\s*'(\w+)'\s*\n\s*'(\w+)'\s*\]", job)
    assert args is not None and cli_command_exists(*args.groups()) and args.groups() == ("db", "upgrade")
    assert "env: environmentVariables" in job and "secrets: secrets" in job


def test_at_least_two_replicas_in_uk_south_by_default() -> None:
    main = MAIN.read_text()
    assert re.search(r"@minValue\(2\)\n@maxValue\(\d+\)\n@description\([^\n]*\)\nparam minReplicas int = 2", main)
    assert "param location string = 'uksouth'" in main
    assert "@minValue(2)\nparam minReplicas int" in APP.read_text()


def test_every_parameter_and_output_is_documented_and_the_example_is_complete() -> None:
    main = MAIN.read_text()
    readme = (AZURE / "README.md").read_text()
    parameters = re.findall(r"^param (\w+) (\w+)( = .+)?$", main, re.MULTILINE)
    outputs = re.findall(r"^output (\w+) ", main, re.MULTILINE)
    undocumented = [name for name, *_ in parameters if f"`{name}`" not in readme]
    undocumented += [name for name in outputs if f"`{name}`" not in readme]
    assert not undocumented
    example = json.loads((AZURE / "main.parameters.example.json").read_text())["parameters"]
    names = {name for name, *_ in parameters}
    assert set(example) <= names
    assert {name for name, _type, default in parameters if not default} <= set(example)


def test_bicep_compiles_when_a_compiler_is_installed(tmp_path: Path) -> None:
    bicep = shutil.which("bicep")
    if bicep is None:
        pytest.skip("no Bicep compiler on PATH (only NuGet/GitHub ship it; not installable here)")
    done = subprocess.run(
        [bicep, "build", str(MAIN), "--outdir", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
