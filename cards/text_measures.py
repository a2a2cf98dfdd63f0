"""Wording for the Meaningful Measures: refusals and labels people see (services/measures)."""

NO_MEASURES_LOADED = "No measures file is loaded yet: run python -m qop measures load FILE first."
NO_SUCH_TEAM = "There is no active team called {team}."
NO_SUCH_AREA = "There is no service area called {area} with active teams."
WHOLE_SERVICE = "the whole service"

# -- importing an extract uploaded in Teams (services/measures/uploads.py, cards/measures_upload.py) --
REFUSED_IMPORT = (
    "Only the performance analysts and the QA lead can import the monthly indicator figures. If you meant to send "
    "them this file, send it to a performance analyst instead."
)
UPLOAD_CHECK_WORD = "check"
"""Typed with the file: check it and import nothing (a dry run)."""
UPLOAD_ONLY_PERSONAL = (
    "qop reads an extract only in your personal chat with it: Teams gives bots the files sent there and nowhere "
    "else. Open your chat with qop and attach the file there."
)
UPLOAD_ONE_AT_A_TIME = "Please send one extract at a time: attach a single CSV or XLSX file to your message."
UPLOAD_WRONG_TYPE = "{file} is not an extract qop can read: send the monthly extract as a .csv or .xlsx file."
UPLOAD_HOST_NOT_ALLOWED = (
    "qop did not download {file}: its link points to {host}, which is not where Teams keeps files in this council's "
    "tenant. Attach the file from your computer or OneDrive; if this keeps happening, tell your Teams administrator."
)
UPLOAD_TOO_BIG = "{file} is larger than qop accepts ({limit}). A monthly extract per team and month is far smaller: check it is the right file."
UPLOAD_DOWNLOAD_FAILED = (
    "qop could not download {file} from Teams (the link Teams gives lasts only a few minutes). Please send the "
    "file again."
)
UPLOAD_NO_MAPPINGS = (
    "qop has no column mappings to read extracts with yet. Your Teams administrator puts the council's mapping "
    "files in qop's mapping folder (setting MEASURES_MAPPING_FOLDER); until then use python -m qop measures import."
)
UPLOAD_NO_SUCH_MAPPING = "There is no column mapping called {name}. The mappings qop has: {names}."
UPLOAD_NO_MAPPING_FITS = "None of qop's column mappings fits {file}: {reasons}"
UPLOAD_SEVERAL_MAPPINGS_FIT = (
    "More than one column mapping fits {file}: {names}. Send the file again with the mapping's name typed in the "
    "message."
)
UPLOAD_REFUSED_TITLE = "qop did not import this file"
UPLOAD_ACCEPTS_TITLE = "What qop accepts"
UPLOAD_ACCEPTS = (
    "The monthly indicator extract (figures per team and month, no names), as a .csv or .xlsx file of at most "
    "{limit}, sent by a performance analyst or the QA lead in their personal chat with qop. Type check with the "
    "file to check it without importing, and a mapping's name when more than one fits."
)
UPLOAD_MAPPINGS_LABEL = "Column mappings"
UPLOAD_NO_MAPPINGS_SHORT = "none yet"
IMPORTED_TITLE = "Indicator figures imported"
CHECKED_TITLE = "Extract checked: nothing imported"
REJECTED_TITLE = "Extract refused: nothing imported"
CHECKED_NOTE = "Every row is good. Send the file again without typing check to import it."
REJECTED_NOTE = (
    "Nothing was written: qop imports an extract whole or not at all. Correct these rows and send the file again."
)
NOTHING_TO_IMPORT = "The extract holds no figures (blank figures are no data): nothing was imported."
OUTCOME_FILE = "File"
OUTCOME_MAPPING = "Column mapping"
OUTCOME_FIGURES = "Figures"
OUTCOME_FIGURES_VALUE = "{figures} ({new} new, {replaced} replaced)"
OUTCOME_GOOD_FIGURES = "{figures} good"
OUTCOME_TEAMS = "Teams"
OUTCOME_MONTHS = "Months"
OUTCOME_BAD_ROWS = "{count} bad row(s)"
OUTCOME_LINE = "Line {line}"
OUTCOME_MORE_ROWS = (
    "... and {count} more bad row(s); check the file with python -m qop measures import --dry-run to see them all."
)
