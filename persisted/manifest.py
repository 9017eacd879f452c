"""Manifests of trusted documents: Apollo's persisted-query manifest or Relay's map."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

APOLLO_FORMAT = "apollo-persisted-query-manifest"


class ManifestError(ValueError):
    """A manifest that is not valid JSON in one of the two accepted formats."""


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def parse_manifest(raw: bytes | str) -> dict[str, str]:
    """`{id: document text}` from an Apollo manifest or a Relay `{id: text}` map.

    Apollo: `{"format": "apollo-persisted-query-manifest", "version": 1,
    "operations": [{"id", "name", "type", "body"}, ...]}`.
    """
    try:
        data: Any = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ManifestError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ManifestError("expected a JSON object")
    if "format" in data or "operations" in data:
        return _parse_apollo(data)
    return _parse_relay(data)


def read_manifest(path: Path) -> dict[str, str]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_manifest(raw)


def _parse_apollo(data: dict[str, Any]) -> dict[str, str]:
    if data.get("format") != APOLLO_FORMAT:
        raise ManifestError(f"unknown manifest format {data.get('format')!r}")
    if data.get("version") != 1:
        raise ManifestError(f"unsupported manifest version {data.get('version')!r}")
    operations = data.get("operations")
    if not isinstance(operations, list):
        raise ManifestError("`operations` must be a list")
    documents: dict[str, str] = {}
    for index, operation in enumerate(operations):
        if not isinstance(operation, dict):
            raise ManifestError(f"operations[{index}] must be an object")
        op_id, body = operation.get("id"), operation.get("body")
        if not isinstance(op_id, str) or not op_id or not isinstance(body, str) or not body:
            raise ManifestError(f"operations[{index}] needs a string `id` and `body`")
        documents[op_id] = body
    return documents


def _parse_relay(data: dict[str, Any]) -> dict[str, str]:
    for key, text in data.items():
        if not key or not isinstance(text, str) or not text:
            raise ManifestError(f"entry {key!r}: expected a non-empty document text")
    return dict(data)
