"""M-2.2: recording and checking are kept apart. Whoever reviewed a result of a run may not
countersign it; `run_actions` does not offer it, the service refuses it, the page says why."""

import pytest

from apps.audit.models import AuditEvent
from apps.core.exceptions import RuleViolation
from apps.patrol.models import PatrolRun
from apps.patrol.selectors import run_actions
from apps.patrol.services import patrol_check_review, patrol_run_sign
from tests.factories import CameraFactory, UserFactory
from tests.patrol.helpers import finished_run, outcome, verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(db):
    good, bad, dark = CameraFactory(code="OK1"), CameraFactory(code="BAD1"), CameraFactory()
    return finished_run(
        {
            good: outcome("ok"),
            bad: outcome("fault", "Picture is black."),
            dark: outcome("degraded", "Too dark."),
        }
    )


def _review_all(run, by):
    for check in run.checks.filter(flagged=True):
        patrol_check_review(check=check, by=by, outcome="confirmed_fault", note="")


@pytest.mark.parametrize("signer_role", ["security_staff", "security_chief"])
def test_a_reviewer_of_the_run_cannot_countersign_it(run, signer_role):
    signer = UserFactory(roles=[signer_role])
    _review_all(run, signer)
    assert "sign" not in run_actions(user=signer, run=run)
    with pytest.raises(RuleViolation, match="someone else must countersign") as refused:
        patrol_run_sign(run=run, by=signer, note="mine")
    assert refused.value.clause == "M-2.2"
    run.refresh_from_db()
    assert run.state == PatrolRun.State.FINISHED and run.signed_by is None
    assert not AuditEvent.objects.filter(action="patrol.run_sign").exists()


def test_reviewing_one_result_of_many_is_enough_to_be_kept_apart(
    run, duty_operator, security_staff
):
    first, second = run.checks.filter(flagged=True)
    patrol_check_review(check=first, by=duty_operator, outcome="confirmed_fault", note="")
    patrol_check_review(check=second, by=security_staff, outcome="false_alarm", note="lamp off")
    with pytest.raises(RuleViolation, match="someone else"):
        patrol_run_sign(run=run, by=security_staff)


def test_someone_who_reviewed_nothing_countersigns(run, duty_operator, security_staff):
    _review_all(run, duty_operator)
    assert run_actions(user=security_staff, run=run) == {"sign"}
    patrol_run_sign(run=run, by=security_staff, note="checked")
    run.refresh_from_db()
    assert run.state == PatrolRun.State.SIGNED and run.signed_by == security_staff


def test_the_page_offers_the_countersignature_to_the_other_staffer_only(
    client, run, security_staff, security_chief
):
    _review_all(run, security_staff)
    verified_login(client, security_staff)
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert 'data-testid="sign-form"' not in page
    assert "You reviewed results of this run" in page
    # the refused POST says why and signs nothing
    response = client.post(f"/patrol/{run.pk}/sign/", {"note": "x"}, follow=True)
    assert "someone else must countersign" in response.content.decode()
    run.refresh_from_db()
    assert run.state == PatrolRun.State.FINISHED
    client.logout()
    verified_login(client, security_chief)
    page = client.get(f"/patrol/{run.pk}/").content.decode()
    assert 'data-testid="sign-form"' in page
    client.post(f"/patrol/{run.pk}/sign/", {"note": "checked"})
    run.refresh_from_db()
    assert run.state == PatrolRun.State.SIGNED and run.signed_by == security_chief


def test_the_api_refuses_a_reviewer_with_the_reason(client, run, security_staff):
    _review_all(run, security_staff)
    verified_login(client, security_staff)
    response = client.post(f"/api/patrol/runs/{run.pk}/sign/", {}, content_type="application/json")
    assert response.status_code == 400
    assert "someone else must countersign" in str(response.json())
