"""An extract uploaded in Teams, as read models: what qop accepts, and what an import found and did.

Built by ``services.measures.uploads`` and rendered by ``cards.measures_upload``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class UploadGuide:
    """What qop accepts as an uploaded extract, shown beside every refusal."""

    file_types: tuple[str, ...]
    """File endings accepted, e.g. ``(".csv", ".xlsx")``."""
    max_bytes: int
    mappings: tuple[str, ...]
    """The names of the column mappings qop can read extracts with."""


@dataclass(frozen=True)
class BadRow:
    line: int
    """The row's number as a spreadsheet shows it."""
    reason: str


@dataclass(frozen=True)
class ImportOutcome:
    """What an uploaded extract's import (or check) found and did: all of it, or nothing."""

    file_name: str
    mapping_name: str
    dry_run: bool
    figures: int
    """Good figures found (and, unless a dry run or rejected, written)."""
    replaced: int
    """Of those written, how many replaced a figure already stored for the same indicator, team and month."""
    teams: tuple[str, ...]
    months: tuple[date, ...]
    bad_rows: tuple[BadRow, ...]

    @property
    def rejected(self) -> bool:
        return bool(self.bad_rows)

    @property
    def imported(self) -> bool:
        return not self.rejected and not self.dry_run and self.figures > 0


def size_text(size: int) -> str:
    """A size in bytes as people read it: 5 MB, 512 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):g} MB"
    return f"{max(size // 1024, 1)} KB"
