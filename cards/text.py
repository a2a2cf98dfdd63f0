"""Every sentence qop says to a person, in one place so wording is reviewed together.

Plain English (the framework asks for "simple and straight forward" language), no jargon,
and never a child's name.
"""

APP_NAME = "qop"
APP_TAGLINE = "Quality of Practice in Teams"

WELCOME_PERSONAL_TITLE = "Welcome to qop"
WELCOME_PERSONAL_INTRO = (
    "qop brings our Quality of Practice Framework into Teams, so checking and improving the quality of our work "
    "with children and families happens where you already work."
)
WELCOME_PERSONAL_POINTS = (
    ("Audits", "Collaborative case audits arrive here as cards. Fill them in step by step; drafts are saved."),
    ("Feedback", "Short feedback cards from colleagues, and links to ask children, families and partners."),
    ("Actions", "Every action has an owner and a date. I remind you before it is due and ask what difference it made."),
    ("Your tasks", "Type 'my tasks' at any time to see what is waiting for you."),
)
WELCOME_PERSONAL_PRIVACY = (
    "Children are identified only by their case reference. Please never type a child's name, date of birth, "
    "address or phone number into qop."
)

WELCOME_CHANNEL_TITLE = "qop has joined this team"
WELCOME_CHANNEL_INTRO = "qop helps this team see and improve the quality of its practice. In {channel} I will post:"
WELCOME_CHANNEL_POINTS = (
    ("Weekly digest", "Every Monday morning: audits completed, grades, feedback and actions, with what went well."),
    ("Learning", "Good practice to celebrate, shared without naming workers or children."),
    ("Nothing personal", "Case references stay out of channels; individual tasks go to each person's own chat."),
)
WELCOME_CHANNEL_NEXT = "A manager can link this channel to their team with '@qop link team <name>'."

HELP_TITLE = "What I can do"
HELP_INTRO = "Type one of these commands (in a channel, mention me first: @qop help)."
DIDNT_UNDERSTAND = "Sorry, I didn't understand \u201c{text}\u201d. Here is what I can do."

ERROR_TITLE = "Something went wrong on our side"
ERROR_BODY = (
    "Nothing you sent has been lost. Please try again in a minute. If it keeps happening, "
    "give this reference to your Teams administrator: {reference}"
)
REFUSED_TITLE = "That can't be done"
INVALID_TITLE = "Please check your answers"
CARD_DATA_NOT_UNDERSTOOD = (
    "That button sent something I couldn't read. Please open the card again from the latest "
    "message (type 'help' to see what I can do)."
)
NOT_SAVED_TITLE = "Not saved yet"
NOT_SAVED_BODY = (
    "qop's database is not answering just now, so this could not be saved yet. Your answers are "
    "still below: press '{retry}' in a minute or two. Nothing you typed has been lost."
)
NOT_SAVED_RETRY = "Try again"
DATABASE_UNAVAILABLE = (
    "qop's database is not answering just now, so I can't do that yet. Please try again in a minute or two."
)
