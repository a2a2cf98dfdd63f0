"""Everything the practice day feature says to people."""

# The plan card
PLAN_TITLE = "Plan a practice day"
PLAN_INTRO = (
    "On the day, each auditor gets the audit card for their case and each practitioner the reflection card, as in "
    "any collaborative audit. Auditors are always paired with a case from another team. At the end you and the "
    "area's leaders get the day's summary."
)
PLAN_DAY = "Date of the practice day"
PLAN_AREA = "Service area"
PLAN_TEMPLATE = "Audit"
PLAN_CASES = (
    "Cases: one per line, case reference, team, practitioner's e-mail, and if you wish the e-mail of the auditor "
    "you choose for that case (someone from another team)"
)
PLAN_CASES_PLACEHOLDER = (
    "LCS-123456, Riverside Family Support, sam.khan@northshire.example\n"
    "LCS-123457, Riverside Family Support, sam.khan@northshire.example, jo.pritchard@northshire.example"
)
PLAN_SAMPLE = "How many cases to audit (leave empty to audit every case listed)"
PLAN_SAMPLE_HINT = "qop picks them at random from the cases listed, leaving out any audited in the last 12 months."
PLAN_AUDITORS = "Auditors (each is paired with cases from other teams)"
PLAN_AUDITOR_EMAILS = "Other auditors by e-mail, if someone is not in the list"
PLAN_AUDITOR_EMAILS_PLACEHOLDER = "jo.pritchard@northshire.example, dana.marsh@northshire.example"
PLAN_SUBMIT = "Plan the practice day"

# Refusals and field problems
NOT_A_DATE = "Choose the date of the practice day."
DAY_IN_PAST = "The practice day cannot be in the past."
CHOOSE_AREA = "Choose the service area."
UNKNOWN_AREA = "That service area is not one qop knows. Choose one from the list."
CASES_NEEDED = "List the cases: one per line, case reference, team, practitioner's e-mail."
BAD_SAMPLE = "Give the number of cases as a whole number from 1 to {most}, or leave it empty."
AUDITORS_NEEDED = "Choose at least one auditor."
UNKNOWN_AUDITOR = "One of the auditors chosen is no longer an active member of the organisation."
UNKNOWN_AUDITOR_EMAIL = "No active member of the organisation has the e-mail {emails}."
BAD_AUDITOR_EMAIL = "Give each auditor's e-mail address, separated by commas."
TOO_MANY_CASES = "A practice day takes at most {most} cases."
NO_CASES_LEFT = "None of the cases listed can be audited: see the reasons below."
CASE_OUTSIDE_AREA = "team {team} is not in {area}"
SAMPLE_LEFT_OUT = "not picked for the sample"
CHOSEN_AUDITOR_UNKNOWN = "no active member of the organisation has the e-mail {email} (the auditor chosen)"
CHOSEN_AUDITOR_IS_PRACTITIONER = "the auditor chosen, {email}, is the case's practitioner"
CHOSEN_AUDITOR_SAME_TEAM = (
    "the auditor chosen, {email}, is in team {team} or manages it: choose an auditor from another team"
)
CANNOT_PAIR = (
    "qop cannot pair every case with an auditor from another team: {cases} would have no auditor. "
    "Add an auditor from another team, or take those cases off the list."
)
CANNOT_PAIR_SHORT = "Add an auditor from another team for these cases: {cases}."
ONLY_LEADERS_PLAN = (
    "Practice days are planned by the service area's senior managers and Heads of Service, or the QA lead. "
    "Ask one of them to plan it."
)
ONLY_LEADERS_SEE = (
    "The summary of a practice day is for whoever planned it, the service area's senior managers and Heads of "
    "Service, the QA lead and the Service Director."
)
NO_SUCH_DAY = "qop has no record of that practice day."
NOT_SUMMARISED_YET = "The summary is ready at the end of the practice day."
LINKS_OFF = "Spreadsheet links are not set up on this qop (REPORT_SIGNING_KEY is not set). Ask your administrator."

