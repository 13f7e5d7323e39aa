"""Runs a patrol's pending checks: many cameras in flight per worker process, bounded.

Probing is I/O: one asyncio loop (in its own thread) keeps PATROL_CONCURRENCY probes in
flight, each an RTSP session on a socket, with decoding in a small thread pool. Results come
back through a queue and are written one by one by the calling thread, which owns the database
connection. Only checks still pending are touched, so a task delivered twice, or resumed after
a killed worker, checks each camera once (M-2.1).
"""

import asyncio
import logging
import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings

from apps.cameras import probe
from apps.cameras.probing import CheckOutcome, camera_probe_job, outcome_from_result

from .models import PatrolCheck, PatrolRun
from .services import patrol_check_give_up, patrol_check_record, patrol_run_finish

log = logging.getLogger(__name__)
# Decoding and diagnosis are short CPU bursts: a few threads serve many sockets.
DECODE_THREADS = 4


@dataclass
class _Done:
    check_id: int
    attempts: int
    result: probe.ProbeResult | None = None
    error: str = ""


def _is_transient(result: probe.ProbeResult) -> bool:
    """Connection-level failures may be a network blip: try again before calling it a fault.
    A picture that is black or frozen is not transient; neither is a wrong password."""
    if result.verdict not in ("fault", "unknown"):
        return False
    if "401" in result.reason or "authentication" in result.reason.lower():
        return False
    return result.failing_layer in ("tcp", "onvif", "rtsp", "frame", None)


async def _probe_all(jobs: dict[int, probe.ProbeJob], done: queue.Queue) -> None:
    slots = asyncio.Semaphore(settings.PATROL_CONCURRENCY)
    retries = settings.PATROL_RETRIES
    backoff = settings.PATROL_RETRY_BACKOFF_SECONDS
    with ThreadPoolExecutor(max_workers=DECODE_THREADS, thread_name_prefix="decode") as pool:

        async def check(check_id: int, job: probe.ProbeJob) -> None:
            attempt = 0
            while True:
                attempt += 1
                try:
                    async with slots:
                        result = await probe.probe_camera_async(
                            job.target,
                            thresholds=job.thresholds,
                            reference=job.reference,
                            executor=pool,
                        )
                except Exception as exc:  # a bug in one probe must not stop the patrol
                    log.exception("patrol probe failed")
                    result, error = None, f"check failed: {type(exc).__name__}"
                else:
                    error = ""
                if attempt > retries or (result is not None and not _is_transient(result)):
                    done.put(_Done(check_id, attempt, result, error))
                    return
                await asyncio.sleep(backoff * 2 ** (attempt - 1))

        await asyncio.gather(*(check(pk, job) for pk, job in jobs.items()))


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
    jobs: dict[int, probe.ProbeJob] = {}
    for pk, check in checks.items():
        try:
            jobs[pk] = camera_probe_job(check.camera)
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
        check = checks[item.check_id]
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
