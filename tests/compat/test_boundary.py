"""Outside compat/, no module touches the private API compat/ wraps (decision 0022).

A scan of the project's Python files (compat/ and tests/compat/ excepted) for
the private names, internal modules and private overrides that compat/ holds.
A new use belongs in compat/, with a test naming its assumption.
"""

from __future__ import annotations

import re
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
SKIPPED = {"compat", "node_modules", "var", "build", "__pycache__"}


def _project_files() -> list[Path]:
    """The project's Python files: every folder of the checkout but hidden ones
    (.venv, .git, caches), installed packages and compat/ (works on a checkout and
    on the copy of its files that `make upgrade-check` makes, which has no .git)."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        folders = path.relative_to(ROOT).parts[:-1]
        if not any(part.startswith(".") or part in SKIPPED for part in folders):
            found.append(path)
    return found


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