# The planned card
PLANNED_TITLE = "Practice day planned: {area}, {day}"
ALREADY_PLANNED = (
    "{area} already has a practice day planned for {day}: this is that plan, unchanged. "
    "A service area holds one practice day on a date."
)
PLANNED_INTRO = (
    "On {day} in the morning each auditor gets their audit card and each practitioner their reflection card. "
    "{count} cases are paired:"
)
PLANNED_TODAY = "The practice day is today: the cards have gone out to the {count} pairs."
PAIR_LINE = "{auditor} audits {case_ref} ({team}) with {practitioner}"
LEFT_OUT = "Cases left out"
ROW = "Line {row}"
WHOLE_DAY = "The day"
FACT_AREA = "Service area"
FACT_DAY = "Date"
FACT_TEMPLATE = "Audit"
FACT_STATUS = "Status"
STATUS_LABELS = {
    "planned": "Planned",
    "started": "Under way",
    "closed": "Finished: summary sent",
    "not_started": "Could not start",
}

# On the day
STARTED_TITLE = "Practice day under way: {area}"
STARTED = "{count} audits have gone out to their auditors and practitioners."
NOT_STARTED_TITLE = "Practice day could not start: {area}"
NOT_STARTED = "Not one of the planned audits could be started. The reasons are below; plan the day again if needed."

# The summary
SUMMARY_TITLE = "Practice day summary: {area}, {day}"
SUMMARY_COUNTS = "{submitted} of {planned} audits submitted ({template})."
SUMMARY_OVERALL = "Overall grades"
SUMMARY_STAGES = "Grades by stage"
SUMMARY_THEMES = "We would expect to see"
THEME_LINE = "{yes} of {answered} fully seen"
SUMMARY_WENT_WELL = "What went well"
SUMMARY_ACTIONS = "Actions raised"
ACTION_LINE = "{description} ({owner}, by {due}; case {case_ref})"
SUMMARY_NOT_COMPLETED = "Audits not completed"
NOT_COMPLETED_LINE = "{case_ref}: {auditor}, {status}"
SUMMARY_NOT_STARTED = "Cases that could not start"
NOTHING_YET = "None."
NO_GRADES = "No grades yet."
GRADE_COUNT = "{count}"
AUDIT_STATUS_LABELS = {"assigned": "not started", "in_progress": "in progress"}
SUMMARY_WORKBOOK = "Get the spreadsheet"
SUMMARY_SHOW = "Show the summary"
WORKBOOK_TITLE = "Practice day spreadsheet"
WORKBOOK_READY = "The spreadsheet of the practice day is ready. The link works for you only, until {expires}."
WORKBOOK_OPEN = "Download the spreadsheet"

# The spreadsheet
SHEET_SUMMARY = "Summary"
SHEET_GRADES = "Grades by stage"
SHEET_THEMES = "Themes"
SHEET_WENT_WELL = "What went well"
SHEET_ACTIONS = "Actions"
SHEET_NOT_COMPLETED = "Not completed"
COLUMN_MEASURE = "Measure"
COLUMN_VALUE = "Value"
COLUMN_STAGE = "Stage"
COLUMN_THEME = "We would expect to see"
COLUMN_YES = "Yes"
COLUMN_PARTLY = "Partly"
COLUMN_NO = "No"
COLUMN_NA = "Not applicable"
COLUMN_QUOTE = "What went well"
COLUMN_ACTION = "Action"
COLUMN_OWNER = "Owner"
COLUMN_DUE = "Due"
COLUMN_CASE = "Case reference"
COLUMN_AUDITOR = "Auditor"
COLUMN_STATUS = "Status"
COULD_NOT_START = "could not start"
MEASURE_AREA = "Service area"
MEASURE_DAY = "Date"
MEASURE_TEMPLATE = "Audit"
MEASURE_PLANNED = "Audits planned"
MEASURE_SUBMITTED = "Audits submitted"
OVERALL = "Overall"

CALENDAR_FINDINGS = (
    "Practice day: {submitted} of {planned} audits submitted, {actions} actions raised. The summary and its "
    "spreadsheet are in qop."
)

# The list
LIST_TITLE = "Practice days"
LIST_EMPTY = "No practice days are planned for the areas you lead. Type 'plan practice day' to plan one."
LIST_LINE = "{day}: {area} ({status}, {count} cases)"

# The web download
LINK_REFUSED = (
    "This spreadsheet link cannot be opened: it may have expired (links last a short while) or be incomplete. "
    "Open the practice day's summary in Teams and ask for the spreadsheet again."
)
