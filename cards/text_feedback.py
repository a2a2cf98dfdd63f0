"""Wording for feedback: Teams cards and the public feedback page families and partners see.

The public page is read by parents, children and partners on their phones: short sentences,
no jargon, nothing that names a child.
"""

# -- Teams: asking for a link ----------------------------------------------------------------
LINK_REQUEST_TITLE = "Ask a family or partner for feedback"
LINK_REQUEST_INTRO = (
    "I'll make a private link that works once and expires after {days} days. Share it by text, e-mail or in person "
    "(there is a QR code to scan)."
)
LINK_CASE_LABEL = "Case reference (never a name)"
LINK_CASE_PLACEHOLDER = "for example LCS123456"
LINK_TEMPLATE_LABEL = "Who is it for?"
LINK_CREATE = "Make the link"
LINK_TITLE = "Feedback link ready"
LINK_INTRO = "Share this link with the person giving feedback. It works once."
LINK_FACTS_CASE = "Case"
LINK_FACTS_FORM = "Form"
LINK_FACTS_EXPIRES = "Expires"
LINK_QR_ALT = "QR code that opens the feedback link"
LINK_QR_HINT = "They can scan this code with their phone camera."
LINK_PRIVACY = "The answers are stored against the case reference only. Anyone with the link can answer, so share it only with the person it is for."
LINK_OPEN = "Open the link"
HANDOVER_OPEN = "Complete it together now"

# -- Teams: hand-over and answers ---------------------------------------------------------------
HANDOVER_NOTE = "Completing with your worker. Case {case_reference}."
HANDOVER_DONE_TITLE = "Saved: completed with worker"
HANDOVER_DONE_BODY = "Case {case_reference}: the answers are saved and marked as completed with you."
SAFETY_NOTE = (
    "An answer said the child may not feel safe where they live: you and your manager have been alerted"
    " (without a manager here, the senior manager or the QA lead)."
)

# -- Safety alert ---------------------------------------------------------------------------------
ALERT_TITLE = "Safety alert: a child may not feel safe at home"
ALERT_INTRO = (
    "A child or young person said they feel unsafe, scared or unhappy where they live. Please act on this today, "
    "following your safeguarding procedures."
)
ALERT_FACTS_CASE = "Case"
ALERT_FACTS_FORM = "Feedback form"
ALERT_FACTS_HOW = "How it was given"
ALERT_FACTS_WHEN = "When"
ALERT_ANSWERS = "What they said"
ALERT_HOW = {"link": "Feedback link", "with_worker": "Completed with worker", "teams": "In Teams"}

# -- Public feedback page ------------------------------------------------------------------------
PAGE_APP_NAME = "Children's Services feedback"
PAGE_BANNER = "Children's Services"
PAGE_FORM_HEADING = "Tell us what you think"
PAGE_NOSCRIPT = "This form needs JavaScript switched on. If you can't switch it on, please tell your worker and they can ask you these questions instead."
PAGE_PRIVACY = "Your answers go to Children's Services only. Please don't write anyone's name, address or phone number."
PAGE_SENDING = "Sending your answers…"
PAGE_CHECK = "Some answers need another look. Please check the questions marked below."
PAGE_TRY_AGAIN = (
    "Sorry, we couldn't send your answers. Please check your connection and try again. Your answers are still here."
)
PAGE_RELOAD = "This page has been open a long time. Please reload the page and try again."

PAGE_THANKS_TITLE = "Thank you"
PAGE_LATE_NOTE = (
    "The review of the help your family has had was finished before your answers arrived. We have kept them with "
    "it, marked as arriving after it finished, and the people who carried out the review can read them."
)
PAGE_UNKNOWN_TITLE = "This link isn't working"
PAGE_UNKNOWN_BODY = (
    "Please check you have the whole link. If it still doesn't work, ask the person who sent it to you for a new one."
)
PAGE_USED_TITLE = "You've already answered"
PAGE_USED_BODY = (
    "Thank you, this link has already been used, so it can't be used again. If you want to tell us something else, "
    "please ask your worker for a new link."
)
PAGE_EXPIRED_TITLE = "This link has expired"
PAGE_EXPIRED_BODY = (
    "Links only work for a short time to keep your answers safe. Please ask the person who sent it for a new one. "
    "We would still like to hear from you."
)
PAGE_BUSY_TITLE = "Please wait a moment"
PAGE_BUSY_BODY = "There have been a lot of tries from your connection. Please wait a minute and try again."
PAGE_FORBIDDEN_TITLE = "Please reload the page"
PAGE_FORBIDDEN_BODY = "For your safety we could not accept that. Please reload the page and send your answers again."
PAGE_HELP = "If you feel unsafe right now, call 999. Children can call Childline free on 0800 1111."
PAGE_SKIP = "Skip to the questions"
ANSWER_NEEDED = "Please answer this question."
FORM_PROBLEMS = "Some answers need another look (everything else is kept):"
HANDOVER_LABEL = "Completed with worker"

