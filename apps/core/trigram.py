"""pg_trgm GIN indexes for ``icontains`` searches (issue 15), as a migration operation.

Django writes ``icontains`` on PostgreSQL as ``UPPER(col::text) LIKE UPPER('%…%')``; a trigram
index over that same expression serves it, where a b-tree cannot. PostgreSQL only: SQLite
scans, which is fine at an embedded installation's size. ``CREATE EXTENSION`` needs a superuser
or the database owner (pg_trgm is a trusted extension since PostgreSQL 13).
"""

from django.db import migrations


def trigram_indexes(table: str, columns: tuple[str, ...]) -> migrations.RunPython:
    """A migration operation creating (and on reverse dropping) ``<table>_<column>_trgm``."""

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for column in columns:
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} "
                f"USING gin (UPPER({column}::text) gin_trgm_ops)"
            )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for column in columns:
            schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")

    return migrations.RunPython(create, drop, elidable=False)
