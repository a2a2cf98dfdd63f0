"""One place for permission rules: who may view, submit, moderate or change which record.

Every feature asks here instead of writing its own checks::

    actor = await actors.load_for_teams_user(session, user.teams_user_id)
    policy.require(actor, Permission.VIEW, policy.audit(practitioner_id=..., auditor_ids=[...], team_id=...))

``require`` raises ``services.errors.NotAllowed`` with a sentence the bot shows as a refusal
card; ``allows`` answers the same question as a bool (to hide a button); ``view_scope`` says
which records a list may show. The rules follow the framework's role-based access: a
practitioner sees their own work, a manager their team's, moderators what they moderate, the
QA lead (and the QA Head of Service) everything, senior managers and Heads of Service aggregates for
their service area (and, as their line manager, the actions of people with no manager in their team,
such as team managers), administrators the organisation and its roles. The framework's governance
roles: the Service Director reads everything; the Principal Social Worker and the IRO manager read
and moderate audits service-wide; performance analysts read totals and reports, never a case; the
QIM's members open the QIM report; the QA Head of Service and Heads of Service change the continuous
improvement plan (each priority's owner writes its monthly update); the QIM's chair (the Service
Director) and the QA Head of Service record the meeting's decisions and raise its service-level
actions; client relations log compliments and complaints; performance analysts (and the QA lead)
import the monthly indicator figures. The QA lead schedules the moderation group; its members read
the audits on a meeting's list and record what the group agreed.
``docs/permissions.md`` holds the whole matrix as a table generated from these rules (``services.policy_matrix``).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from cards import text
from cards import text_measures as measures_text
from cards import text_moderation_group as group_text
from cards import text_practice_days as practice_day_text
from services.actors import Actor
from services.errors import NotAllowed
from storage.models import Role


class Permission(enum.StrEnum):
    VIEW = "view"
    SUBMIT = "submit"
    MODERATE = "moderate"
    CHANGE = "change"


class RecordKind(enum.StrEnum):
    AUDIT = "audit"
    AUDIT_REFLECTION = "audit reflection"
    ACTION = "action"
    SURVEY_RESULTS = "survey results"
    DIGEST_SUBSCRIPTION = "digest subscription"
    CHANNEL_LINK = "channel link"
    ORGANISATION = "organisation"
    QIM_REPORT = "QIM report"
    IMPROVEMENT_PLAN = "improvement plan"
    COMPLIMENTS_COMPLAINTS = "compliments and complaints"
    PRACTICE_EXAMPLE = "practice example"
    QIM_MEETING = "QIM meeting"
    PERFORMANCE_CLINIC = "performance clinic"
    SENIOR_LEADERSHIP_CLINIC = "senior leadership clinic"
    INDICATOR_FIGURES = "indicator figures"
    PRACTICE_DAY = "practice day"
    MODERATION_GROUP = "moderation group"


@dataclass(frozen=True)
class RecordContext:
    """What the rules need to know about one record (build it with the functions below)."""

    kind: RecordKind
    owner_id: int | None = None
    """Whose record it is: the practitioner whose work is audited, an action's owner, a subscriber."""
    participant_ids: frozenset[int] = frozenset()
    """People working on it: the auditor(s), whoever raised an action."""
    team_id: int | None = None
    service_area_id: int | None = None
    moderator_ids: frozenset[int] = frozenset()
    awaiting_moderation: bool = False
    """Selected for moderation and not yet picked up: any independent moderator may take it."""
    aggregate: bool = False
    """Numbers only (small groups already suppressed), no individual answers."""
    no_line_manager: bool = False
    """An action whose owner has nobody above them in their team (they manage it, or it has no
    manager): the senior managers of the team's service area stand in as their line manager."""


def audit(
    *,
    practitioner_id: int | None,
    auditor_ids: Iterable[int] = (),
    team_id: int | None = None,
    service_area_id: int | None = None,
    moderator_ids: Iterable[int] = (),
    awaiting_moderation: bool = False,
    reflection: bool = False,
) -> RecordContext:
    """An audit of a practitioner's case (``reflection=True``: the practitioner's own reflection on it)."""
    return RecordContext(
        kind=RecordKind.AUDIT_REFLECTION if reflection else RecordKind.AUDIT,
        owner_id=practitioner_id,
        participant_ids=frozenset(auditor_ids),
        team_id=team_id,
        service_area_id=service_area_id,
        moderator_ids=frozenset(moderator_ids),
        awaiting_moderation=awaiting_moderation,
    )


