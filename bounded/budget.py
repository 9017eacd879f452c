"""One memory budget per process for every table keyed by client input, split by table.

Each table is a `BoundedLRU` (lru.py), bounded by entries and by bytes; its
byte bound is its share of this budget, so what a client can make one process
keep is the sum below (`PROCESS_BUDGET`), whatever it sends. The shares were
64 MiB for each of the four large tables: distinct maximal documents, plans,
statements and APQ registrations filled them within minutes of abuse, and a
two-worker server grew by 0.5-1 GB (bench/RESULTS.md, "Abuse mix"). The
shares follow what one table holds for an ordinary application: its few
hundred documents of a few hundred tokens, their plans and statements
(docs/decisions/0026-bounded-client-input.md). Weights are what each table
says an entry keeps (a document: its text plus 400 bytes a token).
"""

from __future__ import annotations

MiB = 1024 * 1024
KiB = 1024

# Parsed and validated documents (prepared/cache.py): ~5 of the largest (2,000 tokens),
# ~200 of 50 tokens.
DOCUMENTS = 4 * MiB
# Operation plans (planner/); a plan weighs its key plus its document's weight.
PLANS = 2 * MiB
# Compiled SQL statements (loaders/database.py), 128 KiB each: 24.
STATEMENTS = 3 * MiB
# APQ registrations in the in-process store (persisted/memory.py; Redis in production).
PERSISTED = 1 * MiB
# Compressed forms of response-cache entries, per coding (cache/compressed.py): JSON
# answers compress ~10:1, so ~150 answers of 100 KB, or ~3,000 of 5 KB, stay hot.
COMPRESSED_ENTRIES = 1536 * KiB
# Small tables.
COERCED_VARIABLES = 512 * KiB  # planner/
PAGE_REQUESTS = 512 * KiB  # pagination/query.py
ROW_SHAPES = 512 * KiB  # each of the four (loaders/)
FAST_PATH_BODIES = 512 * KiB  # gql/fast_path.py
SPAN_DOCUMENTS = 512 * KiB  # observability/document.py
OPERATION_NAMES = 512 * KiB  # observability/operation.py
DEBTORS = 512 * KiB  # limits/rate_limiter.py
LEADERBOARD_ORDERINGS = 256 * KiB  # loaders/leaderboard.py
ACCEPT_HEADERS = 256 * KiB  # gql/http_errors.py
ACCEPT_ENCODINGS = 64 * KiB  # web/codings.py
DURATION_LABELS = 256 * KiB  # observability/middleware.py
ROW_SHAPE_TABLES = 4

PROCESS_BUDGET = (
    DOCUMENTS
    + PLANS
    + STATEMENTS
    + PERSISTED
    + COMPRESSED_ENTRIES
    + COERCED_VARIABLES
    + PAGE_REQUESTS
    + ROW_SHAPE_TABLES * ROW_SHAPES
    + FAST_PATH_BODIES
    + SPAN_DOCUMENTS
    + OPERATION_NAMES
    + DEBTORS
    + LEADERBOARD_ORDERINGS
    + ACCEPT_HEADERS
    + ACCEPT_ENCODINGS
    + DURATION_LABELS
)
