from tests.gql.fixtures import dataset, gql

__all__ = ["dataset", "gql"]
