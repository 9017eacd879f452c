"""gql/types reach the data only through resolvers (gql -> resolvers -> loaders):
no type module touches a loader, batched or not (resolvers/batches.py is the way)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TYPES = sorted((Path(__file__).parents[2] / "gql" / "types").glob("*.py"))
LOADER_USE = re.compile(r"\.loaders\b|batch_load_fn|^from loaders\.\w+ import \w*Loader", re.M)


@pytest.mark.parametrize("path", TYPES, ids=lambda p: p.name)
def test_type_modules_do_not_call_loaders(path: Path) -> None:
    assert not LOADER_USE.findall(path.read_text())
