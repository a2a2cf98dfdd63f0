"""The dashboard bench: see __main__."""
