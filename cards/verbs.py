"""Action.Execute verbs and Action.Submit keys, shared by ``cards/`` and ``bot/``."""

SHOW_HELP = "help.show"

# Actions (issue 5)
ACTION_OPEN = "action.open"
ACTION_DONE = "action.done"
ACTION_PROPOSE_DATE = "action.propose_date"
ACTION_PROGRESS = "action.progress"
ACTION_DECIDE_DATE = "action.decide_date"
ACTION_REASSIGN = "action.reassign"
ACTION_CANCEL = "action.cancel"
ACTION_IMPACT = "action.impact"
ACTION_ASK_MORE = "action.ask_more"
ACTION_CREATE = "action.create"
ACTIONS_MINE = "actions.mine"
ACTIONS_TEAM = "actions.team"
CALENDAR_HELD = "calendar.held"
"""'It happened' / 'Record': opens the record card for one occurrence in one unit."""
CALENDAR_RECORD = "calendar.record"
CALENDAR_PICK = "calendar.pick"
CALENDAR_OPEN_EVENT = "calendar.open_event"

# Feedback (issue 6)
FEEDBACK_LINK_CREATE = "feedback.link.create"
FEEDBACK_LINK_SUBMIT = "feedback.link.submit"
PARTNER_AUDIT_SUBMIT = "partner.audit.submit"
"""The public page's submit button (the page posts the answers itself)."""
FEEDBACK_HANDOVER_OPEN = "feedback.handover.open"
FEEDBACK_HANDOVER_SUBMIT = "feedback.handover.submit"

# Organisation (issue 8)
ORG_ROLE_LOOKUP = "org.role.lookup"
ORG_ROLE_ADD = "org.role.add"
ORG_ROLE_REMOVE = "org.role.remove"
SURVEY_SEND = "survey.send"
SURVEY_OPEN = "survey.open"
SURVEY_ANSWER = "survey.answer"
SURVEY_RESULTS = "survey.results"
SURVEY_REMIND = "survey.remind"
SURVEYS_MINE = "surveys.mine"

# Delivery (issue 3)
DELIVERY_CANCEL = "delivery.cancel"
DELIVERY_RESEND_FAILED = "delivery.resend_failed"
DELIVERY_REFRESH = "delivery.refresh"


# Audits (issue 4)
AUDIT_OPEN = "audit.open"
AUDIT_NEXT = "audit.next"
AUDIT_BACK = "audit.back"
AUDIT_SAVE = "audit.save"
AUDIT_ADD_ACTION = "audit.action.add"
AUDIT_SUBMIT = "audit.submit"
AUDIT_VIEW = "audit.view"
AUDIT_COMMENT = "audit.comment"
AUDIT_REFLECT_OPEN = "audit.reflect.open"
AUDIT_REFLECT_SUBMIT = "audit.reflect.submit"
AUDIT_CONFIRM_OPEN = "audit.confirm.open"
AUDIT_CONFIRM_SUBMIT = "audit.confirm.submit"
AUDIT_MODERATE_OPEN = "audit.moderate.open"
AUDIT_MODERATE_SUBMIT = "audit.moderate.submit"
AUDIT_PARTNER_INVITE = "audit.partner.invite"
AUDIT_ROUND_NEW = "audit.round.new"
AUDIT_ROUND_START = "audit.round.start"

# The family's view inside an audit (issue 13)
AUDIT_FAMILY_LINK = "audit.family.link"
AUDIT_FAMILY_TOGETHER = "audit.family.together"
AUDIT_FAMILY_ANSWER = "audit.family.answer"
AUDIT_FAMILY_REASON = "audit.family.reason"
# Practice days (issue 15)
PRACTICE_DAY_PLAN = "practiceday.plan"
PRACTICE_DAY_SUMMARY = "practiceday.summary"
PRACTICE_DAY_WORKBOOK = "practiceday.workbook"

# Digests and reports (issue 7)
DIGEST_POST = "digest.post"
REPORT_QIM_LINK = "report.qim.link"

# The continuous improvement plan (issue 16)
IMPROVEMENT_LIST = "improvement.list"
IMPROVEMENT_NEW = "improvement.new"
IMPROVEMENT_EDIT = "improvement.edit"
IMPROVEMENT_SAVE = "improvement.save"
IMPROVEMENT_HISTORY = "improvement.history"

# Compliments and complaints; celebrating quality practice (issue 16)
CLIENT_FEEDBACK_NEW = "client_feedback.new"
CLIENT_FEEDBACK_LOG = "client_feedback.log"
PRACTICE_NOMINATE = "practice.nominate"

# Practice observations and group supervision / mapping (issue 15)
OBSERVATION_RECORD = "observation.record"
OBSERVATION_VIEW = "observation.view"
OBSERVATION_REFLECT_OPEN = "observation.reflect.open"
OBSERVATION_REFLECT_SUBMIT = "observation.reflect.submit"
MAPPING_NEXT = "mapping.next"
MAPPING_RECORD = "mapping.record"

# The Quality Improvement Meeting and assurance (issue 16)
QIM_PACK = "qim.pack"
QIM_DECISION_FORM = "qim.decision.form"
QIM_DECISION_SAVE = "qim.decision.save"
QIM_DECISIONS = "qim.decisions"
QIM_ACTION_FORM = "qim.action.form"
QIM_ACTION_SAVE = "qim.action.save"
ASSURANCE_SAVE = "assurance.save"

# Service performance clinics (issue 14, item 5)
CLINIC_AGREE = "clinic.agree"
CLINIC_WORKBOOK = "clinic.workbook"
CLINIC_SERVICE_AGREE = "clinic.service_agree"
CLINIC_SERVICE_WORKBOOK = "clinic.service_workbook"

# The moderation group (issue 13)
MODERATION_GROUP_NEW = "moderation_group.new"
MODERATION_GROUP_SCHEDULE = "moderation_group.schedule"
MODERATION_GROUP_OPEN = "moderation_group.open"
MODERATION_GROUP_READ = "moderation_group.read"
MODERATION_GROUP_OUTCOME_OPEN = "moderation_group.outcome.open"
MODERATION_GROUP_OUTCOME = "moderation_group.outcome"
MODERATION_GROUP_CLOSE_OPEN = "moderation_group.close.open"
MODERATION_GROUP_CLOSE = "moderation_group.close"
