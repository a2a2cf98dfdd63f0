"""Weekly channel digests and quarterly QIM reports (issue 7).

What a digest says (``Digest``, with small-number suppression) and the weeks and quarters it
covers are read models in ``views.digest`` and ``views.periods``.

- ``builder``: SQL aggregates -> ``Digest``.
- ``service``: subscriptions, previews and the exactly-once weekly run.
- ``report``: the quarterly QIM workbook and page.
"""
