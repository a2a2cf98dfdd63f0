"""Delivery: the ONE way qop sends, updates or deletes anything in Teams (issue 3).

Every outbound message is a *delivery* row (queued -> sent with Teams' message id, or
failed with a reason, blocked, or cancelled), carried out by a short durable DBOS workflow
on a rate-limited queue. Features never talk to Teams directly and never retry themselves.

A service takes it as its ``outbox=`` (the ``Outbox`` Protocol, ``services/outbox.py``), given by
the composition root; a handler uses ``services.delivery`` (a ``DeliveryService``)::

    receipt = await services.delivery.send_card_to_person(
        person_id, card, purpose="audit", dedupe_key=f"audit:{audit.id}:invite")
    # later, e.g. after the auditor submitted: replace that card in place
    await services.delivery.update_card(receipt.delivery_id, submitted_card, purpose="audit")

    await services.delivery.post_card_to_conversation(
        channel_conversation_id, digest_card, purpose="digest", dedupe_key=f"digest:{team}:{week}")

    progress = await services.delivery.start_broadcast(
        sender_person_id, recipient_person_ids, card_or_factory, title="Practice survey")
    await services.delivery.progress(progress.broadcast_id)   # BroadcastProgress (.summary)
    await services.delivery.cancel_broadcast(broadcast_id, actor_id=sender_person_id)
    await services.delivery.resend_failed(broadcast_id, actor_id=sender_person_id)

API (all async, all return at once; the send happens in the background):

- ``send_card_to_person(person_id, card, *, purpose, broadcast_id=None, dedupe_key=None)``
  -> ``DeliveryReceipt``. Goes to the person's 1:1 chat with qop; if none is known, one is
  created (needs the person's Teams id and qop installed for them).
- ``send_text_to_person(person_id, text, *, purpose, dedupe_key=None)``.
- ``post_card_to_conversation(conversation, card, *, purpose, dedupe_key=None)``:
  ``conversation`` is our ``conversations.id`` (int) or Teams' conversation id (str): a
  channel, group chat or 1:1 chat qop is installed in.
- ``update_card(message, card, *, purpose="update", dedupe_key=None)`` and
  ``delete_message(message, *, purpose="delete", dedupe_key=None)``: ``message`` is the
  ``delivery_id`` of the original send (it waits, bounded, if that send is still queued) or
  a ``MessageRef(conversation_id, message_id)`` for a message sent some other way (e.g. a
  reply inside a turn).
- ``get(delivery_id)`` -> ``DeliveryReceipt`` (status, message_id, reason, attempts).
- ``start_broadcast(sender_person_id, recipients, card_or_factory, *, title, purpose)`` ->
  ``BroadcastProgress``. ``card_or_factory`` is one card or ``f(person_id) -> card``. The
  sender (when not None) gets a progress card updated in place every few seconds
  ("Sent 340 of 500 · 3 failed · 2 blocked") with Cancel and "Resend to failed" buttons.
- ``progress(broadcast_id)``, ``cancel_broadcast(broadcast_id, *, actor_id=None)``,
  ``resend_failed(broadcast_id, *, actor_id=None)`` (``actor_id``, a qop person id, must be the sender;
  None means an operator at the CLI).

Guarantees: ``dedupe_key`` makes a send idempotent (a second call returns the first
delivery's receipt and sends nothing); broadcast sends are keyed (broadcast, person). A
crash loses nothing: at most the sends in flight at the crash are repeated (Teams has no
idempotency key). Limits (``DeliveryConfig``, from the settings): ``delivery_rate_per_second``
(45) across all instances, ``delivery_conversation_rate_per_second`` (6) per conversation; a
broadcast's sends go through a queue of their own without partitions, limited to one over the
rate and paced at the rate by each instance (``engine.py``), so while a broadcast runs other
sends come on top of it. 429 honours
Retry-After (else exponential backoff with jitter); 412/5xx/timeouts are retried; attempts
are bounded (``delivery_max_attempts``). 403 MessageWritesBlocked -> ``blocked`` and the
conversation is marked blocked (nothing more is sent there until qop is installed again);
404 -> ``failed`` and the conversation is marked uninstalled; 413 -> ``failed`` at once.
Keep cards under 80 KB.

Purpose is a short label ("audit", "reminder", "digest", ...) stored on the row for
reporting. Errors a caller can meet are domain errors (``NotFound`` for an unknown person,
conversation or message; ``NotAllowed`` when someone else's broadcast is changed;
``InvalidInput`` for an empty broadcast), which the bot turns into cards.

Tests: use the real service with the fake Bot Connector through the ``delivery`` fixture
(``tests/support/delivery.py``): see its docstring; or, where only what was asked for matters,
the ``RecordingOutbox`` (``tests/support/outbox.py``) through ``recorded_services``.

Layout: ``sending.py`` (the send API), ``broadcasts.py``, ``executor.py`` (what one queued run
does), ``records.py`` (receipts and progress), ``engine.py`` (DBOS), ``config.py``
(``DeliveryConfig``, built from the settings by ``qop/app.py``); ``service.py`` puts them together.

Runtime: the app launches DBOS in its cleanup context (``qop/app.py``); see ``engine.py``
for the process-wide DBOS singleton and the recovery of a lost instance's work.
"""

from services.delivery.config import DeliveryConfig
from services.delivery.gateway import (
    Blocked,
    ConversationAddress,
    ConversationGone,
    GatewayError,
    Rejected,
    TeamsGateway,
    Throttled,
    TooLarge,
    Transient,
)
from services.delivery.records import BroadcastProgress, DeliveryReceipt, MessageRef
from services.delivery.service import DeliveryService

__all__ = [
    "Blocked",
    "BroadcastProgress",
    "ConversationAddress",
    "ConversationGone",
    "DeliveryConfig",
    "DeliveryReceipt",
    "DeliveryService",
    "GatewayError",
    "MessageRef",
    "Rejected",
    "TeamsGateway",
    "Throttled",
    "TooLarge",
    "Transient",
]
