"""Cards for an extract uploaded in Teams: the import's result (or the rows that stopped it), and
a refusal with what qop accepts."""

from __future__ import annotations

from cards import text_measures as text
from cards.base import Json, card, facts, heading, paragraph, title
from views.measure_uploads import ImportOutcome, UploadGuide, size_text

BAD_ROWS_SHOWN = 25
"""Bad rows listed on the card; the rest are counted (a card must stay well under Teams' size limit)."""


def import_outcome_card(outcome: ImportOutcome) -> Json:
    """What the import (or the check) found and did: figures, teams, months, replaced; or the bad rows."""
    if outcome.rejected:
        heading_text, note = text.REJECTED_TITLE, text.REJECTED_NOTE
    elif outcome.dry_run:
        heading_text, note = text.CHECKED_TITLE, text.CHECKED_NOTE
    elif outcome.figures == 0:
        heading_text, note = text.CHECKED_TITLE, text.NOTHING_TO_IMPORT
    else:
        heading_text, note = text.IMPORTED_TITLE, None
    if outcome.imported:
        figures = text.OUTCOME_FIGURES_VALUE.format(
            figures=outcome.figures, new=outcome.figures - outcome.replaced, replaced=outcome.replaced
        )
    else:
        figures = text.OUTCOME_GOOD_FIGURES.format(figures=outcome.figures)
    summary = [(text.OUTCOME_FILE, outcome.file_name), (text.OUTCOME_MAPPING, outcome.mapping_name)]
    summary.append((text.OUTCOME_FIGURES, figures))
    if outcome.teams:
        summary.append((text.OUTCOME_TEAMS, ", ".join(outcome.teams)))
    if outcome.months:
        summary.append((text.OUTCOME_MONTHS, ", ".join(f"{month:%b %Y}" for month in outcome.months)))
    body = [title(heading_text), facts(summary)]
    if note:
        body.append(paragraph(note, subtle=not outcome.rejected))
    if outcome.rejected:
        body.append(heading(text.OUTCOME_BAD_ROWS.format(count=len(outcome.bad_rows))))
        shown = outcome.bad_rows[:BAD_ROWS_SHOWN]
        body.append(facts([(text.OUTCOME_LINE.format(line=row.line), row.reason) for row in shown]))
        if len(outcome.bad_rows) > len(shown):
            body.append(paragraph(text.OUTCOME_MORE_ROWS.format(count=len(outcome.bad_rows) - len(shown)), subtle=True))
    return card(body, fallback_text=heading_text)


def upload_refused_card(message: str, guide: UploadGuide) -> Json:
    """Why qop did not take an uploaded file, and what it does accept."""
    mappings = ", ".join(guide.mappings) or text.UPLOAD_NO_MAPPINGS_SHORT
    return card(
        [
            heading(text.UPLOAD_REFUSED_TITLE),
            paragraph(message),
            heading(text.UPLOAD_ACCEPTS_TITLE),
            paragraph(text.UPLOAD_ACCEPTS.format(limit=size_text(guide.max_bytes)), subtle=True),
            facts([(text.UPLOAD_MAPPINGS_LABEL, mappings)]),
        ],
        fallback_text=text.UPLOAD_REFUSED_TITLE,
    )
