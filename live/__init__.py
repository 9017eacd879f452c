"""Live queries: GraphQL subscriptions kept up to date by the writes' change tags.

Writes publish the tags they invalidate (pipeline/execute.py, `ChangeSink`); the
bus (live/bus.py) hands them to each group of identical subscriptions
(live/group.py), which recomputes once per burst and sends what changed to
every subscriber, over graphql-transport-ws (live/ws.py) or graphql-sse
(live/sse.py). With REDIS_URL, changes travel between processes
(live/redis_relay.py).
"""

from live.bus import Change, ChangeBus
from live.feed import Feed
from live.moves import Move, moves, snapshot
from live.service import Live
from live.settings import LiveSettings

__all__ = ["Change", "ChangeBus", "Feed", "Live", "LiveSettings", "Move", "moves", "snapshot"]
