"""What qop says about the moderation group. Plain English; families are known by case reference
only, and learning is shared without naming the worker."""

THEME_LABELS: dict[str, str] = {
    "risk_sensible": "Risk-sensible decisions",
    "child_voice": "The child's voice",
    "family_collaboration": "Collaboration with the family",
    "analytic_recording": "Analytic recording",
    "respectful_language": "Simple, respectful language",
    "knowledge_research": "Knowledge and research applied",
    "family_feedback": "Feedback sought from the family",
}
"""The framework's seven "we would expect to see" statements, as learning themes."""

OUTCOME_LABELS = {"agreed": "agreed", "raised": "raised", "lowered": "lowered"}
CADENCE_LABELS = {1: "Monthly", 2: "Bi-monthly (every two months)", 3: "Quarterly"}

# -- scheduling ---------------------------------------------------------------------------------------

SCHEDULE_TITLE = "Schedule a moderation group meeting"
SCHEDULE_INTRO = (
    "The moderation group (Head of Service, Principal Social Worker, IRO manager) meets every two months "
    "to moderate a sample of submitted audits. Choose the date, who sits in it, and the audits: pick them, "
    "or have qop draw a sample."
)
DATE_LABEL = "Date of the meeting"
CADENCE_LABEL = "How often the group meets"
MEMBERS_LABEL = "Members (by role)"
NO_MEMBERS_TO_CHOOSE = (
    "Nobody holds the Head of Service, Principal Social Worker or IRO manager role yet: an administrator "
    "gives the roles with 'admin roles'."
)
AUDITS_LABEL = "Audits to moderate (pick some)"
NO_AUDITS_TO_PICK = "No submitted audits to pick yet."
SAMPLE_HEADING = "...or draw a sample"
SAMPLE_LABEL = "How many audits to sample"
SINCE_LABEL = "Submitted from"
UNTIL_LABEL = "Submitted until"
AREA_LABEL = "Service area (optional)"
ANY_AREA = "Any service area"
SCHEDULE = "Schedule the meeting"
REQUIRED_MARK = " *"
CHOOSE = "Choose"
PAGE_HAS_ERRORS = "Some answers need a look before this can be saved (marked below)."
MEMBER_CHOICE = "{name} ({role})"
AUDIT_CHOICE = "{case_ref}, {team} ({grade}, submitted {submitted})"
NO_GRADE = "no overall grade"

DATE_NEEDED = "Choose the date of the meeting."
DATE_PASSED = "That date has passed: schedule the meeting for today or later."
CADENCE_NEEDED = "Choose how often the group meets."
MEMBERS_NEEDED = "Choose at least one member of the group."
MEMBER_UNKNOWN = "Choose members from the list: someone chosen no longer holds a moderation group role."
AUDITS_NEEDED = "Pick at least one audit, or say how many to sample."
AUDITS_BOTH = "Either pick audits or draw a sample, not both."
AUDIT_UNKNOWN = "Pick audits from the list: one of them is not a submitted audit."
SAMPLE_INVALID = "Type a number of audits from 1 to {most}."
PERIOD_INVALID = "Choose the period the sample is drawn from (from a date, until the same or a later date)."
AREA_UNKNOWN = "Choose a service area from the list."
NOTHING_TO_SAMPLE = "No submitted audits in that period{area}: widen the period or pick audits instead."
IN_AREA = " in {area}"

# -- the meeting --------------------------------------------------------------------------------------

MEETING_TITLE = "Moderation group, {day}"
JUST_SCHEDULED = "Scheduled. Each member has been sent this meeting in their chat with qop."
FACT_DATE = "Date"
FACT_CADENCE = "Meets"
FACT_MEMBERS = "Members"
FACT_CALENDAR = "QA calendar"
CALENDAR_OCCURRENCE = "the moderation group due {day}"
FACT_NEXT = "Next meeting"
AUDITS_HEADING = "Audits to moderate"
AUDIT_LINE = "**{case_ref}**, {team}: {template}"
AUDIT_WAITING = "Auditor's overall grade: {grade}. Not discussed yet."
AUDIT_RECORDED = "Agreed: {agreed} ({outcome}; auditor's grade {original}). Themes: {themes}."
NO_THEMES = "none"
READ = "Read"
RECORD_OUTCOME = "Record outcome"
MEETING_THEMES_HEADING = "The meeting's learning"
MEETING_NOT_CLOSED = "When the group has discussed the audits, record the meeting's themes and notes to close it."
MEETING_CLOSED = "Themes: {themes}."
RECORD_MEETING = "Record the meeting's themes"
READ_ONLY_NOTE = (
    "The group reads each audit as submitted, with the family's and the practitioner's voice; nothing is "
    "changed in the audit itself."
)
INVITATION_INTRO = "You are invited to the moderation group on {day}. Read each audit before the meeting."
BACK_TO_MEETING = "Back to the meeting"