def action(
    *,
    owner_id: int | None,
    raised_by_ids: Iterable[int] = (),
    team_id: int | None = None,
    no_line_manager: bool = False,
) -> RecordContext:
    """An action; ``team_id`` is its owner's team, ``no_line_manager`` when the owner has no manager in it."""
    return RecordContext(
        RecordKind.ACTION,
        owner_id=owner_id,
        participant_ids=frozenset(raised_by_ids),
        team_id=team_id,
        no_line_manager=no_line_manager,
    )


def survey_results(
    *, team_id: int | None = None, service_area_id: int | None = None, aggregate: bool = True
) -> RecordContext:
    return RecordContext(
        RecordKind.SURVEY_RESULTS, team_id=team_id, service_area_id=service_area_id, aggregate=aggregate
    )


def digest_subscription(
    *, subscriber_id: int | None = None, team_id: int | None = None, service_area_id: int | None = None
) -> RecordContext:
    """A person's own subscription (``subscriber_id``) or a team / service area channel's."""
    return RecordContext(
        RecordKind.DIGEST_SUBSCRIPTION, owner_id=subscriber_id, team_id=team_id, service_area_id=service_area_id
    )


def channel_link(*, team_id: int | None = None, service_area_id: int | None = None) -> RecordContext:
    return RecordContext(RecordKind.CHANNEL_LINK, team_id=team_id, service_area_id=service_area_id)


def organisation(*, person_id: int | None = None) -> RecordContext:
    """The organisation and its roles; ``person_id`` names one person's own entry (whoami)."""
    return RecordContext(RecordKind.ORGANISATION, owner_id=person_id)


def qim_report() -> RecordContext:
    """The quarterly report for the Quality Improvement Meeting (totals only, never a case)."""
    return RecordContext(RecordKind.QIM_REPORT, aggregate=True)


def improvement_plan(*, owner_id: int | None = None) -> RecordContext:
    """The continuous improvement plan the QIM reviews: its priorities, milestones and evidence;
    ``owner_id`` names one priority's owner (who writes its monthly update)."""
    return RecordContext(RecordKind.IMPROVEMENT_PLAN, owner_id=owner_id)


def qim_meeting() -> RecordContext:
    """A Quality Improvement Meeting: its pack, the decisions recorded and the service-level actions raised."""
    return RecordContext(RecordKind.QIM_MEETING, aggregate=True)


def compliments_complaints(*, team_id: int | None = None, service_area_id: int | None = None) -> RecordContext:
    """Compliments and complaints logged against a team (case reference only, no names)."""
    return RecordContext(RecordKind.COMPLIMENTS_COMPLAINTS, team_id=team_id, service_area_id=service_area_id)


def practice_example(*, team_id: int | None = None, service_area_id: int | None = None) -> RecordContext:
    """A quality practice example nominated to celebrate (anonymised) from a team's audit or observation."""
    return RecordContext(RecordKind.PRACTICE_EXAMPLE, team_id=team_id, service_area_id=service_area_id)


def performance_clinic(*, team_id: int | None = None, service_area_id: int | None = None) -> RecordContext:
    """A team's monthly performance clinic pack: its figures (totals, never a case) and the actions agreed."""
    return RecordContext(
        RecordKind.PERFORMANCE_CLINIC, team_id=team_id, service_area_id=service_area_id, aggregate=True
    )


def senior_leadership_clinic() -> RecordContext:
    """The whole service's monthly senior leadership performance clinic pack (totals, never a case)
    and the service-level actions agreed at it."""
    return RecordContext(RecordKind.SENIOR_LEADERSHIP_CLINIC, aggregate=True)


def indicator_figures() -> RecordContext:
    """The monthly figures of the measures' indicators, imported from the case-system extract (totals
    per team and month, never a case)."""
    return RecordContext(RecordKind.INDICATOR_FIGURES, aggregate=True)


