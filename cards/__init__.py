"""Pure functions from domain data to Adaptive Card 1.5 JSON (and parsing what cards submit).

No I/O, no clock, no SDK: a builder takes plain data (and ``now`` when it needs time) and
returns a ``dict`` ready to be sent as an ``application/vnd.microsoft.card.adaptive`` attachment.
"""
