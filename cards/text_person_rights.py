"""Wording of a member of staff's erasure: what it kept, and why (``qop person erase``)."""

KEPT = {
    "audits": "An audit's answers, grades, moderation and reflections are the council's quality-assurance "
    "record of its practice (kept for the retention period); they now point to the anonymised person. The "
    "grades stay as they were; the name and e-mail are taken out of the answers, rationales, comments, "
    "escalation notes, drafts, partner agencies' answers and round titles.",
    "actions": "Actions are the council's record of what was agreed for a case; they stay with the "
    "anonymised person as raiser, owner or author of their notes, with the name and e-mail taken out of "
    "descriptions, notes, evidence, impact answers and date-change reasons.",
    "access_log": "The access log is the council's accountability record of who did what; entries stay, "
    "with the name and e-mail taken out of their summaries.",
    "surveys": "Survey invitations stay so group results keep their size; anonymous answers were never "
    "linked to anyone. The name and e-mail are taken out of survey titles and staff answers (named or "
    "anonymous) and broadcast titles.",
    "feedback": "Family feedback and safety alerts about cases they worked stay as case-related records.",
    "family_words": "The words of children and families in their feedback, and in the safety alerts it "
    "raised, stay as the family wrote them, name included: they are the family's own account of their case "
    "and safeguarding evidence, not something a member of staff wrote.",
    "messages_to_others": "Messages qop sent to other people that named them stay as sent until the delivery "
    "records are deleted (90 days after they were queued); messages to them are deleted now.",
    "improvement_plan": "Improvement priorities they owned or created, and the plan's history of changes, are "
    "the council's record of how it improves its service; they stay with the anonymised person, with the "
    "name and e-mail in priorities, milestones and the history replaced by the anonymised label.",
    "observations": "Practice observations where they were the practitioner or the observer, and their "
    "reflections, are the council's quality-assurance record of practice (kept for the retention period); "
    "they now point to the anonymised person, with the name and e-mail taken out of the answers and reflection.",
    "mapping": "Group supervision and mapping meetings, with the scale and rationale each attendee gave, are "
    "case-related records of the council's practice; their attendance stays with the anonymised person, with "
    "the name and e-mail taken out of the meeting's three questions and the rationales.",
    "client_feedback_and_practice_examples": "Compliments, complaints and practice examples they logged are "
    "the council's records about its service; they stay with the anonymised person as the one who logged them, "
    "with the name and e-mail taken out of their words.",
    "moderation_group": "Moderation group meetings they sat in and the outcomes the group agreed are the "
    "council's quality-assurance record of practice (kept for the retention period); membership and the "
    "outcomes they recorded stay with the anonymised person, with the name and e-mail taken out of the meeting's "
    "notes and the learning recorded.",
    "qim": "QIM decisions they recorded or changed, and their monthly assurance updates, are the council's "
    "record of how it governs its improvement work; they stay with the anonymised person, with the name and "
    "e-mail taken out of the decisions' wording, their history and the updates.",
    "qa_calendar": "QA calendar records they attended or recorded are the council's record that its quality "
    "assurance took place; attendance stays with the anonymised person, with the name and e-mail taken out of "
    "the findings and notes.",
    "names_not_recognised": "Taken out of the words: the e-mail, the full name (also as 'Surname, Forename', "
    "any capitals) and the e-mail's part before the @ when it is more than one of their names. A first name "
    "or a surname on its own, a nickname or initials stay: taking every such name out would take out everyone "
    "else who shares it. Someone must read the records above if those could identify them.",
}
"""What erasure keeps and why, by what (printed by ``qop person erase``; never any content)."""

ERASE_CHANGED = "{verb} (person #{person_id}), rows per table:"
ERASE_WOULD = "Would remove or anonymise"
ERASE_DID = "Removed or anonymised"
ERASE_KEPT = "Kept, and why:"
ERASE_KEPT_ROWS = "Rows kept, per table, now pointing to the anonymised person:"
ERASE_TO_DO = "To do:"
ERASE_DRY_RUN = "Dry run: nothing was changed."
ERASE_LOGGED = "Written to the access log (counts only)."
