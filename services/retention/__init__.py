"""Retention: how long each kind of record is kept, and the purge of what is past its date."""

from services.retention.policy import Kind, RetentionFileError, RetentionPolicy, load_policy
from services.retention.service import DueRecords, PurgeResult, RetentionService

__all__ = [
    "DueRecords",
    "Kind",
    "PurgeResult",
    "RetentionFileError",
    "RetentionPolicy",
    "RetentionService",
    "load_policy",
]
