"""Collaborative audits: rounds, the auditor's pages and drafts, the practitioner's reflection,
stop-and-escalate, moderation and the actions an audit raises."""
