"""Read models shared by cards and services: plain frozen dataclasses, no I/O."""