def practice_day(*, service_area_id: int | None, planner_id: int | None = None) -> RecordContext:
    """A practice day of a service area (``planner_id``: who planned it): its plan, pairs and summary."""
    return RecordContext(RecordKind.PRACTICE_DAY, owner_id=planner_id, service_area_id=service_area_id)


def moderation_group(
    *, member_ids: Iterable[int] = (), practitioner_id: int | None = None, auditor_ids: Iterable[int] = ()
) -> RecordContext:
    """A moderation group meeting (``member_ids``: who sits in it); with an audit's practitioner and
    auditor(s), one audit on its list, whose outcome only a member independent of it records."""
    return RecordContext(
        RecordKind.MODERATION_GROUP,
        owner_id=practitioner_id,
        participant_ids=frozenset(auditor_ids),
        moderator_ids=frozenset(member_ids),
    )


# -- who: small predicates the rules are made of -------------------------------------------

Who = Callable[[Actor, RecordContext], bool]


def anyone(_actor: Actor, _record: RecordContext) -> bool:
    return True


def member(actor: Actor, _record: RecordContext) -> bool:
    return actor.is_member


def owner(actor: Actor, record: RecordContext) -> bool:
    return actor.is_member and record.owner_id is not None and record.owner_id == actor.person_id


def participant(actor: Actor, record: RecordContext) -> bool:
    return actor.is_member and actor.person_id in record.participant_ids


def team_manager(actor: Actor, record: RecordContext) -> bool:
    return actor.manages(record.team_id)


def team_member(actor: Actor, record: RecordContext) -> bool:
    return actor.is_member and record.team_id is not None and actor.team_id == record.team_id


def area_lead(actor: Actor, record: RecordContext) -> bool:
    return actor.leads_area(record.service_area_id) or actor.leads_team_area(record.team_id)


def area_lead_as_line_manager(actor: Actor, record: RecordContext) -> bool:
    """A senior manager of the area, for someone with no line manager in their team (a team manager's
    own action is escalated to them, so they must be able to open and decide on it). Not for anyone
    else's: for the rest of their area senior managers see totals, not individual records."""
    return record.no_line_manager and area_lead(actor, record)


def qa_lead(actor: Actor, _record: RecordContext) -> bool:
    """The QA lead, or the QA Head of Service who leads quality assurance (the framework's title)."""
    return actor.has(Role.QA_LEAD) or actor.has(Role.QA_HEAD_OF_SERVICE)


def holds(*roles: Role) -> Who:
    """Anyone holding one of ``roles``, whatever the record (roles that act service-wide)."""
    return lambda actor, _record: any(actor.has(role) for role in roles)


service_director = holds(Role.SERVICE_DIRECTOR)
qa_head_of_service = holds(Role.QA_HEAD_OF_SERVICE)
head_of_service = holds(Role.HEAD_OF_SERVICE)
practice_leader = holds(Role.PRINCIPAL_SOCIAL_WORKER, Role.IRO_MANAGER)
"""The Principal Social Worker and the IRO/CP chair manager: read and moderate audits service-wide."""
performance_analyst = holds(Role.PERFORMANCE_ANALYST)
senior_leader = holds(Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE)
"""A senior manager or Head of Service, whichever areas they lead (for service-wide records)."""
client_relations = holds(Role.CLIENT_RELATIONS)
qim_member = holds(
    Role.SERVICE_DIRECTOR,
    Role.HEAD_OF_SERVICE,
    Role.SENIOR_MANAGER,
    Role.QA_HEAD_OF_SERVICE,
    Role.QA_LEAD,
    Role.PRINCIPAL_SOCIAL_WORKER,
    Role.PERFORMANCE_ANALYST,
    Role.CLIENT_RELATIONS,
)
"""The Quality Improvement Meeting: chaired by the Service Director, with Heads of Service and the
extended service management team (senior managers), the QA Head of Service and QA lead, the Principal
Social Worker; client relations and performance analysts are invited."""


def administrator(actor: Actor, _record: RecordContext) -> bool:
    return actor.has(Role.ADMINISTRATOR)


def assigned_moderator(actor: Actor, record: RecordContext) -> bool:
    return actor.has(Role.MODERATOR) and actor.person_id in record.moderator_ids


