"""The retention policy: how long each kind of record is kept, read from a YAML file.

The default file is ``services/data/retention.yaml``; a council points ``RETENTION_FILE`` at its
own. Every problem names the file, the line and the field, so whoever edits it can fix it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from croniter import croniter

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "retention.yaml"
PERIOD = re.compile(r"^\s*(\d+)\s+(day|week|month|year)s?\s*$", re.IGNORECASE)
FOREVER = "forever"


class Kind(StrEnum):
    """The kinds of record the policy covers (what each one's clock starts from: docs/retention.md)."""

    AUDITS = "audits"
    MODERATION = "moderation"
    AUDIT_DRAFTS = "audit_drafts"
    FAMILY_FEEDBACK = "family_feedback"
    FEEDBACK_LINKS = "feedback_links"
    STAFF_SURVEY_ANSWERS = "staff_survey_answers"
    SAFETY_ALERTS = "safety_alerts"
    ACTIONS = "actions"
    DELIVERY_RECORDS = "delivery_records"
    ACCESS_LOG = "access_log"
    OBSERVATIONS = "observations"
    MAPPING_MEETINGS = "mapping_meetings"
    MODERATION_GROUP = "moderation_group"
    CLIENT_FEEDBACK = "client_feedback"
    PRACTICE_EXAMPLES = "practice_examples"
    IMPROVEMENT_PLAN = "improvement_plan"
    PERFORMANCE_CLINICS = "performance_clinics"
    QIM_MEETINGS = "qim_meetings"
    QA_CALENDAR = "qa_calendar"


@dataclass(frozen=True)
class Period:
    """A whole number of days, weeks, months or years; ``None`` count means kept forever."""

    count: int | None
    unit: str = "day"

    @property
    def forever(self) -> bool:
        return self.count is None

    def before(self, moment: datetime) -> datetime | None:
        """The moment ``self`` before ``moment``: records older than it are due (None: never)."""
        if self.count is None:
            return None
        if self.unit == "day":
            return moment - timedelta(days=self.count)
        if self.unit == "week":
            return moment - timedelta(weeks=self.count)
        months = self.count * (12 if self.unit == "year" else 1)
        year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
        day = moment.day
        while True:  # 29 February, 31 March... fall back to the month's last day
            try:
                return moment.replace(year=year, month=month + 1, day=day)
            except ValueError:
                day -= 1

    def __str__(self) -> str:
        if self.count is None:
            return FOREVER
        return f"{self.count} {self.unit}{'' if self.count == 1 else 's'}"


@dataclass(frozen=True)
class RetentionPolicy:
    keep: dict[Kind, Period]
    purge_cron: str = "30 2 * * *"
    time_zone: str = "Europe/London"
    batch_size: int = 500
    source: str = str(DEFAULT_FILE)

    def cutoff(self, kind: Kind, now: datetime) -> datetime | None:
        """Records of ``kind`` whose clock started before this are due (None: kept forever)."""
        return self.keep[kind].before(now)


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str


class RetentionFileError(ValueError):
    """A retention file that cannot be used; ``problems`` lists each (line, field, message)."""

    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(f"{file}:{p.line}: {p.field or '(top)'}: {p.message}" for p in problems))


