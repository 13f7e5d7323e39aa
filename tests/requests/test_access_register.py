"""M-3.4 (国务院令799 Art. 16): the access register (台账) lists every view and copy — who,
when, purpose, what footage (cameras × span), destination, who approved — with filters,
pages and CSV; a classified request's access is invisible outside its circle (M-3.3.1(1)),
in the page, its count, the CSV and a background export rebuilt with the owner's scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.core.registers import register_for
from apps.requests.services import copy_record, request_custodian_assign, retrieval_record
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import verified_login
from tests.requests.helpers import approved

pytestmark = pytest.mark.django_db


def _csv(client, path: str) -> str:
    return b"".join(client.get(path).streaming_content).decode()


def _accessed(applicant, chief, custodian, *, mode="view", classified=False, code="LIB-1"):
    request = approved(
        applicant, mode=mode, classified=classified, cameras=[CameraFactory(code=code)]
    )
    request = request_custodian_assign(request=request, by=chief, custodian=custodian)
    retrieval_record(
        request=request,
        by=custodian,
        cameras=list(request.cameras.all()),
        span_from=request.span_from,
        span_to=request.span_to,
        backup_location="Archive NAS 1",
    )
    if mode == "copy":
        copy_record(
            request=request,
            by=custodian,
            file_name="copy.mp4",
            medium="disc",
            recipient="Officer Zhao",
            destination="City Police case 118",
            handed_over_at=timezone.now(),
            sha256="c" * 64,
        )
    return request


def test_the_register_says_who_when_why_what_where_and_who_approved(
    client, applicant, security_chief, custodian, auditor
):
    viewed = _accessed(applicant, security_chief, custodian, code="LIB-1")
    copied = _accessed(applicant, security_chief, custodian, mode="copy", code="GATE-2")
    verified_login(client, security_chief)
    text = client.get("/requests/access-register/").content.decode()
    for request in (viewed, copied):
        assert request.number in text
    assert "Bicycle stolen outside the library" in text  # the purpose
    assert "LIB-1" in text and "GATE-2" in text
    assert "Officer Zhao → City Police case 118" in text and "viewed, no copy" in text
    # who approved: the route's approvers (the student route: the security chief; a copy:
    # both leaders as well)
    for name in ("approver-security_chief-0", "approver-principal_leader-0"):
        assert str(User.objects.get(username=name)) in text
    assert str(custodian) in text

    client.force_login(auditor)
    csv = _csv(client, "/requests/access-register/?mode=copy&format=csv")
    lines = csv.strip().splitlines()
    assert len(lines) == 2 and copied.number in lines[1] and viewed.number not in csv
    assert "GATE-2" in lines[1] and "City Police case 118" in lines[1]


def test_a_classified_access_is_invisible_outside_its_circle(
    client, applicant, security_chief, custodian, auditor
):
    open_request = _accessed(applicant, security_chief, custodian, code="LIB-1")
    secret = _accessed(applicant, security_chief, custodian, classified=True, code="SECRET-7")
    other_custodian = UserFactory(username="custodian2", roles=["footage_custodian"])
    staff = UserFactory(username="staff9", roles=["security_staff"])
    for outsider, login in ((auditor, client.force_login), (staff, client.force_login)):
        login(outsider)
        page = client.get("/requests/access-register/").content.decode()
        assert open_request.number in page
        assert secret.number not in page and "SECRET-7" not in page
        assert secret.number not in _csv(client, "/requests/access-register/?format=csv")
        found = client.get(f"/requests/access-register/?number={secret.number}").content
        assert b'data-testid="empty-register"' in found
    verified_login(client, other_custodian)
    assert "SECRET-7" not in client.get("/requests/access-register/").content.decode()
    # A background export rebuilds the rows with its owner's scope: the same answer.
    rows = register_for("requests.access", user=auditor, query="").filtered_rows()
    assert [r.request_id for r in rows] == [open_request.pk]
    rows = register_for("requests.requests", user=auditor, query="").filtered_rows()
    assert secret.pk not in [r.pk for r in rows] and open_request.pk in [r.pk for r in rows]
    # Its circle sees it: the assigned custodian and the security chief.
    for insider in (custodian, security_chief):
        verified_login(client, insider)
        assert "SECRET-7" in client.get("/requests/access-register/").content.decode()


def test_the_register_page_costs_the_same_queries_for_more_rows(
    client, applicant, security_chief, custodian
):
    _accessed(applicant, security_chief, custodian, mode="copy", code="A-1")
    verified_login(client, security_chief)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/requests/access-register/").status_code == 200
        return len(captured)

    one = queries()
    for n in range(3):
        _accessed(applicant, security_chief, custodian, mode="copy", code=f"B-{n}")
    assert queries() == one


def test_a_background_export_keeps_the_classified_rule(
    client, settings, applicant, security_chief, custodian, auditor
):
    """A CSV over EXPORT_SYNC_MAX_ROWS is a job; the worker rebuilds the rows with its owner's
    scope, so an auditor's file holds no classified access (M-3.3.1(1), issue 15)."""
    from apps.exports.models import ExportJob
    from tests.exports.helpers import csv_rows, run_job

    settings.EXPORT_SYNC_MAX_ROWS = 1
    visible = [_accessed(applicant, security_chief, custodian, code=f"V-{n}") for n in range(2)]
    secret = _accessed(applicant, security_chief, custodian, classified=True, code="SECRET-7")
    client.force_login(auditor)
    response = client.post("/requests/access-register/?format=csv")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.register == "requests.access"
    job = run_job(job)
    assert job.state == "done" and job.rows_done == 2
    rows = csv_rows(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))
    assert sorted(row[1] for row in rows[1:]) == sorted(r.number for r in visible)
    assert secret.number not in str(rows) and "SECRET-7" not in str(rows)
