"""Wording for the Meaningful Measures: refusals and labels people see (services/measures)."""

NO_MEASURES_LOADED = "No measures file is loaded yet: run python -m qop measures load FILE first."
NO_SUCH_TEAM = "There is no active team called {team}."
NO_SUCH_AREA = "There is no service area called {area} with active teams."
WHOLE_SERVICE = "the whole service"
