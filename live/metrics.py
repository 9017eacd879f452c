"""Prometheus metrics of live queries."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CONNECTIONS = Gauge(
    "fleetgraph_live_connections",
    "Open live connections by transport",
    ["transport"],
    multiprocess_mode="livesum",
)
SUBSCRIPTIONS = Gauge(
    "fleetgraph_live_subscriptions", "Active subscriptions", multiprocess_mode="livesum"
)
GROUPS = Gauge(
    "fleetgraph_live_groups", "Distinct live queries being kept", multiprocess_mode="livesum"
)
RECOMPUTATIONS = Counter("fleetgraph_live_recomputations", "Live query computations")
DELIVERIES = Counter("fleetgraph_live_deliveries", "Payloads handed to subscribers")
UNCHANGED = Counter("fleetgraph_live_unchanged", "Computations whose payload did not change")
DROPPED = Counter("fleetgraph_live_dropped", "Subscribers dropped for falling behind")
REFUSED = Counter("fleetgraph_live_refused", "Subscriptions refused, by code", ["code"])
LATENCY = Histogram(
    "fleetgraph_live_change_to_delivery_seconds",
    "From a change's arrival to its payload being queued for subscribers",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
RELAY = Gauge("fleetgraph_live_relay_up", "Whether the Redis relay is connected (1) or not (0)")
