from django.utils import timezone

from apps.cameras.probing import CheckOutcome
from apps.patrol.models import PatrolRun
from apps.patrol.services import patrol_check_record, patrol_run_finish, patrol_run_start


def outcome(
    verdict: str, reason: str = "", *, scene_changed: bool = False, at=None
) -> CheckOutcome:
    findings = (
        []
        if verdict == "ok"
        else [{"code": "black", "severity": verdict, "message": reason, "metrics": {}}]
    )
    return CheckOutcome(
        verdict=verdict,
        failing_layer="diagnosis" if reason else None,
        reason=reason,
        checked_at=at or timezone.now(),
        findings=findings,
        scene_changed=scene_changed,
    )


def finished_run(results: dict, *, by=None) -> PatrolRun:
    """A run whose checks got ``results`` {camera: CheckOutcome}, recorded by the service."""
    run = patrol_run_start(by=by, trigger=PatrolRun.Trigger.COMMAND, enqueue=False)
    for check in run.checks.select_related("camera"):
        patrol_check_record(check=check, outcome=results[check.camera])
    patrol_run_finish(run=run)
    run.refresh_from_db()
    return run


def verified_login(client, user) -> None:
    """Sign ``user`` in with a confirmed second factor, as django_otp.login does."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
