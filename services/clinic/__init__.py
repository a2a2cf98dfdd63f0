"""Service performance clinics (issue 14, item 5): each team's monthly clinic pack in Teams and as
a workbook, the actions agreed at the clinic, and what changed since the last one.

``service`` prepares, stores and sends packs; ``snapshot`` keeps the figures a pack showed and
compares two packs; ``workbook`` writes the XLSX. Read models live in ``views.clinic``.
"""

from services.clinic.service import ClinicService, WorkbookLink

__all__ = ["ClinicService", "WorkbookLink"]
