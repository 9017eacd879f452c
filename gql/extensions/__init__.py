"""Cross-cutting concerns, one SchemaExtension per file."""
