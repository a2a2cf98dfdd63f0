"""Practice observations and group supervision / Signs of Safety mapping (issue 15)."""
