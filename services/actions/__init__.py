"""Actions: every finding becomes something to do, with an owner and a due date, closed by evidence
and, later, by what difference it made (the framework's "closing the loop").

The package's public face is below; its modules say what they do: ``service`` (``ActionService``,
everything a person does to an action), ``creating`` (``add_action`` inside another feature's
transaction), ``rights`` (who may do what), ``seniors`` (who stands above an owner), ``choices``
(whom an action may be given to), ``reading`` (read models for cards), ``fields`` (checking what was
typed), ``importing`` (CSV import) and ``story`` (each change's record).
"""

from services.actions.choices import assignable_choices
from services.actions.creating import NewAction, add_action
from services.actions.fields import parse_date
from services.actions.importing import ImportReport
from services.actions.reading import ActionCardData, to_view
from services.actions.rights import Rights, rights_over
from services.actions.seniors import Seniors, load_seniors, manager_id_of
from services.actions.service import ActionService

__all__ = [
    "ActionCardData",
    "ActionService",
    "ImportReport",
    "NewAction",
    "Rights",
    "Seniors",
    "add_action",
    "assignable_choices",
    "load_seniors",
    "manager_id_of",
    "parse_date",
    "rights_over",
    "to_view",
]
