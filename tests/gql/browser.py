"""A headless Chromium (Debian's `chromium` and `chromium-driver`) driven through
WebDriver, and a served app for it to open, both on the loopback only.

Chromium resolves no host name but 127.0.0.1 (`--host-resolver-rules`) and
sends anything else to a proxy that does not exist; its own background
traffic (updates, sync, safe browsing) is off. The DevTools network log
(`performance` log) lists every request the page made, for the test to check.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")
LOOPBACK = "127.0.0.1"
# Requests to any other host go here and fail: nothing listens on port 9 (discard).
DEAD_PROXY = f"http://{LOOPBACK}:9"


def require_chromium() -> None:
    """Skip, with the reason, where Chromium or its driver is not installed."""
    for binary in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(binary) is None:
            pytest.skip(f"{binary} not found: apt-get install chromium chromium-driver")


def spare_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served_app(database_url: str, log: Path) -> Iterator[str]:
    """`gql.app:create_app` under uvicorn in a process of its own (development
    settings, in-process cache); yields its base URL once /health answers."""
    port = spare_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_", "OTEL_"))}
    env |= {"DATABASE_URL": database_url, "ENVIRONMENT": "development", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "uvicorn", "gql.app:create_app", "--factory",
               "--host", LOOPBACK, "--port", str(port)]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=output)
    base = f"http://{LOOPBACK}:{port}"
    try:
        _wait_until_healthy(base, process, log)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the server did not answer /health: {log.read_text()[-2000:]}")


@contextmanager
def chromium(profile: Path) -> Iterator[Any]:
    """A headless Chromium under WebDriver (selenium), loopback only."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",  # the suite runs as root
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOOPBACK}",
        f"--proxy-server={DEAD_PROXY}",
        f"--proxy-bypass-list={LOOPBACK}",  # only the loopback goes direct
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-default-apps",
        "--disable-sync",
        "--disable-extensions",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page requested so far (DevTools `Network.requestWillBeSent`)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
