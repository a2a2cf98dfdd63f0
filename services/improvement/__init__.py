"""The continuous improvement plan the Quality Improvement Meeting reviews (issue 16)."""

from services.improvement.service import ImprovementPlanService, PriorityChange

__all__ = ["ImprovementPlanService", "PriorityChange"]
