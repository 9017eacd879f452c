"""Run alembic programmatically (the `migrate` command, `serve`, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


class MigrationError(Exception):
    """A migration could not run; the message is one line for the user."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    config.attributes["url"] = url
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None, "the migrations folder has no revision"
    return head


def upgrade(url: str, revision: str = "head") -> None:
    _run(command.upgrade, url, revision)


def downgrade(url: str, revision: str = "base") -> None:
    _run(command.downgrade, url, revision)


def _run(step: object, url: str, revision: str) -> None:
    try:
        step(alembic_config(url), revision)  # type: ignore[operator]
    except CommandError as exc:
        # e.g. "Can't locate revision identified by 'ffff'" when the database
        # was migrated by a newer (or foreign) release.
        raise MigrationError(f"migration failed: {exc}") from exc
