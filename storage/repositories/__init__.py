"""Repositories: the queries services need, each a small function taking a session."""
