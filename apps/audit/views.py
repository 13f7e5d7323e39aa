import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from apps.core.filters import DB_INT_MAX
from apps.core.registers import RegisterListView, register_cell

from . import selectors
from .filters import AuditEventFilterSet
from .labels import action_label, actor_name, target_type_label
from .selectors import AUDIT_READER_ROLES
from .services import event_append


class AuditEventRegisterView(RegisterListView):
    """The audit chain for auditors (M-4.2): readable labels beside the recorded codes."""

    register_name = "audit.events"  # background exports (issue 15)
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
    row_template = "audit/_event_rows.html"
    allowed_roles = AUDIT_READER_ROLES
    csv_filename = "audit-events.csv"

    def rows(self, objects) -> list[tuple]:
        return [
            (
                event,
                {
                    "occurred_at": register_cell(event, "occurred_at"),
                    "actor_name": actor_name(event),
                    "action_label": action_label(event.action),
                    "target_type_label": target_type_label(event.target_type),
                },
            )
            for event in objects
        ]

    def csv_headers(self) -> list:
        field = self.get_queryset().model._meta.get_field
        return [
            field("sequence").verbose_name,
            field("occurred_at").verbose_name,
            _("actor"),
            _("username"),
            field("action").verbose_name,
            _("action code"),
            field("target_type").verbose_name,
            _("target type code"),
            field("target_id").verbose_name,
            field("target_label").verbose_name,
            field("clause").verbose_name,
            field("data").verbose_name,
        ]

    def csv_row(self, event) -> list:
        return [
            event.sequence,
            register_cell(event, "occurred_at"),
            actor_name(event),
            event.actor_label,
            action_label(event.action),
            event.action,
            target_type_label(event.target_type),
            event.target_type,
            event.target_id,
            event.target_label,
            event.clause,
            json.dumps(event.data, ensure_ascii=False, sort_keys=True) if event.data else "",
        ]


@login_required
def event_detail_view(request: HttpRequest, sequence: int) -> HttpResponse:
    """One event with its data: before/after values as a table (M-1.3), the rest as key and
    value; auditors only (M-4.2)."""
    if not request.user.has_any_role(*AUDIT_READER_ROLES):
        raise PermissionDenied
    if sequence > DB_INT_MAX:
        raise Http404  # past what the database can compare: no such event
    event = selectors.event_get(user=request.user, sequence=sequence)
    context = {
        "event": event,
        "occurred_at": register_cell(event, "occurred_at"),
        "actor_name": actor_name(event),
        "action_label": action_label(event.action),
        "target_type_label": target_type_label(event.target_type),
        **selectors.event_detail(event=event),
    }
    return render(request, "audit/event_detail.html", context)


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
