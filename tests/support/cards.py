"""Three layers of card checks: the official renderer, the official schema, and our own."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import jsonschema

from tests.support.env import CARD_SCHEMA, IN_CI, PROJECT_ROOT, require_node_modules

MAX_CARD_BYTES = 80 * 1024
CHART_PREFIX = "Chart."


def nodes(node: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in a card (or any part of one), depth first, each before what it holds:
    elements, inputs, actions, choices, wherever the card nests them (body, columns, containers,
    show-cards, action sets). The one walker the card checks and tests share."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from nodes(item)


def button_data(card: Mapping[str, Any], verb: str) -> dict[str, Any]:
    """A copy of the data of the first button on ``card`` (in its body or its actions) with this
    verb: what pressing it sends, before any inputs are added."""
    found = [node["data"] for node in nodes(card) if node.get("verb") == verb and isinstance(node.get("data"), dict)]
    assert found, f"no {verb} button on the card"
    return dict(found[0])


def own_problems(card: Mapping[str, Any]) -> list[str]:
    """What the official schema does not check: type, version, size, chart fallbacks, refresh cap."""
    problems = []
    if card.get("type") != "AdaptiveCard":
        problems.append("type must be AdaptiveCard")
    if card.get("version") != "1.5":
        problems.append(f"version must be '1.5', not {card.get('version')!r}")
    size = len(json.dumps(card).encode())
    if size >= MAX_CARD_BYTES:
        problems.append(f"card is {size} bytes; the limit is {MAX_CARD_BYTES}")
    for element in nodes(card):
        kind = element.get("type")
        if isinstance(kind, str) and kind.startswith(CHART_PREFIX) and not element.get("fallback"):
            problems.append(f"{kind} has no fallback (Teams mobile and the schema do not know charts)")
    user_ids = ((card.get("refresh") or {}).get("userIds")) or []
    if len(user_ids) > 60:
        problems.append("refresh.userIds holds more than 60 ids")
    return problems


@cache
def _schema_validator() -> jsonschema.Draft6Validator | None:
    if not CARD_SCHEMA.exists():
        return None
    schema = json.loads(CARD_SCHEMA.read_text())
    return jsonschema.Draft6Validator(schema)


def _without_charts(node: Any) -> Any:
    """Charts are valid in Teams but absent from the official schema: check their fallbacks
    in their place (own_problems already insists every chart has one)."""
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith(CHART_PREFIX):
            return _without_charts(node.get("fallback"))
        return {key: _without_charts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_without_charts(item) for item in node]
    return node


def schema_problems(card: Mapping[str, Any]) -> list[str] | None:
    """None when the schema file is absent (outside this workplace); required under CI."""
    validator = _schema_validator()
    if validator is None:
        if IN_CI:
            return [f"the official card schema {CARD_SCHEMA} is missing under CI=true"]
        return None
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
        for error in validator.iter_errors(_without_charts(card))
    ]


def renderer_problems(cards: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Parse every card with the official JS renderer in one Node process."""
    node = require_node_modules()
    completed = subprocess.run(
        [node, str(PROJECT_ROOT / "tests" / "support" / "validate_cards.js")],
        input=json.dumps(cards),
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
        check=True,
    )
    results: dict[str, list[str]] = json.loads(completed.stdout)
    return {name: [p for p in problems if not _is_known_chart(p, cards[name])] for name, problems in results.items()}


def _is_known_chart(problem: str, card: Mapping[str, Any]) -> bool:
    # The renderer does not know Teams' charts; it falls back, which is exactly what we want.
    return 'Unknown element type "Chart.' in problem and not own_problems(card)


def all_problems(cards: Mapping[str, Mapping[str, Any]]) -> dict[str, list[str]]:
    """Every problem of every card, by card name; an empty dict means all is well."""
    rendered = renderer_problems(cards)
    report: dict[str, list[str]] = {}
    for name, card in cards.items():
        problems = own_problems(card) + (schema_problems(card) or []) + rendered.get(name, [])
        if problems:
            report[name] = problems
    return report
