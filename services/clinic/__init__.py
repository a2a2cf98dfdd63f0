"""Service performance clinics (issue 14, item 5): each team's monthly clinic pack in Teams and as
a workbook, the actions agreed at the clinic, and what changed since the last one.

``service`` prepares, stores and sends team packs; ``senior`` the senior leadership clinic's
service pack (the whole service); ``parts`` what both are made of; ``snapshot`` keeps the figures a pack showed and
compares two packs; ``workbook`` writes the XLSX. Read models live in ``views.clinic``.
"""

from services.clinic.parts import WorkbookLink, WorkbookLinks
from services.clinic.senior import SeniorClinicService
from services.clinic.service import ClinicService

__all__ = ["ClinicService", "SeniorClinicService", "WorkbookLink", "WorkbookLinks"]
