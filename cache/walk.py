"""The objects a response contains: the `Type:pk` tag of every global id in it."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from resolvers.global_id import NODE_TYPES


def id_tag(global_id: str) -> str | None:
    """`Type:pk` for a global id (base64 of 'Type:pk'); None for anything else."""
    try:
        text = base64.b64decode(global_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, _, pk = text.partition(":")
    return text if type_name in NODE_TYPES and pk.isdigit() else None


def object_tags(data: Any) -> set[str]:
    """Tags of every object in `data` that carries its global id as `id`."""
    tags: set[str] = set()
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            found = value.get("id")
            if isinstance(found, str):
                tag = id_tag(found)
                if tag is not None:
                    tags.add(tag)
            stack.extend(v for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend(v for v in value if isinstance(v, dict | list))
    return tags
