"""``python -m bench.inbound``: what one Teams turn costs in qop against a bare Agents SDK echo bot."""
