"""Wording of the weekly digest, its subscription cards and the quarterly report."""

DIGEST_TITLE = "Weekly digest: {scope}"
DIGEST_QUARTER_TITLE = "Quarterly digest: {scope}"
DIGEST_PERIOD = "{period}, compared with the {before}."
DIGEST_LATE = "Sent late: this digest was due {due} but qop was not running then. The numbers are for the same week."
DIGEST_DEMO = (
    "Demo: this channel is subscribed to this digest, which qop posts every week. This is the one due {due}, "
    "posted now because qop has just been added here."
)
DIGEST_PREVIEW = "Preview: only you can see this. Post it to the channel when you are happy with it."
SERVICE_SCOPE = "the whole service"

HEADLINES = "The numbers"
AUDITS_COMPLETED = "Audits completed"
AUDITS_OF_PLANNED = "{completed} of {planned} planned"
GOOD_OR_BETTER = "Good or better"
INADEQUATE = "Inadequate"
TARGET_AT_LEAST = " (target: at least {target:g}%)"
TARGET_AT_MOST = " (target: at most {target:g}%)"
FEEDBACK = "Feedback responses"
FEEDBACK_SCORE = "Average score (0-10)"
FEEDBACK_AGREE = "Agreeing with feedback statements"
FAMILY_VOICE = "Audits with the family's view"
ACTIONS_NEW = "Actions new"
ACTIONS_DONE = "Actions done"
ACTIONS_OVERDUE = "Actions overdue"
ACTIONS_IMPACT = "Impact evidenced"
NOT_SHOWN = "not shown (too few)"
NO_CHANGE = "no change"
CHANGE = " ({change} on the {before})"
BEFORE = {"week": "week before", "quarter": "quarter before", "half": "half-year before"}
POINTS = "{sign}{value:.1f} points"

CHART_GRADES = "Overall grades"
CHART_STAGES = "Good or better by stage (%)"
CHART_TREND = "Good or better over six weeks (%)"
CHART_TREND_QUARTERS = "Good or better over six quarters (%)"
GRADES_BY_STAGE = "Grades by stage"
STAGE_LINE = "{good} Good or better, {below} below Good"

AUDIT_TYPES = {
    "standard": "Standard audits",
    "themed": "Themed audits",
    "dip_sample": "Dip samples",
    "multi_agency": "Multi-agency audits",
}
OTHER_AUDIT_TYPES = "Other audits (counted apart from the standard audits)"
ONLY_AUDIT_TYPE = "Audit figures count {audit_type} only (themes and quotes too)."
AUDIT_TYPE_LINE = "{completed} of {planned} planned; {good} Good or better"
AUDIT_TYPE_NOT_GRADED = "{completed} of {planned} planned (not graded)"
UNKNOWN_AUDIT_TYPE = "There is no audit type called \u201c{value}\u201d. Use one of: {types}."
REPORT_LINK_ONE_TYPE = "{scope}, {audit_type} only"

MEASURES_TITLE = "Meaningful Measures, {month:%B %Y}"
MEASURES_WORRIES = "{measure}: {why}"
MEASURES_FINE = "{measure}: no worries ({on_target} of {indicators} indicators on target)."
MEASURES_FINE_NO_DATA = (
    "{measure}: no worries ({on_target} of {indicators} indicators on target; {no_data} with no data)."
)
MEASURES_NO_INDICATORS = "{measure}: no indicators for this scope."
MEASURES_MORE = "and {count} more on the qop dashboard."
MEASURES_OPEN_ACTIONS = "Actions open in this scope: {count}."

Q_WORRIED = "What are we worried about, and why?"
Q_WELL = "What did we do well, and how?"
Q_IMPACT = "What is the impact, and how do we know?"
Q_CELEBRATE = "What should we celebrate or learn from?"
WORRY_STAGE = "{stage}: {share}% graded below Good ({count} audits)."
WORRY_THEME = "{theme} Seen fully in {share}% of audits."
WORRY_INADEQUATE = "Audits graded Inadequate overall: {count}."
WORRY_NONE = "Nothing stands out from enough audits to say."
WELL_STAGE = "{stage}: {share}% Good or better."
WELL_QUOTE_AUDIT = "From an audit: \u201c{quote}\u201d"
WELL_QUOTE_FEEDBACK = "From a family or partner: \u201c{quote}\u201d"
WELL_NONE = "No audits or feedback in this period that we can quote without identifying anyone."
IMPACT_COUNT = "Actions whose impact was reviewed and evidenced: {count}."
IMPACT_QUOTE = "\u201c{quote}\u201d"
IMPACT_NONE = "No impact reviews in this period."
CELEBRATE_OUTSTANDING = "Audits graded {grade}: {count}."
CELEBRATE_IMPROVED = "Good or better rose from {before}% to {now}%."
CELEBRATE_DONE = "Actions completed: {count}."
CELEBRATE_MODERATION = "Grades moderated: {count} ({raised} raised, {lowered} lowered)."
CELEBRATE_NONE = "Share a piece of good practice in this channel so others can learn from it."

OVERDUE_TITLE = "Overdue actions"
OVERDUE_MORE = "and {count} more: type 'team actions' in your chat with qop."
OVERDUE_LINE = "{description} \u2014 {owner}, due {due}"
SMALL_NUMBERS = "Numbers from 1 to 4 are shown as \u201cfewer than 5\u201d so nobody can be identified."

