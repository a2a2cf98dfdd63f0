"""The broadcast progress card the sender sees, updated in place while messages go out."""

from __future__ import annotations

from cards import text_delivery as text
from cards import verbs
from cards.base import Json, action_row, card, execute, facts, paragraph, title


def progress_card(
    *,
    broadcast_id: int,
    title_text: str,
    status: str,
    total: int,
    sent: int,
    failed: int,
    blocked: int,
    cancelled: int,
) -> Json:
    """``status`` is running | finished | cancelled; the numbers are counts of recipients."""
    heading = {
        "finished": text.PROGRESS_FINISHED_TITLE,
        "cancelled": text.PROGRESS_CANCELLED_TITLE,
    }.get(status, text.PROGRESS_TITLE)
    line = progress_line(total=total, sent=sent, failed=failed, blocked=blocked, cancelled=cancelled)
    body = [
        title(heading.format(title=title_text)),
        paragraph(line),
        facts([(text.FACT_BROADCAST, f"B{broadcast_id}")]),
    ]
    body.append(paragraph(_note(status), subtle=True))
    if blocked:
        body.append(paragraph(text.PROGRESS_BLOCKED_NOTE, subtle=True))
    data = {"broadcast_id": broadcast_id}
    buttons = []
    if status == "running":
        buttons.append(execute(text.CANCEL_BUTTON, verbs.DELIVERY_CANCEL, data))
    if failed and status != "running":
        buttons.append(execute(text.RESEND_BUTTON, verbs.DELIVERY_RESEND_FAILED, data))
    buttons.append(execute(text.REFRESH_BUTTON, verbs.DELIVERY_REFRESH, data))
    return card([*body, action_row(*buttons)], fallback_text=line)


def progress_line(*, total: int, sent: int, failed: int, blocked: int, cancelled: int) -> str:
    """ "Sent 340 of 500 · 3 failed · 2 blocked" (zero counts left out)."""
    parts = [text.PROGRESS_LINE.format(sent=sent, total=total)]
    for count, wording in (
        (failed, text.PROGRESS_FAILED),
        (blocked, text.PROGRESS_BLOCKED),
        (cancelled, text.PROGRESS_CANCELLED),
    ):
        if count:
            parts.append(wording.format(count=count))
    return " \u00b7 ".join(parts)


def _note(status: str) -> str:
    return {
        "finished": text.PROGRESS_FINISHED_NOTE,
        "cancelled": text.PROGRESS_CANCELLED_NOTE,
    }.get(status, text.PROGRESS_RUNNING_NOTE)
