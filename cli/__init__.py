"""The `fleetgraph` command line."""
