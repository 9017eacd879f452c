"""Closed vocabularies stored as short strings (portable across backends)."""

from __future__ import annotations

from enum import StrEnum


class SafetyEventKind(StrEnum):
    HARSH_BRAKING = "HARSH_BRAKING"
    RAPID_ACCELERATION = "RAPID_ACCELERATION"
    SPEEDING = "SPEEDING"
    SHARP_TURN = "SHARP_TURN"
    PHONE_USE = "PHONE_USE"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @classmethod
    def for_score(cls, score: float) -> RiskLevel:
        """The level a risk score (0..100, higher is riskier) falls in."""
        if score < 25:
            return cls.LOW
        if score < 50:
            return cls.MEDIUM
        if score < 75:
            return cls.HIGH
        return cls.CRITICAL


def sql_in_list(values: type[StrEnum]) -> str:
    """`'A', 'B'` for a CHECK constraint over an enum's values."""
    return ", ".join(f"'{member.value}'" for member in values)
