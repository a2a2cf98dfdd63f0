"""What qop says about actions, reminders and the QA calendar (kept apart from cards/text.py
because there is a lot of it). Plain English; never a child's name."""

SOURCE_LABELS = {
    "audit": "Audit",
    "survey": "Feedback survey",
    "qim": "Quality Improvement Meeting",
    "practice_day": "Practice day",
    "qa_calendar": "QA calendar activity",
    "mapping": "Group supervision / mapping",
    "performance_clinic": "Performance clinic",
    "senior_leadership_clinic": "Senior leadership performance clinic",
    "manual": "Added by hand",
}
STATUS_LABELS = {"open": "Open", "overdue": "Overdue", "done": "Done", "cancelled": "Cancelled"}

FACT_WHAT = "What must happen"
FACT_DUE = "Due"
FACT_STATUS = "Status"
FACT_OWNER = "Owner"
FACT_SOURCE = "From"
FACT_CASE = "Case reference"
FACT_EVIDENCE = "Evidence"
FACT_PENDING = "New date asked for"

REMINDER_HEADINGS = {
    "due_soon": "An action is due soon",
    "due_today": "An action is due today",
    "overdue": "An action is overdue",
    "impact_more": "Your manager would like to know more about the impact",
    "view": "Your action",
}
REMINDER_INTROS = {
    "due_soon": "This is due on {due}. If it is done, tell me what was done; if it needs longer, ask for a new date.",
    "due_today": "This is due today. If it is done, tell me what was done; if it needs longer, ask for a new date.",
    "overdue": "This was due on {due}. Please mark it done, record progress, or ask your manager for a new date.",
    "view": "What would you like to do with this action?",
}

BUTTON_DONE = "Mark done"
BUTTON_NEW_DATE = "Ask for a new date"
BUTTON_PROGRESS = "Record progress"
BUTTON_REASSIGN = "Reassign"
BUTTON_CANCEL = "Cancel action"
BUTTON_SEND = "Send"
BUTTON_APPROVE = "Approve new date"
BUTTON_DECLINE = "Decline"
BUTTON_OPEN = "Open"
BUTTON_CREATE = "Create action"
BUTTON_MY_ACTIONS = "My actions"
BUTTON_TEAM_ACTIONS = "Team actions"
BUTTON_CHANGE_DATE = "Change the date"
BUTTON_ASK_MORE = "Ask for more"

LABEL_EVIDENCE = "What was done, and where can it be seen? (e.g. 'Plan updated in LCS on 14 March')"
ERROR_EVIDENCE = "Please say what was done."
LABEL_NEW_DATE = "New due date"
ERROR_NEW_DATE = "Please choose the new date."
LABEL_REASON = "Why is more time needed?"
ERROR_REASON = "Please give a reason."
LABEL_PROGRESS = "What has happened so far?"
ERROR_PROGRESS = "Please write a short note."
LABEL_NEW_OWNER = "Give this action to"
ERROR_NEW_OWNER = "Please choose a colleague."
LABEL_REASSIGN_REASON = "Why (optional)"
LABEL_CANCEL_REASON = "Why is this action no longer needed?"
LABEL_DECISION_NOTE = "A note for them (optional)"
LABEL_CHANGE_REASON = "Why is the date changing?"

IMPACT_TITLE = "What difference has this made?"
IMPACT_QUESTION = "What difference has this made for children and families, and how do you know?"
IMPACT_INTRO = "You completed this action on {completed}. Closing the loop helps the whole service learn."
IMPACT_MORE_INTRO = "Your manager asked: \u201c{note}\u201d"
LABEL_IMPACT = "The difference it made, and how you know (what children, families or colleagues said or did)"
ERROR_IMPACT = "Please describe the difference, even if it is small or not yet clear."

ESCALATION_TITLE = "An action in your team is overdue"
ESCALATION_INTRO = "{owner}'s action was due on {due} and is {days} working days overdue. They have been reminded."
# When the owner has no manager above them in their team (a team manager's own action, or a team whose
# manager has left):
ESCALATION_AREA_TITLE = "An overdue action in your service area has no line manager"
ESCALATION_AREA_INTRO = (
    "{owner}'s action was due on {due} and is {days} working days overdue. They have been reminded. "
    "Nobody in their team manages them (they are its manager, or it has none in qop now), so it comes to you "
    "as a senior manager for the service area."
)
ESCALATION_QA_TITLE = "An overdue action has nobody above its owner"
ESCALATION_QA_INTRO = (
    "{owner}'s action was due on {due} and is {days} working days overdue. They have been reminded. "
    "qop knows no manager or senior manager above them, so it comes to you as QA lead."
)

PROPOSAL_TITLE = "A new date has been asked for"
PROPOSAL_INTRO = "{owner} asks to move this action from {old} to {new}."
PROPOSAL_REASON = "Their reason"

IMPACT_REVIEW_TITLE = "Impact recorded for an action in your team"
IMPACT_REVIEW_INTRO = "{owner} says:"
LABEL_ASK_MORE = "What more would you like to know?"
ERROR_ASK_MORE = "Please say what you would like to know."

REASSIGNED_TITLE = "An action has been given to you"
REASSIGNED_INTRO = "{manager} has given you this action."

NEW_ACTION_TITLE = "New action"
NEW_ACTION_INTRO = "Every action needs one owner, a clear description of what must happen, and a due date."
LABEL_DESCRIPTION = "What must happen"
ERROR_DESCRIPTION = "Please describe what must happen."
LABEL_OWNER = "Owner"
ERROR_OWNER = "Please choose an owner."
LABEL_DUE = "Due date"
ERROR_DUE = "Please choose a due date."
LABEL_SOURCE = "Where does it come from?"
LABEL_CASE = "Case reference (optional; never a name)"
CASE_PLACEHOLDER = "e.g. LCS123456"

