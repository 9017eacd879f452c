"""A Redis Cluster of the test's own: three masters and a replica each, on spare ports.

Made with `redis-server --cluster-enabled yes` per node and `redis-cli --cluster
create ... --cluster-replicas 1`; a short node timeout (1 s) so a killed master's
replica takes over within seconds.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.faults.servers import _wait_for_port
from tests.services import unavailable

NODE_TIMEOUT_MS = 1000


def _cluster_port() -> int:
    """A spare port whose cluster bus port (+10000) is spare too."""
    while True:
        with socket.socket() as sock, socket.socket() as bus:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
            if port + 10000 > 65535:
                continue
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
            return port


class RedisClusterNodes:
    def __init__(self, directory: Path, masters: int = 3, replicas: int = 1) -> None:
        server, cli = shutil.which("redis-server"), shutil.which("redis-cli")
        if server is None or cli is None:
            unavailable("redis-server or redis-cli not found")
        self.server, self.cli = str(server), str(cli)
        self.directory = directory
        self.replicas = replicas
        self.ports = [_cluster_port() for _ in range(masters * (1 + replicas))]
        self.processes: dict[int, subprocess.Popen[bytes]] = {}

    @property
    def url(self) -> str:
        """Any node names the cluster: the first."""
        return f"redis://127.0.0.1:{self.ports[0]}/0"

    def start_node(self, port: int) -> None:
        node_dir = self.directory / str(port)
        node_dir.mkdir(exist_ok=True)
        self.processes[port] = subprocess.Popen(
            [self.server, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(node_dir), "--cluster-enabled", "yes",
             "--cluster-config-file", "nodes.conf",
             "--cluster-node-timeout", str(NODE_TIMEOUT_MS)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _wait_for_port(port, up=True)

    def start(self) -> None:
        for port in self.ports:
            self.start_node(port)
        nodes = [f"127.0.0.1:{port}" for port in self.ports]
        subprocess.run(
            [self.cli, "--cluster", "create", *nodes, "--cluster-replicas", str(self.replicas),
             "--cluster-yes"],
            capture_output=True, check=True, timeout=60,
        )  # fmt: skip
        self.wait_ok()

    def cli_call(self, port: int, *args: str) -> str:
        done = subprocess.run(
            [self.cli, "-p", str(port), *args], capture_output=True, text=True, timeout=10
        )
        return done.stdout

    def wait_ok(self, timeout: float = 30.0) -> None:
        """Until every live node says cluster_state:ok and knows all slots served."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            infos = [self.cli_call(port, "cluster", "info") for port in self.processes]
            if all("cluster_state:ok" in info for info in infos):
                return
            time.sleep(0.2)
        raise TimeoutError("the Redis Cluster did not reach cluster_state:ok")

    def masters(self) -> list[int]:
        """The ports of the nodes that are masters now."""
        return [
            p for p in self.processes if "role:master" in self.cli_call(p, "info", "replication")
        ]

    def kill(self, port: int) -> None:
        process = self.processes.pop(port)
        process.kill()
        process.wait(timeout=10)
        _wait_for_port(port, up=False)

    def stop(self) -> None:
        for port in list(self.processes):
            self.kill(port)
