# The camera list's search (code, name, building, area: CameraFilterSet.search) as trigram
# indexes on PostgreSQL (issue 15).

from django.db import migrations

from apps.core.trigram import trigram_indexes


class Migration(migrations.Migration):
    dependencies = [("cameras", "0005_camera_states_data")]

    operations = [
        trigram_indexes("cameras_camera", ("code", "name")),
        trigram_indexes("cameras_location", ("building", "area")),
    ]
