"""Wording of the Quality Improvement Meeting: its pack, decisions, service-level actions, and the
owners' monthly assurance updates."""

# -- the pack -------------------------------------------------------------------------------------
PACK_TITLE = "QIM pack: meeting on {day}"
PACK_INTRO = "Reviewing {period}. The full report is one button away for every member of the QIM."
PACK_HEADLINES = "Headline findings"
PACK_WORRIES = "What are we worried about?"
PACK_WELL = "What is working well?"
PACK_NOTHING_FOUND = "Nothing stands out from this quarter's figures."
PACK_MULTI_AGENCY = "Multi-agency audits: key findings"
PACK_MULTI_AGENCY_SUMMARY = "Audits submitted this quarter: {audits}. Parts returned: {parts}."
PACK_MULTI_AGENCY_PART = "{agency} {returned} of {invited}"
PACK_NO_MULTI_AGENCY_FINDINGS = "No key finding fit to share yet."
PACK_PLAN = "Improvement plan"
PACK_PRIORITY_LINE = "{title}: {owner}; milestones {done} of {total} done, {late} late{rag}"
PACK_NO_PRIORITIES = "The improvement plan has no active priorities."
PACK_ACTIONS = "Service-level actions"
PACK_ACTIONS_SUMMARY = "{on_track} on track, {late} late, {done} done ({impact} with impact evidenced)"
PACK_ACTION_LINE = "#{id} {description} ({owner}, due {due}): {progress}{rag}"
PACK_NO_ACTIONS = "No service-level actions yet."
PACK_MEASURES = "Meaningful Measures: the four questions"
PACK_MEASURE_LINE = (
    "{measure}: worried about {worried}; done well {well}; impact shown {impact}; to celebrate {celebrate}"
)
MEASURE_NONE = "none"
PACK_THEMES = "Compliments and complaints"
PACK_THEME_LINE = "{theme}: {compliments} compliments, {complaints} complaints"
PACK_NO_THEMES = "None logged this quarter."
PACK_TRAIL = "Assurance since the quarter began"
PACK_TRAIL_LINE = "{subject} ({month}, {rag}): {note}"
PACK_NO_TRAIL = "No owner updates yet."
PACK_DECISIONS = "Decisions"
PACK_NO_DECISIONS = "No decisions recorded yet."
PACK_DECISION_LINE = "{text}{edited}"
PACK_EDITED = " (edited)"
PACK_MORE = "\u2026 and {count} more in the full report."
RAG_SUFFIX = "; owner says {rag}"
RAG_LABELS = {"green": "green (on track)", "amber": "amber (at risk)", "red": "red (off track)"}
TRAIL_DONE = "done"
TRAIL_IMPACT = "impact"
BUTTON_REPORT = "Open the full report"
BUTTON_RECORD_DECISION = "Record a decision"
BUTTON_RAISE_ACTION = "Raise a service-level action"
BUTTON_DECISIONS = "Decisions and changes"
BUTTON_REFRESH = "Refresh"
PACK_POSTED = "The pack for the meeting on {day} is posted in this channel; packs will be posted here from now on."

# -- decisions -------------------------------------------------------------------------------------
DECISION_FORM_TITLE = "Record a decision: QIM on {day}"
DECISION_EDIT_TITLE = "Change a decision: QIM on {day}"
DECISION_LABEL = "What the QIM decided (themes, never a child's or family's details)"
DECISION_AFTER_MEETING = "The meeting is over: the original wording is kept and your change is recorded with your name."
BUTTON_SAVE_DECISION = "Save the decision"
DECISION_SAVED = "Decision recorded."
DECISION_CHANGED = "Decision changed; the original wording is kept."
DECISION_UNCHANGED = "Nothing changed."
DECISIONS_TITLE = "Decisions of the QIM on {day}"
DECISION_ORIGINAL = "Originally: {text}"
DECISION_CHANGE_LINE = "{who} on {when}{after}: \u201c{before}\u201d \u2192 \u201c{after_text}\u201d"
DECISION_CHANGED_AFTER = " (after the meeting)"
BUTTON_EDIT_DECISION = "Change"

