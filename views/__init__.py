"""Read models: plain frozen data shared by cards and services (no I/O, no SDK)."""
