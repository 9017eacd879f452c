"""The one exception type the seed package raises for user-caused failures."""

from __future__ import annotations


class SeedError(Exception):
    """Seeding cannot proceed; the message is one line meant for the user."""
