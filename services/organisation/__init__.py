"""The organisation: service areas, teams, people, roles and the channels linked to them."""

from services.organisation.importer import Change, Entity, ImportReport, RowChange
from services.organisation.service import ROLE_LABELS, OrganisationService
from services.organisation.source import Rejection, UnreadableFile

__all__ = [
    "ROLE_LABELS",
    "Change",
    "Entity",
    "ImportReport",
    "OrganisationService",
    "Rejection",
    "RowChange",
    "UnreadableFile",
]
