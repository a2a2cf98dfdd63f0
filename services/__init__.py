"""Domain logic. Never imports aiohttp or the Agents SDK: the bot hands it plain data."""
