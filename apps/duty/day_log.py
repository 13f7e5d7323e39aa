"""Duty's entries of the day's operation and maintenance log (M-2.2; the ``day_log_entries``
provider, apps/core/providers.py): each shift's check-in and check-out, the handovers and their
acknowledgement, and the abnormal events reported (M-1.4)."""

from datetime import date, timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.models import User

from . import selectors
from .abnormal import abnormal_list
from .coverage import local_midnight
from .handover import handover_list


def duty_day_log_entries(*, user: User, day: date) -> list[dict]:
    """What duty recorded on the local ``day``, in time order, for whoever reads the roster."""
    zone = selectors.site_zone()
    start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
    entries = []
    roster = reverse("duty_attendance")
    checked = selectors.attendance_list(user=user).filter(
        checked_in_at__lt=end, checked_in_at__gte=start - timedelta(days=2)
    )
    for shift in checked:
        for at, text in (
            (shift.checked_in_at, _("%(person)s checked in to %(shift)s")),
            (shift.checked_out_at, _("%(person)s checked out of %(shift)s")),
        ):
            if at is not None and start <= at < end:
                entries.append(
                    {
                        "at": at,
                        "label": text % {"person": shift.operator, "shift": shift.template},
                        "url": roster,
                        "source": "duty",
                        "clause": "M-1.2",
                    }
                )
    handovers = handover_list(user=user).filter(written_at__lt=end, written_at__gte=start)
    for handover in handovers:
        entries.append(
            {
                "at": handover.written_at,
                "label": _("Shift handed over by %(person)s: %(note)s")
                % {"person": handover.written_by, "note": handover.note[:200]},
                "url": handover.get_absolute_url(),
                "source": "duty",
                "clause": "M-1.2",
            }
        )
    acknowledged = handover_list(user=user).filter(
        acknowledged_at__lt=end, acknowledged_at__gte=start
    )
    for handover in acknowledged:
        entries.append(
            {
                "at": handover.acknowledged_at,
                "label": _("Handover of %(writer)s acknowledged by %(person)s")
                % {"writer": handover.written_by, "person": handover.acknowledged_by},
                "url": handover.get_absolute_url(),
                "source": "duty",
                "clause": "M-1.2",
            }
        )
    for event in abnormal_list(user=user).filter(reported_at__lt=end, reported_at__gte=start):
        entries.append(
            {
                "at": event.reported_at,
                "label": _("Abnormal event: %(event)s, %(where)s — %(description)s")
                % {
                    "event": event.get_category_display(),
                    "where": event.where,
                    "description": event.description[:200],
                },
                "url": event.get_absolute_url(),
                "source": "duty",
                "clause": "M-1.4",
            }
        )
    entries.sort(key=lambda entry: entry["at"])
    return entries
