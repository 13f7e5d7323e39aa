"""Role × URL rows of the background exports (issue 15): a register's POST ?format=csv starts
a job (audited, M-4.2) for whoever may read that register; a job is its owner's only."""

from apps.accounts.models import Role
from apps.exports import services
from tests.core.matrix import EVERYONE, VIEWERS, Row, _get
from tests.factories import UserFactory

REQUESTED = ("exports.export_request", "M-4.2")

ROWS = [
    _get("/exports/", EVERYONE),
    _get("/api/exports/", EVERYONE),
    # Another person's job: nobody else finds it, nor its progress or file (M-3.1).
    _get("/exports/{colleague_export}/", set(), not_found=EVERYONE),
    _get("/exports/{colleague_export}/progress/", set(), not_found=EVERYONE),
    _get("/exports/{colleague_export}/download/", set(), not_found=EVERYONE),
    _get("/api/exports/{colleague_export}/", set(), not_found=EVERYONE),
    _get("/api/exports/{colleague_export}/download/", set(), not_found=EVERYONE),
    Row("POST", "/cameras/?format=csv", VIEWERS, None, REQUESTED),
    Row("POST", "/patrol/?format=csv", VIEWERS, None, REQUESTED),
    Row("POST", "/patrol/faults/?format=csv", VIEWERS, None, REQUESTED),
    Row("POST", "/audit/?format=csv", frozenset({Role.AUDITOR}), None, REQUESTED),
    Row(
        "POST",
        "/api/exports/",
        VIEWERS,
        {"register": "cameras.cameras", "query": ""},
        REQUESTED,
        json=True,
    ),
]


def world(world: dict) -> dict:
    exporter = UserFactory(roles=[Role.DUTY_OPERATOR], username="matrix-exporter")
    job = services.export_request(by=exporter, register="patrol.faults")
    return {"colleague_export": job.pk}
