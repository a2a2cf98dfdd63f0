"""Screen free text for personal data qop must not hold about children and families.

Children are identified by case reference only. This screen finds what can be recognised by its
shape — dates of birth, phone numbers, UK postcodes, NHS numbers (checksum-verified) and e-mail
addresses — so the card can ask the person to remove it before anything is accepted. Names cannot
be recognised reliably; the cards remind people not to type them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cards import text_templates as text

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE)
PHONE = re.compile(r"(?<![\w+])(?:\+44[\s-]?(?:\(0\))?[\s-]?|0)[1-9](?:[\s-]?\d){8,9}(?!\d)")
NHS_NUMBER = re.compile(r"(?<!\d)(\d{3})[\s-]?(\d{3})[\s-]?(\d{4})(?!\d)")
MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
DATE = re.compile(
    r"\b(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})[a-z]*\.?,?\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})\b",
    re.IGNORECASE,
)
BIRTH_WORDS = re.compile(r"\b(?:d\.?o\.?b\.?|born|date of birth|birthday|birth date)\b", re.IGNORECASE)
BIRTH_WINDOW = 30
"""How many characters before a date a birth word may stand."""


@dataclass(frozen=True)
class Finding:
    kind: str
    excerpt: str

    @property
    def message(self) -> str:
        return text.PERSONAL_DATA.format(what=text.PERSONAL_DATA_KINDS[self.kind], excerpt=self.excerpt)


def nhs_checksum_ok(digits: str) -> bool:
    """The NHS number's modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def screen(value: str, *, allowed: Iterable[str] = ()) -> list[Finding]:
    """Every piece of personal data found in ``value`` (``allowed`` strings, e.g. the case
    reference under audit, are never reported)."""
    allowed_set = {a.strip().upper() for a in allowed if a}
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        span = match.span()
        if match.group(0).strip().upper() in allowed_set or any(s < span[1] and span[0] < e for s, e in taken):
            return
        taken.append(span)
        findings.append(Finding(kind, match.group(0).strip()))

    for match in EMAIL.finditer(value):
        add("email", match)
    for match in NHS_NUMBER.finditer(value):
        if nhs_checksum_ok("".join(match.groups())):
            add("nhs_number", match)
    for match in PHONE.finditer(value):
        add("phone", match)
    for match in POSTCODE.finditer(value):
        add("postcode", match)
    for match in DATE.finditer(value):
        if BIRTH_WORDS.search(value[max(0, match.start() - BIRTH_WINDOW) : match.start()]):
            add("date_of_birth", match)
    return findings


def screen_fields(
    values: Mapping[str, str], field_ids: Iterable[str], *, allowed: Iterable[str] = ()
) -> dict[str, str]:
    """Field id -> the message for the first finding in it (one fix at a time reads better)."""
    allowed = list(allowed)
    errors = {}
    for field_id in field_ids:
        found = screen(values.get(field_id, ""), allowed=allowed)
        if found:
            errors[field_id] = found[0].message
    return errors
