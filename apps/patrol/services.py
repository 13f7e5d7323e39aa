"""Writes of the daily patrol (每日巡检, M-2.1) and its review (M-1.4, M-2.2, M-2.3)."""

import hashlib
from functools import partial

from celery import current_app
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.chain import canonical_json
from apps.audit.services import event_append
from apps.cameras.models import Camera, DownEpisode, Site
from apps.cameras.probing import CheckOutcome
from apps.cameras.services import (
    camera_false_alarm_clear,
    camera_health_record,
    camera_reference_set,
)
from apps.core.exceptions import RuleViolation

from . import selectors
from .models import FaultRecord, PatrolCheck, PatrolRun

RUN_EXECUTE_TASK = "apps.patrol.tasks.patrol_run_execute"
"""The Celery task that probes a started run (its registered name)."""


@transaction.atomic
def patrol_run_start(
    *,
    by: User | None,
    trigger: str,
    site: Site | None = None,
    camera: Camera | None = None,
    enqueue: bool = True,
) -> PatrolRun:
    """Start a patrol of every active camera (or of one site), or re-check one camera (M-2.1).

    A run of one camera ("Check now") is a re-check: not the day's patrol record, never
    countersigned; its flagged results are still reviewed. The scheduled daily run is started
    once per local day however often beat fires: the database refuses a second one for the
    same ``scheduled_for`` (IntegrityError, which the daily task reads as "already started").
    With ``enqueue`` the checks go to the Celery workers after commit; without, the caller
    runs them (the ``patrol`` command).
    """
    if by is not None and not selectors.patrol_may_start(user=by, camera=camera):
        raise RuleViolation(_("Your role cannot start a patrol."), clause="M-2.1")
    now = timezone.now()
    scheduled_for = None
    if trigger == PatrolRun.Trigger.SCHEDULE:
        scheduled_for = timezone.localdate(now)
        existing = PatrolRun.objects.filter(trigger=trigger, scheduled_for=scheduled_for).first()
        if existing:
            return existing
    cameras = Camera.objects.filter(status=Camera.Status.ACTIVE)
    if camera is not None:
        cameras = cameras.filter(pk=camera.pk)
    elif site is not None:
        cameras = cameras.filter(location__site=site)
    camera_ids = list(cameras.values_list("pk", flat=True))
    if not camera_ids:
        raise RuleViolation(_("There is no camera in service to patrol here."), clause="M-2.1")
    running = PatrolRun.objects.filter(state=PatrolRun.State.RUNNING, site=site, camera=camera)
    if by is not None and running.exists():
        raise RuleViolation(_("A patrol of the same cameras is still running."))
    run = PatrolRun.objects.create(
        kind=PatrolRun.Kind.RECHECK if camera is not None else PatrolRun.Kind.DAILY,
        scheduled_for=scheduled_for,
        started_at=now,
        trigger=trigger,
        started_by=by,
        site=site,
        camera=camera,
        active_cameras=len(camera_ids),
    )
    PatrolCheck.objects.bulk_create(
        [PatrolCheck(run=run, camera_id=pk) for pk in camera_ids], batch_size=500
    )
    event_append(
        actor=by,
        action="patrol.run_start",
        target=run,
        clause="M-2.1",
        data={
            "kind": run.kind,
            "trigger": trigger,
            "cameras": len(camera_ids),
            "site": site.code if site else None,
            "camera": camera.code if camera else None,
            # M-1.1a: every use of stored device credentials is on record.
            "credentials_used": sorted(
                cameras.exclude(credential_password="").values_list("code", flat=True)
            ),
        },
    )
    if enqueue:
        # Queued by name: the tasks call these services, so importing them here would close
        # the cycle services -> tasks -> execution -> services (issue 14 §3).
        transaction.on_commit(partial(current_app.send_task, RUN_EXECUTE_TASK, args=(run.pk,)))
    return run


def _store_image(check: PatrolCheck, field: str, data: bytes | None) -> str:
    if not data:
        return ""
    upload_to = PatrolCheck._meta.get_field(field).generate_filename(
        check, f"{check.run_id}-{check.camera.code}.jpg"
    )
    return default_storage.save(upload_to, ContentFile(data))