# -- Staff and partner surveys ----------------------------------------------------------------------
SURVEY_CLOSES = "Closes {day}."
SURVEY_ANONYMOUS = "Anonymous: nobody, including your manager, can see what you said."
SURVEY_NAMED = "Your name is kept with your answers."
SURVEY_REMINDER = "Reminder: you haven't answered this survey yet."
SURVEY_THANKS_TITLE = "Thank you"
SURVEY_SEND_TITLE = "Send a survey"
SURVEY_SEND_INTRO = (
    "Choose a survey, who gets it and when it closes. Reminders go only to people who haven't answered. "
    "Results for a group show once {k} people in it have answered."
)
SURVEY_SEND_TEMPLATE = "Survey"
SURVEY_SEND_TEAMS = "Teams"
SURVEY_SEND_AREAS = "Service areas"
SURVEY_SEND_PEOPLE = "People (e-mail addresses, separated by commas)"
SURVEY_SEND_CLOSES = "Close date"
SURVEY_SEND_BUTTON = "Send the survey"
SURVEY_STARTED_TITLE = "Survey sent"
SURVEY_STARTED_BODY = "S{id} \u201c{title}\u201d is on its way to {count} people. It closes {day}."
SURVEY_UNKNOWN_EMAILS = "Not sent to these addresses (not in the organisation list): {emails}"
SURVEY_RESULTS_TITLE = "Results: {title}"
SURVEY_RESULTS_COUNTS = "{responded} of {invited} answered"
SURVEY_RESULTS_HIDDEN = "Hidden until {k} people in this group have answered (so nobody can be identified)."
SURVEY_RESULTS_GROUPS = "By team"
SURVEY_COMMENTS = "Comments: {question}"
SURVEY_COMMENTS_NOTE = "Shown without names, in alphabetical order."
SURVEY_COMMENTS_MORE = "{count} more not shown here."
SURVEY_COMMENTS_WITHHELD = "{count} not shown because they seem to contain personal details."
SURVEY_REMIND_BUTTON = "Remind people who haven't answered"
SURVEY_RESULTS_BUTTON = "See results"
SURVEY_REMINDED = "Reminded {count} people who haven't answered yet. Nobody else was messaged."
MY_SURVEYS_TITLE = "Surveys waiting for you"
MY_SURVEYS_NONE = "Nothing waiting. Thank you for answering!"
MY_SURVEYS_ANSWER = "Answer"

# -- Refusals ---------------------------------------------------------------------------------
CHOOSE_ONE_OF = "Choose one of: {choices}"
FIELD_SURVEY = "Survey"
FIELD_AUDIENCE = "Audience"
FIELD_CLOSE_DATE = "Close date"
FIELD_CASE_REFERENCE = "Case reference"
FIELD_FORM = "Form"
FIELD_FORMS = "Forms"
UNKNOWN_SURVEY = "I don't know that survey."
SURVEY_NOT_YOUR_TEAMS = "You can send surveys only to the teams you manage (the QA lead can send to anyone)."
SURVEY_NOBODY = "Nobody to send this survey to."
SURVEY_CHOOSE_AUDIENCE = "Choose a team, a service area or people."
CLOSE_DATE_PAST = "The close date is in the past."
CLOSE_DATE_CHOOSE_LATER = "Choose today or a later date."
CLOSE_DATE_TOO_FAR = "That close date is too far away."
CLOSE_DATE_MAX_DAYS = "Surveys stay open at most {days} days."
CLOSE_DATE_MISSING = "Please choose a close date."
CLOSE_DATE_PICK = "Pick a day from the calendar."
SURVEY_ALREADY_ANSWERED = "You have already answered this survey. Thank you!"
SURVEY_CLOSED_NO_REMINDER = "This survey has closed, so nobody is reminded."
SURVEY_QUESTIONS_GONE = "This survey's questions are no longer available."
NO_SUCH_SURVEY = "There is no survey S{survey_id}."
SURVEY_NOT_SENT_TO_YOU = "This survey was not sent to you."
SURVEY_CLOSED = "This survey has closed. Thank you for your interest."
SURVEY_RESULTS_NOT_YOURS = "Only the person who sent this survey and the QA lead can see its results or send reminders."
SURVEY_SENDERS_ONLY = "Only the QA lead and managers can send surveys."
WHICH_SURVEY = "Which survey? Give its number, for example: survey results S12"
SURVEY_CARD_OUT_OF_DATE = "That card is out of date: type 'send survey' for a new one."
NOT_A_CASE_REFERENCE = "That doesn't look like a case reference."
USE_CASE_REFERENCE = "Use the reference from the case system (for example LCS123456), never a name."
UNKNOWN_FORM = "I don't know that feedback form."
FORM_NOT_FOR_HANDOVER = "That form can't be completed with a family member."
FORM_GONE = "This feedback form is no longer available."
ANSWERS_NEED_A_LOOK = "Some answers need another look."
HANDOVER_USAGE = "Tell me the case and the form, for example: feedback with child LCS123456 family-child-under-8"
FIELD_ANSWERS = "Answers"
NO_TEAM = "No team"
"""A survey results group for people who are in no team."""
EVERYONE = "Everyone"
"""The survey results group that counts every answer."""

# -- Survey results: one line per question ----------------------------------------------------
SUMMARY_NO_ANSWERS = "no answers"
SUMMARY_COMMENTS = "{count} written comment(s)"
SUMMARY_SCALE = "average {average:.1f} (from {low} to {high}), {count} answers"
SUMMARY_AGREE = "{share}% agree ({agreeing} of {with_view} with a view)"
SUMMARY_CHOICE = "{label}: {count}"
SUMMARY_CHOICES_SEPARATOR = "; "
