"""Help lines of the bot's commands, as the help card and Teams' command menu show them.

Teams cuts a command's description at 128 characters; keep each line short enough. Write
what the user fills in as ``[case ref]``, not ``<case ref>``: card renderers drop text in
angle brackets as if it were HTML.
"""

HELP = "Show what I can do"
WHOAMI = "Your team, manager and roles"
MY_TASKS = "Audits, reflections and moderation waiting for you"
MY_ACTIONS = "Your open actions, overdue first"
MY_SURVEYS = "Surveys waiting for your answers"
FEEDBACK_LINK = "A private link (and QR code) for a family or partner: feedback link [case ref] [form]"
FEEDBACK_WITH_CHILD = "Open a child's feedback form here, to complete together: feedback with child [case ref] [form]"
TEAM_ACTIONS = "Your team's open actions (managers)"
TEAM_AUDITS = "Your teams' audits (managers and the QA lead)"
NEW_ACTION = "Give someone an action (managers and the QA lead)"
QA_CALENDAR = "The QA calendar for your teams: what is due, held, late or missed"
RECORD_ACTIVITY = "Record a learning event: back to the floor, peer challenge, an inspection, a dispute"
SEND_SURVEY = "Send a staff or partner survey (QA lead and managers)"
SURVEY_RESULTS = "Results of a survey you sent: survey results [number]"
SURVEY_REMIND = "Remind only those who haven't answered: survey remind [number]"
AUDIT_ROUND = "Start an audit round (QA lead and managers)"
CLINIC = (
    "A team's performance clinic pack (managers, senior managers): clinic [team]; "
    "the senior leadership clinic's service pack: clinic service"
)
REPORT_QIM = "QIM report (QIM members): 'report qim 2026Q3', optionally 'team [name]', 'area [name]', 'type themed'"
QIM = "The pack for the next Quality Improvement Meeting, its decisions and actions (QIM members)"
QIM_PACK = "In the QIM's channel: post the QIM pack here, and post future packs here (the QIM's chair)"
REPORT_HALF = "Half-year service-wide report with trends (QIM members): 'report half 2026H1'"
IMPROVEMENT_PLAN = "The continuous improvement plan: priorities, owners, milestones (QIM members)"
CELEBRATED = "Quality practice we celebrate"
CELEBRATE = "Nominate quality practice from an audit or observation to celebrate (managers)"
CLIENT_FEEDBACK = "Log a compliment or complaint against a team, by theme (client relations)"
PLAN_PRACTICE_DAY = "Plan a practice day for a service area (senior managers, Heads of Service, QA lead)"
PRACTICE_DAYS = "Practice days planned for your areas, and each day's summary"
ADMIN_ROLES = "Give or take away roles (administrators)"
DEMO_ROLE = "Try qop as: practitioner, team manager, senior manager, QA lead, moderator, administrator"
DIGEST = "Weekly digest for this channel: 'digest weekly', 'digest stop', 'digest now'"
LINK = "Show or set the team this channel belongs to: link team [name]"
MODERATION_GROUP = "The moderation group's meetings: the QA lead schedules one; members moderate its audits together"
RECORD_OBSERVATION = "Record a practice observation of a colleague (managers, practice leads)"
RECORD_MAPPING = "Record group supervision or Signs of Safety mapping: record mapping [case ref]"
