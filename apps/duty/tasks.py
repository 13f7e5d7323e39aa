"""Celery tasks of duty: idempotent wrappers over the services (they load fresh state and can
run twice without harm; the database records what is still due)."""

from celery import shared_task

from .abnormal import abnormal_escalate_due


@shared_task(acks_late=True)
def duty_abnormal_escalate() -> int:
    """Escalate the abnormal-event reports nobody acknowledged in time (M-1.4); a second run,
    or one at the same time, escalates nothing twice."""
    return len(abnormal_escalate_due())
