"""Collaborative audits, one module per job: ``rounds`` (starting rounds), ``answering`` (the
auditor's pages and drafts), ``escalation`` (stop and escalate), ``submission``, ``reflection``
(the practitioner's reflection and comment), ``moderation``, ``tasks`` ('my tasks', 'team audits',
reading an audit); ``loading`` and ``reading`` are shared by them and ``parts`` builds them.
Queries live in ``storage.repositories.audits``."""
