from tests.gql.fixtures import dataset, gql, reference_gql

__all__ = ["dataset", "gql", "reference_gql"]
