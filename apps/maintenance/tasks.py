"""Celery tasks of maintenance: idempotent wrappers over the services (they take ids, load
fresh state, and can run twice without harm; the database records what is still due)."""

import logging
from functools import partial

from celery import shared_task
from django.db import transaction

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def maintenance_ticket_from_fault(record_id: int) -> int | None:
    """The ticket of one fault record (M-2.3); a second delivery finds it and returns."""
    from apps.patrol.models import FaultRecord

    record = FaultRecord.objects.select_related("camera__location", "first_check").filter(
        pk=record_id
    )
    record = record.first()
    if record is None:
        return None
    ticket, _created = services.ticket_from_fault_record(record=record)
    return ticket.pk


@shared_task(acks_late=True)
def maintenance_ticket_recheck(ticket_id: int) -> int | None:
    """Start the re-check of a cleared ticket's camera (queued by the clear, after commit)."""
    from .models import FaultTicket

    ticket = FaultTicket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return None
    run = services.ticket_recheck_start(ticket=ticket)
    return run.pk if run else None


@shared_task
def maintenance_rechecks_settle() -> dict[int, str]:
    """Beat: cleared tickets whose camera was checked since the clear are verified or
    reopened (M-2.3, M-2.4)."""
    return services.tickets_recheck_settle()


@shared_task
def maintenance_sla_escalate() -> dict[int, list[str]]:
    """Beat (every minute): notify 80 % of the allowance and missed deadlines (M-2.4); each
    threshold once per ticket, however often it runs."""
    from .escalation import tickets_sla_escalate

    return tickets_sla_escalate()


@shared_task
def maintenance_daylogs_check() -> list[str]:
    """Beat: today's O&M log exists; days unsigned 24 h after their end are notified once
    (M-2.2)."""
    from .daylog import day_logs_check

    return day_logs_check()


@shared_task
def maintenance_tickets_sync() -> list[int]:
    """Beat's safety net: every fault record without its ticket gets one (M-2.3)."""
    return services.tickets_sync()


def _queue_ticket(record_id: int) -> None:
    """Queue the ticket of a committed fault record. A broker that is down must not fail the
    operator's review that confirmed the fault (it is committed): the periodic sync opens the
    ticket later."""
    try:
        maintenance_ticket_from_fault.delay(record_id)
    except Exception:  # kombu's connection errors and the like
        logger.warning("fault record %s: ticket not queued; the periodic sync opens it", record_id)


def fault_record_saved(sender, instance, created: bool, **kwargs) -> None:
    """post_save of the patrol's FaultRecord: queue its ticket once the record is committed.
    Only queues; the rule (one ticket per record) is the service's."""
    if created and not kwargs.get("raw"):
        transaction.on_commit(partial(_queue_ticket, instance.pk))
