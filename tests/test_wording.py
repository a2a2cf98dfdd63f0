"""Every refusal a person can meet is worded in ``cards/text*.py``, read from the source with ``ast``.

A refusal is a ``raise`` of a ``DomainError`` subclass (``services/errors.py`` and any subclass
declared elsewhere in ``services/`` or ``bot/``): its message and any literal dict of field errors
it carries must come from the text modules (a name, an attribute or a call such as
``text.NOT_FOUND.format(...)``), never a string literal, an f-string or ``str(error)`` passing on
wording written somewhere else.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CHECKED = ("services", "bot")

NOT_YET_CHECKED = (
    # Being reworded on their own branches right now (audits split, actions split, QA calendar).
    # The lead removes each entry when that branch merges and its refusals live in cards/text*.py.
    "services/audits",
    "services/qa_calendar.py",
    "bot/handlers/audits.py",
)
"""Path prefixes (relative to the project root) this test skips for now; each must still exist."""

FIELD_ID = re.compile(r"[a-z_][a-z0-9_]*")
"""A field-error key that is an input's id (``area``, ``team``), not wording shown to a person."""


@dataclass(frozen=True)
class Wording:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what} written inline"


def _sources() -> list[Path]:
    return sorted(path for package in CHECKED for path in (PROJECT_ROOT / package).rglob("*.py"))


def _relative(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


def _base_names(node: ast.ClassDef) -> set[str]:
    names = set()
    for base in node.bases:
        if isinstance(base, ast.Name):
            names.add(base.id)
        elif isinstance(base, ast.Attribute):
            names.add(base.attr)
    return names


@cache
def refusal_classes() -> frozenset[str]:
    """``DomainError`` and every class in ``services/`` or ``bot/`` that derives from it."""
    bases_of: dict[str, set[str]] = {}
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef):
                bases_of.setdefault(node.name, set()).update(_base_names(node))
    found = {"DomainError"}
    grew = True
    while grew:
        grew = False
        for name, bases in bases_of.items():
            if name not in found and bases & found:
                found.add(name)
                grew = True
    return frozenset(found)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _is_written_inline(node: ast.expr) -> bool:
    """A string literal, an f-string, ``"..." + x``, ``"...".format(...)`` or ``str(error)`` (whose
    wording was written wherever that error was raised)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return True
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_written_inline(node.left) or _is_written_inline(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_written_inline(node.func.value)
    return False


def _inline_wording(source: str, relative: str) -> Iterator[Wording]:
    refusals = refusal_classes()
    for node in ast.walk(ast.parse(source, relative)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        name = _called_name(node.exc)
        if name not in refusals:
            continue
        arguments = [*node.exc.args, *(keyword.value for keyword in node.exc.keywords)]
        for argument in arguments:
            if _is_written_inline(argument):
                yield Wording(relative, argument.lineno, f"{name} message")
            if isinstance(argument, ast.Dict):
                yield from _inline_field_errors(relative, argument)


def _inline_field_errors(relative: str, errors: ast.Dict) -> Iterator[Wording]:
    for key, value in zip(errors.keys, errors.values, strict=True):
        if key is not None and _is_written_inline(key):
            is_field_id = isinstance(key, ast.Constant) and FIELD_ID.fullmatch(str(key.value))
            if not is_field_id:
                yield Wording(relative, key.lineno, "field-error label")
        if _is_written_inline(value):
            yield Wording(relative, value.lineno, "field-error message")


def _is_checked(path: Path) -> bool:
    return not _relative(path).startswith(NOT_YET_CHECKED)


def test_refusals_are_worded_in_the_text_modules() -> None:
    inline = [
        str(found)
        for path in _sources()
        if _is_checked(path)
        for found in _inline_wording(path.read_text(), _relative(path))
    ]
    assert not inline, "Move these to cards/text*.py:\n" + "\n".join(inline)


def test_the_refusal_classes_are_found() -> None:
    assert {"DomainError", "NotAllowed", "NotFound", "InvalidInput", "AlreadySubmitted"} <= refusal_classes()


@pytest.mark.parametrize("prefix", NOT_YET_CHECKED)
def test_each_skipped_path_still_exists(prefix: str) -> None:
    assert any(_relative(path).startswith(prefix) for path in _sources()), (
        f"{prefix} no longer exists: remove it from NOT_YET_CHECKED"
    )


def test_the_checker_sees_inline_wording() -> None:
    """The reader finds literals, f-strings and literal field errors, and lets text constants pass."""
    source = (
        "raise NotFound('gone')\n"
        "raise NotAllowed(f'no {x}')\n"
        "raise InvalidInput(text.BAD, {'Close date': text.PAST})\n"
        "raise InvalidInput(text.BAD, {'area': 'Choose an area'})\n"
        "raise InvalidInput(text.BAD.format(name=x), {'team': text.CHOOSE_TEAM})\n"
        "raise NotFound('There is no {x}.'.format(x=x))\n"
        "raise InvalidInput(text.BAD, {text.FIELD: ', '.join(names)})\n"
        "raise InvalidInput(str(problem)) from None\n"
        "raise ValueError('internal, not shown')\n"
    )
    found = list(_inline_wording(source, "services/sample.py"))
    assert [(item.line, item.what) for item in found] == [
        (1, "NotFound message"),
        (2, "NotAllowed message"),
        (3, "field-error label"),
        (4, "field-error message"),
        (6, "NotFound message"),
        (8, "InvalidInput message"),
    ]
