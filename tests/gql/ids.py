"""Relay global ids as clients see them, built here without the app's helpers."""

from __future__ import annotations

import base64


def global_id(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode("ascii")


def pk_of(global_id_: str, type_name: str) -> int:
    decoded_type, _, pk = base64.b64decode(global_id_).decode().partition(":")
    assert decoded_type == type_name, (decoded_type, type_name)
    return int(pk)
