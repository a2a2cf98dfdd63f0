"""Performance management: the council's Meaningful Measures, their indicators and triangulation.

``declarations`` reads the measures file, ``extract`` and ``importer`` the monthly case-system
extracts (``uploads`` takes one sent to qop in Teams), ``triangulation`` judges figures against targets, trends and audit evidence, and
``service`` ties them to the database. Read models live in ``views.measures``.
"""

from services.measures.declarations import MeasuresFileError
from services.measures.extract import UnreadableExtract
from services.measures.importer import ExtractReport
from services.measures.service import LoadReport, MeasuresService, NoMeasures

__all__ = ["ExtractReport", "LoadReport", "MeasuresFileError", "MeasuresService", "NoMeasures", "UnreadableExtract"]
