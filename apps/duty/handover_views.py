"""Pages of the shift handover (M-1.2) and of abnormal events (M-1.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.exceptions import RuleViolation
from apps.core.registers import RegisterListView, register_cell

from . import abnormal, handover, selectors
from .filters import AbnormalEventFilterSet, HandoverFilterSet
from .forms import AbnormalEventForm, HandoverForm


class HandoverRegisterView(RegisterListView):
    """Every shift handover, newest first; waiting ones by a filter (M-1.2)."""

    selector = staticmethod(handover.handover_list)
    filterset_class = HandoverFilterSet
    title = gettext_lazy("Shift handovers")
    template_name = "duty/handover_list.html"
    allowed_roles = selectors.ROSTER_VIEW_ROLES
    csv_filename = "shift-handovers.csv"
    columns = ("written_at", "written_by", "shift", "note", "acknowledged_by", "acknowledged_at")

    def extra_context(self) -> dict:
        return {"may_write": self.request.user.has_role(Role.DUTY_OPERATOR)}


def _operator_only(request: HttpRequest) -> None:
    if not request.user.has_role(Role.DUTY_OPERATOR):
        raise PermissionDenied  # duty operators hand over and acknowledge (M-1.2)


@login_required
def handover_new_view(request: HttpRequest) -> HttpResponse:
    """The outgoing operator's note; the page shows the open items the system will add."""
    _operator_only(request)
    form = HandoverForm(request.POST or None)
    if form.is_valid():
        try:
            written = handover.handover_write(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Shift handed over; the incoming shift is told."))
            return redirect(written)
    now = timezone.now()
    context = {
        "form": form,
        "shift": handover.handover_shift(user=request.user, now=now),
        "items": handover.handover_open_items(user=request.user, at=now),
    }
    return render(request, "duty/handover_form.html", context, status=400 if form.errors else 200)


@login_required
def handover_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not handover.handover_may_view(user=request.user):
        raise PermissionDenied
    shown = handover.handover_get(user=request.user, pk=pk)
    context = {
        "handover": shown,
        "items": list(shown.items.all()),
        "actions": handover.handover_actions(user=request.user, handover=shown, now=timezone.now()),
    }
    return render(request, "duty/handover_detail.html", context)


@login_required
@require_POST
def handover_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    _operator_only(request)
    shown = handover.handover_get(user=request.user, pk=pk)
    try:
        handover.handover_acknowledge(handover=shown, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Handover acknowledged: the open items are yours now."))
    return redirect(shown)


# --- Abnormal events (M-1.4)


class AbnormalEventRegisterView(RegisterListView):
    """Every abnormal-event report, newest first (M-1.4)."""

    selector = staticmethod(abnormal.abnormal_list)
    filterset_class = AbnormalEventFilterSet
    title = gettext_lazy("Abnormal events")
    template_name = "duty/abnormal_list.html"
    allowed_roles = abnormal.VIEW_ROLES
    csv_filename = "abnormal-events.csv"
    columns = (
        "reported_at",
        "category",
        "where",
        "occurred_at",
        "reported_by",
        "reported_to",
        "acknowledged_at",
        "escalated_at",
    )

    def column_headers(self) -> list[str]:
        from .models import AbnormalEvent

        fields = AbnormalEvent._meta
        return [
            gettext_lazy("camera or location") if c == "where" else fields.get_field(c).verbose_name
            for c in self.columns
        ]

    def rows(self, objects):
        return [(obj, [register_cell(obj, c) for c in self.columns]) for obj in objects]

    def extra_context(self) -> dict:
        return {"may_report": abnormal.abnormal_may_report(user=self.request.user)}


@login_required
def abnormal_new_view(request: HttpRequest) -> HttpResponse:
    if not abnormal.abnormal_may_report(user=request.user):
        raise PermissionDenied
    form = AbnormalEventForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            event = abnormal.abnormal_report(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Abnormal event recorded and reported to %(person)s.")
                % {"person": event.reported_to},
            )
            return redirect(event)
    return render(
        request, "duty/abnormal_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def abnormal_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not abnormal.abnormal_may_view(user=request.user):
        raise PermissionDenied
    event = abnormal.abnormal_get(user=request.user, pk=pk)
    context = {"event": event, "actions": abnormal.abnormal_actions(user=request.user, event=event)}
    return render(request, "duty/abnormal_detail.html", context)


@login_required
@require_POST
def abnormal_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_any_role(*abnormal.SUPERIOR_ROLES):
        raise PermissionDenied  # the security office acknowledges (M-1.4)
    event = abnormal.abnormal_get(user=request.user, pk=pk)
    try:
        abnormal.abnormal_acknowledge(event=event, by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Abnormal event acknowledged."))
    return redirect(event)
