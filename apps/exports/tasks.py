"""Celery tasks of the exports: ids in, fresh state loaded, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def export_run(job_id: int) -> str | None:
    """Write one background export (issue 15); a job done, failed or running in a live worker
    is left alone, one whose worker was killed is taken again."""
    job = services.export_job_run(job_id=job_id)
    return job.state if job else None


@shared_task
def export_purge_expired() -> list[int]:
    """Beat: expired exports lose their files (EXPORT_TTL_HOURS)."""
    return services.exports_purge_expired()


@shared_task
def export_resume_stale() -> list[int]:
    """Beat: queue again the jobs a killed worker or a lost message left behind."""
    due = services.exports_stale()
    for job_id in due:
        export_run.delay(job_id)
    return due