# -- recording outcomes ------------------------------------------------------------------------------

OUTCOME_TITLE = "Moderation group: case {case_ref}"
OUTCOME_INTRO = "What the group agreed for this audit. The auditor and the practitioner are told."
FACT_AUDITOR_GRADE = "Auditor's overall grade"
GRADE_LABEL = "Agreed overall grade"
THEMES_LABEL = "Learning themes"
LEARNING_LABEL = "Learning for the auditor and practitioner (no names)"
RATIONALE_NEEDED = "The group changed the grade: say why, for the auditor and the practitioner."
GRADE_NEEDED = "Choose the grade the group agreed."
THEME_UNKNOWN = "Choose themes from the list."
SAVE_OUTCOME = "Save the outcome"
PRIVACY_REMINDER = "Please don't type names, addresses or dates of birth: the case reference is enough."

CLOSE_TITLE = "Moderation group, {day}: the meeting's learning"
CLOSE_INTRO = (
    "The themes the group saw across the audits, and notes for the QIM and managers. Saving closes the "
    "meeting and records it held in the QA calendar."
)
NOTES_LABEL = "Notes for the QIM and managers (no names)"
MEETING_THEMES_NEEDED = "Choose at least one theme the group saw across the audits."
CLOSE = "Save and close the meeting"
STILL_WAITING = "{count} audit(s) still have no outcome: record them first, or take them off by not discussing them."

# -- telling the auditor and practitioner ------------------------------------------------------------

NOTICE_TITLE = "Moderation group outcome: case {case_ref}"
NOTICE_INTRO = "The moderation group of {day} discussed this audit."
NOTICE_GRADE = "Overall grade: {agreed} ({outcome}; the auditor's grade was {original})."
NOTICE_THEMES = "Learning themes: {themes}."
NOTICE_LEARNING = "Learning: {text}"
OPEN_AUDIT = "Open the audit"

# -- the list --------------------------------------------------------------------------------------

LIST_TITLE = "Moderation group"
LIST_EMPTY = "No moderation group meetings for you yet."
LIST_LINE = "**{day}**: {recorded} of {audits} audits discussed{closed}"
LIST_CLOSED = ", closed"
OPEN = "Open"
NEW_MEETING = "Schedule a meeting"

# -- refusals ------------------------------------------------------------------------------------------

ONLY_QA_LEAD_SCHEDULES = "Only the QA lead schedules moderation group meetings."
NO_SUCH_MEETING = "That moderation group meeting no longer exists."
NOT_ON_THE_LIST = "That audit is not on this meeting's list."
MEETING_ALREADY_CLOSED = "This meeting is closed: what it agreed stands."
ONLY_MEMBERS = (
    "Only the members of this moderation group meeting and the QA lead can open it. Ask the QA lead to add you."
)
NOT_INDEPENDENT = "You carried out this audit or it is your case: another member records the group's outcome for it."

# -- the QIM report --------------------------------------------------------------------------------

REPORT_SHEET = "Moderation group"
REPORT_MEASURE = "Measure"
REPORT_NUMBER = "Number"
REPORT_MEETINGS = "Moderation group meetings held"
REPORT_AUDITS = "Audits the group moderated"
REPORT_AGREED = "Overall grade agreed"
REPORT_RAISED = "Overall grade raised"
REPORT_LOWERED = "Overall grade lowered"
REPORT_THEME = "Learning theme"
REPORT_TIMES_NAMED = "Times named (audits and meetings)"
REPORT_NOTE = (
    "The moderation group (Head of Service, Principal Social Worker, IRO manager) meets every two months and "
    "moderates audits from every team: these figures are service-wide, whatever the report's scope."
)
