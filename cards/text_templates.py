"""Wording for questionnaires (audits, reflections, surveys): validation messages and labels."""

REQUIRED = "Please answer this question."
NOT_AN_OPTION = "Please choose one of the options."
SCALE_RANGE = "Choose a whole number from {low} to {high}."
NOT_A_DATE = "Enter a date as day, month and year."
DATE_IN_PAST = "This date is in the past; choose today or a later date."
DATE_IN_FUTURE = "This date is in the future."
TOO_LONG = "Please shorten this to {limit} characters or fewer (it has {length})."
RATIONALE_NEEDED = "{article} {grade} grade needs a rationale that cites the evidence."

GRADE_CHOICE = "{label} \u2013 {descriptor}"
"""A grade choice with its descriptor beside it, so every auditor grades against the same words."""

RATIONALE_LABEL = "Rationale (required for {grades})"
EVIDENCE_LABEL = "Evidence: where in the record did you see this?"

PERSONAL_DATA = "Please remove {what} (\u201c{excerpt}\u201d): qop must not hold it. Use the case reference only."
PERSONAL_DATA_KINDS = {
    "date_of_birth": "what looks like a date of birth",
    "phone": "what looks like a phone number",
    "postcode": "what looks like a postcode",
    "nhs_number": "what looks like an NHS number",
    "email": "an e-mail address",
}
