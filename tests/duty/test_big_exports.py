"""Issue 15 "Large exports" for the duty registers: the entry register's and the check-ins'
CSV of many rows is a background job whose file holds the search's rows, a visitor's ID number
masked (PIPL, M-4.1a), and the check-ins with their states (M-1.2)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.duty.services import access_grant, entry_record_in
from apps.exports.models import ExportJob
from tests.duty.helpers import operator, shift_from
from tests.exports.helpers import csv_rows, run_job
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "110101199003071234"


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.EXPORT_SYNC_MAX_ROWS = 2


def _download(client, job) -> list[list[str]]:
    job = run_job(job)
    assert job.state == "done"
    return csv_rows(b"".join(client.get(f"/exports/{job.pk}/download/").streaming_content))


def test_the_entry_register_in_the_background_masks_ids(client, duty_operator, security_staff):
    escort = UserFactory(username="escort", full_name="Li Lei")
    access_grant(person=escort, by=security_staff)
    for n in range(3):
        entry_record_in(
            by=duty_operator,
            visitor_name=f"Visitor {n}",
            visitor_id_type="resident_id",
            visitor_id_number=ID_NUMBER,
            purpose="Inspection",
            escort=escort,
        )
    client.force_login(duty_operator)
    assert 'data-testid="export-large"' in client.get("/duty/entries/?format=csv").content.decode()
    client.post("/duty/entries/?authorised=false&format=csv")
    job = ExportJob.objects.get()
    assert (job.register, job.query) == ("duty.entries", "authorised=false")
    rows = _download(client, job)
    assert sorted(row[2] for row in rows[1:]) == ["Visitor 0", "Visitor 1", "Visitor 2"]
    assert all(row[4] == "1101**********1234" for row in rows[1:])
    assert ID_NUMBER not in str(rows)


def test_the_check_ins_in_the_background(client, security_staff):
    start = timezone.now() - timedelta(days=2)
    for n in range(3):
        shift_from(operator(f"op-{n}", full_name=f"Operator {n}"), start, 8, by=security_staff)
    client.force_login(security_staff)
    client.post("/duty/check-ins/?attendance=missed&format=csv")
    rows = _download(client, ExportJob.objects.get())
    assert sorted(row[2] for row in rows[1:]) == ["Operator 0", "Operator 1", "Operator 2"]
    assert {row[-1] for row in rows[1:]} == {"missed"}
