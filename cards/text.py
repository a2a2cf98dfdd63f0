"""Every sentence qop says to a person, in one place so wording is reviewed together.

Plain English (the framework asks for "simple and straight forward" language), no jargon,
and never a child's name.
"""

APP_NAME = "qop"
APP_TAGLINE = "Quality of Practice in Teams"

WELCOME_PERSONAL_TITLE = "Welcome to qop"
WELCOME_PERSONAL_INTRO = (
    "qop brings our Quality of Practice Framework into Teams, so checking and improving the quality of our work "
    "with children and families happens where you already work."
)
WELCOME_PERSONAL_POINTS = (
    ("Audits", "Collaborative case audits arrive here as cards. Fill them in step by step; drafts are saved."),
    ("Feedback", "Short feedback cards from colleagues, and links to ask children, families and partners."),
    ("Actions", "Every action has an owner and a date. I remind you before it is due and ask what difference it made."),
    ("Your tasks", "Type 'my tasks' at any time to see what is waiting for you."),
)
WELCOME_PERSONAL_PRIVACY = (
    "Children are identified only by their case reference. Please never type a child's name, date of birth, "
    "address or phone number into qop."
)

WELCOME_CHANNEL_TITLE = "qop has joined this team"
WELCOME_CHANNEL_INTRO = "qop helps this team see and improve the quality of its practice. In {channel} I will post:"
WELCOME_CHANNEL_POINTS = (
    ("Weekly digest", "Every Monday morning: audits completed, grades, feedback and actions, with what went well."),
    ("Learning", "Good practice to celebrate, shared without naming workers or children."),
    ("Nothing personal", "Case references stay out of channels; individual tasks go to each person's own chat."),
)
WELCOME_CHANNEL_NEXT = "A manager can link this channel to their team with '@qop link team [name]'."

HELP_TITLE = "What I can do"
HELP_INTRO = "Type one of these commands (in a channel, mention me first: @qop help)."
DIDNT_UNDERSTAND = "Sorry, I didn't understand \u201c{text}\u201d. Here is what I can do."

ERROR_TITLE = "Something went wrong on our side"
ERROR_BODY = (
    "Nothing you sent has been lost. Please try again in a minute. If it keeps happening, "
    "give this reference to your Teams administrator: {reference}"
)
REFUSED_TITLE = "That can't be done"
INVALID_TITLE = "Please check your answers"
CARD_DATA_NOT_UNDERSTOOD = (
    "That button sent something I couldn't read. Please open the card again from the latest "
    "message (type 'help' to see what I can do)."
)
NOT_SAVED_TITLE = "Not saved yet"
NOT_SAVED_BODY = (
    "qop's database is not answering just now, so this could not be saved yet. Your answers are "
    "still below: press '{retry}' in a minute or two. Nothing you typed has been lost."
)
NOT_SAVED_RETRY = "Try again"
DATABASE_UNAVAILABLE = (
    "qop's database is not answering just now, so I can't do that yet. Please try again in a minute or two."
)

NO_SUCH_PERSON = "Nobody with the e-mail '{email}' is known to qop."

