"""Every relative link in the README, the manual (docs/) and bench/README.md leads somewhere.

A link names a file that exists, and a link with a #fragment names a heading of that page (by
GitHub's rule for heading anchors), so moving or renaming a page or a heading breaks this test
rather than a reader's click.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([PROJECT_ROOT / "README.md", PROJECT_ROOT / "bench" / "README.md", *PROJECT_ROOT.glob("docs/*.md")])

FENCED_BLOCK = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def prose(markdown: str) -> str:
    """The text a reader sees as prose: fenced blocks, indented code and inline code removed."""
    without_fences = FENCED_BLOCK.sub("", markdown)
    lines = [line for line in without_fences.splitlines() if not line.startswith(("    ", "\t"))]
    return INLINE_CODE.sub("", "\n".join(lines))


def relative_links(markdown: str) -> list[str]:
    """Targets of the markdown links that point inside the repository (no scheme, not mail)."""
    return [target for target in LINK.findall(prose(markdown)) if not EXTERNAL.match(target)]


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"`([^`]*)`", r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors_of(page: Path) -> set[str]:
    return {anchor(heading) for heading in HEADING.findall(FENCED_BLOCK.sub("", page.read_text(encoding="utf-8")))}


def test_the_pages_exist() -> None:
    assert (PROJECT_ROOT / "docs" / "README.md") in PAGES
    assert len(PAGES) > 3


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(PROJECT_ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in relative_links(page.read_text(encoding="utf-8")):
        path_part, _, fragment = target.partition("#")
        destination = (page.parent / path_part).resolve() if path_part else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md" and fragment not in anchors_of(destination):
            broken.append(f"{target}: no heading #{fragment} in {destination.relative_to(PROJECT_ROOT)}")
    assert not broken, f"{page.relative_to(PROJECT_ROOT)} has broken links:\n" + "\n".join(broken)


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nSee [there](missing.md) and [here](#title), `[not](a-link.md)`.\n")
    assert relative_links(page.read_text()) == ["missing.md", "#title"]
    assert anchors_of(page) == {"title"}


def test_anchors_follow_github() -> None:
    assert anchor("Schedules (reminders, digests, the QA calendar)") == "schedules-reminders-digests-the-qa-calendar"
    assert anchor("Organisation import (bench/organisation_import.py)") == (
        "organisation-import-benchorganisation_importpy"
    )
