"""Every table keyed by client input takes its byte bound from the one process budget."""

from __future__ import annotations

from bounded import budget
from config import Settings
from gql import http_errors
from loaders import leaderboard
from loaders.database import MAX_STATEMENT_BYTES, row_shapes
from observability import document, operation
from pagination import query
from persisted import InProcessStore
from planner.planner import DEFAULT_MAX_PLAN_BYTES, MAX_COERCED_BYTES
from prepared import DEFAULT_MAX_BYTES
from web import codings

MiB = 1024 * 1024


def test_what_one_process_may_keep_for_clients_is_bounded_in_all() -> None:
    # What a two-worker server may grow by under distinct maximal inputs, before the
    # allocator's own overhead: 2 x this (bench/RESULTS.md, abuse mix).
    assert 18 * MiB >= budget.PROCESS_BUDGET


def test_each_table_is_bounded_by_its_share() -> None:
    assert DEFAULT_MAX_BYTES == budget.DOCUMENTS
    assert DEFAULT_MAX_PLAN_BYTES == budget.PLANS
    assert MAX_COERCED_BYTES == budget.COERCED_VARIABLES
    assert MAX_STATEMENT_BYTES == budget.STATEMENTS
    assert row_shapes().max_bytes == budget.ROW_SHAPES
    assert InProcessStore().max_bytes == budget.PERSISTED
    assert Settings().persisted_queries_max_bytes == budget.PERSISTED
    assert query._requests.max_bytes == budget.PAGE_REQUESTS
    assert leaderboard._orderings.max_bytes == budget.LEADERBOARD_ORDERINGS
    assert http_errors._negotiated.max_bytes == budget.ACCEPT_HEADERS
    assert document._masked.max_bytes == budget.SPAN_DOCUMENTS
    assert operation._identified.max_bytes == budget.OPERATION_NAMES
    assert Settings().compression_cache_bytes == budget.COMPRESSED_ENTRIES
    assert codings._chosen.max_bytes == budget.ACCEPT_ENCODINGS
