"""Deterministic demo data: `fleetgraph seed` and `serve`'s first start.

plan = SeedPlan(drivers=1000, trips_per_driver=50, seed=42)
summary = await seed_database(url, plan, progress=True, replace=False)
"""

from seed.errors import SeedError
from seed.plan import SeedPlan
from seed.run import database_is_empty, seed_database
from seed.summary import SeedSummary

__all__ = ["SeedError", "SeedPlan", "SeedSummary", "database_is_empty", "seed_database"]