POST_TO_CHANNEL = "Post to the channel"
POSTED = "Posted to the channel."

SUBSCRIBED_TITLE = "This channel gets a weekly digest"
SUBSCRIPTION_FACTS = (("Covers", "{scope}"), ("Posted", "Every {day} at {time} (UK time)"), ("Since", "{since}"))
SUBSCRIPTION_AUDIT_TYPE = ("Counts", "{audit_type} only")
SUBSCRIBED_HINT = "'@qop digest stop' stops it; '@qop digest now' sends you a preview."
NOT_SUBSCRIBED_TITLE = "No digest in this channel yet"
NOT_SUBSCRIBED_HINT = (
    "'@qop digest weekly' subscribes this channel (its linked team, Mondays at 08:00). You can also write "
    "'@qop digest weekly area First Contact on Tuesday at 09:00' or '@qop digest weekly service'."
)
STOPPED = "The weekly digest for this channel has stopped. '@qop digest weekly' starts it again."
PREVIEW_SENT = "I have sent you a preview in your chat with qop."

REPORT_LINK_TITLE = "Quarterly QIM report: {scope}, {quarter}"
REPORT_LINK_TITLE_HALF = "Half-year quality of practice report: {scope}, {quarter}"
REPORT_LINK_BODY = "This link opens the printable report for you only and stops working at {expires}."
REPORT_OPEN = "Open the report"
REPORT_BUTTON = "QIM report for last quarter"

# -- What other features record (services/digest/extras.py) -----------------------------------
CELEBRATED_TITLE = "Practice we celebrate"
SEEN_ELSEWHERE_TITLE = "Moderation group and practice observations"
MODERATION_GROUP_LINE = (
    "Moderation group: {meetings} meeting(s), {audits} audits moderated ({agreed} agreed, {raised} raised, "
    "{lowered} lowered)"
)
MODERATION_GROUP_THEMES = "; themes named most: {themes}"
OBSERVATIONS_LINE = (
    "Practice observations: {held} held; expectations seen {met}, partly {partly}, not seen {not_met}; "
    "{strengths} strengths and {development} development points noted"
)
OBSERVATIONS_NONE = "No practice observations were recorded in this period."
OBSERVATIONS_HELD = "Practice observations held"
OBSERVATIONS_MET = "Expectations seen in practice"
OBSERVATIONS_PARTLY = "Expectations partly seen"
OBSERVATIONS_NOT_MET = "Expectations not seen"
OBSERVATIONS_STRENGTHS = "Strengths noted"
OBSERVATIONS_DEVELOPMENT = "Development points noted"
OBSERVATIONS_NOTE = (
    "Counts only, from the observations held in the period by the report's teams: no practitioner "
    "and no family is named. Counts from 1 to 4 read 'fewer than 5'."
)
SHEET_OBSERVATIONS = "Practice observations"

# -- Refusals ---------------------------------------------------------------------------------
NO_SUCH_TEAM = "I can't find a team called \u201c{name}\u201d."
NO_SUCH_AREA = "I can't find a service area called \u201c{name}\u201d."
UNKNOWN_SCOPE = "A digest covers a team, an area or the service, not \u201c{kind}\u201d."
REPORT_LINKS_OFF = "Report links are switched off: the qop administrator must set REPORT_SECRET."
SERVICE_SUBSCRIPTION_NOT_ALLOWED = "Only the QA lead or an administrator can subscribe a channel to the whole service."
CHANNELS_ONLY = "Digests are posted in channels: mention me in a team channel to subscribe it."
CHANNEL_NOT_LINKED = (
    "This channel is not linked to a team yet. Say which: '@qop digest weekly team [name]', "
    "or link the channel first with '@qop link team [name]'."
)
PREVIEW_UNAVAILABLE = "I can't send you a private preview right now; please try again later."
POSTING_UNAVAILABLE = "Posting is not available right now; please try again later."
SUBSCRIPTION_USAGE = (
    "Write it like: digest weekly team Riverside on Monday at 08:00 (or: area [name], or: service; "
    "add 'type themed' for one audit type only)."
)
SUBSCRIPTION_UNREADABLE = "I couldn't read \u201c{args}\u201d. " + SUBSCRIPTION_USAGE
SUBSCRIPTION_WHICH = "Which {kind}? " + SUBSCRIPTION_USAGE
SUBSCRIPTION_SERVICE_NAMED = "'service' covers everyone, so it takes no name. " + SUBSCRIPTION_USAGE
SUBSCRIPTION_NOT_A_DAY = "\u201c{day}\u201d is not a day of the week. " + SUBSCRIPTION_USAGE
SUBSCRIPTION_NOT_A_TIME = "\u201c{at}\u201d is not a time of day. " + SUBSCRIPTION_USAGE
PREVIEW_OUT_OF_DATE = "That preview is out of date: type '@qop digest now' in the channel again."
SUBSCRIBED_SINCE = "{day} {date:%B %Y}"
DUE_LABEL = "{due:%A %d %B at %H:%M}"
NOT_A_QUARTER = "'{value}' is not a quarter; write it like 2026Q3"
NOT_A_HALF_YEAR = "'{value}' is not a half-year; write it like 2026H1 (January to June) or 2026H2"
NOT_A_PERIOD = "'{value}' is not a period; write a date (2026-03-23), a week (2026-W13) or 2026Q3"
