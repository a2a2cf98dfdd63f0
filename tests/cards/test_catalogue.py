"""Every card qop can produce passes the renderer, the schema and our own checks."""

from __future__ import annotations

import json

from tests.support.card_catalogue import all_examples
from tests.support.cards import all_problems, own_problems, schema_problems


def test_every_card_in_the_catalogue_is_valid() -> None:
    cards = dict(all_examples())
    assert cards, "the catalogue is empty"
    assert all_problems(cards) == {}


def test_the_checks_catch_a_broken_card() -> None:
    broken = {
        "type": "AdaptiveCard",
        "version": "1.6",
        "body": [
            {"type": "TextBlok", "text": "typo"},
            {"type": "Input.Text", "id": "same"},
            {"type": "Input.Text", "id": "same"},
            {"type": "Chart.Donut", "data": []},
            {"type": "TextBlock", "text": "x" * (81 * 1024)},
        ],
    }
    problems = all_problems({"broken": broken})["broken"]
    text = json.dumps(problems)
    assert "version must be '1.5'" in text
    assert "limit is 81920" in text
    assert "Chart.Donut has no fallback" in text
    assert "TextBlok" in text
    assert "Duplicate Id" in text


def test_schema_layer_rejects_a_wrong_property_type() -> None:
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "x", "wrap": "yes"}]}
    problems = schema_problems(card)
    if problems is not None:  # the schema file exists only beside the project (CI has it)
        assert problems, "a string where the schema wants a boolean must be reported"
    assert own_problems(card) == []
