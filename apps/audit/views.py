from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.registers import RegisterListView

from . import selectors
from .filters import AuditEventFilterSet
from .selectors import AUDIT_READER_ROLES
from .services import event_append


class AuditEventRegisterView(RegisterListView):
    selector = staticmethod(selectors.event_list)
    filterset_class = AuditEventFilterSet
    columns = (
        "sequence",
        "occurred_at",
        "actor_label",
        "action",
        "target_type",
        "target_label",
        "clause",
    )
    title = _("Audit events")
    allowed_roles = AUDIT_READER_ROLES
    csv_filename = "audit-events.csv"


def permission_denied_view(request: HttpRequest, exception=None) -> HttpResponse:
    """403 page; the refusal itself is evidence (M-1.2: unauthorised use is refused)."""
    event_append(
        actor=request.user,
        action="core.permission_denied",
        target_type="url",
        target_id="",
        target_label=request.path[:200],
        clause="M-1.2",
        data={"method": request.method},
    )
    return render(request, "403.html", status=403)
