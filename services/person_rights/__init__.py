"""A member of staff's rights over their data: a subject access export and erasure."""

from services.person_rights.export import PersonExport, write_files
from services.person_rights.service import Erasure, PersonRightsService

__all__ = ["Erasure", "PersonExport", "PersonRightsService", "write_files"]
