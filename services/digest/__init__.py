"""Weekly channel digests and quarterly QIM reports (issue 7).

- ``periods``: weeks and quarters in local time, as UTC boundaries.
- ``figures``: what a digest says, with small-number suppression.
- ``builder``: SQL aggregates -> ``Digest``.
- ``service``: subscriptions, previews and the exactly-once weekly run.
- ``report``: the quarterly QIM workbook and page.
"""
