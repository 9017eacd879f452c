"""The abuse mix of bench/load_test.py --abuse (issue 17, "Hardening II").

Hostile clients cycle through the review's classes, each request at the
largest size the limits allow, and every answer is checked against the
refusal or bound the server promises (README, "Security and limits"):

1. work faster than the document: fragment chains, each fragment spreading the
   next twice, as many as the token limit allows;
2. scans of client text: syntax errors quoting a string as long as the body
   limit allows, an unterminated string of escaped quotes, an oversized body;
3. cost dodging: `$n: Int = 100` defaults and `100.0` variables on
   drivers -> trips -> safetyEvents, totalCount at the cost limit;
4. memory growth: distinct 95 KB operationNames naming nothing, distinct
   Accept headers of the largest head allowed (and 1 MiB ones, refused),
   distinct variable values and leaderboard regions (just under and far over
   what the server keeps), distinct documents of 2,000 tokens, anonymous APQ
   registrations of junk text and of valid documents;
5. defaults: tokens without `sub`, garbage and `alg: none` tokens,
   X-Forwarded-For spoofing;
6. slow connections: heads sent a byte a second, connections that send
   nothing, bodies declared and never sent (a few at a time, far below
   MAX_CONCURRENT_REQUESTS);
7. write retries: recordTrip repeated with one externalId (an admin token:
   the only class that is not anonymous).

Every abusive client connects from loopback addresses of its own (one per
class, 127.0.<class>.<client>): an anonymous client's rate-limit bucket is its
address, so each class is throttled on its own and still reaches the server,
as distinct attackers would. Loopback only; every request has a timeout, and
every loop stops at the deadline or after a bounded number of requests.

It runs in a process of its own (run_abuse), so the benign clients' latencies
are not measured through the abusers' event loop.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import random
import secrets
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
from payloads import RECORD_TRIP, token, trip_input
from run import CLIENT_KEEPALIVE_S

Label = tuple[int, str]  # (HTTP status, 0 if none; "data" or the error codes, "+"-joined)
CLOSED: Label = (0, "closed")
THROTTLED: Label = (429, "THROTTLED")
DATA: Label = (200, "data")
REQUEST_TIMEOUT_S = 30.0  # the server's deadline is 10 s: an answer is always expected sooner
LATE_GRACE_S = 3.0  # a slow connection may be held this long past the server's timeout
WRITE_REPEATS = 3  # recordTrip sent again this many times with one externalId
XFF_BURST = 4  # requests at the cost limit (10,000) in a row: twice the bucket


@dataclass(frozen=True)
class Limits:
    """The server's limits the mix sizes its requests by (its environment or the defaults)."""

    max_body_bytes: int = 100_000
    max_tokens: int = 2_000
    max_header_bytes: int = 16_384
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0

    @classmethod
    def from_env(cls, env: dict[str, str]) -> Limits:
        base = cls()
        return cls(
            int(env.get("MAX_BODY_BYTES", base.max_body_bytes)),
            int(env.get("MAX_TOKENS", base.max_tokens)),
            int(env.get("MAX_HEADER_BYTES", base.max_header_bytes)),
            float(env.get("HEADER_READ_TIMEOUT_SECONDS", base.header_timeout_s)),
            float(env.get("BODY_READ_TIMEOUT_SECONDS", base.body_timeout_s)),
        )

    @property
    def text_room(self) -> int:
        """Client text one body may carry: the body limit less room for the JSON around it."""
        return self.max_body_bytes - 1_000


@dataclass(frozen=True)
class AbuseConfig:
    base_url: str
    secret: str
    limits: Limits
    start: float  # time.monotonic() (system-wide on Linux) at which the abuse starts
    duration: float
    clients: int
    slow_connections: int
    write_drivers: tuple[int, ...]
    writes: bool
    only: tuple[str, ...] = ()  # variants or classes to run (default: all)

    @property
    def deadline(self) -> float:
        return self.start + self.duration

    @property
    def max_requests(self) -> int:
        """Per client: a bound far above what the deadline allows, so no loop runs away."""
        return int(self.duration * 1_000) + 100


