"""What qop says about compliments and complaints, and about practice it celebrates."""

CLIENT_FEEDBACK_TITLE = "Log a compliment or complaint"
CLIENT_FEEDBACK_INTRO = (
    "For client relations. Record the team and the themes; a case reference if there is one, never a name."
)
LABEL_KIND = "Compliment or complaint"
KIND_LABELS = {"compliment": "Compliment", "complaint": "Complaint"}
LABEL_TEAM = "Team"
LABEL_RECEIVED = "Received on"
LABEL_THEMES = "Themes, separated by commas (e.g. communication, timeliness)"
LABEL_CASE_REFERENCE = "Case reference (optional)"
LABEL_SUMMARY = "What it was about, in a line (no names)"
BUTTON_LOG = "Log it"

LOGGED_TITLE = "{kind} logged for {team}"
THEMES_TITLE = "Themes in the last 90 days"
THEMES_EMPTY = "Nothing logged in the last 90 days."
THEME_LINE = "{theme}: {compliments} compliment(s), {complaints} complaint(s)"

NOMINATE_TITLE = "Celebrate quality practice"
NOMINATE_INTRO = (
    "Nominate practice seen in an audit or an observation. Keep it anonymous: describe what was done well, "
    "without names, case references or anything that could identify a child or family."
)
LABEL_SOURCE = "Seen in"
SOURCE_LABELS = {"audit": "an audit", "observation": "an observation"}
LABEL_SOURCE_REF = "The audit's number (optional)"
LABEL_DESCRIPTION = "What was good, and why it mattered"
BUTTON_NOMINATE = "Nominate"

CELEBRATED_TITLE = "Practice we celebrate"
CELEBRATED_EMPTY = "Nothing nominated in the last 90 days yet."
CELEBRATED_LINE = "{team}, {source}, {day}"
NOMINATED = "Thank you: this example is now celebrated."

PROBLEMS = "Some answers need a look."
ERROR_KIND = "Choose compliment or complaint."
ERROR_TEAM = "Choose a team."
ERROR_RECEIVED = "Give the date it was received (today or earlier)."
ERROR_THEMES = "Give one to eight themes, separated by commas."
ERROR_CASE_REFERENCE = "Use the reference from the case system (for example LCS123456), never a name."
ERROR_DESCRIPTION = "Describe the practice you want to celebrate."
ERROR_NOT_ANONYMOUS = "Please remove the case reference: a celebrated example must not point to a child."
ERROR_SOURCE = "Choose an audit or an observation."
ERROR_TOO_LONG = "Keep it under {limit} characters."
