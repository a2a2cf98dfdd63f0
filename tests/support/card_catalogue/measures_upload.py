"""Realistic examples of the cards for an extract uploaded in Teams: imported, checked, refused
with bad rows (more than the card lists), nothing to import, and a refused upload."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cards import text_measures as text
from cards.base import Json
from cards.measures_upload import BAD_ROWS_SHOWN, import_outcome_card, upload_refused_card
from views.measure_uploads import BadRow, ImportOutcome, UploadGuide

GUIDE = UploadGuide((".csv", ".xlsx"), 5 * 1024 * 1024, ("Liquidlogic monthly performance report", "ChAT workbook"))
MONTHS = (date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1))
TEAMS = ("Front Door", "Moorside Locality Team", "Riverside Locality Team")


def _outcome(**changes: object) -> ImportOutcome:
    base: dict[str, object] = {
        "file_name": "liquidlogic-2026-01.csv",
        "mapping_name": "Liquidlogic monthly performance report",
        "dry_run": False,
        "figures": 7,
        "replaced": 2,
        "teams": TEAMS,
        "months": MONTHS,
        "bad_rows": (),
    }
    return ImportOutcome(**{**base, **changes})  # type: ignore[arg-type]


def measures_upload_examples() -> Iterator[tuple[str, Json]]:
    yield "extract_imported", import_outcome_card(_outcome())
    yield "extract_checked", import_outcome_card(_outcome(dry_run=True, replaced=0))
    bad = tuple(BadRow(line, f"unknown team 'Team {line}'") for line in range(2, BAD_ROWS_SHOWN + 12))
    yield "extract_rejected_many_rows", import_outcome_card(_outcome(figures=1, replaced=0, bad_rows=bad))
    yield (
        "extract_rejected",
        import_outcome_card(
            _outcome(
                figures=1,
                replaced=0,
                teams=("Front Door",),
                months=(date(2026, 1, 1),),
                bad_rows=(
                    BadRow(3, "unknown team 'Nowhere Team'"),
                    BadRow(5, "month 2026-03 is in the future"),
                ),
            )
        ),
    )
    yield "extract_empty", import_outcome_card(_outcome(figures=0, replaced=0, teams=(), months=()))
    yield "upload_refused", upload_refused_card(text.REFUSED_IMPORT, GUIDE)
    yield (
        "upload_refused_no_mappings",
        upload_refused_card(text.UPLOAD_NO_MAPPINGS, UploadGuide((".csv", ".xlsx"), 512 * 1024, ())),
    )
