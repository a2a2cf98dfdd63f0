"""Hypothesis strategies for Teams traffic: genuine activity shapes, then mutated at every level.

The seeds are the shapes Teams (and the playground) really send (``tests/support/activities``),
with card actions for every verb qop routes (``cards.verbs``) and data keys its handlers read.
A mutation walks the JSON tree and, at any node, drops a key, replaces the value by another
JSON type, odd unicode or a huge string, or adds a stray key. Senders are the people of the
audit organisation (``tests/support/audits``), so many actions reach real domain code.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import strategies as st

from cards import verbs
from tests.support import activities as a

VERBS = sorted(value for name, value in vars(verbs).items() if name.isupper() and isinstance(value, str))
"""Every Action.Execute verb qop routes (and a few keys that share the module)."""

DATA_KEYS = (
    "assignment_id",
    "action_id",
    "broadcast_id",
    "survey_id",
    "submission_key",
    "page",
    "comment",
    "version",
    "due_on",
    "activity",
    "approve",
    "template",
    "due_date",
    "cases",
    "emails",
    "team_ids",
    "service_area_ids",
    "closes_on",
    "conversation_id",
    "period",
    "args",
    "email",
    "role",
    "meeting_id",
    "decision_id",
    "decision",
    "description",
    "owner_email",
    "priority_id",
    "kind",
    "subject_id",
    "month",
    "progress",
    "rag",
    "verb",
)

ODD_TEXT = (
    "",
    " ",
    "\u0000",
    "\ud7ff\ue000\uffff",
    "\u202e\u2066reversed\u2069",
    "e\u0301\u0301\u0301\u0301",
    "\U0001f9d2\u200d\U0001f9d1",
    "<at>qop</at>",
    "'; DROP TABLE people; --",
    "{{template}}",
    "${jndi:ldap://x}",
    "\n\r\t",
    "S1",
    "-1",
    "1e309",
    "9" * 40,
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=20),
)
huge_text = st.builds(
    lambda ch, n: ch * n, st.sampled_from(["a", "\u00e9", "\U0001f600", "<"]), st.sampled_from([5_000, 60_000])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)
replacements = st.one_of(scalars, huge_text, json_values, st.builds(list), st.builds(dict), st.just("x"))

SERVICE_URL = "http://127.0.0.1:1/"  # replaced by the real fake connector's address at post time


def _sender() -> st.SearchStrategy[dict[str, Any]]:
    return st.integers(min_value=1, max_value=8).map(lambda number: a.user(number))


def _conversation() -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.integers(min_value=1, max_value=8).map(a.personal_chat), st.just(a.channel()), st.just(a.channel("Audits"))
    )


def _data_value() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(min_value=0, max_value=6), st.integers(min_value=0, max_value=6).map(str), scalars)


card_data = st.dictionaries(st.sampled_from(DATA_KEYS), _data_value(), max_size=5)


@st.composite
def genuine_activities(draw: st.DrawFn) -> dict[str, Any]:
    """One activity shaped as Teams sends it (its id drawn, so a seed repeats the run exactly)."""
    activity = draw(_teams_shapes())
    activity["id"] = f"f:{draw(st.integers(min_value=0, max_value=10**9))}"
    return activity


@st.composite
def _teams_shapes(draw: st.DrawFn) -> dict[str, Any]:
    sender, conversation = draw(_sender()), draw(_conversation())
    kind = draw(
        st.sampled_from(["message", "submit", "invoke", "members_added", "members_removed", "install", "reaction"])
    )
    if kind == "message":
        words = draw(st.sampled_from(["help", "whoami", "audits", "actions", "surveys", "digest", "report", "hello"]))
        return a.message(
            SERVICE_URL,
            words + draw(st.sampled_from(["", " ", " 1", " S1", " me"])),
            conversation=conversation,
            sender=sender,
        )
    if kind == "submit":
        activity = a.message(SERVICE_URL, "", conversation=conversation, sender=sender)
        activity.pop("text")
        activity["value"] = {"verb": draw(st.sampled_from(VERBS)), **draw(card_data)}
        return activity
    if kind == "invoke":
        return a.card_action(
            SERVICE_URL, draw(st.sampled_from(VERBS)), draw(card_data), conversation=conversation, sender=sender
        )
    if kind == "members_added":
        return a.members_added(
            SERVICE_URL, [a.BOT_MEMBER if draw(st.booleans()) else a.user(9)], conversation=conversation, sender=sender
        )
    if kind == "members_removed":
        return a.members_removed(
            SERVICE_URL, [a.BOT_MEMBER if draw(st.booleans()) else a.user(9)], conversation=conversation, sender=sender
        )
    if kind == "install":
        return a.installation(
            SERVICE_URL, action=draw(st.sampled_from(["add", "remove"])), conversation=conversation, sender=sender
        )
    activity = a._base("messageReaction", SERVICE_URL, conversation, sender)
    activity["reactionsAdded"] = [{"type": draw(st.sampled_from(["like", "heart"]))}]
    activity["replyToId"] = "1"
    return activity


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON tree (keys of objects, indexes of lists), parents before children."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        found.append((*prefix, key))
        found.extend(_paths(item, (*prefix, key)))
    return found


MUTATIONS = ("drop", "replace", "replace", "odd_prefix", "stray_key")


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` (a deep copy) with up to four mutations at places anywhere in its tree."""
    value = json.loads(json.dumps(value))
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        paths = _paths(value)
        if not paths:
            break
        *parent_path, key = draw(st.sampled_from(paths))
        parent = value
        for step in parent_path:
            parent = parent[step]
        mutation = draw(st.sampled_from(MUTATIONS))
        if mutation == "drop":
            del parent[key]
        elif mutation == "replace":
            parent[key] = draw(replacements)
        elif mutation == "odd_prefix" and isinstance(parent[key], str):
            parent[key] = draw(st.sampled_from(ODD_TEXT)) + parent[key]
        elif mutation == "stray_key" and isinstance(parent[key], dict):
            parent[key][draw(st.sampled_from(["type", "value", "name", "text", "id", "\u0000", "x" * 300]))] = draw(
                replacements
            )
    return value


@st.composite
def bad_activities(draw: st.DrawFn) -> dict[str, Any]:
    """A genuine activity mutated anywhere (sometimes not at all: the control case)."""
    return draw(mutated(draw(genuine_activities())))


raw_bodies = st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"", b"null", b"[]", b'"x"', b"1", b"{", b"\xff\xfe", b'{"type": "message"}']),
    json_values.map(lambda value: json.dumps(value).encode()),
)
"""Bodies that are not an activity object at all."""
