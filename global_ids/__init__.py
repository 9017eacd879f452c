"""Relay global ids (base64 of "Type:pk"): one codec, a leaf every layer may use."""

from global_ids.codec import (
    MAX_GLOBAL_ID_LENGTH,
    NODE_TYPES,
    decode_id,
    decode_id_of,
    encode_id,
    id_encoder,
    id_tag,
)

__all__ = [
    "MAX_GLOBAL_ID_LENGTH",
    "NODE_TYPES",
    "decode_id",
    "decode_id_of",
    "encode_id",
    "id_encoder",
    "id_tag",
]
