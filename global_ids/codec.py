"""Relay global ids: base64 of "Type:pk", opaque to clients, stable across restarts."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import lru_cache

from errors import InvalidId
from errors.domain import echo

NODE_TYPES = frozenset({"Driver", "Vehicle", "Trip", "SafetyEvent", "Season"})


def encode_id(type_name: str, pk: int) -> str:
    return binascii.b2a_base64(f"{type_name}:{pk}".encode(), newline=False).decode("ascii")


# Ids remembered per type: a dict of this many, emptied when full (no LRU bookkeeping:
# functools.lru_cache's misses cost 2.5 times an encoding, and random reads miss).
MAX_REMEMBERED_IDS = 65_536


def id_encoder(type_name: str) -> Callable[[int], str]:
    """`encode_id` for one type's pks, as fast as it gets: the text formatted straight
    to bytes, and ids already encoded remembered (a response repeats ids, and clients
    repeat queries: Q2's 1,220 ids a request are the same every time)."""
    template = f"{type_name}:%d".encode()
    remembered: dict[int, str] = {}
    b2a = binascii.b2a_base64

    def encode(pk: int) -> str:
        found = remembered.get(pk)
        if found is None:
            if len(remembered) >= MAX_REMEMBERED_IDS:
                remembered.clear()
            found = remembered[pk] = b2a(template % pk, newline=False).decode("ascii")
        return found

    return encode


# The longest id a valid one can be ("SafetyEvent:2147483647" in base64 is 32).
MAX_GLOBAL_ID_LENGTH = 64


# Clients send the same ids again and again (a driver page, then its details): a hit
# is a dict lookup (0.05 us) where decoding and checking cost 0.66 us. Ids come from
# clients: refusals raise, so they are never cached, and a valid id is at most
# MAX_GLOBAL_ID_LENGTH characters, so the cache holds at most 4096 short strings
# (functools' C cache, not bounded/lru.py: this is per id, on the hottest path).
@lru_cache(maxsize=4096)
def decode_id(global_id: str) -> tuple[str, int]:
    """(type name, pk); InvalidId when malformed or of an unknown type."""
    if len(global_id) > MAX_GLOBAL_ID_LENGTH:
        raise InvalidId(f"malformed id {echo(global_id)!r}")
    try:
        text = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
        type_name, _, raw_pk = text.partition(":")
        pk = int(raw_pk)
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidId(f"malformed id {echo(global_id)!r}") from None
    if type_name not in NODE_TYPES or pk < 1 or pk > 2**31 - 1 or raw_pk != str(pk):
        raise InvalidId(f"unknown id {echo(global_id)!r}")
    return type_name, pk


def decode_id_of(global_id: str, expected: str) -> int:
    """The pk of an id that must name `expected`; InvalidId otherwise."""
    type_name, pk = decode_id(global_id)
    if type_name != expected:
        raise InvalidId(f"id {echo(global_id)!r} is a {type_name}, expected a {expected}")
    return pk


def id_tag(global_id: str) -> str | None:
    """`Type:pk` for a valid global id (a response cache tag); None for anything else."""
    try:
        type_name, pk = decode_id(global_id)
    except InvalidId:
        return None
    return f"{type_name}:{pk}"
