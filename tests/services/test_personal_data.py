"""The personal-data screen: what it must catch, and ordinary audit prose it must leave alone."""

from __future__ import annotations

import pytest

from services.personal_data import nhs_checksum_ok, screen, screen_fields


@pytest.mark.parametrize(
    ("text", "kind", "excerpt"),
    [
        ("Mum's number is 07700 900123, call after 3", "phone", "07700 900123"),
        ("ring +44 7700 900 123 today", "phone", "+44 7700 900 123"),
        ("school office 0191 496 0000", "phone", "0191 496 0000"),
        ("lives near NE61 2EF with nan", "postcode", "NE61 2EF"),
        ("moved to sw1a1aa last week", "postcode", "sw1a1aa"),
        ("NHS no 943 476 5919 on file", "nhs_number", "943 476 5919"),
        ("email dad at j.smith@example.org please", "email", "j.smith@example.org"),
        ("Child (DOB 03/04/2016) was seen", "date_of_birth", "03/04/2016"),
        ("she was born on 3rd April 2016 in hospital", "date_of_birth", "3rd April 2016"),
    ],
)
def test_each_kind_of_personal_data_is_found(text: str, kind: str, excerpt: str) -> None:
    [finding] = screen(text)
    assert (finding.kind, finding.excerpt) == (kind, excerpt)
    assert excerpt in finding.message and "case reference" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "Assessment completed on 03/04/2025 within 45 working days; scaled 6/10.",
        "Case reference LCS123456 reviewed; 10 working days between visits.",
        "NHS number-like digits with a bad checksum: 943 476 5918",
        "Core group met 2 times; 15 working days to ICPC.",
        "",
    ],
)
def test_ordinary_audit_prose_passes(text: str) -> None:
    assert screen(text) == []


def test_nhs_checksum() -> None:
    assert nhs_checksum_ok("9434765919")
    assert not nhs_checksum_ok("9434765918")
    assert not nhs_checksum_ok("0000000000")


def test_the_case_under_audit_is_allowed_and_fields_are_reported_one_by_one() -> None:
    values = {"a": "Case 9434765919 is fine", "b": "call 07700900123", "c": "nothing here"}
    errors = screen_fields(values, ["a", "b", "c"], allowed=["9434765919"])
    assert list(errors) == ["b"] and "phone number" in errors["b"]
