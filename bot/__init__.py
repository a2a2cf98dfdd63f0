"""Teams transport: routing activities and invokes to services, and SDK glue.

The only package that imports the Microsoft 365 Agents SDK. Handlers live in
``bot/handlers/``, each module exposing ``register(bot)``; they parse what Teams sent into
plain data, call one service, and hand the result to a card builder.
"""
