"""Small helpers every card builder uses, on top of Microsoft's typed card models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from microsoft_teams.cards import (
    ActionSet,
    AdaptiveCard,
    Column,
    ColumnSet,
    Container,
    ExecuteAction,
    Fact,
    FactSet,
    TextBlock,
)

from views.templates import Question

CARD_VERSION = "1.5"
Json = dict[str, Any]


def card(
    body: Sequence[Any],
    actions: Sequence[Any] | None = None,
    *,
    refresh: Any | None = None,
    fallback_text: str | None = None,
) -> Json:
    """Assemble an Adaptive Card 1.5 and serialise it the way Teams expects (camelCase)."""
    model = AdaptiveCard(
        version=CARD_VERSION,
        body=list(body),
        actions=list(actions) if actions else None,
        refresh=refresh,
        fallback_text=fallback_text,
    )
    data: Json = model.model_dump(by_alias=True, exclude_none=True)
    data["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json"
    return data


def title(text: str) -> TextBlock:
    return TextBlock(text=text, size="Large", weight="Bolder", wrap=True, style="heading")


def heading(text: str) -> TextBlock:
    return TextBlock(text=text, size="Medium", weight="Bolder", wrap=True, spacing="Medium")


def paragraph(text: str, *, subtle: bool = False, spacing: str | None = None) -> TextBlock:
    return TextBlock(text=text, wrap=True, is_subtle=subtle or None, spacing=spacing)


def long_date(day: date) -> str:
    """A date as people write it: 3 March 2026."""
    return f"{day.day} {day:%B %Y}"


def field_error(message: str | None) -> list[TextBlock]:
    """The problem shown under an input (nothing when there is none)."""
    if not message:
        return []
    return [TextBlock(text=message, color="Attention", wrap=True, spacing="None", size="Small")]


def facts(pairs: Sequence[tuple[str, str]]) -> FactSet:
    return FactSet(facts=[Fact(title=name, value=value) for name, value in pairs])


def labelled_points(points: Sequence[tuple[str, str]]) -> list[ColumnSet]:
    """Short bold label beside a sentence, one row per point (reads well on mobile too)."""
    return [
        ColumnSet(
            columns=[
                Column(width="auto", items=[TextBlock(text=label, weight="Bolder", wrap=True)]),
                Column(width="stretch", items=[TextBlock(text=sentence, wrap=True)]),
            ],
            spacing="Small",
        )
        for label, sentence in points
    ]


def list_row(texts: Sequence[TextBlock], buttons: Sequence[Any]) -> Container:
    """One line of a list card: what it is on the left, its button (if any) on the right."""
    return Container(
        separator=True,
        items=[
            ColumnSet(
                columns=[
                    Column(width="stretch", items=list(texts)),
                    Column(width="auto", vertical_content_alignment="Center", items=list(buttons)),
                ]
            )
        ],
    )


def execute(title_text: str, verb: str, data: Json | None = None) -> ExecuteAction:
    """An Action.Execute button; ``data`` always carries the verb so Submit fallbacks still route."""
    return ExecuteAction(title=title_text, verb=verb, data={"verb": verb, **(data or {})})


def action_row(*actions: Any) -> ActionSet:
    return ActionSet(actions=list(actions))


def answers_block(
    questions: Iterable[Question], answers: dict[str, Any], *, only: Sequence[str] | None = None
) -> list[Any]:
    """Questions and their answers as read-only text (unanswered questions left out)."""
    items: list[Any] = []
    for question in questions:
        if only is not None and question.id not in only:
            continue
        value = answers.get(question.id)
        if value is None or value == "":
            continue
        shown = (
            ", ".join(question.label_of(v) for v in value) if isinstance(value, list) else question.label_of(str(value))
        )
        items.append(TextBlock(text=question.text, weight="Bolder", wrap=True, spacing="Small"))
        items.append(paragraph(shown, spacing="None"))
    return items
