"""What qop says about the organisation: whoami, channel links, the admin roles card, demo roles."""

ROLE_LABELS: dict[str, str] = {
    "practitioner": "practitioner",
    "team_manager": "team manager",
    "senior_manager": "senior manager",
    "qa_lead": "QA lead",
    "moderator": "moderator",
    "administrator": "administrator",
    "service_director": "service director",
    "head_of_service": "head of service",
    "qa_head_of_service": "QA head of service",
    "principal_social_worker": "principal social worker",
    "iro_manager": "IRO manager",
    "practice_champion": "practice champion",
    "performance_analyst": "performance analyst",
    "client_relations": "client relations",
}
"""What people see for each role (keyed by the stored role value), the one wording for roles everywhere."""
ANY_MEMBER = "any member"

WHOAMI_TITLE = "Who I think you are"
WHOAMI_NOT_MATCHED = (
    "You are not matched to the organisation yet, so audits, actions and reports are not open to you. "
    "Your qop administrator can add you to the organisation file with the e-mail or Entra ID object id below "
    "(they can list everyone waiting with 'qop org unmatched'). You can still use 'help' and 'whoami'."
)
WHOAMI_LEFT = "Your place in the organisation has ended, so qop only shows you this card. Ask your qop administrator if that is wrong."
WHOAMI_NAME = "Name"
WHOAMI_EMAIL = "E-mail"
WHOAMI_TEAM = "Team"
WHOAMI_AREA = "Service area"
WHOAMI_MANAGER = "Manager"
WHOAMI_ROLES = "Roles"
WHOAMI_AAD = "Entra ID object id"
WHOAMI_TEAMS_ID = "Teams id"
WHOAMI_NONE = "none"
WHOAMI_NO_TEAM = "not in a team"
WHOAMI_NO_MANAGER = "no manager recorded"
WHOAMI_UNKNOWN = "unknown"
WHOAMI_FOOTER = "Something wrong? Your qop administrator keeps the organisation list."

LINK_TITLE = "This channel's link"
LINK_NOT_LINKED = (
    "This channel is not linked to a team yet. A team manager (or an administrator) can link it with "
    "'@qop link team [name]'; a senior manager can link it to a service area with '@qop link area [name]'."
)
LINK_LINKED = "This channel belongs to {target}. Its digests and team posts come here."
LINK_DONE = "Linked: this channel now belongs to {target}. Its digests and team posts will come here."
LINK_TEAM = "the {team} ({area})"
LINK_AREA = "the {area} service area"
LINK_BY = "Linked by"
LINK_WHEN = "Linked on"

ADMIN_TITLE = "Roles"
ADMIN_INTRO = "Give or take away someone's role. Every change is written to the access log with your name."
ADMIN_EMAIL = "Their e-mail"
ADMIN_EMAIL_PLACEHOLDER = "name@council.gov.uk"
ADMIN_EMAIL_ERROR = "Type the person's work e-mail"
ADMIN_ROLE = "Role"
ADMIN_ROLE_ERROR = "Choose a role"
ADMIN_AREA = "Service area (senior managers)"
ADMIN_TEAM = "Team (team managers)"
ADMIN_LOOKUP = "Show their roles"
ADMIN_ADD = "Add role"
ADMIN_REMOVE = "Remove role"
ADMIN_PERSON = "{name} ({email})"
ADMIN_NO_ROLES = "no roles yet"

DEMO_TITLE = "Demo role: {role}"
DEMO_INTRO = (
    "You are now trying qop as {role}. Only the playground offers this; real roles come from the organisation file."
)
DEMO_HINTS = {
    "practitioner": "Try 'my actions' and 'whoami'.",
    "team manager": "You now manage {team}. Try 'team actions', and '@qop link team' in a channel.",
    "senior manager": "You now lead the {area} service area: you see totals for it, not individual cases.",
    "QA lead": "You can see everything and moderate audits. Try 'team actions' and the QA calendar.",
    "moderator": "Audits picked for moderation can now come to you.",
    "administrator": "You can change anyone's roles: type 'admin roles'.",
    "service director": (
        "You chair the QIM: you can read everything, open the QIM report ('report qim') and run the "
        "meeting from its pack ('qim')."
    ),
    "head of service": "You now lead the {area} service area and can change the improvement plan ('improvement plan').",
    "QA head of service": "You act as QA lead and own the improvement plan. Try 'improvement plan' and 'report qim'.",
    "principal social worker": "You can read audits service-wide and moderate them.",
    "IRO manager": "You can read audits and moderate them.",
    "practice champion": "You can read the improvement plan: type 'improvement plan'.",
    "performance analyst": "You can read totals and the QIM report ('report qim'), never individual answers.",
    "client relations": "You can open the QIM report ('report qim') as a member of the QIM.",
}
DEMO_USAGE = "Type 'demo role' followed by one of: {roles}."

# -- Refusals ---------------------------------------------------------------------------------
NOT_A_ROLE = "'{role}' is not a role. Roles are: {roles}."
NOT_IN_ORGANISATION_YET = "{email} is not in the organisation yet: add them to the organisation file."
ROLE_NEEDS_AREA = "A {role} role needs the service area they lead."
CHOOSE_AREA = "Choose an area"
TEAM_MANAGER_NEEDS_TEAM = "Say which team they will manage."
CHOOSE_TEAM = "Choose a team"
LAST_ADMINISTRATOR = "That would leave qop without an administrator; add another administrator first."
LINK_CHANNELS_ONLY = "Linking works in a team channel: mention me there with '@qop link team [name]'."
LINK_WHICH_TEAM = "Say which team to link: '@qop link team [name]' (or '@qop link area [name]')."
CHANNEL_UNKNOWN = "I don't know this channel yet: install qop in the team first."
KIND_TEAM = "team"
KIND_AREA = "service area"
KIND_TEAM_OR_AREA = "team or service area"
NAME_AMBIGUOUS = "More than one {what} matches '{name}': {matches}. Please give the full name."
NAME_KNOWN = " Known: {names}."
NO_SUCH_NAME = "There is no {what} called '{name}'.{hint}"
IMPORT_WOULD_EMPTY = (
    "The file has no valid people, so a full import would deactivate everyone. "
    "Fix the file, or import it with --partial."
)
DEMO_PLAYGROUND_ONLY = "Demo roles exist only in the local playground."
DEMO_NOT_LOADED = "You are not in the demo organisation: run 'python -m qop demo load' (make run does)."
DEMO_MANAGER_NEEDS_TEAM = "Demo manager roles need you to be in a team in the demo organisation file."
ROLE_NOW = "{name} is now {role}."
ROLE_NO_LONGER = "{name} is no longer {role}."
ROLE_ALREADY = "{name} already is {role}: nothing changed."
ROLE_NOT_HELD = "{name} is not {role}: nothing changed."
