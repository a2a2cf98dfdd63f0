"""The retry policy: Retry-After honoured (and capped), otherwise exponential backoff with
jitter, and never beyond the attempt limit or for errors retrying cannot fix."""

from __future__ import annotations

import pytest

from services.delivery import Blocked, ConversationGone, Rejected, Throttled, TooLarge, Transient
from services.delivery.retry import RETRY_AFTER_CAP_SECONDS, RetryPolicy


def _policy(jitter: float) -> RetryPolicy:
    return RetryPolicy(max_attempts=5, base_seconds=1.0, max_seconds=8.0, jitter=lambda: jitter)


def test_retry_after_is_waited_exactly_and_capped() -> None:
    policy = _policy(0.5)
    assert policy.wait_before_retry(Throttled("429", retry_after=2.5), 1) == 2.5
    assert policy.wait_before_retry(Throttled("429", retry_after=0), 1) == 0
    assert policy.wait_before_retry(Throttled("429", retry_after=86_400), 1) == RETRY_AFTER_CAP_SECONDS


def test_without_retry_after_the_wait_doubles_within_a_jittered_band_up_to_the_maximum() -> None:
    low, high = _policy(0.0), _policy(0.999999)
    for attempt, ceiling in ((1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)):
        assert low.wait_before_retry(Transient("503"), attempt) == ceiling / 2
        assert high.wait_before_retry(Throttled("429"), attempt) == pytest.approx(ceiling, rel=1e-5)


def test_attempts_are_bounded() -> None:
    assert _policy(0.5).wait_before_retry(Transient("503"), 5) is None


@pytest.mark.parametrize("error", [Blocked("403"), ConversationGone("404"), TooLarge("413"), Rejected("400")])
def test_errors_that_retrying_cannot_fix_are_not_retried(error: Exception) -> None:
    assert _policy(0.5).wait_before_retry(error, 1) is None  # type: ignore[arg-type]
