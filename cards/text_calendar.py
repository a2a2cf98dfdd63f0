"""What qop says about the QA calendar: reminders, the record of what happened, the per-unit
view and learning events. Plain English; never a child's name."""

UNIT_LABELS = {
    "service": "Service-wide",
    "service_area": "{name} (service area)",
    "team": "{name}",
    "team_manager": "{name}'s supervision",
}
STATE_LABELS = {"due": "coming up", "held": "held {held}", "late": "held late, {held}", "missed": "not recorded"}
METHOD_LABELS = {
    "PE": "Practice evaluation",
    "PM": "Performance management",
    "CA": "Collaborative audits",
    "F": "Feedback",
    "PL": "Practice leadership",
}

REMINDER_TITLE = "Coming up: {name}"
REMINDER_INTRO = "The {name} for {unit} is due on {due} ({frequency}). You are named as responsible in the QA calendar."
FACT_UNIT = "For"
FACT_DRIVES = "It feeds"
FACT_FRAMEWORK = "Framework names"
FACT_METHODS = "Methods"
REMINDER_STANDING_IN = (
    "Nobody in the organisation file holds the role of {roles} for it, so this reminder comes to you, "
    "the QA lead, in their place. "
    "Your qop administrator can name them in the organisation file."
)
REMINDER_ASK = "When it has taken place, record what happened: who came, what you found, and any actions."
BUTTON_IT_HAPPENED = "It happened"
BUTTON_RECORD = "Record"
BUTTON_SAVE = "Save the record"
BUTTON_NEXT = "Next"
BUTTON_LEARNING_EVENT = "Record a learning event"

RECORD_TITLE = "Record: {name}"
RECORD_INTRO_DUE = "For {unit}, due {due}. Say when it was held, who came and what you found."
RECORD_INTRO_AD_HOC = "For {unit}. Say when it was held, who came and what you found."
LABEL_HELD_ON = "Date held"
LABEL_ATTENDEES = "Who attended"
LABEL_FINDINGS = "Findings (a few lines)"
FINDINGS_PLACEHOLDER = "What you learnt. Case references only, never a child's or family member's name."
ACTIONS_HEADING = "Actions raised (optional)"
LABEL_ACTION_WHAT = "Action {number}: what must happen"
LABEL_ACTION_OWNER = "Action {number}: owner"
LABEL_ACTION_DUE = "Action {number}: due by"
ERROR_HELD_ON = "Please choose the date it was held."
ERROR_HELD_IN_FUTURE = "The date held cannot be in the future."
ERROR_ATTENDEES = "Please choose who attended from the list."
ERROR_FINDINGS_LONG = "Please keep the findings to {limit} characters."
ERROR_ACTION_WHAT = "Action {number}: say what must happen."
ERROR_ACTION_OWNER = "Action {number}: choose its owner from the list."
ERROR_ACTION_DUE = "Action {number}: choose a due date, today or later."

RECORDED_TITLE = "Recorded: {name}"
ALREADY_RECORDED_TITLE = "Already recorded: {name}"
RECORDED_BODY = "For {unit}: held on {held}."
ALREADY_RECORDED_BODY = "This was recorded already, so nothing was changed. For {unit}: held on {held}."
FACT_RECORDED_BY = "Recorded by"
FACT_ATTENDED = "Attended"
FACT_FINDINGS = "Findings"
NOBODY = "Nobody recorded"
NO_FINDINGS = "None recorded"
RAISED_HEADING = "Actions raised"
RAISED_LINE = "{description} \u2014 {owner}, due {due}"
IMPACT_NOTE = "Each action's owner is reminded, and asked later what difference it made (the evidence of impact)."

LIST_TITLE = "QA calendar"
LIST_INTRO = (
    "The framework's quality of practice cadence (Appendix 2) for the teams and areas you hold or oversee, "
    "from last month to the next two."
)
LIST_EMPTY = "Nothing is planned for you in this period."
UNIT_SUMMARY = "{held} held on time \u00b7 {late} late \u00b7 {missed} not recorded \u00b7 {due} coming up"
MORE_NOT_SHOWN = "{count} more occurrences are not shown. Each unit's figures above count them all."

PICK_TITLE = "Record a learning event"
PICK_INTRO = (
    "Back-to-the-floor days, peer challenge, learning from inspections and dispute resolutions are recorded "
    "whenever they happen, with findings and actions."
)
LABEL_PICK = "Which event, for whom"
PICK_CHOICE = "{name} \u2014 {unit}"
ERROR_PICK = "Please choose an event."
PICK_NONE = "You are not responsible for any learning event in the QA calendar."

ONLY_RESPONSIBLE = "Only the people responsible for the {name} in this unit can record it."
OUT_OF_DATE = "That calendar card is out of date: type 'qa calendar' to see the calendar."
NO_SUCH_ACTIVITY = "That QA calendar activity is no longer in the calendar."
