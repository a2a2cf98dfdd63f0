"""The permission matrix: every role against every kind of record, through ``services.policy``."""

from __future__ import annotations

import pytest

from services import policy
from services.actors import NOBODY, Actor
from services.errors import NotAllowed
from services.policy import Permission as P
from storage.models import Role

TEAM, OTHER_TEAM, AREA, OTHER_AREA = 10, 11, 100, 200


def _member(person_id: int, *roles: Role, team: int = TEAM, **extra) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(
        person_id=person_id,
        in_organisation=True,
        active=True,
        team_id=team,
        service_area_id=AREA,
        roles=frozenset(roles),
        **extra,
    )


ACTORS = {
    "practitioner": _member(1, Role.PRACTITIONER),
    "colleague": _member(2, Role.PRACTITIONER),
    "auditor": _member(3, Role.PRACTITIONER, team=OTHER_TEAM),
    "manager": _member(4, Role.TEAM_MANAGER, managed_team_ids=frozenset({TEAM})),
    "other_manager": _member(5, Role.TEAM_MANAGER, team=OTHER_TEAM, managed_team_ids=frozenset({OTHER_TEAM})),
    "moderator": _member(6, Role.MODERATOR, team=OTHER_TEAM),
    "qa_lead": _member(7, Role.QA_LEAD, team=OTHER_TEAM),
    "senior": _member(
        8, Role.SENIOR_MANAGER, team=OTHER_TEAM, senior_area_ids=frozenset({AREA}), area_team_ids=frozenset({TEAM})
    ),
    "other_senior": _member(9, Role.SENIOR_MANAGER, senior_area_ids=frozenset({OTHER_AREA})),
    "administrator": _member(10, Role.ADMINISTRATOR, team=OTHER_TEAM),
    # The framework's governance roles (none of them works in TEAM).
    "director": _member(13, Role.SERVICE_DIRECTOR, team=OTHER_TEAM),
    "head_of_service": _member(
        14, Role.HEAD_OF_SERVICE, team=OTHER_TEAM, senior_area_ids=frozenset({AREA}), area_team_ids=frozenset({TEAM})
    ),
    "qa_head": _member(15, Role.QA_HEAD_OF_SERVICE, team=OTHER_TEAM),
    "psw": _member(16, Role.PRINCIPAL_SOCIAL_WORKER, team=OTHER_TEAM),
    "iro_manager": _member(17, Role.IRO_MANAGER, team=OTHER_TEAM),
    "champion": _member(18, Role.PRACTICE_CHAMPION, team=OTHER_TEAM),
    "analyst": _member(19, Role.PERFORMANCE_ANALYST, team=OTHER_TEAM),
    "client_relations": _member(20, Role.CLIENT_RELATIONS, team=OTHER_TEAM),
    "unmatched": Actor(person_id=11, in_organisation=False, active=True),
    "left": Actor(person_id=12, in_organisation=True, active=False, roles=frozenset({Role.QA_LEAD})),
    "stranger": NOBODY,
}

# The practitioner's (1) case in TEAM, audited by 3; one audit awaits a moderator, one has moderator 6.
RECORDS = {
    "audit awaiting moderation": policy.audit(
        practitioner_id=1, auditor_ids=[3], team_id=TEAM, service_area_id=AREA, awaiting_moderation=True
    ),
    "audit with moderator": policy.audit(
        practitioner_id=1, auditor_ids=[3], team_id=TEAM, service_area_id=AREA, moderator_ids=[6]
    ),
    "audit reflection": policy.audit(
        practitioner_id=1, auditor_ids=[3], team_id=TEAM, moderator_ids=[6], reflection=True
    ),
    "action": policy.action(owner_id=1, raised_by_ids=[3], team_id=TEAM),
    # The manager's (4) own action, raised at the QIM by the QA lead: nobody in TEAM is above them.
    "team manager's action": policy.action(owner_id=4, raised_by_ids=[7], team_id=TEAM, no_line_manager=True),
    "team survey totals": policy.survey_results(team_id=TEAM, service_area_id=AREA),
    "team survey answers": policy.survey_results(team_id=TEAM, service_area_id=AREA, aggregate=False),
    "own digest": policy.digest_subscription(subscriber_id=1),
    "team digest": policy.digest_subscription(team_id=TEAM),
    "team channel link": policy.channel_link(team_id=TEAM),
    "area channel link": policy.channel_link(service_area_id=AREA),
    "organisation": policy.organisation(),
    "own organisation entry": policy.organisation(person_id=1),
    "QIM report": policy.qim_report(),
    "improvement plan": policy.improvement_plan(),
    "the practitioner's plan priority": policy.improvement_plan(owner_id=1),
    "QIM meeting": policy.qim_meeting(),
    "team compliments and complaints": policy.compliments_complaints(team_id=TEAM, service_area_id=AREA),
    "team practice example": policy.practice_example(team_id=TEAM, service_area_id=AREA),
    "team performance clinic": policy.performance_clinic(team_id=TEAM, service_area_id=AREA),
    "senior leadership clinic": policy.senior_leadership_clinic(),
    "indicator figures": policy.indicator_figures(),
    "area practice day planned by 4": policy.practice_day(service_area_id=AREA, planner_id=4),
    # A moderation group meeting the Head of Service (14), the PSW (16) and the auditor (3) sit in;
    # and the audit of the practitioner's (1) case by 3 on its list.
    "moderation group meeting": policy.moderation_group(member_ids=[14, 16, 3]),
    "moderation group audit": policy.moderation_group(member_ids=[14, 16, 3], practitioner_id=1, auditor_ids=[3]),
}

