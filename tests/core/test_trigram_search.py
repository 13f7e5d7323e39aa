"""Issue 15: the text searches of the camera list and the audit register are served by the
pg_trgm indexes (PostgreSQL). The index is over the expression Django writes for
``icontains``; were the two to drift apart the index would sit unused, so the plan is read."""

import pytest
from django.db import connection

from apps.audit.models import AuditEvent
from apps.cameras.models import Camera, Location

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only"
    ),
]


def _plan(queryset) -> str:
    with connection.cursor() as cursor:
        # A tiny test table: leave the planner a bitmap scan only, which needs an index
        # serving the condition (a full scan of the primary key would otherwise do).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda: Camera.objects.filter(code__icontains="C05"), "cameras_camera_code_trgm"),
        (lambda: Camera.objects.filter(name__icontains="gate"), "cameras_camera_name_trgm"),
        # The camera search reads the matching places first (CameraFilterSet.search).
        (
            lambda: Location.objects.filter(building__icontains="library"),
            "cameras_location_building_trgm",
        ),
        (lambda: Location.objects.filter(area__icontains="gate"), "cameras_location_area_trgm"),
        (
            lambda: AuditEvent.objects.filter(target_label__icontains="C05"),
            "audit_target_label_trgm",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_icontains_uses_its_trigram_index(queryset, index):
    assert index in _plan(queryset())
