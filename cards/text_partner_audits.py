"""Wording for multi-agency audits: inviting partner auditors, their private page, and their
parts on the council auditor's cards and in the QIM report."""

AGENCY_LABELS = {
    "council": "Children's social care (council)",
    "health": "Health",
    "police": "Police",
    "education": "Education",
}

# -- on the council auditor's audit card -----------------------------------------------------------
PARTNERS_HEADING = "Partner agencies' parts"
PARTNERS_INTRO = (
    "Each partner agency completes its own part through a private link. Their answers appear here as they come back."
)
PARTNER_RETURNED = "{agency}: returned by {label} on {when}"
PARTNER_WAITING = "{agency}: sent to {label}, waiting (link works until {expires})"
PARTNER_EXPIRED = "{agency}: sent to {label}, the link expired on {expires} unused"
NOT_RETURNED = "Parts not returned yet: {agencies}"
ALL_RETURNED = "Every partner agency has returned its part."
AFTER_SUBMISSION = " (came back after the audit was submitted)"
INVITE_HEADING = "Invite a partner auditor"
INVITE_INTRO = (
    "Choose the agency and say who the link is for (their work email or a description such as 'school DSL'). "
    "Never a child's or family member's name. You will get a private link to send them through secure email."
)
INVITE_AGENCY = "Agency"
INVITE_LABEL = "Who it is for (work email or a description)"
INVITE_LABEL_PLACEHOLDER = "e.g. dsl@school.example.sch.uk"
INVITE_BUTTON = "Make a partner link"

# -- the link card -------------------------------------------------------------------------------
LINK_TITLE = "Private link for a partner auditor"
LINK_INTRO = (
    "Send this link through secure email only, with the case reference so they can find the child's record in "
    "their own system. It works once, for this person's part, and expires on the date below. The page never "
    "shows the case reference or any name."
)
LINK_FACTS_CASE = "Case"
LINK_FACTS_AGENCY = "Agency"
LINK_FACTS_FOR = "For"
LINK_FACTS_EXPIRES = "Works until"
LINK_OPEN = "Open the page"
LINK_BACK = "Back to the audit"

# -- the partner's page --------------------------------------------------------------------------
PAGE_APP_NAME = "Multi-agency audit"
PAGE_BANNER = "Children's Services - multi-agency audit"
PAGE_FORM_HEADING = "Your agency's part of a multi-agency audit"
PAGE_PRIVACY = (
    "Your answers go to the council's auditor for this audit only. Please don't write the names of children, "
    "family members or professionals: the case reference in the email you received is enough."
)
PAGE_NOSCRIPT = (
    "This form needs JavaScript switched on. If you can't switch it on, please reply to the auditor who sent you "
    "the link."
)
PAGE_SENDING = "Sending your answers…"
PAGE_CHECK = "Some answers need another look. Please check the questions listed below."
PAGE_TRY_AGAIN = (
    "Sorry, we couldn't send your answers. Please check your connection and try again. Your answers are still here."
)
PAGE_SUBMIT = "Send my agency's part"
PAGE_HELP = "If a child is at immediate risk of harm, call 999 or follow your agency's safeguarding procedure now."
PAGE_SKIP = "Skip to the questions"
PAGE_THANKS_TITLE = "Thank you"
PAGE_THANKS_BODY = (
    "We have your agency's part. The council's auditor will read it with the other agencies' parts, and key "
    "findings are shared with the Quality Improvement Meeting and the safeguarding partnership."
)
PAGE_UNKNOWN_TITLE = "This link isn't working"
PAGE_UNKNOWN_BODY = (
    "Please check you have the whole link. If it still doesn't work, ask the auditor who sent it for a new one."
)
PAGE_USED_TITLE = "This part has already been sent"
PAGE_USED_BODY = (
    "Thank you, this link has already been used, so it can't be used again. If you need to add something, "
    "please ask the auditor who sent it for a new link."
)
PAGE_EXPIRED_TITLE = "This link has expired"
PAGE_EXPIRED_BODY = (
    "Links only work for a short time to keep the audit safe. Please ask the auditor who sent it for a new one: "
    "your agency's view is still wanted."
)
PAGE_BUSY_TITLE = "Please wait a moment"
PAGE_BUSY_BODY = "There have been a lot of tries from your connection. Please wait a minute and try again."
PAGE_FORBIDDEN_TITLE = "Please reload the page"
PAGE_FORBIDDEN_BODY = "For your safety we could not accept that. Please reload the page and send your answers again."

# -- refusals -----------------------------------------------------------------------------------
NOT_MULTI_AGENCY = "This audit has no partner agencies' parts: only multi-agency audits invite partner auditors."
AUDIT_CLOSED = "This audit has been submitted, so no more partner auditors can be invited to it."
FIELD_AGENCY = "Agency"
FIELD_LABEL = "Who it is for"
CHOOSE_AGENCY = "Choose one of: {choices}"
LABEL_NEEDED = "Please say who the link is for: their work email or a short description."
LABEL_TOO_LONG = "Please keep this under {limit} characters."
ANSWERS_NEED_A_LOOK = "Some answers need another look."

# -- the QIM report -------------------------------------------------------------------------------
SHEET = "Multi-agency"
AUDITS_COMPLETED = "Multi-agency audits submitted this quarter"
AGENCY = "Agency"
INVITED = "Auditors invited"
RETURNED = "Parts returned"
KEY_FINDINGS = "Key findings about multi-agency practice"
FINDING_FROM = "{agency}: {finding}"
NO_FINDINGS = "No multi-agency audit was submitted this quarter."
FINDINGS_NOTE = (
    "Findings are quoted only when they hold no personal details, case references or words that might be names; "
    "the rest stay in the audits."
)