def group_member(actor: Actor, record: RecordContext) -> bool:
    """Invited to this moderation group meeting (its members are the record's ``moderator_ids``)."""
    return actor.is_member and actor.person_id in record.moderator_ids


def independent(actor: Actor, record: RecordContext) -> bool:
    """Not the practitioner and not the auditor: moderation must be a second pair of eyes."""
    return not owner(actor, record) and not participant(actor, record)


def available_moderator(actor: Actor, record: RecordContext) -> bool:
    return (
        actor.has(Role.MODERATOR)
        and record.awaiting_moderation
        and not record.moderator_ids
        and independent(actor, record)
    )


def any_of(*whos: Who) -> Who:
    return lambda actor, record: any(who(actor, record) for who in whos)


def all_of(*whos: Who) -> Who:
    return lambda actor, record: all(who(actor, record) for who in whos)


def aggregate_for(who: Who) -> Who:
    return lambda actor, record: record.aggregate and who(actor, record)


@dataclass(frozen=True)
class Rule:
    who: Who
    refusal: str
    """Shown to someone the rule refuses: says who may, so they know whom to ask."""


_MODERATOR = any_of(assigned_moderator, available_moderator)
_SENIOR_CLINIC = any_of(service_director, senior_leader, performance_analyst, qa_lead)
"""The senior leadership performance clinic: the Service Director, Heads of Service and senior managers,
the performance team (analysts) and the QA lead, who see the service pack and agree its actions."""
_AUDIT_READERS = any_of(owner, participant, team_manager, _MODERATOR, qa_lead, service_director, practice_leader)

