"""Wording of the family's view inside an audit: the family step on the audit card, the form
answered together, and how the family's answers read on the audit."""

from __future__ import annotations

HEADING = "The family's view"
INTRO = (
    "Ask the family how they see the help they have had: their answers appear on this audit before you grade, "
    "for the moderator and in the finished audit. Choose who gives their view and how."
)
INTRO_PRACTITIONER = (
    "With the family beside you, you can ask for their view of the help they have had: their answers go to the "
    "auditor before they grade. Choose who gives their view and how."
)
WHO_LABEL = "Who gives their view?"
WHO = {
    "parent_carer": "A parent or carer",
    "young_person": "A young person (13 or over)",
    "child_8_12": "A child aged 8 to 12 (together now)",
    "child_under_8": "A child under 8 (together now)",
}
SEND_LINK = "Send a private link or QR code"
TOGETHER = "Answer together now"
NOT_POSSIBLE_HEADING = "If the family cannot give their view"
REASON_LABEL = "Why not?"
REASONS = {
    "declined": "They were asked and declined",
    "not_safe": "It was not safe to ask",
    "not_reached": "They could not be reached",
}
TRIES_LABEL = "How many times did you try? (when they could not be reached)"
RECORD_REASON = "Record why not"

HEARD = "The family gave their view."
NOT_YET = "The family has not given their view yet."
REASON_LINE = "Completed without the family's view: {reason}."
REASON_TRIES = "{reason} (after {tries} tries)"
WAITING = "Waiting for an answer: {form}, the link works until {day}."
NEW_LINK = "New link for {form}: share it by text, e-mail or the QR code. It works once, until {day}."
NEW_LINK_QR_ALT = "QR code of the private link"
ANSWER_HEADING = "{form} ({how}, {day})"
HOW = {"link": "through a private link", "with_worker": "answered together", "teams": "in Teams"}
LATE = "Arrived after the audit was submitted."
MORE_QUESTIONS = "Their full answers are on the audit."

LINK_MADE = "A private link has been made: it is shown below, once."
ANSWERS_KEPT = "The family's answers are kept with this audit."
REASON_RECORDED = "The reason is recorded. If the family gives their view later, it still counts."
VOICE_NEEDED = (
    "The family's view is needed before the audit can be submitted: send a link, answer together now, or record "
    "why it cannot be had."
)
VOICE_NEEDED_FIELD = "Ask the family, or record below why not."
CHOOSE_WHO = "Please choose who gives their view."
CHOOSE_WHO_FOR_LINK = "A private link is for a parent or carer or a young person: please choose one of them."
CHOOSE_REASON = "Please choose why the family cannot give their view."
TRIES_NEEDED = "Please say how many times you tried to reach the family (a number from 1 to 99)."
NOT_ASKED = "The audit of case {case_ref} does not ask for the family's view."
AUDIT_CLOSED = (
    "The audit of case {case_ref} has been submitted, so its family step is closed. A link already sent still "
    "works: answers that arrive now are kept and shown on the audit, marked late."
)
ANSWERS_FIELD = "Answers"
NOT_YOURS = (
    "Only the auditor of this audit, or the practitioner whose work it looks at, can ask the family for their view."
)

TOGETHER_NOTE = "Case {case_ref}: answered together for the audit. Read each question aloud if that helps."
BACK_TO_AUDIT = "Back to the audit"
BACK_TO_REFLECTION = "Back to my reflection"

# -- the old "did the child or family give their view?" question, answered from the family step ----
VIEW_NOT_YET = "Not yet: ask the family on the first page, or record there why not."
VIEW_FROM_STEP = "Taken from the family's view on the first page; it is not answered here."
