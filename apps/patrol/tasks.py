"""Celery tasks: idempotent wrappers over the patrol's services. They take ids, load fresh
state and can run twice without harm; the database records what is still due."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError
from django.utils import timezone

from apps.core.exceptions import RuleViolation

from . import execution, services
from .models import PatrolCheck, PatrolRun


@shared_task(acks_late=True)
def patrol_daily() -> int | None:
    """Beat's daily run of every active camera (once per day, M-2.1)."""
    try:
        run = services.patrol_run_start(by=None, trigger=PatrolRun.Trigger.SCHEDULE)
    except RuleViolation:
        return None  # no camera in service: nothing to patrol
    except IntegrityError:
        # Another delivery started today's run between our look and our insert: the
        # database's one-run-per-day constraint refused this one. Already started.
        return PatrolRun.objects.get(
            trigger=PatrolRun.Trigger.SCHEDULE, scheduled_for=timezone.localdate()
        ).pk
    return run.pk


@shared_task(acks_late=True)
def patrol_run_execute(run_id: int) -> int:
    """Fan the run's pending checks out in chunks, so every worker process takes a share."""
    pending = list(
        PatrolCheck.objects.filter(run_id=run_id, state=PatrolCheck.State.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    size = settings.PATROL_CHUNK_SIZE
    for start in range(0, len(pending), size):
        patrol_chunk_check.delay(run_id, pending[start : start + size])
    if not pending:
        services.patrol_run_finish(run=PatrolRun.objects.get(pk=run_id))
    return len(pending)


@shared_task(acks_late=True)
def patrol_chunk_check(run_id: int, check_ids: list[int]) -> int:
    return execution.run_pending_checks(run_id, check_ids=check_ids)


@shared_task
def patrol_resume_stale(minutes: int = 15) -> list[int]:
    """Re-queue runs whose pending checks made no progress for ``minutes`` (a lost worker)."""
    cutoff = timezone.now() - timedelta(minutes=minutes)
    resumed = []
    for run in PatrolRun.objects.filter(state=PatrolRun.State.RUNNING, started_at__lt=cutoff):
        latest = run.checks.exclude(checked_at=None).order_by("-checked_at").first()
        if latest is None or latest.checked_at < cutoff:
            patrol_run_execute.delay(run.pk)
            resumed.append(run.pk)
    return resumed
