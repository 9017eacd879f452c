"""GraphQL object, input and enum types: rows in, contract shapes out."""
