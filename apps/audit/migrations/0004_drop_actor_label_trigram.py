from django.db import migrations

# The actor search matches people by id now (their names, and former usernames from the
# chain's rename records: apps.audit.filters.renamed_from), not actor_label by trigram: the
# index would only slow every event's insert (issue 15).


def _drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS audit_actor_label_trgm")


def _create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS audit_actor_label_trgm ON audit_auditevent "
            "USING gin (UPPER(actor_label::text) gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_filter_indexes")]

    operations = [migrations.RunPython(_drop, _create, elidable=False)]