def patrol_check_record(*, check: PatrolCheck, outcome: CheckOutcome, attempts: int = 1) -> bool:
    """Record one camera's result once (idempotent per run × camera).

    Returns False when the check was already recorded (a task delivered twice).
    """
    snapshot = _store_image(check, "snapshot", outcome.snapshot_jpeg)
    thumbnail = _store_image(check, "thumbnail", outcome.thumbnail_jpeg)
    covered = ""
    camera = check.camera
    if (
        outcome.scene_changed
        and camera.work_order_until
        and (camera.work_order_until >= outcome.checked_at)
    ):
        covered = camera.work_order_ref
    with transaction.atomic():
        # Conditional UPDATE, not select_for_update: SQLite (embedded) ignores row locks.
        won = PatrolCheck.objects.filter(pk=check.pk, state=PatrolCheck.State.PENDING).update(
            state=PatrolCheck.State.DONE,
            attempts=check.attempts + attempts,
            checked_at=outcome.checked_at,
            verdict=outcome.verdict,
            failing_layer=outcome.failing_layer or "",
            reason=outcome.reason[:300],
            reason_code=outcome.reason_code,
            reason_params=outcome.reason_params,
            findings=outcome.findings,
            metrics=outcome.metrics,
            latency_ms=outcome.latency_ms,
            scene_changed=outcome.scene_changed,
            covered_by_work_order=covered,
            snapshot=snapshot,
            thumbnail=thumbnail,
        )
        if won:
            was_down = camera.is_down
            camera = camera_health_record(
                camera=camera,
                verdict=outcome.verdict,
                checked_at=outcome.checked_at,
                failing_layer=outcome.failing_layer,
                reason=outcome.reason,
                snapshot_jpeg=outcome.snapshot_jpeg,
                thumbnail_jpeg=outcome.thumbnail_jpeg,
            )
            if was_down and not camera.is_down:
                for record in FaultRecord.objects.filter(camera=camera, cleared_at=None):
                    fault_record_clear(record=record, check=check, at=outcome.checked_at)
            if not camera.reference_snapshot and outcome.verdict == "ok" and outcome.snapshot_jpeg:
                # A camera registered without one (CSV import) gets its first normal picture as
                # the reference that later scene changes are judged against (M-4.1a).
                camera_reference_set(camera=camera, by=None, jpeg=outcome.snapshot_jpeg)
    if not won:
        for name in (snapshot, thumbnail):
            if name:
                default_storage.delete(name)
    return bool(won)


def patrol_check_give_up(*, check: PatrolCheck, reason: str, attempts: int = 1) -> bool:
    """The check could not run after its retries: the run lists it as not checked, and why."""
    return bool(
        PatrolCheck.objects.filter(pk=check.pk, state=PatrolCheck.State.PENDING).update(
            state=PatrolCheck.State.NOT_CHECKED,
            reason=reason[:300],
            attempts=check.attempts + attempts,
            checked_at=timezone.now(),
        )
    )


def _checks_digest(run: PatrolRun) -> str:
    """SHA-256 over every check's result: the finish event makes the set tamper-evident."""
    rows = run.checks.order_by("camera_id").values_list(
        "camera_id", "state", "verdict", "failing_layer", "reason", "scene_changed"
    )
    digest = hashlib.sha256()
    for row in rows.iterator(chunk_size=2000):
        digest.update(canonical_json(list(row)).encode())
    return digest.hexdigest()


@transaction.atomic
def patrol_run_finish(*, run: PatrolRun) -> bool:
    """Close the run once no check is pending (any worker may try; one wins)."""
    if run.checks.filter(state=PatrolCheck.State.PENDING).exists():
        return False
    won = PatrolRun.objects.filter(pk=run.pk, state=PatrolRun.State.RUNNING).update(
        state=PatrolRun.State.FINISHED,
        finished_at=timezone.now(),
        tally=selectors.run_tally(run=run),  # no check is pending: these counts are final
    )
    if won:
        run.refresh_from_db()
        progress = selectors.run_progress(run=run, user=None)
        event_append(
            actor=None,
            action="patrol.run_finish",
            target=run,
            clause="M-2.1",
            data={**progress, "checks_sha256": _checks_digest(run)},
        )
    return bool(won)


@transaction.atomic
def patrol_check_review(*, check: PatrolCheck, by: User, outcome: str, note: str) -> PatrolCheck:
    """The duty operator confirms a flagged result: confirmed fault or false alarm (M-1.4).

    A confirmed fault opens one fault record per camera fault episode (M-2.3). A result is
    reviewed once: a second reviewer, even one who loaded the page at the same moment, is
    told who reviewed it first and nothing of theirs is written.
    """
    if "review" not in selectors.check_actions(user=by, check=check):
        if check.review:
            raise _already_reviewed(check)
        raise RuleViolation(_("This result cannot be reviewed by you now."), clause="M-1.4")
    if outcome not in (PatrolCheck.Review.CONFIRMED_FAULT, PatrolCheck.Review.FALSE_ALARM):
        raise RuleViolation(_("Choose confirmed fault or false alarm."))
    if outcome == PatrolCheck.Review.FALSE_ALARM and not note.strip():
        raise RuleViolation(_("Say why it is a false alarm."))
    now = timezone.now()
    # Conditional UPDATE, not select_for_update: only while nobody has reviewed it and the
    # run is not countersigned; the loser of a race is told, not silently overwritten.
    won = PatrolCheck.objects.filter(
        pk=check.pk,
        review="",
        run__state__in=[PatrolRun.State.RUNNING, PatrolRun.State.FINISHED],
    ).update(review=outcome, review_note=note, reviewed_by=by, reviewed_at=now)
    check.refresh_from_db()
    if not won:
        if check.review:
            raise _already_reviewed(check)
        raise RuleViolation(_("The patrol run was countersigned meanwhile; it cannot change."))
    data = {"outcome": outcome, "note": note, "verdict": check.verdict, "camera": check.camera.code}
    if outcome == PatrolCheck.Review.CONFIRMED_FAULT:
        record = fault_record_open(check=check, by=by, at=now)
        data["fault_record"] = record.pk
    else:  # a false alarm clears what it caused, and nothing a standing check caused
        camera_false_alarm_clear(
            camera=check.camera,
            check_at=check.checked_at,
            verdict=check.verdict,
            checks=selectors.CameraCheckLedger(check.camera),
            by=by,
            at=now,
            note=note,
        )
    event_append(actor=by, action="patrol.check_review", target=check, clause="M-1.4", data=data)
    return check


