"""`fleetSummary`: fleet-wide driver figures, per-season trip figures, daily activity."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.gql.client import GraphQLClient, Json
from tests.gql.dataset import Dataset
from tests.gql.ids import global_id

SUMMARY = """
query($season: ID) {
  fleetSummary(seasonId: $season) {
    drivers trips distanceKm averageRiskScore
    riskDistribution { level drivers }
    safetyEventBreakdown { kind count }
  }
}
"""
ACTIVITY = (
    "query($days: Int!) { fleetSummary { tripActivity(days: $days) { day trips distanceKm } } }"
)


def expected_summary(dataset: Dataset, season_id: int | None) -> Json:
    trips, distance, kinds = (0, 0.0, {}) if season_id is None else dataset.season_totals(season_id)
    return {
        "drivers": len(dataset.drivers),
        "trips": trips,
        "distanceKm": pytest.approx(distance),
        "averageRiskScore": pytest.approx(dataset.average_risk_score()),
        "riskDistribution": [
            {"level": level, "drivers": n} for level, n in dataset.risk_distribution()
        ],
        "safetyEventBreakdown": [
            {"kind": kind, "count": kinds.get(kind, 0)}
            for kind in [
                "HARSH_BRAKING",
                "RAPID_ACCELERATION",
                "SPEEDING",
                "SHARP_TURN",
                "PHONE_USE",
            ]
        ],
    }


async def test_fleet_summary_of_every_season(gql: GraphQLClient, dataset: Dataset) -> None:
    for season in dataset.seasons:
        data = await gql.data(SUMMARY, {"season": global_id("Season", season["id"])})
        assert data["fleetSummary"] == expected_summary(dataset, season["id"])
        assert data["fleetSummary"]["trips"] > 0


async def test_fleet_summary_defaults_to_the_active_season(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    active = dataset.active_season(datetime.now(UTC))
    data = await gql.data(SUMMARY)
    season_id = None if active is None else int(active["id"])
    assert data["fleetSummary"] == expected_summary(dataset, season_id)


async def test_fleet_summary_of_a_season_without_trips(
    gql: GraphQLClient, dataset: Dataset
) -> None:
    data = await gql.data(SUMMARY, {"season": global_id("Season", 999)})
    assert data["fleetSummary"] == expected_summary(dataset, None)


async def test_fleet_summary_season_id_must_be_a_season(gql: GraphQLClient) -> None:
    codes = await gql.error_codes(SUMMARY, {"season": global_id("Trip", 1)})
    assert codes == ["INVALID_ID"]


async def activity_and_today(gql: GraphQLClient, days: int) -> tuple[list[Json], date]:
    """The activity and the UTC date the server counted to (robust across midnight)."""
    before = datetime.now(UTC).date()
    data = await gql.data(ACTIVITY, {"days": days})
    after = datetime.now(UTC).date()
    activity: list[Json] = data["fleetSummary"]["tripActivity"]
    today = after if activity and activity[-1]["day"] == after.isoformat() else before
    return activity, today


@pytest.mark.parametrize("days", [1, 7, 30, 366])
async def test_trip_activity_is_zero_filled_per_utc_day(
    gql: GraphQLClient, dataset: Dataset, days: int
) -> None:
    activity, today = await activity_and_today(gql, days)
    expected = dataset.trip_activity(today, days)
    assert len(activity) == days
    assert [(a["day"], a["trips"]) for a in activity] == [(d, n) for d, n, _ in expected]
    assert [a["distanceKm"] for a in activity] == [pytest.approx(km) for _, _, km in expected]


async def test_trip_activity_default_is_a_week(gql: GraphQLClient) -> None:
    data = await gql.data("{ fleetSummary { tripActivity { day } } }")
    days = [date.fromisoformat(a["day"]) for a in data["fleetSummary"]["tripActivity"]]
    assert len(days) == 7
    assert [b - a for a, b in itertools.pairwise(days)] == [timedelta(days=1)] * 6
    assert datetime.now(UTC).date() - days[-1] <= timedelta(days=1)


async def test_trip_activity_sees_seeded_trips(gql: GraphQLClient, dataset: Dataset) -> None:
    """Non-vacuous: over a year, the seeded trips show up (TEST_PLAN's anchor is recent)."""
    activity, today = await activity_and_today(gql, 366)
    expected = sum(n for _, n, _ in dataset.trip_activity(today, 366))
    assert sum(a["trips"] for a in activity) == expected
    if expected == 0:
        pytest.skip("the seeded trips are older than a year: activity is all zeros")


@pytest.mark.parametrize("days", [0, -1, 367, 10_000])
async def test_trip_activity_days_out_of_range(gql: GraphQLClient, days: int) -> None:
    [error] = await gql.errors(ACTIVITY, {"days": days})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "366" in error["message"]