EVERYONE_IN_ORG = {
    "practitioner",
    "colleague",
    "auditor",
    "manager",
    "other_manager",
    "moderator",
    "qa_lead",
    "senior",
    "other_senior",
    "administrator",
    "director",
    "head_of_service",
    "qa_head",
    "psw",
    "iro_manager",
    "champion",
    "analyst",
    "client_relations",
}
# Read audits service-wide: the QA lead and QA Head of Service, the Service Director, the PSW, the IRO manager.
AUDIT_READERS = {"qa_lead", "qa_head", "director", "psw", "iro_manager"}
AUDIT_MODERATORS = {"moderator", "qa_lead", "qa_head", "psw", "iro_manager"}
QIM_MEMBERS = {"director", "head_of_service", "senior", "other_senior", "qa_head", "qa_lead", "psw", "analyst"}
QIM_MEMBERS |= {"client_relations"}
SENIOR_CLINIC = {"director", "head_of_service", "senior", "other_senior", "analyst", "qa_lead", "qa_head"}

# Who may: (record, permission) -> the actors allowed. Everything not listed is refused.
MATRIX: dict[tuple[str, P], set[str]] = {
    ("audit awaiting moderation", P.VIEW): {"practitioner", "auditor", "manager"} | AUDIT_READERS | {"moderator"},
    ("audit awaiting moderation", P.SUBMIT): {"auditor"},
    ("audit awaiting moderation", P.MODERATE): AUDIT_MODERATORS,
    ("audit awaiting moderation", P.CHANGE): {"manager", "qa_lead", "qa_head"},
    ("audit with moderator", P.VIEW): {"practitioner", "auditor", "manager", "moderator"} | AUDIT_READERS,
    ("audit with moderator", P.SUBMIT): {"auditor"},
    ("audit with moderator", P.MODERATE): AUDIT_MODERATORS,
    ("audit with moderator", P.CHANGE): {"manager", "qa_lead", "qa_head"},
    ("audit reflection", P.VIEW): {"practitioner", "auditor", "manager", "moderator"} | AUDIT_READERS,
    ("audit reflection", P.SUBMIT): {"practitioner"},
    ("audit reflection", P.MODERATE): set(),
    ("audit reflection", P.CHANGE): {"practitioner"},
    ("action", P.VIEW): {"practitioner", "auditor", "manager", "qa_lead", "qa_head", "director"},
    ("action", P.SUBMIT): {"practitioner", "manager"},
    ("action", P.MODERATE): set(),
    ("action", P.CHANGE): {"auditor", "manager", "qa_lead", "qa_head"},
    # Escalated to the area's senior manager (or Head of Service), who stands in as line manager:
    # sees and decides, does not do the work.
    ("team manager's action", P.VIEW): {"manager", "senior", "head_of_service", "qa_lead", "qa_head", "director"},
    ("team manager's action", P.SUBMIT): {"manager"},
    ("team manager's action", P.CHANGE): {"manager", "senior", "head_of_service", "qa_lead", "qa_head"},
    ("team survey totals", P.VIEW): {
        "manager",
        "senior",
        "head_of_service",
        "qa_lead",
        "qa_head",
        "director",
        "analyst",
    },
    ("team survey totals", P.SUBMIT): EVERYONE_IN_ORG,
    ("team survey totals", P.CHANGE): {"qa_lead", "qa_head"},
    ("team survey answers", P.VIEW): {"qa_lead", "qa_head"},
    ("own digest", P.VIEW): {"practitioner", "qa_lead", "qa_head", "director"},
    ("own digest", P.CHANGE): {"practitioner", "qa_lead", "qa_head", "administrator"},
    ("team digest", P.VIEW): {"practitioner", "colleague", "manager", "senior", "other_senior", "head_of_service"}
    | {"qa_lead", "qa_head", "director"},
    ("team digest", P.CHANGE): {"manager", "senior", "head_of_service", "qa_lead", "qa_head", "administrator"},
    ("team channel link", P.VIEW): set(ACTORS),
    ("team channel link", P.CHANGE): {"manager", "senior", "head_of_service", "administrator"},
    ("area channel link", P.VIEW): set(ACTORS),
    ("area channel link", P.CHANGE): {"senior", "head_of_service", "administrator"},
    ("organisation", P.VIEW): {"administrator", "qa_lead", "qa_head", "director"},
    ("organisation", P.CHANGE): {"administrator"},
    ("own organisation entry", P.VIEW): {"practitioner", "administrator", "qa_lead", "qa_head", "director"},
    ("own organisation entry", P.MODERATE): set(),
    ("QIM report", P.VIEW): QIM_MEMBERS,
    ("QIM report", P.CHANGE): set(),
    ("improvement plan", P.VIEW): QIM_MEMBERS | {"iro_manager", "champion"},
    ("improvement plan", P.CHANGE): {"head_of_service", "qa_head"},
    ("the practitioner's plan priority", P.SUBMIT): {"practitioner", "head_of_service", "qa_head"},
    ("improvement plan", P.SUBMIT): {"head_of_service", "qa_head"},
    ("QIM meeting", P.VIEW): QIM_MEMBERS,
    ("QIM meeting", P.CHANGE): {"director", "qa_head"},
    ("team compliments and complaints", P.VIEW): {"client_relations", "qa_lead", "qa_head", "director"}
    | {"senior", "head_of_service"},
    ("team compliments and complaints", P.SUBMIT): {"client_relations"},
    ("team performance clinic", P.VIEW): {"manager", "senior", "head_of_service", "qa_lead", "qa_head"}
    | {"director", "analyst"},
    ("team performance clinic", P.SUBMIT): {"manager", "senior", "head_of_service", "qa_lead", "qa_head"},
    # The whole service's pack: Director, Heads of Service and senior managers (whichever area they
    # lead), the performance team and the QA lead; not a team manager, whatever their team.
    ("senior leadership clinic", P.VIEW): SENIOR_CLINIC,
    ("senior leadership clinic", P.SUBMIT): SENIOR_CLINIC,
    # The monthly extract is the performance analysts' to import (docs/measures.md); the QA lead may too.
    ("indicator figures", P.CHANGE): {"analyst", "qa_lead", "qa_head"},
    ("team practice example", P.VIEW): EVERYONE_IN_ORG,
    ("team practice example", P.SUBMIT): {"manager", "senior", "head_of_service", "qa_lead", "qa_head", "psw"}
    | {"iro_manager"},
    # Planned by the area's senior managers, Heads of Service or QA; the summary is also for its planner.
    ("area practice day planned by 4", P.VIEW): {"manager", "senior", "head_of_service", "qa_lead", "qa_head"}
    | {"director"},
    ("area practice day planned by 4", P.CHANGE): {"senior", "head_of_service", "qa_lead", "qa_head"},
    # Members and the QA lead open the meeting; only the QA lead schedules; nobody records the
    # group's outcome for an audit they carried out (or of their own case).
    ("moderation group meeting", P.VIEW): {"head_of_service", "psw", "auditor", "qa_lead", "qa_head"},
    ("moderation group meeting", P.SUBMIT): {"head_of_service", "psw", "auditor", "qa_lead", "qa_head"},
    ("moderation group meeting", P.CHANGE): {"qa_lead", "qa_head"},
    ("moderation group audit", P.VIEW): {"head_of_service", "psw", "auditor", "qa_lead", "qa_head"},
    ("moderation group audit", P.SUBMIT): {"head_of_service", "psw", "qa_lead", "qa_head"},
    ("moderation group audit", P.MODERATE): set(),
}

