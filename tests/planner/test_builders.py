"""Planned DateTime leaves are left to orjson: it must write them as the reference's
`isoformat()` strings, byte for byte, for every value a read can return."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson
from hypothesis import given
from hypothesis import strategies as st

from planner.builders import compile_builder, serializer_for
from planner.fields import Attribute

# Readers return UTC-aware datetimes (asyncpg, SQLAlchemy on PostgreSQL) or naive ones
# (SQLite); offsets of whole minutes cover any other zone a driver might hand back.
ZONES = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    ),
)


@given(moment=st.datetimes(timezones=ZONES))
def test_orjson_writes_a_datetime_as_its_isoformat(moment: datetime) -> None:
    assert orjson.dumps(moment) == orjson.dumps(moment.isoformat())


def test_a_datetime_leaf_is_built_as_the_datetime_itself() -> None:
    from compat.strawberry import graphql_schema
    from gql.schema import build_schema

    schema = graphql_schema(build_schema())
    serialize = serializer_for(schema.type_map["DateTime"])  # type: ignore[arg-type]
    build = compile_builder([("startedAt", ("leaf", Attribute("started_at"), serialize))])

    class Row:
        started_at = datetime(2026, 3, 4, 5, 6, 7, 120000, tzinfo=UTC)

    built = build(Row())
    assert built == {"startedAt": Row.started_at}
    assert orjson.dumps(built) == b'{"startedAt":"2026-03-04T05:06:07.120000+00:00"}'
