"""Outside compat/, no module touches the private API compat/ wraps (decision 0022).

A scan of the project's Python files (tests/compat/ excepted) for the private
names, internal modules and private overrides that compat/ holds. A new use
belongs in compat/, with a test naming its assumption.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIBRARIES = "strawberry|graphql|cross_web|uvicorn|starlette|sqlalchemy|asyncpg|redis"
PRIVATE = re.compile(
    r"\._(schema|raw_info|strawberry_schema|request|result_columns|validate_batch_request"
    r"|handle_errors)\b"
    r"|\bwrapped_func\b|\bconvert_arguments\b|[(, ]_check="
    r"|StrawberryGraphQLCoreExecutionContext|httptools_impl|strawberry\.types\.arguments"
    r"|def execute_field\b|coerce_output_value *=|\.serialize *="
    rf"|^\s*(from|import) ({LIBRARIES})[\w.]*\._"
)


def _project_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    return [ROOT / name for name in listed if not name.startswith(("compat/", "tests/compat/"))]


def test_no_private_api_outside_compat() -> None:
    files = _project_files()
    assert len(files) > 100  # the scan sees the project
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if PRIVATE.search(line)
    ]
    assert found == [], "private API of a dependency outside compat/:\n" + "\n".join(found)
