"""Everything the audit feature says to people."""

# Invitations and pages
INVITATION_TITLE = "An audit for you: case {case_ref}"
INVITATION_INTRO = (
    "You have been asked to audit this child's record with the practitioner. Your answers are saved as a draft "
    "at every step, so you can stop and come back at any time (type 'my tasks')."
)
START = "Start the audit"
CONTINUE = "Continue"
FACT_CASE = "Case reference"
FACT_TEMPLATE = "Audit"
FACT_TEAM = "Team"
FACT_PRACTITIONER = "Practitioner"
FACT_AUDITOR = "Auditor"
FACT_DUE = "Due by"
FACT_STATUS = "Status"
PRIVACY_REMINDER = (
    "Case reference only: please never type a child's or family member's name, date of birth, address or phone number."
)

PAGE_HEADER = "Case {case_ref} \u00b7 step {number} of {total}"
EXPECT_TO_SEE = "We would expect to see"
REQUIRED_MARK = " (required)"
BACK = "Back"
SAVE = "Save draft"
NEXT = "Save and continue"
SUBMIT = "Submit the audit"
DRAFT_SAVED = "Draft saved. You can close this and carry on later from 'my tasks'."
FIX_BEFORE_SUBMIT = "Some answers need a look before the audit can be submitted."
PAGE_HAS_ERRORS = "Please check the answers marked below."
CHOOSE = "Choose..."

ACTIONS_TITLE = "Actions agreed"
ACTIONS_INTRO = (
    "Agree the actions with the practitioner: what will happen, who owns it and by when. "
    "Fill in a row, then 'Add another action' for the next; leave the last row empty if you are done."
)
ADD_ACTION = "Add another action"
ACTION_ROW_ADDED = "Action {number} added below: fill it in."
ACTION_ROW_FILL_FIRST = "Fill in the empty action first, then add another."
ACTIONS_FULL = (
    "This audit holds {limit} actions, the most one card can. Once it is submitted, a manager or the QA lead can "
    "raise more with 'new action'."
)
ACTION_HEADING = "Action {number}"
ACTION_WHAT = "What needs to happen"
ACTION_OWNER = "Owner"
ACTION_DUE = "Due date"
OWNER_PRACTITIONER = " (practitioner)"
OWNER_TEAM_MANAGER = "The team manager"
OWNER_AUDITOR = " (auditor)"
ACTION_WHAT_NEEDED = "Say what needs to happen."
ACTION_TOO_LONG = "Please shorten this to 2000 characters or fewer."
ACTION_OWNER_NEEDED = "Choose who owns this action."
ACTION_DUE_NEEDED = "Choose a due date."
ACTION_DUE_IN_PAST = "The due date is in the past; choose today or a later date."

REVIEW_TITLE = "Check and submit"
REVIEW_INTRO = (
    "Read the practitioner's reflection, check your grades, then submit. After submitting the audit cannot be changed."
)
REFLECTION_HEADING = "The practitioner's reflection"
REFLECTION_NOT_YET = (
    "The practitioner has not sent their reflection yet; it is due by {due}. Read it before you grade: "
    "the audit can be submitted once it is in, or without it after that date."
)
REFLECTION_NOT_YET_UNDATED = "The practitioner has not sent their reflection yet. Read it before you grade."
REFLECTION_OVERDUE = (
    "Deadline passed: the practitioner's reflection was due by {due} and has not come. You can submit "
    "without it; the audit will say it was submitted without the practitioner's reflection."
)
WAITING_FOR_REFLECTION = (
    "Not submitted yet: the practitioner's reflection is due by {due}, and the auditor reads it before "
    "grading. Your answers are saved; submit once it is in, or without it after that date."
)
YOUR_GRADES = "Your grades"
NOT_ANSWERED = "not answered yet"
ACTIONS_SUMMARY = "Actions"
NO_ACTIONS = "No actions raised."

# After submission
SUBMITTED_TITLE = "Audit submitted: case {case_ref}"
SUBMITTED_ON = "Submitted"
MODERATION = "Moderation"
MODERATION_STATES = {
    "not selected": "Not selected for moderation",
    "awaiting moderation": "Waiting for a moderator",
    "moderated": "Moderated",
}
GRADES_HEADING = "Grades"
GRADE_LINE = "{section}: **{grade}**"
GRADE_LINE_MODERATED = "{section}: **{final}** (auditor: {original}; moderation {outcome})"
RATIONALE = "Rationale: {text}"
MODERATOR_SAYS = "Moderator: {text}"
PRACTITIONER_COMMENT = "Practitioner's comment: {text}"
SIGNS_OF_SAFETY = "Signs of Safety"
READ_ONLY_NOTE = "This audit is submitted and can no longer be changed."
SUBMITTED_WITHOUT_REFLECTION = "Submitted without the practitioner's reflection: deadline passed (it was due by {due})."

