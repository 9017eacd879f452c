"""The served schema: a superset of the public contract, and pinned by a snapshot.

`UPDATE_SNAPSHOTS=1 pytest tests/gql/test_contract.py` rewrites the snapshot
after an intended schema change; review its diff like code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from compat.strawberry import graphql_schema
from gql.schema import build_schema, print_schema_sdl
from tests.contract import contract_gaps, contract_schema

SNAPSHOT = Path(__file__).parent / "schema.snapshot.graphql"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def update_requested() -> bool:
    return os.environ.get("UPDATE_SNAPSHOTS", "") not in ("", "0", "false", "no")


def test_served_schema_covers_the_contract() -> None:
    assert contract_gaps(graphql_schema(build_schema()), contract_schema()) == []


def test_printed_schema_matches_the_snapshot() -> None:
    printed = print_schema_sdl() + "\n"
    if update_requested():
        SNAPSHOT.write_text(printed)
    assert SNAPSHOT.exists(), "no snapshot yet: run with UPDATE_SNAPSHOTS=1"
    assert printed == SNAPSHOT.read_text(), (
        "the served schema changed; if intended, rerun with UPDATE_SNAPSHOTS=1 and review the diff"
    )


def test_cli_prints_the_same_schema(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "ENVIRONMENT")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "schema"],
        cwd=tmp_path,  # no .env of the checkout
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == print_schema_sdl() + "\n"
