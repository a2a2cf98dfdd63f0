"""Collaborative audits, one module per job: ``rounds`` (starting rounds), ``answering`` (the
auditor's pages and drafts), ``escalation`` (stop and escalate), ``submission``, ``reflection``
(the practitioner's reflection and comment), ``moderation``, ``tasks`` ('my tasks', 'team audits',
reading an audit), ``practice_days`` (a planned round for a service area on one date, with its
summary) and ``practice_day_workbook`` (that summary as a spreadsheet); ``loading`` and ``reading``
are shared by them and ``parts`` builds them. Queries live in ``storage.repositories.audits`` (and
``storage.repositories.practice_days``)."""
