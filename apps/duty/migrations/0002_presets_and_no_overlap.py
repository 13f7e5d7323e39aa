from datetime import time

from django.db import migrations

# The presets every office starts from (M-1.2): three 8-hour or two 12-hour shifts. Their
# names are shown translated from ``preset``; ``name`` keeps them unique beside the office's own.
PRESETS = [
    ("8h_night", "Night shift (8 h)", time(0, 0), 8),
    ("8h_day", "Day shift (8 h)", time(8, 0), 8),
    ("8h_evening", "Evening shift (8 h)", time(16, 0), 8),
    ("12h_day", "Day shift (12 h)", time(8, 0), 12),
    ("12h_night", "Night shift (12 h)", time(20, 0), 12),
]


def _presets(apps, schema_editor):
    ShiftTemplate = apps.get_model("duty", "ShiftTemplate")
    for preset, name, start, hours in PRESETS:
        ShiftTemplate.objects.get_or_create(
            preset=preset, defaults={"name": name, "start_time": start, "length_hours": hours}
        )


# One person is never in two overlapping live shifts (M-1.2), refused by PostgreSQL itself
# whatever writes the row; the service's locked check gives the clear message first. SQLite
# (embedded) has no exclusion constraints: there the service's check runs under SQLite's single
# writer. btree_gist is a trusted extension (PostgreSQL 13+): a database owner may create it.
def _no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        "ALTER TABLE duty_rosterassignment ADD CONSTRAINT duty_no_overlapping_shifts "
        "EXCLUDE USING gist (operator_id WITH =, tstzrange(starts_at, ends_at) WITH &&) "
        "WHERE (cancelled_at IS NULL)"
    )


def _drop_no_overlap(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE duty_rosterassignment DROP CONSTRAINT IF EXISTS duty_no_overlapping_shifts"
    )


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]

    operations = [
        migrations.RunPython(_presets, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(_no_overlap, _drop_no_overlap, elidable=False),
    ]
