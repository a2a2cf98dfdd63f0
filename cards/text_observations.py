"""What qop says about practice observations and group supervision / mapping. Plain English;
families are known by case reference only, never by name."""

# -- practice observations -------------------------------------------------------------------------

FORM_TITLE = "Record a practice observation"
FORM_INTRO = (
    "What you saw of a colleague's practice with a family, against the practice expectations. "
    "When you save, the practitioner is asked for their reflection."
)
CONSENT_LABEL = "Who agreed to the observation?"
CONSENT_PRACTITIONER = "The practitioner"
CONSENT_FAMILY = "The family (parent or carer)"
CONSENT_NEEDED = (
    "An observation can only be saved once both the practitioner and the family have agreed to it. "
    "Tick both when they have; if they have not, please don't record this observation."
)
PRACTITIONER_LABEL = "Whose practice did you observe?"
PRACTITIONER_NEEDED = "Choose the practitioner you observed."
CASE_LABEL = "Case reference"
CASE_NEEDED = "Type the case reference from the case record (e.g. LCS100234), not a name."
CASE_INVALID = "That doesn't look like a case reference (e.g. LCS100234). Please use the reference, never a name."
NOT_YET_HAPPENED = "That date is still to come: record an observation after it has happened."
NOT_YOURSELF = "You can't observe your own practice; choose a colleague."
CHOOSE = "Choose"
REQUIRED_MARK = " *"
PAGE_HAS_ERRORS = "Some answers need a look before this can be saved (marked below)."
PRIVACY_REMINDER = "Please don't type the family's names, addresses or dates of birth: the case reference is enough."
SAVE = "Save the observation"

ONLY_OBSERVERS = (
    "Only team managers, senior managers and the QA lead (standing in for practice leads) can record a practice "
    "observation. Ask your manager if you'd like your practice observed."
)
ONLY_PRACTITIONER_MANAGER_OBSERVER = (
    "Only the practitioner who was observed, their team manager and the observer can see this observation."
)
ONLY_THE_PRACTITIONER_REFLECTS = "Only the practitioner who was observed can add their reflection."
NO_SUCH_OBSERVATION = "I can't find that observation."

VIEW_TITLE = "Practice observation · {case_ref}"
FACT_CASE = "Case reference"
FACT_PRACTITIONER = "Practitioner"
FACT_OBSERVER = "Observer"
FACT_TEAM = "Team"
FACT_OBSERVED_ON = "Observed on"
FACT_CONSENT = "Consent"
CONSENT_BOTH = "Practitioner and family agreed"
SAVED = "Saved. {practitioner} has been asked for their reflection."
AWAITING_REFLECTION = "Waiting for the practitioner's reflection."
REFLECTION_HEADING = "The practitioner's reflection"
OPEN = "Open"

REQUEST_TITLE = "Your practice was observed · {case_ref}"
REQUEST_INTRO = (
    "{observer} observed your practice on {observed_on}. Read what they saw, then add your own reflection and "
    "the learning you agreed together."
)
REFLECT = "Add my reflection"
REFLECTION_TITLE = "Your reflection · {case_ref}"
SEND_REFLECTION = "Send my reflection"
REFLECTION_DONE = "Thank you. Your reflection is with the observation; your manager and the observer can read it."

# -- group supervision and mapping -----------------------------------------------------------------

MAPPING_TITLE = "Record group supervision or mapping · {team}"
MAPPING_INTRO = "The team's thinking on one case, with everyone's scale. Case reference only, never names."
KIND_LABEL = "What kind of meeting?"
HELD_ON_LABEL = "When was it held?"
HELD_ON_NEEDED = "Give the date the meeting was held (not in the future)."
WORRIED_LABEL = "What are we worried about?"
WORKING_LABEL = "What's working well?"
NEEDS_LABEL = "What needs to happen?"
ANSWER_NEEDED = "Please fill this in."
TOO_LONG = "Please keep this under {limit} characters (it has {length})."
ATTENDEES_LABEL = "Who was there?"
ATTENDEES_NEEDED = "Choose at least one person who was there."
UNKNOWN_ATTENDEE = "Choose people from the team; someone chosen isn't in {team}."
NEXT = "Next: scaling and actions"
SCALING_HEADING = "Scaling"
SCALING_INTRO = "On a scale of 0 to 10 (0: the child cannot safely stay at home; 10: safe enough to close)."
SCALE_LABEL = "{name}'s scale"
RATIONALE_LABEL = "Why {name} chose it"
SCALE_NEEDED = "Choose a scale from 0 to 10."
RATIONALE_NEEDED = "Say why this scale was chosen."
ACTIONS_HEADING = "Actions (optional)"
ACTION_LABEL = "Action {row}: what must happen"
ACTION_OWNER_LABEL = "Who will do it"
ACTION_DUE_LABEL = "By when"
ACTION_OWNER_NEEDED = "Choose who will do this."
ACTION_DUE_NEEDED = "Choose a due date from today on."
RECORD_MAPPING = "Save the meeting"
NO_TEAM = (
    "I don't know which team this is for. Type 'record mapping' in your team's channel (linked with "
    "'link team [name]'), or in our chat if you belong to a team."
)
ONLY_TEAM_RECORDS = "Only members of the team, its manager and the QA lead can record the team's group supervision."
MAPPING_SAVED_TITLE = "{kind} · {case_ref}"
FACT_HELD_ON = "Held on"
FACT_KIND = "Meeting"
SCALES_HEADING = "Scales"
SCALE_LINE = "{scale}/10 — {rationale}"
ACTIONS_RAISED = "Actions raised"
ACTION_LINE = "{description} — {owner}, by {due}"
NO_ACTIONS = "No actions were raised."
