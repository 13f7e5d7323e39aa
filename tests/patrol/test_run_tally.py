"""Issue 15: a finished run keeps its counts, so a page of runs reads 50 rows, not 50 × 10,000
checks; what each user is shown stays what the checks say (M-2.1, M-1.3)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.patrol.models import PatrolRun
from apps.patrol.selectors import run_progress, runs_with_progress
from tests.factories import CameraFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def runs(vendor_engineer):
    own = CameraFactory.create_batch(2, vendor=vendor_engineer.department)
    others = CameraFactory.create_batch(3)
    results = {
        own[0]: outcome("fault", "Picture is black."),
        own[1]: outcome("ok"),
        others[0]: outcome("degraded", "Picture is dim."),
        others[1]: outcome("ok", scene_changed=True),
        others[2]: outcome("fault", "No signal."),
    }
    return [finished_run(results), finished_run(results)]


def test_finished_run_stores_the_counts_its_checks_give(runs, security_staff):
    run = runs[0]
    assert run.tally["total"] == 5
    assert (run.tally["ok"], run.tally["faults"], run.tally["degraded"]) == (2, 2, 1)
    assert run.tally["scene_changed"] == 1 and run.tally["pending"] == 0
    shown = run_progress(run=run, user=security_staff)
    PatrolRun.objects.filter(pk=run.pk).update(tally=None)  # the same, counted from the checks
    run.refresh_from_db()
    assert run_progress(run=run, user=security_staff) == shown


def test_a_page_of_finished_runs_reads_no_check(runs, security_staff):
    with CaptureQueriesContext(connection) as queries:
        page = runs_with_progress(PatrolRun.objects.all(), user=security_staff)
    assert not [q for q in queries.captured_queries if "patrol_patrolcheck" in q["sql"]]
    assert [run.progress["faults"] for run in page] == [2, 2]
    assert page[0].progress["active_cameras"] == 5


def test_vendor_engineer_still_counts_their_companys_cameras_only(runs, vendor_engineer):
    page = runs_with_progress(PatrolRun.objects.all(), user=vendor_engineer)
    assert [(r.progress["total"], r.progress["faults"], r.progress["ok"]) for r in page] == [
        (2, 1, 1),
        (2, 1, 1),
    ]
    assert run_progress(run=runs[0], user=vendor_engineer)["total"] == 2


def test_a_running_run_is_counted_live(security_staff):
    from apps.patrol.services import patrol_check_record, patrol_run_start

    cameras = CameraFactory.create_batch(2)
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    patrol_check_record(check=run.checks.get(camera=cameras[0]), outcome=outcome("ok"))
    run.refresh_from_db()
    assert run.tally is None
    (page,) = runs_with_progress([run], user=security_staff)
    assert (page.progress["checked"], page.progress["pending"]) == (1, 1)
