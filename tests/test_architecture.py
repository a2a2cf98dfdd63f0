"""The house's import rules, read from the source with ``ast`` (nothing is imported).

Dependencies point one way: bot -> services -> storage; cards are used by bot and services; the
read models both share live in ``views``, below everything; ``qop`` (the composition root) sits
on top and nothing below it imports it. Every import counts, including those inside functions
and under ``TYPE_CHECKING``: a late import still ties the two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "cards", "qop", "services", "storage", "views")
"""The application's top-level packages (tests, bench and deploy sit outside the house)."""


@dataclass(frozen=True)
class Import:
    module: str
    """The importing module, e.g. ``services.actions``."""
    target: str
    """The project module it imports, e.g. ``views.actions``."""
    line: int

    def __str__(self) -> str:
        return f"{self.module} -> {self.target} (line {self.line})"


@dataclass(frozen=True)
class Rule:
    layer: str
    forbidden: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.layer} imports nothing from {', '.join(self.forbidden)}"


RULES = (
    Rule("cards", ("services", "storage", "bot", "qop")),
    Rule("views", ("cards", "services", "storage", "bot", "qop")),
    Rule("services", ("bot", "qop")),
    Rule("storage", ("services", "bot", "qop", "cards")),
    Rule("bot", ("qop",)),
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PROJECT_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def project_modules() -> dict[str, Path]:
    """Every module of the application packages, by dotted name."""
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in sorted((PROJECT_ROOT / package).rglob("*.py"))
        if "__pycache__" not in path.parts
    }


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    """The absolute name of the module ``from ... import`` reads from."""
    if node.level == 0:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _targets(module: str, is_package: bool, node: ast.AST) -> Iterator[str]:
    modules = project_modules()
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        source = _resolve(module, is_package, node)
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            yield submodule if submodule in modules else source


def imports_in(module: str, source: str, *, is_package: bool = False) -> list[Import]:
    """The project modules ``source`` (the text of ``module``) imports, wherever in the file."""
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(module, is_package, node):
            if target.split(".")[0] in PACKAGES:
                found.append(Import(module, target, getattr(node, "lineno", 0)))
    return found


@cache
def project_imports() -> tuple[Import, ...]:
    """Every import of a project module by a project module."""
    return tuple(
        found
        for module, path in project_modules().items()
        for found in imports_in(module, path.read_text(), is_package=path.name == "__init__.py")
    )


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _breaks(rule: Rule, found: Import) -> bool:
    return _in(found.module, rule.layer) and any(_in(found.target, p) for p in rule.forbidden)


@pytest.mark.parametrize("rule", RULES, ids=str)
def test_imports_point_one_way(rule: Rule) -> None:
    offending = sorted({str(found) for found in project_imports() if _breaks(rule, found)})
    assert not offending, f"{rule}, but:\n  " + "\n  ".join(offending)


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in ``graph`` as a path that returns to its start, or None (depth-first search)."""
    finished: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in finished:
            return None
        path.append(node)
        for child in sorted(graph.get(node, ())):
            cycle = visit(child)
            if cycle:
                return cycle
        path.pop()
        finished.add(node)
        return None

    return next((cycle for start in sorted(graph) if (cycle := visit(start))), None)


def test_no_import_cycle_among_project_modules() -> None:
    graph: dict[str, set[str]] = {module: set() for module in project_modules()}
    for found in project_imports():
        if found.target in graph and found.target != found.module:
            graph[found.module].add(found.target)
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_the_reader_sees_late_relative_and_type_checking_imports() -> None:
    """The rules are only as good as the reader of imports: it must miss none of these."""
    source = """
from typing import TYPE_CHECKING

import sqlalchemy
from cards import digest, text_digest
from . import periods
from .templates import Template

if TYPE_CHECKING:
    from storage.models import Action


def late() -> None:
    import qop.settings
    from ..services.actions import NewAction
"""
    found = {(f.target, f.line) for f in imports_in("views.example", source)}
    assert found == {
        ("cards.digest", 5),
        ("cards.text_digest", 5),
        ("views.periods", 6),
        ("views.templates", 7),
        ("storage.models", 10),
        ("qop.settings", 14),
        ("services.actions", 15),
    }