def load_policy(file: Path | None = None) -> RetentionPolicy:
    """Read and check a retention file (the default one when ``file`` is None)."""
    file = file or DEFAULT_FILE
    try:
        root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except OSError as error:
        raise RetentionFileError(file, [Problem(1, "", f"cannot be read: {error.strerror}")]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        raise RetentionFileError(
            file, [Problem(line, "", f"not valid YAML: {getattr(error, 'problem', error)}")]
        ) from None
    problems: list[Problem] = []
    top = _mapping(root, "", 1, problems)
    purge = _mapping(top.get("purge"), "purge", _line(root), problems, required=False)
    keep_entry = top.get("keep")
    keep_items = _mapping(keep_entry, "keep", _line(root), problems)
    keep: dict[Kind, Period] = {}
    for key, (key_line, value) in keep_items.items():
        if key not in Kind.__members__.values():
            known = ", ".join(Kind)
            problems.append(Problem(key_line, f"keep.{key}", f"not a kind of record qop keeps (known: {known})"))
            continue
        period = _period(key_line, value, f"keep.{key}", problems)
        if period is not None:
            keep[Kind(key)] = period
    if keep_entry is not None and isinstance(keep_entry[1], yaml.MappingNode):
        for kind in Kind:
            if kind.value not in keep_items:
                problems.append(Problem(keep_entry[0], f"keep.{kind}", "missing: say how long, or 'forever'"))
    cron = _scalar(purge, "cron", "30 2 * * *", problems, "purge")
    if not isinstance(cron, str) or not croniter.is_valid(cron):
        problems.append(Problem(_value_line(purge, "cron"), "purge.cron", f"{cron!r} is not a 5-field cron expression"))
    time_zone = _scalar(purge, "time_zone", "Europe/London", problems, "purge")
    if not _is_zone(time_zone):
        problems.append(
            Problem(_value_line(purge, "time_zone"), "purge.time_zone", f"{time_zone!r} is not a time zone")
        )
    batch_size = _scalar(purge, "batch_size", 500, problems, "purge")
    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or not 1 <= batch_size <= 10_000:
        problems.append(Problem(_value_line(purge, "batch_size"), "purge.batch_size", "a whole number from 1 to 10000"))
    for key, (key_line, _value) in purge.items():
        if key not in {"cron", "time_zone", "batch_size"}:
            problems.append(Problem(key_line, f"purge.{key}", "not a purge setting (cron, time_zone, batch_size)"))
    for key, (key_line, _value) in top.items():
        if key not in {"purge", "keep"}:
            problems.append(Problem(key_line, str(key), "not a retention setting (purge, keep)"))
    if problems:
        raise RetentionFileError(file, problems)
    return RetentionPolicy(keep, str(cron), str(time_zone), int(batch_size), str(file))


# -- reading the composed YAML with its lines ----------------------------------------------------


def _line(node: Any) -> int:
    return node.start_mark.line + 1 if isinstance(node, yaml.Node) else 1


def _mapping(
    node: Any, field: str, line: int, problems: list[Problem], *, required: bool = True
) -> dict[str, tuple[int, yaml.Node]]:
    """Key -> (its line, its value node); a problem when ``node`` is not a mapping."""
    if isinstance(node, tuple):  # (key line, value node) taken from a parent mapping
        line, node = node
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        if required:
            problems.append(Problem(line, field, "missing" if field else "the file is empty"))
        return {}
    if not isinstance(node, yaml.MappingNode):
        problems.append(Problem(_line(node), field, "must be a mapping of names to values"))
        return {}
    return {str(key.value): (key.start_mark.line + 1, value) for key, value in node.value}


def _scalar(
    items: dict[str, tuple[int, yaml.Node]], key: str, default: Any, problems: list[Problem], parent: str
) -> Any:
    if key not in items:
        return default
    _, node = items[key]
    if not isinstance(node, yaml.ScalarNode):
        problems.append(Problem(_line(node), f"{parent}.{key}", "must be a single value"))
        return default
    return yaml.SafeLoader("").construct_object(node)


def _value_line(items: dict[str, tuple[int, yaml.Node]], key: str) -> int:
    return _line(items[key][1]) if key in items else 1


def _period(line: int, node: yaml.Node, field: str, problems: list[Problem]) -> Period | None:
    text = node.value if isinstance(node, yaml.ScalarNode) else None
    if isinstance(text, str) and text.strip().lower() == FOREVER:
        return Period(None)
    match = PERIOD.match(text) if isinstance(text, str) else None
    if match is None or int(match[1]) == 0:
        problems.append(Problem(line, field, f"{text!r} is not a period: write e.g. '90 days', '2 years' or 'forever'"))
        return None
    return Period(int(match[1]), match[2].lower())


def _is_zone(name: Any) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return isinstance(name, str)
