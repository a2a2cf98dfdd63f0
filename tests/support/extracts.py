"""Extracts as a performance analyst would send them, built for tests."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

CHAT_HEADERS = [
    "Team",
    "Month",
    "Referral decisions within 24 hours (%)",
    "Re-referrals within 12 months (%)",
    "Average caseload",
    "Agency social workers (%)",
]
"""The columns of a ChAT-like team extract (``deploy/demo/mappings/chat-workbook.yaml``)."""


def chat_like_workbook(rows: list[list[Any]]) -> Workbook:
    """A ChAT-like workbook: a title row, a blank row, the headers on row 3, then ``rows``."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Team data"
    sheet.append(["Northshire children's services: ChAT team extract"])
    sheet.append([])
    sheet.append(CHAT_HEADERS)
    for row in rows:
        sheet.append(row)
    return workbook
