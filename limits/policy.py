"""What a document may contain: the limits checked once per document text."""

from __future__ import annotations

from dataclasses import dataclass

from config import Settings
from selections import DEFAULT_MAX_STEPS


@dataclass(frozen=True, slots=True)
class DocumentPolicy:
    """Hashable, so one parse/validate cache exists per policy (gql.schema)."""

    max_tokens: int = 2_000
    max_depth: int = 12
    max_aliases: int = 30
    max_directives: int = 50
    max_root_fields: int = 10
    max_selection_steps: int = DEFAULT_MAX_STEPS  # the collector's budget (selections/)
    max_errors: int = 20
    introspection: bool = True  # also field suggestions ("Did you mean ...?")

    @classmethod
    def from_settings(cls, settings: Settings) -> DocumentPolicy:
        return cls(
            max_tokens=settings.max_tokens,
            max_depth=settings.max_depth,
            max_aliases=settings.max_aliases,
            max_directives=settings.max_directives,
            max_root_fields=settings.max_root_fields,
            max_selection_steps=settings.max_selection_steps,
            max_errors=settings.max_errors,
            introspection=settings.introspection_enabled,
        )
