"""How alembic compares and renders our column types (migrations and tests share it)."""

from __future__ import annotations

from models import UTCDateTime


def compare_type(
    context: object,
    inspected: object,
    metadata: object,
    inspected_type: object,
    metadata_type: object,
) -> bool | None:
    """UTCDateTime is a DateTime(timezone=True) in the database; else alembic decides."""
    if isinstance(metadata_type, UTCDateTime):
        return (
            None if type(inspected_type).__name__ in {"DATETIME", "TIMESTAMP", "DateTime"} else True
        )
    return None


def render_item(type_: str, obj: object, autogen_context: object) -> str | bool:
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