# -- Permission refusals (services/policy.py): each says who may, so people know whom to ask ---
REFUSED_AUDIT_VIEW = (
    "Only the practitioner, the auditor, their team manager, the audit's moderator, the QA lead, the Principal "
    "Social Worker, the IRO manager and the Service Director can see this audit."
)
REFUSED_AUDIT_SUBMIT = "Only the auditor assigned to this audit can submit it."
REFUSED_AUDIT_MODERATE = (
    "Only a moderator (or the QA lead, the Principal Social Worker or the IRO manager) who did not carry out this "
    "audit and whose case it is not can moderate it."
)
REFUSED_AUDIT_CHANGE = "Only the team manager or the QA lead can change or reassign this audit."
REFUSED_REFLECTION_VIEW = (
    "Only the practitioner, the auditor, their team manager, the audit's moderator, the QA lead, the Principal "
    "Social Worker, the IRO manager and the Service Director can read this reflection."
)
REFUSED_REFLECTION_SUBMIT = "Only the practitioner whose work was audited can add their reflection."
REFUSED_REFLECTION_CHANGE = "Only the practitioner who wrote this reflection can change it."
REFUSED_ACTION_VIEW = (
    "Only the action's owner, whoever raised it, their manager, the QA lead and the Service Director can see "
    "this action."
)
REFUSED_ACTION_SUBMIT = "Only the action's owner or their team manager can record progress on it."
REFUSED_ACTION_CHANGE = (
    "Only whoever raised this action, the owner's manager or the QA lead can change, reassign or close it."
)
REFUSED_SURVEY_RESULTS_VIEW = (
    "Survey results are for the QA lead, and as totals for the team's manager, the service area's senior "
    "managers, the Service Director and performance analysts."
)
REFUSED_SURVEY_SUBMIT = "Only people in the organisation can answer staff surveys."
REFUSED_SURVEY_CHANGE = "Only the QA lead can set up or close a survey."
REFUSED_DIGEST_VIEW = (
    "Only the subscriber, the team, its manager, the service area's senior managers, the QA lead and the "
    "Service Director can see this digest."
)
REFUSED_DIGEST_CHANGE = "Only the subscriber, the team manager, a senior manager of the area, the QA lead or an administrator can change this digest."
REFUSED_CHANNEL_LINK_CHANGE = (
    "Only an administrator, the team's manager or a senior manager of its service area can link a channel to it."
)
REFUSED_ORGANISATION_VIEW = "Only administrators, the QA lead and the Service Director can see the whole organisation."
REFUSED_ORGANISATION_CHANGE = "Only an administrator can change the organisation or anyone's roles."
REFUSED_QIM_REPORT_VIEW = (
    "The QIM report is for the members of the Quality Improvement Meeting: the Service Director, Heads of "
    "Service, senior managers, the QA Head of Service and QA lead, the Principal Social Worker, performance "
    "analysts and client relations. Ask your qop administrator if you should be one of them."
)
REFUSED_IMPROVEMENT_PLAN_VIEW = "The improvement plan is for the QIM's members, the IRO manager and practice champions."
REFUSED_IMPROVEMENT_PLAN_CHANGE = (
    "Only the QA Head of Service and Heads of Service can add to or change the improvement plan."
)
REFUSED_IMPROVEMENT_PLAN_SUBMIT = (
    "Only a priority's owner (or the QA Head of Service or a Head of Service) can write its monthly update."
)
REFUSED_QIM_MEETING_VIEW = (
    "The QIM's pack, decisions and actions are for the members of the Quality Improvement Meeting: the "
    "Service Director, Heads of Service, senior managers, the QA Head of Service and QA lead, the Principal "
    "Social Worker, performance analysts and client relations."
)
REFUSED_QIM_MEETING_CHANGE = (
    "Only the QIM's chair (the Service Director) or the QA Head of Service can record the meeting's decisions "
    "and raise its service-level actions."
)
REFUSED_CLIENT_FEEDBACK_VIEW = (
    "Compliments and complaints are for client relations, the QA lead, the Service Director and the service "
    "area's senior managers."
)
REFUSED_CLIENT_FEEDBACK_SUBMIT = "Only client relations can log compliments and complaints."
REFUSED_CLINIC_VIEW = (
    "A team's performance clinic pack is for its manager, the senior managers of its service area, the QA lead, "
    "the Service Director and the performance analysts."
)
REFUSED_SENIOR_CLINIC_VIEW = (
    "The senior leadership performance clinic pack is for the Service Director, the Heads of Service and senior "
    "managers, the performance analysts and the QA lead. For your own team's pack, type clinic."
)
REFUSED_SENIOR_CLINIC_SUBMIT = (
    "Only the Service Director, a Head of Service or senior manager, a performance analyst or the QA lead can "
    "agree actions at the senior leadership performance clinic."
)
REFUSED_CLINIC_SUBMIT = (
    "Only the team's manager, a senior manager of its service area or the QA lead can agree actions at its "
    "performance clinic."
)
REFUSED_PRACTICE_EXAMPLE_VIEW = "Only people in the organisation can see the practice we celebrate."
REFUSED_PRACTICE_EXAMPLE_SUBMIT = (
    "Only the team's manager, a senior manager or Head of Service of its area, the QA lead, the Principal Social "
    "Worker or the IRO manager can nominate practice to celebrate."
)
NOBODY_REFUSED = ""
"""The refusal of a rule that lets anyone in (never shown)."""
NOT_MATCHED = (
    "I can't find you in the organisation list yet, so I can't let you do that. Type 'whoami' to see what I know "
    "about you and give it to your qop administrator."
)
NO_LONGER_ACTIVE = "Your place in the organisation has ended, so I can't let you do that. Ask your qop administrator."
NO_RULE = "Nobody can {permission} records of this kind ({kind})."

# -- Reasons bot/http.py gives with a 4xx or 503 answer to whoever posted the activity ----------
HTTP_UNAUTHORIZED = "A valid Bot Framework token is required."
HTTP_MALFORMED_ACTIVITY = "Not a valid activity: {count} field(s) are malformed."
HTTP_NOT_PROCESSED = "qop could not process this activity just now (reference {reference})."
HTTP_TOO_LARGE = "Request body is larger than {limit} bytes."
HTTP_NOT_JSON = "Request body is not JSON."
HTTP_NOT_AN_OBJECT = "Request body must be a JSON object (an activity)."
HTTP_UNHANDLED_INVOKE = "qop does not handle the invoke {name}."

EMPTY_MESSAGE = "(an empty message)"
"""Stands in for what was typed when a message had no text (the help card quotes it)."""
UNKNOWN_BUTTON = "(a button I no longer know)"
"""Stands in for what was typed when an old card's button is pressed."""
DONE = "Done."
"""The answer to a button whose handler returned neither a card nor a message."""
