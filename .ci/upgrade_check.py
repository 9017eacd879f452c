"""`make upgrade-check`: would the newest versions pyproject.toml allows still pass?

Copies the checkout's tracked files to a temporary directory, resolves
`uv lock --upgrade` there (the newest release of every package within the
declared ranges), installs that into a throwaway venv, runs lint, types and the
test suite in it, and prints the version changes against uv.lock and the
result. The checkout, its .venv and its uv.lock are never touched: to adopt the
versions, run `make lock ARGS=--upgrade` and commit uv.lock.

Exit status: 0 when everything passed on the upgraded versions, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def locked_versions(lock: Path) -> dict[str, str]:
    packages = tomllib.loads(lock.read_text())["package"]
    return {p["name"]: p.get("version", "?") for p in packages if "source" in p}


def version_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name), new.get(name)
        if before != after:
            lines.append(f"  {name}: {before or '(absent)'} -> {after or '(removed)'}")
    return lines


def copy_checkout(destination: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for raw in filter(None, tracked):
        source = ROOT / os.fsdecode(raw)
        if source.is_file():
            target = destination / os.fsdecode(raw)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def run(step: str, command: list[str], cwd: Path, env: dict[str, str]) -> bool:
    print(f"\n==> {step}: {' '.join(command)}", flush=True)
    return subprocess.run(command, cwd=cwd, env=env).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default=shutil.which("uv") or "uv", help="the uv executable")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    uv = str(Path(args.uv).resolve()) if os.sep in args.uv else args.uv  # steps run elsewhere

    work = Path(tempfile.mkdtemp(prefix="fleetgraph-upgrade-"))
    source, venv = work / "src", work / "venv"
    env = {
        **os.environ,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "VIRTUAL_ENV": str(venv),
    }
    try:
        copy_checkout(source)
        if not run("resolve", [uv, "lock", "--upgrade"], source, env):
            print("\nupgrade-check: FAILED (the ranges do not resolve)")
            return 1
        changes = version_changes(
            locked_versions(ROOT / "uv.lock"), locked_versions(source / "uv.lock")
        )
        install = [uv, "sync", "--locked", "--extra", "dev", "--python", sys.executable]
        steps = [
            ("install", install),
            ("ruff check", [str(venv / "bin/ruff"), "check", "."]),
            ("mypy", [str(venv / "bin/mypy")]),
            ("pytest", [str(venv / "bin/pytest"), "-q", "-p", "no:cacheprovider"]),
        ]
        failed = []
        for step, command in steps:
            if not run(step, command, source, env):
                failed.append(step)
                if step == "install":
                    break
        print("\nupgrade-check: versions the ranges allow today, against uv.lock:")
        print("\n".join(changes) if changes else "  none (uv.lock already has the newest)")
        if failed:
            print(f"upgrade-check: FAILED ({', '.join(failed)})")
            return 1
        print("upgrade-check: PASSED (lint, types and the suite on these versions)")
        return 0
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
