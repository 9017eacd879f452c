"""Runtime configuration, read from the environment."""

from config.settings import PersistedQueriesMode, Settings, get_settings

__all__ = ["PersistedQueriesMode", "Settings", "get_settings"]
