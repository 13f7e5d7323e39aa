"""Runs a patrol's pending checks: many cameras in flight per worker process, bounded.

Probing is I/O: the probe package's engine (``probe.probe_many``) runs on one asyncio loop in
its own thread and keeps PATROL_CONCURRENCY probes in flight, each an RTSP session on a
socket, with decoding in a small thread pool, retrying connection failures only. Results come
back through a queue and are written one by one by the calling thread, which owns the database
connection. Only checks still pending are touched, so a task delivered twice, or resumed after
a killed worker, checks each camera once (M-2.1).
"""

import asyncio
import queue
import threading
from dataclasses import replace

from django.conf import settings

from apps.cameras import probe
from apps.cameras.probing import CheckOutcome, camera_probe_job, outcome_from_result

from .models import PatrolCheck, PatrolRun
from .services import patrol_check_give_up, patrol_check_record, patrol_run_finish


def patrol_retry_policy() -> probe.RetryPolicy:
    """PATROL_RETRIES more tries of a connection failure, PATROL_RETRY_BACKOFF_SECONDS apart
    (doubling): a network blip is not a fault; a black picture or a wrong password is
    (M-2.1, ``probe.connection_failure``)."""
    return probe.RetryPolicy(
        attempts=1 + settings.PATROL_RETRIES,
        backoff_s=settings.PATROL_RETRY_BACKOFF_SECONDS,
        transient=probe.connection_failure,
    )


async def _probe_all(jobs: list[probe.ProbeJob], done: queue.Queue) -> None:
    """The probe package's engine, its outcomes handed to the database thread."""
    async for outcome in probe.probe_many(
        jobs, concurrency=settings.PATROL_CONCURRENCY, retry=patrol_retry_policy()
    ):
        done.put(outcome)


def run_pending_checks(run_id: int, *, check_ids: list[int] | None = None) -> int:
    """Check the run's pending cameras (or those of ``check_ids``); return how many were
    recorded by this call."""
    run = PatrolRun.objects.get(pk=run_id)
    if run.state != PatrolRun.State.RUNNING:
        return 0
    pending = PatrolCheck.objects.filter(run=run, state=PatrolCheck.State.PENDING)
    if check_ids is not None:
        pending = pending.filter(pk__in=check_ids)
    checks = {check.pk: check for check in pending.select_related("camera__location")}
    recorded = 0
    jobs: list[probe.ProbeJob] = []
    for pk, check in checks.items():
        try:
            jobs.append(replace(camera_probe_job(check.camera), key=pk))  # outcome -> check
        except ValueError as exc:  # nothing to probe: say why, once
            recorded += patrol_check_give_up(check=check, reason=str(exc))

    done: queue.Queue = queue.Queue()
    failure: list[BaseException] = []

    def probe_in_background() -> None:
        try:
            asyncio.run(_probe_all(jobs, done))
        except BaseException as exc:  # surfaces in the calling thread below
            failure.append(exc)
        finally:
            done.put(None)

    prober = threading.Thread(target=probe_in_background, name="patrol-probes", daemon=True)
    prober.start()
    while (item := done.get()) is not None:
        check = checks[item.key]
        if item.result is None:
            recorded += patrol_check_give_up(check=check, reason=item.error, attempts=item.attempts)
            continue
        outcome: CheckOutcome = outcome_from_result(item.result)
        recorded += patrol_check_record(check=check, outcome=outcome, attempts=item.attempts)
    prober.join()
    if failure:
        raise failure[0]
    patrol_run_finish(run=run)
    return recorded
