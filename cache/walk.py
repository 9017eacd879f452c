"""The objects a response contains: the `Type:pk` tag of every global id in it."""

from __future__ import annotations

from typing import Any

from global_ids import id_tag


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
