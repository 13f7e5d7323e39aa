"""M-1.1a: passwords stored in clear inside addresses before issue 13 move into the encrypted
fields when the migration runs; credentials already stored there win."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cameras", "0002_random_image_paths")]
AFTER = [("cameras", "0003_credentials_out_of_addresses")]


@pytest.fixture(autouse=True)
def _latest_schema_after():
    # The tests after this one need every later migration applied again.
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_migration_moves_credentials_out_of_addresses():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    site = old.get_model("cameras", "Site").objects.create(code="MIG", name="Campus")
    location = old.get_model("cameras", "Location").objects.create(
        site=site, building="B", area_kind="entrance"
    )
    OldCamera = old.get_model("cameras", "Camera")
    OldCamera.objects.create(
        code="MIG-1",
        name="a",
        location=location,
        rtsp_main_uri="rtsp://admin:Mig%2Fpw-7731@10.20.0.5:554/main",
        onvif_host="admin:Mig%2Fpw-7731@10.20.0.5",
    )
    OldCamera.objects.create(
        code="MIG-2",
        name="b",
        location=location,
        rtsp_sub_uri="rtsp://old:Stale-pw-7731@10.20.0.6/sub",
        credential_username="keeper",
        credential_password="Kept-pw-7731",
    )
    OldCamera.objects.create(code="MIG-3", name="c", location=location, rtsp_main_uri="rtsp://h/x")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)

    from apps.cameras.models import Camera

    moved, kept, plain = (Camera.objects.get(code=c) for c in ("MIG-1", "MIG-2", "MIG-3"))
    assert moved.rtsp_main_uri == "rtsp://10.20.0.5:554/main" and moved.onvif_host == "10.20.0.5"
    assert (moved.credential_username, moved.credential_password) == ("admin", "Mig/pw-7731")
    assert kept.rtsp_sub_uri == "rtsp://10.20.0.6/sub"
    assert (kept.credential_username, kept.credential_password) == ("keeper", "Kept-pw-7731")
    assert plain.rtsp_main_uri == "rtsp://h/x" and not plain.credential_password
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM cameras_camera")
        raw = repr(cursor.fetchall())
    assert "pw-7731" not in raw
