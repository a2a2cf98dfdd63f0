"""The dashboard (issue 14, item 6): measures, audits, feedback and actions for the place a person
may see, with drill-down from the whole service to a service area and a team.

``scope`` applies the permission policy, ``figures`` counts, ``service`` builds the read model
(``views.dashboard``) and writes the access log.
"""

from services.dashboard.service import DashboardService

__all__ = ["DashboardService"]
