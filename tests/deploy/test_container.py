"""The container image definition agrees with the app it packages.

No Docker engine runs here, so the Dockerfile is parsed: its base, stages, user, port,
environment, entry point, migration command and health check are checked against the real
CLI, settings and routes, and the .dockerignore against the files the app needs at runtime."""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from qop.settings import Settings
from tests.deploy.app_facts import PROJECT_ROOT, app_get_paths, cli_command_exists, default_of, env_name

DOCKERFILE = PROJECT_ROOT / "deploy" / "container" / "Dockerfile"
DOCKERIGNORE = PROJECT_ROOT / ".dockerignore"
MIGRATION_COMMAND = ("db", "upgrade")
COMPILERS = ("gcc", "g++", "cc", "clang", "build-essential", "make", "rustc", "cargo")


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str

    def exec_form(self) -> list[str]:
        """The JSON (exec) form's words, or the shell form split like a shell would."""
        text = self.arguments.strip()
        return json.loads(text) if text.startswith("[") else shlex.split(text)


@dataclass(frozen=True)
class Stage:
    base: str
    name: str | None
    instructions: list[Instruction]

    def all(self, keyword: str) -> list[Instruction]:
        return [instruction for instruction in self.instructions if instruction.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"no {keyword} in stage {self.name or self.base}"
        return found[-1]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            for pair in shlex.split(instruction.arguments):
                key, _, value = pair.partition("=")
                values[key] = value
        return values


def instructions(text: str) -> list[Instruction]:
    """Dockerfile instructions with line continuations joined and comments dropped."""
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    parsed = []
    for line in logical:
        keyword, _, arguments = line.partition(" ")
        parsed.append(Instruction(keyword.upper(), arguments.strip()))
    return parsed


def stages(text: str) -> list[Stage]:
    """The build stages, with global ARG defaults substituted into each FROM."""
    global_args: dict[str, str] = {}
    result: list[Stage] = []
    for instruction in instructions(text):
        if instruction.keyword == "ARG" and not result:
            name, _, default = instruction.arguments.partition("=")
            global_args[name] = default
        elif instruction.keyword == "FROM":
            words = instruction.arguments.split()
            base = re.sub(r"\$\{?(\w+)\}?", lambda match: global_args[match.group(1)], words[0])
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else None
            result.append(Stage(base, name, []))
        else:
            assert result, f"{instruction.keyword} before the first FROM"
            result[-1].instructions.append(instruction)
    return result


@pytest.fixture(scope="module")
def parsed() -> list[Stage]:
    return stages(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(parsed: list[Stage]) -> Stage:
    return parsed[-1]


def test_multi_stage_on_the_official_slim_python_3_11_image(parsed: list[Stage]) -> None:
    assert len(parsed) >= 2
    for stage in parsed:
        assert re.fullmatch(r"python:3\.11-slim(-\w+)?", stage.base), stage.base
    copies = [instruction.arguments for instruction in parsed[-1].all("COPY")]
    builders = {stage.name for stage in parsed[:-1]}
    assert any(re.search(rf"--from=({'|'.join(map(re.escape, builders))})\b", copy) for copy in copies)


def test_the_pinned_requirements_are_installed_from_binary_wheels_only(parsed: list[Stage]) -> None:
    pins = [
        line.split("#")[0].strip()
        for line in (PROJECT_ROOT / "requirements.txt").read_text().splitlines()
        if line.split("#")[0].strip()
    ]
    assert pins and all(re.fullmatch(r"[\w.\-\[\]]+==[\w.]+", pin) for pin in pins), pins
    runs = [run.arguments for stage in parsed[:-1] for run in stage.all("RUN")]
    [install] = [run for run in runs if "pip install" in run]
    assert "-r /tmp/requirements.txt" in install and "--only-binary=:all:" in install
    assert any(copy.arguments.split()[0] == "requirements.txt" for stage in parsed[:-1] for copy in stage.all("COPY"))


def test_no_compiler_or_package_installation_in_the_final_image(final: Stage) -> None:
    for run in final.all("RUN"):
        words = set(re.split(r"[\s;&|]+", run.arguments))
        assert not words & set(COMPILERS), run.arguments
        assert "apt-get" not in words and "pip" not in words, run.arguments


def test_the_final_image_runs_as_a_named_non_root_user(final: Stage) -> None:
    user = final.last("USER").arguments.split(":")[0]
    assert user not in ("root", "0", "")
    created = " ".join(run.arguments for run in final.all("RUN"))
    assert re.search(rf"useradd\b.*\b{re.escape(user)}\b", created)


def test_port_and_host_agree_with_the_settings(final: Stage, monkeypatch: pytest.MonkeyPatch) -> None:
    env = final.env()
    port = default_of("port")
    assert final.last("EXPOSE").arguments.split("/")[0] == str(port)
    assert env[env_name("port")] == str(port)
    # Listening on the container's own loopback only would make the port unreachable.
    assert env[env_name("host")] == "0.0.0.0"
    for name in (env_name("host"), env_name("port")):
        monkeypatch.setenv(name, env[name])
    read = Settings(_env_file=None)
    assert (read.host, read.port) == ("0.0.0.0", port)


def test_the_entry_point_is_python_m_qop_serve_and_the_commands_exist(final: Stage) -> None:
    entry = final.last("ENTRYPOINT").exec_form() + final.last("CMD").exec_form()
    assert entry[:3] == ["python", "-m", "qop"]
    assert entry[3:] == ["serve"] and cli_command_exists(*entry[3:])
    # Migrations run as a one-off container with the same entry point: `docker run IMAGE db upgrade`.
    assert cli_command_exists(*MIGRATION_COMMAND)
    assert f"qop:TAG {' '.join(MIGRATION_COMMAND)}" in DOCKERFILE.read_text()
    assert final.env()["PATH"].startswith("/opt/venv/bin:")


def test_python_m_qop_answers_for_the_entry_point_and_the_migration_command() -> None:
    for words in (("serve",), MIGRATION_COMMAND):
        done = subprocess.run(
            [sys.executable, "-m", "qop", *words, "--help"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr


def test_the_health_check_asks_the_apps_liveness_path_on_its_port(final: Stage, tmp_path: Path) -> None:
    check = final.last("HEALTHCHECK").arguments
    assert check.startswith("--interval=") and " CMD " in f" {check}"
    command = " ".join(Instruction("CMD", check.split(" CMD ", 1)[1]).exec_form())
    path = re.search(r"(/\w+)'", command)
    assert path is not None and path.group(1) == "/healthz"
    assert path.group(1) in app_get_paths(tmp_path)
    assert f"os.environ.get('{env_name('port')}', '{default_of('port')}')" in command


def _ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule, close enough for our file: a pattern excludes a path when it matches the
    path or one of its folders; ``**/x`` matches ``x`` at any depth."""
    parts = path.split("/")
    prefixes = ["/".join(parts[:end]) for end in range(1, len(parts) + 1)]
    for pattern in patterns:
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes):
            return True
    return False


def test_dockerignore_keeps_secrets_out_and_everything_the_app_needs_in() -> None:
    patterns = [
        line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")
    ]
    for secret_or_state in (".env", ".env.production", ".venv/bin/python", ".git/config", "var/qop.db"):
        assert _ignored(secret_or_state, patterns), secret_or_state
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    packages = {
        path.parent.name for path in PROJECT_ROOT.glob("*/__init__.py") if path.parent.name not in ("tests", "bench")
    }
    assert {"qop", "bot", "cards", "services", "storage"} <= packages
    needed = [path for path in tracked if path.split("/")[0] in packages] + [
        "alembic.ini",
        "requirements.txt",
        "deploy/teams/manifest.json",
        "deploy/demo/organisation.yaml",
    ]
    assert not [path for path in needed if _ignored(path, patterns)]
    assert _ignored("tests/conftest.py", patterns) and _ignored("storage/__pycache__/x.pyc", patterns)
