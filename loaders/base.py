"""Base class: a per-request DataLoader holding the data-access handle."""

from __future__ import annotations

from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Row

from loaders.database import Database

K = TypeVar("K")
V = TypeVar("V")

AnyRow = Row[Any]


class Loader(DataLoader[K, V]):
    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
