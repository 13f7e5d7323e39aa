"""Runs a patrol's pending checks: many cameras in flight per worker process, bounded.

Probing is I/O (sockets, RTSP, decoding in OpenCV without the GIL), so a thread pool of
PATROL_CONCURRENCY probes per process keeps the cores busy; results are written one by one in
the calling thread. Only checks still pending are touched, so a task delivered twice, or
resumed after a killed worker, checks each camera once (M-2.1).
"""

import logging
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait

from django.conf import settings

from apps.cameras.probing import CheckOutcome, camera_check

from .models import PatrolCheck, PatrolRun
from .services import patrol_check_give_up, patrol_check_record, patrol_run_finish

log = logging.getLogger(__name__)


def _is_transient(outcome: CheckOutcome) -> bool:
    """Connection-level failures may be a network blip: try again before calling it a fault.
    A picture that is black or frozen is not transient."""
    return outcome.verdict in ("fault", "unknown") and outcome.failing_layer in (
        "tcp",
        "onvif",
        "rtsp",
        "frame",
        None,
    )


def run_pending_checks(run_id: int, *, check_ids: list[int] | None = None) -> int:
    """Check the run's pending cameras (or those of ``check_ids``); return how many were
    recorded by this call."""
    run = PatrolRun.objects.get(pk=run_id)
    if run.state != PatrolRun.State.RUNNING:
        return 0
    pending = PatrolCheck.objects.filter(run=run, state=PatrolCheck.State.PENDING)
    if check_ids is not None:
        pending = pending.filter(pk__in=check_ids)
    checks = list(pending.select_related("camera__location"))
    retries = settings.PATROL_RETRIES
    backoff = settings.PATROL_RETRY_BACKOFF_SECONDS
    recorded = 0
    attempts: dict[int, int] = {check.pk: 0 for check in checks}
    by_future: dict[Future, PatrolCheck] = {}
    with ThreadPoolExecutor(
        max_workers=settings.PATROL_CONCURRENCY, thread_name_prefix="patrol"
    ) as pool:
        for check in checks:
            by_future[pool.submit(camera_check, check.camera)] = check
        while by_future:
            done, _ = wait(by_future, return_when=FIRST_COMPLETED)
            for future in done:
                check = by_future.pop(future)
                attempts[check.pk] += 1
                try:
                    outcome = future.result()
                except Exception as exc:  # a bug in one probe must not stop the patrol
                    log.exception("patrol check of camera %s failed", check.camera.code)
                    outcome = None
                    error = f"check failed: {type(exc).__name__}"
                if outcome is not None and not (
                    _is_transient(outcome) and attempts[check.pk] <= retries
                ):
                    recorded += patrol_check_record(
                        check=check, outcome=outcome, attempts=attempts[check.pk]
                    )
                elif attempts[check.pk] <= retries:
                    delay = backoff * 2 ** (attempts[check.pk] - 1)
                    by_future[pool.submit(_after, delay, camera_check, check.camera)] = check
                else:
                    recorded += patrol_check_give_up(
                        check=check, reason=error, attempts=attempts[check.pk]
                    )
    patrol_run_finish(run=run)
    return recorded


def _after(delay: float, func, *args):
    time.sleep(delay)
    return func(*args)
