from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.cameras.selectors import camera_list, location_list
from apps.core.exceptions import RuleViolation
from apps.core.media import image_response
from apps.core.registers import RegisterListView

from . import selectors, services
from .documents import document_response
from .filters import FaultTicketFilterSet, ServiceContractFilterSet
from .forms import (
    TICKET_ACTION_LABELS,
    ContractForm,
    TicketAssignForm,
    TicketClearForm,
    TicketNoteForm,
    TicketOpenForm,
    TicketPauseForm,
)


class ContractRegisterView(RegisterListView):
    """The vendors' contracts (M-2.4); a vendor engineer sees their own company's only."""

    selector = staticmethod(selectors.contract_list)
    filterset_class = ServiceContractFilterSet
    title = gettext_lazy("Service contracts")
    template_name = "maintenance/contract_list.html"
    allowed_roles = selectors.CONTRACT_VIEW_ROLES
    csv_filename = "service-contracts.csv"
    columns = ("number", "vendor", "starts_on", "ends_on", "general_hours", "major_hours")

    def extra_context(self) -> dict:
        return {"may_create": selectors.contract_may_create(user=self.request.user)}


@login_required
def contract_create_view(request: HttpRequest) -> HttpResponse:
    if not selectors.contract_may_create(user=request.user):
        raise PermissionDenied  # M-2.4: the security office registers contracts
    form = ContractForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items()}
        try:
            contract = services.contract_create(by=request.user, **data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contract registered."))
            return redirect(contract)
    return render(request, "maintenance/contract_form.html", {"form": form})


@login_required
def contract_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    contract = selectors.contract_get(user=request.user, pk=pk)
    return render(request, "maintenance/contract_detail.html", {"contract": contract})


@login_required
def contract_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed document, only for a contract in the user's scope (else 404)."""
    return document_response(request, selectors.contract_get(user=request.user, pk=pk).document)


class TicketRegisterView(RegisterListView):
    """Fault tickets on the vendor's clock (M-2.3, M-2.4)."""

    selector = staticmethod(selectors.ticket_list)
    filterset_class = FaultTicketFilterSet
    title = gettext_lazy("Fault tickets")
    template_name = "maintenance/ticket_list.html"
    allowed_roles = selectors.TICKET_VIEW_ROLES
    csv_filename = "fault-tickets.csv"
    columns = (
        "number",
        "camera",
        "location",
        "vendor",
        "severity",
        "state",
        "occurred_at",
        "reported_at",
        "deadline_at",
        "cleared_at",
    )

    def extra_context(self) -> dict:
        user = self.request.user
        return {
            "may_open": user.has_any_role(*selectors.OFFICE_ROLES) and not user.is_vendor_engineer
        }


@login_required
def ticket_open_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_any_role(*selectors.OFFICE_ROLES) or user.is_vendor_engineer:
        raise PermissionDenied  # M-2.3: the monitoring center reports faults
    form = TicketOpenForm(
        request.POST or None,
        cameras=camera_list(user=user),
        locations=location_list(user=user),
    )
    if form.is_valid():
        try:
            ticket = services.ticket_open(by=user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Fault ticket %(number)s opened.") % {"number": ticket})
            return redirect(ticket)
    return render(request, "maintenance/ticket_form.html", {"form": form})


@login_required
def ticket_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = selectors.ticket_get(user=request.user, pk=pk)
    actions = selectors.ticket_actions(user=request.user, ticket=ticket)
    return render(
        request,
        "maintenance/ticket_detail.html",
        {
            "ticket": ticket,
            "clock": selectors.ticket_clock(ticket=ticket),
            "timeline": selectors.ticket_timeline_rows(ticket=ticket),
            "pauses": ticket.pauses.select_related("started_by", "ended_by"),
            "actions": [
                (verb, TICKET_ACTION_LABELS[verb], reverse(f"maintenance_ticket_{verb}", args=[pk]))
                for verb in TICKET_VERBS
                if verb in actions
            ],
            "pause_form": TicketPauseForm(),
            "assign_form": TicketAssignForm(),
        },
    )


_ACTION_SERVICES = {
    "acknowledge": services.ticket_acknowledge,
    "on_site": services.ticket_on_site,
    "clear": services.ticket_clear,
    "verify": services.ticket_verify,
    "reopen": services.ticket_reopen,
    "close": services.ticket_close,
    "pause_end": services.ticket_pause_end,
    "severity_raise": services.ticket_severity_raise,
    "pause_start": services.ticket_pause_start,
    "assign": services.ticket_assign,
    "note": services.ticket_note,
}
TICKET_VERBS = tuple(_ACTION_SERVICES)
_ACTION_FORMS = {
    "pause_start": TicketPauseForm,
    "assign": TicketAssignForm,
    "clear": TicketClearForm,
}


@login_required
@require_POST
def ticket_action_view(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One state change of a ticket: the buttons on its page post here (M-2.3, M-2.4)."""
    if not selectors.ticket_may_ever(user=request.user, verb=verb):
        raise PermissionDenied  # a role that never does this: refused before any lookup
    ticket = selectors.ticket_get(user=request.user, pk=pk)  # out of scope: 404
    form = _ACTION_FORMS.get(verb, TicketNoteForm)(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the form: %(errors)s") % {"errors": form.errors.as_text()})
        return redirect(ticket)
    try:
        _ACTION_SERVICES[verb](ticket=ticket, by=request.user, **form.cleaned_data)
    except RuleViolation as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(action)s: done.") % {"action": TICKET_ACTION_LABELS[verb]})
    return redirect(ticket)


@login_required
def ticket_photo_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A clear's before/after photo, only if its ticket is in the user's scope (else 404)."""
    return image_response(request, selectors.ticket_photo_get(user=request.user, pk=pk).image)
