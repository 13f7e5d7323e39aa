"""M-1.3: a vendor engineer sees only their own company's cameras in the patrol — on the run
page, its live fragment, the register and its CSV, the API and the overview counts."""

import re

import pytest

from apps.cameras.models import Camera
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed_run(vendor_engineer, other_vendor_engineer):
    """One run over three cameras: one of the engineer's company, two of another's."""
    mine = CameraFactory(code="MINE1", vendor=vendor_engineer.department)
    theirs = CameraFactory(code="THEIRS1", vendor=other_vendor_engineer.department)
    theirs_down = CameraFactory(code="THEIRS2", vendor=other_vendor_engineer.department)
    return finished_run(
        {
            mine: outcome("degraded", "Picture is blurred."),
            theirs: outcome("fault", "Picture is black."),
            theirs_down: outcome("fault", "Picture is frozen."),
        }
    )


@pytest.mark.parametrize("path", ["/patrol/{run}/", "/patrol/{run}/progress/"])
def test_run_page_and_fragment_show_only_own_cameras(client, vendor_engineer, mixed_run, path):
    client.force_login(vendor_engineer)
    page = client.get(path.format(run=mixed_run.pk)).content.decode()
    assert "MINE1" in page
    assert "THEIRS1" not in page and "THEIRS2" not in page
    assert "1 of 1 cameras checked" in page
    assert "Coverage: 1 of 1 active cameras checked." in page
    # The two faults are the other company's: the vendor's count is theirs only.
    assert 'data-testid="fault-count">0<' in page


def test_operator_still_sees_the_whole_run(client, duty_operator, mixed_run):
    client.force_login(duty_operator)
    page = client.get(f"/patrol/{mixed_run.pk}/").content.decode()
    assert all(code in page for code in ("MINE1", "THEIRS1", "THEIRS2"))
    assert "3 of 3 cameras checked" in page and 'data-testid="fault-count">2<' in page


def test_run_without_own_cameras_is_not_found(client, vendor_engineer, mixed_run):
    # MINE1 out of service: the next run checks only the other company's cameras.
    Camera.objects.filter(code="MINE1").update(status=Camera.Status.SUSPENDED)
    theirs = {c.camera: outcome("ok") for c in mixed_run.checks.exclude(camera__code="MINE1")}
    without_mine = finished_run(theirs)
    client.force_login(vendor_engineer)
    for path in (
        f"/patrol/{without_mine.pk}/",
        f"/patrol/{without_mine.pk}/progress/",
        f"/api/patrol/runs/{without_mine.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    listed = [r["id"] for r in client.get("/api/patrol/runs/").json()["results"]]
    assert listed == [mixed_run.pk]
    page = client.get("/patrol/").content.decode()
    assert f"/patrol/{mixed_run.pk}/" in page and f"/patrol/{without_mine.pk}/" not in page


def test_api_run_counts_cover_own_cameras(client, vendor_engineer, duty_operator, mixed_run):
    client.force_login(vendor_engineer)
    data = client.get(f"/api/patrol/runs/{mixed_run.pk}/").json()
    assert data["active_cameras"] == 1
    assert data["progress"]["total"] == 1 and data["progress"]["faults"] == 0
    assert data["progress"]["degraded"] == 1
    checks = client.get("/api/patrol/checks/", {"run": mixed_run.pk}).json()["results"]
    assert [c["camera_code"] for c in checks] == ["MINE1"]
    client.force_login(duty_operator)
    data = client.get(f"/api/patrol/runs/{mixed_run.pk}/").json()
    assert data["active_cameras"] == 3 and data["progress"]["faults"] == 2


def test_register_and_csv_show_no_campus_wide_camera_count(
    client, vendor_engineer, duty_operator, mixed_run
):
    client.force_login(vendor_engineer)
    csv_text = b"".join(client.get("/patrol/?format=csv").streaming_content).decode()
    header, row = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert "active cameras" not in header and row.startswith(f"{mixed_run.pk},")
    assert ",3," not in row  # the campus-wide figure is not shown to a vendor
    client.force_login(duty_operator)
    csv_text = b"".join(client.get("/patrol/?format=csv").streaming_content).decode()
    header, row = csv_text.lstrip("\ufeff").splitlines()[:2]
    assert "active cameras" in header and ",3," in row


def test_overview_counts_results_to_review_in_scope(
    client, vendor_engineer, duty_operator, mixed_run
):
    client.force_login(vendor_engineer)
    page = client.get("/").content.decode()
    card = page.split('data-card="patrol_unreviewed"', 1)[1].split("</a>", 1)[0]
    assert re.search(r'data-testid="card-count">1<', card)  # MINE1's degraded result only
    client.force_login(duty_operator)
    page = client.get("/").content.decode()
    card = page.split('data-card="patrol_unreviewed"', 1)[1].split("</a>", 1)[0]
    assert re.search(r'data-testid="card-count">3<', card)


def test_camera_history_fragment_is_scoped(client, vendor_engineer, mixed_run):
    theirs = mixed_run.checks.get(camera__code="THEIRS1").camera
    mine = mixed_run.checks.get(camera__code="MINE1").camera
    client.force_login(vendor_engineer)
    assert client.get(f"/patrol/cameras/{theirs.pk}/history/").status_code == 404
    assert client.get(f"/patrol/cameras/{mine.pk}/history/").status_code == 200


def test_vendor_engineer_without_company_sees_no_cameras(client, mixed_run):
    CameraFactory(code="NOVENDOR", vendor=None)
    orphan = UserFactory(roles=["vendor_engineer"], username="no-company", department=None)
    client.force_login(orphan)
    assert client.get(f"/patrol/{mixed_run.pk}/").status_code == 404
    assert client.get("/api/cameras/").json()["count"] == 0
