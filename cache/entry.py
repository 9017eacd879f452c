"""A cached response: the encoded `data` body as sent, without extensions.

A hit sends the stored bytes with `extensions.cache` spliced in before the
closing brace, so it never decodes or re-encodes the data, and its `data`
is the miss's byte for byte. Other extensions (query cost, tracing) describe
one request, not the data, so they are not stored. Redis holds an entry as
one value: a small JSON header line, then the body.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

import orjson

from cache.hints import Scope


@dataclass(frozen=True, slots=True)
class Entry:
    body: bytes  # `{"data":...}` as orjson encodes it
    etag: str  # weak: the representation is the data, whatever the extensions say
    scope: Scope
    expires_at: float  # wall clock: entries cross processes
    _last_hit: list[tuple[int, bytes]] = field(default_factory=list, compare=False, repr=False)

    @classmethod
    def of(cls, data: Any, scope: Scope, max_age: int) -> Entry:
        body = orjson.dumps({"data": data})
        etag = 'W/"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        return cls(body, etag, scope, time.time() + max_age)

    def held_bytes(self) -> int:
        """What holding this entry costs: its body, and the last hit body kept beside it."""
        return 2 * len(self.body)

    def max_age(self, now: float) -> int:
        return max(0, math.ceil(self.expires_at - now))

    def render(self, meta: dict[str, Any]) -> bytes:
        """The body with `extensions: {cache: meta}`."""
        return self.head() + _tail(meta)

    def head(self) -> bytes:
        """The body up to its closing brace: what every hit starts with."""
        return self.body[:-1]

    def hit_tail(self, max_age: int) -> bytes:
        """What a hit with `max_age` seconds left ends with, after `head()`."""
        return _tail(self._hit_meta(max_age))

    def _hit_meta(self, max_age: int) -> dict[str, Any]:
        return {"status": "hit", "scope": self.scope.value, "maxAge": max_age}

    def hit(self, max_age: int) -> bytes:
        """The body of a hit with `max_age` seconds left. The last one is kept: its
        meta changes once a second, and a large body is not copied for every hit."""
        for age, body in self._last_hit:
            if age == max_age:
                return body
        body = self.render(self._hit_meta(max_age))
        self._last_hit[:] = [(max_age, body)]
        return body

    def encode(self) -> bytes:
        header = {"etag": self.etag, "scope": self.scope.value, "exp": self.expires_at}
        return orjson.dumps(header) + b"\n" + self.body

    @classmethod
    def decode(cls, raw: bytes) -> Entry:
        line, _, body = raw.partition(b"\n")
        header = orjson.loads(line)
        return cls(body, header["etag"], Scope(header["scope"]), header["exp"])


def _tail(meta: dict[str, Any]) -> bytes:
    return b',"extensions":{"cache":' + orjson.dumps(meta) + b"}}"
