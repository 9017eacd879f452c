"""The nodes of a Redis Cluster, as URLs the relay can fall back on.

Classic pub/sub in a Redis Cluster is cluster-wide: a message published on
any node reaches subscribers on every node. So the relay needs one live node,
not the slot map; when the node it used goes away (a failover), it moves to
another node the cluster last listed (`CLUSTER NODES`).
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit


def node_addresses(reply: object) -> list[str]:
    """`host:port` of each node in a `CLUSTER NODES` reply (redis-py's dict, or the text)."""
    if isinstance(reply, dict):
        return [str(address) for address in reply]
    text = reply.decode() if isinstance(reply, bytes) else str(reply)
    addresses = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) > 2 and "fail" not in fields[2]:
            addresses.append(fields[1].split("@", 1)[0])
    return addresses


def node_urls(url: str, addresses: Iterable[str]) -> list[str]:
    """`url` first, then `url` pointed at each other address (scheme, user and db kept)."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    urls = [url]
    for address in addresses:
        netloc = f"{credentials}@{address}" if credentials else address
        candidate = urlunsplit(parts._replace(netloc=netloc))
        if candidate not in urls:
            urls.append(candidate)
    return urls