RULES: dict[tuple[RecordKind, Permission], Rule] = {
    (RecordKind.AUDIT, Permission.VIEW): Rule(
        _AUDIT_READERS,
        text.REFUSED_AUDIT_VIEW,
    ),
    (RecordKind.AUDIT, Permission.SUBMIT): Rule(participant, text.REFUSED_AUDIT_SUBMIT),
    (RecordKind.AUDIT, Permission.MODERATE): Rule(
        all_of(independent, any_of(_MODERATOR, qa_lead, practice_leader)),
        text.REFUSED_AUDIT_MODERATE,
    ),
    (RecordKind.AUDIT, Permission.CHANGE): Rule(any_of(team_manager, qa_lead), text.REFUSED_AUDIT_CHANGE),
    (RecordKind.AUDIT_REFLECTION, Permission.VIEW): Rule(
        any_of(owner, participant, team_manager, assigned_moderator, qa_lead, service_director, practice_leader),
        text.REFUSED_REFLECTION_VIEW,
    ),
    (RecordKind.AUDIT_REFLECTION, Permission.SUBMIT): Rule(owner, text.REFUSED_REFLECTION_SUBMIT),
    (RecordKind.AUDIT_REFLECTION, Permission.CHANGE): Rule(owner, text.REFUSED_REFLECTION_CHANGE),
    (RecordKind.ACTION, Permission.VIEW): Rule(
        any_of(owner, participant, team_manager, area_lead_as_line_manager, qa_lead, service_director),
        text.REFUSED_ACTION_VIEW,
    ),
    (RecordKind.ACTION, Permission.SUBMIT): Rule(any_of(owner, team_manager), text.REFUSED_ACTION_SUBMIT),
    (RecordKind.ACTION, Permission.CHANGE): Rule(
        any_of(participant, team_manager, area_lead_as_line_manager, qa_lead),
        text.REFUSED_ACTION_CHANGE,
    ),
    (RecordKind.SURVEY_RESULTS, Permission.VIEW): Rule(
        any_of(qa_lead, aggregate_for(any_of(area_lead, team_manager, service_director, performance_analyst))),
        text.REFUSED_SURVEY_RESULTS_VIEW,
    ),
    (RecordKind.SURVEY_RESULTS, Permission.SUBMIT): Rule(member, text.REFUSED_SURVEY_SUBMIT),
    (RecordKind.SURVEY_RESULTS, Permission.CHANGE): Rule(qa_lead, text.REFUSED_SURVEY_CHANGE),
    (RecordKind.DIGEST_SUBSCRIPTION, Permission.VIEW): Rule(
        any_of(owner, team_member, team_manager, area_lead, qa_lead, service_director),
        text.REFUSED_DIGEST_VIEW,
    ),
    (RecordKind.DIGEST_SUBSCRIPTION, Permission.CHANGE): Rule(
        any_of(owner, team_manager, area_lead, qa_lead, administrator),
        text.REFUSED_DIGEST_CHANGE,
    ),
    (RecordKind.CHANNEL_LINK, Permission.VIEW): Rule(anyone, text.NOBODY_REFUSED),
    (RecordKind.CHANNEL_LINK, Permission.CHANGE): Rule(
        any_of(administrator, team_manager, area_lead),
        text.REFUSED_CHANNEL_LINK_CHANGE,
    ),
    (RecordKind.ORGANISATION, Permission.VIEW): Rule(
        any_of(owner, administrator, qa_lead, service_director), text.REFUSED_ORGANISATION_VIEW
    ),
    (RecordKind.ORGANISATION, Permission.CHANGE): Rule(administrator, text.REFUSED_ORGANISATION_CHANGE),
    (RecordKind.QIM_REPORT, Permission.VIEW): Rule(qim_member, text.REFUSED_QIM_REPORT_VIEW),
    (RecordKind.IMPROVEMENT_PLAN, Permission.VIEW): Rule(
        any_of(qim_member, holds(Role.IRO_MANAGER, Role.PRACTICE_CHAMPION)), text.REFUSED_IMPROVEMENT_PLAN_VIEW
    ),
    (RecordKind.IMPROVEMENT_PLAN, Permission.CHANGE): Rule(
        any_of(qa_head_of_service, head_of_service), text.REFUSED_IMPROVEMENT_PLAN_CHANGE
    ),
    (RecordKind.IMPROVEMENT_PLAN, Permission.SUBMIT): Rule(
        any_of(owner, qa_head_of_service, head_of_service), text.REFUSED_IMPROVEMENT_PLAN_SUBMIT
    ),
    (RecordKind.QIM_MEETING, Permission.VIEW): Rule(qim_member, text.REFUSED_QIM_MEETING_VIEW),
    (RecordKind.QIM_MEETING, Permission.CHANGE): Rule(
        any_of(service_director, qa_head_of_service), text.REFUSED_QIM_MEETING_CHANGE
    ),
    (RecordKind.COMPLIMENTS_COMPLAINTS, Permission.VIEW): Rule(
        any_of(client_relations, qa_lead, service_director, area_lead), text.REFUSED_CLIENT_FEEDBACK_VIEW
    ),
    (RecordKind.COMPLIMENTS_COMPLAINTS, Permission.SUBMIT): Rule(client_relations, text.REFUSED_CLIENT_FEEDBACK_SUBMIT),
    (RecordKind.PERFORMANCE_CLINIC, Permission.VIEW): Rule(
        any_of(team_manager, area_lead, qa_lead, service_director, performance_analyst),
        text.REFUSED_CLINIC_VIEW,
    ),
    (RecordKind.PERFORMANCE_CLINIC, Permission.SUBMIT): Rule(
        any_of(team_manager, area_lead, qa_lead), text.REFUSED_CLINIC_SUBMIT
    ),
    (RecordKind.SENIOR_LEADERSHIP_CLINIC, Permission.VIEW): Rule(_SENIOR_CLINIC, text.REFUSED_SENIOR_CLINIC_VIEW),
    (RecordKind.SENIOR_LEADERSHIP_CLINIC, Permission.SUBMIT): Rule(_SENIOR_CLINIC, text.REFUSED_SENIOR_CLINIC_SUBMIT),
    (RecordKind.INDICATOR_FIGURES, Permission.CHANGE): Rule(
        any_of(performance_analyst, qa_lead), measures_text.REFUSED_IMPORT
    ),
    (RecordKind.PRACTICE_EXAMPLE, Permission.VIEW): Rule(member, text.REFUSED_PRACTICE_EXAMPLE_VIEW),
    (RecordKind.PRACTICE_EXAMPLE, Permission.SUBMIT): Rule(
        any_of(team_manager, area_lead, qa_lead, practice_leader), text.REFUSED_PRACTICE_EXAMPLE_SUBMIT
    ),
    (RecordKind.PRACTICE_DAY, Permission.VIEW): Rule(
        any_of(owner, area_lead, qa_lead, service_director), practice_day_text.ONLY_LEADERS_SEE
    ),
    (RecordKind.PRACTICE_DAY, Permission.CHANGE): Rule(any_of(area_lead, qa_lead), practice_day_text.ONLY_LEADERS_PLAN),
    (RecordKind.MODERATION_GROUP, Permission.VIEW): Rule(any_of(group_member, qa_lead), group_text.ONLY_MEMBERS),
    (RecordKind.MODERATION_GROUP, Permission.SUBMIT): Rule(
        all_of(independent, any_of(group_member, qa_lead)), group_text.NOT_INDEPENDENT
    ),
    (RecordKind.MODERATION_GROUP, Permission.CHANGE): Rule(qa_lead, group_text.ONLY_QA_LEAD_SCHEDULES),
}

