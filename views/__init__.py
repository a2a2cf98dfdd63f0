"""Read models shared by cards and services: frozen dataclasses, enums, constants and small pure
helpers on them. Services build these; card builders render them.

``views`` sits below both: it imports nothing from cards, services, storage, bot or qop
(``tests/test_architecture.py`` holds it to that), so either side can use it without a cycle.
"""
