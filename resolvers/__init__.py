"""Resolvers: arguments in, rows and pages out. `gql/types` maps them to GraphQL types."""
