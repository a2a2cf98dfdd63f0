"""The Quality Improvement Meeting: the pack posted before it, the chair's decisions and
service-level actions (``meetings``), the owners' monthly assurance updates (``assurance``) and
the trail both the pack and the QIM report show (``trail``).

Nothing is imported here, so ``services.digest`` can read the trail without importing the
meeting service (which builds on the digest)."""
