"""``make prod-like`` really starts: two production-mode instances behind nginx over TLS, ready
through the proxy, refusing unsigned activities, and it stops cleanly, dropping its database."""

from __future__ import annotations

import os
import re
import shutil
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import psycopg
import pytest

from tests.deploy.app_facts import PROJECT_ROOT
from tests.support.databases import POSTGRES_ADMIN_DSN, postgres_reachable
from tests.support.env import require
from tests.support.instances import free_port

STACK = PROJECT_ROOT / "deploy" / "prod-like" / "stack.py"
STARTS_WITHIN = 150.0  # two instances and nginx on a busy two-core machine

pytestmark = pytest.mark.e2e


def _read_until(process: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    seen = []
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        found = re.search(pattern, line)
        if found:
            return found
    raise AssertionError("the stack ended without " + repr(pattern) + ":\n" + "".join(seen))


def _database_exists(name: str) -> bool:
    with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as connection:
        return connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def test_the_stack_serves_readyz_over_tls_in_production_mode_and_stops_cleanly() -> None:
    require(
        shutil.which("nginx") is not None or Path("/usr/sbin/nginx").exists(), "nginx (apt-get install nginx-light)"
    )
    require(postgres_reachable(), "PostgreSQL at 127.0.0.1:5432")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(STACK)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PROD_LIKE_PORT": str(port), "PROD_LIKE_PEOPLE": "5"},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        ready = _read_until(process, r"prod-like stack ready: (https://\S+) \(logs in (\S+)\)")
        base, logs = ready.group(1), Path(ready.group(2))
        assert base == f"https://127.0.0.1:{port}"
        assert process.stdin is not None
        process.stdin.write("env\n")
        process.stdin.flush()
        database = _read_until(process, r'export DATABASE_URL="[^"]+/(\w+)"').group(1)
        assert _database_exists(database)

        trusting_the_proxy = ssl.create_default_context(cafile=str(logs / "proxy-cert.pem"))
        with urllib.request.urlopen(f"{base}/readyz", context=trusting_the_proxy, timeout=10) as response:
            assert response.status == 200
            assert b'"database": "ok"' in response.read()
        unsigned = urllib.request.Request(
            f"{base}/api/messages", data=b'{"type": "message"}', headers={"Content-Type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(unsigned, context=trusting_the_proxy, timeout=10)
        assert refused.value.code == 401  # production mode: a Bot Framework token is required
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(f"{base}/healthz", context=ssl.create_default_context(), timeout=10)

        process.stdin.write("quit\n")
        process.stdin.flush()
        _read_until(process, r"prod-like stack stopped")
        assert process.wait(timeout=60) == 0
        assert not _database_exists(database)
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=60)
