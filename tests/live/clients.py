"""Real subscription clients, run by Node: `graphql-ws` (and Apollo Client's
GraphQLWsLink) and `graphql-sse` (js/client.mjs prints one JSON line per event)."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from tests.services import unavailable

JS = Path(__file__).resolve().parent / "js"
Json = dict[str, Any]
_installed = threading.Lock()


def ensure_node_modules() -> None:
    """`npm ci` once, from the committed lock (the npm cache serves it offline)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        unavailable("node and npm are needed for the live clients")
    with _installed:
        if not (JS / "node_modules" / "graphql-ws").exists():
            subprocess.run(
                ["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"],
                cwd=JS, check=True, capture_output=True, timeout=300,
            )  # fmt: skip


class NodeClient:
    """One client process holding one subscription."""

    def __init__(self, transport: str, url: str, query: str, **options: Any) -> None:
        ensure_node_modules()
        spec = {"transport": transport, "url": url, "query": query, **options}
        self.process = subprocess.Popen(
            ["node", str(JS / "client.mjs"), json.dumps(spec)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.events: queue.Queue[Json] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.events.put(json.loads(line))

    def next_event(self, timeout: float = 10.0, skip: tuple[str, ...] = ("connected",)) -> Json:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                event = self.events.get(timeout=max(left, 0.01))
            except queue.Empty:
                stderr = self._stderr() if self.process.poll() is not None else ""
                raise TimeoutError(f"no event within {timeout} s {stderr}") from None
            if event["event"] not in skip:
                return event

    def next_payload(self, timeout: float = 10.0) -> Json:
        event = self.next_event(timeout)
        assert event["event"] == "next", event
        payload: Json = event["payload"]
        return payload

    def quiet_for(self, seconds: float) -> bool:
        """True when no event but `connected` arrived within `seconds`."""
        try:
            event = self.next_event(seconds)
        except TimeoutError:
            return True
        self.events.put(event)
        return False

    def _stderr(self) -> str:
        assert self.process.stderr is not None
        return self.process.stderr.read().decode(errors="replace")[-2000:]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        self._reader.join(timeout=5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()
