"""qop: a children's services Quality of Practice Framework inside Microsoft Teams.

This package is the composition root: settings, the aiohttp app factory and the CLI.
Everything else lives in the rooms ``bot/`` (Teams transport), ``cards/`` (card JSON),
``services/`` (domain logic) and ``storage/`` (models, repositories, migrations).
"""
