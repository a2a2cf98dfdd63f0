"""Wording for the dashboard page (the Teams tab): headings, table captions, refusals."""

PAGE_TITLE = "Quality of practice dashboard"
WHOLE_SERVICE = "The whole service"
OWN_WORK = "{name}: your own work"
SEES_SERVICE = "sees the whole service"
SEES_AREAS = "sees their service area(s)"
SEES_TEAM = "sees {team}"
SEES_OWN = "sees their own work"

NO_SUCH_TEAM = "There is no active team with that number. Go back to the dashboard and choose a team from the list."
NO_SUCH_AREA = "There is no service area with that number. Go back to the dashboard and choose one from the list."
REFUSED_SERVICE = (
    "The whole service's figures are for the Service Director, the QA lead and the performance analysts. "
    "You can see the places listed on your dashboard."
)
REFUSED_AREA = (
    "A service area's figures are for its senior managers, the Service Director, the QA lead and the performance "
    "analysts. You can see the places listed on your dashboard."
)
REFUSED_TEAM = (
    "A team's figures are for its team manager, the senior managers of its service area, the Service Director, the "
    "QA lead and the performance analysts. You can see the places listed on your dashboard."
)
SIGN_IN_FAILED = (
    "qop could not confirm who you are, so it shows nothing. Close the tab and open it again; if it keeps happening, "
    "tell your qop administrator."
)
NOT_IN_ORGANISATION = (
    "qop does not know you from the organisation list yet, so there is nothing to show. Give your qop administrator "
    "your work e-mail address."
)
BAD_REQUEST = "That address is not one the dashboard understands. Go back to the dashboard and choose from the lists."
LOCAL_BANNER = (
    "LOCAL DEMO MODE: not signed in. Pick a person from the demo organisation to see what they would see. "
    "A production qop never shows this picker."
)
NOSCRIPT = "The dashboard needs JavaScript, which is switched off or blocked in this browser."
LOADING = "Loading the figures..."
CONFIGURE_HEADING = "Add the qop dashboard to this channel"
CONFIGURE_BODY = (
    "The tab shows each person what they may see: the team's manager sees the team, senior managers their service "
    "area, the QA lead the whole service. Choose Save to add it."
)

STAGES = {
    "assigned": "Assigned",
    "in_progress": "In progress",
    "moderation": "In moderation",
    "completed": "Completed",
    "cancelled": "Cancelled",
}
CHANNELS = {"teams": "In Teams", "link": "By link", "with_worker": "With their worker"}
DIRECTIONS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}
NO_DATA = "no data"
ON_TARGET = "on target"
OFF_TARGET = "off target"
NEAR_TARGET = "within tolerance"
NO_TARGET = "no target"
BETTER = "better"
WORSE = "worse"
PICK_A_PERSON = "Local demo mode: pick a person from the demo organisation first."

SHOWING = "Showing {scope} for {viewer}. Measures for {month}; audits, feedback and actions since {since}."
PLACES_HEADING = "Where you can look"
UP_TO = "Back up to"
DRILL_DOWN = "Look closer"
YOUR_PLACES = "Your places"
MEASURES_HEADING = "Meaningful Measures"
MEASURES_NONE = "No Meaningful Measures are shown here: none are loaded yet, or figures are kept per team."
MEASURES_OPEN_ACTIONS = "{count} action(s) open in this place."
NO_INDICATORS = "No indicators for this place."
COL_INDICATOR = "Indicator"
COL_FIGURE = "Latest figure"
COL_TARGET = "Target"
COL_STATUS = "Against target"
COL_HISTORY = "Last three months"
COL_TREND = "Trend"
COL_DIRECTION = "Direction"
COL_EVIDENCE = "What audits found"
QUESTIONS_HEADING = "The four questions"
AUDITS_HEADING = "Audits by type and stage"
COL_AUDIT_TYPE = "Audit type"
COL_TOTAL = "Total"
AUDITS_NONE = "No audits in this period."
FEEDBACK_HEADING = "Feedback received"
COL_FORM = "Form"
COL_CHANNEL = "How it came"
COL_COUNT = "Answers"
COL_NUMBER = "Number"
FEEDBACK_NONE = "No feedback in this period."
ACTIONS_HEADING = "Actions"
COL_ACTIONS = "Actions"
ACTIONS_OPEN = "Open"
ACTIONS_OVERDUE = "Overdue (of the open ones)"
ACTIONS_DONE = "Done"
ACTIONS_CANCELLED = "Cancelled"
CHART_LABEL = "Chart of the figures in the table below."
FIGURE_SERIES = "Latest figure"
TARGET_SERIES = "Target"
PICKER_LABEL = "Demo person"
PICKER_CHOOSE = "Choose a person"
