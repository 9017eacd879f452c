"""Base class: a per-request DataLoader holding the data-access handle.

Every subclass's `batch_load_fn` is wrapped once, at class creation, with a
span and a batch-size sample (`observability.loaders`).
"""

from __future__ import annotations

from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import Row

from loaders.database import Database
from observability.loaders import traced_batch

K = TypeVar("K")
V = TypeVar("V")

AnyRow = Row[Any]


class Loader(DataLoader[K, V]):
    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        batch_load_fn = cls.__dict__.get("batch_load_fn")
        if batch_load_fn is not None:
            setattr(cls, "batch_load_fn", traced_batch(cls.__name__, batch_load_fn))  # noqa: B010

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