CASES = [
    pytest.param(actor, record, permission, actor in allowed, id=f"{actor}-{permission}-{record}")
    for (record, permission), allowed in MATRIX.items()
    for actor in ACTORS
]


@pytest.mark.parametrize(("actor", "record", "permission", "expected"), CASES)
def test_permission_matrix(actor: str, record: str, permission: P, expected: bool) -> None:
    assert policy.allows(ACTORS[actor], permission, RECORDS[record]) is expected
    if expected:
        policy.require(ACTORS[actor], permission, RECORDS[record])
    else:
        with pytest.raises(NotAllowed) as refusal:
            policy.require(ACTORS[actor], permission, RECORDS[record])
        assert refusal.value.user_message


def test_the_matrix_covers_every_kind_of_record() -> None:
    kinds = {RECORDS[record].kind for record, _ in MATRIX}
    assert kinds == set(policy.RecordKind)


def test_the_other_seniors_digest_access_comes_from_their_own_team_not_their_area() -> None:
    # other_senior sits in TEAM (a member can read its digest) but leads OTHER_AREA.
    assert not policy.allows(ACTORS["other_senior"], P.VIEW, RECORDS["team survey totals"])


@pytest.mark.parametrize(
    ("actor", "phrase"),
    [
        ("unmatched", "can't find you in the organisation"),
        ("stranger", "can't find you in the organisation"),
        ("left", "has ended"),
        ("colleague", "Only the practitioner, the auditor"),
    ],
)
def test_refusals_say_why(actor: str, phrase: str) -> None:
    with pytest.raises(NotAllowed, match=phrase):
        policy.require(ACTORS[actor], P.VIEW, RECORDS["audit with moderator"])


