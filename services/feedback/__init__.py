"""Feedback from children, families, staff and partners: survey templates, secure family
links, staff surveys with anonymity thresholds, and safety alerts."""
