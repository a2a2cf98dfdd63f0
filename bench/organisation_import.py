"""How long importing a county-sized organisation takes (first import, re-import, dry run).

    PYTHONPATH=. .venv/bin/python bench/organisation_import.py [PEOPLE] [sqlite|postgresql]

Defaults: 2,000 people in 100 teams across 6 service areas, on a scratch SQLite file (or a
scratch PostgreSQL database, created and dropped here: never a shared one).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

import yaml

from qop.app import build_services
from qop.settings import Settings
from storage import migrate
from storage.db import create_engine
from tests.support.databases import scratch_postgres_database

AREAS = ["First Contact", "Early Help", "Locality social work", "Children in Care", "Permanence", "Care Leavers"]


def organisation(people: int, teams: int = 100) -> dict:
    team_rows = [
        {"name": f"Team {t:03d}", "service_area": AREAS[t % len(AREAS)], "manager": f"manager{t:03d}@bench.example"}
        for t in range(teams)
    ]
    person_rows = [
        {
            "email": f"manager{t:03d}@bench.example",
            "name": f"Manager {t}",
            "team": f"Team {t:03d}",
            "roles": ["team manager"],
        }
        for t in range(teams)
    ]
    person_rows += [
        {
            "email": f"person{p:05d}@bench.example",
            "name": f"Person {p}",
            "aad_object_id": f"00000000-0000-4000-8000-{p:012d}",
            "team": f"Team {p % teams:03d}",
            "roles": ["practitioner", "moderator"] if p % 20 == 0 else ["practitioner"],
        }
        for p in range(people - teams)
    ]
    return {"service_areas": AREAS, "teams": team_rows, "people": person_rows}


async def main(people: int, backend: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        if backend == "postgresql":
            with scratch_postgres_database("qop_bench") as url:
                await run(people, url, Path(folder))
        else:
            await run(people, f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", Path(folder))


async def run(people: int, url: str, folder: Path) -> None:
    await asyncio.to_thread(migrate.upgrade, url)
    path = folder / "organisation.yaml"
    path.write_text(yaml.safe_dump(organisation(people)), encoding="utf-8")
    engine = create_engine(url)
    services = build_services(Settings(database_url=url, _env_file=None), engine)
    backend = url.split("+")[0]
    for label, kwargs in (("dry run (empty db)", {"dry_run": True}), ("first import", {}), ("re-import", {})):
        started = time.perf_counter()
        report = await services.organisation.import_file(path, **kwargs)
        elapsed = time.perf_counter() - started
        changes = f"{len(report.changed)} changes, {len(report.rejections)} rejected"
        print(f"{backend:10} {label:20} {people} people: {elapsed:6.2f} s, {changes}")
    await engine.dispose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000, sys.argv[2] if len(sys.argv) > 2 else "sqlite"))