# Done together: the practitioner confirms the findings and actions
CONFIRM_TITLE = "Confirm the audit of case {case_ref}"
CONFIRM_INTRO = (
    "{auditor} has submitted the audit you did together. Read the findings and the actions, then confirm "
    "them or say what you disagree with. The grades are the auditor's: you cannot change them, but what "
    "you write here stays with the audit."
)
CONFIRM_CHOICE = "Do you confirm the findings and actions?"
CONFIRM_CHOICES = {
    "confirmed": "I confirm the findings and actions",
    "disagreed": "I disagree with part of them",
}
CONFIRM_DISAGREEMENT = "What do you disagree with, and why? (needed if you disagree)"
CONFIRM_SEND = "Send"
CONFIRM_CHOICE_NEEDED = "Choose whether you confirm the findings and actions."
CONFIRM_DISAGREEMENT_NEEDED = "Say what you disagree with, so the auditor and your manager can follow it up."
CONFIRM_CHECK = "Please check your answer."
CONFIRM_ALREADY = "You have already answered on this audit; here is what it records."
CONFIRMATION_HEADING = "Done together: the practitioner's confirmation"
CONFIRMATION_STATES = {
    "awaiting": "Waiting for the practitioner to confirm the findings and actions.",
    "confirmed": "The practitioner confirmed the findings and actions on {day}.",
    "disagreed": "The practitioner disagreed with part of the findings or actions on {day}: {text}",
}
CONFIRM_NOT_ASKED = "This audit was not done together, so there is nothing to confirm."
GRADES_ARE_THE_AUDITORS = (
    "Only the auditor grades an audit (and a moderator after them); grades cannot be changed here."
)

LATE_TITLE = "Arrived after submission: case {case_ref}"
LATE_FAMILY = (
    "The family's answers arrived after the audit was submitted. They are kept with the audit, "
    "marked as late; the grades stay as they were."
)
LATE_PARTNER = (
    "{agency}'s part arrived after the audit was submitted. It is kept with the audit, marked as late; "
    "the grades stay as they were."
)
LATE_OPEN = "Open the audit"

OUTCOME_TITLE = "Audit outcome: case {case_ref}"
OUTCOME_INTRO = "The audit of this case is complete. Here are the final grades."
COMMENT_LABEL = "Your comment on the final grade (optional)"
COMMENT_SEND = "Send my comment"
COMMENT_NEEDED = "Write a comment before sending."
COMMENT_CHECK = "Please check your comment."
COMMENT_SAVED = "Your comment has been added to the audit."

# Reflection
REFLECTION_TITLE = "Your reflection: case {case_ref}"
REFLECTION_INTRO = (
    "{auditor} is auditing this case with you. Before they finalise, tell them how you see the work. "
    "They will read this before they grade."
)
REFLECTION_DUE_BY = "Please send it by **{due}**: the auditor waits for it before submitting the audit."
SEND_REFLECTION = "Send my reflection"
REFLECTION_DONE_TITLE = "Reflection sent: case {case_ref}"
REFLECTION_DONE = "Thank you. Your reflection is with the auditor."

# Moderation
MODERATION_TITLE = "Moderate the audit of case {case_ref}"
MODERATION_INTRO = (
    "Agree each grade or change it. Every change needs a rationale. Both the auditor's grade and yours are kept, "
    "and the auditor and practitioner are told the outcome."
)
MODERATED_GRADE = "Moderated grade"
MODERATION_RATIONALE = "Rationale (required if you change the grade)"
MODERATE_SUBMIT = "Record moderation"
MODERATED_GRADE_NEEDED = "Choose the moderated grade."
MODERATION_RATIONALE_NEEDED = "Explain why you changed the grade."

# Selected for moderation, but nobody independent can moderate it
NO_MODERATOR_TITLE = "No moderator for the audit of case {case_ref}"
NO_MODERATOR_INTRO = (
    "This audit has been submitted and selected for moderation, but nobody independent can moderate it: "
    "everyone with the moderator or QA lead role carried out this audit or is the practitioner whose work it is "
    "(or nobody has those roles). Until someone can, it waits with no moderator, shown in the QA lead's "
    "**my tasks** as waiting for a moderator."
)
FACT_SUBMITTED = "Submitted"
NO_MODERATOR_WHY = "Why it needs moderation"
NO_MODERATOR_REASON_GRADE = "It has a grade that is always moderated: {grades}."
NO_MODERATOR_REASON_SAMPLE = "It was drawn in the random sample of audits that are moderated."
NO_MODERATOR_TO_DO = "What to do"
NO_MODERATOR_STEPS = (
    "Give the moderator role to someone who did not carry out this audit and is not the practitioner. "
    "An administrator types **admin roles** to qop, enters their e-mail, chooses *moderator* and presses "
    "*Add role*; or, on the server:"
)
NO_MODERATOR_COMMAND = "python -m qop org role add EMAIL moderator"
NO_MODERATOR_THEN = "qop then assigns this audit to them and sends them the moderation card: nothing else is needed."