def test_a_pair_with_no_rule_is_refused_for_everyone_with_a_plain_reason() -> None:
    with pytest.raises(NotAllowed, match=r"Nobody can moderate records of this kind \(action\)"):
        policy.require(ACTORS["qa_lead"], P.MODERATE, RECORDS["action"])


@pytest.mark.parametrize(
    ("actor", "kind", "expected"),
    [
        ("qa_lead", policy.RecordKind.AUDIT, policy.Scope(everything=True)),
        ("manager", policy.RecordKind.AUDIT, policy.Scope(person_id=4, team_ids=frozenset({TEAM}))),
        ("practitioner", policy.RecordKind.ACTION, policy.Scope(person_id=1)),
        (
            "senior",
            policy.RecordKind.SURVEY_RESULTS,
            policy.Scope(service_area_ids=frozenset({AREA}), aggregate_only=True),
        ),
        ("administrator", policy.RecordKind.ORGANISATION, policy.Scope(everything=True, person_id=10)),
        ("unmatched", policy.RecordKind.AUDIT, policy.Scope()),
    ],
)
def test_view_scope_for_lists(actor: str, kind: policy.RecordKind, expected: policy.Scope) -> None:
    assert policy.view_scope(ACTORS[actor], kind) == expected


@pytest.mark.parametrize(
    ("actor", "kind", "expected"),
    [
        ("director", policy.RecordKind.ACTION, policy.Scope(everything=True)),
        ("director", policy.RecordKind.SURVEY_RESULTS, policy.Scope(everything=True, aggregate_only=True)),
        ("qa_head", policy.RecordKind.AUDIT, policy.Scope(everything=True)),
        ("psw", policy.RecordKind.AUDIT, policy.Scope(everything=True)),
        ("psw", policy.RecordKind.ACTION, policy.Scope(person_id=16)),
        ("analyst", policy.RecordKind.SURVEY_RESULTS, policy.Scope(everything=True, aggregate_only=True)),
        (
            "head_of_service",
            policy.RecordKind.SURVEY_RESULTS,
            policy.Scope(service_area_ids=frozenset({AREA}), aggregate_only=True),
        ),
    ],
)
def test_view_scope_of_the_framework_roles(actor: str, kind: policy.RecordKind, expected: policy.Scope) -> None:
    assert policy.view_scope(ACTORS[actor], kind) == expected


def test_the_documented_permissions_table_is_the_policy() -> None:
    from pathlib import Path

    from services import policy_matrix

    document = (Path(__file__).parents[2] / "docs" / "permissions.md").read_text(encoding="utf-8")
    assert policy_matrix.table_in(document) == policy_matrix.markdown_table(), (
        "docs/permissions.md is out of date: run `python -m services.policy_matrix docs/permissions.md`"
    )


def test_the_table_has_a_column_for_every_role() -> None:
    from services import policy_matrix

    assert set(policy_matrix.ROLE_LABELS) == {None, *Role}


def test_a_head_of_service_who_leads_another_area_gets_nothing_from_this_one() -> None:
    elsewhere = _member(21, Role.HEAD_OF_SERVICE, team=OTHER_TEAM, senior_area_ids=frozenset({OTHER_AREA}))
    assert not policy.allows(elsewhere, P.CHANGE, RECORDS["team manager's action"])
    assert not policy.allows(elsewhere, P.VIEW, RECORDS["team compliments and complaints"])
    assert policy.allows(elsewhere, P.CHANGE, RECORDS["improvement plan"])
