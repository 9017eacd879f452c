"""The live operations the tests subscribe to."""

LEADERBOARD = """
subscription Board($first: Int) {
  leaderboardChanged(first: $first) {
    leaderboard { nodes { rank value driver { id name } } }
    moves { driver { id } oldRank newRank }
  }
}"""

DRIVER = """
subscription Driver($id: ID!) {
  driverUpdated(id: $id) { id name stats { trips safetyScore } rank }
}"""

TRIPS = """
subscription Trips($driverId: ID, $region: String) {
  tripRecorded(driverId: $driverId, region: $region) { id safetyScore driver { id } }
}"""

DRIVERS = "{ drivers(first: 20) { nodes { id region } } }"
