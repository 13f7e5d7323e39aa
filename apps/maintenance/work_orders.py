"""The fault ticket as the work order (issue 16, M-1.3, M-2.3): while a camera has an open
ticket, its vendor's settings changes name that ticket's number as their work order, so the
change control of apps/cameras and the ticket tell one story. Cameras sits below maintenance
and never imports it: it reads ``work_order_refusals`` (apps/core/providers.py)."""

from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.cameras.models import Camera

from .models import FaultTicket
from .selectors import HANDOVER_STATES

# Open, or cleared and waiting for its re-check: the work is not over yet.
WORK_STATES = HANDOVER_STATES


def open_ticket_numbers(*, camera: Camera, vendor_id: int | None) -> list[str]:
    """The numbers of ``camera``'s tickets not yet verified, of the vendor's company."""
    if vendor_id is None:
        return []
    return list(
        FaultTicket.objects.filter(camera=camera, vendor_id=vendor_id, state__in=WORK_STATES)
        .order_by("reported_at", "pk")
        .values_list("number", flat=True)
    )


def ticket_work_order_refusals(*, user: User, camera: Camera, work_order: str) -> list[str]:
    """A vendor engineer changing a camera that has an open fault ticket of their company uses
    the ticket's number as the work order (issue 16); otherwise nothing to say."""
    if not user.is_vendor_engineer:
        return []
    numbers = open_ticket_numbers(camera=camera, vendor_id=user.department_id)
    if not numbers or work_order.strip().upper() in {n.upper() for n in numbers}:
        return []
    return [
        _(
            "Camera %(camera)s has the open fault ticket %(numbers)s: give its number as the "
            "work order of this change."
        )
        % {"camera": camera.code, "numbers": ", ".join(numbers)}
    ]