# -- service-level actions -------------------------------------------------------------------------
ACTION_FORM_TITLE = "Raise a service-level action: QIM on {day}"
ACTION_DESCRIPTION = "What must happen"
ACTION_OWNER = "Owner's e-mail (required)"
ACTION_DUE = "Due date (required)"
ACTION_PRIORITY = "Improvement plan priority it delivers (optional)"
ACTION_NO_PRIORITY = "None"
BUTTON_SAVE_ACTION = "Raise the action"
ACTION_RAISED = "Action #{id} raised for {owner}, due {due}. They will be reminded and asked for monthly updates."

# -- monthly assurance updates ----------------------------------------------------------------------
UPDATE_TITLE = "Monthly update: {month}"
UPDATE_ACTION_INTRO = "Service-level action #{id} (raised at the QIM), due {due}: {subject}"
UPDATE_PRIORITY_INTRO = "Improvement plan priority #{id}: {subject}"
UPDATE_PREVIOUS = "Your last update ({month}, {rag}): {note}"
UPDATE_PROGRESS = "Progress this month, and what difference it is making (no names)"
UPDATE_RAG = "Status"
RAG_CHOICES = (("green", "Green: on track"), ("amber", "Amber: at risk"), ("red", "Red: off track"))
BUTTON_SAVE_UPDATE = "Send the update"
BUTTON_OPEN_ACTION = "Open the action (mark done with evidence)"
UPDATE_SAVED = "Thank you: your {month} update is recorded and the QIM will see it."

# -- problems ----------------------------------------------------------------------------------------
PROBLEM_FIELDS = "Some answers need a look; nothing was saved."
PROBLEM_DECISION_EMPTY = "Write the decision."
PROBLEM_TOO_LONG = "Keep it under {limit} characters."
PROBLEM_DESCRIPTION = "Say what must happen."
PROBLEM_OWNER = "Every service-level action needs an owner: give their e-mail."
PROBLEM_OWNER_UNKNOWN = "Nobody in the organisation has the e-mail {email}."
PROBLEM_DUE = "Every service-level action needs a due date."
PROBLEM_DUE_PAST = "Choose today or a later date."
PROBLEM_PRIORITY = "There is no active priority #{id}."
PROBLEM_PROGRESS = "Say what has happened this month."
PROBLEM_RAG = "Choose green, amber or red."
PROBLEM_CLOSED = "This action is already closed: its evidence and impact are what the QIM sees now."
PROBLEM_NOT_ACTIVE = "This priority is no longer active."
PROBLEM_NOT_TEXT = "This answer did not arrive as text: type it again."
PROBLEM_STALE = "This card is out of date: type 'qim' in your chat with qop for the current one."
NO_MEETING = "No QIM date is set in the QA calendar."
NO_CHANNEL = "No QIM channel is set yet: the chair or QA Head of Service types '@qop qim pack' in the QIM's channel."
PACK_UNAVAILABLE = "Posting is not available right now; please try again later."
CHANNEL_ONLY = "Type '@qop qim pack' in the QIM's team channel: the pack is posted there."
MEETING_GONE = "That meeting is not in qop."
DECISION_GONE = "That decision is not in qop."

# -- the QIM report's assurance sections --------------------------------------------------------------
SHEET_SERVICE_ACTIONS = "Service-level actions"
SHEET_TRAIL = "Assurance trail"
REPORT_ACTIONS_HEADER = (
    "Action",
    "What must happen",
    "Owner",
    "Due",
    "Where it stands",
    "Owner's RAG",
    "Impact evidenced",
)
REPORT_TRAIL_HEADER = ("About", "What", "Month", "RAG / step", "Update, evidence or impact", "By", "Written")
KIND_LABELS = {"action": "Action", "priority": "Priority"}
YES = "yes"
NO = "no"
COMMAND_LINE = "the command line"
