"""What qop says about the continuous improvement plan: its cards, problems and refusals."""

PLAN_TITLE = "Continuous improvement plan"
PLAN_INTRO = (
    "The priorities the Quality Improvement Meeting reviews: why each matters, who owns it, its milestones, "
    "the service-level actions that deliver it and the evidence that will show its impact."
)
PLAN_EMPTY = "There are no priorities in the plan yet."
PLAN_MORE = "And {count} more: type 'improvement plan' in a chat with qop after the meeting, or use the CLI."

FACT_WHY = "Why"
FACT_OWNER = "Owner"
FACT_STATUS = "Status"
FACT_NEXT = "Next milestone"
FACT_MILESTONES = "Milestones"
FACT_ACTIONS = "Service-level actions"
FACT_EVIDENCE = "Evidence of impact"
NO_MILESTONES = "none yet"
NO_ACTIONS = "none linked"
MILESTONE_LINE = "{what}, due {due}"
MILESTONE_DONE = "{what} (done)"
MILESTONE_LATE = "{what}, due {due} (late)"
ACTION_LINE = "#{id} {what} ({owner}, due {due}: {status})"
MILESTONES_SUMMARY = "{done} of {total} done, {late} late"
ACTIONS_SUMMARY = "{total} linked: {done} done, {late} overdue, {impact} with impact evidenced"

STATUS_LABELS = {"active": "active", "achieved": "achieved", "withdrawn": "withdrawn"}
ACTION_STATUS_LABELS = {"open": "on track", "overdue": "late", "done": "done", "cancelled": "cancelled"}

BUTTON_ADD = "Add a priority"
BUTTON_UPDATE = "Update"
BUTTON_SAVE = "Save"
BUTTON_HISTORY = "History"
BUTTON_BACK = "Back to the plan"

FORM_NEW_TITLE = "New priority"
FORM_EDIT_TITLE = "Update: {title}"
FORM_INTRO = (
    "A priority needs an owner. Write themes, not people: no names of children or families, no addresses, "
    "numbers or dates of birth."
)
LABEL_TITLE = "Priority"
LABEL_WHY = "Why: the themes from audits, measures, feedback and practice days"
LABEL_OWNER = "Owner's e-mail"
LABEL_EVIDENCE = "The evidence that will show impact"
LABEL_STATUS = "Status"
LABEL_MILESTONE = "Add a milestone: what"
LABEL_MILESTONE_DUE = "Milestone due"
LABEL_DONE = "Milestones reached"
LABEL_ACTIONS = "Link service-level actions (numbers, e.g. 12, 15)"
PLACEHOLDER_OWNER = "name@council.example"
ERROR_TITLE = "Give the priority a title."
ERROR_OWNER = "A priority needs an owner: their e-mail."

SAVED_NEW = "Added to the plan: {title}."
SAVED_CHANGED = "Saved: {title}."
SAVED_NOTHING = "Nothing changed: {title}."

HISTORY_TITLE = "History: {title}"
HISTORY_EMPTY = "No changes recorded."
HISTORY_LINE = "{when}, {who}: {change}"
HISTORY_FIELD = "{name}: \u201c{before}\u201d \u2192 \u201c{after}\u201d"
COMMAND_LINE = "command line"

CHANGE_CREATED = "created"
CHANGE_UPDATED = "updated"

PROBLEM_FIELDS = "Some answers need a look."
PROBLEM_STALE_CARD = "That card is out of date: type 'improvement plan' again."
PROBLEM_NOT_FOUND = "There is no priority number {id} in the plan."
PROBLEM_OWNER_UNKNOWN = "Nobody in the organisation has the e-mail \u2018{email}\u2019."
PROBLEM_MILESTONE_DUE = "Give the milestone a due date (or leave the milestone empty)."
PROBLEM_MILESTONE_WHAT = "Say what the milestone is (or leave its date empty)."
PROBLEM_ACTION_IDS = "Write action numbers separated by commas, e.g. 12, 15."
PROBLEM_ACTION_UNKNOWN = "There is no action number {id}."
PROBLEM_ACTION_NOT_QIM = "Action {id} was not raised at the QIM: only service-level actions can be linked."
PROBLEM_STATUS = "Choose active, achieved or withdrawn."
PROBLEM_TOO_LONG = "Keep it under {limit} characters."
