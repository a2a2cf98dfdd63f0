"""Action.Execute verbs and Action.Submit keys, shared by ``cards/`` and ``bot/``."""

SHOW_HELP = "help.show"
