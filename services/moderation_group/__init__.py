"""The framework's moderation group: meetings the QA lead schedules, where the Head of Service,
the Principal Social Worker and the IRO manager moderate a sample of audits together
(``service``), with the QA calendar link (``calendar``) and counts for digests and reports (``themes``)."""