# Stop and escalate
ESCALATION_TITLE = "Safeguarding concern raised in an audit"
ESCALATION_INTRO = (
    "An auditor has found what they believe is an immediate safeguarding concern. Please act on it now "
    "and record your response in the child's record."
)
ESCALATION_NOTE = "Auditor's note"
ESCALATION_RAISED = "Raised"
ESCALATION_NOTE_NEEDED = "Describe the concern so the manager can act on it (case reference only, no names)."
ESCALATION_SENT = (
    "Safeguarding concern sent to the team manager and the QA lead. Carry on with the audit when you are ready."
)

# Tasks
TASKS_TITLE = "Your tasks"
TASKS_EMPTY = "Nothing is waiting for you. Well done."
TASK_AUDIT_START = "Audit to start"
TASK_AUDIT_RESUME = "Audit in progress"
TASK_REFLECTION = "Reflection to write"
TASK_MODERATION = "Audit to moderate"
TASK_CONFIRM = "Audit done together: confirm the findings and actions"
TASK_UNASSIGNED = (
    "Nobody has been assigned to moderate it, and you may: you neither carried it out nor is it your case."
)
TASK_NO_MODERATOR = "Waiting for a moderator"
TASK_NO_MODERATOR_HINT = (
    "Nobody independent can moderate it, and you carried it out or it is your case. Have an administrator give "
    "someone independent the moderator role (**admin roles**): qop then assigns it to them."
)
TASK_DUE = "due {date}"
OPEN = "Open"

# Team audits
TEAM_AUDITS_TITLE = "Your teams' audits"
TEAM_AUDITS_EMPTY = "No audits of your teams yet."
TEAM_AUDIT_LINE = "**Case {case_ref}** \u00b7 {team} \u00b7 auditor {auditor} \u00b7 due {due}"
TEAM_AUDIT_STATUS = {
    "assigned": "Not started",
    "in_progress": "In progress",
    "moderation": "Submitted, waiting for a moderator",
    "completed": "Completed",
}
TEAM_AUDIT_NO_MODERATOR = (
    "Submitted, waiting for a moderator: nobody independent can moderate it yet. Give someone who neither carried "
    "it out nor is the practitioner the moderator role (**admin roles**)."
)
TEAM_AUDIT_GRADE = "Overall: {grade}"
ONLY_MANAGERS_SEE_TEAM_AUDITS = "Team audits are for team managers and the QA lead: you do not manage a team in qop."

# Rounds
ROUND_START_TITLE = "Start an audit round"
ROUND_START_INTRO = (
    "Choose the audit, the due date and the cases. One case per line: case reference, team, practitioner's "
    "e-mail, auditor's e-mail."
)
ROUND_TEMPLATE = "Audit template"
ROUND_DUE = "Due date"
ROUND_CASES = "Cases (one per line)"
ROUND_CASES_PLACEHOLDER = (
    "LCS100234, Riverside Locality Team, sam.practitioner@example.gov.uk, alex.auditor@example.gov.uk"
)
ROUND_START = "Start the round"
ROUND_STARTED_TITLE = "Audit round started: {title}"
ROUND_STARTED = "{count} audits sent to their auditors, due by {due}."
ROUND_NOTHING_STARTED = "No audits were started: every row needs fixing."
ROUND_PROBLEMS = "Rows not started"
ROUND_ROW = "Row {row}"
ROUND_DUE_NEEDED = "Choose a due date."
ROUND_CASES_NEEDED = "Add at least one case."
DUE_IN_PAST = "The due date is in the past."
ONLY_LEADS_START_ROUNDS = "Only the QA lead and team managers can start an audit round."
UNKNOWN_TEMPLATE = "There is no audit template by that name. Known templates: {known}."
UNKNOWN_TEMPLATE_SHORT = "Choose one of the audit templates."

ROW_BAD_HEADER = "the header must name the columns {columns} (missing {missing})"
ROW_EMPTY = "(empty)"
ROW_ROLE_PRACTITIONER = "practitioner"
ROW_ROLE_AUDITOR = "auditor"
ROW_BAD_CASE_REF = "{case_ref} is not a case reference in the expected format."
ROW_DUPLICATE_CASE = "{case_ref} is already in this round."
ROW_UNKNOWN_TEAM = "no team called {team}."
ROW_UNKNOWN_PERSON = "no active person with the e-mail {email} (the {role})."
ROW_SELF_AUDIT = "the auditor and the practitioner are the same person."

NO_SUCH_AUDIT = "I can't find that audit. It may have been cancelled."
NOT_SUBMITTED_YET = "The audit of case {case_ref} has not been submitted yet."