def _already_reviewed(check: PatrolCheck) -> RuleViolation:
    return RuleViolation(
        _("%(who)s has already reviewed this result (%(outcome)s); reload the page.")
        % {"who": check.reviewed_by, "outcome": check.get_review_display()},
        clause="M-1.4",
    )


def fault_record_open(*, check: PatrolCheck, by: User, at) -> FaultRecord:
    """One fault record per episode: a fault confirmed again on a later day joins the open one."""
    camera = check.camera
    episode = DownEpisode.objects.filter(camera=camera, ended_at=None).first()
    open_record = (
        FaultRecord.objects.filter(camera=camera, cleared_at=None)
        .filter(Q(episode=episode) if episode else Q(episode=None))
        .first()
    )
    if open_record:
        return open_record
    symptom = check.reason or ", ".join(f.get("code", "") for f in check.findings)
    if check.scene_changed and not symptom:
        symptom = "scene changed"
    record = FaultRecord.objects.create(
        camera=camera,
        episode=episode,
        first_check=check,
        occurred_at=episode.started_at if episode else check.checked_at,
        symptom=symptom[:300] or check.get_verdict_display(),
        confirmed_by=by,
        confirmed_at=at,
    )
    event_append(
        actor=by,
        action="patrol.fault_record_open",
        target=record,
        clause="M-2.3",
        data={"camera": camera.code, "symptom": record.symptom, "occurred_at": record.occurred_at},
    )
    return record


@transaction.atomic
def fault_record_clear(*, record: FaultRecord, check: PatrolCheck, at) -> bool:
    """The camera passed a check again: the fault record gets its time cleared (M-2.3), with
    its own audit event. Returns False when the record was cleared already."""
    won = FaultRecord.objects.filter(pk=record.pk, cleared_at=None).update(cleared_at=at)
    if won:
        record.refresh_from_db()
        event_append(
            actor=None,
            action="patrol.fault_record_clear",
            target=record,
            clause="M-2.3",
            data={
                "camera": record.camera.code,
                "symptom": record.symptom,
                "cleared_at": record.cleared_at,
                "check": check.pk,
                "run": check.run_id,
            },
        )
    return bool(won)


@transaction.atomic
def patrol_run_sign(*, run: PatrolRun, by: User, note: str = "") -> PatrolRun:
    """A security-office staffer countersigns a finished daily run; then it is immutable.

    M-2.2 separates recording from checking: the signer is someone other than everyone who
    reviewed a result of the run. A re-check is not the day's record and is not signed."""
    if "sign" not in selectors.run_actions(user=by, run=run):
        if run.kind == PatrolRun.Kind.RECHECK:
            raise RuleViolation(
                _("A re-check is not a daily patrol record; it needs no countersignature."),
                clause="M-2.2",
            )
        if by.has_any_role(*selectors.SIGN_ROLES) and by.pk in selectors.run_reviewers(run=run):
            raise RuleViolation(
                _(
                    "You reviewed results of this run: someone else must countersign it "
                    "(recording and checking are kept apart)."
                ),
                clause="M-2.2",
            )
        raise RuleViolation(
            _("Only security-office staff may countersign a finished run."), clause="M-2.2"
        )
    unreviewed = selectors.checks_awaiting_review(run=run, user=None).count()
    if unreviewed:
        raise RuleViolation(
            _("%(n)d flagged result(s) still await the duty operator's review.")
            % {"n": unreviewed},
            clause="M-2.2",
        )
    # A review by the signer committed since the check above also loses the signature.
    reviewed_by_signer = PatrolCheck.objects.filter(run=OuterRef("pk"), reviewed_by=by)
    won = (
        PatrolRun.objects.filter(pk=run.pk, state=PatrolRun.State.FINISHED)
        .exclude(Exists(reviewed_by_signer))
        .update(
            state=PatrolRun.State.SIGNED, signed_by=by, signed_at=timezone.now(), sign_note=note
        )
    )
    if not won:
        raise RuleViolation(_("The run changed meanwhile; reload it."))
    run.refresh_from_db()
    event_append(
        actor=by,
        action="patrol.run_sign",
        target=run,
        clause="M-2.2",
        data={"note": note, "checks_sha256": _checks_digest(run)},
    )
    return run
