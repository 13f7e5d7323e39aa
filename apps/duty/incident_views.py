"""Pages of emergencies (M-1.5): incident records and their preservation holds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.core.exceptions import RuleViolation
from apps.core.registers import RegisterListView

from . import holds
from .forms import HoldForm, HoldLiftForm, IncidentForm


class IncidentRegisterView(RegisterListView):
    """Every incident record, newest first (M-1.5)."""

    selector = staticmethod(holds.incident_list)
    title = gettext_lazy("Incident records")
    template_name = "duty/incident_list.html"
    allowed_roles = holds.INCIDENT_VIEW_ROLES
    csv_filename = "incident-records.csv"
    columns = ("title", "occurred_at", "opened_by", "opened_at")

    def extra_context(self) -> dict:
        return {"actions": holds.incident_actions(user=self.request.user)}


@login_required
def incident_new_view(request: HttpRequest) -> HttpResponse:
    if "open" not in holds.incident_actions(user=request.user):
        raise PermissionDenied
    form = IncidentForm(request.POST or None)
    if form.is_valid():
        try:
            incident = holds.incident_open(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Incident recorded; now place the preservation holds."))
            return redirect(incident)
    status = 400 if form.errors else 200
    return render(request, "duty/incident_form.html", {"form": form}, status=status)


def _incident_page(request, incident, hold_form=None, lift_form=None, status=200):
    context = {
        "incident": incident,
        "holds": list(holds.hold_list(user=request.user).filter(incident=incident)),
        "actions": holds.incident_actions(user=request.user),
        "hold_form": hold_form or HoldForm(user=request.user),
        "lift_form": lift_form or HoldLiftForm(),
    }
    return render(request, "duty/incident_detail.html", context, status=status)


@login_required
def incident_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not holds.incidents_may_view(user=request.user):
        raise PermissionDenied
    return _incident_page(request, holds.incident_get(user=request.user, pk=pk))


@login_required
@require_POST
def hold_place_view(request: HttpRequest, pk: int) -> HttpResponse:
    if "hold" not in holds.incident_actions(user=request.user):
        raise PermissionDenied
    incident = holds.incident_get(user=request.user, pk=pk)
    form = HoldForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            holds.hold_place(incident=incident, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Preservation hold placed."))
            return redirect(incident)
    return _incident_page(request, incident, hold_form=form, status=400)


@login_required
@require_POST
def hold_lift_view(request: HttpRequest, pk: int) -> HttpResponse:
    if "lift" not in holds.incident_actions(user=request.user):
        raise PermissionDenied  # only the security chief lifts a hold (M-1.5)
    hold = holds.hold_get(user=request.user, pk=pk)
    form = HoldLiftForm(request.POST)
    if form.is_valid():
        try:
            holds.hold_lift(hold=hold, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Preservation hold lifted."))
            return redirect(hold.incident)
    return _incident_page(request, hold.incident, lift_form=form, status=400)