MY_ACTIONS_TITLE = "My actions"
MY_ACTIONS_EMPTY = "You have no open actions. Well done."
TEAM_ACTIONS_TITLE = "Team actions"
TEAM_ACTIONS_EMPTY = "Nobody in your team has an open action."
LIST_SUMMARY = "{open} open, {overdue} overdue."
LIST_MORE = "Showing the first {shown} of {total}."

DONE_TITLES = {
    "done": "Marked as done",
    "proposed": "New date asked for",
    "changed": "Due date changed",
    "progress": "Progress recorded",
    "approved": "New date approved",
    "declined": "New date declined",
    "reassigned": "Action reassigned",
    "cancelled": "Action cancelled",
    "impact": "Thank you: impact recorded",
    "more_asked": "Asked for more",
    "created": "Action created",
}
DONE_BODIES = {
    "done": "Thank you. In a few weeks I will ask what difference it made.",
    "proposed": "Your manager has been asked to approve {date}. Until then the current date stands.",
    "changed": "The action is now due on {date}. Reminders follow the new date.",
    "progress": "Your note is saved with the action.",
    "approved": "The action is now due on {date}. Its owner will be reminded on the new schedule.",
    "declined": "The due date stays {date}.",
    "reassigned": "{owner} now owns this action and will be reminded.",
    "cancelled": "No more reminders will be sent for it.",
    "impact": "Your answer counts as impact evidenced for this action.",
    "more_asked": "The owner will be asked again on their next working morning.",
    "created": "{owner} will be reminded before it is due on {date}.",
}


# -- refusals and field errors from the actions service and its handlers ------------------------

NOT_ASSIGNABLE = (
    "You can only give an action to someone active in a team you manage or oversee (the QA lead: anyone in the "
    "organisation), so nothing has changed. Open the action again to choose from the people you can pick."
)
ONLY_MANAGERS_GIVE = "Only managers and the QA lead can give actions to other people."
ONLY_MANAGERS_CREATE = "Only managers and the QA lead can create actions for other people."
TEAM_ACTIONS_NOT_MANAGER = "Team actions are for managers: you do not manage a team in qop."
UNKNOWN_PERSON = "I don't know you yet: say 'help' to me in a personal chat first."
ACTION_GONE = "That action no longer exists."
PROPOSAL_GONE = "That date proposal no longer exists."
CARD_OUT_OF_DATE = "That card is out of date: type 'my actions' to see your actions."
IMPACT_BEFORE_DONE = "Impact can be recorded once the action is done."
NO_IMPACT_TO_ASK_ABOUT = "There is no impact answer yet to ask more about."
OWNER_UNKNOWN = "The owner is not someone qop knows."
NEW_OWNER_UNKNOWN = "The new owner is not someone qop knows."
CHOOSE_COLLEAGUE = "Choose a colleague."
DUE_IN_PAST = "The due date is in the past."
NEW_DATE_IN_PAST = "The new date is in the past."
CHOOSE_TODAY_OR_LATER = "Choose today or a later date."
SAME_DUE_DATE = "That is already the due date."
CHOOSE_DIFFERENT_DATE = "Choose a different date."
CHOOSE_SOMEONE = "Please choose someone."
CHOOSE_DATE = "Please choose a date."
DATE_HINT = "Use a date like 2026-03-20 or 20/03/2026."

# What each required text is called in "Please add ..." (the field's name -> what to ask for).
WHAT_MUST_HAPPEN = "what must happen"
WHAT_WAS_DONE = "what was done (the evidence)"
REASON_FOR_NEW_DATE = "a reason for the new date"
PROGRESS_NOTE = "a progress note"
REASON_FOR_CANCELLING = "a reason for cancelling"
WHAT_DIFFERENCE = "what difference it made and how you know"
WHAT_MORE = "what more you would like to know"

# The note left on a pending date proposal that something else closed.
PROPOSAL_CLOSED_DONE = "The action was done."
PROPOSAL_CLOSED_REASSIGNED = "The action was reassigned."
PROPOSAL_CLOSED_CANCELLED = "The action was cancelled."
PROPOSAL_CLOSED_REPLACED = "Replaced by a newer proposal."


def please_add(label: str) -> str:
    """A required text left blank."""
    return f"Please add {label}."


def too_long(label: str) -> str:
    return f"{label.capitalize()} is too long."


def at_most_characters(limit: int) -> str:
    return f"At most {limit} characters."


def unknown_source(value: object) -> str:
    return f"Unknown source '{value}'."


def one_of(choices: str) -> str:
    return f"One of: {choices}."


def already_closed(status: str) -> str:
    """A change to an action that is already done or cancelled."""
    return f"This action is already {status}."


def not_a_date(text: str) -> str:
    return f"'{text}' is not a date."


def no_colleague_with_email(email: str) -> str:
    return f"No colleague with the e-mail '{email}'."


def missing_columns(names: list[str]) -> str:
    return "missing column(s): " + ", ".join(names)


def import_row_problem(message: str, field_errors: dict[str, str]) -> str:
    """Why one spreadsheet row was not imported: the refusal, then each field's problem."""
    details = "; ".join(f"{name}: {problem}" for name, problem in field_errors.items())
    return message + (f" ({details})" if details else "")


def unnamed_person(person_id: int) -> str:
    """How someone without a display name or e-mail is shown."""
    return f"Person {person_id}"