NOT_MATCHED = text.NOT_MATCHED
NO_LONGER_ACTIVE = text.NO_LONGER_ACTIVE


def allows(actor: Actor, permission: Permission, record: RecordContext) -> bool:
    """True when ``actor`` may do ``permission`` to ``record``."""
    rule = RULES.get((record.kind, permission))
    return rule is not None and rule.who(actor, record)


def require(actor: Actor, permission: Permission, record: RecordContext) -> None:
    """Raise ``NotAllowed`` (with a sentence for the user) unless ``actor`` may do this."""
    if allows(actor, permission, record):
        return
    rule = RULES.get((record.kind, permission))
    if rule is None:
        raise NotAllowed(text.NO_RULE.format(permission=permission.value, kind=record.kind.value))
    if actor.person_id is not None and actor.in_organisation and not actor.active:
        raise NotAllowed(NO_LONGER_ACTIVE)
    if not actor.is_member:
        raise NotAllowed(NOT_MATCHED)
    raise NotAllowed(rule.refusal)


@dataclass(frozen=True)
class Scope:
    """Which records of a kind a list may show an actor: a filter for repository queries.

    A record is in scope when ``everything`` is true, or it is the actor's own (owner or
    participant is ``person_id``), or its team is in ``team_ids``, or its service area (or its
    team's) is in ``service_area_ids``. ``aggregate_only`` scopes show totals, never rows.
    """

    everything: bool = False
    person_id: int | None = None
    team_ids: frozenset[int] = frozenset()
    service_area_ids: frozenset[int] = frozenset()
    aggregate_only: bool = False

    @property
    def empty(self) -> bool:
        return not (self.everything or self.person_id or self.team_ids or self.service_area_ids)


def view_scope(actor: Actor, kind: RecordKind) -> Scope:
    """The widest set of ``kind`` records ``actor`` may list (moderation queues are extra)."""
    if not actor.is_member:
        return Scope()
    nobody_in_particular = RecordContext(kind)
    if qa_lead(actor, nobody_in_particular) and kind is not RecordKind.ORGANISATION:
        return Scope(everything=True)
    if service_director(actor, nobody_in_particular):
        return Scope(everything=True, aggregate_only=kind is RecordKind.SURVEY_RESULTS)
    if kind in (RecordKind.AUDIT, RecordKind.AUDIT_REFLECTION) and practice_leader(actor, nobody_in_particular):
        return Scope(everything=True)
    if kind is RecordKind.ORGANISATION:
        return Scope(everything=actor.has(Role.ADMINISTRATOR), person_id=actor.person_id)
    if kind is RecordKind.SURVEY_RESULTS:
        return Scope(
            everything=performance_analyst(actor, nobody_in_particular),
            team_ids=actor.managed_team_ids,
            service_area_ids=actor.senior_area_ids,
            aggregate_only=True,
        )
    if kind is RecordKind.DIGEST_SUBSCRIPTION:
        own_team = frozenset({actor.team_id}) if actor.team_id else frozenset()
        return Scope(
            person_id=actor.person_id,
            team_ids=actor.managed_team_ids | own_team,
            service_area_ids=actor.senior_area_ids,
        )
    if kind is RecordKind.CHANNEL_LINK:
        return Scope(everything=True)
    return Scope(person_id=actor.person_id, team_ids=actor.managed_team_ids)
