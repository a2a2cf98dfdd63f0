"""``python -m bench.digest``: digest build time against its bare SQL, on a year of a large authority."""
