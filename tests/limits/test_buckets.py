"""In-process token buckets."""

from __future__ import annotations

import math

from limits.buckets import LocalBuckets


def test_takes_until_empty_then_refuses_with_a_wait() -> None:
    buckets = LocalBuckets(capacity=100, rate=10)
    assert buckets.take("a", 60, now=0).allowed
    refused = buckets.take("a", 60, now=0)
    assert not refused.allowed
    assert refused.remaining == 40
    assert refused.retry_after == 2.0  # 20 missing points at 10/s


def test_refills_at_the_rate_up_to_capacity() -> None:
    buckets = LocalBuckets(capacity=100, rate=10)
    buckets.take("a", 100, now=0)
    assert buckets.take("a", 50, now=5).allowed
    assert buckets.take("a", 0, now=1_000).remaining == 100


def test_refund_is_a_negative_cost() -> None:
    buckets = LocalBuckets(capacity=100, rate=10)
    buckets.take("a", 80, now=0)
    assert buckets.take("a", -30, now=0).remaining == 50


def test_clients_have_their_own_buckets() -> None:
    buckets = LocalBuckets(capacity=10, rate=1)
    assert buckets.take("a", 10, now=0).allowed
    assert buckets.take("b", 10, now=0).allowed


def test_more_than_capacity_never_fits() -> None:
    refused = LocalBuckets(capacity=10, rate=1).take("a", 11, now=0)
    assert not refused.allowed and math.isinf(refused.retry_after)


def test_key_count_is_bounded() -> None:
    buckets = LocalBuckets(capacity=10, rate=1, max_keys=3)
    for key in "abcd":
        buckets.take(key, 1, now=0)
    assert len(buckets._levels) == 3


def test_a_forced_take_goes_below_zero_and_is_waited_out() -> None:
    # A cost found after the fact (actual beyond requested) is charged even if the
    # bucket lacks it; the next request waits for the debt to refill.
    buckets = LocalBuckets(capacity=100, rate=10)
    assert buckets.take("a", 90, now=0).allowed
    charged = buckets.take("a", 30, now=0, force=True)
    assert charged.allowed and charged.remaining == -20
    refused = buckets.take("a", 10, now=0)
    assert not refused.allowed and refused.retry_after == 3.0  # 30 missing at 10/s
    assert buckets.take("a", 10, now=3).allowed


def test_a_debt_is_at_most_one_bucket() -> None:
    buckets = LocalBuckets(capacity=100, rate=10)
    assert buckets.take("a", 1_000, now=0, force=True).remaining == -100
