"""Organisation files for tests: the demo file and small YAML snippets written to a temp folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

from qop.settings import PROJECT_ROOT

DEMO_FILE = PROJECT_ROOT / "deploy" / "demo" / "organisation.yaml"

SMALL_ORGANISATION = """
service_areas: [Locality social work, Children in Care]
teams:
  - {name: Riverside Locality Team, service_area: Locality social work, manager: dana.marsh@northshire.example}
  - {name: Children in Care Team, service_area: Children in Care, manager: eve.lund@northshire.example}
people:
  - {email: dana.marsh@northshire.example, name: Dana Marsh, team: Riverside Locality Team, roles: [team manager]}
  - {email: eve.lund@northshire.example, name: Eve Lund, team: Children in Care Team, roles: [team manager]}
  - {email: sam.okafor@northshire.example, name: Sam Okafor, team: Riverside Locality Team, roles: [practitioner],
     aad_object_id: 00000000-0000-4000-8000-000000000001}
  - {email: jo.pritchard@northshire.example, name: Jo Pritchard, team: Riverside Locality Team, roles: [practitioner, moderator]}
  - {email: quinn.hale@northshire.example, name: Quinn Hale, roles: [QA lead]}
  - {email: ada.admin@northshire.example, name: Ada Admin, roles: [administrator]}
  - {email: helen.carrow@northshire.example, name: Helen Carrow, roles: [senior manager], senior_manager_of: [Locality social work]}
"""


def write(folder: Path, text: str, name: str = "organisation.yaml") -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path
