from __future__ import annotations

import pytest

from tests.limits.app import seed_sqlite


@pytest.fixture(scope="session")
def small_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return seed_sqlite(tmp_path_factory.mktemp("web"))