@dataclass
class AbuseTally:
    outcomes: Counter[tuple[str, str, int, str]] = field(default_factory=Counter)
    unexpected: Counter[tuple[str, str]] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    latencies: dict[tuple[str, str], list[float]] = field(default_factory=lambda: defaultdict(list))
    created: list[str] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    seconds: float = 0.0
    xff_throttled: int = 0

    def record(
        self, variant: Variant, label: Label, seconds: float, allowed: frozenset[Label]
    ) -> None:
        key = (variant.cls, variant.name)
        self.outcomes[(*key, *label)] += 1
        self.latencies[key].append(seconds)
        if label not in allowed:
            self.problem(variant, f"got {label}, expected one of {sorted(allowed)}")

    def problem(self, variant: Variant, text: str) -> None:
        self.unexpected[(variant.cls, variant.name)] += 1
        if len(self.examples) < 20:
            self.examples.append(f"{variant.cls}/{variant.name}: {text}")

    def requests(self, cls: str) -> int:
        return sum(n for key, n in self.outcomes.items() if key[0] == cls)

    def server_errors(self, cls: str) -> int:
        return sum(n for key, n in self.outcomes.items() if key[0] == cls and key[2] >= 500)


# ---------------------------------------------------------------- documents


def hex_text(chars: int) -> str:
    """Random text of `chars` characters: distinct per call, cheap to make (os.urandom)."""
    return secrets.token_hex(chars // 2 + 1)[:chars]


def fragment_chain(fragments: int, on_driver: bool) -> str:
    """Each fragment spreads the next twice, no alias: work doubling per fragment for a
    collector without a memo. The operation's name makes each document new to the server."""
    kind = "Driver" if on_driver else "Query"
    root = "drivers(first: 1) { nodes { ...F0 } }" if on_driver else "...F0"
    leaf = "id name" if on_driver else "activeSeason { name }"
    parts = [f"query A{hex_text(16)} {{ {root} }}"]
    parts += [f"fragment F{i} on {kind} {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)]
    parts.append(f"fragment F{fragments} on {kind} {{ {leaf} }}")
    return "\n".join(parts)


def chain_within(limits: Limits) -> int:
    """The most fragments whose chain stays within the token limit: 10 tokens a fragment,
    the operation and the last fragment about 25."""
    return (limits.max_tokens - 25) // 10


# The selection collector refuses fragments nested more than 100 levels within a place
# (selections/collector.py, MAX_NESTING): a chain this long is the longest it answers.
ANSWERED_CHAIN = 97


COSTLY = (
    "query C{name}({var}) {{ drivers(first: $n) {{ nodes {{ trips(first: $n) {{ nodes {{ "
    "safetyEvents(first: $n) {{ nodes {{ kind }} }} }} }} }} }} }}"
)


def total_counts(roots: int) -> str:
    """`roots` trip counts (1,000 points each): at 10, the root-field and cost limits."""
    fields = " ".join(
        f"t{i}: trips(filter: {{minDistanceKm: {random.random():.6f}}}) {{ totalCount }}"
        for i in range(roots)
    )
    return f"query T {{ {fields} }}"


def typename_document(limits: Limits) -> str:
    """`__typename` as often as the token limit allows, new every time."""
    return f"# {hex_text(16)}\n{{ " + "__typename " * (limits.max_tokens - 10) + "}"


def ids_document(limits: Limits) -> str:
    """A new valid document at the token limit (one id listed as often as it allows, cost
    1 an id), padded by a comment to the body limit: the largest document kept."""
    ids = ", ".join(['"RHJpdmVyOjE="'] * (limits.max_tokens - 20))
    return padded(f"{{ nodes(ids: [{ids}]) {{ id }} }}", limits)


def padded(document: str, limits: Limits) -> str:
    """`document` behind a comment that fills the body (as JSON): new text every time."""
    return f"# {hex_text(limits.text_room - len(json.dumps(document)) - 10)}\n{document}"


def apq(text: str | None, digest: str) -> dict[str, Any]:
    body: dict[str, Any] = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if text is not None:
        body["query"] = text
    return body


def unsigned_token(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def accept_header(size: int) -> str:
    """An Accept header of `size` characters that still negotiates JSON: new every time."""
    parts = ["application/json"]
    length = len(parts[0])
    while length < size:
        part = f"x-{hex_text(12)}/y;q=0.{random.randint(1, 9)}"
        parts.append(part)
        length += len(part) + 2
    return ", ".join(parts)[:size]


# ---------------------------------------------------------------- clients


@dataclass(frozen=True)
class Variant:
    cls: str
    name: str
    run: Callable[[Abuser, Variant], Awaitable[None]]


def outcome(payload: Any) -> str:
    if not isinstance(payload, dict):
        return "not-json"
    codes = sorted(
        {str((e.get("extensions") or {}).get("code", "?")) for e in payload.get("errors") or []}
    )
    if codes:
        return "+".join(codes)
    return "data" if payload.get("data") is not None else "empty"


@dataclass
class Abuser:
    """One abusive client: an HTTP client per class, each from a loopback address of its own."""

    index: int
    config: AbuseConfig
    tally: AbuseTally
    rng: random.Random
    http: dict[str, httpx.AsyncClient]

    @property
    def limits(self) -> Limits:
        return self.config.limits

    async def post(
        self,
        variant: Variant,
        body: dict[str, Any] | bytes,
        allowed: frozenset[Label],
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any] | None:
        # A client in debt (its requests' cost, or the CPU its new documents took) is
        # refused before its request is read: an expected answer to any abuse.
        allowed = allowed | {THROTTLED}
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"content-type": "application/json", **(headers or {})}
        started = time.perf_counter()
        try:
            response = await self.http[variant.cls].post("/graphql", content=content, headers=sent)
        except httpx.TransportError as exc:
            self.tally.record(variant, CLOSED, time.perf_counter() - started, allowed)
            if CLOSED not in allowed:
                self.tally.examples.append(f"{variant.cls}/{variant.name}: {exc!r}")
            return None
        seconds = time.perf_counter() - started
        try:
            payload = response.json()
        except ValueError:
            payload = None
        self.tally.record(variant, (response.status_code, outcome(payload)), seconds, allowed)
        return payload if isinstance(payload, dict) else None


def allow(*labels: Label) -> frozenset[Label]:
    return frozenset(labels)


# Class 1: work faster than the document.
async def longest_chain(client: Abuser, variant: Variant) -> None:
    """As many fragments as the token limit allows: refused, by the collector's nesting cap
    or graphql-core's own (validation aborted), before any walk."""
    document = fragment_chain(chain_within(client.limits), on_driver=False)
    ok = allow((200, "SELECTION_TOO_COMPLEX"), (200, "GRAPHQL_VALIDATION_FAILED"))
    await client.post(variant, {"query": document}, ok)


async def answered_chain(client: Abuser, variant: Variant) -> None:
    """The longest chain the server answers, below drivers { nodes }: collected once."""
    document = fragment_chain(ANSWERED_CHAIN, on_driver=True)
    await client.post(variant, {"query": document}, allow(DATA, THROTTLED))


async def same_field_everywhere(client: Abuser, variant: Variant) -> None:
    """One field named as often as the token limit allows: graphql-core's overlap check
    compares each pair, within its own budget (then validation aborts)."""
    body = {"query": typename_document(client.limits)}
    ok = allow(DATA, (200, "GRAPHQL_VALIDATION_FAILED"), THROTTLED)
    await client.post(variant, body, ok)


async def chain_over_tokens(client: Abuser, variant: Variant) -> None:
    document = fragment_chain(client.limits.max_tokens // 10 + 10, on_driver=False)
    await client.post(variant, {"query": document}, allow((200, "TOO_MANY_TOKENS")))


# Class 2: scans of client text.
async def long_string_syntax_error(client: Abuser, variant: Variant) -> None:
    text = '{ activeSeason { name } } "' + " " * client.limits.text_room + hex_text(8) + '"'
    await client.post(variant, {"query": text}, allow((200, "GRAPHQL_PARSE_FAILED")))


async def escaped_quotes(client: Abuser, variant: Variant) -> None:
    # Each \" is 4 bytes of JSON: an unterminated string of them fills the body.
    text = f'{{ a{hex_text(8)}(x: "' + '\\"' * (client.limits.text_room // 4)
    await client.post(variant, {"query": text}, allow((200, "GRAPHQL_PARSE_FAILED")))


async def oversized_body(client: Abuser, variant: Variant) -> None:
    text = "{ activeSeason { name } } #" + "x" * client.limits.max_body_bytes
    await client.post(variant, {"query": text}, allow((413, "PAYLOAD_TOO_LARGE")))


# Class 3: cost dodging.
async def default_page_size(client: Abuser, variant: Variant) -> None:
    document = COSTLY.format(name=hex_text(8), var="$n: Int = 100")
    await client.post(variant, {"query": document}, allow((200, "QUERY_TOO_COSTLY")))


async def float_page_size(client: Abuser, variant: Variant) -> None:
    document = COSTLY.format(name=hex_text(8), var="$n: Int")
    body = {"query": document, "variables": {"n": 100.0}}
    await client.post(variant, body, allow((200, "QUERY_TOO_COSTLY")))


async def total_count_heavy(client: Abuser, variant: Variant) -> None:
    await client.post(variant, {"query": total_counts(10)}, allow(DATA, THROTTLED))


# Class 4: memory growth.
async def unknown_operation_name(client: Abuser, variant: Variant) -> None:
    name = "N" + hex_text(95_000)
    body = {"query": "query Q { activeSeason { name } }", "operationName": name}
    await client.post(variant, body, allow((200, "BAD_REQUEST")))


async def largest_accept(client: Abuser, variant: Variant) -> None:
    # The head also holds the request line and httpx's own headers (~250 bytes).
    accept = accept_header(client.limits.max_header_bytes - 600)
    body = {"query": "query A { activeSeason { name } }"}
    await client.post(variant, body, allow(DATA, THROTTLED), {"accept": accept})


async def mebibyte_accept(client: Abuser, variant: Variant) -> None:
    accept = accept_header(1 << 20)
    body = {"query": "query A { activeSeason { name } }"}
    # The server answers 431 and closes; the client may still be writing and see the reset.
    ok = allow((431, "HEADERS_TOO_LARGE"), CLOSED)
    await client.post(variant, body, ok, {"accept": accept})


NAME_FILTER = (
    "query V($s: String) { drivers(first: 1, filter: {nameContains: $s}) { nodes { id } } }"
)
REGION = "query R($r: String) { leaderboard(region: $r, first: 1) { nodes { rank value } } }"


async def kept_variables(client: Abuser, variant: Variant) -> None:
    # Just under 4 KiB: the largest variables the planner remembers.
    body = {"query": NAME_FILTER, "variables": {"s": hex_text(4_000)}}
    await client.post(variant, body, allow(DATA, THROTTLED))


async def huge_variables(client: Abuser, variant: Variant) -> None:
    body = {"query": NAME_FILTER, "variables": {"s": hex_text(client.limits.text_room)}}
    await client.post(variant, body, allow(DATA, THROTTLED))


async def kept_region(client: Abuser, variant: Variant) -> None:
    # 64 characters: the longest region whose leaderboard ordering is remembered.
    body = {"query": REGION, "variables": {"r": hex_text(64)}}
    await client.post(variant, body, allow(DATA, THROTTLED))


async def huge_region(client: Abuser, variant: Variant) -> None:
    body = {"query": REGION, "variables": {"r": hex_text(client.limits.text_room)}}
    await client.post(variant, body, allow(DATA, THROTTLED))


async def new_documents(client: Abuser, variant: Variant) -> None:
    body = {"query": ids_document(client.limits)}
    await client.post(variant, body, allow(DATA, THROTTLED))


async def apq_junk(client: Abuser, variant: Variant) -> None:
    text = "junk " + hex_text(client.limits.text_room)
    digest = hashlib.sha256(text.encode()).hexdigest()
    await client.post(variant, apq(text, digest), allow((200, "GRAPHQL_PARSE_FAILED")))
    # Nothing may have been stored: the hash alone is unknown.
    await client.post(variant, apq(None, digest), allow((200, "PERSISTED_QUERY_NOT_FOUND")))


async def apq_valid(client: Abuser, variant: Variant) -> None:
    text = padded("query P { activeSeason { name } }", client.limits)
    digest = hashlib.sha256(text.encode()).hexdigest()
    await client.post(variant, apq(text, digest), allow(DATA, THROTTLED))
    # Stored per process: another worker's store does not have it.
    ok = allow(DATA, THROTTLED, (200, "PERSISTED_QUERY_NOT_FOUND"))
    await client.post(variant, apq(None, digest), ok)


# Class 5: defaults.
async def token_without_sub(client: Abuser, variant: Variant) -> None:
    now = int(time.time())
    claims = {"role": "admin", "iat": now, "exp": now + 600, "n": hex_text(8)}
    bearer = jwt.encode(claims, client.config.secret, algorithm="HS256")
    await unauthenticated(client, variant, bearer)


async def garbage_token(client: Abuser, variant: Variant) -> None:
    await unauthenticated(client, variant, hex_text(client.rng.randint(8, 2_000)))


async def unsigned(client: Abuser, variant: Variant) -> None:
    now = int(time.time())
    bearer = unsigned_token({"sub": "root", "role": "admin", "exp": now + 600})
    await unauthenticated(client, variant, bearer)


async def unauthenticated(client: Abuser, variant: Variant, bearer: str) -> None:
    body = {"query": "query A { activeSeason { name } }"}
    headers = {"authorization": f"Bearer {bearer}"}
    await client.post(variant, body, allow((401, "UNAUTHENTICATED")), headers)


async def forwarded_for(client: Abuser, variant: Variant) -> None:
    """A burst of requests at the cost limit, each with a new X-Forwarded-For: the bucket
    (20,000 points) holds two, so the burst is throttled unless the header chose a new
    bucket each time."""
    throttled = False
    for _ in range(XFF_BURST):
        spoofed = f"203.0.{client.rng.randint(0, 255)}.{client.rng.randint(1, 254)}"
        headers = {"x-forwarded-for": spoofed}
        query = {"query": total_counts(10)}
        payload = await client.post(variant, query, allow(DATA, THROTTLED), headers)
        throttled = throttled or outcome(payload) == "THROTTLED"
    if throttled:
        client.tally.xff_throttled += 1
    else:
        client.tally.problem(variant, f"a burst of {XFF_BURST} at the cost limit not throttled")


# Class 7: write retries (admin).
async def write_retries(client: Abuser, variant: Variant) -> None:
    driver = client.rng.choice(client.config.write_drivers)
    trip = {**trip_input(client.rng, driver), "externalId": f"abuse-{hex_text(24)}"}
    body = {"query": RECORD_TRIP, "variables": {"input": trip}}
    admin = token(client.config.secret, f"abuse-writer-{client.index}", "admin")
    answered: set[str] = set()
    for _ in range(1 + WRITE_REPEATS):
        payload = await client.post(
            variant, body, allow(DATA), {"authorization": f"Bearer {admin}"}
        )
        recorded = ((payload or {}).get("data") or {}).get("recordTrip") or {}
        if recorded.get("trip"):
            answered.add(recorded["trip"]["id"])
    if answered:
        client.tally.created.append(min(answered))
        client.tally.touched.add(driver)
    if len(answered) > 1:
        client.tally.problem(variant, f"one externalId answered {len(answered)} trips")


def variants(writes: bool, only: tuple[str, ...] = ()) -> list[Variant]:
    """The mix; `only`: the variants (or classes) named, for finding which one hurts."""
    table = [
        ("1-fragments", "chain-at-token-limit", longest_chain),
        ("1-fragments", f"chain-{ANSWERED_CHAIN}-answered", answered_chain),
        ("1-fragments", "chain-over-tokens", chain_over_tokens),
        ("1-fragments", "same-field-x2000", same_field_everywhere),
        ("2-text-scans", "string-syntax-error", long_string_syntax_error),
        ("2-text-scans", "escaped-quotes", escaped_quotes),
        ("2-text-scans", "body-over-limit", oversized_body),
        ("3-cost", "default-100", default_page_size),
        ("3-cost", "float-100", float_page_size),
        ("3-cost", "totalcount-x10", total_count_heavy),
        ("4-memory", "operation-name-95k", unknown_operation_name),
        ("4-memory", "accept-largest", largest_accept),
        ("4-memory", "accept-1mib", mebibyte_accept),
        ("4-memory", "variables-4k", kept_variables),
        ("4-memory", "variables-99k", huge_variables),
        ("4-memory", "region-64", kept_region),
        ("4-memory", "region-99k", huge_region),
        ("4-memory", "document-2000-tokens", new_documents),
        ("4-memory", "apq-junk", apq_junk),
        ("4-memory", "apq-valid-99k", apq_valid),
        ("5-defaults", "token-without-sub", token_without_sub),
        ("5-defaults", "token-garbage", garbage_token),
        ("5-defaults", "token-alg-none", unsigned),
        ("5-defaults", "x-forwarded-for", forwarded_for),
    ]
    if writes:
        table.append(("7-writes", "recordTrip-same-externalId", write_retries))
    picked = [row for row in table if not only or row[0] in only or row[1] in only]
    return [Variant(cls, name, run) for cls, name, run in picked]


CLASSES = ("1-fragments", "2-text-scans", "3-cost", "4-memory", "5-defaults", "7-writes")


def address(cls_index: int, client: int) -> str:
    return f"127.0.{10 + cls_index}.{client + 1}"


async def abuser_loop(client: Abuser, mix: list[Variant]) -> None:
    position = client.index  # clients start at different places in the cycle
    for _ in range(client.config.max_requests if mix else 0):
        if time.monotonic() >= client.config.deadline:
            return
        variant = mix[position % len(mix)]
        position += 1
        try:
            await variant.run(client, variant)
        except Exception as exc:  # a harness bug must not end a ten-minute run unreported
            client.tally.problem(variant, f"harness error {exc!r}")


# ---------------------------------------------------------------- slow connections


def parse_raw(raw: bytes) -> Label:
    """(status, codes) of a raw HTTP/1.1 answer; CLOSED when the server sent nothing."""
    if not raw:
        return CLOSED
    head, _, body = raw.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return (0, "garbled")
    try:
        return status, outcome(json.loads(body))
    except ValueError:
        return status, "not-json"


async def read_answer(reader: asyncio.StreamReader, seconds: float) -> bytes:
    """What the server sends until it closes, waiting at most `seconds`."""
    chunks: list[bytes] = []
    async with asyncio.timeout(seconds):
        while chunk := await reader.read(65_536):
            chunks.append(chunk)
    return b"".join(chunks)


async def slow_head(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, bound: float
) -> bytes:
    """A head sent a byte a second (slowloris): the server's head deadline must end it."""
    writer.write(b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    ends = time.monotonic() + bound
    while time.monotonic() < ends:
        try:
            return await read_answer(reader, 1.0)
        except TimeoutError:
            try:
                writer.write(b"a")
                await writer.drain()
            except ConnectionError:  # closed while we wrote: its answer may be buffered
                return await read_answer(reader, 1.0)
    return b"held"


async def silent(writer: asyncio.StreamWriter, reader: asyncio.StreamReader, bound: float) -> bytes:
    """Connects and sends nothing."""
    return await read_answer(reader, bound)


async def stalled_body(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, bound: float
) -> bytes:
    """Declares a body and sends a few bytes of it, then nothing."""
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 50000\r\n\r\n" + b'{"query": "{ activeSeason { name } }", "x": "'
    )
    await writer.drain()
    return await read_answer(reader, bound)


Hold = Callable[[asyncio.StreamWriter, asyncio.StreamReader, float], Awaitable[bytes]]


@dataclass(frozen=True)
class SlowKind:
    variant: Variant
    hold: Hold
    expected: frozenset[Label]
    timeout: Callable[[Limits], float]


async def _unused(client: Abuser, variant: Variant) -> None:  # slow kinds run as holders
    raise NotImplementedError


SLOW_KINDS = (
    SlowKind(
        Variant("6-slow", "head-byte-per-second", _unused),
        slow_head,
        # The server answers and closes; a byte written meanwhile may reset the connection.
        allow((408, "HEADER_READ_TIMEOUT"), CLOSED),
        lambda limits: limits.header_timeout_s,
    ),
    SlowKind(
        Variant("6-slow", "silent-connection", _unused),
        silent,
        allow(CLOSED),
        lambda limits: limits.header_timeout_s,
    ),
    SlowKind(
        Variant("6-slow", "body-never-sent", _unused),
        stalled_body,
        allow((408, "BODY_READ_TIMEOUT")),
        lambda limits: limits.body_timeout_s,
    ),
)


async def hold_once(config: AbuseConfig, kind: SlowKind, source: str, tally: AbuseTally) -> None:
    host, port = config.base_url.removeprefix("http://").split(":")
    timeout = kind.timeout(config.limits)
    bound = timeout + 1.0 + LATE_GRACE_S  # the body sweep may add up to a second
    started = time.perf_counter()
    try:
        reader, writer = await asyncio.open_connection(host, int(port), local_addr=(source, 0))
    except OSError as exc:
        tally.problem(kind.variant, f"connect failed: {exc!r}")
        return
    try:
        raw = await kind.hold(writer, reader, bound)
        label = (0, "held") if raw == b"held" else parse_raw(raw)
    except TimeoutError:
        label = (0, "held")
    except ConnectionError:
        label = CLOSED
    finally:
        writer.close()
    seconds = time.perf_counter() - started
    tally.record(kind.variant, label, seconds, kind.expected)
    if seconds < timeout - 1.0:
        tally.problem(kind.variant, f"closed after {seconds:.1f} s, before its {timeout:g} s")


async def holder_loop(config: AbuseConfig, index: int, tally: AbuseTally) -> None:
    kind = SLOW_KINDS[index % len(SLOW_KINDS)]
    source = f"127.0.60.{index + 1}"
    longest = kind.timeout(config.limits) + 1.0 + LATE_GRACE_S
    for _ in range(config.max_requests):
        # Start a hold only if it ends before the deadline: the mix stops on time.
        if time.monotonic() + longest >= config.deadline:
            return
        try:
            await hold_once(config, kind, source, tally)
        except Exception as exc:
            tally.problem(kind.variant, f"harness error {exc!r}")
            await asyncio.sleep(1.0)


# ---------------------------------------------------------------- entry point


async def _abuse(config: AbuseConfig) -> AbuseTally:
    tally = AbuseTally()
    mix = variants(config.writes, config.only)
    holders = config.slow_connections if not config.only or "6-slow" in config.only else 0
    clients: list[httpx.AsyncClient] = []
    abusers = []
    for i in range(config.clients):
        http = {}
        for c, cls in enumerate(CLASSES):
            limits = httpx.Limits(keepalive_expiry=CLIENT_KEEPALIVE_S)
            transport = httpx.AsyncHTTPTransport(local_address=address(c, i), limits=limits)
            http[cls] = httpx.AsyncClient(
                base_url=config.base_url, transport=transport, timeout=REQUEST_TIMEOUT_S
            )
            clients.append(http[cls])
        abusers.append(Abuser(i, config, tally, random.Random(1_000 + i), http))
    await asyncio.sleep(max(0.0, config.start - time.monotonic()))
    started = time.monotonic()
    try:
        await asyncio.gather(
            *(abuser_loop(a, mix) for a in abusers),
            *(holder_loop(config, j, tally) for j in range(holders)),
        )
    finally:
        tally.seconds = time.monotonic() - started
        for client in clients:
            await client.aclose()
    return tally


def run_abuse(config: AbuseConfig) -> AbuseTally:
    """The abuse mix, in the calling process (a process of its own: see the module doc)."""
    if not config.base_url.startswith("http://127.0.0.1:"):
        raise ValueError("the abuse mix runs against loopback only")
    return asyncio.run(_abuse(config))


def median_ms(values: list[float]) -> float:
    return statistics.median(values) * 1000 if values else 0.0
