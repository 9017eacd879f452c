"""One declaration per column-backed field (gql/types/row_fields.py): the row mapping
and the planner's plans derive from it, and agree with the models and the schema."""

from __future__ import annotations

from collections import namedtuple
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType

from compat.strawberry import graphql_schema
from gql.planned import FIELD_REGISTRY
from gql.schema import build_schema
from gql.types.driver import Driver
from gql.types.fleet_summary import DailyTripActivity
from gql.types.leaderboard import LeaderboardEntry
from gql.types.risk_score import RiskScore
from gql.types.row_fields import (
    RowMapped,
    column,
    column_plans,
    from_row,
    private_column,
    row_fields,
    row_type,
)
from gql.types.safety_event import SafetyEvent
from gql.types.season import Season
from gql.types.stats import DriverStats
from gql.types.trip import Trip
from gql.types.vehicle import Vehicle
from models import Base
from planner.fields import Attribute

Row = namedtuple("Row", "id name duration_s extra")


@strawberry.type
class Inner:
    text: str


@row_type
@strawberry.type
class Sample(RowMapped):
    pk: strawberry.Private[int] = private_column("id")
    name: str
    duration_seconds: int = column("duration_s", description="Seconds.")
    inner: Inner = from_row(lambda row: Inner(text=row.extra))

    @strawberry.field
    def computed(self) -> int:
        return self.pk * 2


def test_of_reads_each_declared_column() -> None:
    built = Sample.of(Row(id=7, name="n", duration_s=30, extra="x"))
    assert (built.pk, built.name, built.duration_seconds) == (7, "n", 30)
    assert built.inner == Inner(text="x")


def test_plans_name_graphql_fields_and_read_columns() -> None:
    assert column_plans(Sample) == {
        "name": Attribute("name"),
        "durationSeconds": Attribute("duration_s"),
    }


def test_resolver_fields_are_not_row_fields() -> None:
    assert [field.python_name for field in row_fields(Sample)] == [
        "pk",
        "name",
        "duration_seconds",
        "inner",
    ]


def test_an_undecorated_class_has_no_mapping() -> None:
    class Plain(RowMapped):
        pass

    with pytest.raises(NotImplementedError):
        Plain.of(Row(1, "n", 1, "x"))


def test_descriptions_still_reach_the_schema() -> None:
    schema = strawberry.Schema(query=Sample)
    sample = graphql_schema(schema).type_map["Sample"]
    assert isinstance(sample, GraphQLObjectType)
    assert sample.fields["durationSeconds"].description == "Seconds."


# Each served row type, with the table its rows come from (None: an aggregate's rows).
ROW_TYPES: list[tuple[Any, str | None]] = [
    (Driver, "drivers"),
    (Vehicle, "vehicles"),
    (Trip, "trips"),
    (SafetyEvent, "safety_events"),
    (Season, "seasons"),
    (RiskScore, "risk_scores"),
    (DriverStats, None),
    (LeaderboardEntry, None),
    (DailyTripActivity, None),
]


@pytest.mark.parametrize("cls, table", ROW_TYPES, ids=lambda v: getattr(v, "__name__", v))
def test_served_row_types_read_real_columns_of_real_fields(cls: Any, table: str | None) -> None:
    served = graphql_schema(build_schema()).type_map[cls.__name__]
    assert isinstance(served, GraphQLObjectType)
    plans = column_plans(cls)
    assert plans, "a row type declares at least one column-backed field"
    assert set(plans) <= set(served.fields)
    for name, plan in plans.items():
        assert FIELD_REGISTRY[cls.__name__][name] == plan, name
    if table is not None:
        columns = set(Base.metadata.tables[table].c.keys())
        read = {field.column for field in row_fields(cls) if field.column is not None}
        assert read <= columns


def test_a_missing_row_reads_the_declared_stand_in() -> None:
    zeros = DriverStats.of(None)
    assert (zeros.trips, zeros.distance_km, zeros.safety_score, zeros.safety_events) == (
        0,
        0.0,
        None,
        0,
    )
    with pytest.raises(AttributeError):  # no stand-in declared: a row is required
        Sample.of(None)
