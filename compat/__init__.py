"""Every use of a dependency's private API, one module per library.

The rest of the project calls these functions and never touches a private
name (`_attribute`, an internal module, a private method override) of
strawberry, graphql-core, cross-web, uvicorn, starlette, SQLAlchemy, asyncpg
or redis-py. Each assumption made here is pinned by a test in tests/compat/
whose failure message names it, so an upgrade that breaks one fails loudly
instead of silently dropping a limit or a speed-up. Why each one is here, and
what it was measured to save: docs/decisions/0022-compat-package.md.
"""
