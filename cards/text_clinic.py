"""What qop says about performance clinics (the clinic pack card, its workbook and refusals).
Plain English; figures only, never a child's name."""

PACK_TITLE = "Performance clinic: {team}"
PACK_INTRO = "{area}. Figures for {month}, prepared {prepared}. Agree actions at the clinic from this card."
NO_MEASURES = "No measures file has been loaded yet, so there are no indicators to discuss."

HEADING_INDICATORS = "Indicators against target"
HEADING_WORRIES = "What are we worried about, and why?"
HEADING_THEMES = "Audit themes (audits since {since})"
HEADING_ACTIONS = "Open actions ({count})"
HEADING_AGREED = "Agreed at this clinic"
HEADING_CHANGED = "What changed since the clinic of {month}"
NO_WORRIES = "Nothing is off target, moving the wrong way or contradicted by the audits."
NO_THEMES = "No audits of the team answered the themes in these three months."
NO_ACTIONS = "The team has no open actions."
MORE_ACTIONS = "... and {count} more (the workbook lists the first {shown})."
FIRST_PACK = "This is the team's first clinic pack: the next one will show what changed."

INDICATOR_LINE = "{name}: {figure} (target {target}){trend}"
WORRY_LINE = "{name}: {reasons}"
THEME_LINE = "{title}: seen in full in {seen} of {answered} audits"
ACTION_LINE = "{description} ({owner}, due {due}{overdue}; {source})"
OVERDUE = ", overdue"
CHANGE_LINE = "{name}: {before} then, {now} now"
NEW_WORRIES = "New worries: {names}"
WORRIES_RESOLVED = "No longer a worry: {names}"
OPEN_BEFORE = "Open actions: {before} then, {now} now"
AGREED_DONE = "Actions agreed at that clinic: {done} of {agreed} done"
NO_DATA = "no data"

AGREE_BUTTON = "Agree an action"
AGREE_INTRO = "Agreed at this clinic: what must happen, who owns it and by when."
LABEL_DESCRIPTION = "What must happen"
ERROR_DESCRIPTION = "Say what must happen."
LABEL_OWNER = "Owner"
ERROR_OWNER = "Choose who owns it."
LABEL_DUE = "Due date"
ERROR_DUE = "Choose a due date, today or later."
SAVE_BUTTON = "Save the action"
WORKBOOK_BUTTON = "Download XLSX"
WORKBOOK_OPEN = "Download the workbook (link valid until {expires})"
AGREED_SAVED = "Action agreed and saved: it is in the owner's actions with source Performance clinic."

NO_SUCH_TEAM = "There is no active team called '{team}'. Type clinic and the team's name, e.g. clinic Front Door."
NAME_THE_TEAM = "Which team? Type clinic and the team's name, e.g. clinic Front Door."
NO_SUCH_CLINIC = "This clinic pack is out of date: type clinic and the team's name for a new one."
OWNER_NOT_IN_TEAM = "Choose someone in the team (or its manager) to own the action."
LINKS_OFF = "Workbook links are switched off here: ask your administrator to set REPORT_SIGNING_KEY."

SERVICE_ARGUMENT = "service"
"""What follows "clinic" to ask for the senior leadership clinic's service pack."""
SERVICE_PACK_TITLE = "Senior leadership performance clinic"
SERVICE_PACK_INTRO = (
    "The whole service. Figures for {month}, prepared {prepared}. Agree service-level actions at the clinic "
    "from this card."
)
HEADING_FOUR_QUESTIONS = "The service's Meaningful Measures: the four questions"
HEADING_AREAS = "Service areas: teams of concern and team clinics"
AREA_CLINICS = (
    "Teams with a clinic pack this month: {packs} of {teams}; actions agreed at their clinics: {agreed}. "
    "Open clinic actions: {open} ({overdue} overdue)."
)
CONCERN_LINE = "{team} — {reasons}"
CONCERN_SEPARATOR = " — "
CONCERN_OFF_TARGET = "off target: {names}"
CONCERN_WRONG_WAY = "moving the wrong way: {names}"
NO_CONCERNS = "No team has an indicator off target or moving the wrong way."
MORE_CONCERNS = "Teams of concern not shown: {count} (type clinic and the team's name for its pack)."
NO_AREAS = "There are no active service areas with teams."
NO_SERVICE_THEMES = "No audits answered the themes in these three months."
FIRST_SERVICE_PACK = "This is the first senior leadership clinic pack: the next one will show what changed."
OPEN_CLINIC_BEFORE = "Open clinic actions (team and service): {before} then, {now} now"
SERVICE_AGREE_INTRO = "A service-level action agreed at this clinic: what must happen, who owns it and by when."
SERVICE_AGREED_SAVED = (
    "Action agreed and saved: it is in the owner's actions with source Senior leadership performance clinic."
)
NO_SUCH_SERVICE_CLINIC = "This senior leadership clinic pack is out of date: type clinic service for a new one."
OWNER_NOT_ACTIVE = "Choose someone active in the organisation to own the action."

WORKBOOK_TITLE = "Performance clinic: {team} ({area}), {month}"
SHEET_INDICATORS = "Indicators"
SHEET_WORRIES = "Worries"
SHEET_THEMES = "Audit themes"
SHEET_ACTIONS = "Open actions"
SHEET_CHANGES = "What changed"
COLUMNS_INDICATORS = ("Measure", "Indicator", "Unit", "Figure", "Target", "Change in three months", "Worry")
COLUMNS_WORRIES = ("Indicator", "Why")
COLUMNS_THEMES = ("Theme", "Seen in full", "Audits answering", "Share %")
COLUMNS_ACTIONS = ("What must happen", "Owner", "Due", "Overdue", "From")
COLUMNS_CHANGES = ("Indicator", "Unit", "At the last clinic", "Now", "Difference", "Was a worry", "Is a worry")
SERVICE_WORKBOOK_TITLE = "Senior leadership performance clinic: the whole service, {month}"
SHEET_AREAS = "Service areas"
SHEET_CONCERNS = "Teams of concern"
SHEET_AGREED = "Agreed at this clinic"
COLUMNS_AREAS = (
    "Service area",
    "Teams",
    "Team clinic packs",
    "Actions agreed at them",
    "Open clinic actions",
    "Overdue",
    "Teams of concern",
)
COLUMNS_CONCERNS = ("Service area", "Team", "Off target", "Moving the wrong way")
YES = "yes"
NO = "no"
